// Package albconn decodes Application Load Balancer connection logs into
// Arrow record batches: one row per connection attempt, successful or
// failed, with the client, the listener, the TLS handshake, the client
// certificate of mutual TLS and its verification, and the connection's
// trace ID, which every access-log line of a request on the connection
// carries too (alb.ColConnTraceID).
//
// Lines of 11 fields (ending at tls_verify_status, as the examples first
// published), 12 (with conn_trace_id) and today's 15 are accepted; fields
// past the 15th are ignored. Blank lines count as comments; lines that
// cannot be parsed are rejected with a reason and counted, and never stop
// the stream.
package albconn

import (
	"bytes"
	"io"
	"net/netip"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// Format names the ALB connection-log format.
const Format parser.Format = "alb_conn"

// Decoder is the ALB connection-log format.
type Decoder struct{}

var _ parser.Splitter = Decoder{}

// Carry returns nil: every line stands alone, so an object's blocks may
// be read apart (parser.Splitter).
func (Decoder) Carry(_, _ []byte) []byte { return nil }

// Format returns Format.
func (Decoder) Format() parser.Format { return Format }

// Title returns "ALB connection log".
func (Decoder) Title() string { return "ALB connection log" }

// Schema returns the full schema (see Schema).
func (Decoder) Schema() *arrow.Schema { return Schema() }

// NewReader returns a *Reader over r (see NewReader).
func (Decoder) NewReader(r io.Reader, opts parser.Options) (parser.Reader, error) {
	return rowbatch.AsReader(NewReader(r, opts))
}

// ParseName reads the connection-log object name layout, the access log's
// with the prefix "conn_log_" (see awskey.ELB): Resource is the load
// balancer, NodeIP the node, and the rows cover the five minutes before
// the interval end.
func (Decoder) ParseName(base string) (parser.Source, bool) {
	k, ok := awskey.ParseELB(base)
	if !ok || k.Type != "app" || k.Prefix != awskey.PrefixConnection {
		return parser.Source{}, false
	}
	return k.Source(Format), true
}

// Sniff counts the lines of head that look like connection-log lines: a
// timestamp, an IP address and two port numbers (client and listener).
// Blank lines count for nothing.
func (Decoder) Sniff(head []byte) int { return rowbatch.CountLines(head, looksLikeConn) }

// looksLikeConn reports whether line starts with a timestamp, an IP
// address and two port numbers, separated by single spaces.
func looksLikeConn(line []byte) bool {
	var tok [4][]byte
	for i := range tok {
		end := bytes.IndexByte(line, ' ')
		if end < 0 {
			if i < len(tok)-1 {
				return false
			}
			end = len(line)
		}
		tok[i], line = line[:end], line[min(end+1, len(line)):]
	}
	_, okTime := bytesconv.ParseTimestampMicros(tok[0])
	_, okClient := bytesconv.ParseUint16(tok[2])
	_, okListener := bytesconv.ParseUint16(tok[3])
	return okTime && okClient && okListener && isIP(tok[1])
}

// isIP reports whether b is an IPv4 or IPv6 address, without a zone, as
// netip.ParseAddr reads them. Dotted quads, most clients, are checked here
// in a tenth of its time.
func isIP(b []byte) bool {
	if bytes.IndexByte(b, ':') < 0 {
		return isDottedQuad(b)
	}
	a, err := netip.ParseAddr(bytesconv.ToUnsafeString(b))
	return err == nil && a.Zone() == ""
}

// isDottedQuad reports whether b is four decimal octets of 0 to 255,
// without leading zeros, separated by dots.
func isDottedQuad(b []byte) bool {
	dots, v, digits := 0, 0, 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if digits > 0 && v == 0 {
				return false // a leading zero
			}
			v = v*10 + int(c-'0')
			digits++
			if v > 255 {
				return false
			}
		case c == '.' && digits > 0 && dots < 3:
			dots++
			v, digits = 0, 0
		default:
			return false
		}
	}
	return dots == 3 && digits > 0
}
