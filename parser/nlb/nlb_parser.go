package nlb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/internal/tokenize"
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
	name string
}{
	{cType, fType, false, "type"}, {cVersion, fVersion, false, "version"},
	{cELB, fELB, false, "elb"}, {cListener, fListener, false, "listener"},
	{cChosenCertARN, fChosenCertARN, true, "chosen_cert_arn"},
	{cChosenCertSerial, fChosenCertSerial, true, "chosen_cert_serial"},
	{cTLSCipher, fTLSCipher, true, "tls_cipher"},
	{cTLSProtocolVersion, fTLSProtocolVersion, true, "tls_protocol_version"},
	{cTLSKeyExchange, fTLSKeyExchange, true, "tls_keyexchange"},
	{cDomainName, fDomainName, true, "domain_name"},
	{cALPNFrontendProtocol, fALPNFrontendProtocol, true, "alpn_fe_protocol"},
	{cALPNBackendProtocol, fALPNBackendProtocol, true, "alpn_be_protocol"},
	{cALPNClientPreferenceList, fALPNClientPreferenceList, true, "alpn_client_preference_list"},
}

// numberFields are the int64 fields, each with its column: "-" is null
// in all of them.
var numberFields = [...]struct {
	f    int
	c    colID
	name string
}{
	{fConnectionTime, cConnectionTime, "connection_time"},
	{fTLSHandshakeTime, cTLSHandshakeTime, "tls_handshake_time"},
	{fReceivedBytes, cReceivedBytes, "received_bytes"},
	{fSentBytes, cSentBytes, "sent_bytes"},
}

// The tokenizer finds as many tokens as there are NLB fields.
const _ = uint(tokenize.MaxFields - maxFields)

// span is a value's position in the line.
type span struct{ start, end int }

// row is one parsed line, reused from line to line. Every column's value
// is in it, by column: the fixed-width ones in i64, u16 or u8 by their
// type, the strings as spans of the line in str, and whether each is valid
// (not null) in ok; the Reader's builders point at them. The spans point
// into the current line and are valid only until the next is read.
type row struct {
	// The line's tokens; toks.Need is maxFields.
	toks tokenize.Tokens
	nf   int // the tokens that are fields: at most maxFields

	i64 [numCols]int64
	u16 [numCols]uint16
	u8  [numCols]uint8
	str [numCols]span
	ok  [numCols]bool

	// Cache of the last timestamp's minute: the lines of one object share
	// it. minuteKey holds its first 16 bytes ("2018-12-20T02:59").
	minuteKey [2]uint64
	minuteUS  int64
	minuteOK  bool
}

func newRow() row { return row{toks: tokenize.Tokens{Need: maxFields}} }

func (r *row) field(line []byte, f int) []byte { return r.toks.Field(line, f) }

// raw returns the bounds of token f as written: with its quotes, if it
// has any. NLB quotes no field, but its ALPN list starts and ends with a
// quote ("h2","http/1.1"), which the tokenizer takes for a quoted value.
func (r *row) raw(line []byte, f int) span {
	s, e := r.toks.Start(f), r.toks.End(f)
	if s > 0 && line[s-1] == '"' {
		s, e = s-1, e+1
	}
	return span{s, e}
}

// parse splits line and parses it into r. It returns "" on success or the
// reason the line is rejected. Every field is checked whichever columns are
// built, so that what is accepted never depends on the projection.
func (r *row) parse(line []byte) string {
	return r.parseTokens(line, r.toks.Split(line))
}

// parseTokens is parse on a line already split, with the tokenizer's
// reason.
func (r *row) parseTokens(line []byte, reason string) string {
	if reason != "" || r.toks.N == 0 || r.toks.Start(0) != 0 || string(r.field(line, fType)) != "tls" {
		// The type is judged on the line as written: a tokenizer's reason
		// leaves no tokens to look at.
		if reason != "" && bytes.HasPrefix(line, []byte("tls ")) {
			return reason
		}
		return notNLB(line)
	}
	r.nf = min(r.toks.N, maxFields)
	if r.nf > fVersion {
		if v := r.field(line, fVersion); string(v) != "1.0" && string(v) != "2.0" {
			return clip("unknown version %q", v)
		}
	}
	if r.nf < minFields {
		return fmt.Sprintf("%d fields, want at least %d", r.nf, minFields)
	}
	var ok bool
	if r.i64[cTime], ok = r.parseTime(r.field(line, fTime)); !ok {
		return rowbatch.BadField("time", r.field(line, fTime))
	}
	r.ok[cTime] = true
	if !r.address(line, fClient, cClientIP, cClientPort, false) {
		return rowbatch.BadField("client address", r.field(line, fClient))
	}
	if !r.address(line, fDestination, cDestinationIP, cDestinationPort, true) {
		return rowbatch.BadField("destination address", r.field(line, fDestination))
	}
	for _, n := range numberFields {
		b := r.field(line, n.f)
		if isDash(b) {
			r.i64[n.c], r.ok[n.c] = 0, false
			continue
		}
		u, ok := bytesconv.ParseUint64(b)
		if !ok || u > math.MaxInt64 {
			return rowbatch.BadField(n.name, b)
		}
		r.i64[n.c], r.ok[n.c] = int64(u), true
	}
	b := r.field(line, fIncomingTLSAlert)
	r.u8[cIncomingTLSAlert], r.ok[cIncomingTLSAlert] = 0, !isDash(b)
	if r.ok[cIncomingTLSAlert] {
		a, ok := bytesconv.ParseUint16(b)
		if !ok || a > math.MaxUint8 {
			return rowbatch.BadField("incoming_tls_alert", b)
		}
		r.u8[cIncomingTLSAlert] = uint8(a)
	}
	for _, s := range stringCols {
		if s.f >= r.nf {
			r.ok[s.c] = false
			continue
		}
		v := r.field(line, s.f)
		raw := r.raw(line, s.f)
		// NLB writes no space in a value (the free-text ones are
		// URL-encoded): a quoted value holding one is a quote opened by
		// mistake, which swallowed the fields after it.
		if raw.start < r.toks.Start(s.f) && bytes.IndexByte(v, ' ') >= 0 {
			return rowbatch.BadField(s.name, line[raw.start:raw.end])
		}
		r.str[s.c], r.ok[s.c] = raw, !s.dash || !isDash(v)
	}
	c := cTLSConnectionCreationTime
	r.ok[c], r.i64[c] = false, 0
	if r.nf > fTLSConnectionCreationTime {
		if b := r.field(line, fTLSConnectionCreationTime); !isDash(b) {
			if r.i64[c], ok = r.parseTime(b); !ok {
				return rowbatch.BadField("tls_connection_creation_time", b)
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
	b := r.field(line, f)
	if isDash(b) {
		r.ok[ip], r.ok[port], r.u16[port] = false, false, 0
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
	start := r.toks.Start(f)
	r.str[ip], r.ok[ip] = span{start, start + i}, true
	r.u16[port], r.ok[port] = p, true
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

// clip formats a reason quoting b, cut to 40 bytes.
func clip(format string, b []byte) string {
	const max = 40
	if len(b) > max {
		return fmt.Sprintf(format+"...", b[:max])
	}
	return fmt.Sprintf(format, b)
}

// notNLB says why a line whose first token is not "tls" was rejected.
// Lines of the other formats AWS writes get a reason naming theirs from
// input.Scan, which knows every decoder.
func notNLB(line []byte) string {
	if len(line) > 0 && line[0] == ' ' {
		return "line starts with a space"
	}
	first, _, _ := bytes.Cut(line, []byte{' '})
	return clip("unknown type %q", first)
}
