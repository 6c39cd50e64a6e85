package rowbatch

import (
	"sync"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Recycler is the allocator a reader uses when Options.Allocator is nil.
// Buffers freed when a batch is released are handed to the builders of a
// later batch instead of being left to the garbage collector: every batch
// of a stream asks for buffers of nearly the same sizes, and a fresh Go
// allocation of tens of megabytes is zeroed first, which cost about a
// sixth of the parse time. The column builders (internal/colbuild) do not
// rely on zeroed memory: they set the validity bitmaps they grow byte by
// byte and write every value slot (a zero under a null) and offset they
// hand out.
//
// The free list holds at most as many bytes as were ever live at once, so
// the memory held stays bounded by the batches the consumer keeps. Free
// may be called from any goroutine (a consumer may release a batch
// elsewhere).
//
// A released reader's Recycler goes back to a sync.Pool, with its free
// list, once the last of its buffers is freed, so the next reader (the
// next object of a listing) starts warm; the pool lets the garbage
// collector drop recyclers nobody asked for.
type Recycler struct {
	mu        sync.Mutex
	free      [][]byte
	freeBytes int
	live      int  // bytes allocated and not yet freed
	peak      int  // most bytes ever live at once
	closed    bool // the reader is released
}

var recyclers = sync.Pool{New: func() any { return &Recycler{} }}

// maxFreeBufs caps the free list; a batch of the full schema has about a
// hundred buffers.
const maxFreeBufs = 256

// poisonRecycled fills every buffer handed out with garbage, to prove in
// tests (built with -tags poison) that nothing relies on zeroed memory.
var poisonRecycled = false

// GetRecycler returns a Recycler from the pool; Close hands it back. The
// zero Recycler is usable too, outside the pool (tests wrap one in a
// checked allocator).
func GetRecycler() *Recycler {
	a := recyclers.Get().(*Recycler)
	a.mu.Lock()
	a.closed = false
	a.mu.Unlock()
	return a
}

// Close marks the reader released: the Recycler returns to the pool as
// soon as none of its buffers is live.
func (a *Recycler) Close() {
	a.mu.Lock()
	a.closed = true
	back := a.live == 0
	a.mu.Unlock()
	if back {
		recyclers.Put(a)
	}
}

// Allocate returns a 64-byte aligned buffer of size bytes, reused when a
// free one of a capacity between size and twice size is at hand.
func (a *Recycler) Allocate(size int) []byte {
	a.mu.Lock()
	best := -1
	for i, b := range a.free {
		if c := cap(b); c >= size && c <= 2*size+64 && (best < 0 || c < cap(a.free[best])) {
			best = i
		}
	}
	var buf []byte
	if best >= 0 {
		buf = a.free[best][:size]
		last := len(a.free) - 1
		a.free[best] = a.free[last]
		a.free[last] = nil
		a.free = a.free[:last]
		a.freeBytes -= cap(buf)
	}
	if buf == nil {
		a.mu.Unlock()
		buf = alignedAlloc(size)
		a.mu.Lock()
	}
	a.live += cap(buf)
	a.peak = max(a.peak, a.live)
	a.mu.Unlock()
	if poisonRecycled {
		poison(buf[:cap(buf)])
	}
	return buf
}

// Reallocate grows or shrinks b to size bytes, keeping its contents.
func (a *Recycler) Reallocate(size int, b []byte) []byte {
	if cap(b) >= size {
		if poisonRecycled && size > len(b) {
			poison(b[len(b):size])
		}
		return b[:size]
	}
	nb := a.Allocate(size)
	copy(nb, b)
	a.Free(b)
	return nb
}

// Free puts b on the free list, or drops it when the list is full.
func (a *Recycler) Free(b []byte) {
	if cap(b) == 0 {
		return
	}
	a.mu.Lock()
	a.live -= cap(b)
	if len(a.free) < maxFreeBufs && a.freeBytes+cap(b) <= a.peak {
		a.free = append(a.free, b[:0])
		a.freeBytes += cap(b)
	}
	back := a.closed && a.live == 0
	a.closed = a.closed && !back
	a.mu.Unlock()
	if back {
		recyclers.Put(a)
	}
}

// alignedAlloc allocates size bytes aligned to 64, as memory.GoAllocator.
func alignedAlloc(size int) []byte {
	const alignment = 64
	buf := make([]byte, size+alignment)
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	shift := int((alignment - addr%alignment) % alignment)
	return buf[shift : size+shift : size+shift]
}

func poison(b []byte) {
	for i := range b {
		b[i] = 0xA5
	}
}

var _ memory.Allocator = (*Recycler)(nil)
