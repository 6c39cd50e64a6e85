package alb_test

import (
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/gen"
)

// TestReport_OverallLatency: the overall percentiles of target_processing_time
// lie within the targets' own, and are absent when no request reached a
// target.
func TestReport_OverallLatency(t *testing.T) {
	objs, _, err := gen.ALBObjects(gen.SampleIncident())
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(objs)
	rep := analyze(t, objects, skipped, 2, analysis.Options{})
	l := rep.LatencyMs
	if l == nil || !(0 < l.P50 && l.P50 <= l.P95 && l.P95 <= l.P99) {
		t.Fatalf("latency_ms = %+v, want 0 < p50 <= p95 <= p99", l)
	}
	lo, hi := rep.Targets[0].LatencyMs, rep.Targets[0].LatencyMs
	for _, tg := range rep.Targets {
		lo.P50, hi.P50 = min(lo.P50, tg.LatencyMs.P50), max(hi.P50, tg.LatencyMs.P50)
		lo.P99, hi.P99 = min(lo.P99, tg.LatencyMs.P99), max(hi.P99, tg.LatencyMs.P99)
	}
	if l.P50 < lo.P50 || l.P50 > hi.P50 || l.P99 < lo.P99 || l.P99 > hi.P99 {
		t.Errorf("overall %+v outside the targets' range p50 [%g, %g], p99 [%g, %g]", *l, lo.P50, hi.P50, lo.P99, hi.P99)
	}

	// A window with no row: no latency to report.
	empty := analyze(t, objects, skipped, 2, analysis.Options{Since: gen.SampleIncident().End.Add(1)})
	if empty.LatencyMs != nil {
		t.Errorf("latency_ms = %+v for an empty window, want none", *empty.LatencyMs)
	}
}
