package gen

import (
	"io"
	"testing"
	"time"
)

// Run with: go test -run '^$' -bench . ./internal/gen/ -count 6 > new.txt; benchstat old.txt new.txt

func BenchmarkWriteALB(b *testing.B) {
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	const rows = 200000
	sc := &ALBScenario{Seed: 1, Start: start, End: start.Add(6 * time.Hour), Rows: rows, WAF: true,
		Incidents: EveryALBCause(start.Add(time.Hour), start.Add(2*time.Hour), 0.01)}
	var n countingWriter
	b.ReportAllocs()
	for b.Loop() {
		n = 0
		if _, err := WriteALB(&n, sc); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(n))
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "lines/s")
}

func BenchmarkALBObjects(b *testing.B) {
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	const rows = 200000
	sc := &ALBScenario{Seed: 1, Start: start, End: start.Add(6 * time.Hour), Rows: rows}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ALBObjects(sc); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "lines/s")
}

type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

func BenchmarkWriteCloudFront(b *testing.B) {
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	const rows = 200000
	sc := &CFScenario{Seed: 1, Start: start, End: start.Add(6 * time.Hour), Rows: rows,
		Incidents: EveryCFCause(start.Add(time.Hour), start.Add(2*time.Hour), 0.01)}
	var n countingWriter
	b.ReportAllocs()
	for b.Loop() {
		n = 0
		if _, err := WriteCloudFront(&n, sc); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(n))
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "lines/s")
}
