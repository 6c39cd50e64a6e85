package alb

import (
	"bytes"
	"fmt"
	"math/bits"

	"github.com/lbtriage/lbtriage/internal/bytemask"
)

// masks is a row's scratch space for tokenize: one bit per byte of the
// line, 64 to a word, with one more word than the line needs.
type masks struct {
	space, quote, backslash []uint64
	tail                    [64]byte
}

// tokenize splits line into at most maxFields tokens by the rules of
// tokenizeScalar. Almost every line takes a fast way: tokenizeFast where
// the CPU has AVX-512 (VBMI2), else tokenizeMasked. A line neither can
// vouch for is tokenized by tokenizeScalar, so the tokens and the reasons
// are always tokenizeScalar's.
func (r *row) tokenize(line []byte) string {
	if r.tokenizeFast(line) || r.tokenizeMasked(line) {
		return ""
	}
	return r.tokenizeScalar(line)
}

// tokenizeFast is tokenizeMasked for the lines that have no two separators
// in a row, on CPUs where tokenizeVector runs; it returns false, with r.toks
// in no particular state, for any other line or CPU. It finds the bounds of
// every token, whatever r.need.
func (r *row) tokenizeFast(line []byte) bool {
	nf := tokenizeVector(line, &r.toks)
	if nf < 0 {
		return false
	}
	r.nf = nf
	return true
}

// tokenizeMasked tokenizes line from bit masks of its spaces, quotes and
// backslashes, in one pass over the line and a few bit operations per 64
// bytes, instead of a search per token. It handles the lines whose quotes
// are all plain: each quote either opens a value (it follows a space or
// starts the line, and does not come before a space or the end) or closes
// one (the other way round), openers and closers alternate from an opener
// to a closer, and no quote follows a backslash. On such a line the quoted
// regions are exactly what tokenizeScalar finds, so the separators are the
// spaces outside them, and a token starting with a quote ends with its
// closer. It returns false, with r.toks in no particular state, for any
// other line, which tokenizeScalar then handles: stray or escaped quotes,
// an unterminated quote. A quirk past the last field it needs may send a
// line to the scalar path for nothing; never the other way round.
//
// Only the first r.need tokens get their bounds in r.toks; the rest are
// counted, as r.nf must be the same whatever the Reader builds.
//
// The quoted regions come from a prefix XOR of the quote mask: bit i of
// the result is set when an odd number of quotes are at or before byte i,
// which is inside a value for an opener and the bytes after it, and
// outside again from its closer on.
func (r *row) tokenizeMasked(line []byte) bool {
	need := r.need
	if need <= 0 || need > maxFields {
		need = maxFields
	}
	n := len(line)
	nw := n/64 + 1 // words holding bits 0..n; bit n is a virtual space
	m := &r.masks
	if len(m.space) < nw+1 {
		size := max(nw+1, 16)
		m.space = make([]uint64, size)
		m.quote = make([]uint64, size)
		m.backslash = make([]uint64, size)
	}
	sp, qu, bs := m.space[:nw+1], m.quote[:nw+1], m.backslash[:nw+1]
	full := n &^ 63
	last := nw - 1
	switch rest := n - full; {
	case rest == 0:
		bytemask.Masks3(line[:full], ' ', '"', '\\', sp, qu, bs)
		sp[last], qu[last], bs[last] = 0, 0, 0
	case cap(line) >= full+64:
		// A line from parser.LineReader is a window on a larger buffer:
		// read the last block in place, in the same call, and drop the
		// bits past the end.
		bytemask.Masks3(line[:full+64], ' ', '"', '\\', sp, qu, bs)
		keep := uint64(1)<<rest - 1
		sp[last] &= keep
		qu[last] &= keep
		bs[last] &= keep
	default:
		bytemask.Masks3(line[:full], ' ', '"', '\\', sp, qu, bs)
		copy(m.tail[:], line[full:])
		clear(m.tail[rest:]) // zero is none of the three bytes
		bytemask.Masks3(m.tail[:], ' ', '"', '\\', sp[last:], qu[last:], bs[last:])
	}
	sp[last] |= 1 << (n & 63)
	sp[nw] = 0

	var (
		prevSpace uint64 = 1 // the line's start counts as a space
		prevSlash uint64
		inside    uint64     // all ones when the previous word ended inside quotes
		prevSep   uint64 = 1 // the line's start counts as a separator
		prevClose uint64
		nf, start int
	)
	for w := 0; w < nw; w++ {
		s, q, b := sp[w], qu[w], bs[w]
		sep := s &^ inside
		var close uint64
		if q != 0 {
			if q&(b<<1|prevSlash) != 0 {
				return false
			}
			open := q & (s<<1 | prevSpace)
			close = q & (s>>1 | sp[w+1]<<63)
			if open&close != 0 || q&^(open|close) != 0 {
				return false
			}
			x := q
			x ^= x << 1
			x ^= x << 2
			x ^= x << 4
			x ^= x << 8
			x ^= x << 16
			x ^= x << 32
			x ^= inside
			if open&^x != 0 || close&x != 0 {
				return false
			}
			sep = s &^ x
			inside = uint64(int64(x) >> 63)
		}
		prevSpace = s >> 63
		prevSlash = b >> 63
		all := sep
		// A separator ends a quoted token when a closer comes just before.
		quoted := sep & (close<<1 | prevClose)
		prevClose = close >> 63
		base := 64 * w
		for nf < need && sep != 0 {
			bit := bits.TrailingZeros64(sep)
			end := base + bit
			sep &= sep - 1
			if end > start {
				q := int(quoted>>bit) & 1
				r.toks.set(nf, start+q, end-q)
				nf++
			}
			start = end + 1
		}
		if nf >= need && sep != 0 {
			// Past the fields asked for, the rest are only counted: a
			// separator ends a token unless one comes just before it.
			nf += bits.OnesCount64(sep &^ (all<<1 | prevSep))
		}
		if nf >= maxFields {
			r.nf = maxFields
			return true
		}
		prevSep = all >> 63
	}
	if inside != 0 {
		return false
	}
	r.nf = nf
	return true
}

// tokenizeScalar splits line into at most maxFields tokens. A token starting with
// '"' runs to the next '"' that is followed by a space or the end of the line
// and not preceded by a backslash (ALB writes a quote inside a value as \x22,
// but a backslash-escaped \" is tolerated); its content is kept as written.
// Any other token runs to the next space, so bare tokens (an unquoted TID_…,
// old unquoted list fields, unquoted domain/cert) are accepted anywhere. Runs
// of spaces between tokens count as one separator.
func (r *row) tokenizeScalar(line []byte) string {
	n, i := 0, 0
	for n < maxFields {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i >= len(line) {
			break
		}
		if line[i] == '"' {
			// Fast path for one-character values, mostly "-".
			if i+2 < len(line) && line[i+2] == '"' && line[i+1] != '\\' && (i+3 == len(line) || line[i+3] == ' ') {
				r.toks.set(n, i+1, i+2)
				i += 3
				n++
				continue
			}
			start := i + 1
			j := start
			for {
				k := bytes.IndexByte(line[j:], '"')
				if k < 0 {
					return fmt.Sprintf("unterminated quote in field %d", n+1)
				}
				q := j + k
				if (q+1 == len(line) || line[q+1] == ' ') && (q == start || line[q-1] != '\\') {
					r.toks.set(n, start, q)
					i = q + 1
					break
				}
				j = q + 1
			}
		} else {
			end := indexSpace(line, i)
			r.toks.set(n, i, end)
			i = end
		}
		n++
	}
	r.nf = n
	return ""
}

// indexSpace returns the index of the first space in line at or after i,
// or len(line). Most bare tokens are short ("200", "0.001", "-"), where a
// plain loop beats the call into bytes.IndexByte; longer ones (ARNs, the
// load balancer ID) switch to it after a few bytes.
func indexSpace(line []byte, i int) int {
	for end := min(i+8, len(line)); i < end; i++ {
		if line[i] == ' ' {
			return i
		}
	}
	if k := bytes.IndexByte(line[i:], ' '); k >= 0 {
		return i + k
	}
	return len(line)
}
