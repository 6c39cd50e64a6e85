package clb

import (
	"bytes"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	clbparser "github.com/lbtriage/lbtriage/parser/clb"
)

// TestRules holds the rule table, from which lbtriage sql prints the SQL
// CASE, to classifyBatch on every line of generated traffic with every
// cause and TCP and SSL connections: the same cause, line for line.
func TestRules(t *testing.T) {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	var text bytes.Buffer
	if _, err := gen.WriteCLB(&text, &gen.CLBScenario{Seed: 12, Start: start, End: start.Add(time.Hour), Rows: 30000,
		Incidents: gen.EveryCLBCause(start, start.Add(time.Hour), 0.05)}); err != nil {
		t.Fatal(err)
	}
	check := func(text *bytes.Buffer) {
		t.Helper()
		r, err := clbparser.NewReader(text, parser.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		analysistest.CheckRules(t, Family{}, r, nil)
	}
	check(&text)

	// The lines of every rule, some of which the generator never writes
	// (a 503 naming an instance), with connections and answered requests.
	text.Reset()
	for _, c := range classified {
		text.WriteString(c.l.text() + "\n")
	}
	for _, l := range []line{answered(200, 200), lbLine(400), {backend: "10.0.2.21:1883", bpt: 0.001, status: -1}} {
		text.WriteString(l.text() + "\n")
	}
	check(&text)
}
