package nlb

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"

	"github.com/lbtriage/lbtriage/internal/bytemask"
	"github.com/lbtriage/lbtriage/internal/bytesconv"
)

// Field positions (0-based) in the order AWS documents them. Version 1.0
// lines end at domain_name; version 2.0 added the three ALPN fields, and
// tls_connection_creation_time came later without a new version number.
const (
	fType = iota
	fVersion
	fTime
	fELB
	fListener
	fClient
	fDestination
	fConnectionTime
	fTLSHandshakeTime
	fReceivedBytes
	fSentBytes
	fIncomingTLSAlert
	fChosenCertARN
	fChosenCertSerial
	fTLSCipher
	fTLSProtocolVersion
	fTLSKeyExchange
	fDomainName
	fALPNFrontendProtocol
	fALPNBackendProtocol
	fALPNClientPreferenceList
	fTLSConnectionCreationTime

	// maxFields is the number of documented fields; fields past it are
	// ignored without being split.
	maxFields
	// minFields is the shortest layout accepted: version 1.0, which ends
	// at domain_name.
	minFields = fDomainName + 1
)

// stringCols are the string columns read whole from one field. Those with
// dash hold null for "-"; the others are kept as written.
var stringCols = [...]struct {
	c    colID
	f    int
	dash bool
}{
	{cType, fType, false}, {cVersion, fVersion, false}, {cELB, fELB, false}, {cListener, fListener, false},
	{cChosenCertARN, fChosenCertARN, true}, {cChosenCertSerial, fChosenCertSerial, true},
	{cTLSCipher, fTLSCipher, true}, {cTLSProtocolVersion, fTLSProtocolVersion, true},
	{cTLSKeyExchange, fTLSKeyExchange, true}, {cDomainName, fDomainName, true},
	{cALPNFrontendProtocol, fALPNFrontendProtocol, true}, {cALPNBackendProtocol, fALPNBackendProtocol, true},
	{cALPNClientPreferenceList, fALPNClientPreferenceList, true},
}

// numberFields are the numeric fields, each with its column and the largest
// value the column takes. "-" is null in all of them.
var numberFields = [...]struct {
	f    int
	c    colID
	name string
	max  uint64
}{
	{fConnectionTime, cConnectionTime, "connection_time", math.MaxInt64},
	{fTLSHandshakeTime, cTLSHandshakeTime, "tls_handshake_time", math.MaxInt64},
	{fReceivedBytes, cReceivedBytes, "received_bytes", math.MaxInt64},
	{fSentBytes, cSentBytes, "sent_bytes", math.MaxInt64},
	{fIncomingTLSAlert, cIncomingTLSAlert, "incoming_tls_alert", math.MaxUint8},
}

// span is a token's position in the line.
type span struct{ start, end int32 }

// row is one parsed line, reused from line to line. Every column's value
// is in it, by column: the fixed-width ones in val, the strings as spans of
// the line in str, and whether each is valid (not null) in ok. The spans
// point into the current line and are valid only until the next is read.
type row struct {
	nf   int // tokens found, at most maxFields
	toks [maxFields]span

	val [numCols]int64
	str [numCols]span
	ok  [numCols]bool

	// Cache of the last timestamp's minute: the lines of one object share
	// it. minuteKey holds its first 16 bytes ("2018-12-20T02:59").
	minuteKey [2]uint64
	minuteUS  int64
	minuteOK  bool

	// tokenize's scratch space: the space masks of the line's 64-byte
	// blocks, and its last partial block.
	mask []uint64
	tail [64]byte
}

func (r *row) field(line []byte, f int) []byte {
	t := r.toks[f]
	return line[t.start:t.end]
}

// tokenize splits line at runs of spaces into at most maxFields tokens.
// NLB fields never hold a space (the two free-text ones are URL-encoded),
// so a space always separates. The spaces of a whole line are found as bit
// masks in one pass, 64 bytes at a time.
func (r *row) tokenize(line []byte) {
	n := len(line)
	full := n &^ 63
	nw := full/64 + 1 // the last word covers the partial block and the end
	if len(r.mask) < nw {
		r.mask = make([]uint64, max(nw, 8))
	}
	m := r.mask[:nw]
	bytemask.Masks(line[:full], ' ', m[:nw-1])
	k := copy(r.tail[:], line[full:])
	clear(r.tail[k:])
	bytemask.Masks(r.tail[:], ' ', m[nw-1:])
	m[nw-1] |= 1 << k // a space after the line ends its last token

	nf, start := 0, 0
	for w, sp := range m {
		for sp != 0 {
			p := w*64 + bits.TrailingZeros64(sp)
			sp &= sp - 1
			if p > start {
				r.toks[nf] = span{int32(start), int32(p)}
				nf++
				if nf == maxFields {
					r.nf = nf
					return
				}
			}
			start = p + 1
		}
	}
	r.nf = nf
}

// parse parses line into r. It returns "" on success or the reason the line
// is rejected. Every field is checked whichever columns are built, so that
// what is accepted never depends on the projection.
func (r *row) parse(line []byte) string {
	r.tokenize(line)
	if r.nf == 0 || string(r.field(line, fType)) != "tls" {
		return notNLB(line)
	}
	if r.nf > fVersion {
		if v := r.field(line, fVersion); string(v) != "1.0" && string(v) != "2.0" {
			return clip("unknown version %q", v)
		}
	}
	if r.nf < minFields {
		return fmt.Sprintf("%d fields, want at least %d", r.nf, minFields)
	}
	var ok bool
	if r.val[cTime], ok = r.parseTime(r.field(line, fTime)); !ok {
		return badField("time", r.field(line, fTime))
	}
	r.ok[cTime] = true
	if !r.address(line, fClient, cClientIP, cClientPort, false) {
		return badField("client address", r.field(line, fClient))
	}
	if !r.address(line, fDestination, cDestinationIP, cDestinationPort, true) {
		return badField("destination address", r.field(line, fDestination))
	}
	for _, n := range numberFields {
		b := r.field(line, n.f)
		if isDash(b) {
			r.val[n.c], r.ok[n.c] = 0, false
			continue
		}
		u, ok := bytesconv.ParseUint64(b)
		if !ok || u > n.max {
			return badField(n.name, b)
		}
		r.val[n.c], r.ok[n.c] = int64(u), true
	}
	for _, s := range stringCols {
		if s.f >= r.nf {
			r.ok[s.c] = false
			continue
		}
		t := r.toks[s.f]
		r.str[s.c], r.ok[s.c] = t, !s.dash || !isDash(line[t.start:t.end])
	}
	c := cTLSConnectionCreationTime
	r.ok[c], r.val[c] = false, 0
	if r.nf > fTLSConnectionCreationTime {
		if b := r.field(line, fTLSConnectionCreationTime); !isDash(b) {
			if r.val[c], ok = r.parseTime(b); !ok {
				return badField("tls_connection_creation_time", b)
			}
			r.ok[c] = true
		}
	}
	return ""
}

// address splits field f, "ip:port", into columns ip and port at the last
// ':' (IPv6 addresses are written without brackets). "-" makes both null
// where nullable, and is refused elsewhere.
func (r *row) address(line []byte, f int, ip, port colID, nullable bool) bool {
	t := r.toks[f]
	b := line[t.start:t.end]
	if isDash(b) {
		r.ok[ip], r.ok[port], r.val[port] = false, false, 0
		return nullable
	}
	i := len(b) - 1
	for i > 0 && b[i] != ':' {
		i--
	}
	if i <= 0 {
		return false
	}
	p, ok := bytesconv.ParseUint16(b[i+1:])
	if !ok {
		return false
	}
	r.str[ip], r.ok[ip] = span{t.start, t.start + int32(i)}, true
	r.val[port], r.ok[port] = int64(p), true
	return true
}

// parseTime parses an NLB timestamp, "2018-12-20T02:59:40": UTC, whole
// seconds, no zone designator. A fraction and a "Z" are accepted too. The
// lines of an object share their minutes, so the last minute is cached and
// only the seconds are parsed again.
func (r *row) parseTime(b []byte) (int64, bool) {
	if len(b) == 19 && r.minuteOK && b[16] == ':' &&
		binary.LittleEndian.Uint64(b) == r.minuteKey[0] && binary.LittleEndian.Uint64(b[8:]) == r.minuteKey[1] {
		s1, s2 := b[17]-'0', b[18]-'0'
		if s1 > 5 || s2 > 9 {
			return 0, false
		}
		return r.minuteUS + int64(s1*10+s2)*1e6, true
	}
	return r.parseTimeSlow(b)
}

// parseTimeSlow parses a whole timestamp with bytesconv, which wants the
// "Z" NLB leaves out, and caches the minute of the usual shape.
func (r *row) parseTimeSlow(b []byte) (int64, bool) {
	var buf [32]byte
	if len(b) == 0 || len(b) >= len(buf) {
		return 0, false
	}
	n := copy(buf[:], b)
	if b[n-1] != 'Z' {
		buf[n] = 'Z'
		n++
	}
	v, ok := bytesconv.ParseTimestampMicros(buf[:n])
	if ok && len(b) == 19 {
		r.minuteKey = [2]uint64{binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])}
		r.minuteUS = v - int64((b[17]-'0')*10+(b[18]-'0'))*1e6
		r.minuteOK = true
	}
	return v, ok
}

func isDash(b []byte) bool { return len(b) == 1 && b[0] == '-' }

// isBlank reports whether line holds only spaces and tabs.
func isBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

func badField(name string, b []byte) string { return clip("bad "+name+" %q", b) }

// clip formats a reason quoting b, cut to 40 bytes.
func clip(format string, b []byte) string {
	const max = 40
	if len(b) > max {
		return fmt.Sprintf(format+"...", b[:max])
	}
	return fmt.Sprintf(format, b)
}

// notNLB explains why a line whose first token is not "tls" was rejected,
// naming the format it looks like when it is one AWS also writes.
func notNLB(line []byte) string {
	first := line
	for i, c := range line {
		if c == ' ' {
			first = line[:i]
			break
		}
	}
	switch {
	case len(line) > 0 && line[0] == '#':
		return "header line of another format (CloudFront?), not an NLB access-log line"
	case len(line) >= 11 && line[4] == '-' && line[7] == '-' && line[10] == '\t':
		return "CloudFront access-log line, not an NLB access-log line"
	}
	switch string(first) {
	case "http", "https", "h2", "grpcs", "ws", "wss":
		return "ALB access-log line, not an NLB access-log line"
	}
	if _, ok := bytesconv.ParseTimestampMicros(first); ok {
		return "line starts with a timestamp (Classic Load Balancer, ALB connection or health-check log?), not an NLB access-log line"
	}
	return clip("unknown type %q", first)
}
