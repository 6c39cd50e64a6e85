package alb

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
	fType = iota
	fTime
	fELB
	fClient
	fTarget
	fRequestProcessingTime
	fTargetProcessingTime
	fResponseProcessingTime
	fELBStatusCode
	fTargetStatusCode
	fReceivedBytes
	fSentBytes
	fRequest
	fUserAgent
	fSSLCipher
	fSSLProtocol
	fTargetGroupARN
	fTraceID
	fDomainName
	fChosenCertARN
	fMatchedRulePriority
	fRequestCreationTime
	fActionsExecuted
	fRedirectURL
	fErrorReason
	fTargetPortList
	fTargetStatusCodeList
	fClassification
	fClassificationReason
	fConnTraceID
	fTransformedHost
	fTransformedURI
	fRequestTransformStatus

	// maxFields is the number of documented fields; later trailing fields
	// are ignored without being scanned.
	maxFields
	// minFields is the shortest layout accepted: the 2016 layout cut after
	// ssl_protocol, as early ALB lines and several peers' fixtures are.
	minFields = fSSLProtocol + 1
)

// span is a token's position in the line, quotes excluded.
type span struct{ start, end int }

// The tokenizer finds no more tokens than there are ALB fields.
const _ = uint(tokenize.MaxFields - maxFields)

// row is one parsed line. It is reused from line to line: parse overwrites
// every field it reports as present, and the byte views (tok, spans) point
// into the current line, valid only until the next line is read.
type row struct {
	// The line's tokens, at most maxFields. toks.Need is how many fields
	// the tokenizer must find the bounds of; past them it only counts.
	toks tokenize.Tokens

	time                   int64 // µs since the epoch
	clientIP               span
	clientPort             uint16
	hasTarget              bool
	targetIP               span
	targetPort             uint16
	timing                 [3]float64
	timingOK               [3]bool
	elbStatus, targetState uint16
	elbStatusOK, targetOK  bool
	received, sent         int64
	receivedOK, sentOK     bool
	priority               int32
	priorityOK             bool
	created                int64
	createdOK              bool

	// Lines of one object share their minute.
	times bytesconv.MinuteCache

	// The request split, filled only when a request column is built.
	method, url, proto span
	methodOK, urlOK    bool
	protoOK            bool
}

// tok returns the bounds of token f.
func (r *row) tok(f int) span {
	return span{r.toks.Start(f), r.toks.End(f)}
}

func (r *row) field(line []byte, f int) []byte {
	return r.toks.Field(line, f)
}

func isDash(b []byte) bool { return len(b) == 1 && b[0] == '-' }

// validType reports whether b is one of the request types ALB logs.
func validType(b []byte) bool {
	switch string(b) {
	case "http", "https", "h2", "grpcs", "ws", "wss":
		return true
	}
	return false
}

// parse parses line into r. It returns "" on success or the reason the line
// is rejected. Every typed field present is converted (and so validated)
// whichever columns are built, so that what is accepted never depends on
// the projection. splitRequest asks for the request field to be split.
func (r *row) parse(line []byte, splitRequest bool) string {
	return r.parseTokens(line, r.toks.Split(line), splitRequest)
}

// parseTokens is parse on a line already tokenized, with the tokenizer's
// reason.
func (r *row) parseTokens(line []byte, reason string, splitRequest bool) string {
	// The type is checked on the first token as written, up to the first
	// space, before any tokenizing reason; a bare first token is that.
	if reason != "" || r.toks.N == 0 || r.toks.Start(0) != 0 || !validType(line[:r.toks.End(0)]) {
		first := line
		if sp := bytes.IndexByte(line, ' '); sp >= 0 {
			first = line[:sp]
		}
		if !validType(first) {
			return notALB(first)
		}
		if reason != "" {
			return reason
		}
	}
	if r.toks.N < minFields {
		return fmt.Sprintf("%d fields, want at least %d", r.toks.N, minFields)
	}
	var ok bool
	if r.time, ok = r.parseTime(r.field(line, fTime)); !ok {
		return rowbatch.BadField("time", r.field(line, fTime))
	}
	// client:port; IPv6 is written without brackets, so split at the last ':'.
	c := r.tok(fClient)
	i := bytes.LastIndexByte(line[c.start:c.end], ':')
	if i <= 0 {
		return rowbatch.BadField("client address", line[c.start:c.end])
	}
	r.clientIP = span{c.start, c.start + i}
	if r.clientPort, ok = bytesconv.ParseUint16(line[c.start+i+1 : c.end]); !ok {
		return rowbatch.BadField("client port", line[c.start:c.end])
	}
	t := r.tok(fTarget)
	r.hasTarget = !isDash(line[t.start:t.end])
	if r.hasTarget {
		i := bytes.LastIndexByte(line[t.start:t.end], ':')
		if i <= 0 {
			return rowbatch.BadField("target address", line[t.start:t.end])
		}
		r.targetIP = span{t.start, t.start + i}
		if r.targetPort, ok = bytesconv.ParseUint16(line[t.start+i+1 : t.end]); !ok {
			return rowbatch.BadField("target port", line[t.start:t.end])
		}
	}
	for k := 0; k < 3; k++ {
		b := r.field(line, fRequestProcessingTime+k)
		if r.timing[k], r.timingOK[k], ok = parseTiming(b); !ok {
			return rowbatch.BadField(timingNames[k], b)
		}
	}
	if r.elbStatus, r.elbStatusOK, ok = parseStatus(r.field(line, fELBStatusCode)); !ok {
		return rowbatch.BadField("elb_status_code", r.field(line, fELBStatusCode))
	}
	if r.targetState, r.targetOK, ok = parseStatus(r.field(line, fTargetStatusCode)); !ok {
		return rowbatch.BadField("target_status_code", r.field(line, fTargetStatusCode))
	}
	if r.received, r.receivedOK, ok = parseBytes(r.field(line, fReceivedBytes)); !ok {
		return rowbatch.BadField("received_bytes", r.field(line, fReceivedBytes))
	}
	if r.sent, r.sentOK, ok = parseBytes(r.field(line, fSentBytes)); !ok {
		return rowbatch.BadField("sent_bytes", r.field(line, fSentBytes))
	}
	r.priorityOK = false
	if r.toks.N > fMatchedRulePriority {
		if b := r.field(line, fMatchedRulePriority); !isDash(b) {
			if r.priority, ok = bytesconv.ParseInt32(b); !ok {
				return rowbatch.BadField("matched_rule_priority", b)
			}
			r.priorityOK = true
		}
	}
	r.createdOK = false
	if r.toks.N > fRequestCreationTime {
		if b := r.field(line, fRequestCreationTime); !isDash(b) {
			if r.created, ok = r.parseTime(b); !ok {
				return rowbatch.BadField("request_creation_time", b)
			}
			r.createdOK = true
		}
	}
	if splitRequest {
		r.splitRequest(line)
	}
	return ""
}

// parseTime parses an ALB timestamp.
func (r *row) parseTime(b []byte) (int64, bool) { return r.times.Parse(b) }

var timingNames = [3]string{"request_processing_time", "target_processing_time", "response_processing_time"}

// parseTiming parses a processing time in seconds; -1 (and "-") mean the
// time is not known and give valid=false.
func parseTiming(b []byte) (v float64, valid, ok bool) {
	// Fast path for the shape ALB writes: "0.001".
	if v, ok := bytesconv.ParseMilli(b); ok {
		return v, true, true
	}
	return parseTimingSlow(b)
}

func parseTimingSlow(b []byte) (v float64, valid, ok bool) {
	if len(b) == 2 && b[0] == '-' && b[1] == '1' || isDash(b) {
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

func parseStatus(b []byte) (v uint16, valid, ok bool) {
	if isDash(b) {
		return 0, false, true
	}
	v, ok = bytesconv.ParseUint16(b)
	return v, ok, ok
}

func parseBytes(b []byte) (v int64, valid, ok bool) {
	if isDash(b) {
		return 0, false, true
	}
	v, ok = bytesconv.ParseInt64(b)
	return v, ok, ok
}

// splitRequest splits the request field as method = first word, protocol =
// last word, URL = everything between, so raw spaces in the URL survive.
// Trailing spaces are dropped first ("GET /x HTTP/1.0 " has protocol
// HTTP/1.0). A request with only two words has no protocol. "-" and empty
// parts are null, which turns the malformed "- http://host:80- " into a null
// method, the URL as written and a null protocol.
func (r *row) splitRequest(line []byte) {
	s := r.tok(fRequest)
	end := s.end
	for end > s.start && line[end-1] == ' ' {
		end--
	}
	req := line[s.start:end]
	r.methodOK, r.urlOK, r.protoOK = false, false, false
	sp := bytes.IndexByte(req, ' ')
	if sp < 0 {
		r.method = span{s.start, end}
		r.methodOK = len(req) > 0 && !isDash(req)
		return
	}
	r.method = span{s.start, s.start + sp}
	r.methodOK = !isDash(req[:sp]) && sp > 0
	rest := s.start + sp + 1
	for rest < end && line[rest] == ' ' {
		rest++
	}
	last := bytes.LastIndexByte(line[rest:end], ' ')
	if last < 0 {
		r.url = span{rest, end}
	} else {
		r.url = span{rest, rest + last}
		r.proto = span{rest + last + 1, end}
		p := line[r.proto.start:r.proto.end]
		r.protoOK = len(p) > 0 && !isDash(p)
	}
	u := line[r.url.start:r.url.end]
	r.urlOK = len(u) > 0 && !isDash(u)
}

// notALB says why a line whose first token is no ALB request type was
// rejected. Lines of the other formats AWS writes get a reason naming
// theirs from input.Scan, which knows every decoder.
func notALB(first []byte) string {
	const max = 20
	if len(first) > max {
		return fmt.Sprintf("unknown type %q...", first[:max])
	}
	return fmt.Sprintf("unknown type %q", first)
}
