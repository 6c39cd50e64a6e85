package alb

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/internal/rowbatch"
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
//	go test -run '^$' -fuzz FuzzReader -fuzztime 3m ./parser/alb
func FuzzReader(f *testing.F) {
	f.Add([]byte(lineWith() + "\n"))
	f.Add([]byte(`"unterminated`))
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
	})
}

func fuzzRead(t *testing.T, data []byte, cols []string, batch int) parser.Stats {
	mem := memory.NewCheckedAllocator(&rowbatch.Recycler{})
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
