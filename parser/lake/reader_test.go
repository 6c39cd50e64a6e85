package lake

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
)

// readLake reads one lake file with FileDecoder d and returns its rows.
func readLake(t *testing.T, d FileDecoder, path string, cols []string) ([]map[string]any, parser.File, parser.Stats) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := d.OpenFile(bytes.NewReader(b), int64(len(b)), parser.Source{Name: path})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.NewReader(parser.Options{Columns: cols, Allocator: mem, BatchSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var rows []map[string]any
	for r.Next() {
		rec := r.RecordBatch()
		if !rec.Schema().Equal(r.Schema()) {
			t.Fatalf("batch schema %s, want %s", rec.Schema(), r.Schema())
		}
		rows = append(rows, recordRows(t, rec)...)
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	return rows, f, r.Stats()
}

// TestFileDecoder reads exported ALB files back in the decoder's schema:
// the projected columns only, with the decoder's types, the source the
// object's name told, and the row groups of a window only.
func TestFileDecoder(t *testing.T) {
	objs, _, err := gen.ALBObjects(albScenario(3000))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	objects := memObjects("s3://logs/", objs)
	written, _ := export(t, objects, DirStore{Root: dir}, Options{RowGroupRows: 50}, 2)
	want := expected(t, objects)
	d := FileDecoder{Decoders: decoders()}
	cols := []string{alb.ColTime, alb.ColTargetPort, alb.ColELBStatusCode, alb.ColErrorReason}
	slices.SortFunc(written, func(a, b Written) int { return cmp.Compare(b.Rows, a.Rows) })
	if written[0].Rows <= 100 {
		t.Fatalf("the largest file has %d rows: too few to test pruning", written[0].Rows)
	}
	for _, w := range written[:3] {
		path := filepath.Join(dir, w.Path)
		rows, f, st := readLake(t, d, path, cols)
		if f.Format() != alb.Format || f.Source().NodeIP == "" || f.Source().Resource == "" || f.Source().Name != path {
			t.Errorf("%s: format %s, source %+v", w.Path, f.Format(), f.Source())
		}
		if len(rows) != len(want[w.Path]) || st.Parsed != int64(len(rows)) || st.Lines != st.Parsed {
			t.Fatalf("%s: %d rows (stats %+v), want %d", w.Path, len(rows), st, len(want[w.Path]))
		}
		for i, r := range rows {
			if len(r) != len(cols) {
				t.Fatalf("%s row %d: columns %v, want %v", w.Path, i, r, cols)
			}
			for _, c := range cols {
				if !equalValues(r[c], want[w.Path][i][c]) {
					t.Fatalf("%s row %d: %s = %v, want %v", w.Path, i, c, r[c], want[w.Path][i][c])
				}
			}
		}
		if tm := rows[0][parser.ColTime].(time.Time); !st.MinTime.Equal(tm) {
			t.Errorf("%s: MinTime %s, first row %s", w.Path, st.MinTime, tm)
		}
		// A window of the first row group's times reads that group only.
		first, last := rows[0][parser.ColTime].(time.Time), rows[min(49, len(rows)-1)][parser.ColTime].(time.Time)
		win := FileDecoder{Decoders: decoders(), Since: first, Until: last.Add(time.Microsecond)}
		got, _, _ := readLake(t, win, path, cols)
		if len(rows) > 100 && (len(got) >= len(rows) || len(got) < 50) {
			t.Errorf("%s: the window read %d of %d rows, want the first row group's", w.Path, len(got), len(rows))
		}
	}
}

func TestFileDecoder_Failure(t *testing.T) {
	d := FileDecoder{Decoders: decoders()}
	f := func(want string, data []byte) {
		t.Helper()
		_, err := d.OpenFile(bytes.NewReader(data), int64(len(data)), parser.Source{Name: "x.parquet"})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "x.parquet") {
			t.Errorf("error %v, want one naming x.parquet with %q", err, want)
		}
	}
	f("as Parquet", []byte("PAR1 not really"))
	f("did not write", parquetWith(t, nil))
	f("newer than this lbtriage", parquetWith(t, map[string]string{MetaFamily: "alb", MetaSchemaVersion: "99"}))
	f("holds nlb rows", parquetWith(t, map[string]string{MetaFamily: "nlb", MetaSchemaVersion: "1"}))
	// A footer placing a column beyond the file's end (the file cut short
	// before its footer) fails at once, before anything is allocated.
	objs, _, err := gen.ALBObjects(albScenario(3000))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	written, _ := export(t, memObjects("s3://logs/", objs), DirStore{Root: dir}, Options{}, 1)
	b, err := os.ReadFile(filepath.Join(dir, written[0].Path))
	if err != nil {
		t.Fatal(err)
	}
	footer := b[len(b)-8-int(binary.LittleEndian.Uint32(b[len(b)-8:])):]
	f("beyond the file's", append([]byte("PAR1"), footer...))
}

// parquetWith returns a one-column Parquet file with the metadata md.
func parquetWith(t *testing.T, md map[string]string) []byte {
	t.Helper()
	var keys, vals []string
	for k, v := range md {
		keys, vals = append(keys, k), append(vals, v)
	}
	meta := arrow.NewMetadata(keys, vals)
	s := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, &meta)
	b := array.NewRecordBuilder(memory.DefaultAllocator, s)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).Append(1)
	rec := b.NewRecordBatch()
	defer rec.Release()
	var buf bytes.Buffer
	w, err := pqarrow.NewFileWriter(s, &buf, nil, pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// countingReaderAt counts the reads made through it.
type countingReaderAt struct {
	r     io.ReaderAt
	reads int
	bytes int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	c.reads++
	n, err := c.r.ReadAt(p, off)
	c.bytes += int64(n)
	return n, err
}

// The column chunks a reader needs are read in few reads, not one each (on
// S3 each read is a GetObject): here the footer's two and one for the 14
// columns of the ALB analysis, which lie within coalesceGap of each other.
func TestFileDecoder_CoalescedReads(t *testing.T) {
	objs, _, err := gen.ALBObjects(albScenario(3000))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	written, _ := export(t, memObjects("s3://logs/", objs), DirStore{Root: dir}, Options{}, 1)
	b, err := os.ReadFile(filepath.Join(dir, written[0].Path))
	if err != nil {
		t.Fatal(err)
	}
	cr := &countingReaderAt{r: bytes.NewReader(b)}
	f, err := FileDecoder{Decoders: decoders()}.OpenFile(cr, int64(len(b)), parser.Source{Name: "x.parquet"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.NewReader(parser.Options{Columns: alb.TriageColumns})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var rows int64
	for r.Next() {
		rows += r.RecordBatch().NumRows()
	}
	if r.Err() != nil || rows != written[0].Rows {
		t.Fatalf("read %d rows of %d: %v", rows, written[0].Rows, r.Err())
	}
	if cr.reads > 3 || cr.bytes >= int64(len(b)) {
		t.Errorf("%d reads of %d bytes of the file's %d, want at most 3 and fewer bytes", cr.reads, cr.bytes, len(b))
	}
}
