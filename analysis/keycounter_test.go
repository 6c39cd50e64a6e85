package analysis

import (
	"fmt"
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
