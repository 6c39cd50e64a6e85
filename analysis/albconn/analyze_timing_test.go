package albconn_test

import (
	"testing"

	connfam "github.com/lbtriage/lbtriage/analysis/albconn"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/internal/gen"
)

// Run with:
//
//	go test -run '^$' -bench BenchmarkAnalyze -cpu 1 -count 4 ./analysis/albconn/
//
// BenchmarkAnalyze reads the connection logs of the partners' sample
// scaled to 300,000 requests (about 165,000 connections): parse, parse and
// analyze, and the whole pipeline from the gzip objects
// (analysistest.Bench).
func BenchmarkAnalyze(b *testing.B) {
	sc := gen.SamplePartnerTLSIncident()
	sc.ALB.Rows = 300_000
	all, _, _, err := gen.ConnObjects(sc)
	if err != nil {
		b.Fatal(err)
	}
	objs := connOnly(all)
	lines := gunzipAll(b, objs)
	analysistest.Bench(b, reg, connfam.Family{}, lines, objs)
}
