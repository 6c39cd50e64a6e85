package analysis

import (
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/input"
)

// nodeTraffic is an hour of requests from t0 through three load balancer
// nodes, perMinute each a minute; rate(node, minute) gives a node's
// requests of a minute instead when it returns 0 or more, and fivexx(i)
// whether request i of a minute is a 5xx.
type nodeTraffic struct {
	minutes   int
	perMinute int
	rate      func(node, minute int) int
	fivexx    func(minute, i int) bool
	bucket    time.Duration
}

var trafficNodes = []string{"52.208.14.23", "54.76.190.5", "34.243.77.102"}

// report builds the report of the traffic with opts.
func (tr nodeTraffic) report(opts Options) *Report {
	if tr.bucket != 0 {
		opts.Bucket = tr.bucket
	}
	a := New(fakeFamily{}, opts)
	a.subject = Subject{Resource: "lb/a", Name: "a"}
	var results []input.ObjectResult
	for node, ip := range trafficNodes {
		n := a.Node(parser.Source{NodeIP: ip})
		var rows int64
		for m := range tr.minutes {
			k := tr.perMinute
			if tr.rate != nil {
				if r := tr.rate(node, m); r >= 0 {
					k = r
				}
			}
			for i := range k {
				us := t0.Add(time.Duration(m)*time.Minute + time.Duration(i)*time.Minute/time.Duration(k)).UnixMicro()
				rows++
				if !a.Admit(us, true) {
					continue
				}
				row := Row{Time: us, Status: 200, TargetIP: "10.0.0.1", TargetPort: 80, Path: "/", Client: "-"}
				if tr.fivexx != nil && tr.fivexx(m, i) {
					row.Status, row.Cause = 502, fakeTaxonomy.CauseID("target.http_5xx")
				}
				a.Observe(n, &row)
			}
		}
		results = append(results, input.ObjectResult{Source: parser.Source{Name: ip + ".log", NodeIP: ip}, Format: fakeFormat,
			Stats: parser.Stats{Lines: rows, Parsed: rows, MinTime: t0, MaxTime: t0.Add(time.Duration(tr.minutes)*time.Minute - time.Second)}})
	}
	return BuildReport(a, Run{Results: results})
}

// noRequestFinding fails t when the verdict names a node, a target or a
// path, as it must not with no request.
func noRequestFinding(t *testing.T, rep *Report) {
	t.Helper()
	if len(rep.Nodes) != 0 || len(rep.Targets) != 0 || len(rep.Paths) != 0 || len(rep.Verdict.Findings) != 0 {
		t.Errorf("no request, yet %d nodes, %d targets, %d paths, findings %q", len(rep.Nodes), len(rep.Targets), len(rep.Paths), rep.Verdict.Findings)
	}
	if strings.Contains(rep.Verdict.Summary, "node") || rep.Verdict.Fault || rep.Verdict.Headline != "" {
		t.Errorf("no request, yet summary %q, fault %v, headline %q", rep.Verdict.Summary, rep.Verdict.Fault, rep.Verdict.Headline)
	}
}

// TestVerdict_NoRequestInPeriod: a window with no rows, and inputs with no
// line, give no node, target or path finding; the summary says that the
// period holds no request and where the rows are.
func TestVerdict_NoRequestInPeriod(t *testing.T) {
	tr := nodeTraffic{minutes: 45, perMinute: 20}
	day := t0.AddDate(0, 0, 1)
	f := func(opts Options, want string) {
		t.Helper()
		rep := tr.report(opts)
		noRequestFinding(t, rep)
		if rep.Verdict.Summary != want {
			t.Errorf("summary\n%q, want\n%q", rep.Verdict.Summary, want)
		}
	}
	f(Options{Since: day.Add(5 * time.Minute), Until: day.Add(20 * time.Minute)},
		"The period 2026-11-22 13:05 to 13:20 UTC holds no requests: the 2,700 rows read are from 2026-11-21 13:00 to 13:44:59 UTC; nothing to attribute.")
	f(Options{Since: day}, "The period since 2026-11-22 13:00 UTC holds no requests: the 2,700 rows read are from 2026-11-21 13:00 to 13:44:59 UTC; nothing to attribute.")
	f(Options{Until: t0.Add(-time.Hour)}, "The period until 2026-11-21 12:00 UTC holds no requests: the 2,700 rows read are from 2026-11-21 13:00 to 13:44:59 UTC; nothing to attribute.")

	empty := BuildReport(New(fakeFamily{}, Options{}), Run{Results: []input.ObjectResult{{Source: parser.Source{Name: "empty.log"}, Format: fakeFormat}}})
	noRequestFinding(t, empty)
	if want := "The input read holds no log line: no requests to attribute."; empty.Verdict.Summary != want {
		t.Errorf("empty input: summary %q, want %q", empty.Verdict.Summary, want)
	}
}

// TestVerdict_QuietNode: a node that serves its share until 13:30 and
// almost nothing after is quiet since 13:30; with no 5xx, or 5xx at a
// background level, it leads the verdict; a burst of 5xx leads instead.
func TestVerdict_QuietNode(t *testing.T) {
	drop := func(node, minute int) int {
		if node == 2 && minute >= 30 {
			return 1
		}
		return -1
	}
	const since = "since 13:30 UTC on 2026-11-21, to the end of the logs at 14:00"
	check := func(name string, rep *Report, lead bool) {
		t.Helper()
		var quiet []string
		for _, n := range rep.Nodes {
			if n.Quiet != nil {
				quiet = append(quiet, n.Node)
			}
		}
		if len(quiet) != 1 || quiet[0] != trafficNodes[2] {
			t.Fatalf("%s: quiet nodes %v, want %s", name, quiet, trafficNodes[2])
		}
		n := rep.Nodes[0] // 34.243.77.102 sorts first
		if q := n.Quiet; q.Start.Format("15:04") != "13:30" || q.End.Format("15:04") != "14:00" || q.OpenStart || !q.OpenEnd || q.ShareOutside != 0.3333 {
			t.Errorf("%s: quiet %+v", name, q)
		}
		v := rep.Verdict
		finding := "Load balancer node 34.243.77.102 served 2.4% of the requests " + since + " (33% before), where an equal share is 33%"
		if !strings.Contains(strings.Join(v.Findings, "\n"), finding) {
			t.Errorf("%s: findings lack %q:\n%s", name, finding, strings.Join(v.Findings, "\n"))
		}
		lead0 := "Load balancer node 34.243.77.102 served 2.4% of the requests " + since + ", where an equal share is 33%: "
		if got := strings.HasPrefix(v.Summary, lead0) && v.Headline != "" && strings.Contains(v.Headline, since); got != lead {
			t.Errorf("%s: node leads %v, want %v: headline %q, summary %q", name, got, lead, v.Headline, v.Summary)
		}
		if !v.Fault {
			t.Errorf("%s: no fault", name)
		}
	}
	check("no 5xx", nodeTraffic{minutes: 60, perMinute: 20, rate: drop}.report(Options{}), true)
	steady := func(minute, i int) bool { return i == 7 && minute%5 == 0 } // 0.3%, every 5 minutes
	rep := nodeTraffic{minutes: 60, perMinute: 20, rate: drop, fivexx: steady}.report(Options{})
	check("background 5xx", rep, true)
	if rep.Verdict.PrimaryCause == nil || !strings.Contains(rep.Verdict.Summary, "of 5xx") {
		t.Errorf("background 5xx: the 5xx are no longer told: %q", rep.Verdict.Summary)
	}
	burst := func(minute, i int) bool { return minute >= 10 && minute < 20 && i%2 == 0 }
	check("5xx burst", nodeTraffic{minutes: 60, perMinute: 20, rate: drop, fivexx: burst}.report(Options{}), false)

	// A node short for the whole period: no span to give.
	rep = nodeTraffic{minutes: 60, perMinute: 20, rate: func(node, _ int) int {
		if node == 1 {
			return 2
		}
		return -1
	}}.report(Options{})
	want := "Load balancer node 54.76.190.5 served 4.8% of the requests, where an equal share is 33%: "
	if !strings.HasPrefix(rep.Verdict.Summary, want) || !strings.HasPrefix(rep.Verdict.Findings[0], want) {
		t.Errorf("whole period: summary %q, findings %q", rep.Verdict.Summary, rep.Verdict.Findings)
	}

	// No quiet node, no finding: one node's five minutes missing (an
	// object late); a node that joins at 13:20 (the load balancer scaled
	// out), which owed no share before.
	noQuiet := func(name string, rate func(node, minute int) int) {
		t.Helper()
		rep := nodeTraffic{minutes: 60, perMinute: 20, rate: rate}.report(Options{})
		for _, n := range rep.Nodes {
			if n.Quiet != nil {
				t.Errorf("%s: node %s quiet %+v", name, n.Node, n.Quiet)
			}
		}
		if rep.Verdict.Fault || len(rep.Verdict.Findings) != 0 {
			t.Errorf("%s: verdict %+v", name, rep.Verdict)
		}
	}
	noQuiet("five minutes missing", func(node, minute int) int {
		if node == 0 && minute >= 40 && minute < 45 {
			return 0
		}
		return -1
	})
	noQuiet("a node joining at 13:20", func(node, minute int) int {
		if node == 2 && minute < 20 {
			return 0
		}
		return -1
	})
}

// TestVerdict_WindowAtEdges: a burst already there when the period starts
// is said to run from its start; a window never ends past the last row,
// whatever the bucket width.
func TestVerdict_WindowAtEdges(t *testing.T) {
	early := func(minute, i int) bool { return minute < 10 && i%2 == 0 }
	rep := nodeTraffic{minutes: 60, perMinute: 20, fivexx: early}.report(Options{Since: t0.Add(5 * time.Minute)})
	w := rep.Verdict.Window
	if w == nil || w.Start.Format("15:04") != "13:05" || w.End.Format("15:04") != "13:10" || !w.OpenStart || w.OpenEnd {
		t.Fatalf("early burst: window %+v", w)
	}
	if s := rep.Verdict.Summary; !strings.Contains(s, "from the start of the period at 13:05 to 13:10 UTC on 2026-11-21") {
		t.Errorf("early burst: summary %q", s)
	}
	// Logs end at 13:34:59; with hour buckets, the window ends with them.
	late := func(minute, i int) bool { return minute >= 60 && i%2 == 0 }
	rep = nodeTraffic{minutes: 95, perMinute: 20, fivexx: late, bucket: time.Hour}.report(Options{})
	w = rep.Verdict.Window
	if w == nil || w.Start.Format("15:04") != "14:00" || w.End.Format("15:04:05") != "14:35:00" || w.OpenStart || !w.OpenEnd {
		t.Fatalf("hour buckets: window %+v", w)
	}
	if s := rep.Verdict.Summary; !strings.Contains(s, "since 14:00 UTC on 2026-11-21, to the end of the logs at 14:35") {
		t.Errorf("hour buckets: summary %q", s)
	}
	// Until bounds the window too.
	rep = nodeTraffic{minutes: 95, perMinute: 20, fivexx: late, bucket: time.Hour}.report(Options{Until: t0.Add(80 * time.Minute)})
	if w = rep.Verdict.Window; w == nil || w.End.Format("15:04") != "14:20" || !strings.Contains(rep.Verdict.Summary, "to the end of the period at 14:20") {
		t.Fatalf("until 14:20: window %+v, summary %q", w, rep.Verdict.Summary)
	}
}
