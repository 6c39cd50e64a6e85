package analysis

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestKeyCounter checks the counter against a plain map through several
// growths of its table, the cap, merging and unusual keys.
func TestKeyCounter(t *testing.T) {
	f := func(max int, keys []string) {
		t.Helper()
		c := newKeyCounter(max)
		want := map[string]keyStats{}
		var other keyStats
		for i, k := range keys {
			e := int64(i % 3 / 2)
			c.add(k, e)
			if _, ok := want[k]; !ok && len(want) >= max {
				other.requests++
				other.errors += e
				continue
			}
			s := want[k]
			s.requests++
			s.errors += e
			want[k] = s
		}
		if len(c.keys) != len(want) || c.other != other || c.overflow != other.requests {
			t.Fatalf("%d keys, other %+v overflow %d; want %d keys, other %+v", len(c.keys), c.other, c.overflow, len(want), other)
		}
		for i, k := range c.keys {
			if got := c.stat(i); got != want[k] {
				t.Fatalf("key %q: %+v, want %+v", k, got, want[k])
			}
		}
		// Merging into an empty counter keeps every count.
		m := newKeyCounter(max)
		m.merge(&c)
		for i, k := range m.keys {
			if got := m.stat(i); got != want[k] {
				t.Fatalf("merged key %q: %+v, want %+v", k, got, want[k])
			}
		}
		if m.other != c.other || m.overflow != c.overflow {
			t.Fatalf("merged other %+v %d, want %+v %d", m.other, m.overflow, c.other, c.overflow)
		}
	}
	var many []string
	for i := range 20000 {
		many = append(many, fmt.Sprintf("/api/v1/products/%d", i*7919%5000))
	}
	f(50000, many)
	f(1000, many)
	f(1, many)
	f(10, []string{"", "", "a", strings.Repeat("x", 70000), strings.Repeat("x", 70000), "a"})
}

// TestKeyCounter_MergeOrder holds a merge to depend only on what the two
// counters hold, not on the order their keys were first seen, whether the
// keys of both fit under the cap or not.
func TestKeyCounter_MergeOrder(t *testing.T) {
	f := func(max int, mine, theirs []string) {
		t.Helper()
		merged := func(theirs []string) map[string]keyStats {
			c, o := newKeyCounter(max), newKeyCounter(100) // o holds all of theirs
			for _, k := range mine {
				c.add(k, 1)
			}
			for _, k := range theirs {
				o.add(k, int64(len(k)%2))
			}
			c.merge(&o)
			m := map[string]keyStats{"(other)": c.other}
			for i, k := range c.keys {
				m[k] = c.stat(i)
			}
			return m
		}
		rev := make([]string, len(theirs))
		for i, k := range theirs {
			rev[len(theirs)-1-i] = k
		}
		a, b := merged(theirs), merged(rev)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("max %d: merging keys in one order gives %v, in the other %v", max, a, b)
		}
	}
	mine := []string{"/a", "/b", "/c"}
	theirs := []string{"/z", "/y", "/b", "/x", "/w", "/a", "/v"}
	f(100, mine, theirs) // every key fits
	f(5, mine, theirs)   // the cap keeps some of theirs: the sorted ones
	f(3, mine, theirs)   // none of theirs fit
}

// TestTopKeys holds topKeys to the first n of a full sort, with ties of
// the first criteria, fewer keys than n and n of 0 (all).
func TestTopKeys(t *testing.T) {
	f := func(count, n int) {
		t.Helper()
		rank := make([]int, count) // few distinct ranks, the index breaking ties
		for i := range rank {
			rank[i] = (i * 7919) % 13
		}
		before := func(i, j int) bool {
			if rank[i] != rank[j] {
				return rank[i] > rank[j]
			}
			return i < j
		}
		want := make([]int, count)
		for i := range want {
			want[i] = i
		}
		sort.Slice(want, func(a, b int) bool { return before(want[a], want[b]) })
		if n > 0 && n < count {
			want = want[:n]
		}
		if got := topKeys(count, n, before); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("topKeys(%d, %d) = %v, want %v", count, n, got, want)
		}
	}
	for _, count := range []int{0, 1, 2, 9, 10, 11, 100, 5000} {
		for _, n := range []int{0, 1, 3, 10, 50} {
			f(count, n)
		}
	}
}
