package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
)

func TestRenderAll(t *testing.T) {
	reps := []*analysis.Report{incidentReport(), cloudfrontReport()}
	render := func(format string) string {
		t.Helper()
		var b bytes.Buffer
		if err := RenderAll(&b, reps, Options{Format: format}); err != nil {
			t.Fatalf("RenderAll %s: %v", format, err)
		}
		return b.String()
	}

	// HTML: one page, both reports in it.
	page := render("html")
	if n := strings.Count(page, "<!DOCTYPE html>"); n != 1 {
		t.Errorf("%d documents, want 1", n)
	}
	if n := strings.Count(page, `<div class="report">`); n != 2 {
		t.Errorf("%d reports in the page, want 2", n)
	}
	if !strings.HasSuffix(strings.TrimSpace(page), "</html>") {
		t.Error("the page does not end with </html>")
	}
	for _, want := range []string{"ALB 5xx triage", "CloudFront 5xx triage"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}

	// JSON: one object per line, each the report alone.
	lines := strings.Split(strings.TrimSuffix(render("json"), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d JSON lines, want 2", len(lines))
	}
	for i, l := range lines {
		var got analysis.Report
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if got.Format != reps[i].Format {
			t.Errorf("line %d is the %q report, want %q", i+1, got.Format, reps[i].Format)
		}
	}

	// One report renders as Render does.
	var one, all bytes.Buffer
	Render(&one, reps[0], Options{Format: "html"})
	RenderAll(&all, reps[:1], Options{Format: "html"})
	if one.String() != all.String() {
		t.Error("RenderAll of one report differs from Render")
	}
	if err := RenderAll(&all, nil, Options{}); err == nil {
		t.Error("RenderAll of no report: no error")
	}
}
