package alb

import (
	"bytes"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/internal/gen"
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
	analysistest.CheckRules(t, Family{}, r, func(d *analysis.Derived, i int) map[string]any {
		if v := d.Durations[i]; v == v {
			return map[string]any{"duration": v}
		}
		return nil
	})
}
