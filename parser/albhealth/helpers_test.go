package albhealth

import (
	"io"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

// readAll runs a Reader over r on a checked allocator and converts every
// batch to Go values. It fails the test if the allocator is not back to zero.
func readAll(t testing.TB, r io.Reader, opts parser.Options) readertest.Result {
	t.Helper()
	return readertest.ReadAll(t, Decoder{}.NewReader, r, opts)
}

func readString(t testing.TB, s string, opts parser.Options) readertest.Result {
	t.Helper()
	return readAll(t, strings.NewReader(s), opts)
}

var (
	fmtTime    = readertest.FmtTime
	checkRow   = readertest.CheckRow
	newChecked = readertest.NewChecked
)
