package report

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/numfmt"
)

// Rows shown per table in the text and markdown formats; the JSON, CSV and
// HTML formats show every row the analysis kept.
const (
	textTopTargets = 10
	textTopRows    = 10
	textTopNodes   = 20
)

// ansi styles the text format when colour is on.
type ansi bool

func (a ansi) wrap(code, s string) string {
	if !a || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
func (a ansi) bold(s string) string   { return a.wrap("1", s) }
func (a ansi) dim(s string) string    { return a.wrap("2", s) }
func (a ansi) red(s string) string    { return a.wrap("1;31", s) }
func (a ansi) yellow(s string) string { return a.wrap("33", s) }
func (a ansi) green(s string) string  { return a.wrap("32", s) }

// lineWriter writes a report line by line; the first error is kept, later
// lines are dropped, and the renderer returns err once at the end.
type lineWriter struct {
	w   io.Writer
	err error
}

func (l *lineWriter) line(s string) {
	if l.err != nil {
		return
	}
	_, l.err = io.WriteString(l.w, s+"\n")
}

// textWriter collects the text report.
type textWriter struct {
	lineWriter
	c     ansi
	width int
}

func (t *textWriter) heading(s string) {
	t.line("")
	t.line(t.c.bold(s))
}

func (t *textWriter) table(tb *textTable) {
	for _, l := range tb.lines(t.width, "  ") {
		t.line(l)
	}
}

func renderText(w io.Writer, rep *analysis.Report, cmp *Comparison, opts Options) error {
	width := opts.Width
	if width <= 0 {
		width = 100
	}
	width = max(width, 60)
	t := &textWriter{lineWriter: lineWriter{w: w}, c: ansi(opts.Color), width: width}
	textVerdict(t, rep, opts.Title)
	if crossed := crossedThresholds(cmp); len(crossed) > 0 {
		t.line("")
		t.line(t.c.red("Thresholds crossed: " + strings.Join(crossed, "; ")))
	}
	textTraffic(t, rep)
	textErrors(t, rep)
	textTargets(t, rep)
	textNodes(t, rep)
	textSubnets(t, rep)
	textPathsClients(t, rep)
	textSections(t, rep)
	textTimeline(t, rep)
	if cmp != nil {
		textComparison(t, rep, cmp)
	}
	textInputs(t, rep)
	return t.err
}

func textVerdict(t *textWriter, rep *analysis.Report, title string) {
	t.line(t.c.bold(reportTitle(rep, title)))
	t.line("")
	v := rep.Verdict
	head := headline(rep)
	switch verdictTone(rep) {
	case toneWarn:
		t.line(t.c.yellow(head))
	case tone5xx:
		t.line(t.c.red(head))
	default:
		t.line(t.c.green(head))
	}
	for _, l := range wrap(Sanitize(v.Summary), t.width-2) {
		t.line("  " + l)
	}
	for _, f := range v.Findings {
		for i, l := range wrap(Sanitize(f), t.width-4) {
			if i == 0 {
				t.line("  • " + l)
			} else {
				t.line("    " + l)
			}
		}
	}
	if w := v.Window; w != nil {
		s := "  Window: " + windowText(rep, w)
		s += ", 5xx rate " + fmtPct(w.Rate) + " vs " + fmtPct(w.BaselineRate) + " outside"
		t.line(t.c.yellow(s))
	}
	if len(v.Hints) > 0 {
		t.line("  " + t.c.bold("Check next:"))
		for _, h := range v.Hints {
			for i, l := range wrap(Sanitize(h), t.width-6) {
				if i == 0 {
					t.line("    - " + l)
				} else {
					t.line("      " + l)
				}
			}
		}
	}
}

func textTraffic(t *textWriter, rep *analysis.Report) {
	if noRequests(rep) && rep.Window == nil && rep.TimeRange.First.IsZero() {
		return // nothing read: nothing to say
	}
	t.heading("Traffic")
	if !noRequests(rep) {
		s := "  requests " + numfmt.Int(rep.Requests) + "   5xx " + numfmt.Int(rep.Errors.Total5xx) +
			" (" + fmtPct(ratio(rep.Errors.Total5xx, rep.Requests)) + ")"
		for _, k := range []string{"2xx", "3xx", "4xx"} {
			if n, ok := rep.StatusClasses[k]; ok {
				s += "   " + k + " " + numfmt.Int(n)
			}
		}
		t.line(s)
	}
	tr := rep.TimeRange
	if rep.Window != nil {
		s := "  window " + fmtSpan(rep.Window.First, rep.Window.Last)
		if !tr.First.IsZero() {
			s += "; logs span " + fmtSpan(tr.First, tr.Last)
		}
		t.line(s)
	} else if !tr.First.IsZero() {
		t.line("  logs span " + fmtSpan(tr.First, tr.Last))
	}
	if ctx := contextCounts(rep); len(ctx) > 0 {
		parts := make([]string, 0, len(ctx))
		for _, e := range ctx {
			parts = append(parts, Sanitize(e.Key)+" "+numfmt.Int(e.Count))
		}
		for i, l := range wrap("not 5xx, for context: "+strings.Join(parts, ", "), t.width-2) {
			if i == 0 {
				t.line("  " + t.c.dim(l))
			} else {
				t.line("    " + t.c.dim(l))
			}
		}
	}
}

func textErrors(t *textWriter, rep *analysis.Report) {
	if !hasFivexx(rep) {
		return
	}
	total := rep.Errors.Total5xx
	t.heading("5xx by domain")
	tb := &textTable{headers: []string{"DOMAIN", "5XX", "SHARE", ""}, right: []bool{false, true, true, false}}
	for _, d := range domainOrder(rep) {
		n := rep.Errors.ByDomain[d]
		if n == 0 {
			continue
		}
		tb.add(domainTitle(rep, d), numfmt.Int(n), fmtPct(ratio(n, total)), bar(ratio(n, total), 30))
	}
	t.table(tb)

	t.heading("5xx by cause")
	tb = &textTable{headers: []string{"CAUSE", "5XX", "SHARE", "DOMAIN"}, right: []bool{false, true, true, false}}
	causes := sortedCounts(rep.Errors.ByCause)
	for _, e := range causes {
		tb.add(Sanitize(e.Key), numfmt.Int(e.Count), fmtPct(ratio(e.Count, total)), domainTitle(rep, domainOf(rep, e.Key)))
	}
	lines := tb.lines(t.width, "  ")
	t.line(lines[0])
	for i, e := range causes {
		t.line(lines[i+1])
		if h := brief(rep, e.Key); h != "" {
			t.line(t.c.dim("      " + truncate(h, t.width-6)))
		}
	}
}

func textTargets(t *textWriter, rep *analysis.Report) {
	if len(rep.Targets) == 0 {
		return
	}
	targets := sortedTargets(rep.Targets)
	title := targetNouns(rep)
	if len(targets) > textTopTargets {
		title += fmt.Sprintf(" (top %d of %d by 5xx)", textTopTargets, len(targets))
		targets = targets[:textTopTargets]
	}
	t.heading(title)
	subnets := anySubnet(targets)
	tb := &textTable{
		headers: []string{strings.ToUpper(targetNoun(rep)), "SUBNET", "REQUESTS", "5XX", "RATE", "CAUSES", "P50", "P95", "P99 ms"},
		right:   []bool{false, false, true, true, true, false, true, true, true},
		shrink:  []int{5, 0},
	}
	if !subnets {
		tb.headers = slices.Delete(tb.headers, 1, 2)
		tb.right = slices.Delete(tb.right, 1, 2)
		tb.shrink = []int{4, 0}
	}
	for _, x := range targets {
		cells := []string{Sanitize(x.Target), Sanitize(x.Subnet), numfmt.Int(x.Requests), numfmt.Int(x.Errors5xx),
			fmtPct(ratio(x.Errors5xx, x.Requests)), causeList(x.ByCause, 1),
			fmtMs(x.LatencyMs.P50), fmtMs(x.LatencyMs.P95), fmtMs(x.LatencyMs.P99)}
		if !subnets {
			cells = slices.Delete(cells, 1, 2)
		}
		tb.add(cells...)
	}
	t.table(tb)
	for _, x := range targets {
		if !x.First5xx.IsZero() && x.Errors5xx > 0 && x.Errors5xx == targets[0].Errors5xx {
			t.line(t.c.dim("  " + Sanitize(x.Target) + ": 5xx from " + fmtSpan(x.First5xx, x.Last5xx)))
		}
	}
}

// causeList formats the top n causes of a by-cause map as "cause n, ...".
func causeList(m map[string]int64, n int) string {
	s := sortedCounts(m)
	parts := make([]string, 0, min(n, len(s))+1)
	for i, e := range s {
		if i == n {
			parts = append(parts, "+"+strconv.Itoa(len(s)-n))
			break
		}
		parts = append(parts, Sanitize(e.Key)+" "+numfmt.Int(e.Count))
	}
	return strings.Join(parts, ", ")
}

func textNodes(t *textWriter, rep *analysis.Report) {
	if len(rep.Nodes) == 0 {
		return
	}
	nodes := sortedNodes(rep.Nodes)
	title := "Load balancer nodes"
	if len(nodes) > textTopNodes {
		title += fmt.Sprintf(" (top %d of %d)", textTopNodes, len(nodes))
		nodes = nodes[:textTopNodes]
	}
	t.heading(title)
	tb := &textTable{headers: []string{"NODE", "REQUESTS", "SHARE", "5XX", "RATE"}, right: []bool{false, true, true, true, true}}
	for _, n := range nodes {
		tb.add(Sanitize(n.Node), numfmt.Int(n.Requests), fmtPct(n.Share), numfmt.Int(n.Errors5xx), fmtPct(ratio(n.Errors5xx, n.Requests)))
	}
	t.table(tb)
}

func textSubnets(t *textWriter, rep *analysis.Report) {
	if len(rep.Subnets) == 0 {
		return
	}
	subnets := sortedSubnets(rep.Subnets)
	title := targetNoun(rep) + " subnets"
	if len(subnets) > textTopRows {
		title += fmt.Sprintf(" (top %d of %d)", textTopRows, len(subnets))
		subnets = subnets[:textTopRows]
	}
	t.heading(title)
	tb := &textTable{headers: []string{"SUBNET", "TARGETS", "REQUESTS", "5XX", "RATE", "CAUSES"}, right: []bool{false, true, true, true, true, false}, shrink: []int{5, 0}}
	for _, s := range subnets {
		tb.add(Sanitize(s.Subnet), numfmt.Int(s.Targets), numfmt.Int(s.Requests), numfmt.Int(s.Errors5xx), fmtPct(ratio(s.Errors5xx, s.Requests)), causeList(s.ByCause, 2))
	}
	t.table(tb)
}

func textPathsClients(t *textWriter, rep *analysis.Report) {
	if len(rep.Paths) > 0 {
		paths := sortedPaths(rep.Paths)
		t.heading(topTitle("Paths", len(paths)))
		tb := &textTable{headers: []string{"PATH", "REQUESTS", "5XX", "RATE"}, right: []bool{false, true, true, true}}
		for _, p := range paths[:min(len(paths), textTopRows)] {
			tb.add(Sanitize(p.Path), numfmt.Int(p.Requests), numfmt.Int(p.Errors5xx), fmtPct(ratio(p.Errors5xx, p.Requests)))
		}
		t.table(tb)
	}
	if len(rep.Clients) > 0 {
		clients := sortedClients(rep.Clients)
		t.heading(topTitle("Clients", len(clients)))
		tb := &textTable{headers: []string{"CLIENT", "REQUESTS", "5XX", "RATE"}, right: []bool{false, true, true, true}}
		for _, c := range clients[:min(len(clients), textTopRows)] {
			tb.add(Sanitize(c.Client), numfmt.Int(c.Requests), numfmt.Int(c.Errors5xx), fmtPct(ratio(c.Errors5xx, c.Requests)))
		}
		t.table(tb)
	}
}

func topTitle(name string, n int) string {
	if n > textTopRows {
		return fmt.Sprintf("%s (top %d of %d by 5xx)", name, textTopRows, n)
	}
	return name
}

// textSections writes the families' sections. In a report of one day,
// times of that day show as clock times in tables.
func textSections(t *textWriter, rep *analysis.Report) {
	day := ""
	if tr := rep.TimeRange; !tr.First.IsZero() && tr.First.UTC().Format(time.DateOnly) == tr.Last.UTC().Format(time.DateOnly) {
		day = tr.First.UTC().Format(time.DateOnly)
	}
	for _, s := range sections(rep) {
		t.heading(Sanitize(s.Title))
		if len(s.Facts) > 0 {
			parts := make([]string, 0, len(s.Facts))
			for _, f := range s.Facts {
				parts = append(parts, Sanitize(f.Label)+" "+factText(f))
			}
			t.line("  " + strings.Join(parts, "   "))
		}
		for _, e := range shownCounts(s.Counts) {
			t.line("  " + Sanitize(e.Key) + " " + numfmt.Int(e.Count))
		}
		for i := range s.Tables {
			tab := &s.Tables[i]
			if len(tab.Rows) == 0 {
				continue
			}
			cols := columnsOf(tab.Columns)
			tb := &textTable{}
			for _, c := range cols {
				tb.headers = append(tb.headers, c.text)
				tb.right = append(tb.right, c.right)
			}
			for _, row := range topRows(tab) {
				cells := cellsOf(tab.Columns, row)
				out := make([]string, len(cols))
				for k, c := range cols {
					out[k] = plainCell(c, cells[k])
					if c.kind == analysis.CellTime && day != "" && cells[k].Time.UTC().Format(time.DateOnly) == day {
						out[k] = clockOnly(cells[k].Time)
					}
				}
				tb.add(out...)
			}
			tb.shrink = shrinkOrder(tb, cols)
			t.line("")
			t.table(tb)
		}
		for _, tl := range s.Timelines {
			textStateTimeline(t, &tl)
		}
	}
}

// shrinkOrder returns the columns of a section's table that give up width
// when it is too wide: its text and name columns after the first, the
// widest first, then the first, which names the rows.
func shrinkOrder(tb *textTable, cols []column) []int {
	width := func(i int) int {
		w := utf8.RuneCountInString(tb.headers[i])
		for _, r := range tb.rows {
			w = max(w, utf8.RuneCountInString(r[i]))
		}
		return w
	}
	var order []int
	for i := 1; i < len(cols); i++ {
		if k := cols[i].kind; k == analysis.CellName || k == analysis.CellText {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return width(order[a]) > width(order[b]) })
	return append(order, 0)
}

// textStateTimeline writes a state timeline: one strip of glyphs per row.
func textStateTimeline(t *textWriter, tl *analysis.StateTimeline) {
	if len(tl.Rows) == 0 {
		return
	}
	t.line("")
	if tl.Title != "" {
		t.line("  " + Sanitize(tl.Title) + stateTimelineSpan(tl))
	}
	tb := &textTable{headers: []string{"", ""}, right: []bool{false, false}}
	for _, r := range tl.Rows {
		tb.add(Sanitize(r.Name), "│"+stateStrip(r.Cells)+"│")
	}
	lines := tb.lines(t.width, "  ")
	for _, l := range lines[1:] {
		t.line(l)
	}
	t.line(t.c.dim("  " + stateLegend(tl.States)))
}

func textTimeline(t *textWriter, rep *analysis.Report) {
	if len(rep.Timeline) == 0 {
		return
	}
	cols := t.width - 4
	tl, group := downsample(rep.Timeline, cols)
	step := fmtDuration(timeDur(rep.BucketSeconds * int64(group)))
	vals := make([]int64, len(tl))
	var peak int64
	var peakAt analysis.Time
	for i, b := range tl {
		vals[i] = b.Errors5xx
		if b.Errors5xx > peak {
			peak, peakAt = b.Errors5xx, b.Start
		}
	}
	first, last := tl[0].Start, rep.Timeline[len(rep.Timeline)-1].Start
	title := "Timeline: 5xx per " + step + ", " + fmtSpan(first, last)
	t.heading(title)
	t.line("  │" + t.c.red(sparkline(vals)) + "│")
	if mark := windowMarks(tl, rep.Verdict.Window); mark != "" {
		t.line("   " + t.c.yellow(mark))
	}
	if peak > 0 {
		t.line(t.c.dim("  peak " + numfmt.Int(peak) + " 5xx at " + fmtClock(peakAt) + "; ^ marks the window where the 5xx rate stands out"))
	}
}

// windowMarks returns a line with ^ under the buckets inside the verdict
// window, or "" when there is none.
func windowMarks(tl []analysis.Bucket, w *analysis.Window) string {
	if w == nil {
		return ""
	}
	if w.Start.IsZero() || w.End.IsZero() {
		return ""
	}
	ws, we := w.Start.Time, w.End.Time
	var b strings.Builder
	marked := false
	for i, x := range tl {
		start, end := x.Start.Time, x.Start.Time
		if i+1 < len(tl) {
			end = tl[i+1].Start.Time
		}
		if !x.Start.IsZero() && end.After(ws) && !start.After(we) && !start.Equal(we) {
			b.WriteByte('^')
			marked = true
		} else {
			b.WriteByte(' ')
		}
	}
	if !marked {
		return ""
	}
	return strings.TrimRight(b.String(), " ")
}

func textComparison(t *textWriter, rep *analysis.Report, c *Comparison) {
	if !c.HasBaseline() {
		if len(c.Thresholds) > 0 {
			t.heading("Thresholds (no baseline to compare with)")
			textThresholds(t, c)
		}
		return
	}
	t.heading("Compared with baseline " + fmtSpan(c.Baseline.First, c.Baseline.Last))
	t.line("  5xx rate " + fmtPct(c.Rate5xx.Day) + " vs " + fmtPct(c.Rate5xx.Baseline) + " (" + fmtPctPoints(c.Rate5xx.Delta()) + ")" +
		"; requests " + numfmt.Int(c.Day.Requests) + " vs " + numfmt.Int(c.Baseline.Requests))
	if len(c.Thresholds) > 0 {
		t.line("  " + t.c.bold("Thresholds") + ":")
		textThresholds(t, c)
	}
	tb := &textTable{headers: []string{"DOMAIN / CAUSE", "DAY", "BASELINE", "CHANGE", "5XX DAY", "5XX BASE"}, right: []bool{false, true, true, true, true, true}}
	for _, r := range c.ByDomain {
		tb.add(domainTitle(rep, r.Key), fmtPct(r.Day), fmtPct(r.Baseline), fmtPctPoints(r.Delta()), numfmt.Int(r.DayCount), numfmt.Int(r.BaselineCount))
	}
	for _, r := range c.ByCause {
		tb.add("  "+Sanitize(r.Key), fmtPct(r.Day), fmtPct(r.Baseline), fmtPctPoints(r.Delta()), numfmt.Int(r.DayCount), numfmt.Int(r.BaselineCount))
	}
	if len(tb.rows) > 0 {
		t.table(tb)
	}
	l := c.Latency
	if l.Day != (analysis.Latency{}) && l.Baseline != (analysis.Latency{}) {
		t.line("  latency p50 " + fmtMs(l.Day.P50) + " vs " + fmtMs(l.Baseline.P50) +
			", p95 " + fmtMs(l.Day.P95) + " vs " + fmtMs(l.Baseline.P95) +
			", p99 " + fmtMs(l.Day.P99) + " vs " + fmtMs(l.Baseline.P99) + " ms")
	}
	if len(c.NewFailingTargets) > 0 {
		t.line("")
		t.line("  " + t.c.bold("New failing targets") + " (5xx today, none in the baseline):")
		tb := &textTable{headers: []string{"TARGET", "REQUESTS", "5XX", "TOP CAUSE", "FIRST 5XX"}, right: []bool{false, true, true, false, false}}
		for _, n := range c.NewFailingTargets[:min(len(c.NewFailingTargets), textTopRows)] {
			tb.add(Sanitize(n.Target), numfmt.Int(n.Requests), numfmt.Int(n.Errors5xx), Sanitize(n.TopCause), fmtClock(n.First5xx))
		}
		t.table(tb)
	}
	if shifts := bigShifts(c.TargetLatency); len(shifts) > 0 {
		t.line("")
		t.line("  " + t.c.bold("Latency shifts per target") + " (p99 moved most):")
		tb := &textTable{headers: []string{"TARGET", "P50", "P95", "P99", "P99 BASE", "CHANGE ms"}, right: []bool{false, true, true, true, true, true}}
		for _, s := range shifts {
			tb.add(Sanitize(s.Target), fmtMs(s.Day.P50), fmtMs(s.Day.P95), fmtMs(s.Day.P99), fmtMs(s.Baseline.P99), signedMs(s.Day.P99-s.Baseline.P99))
		}
		t.table(tb)
	}
}

func textThresholds(t *textWriter, c *Comparison) {
	for _, r := range c.Thresholds {
		if r.Crossed {
			t.line("    " + t.c.red("CROSSED "+Sanitize(r.Expr)) + ": actual " + r.fmtValue(r.Actual))
		} else {
			t.line("    " + t.c.green("ok      "+Sanitize(r.Expr)) + ": actual " + r.fmtValue(r.Actual))
		}
	}
}

// bigShifts returns the target latency shifts worth showing: the top ones
// whose p99 moved at all.
func bigShifts(in []LatencyShift) []LatencyShift {
	var out []LatencyShift
	for _, s := range in {
		if len(out) == textTopRows {
			break
		}
		if s.Day.P99 != s.Baseline.P99 {
			out = append(out, s)
		}
	}
	return out
}

func signedMs(d float64) string {
	if d > 0 {
		return "+" + fmtMs(d)
	}
	if d < 0 {
		return "−" + fmtMs(-d)
	}
	return "0"
}

func textInputs(t *textWriter, rep *analysis.Report) {
	t.heading("Inputs")
	in, ln := rep.Inputs, rep.Lines
	s := "  " + numfmt.Count(in.Objects, "object", "objects") + ", " + numfmt.Bytes(in.BytesRead)
	if in.Listed > 0 {
		s += " (" + numfmt.Int(in.Selected) + " selected of " + numfmt.Int(in.Listed) + " listed)"
	}
	t.line(s)
	t.line("  lines " + linesText(ln, "outside window"))
	if lb := loadBalancerText(rep); lb != "" {
		t.line("  load balancer " + lb)
	}
	for _, f := range in.Failed {
		t.line(t.c.red("  failed: ") + truncate(Sanitize(f.Source)+": "+Sanitize(f.Error), t.width-10))
	}
	for _, sk := range in.Skipped {
		t.line(t.c.dim("  skipped: " + truncate(Sanitize(sk.Source)+" ("+Sanitize(sk.Reason)+")", t.width-11)))
	}
	if len(ln.RejectedSamples) > 0 {
		t.heading("Rejected lines (samples)")
		for _, r := range ln.RejectedSamples {
			t.line("  " + truncate(Sanitize(r.Source)+":"+strconv.FormatInt(r.Line, 10)+": "+Sanitize(r.Reason), t.width-2))
			if r.Snippet != "" {
				t.line(t.c.dim("    " + truncate(Sanitize(r.Snippet), t.width-4)))
			}
		}
	}
}
