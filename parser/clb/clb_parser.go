package clb

import (
	"bytes"
	"fmt"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
	"github.com/lbtriage/lbtriage/internal/elblog"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/internal/tokenize"
)

// Field positions (0-based) after quote-aware tokenising, in the order AWS
// documents them.
const (
	fTime = iota
	fELB
	fClient
	fBackend
	fRequestProcessingTime
	fBackendProcessingTime
	fResponseProcessingTime
	fELBStatusCode
	fBackendStatusCode
	fReceivedBytes
	fSentBytes
	fRequest
	fUserAgent
	fSSLCipher
	fSSLProtocol

	// numFields is the number of documented fields; later trailing fields
	// (some copies of CLB logs carry ALB-style ones) are ignored.
	numFields
	// minFields is the shortest layout accepted: lines written before
	// user_agent and the TLS fields were added (2015), which end at the
	// request.
	minFields = fRequest + 1
)

// row is one parsed line. It is reused from line to line: parse overwrites
// every field it reports as present, and the byte views (the tokens, the
// spans) point into the current line, valid only until the next line is
// read.
type row struct {
	toks tokenize.Tokens

	time int64 // µs since the epoch
	// The fields from the client to sent_bytes; the target is the
	// backend.
	elblog.Fields
	listener []byte // one of the listeners below

	times bytesconv.MinuteCache // the lines of one object share their minute
	// The request split, filled only when a request or the listener
	// column is built.
	req elblog.Request
}

var (
	listenerHTTP  = []byte(ListenerHTTP)
	listenerHTTPS = []byte(ListenerHTTPS)
	listenerTCP   = []byte(ListenerTCP)
	listenerSSL   = []byte(ListenerSSL)
)

// names are the Classic names of elblog.Fields. A status of 0 is what
// some lines write for "no answer" (a 503 without an instance has
// backend_status_code 0): it is no status.
var names = elblog.Names{
	Target:       "backend",
	Timing:       [3]string{"request_processing_time", "backend_processing_time", "response_processing_time"},
	TargetStatus: "backend_status_code",
	ZeroStatus:   true,
}

func (r *row) field(line []byte, f int) []byte { return r.toks.Field(line, f) }

// parse parses line into r. It returns "" on success or the reason the line
// is rejected. Every typed field is converted (and so validated) whichever
// columns are built, so that what is accepted never depends on the
// projection. split asks for the request field to be split and the
// listener to be told.
func (r *row) parse(line []byte, split bool) string {
	return r.parseTokens(line, r.toks.Split(line), split)
}

// parseTokens is parse on a line already tokenized, with the tokenizer's
// reason.
func (r *row) parseTokens(line []byte, reason string, split bool) string {
	// The time is checked on the first token as written, up to the first
	// space, before any tokenizing reason: a line that does not start with
	// one is no Classic line.
	first := line
	if sp := bytes.IndexByte(line, ' '); sp >= 0 {
		first = line[:sp]
	}
	var ok bool
	if r.time, ok = r.times.Parse(first); !ok {
		// Lines of the other formats AWS writes get a reason naming
		// theirs from input.Scan, which knows every decoder.
		return rowbatch.BadField("time", first)
	}
	if reason != "" {
		return reason
	}
	if r.toks.N < minFields {
		return fmt.Sprintf("%d fields, want at least %d", r.toks.N, minFields)
	}
	if reason := r.Fields.Parse(line, &r.toks, fClient, &names); reason != "" {
		return reason
	}
	if split {
		r.req.Split(line, elblog.SpanOf(&r.toks, fRequest))
		r.listener = r.tellListener(line)
	}
	return ""
}

// tellListener tells the listener from the line: a TCP or SSL listener
// writes no status and the request "- - - "; of those, SSL lines name the
// cipher negotiated. An HTTP or HTTPS listener writes the URL with its
// scheme; without one (a malformed request), a cipher tells HTTPS. An SSL
// listener whose TLS handshake failed writes no cipher and counts as TCP.
func (r *row) tellListener(line []byte) []byte {
	tls := r.toks.N > fSSLCipher && !elblog.IsDash(r.field(line, fSSLCipher))
	if elblog.IsDash(r.field(line, fELBStatusCode)) && !r.req.MethodOK && !r.req.URLOK && !r.req.ProtoOK {
		if tls {
			return listenerSSL
		}
		return listenerTCP
	}
	if r.req.URLOK {
		u := line[r.req.URL.Start:r.req.URL.End]
		switch {
		case bytes.HasPrefix(u, []byte("https://")):
			return listenerHTTPS
		case bytes.HasPrefix(u, []byte("http://")):
			return listenerHTTP
		}
	}
	if tls {
		return listenerHTTPS
	}
	return listenerHTTP
}
