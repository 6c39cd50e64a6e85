package report

import (
	"strings"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/numfmt"
)

// The families' parts reach the renderers as generic sections (facts,
// counters, tables of typed cells, state timelines); this file turns them
// into each format's cells. No renderer knows which family wrote a part.

// sections returns every section of the report's parts, in order.
func sections(rep *analysis.Report) []analysis.Section {
	var out []analysis.Section
	for _, p := range rep.Parts {
		out = append(out, p.Sections...)
	}
	return out
}

// partTables returns every table of the report's parts that CSV offers,
// by name.
func partTables(rep *analysis.Report) map[string]*analysis.Table {
	out := map[string]*analysis.Table{}
	for _, s := range sections(rep) {
		for i := range s.Tables {
			if t := &s.Tables[i]; t.Name != "" {
				out[t.Name] = t
			}
		}
	}
	return out
}

// column is one rendered column: a table column, or one of the three of a
// latency column.
type column struct {
	kind    analysis.CellKind
	right   bool
	bar     analysis.Bar
	text    string // header in the text format
	md      string // header in markdown
	html    string // header in HTML
	csv     string // header in CSV
	pick    int    // for a latency column: 0 p50, 1 p95, 2 p99
	isLatMs bool   // one of a latency column's three
}

// columnsOf expands a table's columns into the rendered ones.
func columnsOf(cols []analysis.Column) []column {
	var out []column
	for _, c := range cols {
		if c.Kind == analysis.CellLatency {
			out = append(out,
				column{kind: c.Kind, right: true, text: "P50", md: "p50 ms", html: "p50", csv: "p50_ms", pick: 0, isLatMs: true},
				column{kind: c.Kind, right: true, text: "P95", md: "p95 ms", html: "p95", csv: "p95_ms", pick: 1, isLatMs: true},
				column{kind: c.Kind, right: true, text: "P99 ms", md: "p99 ms", html: "p99 ms", csv: "p99_ms", pick: 2, isLatMs: true})
			continue
		}
		key := c.Key
		if key == "" {
			key = strings.ReplaceAll(strings.ToLower(c.Header), " ", "_")
		}
		out = append(out, column{
			kind: c.Kind, right: c.Kind != analysis.CellName && c.Kind != analysis.CellText, bar: c.Bar,
			text: strings.ToUpper(Sanitize(c.Header)), md: c.Header, html: c.Header, csv: key,
		})
	}
	return out
}

// cellsOf expands a row's cells to the rendered columns.
func cellsOf(cols []analysis.Column, row []analysis.Cell) []analysis.Cell {
	out := make([]analysis.Cell, 0, len(row)+2)
	for i, c := range cols {
		var v analysis.Cell
		if i < len(row) {
			v = row[i]
		}
		if c.Kind == analysis.CellLatency {
			l := finiteLatency(v.Latency)
			out = append(out, analysis.Cell{F: l.P50}, analysis.Cell{F: l.P95}, analysis.Cell{F: l.P99})
			continue
		}
		out = append(out, v)
	}
	return out
}

// plainCell writes a cell as the text format shows it, sanitised.
func plainCell(c column, v analysis.Cell) string {
	if c.isLatMs {
		return fmtMs(v.F)
	}
	switch c.kind {
	case analysis.CellCount:
		return numfmt.Int(v.N)
	case analysis.CellRate:
		return fmtPct(v.F)
	case analysis.CellMs:
		return fmtMs(v.F)
	case analysis.CellTime:
		return fmtClock(v.Time)
	}
	return Sanitize(v.Text)
}

// mdCell writes a cell for a markdown table: names as code, prose escaped.
func mdCell(c column, v analysis.Cell) string {
	switch {
	case c.isLatMs:
	case c.kind == analysis.CellName:
		return mdCode(v.Text)
	case c.kind == analysis.CellText, c.kind == analysis.CellTime:
		return mdText(plainCell(c, v))
	}
	return plainCell(c, v)
}

// csvCell writes a cell for CSV: numbers in full, text neutralised.
func csvCell(c column, v analysis.Cell) string {
	if c.isLatMs {
		return csvFloat(v.F)
	}
	switch c.kind {
	case analysis.CellCount:
		return csvInt(v.N)
	case analysis.CellRate:
		return csvRate(v.F)
	case analysis.CellMs:
		return csvFloat(v.F)
	case analysis.CellTime:
		return csvText(v.Time.RFC3339())
	}
	return csvText(v.Text)
}

// factText writes a fact's value as text ("80.0%", "p50 3.00 p95 70.0 p99
// 120 ms").
func factText(f analysis.Fact) string {
	if f.Kind == analysis.CellLatency {
		l := finiteLatency(f.Value.Latency)
		return "p50 " + fmtMs(l.P50) + " p95 " + fmtMs(l.P95) + " p99 " + fmtMs(l.P99) + " ms"
	}
	return factValue(f)
}

// factProse writes a fact's value for a sentence ("p50 3.00 ms, p95 70.0
// ms, p99 120 ms").
func factProse(f analysis.Fact) string {
	if f.Kind == analysis.CellLatency {
		l := finiteLatency(f.Value.Latency)
		return "p50 " + fmtMs(l.P50) + " ms, p95 " + fmtMs(l.P95) + " ms, p99 " + fmtMs(l.P99) + " ms"
	}
	return factValue(f)
}

func factValue(f analysis.Fact) string {
	switch f.Kind {
	case analysis.CellMs:
		return fmtMs(f.Value.F) + " ms"
	}
	return plainCell(column{kind: f.Kind}, f.Value)
}

// shownCounts returns the counters that are not zero, largest first.
func shownCounts(counts []analysis.Count) []kv {
	m := make(map[string]int64, len(counts))
	for _, c := range counts {
		m[c.Key] += c.N
	}
	var out []kv
	for _, e := range sortedCounts(m) {
		if e.Count > 0 {
			out = append(out, e)
		}
	}
	return out
}

// topRows returns the rows the text and markdown formats show.
func topRows(t *analysis.Table) [][]analysis.Cell {
	if t.Top > 0 && len(t.Rows) > t.Top {
		return t.Rows[:t.Top]
	}
	return t.Rows
}

// stateGlyphs are the characters of a state timeline cell in text, by
// state index; a state past them shows as its index's last glyph.
var stateGlyphs = []string{"█", "▒", "░", "▚"}

// stateStrip writes one row of a state timeline as glyphs: " " for no data.
func stateStrip(cells []int8) string {
	var b strings.Builder
	for _, c := range cells {
		switch {
		case c < 0:
			b.WriteString(" ")
		case int(c) < len(stateGlyphs):
			b.WriteString(stateGlyphs[c])
		default:
			b.WriteString(stateGlyphs[len(stateGlyphs)-1])
		}
	}
	return b.String()
}

// stateTimelineSpan writes when a titled state timeline starts and how
// long a cell is: ", from 2026-11-20 13:05 UTC, 5m a cell".
func stateTimelineSpan(tl *analysis.StateTimeline) string {
	return ", from " + fmtClock(tl.Start) + ", " + fmtDuration(timeDur(tl.BucketSeconds)) + " a cell"
}

// stateLegend names the glyphs of a state timeline.
func stateLegend(states []string) string {
	parts := make([]string, 0, len(states))
	for i, s := range states {
		g := stateGlyphs[min(i, len(stateGlyphs)-1)]
		parts = append(parts, g+" "+Sanitize(s))
	}
	return strings.Join(parts, "  ")
}
