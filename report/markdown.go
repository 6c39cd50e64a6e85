package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/numfmt"
)

// mdText escapes prose for markdown: after Sanitize, every character that
// could start markup (emphasis, code, links, images, HTML, tables) is
// backslash-escaped or written as an entity, and URL schemes are broken up
// so that no autolink forms. The text reads the same once rendered.
func mdText(s string) string {
	s = Sanitize(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '_', '[', ']', '|', '~', '#':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case ':':
			b.WriteByte(':')
			// "http://x" becomes "http:\/\/x": rendered the same, but no
			// autolink.
			if strings.HasPrefix(s[i+1:], "//") {
				b.WriteString(`\/\/`)
				i += 2
			}
		case 'w', 'W':
			if i+4 <= len(s) && strings.EqualFold(s[i:i+4], "www.") {
				b.WriteString(s[i:i+3] + `\.`)
				i += 3
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// mdCode writes a log-derived identifier (path, client, target, host) as
// an inline code span, inside which markdown forms no links, images or
// HTML. The fence is longer than any run of backticks in s, and pipes are
// escaped so that a table cell stays one cell.
func mdCode(s string) string {
	s = Sanitize(s)
	if s == "" {
		return ""
	}
	run, longest := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	s = strings.ReplaceAll(s, "|", `\|`)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdCause writes a cause code: as code when it looks like one, escaped
// otherwise.
func mdCause(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_') {
			return mdText(s)
		}
	}
	return "`" + s + "`"
}

type mdWriter struct {
	lineWriter
}

func (m *mdWriter) heading(s string) {
	m.line("")
	m.line("## " + s)
	m.line("")
}

// table writes a markdown table; cells must already be escaped. right
// marks right-aligned columns.
func (m *mdWriter) table(headers []string, right []bool, rows [][]string) {
	m.line("| " + strings.Join(headers, " | ") + " |")
	sep := make([]string, len(headers))
	for i := range headers {
		if right[i] {
			sep[i] = "---:"
		} else {
			sep[i] = "---"
		}
	}
	m.line("| " + strings.Join(sep, " | ") + " |")
	for _, r := range rows {
		m.line("| " + strings.Join(r, " | ") + " |")
	}
}

func renderMarkdown(w io.Writer, rep *analysis.Report, cmp *Comparison, opts Options) error {
	m := &mdWriter{lineWriter{w: w}}
	m.line("# " + mdText(reportTitle(rep, opts.Title)))
	m.line("")
	mdVerdict(m, rep)
	if cmp != nil {
		var crossed []string
		for _, r := range cmp.Thresholds {
			if r.Crossed {
				crossed = append(crossed, mdCode(r.Expr)+" (actual "+r.fmtValue(r.Actual)+")")
			}
		}
		if len(crossed) > 0 {
			m.line("")
			m.line("**Thresholds crossed:** " + strings.Join(crossed, ", "))
		}
	}
	mdTraffic(m, rep)
	mdErrors(m, rep)
	mdTargets(m, rep)
	mdBreakdowns(m, rep)
	mdSections(m, rep)
	mdTimeline(m, rep)
	if cmp != nil {
		mdComparison(m, rep, cmp)
	}
	mdInputs(m, rep)
	return m.err
}

func mdVerdict(m *mdWriter, rep *analysis.Report) {
	v := rep.Verdict
	if hasFivexx(rep) && v.PrimaryCause != nil && v.Headline == "" {
		m.line("> **" + mdText(strings.ToUpper(domainTitle(rep, primaryDomain(rep)))) + " at fault:** " + mdCause(Sanitize(*v.PrimaryCause)) + ", " + fmtPct(v.Share) + " of 5xx")
	} else {
		m.line("> **" + mdText(headline(rep)) + "**")
	}
	if v.Summary != "" {
		m.line(">")
		m.line("> " + mdText(v.Summary))
	}
	if len(v.Findings) > 0 {
		m.line("")
		for _, f := range v.Findings {
			m.line("- " + mdText(f))
		}
	}
	if w := v.Window; w != nil {
		s := "**Window:** " + mdText(windowText(rep, w))
		m.line("")
		m.line(s + ", 5xx rate " + fmtPct(w.Rate) + " against " + fmtPct(w.BaselineRate) + " outside it.")
	}
	if len(v.Hints) > 0 {
		m.line("")
		m.line("**Check next:**")
		m.line("")
		for i, h := range v.Hints {
			m.line(strconv.Itoa(i+1) + ". " + mdText(h))
		}
	}
}

func mdTraffic(m *mdWriter, rep *analysis.Report) {
	if noRequests(rep) && rep.Window == nil && rep.TimeRange.First.IsZero() {
		return // nothing read: nothing to say
	}
	m.heading("Traffic")
	if noRequests(rep) {
		mdSpan(m, rep)
		return
	}
	headers := []string{"Requests", "5xx", "5xx rate"}
	row := []string{numfmt.Int(rep.Requests), numfmt.Int(rep.Errors.Total5xx), fmtPct(ratio(rep.Errors.Total5xx, rep.Requests))}
	for _, k := range []string{"2xx", "3xx", "4xx"} {
		if n, ok := rep.StatusClasses[k]; ok {
			headers = append(headers, k)
			row = append(row, numfmt.Int(n))
		}
	}
	right := make([]bool, len(headers))
	for i := range right {
		right[i] = true
	}
	m.table(headers, right, [][]string{row})
	m.line("")
	mdSpan(m, rep)
	if ctx := contextCounts(rep); len(ctx) > 0 {
		parts := make([]string, 0, len(ctx))
		for _, e := range ctx {
			parts = append(parts, mdCause(e.Key)+" "+numfmt.Int(e.Count))
		}
		m.line("Not 5xx, for context: " + strings.Join(parts, ", ") + ".")
	}
}

// mdSpan writes the --since/--until window and the span of the logs.
func mdSpan(m *mdWriter, rep *analysis.Report) {
	if rep.Window != nil {
		s := "Window " + mdText(fmtSpan(rep.Window.First, rep.Window.Last))
		if !rep.TimeRange.First.IsZero() {
			s += "; the logs span " + mdText(fmtSpan(rep.TimeRange.First, rep.TimeRange.Last))
		}
		m.line(s + ".")
	} else if !rep.TimeRange.First.IsZero() {
		m.line("The logs span " + mdText(fmtSpan(rep.TimeRange.First, rep.TimeRange.Last)) + ".")
	}
}

func mdErrors(m *mdWriter, rep *analysis.Report) {
	if !hasFivexx(rep) {
		return
	}
	total := rep.Errors.Total5xx
	m.heading("5xx by domain")
	var rows [][]string
	for _, d := range domainOrder(rep) {
		if n := rep.Errors.ByDomain[d]; n > 0 {
			rows = append(rows, []string{mdText(domainTitle(rep, d)), numfmt.Int(n), fmtPct(ratio(n, total))})
		}
	}
	m.table([]string{"Domain", "5xx", "Share"}, []bool{false, true, true}, rows)

	m.heading("5xx by cause")
	rows = rows[:0]
	for _, e := range sortedCounts(rep.Errors.ByCause) {
		rows = append(rows, []string{mdCause(e.Key), mdText(domainTitle(rep, domainOf(rep, e.Key))), numfmt.Int(e.Count), fmtPct(ratio(e.Count, total)), mdText(brief(rep, e.Key))})
	}
	m.table([]string{"Cause", "Domain", "5xx", "Share", "What to check"}, []bool{false, false, true, true, false}, rows)
}

func mdTargets(m *mdWriter, rep *analysis.Report) {
	if len(rep.Targets) == 0 {
		return
	}
	targets := sortedTargets(rep.Targets)
	title := targetNouns(rep)
	if len(targets) > textTopTargets {
		title += fmt.Sprintf(" (top %d of %d by 5xx)", textTopTargets, len(targets))
		targets = targets[:textTopTargets]
	}
	m.heading(title)
	var rows [][]string
	for _, x := range targets {
		since := ""
		if !x.First5xx.IsZero() {
			since = mdText(fmtShortSpan(x.First5xx, x.Last5xx))
		}
		rows = append(rows, []string{mdCode(x.Target), mdCode(x.Subnet), numfmt.Int(x.Requests), numfmt.Int(x.Errors5xx),
			fmtPct(ratio(x.Errors5xx, x.Requests)), mdCauseList(x.ByCause, 3),
			fmtMs(x.LatencyMs.P50), fmtMs(x.LatencyMs.P95), fmtMs(x.LatencyMs.P99), since})
	}
	headers := []string{targetNoun(rep), "Subnet", "Requests", "5xx", "Rate", "Causes", "p50 ms", "p95 ms", "p99 ms", "5xx from–to"}
	right := []bool{false, false, true, true, true, false, true, true, true, false}
	if !anySubnet(targets) {
		headers, right = slices.Delete(headers, 1, 2), slices.Delete(right, 1, 2)
		for i := range rows {
			rows[i] = slices.Delete(rows[i], 1, 2)
		}
	}
	m.table(headers, right, rows)
}

func mdCauseList(c map[string]int64, n int) string {
	s := sortedCounts(c)
	parts := make([]string, 0, n+1)
	for i, e := range s {
		if i == n {
			parts = append(parts, "+"+strconv.Itoa(len(s)-n)+" more")
			break
		}
		parts = append(parts, mdCause(e.Key)+" "+numfmt.Int(e.Count))
	}
	return strings.Join(parts, ", ")
}

func mdBreakdowns(m *mdWriter, rep *analysis.Report) {
	if len(rep.Nodes) > 0 {
		nodes := sortedNodes(rep.Nodes)
		m.heading(topOf("Load balancer nodes", len(nodes), textTopNodes))
		var rows [][]string
		for _, n := range nodes[:min(len(nodes), textTopNodes)] {
			rows = append(rows, []string{mdCode(n.Node), numfmt.Int(n.Requests), fmtPct(n.Share), numfmt.Int(n.Errors5xx), fmtPct(ratio(n.Errors5xx, n.Requests))})
		}
		m.table([]string{"Node", "Requests", "Share", "5xx", "Rate"}, []bool{false, true, true, true, true}, rows)
	}
	if len(rep.Subnets) > 0 {
		subnets := sortedSubnets(rep.Subnets)
		m.heading(topOf(targetNoun(rep)+" subnets", len(subnets), textTopRows))
		var rows [][]string
		for _, s := range subnets[:min(len(subnets), textTopRows)] {
			rows = append(rows, []string{mdCode(s.Subnet), numfmt.Int(s.Targets), numfmt.Int(s.Requests), numfmt.Int(s.Errors5xx), fmtPct(ratio(s.Errors5xx, s.Requests)), mdCauseList(s.ByCause, 3)})
		}
		m.table([]string{"Subnet", "Targets", "Requests", "5xx", "Rate", "Causes"}, []bool{false, true, true, true, true, false}, rows)
	}
	simple := func(title, col string, n int, row func(i int) (string, int64, int64)) {
		if n == 0 {
			return
		}
		m.heading(topOf(title, n, textTopRows))
		var rows [][]string
		for i := range min(n, textTopRows) {
			name, req, e5 := row(i)
			rows = append(rows, []string{mdCode(name), numfmt.Int(req), numfmt.Int(e5), fmtPct(ratio(e5, req))})
		}
		m.table([]string{col, "Requests", "5xx", "Rate"}, []bool{false, true, true, true}, rows)
	}
	paths := sortedPaths(rep.Paths)
	simple("Paths", "Path", len(paths), func(i int) (string, int64, int64) { return paths[i].Path, paths[i].Requests, paths[i].Errors5xx })
	clients := sortedClients(rep.Clients)
	simple("Clients", "Client", len(clients), func(i int) (string, int64, int64) {
		return clients[i].Client, clients[i].Requests, clients[i].Errors5xx
	})
}

func topOf(title string, n, top int) string {
	if n > top {
		return fmt.Sprintf("%s (top %d of %d by 5xx)", title, top, n)
	}
	return title
}

// mdSections writes the families' sections.
func mdSections(m *mdWriter, rep *analysis.Report) {
	for _, s := range sections(rep) {
		m.heading(mdText(s.Title))
		if len(s.Facts) > 0 {
			parts := make([]string, 0, len(s.Facts))
			for _, f := range s.Facts {
				parts = append(parts, mdText(capital(f.Label)+" "+factProse(f))+".")
			}
			m.line(strings.Join(parts, " "))
		}
		for _, e := range shownCounts(s.Counts) {
			m.line("")
			m.line("- " + mdCause(e.Key) + ": " + numfmt.Int(e.Count))
		}
		for i := range s.Tables {
			tab := &s.Tables[i]
			if len(tab.Rows) == 0 {
				continue
			}
			cols := columnsOf(tab.Columns)
			headers := make([]string, len(cols))
			right := make([]bool, len(cols))
			for k, c := range cols {
				headers[k], right[k] = mdText(c.md), c.right
			}
			var rows [][]string
			for _, row := range topRows(tab) {
				cells := cellsOf(tab.Columns, row)
				out := make([]string, len(cols))
				for k, c := range cols {
					out[k] = mdCell(c, cells[k])
				}
				rows = append(rows, out)
			}
			m.line("")
			m.table(headers, right, rows)
		}
		for i := range s.Timelines {
			mdStateTimeline(m, &s.Timelines[i])
		}
	}
}

// mdStateTimeline writes a state timeline as a code block of strips.
func mdStateTimeline(m *mdWriter, tl *analysis.StateTimeline) {
	if len(tl.Rows) == 0 {
		return
	}
	m.line("")
	if tl.Title != "" {
		m.line(mdText(tl.Title) + mdText(stateTimelineSpan(tl)) + ":")
		m.line("")
	}
	width := 0
	for _, r := range tl.Rows {
		width = max(width, len([]rune(Sanitize(r.Name))))
	}
	m.line("```text")
	for _, r := range tl.Rows {
		name := Sanitize(r.Name)
		m.line(name + strings.Repeat(" ", width-len([]rune(name))) + " │" + stateStrip(r.Cells) + "│")
	}
	m.line(strings.ReplaceAll(stateLegend(tl.States), "`", "'"))
	m.line("```")
}

func mdTimeline(m *mdWriter, rep *analysis.Report) {
	if len(rep.Timeline) == 0 {
		return
	}
	tl, group := downsample(rep.Timeline, 96)
	vals := make([]int64, len(tl))
	var peak int64
	var peakAt analysis.Time
	for i, b := range tl {
		vals[i] = b.Errors5xx
		if b.Errors5xx > peak {
			peak, peakAt = b.Errors5xx, b.Start
		}
	}
	m.heading("Timeline")
	m.line("5xx per " + fmtDuration(timeDur(rep.BucketSeconds*int64(group))) + ", " + mdText(fmtSpan(tl[0].Start, rep.Timeline[len(rep.Timeline)-1].Start)) +
		"; peak " + numfmt.Int(peak) + " at " + mdText(fmtClock(peakAt)) + ".")
	m.line("")
	m.line("```text")
	m.line("│" + strings.ReplaceAll(sparkline(vals), " ", "·") + "│")
	if mark := windowMarks(tl, rep.Verdict.Window); mark != "" {
		m.line(" " + mark + "  ^ window")
	}
	m.line("```")
}

func mdComparison(m *mdWriter, rep *analysis.Report, c *Comparison) {
	if !c.HasBaseline() {
		if len(c.Thresholds) > 0 {
			m.heading("Thresholds")
			m.line("No baseline to compare with.")
			m.line("")
			mdThresholds(m, c)
		}
		return
	}
	m.heading("Compared with baseline")
	m.line("Baseline " + mdText(fmtSpan(c.Baseline.First, c.Baseline.Last)) + ": " + numfmt.Int(c.Baseline.Requests) + " requests, " +
		numfmt.Int(c.Baseline.Errors5xx) + " 5xx. 5xx rate " + fmtPct(c.Rate5xx.Day) + " against " + fmtPct(c.Rate5xx.Baseline) +
		" (" + fmtPctPoints(c.Rate5xx.Delta()) + ").")
	if len(c.Thresholds) > 0 {
		m.line("")
		m.line("**Thresholds:**")
		m.line("")
		mdThresholds(m, c)
	}
	var rows [][]string
	for _, r := range c.ByDomain {
		rows = append(rows, []string{mdText(domainTitle(rep, r.Key)), fmtPct(r.Day), fmtPct(r.Baseline), fmtPctPoints(r.Delta()), numfmt.Int(r.DayCount), numfmt.Int(r.BaselineCount)})
	}
	for _, r := range c.ByCause {
		rows = append(rows, []string{mdCause(r.Key), fmtPct(r.Day), fmtPct(r.Baseline), fmtPctPoints(r.Delta()), numfmt.Int(r.DayCount), numfmt.Int(r.BaselineCount)})
	}
	if len(rows) > 0 {
		m.line("")
		m.table([]string{"Domain / cause", "5xx rate", "Baseline", "Change", "5xx", "Baseline 5xx"}, []bool{false, true, true, true, true, true}, rows)
	}
	l := c.Latency
	if l.Day != (analysis.Latency{}) && l.Baseline != (analysis.Latency{}) {
		m.line("")
		m.line("Latency p50 " + fmtMs(l.Day.P50) + " ms (baseline " + fmtMs(l.Baseline.P50) + "), p95 " + fmtMs(l.Day.P95) +
			" ms (" + fmtMs(l.Baseline.P95) + "), p99 " + fmtMs(l.Day.P99) + " ms (" + fmtMs(l.Baseline.P99) + ").")
	}
	if len(c.NewFailingTargets) > 0 {
		m.line("")
		m.line("**New failing targets** (5xx in this period, none in the baseline):")
		m.line("")
		rows = rows[:0]
		for _, n := range c.NewFailingTargets[:min(len(c.NewFailingTargets), textTopRows)] {
			rows = append(rows, []string{mdCode(n.Target), numfmt.Int(n.Requests), numfmt.Int(n.Errors5xx), mdCause(n.TopCause), mdText(fmtClock(n.First5xx))})
		}
		m.table([]string{"Target", "Requests", "5xx", "Top cause", "First 5xx"}, []bool{false, true, true, false, false}, rows)
	}
	if shifts := bigShifts(c.TargetLatency); len(shifts) > 0 {
		m.line("")
		m.line("**Latency shifts per target** (p99 moved most):")
		m.line("")
		rows = rows[:0]
		for _, s := range shifts {
			rows = append(rows, []string{mdCode(s.Target), fmtMs(s.Day.P50), fmtMs(s.Day.P95), fmtMs(s.Day.P99), fmtMs(s.Baseline.P99), signedMs(s.Day.P99 - s.Baseline.P99)})
		}
		m.table([]string{"Target", "p50 ms", "p95 ms", "p99 ms", "Baseline p99", "Change"}, []bool{false, true, true, true, true, true}, rows)
	}
}

func mdThresholds(m *mdWriter, c *Comparison) {
	for _, r := range c.Thresholds {
		state := "ok"
		if r.Crossed {
			state = "**CROSSED**"
		}
		m.line("- " + state + " " + mdCode(r.Expr) + ": actual " + r.fmtValue(r.Actual))
	}
}

func mdInputs(m *mdWriter, rep *analysis.Report) {
	m.heading("Inputs")
	in, ln := rep.Inputs, rep.Lines
	s := numfmt.Count(in.Objects, "object", "objects") + ", " + numfmt.Bytes(in.BytesRead)
	if in.Listed > 0 {
		s += " (" + numfmt.Int(in.Selected) + " selected of " + numfmt.Int(in.Listed) + " listed)"
	}
	m.line(s + ". Lines " + linesText(ln, "outside the window") + ".")
	if lb := loadBalancerText(rep); lb != "" {
		m.line("")
		m.line("Load balancer " + mdText(lb) + ".")
	}
	if len(in.Failed) > 0 || len(in.Skipped) > 0 {
		m.line("")
	}
	for _, f := range in.Failed {
		m.line("- **Failed:** " + mdCode(f.Source) + ": " + mdText(f.Error))
	}
	for _, sk := range in.Skipped {
		m.line("- Skipped: " + mdCode(sk.Source) + " (" + mdText(sk.Reason) + ")")
	}
	if len(ln.RejectedSamples) > 0 {
		m.heading("Rejected lines (samples)")
		var rows [][]string
		for _, r := range ln.RejectedSamples {
			rows = append(rows, []string{mdCode(r.Source), strconv.FormatInt(r.Line, 10), mdText(r.Reason), mdCode(truncate(Sanitize(r.Snippet), 200))})
		}
		m.table([]string{"Source", "Line", "Reason", "Snippet"}, []bool{false, true, false, false}, rows)
	}
}
