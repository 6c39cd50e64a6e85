package colbuild

import (
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// garbage is an allocator that never hands out a zero a builder did not
// write: every byte it allocates holds 0xA5, up to the capacity of the
// slice, which exceeds the size asked for, as a recycling allocator's may;
// a reallocation within that capacity fills the bytes it adds; and a freed
// buffer is filled again, so an array reading memory it no longer owns
// reads garbage.
type garbage struct{}

const garbageByte = 0xA5

func fillGarbage(b []byte) {
	for i := range b {
		b[i] = garbageByte
	}
}

func (garbage) Allocate(size int) []byte {
	const alignment, spare = 64, 100
	buf := make([]byte, size+spare+alignment)
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	shift := int((alignment - addr%alignment) % alignment)
	buf = buf[shift : shift+size+spare]
	fillGarbage(buf)
	return buf[:size]
}

func (g garbage) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		if size > len(b) {
			fillGarbage(b[len(b):size])
		}
		return b[:size]
	}
	nb := g.Allocate(size)
	copy(nb, b)
	g.Free(b)
	return nb
}

func (garbage) Free(b []byte) { fillGarbage(b[:cap(b)]) }

// newMem returns a checked garbage allocator; the test fails if anything
// allocated from it is not freed by the end of the test.
func newMem(t *testing.T) *memory.CheckedAllocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(garbage{})
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}
