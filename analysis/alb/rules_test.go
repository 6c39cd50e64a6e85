package alb

import (
	"bytes"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/internal/rule"
	"github.com/lbtriage/lbtriage/parser"
	albparser "github.com/lbtriage/lbtriage/parser/alb"
)

// TestRules holds the rule table, from which lbtriage sql prints the SQL
// CASE, to classifyBatch on every row of generated traffic with every
// cause: the same cause, row for row.
func TestRules(t *testing.T) {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	var text bytes.Buffer
	if _, err := gen.WriteALB(&text, &gen.ALBScenario{Seed: 12, Start: start, End: start.Add(time.Hour), Rows: 30000,
		Incidents: gen.EveryALBCause(start, start.Add(time.Hour), 0.05)}); err != nil {
		t.Fatal(err)
	}
	r, err := albparser.NewReader(&text, parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var k deriver
	var d analysis.Derived
	seen := map[string]int{}
	for r.Next() {
		rec := r.RecordBatch()
		if err := k.Derive(rec, &d); err != nil {
			t.Fatal(err)
		}
		for i := range int(rec.NumRows()) {
			want := ""
			if id := d.Causes[i]; id != 0 {
				want = taxonomy.Cause(id).Code
			}
			var dur any
			if v := d.Durations[i]; v == v {
				dur = v
			}
			if got := rules.Classify(rule.RecordRow(rec, i, map[string]any{"duration": dur})); got != want {
				t.Fatalf("row %d: the rules say %q, classifyBatch %q", i, got, want)
			}
			seen[want]++
		}
	}
	for _, c := range taxonomy.Causes {
		if seen[c.Code] == 0 {
			t.Errorf("no row of cause %s: the test does not cover its rule", c.Code)
		}
	}
}
