package lake

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
	"github.com/lbtriage/lbtriage/parser/input"
)

// rowsSink collects the rows of every object as Go values.
type rowsSink struct {
	mu   sync.Mutex
	t    testing.TB
	rows map[string][]map[string]any
	src  map[string]parser.Source
}

func (s *rowsSink) Consume(src parser.Source, _ parser.Format, rec arrow.RecordBatch) error {
	rows := recordRows(s.t, rec)
	s.mu.Lock()
	s.rows[src.Name] = append(s.rows[src.Name], rows...)
	s.src[src.Name] = src
	s.mu.Unlock()
	return nil
}

// parsed reads objects with the decoders and returns the rows of each.
func parsed(t testing.TB, objects []input.Object) *rowsSink {
	s := &rowsSink{t: t, rows: map[string][]map[string]any{}, src: map[string]parser.Source{}}
	_, _, err := input.Scan(context.Background(), objects, input.ScanOptions{Workers: 1, Decoders: decoders()},
		func() input.Sink { return s })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// expected returns what the lake should hold for the rows of objects: by
// file path, the rows of that source and day in stable time order.
func expected(t testing.TB, objects []input.Object) map[string][]map[string]any {
	s := parsed(t, objects)
	want := map[string][]map[string]any{}
	for name, rows := range s.rows {
		src := s.src[name]
		for _, r := range rows {
			tm := r[parser.ColTime].(time.Time)
			day := time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, time.UTC)
			p := FilePath(src.Format, day, src)
			want[p] = append(want[p], r)
		}
	}
	for _, rows := range want {
		slices.SortStableFunc(rows, func(a, b map[string]any) int {
			return a[parser.ColTime].(time.Time).Compare(b[parser.ColTime].(time.Time))
		})
	}
	return want
}

func equalValues(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return a == b
}

// checkRoundTrip exports objects and compares every file with what the
// decoders read.
func checkRoundTrip(t *testing.T, f parser.Format, objects []input.Object, opts Options) map[string]parquetFile {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	opts.Allocator = mem
	dir := t.TempDir()
	written, results := export(t, objects, DirStore{Root: dir}, opts, 2)
	mem.AssertSize(t, 0)
	total, _, _, _ := input.TotalStats(results)
	want := expected(t, objects)
	var rows int64
	files := map[string]parquetFile{}
	for _, w := range written {
		rows += w.Rows
		pf := readParquet(t, filepath.Join(dir, filepath.FromSlash(w.Path)))
		files[w.Path] = pf
		if int64(len(pf.rows)) != w.Rows {
			t.Errorf("%s: %d rows read back, %d written", w.Path, len(pf.rows), w.Rows)
		}
		if pf.meta[MetaFamily] != string(f) || pf.meta[MetaSchemaVersion] != strconv.Itoa(SchemaVersion) || pf.meta[MetaSource] != w.Source {
			t.Errorf("%s: metadata %v", w.Path, pf.meta)
		}
		wantRows := want[w.Path]
		if len(wantRows) != len(pf.rows) {
			t.Errorf("%s: %d rows, want %d", w.Path, len(pf.rows), len(wantRows))
			continue
		}
		for i, got := range pf.rows {
			for k, v := range wantRows[i] {
				if !equalValues(got[k], v) {
					t.Fatalf("%s row %d: %s = %#v, want %#v", w.Path, i, k, got[k], v)
				}
			}
			if len(got) != len(wantRows[i])+len(DerivedFields)+len(NameColumns()) {
				t.Fatalf("%s row %d: %d columns, want %d + %d + %d", w.Path, i, len(got), len(wantRows[i]), len(DerivedFields), len(NameColumns()))
			}
		}
		delete(want, w.Path)
	}
	if len(want) > 0 {
		t.Errorf("files not written: %v", sortedKeys(want))
	}
	if rows != total.Parsed || rows == 0 {
		t.Errorf("%d rows written, %d parsed", rows, total.Parsed)
	}
	return files
}

func TestExport_ALB(t *testing.T) {
	objs, truth, err := gen.ALBObjects(albScenario(6000))
	if err != nil {
		t.Fatal(err)
	}
	objects := memObjects("s3://logs/", objs)
	files := checkRoundTrip(t, alb.Format, objects, Options{})
	days := map[string]bool{}
	for p, pf := range files {
		days[strings.Split(p, "/")[1]] = true
		r := pf.rows[0]
		if r[ColAccountID] != "123456789012" || r[ColRegion] != "eu-west-1" || r[ColNodeIP] == nil ||
			!strings.HasPrefix(r[ColResource].(string), "app/") {
			t.Errorf("%s: name columns %v %v %v %v", p, r[ColAccountID], r[ColRegion], r[ColNodeIP], r[ColResource])
		}
	}
	if len(days) != 2 || !days["day=2026-11-20"] || !days["day=2026-11-21"] {
		t.Errorf("day partitions %v, want 2026-11-20 and 2026-11-21", days)
	}
	if truth.Rows == 0 {
		t.Fatal("no rows generated")
	}
}

func TestExport_CloudFront(t *testing.T) {
	objs, _, err := gen.CloudFrontObjects(cfScenario(4000))
	if err != nil {
		t.Fatal(err)
	}
	files := checkRoundTrip(t, cloudfront.Format, memObjects("s3://cf/", objs), Options{})
	for p, pf := range files {
		if id, _ := pf.rows[0][ColResource].(string); id == "" || pf.rows[0][ColNodeIP] != nil {
			t.Errorf("%s: resource %v, node_ip %v, want the distribution and NULL", p, id, pf.rows[0][ColNodeIP])
		}
		if !strings.HasPrefix(p, "cloudfront/day=") {
			t.Errorf("file %s outside cloudfront/", p)
		}
	}
}

// TestExport_RowGroups checks that row groups are capped, sorted by time
// and carry statistics, and that a file's schema has the engine types.
func TestExport_RowGroups(t *testing.T) {
	objs, _, err := gen.ALBObjects(albScenario(6000))
	if err != nil {
		t.Fatal(err)
	}
	files := checkRoundTrip(t, alb.Format, memObjects("s3://logs/", objs), Options{RowGroupRows: 100})
	multi := 0
	for p, pf := range files {
		if pf.rowGroups > 1 {
			multi++
		}
		md := pf.reader.MetaData()
		timeIdx := md.Schema.ColumnIndexByName(parser.ColTime)
		var prevMax int64
		for g := range pf.rowGroups {
			rg := md.RowGroup(g)
			if rg.NumRows() > 100 {
				t.Errorf("%s row group %d: %d rows, want at most 100", p, g, rg.NumRows())
			}
			cc, err := rg.ColumnChunk(timeIdx)
			if err != nil {
				t.Fatal(err)
			}
			st, err := cc.Statistics()
			if err != nil || st == nil || !st.HasMinMax() {
				t.Fatalf("%s row group %d: no time statistics (%v)", p, g, err)
			}
			enc, err := st.Encode()
			if err != nil {
				t.Fatal(err)
			}
			lo, hi := int64FromLE(enc.Min), int64FromLE(enc.Max)
			if lo < prevMax {
				t.Errorf("%s row group %d starts at %d, before the previous group's end %d", p, g, lo, prevMax)
			}
			prevMax = hi
		}
		checkTypes(t, p, md.Schema)
	}
	if multi == 0 {
		t.Error("no file has more than one row group")
	}
}

func int64FromLE(b []byte) int64 {
	var v int64
	for i := 7; i >= 0; i-- {
		v = v<<8 | int64(b[i])
	}
	return v
}

// checkTypes checks the physical and logical types engines rely on.
func checkTypes(t *testing.T, p string, s *schema.Schema) {
	t.Helper()
	for i := range s.NumColumns() {
		c := s.Column(i)
		lt := c.LogicalType()
		if c.PhysicalType() == parquet.Types.Int96 {
			t.Errorf("%s: column %s is INT96", p, c.Name())
		}
		if it, ok := lt.(schema.IntLogicalType); ok && !it.IsSigned() {
			t.Errorf("%s: column %s is unsigned", p, c.Name())
		}
		switch c.Name() {
		case parser.ColTime, "request_creation_time":
			ts, ok := lt.(schema.TimestampLogicalType)
			if !ok || c.PhysicalType() != parquet.Types.Int64 || ts.TimeUnit() != schema.TimeUnitMicros || !ts.IsAdjustedToUTC() {
				t.Errorf("%s: column %s is %s %s, want INT64 TIMESTAMP(MICROS, UTC)", p, c.Name(), c.PhysicalType(), lt)
			}
		case "elb_status_code", "target_port", "client_port":
			if c.PhysicalType() != parquet.Types.Int32 {
				t.Errorf("%s: column %s is %s, want INT32", p, c.Name(), c.PhysicalType())
			}
		}
	}
}

// TestExport_Deterministic checks that two runs, and two shards run side by
// side over overlapping halves, write the same files, byte for byte.
func TestExport_Deterministic(t *testing.T) {
	objs, _, err := gen.ALBObjects(albScenario(5000))
	if err != nil {
		t.Fatal(err)
	}
	cfObjs, _, err := gen.CloudFrontObjects(cfScenario(3000))
	if err != nil {
		t.Fatal(err)
	}
	objects := append(memObjects("s3://logs/", objs), memObjects("s3://cf/", cfObjs)...)

	run := func(dir string, objects []input.Object, workers int) {
		export(t, objects, DirStore{Root: dir}, Options{RowGroupRows: 500}, workers)
	}
	one, two, sharded := t.TempDir(), t.TempDir(), t.TempDir()
	run(one, objects, 1)
	run(two, objects, 2)
	run(two, objects, 2) // again over the same directory: replaces
	var wg sync.WaitGroup
	half := len(objects) / 2
	for _, part := range [][]input.Object{objects[:half+2], objects[half-2:]} {
		wg.Go(func() { run(sharded, part, 2) })
	}
	wg.Wait()

	// The same objects read from local copies under another prefix give the
	// same files too: names come from the objects' base names.
	local := t.TempDir()
	for _, o := range objs {
		p := filepath.Join(local, filepath.FromSlash(o.Key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, o.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	localObjs, _, err := input.Expand([]string{local}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fromDisk := t.TempDir()
	run(fromDisk, localObjs, 2)

	want := listFiles(t, one)
	if len(want) == 0 {
		t.Fatal("no file written")
	}
	for name, dir := range map[string]string{"second run": two, "two shards": sharded} {
		got := listFiles(t, dir)
		if !slices.Equal(sortedKeys(got), sortedKeys(want)) {
			t.Errorf("%s: files %v, want %v", name, sortedKeys(got), sortedKeys(want))
			continue
		}
		for k := range want {
			if !bytes.Equal(got[k], want[k]) {
				t.Errorf("%s: %s differs", name, k)
			}
		}
	}
	for k, b := range listFiles(t, fromDisk) {
		if !bytes.Equal(b, want[k]) {
			// The metadata names the source as read, so only the rows must
			// be the same: compare them.
			if !slices.EqualFunc(readParquet(t, filepath.Join(fromDisk, k)).rows, readParquet(t, filepath.Join(one, k)).rows,
				func(a, b map[string]any) bool { return fmt.Sprint(a) == fmt.Sprint(b) }) {
				t.Errorf("from disk: %s holds other rows", k)
			}
		}
	}
}

// TestExport_Names checks that file names are stable: a change to them
// would duplicate every row of a lake exported again.
func TestExport_Names(t *testing.T) {
	f := func(src parser.Source, want string) {
		t.Helper()
		if got := FilePath(alb.Format, time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC), src); got != want {
			t.Errorf("FilePath(%+v) = %q, want %q", src, got, want)
		}
	}
	key := "123456789012_elasticloadbalancing_eu-west-1_app.my-lb.50dc6c495c0c9188_20261120T1305Z_10.0.0.1_2kd8cbbx.log.gz"
	want := "alb/day=2026-11-20/" + FileName(parser.Source{Name: key, Format: alb.Format})
	f(parser.Source{Name: "s3://b/AWSLogs/x/" + key, Format: alb.Format}, want)
	f(parser.Source{Name: "/tmp/logs/" + key, Format: alb.Format}, want)
	if FileName(parser.Source{Name: "/a/access.log"}) == FileName(parser.Source{Name: "/b/access.log"}) {
		t.Error("two unknown-layout files of the same base name share a lake file")
	}
	if got := FileName(parser.Source{Name: key, Format: alb.Format}); got != "6cdcb3348a15d9460a5bd0d8cb51511b.parquet" {
		t.Errorf("FileName = %s, which changed: files exported before would be duplicated", got)
	}
}

// failingStore fails every Commit, to show that nothing half-written
// becomes visible.
type failingStore struct{ DirStore }

type failingFile struct{ File }

func (failingFile) Commit() error { return fmt.Errorf("disk full") }

func (s failingStore) Create(ctx context.Context, path string) (File, error) {
	f, err := s.DirStore.Create(ctx, path)
	if err != nil {
		return nil, err
	}
	return failingFile{f}, nil
}

func TestExport_CommitFails(t *testing.T) {
	objs, _, err := gen.ALBObjects(albScenario(2000))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	e := NewExporter(context.Background(), failingStore{DirStore{Root: dir}}, Options{})
	var errs []error
	var mu sync.Mutex
	_, _, err = input.Scan(context.Background(), memObjects("s3://logs/", objs), input.ScanOptions{
		Decoders: decoders(),
		OnObject: func(res input.ObjectResult) {
			if err := e.EndObject(res.Source.Name); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		},
	}, func() input.Sink { return e })
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) == 0 || !strings.Contains(errs[0].Error(), "disk full") || !strings.Contains(errs[0].Error(), dir) {
		t.Fatalf("errors %v, want disk full naming %s", errs, dir)
	}
	for _, w := range e.Written() {
		t.Errorf("file %s reported written", w.Path)
	}
}

// TestObjectWriter_SortAndSplit writes batches out of time order, across
// midnight, and checks the rows come back sorted, stable, per day.
func TestObjectWriter_SortAndSplit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := arrow.NewSchema([]arrow.Field{
		{Name: "time", Type: arrow.FixedWidthTypes.Timestamp_ms},
		{Name: "n", Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
	}, nil)
	base := time.Date(2026, 11, 20, 23, 59, 59, 0, time.UTC).UnixMilli()
	// (offset ms, n): ties at +0 keep their order 1, 3.
	batches := [][][2]int64{
		{{500, 0}, {0, 1}, {1500, 2}},
		{{0, 3}, {-2000, 4}, {2500, 5}},
	}
	dir := t.TempDir()
	src := parser.Source{Name: "x.log", Format: alb.Format}
	w, err := NewObjectWriter(context.Background(), DirStore{Root: dir}, alb.Format, src, in, Options{Allocator: mem, RowGroupRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		rec := buildRecord(t, mem, in, base, b)
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	written, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]int64{}
	for _, wr := range written {
		for _, r := range readParquet(t, filepath.Join(dir, wr.Path)).rows {
			got[wr.Day.Format("2006-01-02")] = append(got[wr.Day.Format("2006-01-02")], r["n"].(int64))
		}
	}
	// Row groups of 2 rows, each sorted: day 20 gets 0,1,3,4 in arrival
	// order → groups (0,1) → 1,0 and (3,4) → 4,3.
	want := map[string][]int64{"2026-11-20": {1, 0, 4, 3}, "2026-11-21": {2, 5}}
	for d, w := range want {
		if !slices.Equal(got[d], w) {
			t.Errorf("day %s: n = %v, want %v", d, got[d], w)
		}
	}
	if len(written) != 2 || written[0].RowGroups != 2 || written[1].RowGroups != 1 {
		t.Errorf("written %+v", written)
	}
}

// buildRecord builds a batch of (time, n) rows, times in milliseconds
// after base.
func buildRecord(t *testing.T, mem memory.Allocator, s *arrow.Schema, base int64, rows [][2]int64) arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(mem, s)
	defer b.Release()
	for _, r := range rows {
		b.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(base + r[0]))
		b.Field(1).(*array.Uint16Builder).Append(uint16(r[1]))
	}
	return b.NewRecordBatch()
}

// TestObjectWriter_MemoryBytes checks that a row group is written early
// when the buffered rows reach the memory cap.
func TestObjectWriter_MemoryBytes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := arrow.NewSchema([]arrow.Field{
		{Name: "time", Type: arrow.FixedWidthTypes.Timestamp_ms},
		{Name: "n", Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
	}, nil)
	base := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC).UnixMilli()
	dir := t.TempDir()
	w, err := NewObjectWriter(context.Background(), DirStore{Root: dir}, alb.Format, parser.Source{Name: "x.log"}, in,
		Options{Allocator: mem, RowGroupRows: 100, MemoryBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		rec := buildRecord(t, mem, in, base, [][2]int64{{int64(i), 0}, {int64(i), 1}})
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	written, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 1 || written[0].RowGroups != 3 || written[0].Rows != 6 {
		t.Fatalf("written %+v, want one file of 3 row groups of 2 rows", written)
	}
}

// TestObjectWriter_OwnNameColumn: a family whose lines carry the node's IP
// keeps its node_ip column, NULLs filled from the object's name, and gets
// no second one; its durations are seconds.
func TestObjectWriter_OwnNameColumn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := arrow.NewSchema([]arrow.Field{
		{Name: "time", Type: arrow.FixedWidthTypes.Timestamp_us},
		{Name: "latency", Type: arrow.FixedWidthTypes.Duration_ns, Nullable: true},
		{Name: ColNodeIP, Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, in)
	base := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC).UnixMicro()
	b.Field(0).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(base), arrow.Timestamp(base + 1)}, nil)
	b.Field(1).(*array.DurationBuilder).AppendValues([]arrow.Duration{1_500_000_000, 0}, []bool{true, false})
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"10.0.1.5", ""}, []bool{true, false})
	rec := b.NewRecordBatch()
	b.Release()
	defer rec.Release()

	dir := t.TempDir()
	src := parser.Source{Name: "x.log", Format: "own", Resource: "app/lb/1", NodeIP: "10.0.9.9"}
	w, err := NewObjectWriter(context.Background(), DirStore{Root: dir}, "own", src, in, Options{Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	written, err := w.Close()
	if err != nil || len(written) != 1 {
		t.Fatalf("%v %v", written, err)
	}
	pf := readParquet(t, filepath.Join(dir, written[0].Path))
	if n := len(pf.schema.FieldIndices(ColNodeIP)); n != 1 {
		t.Fatalf("%d node_ip columns: %s", n, pf.schema)
	}
	var nodes, lat []any
	for _, r := range pf.rows {
		nodes, lat = append(nodes, r[ColNodeIP]), append(lat, r["latency"])
	}
	if !slices.Equal(nodes, []any{"10.0.1.5", "10.0.9.9"}) || !slices.Equal(lat, []any{1.5, nil}) || pf.rows[0][ColResource] != "app/lb/1" {
		t.Errorf("node_ip %v, latency %v, resource %v", nodes, lat, pf.rows[0][ColResource])
	}
	if _, err := Schema("own", arrow.NewSchema([]arrow.Field{{Name: ColRegion, Type: arrow.PrimitiveTypes.Int32}}, nil)); err == nil {
		t.Errorf("a region column of integers takes the name's place")
	}
}
