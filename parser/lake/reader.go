package lake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// FileDecoder reads the lake's files back as the batches their family's
// Decoder gives (parser.FileDecoder): lbtriage analyze reads a day already
// exported instead of its gzip objects. Only the columns asked for are
// read, and only the row groups whose time statistics meet [Since, Until).
type FileDecoder struct {
	// Decoders are the families' decoders; a file of another family is
	// an error.
	Decoders []parser.Decoder
	// Since and Until bound the rows wanted (zero: open); row groups wholly
	// outside are skipped unread. Rows of the groups read are all
	// delivered: the analysis applies the window to each.
	Since, Until time.Time
}

var _ parser.FileDecoder = FileDecoder{}

var parquetMagic = []byte("PAR1")

// Magic returns "PAR1".
func (FileDecoder) Magic() []byte { return parquetMagic }

// OpenFile reads the footer and the family of the rows.
func (d FileDecoder) OpenFile(r io.ReaderAt, size int64, src parser.Source) (_ parser.File, err error) {
	defer recoverDamage(src.Name, &err)
	props := parquet.NewReaderProperties(lakeAllocator)
	// No page is larger than the file (compressed) or than its column
	// chunk says (uncompressed): a damaged page header claiming more is an
	// error before its buffer is allocated.
	props.MaxCompressedPageSize = max(min(size, parquet.DefaultMaxCompressedPageSize), 1)
	c := &coalescing{r: r}
	pr, err := file.NewParquetReader(io.NewSectionReader(c, 0, size), file.WithReadProps(props))
	if err != nil {
		return nil, fmt.Errorf("cannot read %q as Parquet: %w", src.Name, err)
	}
	md := pr.MetaData()
	largest, err := checkChunks(md, size)
	if err != nil {
		return nil, fmt.Errorf("%q is a damaged Parquet file: %w", src.Name, err)
	}
	props.MaxUncompressedPageSize = max(min(largest, parquet.DefaultMaxUncompressedPageSize), 1)
	kv := md.KeyValueMetadata()
	family, version := kv.FindValue(MetaFamily), kv.FindValue(MetaSchemaVersion)
	if family == nil || version == nil {
		return nil, fmt.Errorf("%q is a Parquet file lbtriage export did not write (no %s metadata)", src.Name, MetaFamily)
	}
	if v, err := strconv.Atoi(*version); err != nil || v > SchemaVersion {
		return nil, fmt.Errorf("%q is of lake schema version %s, newer than this lbtriage's %d", src.Name, *version, SchemaVersion)
	}
	i := slices.IndexFunc(d.Decoders, func(dec parser.Decoder) bool { return string(dec.Format()) == *family })
	if i < 0 {
		return nil, fmt.Errorf("%q holds %s rows, which this build does not read", src.Name, *family)
	}
	return &lakeFile{d: d, pr: pr, c: c, dec: d.Decoders[i], src: src}, nil
}

// checkChunks checks that every column chunk the footer places lies
// within the file's size bytes, and returns the largest uncompressed size
// of a chunk. The Parquet library allocates a chunk's claimed length before
// reading it: a damaged footer claiming gigabytes would stall the reader on
// that allocation rather than fail.
func checkChunks(md *metadata.FileMetaData, size int64) (largest int64, err error) {
	for g := range md.NumRowGroups() {
		rg := md.RowGroup(g)
		for c := range rg.NumColumns() {
			cc, err := rg.ColumnChunk(c)
			if err != nil {
				return 0, err
			}
			start, n := chunkRange(cc)
			if start < 0 || n < 0 || start > size || n > size-start {
				return 0, fmt.Errorf("column %d of row group %d claims %d bytes at offset %d, beyond the file's %d bytes", c, g, n, start, size)
			}
			largest = max(largest, cc.TotalUncompressedSize())
		}
	}
	return largest, nil
}

type lakeFile struct {
	d   FileDecoder
	pr  *file.Reader
	c   *coalescing
	dec parser.Decoder
	src parser.Source
}

func (f *lakeFile) Format() parser.Format { return f.dec.Format() }

// Source returns what the name of the exported object tells (MetaSource),
// with the lake file's own name.
func (f *lakeFile) Source() parser.Source {
	src := parser.Source{Name: f.src.Name, Format: f.dec.Format()}
	v := f.pr.MetaData().KeyValueMetadata().FindValue(MetaSource)
	if v == nil {
		return src
	}
	if s, ok := f.dec.ParseName(awskey.BaseName(*v)); ok {
		src = s
		src.Name = f.src.Name
	}
	if src.Account == "" {
		src.Account, src.Region = awskey.PathAccount(*v)
	}
	return src
}

// NewReader reads the columns opts asks for, of the row groups that may
// hold rows of the window.
func (f *lakeFile) NewReader(opts parser.Options) (_ parser.Reader, err error) {
	defer recoverDamage(f.src.Name, &err)
	if opts.Allocator == nil {
		opts.Allocator = lakeAllocator
	}
	opts = opts.WithDefaults()
	full := f.dec.Schema()
	var fields []arrow.Field
	for _, fd := range full.Fields() {
		if opts.Columns == nil || slices.Contains(opts.Columns, fd.Name) {
			fields = append(fields, fd)
		}
	}
	for _, c := range opts.Columns {
		if !full.HasField(c) {
			return nil, fmt.Errorf("cannot read %q: no column %q in the %s schema", f.src.Name, c, f.dec.Format())
		}
	}
	out := arrow.NewSchema(fields, nil)
	md := f.pr.MetaData()
	// Parquet leaves by name; a column the file lacks (an older layout)
	// is read as nulls.
	var leaves []int
	from := make([]int, len(fields)) // index in the record reader's batches, -1 for nulls
	for i, fd := range fields {
		from[i] = -1
		if leaf := md.Schema.ColumnIndexByName(fd.Name); leaf >= 0 {
			from[i] = len(leaves)
			leaves = append(leaves, leaf)
		}
	}
	groups, err := f.rowGroups(md)
	if err != nil {
		return nil, err
	}
	r := &fileReader{src: f.src, schema: out, from: from, opts: opts,
		ctx: compute.WithAllocator(context.Background(), opts.Allocator)}
	if len(groups) == 0 || len(leaves) == 0 {
		return r, nil
	}
	// Batches of the rows there are, at most BatchSize: the reader sizes
	// its buffers by the batch, and most files are small.
	var rows int64
	for _, g := range groups {
		rows += md.RowGroup(g).NumRows()
	}
	batch := min(int64(opts.BatchSize), max(rows, 1))
	fr, err := pqarrow.NewFileReader(f.pr, pqarrow.ArrowReadProperties{BatchSize: batch}, opts.Allocator)
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %w", f.src.Name, err)
	}
	f.c.plan(md, groups, leaves)
	if r.rr, err = fr.GetRecordReader(context.Background(), leaves, groups); err != nil {
		return nil, fmt.Errorf("cannot read %q: %w", f.src.Name, err)
	}
	return r, nil
}

// rowGroups returns the row groups whose time statistics meet the window.
func (f *lakeFile) rowGroups(md *metadata.FileMetaData) ([]int, error) {
	timeLeaf := md.Schema.ColumnIndexByName(parser.ColTime)
	var out []int
	for g := range md.NumRowGroups() {
		rg := md.RowGroup(g)
		if timeLeaf >= 0 && (!f.d.Since.IsZero() || !f.d.Until.IsZero()) {
			if lo, hi, ok := timeRange(rg, timeLeaf); ok &&
				(!f.d.Since.IsZero() && hi < f.d.Since.UnixMicro() || !f.d.Until.IsZero() && lo >= f.d.Until.UnixMicro()) {
				continue
			}
		}
		out = append(out, g)
	}
	return out, nil
}

// timeRange returns the min and max of a row group's time column in
// microseconds, when its statistics hold them.
func timeRange(rg *metadata.RowGroupMetaData, leaf int) (lo, hi int64, ok bool) {
	cc, err := rg.ColumnChunk(leaf)
	if err != nil {
		return 0, 0, false
	}
	st, err := cc.Statistics()
	if err != nil || st == nil || !st.HasMinMax() {
		return 0, 0, false
	}
	ts, ok := st.(*metadata.Int64Statistics)
	if !ok {
		return 0, 0, false
	}
	return ts.Min(), ts.Max(), true
}

// fileReader is a parser.Reader over a lake file's row groups.
type fileReader struct {
	src    parser.Source
	schema *arrow.Schema
	from   []int
	opts   parser.Options
	ctx    context.Context
	rr     pqarrow.RecordReader
	cur    arrow.RecordBatch
	stats  parser.Stats
	err    error
}

func (r *fileReader) Schema() *arrow.Schema          { return r.schema }
func (r *fileReader) RecordBatch() arrow.RecordBatch { return r.cur }
func (r *fileReader) Err() error                     { return r.err }
func (r *fileReader) Stats() parser.Stats            { return r.stats }

func (r *fileReader) Release() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.rr != nil {
		r.rr.Release()
		r.rr = nil
	}
}

func (r *fileReader) Next() (ok bool) {
	defer func() {
		if e := recover(); e != nil {
			r.err, ok = damaged(r.src.Name, e), false
		}
	}()
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.rr == nil || r.err != nil || !r.rr.Next() {
		if r.rr != nil && r.err == nil {
			if err := r.rr.Err(); err != nil && !errors.Is(err, io.EOF) {
				r.err = fmt.Errorf("cannot read %q: %w", r.src.Name, err)
			}
		}
		return false
	}
	in := r.rr.RecordBatch()
	n := int(in.NumRows())
	cols := make([]arrow.Array, len(r.from))
	for i, j := range r.from {
		want := r.schema.Field(i).Type
		if j < 0 {
			cols[i] = array.MakeArrayOfNull(r.opts.Allocator, want, n)
			continue
		}
		col := in.Column(j)
		if arrow.TypeEqual(col.DataType(), want) {
			col.Retain()
			cols[i] = col
			continue
		}
		conv, err := convert(r.ctx, col, want)
		if err != nil {
			releaseAll(cols)
			r.err = fmt.Errorf("cannot read %q: column %q: %w", r.src.Name, r.schema.Field(i).Name, err)
			return false
		}
		cols[i] = conv
	}
	r.cur = array.NewRecordBatch(r.schema, cols, int64(n))
	releaseAll(cols)
	r.stats.Lines += int64(n)
	r.stats.Parsed += int64(n)
	if idx := r.schema.FieldIndices(parser.ColTime); len(idx) == 1 {
		r.widen(r.cur.Column(idx[0]))
	}
	return true
}

// widen widens the time range of the stats by the times of col.
func (r *fileReader) widen(col arrow.Array) {
	ts, ok := col.(*array.Timestamp)
	if !ok || ts.Len() == ts.NullN() {
		return
	}
	var lo, hi arrow.Timestamp
	first := true
	for k, v := range ts.Values() {
		if ts.IsNull(k) {
			continue
		}
		if first || v < lo {
			lo = v
		}
		if first || v > hi {
			hi = v
		}
		first = false
	}
	unit := ts.DataType().(*arrow.TimestampType).Unit
	if t := lo.ToTime(unit); r.stats.MinTime.IsZero() || t.Before(r.stats.MinTime) {
		r.stats.MinTime = t
	}
	if t := hi.ToTime(unit); t.After(r.stats.MaxTime) {
		r.stats.MaxTime = t
	}
}

// recoverDamage turns a panic of the Parquet library over a damaged file
// (it dereferences what a damaged page header lacks) into an error naming
// the file, and reports whether there was one. Deferred directly.
func recoverDamage(name string, err *error) bool {
	e := recover()
	if e == nil {
		return false
	}
	*err = damaged(name, e)
	return true
}

func damaged(name string, e any) error {
	return fmt.Errorf("cannot read %q: a damaged Parquet file (%v)", name, e)
}
