package clb

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/internal/readertest"
)

// BenchmarkReader runs the sub-benchmarks of readertest.Bench (see there
// for benchstat and the yardstick) over about 50 MB of generated Classic
// lines. AWS writes Classic logs as plain text; gzip is how they are kept
// and moved.
func BenchmarkReader(b *testing.B) { benchInput().RunParse(b, TriageColumns) }

// benchInput is six hours of a Classic Load Balancer, about 50 MB: HTTP,
// HTTPS, TCP and SSL listeners, IPv6 clients, and every cause.
var benchInput = sync.OnceValue(func() *readertest.Bench {
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	sc := &gen.CLBScenario{Seed: 1, Start: start, End: start.Add(6 * time.Hour), Rows: 150000,
		Incidents: gen.EveryCLBCause(start.Add(time.Hour), start.Add(2*time.Hour), 0.01)}
	var buf bytes.Buffer
	tr, err := gen.WriteCLB(&buf, sc)
	if err != nil {
		panic(err)
	}
	return readertest.NewBench(Decoder{}.NewReader, buf.Bytes(), tr.Rows)
})

// BenchmarkRowParse measures splitting and converting one line, without
// the line reader or the column builders.
func BenchmarkRowParse(b *testing.B) {
	text := benchInput().Text[:1<<20]
	lines := bytes.Split(text, []byte("\n"))
	lines = lines[:len(lines)-1] // the last is cut
	var r row
	r.toks.Max = numFields
	b.SetBytes(int64(len(text)) / int64(len(lines)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if reason := r.parse(lines[i%len(lines)], true); reason != "" {
			b.Fatal(reason)
		}
		i++
	}
}
