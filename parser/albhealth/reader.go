package albhealth

import (
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/internal/colbuild"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
)

// Reader streams the rows of one health-check log object as Arrow record
// batches. It implements parser.Reader; all its methods but Next are
// rowbatch.Stream's.
//
// A Reader reads lines into one reused buffer, parses each line into a
// reused row and only then appends the row to the column builders, so a
// rejected line never leaves a half-appended row. It is not safe for
// concurrent use.
type Reader struct {
	rowbatch.Stream
	// The columns by kind, each appended by one loop per row (appendRow):
	// the value and its validity are read through pointers into row.
	int64s  []rowbatch.Fixed[int64]
	uint16s []rowbatch.Fixed[uint16]
	spans   []rowbatch.Span
	fields  []rowbatch.Field
	row     row
}

var _ parser.Reader = (*Reader)(nil)

// NewReader returns a Reader over r, which yields decompressed text.
// opts.Columns selects the columns built (nil or empty: all of Schema); the
// batch schema holds them in schema order, with what opts.Source tells as
// metadata (rowbatch.SourceMetadata). Whatever the projection, every typed
// field of a line is checked, so the same lines are accepted and rejected.
// NewReader fails only on an unknown column name. The caller must call
// Release.
func NewReader(r io.Reader, opts parser.Options) (*Reader, error) {
	rd := &Reader{row: newRow()}
	cols, err := rd.Init(r, Format, fields[:], opts)
	if err != nil {
		return nil, err
	}
	for _, c := range cols {
		rd.Columns().Add(rd.newColumn(colID(c)))
	}
	return rd, nil
}

// newColumn returns the builder of column c, and files it under its kind
// for appendRow.
func (rd *Reader) newColumn(c colID) rowbatch.Column {
	mem := rd.Options().Allocator
	r := &rd.row
	if fields[c].Type == utf8 {
		b := colbuild.NewString(mem)
		bytesAt := func(s *span, ok *bool) {
			rd.spans = append(rd.spans, rowbatch.Span{B: b, Start: &s.start, End: &s.end, OK: ok})
		}
		token := func(f int, dash bool) {
			rd.fields = append(rd.fields, rowbatch.Field{B: b, F: f, Dash: dash})
		}
		switch c {
		case cTargetIP:
			bytesAt(&r.targetIP, &r.ipTarget)
		case cLambdaARN:
			bytesAt(&r.target, &r.arnTarget)
		case cType:
			token(fType, false) // never null: "-" is kept as written
		case cStatus:
			token(fStatus, false)
		case cTargetGroup:
			token(fTargetGroup, true)
		case cReasonCode:
			token(fReasonCode, true)
		case cELB:
			token(fELB, true) // null too on lines that end before it
		case cNodeIP:
			token(fNodeIP, true)
		default:
			panic(fmt.Sprintf("albhealth: no builder for column %s", fields[c].Name))
		}
		return b
	}
	switch c {
	case cTime:
		return addFixed(&rd.int64s, mem, c, &r.time, &rowbatch.AlwaysOK)
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
func addFixed[T colbuild.Value](cols *[]rowbatch.Fixed[T], mem memory.Allocator, c colID, v *T, ok *bool) rowbatch.Column {
	return rowbatch.AddFixed(cols, mem, fields[c].Type, v, ok)
}

// appendRow appends the row to every column, one loop per kind of column.
func (rd *Reader) appendRow(line []byte) {
	rowbatch.AppendFixed(rd.int64s)
	rowbatch.AppendFixed(rd.uint16s)
	rowbatch.AppendSpans(rd.spans, line)
	rowbatch.AppendFields(rd.fields, &rd.row.toks, line)
}

// maxBatchBytes caps the text of the lines in one batch (see
// rowbatch.MaxBatchBytes); a variable so that tests can lower it.
var maxBatchBytes = rowbatch.MaxBatchBytes

// Next reads the next batch of up to Options.BatchSize rows and reports
// whether there is one: see rowbatch.Next.
func (rd *Reader) Next() bool {
	return rowbatch.Next(&rd.Stream, rows{rd}, &rd.row.toks, maxBatchBytes)
}

// rows is the Reader's part in rowbatch.Next: its row's parseTokens and
// its appendRow.
type rows struct{ rd *Reader }

func (r rows) Parse(line []byte, reason string) string {
	return r.rd.row.parseTokens(line, reason)
}

func (r rows) Append(line []byte) int64 {
	r.rd.appendRow(line)
	return r.rd.row.time
}
