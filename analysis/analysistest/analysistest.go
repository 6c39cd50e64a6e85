// Package analysistest runs the analysis pipeline (scan, route, report)
// over objects held in memory, for the tests of the families and of the
// core.
package analysistest

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/internal/rule"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/input"
)

// Objects turns generated objects into scan inputs read from memory,
// named "s3://logs/"+key so that the names carry what AWS names do. Objects
// Classify sets aside come back as Skipped.
func Objects(reg *analysis.Registry, objs []gen.Object) ([]input.Object, []input.Skipped) {
	var out []input.Object
	var skipped []input.Skipped
	decoders := reg.Decoders()
	for _, o := range objs {
		name := "s3://logs/" + o.Key
		if r := input.Classify(name, decoders); r != "" {
			skipped = append(skipped, input.Skipped{Source: name, Reason: r})
			continue
		}
		data := o.Data
		out = append(out, input.Object{
			Source: input.ParseName(name, decoders),
			Size:   int64(len(data)),
			Open: func(context.Context) (io.ReadCloser, error) {
				return io.NopCloser(bytes.NewReader(data)), nil
			},
		})
	}
	return out, skipped
}

// Scan scans objects with the given worker count, each worker with its own
// Router, and builds the reports.
func Scan(t testing.TB, reg *analysis.Registry, objects []input.Object, skipped []input.Skipped, workers int, opts analysis.Options) []*analysis.Report {
	t.Helper()
	rejects := analysis.NewRejectSampler(0)
	sinks, results, err := input.Scan(context.Background(), objects, input.ScanOptions{
		Workers:  workers,
		Decoders: reg.Decoders(),
		Columns:  reg.Columns(),
		OnReject: rejects.Add,
	}, func() input.Sink { return reg.NewRouter(opts) })
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return analysis.BuildReports(reg, sinks, analysis.Run{Results: results, Skipped: skipped, Rejects: rejects.Samples()})
}

// Report is Scan for inputs that make one report; it fails the test when
// they make several.
func Report(t testing.TB, reg *analysis.Registry, objects []input.Object, skipped []input.Skipped, workers int, opts analysis.Options) *analysis.Report {
	t.Helper()
	reps := Scan(t, reg, objects, skipped, workers, opts)
	if len(reps) != 1 {
		t.Fatalf("%d reports, want 1", len(reps))
	}
	return reps[0]
}

// CPUTime returns the process's user and system CPU time. The benchmarks
// report CPU time per line beside wall time, because wall time on a busy
// machine measures the scheduler as much as the code.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// CheckRules holds family f's rule table (analysis.Ruled) to its own
// classification (analysis.Deriver) on every row r reads: the same cause,
// row for row, and every cause of the taxonomy met at least once. extra
// gives a row the values of the columns the lake derives (ALB's
// duration).
func CheckRules(t testing.TB, f analysis.Family, r parser.Reader, extra func(d *analysis.Derived, i int) map[string]any) {
	t.Helper()
	tab := f.(analysis.Ruled).Rules()
	rd := f.(analysis.Deriver).NewRowDeriver()
	tax := f.Taxonomy()
	var d analysis.Derived
	seen := map[string]int{}
	for r.Next() {
		rec := r.RecordBatch()
		if err := rd.Derive(rec, &d); err != nil {
			t.Fatal(err)
		}
		for i := range int(rec.NumRows()) {
			want := ""
			if id := d.Causes[i]; id != 0 {
				want = tax.Cause(id).Code
			}
			var more map[string]any
			if extra != nil {
				more = extra(&d, i)
			}
			if got := tab.Classify(rule.RecordRow(rec, i, more)); got != want {
				t.Fatalf("row %d: the rules say %q, the classifier %q", i, got, want)
			}
			seen[want]++
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	for _, c := range tax.Causes {
		if seen[c.Code] == 0 {
			t.Errorf("no row of cause %s: the test does not cover its rule", c.Code)
		}
	}
}

// PeakHeap drains r into consume and returns the largest live heap seen
// after a GC, sampled every 16 batches and at the end, for the tests that
// show an analysis's memory does not grow with its input. It fails the
// test on a read or consume error, and releases r.
func PeakHeap(t testing.TB, r parser.Reader, consume func(arrow.RecordBatch) error) uint64 {
	t.Helper()
	defer r.Release()
	var peak uint64
	var ms runtime.MemStats
	sample := func() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}
	for n := 0; r.Next(); n++ {
		if err := consume(r.RecordBatch()); err != nil {
			t.Fatal(err)
		}
		if n%16 == 0 {
			sample()
		}
	}
	sample()
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return peak
}
