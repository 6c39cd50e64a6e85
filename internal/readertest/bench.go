package readertest

import (
	"bytes"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/lbtriage/lbtriage/internal/tokenize"
	"github.com/lbtriage/lbtriage/parser"
)

// GlobalSink keeps the compiler from dropping benchmark work.
var GlobalSink atomic.Int64

// Bench is the input of a decoder's BenchmarkReader: Lines lines of Text,
// all of which the decoder accepts, and the same gzip-compressed, with the
// sub-benchmarks every decoder runs over them. Compare runs with benchstat:
//
//	go test -run '^$' -bench BenchmarkReader -cpu 1 -count 10 ./parser/alb > new.txt
//	benchstat old.txt new.txt
//
// Gunzip is the yardstick: a decoder should parse its triage columns
// several times faster than klauspost/compress can gunzip the same text,
// so that a gzip+parse pipeline is bound by decompression.
type Bench struct {
	NewReader NewReader
	Text, Gz  []byte
	Lines     int
}

// NewBench returns the Bench of text, which holds lines lines that
// newReader accepts.
func NewBench(newReader NewReader, text []byte, lines int) *Bench {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(text)
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return &Bench{NewReader: newReader, Text: text, Gz: buf.Bytes(), Lines: lines}
}

// RunParse runs the sub-benchmarks of a decoder that reads HTTP access
// logs: parse=triage (the columns triage), parse=all, parse=triage,generic
// (without the AVX-512 tokenizer, as on CPUs that lack it),
// gzip+parse=triage and gunzip-only.
func (bn *Bench) RunParse(b *testing.B, triage []string) {
	bn.Run(b, "parse=triage", func(b *testing.B) { bn.Parse(b, false, triage) })
	bn.Run(b, "parse=all", func(b *testing.B) { bn.Parse(b, false, nil) })
	bn.Run(b, "parse=triage,generic", func(b *testing.B) {
		defer tokenize.SetVector(tokenize.SetVector(false))
		bn.Parse(b, false, triage)
	})
	bn.Run(b, "gzip+parse=triage", func(b *testing.B) { bn.Parse(b, true, triage) })
	bn.Run(b, "gunzip-only", bn.Gunzip)
}

// Run runs body as the sub-benchmark name, reporting MB/s of Text and,
// per line, allocations and nanoseconds.
func (bn *Bench) Run(b *testing.B, name string, body func(b *testing.B)) {
	b.Run(name, func(b *testing.B) {
		b.SetBytes(int64(len(bn.Text)))
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
		total := float64(iters) * float64(bn.Lines)
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/total, "allocs/line")
		b.ReportMetric(float64(elapsed.Nanoseconds())/total, "ns/line")
	})
}

// Parse reads Text, or with gz its gzip, to its end, building the columns
// cols (nil: all), and fails unless every line became a row.
func (bn *Bench) Parse(b *testing.B, gz bool, cols []string) {
	r := io.Reader(bytes.NewReader(bn.Text))
	if gz {
		zr, err := gzip.NewReader(bytes.NewReader(bn.Gz))
		if err != nil {
			b.Fatal(err)
		}
		r = zr
	}
	rd, err := bn.NewReader(r, parser.Options{Columns: cols})
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
	if s := rd.Stats(); s.Rejected != 0 || s.Parsed != int64(bn.Lines) {
		b.Fatalf("stats %+v, want %d lines parsed", s, bn.Lines)
	}
	rd.Release()
	GlobalSink.Add(n)
}

// Gunzip decompresses Gz and drops the text.
func (bn *Bench) Gunzip(b *testing.B) {
	zr, err := gzip.NewReader(bytes.NewReader(bn.Gz))
	if err != nil {
		b.Fatal(err)
	}
	n, err := io.Copy(io.Discard, zr)
	if err != nil {
		b.Fatal(err)
	}
	GlobalSink.Add(n)
}

// RowParse is a decoder's BenchmarkRowParse: it measures parse, a
// decoder's split and conversion of one line into its row, without the
// line reader or the column builders, over the whole lines of the first
// MiB of Text, and fails on any reason parse gives.
func (bn *Bench) RowParse(b *testing.B, parse func(line []byte) (reason string)) {
	text := bn.Text[:min(len(bn.Text), 1<<20)]
	lines := bytes.Split(text, []byte("\n"))
	lines = lines[:len(lines)-1] // the last is cut, or empty
	b.SetBytes(int64(len(text)) / int64(len(lines)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if reason := parse(lines[i%len(lines)]); reason != "" {
			b.Fatal(reason)
		}
		i++
	}
}
