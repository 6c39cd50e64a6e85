//go:build amd64 && !purego

#include "textflag.h"

// func masksAVX2(p *byte, n int, a byte, m *uint64)
TEXT ·masksAVX2(SB), NOSPLIT, $0-32
	MOVQ         p+0(FP), SI
	MOVQ         n+8(FP), CX
	MOVBLZX      a+16(FP), AX
	MOVQ         m+24(FP), DI
	VMOVQ        AX, X0
	VPBROADCASTB X0, Y0
	TESTQ        CX, CX
	JZ           done1

loop1:
	VMOVDQU   (SI), Y1
	VMOVDQU   32(SI), Y2
	VPCMPEQB  Y0, Y1, Y1
	VPCMPEQB  Y0, Y2, Y2
	VPMOVMSKB Y1, AX
	VPMOVMSKB Y2, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	MOVQ      AX, (DI)
	ADDQ      $64, SI
	ADDQ      $8, DI
	DECQ      CX
	JNZ       loop1

done1:
	VZEROUPPER
	RET

// func masks3AVX2(p *byte, n int, a, b, c byte, ma, mb, mc *uint64)
TEXT ·masks3AVX2(SB), NOSPLIT, $0-48
	MOVQ         p+0(FP), SI
	MOVQ         n+8(FP), CX
	MOVBLZX      a+16(FP), AX
	VMOVQ        AX, X0
	VPBROADCASTB X0, Y0
	MOVBLZX      b+17(FP), AX
	VMOVQ        AX, X1
	VPBROADCASTB X1, Y1
	MOVBLZX      c+18(FP), AX
	VMOVQ        AX, X2
	VPBROADCASTB X2, Y2
	MOVQ         ma+24(FP), DI
	MOVQ         mb+32(FP), R8
	MOVQ         mc+40(FP), R9
	TESTQ        CX, CX
	JZ           done3

loop3:
	VMOVDQU   (SI), Y3
	VMOVDQU   32(SI), Y4
	VPCMPEQB  Y0, Y3, Y5
	VPCMPEQB  Y0, Y4, Y6
	VPMOVMSKB Y5, AX
	VPMOVMSKB Y6, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	MOVQ      AX, (DI)
	VPCMPEQB  Y1, Y3, Y5
	VPCMPEQB  Y1, Y4, Y6
	VPMOVMSKB Y5, AX
	VPMOVMSKB Y6, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	MOVQ      AX, (R8)
	VPCMPEQB  Y2, Y3, Y5
	VPCMPEQB  Y2, Y4, Y6
	VPMOVMSKB Y5, AX
	VPMOVMSKB Y6, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	MOVQ      AX, (R9)
	ADDQ      $64, SI
	ADDQ      $8, DI
	ADDQ      $8, R8
	ADDQ      $8, R9
	DECQ      CX
	JNZ       loop3

done3:
	VZEROUPPER
	RET

// func masks3AVX512(p *byte, n int, a, b, c byte, ma, mb, mc *uint64)
TEXT ·masks3AVX512(SB), NOSPLIT, $0-48
	MOVQ         p+0(FP), SI
	MOVQ         n+8(FP), CX
	MOVBLZX      a+16(FP), AX
	VPBROADCASTB AX, Z0
	MOVBLZX      b+17(FP), AX
	VPBROADCASTB AX, Z1
	MOVBLZX      c+18(FP), AX
	VPBROADCASTB AX, Z2
	MOVQ         ma+24(FP), DI
	MOVQ         mb+32(FP), R8
	MOVQ         mc+40(FP), R9
	TESTQ        CX, CX
	JZ           done512

loop512:
	VMOVDQU64 (SI), Z3
	VPCMPEQB  Z0, Z3, K1
	VPCMPEQB  Z1, Z3, K2
	VPCMPEQB  Z2, Z3, K3
	KMOVQ     K1, AX
	KMOVQ     K2, BX
	KMOVQ     K3, DX
	MOVQ      AX, (DI)
	MOVQ      BX, (R8)
	MOVQ      DX, (R9)
	ADDQ      $64, SI
	ADDQ      $8, DI
	ADDQ      $8, R8
	ADDQ      $8, R9
	DECQ      CX
	JNZ       loop512

done512:
	VZEROUPPER
	RET
