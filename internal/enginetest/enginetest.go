// Package enginetest runs SQL scripts on real engines for lbtriage's tests:
// DuckDB and ClickHouse (as chDB) execute them, and the Trino (Athena's
// queries), Spark SQL and Hive (Athena's DDL) grammars check them. The
// engines are npm packages pinned in tools/engines, which make test
// installs (mk/engines.mk); tools/engines/run.mjs drives them under Node.js.
//
//	res := enginetest.Run(t, enginetest.Job{Engine: enginetest.DuckDB, SQL: script})
//	rows := res[0].Last().Rows
//
// A test that needs the engines is skipped under -short, and when they are
// not installed, unless CI is set: then it fails.
package enginetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Engines.
const (
	DuckDB     = "duckdb"
	ClickHouse = "clickhouse"
	// Trino, Spark and Hive only check the grammar.
	Trino = "trino"
	Spark = "spark"
	Hive  = "hive"
)

// Job is one script for one engine.
type Job struct {
	Engine string `json:"engine"`
	SQL    string `json:"sql"`
}

// Statement is what one statement of a script returned.
type Statement struct {
	SQL     string   `json:"sql"`
	Columns []string `json:"columns"`
	// Rows hold JSON values as the engine's Node.js binding gives them:
	// DuckDB's BIGINTs and timestamps are strings, chDB's numbers are
	// numbers (Int64 are strings); use Rows' String for comparisons.
	Rows [][]any `json:"rows"`
}

// Result is what a job gave: its statements up to the first that failed,
// and that one's error (for the grammar engines, every syntax error).
type Result struct {
	Statements []Statement `json:"statements"`
	Error      string      `json:"error"`
}

// Last returns the last statement's result.
func (r Result) Last() Statement {
	if len(r.Statements) == 0 {
		return Statement{}
	}
	return r.Statements[len(r.Statements)-1]
}

// Strings returns the rows with every value formatted: integers without a
// fraction, null as "NULL".
func (s Statement) Strings() [][]string {
	out := make([][]string, len(s.Rows))
	for i, r := range s.Rows {
		out[i] = make([]string, len(r))
		for j, v := range r {
			out[i][j] = formatValue(v)
		}
	}
	return out
}

func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case float64:
		if v == float64(int64(v)) {
			return fmt.Sprintf("%d", int64(v))
		}
		return fmt.Sprintf("%g", v)
	case string:
		return v
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Dir returns the directory of tools/engines, found by walking up from the
// working directory, or "" when it is not there.
func Dir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, "tools", "engines")
		if _, err := os.Stat(filepath.Join(p, "run.mjs")); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Require skips the test under -short or when the engines are not
// installed, and fails it when they are not and CI is set. It returns the
// directory of tools/engines.
func Require(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("the SQL engines' tests are skipped under -short")
	}
	dir := Dir()
	var missing string
	switch {
	case dir == "":
		missing = "tools/engines is not found above the working directory"
	default:
		if _, err := exec.LookPath("node"); err != nil {
			missing = "node is not installed"
		}
		for _, pkg := range []string{"@duckdb/node-api", "chdb", "dt-sql-parser"} {
			if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil && missing == "" {
				missing = "the npm package " + pkg + " is not installed in tools/engines"
			}
		}
	}
	if missing != "" {
		msg := missing + ": make test installs the engines (mk/engines.mk)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + ", and CI is set")
		}
		t.Skip(msg)
	}
	return dir
}

// Run runs the jobs in one Node.js process, in order, and returns their
// results. It calls Require first; a job whose statement failed has its
// Error set, and the test decides.
func Run(t testing.TB, jobs ...Job) []Result {
	t.Helper()
	dir := Require(t)
	in, err := json.Marshal(jobs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "run.mjs")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node run.mjs: %v\n%s", err, stderr.String())
	}
	var out []Result
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("node run.mjs printed no JSON: %v\n%.500s\n%s", err, stdout.String(), stderr.String())
	}
	if len(out) != len(jobs) {
		t.Fatalf("node run.mjs returned %d results for %d jobs", len(out), len(jobs))
	}
	return out
}

// Quote returns s as a SQL string literal.
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
