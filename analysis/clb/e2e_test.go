package clb_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	clbfam "github.com/lbtriage/lbtriage/analysis/clb"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser/input"
)

// reg is the registry the tests read with: the Classic family alone.
var reg = analysis.MustRegistry(clbfam.Family{})

// objectsOf turns generated objects into scan inputs, in memory.
func objectsOf(objs []gen.Object) ([]input.Object, []input.Skipped) {
	return analysistest.Objects(reg, objs)
}

// analyze scans objects with the given worker count and builds the report.
func analyze(t testing.TB, objects []input.Object, skipped []input.Skipped, workers int, opts analysis.Options) *analysis.Report {
	t.Helper()
	return analysistest.Report(t, reg, objects, skipped, workers, opts)
}

// figures returns the Classic part of a report.
func figures(t testing.TB, rep *analysis.Report) *clbfam.Figures {
	t.Helper()
	p := rep.Part(clbfam.PartKey)
	if p == nil {
		t.Fatalf("the report has no %q part", clbfam.PartKey)
	}
	f, ok := p.JSON.(*clbfam.Figures)
	if !ok {
		t.Fatalf("the %q part holds a %T", clbfam.PartKey, p.JSON)
	}
	return f
}

// everyCause is the three incidents of the Classic family (an instance
// slower than the idle timeout, no healthy instance for three minutes, an
// instance answering 500) and every cause of the CLB table, among ordinary
// traffic and TCP and SSL connections, in 5-minute objects.
func everyCause() *gen.CLBScenario {
	start := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	end := start.Add(2 * time.Hour)
	sc := &gen.CLBScenario{Seed: 7, Start: start, End: end, Rows: 60000, Interval: 5 * time.Minute}
	sc.Incidents = append(sc.Incidents,
		gen.CLBInstanceTimeout504(start.Add(20*time.Minute), start.Add(40*time.Minute), "10.0.2.21:80", 0.3),
		gen.CLBNoHealthyInstance503(start.Add(60*time.Minute), start.Add(63*time.Minute)),
		gen.CLBInstance500(start, end, "10.0.3.31:80", 0.05),
	)
	sc.Incidents = append(sc.Incidents, gen.EveryCLBCause(start, end, 0.002)...)
	return sc
}

// eq compares a report's counts per key with the truth's.
func eq(t *testing.T, what string, got map[string]int64, want map[string]int) {
	t.Helper()
	for k, w := range want {
		if got[k] != int64(w) {
			t.Errorf("%s[%s] = %d, want %d", what, k, got[k], w)
		}
	}
	for k, g := range got {
		if g != 0 && want[k] == 0 {
			t.Errorf("%s[%s] = %d, want 0", what, k, g)
		}
	}
}

// TestReport_MatchesTruth: the report counts what the generator wrote,
// classified by the CLB table: per cause, domain and status class, per
// instance, subnet, node and minute; TCP and SSL lines are connections,
// in no count of requests.
func TestReport_MatchesTruth(t *testing.T) {
	objs, truth, err := gen.CLBObjects(everyCause())
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(objs)
	rep := analyze(t, objects, skipped, 4, analysis.Options{})

	if rep.Format != "clb" || rep.LoadBalancer == nil || rep.LoadBalancer.Name != "shop-prod-clb" ||
		rep.LoadBalancer.Account != "123456789012" || rep.LoadBalancer.Region != "eu-west-1" {
		t.Fatalf("format %q, load balancer %+v", rep.Format, rep.LoadBalancer)
	}
	if rep.Lines.Rejected != 0 || rep.Lines.Parsed != int64(truth.Rows) {
		t.Fatalf("lines %+v, want %d parsed", rep.Lines, truth.Rows)
	}
	if rep.Requests != int64(truth.Rows-truth.Connections) || rep.Lines.OtherLogs != int64(truth.Connections) {
		t.Fatalf("requests %d, other logs %d; want %d requests and %d connections of %d lines", rep.Requests, rep.Lines.OtherLogs, truth.Rows-truth.Connections, truth.Connections, truth.Rows)
	}
	if len(truth.Causes) != 6 || truth.Connections == 0 {
		t.Fatalf("the scenario has causes %v and %d connections", truth.Causes, truth.Connections)
	}
	eq(t, "status_classes", rep.StatusClasses, truth.Classes)
	eq(t, "by_cause", rep.Errors.ByCause, truth.Causes)
	eq(t, "by_domain", rep.Errors.ByDomain, truth.Domains)
	eq(t, "context", rep.Context, truth.Context)

	if len(rep.Targets) != len(truth.Instances) {
		t.Errorf("%d instances, want %d", len(rep.Targets), len(truth.Instances))
	}
	for _, tg := range rep.Targets {
		w := truth.Instances[tg.Target]
		if w == nil {
			t.Errorf("unexpected instance %s", tg.Target)
			continue
		}
		if tg.Requests != int64(w.Requests) || tg.Errors5xx != int64(w.Errors5xx) {
			t.Errorf("instance %s: %d requests %d 5xx, want %d %d", tg.Target, tg.Requests, tg.Errors5xx, w.Requests, w.Errors5xx)
		}
		eq(t, "instance "+tg.Target, tg.ByCause, w.Causes)
	}
	if len(rep.Subnets) != len(truth.Subnets) {
		t.Errorf("%d subnets, want %d", len(rep.Subnets), len(truth.Subnets))
	}
	for _, s := range rep.Subnets {
		w := truth.Subnets[s.Subnet]
		if w == nil || s.Requests != int64(w.Requests) || s.Errors5xx != int64(w.Errors5xx) {
			t.Errorf("subnet %s: %d/%d, want %+v", s.Subnet, s.Requests, s.Errors5xx, w)
			continue
		}
		eq(t, "subnet "+s.Subnet, s.ByCause, w.Causes)
	}
	if len(rep.Nodes) != len(truth.Nodes) {
		t.Errorf("%d nodes, want %d", len(rep.Nodes), len(truth.Nodes))
	}
	for _, n := range rep.Nodes {
		w := truth.Nodes[n.Node]
		if w == nil || n.Requests != int64(w.Requests) || n.Errors5xx != int64(w.Errors5xx) {
			t.Errorf("node %s: %d/%d, want %+v", n.Node, n.Requests, n.Errors5xx, w)
		}
	}
	minutes := 0
	for _, b := range rep.Timeline {
		w := truth.Minutes[b.Start.Unix()]
		if w == nil {
			if b.Requests != 0 {
				t.Errorf("minute %s: %d requests, want none", b.Start.RFC3339(), b.Requests)
			}
			continue
		}
		minutes++
		if b.Requests != int64(w.Requests) || b.Errors5xx != int64(w.Errors5xx) {
			t.Errorf("minute %s: %d/%d, want %d/%d", b.Start.RFC3339(), b.Requests, b.Errors5xx, w.Requests, w.Errors5xx)
		}
		eq(t, "minute "+b.Start.RFC3339(), b.ByDomain, w.Domains)
	}
	if minutes != len(truth.Minutes) {
		t.Errorf("%d minutes with requests, want %d", minutes, len(truth.Minutes))
	}
	if !rep.TimeRange.First.Equal(truth.First) || !rep.TimeRange.Last.Equal(truth.Last) {
		t.Errorf("time range %+v, want %s..%s", rep.TimeRange, truth.First, truth.Last)
	}
	if len(rep.Inputs.Skipped) != 1 || !strings.Contains(rep.Inputs.Skipped[0].Source, "ELBAccessLogTestFile") {
		t.Errorf("skipped: %+v", rep.Inputs.Skipped)
	}

	// The Classic part: listeners and connections.
	f := figures(t, rep)
	listeners := map[string]int64{}
	var fiveXX int64
	for _, l := range f.Listeners {
		listeners[l.Listener] = l.Requests + l.Connections
		fiveXX += l.Errors5xx
		if (l.Listener == "tcp" || l.Listener == "ssl") && (l.Requests != 0 || l.Errors5xx != 0) {
			t.Errorf("listener %s: %+v, want connections alone", l.Listener, l)
		}
	}
	eq(t, "listeners", listeners, truth.Listeners)
	if fiveXX != rep.Errors.Total5xx || f.Connections.Total != int64(truth.Connections) {
		t.Errorf("listeners' 5xx %d, connections %d; want %d, %d", fiveXX, f.Connections.Total, rep.Errors.Total5xx, truth.Connections)
	}
	var conns int64
	for _, c := range f.Connections.Instances {
		conns += c.Connections
		if !strings.HasSuffix(c.Instance, ":1883") {
			t.Errorf("connection to %s, want the instances' TCP port", c.Instance)
		}
	}
	if conns+f.Connections.WithoutInstance != f.Connections.Total {
		t.Errorf("connections per instance add up to %d + %d, want %d", conns, f.Connections.WithoutInstance, f.Connections.Total)
	}
	// Among every cause, the incidents are still told apart by their
	// windows: the outage of every instance, and the slow instance.
	all := strings.Join(rep.Verdict.Findings, "\n")
	for _, w := range []string{
		"lb.no_targets: in their minutes (13:00 to 13:03 UTC on 2026-11-21), the load balancer refused >99% of the requests",
		"target.timeout: a Classic log writes these 504s with backend \"-\", so it does not name the instance; in their minutes (12:20 to 12:40 UTC on 2026-11-21), instance 10.0.2.21:80 answered",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("findings lack %q:\n%s", w, all)
		}
	}
	// No 504 and no 503 of the load balancer names its instance.
	for _, c := range []string{clbfam.CauseTargetTimeout, clbfam.CauseNoTargets, clbfam.CauseLBInternal} {
		if f.Unnamed5xx[c] != int64(truth.Causes[c]) {
			t.Errorf("%s without instance: %d, want %d", c, f.Unnamed5xx[c], truth.Causes[c])
		}
	}
}

// The incidents of the Classic family, one scenario each: the verdict
// names the cause, the instance where the log allows, and the window.
func TestReport_IncidentVerdicts(t *testing.T) {
	start := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	end := start.Add(90 * time.Minute)
	from, to := start.Add(30*time.Minute), start.Add(50*time.Minute)
	type want struct {
		cause    string
		summary  []string
		findings []string
	}
	f := func(name string, incidents []gen.CLBIncident, w want) {
		t.Run(name, func(t *testing.T) {
			sc := &gen.CLBScenario{Seed: 42, Start: start, End: end, Rows: 40000, Interval: 5 * time.Minute, Incidents: incidents}
			objs, truth, err := gen.CLBObjects(sc)
			if err != nil {
				t.Fatal(err)
			}
			objects, skipped := objectsOf(objs)
			rep := analyze(t, objects, skipped, 2, analysis.Options{})
			eq(t, "by_cause", rep.Errors.ByCause, truth.Causes)
			v := rep.Verdict
			if v.PrimaryCause == nil || *v.PrimaryCause != w.cause {
				t.Fatalf("primary %v, want %s; summary: %s", v.PrimaryCause, w.cause, v.Summary)
			}
			for _, s := range w.summary {
				if !strings.Contains(v.Summary, s) {
					t.Errorf("summary lacks %q: %s", s, v.Summary)
				}
			}
			all := strings.Join(v.Findings, "\n")
			for _, s := range w.findings {
				if !strings.Contains(all, s) {
					t.Errorf("findings lack %q:\n%s", s, all)
				}
			}
			if !strings.HasPrefix(v.Hints[0], w.cause+": ") {
				t.Errorf("first hint %q", v.Hints[0])
			}
		})
	}
	f("instance slower than the idle timeout", []gen.CLBIncident{gen.CLBInstanceTimeout504(from, to, "10.0.2.21:80", 0.3)}, want{
		cause: clbfam.CauseTargetTimeout,
		summary: []string{"are target.timeout: instances did not answer before the idle timeout",
			"most likely on instance 10.0.2.21:80, the only one answering in", "from 09:30 to 09:50 UTC on 2026-11-21",
			"All 5xx are on the instances' side."},
		findings: []string{"does not name the instance; in their minutes (09:30 to 09:50 UTC on 2026-11-21), instance 10.0.2.21:80 answered",
			"no other instance did: it is most likely the instance that stayed silent past the idle timeout"},
	})
	f("no healthy instance for three minutes", []gen.CLBIncident{gen.CLBNoHealthyInstance503(from, from.Add(3*time.Minute))}, want{
		cause:    clbfam.CauseNoTargets,
		summary:  []string{"are lb.no_targets: no healthy instance could take the request", "with no instance in service", "from 09:30 to 09:33 UTC"},
		findings: []string{"in their minutes (09:30 to 09:33 UTC on 2026-11-21), the load balancer refused >99% of the requests", "no instance was in service"},
	})
	f("one instance answering 500", []gen.CLBIncident{gen.CLBInstance500(start, end, "10.0.3.31:80", 0.2)}, want{
		cause:    clbfam.CauseTargetHTTP5xx,
		summary:  []string{"concentrated on instance 10.0.3.31:80"},
		findings: []string{"come from instance 10.0.3.31:80 (1 of 6 instances)"},
	})
	f("the instance's 500 in a window", []gen.CLBIncident{gen.CLBInstance500(from, to, "10.0.1.12:80", 0.5)}, want{
		cause:   clbfam.CauseTargetHTTP5xx,
		summary: []string{"concentrated on instance 10.0.1.12:80", "from 09:30 to 09:50 UTC"},
	})
	// Timeouts spread over every instance, without slow requests to tell
	// one: the verdict says that the log does not name it.
	f("timeouts the log does not name", []gen.CLBIncident{{Name: "timeouts", Kind: gen.CLBTimeout, Start: from, End: to, Rate: 0.1}}, want{
		cause:    clbfam.CauseTargetTimeout,
		summary:  []string{"on an instance the log does not name", "from 09:30 to 09:50 UTC"},
		findings: []string{"so it does not name the instance that stayed silent, and no instance's requests stand out as slow in their minutes (09:30 to 09:50 UTC on 2026-11-21)"},
	})
	f("connection errors", []gen.CLBIncident{{Name: "resets", Kind: gen.CLBConnectionError, Start: from, End: to, Rate: 0.1}}, want{
		cause:    clbfam.CauseConnectionError,
		summary:  []string{"on instances the log does not name", "from 09:30 to 09:50 UTC"},
		findings: []string{"target.connection_error: 100% of these 5xx", "name no instance"},
	})
}

// TestReport_SampleVerdict: the demo's incident (gen.SampleCLBIncident)
// leads to the instance and the window, and says that the TCP and SSL
// lines are no 5xx.
func TestReport_SampleVerdict(t *testing.T) {
	s, err := clbfam.Family{}.Sample()
	if err != nil {
		t.Fatal(err)
	}
	var objs []gen.Object
	for _, o := range s.Objects {
		objs = append(objs, gen.Object{Key: o.Key, Data: o.Data})
	}
	truth, err := gen.CLBTruthOf(gen.SampleCLBIncident())
	if err != nil {
		t.Fatal(err)
	}
	if s.Lines != truth.Rows || !s.First.Equal(truth.First) || !s.Last.Equal(truth.Last) {
		t.Fatalf("sample of %d lines from %v to %v; truth %d, %v, %v", s.Lines, s.First, s.Last, truth.Rows, truth.First, truth.Last)
	}
	objects, skipped := objectsOf(objs)
	rep := analyze(t, objects, skipped, 3, analysis.Options{})
	v := rep.Verdict
	if v.PrimaryCause == nil || *v.PrimaryCause != clbfam.CauseTargetTimeout || *v.PrimaryDomain != "target" {
		t.Fatalf("primary %v/%v; summary: %s", v.PrimaryCause, v.PrimaryDomain, v.Summary)
	}
	for _, w := range []string{"10.0.2.21:80", "from 13:05 to 13:20 UTC on 2026-11-20"} {
		if !strings.Contains(v.Summary, w) {
			t.Errorf("summary lacks %q: %s", w, v.Summary)
		}
	}
	all := strings.Join(v.Findings, "\n")
	for _, w := range []string{"come from instance 10.0.3.31:80", "lines of TCP and SSL listeners are connections"} {
		if !strings.Contains(all, w) {
			t.Errorf("findings lack %q:\n%s", w, all)
		}
	}
	if rep.Errors.ByDomain["load_balancer"] != 0 {
		t.Errorf("load balancer 5xx: %v", rep.Errors.ByDomain)
	}
	if f := figures(t, rep); f.Timeouts == nil || f.Timeouts.Suspect != "10.0.2.21:80" || f.Timeouts.Instances[0].Instance != "10.0.2.21:80" {
		t.Errorf("timeouts %+v", f.Timeouts)
	}
	t.Logf("summary: %s", v.Summary)
}

// TestReport_IdenticalForAnyWorkerCount: the JSON report is the same
// whatever the number of workers and the order the objects come in.
func TestReport_IdenticalForAnyWorkerCount(t *testing.T) {
	objs, _, err := gen.CLBObjects(everyCause())
	if err != nil {
		t.Fatal(err)
	}
	var first []byte
	for i, w := range []int{1, 2, 8, 3} {
		if i > 0 {
			r := rand.New(rand.NewPCG(uint64(i), 9))
			r.Shuffle(len(objs), func(a, b int) { objs[a], objs[b] = objs[b], objs[a] })
		}
		objects, skipped := objectsOf(objs)
		rep := analyze(t, objects, skipped, w, analysis.Options{Top: 5})
		got, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = got
			continue
		}
		if !bytes.Equal(got, first) {
			t.Fatalf("--workers %d, objects shuffled: JSON differs from --workers 1", w)
		}
	}
}

// TestReport_Window: --since and --until keep the requests and the
// connections of the window; the rest count as outside it.
func TestReport_Window(t *testing.T) {
	objs, truth, err := gen.CLBObjects(gen.SampleCLBIncident())
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(objs)
	since := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	until := since.Add(10 * time.Minute)
	rep := analyze(t, objects, skipped, 3, analysis.Options{Since: since, Until: until})
	var want int
	for m, c := range truth.Minutes {
		if m >= since.Unix() && m < until.Unix() {
			want += c.Requests
		}
	}
	conns := figures(t, rep).Connections.Total
	if rep.Requests != int64(want) || conns == 0 || rep.Requests+conns+rep.Lines.OutsideWindow != int64(truth.Rows) {
		t.Fatalf("window: %d requests, %d connections, %d outside; want %d requests of %d lines", rep.Requests, conns, rep.Lines.OutsideWindow, want, truth.Rows)
	}
	if first, last := rep.TimeRange.First.Time, rep.TimeRange.Last.Time; first.Before(since) || !last.Before(until) {
		t.Fatalf("time range %+v outside the window", rep.TimeRange)
	}
}

// TestReport_JSONContract: a Classic report has the keys of every report
// (docs/report-json.md), format "clb", and its part under "clb".
func TestReport_JSONContract(t *testing.T) {
	objs, _, err := gen.CLBObjects(gen.SampleCLBIncident())
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(objs)
	b, err := json.Marshal(analyze(t, objects, skipped, 2, analysis.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	keys := []string{
		"schema_version", "format", "load_balancer", "inputs", "lines", "time_range", "requests", "status_classes",
		"errors", "context", "latency_ms", "targets", "nodes", "subnets", "paths", "clients", "timeline", "bucket_seconds",
		"clb", "verdict",
	}
	for _, k := range keys {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if doc["format"] != "clb" || doc["schema_version"] != 1.0 {
		t.Errorf("format %v, schema_version %v", doc["format"], doc["schema_version"])
	}
	byDomain := doc["errors"].(map[string]any)["by_domain"].(map[string]any)
	for _, d := range []string{"target", "load_balancer", "client"} {
		if _, ok := byDomain[d]; !ok {
			t.Errorf("errors.by_domain lacks %q", d)
		}
	}
	part := doc["clb"].(map[string]any)
	for _, k := range []string{"listeners", "connections", "errors_5xx_without_instance", "timeouts"} {
		if _, ok := part[k]; !ok {
			t.Errorf("clb lacks %q", k)
		}
	}
	// The JSON keys come in the contract's order, the part before the
	// verdict.
	if i, j := bytes.Index(b, []byte(`"clb":`)), bytes.Index(b, []byte(`"verdict":`)); i < 0 || i > j {
		t.Errorf("clb at %d, verdict at %d", i, j)
	}
}

// TestReports_TwoLoadBalancers: lines of two Classic Load Balancers in one
// file (a local copy, whose name tells nothing) give a report each, told
// apart by the elb field.
func TestReports_TwoLoadBalancers(t *testing.T) {
	big := gen.SampleCLBIncident()
	small := &gen.CLBScenario{Seed: 5, Start: big.Start, End: big.End, Rows: 3000, LBName: "admin-clb"}
	var all bytes.Buffer
	bigTruth, err := gen.WriteCLB(&all, big)
	if err != nil {
		t.Fatal(err)
	}
	smallTruth, err := gen.WriteCLB(&all, small)
	if err != nil {
		t.Fatal(err)
	}
	one, _ := objectsOf([]gen.Object{{Key: "all.log", Data: all.Bytes()}})
	reps := analysistest.Scan(t, reg, one, nil, 2, analysis.Options{})
	if len(reps) != 2 || reps[0].LoadBalancer.Name != "shop-prod-clb" || reps[1].LoadBalancer.Name != "admin-clb" {
		t.Fatalf("%d reports", len(reps))
	}
	for i, tr := range []*gen.CLBTruth{bigTruth, smallTruth} {
		rep := reps[i]
		if rep.Requests != int64(tr.Rows-tr.Connections) || figures(t, rep).Connections.Total != int64(tr.Connections) {
			t.Errorf("%s: %d requests, want %d", rep.LoadBalancer.Name, rep.Requests, tr.Rows-tr.Connections)
		}
		if rep.Lines.OtherLoadBalancers != int64(reps[1-i].Lines.Parsed-int64(tr.Rows)) {
			t.Errorf("%s: %d lines of the other", rep.LoadBalancer.Name, rep.Lines.OtherLoadBalancers)
		}
	}
	// --lb keeps one of them, and counts the rest.
	reps = analysistest.Scan(t, reg, one, nil, 1, analysis.Options{LoadBalancer: "admin-clb"})
	if len(reps) != 1 || reps[0].Requests != int64(smallTruth.Rows-smallTruth.Connections) || reps[0].Lines.OtherLoadBalancers != int64(bigTruth.Rows) {
		t.Fatalf("--lb admin-clb: %d reports, %+v", len(reps), reps[0].Lines)
	}
}
