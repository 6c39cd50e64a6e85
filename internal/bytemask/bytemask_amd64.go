//go:build amd64 && !purego

package bytemask

import "golang.org/x/sys/cpu"

var (
	useAVX2   = cpu.X86.HasAVX2
	useAVX512 = cpu.X86.HasAVX512BW
)

func masks(p []byte, a byte, m []uint64) {
	if useAVX2 {
		masksAVX2(&p[0], len(m), a, &m[0])
		return
	}
	masksGeneric(p, a, m)
}

func masks3(p []byte, a, b, c byte, ma, mb, mc []uint64) {
	if useAVX512 {
		masks3AVX512(&p[0], len(ma), a, b, c, &ma[0], &mb[0], &mc[0])
		return
	}
	if useAVX2 {
		masks3AVX2(&p[0], len(ma), a, b, c, &ma[0], &mb[0], &mc[0])
		return
	}
	masks3Generic(p, a, b, c, ma, mb, mc)
}

// masksAVX2 writes n masks, one per 64-byte block starting at p.
//
//go:noescape
func masksAVX2(p *byte, n int, a byte, m *uint64)

// masks3AVX2 writes n masks of each of a, b and c.
//
//go:noescape
func masks3AVX2(p *byte, n int, a, b, c byte, ma, mb, mc *uint64)

// masks3AVX512 is masks3AVX2 with 64-byte compares into mask registers.
//
//go:noescape
func masks3AVX512(p *byte, n int, a, b, c byte, ma, mb, mc *uint64)
