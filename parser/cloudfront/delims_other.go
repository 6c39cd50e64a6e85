//go:build !amd64 || purego

package cloudfront

// maskBlocks sets masks[i] to the delimiter mask of the i-th 64-byte block
// of blocks; len(blocks) is a multiple of 64, at most 1024.
func maskBlocks(masks *[16]uint64, blocks []byte, delim byte) {
	maskBlocksGeneric(masks, blocks, delim)
}
