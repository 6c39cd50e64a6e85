package alb

import (
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
)

// FuzzReader feeds arbitrary bytes to a Reader with small batches. The
// properties are readertest.Fuzz's: those of readertest.FuzzRead (it never
// panics, the counts reconcile, every Arrow buffer is released, ...), and
// the triage projection accepts exactly the lines all columns accept.
//
// The seed corpus lives in testdata/fuzz/FuzzReader. Run with
//
//	go test -run '^$' -fuzz FuzzReader -fuzztime 3m ./parser/alb
func FuzzReader(f *testing.F) {
	f.Add([]byte(lineWith() + "\n"))
	f.Add([]byte(`"unterminated`))
	f.Add([]byte("\r\n\n \t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		readertest.Fuzz(t, Decoder{}.NewReader, data, TriageColumns)
	})
}
