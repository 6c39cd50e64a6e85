package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lbtriage/lbtriage/analysis"
)

func render(t *testing.T, rep *analysis.Report, opts Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, rep, opts); err != nil {
		t.Fatalf("Render(%s): %v", opts.Format, err)
	}
	return b.String()
}

func TestRender_EveryFormat(t *testing.T) {
	for _, f := range Formats() {
		for name, rep := range map[string]*analysis.Report{"incident": incidentReport(), "quiet": quietReport(), "hostile": hostileReport(), "cloudfront": cloudfrontReport()} {
			var b bytes.Buffer
			err := Render(&b, rep, Options{Format: f, Baseline: quietReport()})
			if f == "csv" && len(rep.Timeline) == 0 && errors.Is(err, errEmptyTable) {
				continue // no timeline: no table to write, said as such
			}
			if err != nil || b.Len() == 0 {
				t.Errorf("%s/%s: %v, %d bytes", f, name, err, b.Len())
			}
		}
	}
}

func TestRender_Failure(t *testing.T) {
	if err := Render(io.Discard, incidentReport(), Options{Format: "pdf"}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("format pdf: err=%v, want ErrUnknownFormat", err)
	}
	if err := Render(io.Discard, incidentReport(), Options{Format: "csv", Table: "hosts"}); !errors.Is(err, ErrUnknownTable) {
		t.Errorf("table hosts: err=%v, want ErrUnknownTable", err)
	}
	if err := Render(io.Discard, nil, Options{}); err == nil {
		t.Errorf("nil report: no error")
	}
}

func TestJSON_RoundTrip(t *testing.T) {
	rep := incidentReport()
	var got analysis.Report
	if err := json.Unmarshal([]byte(render(t, rep, Options{Format: "json"})), &got); err != nil {
		t.Fatal(err)
	}
	rep.Taxonomy = nil // words for the renderers, not data
	if !reflect.DeepEqual(&got, rep) {
		t.Errorf("JSON round trip changed the report")
	}
}

// decodeJSON decodes a JSON report and its comparison, which the report's
// own decoding keeps as a part.
func decodeJSON(t *testing.T, s string) (*analysis.Report, *Comparison) {
	t.Helper()
	var rep analysis.Report
	if err := json.Unmarshal([]byte(s), &rep); err != nil {
		t.Fatal(err)
	}
	var c struct {
		Comparison *Comparison `json:"comparison"`
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		t.Fatal(err)
	}
	rep.Parts = slices.DeleteFunc(rep.Parts, func(p analysis.Part) bool { return p.Key == "comparison" })
	if len(rep.Parts) == 0 {
		rep.Parts = nil
	}
	return &rep, c.Comparison
}

func TestJSON_EmptyCollectionsAndNullCause(t *testing.T) {
	rep := quietReport()
	out := render(t, rep, Options{Format: "json"})
	if strings.Contains(out, "null,") && !strings.Contains(out, `"primary_cause": null`) {
		t.Errorf("unexpected null in %s", out)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	get := func(path string) any {
		var v any = m
		for _, k := range strings.Split(path, ".") {
			v = v.(map[string]any)[k]
		}
		return v
	}
	for _, path := range []string{"targets", "nodes", "subnets", "paths", "clients", "timeline", "inputs.skipped", "inputs.failed", "lines.rejected_samples", "verdict.hints", "verdict.findings"} {
		if _, ok := get(path).([]any); !ok {
			t.Errorf("%s = %#v, want []", path, get(path))
		}
	}
	for _, path := range []string{"errors.by_domain", "errors.by_cause", "context", "status_classes"} {
		if _, ok := get(path).(map[string]any); !ok {
			t.Errorf("%s = %#v, want {}", path, get(path))
		}
	}
	for _, path := range []string{"verdict.primary_cause", "verdict.primary_domain"} {
		if v := get(path); v != nil {
			t.Errorf("%s = %#v with no 5xx, want null", path, v)
		}
	}
	if get("schema_version").(float64) != analysis.SchemaVersion {
		t.Errorf("schema_version = %v", get("schema_version"))
	}
	if rep.Verdict.PrimaryCause == nil || rep.Targets != nil {
		t.Errorf("Render modified the report")
	}
	if strings.Contains(out, `"comparison"`) {
		t.Errorf("comparison key without a baseline")
	}
	if out := render(t, incidentReport(), Options{Format: "json", Baseline: quietReport()}); !strings.Contains(out, `"comparison": {`) {
		t.Errorf("no comparison key with a baseline")
	}
}

func TestSanitize(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
	f("", "")
	f("/api/v1/users?id=1", "/api/v1/users?id=1")
	f("caf\u00e9 \u65e5\u672c", "caf\u00e9 \u65e5\u672c")
	f("a\x1b[31mred\x1b[0m", "ared")
	f("\x1b[2Jclear", "clear")
	f("\x1b[?1049h", "")
	f("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click")
	f("\x1b]0;title\x07after", "after")
	f("\x1bPdcs\x1b\\x", "x")
	f("\x1b(Bx", "x")
	f("\x1bcx", "x")
	f("a\x1b", "a")
	f("\x1b]unterminated", "")
	f("\u009b31mx", "x")
	f("\u009d8;;u\u009cx", "x")
	f("a\x00b\x07c\x08d\x7fe\u0085f", "abcdef")
	f("a\tb\nc\rd", "a b c d")
	f("\u202etxt.exe\u202c \u2066x\u2069 \u200f", "txt.exe x ")
	f("bad\xffutf8", "bad\ufffdutf8")
	f("%1b%5b31m \\x1b", "%1b%5b31m \\x1b")
}

func TestDownsample(t *testing.T) {
	rep := busyDayReport()
	tl, group := downsample(rep.Timeline, 300)
	if group != 5 || len(tl) != 288 {
		t.Fatalf("downsample(1440, 300) = %d buckets of %d", len(tl), group)
	}
	var req, e5, lb int64
	for _, b := range tl {
		req, e5, lb = req+b.Requests, e5+b.Errors5xx, lb+b.ByDomain["load_balancer"]
	}
	var wantReq, wantE5, wantLB int64
	for _, b := range rep.Timeline {
		wantReq, wantE5, wantLB = wantReq+b.Requests, wantE5+b.Errors5xx, wantLB+b.ByDomain["load_balancer"]
	}
	if req != wantReq || e5 != wantE5 || lb != wantLB {
		t.Errorf("sums changed: %d %d %d, want %d %d %d", req, e5, lb, wantReq, wantE5, wantLB)
	}
	if tl[1].Start != rep.Timeline[5].Start {
		t.Errorf("second group starts at %s, want %s", tl[1].Start, rep.Timeline[5].Start)
	}
	if same, g := downsample(rep.Timeline[:10], 300); g != 1 || len(same) != 10 {
		t.Errorf("short timeline regrouped")
	}

	// The text timeline fits the width; the HTML chart has at most
	// chartBars bars.
	for _, width := range []int{60, 100, 180} {
		out := render(t, rep, Options{Format: "text", Width: width})
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "  │") && utf8.RuneCountInString(line) > width {
				t.Errorf("width %d: timeline line of %d runes", width, utf8.RuneCountInString(line))
			}
		}
	}
	out := render(t, rep, Options{Format: "html"})
	if n := strings.Count(out, `class="hov"`); n == 0 || n > chartBars {
		t.Errorf("%d hover columns, want 1..%d", n, chartBars)
	}
}

func TestRender_NonFinite(t *testing.T) {
	rep := incidentReport()
	nan := math.NaN()
	rep.Targets[0].LatencyMs = analysis.Latency{P50: nan, P95: math.Inf(1), P99: nan}
	rep.Nodes[0].Share = nan
	rep.Verdict.Share = math.Inf(-1)
	rep.Verdict.Window.Rate = nan
	for _, f := range Formats() {
		out := render(t, rep, Options{Format: f, Baseline: incidentReport()})
		if f == "json" && !json.Valid([]byte(out)) {
			t.Errorf("json: not valid JSON with NaN in the report")
		}
		if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
			t.Errorf("%s: NaN or Inf printed", f)
		}
	}
}
