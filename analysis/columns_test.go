package analysis

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestBindColumns binds the columns of an empty batch of fields by the
// bindings of "time", "lb" and "status", and checks the first error, or
// which columns were bound.
func TestBindColumns(t *testing.T) {
	f := func(fields []arrow.Field, wantErr string, wantBound string) {
		t.Helper()
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		b := array.NewRecordBuilder(mem, arrow.NewSchema(fields, nil))
		defer b.Release()
		rec := b.NewRecordBatch()
		defer rec.Release()
		var (
			tm     *array.Timestamp
			lb     *array.String
			status *array.Uint16
		)
		err := BindColumns("Fake", rec, []Binding{
			TimeCol("time", &tm),
			Col("lb", &lb),
			Col("status", &status),
		})
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != wantErr {
			t.Fatalf("error %q, want %q", got, wantErr)
		}
		bound := ""
		for _, c := range []struct {
			name string
			ok   bool
		}{{"time", tm != nil}, {"lb", lb != nil}, {"status", status != nil}} {
			if c.ok {
				bound += c.name + " "
			}
		}
		if bound != wantBound {
			t.Fatalf("bound %q, want %q", bound, wantBound)
		}
	}
	us := &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	ms := &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	str, u16 := arrow.BinaryTypes.String, arrow.PrimitiveTypes.Uint16
	// Every column, in any order, and columns no binding names.
	f([]arrow.Field{{Name: "status", Type: u16}, {Name: "other", Type: u16}, {Name: "lb", Type: str}, {Name: "time", Type: us}},
		"", "time lb status ")
	// A column the batch lacks stays nil.
	f([]arrow.Field{{Name: "time", Type: us}}, "", "time ")
	f(nil, "", "")
	// The first error in schema order ends the binding.
	f([]arrow.Field{{Name: "lb", Type: str}, {Name: "status", Type: str}, {Name: "time", Type: ms}},
		`analysis: Fake column "status" has type utf8`, "lb ")
	f([]arrow.Field{{Name: "time", Type: ms}, {Name: "status", Type: str}},
		`analysis: Fake column "time" is in ms, want microseconds`, "time ")
}
