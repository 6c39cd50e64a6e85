package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/report"
)

// writeTwoDays writes the sample incident (2026-11-20 12:50–13:35 UTC) and,
// unless dayOnly, a quiet baseline the day before (same load balancer,
// only the steady application bug on 10.0.1.12:8080) under one directory.
func writeTwoDays(t *testing.T, dayOnly bool) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := gen.WriteALBObjects(dir, gen.SampleIncident()); err != nil {
		t.Fatal(err)
	}
	if dayOnly {
		return dir
	}
	base := gen.SampleIncident()
	base.Seed++
	base.Rows = 20000
	base.Start, base.End = base.Start.AddDate(0, 0, -1), base.End.AddDate(0, 0, -1)
	base.Incidents = []gen.ALBIncident{{Name: "application bug on 10.0.1.12", Kind: gen.ALBTargetHTTP5xx, Status: 500,
		Start: base.Start, End: base.End, Rate: 0.01, Targets: []string{"10.0.1.12:8080"}}}
	if _, err := gen.WriteALBObjects(dir, base); err != nil {
		t.Fatal(err)
	}
	return dir
}

type reportWithComparison struct {
	analysis.Report
	Comparison *report.Comparison `json:"comparison"`
}

// decodeCompared decodes a report and its comparison; analysis.Report's
// own decoding keeps "comparison" as a part, so it is decoded apart.
func decodeCompared(t *testing.T, s string) *reportWithComparison {
	t.Helper()
	var r reportWithComparison
	if err := json.Unmarshal([]byte(s), &r.Report); err != nil {
		t.Fatalf("report is not JSON: %v\n%.300s", err, s)
	}
	var c struct {
		Comparison *report.Comparison `json:"comparison"`
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		t.Fatalf("report is not JSON: %v\n%.300s", err, s)
	}
	r.Comparison = c.Comparison
	return &r
}

func TestReport_DayAgainstDayBefore(t *testing.T) {
	dir := writeTwoDays(t, false)
	code, out, errOut := run(t, "report", "--day", "2026-11-20", "-o", "json", dir)
	if code != exitOK {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitOK, errOut)
	}
	if errOut != "" {
		t.Errorf("stderr %q, want nothing", errOut)
	}
	r := decodeCompared(t, out)
	if r.Window == nil || r.Window.First.RFC3339() != "2026-11-20T00:00:00Z" || r.Window.Last.RFC3339() != "2026-11-21T00:00:00Z" {
		t.Errorf("window %+v, want the UTC day", r.Window)
	}
	c := r.Comparison
	if c == nil {
		t.Fatalf("no comparison in the report")
	}
	if c.Baseline.Requests == 0 || c.Day.Requests != r.Requests || !strings.HasPrefix(c.Baseline.First.RFC3339(), "2026-11-19T00:00:00") {
		t.Errorf("periods: day %+v, baseline %+v", c.Day, c.Baseline)
	}
	if c.Rate5xx.Day <= c.Rate5xx.Baseline {
		t.Errorf("5xx rate did not rise: %+v", c.Rate5xx)
	}
	news := map[string]bool{}
	for _, n := range c.NewFailingTargets {
		news[n.Target] = true
	}
	for _, want := range []string{"10.0.2.21:8080", "10.0.2.22:8080", "10.0.2.23:8080"} {
		if !news[want] {
			t.Errorf("%s not among the new failing targets %+v", want, c.NewFailingTargets)
		}
	}
	if news["10.0.1.12:8080"] {
		t.Errorf("10.0.1.12:8080 failed in the baseline too, yet is listed as new")
	}

	// The same baseline, given explicitly, and a --since period.
	code, out2, errOut := run(t, "report", "--since", "2026-11-20", "--until", "2026-11-21",
		"--baseline-since", "2026-11-19", "--baseline-until", "2026-11-20", "-o", "json", dir)
	if code != exitOK {
		t.Fatalf("explicit baseline: exit %d (stderr %q)", code, errOut)
	}
	if c2 := decodeCompared(t, out2).Comparison; c2 == nil || c2.Baseline.Requests != c.Baseline.Requests {
		t.Errorf("explicit baseline differs from the default: %+v", c2)
	}
	// --since 24h counts back from now (15:00 on 2026-11-20 in tests).
	code, out3, errOut := run(t, "report", "--since", "24h", "-o", "json", dir)
	if code != exitOK {
		t.Fatalf("--since 24h: exit %d (stderr %q)", code, errOut)
	}
	if r3 := decodeCompared(t, out3); r3.Requests != r.Requests || r3.Comparison == nil || r3.Comparison.Baseline.Requests != c.Baseline.Requests {
		t.Errorf("--since 24h: %d requests (want %d), comparison %+v", r3.Requests, r.Requests, r3.Comparison)
	}
}

func TestReport_FailOn(t *testing.T) {
	dir := writeTwoDays(t, false)
	// Crossed: the sample's target 5xx rate is well above 0.5 %.
	code, out, errOut := run(t, "report", "--day", "2026-11-20", "--fail-on", "target_5xx_rate>0.5%", "--fail-on", "lb_5xx_rate>0.1%", "-o", "json", dir)
	if code != exitThreshold {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitThreshold, errOut)
	}
	oneLine(t, errOut, "threshold crossed: target_5xx_rate>0.5%")
	if strings.Contains(errOut, "lb_5xx_rate") {
		t.Errorf("stderr names a threshold that was not crossed: %q", errOut)
	}
	c := decodeCompared(t, out).Comparison
	if c == nil || len(c.Thresholds) != 2 || !c.Thresholds[0].Crossed || c.Thresholds[1].Crossed {
		t.Fatalf("thresholds in the report: %+v", c)
	}
	// Not crossed: exit 0, thresholds still in the report.
	code, out, errOut = run(t, "report", "--day", "2026-11-20", "--fail-on", "lb_5xx_rate>0.1%", "--fail-on", "p99_ms>60000", dir)
	if code != exitOK {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitOK, errOut)
	}
	if !strings.Contains(out, "Thresholds:") || !strings.Contains(out, "lb_5xx_rate>0.1%") {
		t.Errorf("text report does not list the thresholds:\n%s", out)
	}
}

func TestReport_PartialInput(t *testing.T) {
	dir := writeTwoDays(t, false)
	var victim string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && victim == "" && strings.Contains(p, "20261120T13") && strings.HasSuffix(p, ".log.gz") {
			victim = p
		}
		return nil
	})
	if victim == "" {
		t.Fatal("no object of the day found")
	}
	data, err := os.ReadFile(victim)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(victim, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "report", "--day", "2026-11-20", "-o", "json", dir)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitPartial, errOut)
	}
	oneLine(t, errOut, "could not be read whole")
	if r := decodeCompared(t, out); len(r.Inputs.Failed) == 0 || r.Comparison == nil {
		t.Errorf("inputs.failed %+v, comparison %v", r.Inputs.Failed, r.Comparison != nil)
	}
	// A crossed threshold wins over a partial read.
	code, _, _ = run(t, "report", "--day", "2026-11-20", "--fail-on", "5xx_rate>0.1%", dir)
	if code != exitThreshold {
		t.Errorf("partial read and crossed threshold: exit %d, want %d", code, exitThreshold)
	}
}

func TestReport_Usage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.log")
	if err := os.WriteFile(bad, []byte("this is not an access log\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := func(want string, args ...string) {
		t.Helper()
		code, out, errOut := run(t, append([]string{"report"}, args...)...)
		if code != exitUsage {
			t.Fatalf("%v: exit %d, want %d (stderr %q)", args, code, exitUsage, errOut)
		}
		if out != "" {
			t.Fatalf("%v: stdout %q, want nothing", args, out)
		}
		oneLine(t, errOut, want)
	}
	f("say which period", "x.log")
	f("--day and --since/--until do not go together", "--day", "2026-11-20", "--since", "2h", "x.log")
	f(`--day: "20-11-2026" is not a date`, "--day", "20-11-2026", "x.log")
	f("--fail-on: bad threshold", "--day", "2026-11-20", "--fail-on", "lb_5xx_rate=1%", "x.log")
	f("unknown metric", "--day", "2026-11-20", "--fail-on", "latency>1", "x.log")
	f(`unknown cause "target.nosuch" (want one of lb.lambda_service,`, "--day", "2026-11-20", "--fail-on", "cause:target.nosuch>0.5%", "x.log")
	f("is a rate: write it as a percentage, lb_5xx_rate>0.5% or, if 0.5 is a fraction, lb_5xx_rate>50%", "--day", "2026-11-20", "--fail-on", "lb_5xx_rate>0.5", "x.log")
	f("5xx_rate is never above 100%", "--day", "2026-11-20", "--fail-on", "5xx_rate>150%", "x.log")
	f("5xx_rate is never below 0", "--day", "2026-11-20", "--fail-on", "5xx_rate>-1%", "x.log")
	f("--baseline-until needs --baseline-since", "--day", "2026-11-20", "--baseline-until", "2026-11-19", "x.log")
	f("--baseline-since (2026-11-19T00:00:00Z) must be before --baseline-until", "--day", "2026-11-20", "--baseline-since", "2026-11-19", "--baseline-until", "2026-11-18", "x.log")
	f("no input given", "--day", "2026-11-20")
	f("cannot read standard input", "--day", "2026-11-20", "-")
	f("-o takes", "--day", "2026-11-20", "-o", "yaml", "x.log")
	f("unknown flag: --bogus", "--bogus")
	f("nothing could be read", "--day", "2026-11-20", bad)
}

func TestReport_OutFile(t *testing.T) {
	dir := writeTwoDays(t, false)
	outDir := t.TempDir()
	path := filepath.Join(outDir, "2026-11-20.html")
	code, out, errOut := run(t, "report", "--day", "2026-11-20", "-o", "html", "--out", path, "--fail-on", "target_5xx_rate>0.5%", dir)
	if code != exitThreshold {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitThreshold, errOut)
	}
	if out != "" {
		t.Errorf("stdout %q, want nothing with --out", out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<!DOCTYPE html>", "Compared with baseline", "threshold", "ALB 5xx report of shop-prod-alb for Friday 20 November 2026 (UTC)", "10.0.2.21:8080"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	if ents, _ := os.ReadDir(outDir); len(ents) != 1 {
		t.Errorf("files in the output directory: %v, want the report alone", ents)
	}
	// An unwritable destination leaves nothing behind and says so.
	code, _, errOut = run(t, "report", "--day", "2026-11-20", "--out", filepath.Join(outDir, "missing", "r.txt"), dir)
	if code != exitUsage {
		t.Errorf("unwritable --out: exit %d, want %d", code, exitUsage)
	}
	oneLine(t, errOut, "cannot write the report to \""+filepath.Join(outDir, "missing", "r.txt")+"\": the folder")
}

func TestReport_NoBaseline(t *testing.T) {
	dir := writeTwoDays(t, true)
	code, out, errOut := run(t, "report", "--day", "2026-11-20", "--fail-on", "target_5xx_rate>0.5%", dir)
	if code != exitThreshold {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitThreshold, errOut)
	}
	if !strings.Contains(errOut, "baseline 2026-11-19 00:00 – 2026-11-20 00:00 UTC") || !strings.Contains(errOut, "without the comparison") {
		t.Errorf("stderr %q does not explain the missing baseline", errOut)
	}
	if !strings.Contains(out, "CROSSED target_5xx_rate>0.5%") {
		t.Errorf("the crossed threshold is not in the report:\n%s", out)
	}
	if strings.Contains(out, "New failing targets") {
		t.Errorf("a comparison without a baseline:\n%s", out)
	}
}

// TestReport_EveryLoadBalancer: the nightly report over two load
// balancers' logs reports each, compared with its own baseline, and checks
// --fail-on against each: a threshold crossed by the smaller one fails the
// run, and names it.
func TestReport_EveryLoadBalancer(t *testing.T) {
	dir := writeTwoDays(t, false)
	sample := gen.SampleIncident()
	for i, day := range []int{0, -1} {
		other := &gen.ALBScenario{Seed: uint64(9 + i), Start: sample.Start.AddDate(0, 0, day), End: sample.End.AddDate(0, 0, day),
			Rows: 3000, LBName: "admin-alb", LBID: "1111111111111111"}
		if day == 0 {
			other.Incidents = []gen.ALBIncident{{Name: "admin bug", Kind: gen.ALBTargetHTTP5xx, Status: 500,
				Start: other.Start, End: other.End, Rate: 0.05}}
		}
		if _, err := gen.WriteALBObjects(filepath.Join(dir, "admin"), other); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := run(t, "report", "--day", "2026-11-20", "--fail-on", "target_5xx_rate>3%", "-o", "json", dir)
	if code != exitThreshold {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitThreshold, errOut)
	}
	oneLine(t, errOut, "threshold crossed: target_5xx_rate>3% (admin-alb)")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d JSON lines, want one report per load balancer", len(lines))
	}
	crossed := map[string]bool{}
	for _, l := range lines {
		r := decodeCompared(t, l)
		c := r.Comparison
		if r.LoadBalancer == nil || c == nil || len(c.Thresholds) != 1 || c.Day.Requests != r.Requests || c.Baseline.Requests == 0 {
			t.Fatalf("report %+v: comparison %+v", r.LoadBalancer, c)
		}
		// Each is compared with its own load balancer's day before.
		if want := map[string]int64{"admin-alb": 3000, "shop-prod-alb": 20000}[r.LoadBalancer.Name]; c.Baseline.Requests != want {
			t.Errorf("%s: baseline of %d requests, want %d", r.LoadBalancer.Name, c.Baseline.Requests, want)
		}
		crossed[r.LoadBalancer.Name] = c.Thresholds[0].Crossed
	}
	if !crossed["admin-alb"] || crossed["shop-prod-alb"] {
		t.Errorf("crossed %v, want admin-alb alone", crossed)
	}
	// Text: both reports, each titled with its load balancer.
	_, out, _ = run(t, "report", "--day", "2026-11-20", dir)
	for _, want := range []string{"Overview: 2 reports", "ALB 5xx report of shop-prod-alb for Friday 20 November 2026 (UTC)", "ALB 5xx report of admin-alb for Friday 20 November 2026 (UTC)"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%.600s", want, out)
		}
	}
	_, out, _ = run(t, "report", "--day", "2026-11-20", "--title", "Nightly", "-o", "markdown", dir)
	for _, want := range []string{"# Nightly (shop-prod-alb)\n", "# Nightly (admin-alb)\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown report lacks %q", want)
		}
	}
}

// TestReport_NoRequests: a day with no logs is reported as such (no node
// finding) and fails the run, so that cron notices a stalled log pipeline.
func TestReport_NoRequests(t *testing.T) {
	dir := writeTwoDays(t, true)
	code, out, errOut := run(t, "report", "--day", "2026-11-25", "--color", "never", dir)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitUsage, errOut)
	}
	want := "The period 2026-11-25 00:00 to 2026-11-26 00:00 UTC holds no requests: the 30,000 rows read are from 2026-11-20 12:50 to 13:34:59 UTC"
	if !strings.Contains(errOut, "shop-prod-alb: "+want) {
		t.Errorf("stderr %q lacks %q", errOut, want)
	}
	if !strings.Contains(strings.ReplaceAll(out, "\n  ", " "), want) || strings.Contains(out, "node") {
		t.Errorf("report:\n%s", out)
	}
}
