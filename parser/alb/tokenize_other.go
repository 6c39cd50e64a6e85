//go:build !amd64 || purego

package alb

// useAVX512 is false: there is no assembly for this architecture.
var useAVX512 = false

// tokenizeEnds always leaves the line to tokenizeMasked.
func tokenizeEnds(line []byte, ends *[endsLen]int32) int { return -1 }
