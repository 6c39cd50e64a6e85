package alb

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// checkTokenize tokenizes line with tokenizeScalar and with each faster
// way that takes it (tokenizeFast, tokenizeMasked, and tokenize, which
// picks one), and fails unless they agree on the reason, the field count
// and every token, also when asked for fewer bounds. The line is tried
// twice: as its own slice, whose last block tokenizeMasked must copy, and
// as a window on a larger buffer, whose last block it reads in place. It
// reports which faster ways took the line.
func checkTokenize(t *testing.T, line []byte) (fast, masked bool) {
	t.Helper()
	var want row
	wantReason := want.tokenizeScalar(line)
	for _, in := range [][]byte{
		bytes.Clone(line),
		append(append([]byte(nil), line...), bytes.Repeat([]byte(` "\`), 30)...)[:len(line)],
	} {
		for _, need := range []int{0, 1, 3, fRequestCreationTime + 1, fErrorReason + 1} {
			k := want.nf
			if need > 0 {
				k = min(need, want.nf)
			}
			same := func(way string, got *row) {
				t.Helper()
				if got.nf != want.nf || !slices.Equal(tokens(got, k), tokens(&want, k)) {
					t.Fatalf("%s(%q) with need %d: %d fields %v, scalar %d fields %v", way, line, need, got.nf, tokens(got, k), want.nf, tokens(&want, k))
				}
			}
			for _, way := range []struct {
				name     string
				tokenize func(*row, []byte) bool
				took     *bool
			}{
				{"tokenizeFast", (*row).tokenizeFast, &fast},
				{"tokenizeMasked", (*row).tokenizeMasked, &masked},
			} {
				got := row{need: need}
				if !way.tokenize(&got, in) {
					continue
				}
				*way.took = true
				if wantReason != "" {
					t.Fatalf("%s(%q) took a line the scalar rules reject: %s", way.name, line, wantReason)
				}
				same(way.name, &got)
			}
			got := row{need: need}
			if reason := got.tokenize(in); reason != wantReason {
				t.Fatalf("tokenize(%q) = %q, scalar %q", line, reason, wantReason)
			} else if reason == "" {
				same("tokenize", &got)
			}
		}
	}
	return fast, masked
}

// tokens returns the bounds of r's first k tokens.
func tokens(r *row, k int) []span {
	s := make([]span, k)
	for f := range s {
		s[f] = r.tok(f)
	}
	return s
}

func TestTokenize_MatchesScalar(t *testing.T) {
	// f checks line, and which faster ways take it: tokenizeMasked takes
	// the lines with plain quotes, and tokenizeFast, where it runs, those
	// of them without two separators in a row.
	f := func(line string, fast, masked bool) {
		t.Helper()
		gotFast, gotMasked := checkTokenize(t, []byte(line))
		if gotMasked != masked {
			t.Fatalf("tokenizeMasked(%q) = %v, want %v", line, gotMasked, masked)
		}
		if gotFast != (fast && useAVX512) {
			t.Fatalf("tokenizeFast(%q) = %v, want %v", line, gotFast, fast && useAVX512)
		}
	}
	f("", false, true)
	f(" ", false, true)
	f("a", true, true)
	f(`""`, true, true)
	f(`"-" "" "a b"`, true, true)
	f("a  b   c ", false, true)
	f(lineWith(), true, true)
	f(lineWith()+` extra "more fields"`, true, true)
	f(lineWith()+` extra "x`, true, true)    // past the last field, as the scalar rules
	f(strings.Repeat("x ", 40), false, true) // the end after a space
	f(strings.Repeat(`"q w" `, 40), false, true)
	f(strings.TrimSuffix(strings.Repeat(`"q w" `, 40), " "), true, true)
	f(strings.Repeat("a  ", 20), false, true)
	f("  a   b "+strings.Repeat(" ", 70)+"c  d", false, true)
	f(strings.Repeat("ab ", 21)+"a", true, true) // 64 bytes
	f(strings.Repeat("ab ", 21)+`"`+strings.Repeat("c", 62)+`" d`, true, true)
	// Lines the masks cannot vouch for go to the scalar rules.
	f(`"unterminated`, false, false)
	f(`a "unterminated value`, false, false)
	f(`"a"b" c`, false, false)
	f(`"a \"b\" c" d`, false, false)
	f(`ab" c`, false, false)
	f(`" "`, false, false)
	f(`"`, false, false)
	f(`a"b c`, false, false)
	f(`"a "b" c"`, false, false)
	f(`"GET /x?q="y" HTTP/1.1" "ua"`, false, false)
	// Blocks with more than sixteen tokens, bare and quoted, whose bounds
	// the assembly stores in two steps.
	for k := 1; k <= 40; k++ {
		f(strings.Repeat("x ", k)+"x", true, true)
		f(strings.Repeat(`"" `, k)+`""`, true, true)
		f(strings.Repeat(`"a" b `, k)+`"c"`, true, true)
	}
	// Every length around the block boundaries, with a quote closing at the
	// end of a block and a space opening the next.
	for n := 0; n < 200; n++ {
		checkTokenize(t, []byte(strings.Repeat("a", n)+` "b c" d`))
		checkTokenize(t, []byte(`"`+strings.Repeat("a", n)+`" b`))
		checkTokenize(t, []byte(strings.Repeat(" ", n)+`"x"`))
	}
}

func TestTokenize_Random(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte(`  ""\ab-`)
	nmasked, nfast := 0, 0
	for range 20000 {
		line := make([]byte, rng.IntN(300))
		for i := range line {
			line[i] = alphabet[rng.IntN(len(alphabet))]
		}
		fast, masked := checkTokenize(t, line)
		if masked {
			nmasked++
		}
		if fast {
			nfast++
		}
	}
	if nmasked == 0 || useAVX512 && nfast == 0 {
		t.Fatalf("of the random lines, %d took the masked path and %d the fast one", nmasked, nfast)
	}
}

// FuzzTokenize checks that the masked tokenizer and the scalar one agree
// on every input. Run with
//
//	go test -run '^$' -fuzz FuzzTokenize -fuzztime 3m ./parser/alb
func FuzzTokenize(f *testing.F) {
	f.Add([]byte(lineWith()))
	f.Add([]byte(`"a \"b\" c" d`))
	f.Add([]byte(`"GET /x?q="y" HTTP/1.1" "ua"`))
	f.Fuzz(func(t *testing.T, line []byte) {
		if len(line) > 1<<16 {
			return
		}
		checkTokenize(t, line)
	})
}

// BenchmarkTokenize tokenizes the benchmark's varied lines one at a time,
// masked and scalar, to isolate the tokenizer from the Reader.
func BenchmarkTokenize(b *testing.B) {
	text, _, _ := benchInput(b)
	text = text[:8<<20]
	var lines [][]byte
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			break
		}
		lines = append(lines, text[:i])
		text = text[i+1:]
	}
	size := 0
	for _, l := range lines {
		size += len(l) + 1
	}
	for _, mode := range []string{"masked", "masked-need1", "masked-triage", "scalar"} {
		b.Run("mode="+mode, func(b *testing.B) {
			b.SetBytes(int64(size))
			var r row
			switch mode {
			case "masked-need1":
				r.need = 1
			case "masked-triage":
				r.need = fErrorReason + 1
			}
			for b.Loop() {
				for _, l := range lines {
					if mode != "scalar" {
						r.tokenize(l)
					} else {
						r.tokenizeScalar(l)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(lines)), "ns/line")
		})
	}
}
