package alb

import (
	"fmt"
	"testing"
)

// The fast paths of the field parsers must agree with the general ones.
func TestFieldParsers_FastPaths(t *testing.T) {
	timing := func(s string) {
		t.Helper()
		v, valid, ok := parseTiming([]byte(s))
		wv, wvalid, wok := parseTimingSlow([]byte(s))
		if v != wv || valid != wvalid || ok != wok {
			t.Fatalf("parseTiming(%q) = %v %v %v, general %v %v %v", s, v, valid, ok, wv, wvalid, wok)
		}
	}
	for v := 0; v < 10000; v += 7 {
		timing(fmt.Sprintf("%d.%03d", v/1000, v%1000))
	}
	for _, s := range []string{"-1", "-", "-1.000", "0.00a", "a.000", "0,001", "10.001", "0.0001", ""} {
		timing(s)
	}
	status := func(s string, want uint16, wantValid, wantOK bool) {
		t.Helper()
		if v, valid, ok := parseStatus([]byte(s)); v != want || valid != wantValid || ok != wantOK {
			t.Fatalf("parseStatus(%q) = %d %v %v", s, v, valid, ok)
		}
	}
	status("200", 200, true, true)
	status("000", 0, true, true)
	status("999", 999, true, true)
	status("-", 0, false, true)
	status("5xx", 0, false, false)
	status("2000", 2000, true, true)
	status("70000", 0, false, false)
	size := func(s string, want int64, wantValid, wantOK bool) {
		t.Helper()
		if v, valid, ok := parseBytes([]byte(s)); v != want || valid != wantValid || ok != wantOK {
			t.Fatalf("parseBytes(%q) = %d %v %v", s, v, valid, ok)
		}
	}
	size("0", 0, true, true)
	size("366", 366, true, true)
	size("999999999999999999", 999999999999999999, true, true)
	size("9223372036854775807", 9223372036854775807, true, true)
	size("9223372036854775808", 0, false, false)
	size("-5", -5, true, true)
	size("-", 0, false, true)
	size("+5", 0, false, false)
	size("12a", 0, false, false)
	size("", 0, false, false)
}
