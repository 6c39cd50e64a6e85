package main

import (
	"bufio"
	"compress/gzip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// goParserText are fragments of the errors of strconv, time and net/url:
// text for a Go programmer, which must never reach a user.
var goParserText = []string{
	"strconv.", "invalid syntax", "value out of range", "time: invalid", "time: unknown", "time: missing",
	"parsing time", "cannot parse", "ParseDuration", "url.", "invalid URL escape", "missing protocol scheme",
	"invalid port", "invalid character", "first path segment",
}

// checkPlain fails the test when out holds Go parser text.
func checkPlain(t *testing.T, what, out string) {
	t.Helper()
	for _, frag := range goParserText {
		if strings.Contains(out, frag) {
			t.Errorf("%s: the output holds Go parser text %q:\n%s", what, frag, out)
			return
		}
	}
}

// flagLine matches a flag in a command's --help: "  -o, --output string".
var flagLine = regexp.MustCompile(`^\s+(?:-\w, )?--([\w-]+)(?: (\w+))?\s`)

// Every flag of every command, given values its parser refuses (or takes
// for a string and then refuses), answers with one plain sentence: no
// strconv, time or url text.
func TestMessages_FlagsSweep(t *testing.T) {
	t.Chdir(t.TempDir()) // demo --write and --out write here
	isolateAWS(t)
	bad := []string{"abc", "-1", "1.5", "99999999999999999999", "1e309", "2026-13-45T25:61:00Z", "%zz", "http://[::1", ""}
	// Arguments after the flag under test, so that the command gets as far
	// as checking it: an input that does not exist.
	rest := map[string][]string{
		"analyze": {"missing.log"},
		"report":  {"missing.log"},
		"parse":   {"missing.log"},
		"demo":    nil,
	}
	for _, c := range commands() {
		if c.name == "version" {
			continue
		}
		_, help, _ := run(t, c.name, "--help")
		n := 0
		for _, line := range strings.Split(help, "\n") {
			m := flagLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			n++
			if c.name == "demo" && (m[1] == "out" || m[1] == "write") {
				continue // a path: the demo would run whole, and write
			}
			for _, v := range bad {
				if c.name == "demo" && v == "" {
					continue // the default of most flags: the demo would run whole
				}
				args := append([]string{c.name, "--" + m[1] + "=" + v}, rest[c.name]...)
				if c.name == "report" && m[1] != "since" && m[1] != "day" && m[1] != "until" {
					args = append([]string{c.name, "--day", "2026-11-20", "--" + m[1] + "=" + v}, rest[c.name]...)
				}
				code, _, errOut := run(t, args...)
				checkPlain(t, strings.Join(args, " "), errOut)
				if code != exitOK && strings.Count(errOut, "\n") != 1 {
					t.Errorf("%q: exit %d with stderr %q, want one line", args, code, errOut)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s --help lists no flag:\n%s", c.name, help)
		}
	}
}

// Lines whose fields hold values no parser takes are rejected with reasons
// in plain words.
func TestMessages_RejectReasonsSweep(t *testing.T) {
	dir := t.TempDir()
	alb := firstLines(t, writeSample(t), 1)
	cfDir := t.TempDir()
	if code, _, errOut := run(t, "demo", "--cloudfront", "--write", cfDir); code != exitOK {
		t.Fatalf("demo --cloudfront --write: exit %d: %s", code, errOut)
	}
	cf := firstLines(t, cfDir, 3) // #Version, #Fields, one row
	values := []string{"abc", "-5", "99999999999999999999", "1e309", "2026-13-45T25:61:00Z", "%zz", "0x1f", "NaN", "\"", ""}
	mutate := func(line, sep string) []string {
		fields := strings.Split(line, sep)
		var out []string
		for i := range fields {
			for _, v := range values {
				f := append([]string(nil), fields...)
				f[i] = v
				out = append(out, strings.Join(f, sep))
			}
		}
		return out
	}
	albFile := filepath.Join(dir, "alb.log")
	writeLines(t, albFile, mutate(alb[0], " "))
	cfFile := filepath.Join(dir, "cf.log")
	writeLines(t, cfFile, append(cf[:2:2], mutate(cf[2], "\t")...))
	for _, f := range []string{albFile, cfFile} {
		_, out, errOut := run(t, "parse", "--rejects", "100000", f)
		if !strings.Contains(out, "rejected") {
			t.Fatalf("parse %s printed no rejected line:\n%s%s", f, out, errOut)
		}
		checkPlain(t, "parse "+f, out+errOut)
	}
}

// firstLines returns the first n lines of the first gzip object below dir.
func firstLines(t *testing.T, dir string, n int) []string {
	t.Helper()
	var first string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && first == "" && strings.HasSuffix(p, ".gz") {
			first = p
		}
		return nil
	})
	f, err := os.Open(first)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for len(lines) < n && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) < n {
		t.Fatalf("%s holds %d lines, want %d", first, len(lines), n)
	}
	return lines
}

func writeLines(t *testing.T, path string, lines []string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
