package albhealth_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	albfam "github.com/lbtriage/lbtriage/analysis/alb"
	healthfam "github.com/lbtriage/lbtriage/analysis/albhealth"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/internal/gen"
)

// reg reads as lbtriage does: ALB access logs, with their health checks as
// a companion.
var reg = analysis.MustRegistry(albfam.Family{}, healthfam.Family{})

// analyze reads the objects with the given worker count and returns the
// reports.
func analyze(t testing.TB, objs []gen.Object, workers int) []*analysis.Report {
	t.Helper()
	objects, skipped := analysistest.Objects(reg, objs)
	return analysistest.Scan(t, reg, objects, skipped, workers, analysis.Options{})
}

// healthOf returns the report's health figures, through their JSON as a
// consumer reads them.
func healthOf(t testing.TB, rep *analysis.Report) *healthfam.Figures {
	t.Helper()
	p := rep.Part(healthfam.PartKey)
	if p == nil {
		t.Fatalf("the %s report has no health part", rep.Format)
	}
	b, err := json.Marshal(p.JSON)
	if err != nil {
		t.Fatal(err)
	}
	var f healthfam.Figures
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return &f
}

// checkTruth compares the health figures with the generator's truth:
// counts per reason, code, target and node, when each target was out (per
// node and overall), and the fail-open windows.
func checkTruth(t *testing.T, f *healthfam.Figures, tr *gen.HealthTruth) {
	t.Helper()
	if f.Checks != int64(tr.Checks) || f.Failed != int64(tr.Failed) {
		t.Fatalf("checks %d failed %d, want %d and %d", f.Checks, f.Failed, tr.Checks, tr.Failed)
	}
	if !f.TimeRange.First.Equal(tr.First) || !f.TimeRange.Last.Equal(tr.Last) {
		t.Errorf("time range %v–%v, want %v–%v", f.TimeRange.First, f.TimeRange.Last, tr.First, tr.Last)
	}
	if got, want := fmt.Sprint(f.ByReason), fmt.Sprint(toInt64(tr.Reasons)); got != want {
		t.Errorf("by reason %s, want %s", got, want)
	}
	mismatch := map[int]int{}
	for _, x := range f.Failures {
		if x.Reason == "ResponseCodeMismatch" {
			mismatch[x.StatusCode] += int(x.Checks)
		}
	}
	if fmt.Sprint(mismatch) != fmt.Sprint(tr.MismatchCodes) {
		t.Errorf("mismatch codes %v, want %v", mismatch, tr.MismatchCodes)
	}
	if len(f.Targets) != len(tr.Targets) {
		t.Fatalf("%d targets, want %d", len(f.Targets), len(tr.Targets))
	}
	for _, tg := range f.Targets {
		want := tr.Targets[tg.Target]
		if want == nil {
			t.Fatalf("target %s is not in the truth", tg.Target)
		}
		if tg.Checks != int64(want.Checks) || tg.Failed != int64(want.Failed) ||
			!tg.FirstFailed.Equal(want.FirstFailed) || !tg.LastFailed.Equal(want.LastFailed) {
			t.Errorf("target %s: %d checks %d failed, %v–%v; want %d %d, %v–%v", tg.Target, tg.Checks, tg.Failed,
				tg.FirstFailed, tg.LastFailed, want.Checks, want.Failed, want.FirstFailed, want.LastFailed)
		}
		if got, want := spansText(tg.Unhealthy), truthSpans(want.Unhealthy); got != want {
			t.Errorf("target %s out: %s, want %s", tg.Target, got, want)
		}
		if tg.TakenOut != len(want.Unhealthy) || tg.Flapping != (len(want.Unhealthy) >= 2) {
			t.Errorf("target %s taken out %d (flapping %v), want %d", tg.Target, tg.TakenOut, tg.Flapping, len(want.Unhealthy))
		}
		for _, n := range tg.Nodes {
			if got, want := spansText(n.Unhealthy), truthSpans(want.NodeUnhealthy[n.Node]); got != want {
				t.Errorf("target %s, node %s out: %s, want %s", tg.Target, n.Node, got, want)
			}
		}
	}
	for _, n := range f.Nodes {
		want := tr.Nodes[n.Node]
		if want == nil || n.Checks != int64(want.Checks) || n.Failed != int64(want.Failed) {
			t.Errorf("node %s: %d checks %d failed, want %+v", n.Node, n.Checks, n.Failed, want)
		}
	}
	var open []healthfam.Span
	for _, w := range f.FailOpen {
		open = append(open, w.Span)
	}
	if got, want := spansText(open), truthSpans(tr.FailOpen); got != want {
		t.Errorf("fail-open %s, want %s", got, want)
	}
}

func toInt64(m map[string]int) map[string]int64 {
	out := map[string]int64{}
	for k, v := range m {
		out[k] = int64(v)
	}
	return out
}

// spansText and truthSpans write windows alike: "start–end" or
// "start–" when they last to the end.
func spansText(ss []healthfam.Span) string {
	var out []string
	for _, s := range ss {
		e := s.End.UTC().Format(time.RFC3339Nano)
		if s.ToEnd {
			e = ""
		}
		out = append(out, s.Start.UTC().Format(time.RFC3339Nano)+"–"+e)
	}
	return strings.Join(out, " ")
}

func truthSpans(ss []gen.Span) string {
	var out []string
	for _, s := range ss {
		e := ""
		if !s.End.IsZero() {
			e = s.End.UTC().Format(time.RFC3339Nano)
		}
		out = append(out, s.Start.UTC().Format(time.RFC3339Nano)+"–"+e)
	}
	return strings.Join(out, " ")
}

// jsonOf is the report's JSON.
func jsonOf(t testing.TB, rep *analysis.Report) string {
	t.Helper()
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sameAnyOrder reads objs in several orders, folders and worker counts
// and checks that the one report is the same each time; it returns it.
func sameAnyOrder(t *testing.T, objs []gen.Object) *analysis.Report {
	t.Helper()
	var first *analysis.Report
	var want string
	r := rand.New(rand.NewPCG(5, 6))
	for i, workers := range []int{1, 4, 3} {
		objs := slices.Clone(objs)
		if i > 0 {
			r.Shuffle(len(objs), func(i, j int) { objs[i], objs[j] = objs[j], objs[i] })
		}
		if i == 2 {
			// The health checks in a folder of their own.
			for k := range objs {
				if strings.Contains(objs[k].Key, "health_check_log_") {
					objs[k].Key = "elsewhere/" + objs[k].Key[strings.LastIndexByte(objs[k].Key, '/')+1:]
				}
			}
		}
		reps := analyze(t, objs, workers)
		if len(reps) != 1 {
			t.Fatalf("%d reports, want one of the load balancer and its health checks", len(reps))
		}
		got := jsonOf(t, reps[0]) // names no health-check object: none is skipped or failed
		if want == "" {
			first, want = reps[0], got
		} else if got != want {
			t.Fatalf("read %d: the JSON differs from the first read's", i)
		}
	}
	return first
}

// TestIncident299: incident 4b, every target answering its health check
// with 299, read with the access logs: one report whose health part holds
// the generator's truth, and whose verdict leads with the health checks.
func TestIncident299(t *testing.T) {
	hs := gen.SampleHealthIncident()
	objs, at, ht, err := gen.StoryObjects(hs)
	if err != nil {
		t.Fatal(err)
	}
	rep := sameAnyOrder(t, objs)
	if rep.Format != "alb" || rep.LoadBalancer == nil || rep.LoadBalancer.Name != "shop-prod-alb" {
		t.Fatalf("report of %s about %+v", rep.Format, rep.LoadBalancer)
	}
	if rep.Requests != int64(at.Rows) || rep.Lines.OtherLogs != int64(ht.Checks) || rep.Lines.Parsed != int64(at.Rows+ht.Checks) {
		t.Fatalf("%d requests, %d other logs, %d parsed; want %d, %d", rep.Requests, rep.Lines.OtherLogs, rep.Lines.Parsed, at.Rows, ht.Checks)
	}
	checkTruth(t, healthOf(t, rep), ht)
	if len(ht.FailOpen) != 1 || !ht.FailOpen[0].End.IsZero() {
		t.Fatalf("the scenario should fail open to the end: %+v", ht.FailOpen)
	}

	v := rep.Verdict
	for _, want := range []string{
		"Every target fails its health check since 13:10 UTC: it answers 299 where the matcher expects 200 (ResponseCodeMismatch, 1,350 checks)",
		"; the load balancer fails open since " + ht.FailOpen[0].Start.Format("15:04:05") + " UTC and keeps routing to every target",
		", so the access logs look normal",
	} {
		if !strings.Contains(v.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, v.Summary)
		}
	}
	if !strings.HasPrefix(v.Summary, "Every target fails") {
		t.Errorf("the summary does not lead with the health checks:\n%s", v.Summary)
	}
	if v.Headline != "Every target fails its health check: it answers 299 where the matcher expects 200; the load balancer fails open" {
		t.Errorf("headline %q", v.Headline)
	}
	if !hasPrefix(v.Findings, "One status code, 299, fails the check of every target: a configuration mismatch") ||
		!hasPrefix(v.Findings, "Every target of target group shop-web-tg (9 targets) was out since") {
		t.Errorf("findings %q", v.Findings)
	}
	if !hasPrefix(v.Hints, "health check ResponseCodeMismatch:") || !hasPrefix(v.Hints, "health check fail-open:") {
		t.Errorf("hints %q", v.Hints)
	}
}

func hasPrefix(ss []string, p string) bool {
	return slices.ContainsFunc(ss, func(s string) bool { return strings.HasPrefix(s, p) })
}

// overload is incident 3 on both logs: bursts of worker exhaustion taking
// the two targets in turn, the last both at once.
func overload() *gen.HealthScenario {
	start := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	targets := []string{"10.0.1.11:8080", "10.0.2.21:8080"}
	albInc, hcInc := gen.Overload(start.Add(5*time.Minute), start.Add(37*time.Minute), targets, 8*time.Minute, 150*time.Second, 3, 0.3)
	alb := &gen.ALBScenario{Seed: 9, Start: start, End: start.Add(45 * time.Minute), Rows: 40000, Targets: targets, Incidents: albInc}
	return &gen.HealthScenario{ALB: alb, Incidents: hcInc}
}

// TestIncident3: the overload, read with the access logs: the health part
// holds the truth (targets flapping, a fail-open window), and the verdict
// corroborates the bursts of target.connection_error with the failed
// checks of the same targets in the same minutes.
func TestIncident3(t *testing.T) {
	objs, at, ht, err := gen.StoryObjects(overload())
	if err != nil {
		t.Fatal(err)
	}
	rep := sameAnyOrder(t, objs)
	if rep.Requests != int64(at.Rows) || rep.Errors.ByCause["target.connection_error"] != int64(at.Causes["target.connection_error"]) {
		t.Fatalf("%d requests, by cause %v; want %d, %v", rep.Requests, rep.Errors.ByCause, at.Rows, at.Causes)
	}
	f := healthOf(t, rep)
	checkTruth(t, f, ht)
	if len(ht.FailOpen) == 0 || ht.Targets["10.0.1.11:8080"] == nil || len(ht.Targets["10.0.1.11:8080"].Unhealthy) < 2 {
		t.Fatalf("the scenario should flap and fail open: %+v", ht.FailOpen)
	}
	v := rep.Verdict
	if v.PrimaryCause == nil || *v.PrimaryCause != "target.connection_error" || v.Headline != "" {
		t.Fatalf("primary cause %v, headline %q", v.PrimaryCause, v.Headline)
	}
	if !strings.HasPrefix(v.Summary, "100% of 5xx") {
		t.Errorf("the summary should lead with the 5xx:\n%s", v.Summary)
	}
	fo := ht.FailOpen[len(ht.FailOpen)-1]
	for _, want := range []string{
		"The health checks agree: 10.0.1.11:8080 and 10.0.2.21:8080, whose requests ended in target.connection_error, failed their own health checks in the same minutes (TimedOut ",
		"ConnectionReset ",
		fmt.Sprintf("10.0.1.11:8080 was taken out %s", timesText(len(ht.Targets["10.0.1.11:8080"].Unhealthy))),
		"(flapping)",
		"every target was out at once, so the load balancer failed open from " + fo.Start.Format("15:04:05") + " to " + fo.End.Format("15:04:05") + " UTC",
	} {
		if !strings.Contains(v.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, v.Summary)
		}
	}
	if !hasPrefix(v.Hints, "health check TimedOut:") || !hasPrefix(v.Hints, "health check ConnectionReset:") {
		t.Errorf("hints %q", v.Hints)
	}
}

func timesText(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

// TestHealthAlone: health checks read without their access logs make a
// report of their own, with a verdict; all passing, they say so.
func TestHealthAlone(t *testing.T) {
	hs := gen.SampleHealthIncident()
	objs, ht, err := gen.HealthObjects(hs)
	if err != nil {
		t.Fatal(err)
	}
	reps := analyze(t, objs, 2)
	if len(reps) != 1 {
		t.Fatalf("%d reports", len(reps))
	}
	rep := reps[0]
	if rep.Format != "alb_health" || rep.LoadBalancer == nil || rep.LoadBalancer.ResourceID != "app/shop-prod-alb/50dc6c495c0c9188" ||
		rep.Requests != 0 || rep.Lines.OtherLogs != int64(ht.Checks) {
		t.Fatalf("report %s of %+v, %d requests, lines %+v", rep.Format, rep.LoadBalancer, rep.Requests, rep.Lines)
	}
	checkTruth(t, healthOf(t, rep), ht)
	want := "Every target fails its health check since 13:10 UTC: it answers 299 where the matcher expects 200 (ResponseCodeMismatch, 1,350 checks); the load balancer fails open since " +
		ht.FailOpen[0].Start.Format("15:04:05") + " UTC and keeps routing to every target."
	if rep.Verdict.Summary != want || rep.Verdict.Headline == "" {
		t.Fatalf("summary\n%s\nwant\n%s", rep.Verdict.Summary, want)
	}
	if !rep.TimeRange.First.Equal(ht.First) || !rep.TimeRange.Last.Equal(ht.Last) {
		t.Errorf("time range %+v", rep.TimeRange)
	}

	// No incident: every check passes.
	hs.Incidents = nil
	objs, ht, err = gen.HealthObjects(hs)
	if err != nil {
		t.Fatal(err)
	}
	rep = analyze(t, objs, 1)[0]
	checkTruth(t, healthOf(t, rep), ht)
	if want := "All 2,430 health checks of 9 targets passed, from 12:50:00 to 13:34:59 UTC."; rep.Verdict.Summary != want || rep.Verdict.Headline != "" {
		t.Fatalf("summary %q, want %q", rep.Verdict.Summary, want)
	}

	// A few checks timing out on one target, none taken out: no fault, so
	// no hint to go and check anything.
	hs.Incidents = []gen.HealthIncident{{Name: "a few timeouts", Kind: gen.HealthTimeout, Start: hs.ALB.Start, End: hs.ALB.End, Rate: 0.02, Targets: []string{"10.0.1.11:8080"}}}
	objs, ht, err = gen.HealthObjects(hs)
	if err != nil {
		t.Fatal(err)
	}
	rep = analyze(t, objs, 1)[0]
	if h := healthOf(t, rep); h.Failed == 0 || h.Failed*100 >= h.Checks {
		t.Fatalf("%d of %d checks failed: want a few", h.Failed, h.Checks)
	}
	if v := rep.Verdict; v.Fault || v.Headline != "" || len(v.Hints) != 0 {
		t.Errorf("a few failed checks read as a fault: fault %v, headline %q, hints %q", v.Fault, v.Headline, v.Hints)
	}
	want = fmt.Sprintf("%d of 2,430 health checks of 9 targets failed, from 12:50:00 to 13:34:59 UTC; no target was taken out.", ht.Failed)
	if rep.Verdict.Summary != want {
		t.Errorf("summary %q, want %q", rep.Verdict.Summary, want)
	}
}

// TestLayout8: health checks in the earlier eight-field layout, with no
// load balancer or node in the lines, still join their access logs by the
// objects' names, and read the earlier reason codes.
func TestLayout8(t *testing.T) {
	hs := overload()
	hs.Layout = gen.HealthLayout8
	objs, _, ht, err := gen.StoryObjects(hs)
	if err != nil {
		t.Fatal(err)
	}
	reps := analyze(t, objs, 2)
	if len(reps) != 1 {
		t.Fatalf("%d reports", len(reps))
	}
	checkTruth(t, healthOf(t, reps[0]), ht)
	if !strings.Contains(reps[0].Verdict.Summary, "The health checks agree") {
		t.Errorf("summary %s", reps[0].Verdict.Summary)
	}
}

// TestTwoLoadBalancers: incident 6 with 4b in it. The health checks of one
// load balancer join its report only; the other load balancer, whose
// targets are the same addresses in another VPC, gets none of them.
func TestTwoLoadBalancers(t *testing.T) {
	objs, _, ht, err := gen.StoryObjects(gen.SampleHealthIncident())
	if err != nil {
		t.Fatal(err)
	}
	other := gen.SampleIncident()
	other.LBName, other.LBID, other.Rows = "admin-alb", "1111111111111111", 3000
	more, _, err := gen.ALBObjects(other)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range more {
		if !strings.HasSuffix(o.Key, "ELBAccessLogTestFile") { // one test file per account folder
			objs = append(objs, o)
		}
	}
	reps := analyze(t, objs, 3)
	if len(reps) != 2 {
		t.Fatalf("%d reports", len(reps))
	}
	for _, rep := range reps {
		p := rep.Part(healthfam.PartKey)
		switch rep.LoadBalancer.Name {
		case "shop-prod-alb":
			if p == nil || rep.Verdict.Headline == "" {
				t.Fatalf("shop-prod-alb: no health part or headline")
			}
			checkTruth(t, healthOf(t, rep), ht)
		case "admin-alb":
			if p != nil || rep.Verdict.Headline != "" || rep.Lines.OtherLogs != 0 {
				t.Fatalf("admin-alb has health checks: %+v", rep.Lines)
			}
		default:
			t.Fatalf("report of %+v", rep.LoadBalancer)
		}
	}
}
