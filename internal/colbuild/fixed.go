package colbuild

import (
	"fmt"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Value is a Go type whose values an Arrow fixed-width column stores as
// they are in memory.
type Value interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// Fixed builds a column of a fixed-width Arrow type whose values are Ts:
// an int64 column, or a timestamp column built from int64s. It writes the
// values straight into an allocator buffer; Append does no capacity check
// and relies on the caller having reserved every row (Reserve), which
// makes it a single store small enough to inline in the caller's loop. An
// append past the rows reserved panics on Go's bounds check; it never
// grows the buffer.
type Fixed[T Value] struct {
	dtype arrow.DataType
	mem   memory.Allocator
	buf   *memory.Buffer // nil until the batch's first Reserve
	vals  []T            // buf's bytes as Ts: len is the reserved rows
	n     int
	validity
}

// NewFixed returns a builder of dtype columns on mem. It panics when
// dtype's width is not that of T, since the values would be misread.
func NewFixed[T Value](mem memory.Allocator, dtype arrow.DataType) *Fixed[T] {
	fw, ok := dtype.(arrow.FixedWidthDataType)
	if var0 := T(0); !ok || fw.BitWidth() != 8*int(unsafe.Sizeof(var0)) {
		panic(fmt.Sprintf("colbuild: %s is not a %d-byte fixed-width type", dtype, unsafe.Sizeof(var0)))
	}
	return &Fixed[T]{dtype: dtype, mem: mem, validity: validity{mem: mem}}
}

// Reserve makes room for rows more values; the appends of the batch must
// not go past the rows reserved. The room grows by a reallocation that
// keeps the values so far, so a caller may reserve a few rows first and
// the rest of the batch later.
func (b *Fixed[T]) Reserve(rows int) {
	need := b.n + rows
	if need <= len(b.vals) {
		return
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	if b.buf == nil {
		b.buf = memory.NewResizableBuffer(b.mem)
	}
	b.buf.Reserve(need * size)
	raw := b.buf.Buf()
	b.vals = unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(raw))), len(raw)/size)
	b.reserve(len(b.vals))
}

// Append appends v. The row must have been reserved.
func (b *Fixed[T]) Append(v T) {
	b.vals[b.n] = v
	b.n++
}

// AppendNull appends a null. Its slot holds a zero, so that a batch's
// buffers are the same whatever the memory held before. The row must have
// been reserved.
func (b *Fixed[T]) AppendNull() {
	b.vals[b.n] = 0
	b.setNull(b.n)
	b.n++
}

// Len returns the number of values appended to the current batch.
func (b *Fixed[T]) Len() int { return b.n }

// NewArray returns the batch's values as an array and empties the builder.
// The array owns the buffers, which go back to the allocator when it is
// released; the builder allocates new ones at the next Reserve.
func (b *Fixed[T]) NewArray() arrow.Array {
	n := b.n
	valid, nulls := b.finish(n)
	vals := emptyBuffer
	if n > 0 {
		var zero T
		b.buf.ResizeNoShrink(n * int(unsafe.Sizeof(zero)))
		vals = b.buf
		b.buf, b.vals = nil, nil
	}
	b.n = 0
	return newArray(b.dtype, n, nulls, valid, vals)
}

// Release frees the buffers the builder holds: those of a batch not
// finished by NewArray, and the validity bitmap a batch without nulls kept.
// Call it when done with the builder; it stays usable.
func (b *Fixed[T]) Release() {
	if b.buf != nil {
		b.buf.Release()
	}
	b.buf, b.vals, b.n = nil, nil, 0
	b.release()
}

// emptyBuffer is the values buffer of an empty array. It has no allocator,
// so arrays may share it: retaining and releasing it does nothing.
var emptyBuffer = memory.NewBufferBytes(nil)

// newArray wraps buffers (nil ones allowed) into an array of dtype with n
// rows and takes over the caller's reference to each.
func newArray(dtype arrow.DataType, n, nulls int, bufs ...*memory.Buffer) arrow.Array {
	data := array.NewData(dtype, n, bufs, nil, nulls, 0)
	for _, buf := range bufs {
		if buf != nil {
			buf.Release()
		}
	}
	arr := array.MakeFromData(data)
	data.Release()
	return arr
}
