package parser

import (
	"bytes"
	"errors"
	"io"
)

// LineStatus says how a line read by LineReader ended.
type LineStatus uint8

const (
	// LineOK is a whole line, ended by "\n" or by a clean end of stream.
	LineOK LineStatus = iota
	// LineTooLong is a line longer than the reader's limit; Line returns its
	// first bytes only and the rest was skipped.
	LineTooLong
	// LineCut is the last line of a stream that ended with a read error
	// before its newline: it is incomplete.
	LineCut
)

// LineReader reads lines from an io.Reader into one reused buffer and hands
// out sub-slices of it, without bufio.Scanner's 64 KiB limit: lines up to
// max bytes are returned whole, longer ones are skipped and reported as
// LineTooLong with their first bytes kept for the error message.
type LineReader struct {
	r       io.Reader
	buf     []byte
	start   int // first unread byte in buf
	scanned int // buf[start:scanned] holds no '\n'
	end     int // end of valid data in buf
	max     int
	err     error // the error that ended the stream; io.EOF for a clean end
	line    []byte
	status  LineStatus
	num     int64
	bytes   int64
	tooLong []byte
	// inPlace: buf is a Block's text, read where it is; its end is
	// the end of the input, with err set.
	inPlace bool
}

// initialLineBuffer is the buffer a LineReader starts with; it grows only
// for a longer line. It is small enough to stay in a core's L1 data cache
// beside the parser's own state, so the lines copied in are read from
// there: parsing ALB lines ran 6% faster than with 64 KiB (365 against
// 390 ns a line), and the reads from the source are still tens of lines
// long.
const initialLineBuffer = 16 << 10

// NewLineReader returns a LineReader over r with lines capped at max bytes
// (DefaultMaxLineBytes when max <= 0). Over a *Block, it numbers the lines
// from Block.Line+1, and reads the block's text in place unless it has a
// Rest.
func NewLineReader(r io.Reader, max int) *LineReader {
	if max <= 0 {
		max = DefaultMaxLineBytes
	}
	if b, ok := r.(*Block); ok && b.Rest != nil {
		lr := NewLineReader(struct{ io.Reader }{b}, max)
		lr.num = b.Line
		return lr
	}
	if b, ok := r.(*Block); ok {
		err := b.Err
		if err == nil {
			err = io.EOF
		}
		return &LineReader{r: b, buf: b.Text, end: len(b.Text), max: max, err: err, num: b.Line, inPlace: true}
	}
	n := initialLineBuffer
	if n > max+1 {
		n = max + 1
	}
	return &LineReader{r: r, buf: make([]byte, n), max: max}
}

// Next advances to the next line and reports whether there is one.
func (lr *LineReader) Next() bool {
	if lr.inPlace {
		return lr.nextInPlace()
	}
	for {
		if i := bytes.IndexByte(lr.buf[lr.scanned:lr.end], '\n'); i >= 0 {
			nl := lr.scanned + i
			lr.emit(lr.buf[lr.start:nl], LineOK, nl+1-lr.start)
			lr.start = nl + 1
			lr.scanned = lr.start
			return true
		}
		lr.scanned = lr.end
		if lr.err != nil {
			if lr.start == lr.end {
				return false
			}
			st := LineOK
			if lr.err != io.EOF {
				st = LineCut
			}
			lr.emit(lr.buf[lr.start:lr.end], st, lr.end-lr.start)
			lr.start, lr.scanned = lr.end, lr.end
			return true
		}
		if lr.end-lr.start > lr.max {
			return lr.skipLong()
		}
		lr.fill()
	}
}

// nextInPlace is Next over a Block's text, all of it in buf: the lines are
// those a LineReader reading the text through a buffer would return.
// Such a reader holds at most max+1 bytes, so a line longer than max is
// LineTooLong whether or not its '\n' is in buf.
func (lr *LineReader) nextInPlace() bool {
	if lr.start == lr.end {
		return false
	}
	rest := lr.buf[lr.start:lr.end]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		if i > lr.max {
			lr.inPlaceTooLong(i + 1)
			return true
		}
		lr.emit(rest[:i], LineOK, i+1)
		lr.start += i + 1
		return true
	}
	if len(rest) > lr.max {
		lr.inPlaceTooLong(len(rest))
		return true
	}
	st := LineOK
	if lr.err != io.EOF {
		st = LineCut
	}
	lr.emit(rest, st, len(rest))
	lr.start = lr.end
	return true
}

// inPlaceTooLong hands out the next n bytes as a line too long.
func (lr *LineReader) inPlaceTooLong(n int) {
	lr.tooLong = append(lr.tooLong[:0], lr.buf[lr.start:lr.start+min(SnippetBytes, n)]...)
	lr.start += n
	lr.emit(lr.tooLong, LineTooLong, n)
}

// Buffered returns the bytes read from the source and not handed out yet:
// the start of the next line, or more. A caller that finds a whole line in
// them, ended by '\n', takes it with Take instead of calling Next, which
// would search for the '\n' again. It is valid until the next call to Next
// or Take. It holds at most max+1 bytes, so a line found in it is never
// too long.
func (lr *LineReader) Buffered() []byte {
	if lr.inPlace {
		return lr.buf[lr.start:min(lr.end, lr.start+lr.max+1)]
	}
	return lr.buf[lr.start:lr.end]
}

// Take hands out the first n bytes of Buffered as the current line, as Next
// would, and consumes the '\n' after them, which must be there: it panics
// otherwise. It does not strip a '\r' before the '\n'; a caller leaves
// such lines to Next.
func (lr *LineReader) Take(n int) {
	nl := lr.start + n
	if lr.buf[nl] != '\n' {
		panic("parser: LineReader.Take: no newline after the line")
	}
	lr.line, lr.status = lr.buf[lr.start:nl], LineOK
	lr.num++
	lr.bytes += int64(n + 1)
	lr.start = nl + 1
	lr.scanned = lr.start
}

func (lr *LineReader) emit(line []byte, st LineStatus, consumed int) {
	if st != LineTooLong && len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	lr.line, lr.status = line, st
	lr.num++
	lr.bytes += int64(consumed)
}

// skipLong keeps the first SnippetBytes of an over-long line and discards the
// rest up to and including its newline.
func (lr *LineReader) skipLong() bool {
	keep := min(SnippetBytes, lr.end-lr.start)
	lr.tooLong = append(lr.tooLong[:0], lr.buf[lr.start:lr.start+keep]...)
	consumed := 0
	for {
		if i := bytes.IndexByte(lr.buf[lr.start:lr.end], '\n'); i >= 0 {
			consumed += i + 1
			lr.start += i + 1
			break
		}
		consumed += lr.end - lr.start
		lr.start, lr.end = 0, 0
		if lr.err != nil {
			break
		}
		lr.fill()
	}
	lr.scanned = lr.start
	lr.emit(lr.tooLong, LineTooLong, consumed)
	return true
}

// fill reads more data, first moving unread bytes to the front and growing
// the buffer (up to max+1 bytes) when it is full.
func (lr *LineReader) fill() {
	if lr.start > 0 {
		n := copy(lr.buf, lr.buf[lr.start:lr.end])
		lr.scanned -= lr.start
		lr.start, lr.end = 0, n
	}
	if lr.end == len(lr.buf) {
		size := 2 * len(lr.buf)
		if size > lr.max+1 {
			size = lr.max + 1
		}
		if size > len(lr.buf) {
			nb := make([]byte, size)
			copy(nb, lr.buf[:lr.end])
			lr.buf = nb
		}
	}
	for tries := 0; tries < 100; tries++ {
		n, err := lr.r.Read(lr.buf[lr.end:])
		lr.end += n
		if err != nil {
			lr.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	lr.err = io.ErrNoProgress
}

// Line returns the current line without its "\n" or "\r\n". It is valid
// until the next call to Next.
func (lr *LineReader) Line() []byte { return lr.line }

// Status says how the current line ended.
func (lr *LineReader) Status() LineStatus { return lr.status }

// Num is the 1-based number of the current line.
func (lr *LineReader) Num() int64 { return lr.num }

// Bytes is the number of bytes consumed so far, newlines included.
func (lr *LineReader) Bytes() int64 { return lr.bytes }

// Err returns the read error that ended the stream, or nil after a clean end.
func (lr *LineReader) Err() error {
	if lr.err == nil || errors.Is(lr.err, io.EOF) {
		return nil
	}
	return lr.err
}
