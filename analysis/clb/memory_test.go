package clb_test

import (
	"io"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	clbfam "github.com/lbtriage/lbtriage/analysis/clb"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	clbparser "github.com/lbtriage/lbtriage/parser/clb"
)

// memScenario is six hours of one load balancer with every cause, an
// instance slower than the idle timeout (slow requests and timeouts) and
// connections.
func memScenario(rows int) *gen.CLBScenario {
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	sc := &gen.CLBScenario{Seed: 3, Start: start, End: start.Add(6 * time.Hour), Rows: rows}
	sc.Incidents = append(sc.Incidents, gen.CLBInstanceTimeout504(start.Add(time.Hour), start.Add(3*time.Hour), "10.0.2.21:80", 0.2))
	sc.Incidents = append(sc.Incidents, gen.EveryCLBCause(start, sc.End, 0.001)...)
	return sc
}

// peakHeap streams rows generated lines through the decoder into one
// Aggregator, the lines flowing through an io.Pipe so the input is never
// held in memory, and returns the largest live heap seen after a GC.
func peakHeap(t *testing.T, rows int, opts analysis.Options) (peak uint64, rep *analysis.Report) {
	t.Helper()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := gen.WriteCLB(pw, memScenario(rows))
		pw.CloseWithError(err)
		done <- err
	}()
	r, err := clbparser.NewReader(pr, parser.Options{Columns: clbfam.Family{}.Columns(), BatchSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	a := analysis.New(clbfam.Family{}, opts)
	src := parser.Source{Name: "pipe", NodeIP: "10.0.0.5"}
	peak = analysistest.PeakHeap(t, r, func(rec arrow.RecordBatch) error { return a.Consume(src, rec) })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return peak, analysis.BuildReport(a, analysis.Run{})
}

// TestAnalyze_MemoryBounded shows that the live heap does not grow with the
// input: 1,000,000 lines need no more memory than 10,000, beyond the key
// caps (paths and clients), set low here so that the comparison is about
// the input size alone. The Classic state (listeners, connections, slow
// requests per instance and minute) is bounded by the instances and the
// time range, the same for all three.
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
	if repSmall.Requests == 0 || repLarge.Requests < 900_000 || repLarge.Errors.ByCause[clbfam.CauseTargetTimeout] == 0 {
		t.Fatalf("read %d and %d requests", repSmall.Requests, repLarge.Requests)
	}
	if large > small+8<<20 || large > medium+medium/4+1<<20 {
		t.Fatalf("peak heap grew with the input: %.2f, %.2f, %.2f MiB", mib(small), mib(medium), mib(large))
	}
}
