package nlb

import (
	"bytes"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
)

// Compare runs with benchstat:
//
//	go test -run '^$' -bench BenchmarkReader -cpu 1 -count 10 ./parser/nlb > new.txt
//	benchstat old.txt new.txt
//
// gunzip-only is the yardstick: a gzip+parse pipeline should be bound by
// decompression.

// GlobalSink keeps the compiler from dropping benchmark work.
var GlobalSink atomic.Int64

var (
	benchOnce  sync.Once
	benchText  []byte
	benchGz    []byte
	benchLines int
)

// benchInput is about 50 MB of generated connections: a day's traffic of a
// busy load balancer with both listeners, every client kind and failures of
// every kind.
func benchInput(b *testing.B) ([]byte, []byte, int) {
	benchOnce.Do(func() {
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
		benchText, benchLines = buf.Bytes(), tr.Connections
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(benchText)
		if err := zw.Close(); err != nil {
			panic(err)
		}
		benchGz = gz.Bytes()
	})
	return benchText, benchGz, benchLines
}

func BenchmarkReader(b *testing.B) {
	text, gz, lines := benchInput(b)
	parse := func(b *testing.B, r io.Reader, cols []string) {
		rd, err := NewReader(r, parser.Options{Columns: cols})
		if err != nil {
			b.Fatal(err)
		}
		n := int64(0)
		for rd.Next() {
			n += rd.RecordBatch().NumRows()
		}
		if err := rd.Err(); err != nil {
			b.Fatal(err)
		}
		if s := rd.Stats(); s.Rejected != 0 || int(s.Parsed) != lines {
			b.Fatalf("stats %+v, want %d parsed", s, lines)
		}
		rd.Release()
		GlobalSink.Add(n)
	}
	run := func(name string, body func(b *testing.B)) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			iters := 0
			for b.Loop() {
				body(b)
				iters++
			}
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			total := float64(iters) * float64(lines)
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/total, "allocs/line")
			b.ReportMetric(float64(elapsed.Nanoseconds())/total, "ns/line")
		})
	}
	run("parse=all", func(b *testing.B) { parse(b, bytes.NewReader(text), nil) })
	run("parse=triage", func(b *testing.B) { parse(b, bytes.NewReader(text), TriageColumns) })
	run("gzip+parse=all", func(b *testing.B) {
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			b.Fatal(err)
		}
		parse(b, zr, nil)
	})
	run("gunzip-only", func(b *testing.B) {
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, zr)
		if err != nil {
			b.Fatal(err)
		}
		GlobalSink.Add(n)
	})
}

// BenchmarkRowParse measures tokenizing and converting one line, without
// the line reader or the column builders.
func BenchmarkRowParse(b *testing.B) {
	text, _, _ := benchInput(b)
	lines := bytes.Split(bytes.TrimSuffix(text[:1<<20], []byte("\n")), []byte("\n"))
	lines = lines[:len(lines)-1] // the last may be cut
	r := newRow()
	b.SetBytes(int64(1<<20) / int64(len(lines)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if reason := r.parse(lines[i%len(lines)]); reason != "" {
			b.Fatal(reason)
		}
		i++
	}
}
