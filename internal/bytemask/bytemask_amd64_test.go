//go:build amd64 && !purego

package bytemask

import "testing"

// TestMasks_Levels runs the checks again on each narrower instruction set
// the CPU has, so every assembly path is tested where it can run.
func TestMasks_Levels(t *testing.T) {
	avx512, avx2 := useAVX512, useAVX2
	defer func() { useAVX512, useAVX2 = avx512, avx2 }()
	for _, level := range []struct {
		name         string
		avx512, avx2 bool
	}{{"avx512", avx512, avx2}, {"avx2", false, avx2}, {"generic", false, false}} {
		t.Run(level.name, func(t *testing.T) {
			useAVX512, useAVX2 = level.avx512, level.avx2
			checkMasks(t)
		})
	}
}
