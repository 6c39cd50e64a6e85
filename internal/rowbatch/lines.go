package rowbatch

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/lbtriage/lbtriage/internal/tokenize"
	"github.com/lbtriage/lbtriage/parser"
)

// Lines is the line side of a reader: it reads the lines, counts them, and
// rejects those that are no rows (too long, cut short, or refused by the
// decoder's parse) through Options.OnReject. Its Stats always reconcile:
// Lines = Parsed + Rejected + Comments.
type Lines struct {
	lr       *parser.LineReader
	source   string
	onReject func(*parser.LineError)
	tooLong  string
	stats    parser.Stats
	minT     int64
	maxT     int64
	pending  bool // Next returns the current line again
	ended    bool // the input is read to its end or to a read error
	err      error
}

// NewLines returns the Lines of r for a reader set up with opts (see
// Setup).
func NewLines(r io.Reader, opts parser.Options) *Lines {
	return &Lines{
		lr:       parser.NewLineReader(r, opts.MaxLineBytes),
		source:   opts.Source.Name,
		onReject: opts.OnReject,
		tooLong:  fmt.Sprintf("line longer than %d bytes", opts.MaxLineBytes),
	}
}

// Next returns the next line that may be a row, and counts it. It passes
// over what is not: a line too long or cut short by a read error is
// rejected, and a blank or comment line (IsComment) counted as a comment.
// toks, when not nil, splits the line first if it can while finding its
// end (tokenize.Tokens.SplitLine): split then reports that toks holds the
// line's tokens. ok is false at the end of the input or after a read
// error, which Err then reports. The line is valid until the next call.
func (l *Lines) Next(toks *tokenize.Tokens) (line []byte, split, ok bool) {
	for !l.ended {
		switch {
		case l.pending:
			l.pending = false
		case toks != nil:
			if length, ok := toks.SplitLine(l.lr.Buffered()); ok {
				l.lr.Take(length)
				split = true
				break
			}
			fallthrough
		default:
			if !l.lr.Next() {
				l.finish()
				return nil, false, false
			}
		}
		line = l.lr.Line()
		l.stats.Lines++
		if !split {
			switch l.lr.Status() {
			case parser.LineTooLong:
				l.Reject(l.tooLong, line)
				continue
			case parser.LineCut:
				l.Reject("line cut short by a read error", line)
				continue
			}
		}
		if IsComment(line) {
			l.stats.Comments++
			split = false
			continue
		}
		return line, split, true
	}
	return nil, false, false
}

// Unread puts back the line Next returned, uncounted, for the next call
// to return again (not split): it opens the next batch.
func (l *Lines) Unread() {
	l.pending = true
	l.stats.Lines--
}

// Reject rejects the line Next returned, with reason.
func (l *Lines) Reject(reason string, line []byte) {
	l.stats.Rejected++
	if l.onReject != nil {
		l.onReject(parser.NewLineError(l.source, l.lr.Num(), reason, line))
	}
}

// Count counts the line Next returned as a row whose time is t, in
// microseconds since the epoch.
func (l *Lines) Count(t int64) {
	if l.stats.Parsed == 0 || t < l.minT {
		l.minT = t
	}
	if l.stats.Parsed == 0 || t > l.maxT {
		l.maxT = t
	}
	l.stats.Parsed++
}

func (l *Lines) finish() {
	l.ended = true
	if err := l.lr.Err(); err != nil {
		name := l.source
		if name == "" {
			name = "input"
		}
		l.err = fmt.Errorf("read %s: %w", name, err)
	}
}

// Err returns the read error that ended the input early, wrapped with the
// source name, or nil.
func (l *Lines) Err() error { return l.err }

// Stats returns the counts so far; MinTime and MaxTime bound the times
// counted.
func (l *Lines) Stats() parser.Stats {
	s := l.stats
	s.Bytes = l.lr.Bytes()
	if s.Parsed > 0 {
		s.MinTime = time.UnixMicro(l.minT).UTC()
		s.MaxTime = time.UnixMicro(l.maxT).UTC()
	}
	return s
}

// BadField is the reason to reject a line whose field name holds b, which
// it quotes, cut to 40 bytes: `bad client port "x"`.
func BadField(name string, b []byte) string {
	const max = 40
	if len(b) > max {
		return fmt.Sprintf("bad %s %q...", name, b[:max])
	}
	return fmt.Sprintf("bad %s %q", name, b)
}

// IsComment reports whether line is blank (only spaces and tabs) or a
// comment: its first byte other than a space or tab is '#'. No line of a
// log AWS writes starts with either, so every line decoder counts them as comments, not
// rejects (a lone "#" heading an object costs none of its lines).
func IsComment(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' {
			return c == '#'
		}
	}
	return true
}

// CountLines returns how many lines of head match reports as lines of a
// decoder's format, for its Sniff. A line is given without its '\n' (a
// '\r' before it is kept); the last line of head may be cut short.
func CountLines(head []byte, match func(line []byte) bool) int {
	n := 0
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		if match(line) {
			n++
		}
	}
	return n
}
