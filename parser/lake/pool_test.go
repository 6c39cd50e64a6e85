package lake

import (
	"testing"
	"unsafe"
)

// The pool hands out zeroed buffers of the size asked, aligned as Arrow
// wants, and reuses those freed to it.
func TestPoolAllocator(t *testing.T) {
	p := &poolAllocator{}
	f := func(size int) []byte {
		t.Helper()
		b := p.Allocate(size)
		if len(b) != size {
			t.Fatalf("Allocate(%d) gave %d bytes", size, len(b))
		}
		for i, c := range b[:cap(b)] {
			if c != 0 {
				t.Fatalf("Allocate(%d): byte %d is %d, not zero", size, i, c)
			}
		}
		if size > 0 && addressOf(b)%64 != 0 {
			t.Fatalf("Allocate(%d) is not aligned to 64 bytes", size)
		}
		return b
	}
	for _, size := range []int{0, 1, 63, 64, 65, 1000, 1 << 20, 1<<26 + 1} {
		b := f(size)
		for i := range b {
			b[i] = 0xff
		}
		p.Free(b)
		f(size) // zeroed again, whether reused or not
	}
	b := f(100)
	b[0] = 1
	b = p.Reallocate(5000, b)
	if len(b) != 5000 || b[0] != 1 || b[4999] != 0 {
		t.Errorf("Reallocate lost the bytes or did not zero the rest")
	}
	p.Free(b)
}

func addressOf(b []byte) uintptr {
	if cap(b) == 0 {
		return 0
	}
	return uintptr(unsafePointer(b))
}

func unsafePointer(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b[:cap(b)])) }
