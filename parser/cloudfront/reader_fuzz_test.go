package cloudfront

import (
	"bytes"
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/parser"
)

// FuzzReader feeds arbitrary bytes to the Reader. The properties: it never
// panics, NewReader fails only for a log it does not read (and then frees
// all it took), the counts reconcile, every batch has at most BatchSize rows, and
// every byte allocated is freed after Release. The seed corpus is in
// testdata/fuzz/FuzzReader.
func FuzzReader(f *testing.F) {
	f.Add([]byte(header(33) + rec(33) + rec(31)))
	f.Add([]byte(rec(24) + rec(12)))
	f.Add([]byte(`{"timestamp(ms)":"1731620046814","sc-status":"502","cs(User-Agent)":"a%2520b\u00e9"}` + "\n"))
	f.Add([]byte("#Fields: date time sc-status cs-uri-stem\n2024-03-01 12:00:00 502 /a%20b\n"))
	f.Add([]byte(rtmpLog))
	f.Add([]byte(header(33) + rec(33) + rtmpLog + rec(33)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		opts := parser.Options{Allocator: mem, BatchSize: 1 + len(data)%4}
		if len(data) > 0 && data[0]&1 == 1 {
			opts.Columns = TriageColumns
		}
		if len(data) > 1 && data[1]&1 == 1 {
			opts.MaxLineBytes = 200
		}
		var rejects int64
		opts.OnReject = func(e *parser.LineError) {
			rejects++
			if e.Reason == "" || len(e.Snippet) > parser.SnippetBytes {
				t.Fatalf("bad LineError %+v", e)
			}
		}
		r, err := NewReader(bytes.NewReader(data), opts)
		var ue *parser.UnsupportedError
		if errors.As(err, &ue) {
			mem.AssertSize(t, 0)
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var rows int64
		for r.Next() {
			rec := r.RecordBatch()
			if rec.NumRows() < 1 || rec.NumRows() > int64(opts.BatchSize) {
				t.Fatalf("batch of %d rows", rec.NumRows())
			}
			for _, col := range rec.Columns() {
				if col.Len() != int(rec.NumRows()) {
					t.Fatalf("column of %d values in a batch of %d rows", col.Len(), rec.NumRows())
				}
			}
			_ = renderRows(rec)
			rows += rec.NumRows()
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		s := r.Stats()
		r.Release()
		mem.AssertSize(t, 0)
		if s.Lines != s.Parsed+s.Rejected+s.Comments || s.Parsed != rows || s.Rejected != rejects {
			t.Fatalf("counts do not reconcile: %+v, %d rows, %d rejects", s, rows, rejects)
		}
		if s.Bytes != int64(len(data)) {
			t.Fatalf("Bytes %d, input %d", s.Bytes, len(data))
		}
		if s.MaxTime.Before(s.MinTime) {
			t.Fatalf("time range %v–%v", s.MinTime, s.MaxTime)
		}
	})
}
