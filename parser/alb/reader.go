package alb

import (
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

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
	lr        *parser.LineReader
	opts      parser.Options
	schema    *arrow.Schema
	bld       *array.RecordBuilder
	appenders []appender
	strCols   []*array.StringBuilder // for ReserveData
	strHint   []int                  // value bytes each string column used in the last batch
	split     bool                   // a request column is built
	row       row
	cur       arrow.RecordBatch
	err       error
	done      bool
	batches   int // batches built so far
	stats     parser.Stats
	minT      int64
	maxT      int64
	tooLong   string
	rec       *recycler // the default allocator, nil when Options.Allocator is set
}

var _ parser.Reader = (*Reader)(nil)

// appender appends one column of the current row; line is the line the
// row's spans point into.
type appender func(r *row, line []byte)

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
		bld:     array.NewRecordBuilder(opts.Allocator, schema),
		tooLong: fmt.Sprintf("line longer than %d bytes", opts.MaxLineBytes),
		rec:     rec,
	}
	for i, c := range cols {
		rd.appenders = append(rd.appenders, rd.newAppender(c, rd.bld.Field(i)))
		if sb, ok := rd.bld.Field(i).(*array.StringBuilder); ok {
			rd.strCols = append(rd.strCols, sb)
		}
		if c == cRequestMethod || c == cRequestURL || c == cRequestProto {
			rd.split = true
		}
	}
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
	add(MetaLoadBalancer, s.LoadBalancer)
	if !s.IntervalEnd.IsZero() {
		add(MetaIntervalEnd, s.IntervalEnd.UTC().Format(time.RFC3339))
	}
	if len(keys) == 0 {
		return nil
	}
	md := arrow.NewMetadata(keys, vals)
	return &md
}

// newAppender returns the appender of column c, built once per Reader.
// Fixed-width columns append without capacity checks: Next reserves room
// for every row before it appends one (see grow).
func (rd *Reader) newAppender(c colID, b array.Builder) appender {
	switch c {
	case cTime:
		tb := b.(*array.TimestampBuilder)
		return func(r *row, _ []byte) { tb.UnsafeAppend(arrow.Timestamp(r.time)) }
	case cRequestCreationTime:
		tb := b.(*array.TimestampBuilder)
		return func(r *row, _ []byte) {
			if r.createdOK {
				tb.UnsafeAppend(arrow.Timestamp(r.created))
			} else {
				tb.UnsafeAppendBoolToBitmap(false)
			}
		}
	case cClientIP:
		sb := b.(*array.StringBuilder).BinaryBuilder
		return func(r *row, line []byte) { sb.Append(line[r.clientIP.start:r.clientIP.end]) }
	case cClientPort:
		ub := b.(*array.Uint16Builder)
		return func(r *row, _ []byte) { ub.UnsafeAppend(r.clientPort) }
	case cTargetIP:
		sb := b.(*array.StringBuilder).BinaryBuilder
		return func(r *row, line []byte) {
			if r.hasTarget {
				sb.Append(line[r.targetIP.start:r.targetIP.end])
			} else {
				sb.AppendNull()
			}
		}
	case cTargetPort:
		ub := b.(*array.Uint16Builder)
		return func(r *row, _ []byte) {
			if r.hasTarget {
				ub.UnsafeAppend(r.targetPort)
			} else {
				ub.UnsafeAppendBoolToBitmap(false)
			}
		}
	case cRequestProcessingTime, cTargetProcessingTime, cResponseProcessingTime:
		fb := b.(*array.Float64Builder)
		k := int(c - cRequestProcessingTime)
		return func(r *row, _ []byte) {
			if r.timingOK[k] {
				fb.UnsafeAppend(r.timing[k])
			} else {
				fb.UnsafeAppendBoolToBitmap(false)
			}
		}
	case cELBStatusCode:
		ub := b.(*array.Uint16Builder)
		return func(r *row, _ []byte) {
			if r.elbStatusOK {
				ub.UnsafeAppend(r.elbStatus)
			} else {
				ub.UnsafeAppendBoolToBitmap(false)
			}
		}
	case cTargetStatusCode:
		ub := b.(*array.Uint16Builder)
		return func(r *row, _ []byte) {
			if r.targetOK {
				ub.UnsafeAppend(r.targetState)
			} else {
				ub.UnsafeAppendBoolToBitmap(false)
			}
		}
	case cReceivedBytes, cSentBytes:
		ib := b.(*array.Int64Builder)
		sent := c == cSentBytes
		return func(r *row, _ []byte) {
			v, ok := r.received, r.receivedOK
			if sent {
				v, ok = r.sent, r.sentOK
			}
			if ok {
				ib.UnsafeAppend(v)
			} else {
				ib.UnsafeAppendBoolToBitmap(false)
			}
		}
	case cMatchedRulePriority:
		ib := b.(*array.Int32Builder)
		return func(r *row, _ []byte) {
			if r.priorityOK {
				ib.UnsafeAppend(r.priority)
			} else {
				ib.UnsafeAppendBoolToBitmap(false)
			}
		}
	case cRequestMethod, cRequestURL, cRequestProto:
		sb := b.(*array.StringBuilder).BinaryBuilder
		return func(r *row, line []byte) {
			s, ok := r.method, r.methodOK
			switch c {
			case cRequestURL:
				s, ok = r.url, r.urlOK
			case cRequestProto:
				s, ok = r.proto, r.protoOK
			}
			if ok {
				sb.Append(line[s.start:s.end])
			} else {
				sb.AppendNull()
			}
		}
	case cType, cELB:
		// Never null: a line without them is rejected.
		sb := b.(*array.StringBuilder).BinaryBuilder
		f := fType
		if c == cELB {
			f = fELB
		}
		return func(r *row, line []byte) { sb.Append(r.field(line, f)) }
	}
	// The remaining columns are plain strings, null for "-" or when the
	// line's layout ends before them.
	sb := b.(*array.StringBuilder).BinaryBuilder
	f := stringField[c]
	return func(r *row, line []byte) {
		if f >= r.nf {
			sb.AppendNull()
			return
		}
		v := r.field(line, f)
		if isDash(v) {
			sb.AppendNull()
			return
		}
		sb.Append(v)
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
	n, reserved := 0, 0
	for n < size {
		if !rd.lr.Next() {
			rd.finish()
			break
		}
		line := rd.lr.Line()
		rd.stats.Lines++
		switch rd.lr.Status() {
		case parser.LineTooLong:
			rd.reject(rd.tooLong, line)
			continue
		case parser.LineCut:
			rd.reject("line cut short by a read error", line)
			continue
		}
		if isBlank(line) {
			rd.stats.Comments++
			continue
		}
		if reason := rd.row.parse(line, rd.split); reason != "" {
			rd.reject(reason, line)
			continue
		}
		if n == reserved {
			reserved = rd.grow(n, size)
		}
		for _, ap := range rd.appenders {
			ap(&rd.row, line)
		}
		rd.count(rd.row.time)
		n++
	}
	rd.stats.Bytes = rd.lr.Bytes()
	if n == 0 {
		return false
	}
	for i, sb := range rd.strCols {
		rd.strHint[i] = sb.DataLen()
	}
	rd.cur = rd.bld.NewRecordBatch()
	rd.batches++
	return true
}

// firstReserve is how many rows the first batch reserves before it knows
// whether the input is small.
const firstReserve = 1024

// grow makes room in the builders for rows n up to size and returns the
// number of rows now reserved. A batch after the first reserves all its rows
// and as many string bytes as the previous batch used. The first batch
// reserves firstReserve rows, so a small object stays small, and once it
// gets there reserves the rest, with string bytes extrapolated from the rows
// so far.
func (rd *Reader) grow(n, size int) int {
	switch {
	case rd.batches > 0 && n == 0:
		rd.bld.Reserve(size)
		for i, sb := range rd.strCols {
			sb.ReserveData(rd.strHint[i])
		}
		return size
	case n == 0:
		m := min(size, firstReserve)
		rd.bld.Reserve(m)
		return m
	}
	rd.bld.Reserve(size - n)
	for _, sb := range rd.strCols {
		sb.ReserveData(sb.DataLen() / n * (size - n) * 9 / 8)
	}
	return size
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
	if rd.bld != nil {
		rd.bld.Release()
		rd.bld = nil
	}
	if rd.rec != nil {
		rd.rec.close()
		rd.rec = nil
	}
	rd.done = true
}
