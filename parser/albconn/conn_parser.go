package albconn

import (
	"bytes"
	"fmt"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/internal/tokenize"
)

// Field positions (0-based) after quote-aware tokenising, in the order AWS
// documents them. Newer layouts only ever append fields.
const (
	fTime = iota
	fClientIP
	fClientPort
	fListenerPort
	fTLSProtocol
	fTLSCipher
	fTLSHandshakeLatency
	fCertSubject
	fCertValidity
	fCertSerial
	fTLSVerifyStatus
	fConnTraceID
	fTLSKeyExchange
	fELB
	fNodeIP

	// maxFields is the number of documented fields; later trailing
	// fields are counted, not split.
	maxFields
	// minFields is the shortest layout accepted: the lines of the first
	// examples, which end at tls_verify_status.
	minFields = fTLSVerifyStatus + 1
)

// row is one parsed line. It is reused from line to line: parse overwrites
// every field it reports as present, and the spans index into the current
// line, valid only until the next line is read.
type row struct {
	toks  tokenize.Tokens       // the line's tokens; toks.Need is maxFields
	times bytesconv.MinuteCache // lines of one object share their minute

	time                     int64 // µs since the epoch
	clientPort, listenerPort uint16
	latency                  float64
	latencyOK                bool
	notBefore, notAfter      int64
	validityOK               bool
	// tls_verify_status split at its first ':'.
	statusStart, statusEnd int
	reasonStart, reasonEnd int
	statusOK, reasonOK     bool
}

func isDash(b []byte) bool { return len(b) == 1 && b[0] == '-' }

// parse parses line into r. It returns "" on success or the reason the
// line is rejected. Every typed field present is converted (and so
// validated) whichever columns are built, so that what is accepted never
// depends on the projection.
func (r *row) parse(line []byte) string {
	return r.parseTokens(line, r.toks.Split(line))
}

// parseTokens is parse on a line already tokenized, with the tokenizer's
// reason.
func (r *row) parseTokens(line []byte, reason string) string {
	t := &r.toks
	var ok bool
	if reason != "" || t.N == 0 || t.Start(0) != 0 {
		// The first token as written, up to the first space, tells
		// another format from a bad line of this one; the tokens are not
		// to be trusted after a tokenizing reason.
		first, _, _ := bytes.Cut(line, []byte{' '})
		if _, ok := bytesconv.ParseTimestampMicros(first); !ok {
			return notConn(first)
		}
		if reason != "" {
			return reason
		}
	}
	if r.time, ok = r.times.Parse(t.Field(line, fTime)); !ok {
		return notConn(t.Field(line, fTime))
	}
	if t.N < minFields {
		return fmt.Sprintf("%d fields, want at least %d", t.N, minFields)
	}
	if b := t.Field(line, fClientIP); !isIP(b) {
		return rowbatch.BadField("client_ip", b)
	}
	if r.clientPort, ok = bytesconv.ParseUint16(t.Field(line, fClientPort)); !ok {
		return rowbatch.BadField("client_port", t.Field(line, fClientPort))
	}
	if r.listenerPort, ok = bytesconv.ParseUint16(t.Field(line, fListenerPort)); !ok {
		return rowbatch.BadField("listener_port", t.Field(line, fListenerPort))
	}
	b := t.Field(line, fTLSHandshakeLatency)
	if r.latency, r.latencyOK, ok = parseLatency(b); !ok {
		return rowbatch.BadField("tls_handshake_latency", b)
	}
	b = t.Field(line, fCertValidity)
	if r.notBefore, r.notAfter, r.validityOK, ok = parseValidity(b); !ok {
		return rowbatch.BadField("leaf_client_cert_validity", b)
	}
	if !r.splitVerifyStatus(t.Start(fTLSVerifyStatus), t.End(fTLSVerifyStatus), line) {
		return rowbatch.BadField("tls_verify_status", t.Field(line, fTLSVerifyStatus))
	}
	return ""
}

// parseLatency parses a handshake latency in seconds; "-" gives
// valid=false.
func parseLatency(b []byte) (v float64, valid, ok bool) {
	if v, ok := bytesconv.ParseMilli(b); ok {
		return v, true, true
	}
	if isDash(b) {
		return 0, false, true
	}
	v, ok = bytesconv.ParseFloat64(b)
	if !ok || v < 0 {
		return 0, false, false
	}
	return v, true, true
}

// parseValidity parses "NotBefore=<time>;NotAfter=<time>" (either order);
// "-" gives valid=false.
func parseValidity(b []byte) (notBefore, notAfter int64, valid, ok bool) {
	if isDash(b) {
		return 0, 0, false, true
	}
	first, second, found := bytes.Cut(b, []byte{';'})
	if !found {
		return 0, 0, false, false
	}
	var haveBefore, haveAfter bool
	for _, part := range [2][]byte{first, second} {
		key, val, _ := bytes.Cut(part, []byte{'='})
		t, ok := bytesconv.ParseTimestampMicros(val)
		switch {
		case !ok:
			return 0, 0, false, false
		case string(key) == "NotBefore" && !haveBefore:
			notBefore, haveBefore = t, true
		case string(key) == "NotAfter" && !haveAfter:
			notAfter, haveAfter = t, true
		default:
			return 0, 0, false, false
		}
	}
	return notBefore, notAfter, true, true
}

// splitVerifyStatus splits the tls_verify_status at line[start:end] at its
// first ':' into the status ("Success", "Failed") and the reason code
// after it. "-" gives neither; an empty status is refused.
func (r *row) splitVerifyStatus(start, end int, line []byte) bool {
	b := line[start:end]
	r.statusOK, r.reasonOK = false, false
	if isDash(b) {
		return true
	}
	colon := bytes.IndexByte(b, ':')
	if colon < 0 {
		colon = len(b)
	}
	if colon == 0 {
		return false
	}
	r.statusStart, r.statusEnd, r.statusOK = start, start+colon, true
	if colon+1 < len(b) {
		r.reasonStart, r.reasonEnd, r.reasonOK = start+colon+1, end, true
	}
	return true
}

// notConn says why a line that does not start with a timestamp was
// rejected: its time. Lines of the other formats AWS writes get a reason
// naming theirs from input.Scan, which knows every decoder.
func notConn(time []byte) string { return rowbatch.BadField("time", time) }
