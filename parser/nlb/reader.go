package nlb

import (
	"io"

	"github.com/lbtriage/lbtriage/internal/colbuild"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
)

// Reader streams the rows of one NLB access-log object as Arrow record
// batches. It implements parser.Reader; what it shares with the other
// decoders' Readers is rowbatch.Stream's.
//
// A Reader reads lines into one reused buffer, parses each line into a
// reused row and only then appends the row to the column builders, so a
// rejected line never leaves a half-appended row. It is not safe for
// concurrent use.
type Reader struct {
	rowbatch.Stream
	// The builders by kind, each appended by one loop per row (appendRow);
	// their values and validity point into row.
	int64s  []rowbatch.Fixed[int64]
	uint16s []rowbatch.Fixed[uint16]
	uint8s  []rowbatch.Fixed[uint8]
	spans   []rowbatch.Span
	row     row
}

var _ parser.Reader = (*Reader)(nil)

// NewReader returns a Reader over r, which yields decompressed text.
// opts.Columns selects the columns built (nil or empty: all of Schema); the
// batch schema holds them in schema order, with the non-empty fields of
// opts.Source as metadata (MetaSource, MetaLoadBalancer, MetaIntervalEnd).
// Whatever the projection, every field of a line is checked, so the same
// lines are accepted and rejected. NewReader fails only on an unknown
// column name. The caller must call Release.
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

// newColumn returns the builder of column c and files it under its kind for
// appendRow.
func (rd *Reader) newColumn(c colID) rowbatch.Column {
	mem := rd.Options().Allocator
	r := &rd.row
	switch fields[c].Type {
	case utf8:
		b := colbuild.NewString(mem)
		rd.spans = append(rd.spans, rowbatch.Span{B: b, Start: &r.str[c].start, End: &r.str[c].end, OK: &r.ok[c]})
		return b
	case u16T:
		return rowbatch.AddFixed(&rd.uint16s, mem, u16T, &r.u16[c], &r.ok[c])
	case uint8T:
		return rowbatch.AddFixed(&rd.uint8s, mem, uint8T, &r.u8[c], &r.ok[c])
	}
	// The times, durations and byte counts.
	return rowbatch.AddFixed(&rd.int64s, mem, fields[c].Type, &r.i64[c], &r.ok[c])
}

// appendRow appends the row to every column, in one loop per kind of
// column, so that the fixed-width appends inline.
func (rd *Reader) appendRow(line []byte) {
	rowbatch.AppendFixed(rd.int64s)
	rowbatch.AppendFixed(rd.uint16s)
	rowbatch.AppendFixed(rd.uint8s)
	rowbatch.AppendSpans(rd.spans, line)
}

// maxBatchBytes is rowbatch.MaxBatchBytes, a variable so that tests can
// lower it.
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
	return r.rd.row.i64[cTime]
}
