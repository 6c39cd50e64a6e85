package clb_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
	albfam "github.com/lbtriage/lbtriage/analysis/alb"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	clbfam "github.com/lbtriage/lbtriage/analysis/clb"
	cffam "github.com/lbtriage/lbtriage/analysis/cloudfront"
	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/input"
)

// corpusRejected counts the lines of the corpus the decoder rejects on
// purpose (parser/clb's corpus test names them): a line holding only a
// timestamp, and one ending after sent_bytes.
var corpusRejected = map[string]int64{
	"simnalamburt-elb-log-parser/clb-parser-tests.log":  1,
	"nekrassov01-access-log-parser/clb-regex-tests.log": 1,
}

// TestCorpus analyzes every Classic file of the shared corpus
// (readertest.CorpusDir) as lbtriage analyze does, among the other
// families' decoders: the file is told Classic, every line but those
// rejected on purpose becomes a request or a connection of a Classic
// report, and the reports' figures add up.
func TestCorpus(t *testing.T) {
	dir := readertest.CorpusDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "clb-*.log"))
	if len(files) == 0 {
		t.Skipf("no Classic corpus under %s (set LBTRIAGE_CORPUS)", dir)
	}
	all := analysis.MustRegistry(albfam.Family{}, cffam.Family{}, clbfam.Family{})
	var lines, rows int64
	for _, f := range files {
		name := filepath.Base(filepath.Dir(f)) + "/" + filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			obj := input.Object{Source: parser.Source{Name: f}, Size: int64(len(data)),
				Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
			reps := analysistest.Scan(t, all, []input.Object{obj}, nil, 1, analysis.Options{})
			want := int64(bytes.Count(bytes.TrimRight(data, "\n"), []byte("\n")) + 1)
			for _, rep := range reps {
				if rep.Format != "clb" || len(rep.Inputs.Failed) != 0 || rep.Inputs.Formats["clb"] != 1 {
					t.Fatalf("format %s, inputs %+v", rep.Format, rep.Inputs)
				}
				if rep.Lines.Read != want || rep.Lines.Rejected != corpusRejected[name] || len(rep.Lines.RejectedSamples) != int(rep.Lines.Rejected) {
					t.Fatalf("lines %+v, want %d read, %d rejected", rep.Lines, want, corpusRejected[name])
				}
				for _, s := range rep.Lines.RejectedSamples {
					if s.Reason == "" {
						t.Errorf("line %d rejected without a reason", s.Line)
					}
				}
				conns := figures(t, rep).Connections.Total
				if rep.Lines.OtherLogs != conns || rep.Requests+conns+rep.Lines.OtherLoadBalancers != rep.Lines.Parsed {
					t.Errorf("%s: %d requests + %d connections (%d other logs) + %d of other load balancers, want %d parsed lines",
						rep.LoadBalancer.Name, rep.Requests, conns, rep.Lines.OtherLogs, rep.Lines.OtherLoadBalancers, rep.Lines.Parsed)
				}
				var sum int64
				for _, n := range rep.Errors.ByCause {
					sum += n
				}
				if sum != rep.Errors.Total5xx || rep.StatusClasses["5xx"] != rep.Errors.Total5xx || rep.Verdict.Summary == "" {
					t.Errorf("5xx %d, by cause %v, classes %v, summary %q", rep.Errors.Total5xx, rep.Errors.ByCause, rep.StatusClasses, rep.Verdict.Summary)
				}
				rows += rep.Requests + conns
			}
			lines += want - corpusRejected[name]
		})
	}
	if rows != lines {
		t.Errorf("%d requests and connections in the reports, want %d lines", rows, lines)
	}
}
