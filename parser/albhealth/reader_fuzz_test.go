package albhealth

import (
	"bytes"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

// fuzzSeeds are the inputs every fuzz target starts from.
var fuzzSeeds = []string{
	lineWith() + "\n",
	strings.Join(fullFields[:8], " ") + "\r\n" + lineWith(fTarget, "arn:aws:lambda:us-east-2:123456789012:function:f") + "\n",
	lineWith(fTarget, "[fd00::1]:80", fLatency, "-", fStatusCode, "-") + " extra\n",
	"\r\n\n \t\n",
	"http 2025-10-31T12:44:59.875678Z 0.019584011 172.31.20.97:80 HCLogsTestIPs PASS 200 -",
	`https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET / HTTP/1.1"`,
	"2019-12-04\t21:02:31\tLAX1\t392",
}

// FuzzReader feeds arbitrary bytes to a Reader with small batches. The
// properties: those of readertest.FuzzRead (it never panics, the counts
// reconcile, every Arrow buffer is released, ...), and a projection
// accepts exactly the lines all columns accept.
//
//	go test -run '^$' -fuzz '^FuzzReader$' -fuzztime 1m ./parser/albhealth
func FuzzReader(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		all := readertest.FuzzRead(t, Decoder{}.NewReader, data, nil, 3)
		one := readertest.FuzzRead(t, Decoder{}.NewReader, data, []string{ColStatus}, 1)
		if all.Parsed != one.Parsed || all.Rejected != one.Rejected || all.Comments != one.Comments {
			t.Fatalf("all columns %+v, status only %+v", all, one)
		}
	})
}

// FuzzSniff checks that Sniff never panics, counts no more lines than head
// holds, and counts every line the Reader parses (a line Sniff counts may
// still be rejected: Sniff does not check the target or status code).
//
//	go test -run '^$' -fuzz '^FuzzSniff$' -fuzztime 1m ./parser/albhealth
func FuzzSniff(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		if len(head) > 1<<16 {
			return
		}
		n := Decoder{}.Sniff(head)
		if lines := bytes.Count(head, []byte{'\n'}) + 1; n < 0 || n > lines {
			t.Fatalf("Sniff = %d for %d lines", n, lines)
		}
		if s := readertest.FuzzRead(t, Decoder{}.NewReader, head, nil, 64); s.Parsed > int64(n) {
			t.Fatalf("Sniff = %d, the reader parsed %d lines", n, s.Parsed)
		}
	})
}

// FuzzParseName checks that ParseName never panics, and that a name it
// claims tells a health-check object of an Application Load Balancer with
// a five-minute interval.
//
//	go test -run '^$' -fuzz '^FuzzParseName$' -fuzztime 1m ./parser/albhealth
func FuzzParseName(f *testing.F) {
	f.Add("health_check_log_123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20220215T2340Z_172.160.001.192_20sg8hgm.log.gz")
	f.Add("health_check_log_123456789012_elasticloadbalancing_us-east-2_app.a.b_20220215T2340Z_::1_x")
	f.Add("conn_log_123456789012_elasticloadbalancing_us-east-2_app.my-lb.50dc6c495c0c9188_20220215T2340Z_10.0.0.1_x.log.gz")
	f.Fuzz(func(t *testing.T, base string) {
		src, ok := Decoder{}.ParseName(base)
		if !ok {
			if src != (parser.Source{}) {
				t.Fatalf("ParseName(%q) = %+v without ok", base, src)
			}
			return
		}
		if src.Format != Format || !strings.HasPrefix(src.Resource, "app/") || src.NodeIP == "" ||
			src.End.Sub(src.Start).Minutes() != 5 || src.Name != "" {
			t.Fatalf("ParseName(%q) = %+v", base, src)
		}
	})
}
