package albhealth

import (
	"bytes"
	"fmt"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
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

	// maxFields is the number of documented fields; fields after them are
	// ignored without being scanned.
	maxFields
	// minFields is the shortest layout accepted: the earlier page's eight
	// fields, which the examples of both pages still show.
	minFields = fReasonCode + 1
)

// span is a token's position in the line.
type span struct{ start, end int }

// row is one parsed line. It is reused from line to line: parse overwrites
// every value it reports as present, and the spans point into the current
// line, valid only until the next line is read.
type row struct {
	nf  int // tokens found, at most maxFields
	tok [maxFields]span

	time         int64 // µs since the epoch
	latency      int64 // ns
	latencyOK    bool
	targetIP     span
	targetPort   uint16
	ipTarget     bool // target_ip and target_port are set
	arnTarget    bool // tok[fTarget] is a Lambda function's ARN
	statusCode   uint16
	statusCodeOK bool
	groupOK      bool
	reasonOK     bool
	elbOK        bool
	nodeOK       bool
}

func (r *row) field(line []byte, f int) []byte { return line[r.tok[f].start:r.tok[f].end] }

// tokenize finds the first maxFields tokens of line, separated by runs of
// spaces.
func (r *row) tokenize(line []byte) {
	r.nf = 0
	i := 0
	for r.nf < maxFields {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i == len(line) {
			return
		}
		j := bytes.IndexByte(line[i:], ' ')
		if j < 0 {
			j = len(line) - i
		}
		r.tok[r.nf] = span{i, i + j}
		r.nf++
		i += j
	}
}

func isDash(b []byte) bool { return len(b) == 1 && b[0] == '-' }

// parse parses line, with its line ending and trailing blanks removed, into
// r. It returns "" on success or the reason the line is rejected. Every
// typed field is converted, so validated, whichever columns are built.
func (r *row) parse(line []byte) string {
	r.tokenize(line)
	if r.nf < minFields {
		if reason := otherFormat(line); reason != "" {
			return reason
		}
		return fmt.Sprintf("%d fields, want at least %d", r.nf, minFields)
	}
	var ok bool
	if r.time, ok = bytesconv.ParseTimestampMicros(r.field(line, fTime)); !ok {
		return notHealth(line, "time", r.field(line, fTime))
	}
	if r.latency, r.latencyOK, ok = parseLatency(r.field(line, fLatency)); !ok {
		return notHealth(line, "latency", r.field(line, fLatency))
	}
	if reason := r.parseTarget(line); reason != "" {
		return reason
	}
	r.groupOK = !isDash(r.field(line, fTargetGroup))
	if s := r.field(line, fStatus); string(s) != StatusPass && string(s) != StatusFail {
		return badField("status", s)
	}
	if b := r.field(line, fStatusCode); isDash(b) {
		r.statusCodeOK = false
	} else if r.statusCode, ok = bytesconv.ParseUint16(b); !ok {
		return badField("status_code", b)
	} else {
		r.statusCodeOK = true
	}
	r.reasonOK = !isDash(r.field(line, fReasonCode))
	r.elbOK = r.nf > fELB && !isDash(r.field(line, fELB))
	r.nodeOK = r.nf > fNodeIP && !isDash(r.field(line, fNodeIP))
	return ""
}

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
	t := r.tok[fTarget]
	b := line[t.start:t.end]
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
		return badField("target address", b)
	}
	port, ok := bytesconv.ParseUint16(b[i+1:])
	if !ok {
		return badField("target port", b)
	}
	ip := span{t.start, t.start + i}
	if b[0] == '[' && b[i-1] == ']' && i > 2 {
		ip = span{ip.start + 1, ip.end - 1}
	}
	r.targetIP, r.targetPort, r.ipTarget = ip, port, true
	return ""
}

func badField(name string, b []byte) string {
	const max = 40
	if len(b) > max {
		return fmt.Sprintf("bad %s %q...", name, b[:max])
	}
	return fmt.Sprintf("bad %s %q", name, b)
}

// notHealth explains why a line whose time or latency field is bad was
// rejected: the format it looks like when it is one AWS also writes, or
// else the bad field.
func notHealth(line []byte, name string, b []byte) string {
	if reason := otherFormat(line); reason != "" {
		return reason
	}
	return badField(name, b)
}

// otherFormat names the log format line belongs to when it is another one
// AWS writes, and returns "" otherwise.
func otherFormat(line []byte) string {
	const not = ", not an ALB health-check line"
	if len(line) > 0 && line[0] == '#' {
		return "header line of another format (CloudFront?)" + not
	}
	if len(line) >= 11 && line[4] == '-' && line[7] == '-' && line[10] == '\t' {
		return "CloudFront access-log line" + not
	}
	var r row
	r.tokenize(line)
	if r.nf < 3 {
		return ""
	}
	first, second, third := r.field(line, 0), r.field(line, 1), r.field(line, 2)
	switch {
	case string(first) == "tls" && (string(second) == "1.0" || string(second) == "2.0"):
		return "NLB access-log line" + not
	case isTimestamp(first):
		// ALB connection log: "time client_ip client_port listener_port ...";
		// CLB: "time elb client:port backend:port ...".
		if _, isPort := bytesconv.ParseUint16(third); isPort && bytes.IndexByte(second, '/') < 0 {
			return "ALB connection-log line" + not
		}
		return "Classic Load Balancer access-log line" + not
	case isTimestamp(second) && bytes.IndexByte(third, '/') > 0:
		// "type time elb client:port ...", elb being "app/name/id".
		return "ALB access-log line" + not
	}
	return ""
}

func isTimestamp(b []byte) bool {
	_, ok := bytesconv.ParseTimestampMicros(b)
	return ok
}
