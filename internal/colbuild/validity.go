package colbuild

import "github.com/apache/arrow-go/v18/arrow/memory"

// validity is the validity bitmap of a batch. Every bit of the bytes it
// covers starts as 1 (valid), so a valid append leaves it alone and a null
// only clears its bit. The bytes are set whole when the bitmap grows, so
// stale contents of recycled memory never show through.
//
// A batch without nulls hands Arrow a nil bitmap, which Arrow reads as all
// valid, and keeps its own, still all ones, for the next batch: a column
// that never holds a null allocates one bitmap in all.
type validity struct {
	mem   memory.Allocator
	buf   *memory.Buffer // nil until the first reserve
	bits  []byte         // buf's bytes, every one set
	nulls int
}

// reserve makes room for rows rows, keeping the bits already set and
// marking the new ones valid. A bitmap is an eighth of a byte a row, so
// setting it whole costs next to nothing beside the values.
func (v *validity) reserve(rows int) {
	n := (rows + 7) / 8
	old := len(v.bits)
	if n <= old {
		return
	}
	if v.buf == nil {
		v.buf = memory.NewResizableBuffer(v.mem)
	}
	v.buf.Reserve(n)
	v.bits = v.buf.Buf()
	for i := old; i < len(v.bits); i++ {
		v.bits[i] = 0xFF
	}
}

// setNull marks row i, which must have been reserved, as null.
func (v *validity) setNull(i int) {
	v.bits[i>>3] &^= 1 << (i & 7)
	v.nulls++
}

// finish returns the bitmap of the first n rows, with the bits past row n
// cleared, and the null count; the caller owns the buffer. With no null it
// returns nil, keeping the bitmap, and otherwise leaves v empty.
func (v *validity) finish(n int) (*memory.Buffer, int) {
	if v.nulls == 0 {
		return nil, 0
	}
	buf, nulls := v.buf, v.nulls
	nb := (n + 7) / 8
	if r := n & 7; r != 0 {
		v.bits[nb-1] &= 1<<r - 1
	}
	buf.ResizeNoShrink(nb)
	v.buf, v.bits, v.nulls = nil, nil, 0
	return buf, nulls
}

// release frees the bitmap.
func (v *validity) release() {
	if v.buf != nil {
		v.buf.Release()
	}
	v.buf, v.bits, v.nulls = nil, nil, 0
}
