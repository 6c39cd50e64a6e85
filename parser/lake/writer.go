package lake

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lbtriage/lbtriage/parser"
)

// Defaults for Options.
const (
	DefaultRowGroupRows = 1 << 20
	DefaultMemoryBytes  = 1 << 30
	// DefaultZstdLevel is zstd's fastest level: on ALB and CloudFront rows
	// it writes 10% faster than its default level 3 and files no larger.
	DefaultZstdLevel = 1
)

// writeBufferBytes is the buffer between the Parquet writer and a File.
const writeBufferBytes = 1 << 20

// Options configures the writing of lake files. The zero value is usable.
type Options struct {
	// RowGroupRows caps the rows of a row group (DefaultRowGroupRows when 0).
	RowGroupRows int
	// MemoryBytes caps the Arrow bytes buffered for the row groups of all
	// the files being written at once, by one Exporter or one
	// ObjectWriter (DefaultMemoryBytes when 0). The rows of a row group
	// are held until it is sorted and written; when the files' buffered
	// rows reach this, the file that adds rows writes its row group
	// early, with fewer rows. An ALB row takes about 680 bytes, so one
	// large object at a time gets row groups of RowGroupRows rows.
	MemoryBytes int64
	// ZstdLevel is the zstd compression level (DefaultZstdLevel when 0).
	ZstdLevel int
	// Allocator allocates the Arrow buffers (memory.DefaultAllocator when nil).
	Allocator memory.Allocator
	// Derivers returns, for a family, what computes its derived columns
	// (DerivedFields), or nil: they are then NULL. Called once per object.
	Derivers func(parser.Format) Deriver
}

// WithDefaults returns o with zero fields set to their defaults.
func (o Options) WithDefaults() Options {
	if o.RowGroupRows <= 0 {
		o.RowGroupRows = DefaultRowGroupRows
	}
	if o.MemoryBytes <= 0 {
		o.MemoryBytes = DefaultMemoryBytes
	}
	if o.ZstdLevel == 0 {
		o.ZstdLevel = DefaultZstdLevel
	}
	if o.Allocator == nil {
		o.Allocator = memory.DefaultAllocator
	}
	return o
}

// Written describes one file written into the lake.
type Written struct {
	// Source is the name of the object the rows came from.
	Source string
	Format parser.Format
	// Path is the file's path relative to the lake's root.
	Path string
	// Day is the partition's day (midnight UTC).
	Day       time.Time
	Rows      int64
	RowGroups int
	// Bytes is the file's size.
	Bytes int64
}

const usPerDay = int64(24 * time.Hour / time.Microsecond)

// ObjectWriter writes the rows of one source object into the lake: one file
// per UTC day its rows fall on (FilePath). Its methods are not safe for
// concurrent use.
type ObjectWriter struct {
	ctx     context.Context
	store   Store
	opts    Options
	format  parser.Format
	src     parser.Source
	in      *arrow.Schema
	schema  *arrow.Schema // the lake schema, with the file metadata
	conv    *converter
	timeCol int
	props   *parquet.WriterProperties
	derive  Deriver
	// names are the name columns the lake adds; fills, the family's own
	// columns named as a name column, with the value their NULLs take.
	names []NameColumn
	fills []fill
	days  map[int64]*dayFile
	// buffered counts the Arrow bytes buffered by this writer's files and,
	// under an Exporter, by those of the other objects being written.
	buffered *atomic.Int64
}

// NewObjectWriter returns a writer for the rows of the object src, of
// family f, whose batches have schema in. Nothing is written before the
// first row group is full or Close is called.
func NewObjectWriter(ctx context.Context, store Store, f parser.Format, src parser.Source, in *arrow.Schema, opts Options) (*ObjectWriter, error) {
	opts = opts.WithDefaults()
	ls, err := Schema(f, in)
	if err != nil {
		return nil, err
	}
	timeCol := -1
	if idx := in.FieldIndices(parser.ColTime); len(idx) == 1 && in.Field(idx[0]).Type.ID() == arrow.TIMESTAMP {
		timeCol = idx[0]
	}
	if timeCol < 0 {
		return nil, fmt.Errorf("the %s batches of %q have no %q timestamp column", f, src.Name, parser.ColTime)
	}
	md := arrow.NewMetadata(
		[]string{MetaFamily, MetaSchemaVersion, MetaSource},
		[]string{string(f), strconv.Itoa(SchemaVersion), src.Name})
	ls = arrow.NewSchema(ls.Fields(), &md)
	conv, err := newConverter(in, ls, opts.Allocator)
	if err != nil {
		return nil, err
	}
	props := []parquet.WriterProperty{
		parquet.WithAllocator(opts.Allocator),
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithCompressionLevel(opts.ZstdLevel),
		parquet.WithDictionaryDefault(true),
		parquet.WithStats(true),
		parquet.WithPageIndexEnabled(true),
		parquet.WithMaxRowGroupLength(int64(opts.RowGroupRows)),
		parquet.WithSortingColumns([]parquet.SortingColumn{{ColumnIdx: int32(timeCol)}}),
	}
	// Timestamps and durations are nearly all distinct: a dictionary
	// costs hashing and makes the files larger (63.8 against 62.1 bytes
	// an ALB row).
	for _, f := range ls.Fields() {
		if id := f.Type.ID(); id == arrow.TIMESTAMP || id == arrow.FLOAT64 {
			props = append(props, parquet.WithDictionaryFor(f.Name, false))
		}
	}
	var fills []fill
	for _, nc := range NameColumns() {
		if idx := in.FieldIndices(nc.Name); len(idx) == 1 && nc.Value(src) != "" {
			fills = append(fills, fill{col: idx[0], value: nc.Value(src)})
		}
	}
	return &ObjectWriter{
		ctx: ctx, store: store, opts: opts, format: f, src: src, in: in, schema: ls,
		conv: conv, timeCol: timeCol, props: parquet.NewWriterProperties(props...), days: map[int64]*dayFile{},
		buffered: new(atomic.Int64), derive: deriverOf(opts, f), names: AddedNameColumns(in), fills: fills,
	}, nil
}

// fill is a string column whose NULLs take a value.
type fill struct {
	col   int
	value string
}

// fillNulls returns col with its NULLs replaced by v.
func fillNulls(col *array.String, v string, mem memory.Allocator) arrow.Array {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(col.Len())
	b.ReserveData(len(col.ValueBytes()) + col.NullN()*len(v))
	for i := range col.Len() {
		if col.IsNull(i) {
			b.Append(v)
		} else {
			b.Append(col.Value(i))
		}
	}
	return b.NewArray()
}

func deriverOf(opts Options, f parser.Format) Deriver {
	if opts.Derivers == nil {
		return nil
	}
	return opts.Derivers(f)
}

// Write adds the rows of rec, whose schema must be the one given to
// NewObjectWriter. It writes a row group to a file when one is full.
func (w *ObjectWriter) Write(rec arrow.RecordBatch) error {
	n := int(rec.NumRows())
	if n == 0 {
		return nil
	}
	if !rec.Schema().Equal(w.in) {
		return fmt.Errorf("a batch of %q has schema %s, want %s", w.src.Name, rec.Schema(), w.in)
	}
	cols, err := w.conv.columns(rec)
	if err != nil {
		return fmt.Errorf("cannot export %q: %w", w.src.Name, err)
	}
	defer func() { releaseAll(cols) }()
	for _, f := range w.fills {
		if c := cols[f.col]; c.NullN() > 0 {
			cols[f.col] = fillNulls(c.(*array.String), f.value, w.opts.Allocator)
			c.Release()
		}
	}
	derived, err := w.derived(rec)
	if err != nil {
		return fmt.Errorf("cannot export %q: %w", w.src.Name, err)
	}
	cols = append(cols, derived...)
	ts := cols[w.timeCol].(*array.Timestamp)
	if ts.NullN() > 0 {
		return fmt.Errorf("cannot export %q: %d rows have no time", w.src.Name, ts.NullN())
	}
	times := ts.Values()
	first := dayOf(times[0])
	same := true
	for _, t := range times[1:] {
		if dayOf(t) != first {
			same = false
			break
		}
	}
	if same {
		return w.add(first, cols, n)
	}
	// Rows across midnight: one take per day.
	byDay := map[int64][]int32{}
	for i, t := range times {
		d := dayOf(t)
		byDay[d] = append(byDay[d], int32(i))
	}
	for _, d := range slices.Sorted(maps.Keys(byDay)) {
		part, err := w.take(cols, byDay[d])
		if err != nil {
			return err
		}
		err = w.add(d, part, len(byDay[d]))
		releaseAll(part)
		if err != nil {
			return err
		}
	}
	return nil
}

// derived returns the derived columns of rec: the Deriver's, or nulls.
func (w *ObjectWriter) derived(rec arrow.RecordBatch) ([]arrow.Array, error) {
	n := int(rec.NumRows())
	if w.derive == nil {
		out := make([]arrow.Array, len(DerivedFields))
		for i, f := range DerivedFields {
			out[i] = array.MakeArrayOfNull(w.opts.Allocator, f.Type, n)
		}
		return out, nil
	}
	out, err := w.derive.Derive(rec, w.opts.Allocator)
	if err != nil {
		return nil, err
	}
	if len(out) != len(DerivedFields) {
		releaseAll(out)
		return nil, fmt.Errorf("the %s deriver returned %d columns, want %d", w.format, len(out), len(DerivedFields))
	}
	for i, a := range out {
		if a.Len() != n || !arrow.TypeEqual(a.DataType(), DerivedFields[i].Type) {
			releaseAll(out)
			return nil, fmt.Errorf("the %s deriver's %s column is %d %s, want %d %s", w.format, DerivedFields[i].Name, a.Len(), a.DataType(), n, DerivedFields[i].Type)
		}
	}
	return out, nil
}

// take returns the rows idx of cols.
func (w *ObjectWriter) take(cols []arrow.Array, idx []int32) ([]arrow.Array, error) {
	ib := array.NewInt32Builder(w.opts.Allocator)
	ib.AppendValues(idx, nil)
	indices := ib.NewArray()
	ib.Release()
	defer indices.Release()
	ctx := compute.WithAllocator(w.ctx, w.opts.Allocator)
	out := make([]arrow.Array, 0, len(cols))
	for _, c := range cols {
		t, err := compute.TakeArray(ctx, c, indices)
		if err != nil {
			releaseAll(out)
			return nil, fmt.Errorf("cannot export %q: %w", w.src.Name, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// add buffers n rows of the day d, writing row groups as they fill.
func (w *ObjectWriter) add(d int64, cols []arrow.Array, n int) error {
	df := w.days[d]
	if df == nil {
		df = &dayFile{w: w, day: d}
		w.days[d] = df
	}
	for off := 0; off < n; {
		take := min(n-off, w.opts.RowGroupRows-df.rows)
		part := cols
		if off > 0 || take < n {
			part = make([]arrow.Array, len(cols))
			for i, c := range cols {
				part[i] = array.NewSlice(c, int64(off), int64(off+take))
			}
		} else {
			for _, c := range cols {
				c.Retain()
			}
		}
		df.buffer(part, take)
		off += take
		if df.rows >= w.opts.RowGroupRows || w.buffered.Load() >= w.opts.MemoryBytes {
			if err := df.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close writes what is buffered and commits the files, in day order, and
// returns them. After an error the files not committed are discarded.
func (w *ObjectWriter) Close() ([]Written, error) {
	var out []Written
	for _, d := range slices.Sorted(maps.Keys(w.days)) {
		df := w.days[d]
		delete(w.days, d)
		wr, err := df.close()
		if err != nil {
			w.Abort()
			return out, err
		}
		out = append(out, wr)
	}
	return out, nil
}

// Abort discards the files not yet committed and releases what is
// buffered.
func (w *ObjectWriter) Abort() {
	for d, df := range w.days {
		df.abort()
		delete(w.days, d)
	}
}

func dayOf(t arrow.Timestamp) int64 {
	us := int64(t)
	d := us / usPerDay
	if us%usPerDay < 0 {
		d--
	}
	return d
}

// dayFile is the file of one day being written: the rows buffered for its
// next row group and, once the first row group is written, the open file.
type dayFile struct {
	w       *ObjectWriter
	day     int64
	pending [][]arrow.Array // batches of columns, lake types, without the name columns
	rows    int
	bytes   int64

	file      File
	count     countingWriter
	buf       *bufio.Writer
	fw        *pqarrow.FileWriter
	written   int64
	rowGroups int
}

func (df *dayFile) path() string {
	return FilePath(df.w.format, time.UnixMicro(df.day*usPerDay), df.w.src)
}

func (df *dayFile) buffer(cols []arrow.Array, n int) {
	df.pending = append(df.pending, cols)
	df.rows += n
	var size int64
	for _, c := range cols {
		size += arraySize(c.Data())
	}
	df.bytes += size
	df.w.buffered.Add(size)
}

func (df *dayFile) releasePending() {
	for _, cols := range df.pending {
		releaseAll(cols)
	}
	df.w.buffered.Add(-df.bytes)
	df.pending, df.rows, df.bytes = nil, 0, 0
}

// open creates the file and its Parquet writer.
func (df *dayFile) open() error {
	w := df.w
	f, err := w.store.Create(w.ctx, df.path())
	if err != nil {
		return err
	}
	df.file = f
	df.count = countingWriter{w: f}
	df.buf = bufio.NewWriterSize(&df.count, writeBufferBytes)
	df.fw, err = pqarrow.NewFileWriter(w.schema, df.buf, w.props,
		pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(w.opts.Allocator)))
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", df.path(), err)
	}
	return nil
}

// flush sorts the buffered rows by time and writes them as one row group.
func (df *dayFile) flush() error {
	if df.rows == 0 {
		return nil
	}
	defer df.releasePending()
	if df.fw == nil {
		if err := df.open(); err != nil {
			return err
		}
	}
	w := df.w
	order, sorted := df.order()
	var indices arrow.Array
	if !sorted {
		ib := array.NewInt32Builder(w.opts.Allocator)
		ib.AppendValues(order, nil)
		indices = ib.NewArray()
		ib.Release()
		defer indices.Release()
	}
	if err := df.fw.NewRowGroupChecked(); err != nil {
		return df.writeErr(err)
	}
	ctx := compute.WithAllocator(w.ctx, w.opts.Allocator)
	chunks := make([]arrow.Array, len(df.pending))
	for c := range len(w.in.Fields()) + len(DerivedFields) {
		for i, cols := range df.pending {
			chunks[i] = cols[c]
		}
		if err := df.writeColumn(ctx, chunks, indices); err != nil {
			return df.writeErr(err)
		}
	}
	for i, nc := range w.names {
		col, err := constant(nc.Value(w.src), w.schema.Field(len(w.in.Fields())+len(DerivedFields)+i).Type, df.rows, w.opts.Allocator)
		if err != nil {
			return df.writeErr(err)
		}
		err = df.fw.WriteColumnData(col)
		col.Release()
		if err != nil {
			return df.writeErr(err)
		}
	}
	df.written += int64(df.rows)
	df.rowGroups++
	return nil
}

// writeColumn writes one column of the row group, taken in the order of
// indices when not nil.
func (df *dayFile) writeColumn(ctx context.Context, chunks []arrow.Array, indices arrow.Array) error {
	if indices == nil {
		ch := arrow.NewChunked(chunks[0].DataType(), chunks)
		defer ch.Release()
		return df.fw.WriteColumnChunked(ch, 0, int64(ch.Len()))
	}
	all := chunks[0]
	if len(chunks) > 1 {
		var err error
		if all, err = array.Concatenate(chunks, df.w.opts.Allocator); err != nil {
			return err
		}
		defer all.Release()
	}
	taken, err := compute.TakeArray(ctx, all, indices)
	if err != nil {
		return err
	}
	defer taken.Release()
	return df.fw.WriteColumnData(taken)
}

// order returns the order of the buffered rows by time (stable), and
// whether they are in that order already.
func (df *dayFile) order() ([]int32, bool) {
	times := make([]arrow.Timestamp, 0, df.rows)
	for _, cols := range df.pending {
		times = append(times, cols[df.w.timeCol].(*array.Timestamp).Values()...)
	}
	sorted := true
	for i := 1; i < len(times); i++ {
		if times[i] < times[i-1] {
			sorted = false
			break
		}
	}
	if sorted {
		return nil, true
	}
	order := make([]int32, len(times))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		ta, tb := times[a], times[b]
		switch {
		case ta < tb:
			return -1
		case ta > tb:
			return 1
		}
		return 0
	})
	return order, false
}

// close writes the last row group, the footer, and commits the file.
func (df *dayFile) close() (Written, error) {
	if err := df.flush(); err != nil {
		df.abort()
		return Written{}, err
	}
	wr := Written{
		Source: df.w.src.Name, Format: df.w.format, Path: df.path(),
		Day: time.UnixMicro(df.day * usPerDay).UTC(), Rows: df.written, RowGroups: df.rowGroups,
	}
	if df.fw == nil {
		return wr, nil // no row
	}
	if err := df.fw.Close(); err != nil {
		df.abort()
		return wr, df.writeErr(err)
	}
	if err := df.buf.Flush(); err != nil {
		df.abort()
		return wr, df.writeErr(err)
	}
	wr.Bytes = df.count.n
	df.fw, df.buf = nil, nil
	f := df.file
	df.file = nil
	if err := f.Commit(); err != nil {
		return wr, fmt.Errorf("cannot write %s in %s: %w", wr.Path, df.w.store, err)
	}
	return wr, nil
}

func (df *dayFile) abort() {
	df.releasePending()
	if df.file != nil {
		df.file.Abort()
		df.file = nil
	}
	df.fw, df.buf = nil, nil
}

func (df *dayFile) writeErr(err error) error {
	return fmt.Errorf("cannot write %s in %s: %w", df.path(), df.w.store, err)
}

// constant returns an array of n copies of v, or of n nulls when v is "".
func constant(v string, t arrow.DataType, n int, mem memory.Allocator) (arrow.Array, error) {
	if v == "" {
		return array.MakeArrayOfNull(mem, t, n), nil
	}
	return scalar.MakeArrayFromScalar(scalar.NewStringScalar(v), n, mem)
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// arraySize is the size of the buffers an array's data spans.
func arraySize(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += arraySize(c)
	}
	return n
}
