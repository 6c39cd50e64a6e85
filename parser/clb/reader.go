package clb

import (
	"io"

	"github.com/lbtriage/lbtriage/internal/colbuild"
	"github.com/lbtriage/lbtriage/internal/elblog"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
)

// Reader streams the rows of one Classic Load Balancer access-log object
// as Arrow record batches. It implements parser.Reader; all its methods
// but Next are rowbatch.Stream's.
//
// A Reader reads lines into one reused buffer, parses each line into a
// reused row and only then appends the row to the column builders, so a
// rejected line never leaves a half-appended row. It is not safe for
// concurrent use.
type Reader struct {
	rowbatch.Stream
	// The columns by kind, each appended by one loop per row (appendRow):
	// the value and its validity are read through pointers into row.
	int64s    []rowbatch.Fixed[int64]
	uint16s   []rowbatch.Fixed[uint16]
	float64s  []rowbatch.Fixed[float64]
	spans     []rowbatch.Span
	fields    []rowbatch.Field
	listeners []*colbuild.String // the listener column, told from the line
	split     bool               // a request or the listener column is built
	row       row
}

var _ parser.Reader = (*Reader)(nil)

// NewReader returns a Reader over r, which yields decompressed text.
// opts.Columns selects the columns built (nil or empty: all of Schema); the
// batch schema holds them in schema order, with the non-empty fields of
// opts.Source as metadata (MetaSource, MetaNodeIP, MetaLoadBalancer,
// MetaIntervalEnd). Whatever the projection, every typed field of a line is
// checked, so the same lines are accepted and rejected. NewReader fails only
// on an unknown column name. The caller must call Release.
func NewReader(r io.Reader, opts parser.Options) (*Reader, error) {
	rd := &Reader{}
	cols, err := rd.Init(r, Format, fields[:], opts)
	if err != nil {
		return nil, err
	}
	// What follows the fifteenth field is not looked at.
	rd.row.toks.Max = numFields
	for _, i := range cols {
		rd.Columns().Add(rd.newColumn(colID(i)))
	}
	// Every line's typed fields are checked, up to sent_bytes; the
	// listener is told from the request and the cipher too.
	rd.row.toks.Need = max(rd.row.toks.Need, fSentBytes+1)
	if rd.split {
		rd.row.toks.Need = max(rd.row.toks.Need, fSSLCipher+1)
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
		bytesAt := func(s *elblog.Span, ok *bool) {
			rd.spans = append(rd.spans, rowbatch.Span{B: b, Start: &s.Start, End: &s.End, OK: ok})
		}
		token := func(f int, dash bool) {
			rd.fields = append(rd.fields, rowbatch.Field{B: b, F: f, Dash: dash})
			rd.row.toks.Need = max(rd.row.toks.Need, f+1)
		}
		switch c {
		case cELB:
			token(fELB, false)
		case cClientIP:
			bytesAt(&r.ClientIP, &rowbatch.AlwaysOK)
		case cBackendIP:
			bytesAt(&r.TargetIP, &r.HasTarget)
		case cRequestMethod:
			bytesAt(&r.req.Method, &r.req.MethodOK)
		case cRequestURL:
			bytesAt(&r.req.URL, &r.req.URLOK)
		case cRequestProto:
			bytesAt(&r.req.Proto, &r.req.ProtoOK)
		case cUserAgent:
			token(fUserAgent, true)
		case cSSLCipher:
			token(fSSLCipher, true)
		case cSSLProtocol:
			token(fSSLProtocol, true)
		case cListener:
			rd.listeners = append(rd.listeners, b)
		}
		rd.split = rd.split || c == cRequestMethod || c == cRequestURL || c == cRequestProto || c == cListener
		return b
	}
	switch c {
	case cTime:
		return rowbatch.AddFixed(&rd.int64s, mem, tsUTC, &r.time, &rowbatch.AlwaysOK)
	case cClientPort:
		return rowbatch.AddFixed(&rd.uint16s, mem, uint16T, &r.ClientPort, &rowbatch.AlwaysOK)
	case cBackendPort:
		return rowbatch.AddFixed(&rd.uint16s, mem, uint16T, &r.TargetPort, &r.HasTarget)
	case cELBStatusCode:
		return rowbatch.AddFixed(&rd.uint16s, mem, uint16T, &r.ELBStatus, &r.ELBStatusOK)
	case cBackendStatusCode:
		return rowbatch.AddFixed(&rd.uint16s, mem, uint16T, &r.TargetStatus, &r.TargetStatusOK)
	case cReceivedBytes:
		return rowbatch.AddFixed(&rd.int64s, mem, int64T, &r.Received, &r.ReceivedOK)
	case cSentBytes:
		return rowbatch.AddFixed(&rd.int64s, mem, int64T, &r.Sent, &r.SentOK)
	}
	// The processing times.
	k := int(c - cRequestProcessingTime)
	return rowbatch.AddFixed(&rd.float64s, mem, float64T, &r.Timing[k], &r.TimingOK[k])
}

// appendRow appends the row to every column, in one loop per kind of
// column (see rowbatch.Fixed).
func (rd *Reader) appendRow(line []byte) {
	rowbatch.AppendFixed(rd.int64s)
	rowbatch.AppendFixed(rd.uint16s)
	rowbatch.AppendFixed(rd.float64s)
	rowbatch.AppendSpans(rd.spans, line)
	rowbatch.AppendFields(rd.fields, &rd.row.toks, line)
	for _, b := range rd.listeners {
		b.Append(rd.row.listener)
	}
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
	return r.rd.row.parseTokens(line, reason, r.rd.split)
}

func (r rows) Append(line []byte) int64 {
	r.rd.appendRow(line)
	return r.rd.row.time
}
