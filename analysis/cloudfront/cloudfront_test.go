package cloudfront_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	cffam "github.com/lbtriage/lbtriage/analysis/cloudfront"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
	"github.com/lbtriage/lbtriage/parser/input"
)

// reg is the registry the tests read with: the CloudFront family alone.
var reg = analysis.MustRegistry(cffam.Family{})

// objectsOf turns generated objects into scan inputs, in memory.
func objectsOf(objs []gen.Object) ([]input.Object, []input.Skipped) {
	return analysistest.Objects(reg, objs)
}

// analyze scans objects with the given worker count and builds the report.
func analyze(t testing.TB, objects []input.Object, skipped []input.Skipped, workers int, opts analysis.Options) *analysis.Report {
	t.Helper()
	return analysistest.Report(t, reg, objects, skipped, workers, opts)
}

// figures returns the CloudFront part of a report.
func figures(t testing.TB, rep *analysis.Report) *cffam.Figures {
	t.Helper()
	p := rep.Part(cffam.PartKey)
	if p == nil {
		t.Fatalf("the report has no %q part", cffam.PartKey)
	}
	f, ok := p.JSON.(*cffam.Figures)
	if !ok {
		t.Fatalf("the %q part holds a %T", cffam.PartKey, p.JSON)
	}
	return f
}

// TestDocsTaxonomyCloudFrontExamples checks that docs/taxonomy.md has an
// example for every CloudFront cause, that its log line classifies as that
// cause and that the excerpt's summary is the one reported now.
func TestDocsTaxonomyCloudFrontExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/taxonomy.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)#### `([a-z_.0-9]+)`\n.*?```cloudfront\n(.*?)\n```")
	found := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		code, line := m[1], m[2]
		found[code] = true
		a := analysis.New(cffam.Family{}, analysis.Options{})
		st := readCF(t, []byte(line+"\n"), 0, func(rec arrow.RecordBatch) {
			if err := a.Consume(parser.Source{}, rec); err != nil {
				t.Fatal(err)
			}
		})
		if st.Parsed != 1 {
			t.Errorf("%s: example line not parsed: %+v", code, st)
		}
		rep := analysis.BuildReport(a, analysis.Run{})
		if rep.Errors.ByCause[code] != 1 || rep.Errors.Total5xx != 1 {
			t.Errorf("%s: example line classified as %v", code, rep.Errors.ByCause)
		}
		if !strings.Contains(string(doc), rep.Verdict.Summary) {
			t.Errorf("%s: excerpt's summary is stale; now: %s", code, rep.Verdict.Summary)
		}
	}
	for _, c := range (cffam.Family{}).Taxonomy().Causes {
		if !found[c.Code] {
			t.Errorf("docs/taxonomy.md has no example for %s", c.Code)
		}
	}
}

// TestCloudFrontCorpus analyzes the CloudFront files of the shared corpus
// (readertest.CorpusDir): every file gives a CloudFront report whose
// requests are the parsed lines.
func TestCloudFrontCorpus(t *testing.T) {
	dir := readertest.CorpusDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "cloudfront-*.log"))
	if len(files) == 0 {
		t.Skipf("no CloudFront corpus under %s (set LBTRIAGE_CORPUS)", dir)
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			obj := input.Object{Source: parser.Source{Name: f}, Size: int64(len(data)),
				Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
			rep := analyze(t, []input.Object{obj}, nil, 1, analysis.Options{})
			if rep.Format != "cloudfront" || figures(t, rep) == nil || len(rep.Inputs.Failed) != 0 {
				t.Fatalf("format %s, failed %v", rep.Format, rep.Inputs.Failed)
			}
			if rep.Lines.Parsed == 0 || rep.Requests != rep.Lines.Parsed {
				t.Fatalf("lines %+v, requests %d", rep.Lines, rep.Requests)
			}
			var sum int64
			for _, n := range rep.Errors.ByCause {
				sum += n
			}
			if sum != rep.Errors.Total5xx || rep.StatusClasses["5xx"] != rep.Errors.Total5xx {
				t.Fatalf("5xx %d, by cause %v, classes %v", rep.Errors.Total5xx, rep.Errors.ByCause, rep.StatusClasses)
			}
			if rep.Verdict.Summary == "" {
				t.Fatal("no summary")
			}
		})
	}
}

// TestCloudFrontConsume_NoAllocs: an Aggregator that has seen the keys
// allocates nothing per batch.
func TestCloudFrontConsume_NoAllocs(t *testing.T) {
	recs, release := cfBatches(t, 20_000, 4096)
	defer release()
	src := parser.Source{Name: "bench", Resource: "E2QWRUHAPOMQZL"}
	a := analysis.New(cffam.Family{}, analysis.Options{})
	consume := func() {
		for _, rec := range recs {
			if err := a.Consume(src, rec); err != nil {
				t.Fatal(err)
			}
		}
	}
	consume()
	allocs := testing.AllocsPerRun(3, consume)
	t.Logf("%.2f allocations per batch of a warmed aggregator", allocs/float64(len(recs)))
	if allocs != 0 {
		t.Fatalf("%.2f allocations per batch of a warmed aggregator, want none", allocs/float64(len(recs)))
	}
}

// Run with:
//	go test -run '^$' -bench 'CloudFront' -benchmem -count 6 ./analysis/cloudfront/ > new.txt; benchstat old.txt new.txt
//
// BenchmarkCloudFront/parse-only and /analyze read the same generated lines
// through the same decoder and projection; the difference is the analysis.

// benchRows is the number of lines the benchmarks read, benchBatches the
// batch sizes they run with.
const benchRows = 200_000

var benchBatches = []int{4096, parser.DefaultBatchSize}

// GlobalSink keeps the compiler from dropping the work.
var GlobalSink int64

var (
	cfBenchOnce  sync.Once
	cfBenchLines []byte
)

func cfBenchInput(b testing.TB) []byte {
	cfBenchOnce.Do(func() {
		start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
		sc := &gen.CFScenario{Seed: 1, Start: start, End: start.Add(6 * time.Hour), Rows: benchRows,
			Incidents: gen.EveryCFCause(start, start.Add(6*time.Hour), 0.003)}
		var buf bytes.Buffer
		if _, err := gen.WriteCloudFront(&buf, sc); err != nil {
			b.Fatal(err)
		}
		cfBenchLines = buf.Bytes()
	})
	return cfBenchLines
}

func readCF(tb testing.TB, data []byte, batch int, consume func(arrow.RecordBatch)) parser.Stats {
	r, err := cloudfront.NewReader(bytes.NewReader(data), parser.Options{Columns: cloudfront.TriageColumns, BatchSize: batch})
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Release()
	for r.Next() {
		consume(r.RecordBatch())
	}
	if err := r.Err(); err != nil {
		tb.Fatal(err)
	}
	return r.Stats()
}

func cfBatches(tb testing.TB, rows, batch int) ([]arrow.RecordBatch, func()) {
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	sc := &gen.CFScenario{Seed: 2, Start: start, End: start.Add(time.Hour), Rows: rows,
		Incidents: gen.EveryCFCause(start, start.Add(time.Hour), 0.01)}
	var buf bytes.Buffer
	if _, err := gen.WriteCloudFront(&buf, sc); err != nil {
		tb.Fatal(err)
	}
	var recs []arrow.RecordBatch
	readCF(tb, buf.Bytes(), batch, func(rec arrow.RecordBatch) {
		rec.Retain()
		recs = append(recs, rec)
	})
	return recs, func() {
		for _, r := range recs {
			r.Release()
		}
	}
}

func BenchmarkCloudFront(b *testing.B) {
	for _, n := range benchBatches {
		b.Run(fmt.Sprintf("parse-only/batch=%d", n), func(b *testing.B) { benchCF(b, n, false) })
		b.Run(fmt.Sprintf("analyze/batch=%d", n), func(b *testing.B) { benchCF(b, n, true) })
	}
}

func benchCF(b *testing.B, batch int, analyze bool) {
	data := cfBenchInput(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	src := parser.Source{Name: "bench", Resource: "E2QWRUHAPOMQZL"}
	var lines int64
	var a *analysis.Aggregator
	cpu0 := analysistest.CPUTime()
	for b.Loop() {
		a = analysis.New(cffam.Family{}, analysis.Options{})
		st := readCF(b, data, batch, func(rec arrow.RecordBatch) {
			if !analyze {
				GlobalSink += rec.NumRows()
				return
			}
			if err := a.Consume(src, rec); err != nil {
				b.Fatal(err)
			}
		})
		lines += st.Lines
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(analysistest.CPUTime()-cpu0)/float64(lines), "cpu-ns/line")
	if analyze {
		GlobalSink += analysis.BuildReport(a, analysis.Run{}).Errors.Total5xx
	}
}

// BenchmarkCloudFrontConsume isolates the aggregator: batches are decoded
// once, then consumed again and again by a fresh Aggregator (agg=fresh) or
// by one that has seen every key (agg=reused).
func BenchmarkCloudFrontConsume(b *testing.B) {
	recs, release := cfBatches(b, benchRows, 4096)
	defer release()
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	src := parser.Source{Name: "bench", Resource: "E2QWRUHAPOMQZL"}
	for _, reuse := range []bool{false, true} {
		name := "agg=fresh"
		if reuse {
			name = "agg=reused"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			a := analysis.New(cffam.Family{}, analysis.Options{})
			cpu0 := analysistest.CPUTime()
			for b.Loop() {
				if !reuse {
					a = analysis.New(cffam.Family{}, analysis.Options{})
				}
				for _, rec := range recs {
					if err := a.Consume(src, rec); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(analysistest.CPUTime()-cpu0)/float64(rows*int64(b.N)), "cpu-ns/row")
		})
	}
}
