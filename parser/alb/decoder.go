// Package alb decodes Application Load Balancer access logs into Arrow
// record batches.
//
// Every historical layout is accepted, from the 16-field lines of early ALB
// logs (ending at ssl_protocol) to today's 33 fields; fields past the 33rd
// are ignored. Blank lines and lines starting with '#' count as comments;
// lines that cannot be parsed are rejected with a reason and counted, and
// never stop the stream.
package alb

import (
	"bytes"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/elblog"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// Format names the ALB access-log format.
const Format parser.Format = "alb"

// Decoder is the ALB access-log format.
type Decoder struct{}

var _ parser.Splitter = Decoder{}

// Carry returns nil: every line stands alone, so an object's blocks may
// be read apart (parser.Splitter).
func (Decoder) Carry(_, _ []byte) []byte { return nil }

// Format returns Format.
func (Decoder) Format() parser.Format { return Format }

// Schema returns the full ALB schema (see Schema).
func (Decoder) Schema() *arrow.Schema { return Schema() }

// NewReader returns a *Reader over r (see NewReader).
func (Decoder) NewReader(r io.Reader, opts parser.Options) (parser.Reader, error) {
	return rowbatch.AsReader(NewReader(r, opts))
}

// Title returns "ALB access log".
func (Decoder) Title() string { return "ALB access log" }

// ParseName reads the ALB access-log object name layout (see awskey.ELB):
// Resource is the load balancer, NodeIP the node, and the rows cover the
// five minutes before the interval end.
func (Decoder) ParseName(base string) (parser.Source, bool) {
	k, ok := awskey.ParseELB(base)
	if !ok || k.Type != "app" || k.Prefix != "" {
		return parser.Source{}, false
	}
	return k.Source(Format), true
}

// Interval is how long a span of requests one ALB object holds.
const Interval = 5 * time.Minute

// Sniff counts the lines of head that look like ALB access-log lines: the
// first token is an ALB request type, the second starts like a timestamp
// ("20YY-MM-DDT") and the third, when there is one, is no number: ALB
// health-check log lines, "http 2026-03-14T09:26:40.118204Z 0.006209174
// 10.0.2.17:8080 …", give the latency where access logs give the load
// balancer. Blank lines and "#" comments are passed over.
func (Decoder) Sniff(head []byte) int {
	return rowbatch.CountLines(head, func(line []byte) bool {
		sp := bytes.IndexByte(line, ' ')
		return sp > 0 && elblog.IsALBType(line[:sp]) && elblog.LooksLikeTime(line[sp+1:]) && !thirdIsNumber(line[sp+1:])
	})
}

// thirdIsNumber reports whether the token after the first of rest is a
// decimal number, such as "0.006209174". The token ends at a space, or at
// the '\r' of a line that ends in "\r\n".
func thirdIsNumber(rest []byte) bool {
	sp := bytes.IndexByte(rest, ' ')
	if sp < 0 {
		return false
	}
	tok := bytes.TrimSuffix(rest[sp+1:], []byte{'\r'})
	if end := bytes.IndexByte(tok, ' '); end >= 0 {
		tok = tok[:end]
	}
	if len(tok) == 0 || tok[0] < '0' || tok[0] > '9' {
		return false
	}
	for _, c := range tok {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}
