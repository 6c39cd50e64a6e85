package lake

import (
	"math/bits"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// poolAllocator is an Arrow allocator that keeps the buffers freed to it
// for the next allocations of their size class (powers of two), instead of
// leaving them to the garbage collector. Reading a lake file allocates its
// pages, levels and column buffers afresh for every file and batch; with
// Go's allocator, collecting them cost a quarter of a re-analysis. Buffers
// are zeroed when handed out, as Go's allocator's are: unlike the text
// readers' internal/rowbatch.Recycler, whose builders write every byte
// they hand out, the Parquet library is not known not to rely on zeroed
// memory. It is shared by every reader rather than kept per reader, as a
// file of a few hundred rows frees too little for the next to reuse. A
// buffer never freed is collected as usual.
type poolAllocator struct {
	classes [maxPoolClass + 1]sync.Pool // of *[]byte, by log2 of the capacity
}

// minPoolClass and maxPoolClass bound the pooled sizes: 64 bytes (Arrow's
// alignment, which power-of-two sizes keep) to 64 MiB; larger buffers come
// from Go's allocator.
const (
	minPoolClass = 6
	maxPoolClass = 26
)

var lakeAllocator memory.Allocator = &poolAllocator{}

var goAllocator = memory.NewGoAllocator()

func poolClass(size int) int {
	return max(bits.Len(uint(size-1)), minPoolClass)
}

func (p *poolAllocator) Allocate(size int) []byte {
	c := poolClass(size)
	if size <= 0 || c > maxPoolClass {
		return goAllocator.Allocate(size)
	}
	if v, ok := p.classes[c].Get().(*[]byte); ok {
		b := *v
		clear(b[:cap(b)])
		return b[:size]
	}
	return goAllocator.Allocate(1 << c)[:size]
}

func (p *poolAllocator) Reallocate(size int, b []byte) []byte {
	if cap(b) >= size {
		return b[:size]
	}
	nb := p.Allocate(size)
	copy(nb, b)
	p.Free(b)
	return nb
}

func (p *poolAllocator) Free(b []byte) {
	c := bits.Len(uint(cap(b))) - 1
	if c < minPoolClass || c > maxPoolClass || cap(b) != 1<<c {
		return
	}
	b = b[:cap(b)]
	p.classes[c].Put(&b)
}
