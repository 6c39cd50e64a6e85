package albhealth_test

import (
	"bytes"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/analysis"
	healthfam "github.com/lbtriage/lbtriage/analysis/albhealth"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/albhealth"
)

// flapping is a day of health checks of the demo's load balancer (three
// nodes, nine targets) checked every interval, with bursts of overload
// taking the targets out in turn every 20 minutes and a check answering
// 299 for an hour: flapping and fail-open windows all day.
func flapping(interval time.Duration) *gen.HealthScenario {
	alb := gen.SampleIncident()
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	alb.Start, alb.End, alb.Incidents = start, start.Add(24*time.Hour), nil
	_, hc := gen.Overload(start, alb.End, []string{"10.0.1.11:8080", "10.0.2.21:8080", "10.0.3.31:8080"}, 20*time.Minute, 3*time.Minute, 1, 0)
	hc = append(hc, gen.MatcherMismatch(start.Add(12*time.Hour), start.Add(13*time.Hour), 299))
	return &gen.HealthScenario{ALB: alb, Interval: interval, Timeout: min(5*time.Second, interval/2), Incidents: hc}
}

// peakHeap streams the scenario's lines through the decoder into one
// Aggregator, through an io.Pipe so that the input is never held in
// memory, and returns the largest live heap seen after a GC, with the
// report.
func peakHeap(t *testing.T, hs *gen.HealthScenario) (uint64, *analysis.Report) {
	t.Helper()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := gen.WriteHealth(pw, hs)
		pw.CloseWithError(err)
		done <- err
	}()
	r, err := albhealth.NewReader(pr, parser.Options{Columns: healthfam.Family{}.Columns(), BatchSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	a := analysis.New(healthfam.Family{}, analysis.Options{})
	src := parser.Source{Name: "pipe", Resource: "app/shop-prod-alb/50dc6c495c0c9188"}
	peak := analysistest.PeakHeap(t, r, func(rec arrow.RecordBatch) error { return a.Consume(src, rec) })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return peak, analysis.BuildReport(a, analysis.Run{})
}

// TestAnalyze_MemoryBounded shows that the live heap does not grow with
// the number of checks: a day checked every 5 s (six times the lines)
// needs no more memory than the same day checked every 30 s, once the
// decoder's batch buffers have their steady size. What it grows with, the
// targets, nodes, minutes and changes of health, is the same in both.
func TestAnalyze_MemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("streams half a million generated lines")
	}
	sparse, repSparse := peakHeap(t, flapping(30*time.Second))
	dense, repDense := peakHeap(t, flapping(5*time.Second))
	mib := func(v uint64) float64 { return float64(v) / (1 << 20) }
	fs, fd := healthOf(t, repSparse), healthOf(t, repDense)
	t.Logf("peak live heap: %.2f MiB for %d checks, %.2f MiB for %d", mib(sparse), fs.Checks, mib(dense), fd.Checks)
	if fd.Checks != 6*fs.Checks || len(fd.FailOpen) == 0 || fd.Targets[0].TakenOut < 10 {
		t.Fatalf("%d and %d checks, %d fail-open windows, the top target taken out %d times: not the scenario meant",
			fs.Checks, fd.Checks, len(fd.FailOpen), fd.Targets[0].TakenOut)
	}
	if dense > sparse+sparse/4+1<<20 {
		t.Fatalf("peak heap grew with the checks: %.2f MiB, then %.2f MiB", mib(sparse), mib(dense))
	}
}

// TestConsume_NoAllocationPerCheck: once its targets and nodes are known,
// the consumer allocates nothing per check; what it allocates (a time
// bucket's counts, the growth of its maps) comes once a minute at most.
func TestConsume_NoAllocationPerCheck(t *testing.T) {
	hs := flapping(10 * time.Second)
	hs.ALB.End = hs.ALB.Start.Add(3 * time.Hour)
	var buf bytes.Buffer
	if _, err := gen.WriteHealth(&buf, hs); err != nil {
		t.Fatal(err)
	}
	r, err := albhealth.NewReader(&buf, parser.Options{Columns: healthfam.Family{}.Columns(), BatchSize: 1024})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var recs []arrow.RecordBatch
	var rows int64
	for r.Next() {
		rec := r.RecordBatch()
		rec.Retain()
		defer rec.Release()
		recs = append(recs, rec)
	}
	a := analysis.New(healthfam.Family{}, analysis.Options{})
	src := parser.Source{Name: "one object", Resource: "app/shop-prod-alb/50dc6c495c0c9188"}
	warm := len(recs) / 4
	for _, rec := range recs[:warm] {
		if err := a.Consume(src, rec); err != nil {
			t.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, rec := range recs[warm:] {
		if err := a.Consume(src, rec); err != nil {
			t.Fatal(err)
		}
		rows += rec.NumRows()
	}
	runtime.ReadMemStats(&after)
	if per := float64(after.Mallocs-before.Mallocs) / float64(rows); per > 0.01 {
		t.Fatalf("%.3f allocations per check (%d checks)", per, rows)
	}
}
