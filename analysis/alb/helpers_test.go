package alb

import (
	"testing"
	"time"

	albparser "github.com/lbtriage/lbtriage/parser/alb"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/parser"
)

// albSchema mirrors the ALB decoder's triage columns.
var albSchema = arrow.NewSchema([]arrow.Field{
	{Name: albparser.ColTime, Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
	{Name: albparser.ColClientIP, Type: arrow.BinaryTypes.String},
	{Name: albparser.ColTargetIP, Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: albparser.ColTargetPort, Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
	{Name: albparser.ColRequestProcessingTime, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: albparser.ColTargetProcessingTime, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: albparser.ColResponseProcessingTime, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: albparser.ColELBStatusCode, Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
	{Name: albparser.ColTargetStatusCode, Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
	{Name: albparser.ColRequestURL, Type: arrow.BinaryTypes.String},
	{Name: albparser.ColRequestCreationTime, Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
	{Name: albparser.ColActionsExecuted, Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: albparser.ColErrorReason, Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// row is one ALB row for tests. Zero values mean "-": target "" is no
// target, tpt < 0 is -1, status 0 is "-", actions/reason "" are "-".
type row struct {
	time     time.Time
	dur      float64 // time − request_creation_time, seconds
	client   string
	target   string // ip
	port     uint16
	tpt      float64
	elb      int
	tstatus  int
	url      string
	actions  string
	reason   string
	noCreate bool // request_creation_time null
}

var t0 = time.Date(2026, 11, 21, 13, 0, 0, 0, time.UTC)

// okRow is a plain 200 forwarded to a target.
func okRow(at time.Time, target string) row {
	return row{time: at, dur: 0.02, client: "198.51.100.7", target: target, port: 8080, tpt: 0.015, elb: 200, tstatus: 200,
		url: "https://shop.example.com:443/index.html?x=1", actions: "forward"}
}

func buildBatch(t testing.TB, mem memory.Allocator, rows []row) arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(mem, albSchema)
	defer b.Release()
	f := b.Fields()
	for _, r := range rows {
		f[0].(*array.TimestampBuilder).Append(arrow.Timestamp(r.time.UnixMicro()))
		client := r.client
		if client == "" {
			client = "198.51.100.7"
		}
		f[1].(*array.StringBuilder).Append(client)
		if r.target == "" {
			f[2].AppendNull()
			f[3].AppendNull()
		} else {
			f[2].(*array.StringBuilder).Append(r.target)
			f[3].(*array.Uint16Builder).Append(r.port)
		}
		f[4].(*array.Float64Builder).Append(0.001)
		if r.tpt < 0 {
			f[5].AppendNull()
		} else {
			f[5].(*array.Float64Builder).Append(r.tpt)
		}
		f[6].(*array.Float64Builder).Append(0)
		appendStatus(f[7].(*array.Uint16Builder), r.elb)
		appendStatus(f[8].(*array.Uint16Builder), r.tstatus)
		url := r.url
		if url == "" {
			url = "https://shop.example.com:443/api/cart?id=3"
		}
		f[9].(*array.StringBuilder).Append(url)
		if r.noCreate {
			f[10].AppendNull()
		} else {
			rct := r.time.Add(-time.Duration(r.dur * float64(time.Second)))
			f[10].(*array.TimestampBuilder).Append(arrow.Timestamp(rct.UnixMicro()))
		}
		appendString(f[11].(*array.StringBuilder), r.actions)
		appendString(f[12].(*array.StringBuilder), r.reason)
	}
	return b.NewRecordBatch()
}

func appendStatus(b *array.Uint16Builder, v int) {
	if v == 0 {
		b.AppendNull()
		return
	}
	b.Append(uint16(v))
}

func appendString(b *array.StringBuilder, v string) {
	if v == "" {
		b.AppendNull()
		return
	}
	b.Append(v)
}

// aggregate runs rows through a fresh Aggregator on a checked allocator.
func aggregate(t testing.TB, opts analysis.Options, src parser.Source, rows []row) *analysis.Aggregator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	a := analysis.New(Family{}, opts)
	rec := buildBatch(t, mem, rows)
	if err := a.Consume(src, rec); err != nil {
		t.Fatalf("Consume: %v", err)
	}
	rec.Release()
	mem.AssertSize(t, 0)
	return a
}
