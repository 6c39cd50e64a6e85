package lake

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/rule"
	"github.com/lbtriage/lbtriage/parser"
)

// Dialect is a SQL dialect lbtriage prints the lake's tables and queries in.
type Dialect string

// Dialects.
const (
	// Athena: Hive DDL with partition projection on day (no MSCK REPAIR),
	// Trino queries (Athena engine version 3).
	Athena Dialect = "athena"
	// Trino: the Hive connector's DDL, then sync_partition_metadata.
	Trino Dialect = "trino"
	// Spark: a Parquet data source table, then MSCK REPAIR TABLE.
	Spark Dialect = "spark"
	// ClickHouse: a view over file() or s3(), for clickhouse local, chDB or
	// a server; the script runs as it is.
	ClickHouse Dialect = "clickhouse"
	// DuckDB: a view over read_parquet with Hive partitioning; the script
	// runs as it is.
	DuckDB Dialect = "duckdb"
)

// Dialects lists the dialects in the order of the help text.
func Dialects() []Dialect { return []Dialect{Athena, Trino, Spark, ClickHouse, DuckDB} }

// Kind is what a statement is, for the grammar that checks it: Athena's
// DDL is Hive's, its queries are Trino's.
type Kind int

// Statement kinds.
const (
	DDL Kind = iota
	Query
)

// Statement is one statement of a script, with the comment printed above
// it.
type Statement struct {
	Kind    Kind
	Comment string
	SQL     string
}

// Table is one family's table of the lake.
type Table struct {
	Format parser.Format
	// Schema is the lake schema (Schema), without the partition column.
	Schema *arrow.Schema
	// Rules are the family's classification rules, nil when it has none:
	// the core queries are printed from them.
	Rules *rule.Table
}

// TableName is the name of family f's table: "lbtriage_alb".
func TableName(f parser.Format) string { return "lbtriage_" + string(f) }

// PlaceholderLocation is printed when no location is given.
const PlaceholderLocation = "s3://BUCKET/PREFIX"

// TableLocation returns where family f's files are below the lake's root:
// root + "/" + f + "/".
func TableLocation(root string, f parser.Format) string {
	return strings.TrimRight(root, "/") + "/" + string(f) + "/"
}

// CreateTable returns the statements that make t a table (or a view) of
// dialect d over the lake whose root is location (an s3:// URL or, for
// DuckDB and ClickHouse, a local directory too).
func CreateTable(d Dialect, location string, t Table) ([]Statement, error) {
	loc := TableLocation(location, t.Format)
	name := TableName(t.Format)
	comment := fmt.Sprintf("The %s rows of the lake at %s, partitioned by day (UTC).", t.Format, strings.TrimRight(location, "/"))
	switch d {
	case Athena:
		return createAthena(name, loc, comment, t.Schema)
	case Trino:
		return createTrino(name, loc, comment, t.Schema)
	case Spark:
		return createSpark(name, loc, comment, t.Schema)
	case DuckDB:
		return []Statement{{Kind: DDL, Comment: comment, SQL: fmt.Sprintf(
			"CREATE OR REPLACE VIEW %s AS\nSELECT * FROM read_parquet(%s, hive_partitioning = true, union_by_name = true)",
			name, quoteString(loc+PartitionKey+"=*/*"+Ext))}}, nil
	case ClickHouse:
		fn := "file"
		if strings.HasPrefix(loc, "s3://") || strings.HasPrefix(loc, "https://") {
			fn = "s3"
		}
		return []Statement{{Kind: DDL, Comment: comment, SQL: fmt.Sprintf(
			"CREATE OR REPLACE VIEW %s AS\nSELECT * FROM %s(%s, 'Parquet')",
			name, fn, quoteString(loc+PartitionKey+"=*/*"+Ext))}}, nil
	}
	return nil, fmt.Errorf("unknown SQL dialect %q", d)
}

// Preamble returns what a script of dialect d over the lake at location
// starts with: the settings its tables need.
func Preamble(d Dialect, location string) []Statement {
	switch {
	case d == ClickHouse:
		return []Statement{{Kind: DDL, Comment: "Read day=YYYY-MM-DD folders as the column day.", SQL: "SET use_hive_partitioning = 1"}}
	case d == DuckDB && strings.HasPrefix(location, "s3://"):
		return []Statement{{Kind: DDL,
			Comment: "Read s3:// with the AWS SDK's credential chain (DuckDB loads the httpfs and aws extensions).",
			SQL:     "CREATE OR REPLACE SECRET lbtriage_s3 (TYPE s3, PROVIDER credential_chain)"}}
	}
	return nil
}

func createAthena(name, loc, comment string, s *arrow.Schema) ([]Statement, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE EXTERNAL TABLE IF NOT EXISTS %s (\n", name)
	if err := columnList(&b, Athena, s); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, ")\nPARTITIONED BY (`%s` string)\nSTORED AS PARQUET\nLOCATION %s\nTBLPROPERTIES (\n", PartitionKey, quoteString(loc))
	props := [][2]string{
		{"projection.enabled", "true"},
		{"projection." + PartitionKey + ".type", "date"},
		{"projection." + PartitionKey + ".format", "yyyy-MM-dd"},
		{"projection." + PartitionKey + ".range", "2020-01-01,NOW"},
		{"projection." + PartitionKey + ".interval", "1"},
		{"projection." + PartitionKey + ".interval.unit", "DAYS"},
		{"storage.location.template", loc + PartitionKey + "=${" + PartitionKey + "}/"},
	}
	for i, p := range props {
		sep := ","
		if i == len(props)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "  %s = %s%s\n", quoteString(p[0]), quoteString(p[1]), sep)
	}
	b.WriteString(")")
	return []Statement{{Kind: DDL, Comment: comment + " Partition projection finds the days: no MSCK REPAIR; narrow projection.day.range to your data.", SQL: b.String()}}, nil
}

func createTrino(name, loc, comment string, s *arrow.Schema) ([]Statement, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s (\n", name)
	if err := columnList(&b, Trino, s, [2]string{PartitionKey, "varchar"}); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, ")\nWITH (\n  format = 'PARQUET',\n  external_location = %s,\n  partitioned_by = ARRAY['%s']\n)",
		quoteString(loc), PartitionKey)
	return []Statement{
		{Kind: DDL, Comment: comment + " In a Hive connector catalog and schema (USE hive.logs).", SQL: b.String()},
		{Kind: DDL, Comment: "Register the day partitions present, and again after each export of new days; name the table's schema.",
			SQL: fmt.Sprintf("CALL system.sync_partition_metadata(schema_name => 'default', table_name => '%s', mode => 'FULL')", name)},
	}, nil
}

func createSpark(name, loc, comment string, s *arrow.Schema) ([]Statement, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s (\n", name)
	if err := columnList(&b, Spark, s, [2]string{PartitionKey, "STRING"}); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, ")\nUSING parquet\nPARTITIONED BY (%s)\nLOCATION %s", quoteIdent(Spark, PartitionKey), quoteString(loc))
	return []Statement{
		{Kind: DDL, Comment: comment, SQL: b.String()},
		{Kind: DDL, Comment: "Register the day partitions present, and again after each export of new days.",
			SQL: "MSCK REPAIR TABLE " + name},
	}, nil
}

// columnList writes s's columns, then the extra ones (name, type), one a
// line: "  name type,".
func columnList(b *strings.Builder, d Dialect, s *arrow.Schema, extra ...[2]string) error {
	cols := make([][2]string, 0, s.NumFields()+len(extra))
	for _, f := range s.Fields() {
		t, err := sqlType(d, f.Type)
		if err != nil {
			return fmt.Errorf("column %q: %w", f.Name, err)
		}
		cols = append(cols, [2]string{f.Name, t})
	}
	cols = append(cols, extra...)
	for i, c := range cols {
		sep := ","
		if i == len(cols)-1 {
			sep = ""
		}
		fmt.Fprintf(b, "  %s %s%s\n", quoteIdent(d, c[0]), c[1], sep)
	}
	return nil
}

// sqlTypes are the column types of the lake's Arrow types in Hive DDL
// (Athena, and Spark in upper case) and in Trino. Timestamps are
// microseconds adjusted to UTC: Athena and Spark read them as timestamp,
// Trino's Hive connector at its configured precision (milliseconds unless
// hive.timestamp-precision says otherwise).
var sqlTypes = map[arrow.Type]struct{ hive, trino string }{
	arrow.STRING:       {"string", "varchar"},
	arrow.LARGE_STRING: {"string", "varchar"},
	arrow.BINARY:       {"binary", "varbinary"},
	arrow.BOOL:         {"boolean", "boolean"},
	arrow.INT8:         {"tinyint", "tinyint"},
	arrow.INT16:        {"smallint", "smallint"},
	arrow.INT32:        {"int", "integer"},
	arrow.INT64:        {"bigint", "bigint"},
	arrow.FLOAT32:      {"float", "real"},
	arrow.FLOAT64:      {"double", "double"},
	arrow.DATE32:       {"date", "date"},
	arrow.TIMESTAMP:    {"timestamp", "timestamp"},
}

// sqlType is the column type of t in a DDL of dialect d.
func sqlType(d Dialect, t arrow.DataType) (string, error) {
	st, ok := sqlTypes[t.ID()]
	switch {
	case !ok:
		return "", fmt.Errorf("no SQL type for %s", t)
	case d == Trino:
		return st.trino, nil
	case d == Spark:
		return strings.ToUpper(st.hive), nil
	}
	return st.hive, nil
}

// quoteIdent quotes a column name for dialect d: backticks for Hive
// (Athena's DDL) and Spark, double quotes for the others. Every column is
// quoted, so that time, date and the other reserved words need no list.
func quoteIdent(d Dialect, name string) string {
	switch d {
	case Athena, Spark:
		return "`" + strings.ReplaceAll(name, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// quoteString returns s as a SQL string literal.
func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// WriteScript prints statements as a script: each statement's comment as
// "--" lines, the statement, ";" and a blank line.
func WriteScript(w io.Writer, stmts []Statement) error {
	for _, s := range stmts {
		if s.Comment != "" {
			for _, line := range wrap(s.Comment, 76) {
				if _, err := fmt.Fprintf(w, "-- %s\n", line); err != nil {
					return err
				}
			}
		}
		if _, err := fmt.Fprintf(w, "%s;\n\n", s.SQL); err != nil {
			return err
		}
	}
	return nil
}

// wrap cuts text into lines of at most width characters at spaces.
func wrap(text string, width int) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > width {
				lines = append(lines, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		lines = append(lines, line)
	}
	return lines
}

// quoteQuery quotes a column name in a query of dialect d: Athena's queries
// are Trino's.
func quoteQuery(d Dialect, name string) string {
	if d == Spark {
		return quoteIdent(Spark, name)
	}
	return quoteIdent(Trino, name)
}

// CauseCase returns t as one SQL CASE over the raw columns in dialect d:
// the cause code of a row Guard picks, NULL for the others.
func CauseCase(d Dialect, t *rule.Table) string {
	var b strings.Builder
	b.WriteString("CASE\n")
	fmt.Fprintf(&b, "    WHEN NOT COALESCE(%s, FALSE) THEN NULL\n", exprSQL(d, t.Guard))
	for _, r := range t.Rules {
		fmt.Fprintf(&b, "    WHEN %s THEN %s\n", exprSQL(d, r.When), quoteString(r.Cause))
	}
	fmt.Fprintf(&b, "    ELSE %s\n  END", quoteString(t.Else))
	return b.String()
}

func termSQL(d Dialect, t rule.Term) string {
	switch t := t.(type) {
	case rule.Column:
		return quoteQuery(d, string(t))
	case rule.FallbackTerm:
		v, o := termSQL(d, t.Term), termSQL(d, t.Other)
		if len(t.Empty) == 0 {
			return "COALESCE(" + v + ", " + o + ")"
		}
		return fmt.Sprintf("CASE WHEN %s IS NULL OR %s IN (%s) THEN %s ELSE %s END", v, v, valuesSQL(stringsAny(t.Empty)), o, v)
	}
	panic(fmt.Sprintf("lake: unknown rule term %T", t))
}

func stringsAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func valueSQL(v any) string {
	switch v := v.(type) {
	case string:
		return quoteString(v)
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	panic(fmt.Sprintf("lake: unknown rule value %T", v))
}

func valuesSQL(vs []any) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = valueSQL(v)
	}
	return strings.Join(out, ", ")
}

func exprSQL(d Dialect, e rule.Expr) string {
	switch e := e.(type) {
	case rule.Compare:
		return fmt.Sprintf("%s %s %s", termSQL(d, e.Term), e.Op, valueSQL(e.Value))
	case rule.CompareTerms:
		return fmt.Sprintf("%s = %s", termSQL(d, e.A), termSQL(d, e.B))
	case rule.InList:
		return fmt.Sprintf("%s IN (%s)", termSQL(d, e.Term), valuesSQL(e.Values))
	case rule.Like:
		pat := map[rule.LikeKind]string{rule.Prefix: e.Text + "%", rule.Suffix: "%" + e.Text, rule.Contains: "%" + e.Text + "%"}[e.Kind]
		return fmt.Sprintf("%s LIKE %s", termSQL(d, e.Term), quoteString(pat))
	case rule.Null:
		if e.Not {
			return termSQL(d, e.Term) + " IS NOT NULL"
		}
		return termSQL(d, e.Term) + " IS NULL"
	case rule.Logic:
		op := " AND "
		if e.Or {
			op = " OR "
		}
		parts := make([]string, len(e.Exprs))
		for i, x := range e.Exprs {
			parts[i] = exprSQL(d, x)
		}
		return "(" + strings.Join(parts, op) + ")"
	case rule.Negation:
		return "NOT COALESCE(" + exprSQL(d, e.Expr) + ", FALSE)"
	}
	panic(fmt.Sprintf("lake: unknown rule expression %T", e))
}

// percentile returns the dialect's approximate percentile p of x.
func percentile(d Dialect, x string, p float64) string {
	ps := strconv.FormatFloat(p, 'f', -1, 64)
	switch d {
	case DuckDB:
		return "quantile_cont(" + x + ", " + ps + ")"
	case ClickHouse:
		return "quantile(" + ps + ")(" + x + ")"
	case Spark:
		return "percentile_approx(" + x + ", " + ps + ")"
	}
	return "approx_percentile(" + x + ", " + ps + ")"
}

// minuteOf returns the dialect's start of the minute of timestamp x.
func minuteOf(d Dialect, x string) string {
	switch d {
	case ClickHouse:
		return "toStartOfMinute(" + x + ")"
	case Spark:
		return "date_trunc('MINUTE', " + x + ")"
	}
	return "date_trunc('minute', " + x + ")"
}

// Queries returns the report's core queries over t's table in dialect d:
// the 5xx by cause and domain (the exported cause), the same by the
// taxonomy's CASE over the raw columns, the targets with their 5xx and
// latency percentiles (families with targets), and the timeline by minute;
// the last two count the rows that are requests (rule.Table.Requests).
// They read the whole table: add a condition on day to read fewer days.
func Queries(d Dialect, t Table) []Statement {
	if t.Rules == nil {
		return nil
	}
	q := func(name string) string { return quoteQuery(d, name) }
	name := TableName(t.Format)
	is5xx := "sum(CASE WHEN " + q(ColCause) + " IS NOT NULL THEN 1 ELSE 0 END)"
	stmts := []Statement{
		{Kind: Query, Comment: fmt.Sprintf("The %s 5xx by domain and cause, as lbtriage classified them.", t.Format),
			SQL: fmt.Sprintf("SELECT %s, %s, count(*) AS errors_5xx\nFROM %s\nWHERE %s IS NOT NULL\nGROUP BY %s, %s\nORDER BY errors_5xx DESC, %s",
				q(ColDomain), q(ColCause), name, q(ColCause), q(ColDomain), q(ColCause), q(ColCause))},
		{Kind: Query, Comment: fmt.Sprintf("The same from the raw columns: lbtriage's %s rules as one CASE, for tables without the cause column.", t.Format),
			SQL: fmt.Sprintf("SELECT cause_by_rules, count(*) AS errors_5xx\nFROM (\n  SELECT %s AS cause_by_rules\n  FROM %s\n) AS classified\nWHERE cause_by_rules IS NOT NULL\nGROUP BY cause_by_rules\nORDER BY errors_5xx DESC, cause_by_rules",
				CauseCase(d, t.Rules), name)},
	}
	// Only the rows that are requests count per target and per minute.
	requests, where := "", ""
	if r := t.Rules.Requests; r != nil {
		requests = " AND COALESCE(" + exprSQL(d, r) + ", FALSE)"
		where = "\nWHERE COALESCE(" + exprSQL(d, r) + ", FALSE)"
	}
	if r := t.Rules; r.TargetIP != "" {
		lat := q(r.Latency) + " * 1000"
		stmts = append(stmts, Statement{Kind: Query, Comment: "The targets: requests, 5xx, and processing time percentiles in milliseconds (approximate).",
			SQL: fmt.Sprintf("SELECT %s, %s, %s, count(*) AS requests, %s AS errors_5xx,\n  %s AS p50_ms, %s AS p95_ms, %s AS p99_ms\nFROM %s\nWHERE %s IS NOT NULL%s\nGROUP BY %s, %s, %s\nORDER BY errors_5xx DESC, requests DESC, %s, %s",
				q(r.TargetIP), q(r.TargetPort), q(ColSubnet), is5xx,
				percentile(d, lat, 0.5), percentile(d, lat, 0.95), percentile(d, lat, 0.99),
				name, q(r.TargetIP), requests, q(r.TargetIP), q(r.TargetPort), q(ColSubnet), q(r.TargetIP), q(r.TargetPort))})
	}
	stmts = append(stmts, Statement{Kind: Query, Comment: "The timeline: requests and 5xx by minute (UTC).",
		SQL: fmt.Sprintf("SELECT %s AS minute, count(*) AS requests, %s AS errors_5xx\nFROM %s%s\nGROUP BY %s\nORDER BY minute",
			minuteOf(d, q("time")), is5xx, name, where, minuteOf(d, q("time")))})
	return stmts
}
