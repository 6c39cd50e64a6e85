package albhealth

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/internal/tokenize"
)

// BenchmarkReader runs the sub-benchmarks of readertest.Bench (see there
// for benchstat and the yardstick) over about 37 MB of generated checks,
// and parse=all without the AVX-512 tokenizer, as on CPUs that lack it.
func BenchmarkReader(b *testing.B) {
	bn := benchInput()
	bn.Run(b, "parse=all", func(b *testing.B) { bn.Parse(b, false, nil) })
	bn.Run(b, "parse=triage", func(b *testing.B) { bn.Parse(b, false, TriageColumns) })
	bn.Run(b, "parse=all,generic", func(b *testing.B) {
		defer tokenize.SetVector(tokenize.SetVector(false))
		bn.Parse(b, false, nil)
	})
	bn.Run(b, "gzip+parse=all", func(b *testing.B) { bn.Parse(b, true, nil) })
	bn.Run(b, "gunzip-only", bn.Gunzip)
}

// benchInput is three nodes checking 64 targets every 5 s for two hours,
// about 37 MB, with failures of every kind.
var benchInput = sync.OnceValue(func() *readertest.Bench {
	start := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return start.Add(time.Duration(m) * time.Minute) }
	var targets []string
	for i := range 64 {
		targets = append(targets, fmt.Sprintf("10.0.%d.%d:8080", 1+i%3, 10+i))
	}
	hs := &gen.HealthScenario{
		ALB:      &gen.ALBScenario{Seed: 1, Start: start, End: at(120), Rows: 1, Targets: targets},
		Interval: 5 * time.Second, Timeout: 2 * time.Second,
		Incidents: []gen.HealthIncident{
			gen.MatcherMismatch(at(20), at(30), 299),
			{Kind: gen.HealthOverload, Start: at(40), End: at(90), Rate: 0.3, BurstEvery: 5 * time.Minute, BurstFor: 2 * time.Minute},
			{Kind: gen.HealthTargetError, Start: at(0), End: at(120), Rate: 0.02},
		},
	}
	var text bytes.Buffer
	tr, err := gen.WriteHealth(&text, hs)
	if err != nil {
		panic(err)
	}
	return readertest.NewBench(Decoder{}.NewReader, text.Bytes(), tr.Checks)
})

// BenchmarkRowParse measures splitting and converting one line, without
// the line reader or the column builders (readertest.Bench.RowParse).
func BenchmarkRowParse(b *testing.B) {
	r := newRow()
	benchInput().RowParse(b, r.parse)
}
