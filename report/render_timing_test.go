package report

import (
	"io"
	"sync/atomic"
	"testing"
)

// renderSink keeps the byte counts so that the work cannot be dropped.
var renderSink atomic.Int64

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// BenchmarkRender renders a day of a busy load balancer (1440 one-minute
// buckets, 200 targets, 50 paths and 50 clients) in every format. Rendering
// must stay far below the analysis time of such a day (tens of seconds).
//
// Compare runs with: go test ./report -run '^$' -bench Render -count 6 > new.txt; benchstat old.txt new.txt
func BenchmarkRender(b *testing.B) {
	rep := busyDayReport()
	cmp := Compare(rep, baselineReport())
	cases := []struct {
		name string
		opts Options
	}{
		{"text", Options{Format: "text"}},
		{"json", Options{Format: "json"}},
		{"markdown", Options{Format: "markdown"}},
		{"html", Options{Format: "html"}},
		{"csv-timeline", Options{Format: "csv", Table: "timeline"}},
		{"csv-targets", Options{Format: "csv", Table: "targets"}},
		{"html-compared", Options{Format: "html", Comparison: cmp}},
	}
	for _, c := range cases {
		b.Run("format="+c.name, func(b *testing.B) {
			var w countingWriter
			if err := Render(&w, rep, c.opts); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(w.n)
			b.ReportAllocs()
			for b.Loop() {
				if err := Render(io.Discard, rep, c.opts); err != nil {
					b.Fatal(err)
				}
			}
			renderSink.Add(w.n)
		})
	}
}
