// Package readertest holds what the tests of the line decoders share: a
// Reader run to its end on a checked allocator, its batches turned into Go
// values and compared loosely, the lines and rows a test builds, the checks
// every Reader must pass (stream, batches, rejects, metadata), the shared
// corpus checked against the peers' expectations (Corpus), the properties
// a fuzzed Reader must keep, and the benchmarks' harness (Bench).
package readertest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/internal/tokenize"
	"github.com/lbtriage/lbtriage/parser"
)

// NewReader is a decoder's NewReader.
type NewReader func(io.Reader, parser.Options) (parser.Reader, error)

// Result is everything a Reader produced over one input.
type Result struct {
	Rows    []map[string]any // column name -> value; nil for null
	Rejects []*parser.LineError
	Stats   parser.Stats
	Err     error
	Batches []int // rows per batch
	Schema  *arrow.Schema
}

// ReadAll runs a Reader over r on a checked allocator and converts every
// batch to Go values (see RecordRows). It fails the test unless the counts
// reconcile and the allocator is back to zero.
func ReadAll(t testing.TB, newReader NewReader, r io.Reader, opts parser.Options) Result {
	t.Helper()
	mem := memory.NewCheckedAllocator(&rowbatch.Recycler{})
	defer mem.AssertSize(t, 0)
	opts.Allocator = mem
	var res Result
	opts.OnReject = func(e *parser.LineError) { res.Rejects = append(res.Rejects, e) }
	rd, err := newReader(r, opts)
	if err != nil {
		t.Fatalf("NewReader: %s", err)
	}
	defer rd.Release()
	res.Schema = rd.Schema()
	for rd.Next() {
		rec := rd.RecordBatch()
		if !rec.Schema().Equal(rd.Schema()) {
			t.Fatalf("batch schema %s, want %s", rec.Schema(), rd.Schema())
		}
		res.Batches = append(res.Batches, int(rec.NumRows()))
		res.Rows = append(res.Rows, RecordRows(t, rec)...)
	}
	res.Err = rd.Err()
	res.Stats = rd.Stats()
	if s := res.Stats; s.Lines != s.Parsed+s.Rejected+s.Comments {
		t.Fatalf("stats do not reconcile: %+v", s)
	}
	if int(res.Stats.Rejected) != len(res.Rejects) {
		t.Fatalf("Rejected=%d, OnReject called %d times", res.Stats.Rejected, len(res.Rejects))
	}
	if int(res.Stats.Parsed) != len(res.Rows) {
		t.Fatalf("Parsed=%d, rows delivered %d", res.Stats.Parsed, len(res.Rows))
	}
	return res
}

// RecordRows converts a batch to one map a row, column name to value: a
// string, uint8, uint16, int32, int64 or float64, a duration as a
// time.Duration, a timestamp as FmtTime writes it, and nil for null.
func RecordRows(t testing.TB, rec arrow.RecordBatch) []map[string]any {
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
				// Value aliases the batch's buffer, which is reused once
				// the batch is released.
				v = strings.Clone(a.Value(i))
			case *array.Uint8:
				v = a.Value(i)
			case *array.Uint16:
				v = a.Value(i)
			case *array.Int32:
				v = a.Value(i)
			case *array.Int64:
				v = a.Value(i)
			case *array.Float64:
				v = a.Value(i)
			case *array.Duration:
				v = time.Duration(a.Value(i)) * a.DataType().(*arrow.DurationType).Unit.Multiplier()
			case *array.Timestamp:
				v = FmtTime(time.UnixMicro(int64(a.Value(i))))
			default:
				t.Fatalf("column %s: unexpected array type %T", f.Name, col)
			}
			rows[i][f.Name] = v
		}
	}
	return rows
}

// FmtTime writes t as the timestamps of ELB logs: UTC, microseconds.
func FmtTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// CheckRow compares a row against want: every column in want must match
// (EqualValue), every other column of the row must be null.
func CheckRow(t testing.TB, got, want map[string]any) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("column %s missing from row", k)
			continue
		}
		if !EqualValue(g, w) {
			t.Errorf("%s = %#v, want %#v", k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && g != nil {
			t.Errorf("%s = %#v, want null", k, g)
		}
	}
}

// EqualValue compares loosely typed expectations: untyped integer
// constants in want match any integer column type.
func EqualValue(got, want any) bool {
	if want == nil || got == nil {
		return want == nil && got == nil
	}
	switch w := want.(type) {
	case int:
		switch g := got.(type) {
		case uint8:
			return int(g) == w
		case uint16:
			return int(g) == w
		case int32:
			return int(g) == w
		case int64:
			return int(g) == w
		case float64:
			return g == float64(w)
		}
		return false
	}
	return fmt.Sprint(got) == fmt.Sprint(want) && fmt.Sprintf("%T", got) == fmt.Sprintf("%T", want)
}

// NewChecked returns a checked allocator over a Recycler that the test
// asserts is back to zero when it ends.
func NewChecked(t *testing.T) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(&rowbatch.Recycler{})
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// FuzzRead runs a Reader over data with batches of at most batch rows,
// the columns cols and lines of at most 4096 bytes, on a checked
// allocator, and fails unless: every batch has the projected schema and
// columns of its length, the counts reconcile (Lines = Parsed + Rejected +
// Comments, rows delivered = Parsed, one OnReject call per rejected line
// with a reason and a short snippet, Lines = the lines of data, Bytes =
// its length), MinTime is not after MaxTime, an in-memory reader has no
// error, and every Arrow buffer is released. It returns the counts.
func FuzzRead(t *testing.T, newReader NewReader, data []byte, cols []string, batch int) parser.Stats {
	mem := memory.NewCheckedAllocator(&rowbatch.Recycler{})
	defer mem.AssertSize(t, 0)
	rejects := int64(0)
	rd, err := newReader(bytes.NewReader(data), parser.Options{
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
	lines := int64(bytes.Count(data, []byte{'\n'}))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		lines++
	}
	if s.Lines != lines {
		t.Fatalf("Lines = %d, input has %d", s.Lines, lines)
	}
	if s.Bytes != int64(len(data)) {
		t.Fatalf("Bytes = %d, want %d", s.Bytes, len(data))
	}
	return s
}

// CheckBatches checks how a Reader cuts lines, ten lines of one length it
// accepts, into batches: by Options.BatchSize, and before a batch's text
// would pass *maxBatchBytes (the decoder's cap, lowered for the test), the
// line that would pass it opening the next batch. A rejected and a blank
// line among them count for nothing, and the rows come in the order of the
// lines, whatever the batches.
func CheckBatches(t *testing.T, newReader NewReader, lines []string, maxBatchBytes *int) {
	t.Helper()
	in := strings.Join(lines[:5], "\n") + "\nbad\n\n" + strings.Join(lines[5:], "\n") + "\n"
	want := ReadAll(t, newReader, strings.NewReader(in), parser.Options{}).Rows
	f := func(batchSize int, batches ...int) {
		t.Helper()
		res := ReadAll(t, newReader, strings.NewReader(in), parser.Options{BatchSize: batchSize})
		if fmt.Sprint(res.Batches) != fmt.Sprint(batches) {
			t.Fatalf("BatchSize %d, cap %d: batches %v, want %v", batchSize, *maxBatchBytes, res.Batches, batches)
		}
		for i, r := range res.Rows {
			CheckRow(t, r, want[i])
		}
	}
	f(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
	f(3, 3, 3, 3, 1)
	f(5, 5, 5)
	f(0, 10)
	defer func(v int) { *maxBatchBytes = v }(*maxBatchBytes)
	*maxBatchBytes = 3*len(lines[0]) + 2
	f(0, 3, 3, 3, 1)
	f(4, 3, 3, 3, 1)
	*maxBatchBytes = 1 // a line longer than the cap still makes a batch alone
	f(0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
}

// CheckReject reads line, named obj.log, and fails unless it is rejected
// with reason, as line 1 of obj.log, quoting the line when it is short.
func CheckReject(t testing.TB, newReader NewReader, line, reason string) {
	t.Helper()
	res := ReadAll(t, newReader, strings.NewReader(line), parser.Options{Source: parser.Source{Name: "obj.log"}})
	if len(res.Rows) != 0 || len(res.Rejects) != 1 {
		t.Fatalf("%d rows, %d rejects; want the line rejected with %q", len(res.Rows), len(res.Rejects), reason)
	}
	e := res.Rejects[0]
	if e.Reason != reason {
		t.Errorf("reason %q, want %q", e.Reason, reason)
	}
	if e.Source != "obj.log" || e.Line != 1 {
		t.Errorf("LineError at %s:%d, want obj.log:1", e.Source, e.Line)
	}
	if want := strings.TrimRight(line, "\n"); len(want) <= parser.SnippetBytes && e.Snippet != want {
		t.Errorf("snippet %q, want %q", e.Snippet, want)
	}
}

// CheckMetadata reads line with the Source src and fails unless the batch
// schema's metadata is want.
func CheckMetadata(t testing.TB, newReader NewReader, line string, src parser.Source, want map[string]string) {
	t.Helper()
	md := ReadAll(t, newReader, strings.NewReader(line), parser.Options{Source: src}).Schema.Metadata()
	if md.Len() != len(want) {
		t.Fatalf("metadata %v, want %v", md, want)
	}
	for k, v := range want {
		if i := md.FindKey(k); i < 0 || md.Values()[i] != v {
			t.Errorf("metadata %s missing or wrong: %v", k, md)
		}
	}
}

// CheckProjection reads in with Options.Columns cols, one row a batch, and
// fails unless the schema holds exactly wantCols in that order, the input
// gives one batch for each of the len(want) rows and rejected rejects, and
// row i holds want[i]'s values of the columns of wantCols it has.
func CheckProjection(t testing.TB, newReader NewReader, in string, cols, wantCols []string, rejected int64, want ...map[string]any) {
	t.Helper()
	res := ReadAll(t, newReader, strings.NewReader(in), parser.Options{Columns: cols, BatchSize: 1})
	var got []string
	for _, fl := range res.Schema.Fields() {
		got = append(got, fl.Name)
	}
	if strings.Join(got, ",") != strings.Join(wantCols, ",") {
		t.Fatalf("schema %v, want %v", got, wantCols)
	}
	if res.Stats.Parsed != int64(len(want)) || res.Stats.Rejected != rejected || len(res.Batches) != len(want) {
		t.Fatalf("stats %+v, batches %v", res.Stats, res.Batches)
	}
	for i, w := range want {
		sub := map[string]any{}
		for _, c := range wantCols {
			if v, ok := w[c]; ok {
				sub[c] = v
			}
		}
		CheckRow(t, res.Rows[i], sub)
	}
}

// CheckMaxLineCap fails unless a Reader asked for lines of up to 1 TiB
// lowers the cap to 1 GiB, which int32 token bounds hold. The Reader must
// have an Options method (rowbatch.Stream's).
func CheckMaxLineCap(t testing.TB, newReader NewReader) {
	t.Helper()
	rd, err := newReader(strings.NewReader(""), parser.Options{MaxLineBytes: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	o, ok := rd.(interface{ Options() *parser.Options })
	if !ok {
		t.Fatalf("%T has no Options method", rd)
	}
	if got := o.Options().MaxLineBytes; got != 1<<30 {
		t.Fatalf("cap: %d", got)
	}
}

// Fuzz is the property of a fuzzed Reader: FuzzRead's, with all columns
// in batches of three rows and with the projection cols in batches of one,
// which must accept, reject and pass over the same lines. Inputs over 64
// KiB are passed over.
func Fuzz(t *testing.T, newReader NewReader, data []byte, cols []string) {
	if len(data) > 1<<16 {
		return
	}
	all := FuzzRead(t, newReader, data, nil, 3)
	tri := FuzzRead(t, newReader, data, cols, 1)
	if all.Parsed != tri.Parsed || all.Rejected != tri.Rejected || all.Comments != tri.Comments {
		t.Fatalf("all columns %+v, projection %+v", all, tri)
	}
}

// CorpusDir returns the shared corpus of public log lines (see its
// SOURCES.md): $LBTRIAGE_CORPUS, or shared/corpus in the nearest directory
// above the test's that holds one, as it sits beside the checkout. It skips
// the test when there is none. Lines under licences that forbid copying
// them into this repository are read from there.
func CorpusDir(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("LBTRIAGE_CORPUS"); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			t.Skipf("corpus not found at %s (LBTRIAGE_CORPUS): %v", dir, err)
		}
		return dir
	}
	start, err := filepath.Abs(".")
	if err != nil {
		t.Skipf("corpus not found: %v", err)
	}
	for dir := start; ; {
		c := filepath.Join(dir, "shared", "corpus")
		if fi, err := os.Stat(c); err == nil && fi.IsDir() {
			return c
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Skipf("corpus not found in shared/corpus in any directory above %s (set LBTRIAGE_CORPUS)", start)
		}
		dir = up
	}
}

// CheckStream checks what every decoder's Reader does the same way with
// good, one line it accepts (no newline): lines counted as rows, rejects
// and blank lines with Bytes and the reject's line number; comment lines;
// a read error
// that cuts a line, and one that cuts none; lines over the cap; and a
// Release in the middle of a stream, twice, with Next after it and a
// batch retained across it.
func CheckStream(t *testing.T, newReader NewReader, good string) {
	t.Run("counts", func(t *testing.T) {
		in := "\n" + good + "\r\n  \n" + "bogus line\n" + good + "\n\t\n" + good // no trailing newline
		res := ReadAll(t, newReader, strings.NewReader(in), parser.Options{})
		s := res.Stats
		if s.Lines != 7 || s.Parsed != 3 || s.Rejected != 1 || s.Comments != 3 {
			t.Fatalf("stats %+v, want 7 lines = 3 parsed + 1 rejected + 3 blank", s)
		}
		if s.Bytes != int64(len(in)) {
			t.Errorf("Bytes = %d, want %d", s.Bytes, len(in))
		}
		if res.Rejects[0].Line != 4 {
			t.Errorf("reject at line %d, want 4", res.Rejects[0].Line)
		}
	})
	t.Run("comments", func(t *testing.T) {
		// Comment lines, whatever they say, count as comments
		// (rowbatch.IsComment): a lone "#" first line costs no line of
		// the object.
		f := func(in string, parsed, comments int64) {
			t.Helper()
			res := ReadAll(t, newReader, strings.NewReader(in), parser.Options{})
			if s := res.Stats; s.Parsed != parsed || s.Comments != comments || s.Rejected != 0 {
				t.Fatalf("stats %+v, want %d parsed, %d comments, no reject; rejects %v", s, parsed, comments, res.Rejects)
			}
		}
		line := good + "\n"
		f("#\n"+strings.Repeat(line, 100), 100, 1)
		f("# written by hand\n"+line+"  #\n\t# indented\n"+line, 2, 3)
		f("#Version: 1.0\n#Fields: date time\n"+line, 1, 2)
		f("#", 0, 1)
	})
	t.Run("read error", func(t *testing.T) {
		boom := errors.New("unexpected EOF in gzip")
		line := good + "\n"
		r := io.MultiReader(strings.NewReader(line+line+line[:40]), iotest.ErrReader(boom))
		res := ReadAll(t, newReader, r, parser.Options{Source: parser.Source{Name: "x.log.gz"}, BatchSize: 1})
		if len(res.Rows) != 2 {
			t.Fatalf("got %d rows before the error, want 2", len(res.Rows))
		}
		if !errors.Is(res.Err, boom) || res.Err.Error() != "read x.log.gz: unexpected EOF in gzip" {
			t.Fatalf("Err() = %v", res.Err)
		}
		if len(res.Rejects) != 1 || res.Rejects[0].Reason != "line cut short by a read error" || res.Rejects[0].Line != 3 {
			t.Fatalf("rejects %v", res.Rejects)
		}
		// An error right after a newline cuts no line.
		res = ReadAll(t, newReader, io.MultiReader(strings.NewReader(line), iotest.ErrReader(boom)), parser.Options{})
		if len(res.Rows) != 1 || len(res.Rejects) != 0 || !errors.Is(res.Err, boom) || res.Err.Error() != "read input: unexpected EOF in gzip" {
			t.Fatalf("rows %d rejects %d err %v", len(res.Rows), len(res.Rejects), res.Err)
		}
	})
	t.Run("long lines", func(t *testing.T) {
		long := good + " " + strings.Repeat("x", 2000)
		in := good + "\n" + long + "\n" + good + "\n"
		res := ReadAll(t, newReader, strings.NewReader(in), parser.Options{MaxLineBytes: 1000})
		if res.Stats.Parsed != 2 || len(res.Rejects) != 1 {
			t.Fatalf("stats %+v", res.Stats)
		}
		if e := res.Rejects[0]; e.Reason != "line longer than 1000 bytes" || e.Line != 2 {
			t.Fatalf("reject %v", e)
		}
		in = strings.Repeat("x", parser.DefaultMaxLineBytes+10) + "\n" + good
		res = ReadAll(t, newReader, strings.NewReader(in), parser.Options{})
		if res.Stats.Parsed != 1 || len(res.Rejects) != 1 || res.Rejects[0].Reason != "line longer than 1048576 bytes" {
			t.Fatalf("stats %+v rejects %v", res.Stats, res.Rejects)
		}
		// Caps below a reject's snippet are raised to it.
		in = strings.Repeat("x", 300) + "\n" + good + "\n"
		res = ReadAll(t, newReader, strings.NewReader(in), parser.Options{MaxLineBytes: 10})
		if len(res.Rejects) == 0 || res.Rejects[0].Reason != "line longer than 160 bytes" {
			t.Fatalf("rejects %v", res.Rejects)
		}
	})
	t.Run("release", func(t *testing.T) {
		rd, err := newReader(strings.NewReader(strings.Repeat(good+"\n", 5)), parser.Options{Allocator: NewChecked(t), BatchSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		if !rd.Next() {
			t.Fatal("no batch")
		}
		rec := rd.RecordBatch()
		rec.Retain()
		rd.Release()
		rd.Release()
		if rd.Next() {
			t.Fatal("Next after Release")
		}
		if rec.NumRows() != 2 {
			t.Fatalf("retained batch has %d rows", rec.NumRows())
		}
		rec.Release()
	})
}

// ParseOne reads line alone with all columns and returns its row, failing
// the test unless it is one row.
func ParseOne(t testing.TB, newReader NewReader, line string) map[string]any {
	t.Helper()
	res := ReadAll(t, newReader, strings.NewReader(line), parser.Options{})
	if len(res.Rejects) > 0 {
		t.Fatalf("line rejected: %s", res.Rejects[0])
	}
	if len(res.Rows) != 1 {
		t.Fatalf("got %d rows, want 1", len(res.Rows))
	}
	return res.Rows[0]
}

// With returns a copy of base with the changes applied, given as column,
// value pairs; a nil value deletes the column.
func With(base map[string]any, kv ...any) map[string]any {
	m := maps.Clone(base)
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(m, kv[i].(string))
		} else {
			m[kv[i].(string)] = kv[i+1]
		}
	}
	return m
}

// CheckReadWays reads in three ways and fails unless the rows, the
// rejects and the counts are the same: whole, where most lines are found
// and split in one pass by tokenize.Tokens.SplitLine on the CPUs that can;
// one byte a read, where the buffer never holds a whole line and every
// line comes from the LineReader; and without the vector tokenizer. It
// returns the result of the whole read.
func CheckReadWays(t *testing.T, newReader NewReader, in string) Result {
	t.Helper()
	want := ReadAll(t, newReader, strings.NewReader(in), parser.Options{})
	check := func(name string, got Result) {
		t.Helper()
		if got.Stats != want.Stats || len(got.Rejects) != len(want.Rejects) || len(got.Rows) != len(want.Rows) {
			t.Fatalf("%s: stats %+v, %d rejects, %d rows; want %+v, %d, %d", name, got.Stats, len(got.Rejects), len(got.Rows), want.Stats, len(want.Rejects), len(want.Rows))
		}
		for i := range got.Rejects {
			if got.Rejects[i].Error() != want.Rejects[i].Error() {
				t.Fatalf("%s: reject %d: %s, want %s", name, i, got.Rejects[i], want.Rejects[i])
			}
		}
		for i := range got.Rows {
			CheckRow(t, got.Rows[i], want.Rows[i])
		}
	}
	check("one byte a read", ReadAll(t, newReader, iotest.OneByteReader(strings.NewReader(in)), parser.Options{}))
	defer tokenize.SetVector(tokenize.SetVector(false))
	check("without the vector tokenizer", ReadAll(t, newReader, strings.NewReader(in), parser.Options{}))
	return want
}

// LineWith joins fields with spaces, with the changes kv, pairs of a field
// position and its text, applied.
func LineWith(fields []string, kv ...any) string {
	fs := slices.Clone(fields)
	for i := 0; i < len(kv); i += 2 {
		fs[kv[i].(int)] = kv[i+1].(string)
	}
	return strings.Join(fs, " ")
}
