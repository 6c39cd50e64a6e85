package albhealth

import (
	"bytes"
	"fmt"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/internal/tokenize"
)

// Field positions (0-based), in the order AWS documents them. The earlier
// layout ends after reason_code; new fields are only ever appended.
const (
	fType = iota
	fTime
	fLatency
	fTarget
	fTargetGroup
	fStatus
	fStatusCode
	fReasonCode
	fELB
	fNodeIP

	// maxFields is the number of documented fields; the tokenizer finds
	// the bounds of no more (tokenize.Tokens.Need), and the fields after
	// them are ignored.
	maxFields
	// minFields is the shortest layout accepted: the earlier page's eight
	// fields, which the examples of both pages still show.
	minFields = fReasonCode + 1
)

// span is a byte range of the line.
type span struct{ start, end int }

// row is one parsed line. It is reused from line to line: parse overwrites
// every value it reports as present, and the spans and tokens index into
// the current line, valid only until the next line is read.
type row struct {
	toks tokenize.Tokens

	time         int64 // µs since the epoch
	latency      int64 // ns
	latencyOK    bool
	target       span // the whole target_addr token
	targetIP     span
	targetPort   uint16
	ipTarget     bool // targetIP and targetPort are set
	arnTarget    bool // target is a Lambda function's ARN
	statusCode   uint16
	statusCodeOK bool
}

func newRow() row {
	var r row
	r.toks.Need = maxFields
	return r
}

func (r *row) field(line []byte, f int) []byte { return r.toks.Field(line, f) }

func isDash(b []byte) bool { return len(b) == 1 && b[0] == '-' }

// parse splits line and parses it into r. It returns "" on success or the
// reason the line is rejected.
func (r *row) parse(line []byte) string {
	return r.parseTokens(line, r.toks.Split(line))
}

// parseTokens parses a line already split, with the tokenizer's reason.
// Every typed field is converted, so validated, whichever columns are
// built.
func (r *row) parseTokens(line []byte, reason string) string {
	// Lines of the other formats AWS writes get a reason naming theirs
	// from input.Scan, which knows every decoder.
	if reason != "" {
		return reason
	}
	if r.toks.N < minFields {
		return fmtFields(r.toks.N)
	}
	var ok bool
	if r.time, ok = bytesconv.ParseTimestampMicros(r.field(line, fTime)); !ok {
		return rowbatch.BadField("time", r.field(line, fTime))
	}
	if r.latency, r.latencyOK, ok = parseLatency(r.field(line, fLatency)); !ok {
		return rowbatch.BadField("latency", r.field(line, fLatency))
	}
	if reason := r.parseTarget(line); reason != "" {
		return reason
	}
	if s := r.field(line, fStatus); string(s) != StatusPass && string(s) != StatusFail {
		return rowbatch.BadField("status", s)
	}
	r.statusCodeOK = false
	if b := r.field(line, fStatusCode); !isDash(b) {
		if r.statusCode, ok = bytesconv.ParseUint16(b); !ok {
			return rowbatch.BadField("status_code", b)
		}
		r.statusCodeOK = true
	}
	return ""
}

func fmtFields(n int) string { return fmt.Sprintf("%d fields, want at least %d", n, minFields) }

// parseLatency parses the check's duration in seconds; "-" and -1 mean it
// is not known and give valid=false.
func parseLatency(b []byte) (ns int64, valid, ok bool) {
	if ns, ok := bytesconv.ParseSecondsNanos(b); ok {
		return ns, true, true
	}
	if isDash(b) || string(b) == "-1" {
		return 0, false, true
	}
	return 0, false, false
}

// parseTarget splits target_addr: ip:port (IPv6 written bare, so split at
// the last ':'; brackets are dropped if present), a Lambda function's ARN,
// or "-".
func (r *row) parseTarget(line []byte) string {
	t := span{r.toks.Start(fTarget), r.toks.End(fTarget)}
	b := line[t.start:t.end]
	r.target = t
	r.ipTarget, r.arnTarget = false, false
	switch {
	case isDash(b):
		return ""
	case bytes.HasPrefix(b, []byte("arn:")):
		r.arnTarget = true
		return ""
	}
	i := bytes.LastIndexByte(b, ':')
	if i <= 0 {
		return rowbatch.BadField("target address", b)
	}
	port, ok := bytesconv.ParseUint16(b[i+1:])
	if !ok {
		return rowbatch.BadField("target port", b)
	}
	ip := span{t.start, t.start + i}
	if b[0] == '[' && b[i-1] == ']' && i > 2 {
		ip = span{ip.start + 1, ip.end - 1}
	}
	r.targetIP, r.targetPort, r.ipTarget = ip, port, true
	return ""
}
