//go:build !amd64 || purego

package alb

// useAVX512 is false: there is no assembly for this architecture.
var useAVX512 = false

// tokenizeVector always leaves the line to tokenizeMasked.
func tokenizeVector(line []byte, t *toks) int { return -1 }

// tokenizeLine always leaves the line to the LineReader.
func tokenizeLine(data []byte, t *toks) (nf, length int, ok bool) { return 0, 0, false }
