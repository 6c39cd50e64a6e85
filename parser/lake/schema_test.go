package lake

import (
	"context"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestConvert_Duration: a duration is seconds as a DOUBLE in the lake,
// and comes back from it as it was, in its own unit, nulls included.
func TestConvert_Duration(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := compute.WithAllocator(context.Background(), mem)
	f := func(unit arrow.TimeUnit, values []int64, seconds []float64) {
		t.Helper()
		dt := &arrow.DurationType{Unit: unit}
		if lt, err := Type(dt); err != nil || !arrow.TypeEqual(lt, arrow.PrimitiveTypes.Float64) {
			t.Fatalf("Type(%s) = %v, %v", dt, lt, err)
		}
		b := array.NewDurationBuilder(mem, dt)
		defer b.Release()
		for _, v := range values {
			if v == math.MinInt64 {
				b.AppendNull()
			} else {
				b.Append(arrow.Duration(v))
			}
		}
		in := b.NewArray()
		defer in.Release()
		out, err := convert(ctx, in, arrow.PrimitiveTypes.Float64)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Release()
		secs := out.(*array.Float64)
		for i, want := range seconds {
			if in.IsNull(i) != secs.IsNull(i) || !in.IsNull(i) && secs.Value(i) != want {
				t.Errorf("%s: value %d is %v seconds, want %v", dt, i, secs.Value(i), want)
			}
		}
		back, err := convert(ctx, out, dt)
		if err != nil {
			t.Fatal(err)
		}
		defer back.Release()
		if !array.Equal(back, in) {
			t.Errorf("%s: %v came back as %v", dt, in, back)
		}
	}
	null := int64(math.MinInt64)
	f(arrow.Nanosecond, []int64{1121980746, null, 0, -5, 2_000_000_000_123_456}, []float64{1.121980746, 0, 0, -5e-9, 2_000_000.000123456})
	f(arrow.Millisecond, []int64{98, 5, null, 86_400_000}, []float64{0.098, 0.005, 0, 86400})

	for _, v := range []float64{math.NaN(), math.Inf(1), 1e30} {
		fb := array.NewFloat64Builder(mem)
		fb.Append(v)
		arr := fb.NewArray()
		fb.Release()
		if got, err := convert(ctx, arr, arrow.FixedWidthTypes.Duration_ns); err == nil {
			got.Release()
			t.Errorf("%v seconds: no error", v)
		}
		arr.Release()
	}
}
