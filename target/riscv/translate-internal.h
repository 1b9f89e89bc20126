/*
 * Shared state of the RISC-V translator (translate*.c): the per-block
 * decoding context, the IR globals and the small emitters every extension
 * uses.  Private to target/riscv/translate*.c.
 */
#ifndef TARGET_RISCV_TRANSLATE_INTERNAL_H
#define TARGET_RISCV_TRANSLATE_INTERNAL_H

#include "core/osdep.h"
#include "target/riscv/cpu.h"
#include "target/riscv/helper.h"
#include "target/riscv/fpu_helper.h"
#include "tcg/tcg-op.h"

/* How the current instruction left the block. */
typedef enum DisasJumpType {
    DISAS_NEXT,          /* continue with the next instruction */
    DISAS_NORETURN,      /* the block exit has been emitted (jump, trap) */
    DISAS_EXIT,          /* stop: pc = pc_next, return to the loop (state changed) */
    DISAS_TOO_MANY,      /* stop: pc = pc_next, chain to the next block */
} DisasJumpType;

/* mstatus bits the translator touches (privileged spec 3.1.6) */
#define MSTATUS_FS_MASK (3ULL << 13)
#define MSTATUS_SD (1ULL << 63)
#define FS_OFF 0
#define FS_DIRTY 3

typedef struct DisasContext {
    TranslationBlock *tb;
    CPUState *cs;
    const RISCVCPUConfig *cfg;
    uint64_t pc_first;       /* tb->pc */
    uint64_t pc;             /* the current instruction */
    uint64_t pc_next;        /* the instruction after it */
    uint32_t insn;           /* encoding (16-bit ones in the low half) */
    unsigned ilen;           /* 2 or 4 */
    int priv;                /* PRV_U/S/M from the TB flags */
    int mem_idx;             /* mmu_idx for data accesses */
    int fs;                  /* mstatus.FS as known at this point of the block */
    bool frm_checked;        /* a dynamic-rm check has run in this block */
    uint32_t flags;
    DisasJumpType is_jmp;
} DisasContext;

/* IR globals (translate.c) */
extern TCGv cpu_gpr[32];     /* cpu_gpr[0] is never used: x0 is special */
extern TCGv cpu_fpr[32];
extern TCGv cpu_pc;
extern TCGv cpu_load_res;
extern TCGv cpu_load_val;

/* Integer register access: x0 reads as 0 and ignores writes. */
TCGv get_gpr(DisasContext *ctx, int reg);
/* Where to compute a result for rd (a scratch temp when rd is x0). */
TCGv dest_gpr(DisasContext *ctx, int reg);
void gen_set_gpr(DisasContext *ctx, int reg, TCGv val);

/* Traps; all end the block (is_jmp = DISAS_NORETURN). */
void gen_exception(DisasContext *ctx, int cause);
void gen_exception_tval(DisasContext *ctx, int cause, TCGv tval);
void gen_exception_illegal(DisasContext *ctx);
/* Jump to a known target (chained when on the block's page). */
void gen_goto_tb(DisasContext *ctx, unsigned n, uint64_t dest);
/* pc = dest (already stored to cpu_pc): to the block there, via the jump cache. */
void gen_lookup_and_goto(DisasContext *ctx, TCGv dest);

/* Per-extension decoders: return false for an encoding they do not know,
 * and the caller raises illegal instruction. */
bool decode_rvi(DisasContext *ctx, uint32_t insn);     /* I, Zifencei, fences */
bool decode_rvm(DisasContext *ctx, uint32_t insn);     /* M (OP/OP-32 funct7=1) */
bool decode_rva(DisasContext *ctx, uint32_t insn);     /* A (AMO opcode) */
bool decode_zb(DisasContext *ctx, uint32_t insn);      /* Zba, Zbb, Zbs */
bool decode_fp(DisasContext *ctx, uint32_t insn);      /* F, D */
bool decode_system(DisasContext *ctx, uint32_t insn);  /* SYSTEM: csr*, ecall, xret... */
/* fflags/frm/fcsr access (translate-fp.c); false: use the generic CSR path. */
bool gen_fp_csr(DisasContext *ctx, uint32_t insn);
/* Does this fence (2.7) need a host barrier on our x86-64 (TSO) host? */
bool riscv_fence_needs_host_barrier(uint32_t insn);
/* C: expand a 16-bit encoding to its 32-bit meaning; false if reserved. */
bool expand_rvc(DisasContext *ctx, uint16_t c, uint32_t *insn);
/* Decode and emit one 32-bit instruction (after expansion). */
bool decode_insn32(DisasContext *ctx, uint32_t insn);

/* Instruction fields (unprivileged spec ch. 2.2, 2.3) */
static inline int insn_rd(uint32_t i) { return extract32(i, 7, 5); }
static inline int insn_rs1(uint32_t i) { return extract32(i, 15, 5); }
static inline int insn_rs2(uint32_t i) { return extract32(i, 20, 5); }
static inline int insn_rs3(uint32_t i) { return extract32(i, 27, 5); }
static inline int insn_funct3(uint32_t i) { return extract32(i, 12, 3); }
static inline int insn_funct7(uint32_t i) { return extract32(i, 25, 7); }
static inline int64_t imm_i(uint32_t i) { return sextract32(i, 20, 12); }
/* Immediates are assembled in int64_t: mixing the signed top part with
 * unsigned fields in 32 bits would zero-extend negative values. */
static inline int64_t imm_s(uint32_t i)
{
    return (int64_t)sextract32(i, 25, 7) * 32 + extract32(i, 7, 5);
}
static inline int64_t imm_b(uint32_t i)
{
    return (int64_t)sextract32(i, 31, 1) * 4096 + (extract32(i, 7, 1) << 11) +
           (extract32(i, 25, 6) << 5) + (extract32(i, 8, 4) << 1);
}
static inline int64_t imm_u(uint32_t i) { return (int64_t)(int32_t)(i & 0xfffff000u); }
static inline int64_t imm_j(uint32_t i)
{
    return (int64_t)sextract32(i, 31, 1) * 1048576 + (extract32(i, 12, 8) << 12) +
           (extract32(i, 20, 1) << 11) + (extract32(i, 21, 10) << 1);
}

/* Major opcodes (unprivileged spec, table "RISC-V base opcode map") */
#define OPC_LOAD 0x03
#define OPC_LOAD_FP 0x07
#define OPC_MISC_MEM 0x0f
#define OPC_OP_IMM 0x13
#define OPC_AUIPC 0x17
#define OPC_OP_IMM_32 0x1b
#define OPC_STORE 0x23
#define OPC_STORE_FP 0x27
#define OPC_AMO 0x2f
#define OPC_OP 0x33
#define OPC_LUI 0x37
#define OPC_OP_32 0x3b
#define OPC_MADD 0x43
#define OPC_MSUB 0x47
#define OPC_NMSUB 0x4b
#define OPC_NMADD 0x4f
#define OPC_OP_FP 0x53
#define OPC_BRANCH 0x63
#define OPC_JALR 0x67
#define OPC_JAL 0x6f
#define OPC_SYSTEM 0x73

#endif
