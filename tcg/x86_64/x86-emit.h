/*
 * x86_64 instruction encoders for the native back end (private to
 * tcg/x86_64/).  Encodings follow the Intel SDM vol. 2 (chapter 2,
 * "Instruction Format": legacy prefixes, REX, opcode, ModRM, SIB,
 * displacement, immediate).
 */
#ifndef TCG_X86_64_X86_EMIT_H
#define TCG_X86_64_X86_EMIT_H

#include "core/osdep.h"

enum {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
    R8, R9, R10, R11, R12, R13, R14, R15,
};

/* Condition codes (SDM vol. 1 appendix B), the low nibble of Jcc/SETcc/CMOVcc. */
enum {
    CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
    CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G,
};

/* Opcode word: low byte the opcode, flags for prefixes and escapes. */
#define OPC_0F 0x100        /* two-byte opcode 0F xx */
#define OPC_66 0x200        /* operand-size prefix (16-bit) */
#define OPC_F3 0x400        /* mandatory F3 prefix (popcnt, lzcnt, tzcnt) */
#define OPC_W 0x800         /* REX.W: 64-bit operand */
#define OPC_BYTE 0x1000     /* byte register operand: force a REX (sil, dil...) */
#define OPC_F2 0x2000       /* mandatory F2 prefix (scalar double SSE) */

typedef struct X86Emit {
    uint8_t *buf;           /* RW view */
    size_t size, pos;
    bool overflow;          /* ran past size: the result is discarded */
} X86Emit;

static inline void x_b(X86Emit *e, uint8_t v)
{
    if (e->pos < e->size) {
        e->buf[e->pos] = v;
    } else {
        e->overflow = true;
    }
    e->pos++;
}

static inline void x_d(X86Emit *e, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        x_b(e, (uint8_t)(v >> (8 * i)));
    }
}

static inline void x_q(X86Emit *e, uint64_t v)
{
    x_d(e, (uint32_t)v);
    x_d(e, (uint32_t)(v >> 32));
}

static inline void x_patch32(X86Emit *e, size_t at, uint32_t v)
{
    if (at + 4 <= e->size) {
        memcpy(e->buf + at, &v, 4);
    }
}

static inline bool fits_i32(int64_t v)
{
    return v == (int32_t)v;
}

static inline bool fits_i8(int64_t v)
{
    return v == (int8_t)v;
}

/* Prefixes, REX (W, R = reg bit 3, X = index bit 3, B = rm/base bit 3), opcode. */
static inline void x_opc(X86Emit *e, unsigned opc, int r, int x, int b)
{
    unsigned rex = 0;

    if (opc & OPC_66) {
        x_b(e, 0x66);
    }
    if (opc & OPC_F3) {
        x_b(e, 0xf3);
    }
    if (opc & OPC_F2) {
        x_b(e, 0xf2);
    }
    if (opc & OPC_W) {
        rex |= 8;
    }
    rex |= (r & 8) ? 4 : 0;
    rex |= (x & 8) ? 2 : 0;
    rex |= (b & 8) ? 1 : 0;
    if (rex || (opc & OPC_BYTE)) {
        x_b(e, (uint8_t)(0x40 | rex));
    }
    if (opc & OPC_0F) {
        x_b(e, 0x0f);
    }
    x_b(e, (uint8_t)opc);
}

/* opc reg, rm (register direct, ModRM mod = 11). */
static inline void x_rr(X86Emit *e, unsigned opc, int reg, int rm)
{
    x_opc(e, opc, reg, 0, rm);
    x_b(e, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

/* opc reg, [base + index + disp] (index < 0: none; scale 1). */
static inline void x_rm(X86Emit *e, unsigned opc, int reg, int base, int index, int32_t disp)
{
    int mod = (disp == 0 && (base & 7) != RBP) ? 0 : fits_i8(disp) ? 1 : 2;

    x_opc(e, opc, reg, index < 0 ? 0 : index, base);
    if (index >= 0) {
        x_b(e, (uint8_t)((mod << 6) | ((reg & 7) << 3) | 4));
        x_b(e, (uint8_t)(((index & 7) << 3) | (base & 7)));
    } else if ((base & 7) == RSP) {
        x_b(e, (uint8_t)((mod << 6) | ((reg & 7) << 3) | 4));
        x_b(e, 0x24);
    } else {
        x_b(e, (uint8_t)((mod << 6) | ((reg & 7) << 3) | (base & 7)));
    }
    if (mod == 1) {
        x_b(e, (uint8_t)disp);
    } else if (mod == 2) {
        x_d(e, (uint32_t)disp);
    }
}

/* Common opcodes. */
#define OP_ADD_GvEv 0x03
#define OP_OR_GvEv 0x0b
#define OP_AND_GvEv 0x23
#define OP_SUB_GvEv 0x2b
#define OP_XOR_GvEv 0x33
#define OP_CMP_GvEv 0x3b
#define OP_MOVSXD 0x63
#define OP_IMUL_GvEvIz 0x69
#define OP_GRP1_EvIz 0x81
#define OP_GRP1_EvIb 0x83
#define OP_TEST_EvGv 0x85
#define OP_MOV_EbGb 0x88
#define OP_MOV_EvGv 0x89
#define OP_MOV_GvEv 0x8b
#define OP_LEA 0x8d
#define OP_MOV_EvIz 0xc7
#define OP_SHIFT_EvIb 0xc1
#define OP_SHIFT_EvCL 0xd3
#define OP_GRP3_Ev 0xf7
#define OP_GRP5_Ev 0xff
#define OP_IMUL_GvEv (OPC_0F | 0xaf)
#define OP_MOVZBL (OPC_0F | 0xb6)
#define OP_MOVZWL (OPC_0F | 0xb7)
#define OP_MOVSBL (OPC_0F | 0xbe)
#define OP_MOVSWL (OPC_0F | 0xbf)
#define OP_BSF (OPC_0F | 0xbc)
#define OP_BSR (OPC_0F | 0xbd)
#define OP_POPCNT (OPC_F3 | OPC_0F | 0xb8)
#define OP_SETCC (OPC_0F | 0x90)
#define OP_CMOVCC (OPC_0F | 0x40)

/* Group 1 (/digit of 0x81/0x83), group 2 shifts, group 3. */
enum { ARITH_ADD = 0, ARITH_OR = 1, ARITH_AND = 4, ARITH_SUB = 5, ARITH_XOR = 6, ARITH_CMP = 7 };
enum { SHIFT_ROL = 0, SHIFT_ROR = 1, SHIFT_SHL = 4, SHIFT_SHR = 5, SHIFT_SAR = 7 };
enum { EXT3_NOT = 2, EXT3_NEG = 3, EXT3_MUL = 4, EXT3_IMUL = 5, EXT3_DIV = 6, EXT3_IDIV = 7 };

static inline void x_mov_rr(X86Emit *e, int dst, int src)
{
    if (dst != src) {
        x_rr(e, OPC_W | OP_MOV_GvEv, dst, src);
    }
}

/* dst = imm, shortest encoding; never touches the flags. */
static inline void x_movi(X86Emit *e, int dst, uint64_t imm)
{
    if (imm == (uint32_t)imm) {
        x_opc(e, 0xb8 + (dst & 7), 0, 0, dst);      /* mov r32, imm32: zero-extends */
        x_d(e, (uint32_t)imm);
    } else if (fits_i32((int64_t)imm)) {
        x_rr(e, OPC_W | OP_MOV_EvIz, 0, dst);       /* mov r/m64, simm32 */
        x_d(e, (uint32_t)imm);
    } else {
        x_opc(e, OPC_W | (0xb8 + (dst & 7)), 0, 0, dst);   /* movabs */
        x_q(e, imm);
    }
}

/* Group 1 with an immediate: op r64, simm32. */
static inline void x_arith_ri(X86Emit *e, int ext, int dst, int32_t imm)
{
    if (fits_i8(imm)) {
        x_rr(e, OPC_W | OP_GRP1_EvIb, ext, dst);
        x_b(e, (uint8_t)imm);
    } else {
        x_rr(e, OPC_W | OP_GRP1_EvIz, ext, dst);
        x_d(e, (uint32_t)imm);
    }
}

static inline void x_shift_ri(X86Emit *e, int ext, int dst, unsigned sh)
{
    x_rr(e, OPC_W | OP_SHIFT_EvIb, ext, dst);
    x_b(e, (uint8_t)(sh & 63));
}

static inline void x_push(X86Emit *e, int r)
{
    x_opc(e, 0x50 + (r & 7), 0, 0, r);
}

static inline void x_pop(X86Emit *e, int r)
{
    x_opc(e, 0x58 + (r & 7), 0, 0, r);
}

/* jcc/jmp rel32 with a zero displacement; returns the displacement's offset. */
static inline size_t x_jcc32(X86Emit *e, int cc)
{
    x_b(e, 0x0f);
    x_b(e, (uint8_t)(0x80 + cc));
    x_d(e, 0);
    return e->pos - 4;
}

static inline size_t x_jmp32(X86Emit *e)
{
    x_b(e, 0xe9);
    x_d(e, 0);
    return e->pos - 4;
}

/* Point the rel32 at `at` to position `target` (both buffer offsets). */
static inline void x_bind(X86Emit *e, size_t at, size_t target)
{
    x_patch32(e, at, (uint32_t)(int32_t)((int64_t)target - (int64_t)(at + 4)));
}

/* call/jmp through a register. */
static inline void x_call_r(X86Emit *e, int r)
{
    x_rr(e, OP_GRP5_Ev, 2, r);
}

static inline void x_jmp_r(X86Emit *e, int r)
{
    x_rr(e, OP_GRP5_Ev, 4, r);
}

/* lea dst, [rip + target - next]; target is a buffer offset. */
static inline size_t x_lea_rip(X86Emit *e, int dst)
{
    x_opc(e, OPC_W | OP_LEA, dst, 0, 0);
    x_b(e, (uint8_t)(((dst & 7) << 3) | 5));
    x_d(e, 0);
    return e->pos - 4;
}

/* Multi-byte nop for alignment (SDM vol. 2, NOP: recommended sequences). */
static inline void x_nops(X86Emit *e, unsigned n)
{
    while (n > 0) {
        if (n >= 4) {
            x_b(e, 0x0f); x_b(e, 0x1f); x_b(e, 0x40); x_b(e, 0x00);   /* nopl 0(%rax) */
            n -= 4;
        } else if (n >= 3) {
            x_b(e, 0x0f); x_b(e, 0x1f); x_b(e, 0x00);                 /* nopl (%rax) */
            n -= 3;
        } else if (n >= 2) {
            x_b(e, 0x66); x_b(e, 0x90);
            n -= 2;
        } else {
            x_b(e, 0x90);
            n--;
        }
    }
}

/* Short forward jumps inside one op's code. */
static inline size_t x_jcc8(X86Emit *e, int cc)
{
    x_b(e, (uint8_t)(0x70 + cc));
    x_b(e, 0);
    return e->pos - 1;
}

static inline size_t x_jmp8(X86Emit *e)
{
    x_b(e, 0xeb);
    x_b(e, 0);
    return e->pos - 1;
}

static inline void x_bind8(X86Emit *e, size_t at)
{
    int64_t d = (int64_t)e->pos - (int64_t)(at + 1);

    assert(fits_i8(d));
    if (at < e->size) {
        e->buf[at] = (uint8_t)d;
    }
}

#endif
