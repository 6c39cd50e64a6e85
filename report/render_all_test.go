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

// TestRenderAll_Overview: several reports open with the line naming the
// load balancer most 5xx are at, in text, markdown and HTML; JSON stays
// one report per line.
func TestRenderAll_Overview(t *testing.T) {
	big, small := incidentReport(), incidentReport()
	big.LoadBalancer = &analysis.LoadBalancer{Name: "shop-prod-alb", ResourceID: "app/shop-prod-alb/50dc6c495c0c9188", Account: "123456789012", Region: "eu-west-1"}
	small.LoadBalancer = &analysis.LoadBalancer{Name: "admin-alb", ResourceID: "app/admin-alb/1111111111111111"}
	small.Errors.Total5xx = 12
	reps := []*analysis.Report{big, small}
	want := "2 reports; most 5xx are at load balancer shop-prod-alb (" + itoa(int(big.Errors.Total5xx)) + " of " +
		itoa(int(big.Errors.Total5xx+12)) + "); the others: load balancer admin-alb 12."
	for _, format := range []string{"text", "markdown", "html"} {
		var b bytes.Buffer
		if err := RenderAll(&b, reps, Options{Format: format}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		switch format {
		case "text":
			if !strings.HasPrefix(out, "Overview: "+want+"\n\nALB 5xx triage of shop-prod-alb, ") {
				t.Errorf("text starts %.200q", out)
			}
		case "markdown":
			if !strings.HasPrefix(out, "> **Overview:** "+mdText(want)+"\n\n# ALB 5xx triage of shop-prod-alb, ") {
				t.Errorf("markdown starts %.200q", out)
			}
		case "html":
			if !strings.Contains(out, "<b>Overview</b> · "+want) {
				t.Errorf("HTML has no overview")
			}
		}
		for _, lb := range []string{"shop-prod-alb (app/shop-prod-alb/50dc6c495c0c9188), account 123456789012, eu-west-1", "admin-alb (app/admin-alb/1111111111111111)"} {
			if !strings.Contains(out, lb) {
				t.Errorf("%s: no %q", format, lb)
			}
		}
	}
	var b bytes.Buffer
	if err := RenderAll(&b, reps, Options{Format: "json"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "Overview") || strings.Count(b.String(), "\n") != 2 {
		t.Errorf("JSON: %.200q", b.String())
	}
	// No 5xx anywhere: the overview says so.
	big.Errors.Total5xx, small.Errors.Total5xx = 0, 0
	if got := overview(reps); got != "2 reports, no 5xx in any: load balancer shop-prod-alb, load balancer admin-alb." {
		t.Errorf("overview %q", got)
	}
	// What leads beyond the 5xx is named.
	small.Verdict.Headline, small.Verdict.Fault = "Every backend fails its check", true
	if got := overview(reps); got != "2 reports, no 5xx in any: load balancer shop-prod-alb, load balancer admin-alb; beyond the 5xx, load balancer admin-alb: Every backend fails its check." {
		t.Errorf("overview %q", got)
	}
}

// TestRender_OtherLoadBalancers: the rows of other load balancers are
// counted with the lines, when there are any.
func TestRender_OtherLoadBalancers(t *testing.T) {
	rep := incidentReport()
	rep.Lines.OtherLoadBalancers = 1234
	for _, format := range []string{"text", "markdown", "html"} {
		var b bytes.Buffer
		if err := Render(&b, rep, Options{Format: format}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), ", other load balancers 1,234") {
			t.Errorf("%s: no count of other load balancers' rows", format)
		}
	}
}

// TestSections: a family's section, rendered by every format from its
// generic parts: facts, counters, tables (text and markdown cut at Top)
// and a state timeline.
func TestSections(t *testing.T) {
	rep := quietReport()
	tl := analysis.StateTimeline{Title: "Target health", Start: at("2026-11-20T13:00:00Z"), BucketSeconds: 60,
		States: []string{"healthy", "unhealthy"},
		Rows:   []analysis.StateRow{{Name: "10.0.1.5:80", Cells: []int8{0, 0, 1, -1}}, {Name: "10.0.1.6:80", Cells: []int8{0, 1}}}}
	rep.AddPart(analysis.Part{Sections: []analysis.Section{{
		ID: "health", Title: "Health checks",
		Facts:     []analysis.Fact{{Label: "checks", Kind: analysis.CellCount, Value: analysis.CountCell(1200)}, {Label: "slowest", Kind: analysis.CellMs, Value: analysis.MsCell(250)}},
		Counts:    []analysis.Count{{Key: "timeouts", N: 3}, {Key: "resets"}},
		Tables:    []analysis.Table{namedTable("checks", "Checks", "Target", 1, named{"10.0.1.5:80", 600, 12}, named{"10.0.1.6:80", 600, 0})},
		Timelines: []analysis.StateTimeline{tl},
	}}})
	want := map[string][]string{
		"text": {"\nHealth checks\n", "  checks 1,200   slowest 250 ms\n", "  timeouts 3\n", "  TARGET       REQUESTS  5XX   RATE\n  10.0.1.5:80       600   12  2.00%\n\n",
			"Target health, from 2026-11-20 13:00 UTC, 1m a cell", "10.0.1.5:80  │██▒ │", "10.0.1.6:80  │█▒│", "█ healthy  ▒ unhealthy"},
		"markdown": {"## Health checks\n", "Checks 1,200. Slowest 250 ms.\n", "- `timeouts`: 3\n", "| `10.0.1.5:80` | 600 | 12 | 2.00% |\n\n", "10.0.1.5:80 │██▒ │"},
		"html":     {`<section class="card" id="health">`, "<h3>Checks</h3>", "<code>10.0.1.6:80</code>", `class="st-1"`, "<h3>Target health, from 2026-11-20 13:00 UTC, 1m a cell</h3>"},
		"csv":      {"target,requests,errors_5xx,rate_5xx\n10.0.1.5:80,600,12,0.020000\n10.0.1.6:80,600,0,0.000000\n"},
	}
	for format, wants := range want {
		var b bytes.Buffer
		if err := Render(&b, rep, Options{Format: format, Table: "checks"}); err != nil {
			t.Fatal(err)
		}
		for _, w := range wants {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s lacks %q:\n%s", format, w, b.String())
			}
		}
		if format != "csv" && strings.Contains(b.String(), "resets") {
			t.Errorf("%s shows a zero counter", format)
		}
	}
}

// TestRender_Headline: a verdict's headline (something beyond the 5xx
// leads) replaces the 5xx headline in every format, and the lines count
// the rows of other logs.
func TestRender_Headline(t *testing.T) {
	rep := incidentReport()
	rep.Verdict.Headline = "Every backend fails its check"
	rep.Lines.OtherLogs = 2430
	for _, format := range []string{"text", "markdown", "html"} {
		var b bytes.Buffer
		if err := Render(&b, rep, Options{Format: format}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.Contains(out, "Every backend fails its check") || !strings.Contains(out, ", other logs 2,430") {
			t.Errorf("%s: no headline or no count of other logs' rows", format)
		}
		if format == "html" && !strings.Contains(out, `<div class="party">Beyond the 5xx</div>`) {
			t.Errorf("html: the verdict does not say the headline is beyond the 5xx")
		}
	}
	// Logs with no request at all (health checks read alone): no 5xx in
	// the title.
	rep.Requests = 0
	if got := reportTitle(rep, ""); !strings.HasPrefix(got, "ALB triage, ") {
		t.Errorf("title %q", got)
	}
}
