package lake

// Compare runs with:
//
//	go test -run '^$' -bench BenchmarkFileDecoder -count 6 ./parser/lake > new.txt
//	benchstat old.txt new.txt

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
)

// BenchmarkFileDecoder measures reading lake files back as the analysis
// does (each file opened at offsets, the columns of the ALB analysis), not
// the analysis: a busy hour's large files (about 17,000 rows each) and a
// quiet day's small ones (about 230 rows each).
func BenchmarkFileDecoder(b *testing.B) {
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for _, sc := range []struct {
		name string
		span time.Duration
		rows int
	}{{"quiet-day", 24 * time.Hour, 50_000}, {"busy-hour", time.Hour, 200_000}} {
		objs, _, err := gen.ALBObjects(&gen.ALBScenario{Seed: 5, Start: start, End: start.Add(sc.span), Rows: sc.rows,
			Incidents: gen.EveryALBCause(start, start.Add(sc.span), 0.01)})
		if err != nil {
			b.Fatal(err)
		}
		dir := b.TempDir()
		written, _ := export(b, memObjects("s3://logs/", objs), DirStore{Root: dir}, Options{}, 2)
		cols := append(append([]string(nil), alb.TriageColumns...), alb.ColELB)
		b.Run(sc.name, func(b *testing.B) {
			b.ReportAllocs()
			d := FileDecoder{Decoders: decoders()}
			var rows int64
			cpu0 := cpuTime()
			for b.Loop() {
				rows = 0
				for _, w := range written {
					rows += readFileRows(b, d, filepath.Join(dir, w.Path), cols)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N)/float64(rows), "cpu-ns/row")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(written)), "ns/file")
		})
	}
}

// readFileRows reads the file at path as the analysis does and returns
// its rows.
func readFileRows(b *testing.B, d FileDecoder, path string, cols []string) int64 {
	fh, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		b.Fatal(err)
	}
	f, err := d.OpenFile(fh, st.Size(), parser.Source{Name: path})
	if err != nil {
		b.Fatal(err)
	}
	f.Source()
	r, err := f.NewReader(parser.Options{Columns: cols})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Release()
	var n int64
	for r.Next() {
		n += r.RecordBatch().NumRows()
	}
	if r.Err() != nil {
		b.Fatal(r.Err())
	}
	return n
}
