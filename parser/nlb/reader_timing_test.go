package nlb

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/internal/readertest"
)

// BenchmarkReader runs the sub-benchmarks of readertest.Bench (see there
// for benchstat and the yardstick) over about 50 MB of generated
// connections.
func BenchmarkReader(b *testing.B) {
	bn := benchInput()
	bn.Run(b, "parse=all", func(b *testing.B) { bn.Parse(b, false, nil) })
	bn.Run(b, "parse=triage", func(b *testing.B) { bn.Parse(b, false, TriageColumns) })
	bn.Run(b, "gzip+parse=all", func(b *testing.B) { bn.Parse(b, true, nil) })
	bn.Run(b, "gunzip-only", bn.Gunzip)
}

// benchInput is a day of a busy load balancer's connections, about 50 MB:
// both listeners, every kind of client, and failures of every kind.
var benchInput = sync.OnceValue(func() *readertest.Bench {
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	sc := &gen.NLBScenario{Seed: 1, Start: start, End: start.Add(24 * time.Hour), Connections: 160_000,
		Incidents: []gen.NLBIncident{
			{Kind: gen.NLBClientAlert, Legacy: true, Port: 443, Rate: 1, Start: start.Add(13 * time.Hour), End: start.Add(15 * time.Hour)},
			{Kind: gen.NLBHandshakeTimeout, Rate: 0.01, Start: start, End: start.Add(24 * time.Hour)},
		}}
	var buf bytes.Buffer
	tr, err := gen.WriteNLB(&buf, sc)
	if err != nil {
		panic(err)
	}
	return readertest.NewBench(Decoder{}.NewReader, buf.Bytes(), tr.Connections)
})

// BenchmarkRowParse measures splitting and converting one line, without
// the line reader or the column builders (readertest.Bench.RowParse).
func BenchmarkRowParse(b *testing.B) {
	r := newRow()
	benchInput().RowParse(b, r.parse)
}
