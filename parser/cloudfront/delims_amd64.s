//go:build amd64 && !purego

#include "textflag.h"

// func delimMasksAVX2(p *byte, n int, delim byte, masks *uint64)
TEXT ·delimMasksAVX2(SB), NOSPLIT, $0-32
	MOVQ    p+0(FP), SI
	MOVQ    n+8(FP), CX
	MOVBLZX delim+16(FP), AX
	MOVQ    masks+24(FP), DI
	MOVQ    AX, X0
	VPBROADCASTB X0, Y0
	TESTQ   CX, CX
	JZ      done

loop:
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
	JNZ       loop

done:
	VZEROUPPER
	RET
