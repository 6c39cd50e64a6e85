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

// TOKS_END and TOKS_RAW are the offsets of bounds.end and bounds.raw, and
// 33 below is MaxFields; TestBoundsLayout holds them to the Go
// declarations.
#define TOKS_END 260
#define TOKS_RAW 520

// func tokenizeAVX512(p *byte, n int, t *bounds) (nf, length int)
//
// The line is p[:n], or, when a '\n' comes first, p[:length] up to it: the
// function then sets n to length, and fails if a '\r' comes before the
// '\n', so that a line ending "\r\n" goes the LineReader's way. Without a
// '\n', length is -1. It follows tokenizeMasked a block of 64 bytes at a time, with the masks
// in general registers: AX spaces, BX quotes, DX backslashes, R15 spaces
// one byte on (bit i: byte i+1 is a space or the end of the line). The
// others: SI p, DI t, R8 the block's offset, R9 the tokens so far; R10,
// R11, R13 and CX the previous block's spaces, backslashes, separators and
// closers (only their top bits matter), R12 inside, R14 scratch; Z5 the
// block's offset in every 32-bit lane, Z16 the last token's end (the
// separator after it) in every lane. The loop is bound by the vector
// instructions that only port 5 runs, which it keeps few: work that
// general registers can do is done there.
TEXT ·tokenizeAVX512(SB), NOSPLIT, $0-40
	MOVQ         $-1, length+32(FP)
	MOVQ         p+0(FP), SI
	MOVQ         t+16(FP), DI
	MOVL         $0x20, AX
	VPBROADCASTB AX, Z0
	MOVL         $0x22, AX
	VPBROADCASTB AX, Z1
	MOVL         $0x5c, AX
	VPBROADCASTB AX, Z2
	MOVL         $0x0a, AX
	VPBROADCASTB AX, Z18
	MOVL         $64, AX
	VPBROADCASTD AX, Z13
	MOVL         $1, AX
	VPBROADCASTD AX, Z17
	VMOVDQU64    offsets<>(SB), Z10
	VPXORD       Z5, Z5, Z5
	VPTERNLOGD   $0xff, Z16, Z16, Z16     // the end before the first token: -1
	MOVL         $-1, TOKS_RAW(DI)        // raw[0], the same
	MOVQ         $-1, AX
	VMOVQ        AX, X12
	XORL         CX, CX
	XORL         R8, R8
	XORL         R9, R9
	MOVQ         $0x8000000000000000, R10 // the line's start counts as a space
	XORL         R11, R11
	XORL         R12, R12
	MOVQ         R10, R13                 // and as a separator

loop:
	MOVQ n+8(FP), R15
	SUBQ R8, R15      // the line's bytes from this block on
	CMPQ R15, $64
	JB   last

	VMOVDQU8 (SI)(R8*1), Z3

classify:
	VPCMPEQB Z18, Z3, K5
	KORTESTQ K5, K5
	JNZ      newline
	VPCMPEQB Z0, Z3, K1
	VPCMPEQB Z1, Z3, K2
	VPCMPEQB Z2, Z3, K3
	KMOVQ    K1, AX
	KMOVQ    K2, BX
	KMOVQ    K3, DX
	CMPQ     R15, $64
	JB       lastbits
	JEQ      endnext
	MOVBLZX  64(SI)(R8*1), R15
	CMPL     R15, $0x0a
	JEQ      nlnext
	XORL     R14, R14
	CMPL     R15, $0x20
	SETEQ    R14
	MOVQ     AX, R15
	SHRQ     $1, R14, R15

process:
	// No quote may follow a backslash.
	MOVQ  DX, R14
	SHLQ  $1, R11, R14
	MOVQ  DX, R11
	TESTQ BX, R14
	JNZ   fail

	// Openers follow a space, closers come before one; each quote is
	// exactly one of the two.
	MOVQ AX, DX
	SHLQ $1, R10, DX
	MOVQ AX, R10
	ANDQ BX, DX  // openers
	ANDQ BX, R15 // closers
	MOVQ DX, R14
	XORQ R15, R14
	CMPQ R14, BX
	JNE  fail

	// R15: the bytes that follow a closer, which end a quoted token.
	MOVQ R15, R14
	SHLQ $1, CX, R15
	MOVQ R14, CX

	// x, the prefix XOR of the quotes (carry-less product with all ones),
	// XOR inside, is set from an opener up to its closer: it must be set
	// at exactly the openers.
	VMOVQ      BX, X4
	VPCLMULQDQ $0, X12, X4, X4
	VMOVQ      X4, R14
	XORQ       R12, R14
	MOVQ       R14, R12
	SARQ       $63, R12
	ANDQ       R14, BX
	CMPQ       BX, DX
	JNE        fail

	// The separators are the spaces outside quotes; two in a row fail.
	ANDNQ AX, R14, AX
	MOVQ  AX, DX
	SHLQ  $1, R13, DX
	MOVQ  AX, R13
	TESTQ AX, DX
	JNZ   fail

	// Every separator ends a token, which starts after the previous one
	// ends; a quoted token starts and ends a byte further in. Sixteen
	// bounds are stored at a time, whether there are that many or not.
	PEXTQ       AX, R15, R15 // bit i: token i of the block is quoted
	KMOVQ       R15, K3
	KMOVQ       AX, K2
	VPCOMPRESSB Z10, K2, Z3  // the separators' offsets in the block
	POPCNTQ     AX, R14
	VPMOVZXBD   X3, Z4
	VPADDD      Z5, Z4, Z4   // the separators' offsets in the line
	VPMOVM2D    K3, Z9       // -1 for a quoted token, else 0
	VALIGND     $15, Z16, Z4, Z6
	VPSUBD      Z9, Z6, Z6
	VPADDD      Z17, Z6, Z6
	VPADDD      Z9, Z4, Z7
	VMOVDQU32   Z6, (DI)(R9*4)
	VMOVDQU32   Z7, TOKS_END(DI)(R9*4)
	VMOVDQU32   Z4, TOKS_RAW+4(DI)(R9*4)
	CMPQ        R14, $16
	JA          more

stored:
	ADDQ         R14, R9
	VPBROADCASTD TOKS_RAW(DI)(R9*4), Z16
	CMPQ         R9, $33
	JAE          full
	VPADDD       Z13, Z5, Z5
	ADDQ         $64, R8
	CMPQ         R8, n+8(FP)
	JLE          loop
	TESTQ        R12, R12
	JNZ          fail
	MOVQ         R9, nf+24(FP)
	VZEROUPPER
	RET

newline:
	// A '\n' in this block ends the line there.
	KMOVQ  K5, R14
	TZCNTQ R14, R14
	ADDQ   R8, R14
	JMP    setend

nlnext:
	// A '\n' right after this block ends the line there.
	LEAQ 64(R8), R14

setend:
	MOVQ  R14, n+8(FP)
	MOVQ  R14, length+32(FP)
	TESTQ R14, R14
	JZ    loop
	CMPB  -1(SI)(R14*1), $0x0d
	JEQ   fail
	JMP   loop

endnext:
	// The line ends right after this block.
	MOVQ AX, R15
	SHRQ $1, R15
	BTSQ $63, R15
	JMP  process

last:
	// The last block: only its first R15 bytes are the line's, and the
	// end of the line counts as a space.
	MOVQ       $-1, R14
	BZHIQ      R15, R14, R14
	KMOVQ      R14, K4
	VMOVDQU8.Z (SI)(R8*1), K4, Z3
	JMP        classify

lastbits:
	BTSQ R15, AX
	MOVQ AX, R15
	SHRQ $1, R15
	JMP  process

more:
	// A block of 64 bytes without two separators in a row has at most 32:
	// the bounds of tokens 16 to 31 of the block.
	VEXTRACTI32X4 $1, Z3, X6
	VPMOVZXBD     X6, Z6
	VPADDD        Z5, Z6, Z6
	KSHIFTRQ      $16, K3, K4
	VPMOVM2D      K4, Z7
	VALIGND       $15, Z4, Z6, Z11
	VPSUBD        Z7, Z11, Z11
	VPADDD        Z17, Z11, Z11
	VMOVDQU32     Z11, 64(DI)(R9*4)
	VPADDD        Z7, Z6, Z11
	VMOVDQU32     Z11, TOKS_END+64(DI)(R9*4)
	VMOVDQU32     Z6, TOKS_RAW+68(DI)(R9*4)
	JMP           stored

full:
	MOVQ $33, nf+24(FP)
	VZEROUPPER
	RET

fail:
	MOVQ $-1, nf+24(FP)
	VZEROUPPER
	RET
