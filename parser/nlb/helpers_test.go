package nlb

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

// result is everything a Reader produced over one input.
type result = readertest.Result

// readAll runs a Reader over r on a checked allocator and converts every
// batch to Go values. It fails the test if the allocator is not back to
// zero or the counts do not reconcile.
func readAll(t testing.TB, r io.Reader, opts parser.Options) result {
	t.Helper()
	return readertest.ReadAll(t, Decoder{}.NewReader, r, opts)
}

func readString(t testing.TB, s string, opts parser.Options) result {
	t.Helper()
	return readAll(t, strings.NewReader(s), opts)
}

var (
	fmtTime  = readertest.FmtTime
	checkRow = readertest.CheckRow
)

// ms is a duration column's value of n milliseconds.
func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }
