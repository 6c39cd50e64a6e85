// Package tokenize splits the lines of Elastic Load Balancing logs into
// their tokens: values separated by spaces, a value that may hold spaces
// being wrapped in double quotes. ALB access, ALB connection, health-check,
// NLB and Classic Load Balancer logs all follow these rules, so every
// decoder of them shares this tokenizer and its fast ways.
package tokenize

import (
	"bytes"
	"fmt"
	"math/bits"

	"github.com/lbtriage/lbtriage/internal/bytemask"
)

// MaxFields is the most tokens a line is split into: the fields of an ALB
// access log, the longest of these logs. Tokens past it (or past
// Tokens.Max) are not scanned: a stray quote there is no reason to refuse
// the line.
const MaxFields = 33

// Tokens is a line split into tokens. It is reused from line to line: a
// split overwrites N and the bounds of the tokens it reports, which index
// into the line it was given.
type Tokens struct {
	// N is the number of tokens found, at most Max.
	N int
	// Max is the most tokens a line is split into, at most MaxFields (0
	// means MaxFields): a decoder of a log with fewer fields sets it to
	// their number, so that what follows them is not looked at.
	Max int
	// Need is how many tokens the tokenizer must find the bounds of; past
	// them it may only count (N is the same either way). Zero means all.
	Need int

	b     bounds
	masks masks // the masked tokenizer's scratch space
}

// bounds holds the bounds of a line's tokens, quotes excluded: token f is
// line[start[f]:end[f]]. The arrays have room past MaxFields because the
// AVX-512 tokenizer stores a block's worth of bounds at a time.
//
// raw is the AVX-512 tokenizer's scratch space: raw[1+f] is the offset of
// the separator after token f, raw[0] is -1.
type bounds struct {
	start, end [endsLen]int32
	raw        [1 + endsLen]int32
}

// endsLen is room for MaxFields tokens and one block's worth past the last:
// a block of 64 bytes ends at most 32 tokens.
const endsLen = MaxFields + 32

// set records the bounds of token f.
func (t *bounds) set(f, start, end int) {
	t.start[f], t.end[f] = int32(start), int32(end)
}

// Start returns where token f starts in the line, after an opening quote.
func (t *Tokens) Start(f int) int { return int(t.b.start[f]) }

// End returns where token f ends in the line, before a closing quote.
func (t *Tokens) End(f int) int { return int(t.b.end[f]) }

// Field returns token f of line, the line last split, without its quotes.
func (t *Tokens) Field(line []byte, f int) []byte {
	return line[t.b.start[f]:t.b.end[f]]
}

// Bounds returns where the N tokens found start and end in the line, after
// and before their quotes: token f is line[start[f]:end[f]]. Past Need,
// the bounds are not set.
func (t *Tokens) Bounds() (start, end []int32) { return t.b.start[:t.N], t.b.end[:t.N] }

// masks is the scratch space of tokenizeMasked: one bit per byte of the
// line, 64 to a word, with one more word than the line needs.
type masks struct {
	space, quote, backslash []uint64
	tail                    [64]byte
}

// Split splits line into at most Max tokens by the rules of
// tokenizeScalar and returns "" or, for a line those rules refuse, the
// reason ("unterminated quote in field 13"). Almost every line takes a fast
// way: tokenizeFast where the CPU has AVX-512 (VBMI2), else
// tokenizeMasked. A line neither can vouch for is tokenized by
// tokenizeScalar, so the tokens and the reasons are always
// tokenizeScalar's.
func (t *Tokens) Split(line []byte) string {
	if t.tokenizeFast(line) || t.tokenizeMasked(line) {
		return ""
	}
	return t.tokenizeScalar(line)
}

// SplitLine splits the line that data starts with, which must end with a
// '\n' within data, as Split would, and returns the line's length, '\n'
// excluded. It finds the end of the line in the same pass, where a
// parser.LineReader would search for it first (data is what the reader
// has buffered). ok is false when the CPU lacks the instructions, data
// holds no '\n', the line ends "\r\n" or the fast way would refuse it: the
// caller then reads the line from the LineReader and calls Split.
func (t *Tokens) SplitLine(data []byte) (length int, ok bool) {
	nf, length, ok := tokenizeLine(data, &t.b, t.Max)
	if ok {
		t.N = nf
	}
	return length, ok
}

// limit returns Max, or MaxFields when Max is 0 or more than MaxFields.
func (t *Tokens) limit() int {
	if t.Max <= 0 || t.Max > MaxFields {
		return MaxFields
	}
	return t.Max
}

// GenericEnv is the environment variable that, set to 1, keeps a process
// off the AVX-512 tokenizer, as on a CPU without it: a diagnostic, for
// measuring on one machine the way other machines take (make bench-e2e).
const GenericEnv = "LBTRIAGE_GENERIC"

// SetVector turns the AVX-512 tokenizer on or off, where the CPU has it,
// and returns whether it was on. It is for the tests and benchmarks of the
// decoders, which compare the ways a CPU without it takes; it must not be
// called while lines are split.
func SetVector(on bool) (was bool) {
	was = useAVX512
	useAVX512 = on && hasAVX512
	return was
}

// tokenizeFast is tokenizeMasked for the lines that have no two separators
// in a row, on CPUs where tokenizeVector runs; it returns false, with t.b
// and t.N in no particular state, for any other line or CPU. It finds the
// bounds of every token, whatever t.Need.
func (t *Tokens) tokenizeFast(line []byte) bool {
	t.N = tokenizeVector(line, &t.b, t.Max)
	return t.N >= 0
}

// tokenizeMasked tokenizes line from bit masks of its spaces, quotes and
// backslashes, in one pass over the line and a few bit operations per 64
// bytes, instead of a search per token. It handles the lines whose quotes
// are all plain: each quote either opens a value (it follows a space or
// starts the line, and does not come before a space or the end) or closes
// one (the other way round), or is one of the two of a `","` inside a
// value (the items of a quoted list), openers and closers alternate from
// an opener to a closer, and no quote follows a backslash. On such a line the quoted
// regions are exactly what tokenizeScalar finds, so the separators are the
// spaces outside them, and a token starting with a quote ends with its
// closer. It returns false, with t.b in no particular state, for any
// other line, which tokenizeScalar then handles: stray or escaped quotes,
// an unterminated quote. A quirk past the last field it needs may send a
// line to the scalar path for nothing; never the other way round.
//
// Only the first t.Need tokens get their bounds in t.b; the rest are
// counted, as t.N must be the same whatever the Reader builds.
//
// The quoted regions come from a prefix XOR of the quote mask: bit i of
// the result is set when an odd number of quotes are at or before byte i,
// which is inside a value for an opener and the bytes after it, and
// outside again from its closer on.
func (t *Tokens) tokenizeMasked(line []byte) bool {
	limit := t.limit()
	need := t.Need
	if need <= 0 || need > limit {
		need = limit
	}
	n := len(line)
	nw := n/64 + 1 // words holding bits 0..n; bit n is a virtual space
	m := &t.masks
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
			var firsts uint64
			if rest := q &^ (open | close); rest != 0 {
				// The quotes of a `","` joining the items of a quoted
				// list (NLB's ALPN lists) are no separators: drop them.
				if firsts = joins(line, 64*w, rest, qu[w:]); firsts == 0 {
					return false
				}
				q &^= firsts | firsts<<2
				open &= q
				close &= q
			}
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
			if open&^x != 0 || close&x != 0 || firsts&^x != 0 {
				return false // firsts&^x: a `","` outside quotes, a stray quote
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
				t.b.set(nf, start+q, end-q)
				nf++
			}
			start = end + 1
		}
		if nf >= need && sep != 0 {
			// Past the fields asked for, the rest are only counted: a
			// separator ends a token unless one comes just before it.
			nf += bits.OnesCount64(sep &^ (all<<1 | prevSep))
		}
		if nf >= limit {
			t.N = limit
			return true
		}
		prevSep = all >> 63
	}
	if inside != 0 {
		return false
	}
	t.N = nf
	return true
}

// joins returns the bits, in the word of line's bytes from base, of the
// quotes in rest that open a `","` (a quote, a comma, a quote), and clears
// the second quote of each in qu[1] when it is in the next word; it returns
// 0 when a quote of rest opens none, which the scalar rules must judge.
// The caller drops both quotes of each: tokenizeScalar reads a quoted
// list of items as one token ("h2","http/1.1"), and inside quotes neither
// separates anything.
func joins(line []byte, base int, rest uint64, qu []uint64) (firsts uint64) {
	for rest != 0 {
		i := bits.TrailingZeros64(rest)
		rest &= rest - 1
		p := base + i
		if p+2 >= len(line) || line[p+1] != ',' || line[p+2] != '"' {
			return 0
		}
		firsts |= 1 << i
		if i+2 < 64 {
			rest &^= 1 << (i + 2)
		} else {
			qu[1] &^= 1 << (i + 2 - 64)
		}
	}
	return firsts
}

// tokenizeScalar splits line into at most Max tokens. A token starting
// with '"' runs to the next '"' not preceded by a backslash (ALB writes a
// quote inside a value as \x22, but a backslash-escaped \" is tolerated),
// which must be followed by a space or the end of the line, or by `,"` to
// quote the next item of a list in one token ("h2","http/1.1", as NLB
// logs write theirs); its content is kept as written. Any other token runs
// to the next space, so bare tokens (an unquoted TID_…, old unquoted list
// fields, unquoted domain/cert) are accepted anywhere, but may hold no '"'
// that a backslash does not escape. Runs of spaces between tokens count as
// one separator.
//
// A quote that neither opens nor closes a value is a stray quote: the line
// is rejected, as the space missing beside it ("…-123456789012"1 2018-…")
// or the raw quote in a value would merge or shift the fields.
func (t *Tokens) tokenizeScalar(line []byte) string {
	n, i := 0, 0
	for limit := t.limit(); n < limit; {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i >= len(line) {
			break
		}
		if line[i] == '"' {
			// Fast path for one-character values, mostly "-".
			if i+2 < len(line) && line[i+2] == '"' && line[i+1] != '\\' && (i+3 == len(line) || line[i+3] == ' ') {
				t.b.set(n, i+1, i+2)
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
				if q > start && line[q-1] == '\\' {
					j = q + 1
					continue
				}
				if q+1 < len(line) && line[q+1] != ' ' {
					if q+2 < len(line) && line[q+1] == ',' && line[q+2] == '"' {
						// A list of quoted items is one token, as
						// NLB's alpn_client_preference_list.
						j = q + 3
						continue
					}
					return strayQuote(n)
				}
				t.b.set(n, start, q)
				i = q + 1
				break
			}
		} else {
			end := indexSpace(line, i)
			if hasStrayQuote(line[i:end]) {
				return strayQuote(n)
			}
			t.b.set(n, i, end)
			i = end
		}
		n++
	}
	t.N = n
	return ""
}

func strayQuote(n int) string { return fmt.Sprintf("stray quote in field %d", n+1) }

// hasStrayQuote reports whether the bare token tok holds a '"' that no
// backslash escapes.
func hasStrayQuote(tok []byte) bool {
	for {
		k := bytes.IndexByte(tok, '"')
		if k < 0 {
			return false
		}
		if k == 0 || tok[k-1] != '\\' {
			return true
		}
		tok = tok[k+1:]
	}
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
