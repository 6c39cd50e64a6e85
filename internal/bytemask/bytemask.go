// Package bytemask turns text into bit masks of byte positions, 64 bytes
// to a uint64, bit i of a mask standing for byte i of its block. The log
// parsers find their delimiters with it: one pass over a line gives every
// delimiter's position, and bit operations on the masks then replace a
// search per field.
//
// On amd64 CPUs with AVX2 the masks are computed 32 bytes per instruction,
// and Masks3 takes 64 at a time where AVX-512BW is at hand; elsewhere (and
// with the purego build tag) portable code gives the same masks.
package bytemask

import "encoding/binary"

// Masks sets m[i] to the mask of the bytes equal to a in the i-th 64-byte
// block of p. len(p) must be a multiple of 64 and m must hold len(p)/64
// words.
func Masks(p []byte, a byte, m []uint64) {
	n := len(p) / 64
	if n == 0 {
		return
	}
	_ = m[n-1]
	masks(p[:64*n], a, m[:n])
}

// Masks3 is Masks for three bytes at once, in one pass over p: ma, mb and
// mc get the masks of a, b and c.
func Masks3(p []byte, a, b, c byte, ma, mb, mc []uint64) {
	n := len(p) / 64
	if n == 0 {
		return
	}
	_, _, _ = ma[n-1], mb[n-1], mc[n-1]
	masks3(p[:64*n], a, b, c, ma[:n], mb[:n], mc[:n])
}

const (
	lo7    = 0x7f7f7f7f7f7f7f7f
	ones   = 0x0101010101010101
	gather = 0x0002040810204081
)

// eq8 returns a byte whose bit k is set when byte k of x equals the byte
// repeated in pat: the exact zero-byte test (a byte equal to pat becomes
// zero after the XOR and gets its high bit set), then the high bits
// gathered into one byte.
func eq8(x, pat uint64) uint64 {
	x ^= pat
	m := ^((x&lo7 + lo7) | x | lo7)
	return m * gather >> 56
}

// masksGeneric is Masks in portable Go, 8 bytes at a time.
func masksGeneric(p []byte, a byte, m []uint64) {
	pa := uint64(a) * ones
	for b := range m {
		blk := p[64*b : 64*b+64]
		var ma uint64
		for w := 0; w < 8; w++ {
			ma |= eq8(binary.LittleEndian.Uint64(blk[8*w:]), pa) << (8 * w)
		}
		m[b] = ma
	}
}

// masks3Generic is Masks3 in portable Go.
func masks3Generic(p []byte, a, b, c byte, ma, mb, mc []uint64) {
	pa, pb, pc := uint64(a)*ones, uint64(b)*ones, uint64(c)*ones
	for k := range ma {
		blk := p[64*k : 64*k+64]
		var xa, xb, xc uint64
		for w := 0; w < 8; w++ {
			x := binary.LittleEndian.Uint64(blk[8*w:])
			xa |= eq8(x, pa) << (8 * w)
			xb |= eq8(x, pb) << (8 * w)
			xc |= eq8(x, pc) << (8 * w)
		}
		ma[k], mb[k], mc[k] = xa, xb, xc
	}
}
