package cloudfront

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
	"github.com/lbtriage/lbtriage/internal/colbuild"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
)

// maxBatchBytes caps the text of the lines of one batch, so that no string
// column's data outgrows Arrow's 32-bit offsets: a batch ends early when the
// next line would pass it.
const maxBatchBytes = rowbatch.MaxBatchBytes

// Reader streams the rows of one CloudFront log object as Arrow record
// batches. It implements parser.Reader.
//
// A batch returned by RecordBatch is valid until the next call to Next or
// Release, which release it; call Retain on it to keep it longer. The
// batch's memory comes from Options.Allocator and none of it aliases the
// input. A Reader is not safe for concurrent use.
//
// Only the projected columns are parsed and checked: a malformed value in a
// column that was not asked for does not reject its line. The time (date and
// time, or timestamp(ms)) is always parsed, for Stats, and the field count
// is always checked against the header.
type Reader struct {
	lr     *parser.LineReader
	opts   parser.Options
	schema *arrow.Schema
	alloc  *rowbatch.Recycler // the default allocator, nil when Options.Allocator is set

	proj []int // projected column indexes, in schema order
	want [numColumns]bool
	// The builders (internal/colbuild), reserved ahead and made into a
	// batch by cols; each kind is appended by one loop per row, reading the
	// row's cells through pointers (rowbatch.Fixed).
	cols     rowbatch.Columns
	strs     []strCol
	int64s   []rowbatch.Fixed[int64]
	int32s   []rowbatch.Fixed[int32]
	uint16s  []rowbatch.Fixed[uint16]
	float64s []rowbatch.Fixed[float64]
	reserved int // rows reserved in the builders for the current batch

	rec      arrow.RecordBatch
	nrows    int
	bytes    int // line bytes in the current batch
	pending  bool
	done     bool
	stats    parser.Stats
	minUS    int64
	maxUS    int64
	haveTime bool

	// The current "#Fields:" block.
	header   bool
	headerN  int
	fields   []fieldID
	plan     []step
	noTime   bool // the header names no time source
	rtmp     bool // the header is an RTMP distribution log's
	legacy   []step
	lastDate []byte
	lastDays int64

	row    row
	dec    []byte  // decoded text of the current row
	delims []int32 // delimiter offsets in the current line
	split  splitter
}

// strCol is a projected text column's builder and row cell.
type strCol struct {
	b    *colbuild.String
	cell *cell
}

// step is one field of a line that feeds the row: its 0-based position and
// what it feeds.
type step struct {
	idx  int
	fid  fieldID
	kind kind
	dec  decoding
}

// cell is one field of a row: the member its column's kind names holds
// the value, valid when ok.
type cell struct {
	b   []byte
	i64 int64
	i32 int32
	u16 uint16
	f64 float64
	ok  bool
}

type row struct {
	cells             [numColumns]cell
	date, clock, tsMs []byte
	hasDate, hasClock bool
	hasTsMs           bool
	timeUS            int64 // the row's time in microseconds
}

// NewReader returns a Reader over r, which yields decompressed text. It
// fails only on an unknown name in opts.Columns. The caller must call
// Release.
func NewReader(r io.Reader, opts parser.Options) (*Reader, error) {
	full := fullSchema.Fields()
	proj, err := rowbatch.Projection(Format, full, opts.Columns)
	if err != nil {
		return nil, err
	}
	opts, alloc := rowbatch.Setup(opts)
	rd := &Reader{opts: opts, alloc: alloc, lr: parser.NewLineReader(r, opts.MaxLineBytes), proj: proj}
	fields := make([]arrow.Field, 0, len(proj))
	for _, i := range proj {
		rd.want[i] = true
		fields = append(fields, full[i])
		rd.cols.Add(rd.newColumn(i))
	}
	hour := ""
	if !opts.Source.Start.IsZero() {
		hour = opts.Source.Start.UTC().Format(time.RFC3339)
	}
	md := arrow.NewMetadata(
		[]string{MetaSource, MetaDistribution, MetaHour},
		[]string{opts.Source.Name, opts.Source.Resource, hour},
	)
	rd.schema = arrow.NewSchema(fields, &md)
	rd.legacy = rd.buildPlan(nil, legacyFields)
	if b, ok := r.(*parser.Block); ok && b.Line > 0 {
		// The middle of an object: the header before it, and no head.
		if b.Carry != nil {
			rd.setHeader(b.Carry)
		}
		return rd, nil
	}
	if err := rd.readHead(); err != nil {
		rd.Release()
		return nil, err
	}
	return rd, nil
}

// newColumn returns the builder of column i, filed under its kind for
// appendRow.
func (rd *Reader) newColumn(i int) rowbatch.Column {
	mem := rd.opts.Allocator
	c := &rd.row.cells[i]
	dt := columns[i].kind.dataType()
	switch columns[i].kind {
	case kindString:
		b := colbuild.NewString(mem)
		rd.strs = append(rd.strs, strCol{b: b, cell: c})
		return b
	case kindTime:
		return rowbatch.AddFixed(&rd.int64s, mem, dt, &rd.row.timeUS, &rowbatch.AlwaysOK)
	case kindInt64:
		return rowbatch.AddFixed(&rd.int64s, mem, dt, &c.i64, &c.ok)
	case kindInt32:
		return rowbatch.AddFixed(&rd.int32s, mem, dt, &c.i32, &c.ok)
	case kindUint16, kindStatus:
		return rowbatch.AddFixed(&rd.uint16s, mem, dt, &c.u16, &c.ok)
	}
	return rowbatch.AddFixed(&rd.float64s, mem, dt, &c.f64, &c.ok)
}

// RTMPTitle names the logs of RTMP distributions, which CloudFront wrote
// until 2020 under a "#Fields:" header of their own (x-event, x-sname, …,
// and no sc-status): streaming events, not HTTP requests. NewReader
// returns an *parser.UnsupportedError with it as What for such a log.
const RTMPTitle = "CloudFront RTMP distribution log"

// readHead reads the header, blank and comment lines before the first
// record, so that NewReader refuses a log it recognises and does not read.
// The first other line is left pending for Next.
func (r *Reader) readHead() error {
	for r.lr.Next() {
		if line := r.lr.Line(); r.lr.Status() != parser.LineOK || !isHeadLine(line) {
			r.pending = true
			return nil
		}
		r.stats.Lines++
		r.handle(r.lr.Line())
		if r.rtmp {
			return &parser.UnsupportedError{What: RTMPTitle}
		}
	}
	r.done = true
	return nil
}

// isHeadLine reports whether line is blank or a "#" line.
func isHeadLine(line []byte) bool {
	line = bytes.TrimLeft(bytes.TrimPrefix(line, utf8BOM), " \t\r")
	return len(line) == 0 || line[0] == '#'
}

// isRTMPHeader reports whether the names of a "#Fields:" line are an RTMP
// distribution log's: x-event or x-sname, and no sc-status.
func isRTMPHeader(names []byte) bool {
	rtmp := false
	for _, name := range bytes.Fields(names) {
		switch string(name) {
		case "sc-status":
			return false
		case "x-event", "x-sname":
			rtmp = true
		}
	}
	return rtmp
}

var legacyFields = func() []fieldID {
	f := make([]fieldID, len(legacyOrder))
	for i, name := range legacyOrder {
		f[i] = fieldByName[name]
	}
	return f
}()

// Schema returns the schema of every batch: the projected columns, with the
// source in its metadata (MetaSource, MetaDistribution, MetaHour).
func (r *Reader) Schema() *arrow.Schema { return r.schema }

// RecordBatch returns the current batch; see Reader for its lifetime.
func (r *Reader) RecordBatch() arrow.RecordBatch { return r.rec }

// Err returns the error that ended the stream early, or nil.
func (r *Reader) Err() error { return r.lr.Err() }

// Stats returns the counts so far.
func (r *Reader) Stats() parser.Stats {
	s := r.stats
	s.Bytes = r.lr.Bytes()
	if r.haveTime {
		s.MinTime = time.UnixMicro(r.minUS).UTC()
		s.MaxTime = time.UnixMicro(r.maxUS).UTC()
	}
	return s
}

// Release frees the current batch and the builders; Next then returns
// false. It is safe to call more than once.
func (r *Reader) Release() {
	r.releaseBatch()
	r.cols.Release()
	if r.alloc != nil {
		r.alloc.Close()
		r.alloc = nil
	}
	r.done, r.pending = true, false
}

func (r *Reader) releaseBatch() {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
}

// Next releases the previous batch and reads the next one. It returns false
// at the end of the stream (see Err) or after Release.
func (r *Reader) Next() bool {
	r.releaseBatch()
	if r.done && !r.pending {
		return false
	}
	for r.nrows < r.opts.BatchSize {
		if !r.pending {
			if r.done || !r.lr.Next() {
				r.done = true
				break
			}
			r.pending = true
		}
		line := r.lr.Line()
		if r.nrows > 0 && r.bytes+len(line) > maxBatchBytes {
			break
		}
		r.pending = false
		r.stats.Lines++
		r.handle(line)
	}
	if r.nrows == 0 {
		return false
	}
	r.finishBatch()
	return true
}

func (r *Reader) finishBatch() {
	r.rec = r.cols.Batch(r.schema, r.nrows)
	r.nrows, r.bytes, r.reserved = 0, 0, 0
}

func (r *Reader) reject(reason string, line []byte) {
	r.stats.Rejected++
	if r.opts.OnReject != nil {
		r.opts.OnReject(parser.NewLineError(r.opts.Source.Name, r.lr.Num(), reason, line))
	}
}

// handle reads one line into a row, a header change, or a reject.
func (r *Reader) handle(line []byte) {
	switch r.lr.Status() {
	case parser.LineTooLong:
		r.reject(fmt.Sprintf("line longer than %d bytes", r.opts.MaxLineBytes), line)
		return
	case parser.LineCut:
		r.reject("last line cut short by a read error", line)
		return
	}
	if r.lr.Num() == 1 {
		line = bytes.TrimPrefix(line, utf8BOM)
	}
	if len(line) == 0 || len(bytes.TrimSpace(line)) == 0 {
		r.stats.Comments++
		return
	}
	first := line[0]
	if first == ' ' || first == '\t' {
		first = bytes.TrimLeft(line, " \t")[0]
	}
	if r.rtmp && first != '#' {
		r.reject(rtmpLine, line)
		return
	}
	switch first {
	case '#':
		r.stats.Comments++
		if rest, ok := bytes.CutPrefix(bytes.TrimLeft(line, " \t"), []byte("#Fields:")); ok {
			r.setHeader(rest)
		}
		return
	case '{':
		r.startRow(line)
		if reason := r.parseJSON(bytes.TrimLeft(line, " \t")); reason != "" {
			r.reject(reason, line)
			return
		}
	default:
		r.startRow(line)
		if reason := r.parseW3C(line); reason != "" {
			r.reject(reason, line)
			return
		}
	}
	if reason := r.rowTime(); reason != "" {
		r.reject(reason, line)
		return
	}
	r.appendRow(len(line))
}

// rtmpLine is the reason a record under an RTMP distribution log's header
// is rejected, worded as input.Scan names the lines of other formats.
const rtmpLine = RTMPTitle + " line in a CloudFront access log"

// setHeader maps the names of a "#Fields:" line. A line with no names
// returns to reading by position.
func (r *Reader) setHeader(names []byte) {
	r.rtmp = isRTMPHeader(names)
	r.fields = r.fields[:0]
	var seen [numColumns + 3]bool
	for len(names) > 0 {
		names = bytes.TrimLeft(names, " \t")
		if len(names) == 0 {
			break
		}
		end := bytes.IndexAny(names, " \t")
		if end < 0 {
			end = len(names)
		}
		fid, ok := fieldByName[string(names[:end])]
		if !ok || seen[fid] {
			fid = fieldSkip
		} else {
			seen[fid] = true
		}
		r.fields = append(r.fields, fid)
		names = names[end:]
	}
	r.header = len(r.fields) > 0
	r.headerN = len(r.fields)
	r.plan = r.buildPlan(r.plan[:0], r.fields)
	r.noTime = !(seen[fieldTimestampMs] || seen[fieldDate] && seen[fieldClock])
}

// buildPlan appends to dst the steps for the fields a row needs: the
// projected columns and the time sources.
func (r *Reader) buildPlan(dst []step, fields []fieldID) []step {
	for i, fid := range fields {
		switch {
		case fid == fieldSkip:
		case fid < numColumns && !r.want[fid]:
		case fid < numColumns:
			dst = append(dst, step{idx: i, fid: fid, kind: columns[fid].kind, dec: columns[fid].dec})
		default:
			dst = append(dst, step{idx: i, fid: fid, kind: kindTime})
		}
	}
	return dst
}

func (r *Reader) startRow(line []byte) {
	for _, i := range r.proj {
		r.row.cells[i].ok = false
	}
	r.row.hasDate, r.row.hasClock, r.row.hasTsMs = false, false, false
	r.dec = r.dec[:0]
}

// parseW3C splits a TAB- (or, for v2, space-) separated record by the
// current plan. It returns a reason when the line is rejected.
func (r *Reader) parseW3C(line []byte) string {
	plan := r.plan
	if !r.header {
		plan = r.legacy
	}
	limit := -1
	if len(plan) > 0 {
		limit = plan[len(plan)-1].idx
	}
	delim := byte('\t')
	delims, nd := r.split.appendDelims(r.delims[:0], line, delim, limit)
	if nd == 0 && r.header && r.headerN > 1 {
		delim = ' '
		delims, nd = r.split.appendDelims(r.delims[:0], line, delim, limit)
	}
	r.delims = delims
	n := nd + 1
	if r.header {
		if n < r.headerN {
			return fmt.Sprintf("%d fields, header has %d", n, r.headerN)
		}
		if r.noTime {
			return "the #Fields header names no date and time nor timestamp(ms)"
		}
	} else {
		if line[len(line)-1] == delim {
			n-- // a trailing empty column
		}
		if !knownLayout(n) {
			return fmt.Sprintf("%d fields and no #Fields header; the known layouts have %s", n, knownLayouts)
		}
	}
	for _, s := range plan {
		if s.idx >= n {
			break
		}
		start, end := 0, len(line)
		if s.idx > 0 {
			start = int(delims[s.idx-1]) + 1
		}
		if s.idx < len(delims) {
			end = int(delims[s.idx])
		}
		v := line[start:end]
		if s.kind == kindString {
			// The common case, inline: a text column.
			if len(v) == 0 || len(v) == 1 && v[0] == '-' {
				continue
			}
			c := &r.row.cells[s.fid]
			if s.dec != decodeNone {
				v = decodeValue(&r.dec, v, s.dec)
			}
			c.b, c.ok = v, true
			continue
		}
		if reason := r.setField(s.fid, v); reason != "" {
			return reason
		}
	}
	return ""
}

// setField stores one field's value in the row.
func (r *Reader) setField(fid fieldID, v []byte) string {
	switch fid {
	case fieldDate:
		r.row.date, r.row.hasDate = v, true
		return ""
	case fieldClock:
		r.row.clock, r.row.hasClock = v, true
		return ""
	case fieldTimestampMs:
		r.row.tsMs, r.row.hasTsMs = v, true
		return ""
	}
	c := &r.row.cells[fid]
	if len(v) == 0 || len(v) == 1 && v[0] == '-' {
		c.ok = false
		return ""
	}
	col := &columns[fid]
	ok := true
	switch col.kind {
	case kindString:
		c.b = decodeValue(&r.dec, v, col.dec)
	case kindInt64:
		c.i64, ok = bytesconv.ParseInt64(v)
	case kindInt32:
		c.i32, ok = bytesconv.ParseInt32(v)
	case kindUint16:
		c.u16, ok = bytesconv.ParseUint16(v)
	case kindStatus:
		c.u16, ok = parseStatus(v)
	case kindFloat64:
		c.f64, ok = bytesconv.ParseFloat64(v)
	}
	if !ok {
		return badValue(col.w3c, v)
	}
	c.ok = true
	return ""
}

func badValue(name string, v []byte) string {
	if len(v) > 40 {
		v = v[:40]
	}
	return fmt.Sprintf("bad %s %q", name, v)
}

func isNull(v []byte) bool { return len(v) == 0 || len(v) == 1 && v[0] == '-' }

// rowTime sets the row's time from timestamp(ms) when present, otherwise
// from date and time.
func (r *Reader) rowTime() string {
	if r.row.hasTsMs && !isNull(r.row.tsMs) {
		ms, ok := bytesconv.ParseInt64(r.row.tsMs)
		if !ok || ms < minMs || ms > maxMs {
			return badValue("timestamp(ms)", r.row.tsMs)
		}
		r.row.timeUS = ms * 1000
		return ""
	}
	if !r.row.hasDate || !r.row.hasClock {
		return "no date and time nor timestamp(ms)"
	}
	days, ok := r.lastDays, bytes.Equal(r.row.date, r.lastDate) && len(r.lastDate) > 0
	if !ok {
		if days, ok = bytesconv.ParseDateDays(r.row.date); !ok {
			return badValue("date", r.row.date)
		}
		r.lastDate = append(r.lastDate[:0], r.row.date...)
		r.lastDays = days
	}
	secs, ok := bytesconv.ParseClockSeconds(r.row.clock)
	if !ok {
		return badValue("time", r.row.clock)
	}
	r.row.timeUS = (days*86400 + secs) * 1e6
	return ""
}

// Bounds of timestamp(ms): years 0001 to 9999.
const (
	minMs = -62135596800000
	maxMs = 253402300799999
)

// appendRow appends the parsed row to the builders, one loop per kind of
// column (see rowbatch.Fixed).
func (r *Reader) appendRow(lineLen int) {
	if r.nrows == r.reserved {
		r.reserved = r.cols.Grow(r.nrows, r.opts.BatchSize)
	}
	for _, c := range r.strs {
		if c.cell.ok {
			c.b.Append(c.cell.b)
		} else {
			c.b.AppendNull()
		}
	}
	rowbatch.AppendFixed(r.int64s)
	rowbatch.AppendFixed(r.uint16s)
	rowbatch.AppendFixed(r.float64s)
	rowbatch.AppendFixed(r.int32s)
	t := r.row.timeUS
	if !r.haveTime || t < r.minUS {
		r.minUS = t
	}
	if !r.haveTime || t > r.maxUS {
		r.maxUS = t
	}
	r.haveTime = true
	r.nrows++
	r.bytes += lineLen
	r.stats.Parsed++
}
