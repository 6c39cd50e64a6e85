package clb_test

import (
	"bytes"
	"testing"

	"github.com/lbtriage/lbtriage/analysis/analysistest"
	clbfam "github.com/lbtriage/lbtriage/analysis/clb"
	"github.com/lbtriage/lbtriage/internal/gen"
)

// Run with:
//
//	go test -run '^$' -bench BenchmarkAnalyze -cpu 1 -count 4 ./analysis/clb/ > new.txt; benchstat old.txt new.txt
//
// BenchmarkAnalyze reads the sample incident (gen.SampleCLBIncident)
// scaled to 200,000 lines (about 65 MB of text, 4% of them TCP and SSL
// connections): parse, parse and analyze, and the whole pipeline from the
// plain-text objects as AWS names them (analysistest.Bench).
func BenchmarkAnalyze(b *testing.B) {
	sc := gen.SampleCLBIncident()
	sc.Rows = 200_000
	var lines bytes.Buffer
	if _, err := gen.WriteCLB(&lines, sc); err != nil {
		b.Fatal(err)
	}
	objs, _, err := gen.CLBObjects(sc)
	if err != nil {
		b.Fatal(err)
	}
	analysistest.Bench(b, reg, clbfam.Family{}, lines.Bytes(), objs)
}
