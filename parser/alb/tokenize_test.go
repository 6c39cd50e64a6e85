package alb

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// checkTokenize tokenizes line with tokenize and with tokenizeScalar and
// fails unless the two agree on the reason, the field count and every
// token. The line is tried twice: as its own slice, whose last block
// tokenizeMasked must copy, and as a window on a larger buffer, whose last
// block it reads in place.
func checkTokenize(t *testing.T, line []byte) (masked bool) {
	t.Helper()
	var want row
	wantReason := want.tokenizeScalar(line)
	for _, in := range [][]byte{
		bytes.Clone(line),
		append(append([]byte(nil), line...), bytes.Repeat([]byte(` "\`), 30)...)[:len(line)],
	} {
		var got row
		masked = got.tokenizeMasked(in)
		reason := got.tokenize(in)
		if reason != wantReason {
			t.Fatalf("tokenize(%q) = %q, scalar %q", line, reason, wantReason)
		}
		if reason != "" {
			continue
		}
		if got.nf != want.nf || got.tok != want.tok {
			t.Fatalf("tokenize(%q): %d fields %v, scalar %d fields %v", line, got.nf, got.tok[:got.nf], want.nf, want.tok[:want.nf])
		}
		// Asked for fewer bounds, it still counts every field.
		for _, need := range []int{1, 3, fRequestCreationTime + 1, fErrorReason + 1} {
			part := row{need: need}
			part.tokenize(in)
			k := min(need, want.nf)
			if part.nf != want.nf || !slices.Equal(part.tok[:k], want.tok[:k]) {
				t.Fatalf("tokenize(%q) with need %d: %d fields %v, scalar %d fields %v", line, need, part.nf, part.tok[:k], want.nf, want.tok[:k])
			}
		}
	}
	return masked
}

func TestTokenize_MatchesScalar(t *testing.T) {
	f := func(line string, masked bool) {
		t.Helper()
		if got := checkTokenize(t, []byte(line)); got != masked {
			t.Fatalf("tokenizeMasked(%q) = %v, want %v", line, got, masked)
		}
	}
	f("", true)
	f(" ", true)
	f("a", true)
	f(`""`, true)
	f(`"-" "" "a b"`, true)
	f("a  b   c ", true)
	f(lineWith(), true)
	f(lineWith()+` extra "more fields"`, true)
	f(lineWith()+` extra "x`, true) // past the last field, as the scalar rules
	f(strings.Repeat("x ", 40), true)
	f(strings.Repeat(`"q w" `, 40), true)
	f(strings.Repeat("a  ", 20), true)
	f("  a   b "+strings.Repeat(" ", 70)+"c  d", true)
	// Lines the masks cannot vouch for go to the scalar rules.
	f(`"unterminated`, false)
	f(`a "unterminated value`, false)
	f(`"a"b" c`, false)
	f(`"a \"b\" c" d`, false)
	f(`ab" c`, false)
	f(`" "`, false)
	f(`"`, false)
	f(`a"b c`, false)
	f(`"a "b" c"`, false)
	f(`"GET /x?q="y" HTTP/1.1" "ua"`, false)
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
	masked := 0
	for range 20000 {
		line := make([]byte, rng.IntN(300))
		for i := range line {
			line[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if checkTokenize(t, line) {
			masked++
		}
	}
	if masked == 0 {
		t.Fatal("no random line took the masked path")
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
	for _, mode := range []string{"masked", "scalar"} {
		b.Run("mode="+mode, func(b *testing.B) {
			b.SetBytes(int64(size))
			var r row
			for b.Loop() {
				for _, l := range lines {
					if mode == "masked" {
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
