package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/enginetest"
	"github.com/lbtriage/lbtriage/parser/lake"
)

var updateSQL = flag.Bool("update-sql", false, "rewrite the golden files in testdata/sql")

func TestSQL_Usage(t *testing.T) {
	f := func(want string, args ...string) {
		t.Helper()
		code, out, errOut := run(t, args...)
		if code != exitUsage || out != "" {
			t.Fatalf("%v: exit %d, stdout %q, want %d and nothing", args, code, out, exitUsage)
		}
		oneLine(t, errOut, want)
	}
	f("--dialect takes athena, trino, spark, clickhouse or duckdb", "sql")
	f(`not "mysql"`, "sql", "--dialect", "mysql")
	f(`--family takes alb, alb_health, cloudfront, clb, nlb or alb_conn, not "nosuch"`, "sql", "--dialect", "athena", "--family", "nosuch")
	f("takes no input", "sql", "--dialect", "athena", "x.log")
	empty := t.TempDir()
	f("--location "+empty+" holds no family's folder (alb/, alb_health/, cloudfront/, clb/, nlb/, alb_conn/)", "sql", "--dialect", "duckdb", "--location", empty)
}

// The README's walk-through, demo --write, export, sql --dialect duckdb,
// runs for every sample: the script over a local lake has the views of the
// families exported there only (an engine fails a view over a folder that
// is not there), and runs whole on DuckDB and chDB.
func TestSQL_WalkThrough(t *testing.T) {
	enginetest.Require(t)
	var jobs []enginetest.Job
	samples := []string{"alb", "cloudfront", "clb", "alb_health", "nlb", "alb_conn"}
	for _, sample := range samples {
		logs, lakeDir := t.TempDir(), t.TempDir()
		if code, out, errOut := run(t, "demo", "--write", logs, sample); code != exitOK {
			t.Fatalf("demo --write %s: exit %d\n%s%s", sample, code, out, errOut)
		}
		if code, out, errOut := run(t, "export", logs, "--out", lakeDir); code != exitOK {
			t.Fatalf("export of demo %s: exit %d\n%s%s", sample, code, out, errOut)
		}
		for _, d := range []string{enginetest.DuckDB, enginetest.ClickHouse} {
			script := sqlOf(t, "--dialect", d, "--location", lakeDir)
			if !strings.Contains(script, "lbtriage_"+sample) {
				t.Errorf("demo %s: the %s script has no view of its family", sample, d)
			}
			jobs = append(jobs, enginetest.Job{Engine: d, SQL: script})
		}
	}
	results := enginetest.Run(t, jobs...)
	for i, res := range results {
		if res.Error != "" {
			t.Errorf("demo %s on %s: %s", samples[i/2], jobs[i].Engine, res.Error)
		}
	}
	// The README quotes the ALB sample's first query.
	for _, st := range results[0].Statements {
		if strings.Contains(st.SQL, "5xx by domain and cause, as lbtriage classified") {
			if got := fmt.Sprint(st.Strings()); got != "[[target target.connection_error 400] [target target.http_5xx 24] [client client.bad_request 7]]" {
				t.Errorf("the ALB sample's 5xx by cause on DuckDB: %s, not what the README says", got)
			}
		}
	}
}

// sqlOf runs lbtriage sql and returns what it printed.
func sqlOf(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := run(t, append([]string{"sql"}, args...)...)
	if code != exitOK || errOut != "" {
		t.Fatalf("sql %v: exit %d, stderr %q", args, code, errOut)
	}
	return out
}

// TestSQL_Golden holds the printed SQL of every dialect and family in
// testdata/sql; go test -run TestSQL_Golden -update-sql rewrites them.
func TestSQL_Golden(t *testing.T) {
	for _, d := range lake.Dialects() {
		for _, dec := range decoders() {
			name := string(d) + "-" + string(dec.Format()) + ".sql"
			t.Run(name, func(t *testing.T) {
				got := sqlOf(t, "--dialect", string(d), "--family", string(dec.Format()))
				path := filepath.Join("testdata", "sql", name)
				if *updateSQL {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./cmd/lbtriage -run TestSQL_Golden -update-sql)", err)
				}
				if got != string(want) {
					t.Errorf("sql --dialect %s --family %s differs from %s (go test ./cmd/lbtriage -run TestSQL_Golden -update-sql rewrites it):\n%s",
						d, dec.Format(), path, got)
				}
			})
		}
	}
	// Every family at once is the families' scripts in a row, under one
	// header and preamble.
	all := sqlOf(t, "--dialect", "clickhouse")
	if strings.Count(all, "SET use_hive_partitioning") != 1 || !strings.Contains(all, "lbtriage_alb") || !strings.Contains(all, "lbtriage_cloudfront") {
		t.Errorf("sql without --family:\n%s", all)
	}
}

// grammarJobs returns the jobs that check the statements of dialect d's
// script with the grammar of each: Athena's DDL is Hive's, its queries
// Trino's.
func grammarJobs(t *testing.T, d lake.Dialect, location string) []enginetest.Job {
	t.Helper()
	tables, err := lakeTables("")
	if err != nil {
		t.Fatal(err)
	}
	stmts, err := sqlScript(d, location, tables)
	if err != nil {
		t.Fatal(err)
	}
	var jobs []enginetest.Job
	for _, s := range stmts {
		engine := map[lake.Dialect]string{lake.Trino: enginetest.Trino, lake.Spark: enginetest.Spark}[d]
		if d == lake.Athena {
			engine = enginetest.Trino
			if s.Kind == lake.DDL {
				engine = enginetest.Hive
			}
		}
		jobs = append(jobs, enginetest.Job{Engine: engine, SQL: s.SQL})
	}
	return jobs
}

// TestSQL_Grammar checks the Athena, Trino and Spark scripts, which no
// engine here can run, with those engines' grammars (dt-sql-parser).
func TestSQL_Grammar(t *testing.T) {
	enginetest.Require(t)
	var jobs []enginetest.Job
	for _, d := range []lake.Dialect{lake.Athena, lake.Trino, lake.Spark} {
		jobs = append(jobs, grammarJobs(t, d, "s3://my-logs/lake")...)
	}
	for i, r := range enginetest.Run(t, jobs...) {
		if r.Error != "" {
			t.Errorf("%s grammar rejects:\n%s\n%s", jobs[i].Engine, jobs[i].SQL, r.Error)
		}
	}
	// The checker does reject what is wrong.
	bad := enginetest.Run(t,
		enginetest.Job{Engine: enginetest.Hive, SQL: "CREATE EXTERNAL TABLE t (`time` timestamp) PARTITIONED BY"},
		enginetest.Job{Engine: enginetest.Trino, SQL: "SELECT FROM WHERE"},
		enginetest.Job{Engine: enginetest.Spark, SQL: "CREATE TABLE t (x INT) USING"})
	for i, r := range bad {
		if r.Error == "" {
			t.Errorf("job %d: the grammar accepted broken SQL", i)
		}
	}
}
