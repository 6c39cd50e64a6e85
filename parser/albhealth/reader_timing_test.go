package albhealth

import (
	"bytes"
	"fmt"
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
//	go test -run '^$' -bench BenchmarkReader -cpu 1 -count 10 ./parser/albhealth > new.txt
//	benchstat old.txt new.txt
//
// gunzip-only is the yardstick: parsing should run several times faster
// than klauspost/compress can gunzip the same text, so that a gzip+parse
// pipeline is bound by decompression.

// GlobalSink keeps the compiler from dropping benchmark work.
var GlobalSink atomic.Int64

var (
	benchOnce  sync.Once
	benchText  []byte
	benchGz    []byte
	benchLines int
)

// benchInput generates about 35 MB of health checks: three nodes checking
// 64 targets every 5 s for two hours, with failures of every kind.
func benchInput(b *testing.B) ([]byte, []byte, int) {
	benchOnce.Do(func() {
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
		benchText, benchLines = text.Bytes(), tr.Checks
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		if _, err := zw.Write(benchText); err != nil {
			panic(err)
		}
		if err := zw.Close(); err != nil {
			panic(err)
		}
		benchGz = buf.Bytes()
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
		if s := rd.Stats(); s.Rejected != 0 || s.Parsed != int64(lines) {
			b.Fatalf("stats %+v, want %d lines parsed", s, lines)
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
	var r row
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
