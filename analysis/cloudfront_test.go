package analysis_test

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
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
	"github.com/lbtriage/lbtriage/parser/input"
)

// TestReports_MixedInputs: ALB and CloudFront objects scanned together
// give one report per format, each equal to the report of its objects
// alone.
func TestReports_MixedInputs(t *testing.T) {
	albObjs, albTruth, err := gen.ALBObjects(gen.SampleIncident())
	if err != nil {
		t.Fatal(err)
	}
	cfObjs, cfTruth, err := gen.CloudFrontObjects(gen.SampleCloudFrontIncident())
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(append(append([]gen.Object{}, cfObjs...), albObjs...))
	reps := scanReports(t, objects, skipped, 3)
	if len(reps) != 2 || reps[0].Format != "alb" || reps[1].Format != "cloudfront" {
		t.Fatalf("%d reports", len(reps))
	}
	alb, cf := reps[0], reps[1]
	if alb.Requests != int64(albTruth.Rows) || cf.Requests != int64(cfTruth.Rows) {
		t.Fatalf("requests alb %d cf %d, want %d %d", alb.Requests, cf.Requests, albTruth.Rows, cfTruth.Rows)
	}
	if alb.CloudFront != nil || cf.CloudFront == nil || len(cf.Targets) != 0 {
		t.Fatalf("sections mixed: alb.cloudfront %v, cf targets %d", alb.CloudFront != nil, len(cf.Targets))
	}
	if *alb.Verdict.PrimaryCause != "target.connection_error" || *cf.Verdict.PrimaryCause != analysis.CFCauseOriginConnectError {
		t.Fatalf("verdicts %s / %s", *alb.Verdict.PrimaryCause, *cf.Verdict.PrimaryCause)
	}
	if alb.Inputs.Formats["cloudfront"] != 0 || cf.Inputs.Formats["alb"] != 0 || cf.Inputs.Objects != int64(len(cfObjs)) {
		t.Fatalf("inputs alb %+v cf %+v", alb.Inputs.Formats, cf.Inputs.Formats)
	}
	// The dominant report is the one with the most requests.
	if d := analysis.Dominant(reps); d != alb && alb.Requests > cf.Requests || d != cf && cf.Requests > alb.Requests {
		t.Fatalf("dominant %s", d.Format)
	}
	// Each equals its format's report on its own.
	cfOnly, sk := objectsOf(cfObjs)
	alone := scanReports(t, cfOnly, sk, 2)
	if len(alone) != 1 || alone[0].Errors.Total5xx != cf.Errors.Total5xx || alone[0].Verdict.Summary != cf.Verdict.Summary {
		t.Fatalf("cloudfront alone differs: %q vs %q", alone[0].Verdict.Summary, cf.Verdict.Summary)
	}
}

func scanReports(t testing.TB, objects []input.Object, skipped []input.Skipped, workers int) []*analysis.Report {
	t.Helper()
	rejects := analysis.NewRejectSampler(0)
	sinks, results, err := input.Scan(context.Background(), objects, input.ScanOptions{
		Workers:  workers,
		Decoders: []parser.Decoder{alb.Decoder{}, cloudfront.Decoder{}},
		Columns: map[parser.Format][]string{
			alb.Format:        alb.TriageColumns,
			cloudfront.Format: cloudfront.TriageColumns,
		},
		OnReject: rejects.Add,
	}, func() input.Sink { return analysis.NewRouter(analysis.Options{}) })
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return analysis.BuildReports(sinks, analysis.Run{Results: results, Skipped: skipped, Rejects: rejects.Samples()})
}

// TestDocsTaxonomyCloudFrontExamples checks that docs/taxonomy.md has an
// example for every CloudFront cause, that its log line classifies as that
// cause and that the excerpt's summary is the one reported now.
func TestDocsTaxonomyCloudFrontExamples(t *testing.T) {
	doc, err := os.ReadFile("../docs/taxonomy.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)#### `([a-z_.0-9]+)`\n.*?```cloudfront\n(.*?)\n```")
	found := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		code, line := m[1], m[2]
		found[code] = true
		a := analysis.New(analysis.Options{})
		st := readCF(t, []byte(line+"\n"), 0, func(rec arrow.RecordBatch) {
			if err := a.Consume(parser.Source{}, cloudfront.Format, rec); err != nil {
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
	for _, c := range analysis.Causes() {
		if c.Format == cloudfront.Format && !found[c.Code] {
			t.Errorf("docs/taxonomy.md has no example for %s", c.Code)
		}
	}
}

// TestCloudFrontCorpus analyzes the CloudFront files of the shared corpus
// ($LBTRIAGE_CORPUS, or ../../shared/corpus): every file gives a CloudFront
// report whose requests are the parsed lines.
func TestCloudFrontCorpus(t *testing.T) {
	dir := os.Getenv("LBTRIAGE_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus")
	}
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
			reps := scanReports(t, []input.Object{obj}, nil, 1)
			if len(reps) != 1 {
				t.Fatalf("%d reports", len(reps))
			}
			rep := reps[0]
			if rep.Format != "cloudfront" || rep.CloudFront == nil || len(rep.Inputs.Failed) != 0 {
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
	a := analysis.New(analysis.Options{})
	consume := func() {
		for _, rec := range recs {
			if err := a.Consume(src, cloudfront.Format, rec); err != nil {
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
//	go test -run '^$' -bench 'CloudFront' -benchmem -count 6 ./analysis/ > new.txt; benchstat old.txt new.txt
//
// BenchmarkCloudFront/parse-only and /analyze read the same generated lines
// through the same decoder and projection; the difference is the analysis.

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
	cpu0 := cpuTime()
	for b.Loop() {
		a = analysis.New(analysis.Options{})
		st := readCF(b, data, batch, func(rec arrow.RecordBatch) {
			if !analyze {
				GlobalSink += rec.NumRows()
				return
			}
			if err := a.Consume(src, cloudfront.Format, rec); err != nil {
				b.Fatal(err)
			}
		})
		lines += st.Lines
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(lines), "cpu-ns/line")
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
			a := analysis.New(analysis.Options{})
			cpu0 := cpuTime()
			for b.Loop() {
				if !reuse {
					a = analysis.New(analysis.Options{})
				}
				for _, rec := range recs {
					if err := a.Consume(src, cloudfront.Format, rec); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(rows*int64(b.N)), "cpu-ns/row")
		})
	}
}
