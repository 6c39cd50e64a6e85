package analysis

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/parser"
)

var t0 = time.Date(2026, 11, 21, 13, 0, 0, 0, time.UTC)

func TestRejectSampler(t *testing.T) {
	s := NewRejectSampler(3)
	for _, e := range []struct {
		src  string
		line int64
	}{{"b", 9}, {"a", 5}, {"c", 1}, {"a", 2}, {"b", 1}, {"a", 7}} {
		s.Add(&parser.LineError{Source: e.src, Line: e.line})
	}
	var got []string
	for _, e := range s.Samples() {
		got = append(got, fmt.Sprintf("%s:%d", e.Source, e.Line))
	}
	if want := "a:2 a:5 a:7"; strings.Join(got, " ") != want {
		t.Fatalf("samples %v, want %s", got, want)
	}
}

func TestFindWindow(t *testing.T) {
	mk := func(spec ...int64) []Bucket {
		var out []Bucket
		for i := 0; i < len(spec); i += 2 {
			out = append(out, Bucket{Start: TimeOf(t0.Add(time.Duration(i/2) * time.Minute)), Requests: spec[i], Errors5xx: spec[i+1]})
		}
		return out
	}
	w := findWindow(mk(100, 1, 100, 0, 100, 30, 100, 40, 100, 35, 100, 1, 100, 0))
	if w == nil || w.Start.RFC3339() != "2026-11-21T13:02:00Z" || w.End.RFC3339() != "2026-11-21T13:05:00Z" || w.Rate != 0.35 || w.BaselineRate != 0.005 {
		t.Fatalf("window %+v", w)
	}
	// A steady rate has no window.
	if w := findWindow(mk(100, 5, 100, 6, 100, 5, 100, 4, 100, 5)); w != nil {
		t.Fatalf("steady rate gave %+v", w)
	}
	// Errors everywhere in one bucket only: the window is that bucket.
	if w := findWindow(mk(100, 0, 100, 50, 100, 0)); w == nil || w.Start.RFC3339() != "2026-11-21T13:01:00Z" || w.BaselineRate != 0 {
		t.Fatalf("single bucket: %+v", w)
	}
}
