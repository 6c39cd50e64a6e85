package cloudfront

import (
	"runtime"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The builders below stage a batch in reused Go slices and copy it into
// allocator memory once, when the batch is finished. Appending a row is then
// a few slice appends, with no allocation once the slices have grown to the
// batch size.

// staging holds a builder per schema column. Readers take one from a small
// free list and return it on Release, so the slices keep their capacity
// from one object to the next. (A sync.Pool would be emptied by the garbage
// collections that the batches' own buffers cause.)
type staging struct {
	cols [numColumns]colBuilder
}

// stagingFree holds up to GOMAXPROCS idle stagings: one per reader that
// can run at once.
var stagingFree = make(chan *staging, runtime.GOMAXPROCS(0))

// maxKeptStaging is the string data hint above which a staging is not
// kept: one object with huge lines should not set the size of the next
// object's batches.
const maxKeptStaging = 64 << 20

func getStaging() *staging {
	select {
	case st := <-stagingFree:
		return st
	default:
		return new(staging)
	}
}

func putStaging(st *staging) {
	size := 0
	for i := range st.cols {
		size += st.cols[i].str.hint
		st.cols[i].str.mem = nil
	}
	if size > maxKeptStaging {
		return
	}
	select {
	case stagingFree <- st:
	default:
	}
}

// validity is a validity bitmap under construction. The bitmap is only
// materialised once a null appears: until then n counts valid values.
type validity struct {
	bits  []byte
	n     int
	nulls int
}

func (v *validity) append(ok bool) {
	if ok && v.nulls == 0 {
		v.n++
		return
	}
	v.appendSlow(ok)
}

func (v *validity) appendSlow(ok bool) {
	if v.nulls == 0 {
		// The first null: every value so far was valid.
		v.bits = v.bits[:0]
		for i := 0; i < v.n/8; i++ {
			v.bits = append(v.bits, 0xff)
		}
		if r := v.n % 8; r > 0 {
			v.bits = append(v.bits, byte(1)<<r-1)
		}
	}
	if v.n&7 == 0 {
		v.bits = append(v.bits, 0)
	}
	if ok {
		v.bits[v.n>>3] |= 1 << (v.n & 7)
	} else {
		v.nulls++
	}
	v.n++
}

func (v *validity) reset() {
	v.bits = v.bits[:0]
	v.n, v.nulls = 0, 0
}

// buffer returns the bitmap in allocator memory, or nil when there is no
// null.
func (v *validity) buffer(mem memory.Allocator) *memory.Buffer {
	if v.nulls == 0 {
		return nil
	}
	return copyBuffer(mem, v.bits)
}

func copyBuffer(mem memory.Allocator, b []byte) *memory.Buffer {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(len(b))
	copy(buf.Bytes(), b)
	return buf
}

// stringBuilder builds a utf8 column. Unlike the other builders it writes
// the text straight into allocator memory (data is a view of buf), sized
// from the previous batch, so the largest part of a batch is not copied
// again when it is finished.
type stringBuilder struct {
	valid   validity
	offsets []int32
	mem     memory.Allocator
	buf     *memory.Buffer // nil between batches
	data    []byte         // buf.Buf()[:length]
	hint    int            // data capacity to start a batch with
}

// minStringHint is the first batch's data capacity.
const minStringHint = 16 << 10

func (b *stringBuilder) append(v []byte, ok bool) {
	if ok {
		n := len(b.data)
		if cap(b.data)-n < len(v)+32 {
			b.grow(len(v) + 32)
		}
		if len(v) <= 32 && cap(v) >= 32 {
			// Short values (most of them) are copied as one 32-byte block,
			// without a call to memmove: the bytes past len(v) are read
			// within v's capacity and land in data's spare capacity.
			*(*[32]byte)(b.data[n : n+32]) = *(*[32]byte)(v[:32])
			b.data = b.data[:n+len(v)]
		} else {
			b.data = append(b.data, v...) // never reallocates: room was made
		}
	}
	b.offsets = append(b.offsets, int32(len(b.data)))
	b.valid.append(ok)
}

// grow makes room for n more bytes of data, starting the batch's buffer
// if need be.
func (b *stringBuilder) grow(n int) {
	used := len(b.data)
	if b.buf == nil {
		b.buf = memory.NewResizableBuffer(b.mem)
		b.buf.Reserve(max(b.hint, minStringHint, n))
	} else {
		b.buf.ResizeNoShrink(used) // Reallocate keeps what is used
		b.buf.Reserve(cap(b.data) + cap(b.data)/2 + n)
	}
	b.data = b.buf.Buf()[:used]
}

func (b *stringBuilder) finish(mem memory.Allocator) arrow.Array {
	if len(b.offsets) == 0 {
		b.offsets = append(b.offsets, 0)
	}
	used := len(b.data)
	// The next batch starts a quarter above the largest recent one, so a
	// batch like it fits without a reallocation even after the short last
	// batch of an object has lowered the hint by an eighth.
	b.hint = max(b.hint-b.hint/8, used+used/4+64)
	data := b.buf
	b.buf, b.data = nil, nil
	if data == nil {
		data = memory.NewResizableBuffer(mem)
	}
	if used < data.Cap()/2 {
		data.Resize(used) // give back what a small batch did not use
	} else {
		data.ResizeNoShrink(used)
	}
	bufs := []*memory.Buffer{
		b.valid.buffer(mem),
		copyBuffer(mem, arrow.Int32Traits.CastToBytes(b.offsets)),
		data,
	}
	return makeArray(arrow.BinaryTypes.String, b.valid.n, b.valid.nulls, bufs)
}

// reset empties the builder for the next batch, freeing an unfinished
// batch's buffer.
func (b *stringBuilder) reset() {
	b.valid.reset()
	b.offsets = append(b.offsets[:0], 0)
	if b.buf != nil {
		b.buf.Release()
		b.buf = nil
	}
	b.data = nil
}

// fixedBuilder stages a fixed-width column.
type fixedBuilder[T int64 | int32 | uint16 | float64] struct {
	valid  validity
	values []T
}

func (b *fixedBuilder[T]) append(v T, ok bool) {
	if !ok {
		v = 0
	}
	b.values = append(b.values, v)
	b.valid.append(ok)
}

func (b *fixedBuilder[T]) finish(mem memory.Allocator, dt arrow.DataType, raw []byte) arrow.Array {
	bufs := []*memory.Buffer{b.valid.buffer(mem), copyBuffer(mem, raw)}
	return makeArray(dt, b.valid.n, b.valid.nulls, bufs)
}

func (b *fixedBuilder[T]) reset() {
	b.valid.reset()
	b.values = b.values[:0]
}

func makeArray(dt arrow.DataType, n, nulls int, bufs []*memory.Buffer) arrow.Array {
	data := array.NewData(dt, n, bufs, nil, nulls, 0)
	arr := array.MakeFromData(data)
	data.Release()
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	return arr
}

// colBuilder stages one projected column.
type colBuilder struct {
	kind kind
	str  stringBuilder
	i64  fixedBuilder[int64]
	i32  fixedBuilder[int32]
	u16  fixedBuilder[uint16]
	f64  fixedBuilder[float64]
}

func (b *colBuilder) finish(mem memory.Allocator) arrow.Array {
	dt := b.kind.dataType()
	switch b.kind {
	case kindString:
		return b.str.finish(mem)
	case kindTime, kindInt64:
		return b.i64.finish(mem, dt, arrow.Int64Traits.CastToBytes(b.i64.values))
	case kindInt32:
		return b.i32.finish(mem, dt, arrow.Int32Traits.CastToBytes(b.i32.values))
	case kindUint16, kindStatus:
		return b.u16.finish(mem, dt, arrow.Uint16Traits.CastToBytes(b.u16.values))
	default:
		return b.f64.finish(mem, dt, arrow.Float64Traits.CastToBytes(b.f64.values))
	}
}

// reserve makes room for n rows in the fixed-size parts.
func (b *colBuilder) reserve(n int) {
	b.reset()
	switch b.kind {
	case kindString:
		b.str.offsets = append(slices.Grow(b.str.offsets[:0], n+1), 0)
		b.str.valid.bits = slices.Grow(b.str.valid.bits[:0], n/8+1)
	case kindTime, kindInt64:
		b.i64.values = slices.Grow(b.i64.values[:0], n)
		b.i64.valid.bits = slices.Grow(b.i64.valid.bits[:0], n/8+1)
	case kindInt32:
		b.i32.values = slices.Grow(b.i32.values[:0], n)
		b.i32.valid.bits = slices.Grow(b.i32.valid.bits[:0], n/8+1)
	case kindUint16, kindStatus:
		b.u16.values = slices.Grow(b.u16.values[:0], n)
		b.u16.valid.bits = slices.Grow(b.u16.valid.bits[:0], n/8+1)
	default:
		b.f64.values = slices.Grow(b.f64.values[:0], n)
		b.f64.valid.bits = slices.Grow(b.f64.valid.bits[:0], n/8+1)
	}
}

func (b *colBuilder) reset() {
	b.str.reset()
	b.i64.reset()
	b.i32.reset()
	b.u16.reset()
	b.f64.reset()
}
