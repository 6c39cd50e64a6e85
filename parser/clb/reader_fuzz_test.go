package clb

import (
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
)

// FuzzReader feeds arbitrary bytes to a Reader with small batches. The
// properties (readertest.Fuzz): it never panics, every batch has the
// projected schema, the counts reconcile, the triage projection accepts
// exactly the lines all columns accept, and every Arrow buffer is released.
//
// The seed corpus lives in testdata/fuzz/FuzzReader. Run with
//
//	go test -run '^$' -fuzz FuzzReader -fuzztime 1m ./parser/clb
func FuzzReader(f *testing.F) {
	f.Add([]byte(lineWith() + "\n"))
	f.Add([]byte(lineWith(fELBStatusCode, `-`, fBackendStatusCode, `-`, fRequest, `"- - - "`, fUserAgent, `"-"`) + "\r\n"))
	f.Add([]byte(lineWith(fBackend, `-`, fELBStatusCode, `503`, fBackendStatusCode, `0`) + " extra \"x\n\n"))
	f.Add([]byte(`"unterminated`))
	f.Add([]byte("\r\n\n \t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		readertest.Fuzz(t, Decoder{}.NewReader, data, TriageColumns)
	})
}
