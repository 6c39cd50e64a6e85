package albhealth

import (
	"bytes"
	"maps"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/klauspost/compress/gzip"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// genScenarios are generated health-check logs with every kind of failure,
// on both layouts, the demo's story and incident 3.
func genScenarios() map[string]*gen.HealthScenario {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return start.Add(time.Duration(m) * time.Minute) }
	every := func(layout int) *gen.HealthScenario {
		return &gen.HealthScenario{
			ALB:    &gen.ALBScenario{Seed: 11, Start: start, End: at(40), Rows: 10},
			Layout: layout, Interval: 10 * time.Second, Type: "https",
			Incidents: []gen.HealthIncident{
				gen.MatcherMismatch(at(5), at(10), 299),
				{Kind: gen.HealthTargetError, Start: at(10), End: at(15), Rate: 0.5, Targets: []string{"10.0.3.31:8080"}},
				{Kind: gen.HealthTimeout, Start: at(15), End: at(20), Rate: 1, Node: "34.243.77.102"},
				{Kind: gen.HealthReset, Start: at(20), End: at(30), Rate: 0.4, BurstEvery: 2 * time.Minute, BurstFor: 30 * time.Second},
				{Kind: gen.HealthOverload, Start: at(32), End: at(36), Rate: 0.9},
			},
		}
	}
	targets := []string{"10.0.1.11:8080", "10.0.2.21:8080"}
	_, overload := gen.Overload(at(5), at(37), targets, 8*time.Minute, 150*time.Second, 3, 0.3)
	return map[string]*gen.HealthScenario{
		"every kind":     every(gen.HealthLayout10),
		"earlier layout": every(gen.HealthLayout8),
		"sample":         gen.SampleHealthIncident(),
		"overload": {ALB: &gen.ALBScenario{Seed: 9, Start: start, End: at(45), Rows: 10, Targets: targets},
			Incidents: overload},
	}
}

// TestGenerated parses every generated object, named as AWS names them,
// and compares what the rows say with the generator's truth: every line
// parses, and the checks and failures per target, node, reason and code
// are those the generator wrote.
func TestGenerated(t *testing.T) {
	for name, hs := range genScenarios() {
		t.Run(name, func(t *testing.T) {
			objs, tr, err := gen.HealthObjects(hs)
			if err != nil {
				t.Fatal(err)
			}
			checks, failed := 0, 0
			reasons, codes := map[string]int{}, map[int]int{}
			targets, nodes := map[string]*gen.HealthCounts{}, map[string]*gen.HealthCounts{}
			first, last := map[string]time.Time{}, map[string]time.Time{}
			for _, o := range objs {
				src, ok := Decoder{}.ParseName(awskey.BaseName(o.Key))
				if !ok {
					t.Fatalf("ParseName(%q) failed", o.Key)
				}
				src.Name = o.Key
				zr, err := gzip.NewReader(bytes.NewReader(o.Data))
				if err != nil {
					t.Fatal(err)
				}
				head := make([]byte, 4096)
				n, _ := zr.Read(head)
				if got := (Decoder{}).Sniff(head[:n]); got == 0 {
					t.Fatalf("Sniff counts no line of %q", o.Key)
				}
				zr, _ = gzip.NewReader(bytes.NewReader(o.Data))
				res := readAll(t, zr, parser.Options{Source: src, BatchSize: 100})
				if res.Err != nil || len(res.Rejects) > 0 {
					t.Fatalf("%s: err %v, rejects %v", o.Key, res.Err, res.Rejects)
				}
				if res.Stats.MinTime.Before(src.Start) || !res.Stats.MaxTime.Before(src.End) {
					t.Fatalf("%s: rows %s..%s outside %s..%s", o.Key, res.Stats.MinTime, res.Stats.MaxTime, src.Start, src.End)
				}
				for _, r := range res.Rows {
					node := src.NodeIP // 8-field lines: the node is in the name only
					if r[ColNodeIP] != nil {
						node = r[ColNodeIP].(string)
						if node != src.NodeIP || r[ColELB] != src.Resource {
							t.Fatalf("%s: row of node %v, elb %v", o.Key, r[ColNodeIP], r[ColELB])
						}
					}
					target := r[ColTargetIP].(string) + ":" + strconv.Itoa(int(r[ColTargetPort].(uint16)))
					for _, c := range []*gen.HealthCounts{count(targets, target), count(nodes, node)} {
						c.Checks++
					}
					checks++
					if r[ColStatus] == StatusPass {
						if r[ColReasonCode] != nil || r[ColStatusCode] != uint16(200) {
							t.Fatalf("passed check %v", r)
						}
						continue
					}
					failed++
					reason := r[ColReasonCode].(string)
					reasons[reason]++
					for _, c := range []*gen.HealthCounts{count(targets, target), count(nodes, node)} {
						c.Failed++
						if c.Reasons == nil {
							c.Reasons = map[string]int{}
						}
						c.Reasons[reason]++
					}
					if reason == ReasonResponseCodeMismatch {
						codes[int(r[ColStatusCode].(uint16))]++
					}
					ts, _ := time.Parse("2006-01-02T15:04:05.000000Z", r[ColTime].(string))
					if first[target].IsZero() || ts.Before(first[target]) {
						first[target] = ts
					}
					if ts.After(last[target]) {
						last[target] = ts
					}
				}
			}
			if checks != tr.Checks || failed != tr.Failed || !maps.Equal(reasons, tr.Reasons) || !maps.Equal(codes, tr.MismatchCodes) {
				t.Fatalf("rows: %d checks, %d failed, %v %v; truth %d, %d, %v %v",
					checks, failed, reasons, codes, tr.Checks, tr.Failed, tr.Reasons, tr.MismatchCodes)
			}
			for k, c := range targets {
				w := tr.Targets[k]
				if c.Checks != w.Checks || c.Failed != w.Failed || !maps.Equal(c.Reasons, w.Reasons) ||
					!first[k].Equal(w.FirstFailed) || !last[k].Equal(w.LastFailed) {
					t.Fatalf("target %s: rows %+v %s..%s, truth %+v %s..%s", k, c, first[k], last[k], w.HealthCounts, w.FirstFailed, w.LastFailed)
				}
			}
			for k, c := range nodes {
				if w := tr.Nodes[k]; c.Checks != w.Checks || c.Failed != w.Failed || !maps.Equal(c.Reasons, w.Reasons) {
					t.Fatalf("node %s: rows %+v, truth %+v", k, c, w)
				}
			}
			if len(targets) != len(tr.Targets) || len(nodes) != len(tr.Nodes) {
				t.Fatalf("%d targets, %d nodes; truth %d, %d", len(targets), len(nodes), len(tr.Targets), len(tr.Nodes))
			}
		})
	}
}

func count(m map[string]*gen.HealthCounts, k string) *gen.HealthCounts {
	if m[k] == nil {
		m[k] = &gen.HealthCounts{}
	}
	return m[k]
}

// TestGeneratedColumns reads generated lines with the columns the analysis
// asks for and checks the typed values: latencies as durations, time-outs
// just over the timeout.
func TestGeneratedColumns(t *testing.T) {
	var buf bytes.Buffer
	hs := genScenarios()["every kind"]
	if _, err := gen.WriteHealth(&buf, hs); err != nil {
		t.Fatal(err)
	}
	rd, err := NewReader(&buf, parser.Options{Columns: TriageColumns, Allocator: newChecked(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	timeouts := 0
	for rd.Next() {
		rec := rd.RecordBatch()
		lat := rec.Column(rec.Schema().FieldIndices(ColLatency)[0]).(*array.Duration)
		reason := rec.Column(rec.Schema().FieldIndices(ColReasonCode)[0]).(*array.String)
		for i := range int(rec.NumRows()) {
			if reason.IsValid(i) && reason.Value(i) == ReasonTimedOut {
				timeouts++
				if d := time.Duration(lat.Value(i)); d < 5*time.Second || d > 5*time.Second+2*time.Millisecond {
					t.Fatalf("time-out after %s", d)
				}
			}
		}
	}
	if rd.Err() != nil || rd.Stats().Rejected != 0 || timeouts == 0 {
		t.Fatalf("err %v, stats %+v, %d time-outs", rd.Err(), rd.Stats(), timeouts)
	}
}
