package tokenize

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/gen"
)

// checkTokenize tokenizes line with tokenizeScalar and with each faster
// way that takes it (tokenizeFast, tokenizeMasked, and tokenize, which
// picks one), and fails unless they agree on the reason, the field count
// and every token, also when asked for fewer bounds (Need) or fewer
// tokens (Max: 15 is a Classic line's). The line is tried twice: as its
// own slice, whose last block tokenizeMasked must copy, and as a window on
// a larger buffer, whose last block it reads in place. It reports which
// faster ways took the line with all tokens.
func checkTokenize(t *testing.T, line []byte) (fast, masked bool) {
	t.Helper()
	for _, max := range []int{0, 15, 2} {
		f, m := checkTokenizeMax(t, line, max)
		if max == 0 {
			fast, masked = f, m
		}
	}
	return fast, masked
}

func checkTokenizeMax(t *testing.T, line []byte, max int) (fast, masked bool) {
	t.Helper()
	want := Tokens{Max: max}
	wantReason := want.tokenizeScalar(line)
	for _, in := range [][]byte{
		bytes.Clone(line),
		append(append([]byte(nil), line...), bytes.Repeat([]byte(` "\`), 30)...)[:len(line)],
	} {
		// 22 and 25 are what ALB triage parsing needs, 11 and 14 Classic.
		for _, need := range []int{0, 1, 3, 11, 14, 22, 25} {
			k := want.N
			if need > 0 {
				k = min(need, want.N)
			}
			same := func(way string, got *Tokens) {
				t.Helper()
				if got.N != want.N || !slices.Equal(tokens(got, k), tokens(&want, k)) {
					t.Fatalf("%s(%q) with need %d, max %d: %d fields %v, scalar %d fields %v", way, line, need, max, got.N, tokens(got, k), want.N, tokens(&want, k))
				}
			}
			for _, way := range []struct {
				name     string
				tokenize func(*Tokens, []byte) bool
				took     *bool
			}{
				{"tokenizeFast", (*Tokens).tokenizeFast, &fast},
				{"tokenizeMasked", (*Tokens).tokenizeMasked, &masked},
			} {
				got := Tokens{Need: need, Max: max}
				if !way.tokenize(&got, in) {
					continue
				}
				*way.took = true
				if wantReason != "" {
					t.Fatalf("%s(%q) with max %d took a line the scalar rules reject: %s", way.name, line, max, wantReason)
				}
				same(way.name, &got)
			}
			got := Tokens{Need: need, Max: max}
			if reason := got.Split(in); reason != wantReason {
				t.Fatalf("Split(%q) with max %d = %q, scalar %q", line, max, reason, wantReason)
			} else if reason == "" {
				same("Split", &got)
			}
		}
	}
	return fast, masked
}

// span is a token's bounds.
type span struct{ start, end int }

// tokens returns the bounds of t's first k tokens.
func tokens(t *Tokens, k int) []span {
	s := make([]span, k)
	for f := range s {
		s[f] = span{t.Start(f), t.End(f)}
	}
	return s
}

// albLine is an ALB access-log line of 33 fields.
const albLine = `https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2018-07-02T22:22:48.364000Z "authenticate,forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90 "-" "-" "-"`

// connLine is an ALB connection-log line of 15 fields.
const connLine = `2026-03-14T09:26:53.902114Z 192.0.2.77 61203 8443 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 - "CN=client07.partners.example.net,O=Partner 07 Ltd,C=US" NotBefore=2025-03-14T09:00:00Z;NotAfter=2026-03-14T09:00:00Z 5D0C2B7E91A4F036 Failed:ClientCertExpired TID_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b secp256r1 app/shop-alb/8c3e5f7a9b1d2c4e 10.0.3.18`

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
	f(albLine, true, true)
	f(albLine+` extra "more fields"`, true, true)
	f(connLine, true, true)
	// Quoted lists of items, as NLB's ALPN fields, in one word and across
	// words; a `","` outside quotes is a stray quote for the scalar rules.
	f(`h2 h2 "h2","http/1.1" 2026-11-20T12:49:59`, false, true)
	f(`"a","b","c" "d"`, false, true)
	f(`"","" x`, false, true)
	f(strings.Repeat("x", 58)+` "h2","http/1.1" y`, false, true)
	f(strings.Repeat("x", 59)+` "h2","http/1.1" y`, false, true)
	f(strings.Repeat("x", 60)+` "h2","http/1.1" y`, false, true)
	f(`a","b c`, false, false)
	f(`"a", "b"`, false, false)
	f(`"a","b`, false, false)
	f(albLine+` extra "x`, true, true)       // past the last field, as the scalar rules
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

func TestTokenize_Failure(t *testing.T) {
	// f checks that line is rejected with reason, by every way.
	f := func(line, reason string) {
		t.Helper()
		checkTokenize(t, []byte(line))
		var tk Tokens
		if got := tk.Split([]byte(line)); got != reason {
			t.Fatalf("Split(%q) = %q, want %q", line, got, reason)
		}
	}
	f(`"unterminated`, "unterminated quote in field 1")
	f(`a "b" "c d`, "unterminated quote in field 3")
	f(`"a \"`, "unterminated quote in field 1")
	// A closing quote with no space after it.
	f(`"a"b c`, "stray quote in field 1")
	f(`"a""b"`, "stray quote in field 1")
	f(`a "-"b`, "stray quote in field 2")
	f(`a "b"c"`, "stray quote in field 2")
	f(`a ""b`, "stray quote in field 2")
	f(`"GET /x?q="y" HTTP/1.1" "ua"`, "stray quote in field 1")
	f(`"a "b" c"`, "stray quote in field 1")
	// A quote opening with no space before it, or inside a bare value.
	f(`a"b c`, "stray quote in field 1")
	f(`ab" c`, "stray quote in field 1")
	f(`a b"`, "stray quote in field 2")
	f(`a 57"GET / HTTP/1.1" "ua"`, "stray quote in field 2")
	f(`a \"b" c`, "stray quote in field 2")
	f(`"h2",x`, "stray quote in field 1")
	f(`"h2","`, "unterminated quote in field 1")
	// Past the last field, nothing is looked at.
	f(strings.Repeat("x ", MaxFields)+`a"b`, "")
}

func TestTokenize_EscapedQuotes(t *testing.T) {
	f := func(line string, want ...string) {
		t.Helper()
		checkTokenize(t, []byte(line))
		var tk Tokens
		if reason := tk.Split([]byte(line)); reason != "" {
			t.Fatalf("Split(%q): %s", line, reason)
		}
		got := make([]string, tk.N)
		for i := range got {
			got[i] = string(tk.Field([]byte(line), i))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Split(%q) = %q, want %q", line, got, want)
		}
	}
	f(`"a \"b\" c" d`, `a \"b\" c`, "d")
	f(`"\"" x`, `\"`, "x")
	f(`a\"b c`, `a\"b`, "c")
	f(`"a\x22b" c`, `a\x22b`, "c")
	// A list of quoted items, as NLB's alpn_client_preference_list.
	f(`h2 "h2","http/1.1" 2020-04-01T08:51:20`, "h2", `h2","http/1.1`, "2020-04-01T08:51:20")
	f(`h2 "h2","http/1.1","x"`, "h2", `h2","http/1.1","x`)
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
//	go test -run '^$' -fuzz FuzzTokenize -fuzztime 3m ./internal/tokenize
func FuzzTokenize(f *testing.F) {
	f.Add([]byte(albLine))
	f.Add([]byte(`"a \"b\" c" d`))
	f.Add([]byte(`"GET /x?q="y" HTTP/1.1" "ua"`))
	f.Add([]byte(strings.Replace(albLine, `-123456789012" 1 `, `-123456789012"1 `, 1)))
	f.Add([]byte(strings.Replace(albLine, ` 57 "GET`, ` 57"GET`, 1)))
	f.Add([]byte(`h2 "h2","http/1.1" "a","b" x","y "z",""`))
	f.Fuzz(func(t *testing.T, line []byte) {
		if len(line) > 1<<16 {
			return
		}
		checkTokenize(t, line)
	})
}

// BenchmarkTokenize tokenizes generated ALB lines one at a time, by Split
// (the fast ways) and by the scalar rules, to isolate the tokenizer from
// the readers.
func BenchmarkTokenize(b *testing.B) {
	var text bytes.Buffer
	t0 := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	if _, err := gen.WriteALB(&text, &gen.ALBScenario{Seed: 1, Start: t0, End: t0.Add(time.Hour), Rows: 20000}); err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(text.Bytes(), []byte("\n")), []byte("\n"))
	for _, mode := range []string{"split", "split-need1", "split-triage", "scalar"} {
		b.Run("mode="+mode, func(b *testing.B) {
			b.SetBytes(int64(text.Len()))
			var tk Tokens
			switch mode {
			case "split-need1":
				tk.Need = 1
			case "split-triage":
				tk.Need = 25
			}
			for b.Loop() {
				for _, l := range lines {
					if mode != "scalar" {
						tk.Split(l)
					} else {
						tk.tokenizeScalar(l)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(lines)), "ns/line")
		})
	}
}

// TestSplit_Max splits a Classic line followed by fields of another kind,
// one with a stray quote: with Max at the Classic line's 15 fields, what
// follows them is not looked at.
func TestSplit_Max(t *testing.T) {
	const clbLine = `2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000086 0.001048 0.001337 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.38.0" DHE-RSA-AES128-SHA TLSv1.2`
	line := []byte(clbLine + ` extra "unterminated`)
	var all Tokens
	if reason := all.Split(line); reason != "unterminated quote in field 17" {
		t.Fatalf("Split = %q", reason)
	}
	for _, l := range [][]byte{line, []byte(clbLine)} {
		tk := Tokens{Max: 15}
		if reason := tk.Split(l); reason != "" || tk.N != 15 || string(tk.Field(l, 14)) != "TLSv1.2" || string(tk.Field(l, 11)) != "GET https://www.example.com:443/ HTTP/1.1" {
			t.Fatalf("Split(%q) with Max 15 = %q, %d tokens", l, reason, tk.N)
		}
	}
}
