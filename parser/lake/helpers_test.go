package lake

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
	"github.com/lbtriage/lbtriage/parser/input"
)

var _ input.Sink = (*Exporter)(nil)

func decoders() []parser.Decoder { return []parser.Decoder{alb.Decoder{}, cloudfront.Decoder{}} }

// memObjects turns generated objects into inputs named prefix+key.
func memObjects(prefix string, objs []gen.Object) []input.Object {
	var out []input.Object
	for _, o := range objs {
		name := prefix + o.Key
		if input.Classify(name, decoders()) != "" {
			continue
		}
		data := o.Data
		out = append(out, input.Object{
			Source: input.ParseName(name, decoders()),
			Size:   int64(len(data)),
			Open:   func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		})
	}
	return out
}

// export scans objects into store the way "lbtriage export" does and
// returns the files written and the scan's results.
func export(t testing.TB, objects []input.Object, store Store, opts Options, workers int) ([]Written, []input.ObjectResult) {
	t.Helper()
	e := NewExporter(context.Background(), store, opts)
	var endErr error
	sopts := input.ScanOptions{
		Workers:  workers,
		Decoders: decoders(),
		OnObject: func(res input.ObjectResult) {
			if err := e.EndObject(res.Source.Name); err != nil && endErr == nil {
				endErr = err
			}
		},
	}
	_, results, err := input.Scan(context.Background(), objects, sopts, func() input.Sink { return e })
	if err != nil {
		t.Fatalf("Scan: %s", err)
	}
	if endErr != nil {
		t.Fatalf("EndObject: %s", endErr)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("object %s: %s", r.Source.Name, r.Err)
		}
	}
	return e.Written(), results
}

// albScenario is a small ALB scenario with every cause.
func albScenario(rows int) *gen.ALBScenario {
	start := time.Date(2026, 11, 20, 23, 40, 0, 0, time.UTC)
	end := start.Add(40 * time.Minute) // across midnight
	return &gen.ALBScenario{
		Seed: 7, Start: start, End: end, Rows: rows,
		Incidents: gen.EveryALBCause(start, end, 0.02),
	}
}

func cfScenario(rows int) *gen.CFScenario {
	start := time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC)
	end := start.Add(60 * time.Minute)
	return &gen.CFScenario{
		Seed: 7, Start: start, End: end, Rows: rows,
		Incidents: gen.EveryCFCause(start, end, 0.02),
	}
}

// parquetFile is what a lake file holds, read back with pqarrow.
type parquetFile struct {
	path      string
	schema    *arrow.Schema
	meta      map[string]string
	rows      []map[string]any
	rowGroups int
	reader    *file.Reader
}

// readParquet reads a Parquet file whole on a checked allocator.
func readParquet(t testing.TB, path string) parquetFile {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rd, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatalf("open %s: %s", path, err)
	}
	defer rd.Close()
	pf := parquetFile{path: path, meta: map[string]string{}, rowGroups: rd.NumRowGroups(), reader: rd}
	for _, kv := range rd.MetaData().KeyValueMetadata() {
		if kv.Value != nil {
			pf.meta[kv.Key] = *kv.Value
		}
	}
	fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{BatchSize: 4096}, mem)
	if err != nil {
		t.Fatalf("read %s: %s", path, err)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		t.Fatalf("read %s: %s", path, err)
	}
	defer rr.Release()
	pf.schema = rr.Schema()
	for rr.Next() {
		pf.rows = append(pf.rows, recordRows(t, rr.RecordBatch())...)
	}
	if err := rr.Err(); err != nil && err != io.EOF {
		t.Fatalf("read %s: %s", path, err)
	}
	return pf
}

// recordRows converts rec to Go values: integers as int64, timestamps as
// time.Time in UTC, nil for null.
func recordRows(t testing.TB, rec arrow.RecordBatch) []map[string]any {
	t.Helper()
	rows := make([]map[string]any, rec.NumRows())
	for i := range rows {
		rows[i] = map[string]any{}
	}
	for c, f := range rec.Schema().Fields() {
		col := rec.Column(c)
		for i := range rows {
			if col.IsNull(i) {
				rows[i][f.Name] = nil
				continue
			}
			var v any
			switch a := col.(type) {
			case *array.String:
				v = strings.Clone(a.Value(i))
			case *array.Uint16:
				v = int64(a.Value(i))
			case *array.Int32:
				v = int64(a.Value(i))
			case *array.Int64:
				v = a.Value(i)
			case *array.Float64:
				v = a.Value(i)
			case *array.Timestamp:
				unit := a.DataType().(*arrow.TimestampType).Unit
				v = a.Value(i).ToTime(unit).UTC()
			default:
				t.Fatalf("column %s: unexpected array type %T", f.Name, col)
			}
			rows[i][f.Name] = v
		}
	}
	return rows
}

// listFiles returns the files under root, relative and slash-separated,
// with their bytes.
func listFiles(t testing.TB, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
