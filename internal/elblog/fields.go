// Package elblog holds the field grammar the decoders of Elastic Load
// Balancing access logs share, beside their tokenizer (internal/tokenize)
// and their reader machinery (internal/rowbatch): the fields from the
// client to sent_bytes that ALB and Classic lines have alike (Fields):
// timings (-1 means unknown), status codes, byte counts and "ip:port"
// addresses (IPv6 unbracketed); and the request line. Timestamps are
// bytesconv.MinuteCache's.
package elblog

import (
	"bytes"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/internal/tokenize"
)

// Span is a token's position in the line: line[Start:End].
type Span struct{ Start, End int }

// SpanOf returns the bounds of token f of t.
func SpanOf(t *tokenize.Tokens, f int) Span { return Span{t.Start(f), t.End(f)} }

// IsDash reports whether b is "-", what ELB logs write for a value they do
// not have.
func IsDash(b []byte) bool { return len(b) == 1 && b[0] == '-' }

// IsALBType reports whether b is one of the request types that open an
// ALB access-log line.
func IsALBType(b []byte) bool {
	switch string(b) {
	case "http", "https", "h2", "grpcs", "ws", "wss":
		return true
	}
	return false
}

// LooksLikeTime reports whether b starts like an ELB timestamp,
// "20YY-MM-DDT".
func LooksLikeTime(b []byte) bool {
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

// ParseTiming parses a processing time in seconds; -1 (and "-") mean the
// time is not known and give valid=false.
func ParseTiming(b []byte) (v float64, valid, ok bool) {
	// Fast paths for the shapes ALB ("0.001") and Classic ("0.000073")
	// load balancers write.
	if v, ok := bytesconv.ParseMilli(b); ok {
		return v, true, true
	}
	if v, ok := bytesconv.ParseMicro(b); ok {
		return v, true, true
	}
	return parseTimingSlow(b)
}

func parseTimingSlow(b []byte) (v float64, valid, ok bool) {
	if len(b) == 2 && b[0] == '-' && b[1] == '1' || IsDash(b) {
		return 0, false, true
	}
	v, ok = bytesconv.ParseFloat64(b)
	if !ok {
		return 0, false, false
	}
	if v == -1 {
		return 0, false, true
	}
	return v, true, true
}

// ParseStatus parses an HTTP status code; "-" gives valid=false.
func ParseStatus(b []byte) (v uint16, valid, ok bool) {
	if IsDash(b) {
		return 0, false, true
	}
	v, ok = bytesconv.ParseUint16(b)
	return v, ok, ok
}

// ParseBytes parses a byte count; "-" gives valid=false.
func ParseBytes(b []byte) (v int64, valid, ok bool) {
	if IsDash(b) {
		return 0, false, true
	}
	v, ok = bytesconv.ParseInt64(b)
	return v, ok, ok
}

// badAddr is the reason to reject a line whose address addr, of the field
// name, has no port after its last colon, at colon.
func badAddr(addr []byte, colon int, name string) string {
	if colon <= 0 {
		return rowbatch.BadField(name+" address", addr)
	}
	return rowbatch.BadField(name+" port", addr)
}

// Request is the request field split into method, URL and protocol; a
// part is null unless its OK is set.
type Request struct {
	Method, URL, Proto       Span
	MethodOK, URLOK, ProtoOK bool
}

// Split splits the request field at s as method = first word, protocol =
// last word, URL = everything between, so raw spaces in the URL survive.
// Trailing spaces are dropped first ("GET /x HTTP/1.0 " has protocol
// HTTP/1.0). A request with only two words has no protocol. "-" and empty
// parts are null, which turns ALB's malformed "- http://host:80- " into a
// null method, the URL as written and a null protocol, and the "- - - " of
// Classic TCP and SSL listeners into three nulls.
func (q *Request) Split(line []byte, s Span) {
	end := s.End
	for end > s.Start && line[end-1] == ' ' {
		end--
	}
	req := line[s.Start:end]
	q.MethodOK, q.URLOK, q.ProtoOK = false, false, false
	sp := bytes.IndexByte(req, ' ')
	if sp < 0 {
		q.Method = Span{s.Start, end}
		q.MethodOK = len(req) > 0 && !IsDash(req)
		return
	}
	q.Method = Span{s.Start, s.Start + sp}
	q.MethodOK = !IsDash(req[:sp]) && sp > 0
	rest := s.Start + sp + 1
	for rest < end && line[rest] == ' ' {
		rest++
	}
	last := bytes.LastIndexByte(line[rest:end], ' ')
	if last < 0 {
		q.URL = Span{rest, end}
	} else {
		q.URL = Span{rest, rest + last}
		q.Proto = Span{rest + last + 1, end}
		p := line[q.Proto.Start:q.Proto.End]
		q.ProtoOK = len(p) > 0 && !IsDash(p)
	}
	u := line[q.URL.Start:q.URL.End]
	q.URLOK = len(u) > 0 && !IsDash(u)
}

// Fields is the run of fields every ELB access-log line has, from the
// client to sent_bytes:
//
//	client:port target:port request_processing_time target_processing_time
//	response_processing_time elb_status_code target_status_code received_bytes sent_bytes
//
// (the target is a Classic Load Balancer's backend). A value is null
// unless its OK is set: "-" is null, and so are the -1 of a time or a byte
// count, which the log writes for "unknown".
type Fields struct {
	ClientIP                    Span
	ClientPort                  uint16
	HasTarget                   bool
	TargetIP                    Span
	TargetPort                  uint16
	Timing                      [3]float64
	TimingOK                    [3]bool
	ELBStatus, TargetStatus     uint16
	ELBStatusOK, TargetStatusOK bool
	Received, Sent              int64
	ReceivedOK, SentOK          bool
}

// Names are what a format calls the fields of Fields, for the reasons of
// the lines it rejects, and how it reads a status of 0.
type Names struct {
	// Target is the target's name: "target" (ALB) or "backend" (Classic).
	Target string
	// Timing, TargetStatus and the others are the fields' names as AWS
	// documents them.
	Timing       [3]string
	TargetStatus string
	// ZeroStatus says that a status of 0 means no status, as on the
	// Classic lines whose request no instance answered.
	ZeroStatus bool
}

// Parse parses the fields from token f, the client, on, and returns "" or
// the reason the line is rejected. The tokens must hold the nine fields:
// t.N and t.Need at least f+9.
func (c *Fields) Parse(line []byte, t *tokenize.Tokens, f int, n *Names) string {
	// The nine tokens' bounds as arrays: constant indexes need no checks.
	st, en := t.Bounds()
	start, end := (*[9]int32)(st[f:f+9]), (*[9]int32)(en[f:f+9])
	// client:port and target:port: IPv6 addresses are written without
	// brackets, so the port is what follows the last ':'.
	colon, port, ok := lastColonPort(line[start[0]:end[0]])
	if !ok {
		return badAddr(line[start[0]:end[0]], colon, "client")
	}
	c.ClientIP, c.ClientPort = Span{int(start[0]), int(start[0]) + colon}, port
	if c.HasTarget = !IsDash(line[start[1]:end[1]]); c.HasTarget {
		if colon, port, ok = lastColonPort(line[start[1]:end[1]]); !ok {
			return badAddr(line[start[1]:end[1]], colon, n.Target)
		}
		c.TargetIP, c.TargetPort = Span{int(start[1]), int(start[1]) + colon}, port
	}
	if c.Timing[0], c.TimingOK[0], ok = ParseTiming(line[start[2]:end[2]]); !ok {
		return rowbatch.BadField(n.Timing[0], line[start[2]:end[2]])
	}
	if c.Timing[1], c.TimingOK[1], ok = ParseTiming(line[start[3]:end[3]]); !ok {
		return rowbatch.BadField(n.Timing[1], line[start[3]:end[3]])
	}
	if c.Timing[2], c.TimingOK[2], ok = ParseTiming(line[start[4]:end[4]]); !ok {
		return rowbatch.BadField(n.Timing[2], line[start[4]:end[4]])
	}
	if c.ELBStatus, c.ELBStatusOK, ok = ParseStatus(line[start[5]:end[5]]); !ok {
		return rowbatch.BadField("elb_status_code", line[start[5]:end[5]])
	}
	if c.TargetStatus, c.TargetStatusOK, ok = ParseStatus(line[start[6]:end[6]]); !ok {
		return rowbatch.BadField(n.TargetStatus, line[start[6]:end[6]])
	}
	if n.ZeroStatus {
		c.ELBStatusOK = c.ELBStatusOK && c.ELBStatus != 0
		c.TargetStatusOK = c.TargetStatusOK && c.TargetStatus != 0
	}
	if c.Received, c.ReceivedOK, ok = ParseBytes(line[start[7]:end[7]]); !ok {
		return rowbatch.BadField("received_bytes", line[start[7]:end[7]])
	}
	if c.Sent, c.SentOK, ok = ParseBytes(line[start[8]:end[8]]); !ok {
		return rowbatch.BadField("sent_bytes", line[start[8]:end[8]])
	}
	c.ReceivedOK = c.ReceivedOK && c.Received != -1
	c.SentOK = c.SentOK && c.Sent != -1
	return ""
}

// lastColonPort returns where the last ':' of addr is and the port after
// it; ok is false unless both are there.
func lastColonPort(addr []byte) (colon int, port uint16, ok bool) {
	colon = bytes.LastIndexByte(addr, ':')
	if colon <= 0 {
		return colon, 0, false
	}
	port, ok = bytesconv.ParseUint16(addr[colon+1:])
	return colon, port, ok
}
