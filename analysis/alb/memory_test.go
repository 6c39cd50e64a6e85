package alb_test

import (
	"io"
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

// peakHeap streams rows generated lines through the decoder into one
// Aggregator, the lines flowing through an io.Pipe so the input is never
// held in memory, and returns the largest live heap seen after a GC.
func peakHeap(t *testing.T, rows int, opts analysis.Options) (peak uint64, rep *analysis.Report) {
	t.Helper()
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	sc := &gen.ALBScenario{Seed: 3, Start: start, End: start.Add(6 * time.Hour), Rows: rows, WAF: true}
	sc.Incidents = append(sc.Incidents, gen.KeepAlive502(start.Add(time.Hour), start.Add(2*time.Hour), 0.1))
	sc.Incidents = append(sc.Incidents, gen.EveryALBCause(start, sc.End, 0.001)...)

	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := gen.WriteALB(pw, sc)
		pw.CloseWithError(err)
		done <- err
	}()
	r, err := alb.NewReader(pr, parser.Options{Columns: albfam.Family{}.Columns(), BatchSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	a := analysis.New(albfam.Family{}, opts)
	src := parser.Source{Name: "pipe", NodeIP: "10.0.0.5"}
	peak = analysistest.PeakHeap(t, r, func(rec arrow.RecordBatch) error { return a.Consume(src, rec) })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return peak, analysis.BuildReport(a, analysis.Run{})
}

// TestAnalyze_MemoryBounded shows that the live heap does not grow with the
// input: 1,000,000 lines need no more memory than 10,000, beyond the key
// caps (paths and clients), which are set low here so that the comparison
// is about the input size alone.
func TestAnalyze_MemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("streams a million generated lines")
	}
	opts := analysis.Options{MaxKeys: 1000}
	small, repSmall := peakHeap(t, 10_000, opts)
	medium, _ := peakHeap(t, 100_000, opts)
	large, repLarge := peakHeap(t, 1_000_000, opts)
	mib := func(v uint64) float64 { return float64(v) / (1 << 20) }
	t.Logf("peak live heap: %.2f MiB for 10,000 lines, %.2f MiB for 100,000, %.2f MiB for 1,000,000",
		mib(small), mib(medium), mib(large))
	if repSmall.Requests != 10_000 || repLarge.Requests != 1_000_000 {
		t.Fatalf("read %d and %d rows", repSmall.Requests, repLarge.Requests)
	}
	// The decoder's batch buffers reach their steady size within the first
	// 100,000 lines; after that the heap must stay flat.
	if large > small+8<<20 || large > medium+medium/4+1<<20 {
		t.Fatalf("peak heap grew with the input: %.2f, %.2f, %.2f MiB", mib(small), mib(medium), mib(large))
	}
}
