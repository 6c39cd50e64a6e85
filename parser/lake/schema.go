package lake

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/parser"
)

// Columns derived from a source object's name, the same for every family:
// the same value on every row of a file, NULL when the name does not tell.
const (
	// ColResource is what wrote the object: a load balancer as its logs
	// write it ("app/my-lb/50dc6c495c0c9188"), a CloudFront distribution
	// ("E2QWRUHAPOMQZL").
	ColResource = "resource"
	// ColNodeIP is the IP address of the load balancer node that wrote the
	// object.
	ColNodeIP = "node_ip"
	// ColAccountID and ColRegion come from the AWS key layout.
	ColAccountID = "account_id"
	ColRegion    = "region"
)

// NameColumn is a column whose value comes from the source object's name.
type NameColumn struct {
	Name  string
	Value func(parser.Source) string
}

var nameColumns = []NameColumn{
	{ColResource, func(s parser.Source) string { return s.Resource }},
	{ColNodeIP, func(s parser.Source) string { return s.NodeIP }},
	{ColAccountID, func(s parser.Source) string { return s.Account }},
	{ColRegion, func(s parser.Source) string { return s.Region }},
}

// NameColumns returns the columns derived from the objects' names, which
// follow the family's own columns in every family's files. A family whose
// lines carry one of them (the health-check and connection logs write the
// node's IP in node_ip) keeps its own column in its place, whose NULLs the
// lake fills from the name (AddedNameColumns).
func NameColumns() []NameColumn { return nameColumns }

// AddedNameColumns returns the name columns the lake adds after the
// columns of a family of schema s: those s has no column of.
func AddedNameColumns(s *arrow.Schema) []NameColumn {
	var out []NameColumn
	for _, c := range nameColumns {
		if !s.HasField(c.Name) {
			out = append(out, c)
		}
	}
	return out
}

// Columns lbtriage derives of each row, in every family's files after the
// family's own columns: NULL where the family derives nothing.
const (
	// ColCause is the row's cause code ("target.connection_error"), NULL
	// for a row that is no 5xx.
	ColCause = "cause"
	// ColDomain is the cause's domain ("target"), NULL with the cause.
	ColDomain = "domain"
	// ColDuration is the request's duration in seconds as the family sees
	// it, so that queries need no timestamp arithmetic.
	ColDuration = "duration"
	// ColSubnet is the subnet of the target that served the row (a /24, or
	// a /64 for IPv6), NULL when none did.
	ColSubnet = "subnet"
)

// DerivedFields are the derived columns, in order.
var DerivedFields = []arrow.Field{
	{Name: ColCause, Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: ColDomain, Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: ColDuration, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: ColSubnet, Type: arrow.BinaryTypes.String, Nullable: true},
}

// Deriver computes the derived columns of a family's batches. It is not
// safe for concurrent use: each ObjectWriter gets its own.
type Deriver interface {
	// Derive returns the columns of DerivedFields for the rows of rec, a
	// batch of the family's decoder; the caller releases them.
	Derive(rec arrow.RecordBatch, mem memory.Allocator) ([]arrow.Array, error)
}

// Type returns the type a column of type t has in the lake, the one every
// engine reads alike: unsigned integers become the next wider signed type
// (a port or status code is an INT32, never a UINT_16 that Hive and
// Athena's older readers reject), every timestamp becomes microseconds in
// UTC, stored as INT64 (never INT96), and every duration becomes seconds
// as a DOUBLE, as the derived duration and the ALB access log's processing
// times are (Parquet has no duration an engine reads, and a count of
// milli- or nanoseconds would not say its unit). Other supported types
// are kept.
func Type(t arrow.DataType) (arrow.DataType, error) {
	switch t.ID() {
	case arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.FLOAT32, arrow.FLOAT64, arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.DATE32:
		return t, nil
	case arrow.UINT8, arrow.UINT16:
		return arrow.PrimitiveTypes.Int32, nil
	case arrow.UINT32:
		return arrow.PrimitiveTypes.Int64, nil
	case arrow.TIMESTAMP:
		return arrow.FixedWidthTypes.Timestamp_us, nil
	case arrow.DURATION:
		return arrow.PrimitiveTypes.Float64, nil
	}
	return nil, fmt.Errorf("no lake type for %s", t)
}

// Schema returns the lake schema of family f whose decoder's schema is s:
// s's columns in order with their lake types (Type), then the derived
// columns (DerivedFields), then the columns derived from the object's name
// that s lacks (AddedNameColumns; a column of s named as one must be a
// string). It holds no metadata.
func Schema(f parser.Format, s *arrow.Schema) (*arrow.Schema, error) {
	fields := make([]arrow.Field, 0, s.NumFields()+4)
	seen := map[string]bool{}
	for _, fd := range s.Fields() {
		t, err := Type(fd.Type)
		if err != nil {
			return nil, fmt.Errorf("column %q of the %s schema: %w", fd.Name, f, err)
		}
		fields = append(fields, arrow.Field{Name: fd.Name, Type: t, Nullable: fd.Nullable})
		seen[fd.Name] = true
	}
	for _, c := range NameColumns() {
		if i := s.FieldIndices(c.Name); len(i) > 0 && s.Field(i[0]).Type.ID() != arrow.STRING {
			return nil, fmt.Errorf("column %q of the %s schema is a %s, not the string the object's name gives", c.Name, f, s.Field(i[0]).Type)
		}
	}
	extra := slices.Clone(DerivedFields)
	for _, c := range AddedNameColumns(s) {
		extra = append(extra, arrow.Field{Name: c.Name, Type: arrow.BinaryTypes.String, Nullable: true})
	}
	for _, fd := range extra {
		if seen[fd.Name] {
			return nil, fmt.Errorf("the %s schema already has a column %q", f, fd.Name)
		}
		fields = append(fields, fd)
	}
	return arrow.NewSchema(fields, nil), nil
}

// converter turns a decoder's batches into batches of the lake's types,
// column by column; a nil type keeps a column as it is.
type converter struct {
	to  []arrow.DataType
	ctx context.Context
}

func newConverter(in, out *arrow.Schema, mem memory.Allocator) (*converter, error) {
	c := &converter{to: make([]arrow.DataType, in.NumFields()), ctx: compute.WithAllocator(context.Background(), mem)}
	for i, f := range in.Fields() {
		if want := out.Field(i).Type; !arrow.TypeEqual(f.Type, want) {
			c.to[i] = want
		}
	}
	return c, nil
}

// columns returns rec's columns converted; the caller releases them.
func (c *converter) columns(rec arrow.RecordBatch) ([]arrow.Array, error) {
	cols := make([]arrow.Array, 0, len(c.to))
	for i, want := range c.to {
		col := rec.Column(i)
		if want == nil {
			col.Retain()
			cols = append(cols, col)
			continue
		}
		conv, err := convert(c.ctx, col, want)
		if err != nil {
			releaseAll(cols)
			return nil, fmt.Errorf("convert column %q to %s: %w", rec.ColumnName(i), want, err)
		}
		cols = append(cols, conv)
	}
	return cols, nil
}

// convert returns col as type want, with ctx's allocator: a duration to
// seconds and back (Type), anything else by a safe cast. The caller
// releases the result.
func convert(ctx context.Context, col arrow.Array, want arrow.DataType) (arrow.Array, error) {
	mem := compute.GetAllocator(ctx)
	switch {
	case col.DataType().ID() == arrow.DURATION && want.ID() == arrow.FLOAT64:
		return durationSeconds(col.(*array.Duration), mem), nil
	case col.DataType().ID() == arrow.FLOAT64 && want.ID() == arrow.DURATION:
		return secondsDuration(col.(*array.Float64), want.(*arrow.DurationType), mem)
	}
	return compute.CastArray(ctx, col, compute.SafeCastOptions(want))
}

// unitsPerSecond is how many units of u make a second.
func unitsPerSecond(u arrow.TimeUnit) float64 {
	return float64(time.Second / u.Multiplier())
}

// durationSeconds returns the durations of d in seconds.
func durationSeconds(d *array.Duration, mem memory.Allocator) arrow.Array {
	per := unitsPerSecond(d.DataType().(*arrow.DurationType).Unit)
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.Reserve(d.Len())
	for i, v := range d.DurationValues() {
		if d.IsNull(i) {
			b.UnsafeAppendBoolToBitmap(false)
			continue
		}
		b.UnsafeAppend(float64(v) / per)
	}
	return b.NewArray()
}

// secondsDuration returns the seconds of s as durations of type t, each
// the nearest count of t's unit: the durations durationSeconds wrote come
// back as they were (up to 2^51 units, 26 days of nanoseconds). A value
// that is no finite number of seconds within t's range is an error.
func secondsDuration(s *array.Float64, t *arrow.DurationType, mem memory.Allocator) (arrow.Array, error) {
	per := unitsPerSecond(t.Unit)
	b := array.NewDurationBuilder(mem, t)
	defer b.Release()
	b.Reserve(s.Len())
	for i, v := range s.Float64Values() {
		if s.IsNull(i) {
			b.UnsafeAppendBoolToBitmap(false)
			continue
		}
		n := math.Round(v * per)
		if math.IsNaN(n) || n < math.MinInt64 || n >= math.MaxInt64 {
			return nil, fmt.Errorf("%v seconds is no duration in %s", v, t.Unit)
		}
		b.UnsafeAppend(arrow.Duration(n))
	}
	return b.NewArray(), nil
}

func releaseAll(arrs []arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
}
