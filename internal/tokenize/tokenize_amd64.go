//go:build amd64 && !purego

package tokenize

import (
	"os"

	"golang.org/x/sys/cpu"
)

// hasAVX512 reports whether the CPU has what tokenizeAVX512 needs.
var hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI2 &&
	cpu.X86.HasPCLMULQDQ && cpu.X86.HasBMI2 && cpu.X86.HasPOPCNT

// useAVX512 reports whether tokenizeVector and tokenizeLine run
// tokenizeAVX512 (see SetVector). The environment variable GenericEnv set
// to 1 turns it off for the whole process.
var useAVX512 = hasAVX512 && os.Getenv(GenericEnv) != "1"

// tokenizeVector writes the bounds of every token of line to t and returns
// how many tokens there are, at most MaxFields and max (Tokens.Max), or -1 when it cannot vouch
// for the line or the CPU lacks the instructions (see tokenizeFast). A
// '\n' in line is a byte like another to the other tokenizers, so a line
// holding one is left to them.
func tokenizeVector(line []byte, t *bounds, max int) int {
	if !useAVX512 || len(line) == 0 {
		return -1
	}
	nf, length := tokenizeAVX512(&line[0], len(line), t)
	if length >= 0 {
		return -1
	}
	return clamp(nf, max)
}

// clamp returns nf, the tokens tokenizeAVX512 found, or max (Tokens.Max)
// when that is fewer and not 0. The clamping is done here rather than by
// the callers so that SplitLine and tokenizeFast stay small enough to
// inline.
func clamp(nf, max int) int {
	if max > 0 && nf > max {
		return max
	}
	return nf
}

// tokenizeLine tokenizes the line data starts with, which must end with a
// '\n' within data, as tokenizeVector would tokenize it, and returns the
// number of tokens (at most max) and the line's length, '\n' excluded. It finds the end
// of the line in the same pass, where the LineReader would search for it
// first. ok is false when the CPU lacks the instructions, data holds no
// '\n', the line ends "\r\n" or tokenizeVector would refuse it: the caller
// then reads the line from the LineReader.
func tokenizeLine(data []byte, t *bounds, max int) (nf, length int, ok bool) {
	if !useAVX512 || len(data) == 0 {
		return 0, 0, false
	}
	nf, length = tokenizeAVX512(&data[0], len(data), t)
	return clamp(nf, max), length, nf >= 0 && length >= 0
}

// tokenizeAVX512 is tokenizeVector and tokenizeLine on the n bytes at p.
//
//go:noescape
func tokenizeAVX512(p *byte, n int, t *bounds) (nf, length int)
