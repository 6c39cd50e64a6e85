// Package clb decodes Classic Load Balancer access logs into Arrow record
// batches.
//
// A line has 15 fields (12 in the lines written before 2015, which end at
// the request); fields past the 15th are ignored. Lines of TCP and SSL
// listeners, which carry no HTTP status and the request "- - - ", are rows
// like the others, with null statuses and request parts and the listener
// column telling them apart. Blank lines count as comments; lines that
// cannot be parsed are rejected with a reason and counted, and never stop
// the stream.
package clb

import (
	"bytes"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/elblog"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// Format names the Classic Load Balancer access-log format.
const Format parser.Format = "clb"

// Decoder is the Classic Load Balancer access-log format.
type Decoder struct{}

var _ parser.Splitter = Decoder{}

// Carry returns nil: every line stands alone, so an object's blocks may
// be read apart (parser.Splitter).
func (Decoder) Carry(_, _ []byte) []byte { return nil }

// Format returns Format.
func (Decoder) Format() parser.Format { return Format }

// Title returns "Classic Load Balancer access log".
func (Decoder) Title() string { return "Classic Load Balancer access log" }

// Schema returns the full Classic Load Balancer schema (see Schema).
func (Decoder) Schema() *arrow.Schema { return Schema() }

// NewReader returns a *Reader over r (see NewReader).
func (Decoder) NewReader(r io.Reader, opts parser.Options) (parser.Reader, error) {
	return rowbatch.AsReader(NewReader(r, opts))
}

// ParseName reads the Classic Load Balancer object name layout (see
// awskey.ELB: the load balancer's bare name where ALB has app.{name}.{id}):
// Resource is the load balancer's name and NodeIP the node. A Classic Load
// Balancer publishes every 5 or every 60 minutes, and the name does not
// say which, so the rows are taken to cover the 60 minutes before the
// interval end: a time window then keeps every object that may hold rows
// in it, whichever the interval. AWS writes the objects as plain text
// (.log); a name ending .log.gz (a copy compressed later) or with no
// extension is read too, since gzip is told by the content.
func (Decoder) ParseName(base string) (parser.Source, bool) {
	k, ok := awskey.ParseELB(base)
	if !ok || k.Type != "" || k.Prefix != "" {
		return parser.Source{}, false
	}
	return k.Source(Format), true
}

// Sniff counts the lines of head that look like Classic Load Balancer
// access-log lines: a timestamp ("20YY-MM-DDT..."), then a load balancer
// name (see isLBName), then the client's ip:port, as far as the line goes
// (the last line of head may be cut). Blank lines and "#"
// comments are passed over.
func (Decoder) Sniff(head []byte) int {
	return rowbatch.CountLines(head, func(line []byte) bool {
		if !elblog.LooksLikeTime(line) {
			return false
		}
		var toks [3][]byte
		k := 0
		for f := range bytes.SplitSeq(line, []byte{' '}) {
			toks[k] = f
			if k++; k == len(toks) {
				break
			}
		}
		return (k < 2 || isLBName(toks[1])) && (k < 3 || bytes.IndexByte(toks[2], ':') >= 0)
	})
}

// isLBName reports whether b can be the elb field of a Classic Load
// Balancer line: AWS allows letters, digits and hyphens; copies of logs
// have other characters (underscores), so only what tells another format
// is refused: the dots and colons of an IP address (ALB connection logs)
// and the slashes of a resource ID.
func isLBName(b []byte) bool {
	return len(b) > 0 && bytes.IndexAny(b, ".:/") < 0
}
