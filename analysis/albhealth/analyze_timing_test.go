package albhealth_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/analysis"
	healthfam "github.com/lbtriage/lbtriage/analysis/albhealth"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/albhealth"
)

// Run with:
//	go test -run '^$' -bench . -benchmem -count 6 ./analysis/albhealth/ > new.txt; benchstat old.txt new.txt
//
// BenchmarkParseOnly and BenchmarkAnalyze read the same generated lines
// through the same decoder and projection (Family.Columns): the difference
// is the cost of the analysis. BenchmarkScan is the whole pipeline on the
// gzip objects AWS would deliver: decompression, decoding, the routers,
// the report.

var (
	benchOnce    sync.Once
	benchLines   []byte
	benchObjects []gen.Object
)

// benchScenario is six hours of the flapping day, checked every 10 s:
// 58,320 checks.
func benchScenario() *gen.HealthScenario {
	hs := flapping(10 * time.Second)
	hs.ALB.End = hs.ALB.Start.Add(6 * time.Hour)
	return hs
}

func benchInput(b *testing.B) ([]byte, []gen.Object) {
	benchOnce.Do(func() {
		var buf bytes.Buffer
		if _, err := gen.WriteHealth(&buf, benchScenario()); err != nil {
			b.Fatal(err)
		}
		benchLines = buf.Bytes()
		objs, _, err := gen.HealthObjects(benchScenario())
		if err != nil {
			b.Fatal(err)
		}
		benchObjects = objs
	})
	return benchLines, benchObjects
}

// GlobalSink keeps the compiler from dropping the work.
var GlobalSink int64

func readHealth(b *testing.B, data []byte, consume func(arrow.RecordBatch)) parser.Stats {
	r, err := albhealth.NewReader(bytes.NewReader(data), parser.Options{Columns: healthfam.Family{}.Columns()})
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

func BenchmarkParseOnly(b *testing.B) {
	data, _ := benchInput(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var lines int64
	cpu0 := analysistest.CPUTime()
	for b.Loop() {
		lines += readHealth(b, data, func(rec arrow.RecordBatch) { GlobalSink += rec.NumRows() }).Lines
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(analysistest.CPUTime()-cpu0)/float64(lines), "cpu-ns/line")
}

// BenchmarkAnalyze decodes, consumes and builds the report (the
// threshold replay, fail-open windows, timelines and verdict) each pass.
func BenchmarkAnalyze(b *testing.B) {
	data, _ := benchInput(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var lines int64
	src := parser.Source{Name: "bench", Resource: "app/shop-prod-alb/50dc6c495c0c9188"}
	cpu0 := analysistest.CPUTime()
	for b.Loop() {
		a := analysis.New(healthfam.Family{}, analysis.Options{})
		lines += readHealth(b, data, func(rec arrow.RecordBatch) {
			if err := a.Consume(src, rec); err != nil {
				b.Fatal(err)
			}
		}).Lines
		GlobalSink += int64(len(analysis.BuildReport(a, analysis.Run{}).Verdict.Summary))
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(analysistest.CPUTime()-cpu0)/float64(lines), "cpu-ns/line")
}

// BenchmarkScan runs the whole pipeline over the gzip objects (one per
// node per 5 minutes), with one and two workers; MB/s are of the
// decompressed text, as for the others.
func BenchmarkScan(b *testing.B) {
	data, objs := benchInput(b)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			objects, skipped := analysistest.Objects(reg, objs)
			b.SetBytes(int64(len(data))) // the same lines, decompressed
			b.ReportAllocs()
			var lines int64
			cpu0 := analysistest.CPUTime()
			for b.Loop() {
				rep := analysistest.Report(b, reg, objects, skipped, workers, analysis.Options{})
				lines += rep.Lines.Read
			}
			b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
			b.ReportMetric(float64(analysistest.CPUTime()-cpu0)/float64(lines), "cpu-ns/line")
		})
	}
}
