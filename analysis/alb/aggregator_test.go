package alb

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/parser"
)

func reportJSON(t *testing.T, a *analysis.Aggregator) string {
	t.Helper()
	b, err := json.MarshalIndent(analysis.BuildReport(a, analysis.Run{}), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mixedRows is a small workload touching every aggregate.
func mixedRows() []row {
	var rows []row
	for i := 0; i < 300; i++ {
		at := t0.Add(time.Duration(i) * 7 * time.Second)
		r := okRow(at, fmt.Sprintf("10.0.%d.%d", i%3+1, 10+i%4))
		r.client = fmt.Sprintf("203.0.113.%d", i%17)
		r.url = fmt.Sprintf("https://h:443/p/%d?q=%d", i%23, i)
		r.tpt = float64(i%50) / 100
		switch i % 10 {
		case 3:
			r.elb, r.tstatus, r.tpt = 502, 0, -1
		case 5:
			r.elb, r.tstatus = 500, 500
		case 7:
			r = with(lbRow(503), func(x *row) { x.time = at })
		}
		rows = append(rows, r)
	}
	return rows
}

func TestAggregator_MergeEqualsOnePass(t *testing.T) {
	rows := mixedRows()
	one := aggregate(t, analysis.Options{}, parser.Source{NodeIP: "172.31.1.5"}, rows)
	merged := analysis.New(Family{}, analysis.Options{})
	for _, part := range [][]row{rows[:100], rows[100:101], rows[101:250], rows[250:]} {
		merged.Merge(aggregate(t, analysis.Options{}, parser.Source{NodeIP: "172.31.1.5"}, part))
	}
	if a, b := reportJSON(t, one), reportJSON(t, merged); a != b {
		t.Fatalf("merged report differs from one pass:\n%s\n---\n%s", a, b)
	}
	// Merging in another order gives the same report.
	rev := analysis.New(Family{}, analysis.Options{})
	rev.Merge(aggregate(t, analysis.Options{}, parser.Source{NodeIP: "172.31.1.5"}, rows[150:]))
	rev.Merge(aggregate(t, analysis.Options{}, parser.Source{NodeIP: "172.31.1.5"}, rows[:150]))
	if a, b := reportJSON(t, one), reportJSON(t, rev); a != b {
		t.Fatalf("merge order changes the report")
	}
}

func TestAggregator_KeyCap(t *testing.T) {
	rows := []row{okRow(t0, "10.0.1.1"), okRow(t0, "10.0.1.1"), okRow(t0, "10.0.1.1")}
	rows[0].url, rows[1].url, rows[2].url = "https://h:443/a", "https://h:443/b", "https://h:443/c"
	rows[2].elb, rows[2].tstatus = 500, 500
	a := aggregate(t, analysis.Options{MaxKeys: 2}, parser.Source{}, rows)
	rep := analysis.BuildReport(a, analysis.Run{})
	got := fmt.Sprint(rep.Paths)
	if want := "[{/a 1 0} {/b 1 0} {(other) 1 1}]"; got != want {
		t.Fatalf("paths %s, want %s", got, want)
	}
	if rep.Requests != 3 || rep.Errors.Total5xx != 1 {
		t.Fatalf("counts beyond the cap are lost: %d requests %d 5xx", rep.Requests, rep.Errors.Total5xx)
	}
}

func TestAggregator_WindowIsHalfOpen(t *testing.T) {
	since, until := t0.Add(time.Minute), t0.Add(2*time.Minute)
	rows := []row{
		okRow(since.Add(-time.Microsecond), "10.0.1.1"),
		okRow(since, "10.0.1.1"),
		okRow(until.Add(-time.Microsecond), "10.0.1.1"),
		okRow(until, "10.0.1.1"),
	}
	a := aggregate(t, analysis.Options{Since: since, Until: until}, parser.Source{}, rows)
	rep := analysis.BuildReport(a, analysis.Run{})
	if rep.Requests != 2 || rep.Lines.OutsideWindow != 2 {
		t.Fatalf("%d requests, %d outside; want 2, 2", rep.Requests, rep.Lines.OutsideWindow)
	}
	if rep.TimeRange.First.RFC3339() != "2026-11-21T13:01:00Z" || rep.TimeRange.Last.RFC3339() != "2026-11-21T13:01:59.999999Z" {
		t.Fatalf("time range %+v", rep.TimeRange)
	}
}

func TestAggregator_TimelineFillsGaps(t *testing.T) {
	rows := []row{okRow(t0, "10.0.1.1"), okRow(t0.Add(3*time.Minute+5*time.Second), "10.0.1.1")}
	rows[1].elb, rows[1].tstatus = 503, 503
	rep := analysis.BuildReport(aggregate(t, analysis.Options{}, parser.Source{}, rows), analysis.Run{})
	var got []string
	for _, b := range rep.Timeline {
		got = append(got, fmt.Sprintf("%s %d/%d t=%d", b.Start.Format("15:04"), b.Requests, b.Errors5xx, b.ByDomain[domTarget]))
	}
	if want := "13:00 1/0 t=0,13:01 0/0 t=0,13:02 0/0 t=0,13:03 1/1 t=1"; strings.Join(got, ",") != want {
		t.Fatalf("timeline %v, want %s", got, want)
	}
}

func TestVerdict_NoErrors(t *testing.T) {
	rep := analysis.BuildReport(aggregate(t, analysis.Options{}, parser.Source{}, []row{okRow(t0, "10.0.1.1"), lbRow(460)}), analysis.Run{})
	v := rep.Verdict
	if v.PrimaryCause != nil || v.PrimaryDomain != nil || v.Share != 0 {
		t.Fatalf("verdict %+v", v)
	}
	if !strings.HasPrefix(v.Summary, "No 5xx among 2 requests") || !strings.Contains(v.Summary, "1 460") {
		t.Fatalf("summary %q", v.Summary)
	}
	b, _ := json.Marshal(v)
	if !strings.Contains(string(b), `"primary_cause":null`) || !strings.Contains(string(b), `"hints":[]`) {
		t.Fatalf("JSON %s", b)
	}
	empty := analysis.BuildReport(analysis.New(Family{}, analysis.Options{}), analysis.Run{})
	if empty.Verdict.Summary != "No requests were read; nothing to attribute." {
		t.Fatalf("empty summary %q", empty.Verdict.Summary)
	}
}

func TestVerdict_Findings(t *testing.T) {
	var rows []row
	targets := []string{"10.0.1.1", "10.0.1.2", "10.0.2.1", "10.0.2.2"}
	for i := 0; i < 400; i++ {
		r := okRow(t0.Add(time.Duration(i)*time.Second), targets[i%4])
		if i%4 == 2 && i%8 == 2 { // half of 10.0.2.1's requests time out
			r = with(tgRow(504, -1, 60), func(x *row) { x.time = r.time; x.target = "10.0.2.1" })
		}
		rows = append(rows, r)
	}
	for i := 0; i < 10; i++ {
		rows = append(rows, with(lbRow(503), func(x *row) { x.time = t0.Add(time.Duration(i) * time.Second); x.actions = "fixed-response" }))
	}
	a := analysis.New(Family{}, analysis.Options{})
	for i, node := range []string{"172.31.1.1", "172.31.2.1", "172.31.3.1"} {
		part := rows
		if i < 2 {
			part = rows[:200]
		} else {
			// A node serving far less than its share, from the start.
			part = nil
			for j := 0; j < len(rows); j += 27 {
				part = append(part, rows[j])
			}
		}
		a.Merge(aggregate(t, analysis.Options{}, parser.Source{NodeIP: node}, part))
	}
	// Give the rest of the rows to the first two nodes.
	a.Merge(aggregate(t, analysis.Options{}, parser.Source{NodeIP: "172.31.1.1"}, rows[215:]))
	rep := analysis.BuildReport(a, analysis.Run{})
	v := rep.Verdict
	if v.PrimaryCause == nil || *v.PrimaryCause != CauseTargetTimeout {
		t.Fatalf("primary %v", v.PrimaryCause)
	}
	all := strings.Join(v.Findings, "\n")
	for _, want := range []string{
		"target.timeout: 100% (",
		"come from target 10.0.2.1:8080 (1 of 4 targets)",
		"Load balancer node 172.31.3.1 served",
		"fixed responses that a listener rule is configured to send",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("findings lack %q:\n%s", want, all)
		}
	}
	if !strings.Contains(v.Summary, "concentrated on target 10.0.2.1:8080") {
		t.Errorf("summary %q", v.Summary)
	}
	if len(v.Hints) < 2 || !strings.HasPrefix(v.Hints[0], CauseTargetTimeout) || !strings.HasPrefix(v.Hints[1], CauseFixedResponse) {
		t.Errorf("hints %v", v.Hints)
	}
}

// TestConsume_NoAllocationPerRow: once its keys are known, consuming a
// batch allocates nothing per row.
func TestConsume_NoAllocationPerRow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := mixedRows()
	for len(rows) < 5000 {
		rows = append(rows, mixedRows()...)
	}
	rec := buildBatch(t, mem, rows)
	defer rec.Release()
	a := analysis.New(Family{}, analysis.Options{})
	src := parser.Source{NodeIP: "172.31.1.5"}
	if err := a.Consume(src, rec); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(20, func() {
		if err := a.Consume(src, rec); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Fatalf("%v allocations per batch of %d rows", allocs, rec.NumRows())
	}
}
