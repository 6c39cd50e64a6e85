package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSanitize checks the properties every renderer relies on: the output
// of Sanitize is valid UTF-8 with no control or bidi character, Sanitize is
// idempotent, and the markdown and CSV cell writers built on it keep their
// promises (no unescaped pipe in a code span, no formula start in CSV).
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		"", "/api/v1", hostileScript, hostileImg, hostileOSC8, hostileClear, hostileRed, hostileLink, hostileCmd,
		hostileSum, hostileMinus, hostileMDLink, "\x1b", "\x1b[", "\x1b]", "\x1bP", "\u009b", "\u009d", "\xc2",
		"a|b`c``d", "\t=1", "\r+1", "\u202e\u2066", "\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Sanitize(%q) = %q: invalid UTF-8", s, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidiControl(r) {
				t.Fatalf("Sanitize(%q) = %q: holds %U", s, out, r)
			}
		}
		if again := Sanitize(out); again != out {
			t.Fatalf("Sanitize not idempotent: %q → %q → %q", s, out, again)
		}
		if c := csvText(s); c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			t.Fatalf("csvText(%q) = %q starts with a formula character", s, c)
		}
		code := mdCode(s)
		for i := 0; i < len(code); i++ {
			if code[i] == '|' && (i == 0 || code[i-1] != '\\') {
				t.Fatalf("mdCode(%q) = %q: unescaped |", s, code)
			}
		}
		// Outside backslash escapes, mdText leaves no markup opener. An
		// escaped character is a literal that no markup spans: it stands
		// as a NUL in bare, so that ":\\#//" is not read as "://".
		text := mdText(s)
		var bare strings.Builder
		for i := 0; i < len(text); i++ {
			if text[i] == '\\' {
				i++
				bare.WriteByte(0)
				continue
			}
			bare.WriteByte(text[i])
		}
		for _, bad := range []string{"<", "[", "]", "`", "|", "://"} {
			if strings.Contains(bare.String(), bad) {
				t.Fatalf("mdText(%q) = %q holds an unescaped %q", s, text, bad)
			}
		}
	})
}
