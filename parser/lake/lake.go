// Package lake is lbtriage's Parquet log lake: the rows of every log family
// as Parquet files that Athena, Trino, Spark, ClickHouse and DuckDB read
// fast and read the same way.
//
// Layout. One root per family, Hive-partitioned by the UTC day of each row:
//
//	ROOT/alb/day=2026-11-20/3f5e…c1.parquet
//	ROOT/cloudfront/day=2026-11-20/09ab…7d.parquet
//
// The partition column is "day" ("date" is a reserved word in Athena); it
// lives in the path only, never in the files.
//
// One file per (source object, day). A file holds the rows of one source
// object (an ALB log object, a CloudFront log object) that fall on one day,
// and its name is a hash of the source object's name (FileName). Exporting
// the same object again, on any machine, writes the same bytes under the
// same name, so re-running an export or running many exports side by side
// (one per day, prefix or account) replaces files and never duplicates a
// row. Files appear whole or not at all (a temporary name renamed, or one
// S3 PUT).
//
// Inside a file. Row groups of at most Options.RowGroupRows rows (1 Mi by
// default), fewer when the rows buffered for all the files being written
// reach Options.MemoryBytes (1 GiB), each sorted by time (stable, so that
// equal times keep the log's order); zstd; dictionary encoding; statistics and the page index on
// every column. Types are those every engine agrees on: timestamps are
// INT64 microseconds adjusted to UTC (never INT96), status codes and ports
// signed 32-bit integers (never unsigned logical types), durations
// seconds as DOUBLE, absent values NULL (never "-" or -1). After the
// family's own columns come the columns derived from the object's name:
// resource (the load balancer or the distribution), node_ip, account_id
// and region, but for those the family's lines carry, whose NULLs the name
// fills. The key-value metadata names the family
// (MetaFamily), the schema version (MetaSchemaVersion) and the source
// object (MetaSource).
package lake

import (
	"encoding/hex"
	"path/filepath"
	"strings"
	"time"

	"github.com/zeebo/xxh3"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/awskey"
	"github.com/lbtriage/lbtriage/parser/input"
)

// SchemaVersion is the version of the lake's file layout and columns. It
// changes when a column changes meaning or type; new columns at the end do
// not change it.
const SchemaVersion = 1

// Key-value metadata of every file.
const (
	// MetaFamily is the family of the rows ("alb", "cloudfront").
	MetaFamily = "lbtriage.family"
	// MetaSchemaVersion is SchemaVersion in decimal.
	MetaSchemaVersion = "lbtriage.schema_version"
	// MetaSource is the name of the source object the rows come from.
	MetaSource = "lbtriage.source"
)

// PartitionKey is the name of the Hive partition column: the one
// input.DayPartition reads back to leave out the days outside a window.
const PartitionKey = input.DayPartitionKey

// Ext is the extension of the lake's files.
const Ext = ".parquet"

// dayLayout formats a day partition's value, as input.DayPartition parses
// it.
const dayLayout = time.DateOnly

// PartitionDir returns the directory of a family's day partition relative
// to the lake's root, slash-separated: "alb/day=2026-11-20".
func PartitionDir(f parser.Format, day time.Time) string {
	return string(f) + "/" + PartitionKey + "=" + day.UTC().Format(dayLayout)
}

// FilePath returns the path of the file holding the rows of src that fall
// on day, relative to the lake's root: PartitionDir + "/" + FileName(src).
func FilePath(f parser.Format, day time.Time, src parser.Source) string {
	return PartitionDir(f, day) + "/" + FileName(src)
}

// FileName returns the name of the files of the source object src: 32
// hexadecimal digits of the XXH3-128 hash of SourceKey(src), then ".parquet".
func FileName(src parser.Source) string {
	h := xxh3.HashString128(SourceKey(src)).Bytes()
	return hex.EncodeToString(h[:]) + Ext
}

// SourceKey is what identifies a source object whatever way it is reached:
// the base name when it follows a layout a decoder claims (AWS's names are
// unique: they hold the account, region, resource, time, node and a random
// part), so that the same object read from S3 or from a local copy gets the
// same files; otherwise the name as given, made absolute for local paths.
func SourceKey(src parser.Source) string {
	name := src.Name
	if src.Format != parser.FormatUnknown {
		return awskey.BaseName(name)
	}
	if name == "-" || strings.Contains(name, "://") {
		return name
	}
	if abs, err := filepath.Abs(name); err == nil {
		return filepath.ToSlash(abs)
	}
	return name
}
