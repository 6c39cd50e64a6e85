package rowbatch

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/internal/tokenize"
	"github.com/lbtriage/lbtriage/parser"
)

func TestSetup(t *testing.T) {
	f := func(in, want int) {
		t.Helper()
		opts, rec := Setup(parser.Options{MaxLineBytes: in})
		if rec == nil || opts.Allocator != rec {
			t.Fatalf("Setup without an allocator: %v, recycler %v", opts.Allocator, rec)
		}
		rec.Close()
		if opts.MaxLineBytes != want {
			t.Fatalf("MaxLineBytes %d: got %d, want %d", in, opts.MaxLineBytes, want)
		}
	}
	f(0, parser.DefaultMaxLineBytes)
	f(10, parser.SnippetBytes)
	f(4096, 4096)
	f(1<<40, MaxLineBytes)

	mem := memory.NewGoAllocator()
	if opts, rec := Setup(parser.Options{Allocator: mem}); rec != nil || opts.Allocator != mem {
		t.Fatalf("Setup with an allocator: %v, recycler %v", opts.Allocator, rec)
	}
}

func TestProjection(t *testing.T) {
	fields := []arrow.Field{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	f := func(names []string, want []int) {
		t.Helper()
		got, err := Projection("x", fields, names)
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("Projection(%q) = %v, %v; want %v", names, got, err, want)
		}
	}
	f(nil, []int{0, 1, 2})
	f([]string{"c", "a"}, []int{0, 2})
	f([]string{"b", "b"}, []int{1})
	if _, err := Projection("x", fields, []string{"a", "d"}); err == nil || err.Error() != `x: unknown column "d"` {
		t.Fatalf("unknown column: %v", err)
	}
}

func TestSourceMetadata(t *testing.T) {
	if md := SourceMetadata(parser.Source{}); md != nil {
		t.Fatalf("empty source: %v", md)
	}
	md := SourceMetadata(parser.Source{Name: "s3://b/k", NodeIP: "10.0.0.1", Resource: "app/x/1",
		End: time.Date(2026, 3, 14, 9, 30, 0, 0, time.FixedZone("", 3600))})
	want := map[string]string{MetaSource: "s3://b/k", MetaNodeIP: "10.0.0.1", MetaLoadBalancer: "app/x/1",
		MetaIntervalEnd: "2026-03-14T08:30:00Z"}
	if md.Len() != len(want) {
		t.Fatalf("metadata %v", md)
	}
	for k, v := range want {
		if i := md.FindKey(k); i < 0 || md.Values()[i] != v {
			t.Fatalf("metadata %v, want %s=%s", md, k, v)
		}
	}
}

// TestLines reads lines of every kind, with and without a tokenizer, and
// checks what Next hands out and what it counts.
func TestLines(t *testing.T) {
	in := "a b\n\n \t\n# a comment\n\t#\n" + strings.Repeat("x", 200) + "\nc \"d e\"\r\nlast"
	for _, toks := range []*tokenize.Tokens{nil, {}} {
		var rejects []string
		l := NewLines(strings.NewReader(in), parser.Options{MaxLineBytes: 160, Source: parser.Source{Name: "f"},
			OnReject: func(e *parser.LineError) { rejects = append(rejects, e.Error()) }})
		var got []string
		unread := false
		for {
			line, split, ok := l.Next(toks)
			if !ok {
				break
			}
			if split && toks == nil {
				t.Fatal("split without a tokenizer")
			}
			if string(line) == "last" {
				l.Reject("no good", line)
				continue
			}
			if !unread {
				unread = true
				l.Unread()
				continue
			}
			got = append(got, string(line))
			l.Count(int64(len(got)))
		}
		if want := []string{"a b", `c "d e"`}; !slices.Equal(got, want) {
			t.Fatalf("lines %q, want %q", got, want)
		}
		wantRejects := []string{`f:6: line longer than 160 bytes: "` + strings.Repeat("x", 160) + `"`, `f:8: no good: "last"`}
		if !slices.Equal(rejects, wantRejects) {
			t.Fatalf("rejects %q, want %q", rejects, wantRejects)
		}
		s := l.Stats()
		if s.Lines != 8 || s.Parsed != 2 || s.Rejected != 2 || s.Comments != 4 || s.Bytes != int64(len(in)) ||
			s.MinTime != time.UnixMicro(1).UTC() || s.MaxTime != time.UnixMicro(2).UTC() {
			t.Fatalf("stats %+v", s)
		}
		if l.Err() != nil {
			t.Fatalf("Err %v", l.Err())
		}
	}
}

func TestLines_ReadError(t *testing.T) {
	boom := errors.New("boom")
	var rejects []string
	l := NewLines(io.MultiReader(strings.NewReader("a\nb"), iotest.ErrReader(boom)), parser.Options{MaxLineBytes: 1000,
		OnReject: func(e *parser.LineError) { rejects = append(rejects, e.Reason) }})
	n := 0
	for {
		if _, _, ok := l.Next(nil); !ok {
			break
		}
		n++
	}
	if n != 1 || !slices.Equal(rejects, []string{"line cut short by a read error"}) {
		t.Fatalf("%d lines, rejects %q", n, rejects)
	}
	if err := l.Err(); !errors.Is(err, boom) || err.Error() != "read input: boom" {
		t.Fatalf("Err %v", err)
	}
}

func TestBadField(t *testing.T) {
	f := func(b, want string) {
		t.Helper()
		if got := BadField("port", []byte(b)); got != want {
			t.Fatalf("BadField(%q) = %s, want %s", b, got, want)
		}
	}
	f("x", `bad port "x"`)
	f(strings.Repeat("9", 41), `bad port "`+strings.Repeat("9", 40)+`"...`)
}

func TestIsComment(t *testing.T) {
	f := func(line string, want bool) {
		t.Helper()
		if got := IsComment([]byte(line)); got != want {
			t.Fatalf("IsComment(%q) = %v, want %v", line, got, want)
		}
	}
	f("", true)
	f(" \t", true)
	f("#", true)
	f("#Version: 1.0", true)
	f(" \t# indented", true)
	f("http 2018-07-02T22:23:00.186641Z", false)
	f("a #", false)
}

func TestCountLines(t *testing.T) {
	f := func(head string, want int) {
		t.Helper()
		var seen []string
		got := CountLines([]byte(head), func(line []byte) bool {
			seen = append(seen, string(line))
			return len(line) > 0 && line[0] == 'x'
		})
		if got != want {
			t.Fatalf("CountLines(%q) = %d, want %d (lines %q)", head, got, want, seen)
		}
		for _, l := range seen {
			if strings.Contains(l, "\n") {
				t.Fatalf("CountLines(%q) handed %q", head, l)
			}
		}
	}
	f("", 0)
	f("x", 1)
	f("x\n", 1)
	f("x\r\ny\r\nx", 2) // the "\r" stays, for match to judge
	f("\n\nx1\nx2\n", 2)
	f("yx\n x", 0)
}
