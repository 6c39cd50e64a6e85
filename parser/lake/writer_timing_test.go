package lake

// Compare runs with:
//
//	go test -run '^$' -bench . -benchmem -count 6 ./parser/lake > new.txt
//	benchstat old.txt new.txt

import (
	"bytes"
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
)

// benchBatches parses text with dec into batches, kept for the benchmark.
func benchBatches(b *testing.B, dec parser.Decoder, text []byte) ([]arrow.RecordBatch, *arrow.Schema) {
	b.Helper()
	r, err := dec.NewReader(bytes.NewReader(text), parser.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Release()
	var out []arrow.RecordBatch
	for r.Next() {
		rec := r.RecordBatch()
		rec.Retain()
		out = append(out, rec)
	}
	if r.Err() != nil {
		b.Fatal(r.Err())
	}
	b.Cleanup(func() {
		for _, rec := range out {
			rec.Release()
		}
	})
	return out, r.Schema()
}

// BenchmarkObjectWriter measures writing parsed rows as Parquet (sort,
// conversion, encoding, zstd), not parsing; bytes are the log text's.
func BenchmarkObjectWriter(b *testing.B) {
	const rows = 200_000
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	var albText, cfText bytes.Buffer
	if _, err := gen.WriteALB(&albText, &gen.ALBScenario{Seed: 1, Start: start, End: start.Add(time.Hour), Rows: rows,
		Incidents: gen.EveryALBCause(start, start.Add(time.Hour), 0.01)}); err != nil {
		b.Fatal(err)
	}
	if _, err := gen.WriteCloudFront(&cfText, &gen.CFScenario{Seed: 1, Start: start, End: start.Add(time.Hour), Rows: rows,
		Incidents: gen.EveryCFCause(start, start.Add(time.Hour), 0.01)}); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		dec  parser.Decoder
		text []byte
	}{
		{"alb", alb.Decoder{}, albText.Bytes()},
		{"cloudfront", cloudfront.Decoder{}, cfText.Bytes()},
	} {
		batches, schema := benchBatches(b, c.dec, c.text)
		for _, level := range []int{1, 3} {
			b.Run(fmt.Sprintf("format=%s/zstd=%d", c.name, level), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(c.text)))
				src := parser.Source{Name: "bench.log", Format: c.dec.Format()}
				var size int64
				cpu0 := cpuTime()
				for b.Loop() {
					w, err := NewObjectWriter(context.Background(), countStore{&size}, c.dec.Format(), src, schema,
						Options{ZstdLevel: level, Allocator: memory.DefaultAllocator})
					if err != nil {
						b.Fatal(err)
					}
					for _, rec := range batches {
						if err := w.Write(rec); err != nil {
							b.Fatal(err)
						}
					}
					if _, err := w.Close(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(size)/float64(b.N)/rows, "file-B/row")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
				b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N)/rows, "cpu-ns/row")
			})
		}
	}
}

// countStore discards what is written and adds its size to n.
type countStore struct{ n *int64 }

type countFile struct{ n *int64 }

func (f countFile) Write(p []byte) (int, error) { *f.n += int64(len(p)); return len(p), nil }
func (countFile) Commit() error                 { return nil }
func (countFile) Abort()                        {}

func (s countStore) Create(context.Context, string) (File, error) { return countFile(s), nil }
func (countStore) String() string                                 { return "count" }

// cpuTime is the process's user and system CPU time: on a machine shared
// with other work, CPU per row is steadier than time per row.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
