package albhealth

import (
	"fmt"

	"github.com/lbtriage/lbtriage/analysis"
)

// tableTop is how many rows the text and markdown reports show of the
// targets and windows.
const tableTop = 12

// Part returns the report part of figures f: the "health" JSON object and
// its section, whose tables and health timeline every format shows.
func Part(f *Figures, bucketSeconds int64) analysis.Part {
	sec := analysis.Section{ID: "health", Title: "Health checks"}
	rate := 0.0
	if f.Checks > 0 {
		rate = float64(f.Failed) / float64(f.Checks)
	}
	th := fmt.Sprintf("out after %d failed, back after %d passed", f.Thresholds.Unhealthy, f.Thresholds.Healthy)
	if f.Thresholds.Assumed {
		th += " (AWS defaults, assumed)"
	}
	sec.Facts = []analysis.Fact{
		{Label: "checks", Kind: analysis.CellCount, Value: analysis.CountCell(f.Checks)},
		{Label: "failed", Kind: analysis.CellCount, Value: analysis.CountCell(f.Failed)},
		{Label: "failure rate", Kind: analysis.CellRate, Value: analysis.RateCell(rate)},
		{Label: "targets", Kind: analysis.CellCount, Value: analysis.CountCell(int64(len(f.Targets)))},
		{Label: "fail-open windows", Kind: analysis.CellCount, Value: analysis.CountCell(int64(len(f.FailOpen)))},
		{Label: "thresholds", Kind: analysis.CellText, Value: analysis.Cell{Text: th}},
	}

	failures := analysis.Table{
		Name: tableFailures, Title: "Failed checks by reason",
		Columns: []analysis.Column{
			{Header: "Reason", Kind: analysis.CellName},
			{Header: "Status code", Kind: analysis.CellName},
			{Header: "Checks", Kind: analysis.CellCount, Bar: analysis.BarErrors},
		},
	}
	for _, x := range f.Failures {
		failures.Rows = append(failures.Rows, []analysis.Cell{analysis.NameCell(x.Reason), analysis.NameCell(codeText(x.StatusCode)), analysis.CountCell(x.Checks)})
	}

	groups := map[string]bool{}
	for _, t := range f.Targets {
		groups[t.TargetGroup] = true
	}
	targets := analysis.Table{
		Name: tableTargets, Title: "Targets", Top: tableTop,
		Columns: []analysis.Column{
			{Header: "Target", Kind: analysis.CellName},
			{Header: "Checks", Kind: analysis.CellCount, Bar: analysis.BarRequests},
			{Header: "Failed", Kind: analysis.CellCount, Bar: analysis.BarErrors},
			{Header: "Taken out", Kind: analysis.CellCount},
			{Header: "First failed", Kind: analysis.CellTime},
			{Header: "Last failed", Kind: analysis.CellTime},
		},
	}
	if len(groups) > 1 {
		targets.Columns = append(targets.Columns, analysis.Column{Header: "Target group", Kind: analysis.CellName})
	}
	for _, t := range f.Targets {
		row := []analysis.Cell{
			analysis.NameCell(t.Target), analysis.CountCell(t.Checks), analysis.CountCell(t.Failed),
			analysis.CountCell(int64(t.TakenOut)), analysis.TimeCell(t.FirstFailed), analysis.TimeCell(t.LastFailed),
		}
		if len(groups) > 1 {
			row = append(row, analysis.NameCell(t.TargetGroup))
		}
		targets.Rows = append(targets.Rows, row)
	}

	windows := analysis.Table{
		Name: tableUnhealthy, Title: "When targets were out", Top: tableTop,
		Columns: []analysis.Column{
			{Header: "Target", Kind: analysis.CellName},
			{Header: "Out from", Kind: analysis.CellTime},
			{Header: "Back at", Kind: analysis.CellText},
			{Header: "Nodes", Kind: analysis.CellCount},
		},
	}
	for _, t := range f.Targets {
		for _, u := range t.Unhealthy {
			windows.Rows = append(windows.Rows, []analysis.Cell{analysis.NameCell(t.Target), analysis.TimeCell(u.Start),
				{Text: endText(u)}, analysis.CountCell(int64(len(nodesOut(t, u))))})
		}
	}

	open := analysis.Table{
		Name: tableFailOpen, Title: "Fail-open: every target of a group out",
		Columns: []analysis.Column{
			{Header: "From", Kind: analysis.CellTime},
			{Header: "To", Kind: analysis.CellText},
			{Header: "Target group", Kind: analysis.CellName},
			{Header: "Targets", Kind: analysis.CellCount},
			{Header: "Nodes", Kind: analysis.CellCount},
		},
	}
	for _, w := range f.FailOpen {
		open.Rows = append(open.Rows, []analysis.Cell{analysis.TimeCell(w.Start), {Text: endText(w.Span)},
			analysis.NameCell(w.TargetGroup), analysis.CountCell(int64(w.Targets)), analysis.CountCell(int64(len(w.Nodes)))})
	}

	nodes := analysis.Table{
		Name: tableNodes, Title: "Load balancer nodes",
		Columns: []analysis.Column{
			{Header: "Node", Kind: analysis.CellName},
			{Header: "Checks", Kind: analysis.CellCount, Bar: analysis.BarRequests},
			{Header: "Failed", Kind: analysis.CellCount, Bar: analysis.BarErrors},
			{Header: "Rate", Key: "failure_rate", Kind: analysis.CellRate},
		},
	}
	for _, n := range f.Nodes {
		r := 0.0
		if n.Checks > 0 {
			r = float64(n.Failed) / float64(n.Checks)
		}
		nodes.Rows = append(nodes.Rows, []analysis.Cell{analysis.NameCell(n.Node), analysis.CountCell(n.Checks), analysis.CountCell(n.Failed), analysis.RateCell(r)})
	}
	// The picture first, in a section of its own (a section shows its
	// tables before its timelines), then the tables.
	if f.health != nil {
		sec.Timelines = []analysis.StateTimeline{*f.health}
	}
	details := analysis.Section{ID: "health-details", Title: "Health checks in detail",
		Tables: []analysis.Table{failures, open, targets, windows, nodes}}
	return analysis.Part{Key: PartKey, JSON: f, Sections: []analysis.Section{sec, details}}
}

// codeText writes a status code, "-" for none.
func codeText(code int) string {
	if code == 0 {
		return "-"
	}
	return fmt.Sprint(code)
}

// endText writes the end of a window as the renderers write times, or
// "end of logs" when it lasts.
func endText(s Span) string {
	if s.ToEnd {
		return "end of logs"
	}
	return s.End.UTC().Format("2006-01-02 15:04:05 UTC")
}

// nodesOut lists the nodes whose own windows of t overlap u.
func nodesOut(t Target, u Span) []string {
	var out []string
	for _, n := range t.Nodes {
		for _, w := range n.Unhealthy {
			if w.Start.Before(u.End.Time) && w.End.After(u.Start.Time) || w.Start.Equal(u.Start.Time) {
				out = append(out, n.Node)
				break
			}
		}
	}
	return out
}

// mainReason names the reason with the most failed checks, "" for none.
func mainReason(by map[string]int64) string {
	best, n := "", int64(0)
	for r, c := range by {
		if c > n || c == n && r < best {
			best, n = r, c
		}
	}
	return best
}
