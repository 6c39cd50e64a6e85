package report

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/lbtriage/lbtriage/analysis"
)

// csvText returns a log-derived string as a CSV cell that a spreadsheet
// will not run: Sanitize, then, when the value began with a formula
// character (=, +, -, @, tab or carriage return), a leading apostrophe, as
// OWASP advises against CSV injection. Numbers are written with csvInt and
// csvFloat and never pass through here.
func csvText(raw string) string {
	s := Sanitize(raw)
	if isFormulaStart(raw) || isFormulaStart(s) {
		return "'" + s
	}
	return s
}

func isFormulaStart(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

func csvInt(n int64) string { return strconv.FormatInt(n, 10) }

// csvFloat writes a measurement rounded to 3 decimals.
func csvFloat(f float64) string {
	return strconv.FormatFloat(math.Round(finiteOr0(f)*1000)/1000, 'f', -1, 64)
}

// csvRate writes a fraction rounded to 6 decimals.
func csvRate(f float64) string { return strconv.FormatFloat(finiteOr0(f), 'f', 6, 64) }

func renderCSV(w io.Writer, rep *analysis.Report, cmp *Comparison, table string) error {
	rows, err := csvRows(rep, cmp, table)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// errNoComparison: the comparison table of a report compared with nothing.
var errNoComparison = errors.New("csv table \"comparison\": no baseline to compare with (lbtriage report compares its period with the day before, or with --baseline-since)")

// errEmptyTable: a table with no row in the report (a table of targets
// in a CloudFront report, any request table of connection logs alone).
var errEmptyTable = errors.New("has no row in this report")

// csvRows returns rep's table: its header, then its rows; a table with no
// row is an error that names the tables with rows, never a header alone.
func csvRows(rep *analysis.Report, c *Comparison, table string) ([][]string, error) {
	rows, err := csvTable(rep, c, table)
	if err != nil || len(rows) > 1 {
		return rows, err
	}
	var full []string
	for _, name := range TablesOf(rep) {
		if r, err := csvTable(rep, c, name); err == nil && len(r) > 1 {
			full = append(full, name)
		}
	}
	return nil, fmt.Errorf("csv table %q %w (tables with rows: %s)", cmp.Or(table, "timeline"), errEmptyTable, strings.Join(full, ", "))
}

// csvTable returns rep's table, header first.
func csvTable(rep *analysis.Report, cmp *Comparison, table string) ([][]string, error) {
	var rows [][]string
	switch table {
	case "", "timeline":
		rows = csvTimeline(rep)
	case "targets":
		rows = csvTargets(rep)
	case "nodes":
		rows = append(rows, []string{"node", "requests", "errors_5xx", "rate_5xx", "share"})
		for _, n := range sortedNodes(rep.Nodes) {
			rows = append(rows, []string{csvText(n.Node), csvInt(n.Requests), csvInt(n.Errors5xx), csvRate(ratio(n.Errors5xx, n.Requests)), csvRate(n.Share)})
		}
	case "subnets":
		rows = csvSubnets(rep)
	case "paths":
		rows = append(rows, []string{"path", "requests", "errors_5xx", "rate_5xx"})
		for _, p := range sortedPaths(rep.Paths) {
			rows = append(rows, []string{csvText(p.Path), csvInt(p.Requests), csvInt(p.Errors5xx), csvRate(ratio(p.Errors5xx, p.Requests))})
		}
	case "clients":
		rows = append(rows, []string{"client", "requests", "errors_5xx", "rate_5xx"})
		for _, c := range sortedClients(rep.Clients) {
			rows = append(rows, []string{csvText(c.Client), csvInt(c.Requests), csvInt(c.Errors5xx), csvRate(ratio(c.Errors5xx, c.Requests))})
		}
	case "comparison":
		if cmp == nil {
			return nil, errNoComparison
		}
		rows = csvComparison(cmp)
	default:
		t := partTables(rep)[table]
		if t == nil {
			return nil, fmt.Errorf("%w %q (want one of %v)", ErrUnknownTable, table, TablesOf(rep))
		}
		rows = csvPartTable(t)
	}
	return rows, nil
}

// renderCSVAll writes the same table of several reports as one CSV: one
// header, the columns of every report's table in the order first met,
// after two columns that say which report a row is of: "format" (alb,
// cloudfront, ...) and "load_balancer" (its name, "" when the report is
// about none). A cell of a column another report's table has and this
// one's lacks (CloudFront's 5xx_origin beside ALB's 5xx_target) is empty.
// A report without the table (a family's table, a comparison) adds no row;
// the table must be some report's.
func renderCSVAll(w io.Writer, reps []*analysis.Report, opts Options) error {
	var head []string
	col := map[string]int{}
	type part struct {
		rep  *analysis.Report
		rows [][]string
	}
	var parts []part
	var firstErr error
	for i, rep := range reps {
		rows, err := csvRows(rep, opts.of(i).Comparison, opts.Table)
		if err != nil {
			firstErr = cmp.Or(firstErr, err)
			continue
		}
		for _, h := range rows[0] {
			if _, ok := col[h]; !ok {
				col[h] = len(head)
				head = append(head, h)
			}
		}
		parts = append(parts, part{rep, rows})
	}
	if len(parts) == 0 {
		if errors.Is(firstErr, ErrUnknownTable) {
			var names []string
			for _, rep := range reps {
				for _, n := range TablesOf(rep) {
					if !slices.Contains(names, n) {
						names = append(names, n)
					}
				}
			}
			return fmt.Errorf("%w %q (want one of %v)", ErrUnknownTable, opts.Table, names)
		}
		return firstErr
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{"format", "load_balancer"}, head...)); err != nil {
		return err
	}
	for _, p := range parts {
		lb := ""
		if p.rep.LoadBalancer != nil {
			lb = p.rep.LoadBalancer.Name
		}
		for _, r := range p.rows[1:] {
			out := make([]string, 2+len(head))
			out[0], out[1] = csvText(p.rep.Format), csvText(lb)
			for j, h := range p.rows[0] {
				if j < len(r) {
					out[2+col[h]] = r[j]
				}
			}
			if err := cw.Write(out); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvTimeline is one row per bucket with a column per domain.
func csvTimeline(rep *analysis.Report) [][]string {
	domains := domainOrder(rep)
	head := []string{"start", "requests", "errors_5xx", "rate_5xx"}
	for _, d := range domains {
		head = append(head, "5xx_"+csvText(d))
	}
	rows := [][]string{head}
	for _, b := range rep.Timeline {
		r := []string{csvText(b.Start.RFC3339()), csvInt(b.Requests), csvInt(b.Errors5xx), csvRate(ratio(b.Errors5xx, b.Requests))}
		for _, d := range domains {
			r = append(r, csvInt(b.ByDomain[d]))
		}
		rows = append(rows, r)
	}
	return rows
}

// csvTargets is one row per target with a column per cause.
func csvTargets(rep *analysis.Report) [][]string {
	targets := sortedTargets(rep.Targets)
	maps := make([]map[string]int64, len(targets))
	for i, t := range targets {
		maps[i] = t.ByCause
	}
	causes := causeKeys(maps...)
	head := []string{"target", "subnet", "requests", "errors_5xx", "rate_5xx", "p50_ms", "p95_ms", "p99_ms", "first_5xx", "last_5xx"}
	for _, c := range causes {
		head = append(head, csvText(c))
	}
	rows := [][]string{head}
	for _, t := range targets {
		r := []string{csvText(t.Target), csvText(t.Subnet), csvInt(t.Requests), csvInt(t.Errors5xx), csvRate(ratio(t.Errors5xx, t.Requests)),
			csvFloat(t.LatencyMs.P50), csvFloat(t.LatencyMs.P95), csvFloat(t.LatencyMs.P99), csvText(t.First5xx.RFC3339()), csvText(t.Last5xx.RFC3339())}
		for _, c := range causes {
			r = append(r, csvInt(t.ByCause[c]))
		}
		rows = append(rows, r)
	}
	return rows
}

func csvSubnets(rep *analysis.Report) [][]string {
	subnets := sortedSubnets(rep.Subnets)
	maps := make([]map[string]int64, len(subnets))
	for i, s := range subnets {
		maps[i] = s.ByCause
	}
	causes := causeKeys(maps...)
	head := []string{"subnet", "targets", "requests", "errors_5xx", "rate_5xx"}
	for _, c := range causes {
		head = append(head, csvText(c))
	}
	rows := [][]string{head}
	for _, s := range subnets {
		r := []string{csvText(s.Subnet), csvInt(s.Targets), csvInt(s.Requests), csvInt(s.Errors5xx), csvRate(ratio(s.Errors5xx, s.Requests))}
		for _, c := range causes {
			r = append(r, csvInt(s.ByCause[c]))
		}
		rows = append(rows, r)
	}
	return rows
}

// csvComparison lists every compared metric: kind, key, day, baseline,
// change; then the thresholds.
func csvComparison(c *Comparison) [][]string {
	rows := [][]string{{"kind", "key", "day", "baseline", "change", "day_count", "baseline_count"}}
	if c == nil {
		return rows
	}
	if !c.HasBaseline() {
		appendThresholdRows(&rows, c)
		return rows
	}
	rate := func(kind string, r RateChange) {
		rows = append(rows, []string{kind, csvText(r.Key), csvRate(r.Day), csvRate(r.Baseline), csvRate(r.Delta()), csvInt(r.DayCount), csvInt(r.BaselineCount)})
	}
	rate("rate_5xx", c.Rate5xx)
	for _, r := range c.ByDomain {
		rate("domain_rate_5xx", r)
	}
	for _, r := range c.ByCause {
		rate("cause_rate_5xx", r)
	}
	lat := func(key string, l LatencyShift) {
		rows = append(rows,
			[]string{"p50_ms", key, csvFloat(l.Day.P50), csvFloat(l.Baseline.P50), csvFloat(l.Day.P50 - l.Baseline.P50), "", ""},
			[]string{"p95_ms", key, csvFloat(l.Day.P95), csvFloat(l.Baseline.P95), csvFloat(l.Day.P95 - l.Baseline.P95), "", ""},
			[]string{"p99_ms", key, csvFloat(l.Day.P99), csvFloat(l.Baseline.P99), csvFloat(l.Day.P99 - l.Baseline.P99), "", ""})
	}
	lat("", c.Latency)
	for _, s := range c.TargetLatency {
		lat(csvText(s.Target), s)
	}
	for _, n := range c.NewFailingTargets {
		rows = append(rows, []string{"new_failing_target", csvText(n.Target), csvInt(n.Errors5xx), "0", csvInt(n.Errors5xx), csvInt(n.Errors5xx), "0"})
	}
	appendThresholdRows(&rows, c)
	return rows
}

// appendThresholdRows adds one row per threshold: actual in "day", the
// limit in "baseline", 1 or 0 for crossed in "change".
func appendThresholdRows(rows *[][]string, c *Comparison) {
	for _, t := range c.Thresholds {
		crossed := "0"
		if t.Crossed {
			crossed = "1"
		}
		*rows = append(*rows, []string{"threshold", csvText(t.Expr), csvFloat(t.Actual), csvFloat(t.Value), crossed, "", ""})
	}
}

// csvPartTable is a family's table: every row, a column per value.
func csvPartTable(t *analysis.Table) [][]string {
	cols := columnsOf(t.Columns)
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = csvText(c.csv)
	}
	rows := [][]string{head}
	for _, r := range t.Rows {
		cells := cellsOf(t.Columns, r)
		out := make([]string, len(cols))
		for i, c := range cols {
			out[i] = csvCell(c, cells[i])
		}
		rows = append(rows, out)
	}
	return rows
}
