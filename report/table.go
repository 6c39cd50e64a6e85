package report

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/lbtriage/lbtriage/analysis"
)

// textTable lays out rows in aligned columns for the text format. Cells
// must already be sanitized.
type textTable struct {
	headers []string
	right   []bool // right-align the column
	rows    [][]string
	// shrink lists the columns that give up width, in order, when the
	// table is too wide; each keeps at least 10 runes. Empty means column 0.
	shrink []int
}

func (t *textTable) add(cells ...string) { t.rows = append(t.rows, cells) }

// lines returns the table's lines, at most width runes each when the
// shrink column can give enough (it keeps at least 10).
func (t *textTable) lines(width int, indent string) []string {
	w := make([]int, len(t.headers))
	for i, h := range t.headers {
		w[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			w[i] = max(w[i], utf8.RuneCountInString(c))
		}
	}
	total := len(indent) + 2*(len(w)-1)
	for _, x := range w {
		total += x
	}
	shrink := t.shrink
	if len(shrink) == 0 {
		shrink = []int{0}
	}
	for _, c := range shrink {
		if total <= width {
			break
		}
		cut := min(total-width, max(0, w[c]-10))
		w[c] -= cut
		total -= cut
	}
	out := make([]string, 0, len(t.rows)+1)
	line := func(cells []string) string {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range cells {
			c = truncate(c, w[i])
			pad := strings.Repeat(" ", w[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if t.right[i] {
				b.WriteString(pad + c)
			} else if i < len(cells)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
		}
		return strings.TrimRight(b.String(), " ")
	}
	out = append(out, line(t.headers))
	for _, r := range t.rows {
		out = append(out, line(r))
	}
	return out
}

// The sorted* functions return copies ordered most 5xx first, then most
// requests, then by name, so that every format lists the same rows in the
// same order whatever order the analysis produced.

func sortedTargets(in []analysis.Target) []analysis.Target {
	return sortedBy(in, func(r analysis.Target) (int64, int64, string) { return r.Errors5xx, r.Requests, r.Target })
}

func sortedNodes(in []analysis.Node) []analysis.Node {
	return sortedBy(in, func(r analysis.Node) (int64, int64, string) { return r.Errors5xx, r.Requests, r.Node })
}

func sortedSubnets(in []analysis.Subnet) []analysis.Subnet {
	return sortedBy(in, func(r analysis.Subnet) (int64, int64, string) { return r.Errors5xx, r.Requests, r.Subnet })
}

func sortedPaths(in []analysis.Path) []analysis.Path {
	return sortedBy(in, func(r analysis.Path) (int64, int64, string) { return r.Errors5xx, r.Requests, r.Path })
}

func sortedClients(in []analysis.Client) []analysis.Client {
	return sortedBy(in, func(r analysis.Client) (int64, int64, string) { return r.Errors5xx, r.Requests, r.Client })
}

// sortedBy returns a copy of in ordered by byFivexx on the 5xx count,
// request count and name that key reads from each row.
func sortedBy[T any](in []T, key func(T) (errors5xx, requests int64, name string)) []T {
	out := slices.Clone(in)
	slices.SortStableFunc(out, func(a, b T) int {
		ae, ar, an := key(a)
		be, br, bn := key(b)
		return byFivexx(ae, be, ar, br, an, bn)
	})
	return out
}

func byFivexx(ae, be, ar, br int64, an, bn string) int {
	if c := cmp.Compare(be, ae); c != 0 {
		return c
	}
	if c := cmp.Compare(br, ar); c != 0 {
		return c
	}
	return strings.Compare(an, bn)
}

// wrap breaks s into lines of at most width runes at spaces.
func wrap(s string, width int) []string {
	if width < 20 {
		width = 20
	}
	var lines []string
	var cur strings.Builder
	n := 0
	for _, word := range strings.Fields(s) {
		wl := utf8.RuneCountInString(word)
		if n > 0 && n+1+wl > width {
			lines = append(lines, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(word)
		n += wl
	}
	if n > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// bar draws a horizontal bar of up to width cells for a fraction.
func bar(frac float64, width int) string {
	if frac <= 0 || width <= 0 {
		return ""
	}
	n := int(frac*float64(width) + 0.5)
	n = max(1, min(width, n))
	return strings.Repeat("█", n)
}
