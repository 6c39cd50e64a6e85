// Package albhealth decodes Application Load Balancer health-check logs into
// Arrow record batches: one row per check of one registered target by one
// load balancer node, passed or failed, with the failure's reason.
//
// Both documented layouts are read: the earlier eight fields, which end at
// reason_code (the documentation's examples still stop there), and today's
// ten, which add elb and ip_address; fields after the tenth are ignored.
// Blank lines count as comments; lines that cannot be parsed are rejected
// with a reason and counted, and never stop the stream.
package albhealth

import (
	"bytes"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// Format names the ALB health-check log format.
const Format parser.Format = "alb_health"

// Decoder is the ALB health-check log format.
type Decoder struct{}

// Not a parser.Splitter, though the lines stand alone: the
// health-check analysis keeps each node's checks of a target as pieces,
// each a stretch of one object's consecutive checks, and a worker given
// blocks 1 and 3 of an object would join them into one piece across the
// checks of block 2, which another worker holds. Health-check objects
// are small (a node's five minutes), so they are read whole.
var _ parser.Decoder = Decoder{}

// Format returns Format.
func (Decoder) Format() parser.Format { return Format }

// Title returns "ALB health-check log".
func (Decoder) Title() string { return "ALB health-check log" }

// Schema returns the full schema (see Schema).
func (Decoder) Schema() *arrow.Schema { return Schema() }

// NewReader returns a *Reader over r (see NewReader).
func (Decoder) NewReader(r io.Reader, opts parser.Options) (parser.Reader, error) {
	rd, err := NewReader(r, opts)
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// ParseName reads the health-check object name layout (see awskey.ELB), the
// ALB access-log name prefixed with "health_check_log_": Resource is the
// load balancer, NodeIP the node, and the rows cover the five minutes
// before the interval end.
func (Decoder) ParseName(base string) (parser.Source, bool) {
	k, ok := awskey.ParseELB(base)
	if !ok || k.Type != "app" || k.Prefix != awskey.PrefixHealthCheck {
		return parser.Source{}, false
	}
	return k.Source(Format), true
}

// Sniff counts the lines of head that look like health-check lines: a
// timestamp second, a latency in seconds third and, when the line goes
// that far, PASS or FAIL sixth. A line cut short before the sixth field,
// as the last of head may be, counts only with one of the documented types
// first. Blank lines are passed over.
func (Decoder) Sniff(head []byte) int {
	r := newRow()
	return rowbatch.CountLines(head, func(line []byte) bool {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if r.toks.Split(line) != "" || r.toks.N <= fLatency {
			return false
		}
		if _, ok := bytesconv.ParseTimestampMicros(r.field(line, fTime)); !ok {
			return false
		}
		if _, _, ok := parseLatency(r.field(line, fLatency)); !ok {
			return false
		}
		if r.toks.N > fStatus {
			s := r.field(line, fStatus)
			return string(s) == StatusPass || string(s) == StatusFail
		}
		return knownType(r.field(line, fType))
	})
}

// knownType reports whether b is one of the documented check types.
func knownType(b []byte) bool {
	switch string(b) {
	case "http", "https", "h2", "grpc", "lambda":
		return true
	}
	return false
}
