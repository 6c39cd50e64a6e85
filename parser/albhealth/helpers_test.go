package albhealth

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/parser"
)

// result is everything a Reader produced over one input.
type result struct {
	rows    []map[string]any // column name -> value; nil for null
	rejects []*parser.LineError
	stats   parser.Stats
	err     error
	batches []int // rows per batch
	schema  *arrow.Schema
}

// newChecked returns a checked allocator that must be back to zero when
// the test ends.
func newChecked(t testing.TB) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// readAll runs a Reader over r on a checked allocator and converts every
// batch to Go values, checking that the counts reconcile.
func readAll(t testing.TB, r io.Reader, opts parser.Options) result {
	t.Helper()
	opts.Allocator = newChecked(t)
	var res result
	opts.OnReject = func(e *parser.LineError) { res.rejects = append(res.rejects, e) }
	rd, err := NewReader(r, opts)
	if err != nil {
		t.Fatalf("NewReader: %s", err)
	}
	defer rd.Release()
	res.schema = rd.Schema()
	for rd.Next() {
		rec := rd.RecordBatch()
		if !rec.Schema().Equal(rd.Schema()) {
			t.Fatalf("batch schema %s, want %s", rec.Schema(), rd.Schema())
		}
		res.batches = append(res.batches, int(rec.NumRows()))
		res.rows = append(res.rows, recordRows(t, rec)...)
	}
	res.err = rd.Err()
	res.stats = rd.Stats()
	if s := res.stats; s.Lines != s.Parsed+s.Rejected+s.Comments {
		t.Fatalf("stats do not reconcile: %+v", s)
	}
	if int(res.stats.Rejected) != len(res.rejects) {
		t.Fatalf("Rejected=%d, OnReject called %d times", res.stats.Rejected, len(res.rejects))
	}
	if int(res.stats.Parsed) != len(res.rows) {
		t.Fatalf("Parsed=%d, rows delivered %d", res.stats.Parsed, len(res.rows))
	}
	return res
}

func readString(t testing.TB, s string, opts parser.Options) result {
	t.Helper()
	return readAll(t, strings.NewReader(s), opts)
}

// recordRows converts a batch to Go values: strings, ints, a time.Duration
// for the latency and an RFC 3339 string with microseconds for the time.
func recordRows(t testing.TB, rec arrow.RecordBatch) []map[string]any {
	t.Helper()
	rows := make([]map[string]any, rec.NumRows())
	for i := range rows {
		rows[i] = map[string]any{}
	}
	for c, f := range rec.Schema().Fields() {
		col := rec.Column(c)
		for i := range rows {
			if col.IsNull(i) {
				rows[i][f.Name] = nil
				continue
			}
			var v any
			switch a := col.(type) {
			case *array.String:
				v = strings.Clone(a.Value(i))
			case *array.Uint16:
				v = int(a.Value(i))
			case *array.Duration:
				v = time.Duration(a.Value(i))
			case *array.Timestamp:
				v = fmtTime(time.UnixMicro(int64(a.Value(i))))
			default:
				t.Fatalf("column %s: unexpected array type %T", f.Name, col)
			}
			rows[i][f.Name] = v
		}
	}
	return rows
}

func fmtTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// checkRow compares a row against want: every column in want must match,
// every other column of the row must be null.
func checkRow(t testing.TB, got, want map[string]any) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("column %s missing from row", k)
			continue
		}
		if fmt.Sprintf("%T %v", g, g) != fmt.Sprintf("%T %v", w, w) {
			t.Errorf("%s = %#v, want %#v", k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && g != nil {
			t.Errorf("%s = %#v, want null", k, g)
		}
	}
}
