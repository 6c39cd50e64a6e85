//go:build !amd64 || purego

package bytemask

func masks(p []byte, a byte, m []uint64) { masksGeneric(p, a, m) }

func masks3(p []byte, a, b, c byte, ma, mb, mc []uint64) {
	masks3Generic(p, a, b, c, ma, mb, mc)
}
