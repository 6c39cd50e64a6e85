package nlb

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/parser"
)

// FuzzReader feeds arbitrary bytes to a Reader with small batches. The
// properties: it never panics, every batch has the projected schema, the
// counts reconcile (Lines = Parsed + Rejected + Comments, rows delivered =
// Parsed, one OnReject call per rejected line, Bytes = input length), the
// triage projection accepts exactly the lines all columns accept, and every
// Arrow buffer is released.
//
// The seed corpus lives in testdata/fuzz/FuzzReader. Run with
//
//	go test -run '^$' -fuzz FuzzReader -fuzztime 1m ./parser/nlb
func FuzzReader(f *testing.F) {
	f.Add([]byte(lineWith() + "\n"))
	f.Add([]byte(lineWith(fTLSHandshakeTime, "-", fIncomingTLSAlert, "48") + "\r\n" + lineWith(fVersion, "1.0")))
	f.Add([]byte("tls 2.0 2024-10-25T17:33:59 net/x/c88927aafc9abafe 52878890095341b5 [::1]:2817 10.0.0.1:80 0 - 0 0 - - - - - - - - - - 2024-10-25T17:33:59"))
	f.Add([]byte("\r\n\n \t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		all := fuzzRead(t, data, nil, 3)
		tri := fuzzRead(t, data, TriageColumns, 1)
		if all.Parsed != tri.Parsed || all.Rejected != tri.Rejected || all.Comments != tri.Comments {
			t.Fatalf("all columns %+v, triage %+v", all, tri)
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
		if n := (Decoder{}).Sniff(data); int64(n) > all.Lines {
			t.Fatalf("Sniff counts %d lines of %d", n, all.Lines)
		}
	})
}

// FuzzParseName checks that ParseName never panics and that what it
// accepts is an NLB object of a known interval.
func FuzzParseName(f *testing.F) {
	f.Add("123456789012_elasticloadbalancing_us-east-2_net.my-loadbalancer.1234567890abcdef_20200501T0000Z_20sg8hgm.log.gz")
	f.Add("123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20200501T0000Z_172.160.001.192_20sg8hgm.log.gz")
	f.Add("ELBAccessLogTestFile")
	f.Fuzz(func(t *testing.T, base string) {
		src, ok := Decoder{}.ParseName(base)
		if !ok {
			return
		}
		if src.Format != parser.FormatNLB || src.Resource[:4] != "net/" || src.NodeIP != "" ||
			src.End.Sub(src.Start) != Interval || src.End.Location().String() != "UTC" {
			t.Fatalf("ParseName(%q) = %+v", base, src)
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
