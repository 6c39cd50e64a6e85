// Package nlb decodes Network Load Balancer access logs into Arrow record
// batches.
//
// A Network Load Balancer logs only its TLS listeners' connections, one
// line per connection, written when it closes. Log versions 1.0 (18
// fields) and 2.0 (21 fields, then 22 with tls_connection_creation_time)
// are read; fields past the 22nd are ignored. Blank lines count as
// comments; lines that cannot be parsed are rejected with a reason and
// counted, and never stop the stream.
package nlb

import (
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// Format names the NLB access-log format.
const Format parser.Format = "nlb"

// Decoder is the NLB access-log format.
type Decoder struct{}

var _ parser.Splitter = Decoder{}

// Carry returns nil: every line stands alone, so an object's blocks may
// be read apart (parser.Splitter).
func (Decoder) Carry(_, _ []byte) []byte { return nil }

// Format returns Format.
func (Decoder) Format() parser.Format { return Format }

// Title returns "NLB access log".
func (Decoder) Title() string { return "NLB access log" }

// Schema returns the full NLB schema (see Schema).
func (Decoder) Schema() *arrow.Schema { return Schema() }

// NewReader returns a *Reader over r (see NewReader).
func (Decoder) NewReader(r io.Reader, opts parser.Options) (parser.Reader, error) {
	return rowbatch.AsReader(NewReader(r, opts))
}

// Interval is how long a span of connections one NLB object holds.
const Interval = 5 * time.Minute

// ParseName reads the NLB object name layout (see awskey.ELB), "…_net.
// {name}.{id}_{end-time}_{random}.log.gz": Resource is the load balancer
// and the rows cover the five minutes before the interval end. The name
// tells no node, although each node writes its own objects: NodeIP is
// empty, and the node a direct client reached is its row's destination_ip.
func (Decoder) ParseName(base string) (parser.Source, bool) {
	k, ok := awskey.ParseELB(base)
	if !ok || k.Type != "net" {
		return parser.Source{}, false
	}
	return k.Source(Format), true
}

// Sniff counts the lines of head that start like NLB access-log lines:
// "tls", then version "1.0" or "2.0". A line cut short after the version
// still counts.
func (Decoder) Sniff(head []byte) int {
	return rowbatch.CountLines(head, func(line []byte) bool {
		return len(line) >= 7 && (string(line[:7]) == "tls 1.0" || string(line[:7]) == "tls 2.0") &&
			(len(line) == 7 || line[7] == ' ' || line[7] == '')
	})
}
