package cloudfront

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
	"github.com/lbtriage/lbtriage/parser"
)

// maxBatchBytes caps the text staged for one batch, so that no string
// column's data outgrows Arrow's 32-bit offsets: a batch ends early when the
// next line would pass it.
const maxBatchBytes = 1 << 30

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

	proj     []int // projected column indexes, in schema order
	want     [numColumns]bool
	builders []*colBuilder // parallel to proj, in staging
	strCols  []colRef      // the text columns among them
	numCols  []colRef      // and the others
	staging  *staging

	rec      arrow.RecordBatch
	nrows    int
	bytes    int // line bytes staged in the current batch
	pending  bool
	done     bool
	stats    parser.Stats
	minMs    int64
	maxMs    int64
	haveTime bool

	// The current "#Fields:" block.
	header   bool
	headerN  int
	fields   []fieldID
	plan     []step
	noTime   bool // the header names no time source
	legacy   []step
	lastDate []byte
	lastDays int64

	row    row
	dec    []byte  // decoded text of the current row
	delims []int32 // delimiter offsets in the current line
	split  splitter
}

// colRef is a projected column's builder and row cell.
type colRef struct {
	b    *colBuilder
	cell int
}

// step is one field of a line that feeds the row: its 0-based position and
// what it feeds.
type step struct {
	idx  int
	fid  fieldID
	kind kind
	dec  decoding
}

type cell struct {
	b  []byte
	n  int64
	f  float64
	ok bool
}

type row struct {
	cells             [numColumns]cell
	date, clock, tsMs []byte
	hasDate, hasClock bool
	hasTsMs           bool
	timeMs            int64
}

// NewReader returns a Reader over r, which yields decompressed text. It
// fails only on an unknown name in opts.Columns.
func NewReader(r io.Reader, opts parser.Options) (*Reader, error) {
	opts = opts.WithDefaults()
	if opts.MaxLineBytes < parser.SnippetBytes {
		// A cap below the length of a reject's snippet would reject lines
		// whose whole text the reject could still quote.
		opts.MaxLineBytes = parser.SnippetBytes
	}
	rd := &Reader{opts: opts, lr: parser.NewLineReader(r, opts.MaxLineBytes)}
	if opts.Columns == nil {
		for i := range columns {
			rd.want[i] = true
		}
	} else {
		for _, name := range opts.Columns {
			i := columnIndex(name)
			if i < 0 {
				return nil, fmt.Errorf("cloudfront: unknown column %q", name)
			}
			rd.want[i] = true
		}
	}
	fields := make([]arrow.Field, 0, numColumns)
	full := fullSchema.Fields()
	for i := range columns {
		if rd.want[i] {
			rd.proj = append(rd.proj, i)
			fields = append(fields, full[i])
		}
	}
	rd.staging = getStaging()
	rd.builders = make([]*colBuilder, len(rd.proj))
	for j, i := range rd.proj {
		b := &rd.staging.cols[i]
		b.kind = columns[i].kind
		b.str.mem = opts.Allocator
		b.reserve(min(opts.BatchSize, parser.DefaultBatchSize))
		rd.builders[j] = b
		if b.kind == kindString {
			rd.strCols = append(rd.strCols, colRef{b, i})
		} else {
			rd.numCols = append(rd.numCols, colRef{b, i})
		}
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
	return rd, nil
}

var legacyFields = func() []fieldID {
	f := make([]fieldID, len(legacyOrder))
	for i, name := range legacyOrder {
		f[i] = fieldByName[name]
	}
	return f
}()

func columnIndex(name string) int {
	for i, c := range columns {
		if c.name == name {
			return i
		}
	}
	return -1
}

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
		s.MinTime = time.UnixMilli(r.minMs).UTC()
		s.MaxTime = time.UnixMilli(r.maxMs).UTC()
	}
	return s
}

// Release frees the current batch and the staging buffers; Next then
// returns false.
func (r *Reader) Release() {
	r.releaseBatch()
	if r.staging != nil {
		for _, b := range r.builders {
			b.reset()
		}
		putStaging(r.staging)
		r.staging = nil
	}
	r.builders = nil
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
	if r.builders == nil || r.done && !r.pending {
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
	cols := make([]arrow.Array, len(r.builders))
	for j := range r.builders {
		cols[j] = r.builders[j].finish(r.opts.Allocator)
		r.builders[j].reset()
	}
	r.rec = array.NewRecordBatch(r.schema, cols, int64(r.nrows))
	for _, c := range cols {
		c.Release()
	}
	r.nrows, r.bytes = 0, 0
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

// setHeader maps the names of a "#Fields:" line. A line with no names
// returns to reading by position.
func (r *Reader) setHeader(names []byte) {
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
		c.n, ok = parseInt64(v)
	case kindInt32:
		c.n, ok = parseInt64(v)
		ok = ok && c.n >= -1<<31 && c.n < 1<<31
	case kindUint16:
		var u uint64
		u, ok = parseUint(v, 1<<16-1)
		c.n = int64(u)
	case kindStatus:
		var u uint16
		u, ok = parseStatus(v)
		c.n = int64(u)
	case kindFloat64:
		c.f, ok = parseFloat(v)
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
		ms, ok := parseInt64(r.row.tsMs)
		if !ok || ms < minMs || ms > maxMs {
			return badValue("timestamp(ms)", r.row.tsMs)
		}
		r.row.timeMs = ms
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
	secs, ok := parseClock(r.row.clock)
	if !ok {
		return badValue("time", r.row.clock)
	}
	r.row.timeMs = (days*86400 + secs) * 1000
	return ""
}

// Bounds of timestamp(ms): years 0001 to 9999.
const (
	minMs = -62135596800000
	maxMs = 253402300799999
)

// appendRow appends the parsed row to the builders.
func (r *Reader) appendRow(lineLen int) {
	for _, c := range r.strCols {
		cell := &r.row.cells[c.cell]
		c.b.str.append(cell.b, cell.ok)
	}
	for _, c := range r.numCols {
		cell := &r.row.cells[c.cell]
		switch c.b.kind {
		case kindTime:
			c.b.i64.append(r.row.timeMs, true)
		case kindInt64:
			c.b.i64.append(cell.n, cell.ok)
		case kindInt32:
			c.b.i32.append(int32(cell.n), cell.ok)
		case kindUint16, kindStatus:
			c.b.u16.append(uint16(cell.n), cell.ok)
		case kindFloat64:
			c.b.f64.append(cell.f, cell.ok)
		}
	}
	t := r.row.timeMs
	if !r.haveTime || t < r.minMs {
		r.minMs = t
	}
	if !r.haveTime || t > r.maxMs {
		r.maxMs = t
	}
	r.haveTime = true
	r.nrows++
	r.bytes += lineLen
	r.stats.Parsed++
}
