package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
)

// TestRenderAll_CSV: several reports make one CSV: one header, two
// columns naming each row's report, the union of the tables' columns; a
// report without the table adds no row; formula cells stay neutralised;
// the comparison of a report compared with nothing, or a table with no row,
// is an error, not a header alone.
func TestRenderAll_CSV(t *testing.T) {
	hostile := hostileReport()
	reps := []*analysis.Report{incidentReport(), cloudfrontReport(), hostile}
	read := func(table string) [][]string {
		t.Helper()
		var b bytes.Buffer
		if err := RenderAll(&b, reps, Options{Format: "csv", Table: table}); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		r := csv.NewReader(&b) // one field count for every record, else an error
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: not one CSV table: %v\n%s", table, err, b.String())
		}
		if len(rows) < 2 {
			t.Fatalf("%s: %d rows", table, len(rows))
		}
		if rows[0][0] != "format" || rows[0][1] != "load_balancer" {
			t.Errorf("%s: header %q", table, rows[0])
		}
		for _, r := range rows[1:] {
			if r[0] == "format" {
				t.Errorf("%s: a second header %q", table, r)
			}
		}
		return rows
	}
	formats := func(rows [][]string) []string {
		var out []string
		for _, r := range rows[1:] {
			if !slices.Contains(out, r[0]) {
				out = append(out, r[0])
			}
		}
		return out
	}

	rows := read("timeline")
	for _, col := range []string{"5xx_target", "5xx_origin", "5xx_edge"} {
		if !slices.Contains(rows[0], col) {
			t.Errorf("timeline header %q lacks %s", rows[0], col)
		}
	}
	if got := formats(rows); !slices.Equal(got, []string{"alb", "cloudfront"}) {
		t.Errorf("timeline rows of %q", got)
	}
	// A table of CloudFront's part: its rows alone.
	all := reps
	reps = all[:2]
	if got := formats(read("result-types")); !slices.Equal(got, []string{"cloudfront"}) {
		t.Errorf("result-types rows of %q", got)
	}
	reps = all
	// Formula cells of the hostile report stay neutralised.
	for _, r := range read("paths") {
		for _, c := range r {
			if isFormulaStart(c) {
				t.Errorf("paths: formula cell %q", c)
			}
		}
	}

	var b bytes.Buffer
	if err := RenderAll(&b, reps, Options{Format: "csv", Table: "comparison"}); !errors.Is(err, errNoComparison) || b.Len() != 0 {
		t.Errorf("comparison with no baseline: %v, %q", err, b.String())
	}
	if err := Render(&b, reps[0], Options{Format: "csv", Table: "comparison"}); !errors.Is(err, errNoComparison) || b.Len() != 0 {
		t.Errorf("one report's comparison with no baseline: %v, %q", err, b.String())
	}
	// A table with no row (CloudFront has no targets) is an error naming
	// the tables with rows, never a header alone; among several reports,
	// those without rows add none.
	cf := cloudfrontReport()
	if err := Render(&b, cf, Options{Format: "csv", Table: "targets"}); !errors.Is(err, errEmptyTable) || !strings.Contains(err.Error(), "result-types") || b.Len() != 0 {
		t.Errorf("CloudFront targets: %v, %q", err, b.String())
	}
	if rows := read("targets"); len(formats(rows)) != 1 || formats(rows)[0] != "alb" {
		t.Errorf("targets rows of %q", formats(rows))
	}
	if err := RenderAll(&b, []*analysis.Report{cf, cloudfrontReport()}, Options{Format: "csv", Table: "targets"}); !errors.Is(err, errEmptyTable) || b.Len() != 0 {
		t.Errorf("no report with targets: %v, %q", err, b.String())
	}
	if err := RenderAll(&b, reps, Options{Format: "csv", Table: "nosuch"}); !errors.Is(err, ErrUnknownTable) || !strings.Contains(err.Error(), "result-types") {
		t.Errorf("unknown table: %v", err)
	}
}
