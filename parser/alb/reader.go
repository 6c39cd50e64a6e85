package alb

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

// Reader streams the rows of one ALB access-log object as Arrow record
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
	// The columns by kind, each appended by one loop per row (appendRow):
	// the value and its validity are read through pointers into row.
	int64s   []fixedCol[int64]
	uint16s  []fixedCol[uint16]
	float64s []fixedCol[float64]
	int32s   []fixedCol[int32]
	spans    []spanCol
	fields   []fieldCol
	strCols  []*colbuild.String // for ReserveData
	strHint  []int              // value bytes each string column used in the last batch
	split    bool               // a request column is built
	row      row
	cur      arrow.RecordBatch
	err      error
	done     bool
	pending  bool // the LineReader's current line is not handled yet
	batches  int  // batches built so far
	stats    parser.Stats
	minT     int64
	maxT     int64
	tooLong  string
	rec      *recycler // the default allocator, nil when Options.Allocator is set
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
	b  *colbuild.String
	s  *span
	ok *bool
}

// fieldCol is a string column whose value is the line's field f, null when
// the line has no field f or, if dash, when the field is "-".
type fieldCol struct {
	b    *colbuild.String
	f    int
	dash bool
}

// alwaysOK is the validity of the columns that are never null.
var alwaysOK = true

// NewReader returns a Reader over r, which yields decompressed text.
// opts.Columns selects the columns built (nil or empty: all of Schema); the
// batch schema holds them in schema order, with the non-empty fields of
// opts.Source as metadata (MetaSource, MetaNodeIP, MetaLoadBalancer,
// MetaIntervalEnd). Whatever the projection, every typed field of a line is
// checked, so the same lines are accepted and rejected. NewReader fails only
// on an unknown column name. The caller must call Release.
func NewReader(r io.Reader, opts parser.Options) (*Reader, error) {
	var rec *recycler
	if opts.Allocator == nil {
		rec = getRecycler()
		opts.Allocator = rec
	}
	opts = opts.WithDefaults()
	if opts.MaxLineBytes < parser.SnippetBytes {
		// A cap below the length of a reject's snippet would reject lines
		// whose whole text the reject could still quote.
		opts.MaxLineBytes = parser.SnippetBytes
	}
	// Token bounds are int32s, and a batch ends before its text passes
	// maxBatchBytes: no line needs more.
	opts.MaxLineBytes = min(opts.MaxLineBytes, maxLineBytes)
	cols, err := projection(opts.Columns)
	if err != nil {
		return nil, err
	}
	fs := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fs[i] = fields[c]
	}
	md := sourceMetadata(opts.Source)
	schema := arrow.NewSchema(fs, md)
	rd := &Reader{
		lr:      parser.NewLineReader(r, opts.MaxLineBytes),
		opts:    opts,
		schema:  schema,
		tooLong: fmt.Sprintf("line longer than %d bytes", opts.MaxLineBytes),
		rec:     rec,
	}
	// Every line's typed fields are checked, the last of them being
	// request_creation_time; the plain string columns may need more.
	rd.row.toks.Need = fRequestCreationTime + 1
	for _, c := range cols {
		rd.cols = append(rd.cols, rd.newColumn(c))
		if c == cRequestMethod || c == cRequestURL || c == cRequestProto {
			rd.split = true
		}
		if f := stringField[c]; f > 0 {
			rd.row.toks.Need = max(rd.row.toks.Need, f+1)
		}
	}
	rd.arrs = make([]arrow.Array, len(rd.cols))
	rd.strHint = make([]int, len(rd.strCols))
	return rd, nil
}

// projection maps column names to columns in schema order; none means all.
func projection(names []string) ([]colID, error) {
	if len(names) == 0 {
		all := make([]colID, numCols)
		for i := range all {
			all[i] = colID(i)
		}
		return all, nil
	}
	var want [numCols]bool
	for _, n := range names {
		c, ok := colByName[n]
		if !ok {
			return nil, fmt.Errorf("alb: unknown column %q", n)
		}
		want[c] = true
	}
	var cols []colID
	for c, w := range want {
		if w {
			cols = append(cols, colID(c))
		}
	}
	return cols, nil
}

func sourceMetadata(s parser.Source) *arrow.Metadata {
	var keys, vals []string
	add := func(k, v string) {
		if v != "" {
			keys = append(keys, k)
			vals = append(vals, v)
		}
	}
	add(MetaSource, s.Name)
	add(MetaNodeIP, s.NodeIP)
	add(MetaLoadBalancer, s.Resource)
	if !s.End.IsZero() {
		add(MetaIntervalEnd, s.End.UTC().Format(time.RFC3339))
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
		rd.strCols = append(rd.strCols, b)
		switch c {
		case cClientIP:
			rd.spans = append(rd.spans, spanCol{b, &r.clientIP, &alwaysOK})
		case cTargetIP:
			rd.spans = append(rd.spans, spanCol{b, &r.targetIP, &r.hasTarget})
		case cRequestMethod:
			rd.spans = append(rd.spans, spanCol{b, &r.method, &r.methodOK})
		case cRequestURL:
			rd.spans = append(rd.spans, spanCol{b, &r.url, &r.urlOK})
		case cRequestProto:
			rd.spans = append(rd.spans, spanCol{b, &r.proto, &r.protoOK})
		case cType:
			// Never null: a line without them is rejected.
			rd.fields = append(rd.fields, fieldCol{b, fType, false})
		case cELB:
			rd.fields = append(rd.fields, fieldCol{b, fELB, false})
		default:
			// The remaining columns are plain strings, null for "-" or
			// when the line's layout ends before them.
			rd.fields = append(rd.fields, fieldCol{b, stringField[c], true})
		}
		return b
	}
	switch c {
	case cTime:
		return addFixed(&rd.int64s, mem, c, &r.time, &alwaysOK)
	case cRequestCreationTime:
		return addFixed(&rd.int64s, mem, c, &r.created, &r.createdOK)
	case cClientPort:
		return addFixed(&rd.uint16s, mem, c, &r.clientPort, &alwaysOK)
	case cTargetPort:
		return addFixed(&rd.uint16s, mem, c, &r.targetPort, &r.hasTarget)
	case cRequestProcessingTime, cTargetProcessingTime, cResponseProcessingTime:
		k := int(c - cRequestProcessingTime)
		return addFixed(&rd.float64s, mem, c, &r.timing[k], &r.timingOK[k])
	case cELBStatusCode:
		return addFixed(&rd.uint16s, mem, c, &r.elbStatus, &r.elbStatusOK)
	case cTargetStatusCode:
		return addFixed(&rd.uint16s, mem, c, &r.targetState, &r.targetOK)
	case cReceivedBytes:
		return addFixed(&rd.int64s, mem, c, &r.received, &r.receivedOK)
	case cSentBytes:
		return addFixed(&rd.int64s, mem, c, &r.sent, &r.sentOK)
	case cMatchedRulePriority:
		return addFixed(&rd.int32s, mem, c, &r.priority, &r.priorityOK)
	}
	panic(fmt.Sprintf("alb: no builder for column %s", fields[c].Name))
}

// addFixed adds a builder of column c, whose value is *v and null unless
// *ok, to cols.
func addFixed[T colbuild.Value](cols *[]fixedCol[T], mem memory.Allocator, c colID, v *T, ok *bool) column {
	b := colbuild.NewFixed[T](mem, fields[c].Type)
	*cols = append(*cols, fixedCol[T]{b, v, ok})
	return b
}

// appendRow appends the row to every column, in one loop per kind of
// column, whose appends inline: no call through a closure or interface per
// value (only the string appends are calls). It measured faster than a
// closure per column and than a switch on the column in one loop.
func (rd *Reader) appendRow(line []byte) {
	appendFixed(rd.int64s)
	appendFixed(rd.uint16s)
	appendFixed(rd.float64s)
	appendFixed(rd.int32s)
	for _, c := range rd.spans {
		if *c.ok {
			s := *c.s
			c.b.Append(line[s.start:s.end])
		} else {
			c.b.AppendNull()
		}
	}
	r := &rd.row
	for _, c := range rd.fields {
		if c.f >= r.toks.N {
			c.b.AppendNull()
			continue
		}
		v := r.field(line, c.f)
		if c.dash && isDash(v) {
			c.b.AppendNull()
			continue
		}
		c.b.Append(v)
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

// stringField maps the plain string columns to their field positions.
var stringField = [numCols]int{
	cUserAgent:              fUserAgent,
	cSSLCipher:              fSSLCipher,
	cSSLProtocol:            fSSLProtocol,
	cTargetGroupARN:         fTargetGroupARN,
	cTraceID:                fTraceID,
	cDomainName:             fDomainName,
	cChosenCertARN:          fChosenCertARN,
	cActionsExecuted:        fActionsExecuted,
	cRedirectURL:            fRedirectURL,
	cErrorReason:            fErrorReason,
	cTargetPortList:         fTargetPortList,
	cTargetStatusCodeList:   fTargetStatusCodeList,
	cClassification:         fClassification,
	cClassificationReason:   fClassificationReason,
	cConnTraceID:            fConnTraceID,
	cTransformedHost:        fTransformedHost,
	cTransformedURI:         fTransformedURI,
	cRequestTransformStatus: fRequestTransformStatus,
}

// maxBatchBytes caps the text of the lines in one batch, so that no string
// column's data outgrows Arrow's 32-bit offsets: a batch ends early when
// the next line would pass it. A variable so that tests can lower it.
var maxBatchBytes = 1 << 30

// maxLineBytes caps Options.MaxLineBytes.
const maxLineBytes = 1 << 30

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
	n, reserved, text, limit := 0, 0, 0, maxBatchBytes
	for n < size {
		// tokenized: the line came whole from SplitLine, which found
		// its end and its tokens in one pass, so it is not cut and no
		// longer than the buffer, which is at most the line cap.
		tokenized := false
		if !rd.pending {
			if length, ok := rd.row.toks.SplitLine(rd.lr.Buffered()); ok {
				rd.lr.Take(length)
				tokenized = true
			} else if !rd.lr.Next() {
				rd.finish()
				break
			}
			rd.pending = true
		}
		line := rd.lr.Line()
		if n > 0 && text+len(line) > limit {
			break // the line opens the next batch, and is tokenized again
		}
		rd.pending = false
		rd.stats.Lines++
		if !tokenized {
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
		if tokenized {
			reason = rd.row.parseTokens(line, "", rd.split)
		} else {
			reason = rd.row.parse(line, rd.split)
		}
		if reason != "" {
			rd.reject(reason, line)
			continue
		}
		if n == reserved {
			reserved = rd.grow(n, size)
		}
		rd.appendRow(line)
		rd.count(rd.row.time)
		text += len(line)
		n++
	}
	rd.stats.Bytes = rd.lr.Bytes()
	if n == 0 {
		return false
	}
	for i, sb := range rd.strCols {
		rd.strHint[i] = sb.DataLen()
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

// firstReserve is how many rows the first batch reserves before it knows
// whether the input is small.
const firstReserve = 1024

// grow makes room in the builders for rows n up to size and returns the
// number of rows now reserved. A batch after the first reserves all its rows
// and as many string bytes as the previous batch used, plus an eighth. The
// first batch reserves firstReserve rows, so a small object stays small, and
// once it gets there reserves the rest, with string bytes extrapolated from
// the rows so far, plus an eighth. The eighth absorbs the usual variation
// between batches: a string column that outgrows its reservation doubles
// its buffer, copying what it holds.
func (rd *Reader) grow(n, size int) int {
	switch {
	case rd.batches > 0 && n == 0:
		rd.reserve(size)
		for i, sb := range rd.strCols {
			sb.ReserveData(min(rd.strHint[i]*9/8, maxReserveData))
		}
		return size
	case n == 0:
		m := min(size, firstReserve)
		rd.reserve(m)
		return m
	}
	rd.reserve(size - n)
	for _, sb := range rd.strCols {
		// Multiplied before divided: a column averaging under a byte a
		// row (mostly null) still gets its share. Capped, so that a first
		// thousand rows of huge fields do not reserve gigabytes for rows
		// that may never come; past the reservation the data grows.
		sb.ReserveData(min(sb.DataLen()*(size-n)/n*9/8, maxReserveData))
	}
	return size
}

// maxReserveData caps the bytes a string column reserves ahead, from the
// last batch or from the first rows of this one.
const maxReserveData = 64 << 20

// reserve makes room for rows more rows in every column.
func (rd *Reader) reserve(rows int) {
	for _, c := range rd.cols {
		c.Reserve(rows)
	}
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
	if rd.rec != nil {
		rd.rec.close()
		rd.rec = nil
	}
	rd.done = true
}
