//go:build amd64 && linux && !purego

package tokenize

import (
	"slices"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// TestTokenizeFast_PageEnd tokenizes lines that end where readable memory
// ends, so that a read past the line would fault: the assembly must load
// the last block of a line masked.
func TestTokenizeFast_PageEnd(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 tokenizer on this CPU")
	}
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip("mmap:", err)
	}
	defer syscall.Munmap(mem)
	if err := syscall.Mprotect(mem[page:], syscall.PROT_NONE); err != nil {
		t.Skip("mprotect:", err)
	}
	base := albLine + ` "x y" z`
	fast := 0
	for n := 1; n <= 300; n++ {
		text := (strings.Repeat(base+" ", 1+n/len(base)))[:n]
		line := mem[page-n : page : page]
		copy(line, text)
		var want, got Tokens
		wantReason := want.tokenizeScalar(line)
		if !got.tokenizeFast(line) {
			continue
		}
		fast++
		if wantReason != "" || got.N != want.N || !slices.Equal(tokens(&got, got.N), tokens(&want, want.N)) {
			t.Fatalf("tokenizeFast(%q): %d fields %v, scalar %q, %d fields %v", line, got.N, tokens(&got, got.N), wantReason, want.N, tokens(&want, want.N))
		}
	}
	if fast < 100 {
		t.Fatalf("only %d of 300 lines took the fast path", fast)
	}
}

// TestBoundsLayout holds TOKS_END, TOKS_RAW and the field cap in the
// assembly to the Go declarations.
func TestBoundsLayout(t *testing.T) {
	if off := unsafe.Offsetof(bounds{}.end); off != 260 {
		t.Fatalf("bounds.end is at %d; set TOKS_END in tokenize_amd64.s to it", off)
	}
	if off := unsafe.Offsetof(bounds{}.raw); off != 520 {
		t.Fatalf("bounds.raw is at %d; set TOKS_RAW in tokenize_amd64.s to it", off)
	}
	if MaxFields != 33 {
		t.Fatalf("MaxFields is %d; set the 33s of tokenize_amd64.s to it", MaxFields)
	}
}
