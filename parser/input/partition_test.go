package input

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestDayOutside(t *testing.T) {
	at := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	f := func(folder, since, until string, want bool) {
		t.Helper()
		if got := DayOutside(folder, at(since), at(until)); got != want {
			t.Errorf("DayOutside(%q, %s, %s) = %v, want %v", folder, since, until, got, want)
		}
	}
	f("day=2026-11-20", "", "", false)
	f("day=2026-11-20/", "2026-11-20T23:59:59Z", "", false)
	f("day=2026-11-20", "2026-11-21T00:00:00Z", "", true)
	f("day=2026-11-20", "", "2026-11-20T00:00:01Z", false)
	f("day=2026-11-20", "", "2026-11-20T00:00:00Z", true)
	f("day=2026-11-20", "2026-11-19T13:00:00Z", "2026-11-20T01:00:00Z", false)
	f("day=2026-11-22", "2026-11-19T13:00:00Z", "2026-11-20T01:00:00Z", true)
	f("date=2026-11-22", "2026-11-19T13:00:00Z", "2026-11-20T01:00:00Z", false)
	f("day=yesterday", "2026-11-19T13:00:00Z", "", false)
	f("alb", "2026-11-19T13:00:00Z", "", false)
}

// A windowed walk skips the lake's day partitions outside the window, but
// not a partition given itself.
func TestExpandWindow(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"alb/day=2026-11-19/a.parquet", "alb/day=2026-11-20/b.parquet", "alb/day=2026-11-21/c.parquet", "other/x.log"} {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("PAR1"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	since := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	f := func(arg string, since, until time.Time, want ...string) {
		t.Helper()
		objs, _, err := ExpandWindow([]string{filepath.Join(dir, filepath.FromSlash(arg))}, nil, since, until)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range objs {
			got = append(got, filepath.Base(o.Source.Name))
		}
		if !slices.Equal(got, want) {
			t.Errorf("ExpandWindow(%s, %v, %v) = %v, want %v", arg, since, until, got, want)
		}
	}
	f(".", time.Time{}, time.Time{}, "a.parquet", "b.parquet", "c.parquet", "x.log")
	f(".", since, since.Add(time.Hour), "b.parquet", "x.log")
	f("alb", since, time.Time{}, "b.parquet", "c.parquet")
	f("alb/day=2026-11-19", since, time.Time{}, "a.parquet")
}
