package cloudfront

import (
	"math/bits"

	"github.com/lbtriage/lbtriage/internal/bytemask"
)

// splitter finds delimiters; its scratch space is reused from line to line.
type splitter struct {
	masks [16]uint64
	tail  [64]byte
}

// appendDelims appends to dst the offsets of the delim bytes in line, in
// order, up to and including the one with index limit (all of them when
// limit < 0), and returns them with the total number of delimiters in the
// line. It is the hot loop of the W3C reader, so it works on 64-byte
// blocks: bytemask turns each block into a 64-bit mask of delimiter
// positions (with AVX2 where the CPU has it), flatten turns a mask into
// offsets without a branch per delimiter, and past the limit a population
// count is enough. The last partial block is read in place when line's
// capacity reaches past it (a line handed out by parser.LineReader is a
// window on a larger buffer), its bits past the end masked off; otherwise
// it is copied. delim must not be 0.
func (sp *splitter) appendDelims(dst []int32, line []byte, delim byte, limit int) ([]int32, int) {
	// flatten may write up to 8 offsets past the last delimiter.
	if need := len(dst) + len(line) + 8; cap(dst) < need {
		nd := make([]int32, len(dst), need+need/2)
		copy(nd, dst)
		dst = nd
	}
	if limit < 0 {
		limit = len(line)
	}
	k0 := len(dst)
	k := k0
	total := 0
	out := dst[:cap(dst)]
	full := len(line) &^ 63
	rest := len(line) - full
	blocks := line[:full]
	if rest > 0 && cap(line) >= full+64 {
		blocks = line[:full+64]
	}
	for off := 0; off < len(blocks); {
		n := min(len(blocks)-off, len(sp.masks)*64)
		bytemask.Masks(blocks[off:off+n], delim, sp.masks[:])
		last := n / 64
		if off+n > len(line) {
			sp.masks[last-1] &= 1<<rest - 1
		}
		for b := 0; b < last; b++ {
			if total <= limit {
				k = flatten(out, k, int32(off+64*b), sp.masks[b])
				total = k - k0
			} else {
				total += bits.OnesCount64(sp.masks[b])
			}
		}
		off += n
	}
	if rest > 0 && len(blocks) == full {
		copy(sp.tail[:], line[full:])
		clear(sp.tail[rest:]) // zero never matches delim
		bytemask.Masks(sp.tail[:], delim, sp.masks[:])
		if total <= limit {
			k = flatten(out, k, int32(full), sp.masks[0])
			total = k - k0
		} else {
			total += bits.OnesCount64(sp.masks[0])
		}
	}
	return out[:k], total
}

// flatten writes base + the position of each set bit of mask to out[k:],
// and returns k plus the number of bits. It always writes 8 values, so
// out must have room for them.
func flatten(out []int32, k int, base int32, mask uint64) int {
	cnt := bits.OnesCount64(mask)
	if cnt == 0 {
		return k
	}
	// Unrolled: a 64-byte block of a log line rarely holds more than 8.
	o := out[k : k+8 : k+8]
	o[0] = base + int32(bits.TrailingZeros64(mask))
	mask &= mask - 1
	o[1] = base + int32(bits.TrailingZeros64(mask))
	mask &= mask - 1
	o[2] = base + int32(bits.TrailingZeros64(mask))
	mask &= mask - 1
	o[3] = base + int32(bits.TrailingZeros64(mask))
	mask &= mask - 1
	o[4] = base + int32(bits.TrailingZeros64(mask))
	mask &= mask - 1
	o[5] = base + int32(bits.TrailingZeros64(mask))
	mask &= mask - 1
	o[6] = base + int32(bits.TrailingZeros64(mask))
	mask &= mask - 1
	o[7] = base + int32(bits.TrailingZeros64(mask))
	mask &= mask - 1
	for j := k + 8; mask != 0; j++ {
		out[j] = base + int32(bits.TrailingZeros64(mask))
		mask &= mask - 1
	}
	return k + cnt
}
