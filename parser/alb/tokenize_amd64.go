//go:build amd64 && !purego

package alb

import "golang.org/x/sys/cpu"

// useAVX512 reports whether tokenizeVector runs tokenizeAVX512.
var useAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI2 &&
	cpu.X86.HasPCLMULQDQ && cpu.X86.HasBMI2 && cpu.X86.HasPOPCNT

// tokenizeVector writes the bounds of every token of line to t and returns
// how many tokens there are, at most maxFields, or -1 when it cannot vouch
// for the line or the CPU lacks the instructions (see tokenizeFast).
func tokenizeVector(line []byte, t *toks) int {
	if !useAVX512 || len(line) == 0 {
		return -1
	}
	return tokenizeAVX512(&line[0], len(line), t)
}

// tokenizeAVX512 is tokenizeVector on a non-empty line of n bytes at p.
//
//go:noescape
func tokenizeAVX512(p *byte, n int, t *toks) int
