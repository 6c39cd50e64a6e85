//go:build amd64 && !purego

package alb

import "golang.org/x/sys/cpu"

// useAVX512 reports whether tokenizeEnds can run tokenizeEndsAVX512.
var useAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI2 &&
	cpu.X86.HasPCLMULQDQ && cpu.X86.HasBMI2 && cpu.X86.HasPOPCNT

// tokenizeEnds writes the end of every token of line to ends and returns
// how many there are, at most maxFields, or -1 when it cannot vouch for the
// line (see tokenizeFast).
func tokenizeEnds(line []byte, ends *[endsLen]int32) int {
	if !useAVX512 || len(line) == 0 {
		return -1
	}
	return tokenizeEndsAVX512(&line[0], len(line), &ends[0])
}

// tokenizeEndsAVX512 is tokenizeEnds on a non-empty line of n bytes at p.
//
//go:noescape
func tokenizeEndsAVX512(p *byte, n int, ends *int32) int
