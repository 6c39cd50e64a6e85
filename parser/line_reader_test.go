package parser

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

type readLine struct {
	text   string
	status LineStatus
}

func readAll(t *testing.T, r io.Reader, max int) ([]readLine, *LineReader) {
	t.Helper()
	lr := NewLineReader(r, max)
	var got []readLine
	for lr.Next() {
		got = append(got, readLine{string(lr.Line()), lr.Status()})
	}
	return got, lr
}

func TestLineReader_Success(t *testing.T) {
	f := func(in string, max int, want ...readLine) {
		t.Helper()
		for _, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in))} {
			got, lr := readAll(t, r, max)
			if len(got) != len(want) {
				t.Fatalf("got %d lines %q, want %d %q", len(got), got, len(want), want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("line %d: got %q, want %q", i+1, got[i], want[i])
				}
			}
			if lr.Err() != nil {
				t.Fatalf("Err()=%v", lr.Err())
			}
			if lr.Bytes() != int64(len(in)) {
				t.Fatalf("Bytes()=%d, want %d", lr.Bytes(), len(in))
			}
			if lr.Num() != int64(len(want)) {
				t.Fatalf("Num()=%d, want %d", lr.Num(), len(want))
			}
		}
	}
	f("", 0)
	f("a\nb\n", 0, readLine{"a", LineOK}, readLine{"b", LineOK})
	f("a\r\nb", 0, readLine{"a", LineOK}, readLine{"b", LineOK})
	f("\n\n", 0, readLine{"", LineOK}, readLine{"", LineOK})
	long := strings.Repeat("x", 300)
	f("a\n"+long+"\nb\n", 200, readLine{"a", LineOK}, readLine{long[:SnippetBytes], LineTooLong}, readLine{"b", LineOK})
	f(long+"\n", 300, readLine{long, LineOK})
	f(long, 200, readLine{long[:SnippetBytes], LineTooLong})
	// A limit below SnippetBytes keeps what the buffer holds.
	f("abcdefghij\nk\n", 4, readLine{"abcde", LineTooLong}, readLine{"k", LineOK})
	// A line far beyond the initial buffer but within the limit.
	huge := strings.Repeat("y", 200<<10)
	f(huge+"\nz\n", 1<<20, readLine{huge, LineOK}, readLine{"z", LineOK})
	f(strings.Repeat("w", 3<<20)+"\nz\n", 1<<20, readLine{strings.Repeat("w", SnippetBytes), LineTooLong}, readLine{"z", LineOK})
}

func TestLineReader_Failure(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("a\nbc"), iotest.ErrReader(boom))
	got, lr := readAll(t, r, 0)
	want := []readLine{{"a", LineOK}, {"bc", LineCut}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %q, want %q", got, want)
	}
	if !errors.Is(lr.Err(), boom) {
		t.Fatalf("Err()=%v, want boom", lr.Err())
	}
	// An error right after a newline leaves no cut line.
	got, lr = readAll(t, io.MultiReader(strings.NewReader("a\n"), iotest.ErrReader(boom)), 0)
	if len(got) != 1 || !errors.Is(lr.Err(), boom) {
		t.Fatalf("got %q err %v", got, lr.Err())
	}
}

// TestLineReader_Take mixes Take and Next: a line taken from Buffered is
// handed out, counted and consumed as Next would, and a Take without the
// newline after it panics.
func TestLineReader_Take(t *testing.T) {
	in := "ab\ncd\r\nef\ngh"
	lr := NewLineReader(strings.NewReader(in), 0)
	if !lr.Next() || string(lr.Line()) != "ab" {
		t.Fatalf("Next: %q", lr.Line())
	}
	buf := lr.Buffered()
	if string(buf) != "cd\r\nef\ngh" {
		t.Fatalf("Buffered() = %q", buf)
	}
	lr.Take(3) // "cd\r": Take leaves the '\r' to its caller
	if string(lr.Line()) != "cd\r" || lr.Status() != LineOK || lr.Num() != 2 || lr.Bytes() != 7 {
		t.Fatalf("after Take: %q %v num %d bytes %d", lr.Line(), lr.Status(), lr.Num(), lr.Bytes())
	}
	lr.Take(2)
	if string(lr.Line()) != "ef" || lr.Num() != 3 || lr.Bytes() != 10 {
		t.Fatalf("after Take: %q num %d bytes %d", lr.Line(), lr.Num(), lr.Bytes())
	}
	if !lr.Next() || string(lr.Line()) != "gh" || lr.Num() != 4 || lr.Bytes() != int64(len(in)) {
		t.Fatalf("Next: %q num %d bytes %d", lr.Line(), lr.Num(), lr.Bytes())
	}
	if lr.Next() {
		t.Fatalf("Next after the end: %q", lr.Line())
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Take without a newline did not panic")
		}
	}()
	lr = NewLineReader(strings.NewReader("abc\ndef\n"), 0)
	lr.Next()
	lr.Take(2)
}
