//go:build amd64 && !purego

#include "textflag.h"

// Byte offsets 0..63, compressed by a separator mask into the separators'
// offsets in their block.
DATA offsets<>+0(SB)/8, $0x0706050403020100
DATA offsets<>+8(SB)/8, $0x0f0e0d0c0b0a0908
DATA offsets<>+16(SB)/8, $0x1716151413121110
DATA offsets<>+24(SB)/8, $0x1f1e1d1c1b1a1918
DATA offsets<>+32(SB)/8, $0x2726252423222120
DATA offsets<>+40(SB)/8, $0x2f2e2d2c2b2a2928
DATA offsets<>+48(SB)/8, $0x3736353433323130
DATA offsets<>+56(SB)/8, $0x3f3e3d3c3b3a3938
GLOBL offsets<>(SB), RODATA|NOPTR, $64

// func tokenizeEndsAVX512(p *byte, n int, ends *int32) int
//
// It follows tokenizeMasked a block of 64 bytes at a time, with the masks
// in general registers: AX spaces, BX quotes, DX backslashes, R14 spaces
// one byte on (bit i: byte i+1 is a space or the end of the line). The
// others: SI p, CX n, DI ends, R8 the block's offset, R9 the tokens so far,
// R10 prevSpace, R11 prevSlash, R12 inside, R13 prevSep, R15 scratch; Z5
// the block's offset in every 32-bit lane.
TEXT ·tokenizeEndsAVX512(SB), NOSPLIT, $0-32
	MOVQ         p+0(FP), SI
	MOVQ         n+8(FP), CX
	MOVQ         ends+16(FP), DI
	MOVL         $0x20, AX
	VPBROADCASTB AX, Z0
	MOVL         $0x22, AX
	VPBROADCASTB AX, Z1
	MOVL         $0x5c, AX
	VPBROADCASTB AX, Z2
	MOVL         $64, AX
	VPBROADCASTD AX, Z13
	VMOVDQU64    offsets<>(SB), Z10
	VPXORD       Z5, Z5, Z5
	MOVQ         $-1, AX
	VMOVQ        AX, X12
	XORL         R8, R8
	XORL         R9, R9
	MOVL         $1, R10
	XORL         R11, R11
	XORL         R12, R12
	MOVL         $1, R13

loop:
	MOVQ CX, R15
	SUBQ R8, R15 // the line's bytes from this block on
	CMPQ R15, $64
	JB   last

	VMOVDQU8 (SI)(R8*1), Z3
	VPCMPEQB Z0, Z3, K1
	VPCMPEQB Z1, Z3, K2
	VPCMPEQB Z2, Z3, K3
	KMOVQ    K1, AX
	KMOVQ    K2, BX
	KMOVQ    K3, DX
	CMPQ     R15, $64
	JEQ      endnext
	VMOVDQU8 1(SI)(R8*1), Z6
	VPCMPEQB Z0, Z6, K4
	KMOVQ    K4, R14
	JMP      process

endnext:
	// The line ends right after this block.
	MOVQ AX, R14
	SHRQ $1, R14
	BTSQ $63, R14
	JMP  process

last:
	// The last block: only its first R15 bytes are the line's, and the
	// end of the line counts as a space.
	MOVQ       $-1, R14
	BZHIQ      R15, R14, R14
	KMOVQ      R14, K4
	VMOVDQU8.Z (SI)(R8*1), K4, Z3
	VPCMPEQB   Z0, Z3, K1
	VPCMPEQB   Z1, Z3, K2
	VPCMPEQB   Z2, Z3, K3
	KMOVQ      K1, AX
	KMOVQ      K2, BX
	KMOVQ      K3, DX
	BTSQ       R15, AX
	MOVQ       AX, R14
	SHRQ       $1, R14

process:
	// No quote may follow a backslash.
	MOVQ  DX, R15
	SHLQ  $1, R15
	ORQ   R11, R15
	SHRQ  $63, DX
	MOVQ  DX, R11
	TESTQ BX, R15
	JNZ   fail

	// Openers follow a space, closers come before one; each quote is
	// exactly one of the two.
	MOVQ AX, DX
	SHLQ $1, DX
	ORQ  R10, DX
	ANDQ BX, DX  // openers
	ANDQ BX, R14 // closers
	MOVQ AX, R10
	SHRQ $63, R10
	MOVQ DX, R15
	XORQ R14, R15
	CMPQ R15, BX
	JNE  fail

	// x, the prefix XOR of the quotes (carry-less product with all ones),
	// XOR inside, is set from an opener up to its closer: it must be set
	// at exactly the openers.
	VMOVQ      BX, X4
	VPCLMULQDQ $0, X12, X4, X4
	VMOVQ      X4, R15
	XORQ       R12, R15
	MOVQ       R15, R12
	SARQ       $63, R12
	ANDQ       R15, BX
	CMPQ       BX, DX
	JNE        fail

	// The separators are the spaces outside quotes; two in a row fail.
	NOTQ  R15
	ANDQ  R15, AX
	MOVQ  AX, R15
	SHLQ  $1, R15
	ORQ   R13, R15
	MOVQ  AX, R13
	SHRQ  $63, R13
	TESTQ AX, R15
	JNZ   fail

	// Every separator ends a token: store their offsets in the line,
	// sixteen at a time whether there are that many or not.
	KMOVQ       AX, K2
	VPCOMPRESSB Z10, K2, Z3
	POPCNTQ     AX, R15
	VPMOVZXBD   X3, Z4
	VPADDD      Z5, Z4, Z4
	VMOVDQU32   Z4, (DI)(R9*4)
	CMPQ        R15, $16
	JA          more

stored:
	ADDQ   R15, R9
	CMPQ   R9, $33
	JAE    full
	VPADDD Z13, Z5, Z5
	ADDQ   $64, R8
	CMPQ   R8, CX
	JLE    loop
	TESTQ  R12, R12
	JNZ    fail
	MOVQ   R9, ret+24(FP)
	VZEROUPPER
	RET

more:
	// A block of 64 bytes without two separators in a row has at most 32.
	VEXTRACTI32X4 $1, Z3, X6
	VPMOVZXBD     X6, Z6
	VPADDD        Z5, Z6, Z6
	VMOVDQU32     Z6, 64(DI)(R9*4)
	JMP           stored

full:
	MOVQ $33, ret+24(FP)
	VZEROUPPER
	RET

fail:
	MOVQ $-1, ret+24(FP)
	VZEROUPPER
	RET
