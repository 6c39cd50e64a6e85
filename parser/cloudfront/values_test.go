package cloudfront

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestAppendDelims(t *testing.T) {
	f := func(line string, delim byte) {
		t.Helper()
		var want []int32
		for i := 0; i < len(line); i++ {
			if line[i] == delim {
				want = append(want, int32(i))
			}
		}
		var sp splitter
		if got, n := sp.appendDelims(nil, []byte(line), delim, -1); !slices.Equal(got, want) || n != len(want) {
			t.Fatalf("appendDelims(%q, %q) = %v, %d; want %v", line, delim, got, n, want)
		}
		// The same line inside a larger buffer, read in place past its end.
		buf := []byte(line + strings.Repeat(string(delim), 70))
		if got, n := sp.appendDelims(nil, buf[:len(line)], delim, -1); !slices.Equal(got, want) || n != len(want) {
			t.Fatalf("appendDelims(%q, %q) in place = %v, %d; want %v", line, delim, got, n, want)
		}
		// With a limit: at least the first limit+1 offsets, and the count.
		for _, limit := range []int{0, 1, 5, 28, 100} {
			got, n := sp.appendDelims(nil, []byte(line), delim, limit)
			if n != len(want) || len(got) < min(limit+1, len(want)) || !slices.Equal(got, want[:len(got)]) {
				t.Fatalf("appendDelims(%q, %q, %d) = %v, %d; want a prefix of %v", line, delim, limit, got, n, want)
			}
		}
	}
	for _, line := range []string{"", "\t", "a\tb", "\t\t\t\t\t\t\t\t\t", "abcdefgh\tijklmnop\t", "\x89\x09\xff\x08\x0a\t\x00\t1234567",
		rec(33), rec(12), "a b  c   d\te\x80 \x20"} {
		f(line, '\t')
		f(line, ' ')
	}
	// Long random lines cross several 1 KiB chunks and leave tails of every
	// length.
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 3000; n += 1 + rng.IntN(97) {
		b := make([]byte, n)
		for i := range b {
			b[i] = "\t \x89ab\x00\xff"[rng.IntN(7)]
		}
		f(string(b), '\t')
		f(string(b), ' ')
	}
	// Appends after what dst holds.
	var sp splitter
	if got, _ := sp.appendDelims([]int32{7}, []byte("a\tb"), '\t', -1); !slices.Equal(got, []int32{7, 1}) {
		t.Fatalf("appendDelims after [7] = %v", got)
	}
}

func TestParseStatus(t *testing.T) {
	f := func(s string, want uint16, wantOK bool) {
		t.Helper()
		got, ok := parseStatus([]byte(s))
		if ok != wantOK || got != want {
			t.Fatalf("parseStatus(%q) = %d, %v; want %d, %v", s, got, ok, want, wantOK)
		}
	}
	f("200", 200, true)
	f("000", 0, true)
	f("5", 5, true)
	f("0502", 0, false) // four digits
	f("", 0, false)
	f("2x0", 0, false)
	f("-1", 0, false)
}
