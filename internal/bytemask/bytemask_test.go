package bytemask

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// naive is the mask of the bytes equal to a, one bit at a time.
func naive(p []byte, a byte) []uint64 {
	m := make([]uint64, len(p)/64)
	for i, c := range p[:len(m)*64] {
		if c == a {
			m[i/64] |= 1 << (i % 64)
		}
	}
	return m
}

func TestMasks(t *testing.T) {
	checkMasks(t)
}

// checkMasks compares Masks and Masks3 with a bit-by-bit reference.
func checkMasks(t *testing.T) {
	f := func(p []byte) {
		t.Helper()
		n := len(p) / 64
		for _, a := range []byte{' ', '"', '\\', '\t', 0, 0xff, 0x80} {
			want := naive(p, a)
			got := make([]uint64, n)
			Masks(p, a, got)
			if !slices.Equal(got, want) {
				t.Fatalf("Masks(%q) = %x, want %x", a, got, want)
			}
			gen := make([]uint64, n)
			masksGeneric(p[:64*n], a, gen)
			if !slices.Equal(gen, want) {
				t.Fatalf("masksGeneric(%q) = %x, want %x", a, gen, want)
			}
		}
		ma, mb, mc := make([]uint64, n), make([]uint64, n), make([]uint64, n)
		Masks3(p, ' ', '"', '\\', ma, mb, mc)
		if !slices.Equal(ma, naive(p, ' ')) || !slices.Equal(mb, naive(p, '"')) || !slices.Equal(mc, naive(p, '\\')) {
			t.Fatalf("Masks3 = %x %x %x", ma, mb, mc)
		}
		ga, gb, gc := make([]uint64, n), make([]uint64, n), make([]uint64, n)
		masks3Generic(p[:64*n], ' ', '"', '\\', ga, gb, gc)
		if !slices.Equal(ga, ma) || !slices.Equal(gb, mb) || !slices.Equal(gc, mc) {
			t.Fatalf("masks3Generic = %x %x %x, want %x %x %x", ga, gb, gc, ma, mb, mc)
		}
	}
	f(nil)
	f(make([]byte, 63))
	f([]byte(`http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 - 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - -`))
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte(" \"\\\t\x00\x80\xffab")
	for range 200 {
		p := make([]byte, rng.IntN(700))
		for i := range p {
			p[i] = alphabet[rng.IntN(len(alphabet))]
		}
		f(p)
	}
}

func BenchmarkMasks3(b *testing.B) {
	p := make([]byte, 640)
	for i := range p {
		p[i] = byte(i * 7)
	}
	ma, mb, mc := make([]uint64, 10), make([]uint64, 10), make([]uint64, 10)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		Masks3(p, ' ', '"', '\\', ma, mb, mc)
	}
}

func BenchmarkMasks3Generic(b *testing.B) {
	p := make([]byte, 640)
	ma, mb, mc := make([]uint64, 10), make([]uint64, 10), make([]uint64, 10)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		masks3Generic(p, ' ', '"', '\\', ma, mb, mc)
	}
}
