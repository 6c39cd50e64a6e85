package albhealth

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

// Reader streams the rows of one health-check log object as Arrow record
// batches. It implements parser.Reader.
//
// A Reader reads lines into one reused buffer, parses each line into a
// reused row and only then appends the row to the column builders, so a
// rejected line never leaves a half-appended row. A batch returned by
// RecordBatch is valid until the next call to Next or Release; its memory
// comes from Options.Allocator and none of it aliases the input. A Reader is
// not safe for concurrent use.
type Reader struct {
	lr     *parser.LineReader
	opts   parser.Options
	schema *arrow.Schema
	cols   []column      // the builders, in schema order
	arrs   []arrow.Array // the arrays of the batch being finished
	// The columns by kind; appendRow reads each value and its validity
	// through pointers into row.
	int64s  []fixedCol[int64]
	uint16s []fixedCol[uint16]
	spans   []spanCol
	row     row
	cur     arrow.RecordBatch
	err     error
	done    bool
	pending bool // the LineReader's current line is not handled yet
	full    bool // the last batch had BatchSize rows
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

// fixedCol is a fixed-width column whose value is *v, null unless *ok.
type fixedCol[T colbuild.Value] struct {
	b  *colbuild.Fixed[T]
	v  *T
	ok *bool
}

// spanCol is a string column whose value is the line's bytes at *s, null
// unless *ok.
type spanCol struct {
	b    *colbuild.String
	s    *span
	ok   *bool
	last int // bytes of values in the last batch
}

// alwaysOK is the validity of the columns that are never null.
var alwaysOK = true

// maxBatchBytes caps the text of the lines in one batch, so that no string
// column's data outgrows Arrow's 32-bit offsets: a batch ends early when
// the next line would pass it. A variable so that tests can lower it.
var maxBatchBytes = 1 << 30

// maxLineBytes caps Options.MaxLineBytes, so that one line always fits a
// batch.
const maxLineBytes = 1 << 30

// firstReserve is how many rows a batch reserves first (see grow).
const firstReserve = 1024

// NewReader returns a Reader over r, which yields decompressed text.
// opts.Columns selects the columns built (nil or empty: all of Schema); the
// batch schema holds them in schema order, with the non-empty fields of
// opts.Source as metadata (MetaSource, MetaNodeIP, MetaLoadBalancer,
// MetaIntervalEnd). Whatever the projection, every typed field of a line is
// checked, so the same lines are accepted and rejected. NewReader fails only
// on an unknown column name. The caller must call Release.
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
	}
	for _, c := range cols {
		rd.cols = append(rd.cols, rd.newColumn(c))
	}
	rd.arrs = make([]arrow.Array, len(rd.cols))
	return rd, nil
}

// projection maps column names to columns in schema order; none means all.
func projection(names []string) ([]colID, error) {
	var want [numCols]bool
	for _, n := range names {
		c, ok := colByName[n]
		if !ok {
			return nil, fmt.Errorf("albhealth: unknown column %q", n)
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

func sourceMetadata(s parser.Source) *arrow.Metadata {
	var keys, vals []string
	for _, kv := range [...][2]string{
		{MetaSource, s.Name}, {MetaNodeIP, s.NodeIP}, {MetaLoadBalancer, s.Resource},
	} {
		if kv[1] != "" {
			keys, vals = append(keys, kv[0]), append(vals, kv[1])
		}
	}
	if !s.End.IsZero() {
		keys, vals = append(keys, MetaIntervalEnd), append(vals, s.End.UTC().Format(time.RFC3339))
	}
	if len(keys) == 0 {
		return nil
	}
	md := arrow.NewMetadata(keys, vals)
	return &md
}

// newColumn returns the builder of column c, and files it under its kind
// for appendRow.
func (rd *Reader) newColumn(c colID) column {
	mem := rd.opts.Allocator
	r := &rd.row
	if fields[c].Type == utf8 {
		b := colbuild.NewString(mem)
		sc := spanCol{b: b}
		switch c {
		case cType:
			sc.s, sc.ok = &r.tok[fType], &alwaysOK
		case cTargetIP:
			sc.s, sc.ok = &r.targetIP, &r.ipTarget
		case cLambdaARN:
			sc.s, sc.ok = &r.tok[fTarget], &r.arnTarget
		case cTargetGroup:
			sc.s, sc.ok = &r.tok[fTargetGroup], &r.groupOK
		case cStatus:
			sc.s, sc.ok = &r.tok[fStatus], &alwaysOK
		case cReasonCode:
			sc.s, sc.ok = &r.tok[fReasonCode], &r.reasonOK
		case cELB:
			sc.s, sc.ok = &r.tok[fELB], &r.elbOK
		case cNodeIP:
			sc.s, sc.ok = &r.tok[fNodeIP], &r.nodeOK
		default:
			panic(fmt.Sprintf("albhealth: no builder for column %s", fields[c].Name))
		}
		rd.spans = append(rd.spans, sc)
		return b
	}
	switch c {
	case cTime:
		return addFixed(&rd.int64s, mem, c, &r.time, &alwaysOK)
	case cLatency:
		return addFixed(&rd.int64s, mem, c, &r.latency, &r.latencyOK)
	case cTargetPort:
		return addFixed(&rd.uint16s, mem, c, &r.targetPort, &r.ipTarget)
	case cStatusCode:
		return addFixed(&rd.uint16s, mem, c, &r.statusCode, &r.statusCodeOK)
	}
	panic(fmt.Sprintf("albhealth: no builder for column %s", fields[c].Name))
}

// addFixed adds a builder of column c, whose value is *v and null unless
// *ok, to cols.
func addFixed[T colbuild.Value](cols *[]fixedCol[T], mem memory.Allocator, c colID, v *T, ok *bool) column {
	b := colbuild.NewFixed[T](mem, fields[c].Type)
	*cols = append(*cols, fixedCol[T]{b, v, ok})
	return b
}

// appendRow appends the row to every column, one loop per kind of column.
func (rd *Reader) appendRow(line []byte) {
	appendFixed(rd.int64s)
	appendFixed(rd.uint16s)
	for _, c := range rd.spans {
		if *c.ok {
			c.b.Append(line[c.s.start:c.s.end])
		} else {
			c.b.AppendNull()
		}
	}
}

// appendFixed appends the row's values to the fixed-width columns cols.
func appendFixed[T colbuild.Value](cols []fixedCol[T]) {
	for _, c := range cols {
		if *c.ok {
			c.b.Append(*c.v)
		} else {
			c.b.AppendNull()
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
		if !rd.pending {
			if !rd.lr.Next() {
				rd.finish()
				break
			}
			rd.pending = true
		}
		line := rd.lr.Line()
		if n > 0 && text+len(line) > maxBatchBytes {
			break // the line opens the next batch
		}
		rd.pending = false
		rd.stats.Lines++
		switch rd.lr.Status() {
		case parser.LineTooLong:
			rd.reject(rd.tooLong, line)
			continue
		case parser.LineCut:
			rd.reject("line cut short by a read error", line)
			continue
		}
		trimmed := trimRight(line)
		if isBlank(trimmed) {
			rd.stats.Comments++
			continue
		}
		if reason := rd.row.parse(trimmed); reason != "" {
			rd.reject(reason, line)
			continue
		}
		if n == reserved {
			reserved = rd.grow(n, size)
		}
		rd.appendRow(trimmed)
		rd.count(rd.row.time)
		text += len(line)
		n++
	}
	rd.stats.Bytes = rd.lr.Bytes()
	if n == 0 {
		return false
	}
	rd.full = n == size
	for i := range rd.spans {
		rd.spans[i].last = rd.spans[i].b.DataLen()
	}
	for i, c := range rd.cols {
		rd.arrs[i] = c.NewArray()
	}
	rd.cur = array.NewRecordBatch(rd.schema, rd.arrs, int64(n))
	for i, a := range rd.arrs {
		a.Release()
		rd.arrs[i] = nil
	}
	return true
}

// grow makes room in the builders for rows from n on and returns the
// number of rows now reserved. After a full batch, the next is likely full
// too: it reserves all its rows at once, and the string bytes of the last
// batch plus an eighth. Otherwise the reservation starts at firstReserve
// rows, so that a small object stays small, and doubles, up to size; the
// string columns double their bytes as they need.
func (rd *Reader) grow(n, size int) int {
	rows := min(size-n, max(firstReserve, n))
	if n == 0 && rd.full {
		rows = size
		for _, c := range rd.spans {
			c.b.ReserveData(min(c.last+c.last/8, maxReserveData))
		}
	}
	for _, c := range rd.cols {
		c.Reserve(rows)
	}
	return n + rows
}

// maxReserveData caps the bytes a string column reserves from the last
// batch.
const maxReserveData = 64 << 20

// isBlank reports whether line holds only spaces.
func isBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' {
			return false
		}
	}
	return true
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
