package colbuild

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// String builds a utf8 column (int32 offsets). It copies the bytes of
// each value into its data buffer, so the caller may reuse them at once.
// Like Fixed, it relies on the caller having reserved the rows (Reserve);
// the only check of an append is whether its bytes fit, and when they do
// not the data buffer doubles, through the allocator's Reallocate, so a
// poor ReserveData estimate costs a few copies and nothing more.
type String struct {
	mem     memory.Allocator
	offBuf  *memory.Buffer // nil until the batch's first Reserve
	offs    []int32        // offBuf's bytes: len is the reserved rows + 1
	dataBuf *memory.Buffer // nil until the first byte is reserved
	data    []byte         // the bytes written; cap is dataBuf's size
	n       int
	validity
}

// NewString returns a builder of utf8 columns on mem. The bytes appended
// are not checked to be UTF-8.
func NewString(mem memory.Allocator) *String {
	return &String{mem: mem, validity: validity{mem: mem}}
}

// Reserve makes room for rows more values; the appends of the batch must
// not go past the rows reserved. Like Fixed.Reserve, it may be called
// again in the middle of a batch.
func (b *String) Reserve(rows int) {
	need := b.n + rows + 1
	if need <= len(b.offs) {
		return
	}
	if b.offBuf == nil {
		b.offBuf = memory.NewResizableBuffer(b.mem)
	}
	b.offBuf.Reserve(need * 4)
	raw := b.offBuf.Buf()
	b.offs = unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(raw))), len(raw)/4)
	if b.n == 0 {
		b.offs[0] = 0
	}
	b.reserve(len(b.offs) - 1)
}

// ReserveData makes room for n more bytes of values, up to the 2 GiB the
// int32 offsets can address.
func (b *String) ReserveData(n int) {
	if n > cap(b.data)-len(b.data) {
		b.reserveData(min(len(b.data)+n, math.MaxInt32))
	}
}

// reserveData grows the data buffer to hold size bytes at least.
func (b *String) reserveData(size int) {
	if b.dataBuf == nil {
		b.dataBuf = memory.NewResizableBuffer(b.mem)
	}
	b.dataBuf.Reserve(size)
	// The room is the buffer's size, not the capacity of its slice: an
	// allocator may hand out a larger slice, and what lies past the size
	// is not kept by a reallocation.
	raw := b.dataBuf.Buf()
	b.data = raw[:len(b.data):len(raw)]
}

// growData makes room for n more bytes, at least doubling the buffer so
// that a batch of appends past the reservation copies its bytes a bounded
// number of times. It panics when the bytes would overflow the int32
// offsets.
func (b *String) growData(n int) {
	need := len(b.data) + n
	if need > math.MaxInt32 {
		panic(fmt.Sprintf("colbuild: %d bytes of strings overflow the int32 offsets", need))
	}
	b.reserveData(min(max(need, 2*cap(b.data), 4096), math.MaxInt32))
}

// Append appends the bytes of v as one value. The row must have been
// reserved. Unlike the other appends it is not inlined: the call that grows
// the data is beyond the inliner's budget, and an unchecked, inlined append
// measured no faster, the copy of the bytes being most of the cost.
func (b *String) Append(v []byte) {
	if len(v) > cap(b.data)-len(b.data) {
		b.growData(len(v))
	}
	end := len(b.data) + len(v)
	copy(b.data[len(b.data):end], v)
	b.data = b.data[:end]
	b.n++
	b.offs[b.n] = int32(end)
}

// AppendNull appends a null, an empty slot in the data. The row must have
// been reserved.
func (b *String) AppendNull() {
	b.offs[b.n+1] = int32(len(b.data))
	b.setNull(b.n)
	b.n++
}

// Len returns the number of values appended to the current batch.
func (b *String) Len() int { return b.n }

// DataLen returns the bytes of values appended to the current batch, a
// hint for the ReserveData of the next one.
func (b *String) DataLen() int { return len(b.data) }

// NewArray returns the batch's values as an *array.String and empties the
// builder. The array owns the buffers, which go back to the allocator when
// it is released; the builder allocates new ones at the next Reserve.
func (b *String) NewArray() arrow.Array {
	n := b.n
	valid, nulls := b.finish(n)
	offs, data := zeroOffset, emptyBuffer
	if n > 0 {
		b.offBuf.ResizeNoShrink((n + 1) * 4)
		offs = b.offBuf
		if b.dataBuf != nil {
			b.dataBuf.ResizeNoShrink(len(b.data))
			data = b.dataBuf
		}
		b.offBuf, b.offs, b.dataBuf, b.data = nil, nil, nil, nil
	}
	b.n = 0
	return newArray(arrow.BinaryTypes.String, n, nulls, valid, offs, data)
}

// Release frees the buffers the builder holds: those of a batch not
// finished by NewArray, and the validity bitmap a batch without nulls kept.
// Call it when done with the builder; it stays usable.
func (b *String) Release() {
	if b.offBuf != nil {
		b.offBuf.Release()
	}
	if b.dataBuf != nil {
		b.dataBuf.Release()
	}
	b.offBuf, b.offs, b.dataBuf, b.data, b.n = nil, nil, nil, nil, 0
	b.release()
}

// zeroOffset is the offsets buffer of an empty string array, the single
// offset 0. Like emptyBuffer it has no allocator, so arrays share it.
var zeroOffset = memory.NewBufferBytes(make([]byte, 4))
