package elblog

import (
	"fmt"
	"testing"

	"github.com/lbtriage/lbtriage/internal/tokenize"
)

// The fast paths of the field parsers must agree with the general ones.
func TestFieldParsers_FastPaths(t *testing.T) {
	timing := func(s string) {
		t.Helper()
		v, valid, ok := ParseTiming([]byte(s))
		wv, wvalid, wok := parseTimingSlow([]byte(s))
		if v != wv || valid != wvalid || ok != wok {
			t.Fatalf("ParseTiming(%q) = %v %v %v, general %v %v %v", s, v, valid, ok, wv, wvalid, wok)
		}
	}
	for v := 0; v < 10000; v += 7 {
		timing(fmt.Sprintf("%d.%03d", v/1000, v%1000))
		timing(fmt.Sprintf("%d.%06d", v/1000, v*997%1000000))
	}
	for _, s := range []string{"-1", "-", "-1.000", "-1.000000", "0.00a", "a.000", "0,001", "10.001", "0.0001", "0.00001a", ""} {
		timing(s)
	}
	status := func(s string, want uint16, wantValid, wantOK bool) {
		t.Helper()
		if v, valid, ok := ParseStatus([]byte(s)); v != want || valid != wantValid || ok != wantOK {
			t.Fatalf("ParseStatus(%q) = %d %v %v", s, v, valid, ok)
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
		if v, valid, ok := ParseBytes([]byte(s)); v != want || valid != wantValid || ok != wantOK {
			t.Fatalf("ParseBytes(%q) = %d %v %v", s, v, valid, ok)
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

func TestFields_Parse(t *testing.T) {
	names := Names{Target: "backend", Timing: [3]string{"t1", "t2", "t3"}, TargetStatus: "backend_status_code"}
	// f parses "x " + fields (from the client on) and wants the row
	// rendered as want, or the reason.
	f := func(zero bool, fields, want string) {
		t.Helper()
		line := []byte("x " + fields)
		var tk tokenize.Tokens
		if reason := tk.Split(line); reason != "" {
			t.Fatal(reason)
		}
		n := names
		n.ZeroStatus = zero
		var c Fields
		if reason := c.Parse(line, &tk, 1, &n); reason != "" {
			if reason != want {
				t.Fatalf("Parse(%q) = %q, want %q", fields, reason, want)
			}
			return
		}
		opt := func(v any, ok bool) string {
			if !ok {
				return "null"
			}
			return fmt.Sprint(v)
		}
		got := fmt.Sprintf("%s %d %s %s %s %s %s %s %s %s %s",
			line[c.ClientIP.Start:c.ClientIP.End], c.ClientPort,
			opt(string(line[c.TargetIP.Start:c.TargetIP.End]), c.HasTarget), opt(c.TargetPort, c.HasTarget),
			opt(c.Timing[0], c.TimingOK[0]), opt(c.Timing[1], c.TimingOK[1]), opt(c.Timing[2], c.TimingOK[2]),
			opt(c.ELBStatus, c.ELBStatusOK), opt(c.TargetStatus, c.TargetStatusOK),
			opt(c.Received, c.ReceivedOK), opt(c.Sent, c.SentOK))
		if got != want {
			t.Fatalf("Parse(%q) = %s, want %s", fields, got, want)
		}
	}
	f(false, `10.0.0.9:2817 10.0.0.1:80 0.000086 0.001 12 200 200 0 57`, `10.0.0.9 2817 10.0.0.1 80 8.6e-05 0.001 12 200 200 0 57`)
	// IPv6 unbracketed; no target; -1 and "-".
	f(false, `2601:6bbc:c529:9dad:6bbc:c529:9dad:6bbc:50599 - -1 -1 -1 503 - -1 -`,
		`2601:6bbc:c529:9dad:6bbc:c529:9dad:6bbc 50599 null null null null null 503 null null null`)
	f(false, `fd00::1:0 fd00:ec2::23:8080 - 0.5 -1.0 504 0 0 0`, `fd00::1 0 fd00:ec2::23 8080 null 0.5 null 504 0 0 0`)
	// A status of 0 is no status where the format says so.
	f(true, `1.2.3.4:5 - -1 -1 -1 503 0 0 0`, `1.2.3.4 5 null null null null null 503 null 0 0`)
	// Reasons.
	f(false, `10.0.0.9 10.0.0.1:80 0 0 0 200 200 0 0`, `bad client address "10.0.0.9"`)
	f(false, `:80 10.0.0.1:80 0 0 0 200 200 0 0`, `bad client address ":80"`)
	f(false, `10.0.0.9:70000 10.0.0.1:80 0 0 0 200 200 0 0`, `bad client port "10.0.0.9:70000"`)
	f(false, `10.0.0.9:1 10.0.0.1 0 0 0 200 200 0 0`, `bad backend address "10.0.0.1"`)
	f(false, `10.0.0.9:1 10.0.0.1: 0 0 0 200 200 0 0`, `bad backend port "10.0.0.1:"`)
	f(false, `10.0.0.9:1 - 0 x 0 200 200 0 0`, `bad t2 "x"`)
	f(false, `10.0.0.9:1 - 0 0 0 2OO 200 0 0`, `bad elb_status_code "2OO"`)
	f(false, `10.0.0.9:1 - 0 0 0 200 -1 0 0`, `bad backend_status_code "-1"`)
	f(false, `10.0.0.9:1 - 0 0 0 200 200 1k 0`, `bad received_bytes "1k"`)
	f(false, `10.0.0.9:1 - 0 0 0 200 200 0 99999999999999999999`, `bad sent_bytes "99999999999999999999"`)
}

func TestRequestSplit(t *testing.T) {
	// f splits req and wants method, URL and protocol, "" for null.
	f := func(req, method, url, proto string) {
		t.Helper()
		line := []byte(`x "` + req + `" y`)
		var q Request
		q.Split(line, Span{3, 3 + len(req)})
		part := func(s Span, ok bool) string {
			if !ok {
				return ""
			}
			return string(line[s.Start:s.End])
		}
		gm, gu, gp := part(q.Method, q.MethodOK), part(q.URL, q.URLOK), part(q.Proto, q.ProtoOK)
		if gm != method || gu != url || gp != proto {
			t.Fatalf("Split(%q) = %q %q %q, want %q %q %q", req, gm, gu, gp, method, url, proto)
		}
	}
	f("GET http://www.example.com:80/ HTTP/1.1", "GET", "http://www.example.com:80/", "HTTP/1.1")
	f("GET http://h:80/a b c HTTP/1.0 ", "GET", "http://h:80/a b c", "HTTP/1.0")
	f("GET http://h:80/", "GET", "http://h:80/", "")
	f("- - - ", "", "", "")
	f("- http://host:80- ", "", "http://host:80-", "")
	f("- http://host:80- -", "", "http://host:80-", "")
	f("", "", "", "")
	f("-", "", "", "")
	f("GET", "GET", "", "")
	f("GET  http://h/  HTTP/1.1", "GET", "http://h/ ", "HTTP/1.1")
}
