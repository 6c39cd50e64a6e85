// Package alb decodes Application Load Balancer access logs into Arrow
// record batches.
//
// Every historical layout is accepted, from the 16-field lines of early ALB
// logs (ending at ssl_protocol) to today's 33 fields; fields past the 33rd
// are ignored. Lines that are blank count as comments; lines that cannot be
// parsed are rejected with a reason and counted, and never stop the stream.
package alb

import (
	"bytes"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/parser"
)

// Decoder is the ALB access-log format.
type Decoder struct{}

var _ parser.Decoder = Decoder{}

// Format returns parser.FormatALB.
func (Decoder) Format() parser.Format { return parser.FormatALB }

// Schema returns the full ALB schema (see Schema).
func (Decoder) Schema() *arrow.Schema { return Schema() }

// NewReader returns a *Reader over r (see NewReader).
func (Decoder) NewReader(r io.Reader, opts parser.Options) (parser.Reader, error) {
	rd, err := NewReader(r, opts)
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// Sniff reports whether head looks like an ALB access log: the first
// non-blank line's first token is an ALB request type and the second token
// starts like a timestamp ("20YY-MM-DDT").
func (Decoder) Sniff(head []byte) bool {
	for len(head) > 0 {
		line := head
		rest := []byte(nil)
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, rest = head[:i], head[i+1:]
		}
		line = bytes.TrimRight(line, "\r")
		if isBlank(line) {
			head = rest
			continue
		}
		sp := bytes.IndexByte(line, ' ')
		if sp < 0 || !validType(line[:sp]) {
			return false
		}
		return looksLikeTime(line[sp+1:])
	}
	return false
}

// looksLikeTime reports whether b starts like "20YY-MM-DDT".
func looksLikeTime(b []byte) bool {
	if len(b) < 11 || b[0] != '2' || b[1] != '0' || b[4] != '-' || b[7] != '-' || b[10] != 'T' {
		return false
	}
	for _, i := range [...]int{2, 3, 5, 6, 8, 9} {
		if b[i] < '0' || b[i] > '9' {
			return false
		}
	}
	return true
}
