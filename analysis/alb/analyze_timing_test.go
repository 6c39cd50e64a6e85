package alb_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/analysis"
	albfam "github.com/lbtriage/lbtriage/analysis/alb"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
)

// Run with:
//	go test -run '^$' -bench 'Parse|Analyze' -benchmem -count 6 ./analysis/alb/ > new.txt; benchstat old.txt new.txt
//
// BenchmarkParseOnly and BenchmarkAnalyze read the same generated lines
// through the same decoder with the same column projection, the family's
// (Family.Columns); the difference is the cost of the analysis.

const benchRows = 200_000

var (
	benchOnce  sync.Once
	benchLines []byte
)

func benchScenario(rows int) *gen.ALBScenario {
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	sc := &gen.ALBScenario{Seed: 1, Start: start, End: start.Add(6 * time.Hour), Rows: rows, WAF: true}
	sc.Incidents = append(sc.Incidents,
		gen.KeepAlive502(start.Add(time.Hour), start.Add(2*time.Hour), 0.1),
		gen.NACLSubnet504(start.Add(3*time.Hour), start.Add(4*time.Hour), "10.0.3.0/24", 0.2))
	sc.Incidents = append(sc.Incidents, gen.EveryALBCause(start, sc.End, 0.002)...)
	return sc
}

func benchInput(b *testing.B) []byte {
	benchOnce.Do(func() {
		var buf bytes.Buffer
		if _, err := gen.WriteALB(&buf, benchScenario(benchRows)); err != nil {
			b.Fatal(err)
		}
		benchLines = buf.Bytes()
	})
	return benchLines
}

// GlobalSink keeps the compiler from dropping the work.
var GlobalSink int64

func readALB(b *testing.B, data []byte, consume func(arrow.RecordBatch)) parser.Stats {
	return readALBBatches(b, data, 0, consume)
}

func readALBBatches(b *testing.B, data []byte, batch int, consume func(arrow.RecordBatch)) parser.Stats {
	r, err := alb.NewReader(bytes.NewReader(data), parser.Options{Columns: albfam.Family{}.Columns(), BatchSize: batch})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Release()
	for r.Next() {
		consume(r.RecordBatch())
	}
	if err := r.Err(); err != nil {
		b.Fatal(err)
	}
	return r.Stats()
}

// benchBatches are the batch sizes the pipeline benchmarks run with.
var benchBatches = []int{4096, parser.DefaultBatchSize}

func BenchmarkParseOnly(b *testing.B) {
	for _, n := range benchBatches {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) { benchParseOnly(b, n) })
	}
}

func benchParseOnly(b *testing.B, batch int) {
	data := benchInput(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var lines int64
	cpu0 := analysistest.CPUTime()
	for b.Loop() {
		st := readALBBatches(b, data, batch, func(rec arrow.RecordBatch) { GlobalSink += rec.NumRows() })
		lines += st.Lines
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(analysistest.CPUTime()-cpu0)/float64(lines), "cpu-ns/line")
}

// BenchmarkAnalyze runs the decoder and the aggregator together. With
// agg=fresh every pass starts from an empty Aggregator, paying to insert
// every path and client again; with agg=reused the Aggregator is kept, as
// in a long run where the keys are already known.
func BenchmarkAnalyze(b *testing.B) {
	for _, n := range benchBatches {
		for _, reuse := range []bool{false, true} {
			name := fmt.Sprintf("batch=%d/agg=fresh", n)
			if reuse {
				name = fmt.Sprintf("batch=%d/agg=reused", n)
			}
			b.Run(name, func(b *testing.B) { benchAnalyze(b, n, reuse) })
		}
	}
}

func benchAnalyze(b *testing.B, batch int, reuse bool) {
	data := benchInput(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var lines int64
	src := parser.Source{Name: "bench", NodeIP: "10.0.0.5"}
	a := analysis.New(albfam.Family{}, analysis.Options{})
	cpu0 := analysistest.CPUTime()
	for b.Loop() {
		if !reuse {
			a = analysis.New(albfam.Family{}, analysis.Options{})
		}
		st := readALBBatches(b, data, batch, func(rec arrow.RecordBatch) {
			if err := a.Consume(src, rec); err != nil {
				b.Fatal(err)
			}
		})
		lines += st.Lines
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(analysistest.CPUTime()-cpu0)/float64(lines), "cpu-ns/line")
	GlobalSink += analysis.BuildReport(a, analysis.Run{}).Errors.Total5xx
}

// BenchmarkConsume isolates the aggregator: batches are decoded once, then
// consumed again and again.
func BenchmarkConsume(b *testing.B) {
	for _, maxKeys := range []int{1000, 10_000, 50_000} {
		b.Run(fmt.Sprintf("maxkeys=%d", maxKeys), func(b *testing.B) { benchConsume(b, maxKeys) })
	}
}

func benchConsume(b *testing.B, maxKeys int) {
	data := benchInput(b)
	var recs []arrow.RecordBatch
	var rows int64
	readALB(b, data, func(rec arrow.RecordBatch) {
		rec.Retain()
		recs = append(recs, rec)
		rows += rec.NumRows()
	})
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	src := parser.Source{Name: "bench", NodeIP: "10.0.0.5"}
	b.ReportAllocs()
	cpu0 := analysistest.CPUTime()
	for b.Loop() {
		a := analysis.New(albfam.Family{}, analysis.Options{MaxKeys: maxKeys})
		for _, rec := range recs {
			if err := a.Consume(src, rec); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(rows*int64(b.N))/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(analysistest.CPUTime()-cpu0)/float64(rows*int64(b.N)), "cpu-ns/row")
}
