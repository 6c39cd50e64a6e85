package nlb

import (
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/internal/colbuild"
	"github.com/lbtriage/lbtriage/parser"
)

// Reader streams the rows of one NLB access-log object as Arrow record
// batches. It implements parser.Reader.
//
// A Reader reads lines into one reused buffer, parses each line into a
// reused row and only then appends the row to the column builders, so a
// rejected line never leaves a half-appended row. It is not safe for
// concurrent use.
type Reader struct {
	lr     *parser.LineReader
	opts   parser.Options
	schema *arrow.Schema
	cols   []column      // the builders, in schema order
	arrs   []arrow.Array // the arrays of the batch being finished
	// The builders by kind, each appended by one loop per row (appendRow).
	int64s  []fixedCol[int64]
	uint16s []fixedCol[uint16]
	uint8s  []fixedCol[uint8]
	strs    []strCol
	strHint []int // value bytes each string column used in the last batch
	row     row
	cur     arrow.RecordBatch
	err     error
	done    bool
	pending bool // the LineReader's current line is not handled yet
	batches int  // batches built so far
	stats   parser.Stats
	minT    int64
	maxT    int64
	tooLong string
}

var _ parser.Reader = (*Reader)(nil)

// column is what Next needs of a builder besides its appends.
type column interface {
	Reserve(rows int)
	NewArray() arrow.Array
	Release()
}

// fixedCol is a fixed-width column whose value is the row's val[c].
type fixedCol[T colbuild.Value] struct {
	b *colbuild.Fixed[T]
	c colID
}

// strCol is a string column whose value is the line's bytes at str[c].
type strCol struct {
	b *colbuild.String
	c colID
}

// maxBatchBytes caps the text of the lines in one batch, so that no string
// column's data outgrows Arrow's 32-bit offsets: a batch ends early when
// the next line would pass it. A variable so that tests can lower it.
var maxBatchBytes = 1 << 30

// maxLineBytes caps Options.MaxLineBytes: no line longer than a batch.
const maxLineBytes = 1 << 30

// NewReader returns a Reader over r, which yields decompressed text.
// opts.Columns selects the columns built (nil or empty: all of Schema); the
// batch schema holds them in schema order, with the non-empty fields of
// opts.Source as metadata (MetaSource, MetaLoadBalancer, MetaIntervalEnd).
// Whatever the projection, every field of a line is checked, so the same
// lines are accepted and rejected. NewReader fails only on an unknown
// column name. The caller must call Release.
func NewReader(r io.Reader, opts parser.Options) (*Reader, error) {
	opts = opts.WithDefaults()
	// A cap below the length of a reject's snippet would reject lines whose
	// whole text the reject could still quote.
	opts.MaxLineBytes = min(max(opts.MaxLineBytes, parser.SnippetBytes), maxLineBytes)
	cols, err := projection(opts.Columns)
	if err != nil {
		return nil, err
	}
	fs := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fs[i] = fields[c]
	}
	rd := &Reader{
		lr:      parser.NewLineReader(r, opts.MaxLineBytes),
		opts:    opts,
		schema:  arrow.NewSchema(fs, sourceMetadata(opts.Source)),
		tooLong: fmt.Sprintf("line longer than %d bytes", opts.MaxLineBytes),
		row:     newRow(),
	}
	for _, c := range cols {
		rd.cols = append(rd.cols, rd.newColumn(c))
	}
	rd.arrs = make([]arrow.Array, len(rd.cols))
	rd.strHint = make([]int, len(rd.strs))
	return rd, nil
}

// projection maps column names to columns in schema order; none means all.
func projection(names []string) ([]colID, error) {
	var want [numCols]bool
	for _, n := range names {
		c, ok := colByName[n]
		if !ok {
			return nil, fmt.Errorf("nlb: unknown column %q", n)
		}
		want[c] = true
	}
	var cols []colID
	for c, w := range want {
		if w || len(names) == 0 {
			cols = append(cols, colID(c))
		}
	}
	return cols, nil
}

// sourceMetadata is the schema metadata naming where the rows come from.
func sourceMetadata(s parser.Source) *arrow.Metadata {
	kv := map[string]string{MetaSource: s.Name, MetaLoadBalancer: s.Resource}
	if !s.End.IsZero() {
		kv[MetaIntervalEnd] = s.End.UTC().Format(time.RFC3339)
	}
	for k, v := range kv {
		if v == "" {
			delete(kv, k)
		}
	}
	if len(kv) == 0 {
		return nil
	}
	md := arrow.MetadataFrom(kv)
	return &md
}

// newColumn returns the builder of column c and files it under its kind for
// appendRow.
func (rd *Reader) newColumn(c colID) column {
	mem := rd.opts.Allocator
	switch fields[c].Type {
	case utf8:
		b := colbuild.NewString(mem)
		rd.strs = append(rd.strs, strCol{b, c})
		return b
	case u16T:
		return addFixed(&rd.uint16s, mem, c)
	case uint8T:
		return addFixed(&rd.uint8s, mem, c)
	}
	return addFixed(&rd.int64s, mem, c) // the times, durations and byte counts
}

func addFixed[T colbuild.Value](cols *[]fixedCol[T], mem memory.Allocator, c colID) column {
	b := colbuild.NewFixed[T](mem, fields[c].Type)
	*cols = append(*cols, fixedCol[T]{b, c})
	return b
}

// appendRow appends the row to every column, in one loop per kind of
// column, so that the fixed-width appends inline.
func (rd *Reader) appendRow(line []byte) {
	r := &rd.row
	appendFixed(rd.int64s, r)
	appendFixed(rd.uint16s, r)
	appendFixed(rd.uint8s, r)
	for _, s := range rd.strs {
		if r.ok[s.c] {
			t := r.str[s.c]
			s.b.Append(line[t.start:t.end])
		} else {
			s.b.AppendNull()
		}
	}
}

func appendFixed[T colbuild.Value](cols []fixedCol[T], r *row) {
	for _, f := range cols {
		if r.ok[f.c] {
			f.b.Append(T(r.val[f.c]))
		} else {
			f.b.AppendNull()
		}
	}
}

// Next reads the next batch of up to Options.BatchSize rows and reports
// whether there is one. It releases the batch returned before. Rejected
// lines are counted and reported through Options.OnReject; they never end
// the stream. Next returns false at the end of the input or after a read
// error, which Err then reports.
func (rd *Reader) Next() bool {
	if rd.cur != nil {
		rd.cur.Release()
		rd.cur = nil
	}
	if rd.done {
		return false
	}
	size := rd.opts.BatchSize
	n, reserved, text := 0, 0, 0
	for n < size {
		// split: the line came whole from SplitLine, which found its end
		// and its tokens in one pass, so it is not cut and no longer than
		// the buffer, which is at most the line cap.
		split := false
		if !rd.pending {
			if length, ok := rd.row.toks.SplitLine(rd.lr.Buffered()); ok {
				rd.lr.Take(length)
				split = true
			} else if !rd.lr.Next() {
				rd.finish()
				break
			}
			rd.pending = true
		}
		line := rd.lr.Line()
		if n > 0 && text+len(line) > maxBatchBytes {
			break // the line opens the next batch, and is split again
		}
		rd.pending = false
		rd.stats.Lines++
		if !split {
			switch rd.lr.Status() {
			case parser.LineTooLong:
				rd.reject(rd.tooLong, line)
				continue
			case parser.LineCut:
				rd.reject("line cut short by a read error", line)
				continue
			}
		}
		if isBlank(line) {
			rd.stats.Comments++
			continue
		}
		var reason string
		if split {
			reason = rd.row.parseTokens(line, "")
		} else {
			reason = rd.row.parse(line)
		}
		if reason != "" {
			rd.reject(reason, line)
			continue
		}
		if n == reserved {
			reserved = rd.grow(n, size)
		}
		rd.appendRow(line)
		rd.count(rd.row.val[cTime])
		text += len(line)
		n++
	}
	rd.stats.Bytes = rd.lr.Bytes()
	if n == 0 {
		return false
	}
	for i, s := range rd.strs {
		rd.strHint[i] = s.b.DataLen()
	}
	for i, c := range rd.cols {
		rd.arrs[i] = c.NewArray()
	}
	rd.cur = array.NewRecordBatch(rd.schema, rd.arrs, int64(n))
	for i, a := range rd.arrs {
		a.Release()
		rd.arrs[i] = nil
	}
	rd.batches++
	return true
}

// firstReserve is how many rows a batch reserves at first: a small object
// stays small, and a batch that fills up doubles its room from there.
const firstReserve = 1024

// maxReserveData caps the bytes a string column reserves ahead from the
// last batch's; past it the data grows by doubling.
const maxReserveData = 64 << 20

// grow makes room in the builders for more rows from row n, and returns
// the rows now reserved: firstReserve at first, then twice as many each
// time, up to size. The string columns reserve their bytes too, an eighth
// more than the rows so far averaged (or, for a batch's first rows, than
// the previous batch used), so that their data is seldom copied to grow.
func (rd *Reader) grow(n, size int) int {
	more := min(size-n, max(n, firstReserve))
	for _, c := range rd.cols {
		c.Reserve(more)
	}
	for i, s := range rd.strs {
		switch {
		case n > 0:
			// Multiplied before divided: a column averaging under a byte
			// a row (mostly null) still gets its share.
			s.b.ReserveData(min(s.b.DataLen()*more/n*9/8, maxReserveData))
		case rd.batches > 0:
			s.b.ReserveData(min(rd.strHint[i]*9/8, maxReserveData))
		}
	}
	return n + more
}

func (rd *Reader) count(t int64) {
	if rd.stats.Parsed == 0 || t < rd.minT {
		rd.minT = t
	}
	if rd.stats.Parsed == 0 || t > rd.maxT {
		rd.maxT = t
	}
	rd.stats.Parsed++
}

func (rd *Reader) reject(reason string, line []byte) {
	rd.stats.Rejected++
	if rd.opts.OnReject != nil {
		rd.opts.OnReject(parser.NewLineError(rd.opts.Source.Name, rd.lr.Num(), reason, line))
	}
}

func (rd *Reader) finish() {
	rd.done = true
	if err := rd.lr.Err(); err != nil {
		name := rd.opts.Source.Name
		if name == "" {
			name = "input"
		}
		rd.err = fmt.Errorf("read %s: %w", name, err)
	}
}

// RecordBatch returns the current batch. It is valid until the next call to
// Next or Release; call Retain on it to keep it longer.
func (rd *Reader) RecordBatch() arrow.RecordBatch { return rd.cur }

// Err returns the read error that ended the stream early, wrapped with the
// source name, or nil. Rows read before the error were delivered.
func (rd *Reader) Err() error { return rd.err }

// Stats returns the counts so far. Lines = Parsed + Rejected + Comments;
// MinTime and MaxTime bound the time column of the rows parsed.
func (rd *Reader) Stats() parser.Stats {
	s := rd.stats
	if s.Parsed > 0 {
		s.MinTime = time.UnixMicro(rd.minT).UTC()
		s.MaxTime = time.UnixMicro(rd.maxT).UTC()
	}
	return s
}

// Schema returns the schema of every batch: the projected columns in schema
// order, with the source metadata.
func (rd *Reader) Schema() *arrow.Schema { return rd.schema }

// Release frees the current batch and the builders. It is safe to call more
// than once.
func (rd *Reader) Release() {
	if rd.cur != nil {
		rd.cur.Release()
		rd.cur = nil
	}
	for _, c := range rd.cols {
		c.Release()
	}
	rd.cols = nil
	rd.done = true
}
