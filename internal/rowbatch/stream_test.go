package rowbatch

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/internal/tokenize"
	"github.com/lbtriage/lbtriage/parser"
)

// fakeReader is a decoder of lines holding one number, also the row's
// time, into the column "n".
type fakeReader struct {
	Stream
	toks tokenize.Tokens
	n    int64
	ns   []Fixed[int64]
}

func (rd *fakeReader) Next() bool {
	return Next(&rd.Stream, fakeRows{rd}, &rd.toks, fakeMaxBytes)
}

var fakeMaxBytes int

type fakeRows struct{ rd *fakeReader }

func (r fakeRows) Parse(line []byte, reason string) string {
	if reason != "" {
		return reason
	}
	n, err := strconv.ParseInt(string(r.rd.toks.Field(line, 0)), 10, 64)
	if err != nil || r.rd.toks.N != 1 {
		return "not a number"
	}
	r.rd.n = n
	return ""
}

func (r fakeRows) Append(line []byte) int64 {
	AppendFixed(r.rd.ns)
	return r.rd.n
}

// TestNext reads lines in batches of up to size rows and maxBytes bytes,
// and checks the batches, the rejects and the stats.
func TestNext(t *testing.T) {
	f := func(text string, size, maxBytes int, want string, wantRejects []string) {
		t.Helper()
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		var rejects []string
		opts := parser.Options{Allocator: mem, BatchSize: size, OnReject: func(e *parser.LineError) {
			rejects = append(rejects, fmt.Sprintf("%d: %s", e.Line, e.Reason))
		}}
		rd := &fakeReader{}
		fields := []arrow.Field{{Name: "n", Type: arrow.PrimitiveTypes.Int64}}
		if _, err := rd.Init(strings.NewReader(text), "fake", fields, opts); err != nil {
			t.Fatal(err)
		}
		rd.Columns().Add(AddFixed(&rd.ns, mem, arrow.PrimitiveTypes.Int64, &rd.n, &AlwaysOK))
		defer rd.Release()
		fakeMaxBytes = maxBytes
		var batches []string
		for rd.Next() {
			batches = append(batches, fmt.Sprint(rd.RecordBatch().Column(0).(*array.Int64).Int64Values()))
		}
		if got := strings.Join(batches, " "); got != want {
			t.Fatalf("batches %s, want %s", got, want)
		}
		if !slices.Equal(rejects, wantRejects) {
			t.Fatalf("rejects %q, want %q", rejects, wantRejects)
		}
		s := rd.Stats()
		if s.Lines != s.Parsed+s.Rejected+s.Comments || s.Rejected != int64(len(rejects)) {
			t.Fatalf("stats %+v", s)
		}
		if rd.Err() != nil {
			t.Fatal(rd.Err())
		}
	}
	text := "3\n1\n# c\nx\n\n4 4\n15\n9\n"
	f(text, 100, MaxBatchBytes, "[3 1 15 9]", []string{"4: not a number", "6: not a number"})
	f(text, 2, MaxBatchBytes, "[3 1] [15 9]", []string{"4: not a number", "6: not a number"})
	f(text, 3, MaxBatchBytes, "[3 1 15] [9]", []string{"4: not a number", "6: not a number"})
	// The byte cap: a batch holds at least one line, and no line past the cap.
	f(text, 100, 2, "[3 1] [15] [9]", []string{"4: not a number", "6: not a number"})
	f(text, 100, 1, "[3] [1] [15] [9]", []string{"4: not a number", "6: not a number"})
	f(text, 100, 3, "[3 1] [15 9]", []string{"4: not a number", "6: not a number"})
	f("", 100, MaxBatchBytes, "", nil)
	f("# only\n\n", 100, MaxBatchBytes, "", nil)
	f("x\n", 100, MaxBatchBytes, "", []string{"1: not a number"})
}
