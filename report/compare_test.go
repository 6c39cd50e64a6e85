package report

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
)

func TestParseThreshold_Success(t *testing.T) {
	f := func(expr, metric, op string, value float64) {
		t.Helper()
		th, err := ParseThreshold(expr, testCauses())
		if err != nil {
			t.Fatalf("ParseThreshold(%q): %v", expr, err)
		}
		if th.Metric != metric || th.Op != op || math.Abs(th.Value-value) > 1e-12 {
			t.Errorf("ParseThreshold(%q) = %s %s %g, want %s %s %g", expr, th.Metric, th.Op, th.Value, metric, op, value)
		}
	}
	f("lb_5xx_rate>0.1%", "lb_5xx_rate", ">", 0.001)
	f("lb_5xx_rate>0", "lb_5xx_rate", ">", 0)
	f(" target_5xx_rate >= 2 % ", "target_5xx_rate", ">=", 0.02)
	f("client_5xx_rate<1%", "client_5xx_rate", "<", 0.01)
	f("5xx_rate<=0.5%", "5xx_rate", "<=", 0.005)
	f("edge_5xx_rate>1%", "edge_5xx_rate", ">", 0.01)
	f("origin_5xx_rate>1%", "origin_5xx_rate", ">", 0.01)
	f("p99_ms>800", "p99_ms", ">", 800)
	f("p95_ms>=250.5", "p95_ms", ">=", 250.5)
	f("p50_ms<10", "p50_ms", "<", 10)
	f("errors_5xx>100", "errors_5xx", ">", 100)
	f("cause:target.timeout>0.5%", "cause:target.timeout", ">", 0.005)
	f("cause:origin.connect_error>=0", "cause:origin.connect_error", ">=", 0)
	f("5xx_rate>=100%", "5xx_rate", ">=", 1)
	f("5xx_rate<=0%", "5xx_rate", "<=", 0)
}

func TestParseThreshold_Failure(t *testing.T) {
	f := func(expr, want string) {
		t.Helper()
		_, err := ParseThreshold(expr, testCauses())
		if !errors.Is(err, ErrBadThreshold) {
			t.Fatalf("ParseThreshold(%q): err=%v, want ErrBadThreshold", expr, err)
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ParseThreshold(%q): %q, want it to say %q", expr, err, want)
		}
	}
	f("", "want METRIC OP VALUE")
	f("lb_5xx_rate", "want METRIC OP VALUE")
	f(">0.1%", "no metric before >")
	f("lb_5xx_rate=0.1%", "want METRIC OP VALUE")
	f("lb_5xx_rate>", `value "" is not a number`)
	f("lb_5xx_rate>abc", `value "abc" is not a number`)
	f("lb_5xx_rate>NaN", "not a number")
	f("lb_5xx_rate>>1", "not a number")
	f("p99_ms>800%", "p99_ms is not a rate, so it takes no %")
	f("errors_5xx>5%", "not a rate")
	f("latency>1", `unknown metric "latency" (want one of 5xx_rate, lb_5xx_rate,`)
	f("cause:>1%", `unknown cause "" (want one of target.http_5xx, target.connection_error,`)
	f("cause:a b>1%", `unknown cause "a b"`)
	// Thresholds that could never fire.
	f("cause:target.nosuch>0.5%", `unknown cause "target.nosuch" (want one of `)
	f("cause:target.nosuch>0.5%", "target.connection_error")
	f("lb_5xx_rate>0.5", "lb_5xx_rate is a rate: write it as a percentage, lb_5xx_rate>0.5% or, if 0.5 is a fraction, lb_5xx_rate>50%")
	f("5xx_rate>=0.001", "5xx_rate>=0.001% or, if 0.001 is a fraction, 5xx_rate>=0.1%")
	f("cause:target.timeout>=0.001", "is a rate: write it as a percentage")
	f("5xx_rate>150%", "5xx_rate is never above 100%")
	f("5xx_rate>-1%", "5xx_rate is never below 0")
	f("p99_ms<-5", "p99_ms is never below 0")
	f("errors_5xx>-1", "errors_5xx is never below 0")
}

func TestThreshold_Check(t *testing.T) {
	rep := incidentReport() // 113,763 requests; 2,523 target, 8 lb 5xx
	f := func(expr string, crossed bool, actual float64) {
		t.Helper()
		th, err := ParseThreshold(expr, testCauses())
		if err != nil {
			t.Fatal(err)
		}
		c, a := th.Check(rep)
		if c != crossed || math.Abs(a-actual) > 1e-9 {
			t.Errorf("%s: crossed=%v actual=%g, want %v %g", expr, c, a, crossed, actual)
		}
	}
	req := float64(rep.Requests)
	f("5xx_rate>2%", true, 2531/req)
	f("5xx_rate>3%", false, 2531/req)
	f("target_5xx_rate>=2%", true, 2523/req)
	f("lb_5xx_rate>0.1%", false, 8/req)
	f("lb_5xx_rate<0.1%", true, 8/req)
	f("client_5xx_rate>0", false, 0)
	f("errors_5xx>2531", false, 2531)
	f("errors_5xx>=2531", true, 2531)
	f("errors_5xx<=2531", true, 2531)
	f("cause:target.connection_error>2%", true, 2438/req)
	f("cause:edge.function_error>0", false, 0)
	l, ok := OverallLatency(rep)
	if !ok || l.P99 < 310 || l.P99 > 6320 {
		t.Fatalf("OverallLatency = %v, %v", l, ok)
	}
	f("p99_ms>1000", true, l.P99)
	f("p50_ms>1000", false, l.P50)
	f("p95_ms>0", true, l.P95)

	// The report's own overall percentiles win over the targets' estimate.
	rep.LatencyMs = &analysis.Latency{P50: 40, P95: 300, P99: 900}
	f("p99_ms>800", true, 900)
	f("p50_ms>=41", false, 40)
	rep.LatencyMs = nil

	// A part's own latency (CloudFront's time taken) wins over the targets'.
	rep.AddPart(analysis.Part{Key: "cdn", Latency: &analysis.Latency{P50: 1, P95: 2, P99: 3}})
	f("p99_ms>2", true, 3)
	// An empty report crosses nothing upward.
	empty := &analysis.Report{}
	for _, e := range []string{"5xx_rate>0", "p99_ms>0", "errors_5xx>0", "cause:target.timeout>0"} {
		th, _ := ParseThreshold(e, testCauses())
		if c, a := th.Check(empty); c || a != 0 {
			t.Errorf("%s on an empty report: crossed=%v actual=%g", e, c, a)
		}
	}
}

func TestCompare(t *testing.T) {
	day, c := comparedReport()
	if c.Rate5xx.DayCount != day.Errors.Total5xx || c.Rate5xx.BaselineCount != 22 {
		t.Errorf("Rate5xx = %+v", c.Rate5xx)
	}
	if c.Rate5xx.Delta() <= 0 {
		t.Errorf("5xx rate did not rise: %+v", c.Rate5xx)
	}
	if got := c.ByDomain[0]; got.Key != "target" || got.DayCount != 2523 || got.BaselineCount != 22 {
		t.Errorf("ByDomain[0] = %+v", got)
	}
	byCause := map[string]RateChange{}
	for _, r := range c.ByCause {
		byCause[r.Key] = r
	}
	if r := byCause["target.connection_error"]; r.DayCount != 2438 || r.BaselineCount != 0 || r.Baseline != 0 {
		t.Errorf("target.connection_error = %+v", r)
	}
	if r := byCause["target.http_5xx"]; r.BaselineCount != 22 {
		t.Errorf("target.http_5xx = %+v", r)
	}
	var names []string
	for _, n := range c.NewFailingTargets {
		names = append(names, n.Target)
	}
	if len(names) != 3 || names[0] != "10.0.2.11:8080" || c.NewFailingTargets[0].InBaseline || !c.NewFailingTargets[1].InBaseline {
		t.Errorf("NewFailingTargets = %+v", c.NewFailingTargets)
	}
	if c.NewFailingTargets[0].TopCause != "target.connection_error" {
		t.Errorf("TopCause = %q", c.NewFailingTargets[0].TopCause)
	}
	// 10.0.2.11 is not in the baseline, so it has no latency shift; the
	// largest shift is 10.0.2.45 (p99 320 → 6320).
	if len(c.TargetLatency) != 5 || c.TargetLatency[0].Target != "10.0.2.45:8080" {
		t.Errorf("TargetLatency = %+v", c.TargetLatency)
	}
	if c.Latency.Day.P99 <= c.Latency.Baseline.P99 {
		t.Errorf("overall p99 did not rise: %+v", c.Latency)
	}
	crossed := 0
	for _, r := range c.Thresholds {
		if r.Crossed {
			crossed++
		}
	}
	if crossed != 2 {
		t.Errorf("%d thresholds crossed, want 2: %+v", crossed, c.Thresholds)
	}
	// Comparing a report with itself changes nothing.
	same := Compare(incidentReport(), incidentReport())
	if same.Rate5xx.Delta() != 0 || len(same.NewFailingTargets) != 0 {
		t.Errorf("self comparison: %+v", same)
	}
}

func TestRender_ThresholdsWithoutBaseline(t *testing.T) {
	th, err := ParseThreshold("target_5xx_rate>0.5%", testCauses())
	if err != nil {
		t.Fatal(err)
	}
	results, crossed := CheckThresholds(incidentReport(), []Threshold{th})
	if !crossed {
		t.Fatalf("threshold not crossed: %+v", results)
	}
	c := &Comparison{Thresholds: results}
	if c.HasBaseline() {
		t.Fatalf("HasBaseline on a thresholds-only comparison")
	}
	for _, f := range Formats() {
		opts := Options{Format: f, Comparison: c}
		if f == "csv" {
			opts.Table = "comparison"
		}
		out := render(t, incidentReport(), opts)
		if !strings.Contains(out, "target_5xx_rate") {
			t.Errorf("%s: the threshold is missing", f)
		}
		if strings.Contains(out, "Compared with baseline") || strings.Contains(out, "rate_5xx,,") {
			t.Errorf("%s: a comparison is shown without a baseline", f)
		}
	}
}
