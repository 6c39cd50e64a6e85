//go:build !amd64 || purego

package tokenize

// hasAVX512 and useAVX512 are false: there is no assembly for this
// architecture.
var hasAVX512, useAVX512 = false, false

// tokenizeVector always leaves the line to tokenizeMasked.
func tokenizeVector(line []byte, t *bounds, max int) int { return -1 }

// tokenizeLine always leaves the line to the LineReader.
func tokenizeLine(data []byte, t *bounds, max int) (nf, length int, ok bool) { return 0, 0, false }
