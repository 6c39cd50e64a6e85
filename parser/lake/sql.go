package lake

import (
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

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
