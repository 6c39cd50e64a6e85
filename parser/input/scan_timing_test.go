package input

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/parser"
)

// GlobalSink keeps benchmark results alive so the work is not optimised away.
var GlobalSink atomic.Int64

// countSink counts the rows of any decoder's batches.
type countSink struct{ rows int64 }

func (s *countSink) Consume(_ parser.Source, _ parser.Format, rec arrow.RecordBatch) error {
	s.rows += rec.NumRows()
	return nil
}

// BenchmarkScan measures Scan's own cost (open, gzip, peek, dispatch) with
// the fake line decoder, over 16 objects of about 1 MiB of text each.
//
//	go test ./parser/input/ -run '^$' -bench BenchmarkScan -count 10 > new.txt && benchstat old.txt new.txt
func BenchmarkScan(b *testing.B) {
	text := fakeLines("bench", 40000)
	for _, enc := range []string{"plain", "gzip"} {
		data := []byte(text)
		if enc == "gzip" {
			data = gzipBytes(b, text)
		}
		var objects []Object
		for i := range 16 {
			objects = append(objects, memObject(fmt.Sprintf("obj-%02d.log", i), data))
		}
		for _, workers := range []int{1, 4} {
			b.Run(fmt.Sprintf("encoding:%s/workers:%d", enc, workers), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(text) * len(objects)))
				opts := ScanOptions{Workers: workers, Decoders: []parser.Decoder{fakeALB}}
				for b.Loop() {
					sinks, _, err := Scan(b.Context(), objects, opts, func() Sink { return &countSink{} })
					if err != nil {
						b.Fatalf("Scan: %s", err)
					}
					for _, s := range sinks {
						GlobalSink.Add(s.(*countSink).rows)
					}
				}
			})
		}
	}
}
