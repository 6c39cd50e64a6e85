// Package report renders an analysis.Report for people and programs: a
// terminal report (text), the JSON contract (json), a ticket-ready summary
// (markdown), one self-contained page (html) and per-table CSV (csv).
//
// Renderers see only the plain result types of package analysis and write
// only to the io.Writer they are given. Every string that came from a log
// (paths, clients, targets, hosts, user agents, rejected snippets) is treated
// as hostile: terminal control sequences are stripped from text and
// markdown, markdown syntax is escaped, CSV formulas are neutralised and the
// HTML is built with html/template under a strict Content-Security-Policy.
package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/lbtriage/lbtriage/analysis"
)

// Options selects the output format and its presentation.
type Options struct {
	// Format is one of Formats(): "text", "json", "markdown", "html", "csv".
	// Empty means "text".
	Format string
	// Color enables ANSI colour in the text format. The caller decides,
	// from whether the output is a terminal and from NO_COLOR.
	Color bool
	// Table selects the CSV table: "timeline" (the default), "targets",
	// "nodes", "subnets", "paths", "clients" or "comparison" (Tables), or a
	// table a family's part of the report offers by name.
	Table string
	// Width is the terminal width for the text format; 0 means 100.
	Width int
	// Title heads the markdown and HTML reports; empty means a title built
	// from the report.
	Title string
	// Baseline, when set and Comparison is nil, is compared with the report
	// (Compare(rep, Baseline)) and the comparison is rendered.
	Baseline *analysis.Report
	// Comparison, when set, is rendered as "Compared with baseline".
	Comparison *Comparison
	// Comparisons and Titles are, for RenderAll, each report's comparison
	// and title by index (the nightly report of several load balancers);
	// an entry nil or "", or missing, falls back to Comparison and Title.
	Comparisons []*Comparison
	Titles      []string
}

// of returns the options of RenderAll's report i.
func (o Options) of(i int) Options {
	if i < len(o.Comparisons) && o.Comparisons[i] != nil {
		o.Comparison = o.Comparisons[i]
	}
	if i < len(o.Titles) && o.Titles[i] != "" {
		o.Title = o.Titles[i]
	}
	o.Comparisons, o.Titles = nil, nil
	return o
}

// comparison returns the comparison to render with rep: Comparison, else
// rep compared with Baseline, else nil.
func (o Options) comparison(rep *analysis.Report) *Comparison {
	if o.Comparison == nil && o.Baseline != nil {
		return Compare(rep, o.Baseline)
	}
	return o.Comparison
}

// Formats returns the names Options.Format accepts.
func Formats() []string {
	return []string{"text", "json", "markdown", "html", "csv"}
}

// Tables returns the names Options.Table accepts for the csv format.
func Tables() []string {
	return []string{"timeline", "targets", "nodes", "subnets", "paths", "clients", "comparison"}
}

// TablesOf returns the names Options.Table accepts for rep: Tables, then
// its parts' tables.
func TablesOf(rep *analysis.Report) []string {
	out := Tables()
	for _, s := range sections(rep) {
		for _, t := range s.Tables {
			if t.Name != "" && !slices.Contains(out, t.Name) {
				out = append(out, t.Name)
			}
		}
	}
	return out
}

// ErrUnknownFormat is returned by Render for a format not in Formats().
var ErrUnknownFormat = errors.New("unknown report format")

// ErrUnknownTable is returned by Render for a csv table not in Tables().
var ErrUnknownTable = errors.New("unknown csv table")

// Render writes rep to w in opts.Format.
func Render(w io.Writer, rep *analysis.Report, opts Options) error {
	if rep == nil {
		return errors.New("render report: no report")
	}
	cmp := opts.comparison(rep)
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch opts.Format {
	case "", "text":
		err = renderText(bw, rep, cmp, opts)
	case "json":
		err = renderJSON(bw, rep, cmp)
	case "markdown", "md":
		err = renderMarkdown(bw, rep, cmp, opts)
	case "html":
		err = renderHTML(bw, rep, cmp, opts)
	case "csv":
		err = renderCSV(bw, rep, cmp, opts.Table)
	default:
		return fmt.Errorf("%w %q (want one of %v)", ErrUnknownFormat, opts.Format, Formats())
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// RenderAll writes several reports (one per family and load balancer) in
// one output: HTML as one page showing each report in turn; JSON as one
// compact object per line; CSV as one table with one header, two columns
// saying which report each row is of (see renderCSVAll); the other formats
// one after the other, a blank line apart. Text, markdown and HTML open with a line saying how many
// reports there are and which one most 5xx are in. One report is rendered
// as Render does.
func RenderAll(w io.Writer, reps []*analysis.Report, opts Options) error {
	switch {
	case len(reps) == 0:
		return errors.New("render report: no report")
	case len(reps) == 1:
		return Render(w, reps[0], opts.of(0))
	case opts.Format == "html":
		bw := bufio.NewWriterSize(w, 64<<10)
		if err := renderHTMLAll(bw, reps, opts); err != nil {
			return err
		}
		return bw.Flush()
	case opts.Format == "csv":
		bw := bufio.NewWriterSize(w, 64<<10)
		if err := renderCSVAll(bw, reps, opts); err != nil {
			return err
		}
		return bw.Flush()
	}
	switch opts.Format {
	case "", "text":
		if _, err := io.WriteString(w, Sanitize("Overview: "+overview(reps))+"\n\n"); err != nil {
			return err
		}
	case "markdown", "md":
		if _, err := io.WriteString(w, "> **Overview:** "+mdText(overview(reps))+"\n\n"); err != nil {
			return err
		}
	}
	for i, rep := range reps {
		if opts.Format == "json" {
			var buf, line bytes.Buffer
			if err := Render(&buf, rep, opts.of(i)); err != nil {
				return err
			}
			if err := json.Compact(&line, buf.Bytes()); err != nil {
				return fmt.Errorf("compact %s report: %w", rep.Format, err)
			}
			line.WriteByte('\n')
			if _, err := w.Write(line.Bytes()); err != nil {
				return err
			}
			continue
		}
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if err := Render(w, rep, opts.of(i)); err != nil {
			return err
		}
	}
	return nil
}
