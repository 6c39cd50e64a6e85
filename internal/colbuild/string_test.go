package colbuild

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// null is how the string tests write a null.
const null = "\x00null"

// checkString builds batches with one String builder, reserving rows and
// dataHint bytes each, and compares every array, once all are built, with
// one built by Arrow's StringBuilder. The bytes appended are overwritten
// right after each append, to show they were copied.
func checkString(t *testing.T, dataHint int, batches ...[]string) {
	t.Helper()
	mem := newMem(t)
	b := NewString(mem)
	defer b.Release()
	var got []arrow.Array
	for _, vals := range batches {
		b.Reserve(len(vals))
		b.ReserveData(dataHint)
		size := 0
		for j, v := range vals {
			if v == null {
				b.AppendNull()
				continue
			}
			buf := []byte(v)
			if j%2 == 0 {
				// A window on a larger buffer, as a field of a line is:
				// Append may copy past the value, and must keep only it.
				buf = append(buf, "#garbage past the value, to be dropped#"...)[:len(v)]
			}
			b.Append(buf)
			fillGarbage(buf)
			size += len(v)
		}
		if b.Len() != len(vals) || b.DataLen() != size {
			t.Fatalf("Len(), DataLen() = %d, %d; want %d, %d", b.Len(), b.DataLen(), len(vals), size)
		}
		got = append(got, b.NewArray())
		if b.Len() != 0 || b.DataLen() != 0 {
			t.Fatalf("Len(), DataLen() after NewArray = %d, %d; want 0, 0", b.Len(), b.DataLen())
		}
	}
	for i, vals := range batches {
		eb := array.NewStringBuilder(memory.DefaultAllocator)
		size := 0
		for _, v := range vals {
			if v == null {
				eb.AppendNull()
			} else {
				eb.Append(v)
				size += len(v)
			}
		}
		want := eb.NewArray()
		eb.Release()
		checkArray(t, got[i], want)
		s := got[i].(*array.String)
		// A null repeats the offset before it; the data holds the values
		// and nothing else.
		offs := s.ValueOffsets()
		if len(vals) > 0 && len(offs) != len(vals)+1 || offs[0] != 0 {
			t.Fatalf("batch %d: offsets %v", i, offs)
		}
		for j, v := range vals {
			if v == null && offs[j+1] != offs[j] {
				t.Errorf("batch %d: offsets around null %d: %d, %d", i, j, offs[j], offs[j+1])
			}
		}
		if n := len(s.ValueBytes()); n != size {
			t.Errorf("batch %d: %d data bytes, want %d", i, n, size)
		}
		want.Release()
		got[i].Release()
	}
}

func TestString(t *testing.T) {
	f := func(dataHint int, batches ...[]string) {
		t.Helper()
		checkString(t, dataHint, batches...)
	}
	f(64, []string{"a", "bc", "def"})
	f(64, []string{"a", null, "def"})
	f(64, []string{null, null})
	f(64, []string{"", "", null, ""})
	f(0, []string{""})
	f(0, []string{null})
	f(64, nil) // empty batch
	f(64, nil, []string{"x"}, nil)
	// Across bitmap bytes.
	f(64, []string{null, "1", "2", "3", "4", "5", "6", null, null, "9", "10", "11", "12", "13", "14", "15", null, "17"})
	// Several batches from one builder: nulls, then none (the bitmap is
	// kept), then nulls again.
	f(8, []string{"GET", null, "POST"}, []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}, []string{null, "j"}, []string{"k"})
}

// TestStringDataGrowth appends past the bytes reserved, from nothing and
// from a small reservation, in values smaller and larger than the buffer,
// so the data buffer is reallocated several times within a batch.
func TestStringDataGrowth(t *testing.T) {
	f := func(dataHint int, batches ...[]string) {
		t.Helper()
		checkString(t, dataHint, batches...)
	}
	many := func(n, size int) []string {
		vals := make([]string, n)
		for i := range vals {
			if i%7 == 3 {
				vals[i] = null
				continue
			}
			vals[i] = strings.Repeat(string(rune('a'+i%26)), size+i%5)
		}
		return vals
	}
	f(0, many(500, 40))
	f(100, many(500, 40))
	f(0, []string{strings.Repeat("x", 10000), "y", strings.Repeat("z", 50000)})
	f(10, many(300, 30), many(10, 3), many(1000, 20))
}

// TestStringRelease checks that Release frees an unfinished batch and the
// bitmap a batch without nulls kept, and that arrays outlive their builder.
func TestStringRelease(t *testing.T) {
	f := func(finished, unfinished []string) {
		t.Helper()
		mem := newMem(t)
		b := NewString(mem)
		b.Reserve(len(finished))
		for _, v := range finished {
			if v == null {
				b.AppendNull()
			} else {
				b.Append([]byte(v))
			}
		}
		arr := b.NewArray()
		b.Reserve(len(unfinished) + 1)
		b.ReserveData(10)
		for _, v := range unfinished {
			if v == null {
				b.AppendNull()
			} else {
				b.Append([]byte(v))
			}
		}
		b.Release()
		b.Release() // twice is harmless
		eb := array.NewStringBuilder(memory.DefaultAllocator)
		defer eb.Release()
		for _, v := range finished {
			if v == null {
				eb.AppendNull()
			} else {
				eb.Append(v)
			}
		}
		want := eb.NewArray()
		defer want.Release()
		checkArray(t, arr, want)
		arr.Release()
	}
	f([]string{"a", "b"}, nil)
	f([]string{"a", null}, []string{null, strings.Repeat("long", 100)})
	f(nil, []string{"x"})
	f(nil, nil)
}
