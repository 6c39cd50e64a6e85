package albhealth

import (
	"bytes"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

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
// properties: it never panics, every batch has the projected schema, the
// counts reconcile (Lines = Parsed + Rejected + Comments, rows delivered =
// Parsed, one OnReject call per rejected line, Bytes = input length), a
// projection accepts exactly the lines all columns accept, and every Arrow
// buffer is released.
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
		all := fuzzRead(t, data, nil, 3)
		one := fuzzRead(t, data, []string{ColStatus}, 1)
		if all.Parsed != one.Parsed || all.Rejected != one.Rejected || all.Comments != one.Comments {
			t.Fatalf("all columns %+v, status only %+v", all, one)
		}
		lines := int64(bytes.Count(data, []byte{'\n'}))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			lines++
		}
		if all.Lines != lines {
			t.Fatalf("Lines = %d, input has %d", all.Lines, lines)
		}
		if all.Bytes != int64(len(data)) {
			t.Fatalf("Bytes = %d, want %d", all.Bytes, len(data))
		}
	})
}

func fuzzRead(t *testing.T, data []byte, cols []string, batch int) parser.Stats {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rejects := int64(0)
	rd, err := NewReader(bytes.NewReader(data), parser.Options{
		Allocator: mem, BatchSize: batch, Columns: cols, MaxLineBytes: 4096,
		OnReject: func(e *parser.LineError) {
			rejects++
			if e.Reason == "" || len(e.Snippet) > parser.SnippetBytes {
				t.Fatalf("bad LineError %+v", e)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	rows := int64(0)
	for rd.Next() {
		rec := rd.RecordBatch()
		if !rec.Schema().Equal(rd.Schema()) || rec.NumRows() < 1 || rec.NumRows() > int64(batch) {
			t.Fatalf("batch of %d rows, schema %s", rec.NumRows(), rec.Schema())
		}
		for _, c := range rec.Columns() {
			if c.Len() != int(rec.NumRows()) {
				t.Fatalf("column of %d values in a batch of %d rows", c.Len(), rec.NumRows())
			}
		}
		rows += rec.NumRows()
	}
	if err := rd.Err(); err != nil {
		t.Fatalf("Err() = %v on an in-memory reader", err)
	}
	s := rd.Stats()
	if s.Lines != s.Parsed+s.Rejected+s.Comments || s.Parsed != rows || s.Rejected != rejects {
		t.Fatalf("stats %+v, rows %d, rejects %d", s, rows, rejects)
	}
	if s.Parsed > 0 && s.MinTime.After(s.MaxTime) {
		t.Fatalf("MinTime %v after MaxTime %v", s.MinTime, s.MaxTime)
	}
	return s
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
		if s := fuzzRead(t, head, nil, 64); s.Parsed > int64(n) {
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
