package lake

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
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
// follow the family's own columns in every family's files.
func NameColumns() []NameColumn { return nameColumns }

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
// Athena's older readers reject), and every timestamp becomes microseconds
// in UTC, stored as INT64 (never INT96). Other supported types are kept.
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
	}
	return nil, fmt.Errorf("no lake type for %s", t)
}

// Schema returns the lake schema of family f whose decoder's schema is s:
// s's columns in order with their lake types (Type), then the derived
// columns (DerivedFields), then the columns derived from the object's name
// (NameColumns). It holds no metadata.
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
	extra := slices.Clone(DerivedFields)
	for _, c := range NameColumns() {
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
// column by column; a nil cast keeps a column as it is.
type converter struct {
	casts []*compute.CastOptions
	ctx   context.Context
}

func newConverter(in, out *arrow.Schema, mem memory.Allocator) (*converter, error) {
	c := &converter{casts: make([]*compute.CastOptions, in.NumFields()), ctx: compute.WithAllocator(context.Background(), mem)}
	for i, f := range in.Fields() {
		want := out.Field(i).Type
		if arrow.TypeEqual(f.Type, want) {
			continue
		}
		c.casts[i] = compute.SafeCastOptions(want)
	}
	return c, nil
}

// columns returns rec's columns converted; the caller releases them.
func (c *converter) columns(rec arrow.RecordBatch) ([]arrow.Array, error) {
	cols := make([]arrow.Array, 0, len(c.casts))
	for i, opts := range c.casts {
		col := rec.Column(i)
		if opts == nil {
			col.Retain()
			cols = append(cols, col)
			continue
		}
		conv, err := compute.CastArray(c.ctx, col, opts)
		if err != nil {
			releaseAll(cols)
			return nil, fmt.Errorf("convert column %q to %s: %w", rec.ColumnName(i), opts.ToType, err)
		}
		cols = append(cols, conv)
	}
	return cols, nil
}

func releaseAll(arrs []arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
}
