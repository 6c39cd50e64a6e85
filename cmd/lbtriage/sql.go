package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/parser/lake"
)

const sqlSynopsis = "--dialect athena|trino|spark|clickhouse|duckdb [--location URL] [--family F]"

// runSQL implements "lbtriage sql": it prints, for the Parquet lake that
// export writes, each family's table in one SQL dialect, then the report's
// core queries: 5xx by cause (from the exported cause, and from the
// family's rules as one CASE), the targets, the timeline.
func runSQL(_ context.Context, m *Main, args []string) int {
	fs := newFlagSet("sql")
	dialect := fs.String("dialect", "", "SQL dialect: "+strings.Join(dialects(), ", "))
	location := fs.String("location", "", "the lake's root, as given to export --out: s3://bucket/prefix, or a directory for duckdb and clickhouse (default "+lake.PlaceholderLocation+", to replace)")
	family := fs.String("family", "", "print only this family's table: "+formatNames())
	if code, ok := m.parseFlags(fs, args, sqlSynopsis); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return m.usageErr("sql", "takes no input, only flags (it prints SQL for the lake that export writes)")
	}
	d := lake.Dialect(strings.ToLower(*dialect))
	if !slices.Contains(lake.Dialects(), d) {
		return m.usageErr("sql", "--dialect takes %s, not %q", oneOf(dialects()), *dialect)
	}
	tables, err := lakeTables(*family)
	if err != nil {
		return m.usageErr("sql", "%v", err)
	}
	loc := *location
	if loc == "" {
		loc = lake.PlaceholderLocation
	}
	if *family == "" && isLocalLake(loc) {
		// A script over a folder holds the families exported there: an
		// engine fails a view over a family's folder that is not there.
		if tables, err = presentTables(loc, tables); err != nil {
			return m.usageErr("sql", "%v", err)
		}
	}
	stmts, err := sqlScript(d, loc, tables)
	if err != nil {
		return m.usageErr("sql", "%v", err)
	}
	fmt.Fprintf(m.Stdout, "-- lbtriage sql --dialect %s: the tables of the Parquet lake that\n", d)
	fmt.Fprintf(m.Stdout, "-- lbtriage export writes (schema version %d), then the report's queries.", lake.SchemaVersion)
	if *location == "" {
		fmt.Fprintf(m.Stdout, " Replace %s with the lake's root.", lake.PlaceholderLocation)
	}
	fmt.Fprint(m.Stdout, "\n\n")
	if err := lake.WriteScript(m.Stdout, stmts); err != nil {
		return exitPartial
	}
	return exitOK
}

// sqlScript returns the statements lbtriage sql prints.
func sqlScript(d lake.Dialect, location string, tables []lake.Table) ([]lake.Statement, error) {
	stmts := lake.Preamble(d, location)
	for _, t := range tables {
		s, err := lake.CreateTable(d, location, t)
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, s...)
	}
	for _, t := range tables {
		stmts = append(stmts, lake.Queries(d, t)...)
	}
	return stmts, nil
}

// isLocalLake reports whether location is a local folder rather than a URL
// or the placeholder.
func isLocalLake(location string) bool {
	return location != lake.PlaceholderLocation && !strings.Contains(location, "://")
}

// presentTables keeps the tables whose family has a folder under the local
// lake root; it is an error when none has.
func presentTables(root string, tables []lake.Table) ([]lake.Table, error) {
	var out []lake.Table
	var names []string
	for _, t := range tables {
		names = append(names, string(t.Format)+"/")
		if info, err := os.Stat(filepath.Join(root, string(t.Format))); err == nil && info.IsDir() {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--location %s holds no family's folder (%s): give the folder lbtriage export --out wrote", root, strings.Join(names, ", "))
	}
	return out, nil
}

// lakeTables returns the lake's table of every family, or of the one named.
func lakeTables(family string) ([]lake.Table, error) {
	var out []lake.Table
	for _, dec := range decoders() {
		if family != "" && string(dec.Format()) != strings.ToLower(family) {
			continue
		}
		s, err := lake.Schema(dec.Format(), dec.Schema())
		if err != nil {
			return nil, err
		}
		t := lake.Table{Format: dec.Format(), Schema: s}
		if r, ok := families.Family(dec.Format()).(analysis.Ruled); ok {
			t.Rules = r.Rules()
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--family takes %s, not %q", oneOf(formats()), family)
	}
	return out, nil
}

// dialects lists the SQL dialects by name.
func dialects() []string {
	var s []string
	for _, d := range lake.Dialects() {
		s = append(s, string(d))
	}
	return s
}
