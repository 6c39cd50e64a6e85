//go:build amd64 && !purego

package cloudfront

import "golang.org/x/sys/cpu"

var useAVX2 = cpu.X86.HasAVX2

// maskBlocks sets masks[i] to the delimiter mask of the i-th 64-byte block
// of blocks; len(blocks) is a multiple of 64, at most 1024.
func maskBlocks(masks *[16]uint64, blocks []byte, delim byte) {
	if useAVX2 && len(blocks) > 0 {
		delimMasksAVX2(&blocks[0], len(blocks)/64, delim, &masks[0])
		return
	}
	maskBlocksGeneric(masks, blocks, delim)
}

// delimMasksAVX2 writes n masks, one per 64-byte block starting at p.
//
//go:noescape
func delimMasksAVX2(p *byte, n int, delim byte, masks *uint64)
