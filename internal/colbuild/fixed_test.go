package colbuild

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// batch parses a batch written as space-separated values, "-" for null.
func batch(s string) []string { return strings.Fields(s) }

// checkFixed builds batches (values as parsed by parse, "-" for null) with
// one Fixed builder and compares every array with one built by Arrow's own
// builder. The arrays are compared once all are built, so a builder that
// wrote into the buffers of an array it had handed over would show.
func checkFixed[T Value](t *testing.T, dtype arrow.DataType, parse func(string) (T, error), batches ...[]string) {
	t.Helper()
	mem := newMem(t)
	b := NewFixed[T](mem, dtype)
	defer b.Release()
	var got []arrow.Array
	for _, vals := range batches {
		// One row first, then the rest: the second Reserve reallocates.
		if len(vals) > 0 {
			b.Reserve(1)
		}
		for i, v := range vals {
			if i == 1 {
				b.Reserve(len(vals) - 1)
			}
			if v == "-" {
				b.AppendNull()
				continue
			}
			x, err := parse(v)
			if err != nil {
				t.Fatalf("bad test value %q: %s", v, err)
			}
			b.Append(x)
		}
		if b.Len() != len(vals) {
			t.Fatalf("Len() = %d, want %d", b.Len(), len(vals))
		}
		got = append(got, b.NewArray())
		if b.Len() != 0 {
			t.Fatalf("Len() after NewArray = %d, want 0", b.Len())
		}
	}
	for i, vals := range batches {
		want := expected(t, dtype, vals)
		checkArray(t, got[i], want)
		// A null slot holds a zero.
		raw := arrow.GetData[T](got[i].Data().Buffers()[1].Bytes())
		for j, v := range vals {
			if v == "-" && raw[j] != 0 {
				t.Errorf("batch %d: value under null %d = %v, want 0", i, j, raw[j])
			}
		}
		want.Release()
		got[i].Release()
	}
}

// expected builds vals with Arrow's own builder.
func expected(t *testing.T, dtype arrow.DataType, vals []string) arrow.Array {
	t.Helper()
	eb := array.NewBuilder(memory.DefaultAllocator, dtype)
	defer eb.Release()
	for _, v := range vals {
		if v == "-" {
			eb.AppendNull()
			continue
		}
		if ts, ok := eb.(*array.TimestampBuilder); ok {
			// AppendValueFromString wants a date; the tests write µs.
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			ts.Append(arrow.Timestamp(n))
			continue
		}
		if err := eb.AppendValueFromString(v); err != nil {
			t.Fatal(err)
		}
	}
	return eb.NewArray()
}

// checkArray compares got with want: type, length, nulls and values, and
// checks the validity bitmap: none without nulls, and no bit set past the
// last row.
func checkArray(t *testing.T, got, want arrow.Array) {
	t.Helper()
	if fmt.Sprintf("%T", got) != fmt.Sprintf("%T", want) || !arrow.TypeEqual(got.DataType(), want.DataType()) {
		t.Fatalf("array %T of %s, want %T of %s", got, got.DataType(), want, want.DataType())
	}
	if got.Len() != want.Len() || got.NullN() != want.NullN() {
		t.Fatalf("%d rows, %d nulls; want %d, %d", got.Len(), got.NullN(), want.Len(), want.NullN())
	}
	if !array.Equal(got, want) {
		t.Fatalf("array %s, want %s", got, want)
	}
	bm := got.Data().Buffers()[0]
	if got.NullN() == 0 {
		if bm != nil {
			t.Fatalf("a validity bitmap without nulls")
		}
		return
	}
	bits := bm.Bytes()
	if len(bits) != (got.Len()+7)/8 {
		t.Fatalf("bitmap of %d bytes for %d rows", len(bits), got.Len())
	}
	for i := got.Len(); i < 8*len(bits); i++ {
		if bitutil.BitIsSet(bits, i) {
			t.Fatalf("bitmap bit %d set past the %d rows", i, got.Len())
		}
	}
}

func parseInt64(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }

func TestFixedInt64(t *testing.T) {
	f := func(batches ...[]string) {
		t.Helper()
		checkFixed(t, arrow.PrimitiveTypes.Int64, parseInt64, batches...)
	}
	f(batch("1 2 3"))
	f(batch("1 - 3"))
	f(batch("- - -"))
	f(batch("-"))
	f(batch("9223372036854775807 -9223372036854775808 0"))
	f(batch("")) // empty batch
	f(batch(""), batch("4 5"), batch(""))
	// Across bitmap bytes: nulls at the edges of the first three bytes.
	f(batch("- 1 2 3 4 5 6 - - 9 10 11 12 13 14 15 - 17"))
	// Several batches from one builder: nulls, then none (the bitmap is
	// kept), then nulls again (in the kept bitmap), then many rows.
	f(batch("1 - 3"), batch("4 5 6 7 8 9 10 11 12"), batch("- 14"), batch("15 16"),
		batch(strings.Repeat("1 - 2 3 ", 300)))
}

func TestFixedTypes(t *testing.T) {
	checkFixed(t, arrow.FixedWidthTypes.Timestamp_us, parseInt64,
		batch("1763632800000000 - 1763632800937000"), batch("0 1"))
	checkFixed(t, arrow.PrimitiveTypes.Uint16,
		func(s string) (uint16, error) { v, err := strconv.ParseUint(s, 10, 16); return uint16(v), err },
		batch("80 - 65535 0"), batch("443"))
	checkFixed(t, arrow.PrimitiveTypes.Int32,
		func(s string) (int32, error) { v, err := strconv.ParseInt(s, 10, 32); return int32(v), err },
		batch("-1 2147483647 -"), batch("- -"))
	checkFixed(t, arrow.PrimitiveTypes.Float64,
		func(s string) (float64, error) { return strconv.ParseFloat(s, 64) },
		batch("0.001 - 1.5 -0.25"), batch("3"))
}

func TestNewFixedWidthMismatch(t *testing.T) {
	f := func(build func()) {
		t.Helper()
		defer func() {
			t.Helper()
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		build()
	}
	f(func() { NewFixed[int32](memory.DefaultAllocator, arrow.PrimitiveTypes.Int64) })
	f(func() { NewFixed[int64](memory.DefaultAllocator, arrow.BinaryTypes.String) })
	f(func() { NewFixed[uint8](memory.DefaultAllocator, arrow.FixedWidthTypes.Boolean) })
}

// TestFixedRelease checks that Release frees an unfinished batch and the
// bitmap a batch without nulls kept, and that arrays outlive their builder.
func TestFixedRelease(t *testing.T) {
	f := func(finished, unfinished []string) {
		t.Helper()
		mem := newMem(t)
		b := NewFixed[int64](mem, arrow.PrimitiveTypes.Int64)
		b.Reserve(len(finished))
		for _, v := range finished {
			if v == "-" {
				b.AppendNull()
			} else {
				x, _ := parseInt64(v)
				b.Append(x)
			}
		}
		arr := b.NewArray()
		b.Reserve(len(unfinished) + 1)
		for range unfinished {
			b.AppendNull()
		}
		b.Release()
		b.Release() // twice is harmless
		want := expected(t, arrow.PrimitiveTypes.Int64, finished)
		defer want.Release()
		checkArray(t, arr, want)
		arr.Release()
	}
	f(batch("1 2"), nil)
	f(batch("1 -"), batch("- -"))
	f(nil, batch("-"))
	f(nil, nil)
}

// TestAppendUnreserved checks that an append without room panics instead
// of writing past a buffer.
func TestAppendUnreserved(t *testing.T) {
	f := func(appendOne func(mem memory.Allocator)) {
		t.Helper()
		mem := newMem(t)
		defer func() {
			t.Helper()
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		appendOne(mem)
	}
	f(func(mem memory.Allocator) { NewFixed[int64](mem, arrow.PrimitiveTypes.Int64).Append(1) })
	f(func(mem memory.Allocator) { NewFixed[int64](mem, arrow.PrimitiveTypes.Int64).AppendNull() })
	f(func(mem memory.Allocator) { NewString(mem).AppendNull() })
	f(func(mem memory.Allocator) {
		b := NewString(mem)
		b.ReserveData(10)
		defer b.Release()
		b.Append([]byte("x"))
	})
}
