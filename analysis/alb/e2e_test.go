package alb_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	albfam "github.com/lbtriage/lbtriage/analysis/alb"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser/input"
)

// reg is the registry the tests read with: the ALB family alone.
var reg = analysis.MustRegistry(albfam.Family{})

// objectsOf turns generated objects into scan inputs, in memory.
func objectsOf(objs []gen.Object) ([]input.Object, []input.Skipped) {
	return analysistest.Objects(reg, objs)
}

// analyze scans objects with the given worker count and builds the report.
func analyze(t testing.TB, objects []input.Object, skipped []input.Skipped, workers int, opts analysis.Options) *analysis.Report {
	t.Helper()
	return analysistest.Report(t, reg, objects, skipped, workers, opts)
}

// everyCause is a scenario with every ALB cause and context kind, plus the
// incident presets, over two hours.
func everyCause() *gen.ALBScenario {
	start := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	end := start.Add(2 * time.Hour)
	sc := &gen.ALBScenario{Seed: 7, Start: start, End: end, Rows: 60000, WAF: true}
	sc.Incidents = append(sc.Incidents,
		gen.NACLSubnet504(start.Add(20*time.Minute), start.Add(40*time.Minute), "10.0.3.0/24", 0.3),
		gen.KeepAlive502(start.Add(50*time.Minute), start.Add(70*time.Minute), 0.2),
	)
	sc.Incidents = append(sc.Incidents, gen.EveryALBCause(start, end, 0.002)...)
	return sc
}

func TestReport_MatchesTruth(t *testing.T) {
	sc := everyCause()
	objs, truth, err := gen.ALBObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(objs)
	rep := analyze(t, objects, skipped, 4, analysis.Options{})

	if rep.Lines.Rejected != 0 || rep.Lines.Parsed != int64(truth.Rows) {
		t.Fatalf("lines: %+v, want %d parsed", rep.Lines, truth.Rows)
	}
	if rep.Requests != int64(truth.Rows) {
		t.Fatalf("requests %d, want %d", rep.Requests, truth.Rows)
	}
	eq := func(what string, got map[string]int64, want map[string]int) {
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
	eq("status_classes", rep.StatusClasses, truth.Classes)
	eq("by_cause", rep.Errors.ByCause, truth.Causes)
	eq("by_domain", rep.Errors.ByDomain, truth.Domains)
	eq("context", rep.Context, truth.Context)
	if len(truth.Causes) != 13 {
		t.Fatalf("scenario covers %d causes, want all 13", len(truth.Causes))
	}

	if len(rep.Targets) != len(truth.Targets) {
		t.Errorf("%d targets, want %d", len(rep.Targets), len(truth.Targets))
	}
	for _, tg := range rep.Targets {
		w := truth.Targets[tg.Target]
		if w == nil {
			t.Errorf("unexpected target %s", tg.Target)
			continue
		}
		if tg.Requests != int64(w.Requests) || tg.Errors5xx != int64(w.Errors5xx) {
			t.Errorf("target %s: %d requests %d 5xx, want %d %d", tg.Target, tg.Requests, tg.Errors5xx, w.Requests, w.Errors5xx)
		}
		eq("target "+tg.Target, tg.ByCause, w.Causes)
	}
	if len(rep.Subnets) != len(truth.Subnets) {
		t.Errorf("%d subnets, want %d", len(rep.Subnets), len(truth.Subnets))
	}
	for _, s := range rep.Subnets {
		w := truth.Subnets[s.Subnet]
		if w == nil {
			t.Errorf("unexpected subnet %s", s.Subnet)
			continue
		}
		if s.Requests != int64(w.Requests) || s.Errors5xx != int64(w.Errors5xx) {
			t.Errorf("subnet %s: %d/%d, want %d/%d", s.Subnet, s.Requests, s.Errors5xx, w.Requests, w.Errors5xx)
		}
		eq("subnet "+s.Subnet, s.ByCause, w.Causes)
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
		st := b.Start
		w := truth.Minutes[st.Unix()]
		if w == nil {
			if b.Requests != 0 {
				t.Errorf("minute %s: %d requests, want none", b.Start, b.Requests)
			}
			continue
		}
		minutes++
		if b.Requests != int64(w.Requests) || b.Errors5xx != int64(w.Errors5xx) {
			t.Errorf("minute %s: %d/%d, want %d/%d", b.Start, b.Requests, b.Errors5xx, w.Requests, w.Errors5xx)
		}
		eq("minute "+b.Start.RFC3339(), b.ByDomain, w.Domains)
	}
	if minutes != len(truth.Minutes) {
		t.Errorf("%d minutes with rows, want %d", minutes, len(truth.Minutes))
	}
	if !rep.TimeRange.First.Equal(truth.First) || !rep.TimeRange.Last.Equal(truth.Last) {
		t.Errorf("time range %+v, want %s..%s", rep.TimeRange, truth.First, truth.Last)
	}
	if len(rep.Inputs.Skipped) != 1 || !strings.Contains(rep.Inputs.Skipped[0].Source, "ELBAccessLogTestFile") {
		t.Errorf("skipped: %+v", rep.Inputs.Skipped)
	}
}

func TestReport_SampleIncidentVerdict(t *testing.T) {
	objs, truth, err := gen.ALBObjects(gen.SampleIncident())
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(objs)
	rep := analyze(t, objects, skipped, 2, analysis.Options{})
	v := rep.Verdict
	if v.PrimaryCause == nil || *v.PrimaryCause != albfam.CauseConnectionError || *v.PrimaryDomain != "target" {
		t.Fatalf("primary = %v/%v, want target.connection_error/target", v.PrimaryCause, v.PrimaryDomain)
	}
	want := float64(truth.Causes[albfam.CauseConnectionError]) / float64(rep.Errors.Total5xx)
	if math.Abs(v.Share-want) > 0.00005 {
		t.Errorf("share %v, want %v", v.Share, want)
	}
	for _, s := range []string{"target.connection_error", "10.0.2.0/24 (3 targets)", "13:05 to 13:20 UTC"} {
		if !strings.Contains(v.Summary, s) {
			t.Errorf("summary lacks %q: %s", s, v.Summary)
		}
	}
	if v.Window == nil || v.Window.Start.RFC3339() != "2026-11-20T13:05:00Z" || v.Window.End.RFC3339() != "2026-11-20T13:20:00Z" {
		t.Errorf("window %+v, want 13:05-13:20", v.Window)
	}
	if len(v.Hints) == 0 || !strings.HasPrefix(v.Hints[0], albfam.CauseConnectionError+": ") {
		t.Errorf("first hint is not the primary cause's: %v", v.Hints)
	}
	found := false
	for _, f := range v.Findings {
		if strings.Contains(f, "subnet 10.0.2.0/24") {
			found = true
		}
		if strings.Contains(f, "Load balancer node") {
			t.Errorf("unexpected node finding: %s", f)
		}
	}
	if !found {
		t.Errorf("no subnet finding: %v", v.Findings)
	}
	t.Logf("summary: %s", v.Summary)
	for _, f := range v.Findings {
		t.Logf("finding: %s", f)
	}
}

func TestReport_IdenticalForAnyWorkerCount(t *testing.T) {
	objs, _, err := gen.ALBObjects(everyCause())
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(objs)
	var first []byte
	for _, w := range []int{1, 2, 8} {
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
			t.Fatalf("--workers %d: JSON differs from --workers 1", w)
		}
	}
}

func TestReport_Window(t *testing.T) {
	objs, truth, err := gen.ALBObjects(gen.SampleIncident())
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
	if rep.Requests != int64(want) || rep.Lines.OutsideWindow != int64(truth.Rows-want) {
		t.Fatalf("window: %d requests, %d outside; want %d, %d", rep.Requests, rep.Lines.OutsideWindow, want, truth.Rows-want)
	}
	if rep.Window == nil || rep.Window.First.RFC3339() != "2026-11-20T13:00:00Z" || rep.Window.Last.RFC3339() != "2026-11-20T13:10:00Z" {
		t.Fatalf("window %+v", rep.Window)
	}
	first, last := rep.TimeRange.First.Time, rep.TimeRange.Last.Time
	if first.Before(since) || !last.Before(until) {
		t.Fatalf("time range %+v outside the window", rep.TimeRange)
	}
}

// contractKeys are the keys of docs/report-json.md, as paths; "[]" walks
// into the first element of an array.
var contractKeys = []string{
	"schema_version", "format",
	"inputs.objects", "inputs.bytes_read", "inputs.skipped", "inputs.failed",
	"inputs.skipped[].source", "inputs.skipped[].reason",
	"lines.read", "lines.parsed", "lines.rejected", "lines.rejected_samples",
	"time_range.first", "time_range.last",
	"requests",
	"status_classes.2xx", "status_classes.3xx", "status_classes.4xx", "status_classes.5xx",
	"errors.total_5xx", "errors.by_domain.target", "errors.by_domain.load_balancer", "errors.by_domain.client",
	"errors.by_cause.target.connection_error",
	"targets[].target", "targets[].requests", "targets[].errors_5xx", "targets[].by_cause",
	"targets[].latency_ms.p50", "targets[].latency_ms.p95", "targets[].latency_ms.p99",
	"nodes[].node", "nodes[].requests", "nodes[].errors_5xx",
	"timeline[].start", "timeline[].requests", "timeline[].errors_5xx", "timeline[].by_domain",
	"verdict.primary_domain", "verdict.primary_cause", "verdict.share", "verdict.summary", "verdict.hints",
}

func TestReport_JSONContract(t *testing.T) {
	objs, _, err := gen.ALBObjects(gen.SampleIncident())
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(objs)
	check := func(rep *analysis.Report, nullPrimary bool) {
		t.Helper()
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, k := range contractKeys {
			v, ok := lookup(doc, k)
			if !ok {
				t.Errorf("JSON lacks %q", k)
				continue
			}
			if strings.HasPrefix(k, "verdict.primary_") && (v == nil) != nullPrimary {
				t.Errorf("%s = %v", k, v)
			}
		}
	}
	check(analyze(t, objects, skipped, 2, analysis.Options{}), false)
	// No 5xx at all: primary_cause is null and the summary says so.
	quiet := analyze(t, objects, skipped, 2, analysis.Options{Until: time.Date(2026, 11, 20, 12, 51, 0, 0, time.UTC)})
	if quiet.Errors.Total5xx != 0 {
		t.Skipf("the first minute has %d 5xx", quiet.Errors.Total5xx)
	}
	check(quiet, true)
	if !strings.HasPrefix(quiet.Verdict.Summary, "No 5xx") {
		t.Errorf("summary %q", quiet.Verdict.Summary)
	}
}

// lookup walks a dotted path; cause codes contain dots, so a segment that
// is not found is joined with the next.
func lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	if strings.HasPrefix(path, "[]") {
		arr, ok := v.([]any)
		if !ok || len(arr) == 0 {
			return nil, false
		}
		return lookup(arr[0], strings.TrimPrefix(strings.TrimPrefix(path, "[]"), "."))
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	end := strings.IndexAny(path, ".[")
	for {
		seg, rest := path, ""
		if end >= 0 {
			seg, rest = path[:end], path[end:]
		}
		if child, ok := m[seg]; ok {
			if r, ok := lookup(child, strings.TrimPrefix(rest, ".")); ok {
				return r, true
			}
		}
		if end < 0 {
			return nil, false
		}
		next := strings.IndexAny(path[end+1:], ".[")
		if next < 0 {
			end = -1
		} else {
			end += 1 + next
		}
	}
}

func ExampleFamily_Taxonomy() {
	tax := albfam.Family{}.Taxonomy()
	fmt.Println(tax.DomainOf(albfam.CauseConnectTimeout))
	// Output: target
}

// The incidents users bring, one scenario each: the verdict must lead to
// the cause (incidents specification).
func TestReport_IncidentVerdicts(t *testing.T) {
	start := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	end := start.Add(90 * time.Minute)
	from, to := start.Add(30*time.Minute), start.Add(50*time.Minute)
	type want struct {
		cause    string
		lead     string // the summary's start
		summary  []string
		findings []string
	}
	f := func(name string, incidents []gen.ALBIncident, w want) {
		t.Run(name, func(t *testing.T) {
			sc := &gen.ALBScenario{Seed: 42, Start: start, End: end, Rows: 40000, Incidents: incidents}
			objs, _, err := gen.ALBObjects(sc)
			if err != nil {
				t.Fatal(err)
			}
			objects, skipped := objectsOf(objs)
			rep := analyze(t, objects, skipped, 2, analysis.Options{})
			v := rep.Verdict
			if w.cause == "" {
				if v.PrimaryCause != nil {
					t.Fatalf("primary %s, want none", *v.PrimaryCause)
				}
			} else if v.PrimaryCause == nil || *v.PrimaryCause != w.cause {
				t.Fatalf("primary %v, want %s; summary: %s", v.PrimaryCause, w.cause, v.Summary)
			}
			if !strings.HasPrefix(v.Summary, w.lead) {
				t.Errorf("summary does not start with %q: %s", w.lead, v.Summary)
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
		})
	}
	// 1. 502s from targets whose keep-alive is shorter than the idle timeout.
	f("keep-alive", []gen.ALBIncident{gen.KeepAlive502(from, to, 0.1)}, want{
		cause:   albfam.CauseConnectionError,
		summary: []string{"spread over every target (9)", "from 09:30 to 09:50 UTC", "All 5xx are on the targets' side."},
	})
	// 3. Bursts of connection errors on every target under growing traffic.
	f("growing traffic", []gen.ALBIncident{gen.GrowingTraffic502(from, end, 3, 0.3, 10*time.Minute, 2*time.Minute)}, want{
		cause:   albfam.CauseConnectionError,
		summary: []string{"spread over every target (9)"},
	})
	// 4a. One load balancer node serves far less than its share.
	f("asymmetric node", []gen.ALBIncident{gen.AsymmetricNode(start, end, gen.DefaultNodes()[1], 0.8)}, want{
		summary:  []string{"Load balancer node " + gen.DefaultNodes()[1] + " served", "where an equal share is 33%", "No 5xx among"},
		findings: []string{"Load balancer node " + gen.DefaultNodes()[1] + " served", "asymmetric routing"},
	})
	// 4a, from 09:30 on, beside a trickle of 5xx: the node leads, with
	// when its traffic fell.
	node := gen.DefaultNodes()[2]
	f("node lost at 09:30", []gen.ALBIncident{gen.AsymmetricNode(from, end, node, 0.95), gen.VPCEndpoint500(start, end, "10.0.2.22:8080", 0.01)}, want{
		cause:    albfam.CauseTargetHTTP5xx,
		lead:     "Load balancer node " + node + " served",
		summary:  []string{"of the requests since 09:30 UTC on 2026-11-21, to the end of the logs at 10:30, where an equal share is 33%", "of 5xx"},
		findings: []string{"% before), where an equal share is 33%"},
	})
	// 4c. A network ACL in one subnet: 504 after 10 s on its targets only.
	f("nacl subnet", []gen.ALBIncident{gen.NACLSubnet504(from, to, "10.0.3.0/24", 0.3)}, want{
		cause:    albfam.CauseConnectTimeout,
		summary:  []string{"concentrated on 10.0.3.0/24 (3 targets)", "from 09:30 to 09:50 UTC"},
		findings: []string{"are in subnet 10.0.3.0/24 (3 targets)", "network ACLs (return traffic on ports 1024-65535)"},
	})
	// 4d. One target's application answers 500 (missing VPC endpoint route).
	f("vpc endpoint", []gen.ALBIncident{gen.VPCEndpoint500(start, end, "10.0.2.22:8080", 0.2)}, want{
		cause:    albfam.CauseTargetHTTP5xx,
		summary:  []string{"concentrated on target 10.0.2.22:8080"},
		findings: []string{"come from target 10.0.2.22:8080 (1 of 9 targets)"},
	})
}

// TestReports_TwoLoadBalancers: the logs of two load balancers read
// together give a report each, the one with the fault first, with its own
// nodes and targets: the small load balancer's nodes are not "quiet" for
// serving less than the big one's. Lines of both in one file (a local
// copy) are told apart by the elb field.
func TestReports_TwoLoadBalancers(t *testing.T) {
	big := gen.SampleIncident()
	small := &gen.ALBScenario{Seed: 5, Start: big.Start, End: big.End, Rows: 3000, LBName: "admin-alb", LBID: "1111111111111111"}
	bigObjs, bigTruth, err := gen.ALBObjects(big)
	if err != nil {
		t.Fatal(err)
	}
	smallObjs, _, err := gen.ALBObjects(small)
	if err != nil {
		t.Fatal(err)
	}
	check := func(reps []*analysis.Report) {
		t.Helper()
		if len(reps) != 2 {
			t.Fatalf("%d reports, want 2", len(reps))
		}
		fault, quiet := reps[0], reps[1]
		if fault.LoadBalancer == nil || fault.LoadBalancer.Name != "shop-prod-alb" || quiet.LoadBalancer == nil || quiet.LoadBalancer.Name != "admin-alb" {
			t.Fatalf("load balancers %+v, %+v", fault.LoadBalancer, quiet.LoadBalancer)
		}
		if fault.LoadBalancer.ResourceID != "app/shop-prod-alb/"+fault.LoadBalancer.ResourceID[len("app/shop-prod-alb/"):] || quiet.LoadBalancer.ResourceID != "app/admin-alb/1111111111111111" {
			t.Fatalf("resource IDs %q, %q", fault.LoadBalancer.ResourceID, quiet.LoadBalancer.ResourceID)
		}
		if fault.Requests != int64(bigTruth.Rows) || quiet.Requests != 3000 {
			t.Fatalf("requests %d and %d, want %d and 3000", fault.Requests, quiet.Requests, bigTruth.Rows)
		}
		for _, rep := range reps {
			for _, f := range rep.Verdict.Findings {
				if strings.Contains(f, "Load balancer node") {
					t.Errorf("%s: a node flagged: %s", rep.LoadBalancer.Name, f)
				}
			}
			if got := rep.Requests + rep.Lines.OutsideWindow + rep.Lines.OtherLoadBalancers; got != rep.Lines.Parsed {
				t.Errorf("%s: parsed %d != requests + outside + others %d", rep.LoadBalancer.Name, rep.Lines.Parsed, got)
			}
		}
		for _, tg := range quiet.Targets {
			for _, ft := range fault.Targets {
				if tg.Target == ft.Target && tg.Errors5xx > 0 {
					t.Errorf("target %s counted in both", tg.Target)
				}
			}
		}
	}
	// As S3 lists them: one object per node and interval.
	objects, skipped := objectsOf(append(append([]gen.Object{}, smallObjs...), bigObjs...))
	check(analysistest.Scan(t, reg, objects, skipped, 3, analysis.Options{}))

	// As a local copy: every line of both in one file, whose name tells
	// nothing.
	var all bytes.Buffer
	for _, o := range append(append([]gen.Object{}, smallObjs...), bigObjs...) {
		if strings.HasSuffix(o.Key, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(o.Data))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(&all, zr); err != nil {
				t.Fatal(err)
			}
		}
	}
	one, _ := objectsOf([]gen.Object{{Key: "all.log", Data: all.Bytes()}})
	reps := analysistest.Scan(t, reg, one, nil, 1, analysis.Options{})
	if len(reps) != 2 || reps[0].Lines.OtherLoadBalancers != 3000 || reps[1].Lines.OtherLoadBalancers != int64(bigTruth.Rows) {
		t.Fatalf("one file: %d reports, other rows %+v", len(reps), reps[0].Lines)
	}

	// --lb keeps one of them, and counts the rest.
	reps = analysistest.Scan(t, reg, one, nil, 1, analysis.Options{LoadBalancer: "admin-alb"})
	if len(reps) != 1 || reps[0].Requests != 3000 || reps[0].Lines.OtherLoadBalancers != int64(bigTruth.Rows) {
		t.Fatalf("--lb admin-alb: %d reports, %d requests, %+v", len(reps), reps[0].Requests, reps[0].Lines)
	}
}
