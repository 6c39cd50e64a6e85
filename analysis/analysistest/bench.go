package analysistest

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
)

// GlobalSink keeps the compiler from dropping the work.
var GlobalSink int64

// Bench measures a family on the same generated lines, with the family's
// column projection (Family.Columns):
//
//   - parse: the decoder alone, text to batches;
//   - analyze: the decoder and the family's consumer into one Aggregator,
//     then the report: the difference with parse is the analysis;
//   - objects: the whole pipeline on the objects as AWS names them
//     (decompression, sniffing, routing per load balancer, the reports),
//     with one worker, as "lbtriage analyze" runs on one core.
//
// lines is the text of the objs' lines; reg holds the family and the ones
// the objects need. MB/s are of that text.
func Bench(b *testing.B, reg *analysis.Registry, fam analysis.Family, lines []byte, objs []gen.Object) {
	b.Run("parse", func(b *testing.B) {
		run(b, lines, func() {
			readAll(b, fam, lines)
		})
	})
	b.Run("analyze", func(b *testing.B) {
		run(b, lines, func() {
			a := analysis.New(fam, analysis.Options{})
			readInto(b, fam, lines, a)
			GlobalSink += analysis.BuildReport(a, analysis.Run{}).Lines.OtherLogs
		})
	})
	objects, skipped := Objects(reg, objs)
	b.Run("objects", func(b *testing.B) {
		run(b, lines, func() {
			for _, r := range Scan(b, reg, objects, skipped, 1, analysis.Options{}) {
				GlobalSink += r.Lines.Parsed
			}
		})
	})
}

func run(b *testing.B, lines []byte, pass func()) {
	n := int64(bytes.Count(lines, []byte{'\n'}))
	b.SetBytes(int64(len(lines)))
	b.ReportAllocs()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0 := CPUTime()
	var passes int64
	for b.Loop() {
		pass()
		passes++
	}
	cpu := CPUTime() - cpu0
	runtime.ReadMemStats(&m1)
	b.ReportMetric(float64(n*passes)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(cpu)/float64(n*passes), "cpu-ns/line")
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(n*passes), "allocs/line")
}

// readAll decodes lines with the family's projection and counts the rows.
func readAll(b *testing.B, fam analysis.Family, lines []byte) {
	drain(b, fam, lines, func(rec arrow.RecordBatch) error {
		GlobalSink += rec.NumRows()
		return nil
	})
}

// readInto decodes lines into Aggregator a.
func readInto(b *testing.B, fam analysis.Family, lines []byte, a *analysis.Aggregator) {
	src := parser.Source{Name: "bench"}
	drain(b, fam, lines, func(rec arrow.RecordBatch) error { return a.Consume(src, rec) })
}

// drain decodes lines with the family's projection and hands each batch
// to consume, failing the benchmark on an error.
func drain(b *testing.B, fam analysis.Family, lines []byte, consume func(arrow.RecordBatch) error) {
	r, err := fam.Decoder().NewReader(bytes.NewReader(lines), parser.Options{Columns: fam.Columns()})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Release()
	for r.Next() {
		if err := consume(r.RecordBatch()); err != nil {
			b.Fatal(err)
		}
	}
	if err := r.Err(); err != nil {
		b.Fatal(err)
	}
}

// ConsumeAllocs returns the allocations of a family's Consume of the first
// batch of lines, once its keys are known.
func ConsumeAllocs(t *testing.T, fam analysis.Family, lines []byte, src parser.Source) float64 {
	t.Helper()
	r, err := fam.Decoder().NewReader(bytes.NewReader(lines), parser.Options{Columns: fam.Columns(), BatchSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if !r.Next() {
		t.Fatal(r.Err())
	}
	rec := r.RecordBatch()
	a := analysis.New(fam, analysis.Options{})
	if err := a.Consume(src, rec); err != nil {
		t.Fatal(err)
	}
	return testing.AllocsPerRun(20, func() { _ = a.Consume(src, rec) })
}
