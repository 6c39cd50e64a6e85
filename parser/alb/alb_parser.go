package alb

import (
	"bytes"
	"fmt"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
	"github.com/lbtriage/lbtriage/internal/elblog"
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

// The tokenizer finds no more tokens than there are ALB fields.
const _ = uint(tokenize.MaxFields - maxFields)

// row is one parsed line. It is reused from line to line: parse overwrites
// every field it reports as present, and the byte views (tok, spans) point
// into the current line, valid only until the next line is read.
type row struct {
	// The line's tokens, at most maxFields. toks.Need is how many fields
	// the tokenizer must find the bounds of; past them it only counts.
	toks tokenize.Tokens

	time int64 // µs since the epoch
	// The fields from the client to sent_bytes.
	elblog.Fields
	priority   int32
	priorityOK bool
	created    int64
	createdOK  bool

	times bytesconv.MinuteCache // the lines of one object share their minute
	// The request split, filled only when a request column is built.
	req elblog.Request
}

func (r *row) field(line []byte, f int) []byte {
	return r.toks.Field(line, f)
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
	if reason != "" || r.toks.N == 0 || r.toks.Start(0) != 0 || !elblog.IsALBType(line[:r.toks.End(0)]) {
		first := line
		if sp := bytes.IndexByte(line, ' '); sp >= 0 {
			first = line[:sp]
		}
		if !elblog.IsALBType(first) {
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
	if r.time, ok = r.times.Parse(r.field(line, fTime)); !ok {
		return rowbatch.BadField("time", r.field(line, fTime))
	}
	if reason := r.Fields.Parse(line, &r.toks, fClient, &names); reason != "" {
		return reason
	}
	r.priorityOK = false
	if r.toks.N > fMatchedRulePriority {
		if b := r.field(line, fMatchedRulePriority); !elblog.IsDash(b) {
			if r.priority, ok = bytesconv.ParseInt32(b); !ok {
				return rowbatch.BadField("matched_rule_priority", b)
			}
			r.priorityOK = true
		}
	}
	r.createdOK = false
	if r.toks.N > fRequestCreationTime {
		if b := r.field(line, fRequestCreationTime); !elblog.IsDash(b) {
			if r.created, ok = r.times.Parse(b); !ok {
				return rowbatch.BadField("request_creation_time", b)
			}
			r.createdOK = true
		}
	}
	if splitRequest {
		r.req.Split(line, elblog.SpanOf(&r.toks, fRequest))
	}
	return ""
}

// names are ALB's names of elblog.Fields.
var names = elblog.Names{
	Target:       "target",
	Timing:       [3]string{"request_processing_time", "target_processing_time", "response_processing_time"},
	TargetStatus: "target_status_code",
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
