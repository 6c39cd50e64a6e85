package alb

import (
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
)

// FuzzReader feeds arbitrary bytes to a Reader with small batches. The
// properties: those of readertest.FuzzRead (it never panics, the counts
// reconcile, every Arrow buffer is released, ...), and the triage
// projection accepts exactly the lines all columns accept.
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
		all := readertest.FuzzRead(t, Decoder{}.NewReader, data, nil, 3)
		tri := readertest.FuzzRead(t, Decoder{}.NewReader, data, TriageColumns, 1)
		if all.Parsed != tri.Parsed || all.Rejected != tri.Rejected || all.Comments != tri.Comments {
			t.Fatalf("all columns %+v, triage %+v", all, tri)
		}
	})
}
