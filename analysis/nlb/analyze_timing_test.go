package nlb_test

import (
	"bytes"
	"testing"

	"github.com/lbtriage/lbtriage/analysis/analysistest"
	nlbfam "github.com/lbtriage/lbtriage/analysis/nlb"
	"github.com/lbtriage/lbtriage/internal/gen"
)

// Run with:
//
//	go test -run '^$' -bench BenchmarkAnalyze -cpu 1 -count 4 ./analysis/nlb/
//
// BenchmarkAnalyze reads the sample incident scaled to 200,000 connections
// (about 53 MB of text): parse, parse and analyze, and the whole pipeline
// from the gzip objects (analysistest.Bench).
func BenchmarkAnalyze(b *testing.B) {
	sc := gen.SampleNLBIncident()
	sc.Connections = 200_000
	var lines bytes.Buffer
	if _, err := gen.WriteNLB(&lines, sc); err != nil {
		b.Fatal(err)
	}
	objs, _, err := gen.NLBObjects(sc)
	if err != nil {
		b.Fatal(err)
	}
	analysistest.Bench(b, reg, nlbfam.Family{}, lines.Bytes(), objs)
}
