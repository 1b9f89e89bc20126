/*
 * The IR as a guest front end sees it: temporaries, globals, labels and the
 * tcg_gen_* emitters.  Guest-neutral; a front end (target/<arch>/translate*.c)
 * writes the meaning of each guest instruction once with these.
 *
 * Value model: every temporary is 64 bits wide.  32-bit guest operations are
 * composed from 64-bit ones plus explicit extensions (ext32s/ext32u), which a
 * native back end may fuse.
 *
 * Lifetimes: a temp from tcg_temp_new() lives until the end of the
 * translation block (values survive labels and branches).  Globals name a
 * 64-bit field of the CPU state (env) and are the only values visible across
 * blocks and to helpers.  Back ends may cache globals in host registers inside
 * a block; they are synced to memory before helper calls (unless the helper's
 * flags say otherwise), before guest memory accesses (which may fault) and at
 * block exits.
 */
#ifndef TCG_TCG_OP_H
#define TCG_TCG_OP_H

#include "core/osdep.h"

typedef struct TranslationBlock TranslationBlock;

/* A temporary or global: an index into the context's temp table. */
typedef struct TCGv {
    uint32_t idx;
} TCGv;

typedef struct TCGLabel TCGLabel;

typedef enum TCGCond {
    TCG_COND_NEVER,
    TCG_COND_ALWAYS,
    TCG_COND_EQ,
    TCG_COND_NE,
    TCG_COND_LT,     /* signed */
    TCG_COND_GE,
    TCG_COND_LE,
    TCG_COND_GT,
    TCG_COND_LTU,    /* unsigned */
    TCG_COND_GEU,
    TCG_COND_LEU,
    TCG_COND_GTU,
} TCGCond;

/* Guest memory operation: size | sign | endianness | alignment. */
typedef enum MemOp {
    MO_8 = 0,
    MO_16 = 1,
    MO_32 = 2,
    MO_64 = 3,
    MO_SIZE = 3,
    MO_SIGN = 4,          /* sign-extend loads */
    MO_BSWAP = 8,         /* big endian (all our guests are little endian) */
    MO_ALIGN = 16,        /* misaligned -> the target's unaligned-access hook */
    MO_UB = MO_8,
    MO_UW = MO_16,
    MO_UL = MO_32,
    MO_UQ = MO_64,
    MO_SB = MO_8 | MO_SIGN,
    MO_SW = MO_16 | MO_SIGN,
    MO_SL = MO_32 | MO_SIGN,
    MO_LE = 0,
    MO_BE = MO_BSWAP,
} MemOp;

static inline unsigned memop_size(MemOp op)
{
    return 1u << (op & MO_SIZE);
}

/*
 * A guest access that hit the soft TLB, done on the host address: the size
 * and sign extension of op, little-endian (the host is x86-64, our guests
 * are little-endian).  Used by the interpreters (tcg/interp, the riscv
 * tier); native code does the same inline.
 */
static inline uint64_t memop_host_load(const void *p, MemOp op)
{
    switch (op & (MO_SIZE | MO_SIGN)) {
    case MO_UB: return *(const uint8_t *)p;
    case MO_SB: return (uint64_t)(int64_t)*(const int8_t *)p;
    case MO_UW: { uint16_t v; memcpy(&v, p, 2); return v; }
    case MO_SW: { int16_t v; memcpy(&v, p, 2); return (uint64_t)(int64_t)v; }
    case MO_UL: { uint32_t v; memcpy(&v, p, 4); return v; }
    case MO_SL: { int32_t v; memcpy(&v, p, 4); return (uint64_t)(int64_t)v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static inline void memop_host_store(void *p, uint64_t v, MemOp op)
{
    switch (op & MO_SIZE) {
    case MO_8: *(uint8_t *)p = (uint8_t)v; break;
    case MO_16: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case MO_32: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

/* Helper call flags. */
#define TCG_CALL_NO_READ_GLOBALS 0x1    /* does not read guest globals from env */
#define TCG_CALL_NO_WRITE_GLOBALS 0x2   /* does not write them */
#define TCG_CALL_NO_SIDE_EFFECTS 0x4    /* pure: may be removed if the result is dead */
#define TCG_CALL_NO_RWG (TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS)
#define TCG_CALL_PURE (TCG_CALL_NO_RWG | TCG_CALL_NO_SIDE_EFFECTS)
/* May raise a guest exception (longjmp out via cpu_loop_exit_restore with GETPC()). */
#define TCG_CALL_MAY_RAISE 0x8

/*
 * Helpers are plain C functions of up to 6 arguments, each uint64_t or a
 * pointer (env), returning uint64_t or void.  Describe each once:
 *
 *   static const TCGHelperInfo info_fadd_d = TCG_HELPER(helper_fadd_d, 4, true, 0);
 */
typedef struct TCGHelperInfo {
    void *func;
    const char *name;
    uint8_t nargs;
    bool has_ret;
    uint32_t flags;
} TCGHelperInfo;
#define TCG_HELPER(fn, n, ret, fl)                                         \
    {.func = (void *)(fn), .name = #fn, .nargs = (n), .has_ret = (ret), .flags = (fl)}

/* The env pointer (CPU architectural state) as a value; pass it to helpers. */
extern TCGv tcg_env;

/* Temps, constants and globals. */
TCGv tcg_temp_new(void);
TCGv tcg_constant(int64_t val);                          /* read-only, interned */
TCGv tcg_global_mem_new(intptr_t env_offset, const char *name);  /* 64-bit field */
bool tcg_temp_is_const(TCGv t, int64_t *val);

/* Labels. */
TCGLabel *gen_new_label(void);
void gen_set_label(TCGLabel *l);

/* Moves. */
void tcg_gen_mov(TCGv ret, TCGv arg);
void tcg_gen_movi(TCGv ret, int64_t val);

/* Arithmetic and logic (64-bit). */
void tcg_gen_add(TCGv ret, TCGv a, TCGv b);
void tcg_gen_sub(TCGv ret, TCGv a, TCGv b);
void tcg_gen_mul(TCGv ret, TCGv a, TCGv b);
void tcg_gen_mulsh(TCGv ret, TCGv a, TCGv b);    /* high 64 bits of signed 128-bit product */
void tcg_gen_muluh(TCGv ret, TCGv a, TCGv b);    /* high 64 bits, unsigned */
void tcg_gen_and(TCGv ret, TCGv a, TCGv b);
void tcg_gen_or(TCGv ret, TCGv a, TCGv b);
void tcg_gen_xor(TCGv ret, TCGv a, TCGv b);
void tcg_gen_andc(TCGv ret, TCGv a, TCGv b);     /* a & ~b */
void tcg_gen_orc(TCGv ret, TCGv a, TCGv b);      /* a | ~b */
void tcg_gen_eqv(TCGv ret, TCGv a, TCGv b);      /* ~(a ^ b) */
void tcg_gen_neg(TCGv ret, TCGv a);
void tcg_gen_not(TCGv ret, TCGv a);
/* Shift counts are taken modulo 64. */
void tcg_gen_shl(TCGv ret, TCGv a, TCGv b);
void tcg_gen_shr(TCGv ret, TCGv a, TCGv b);
void tcg_gen_sar(TCGv ret, TCGv a, TCGv b);
void tcg_gen_rotl(TCGv ret, TCGv a, TCGv b);
void tcg_gen_rotr(TCGv ret, TCGv a, TCGv b);
/*
 * Division with total semantics (no host trap): x/0 = all ones (divu) or -1
 * (div); x%0 = x; INT64_MIN/-1 = INT64_MIN; INT64_MIN%-1 = 0.  These match
 * RISC-V; other front ends guard the cases they define differently.
 */
void tcg_gen_div(TCGv ret, TCGv a, TCGv b);
void tcg_gen_divu(TCGv ret, TCGv a, TCGv b);
void tcg_gen_rem(TCGv ret, TCGv a, TCGv b);
void tcg_gen_remu(TCGv ret, TCGv a, TCGv b);
void tcg_gen_clz(TCGv ret, TCGv a);              /* 64 for 0 */
void tcg_gen_ctz(TCGv ret, TCGv a);              /* 64 for 0 */
void tcg_gen_ctpop(TCGv ret, TCGv a);
void tcg_gen_bswap64(TCGv ret, TCGv a);

/* Immediate forms (the optimizer sees constants either way). */
void tcg_gen_addi(TCGv ret, TCGv a, int64_t imm);
void tcg_gen_subi(TCGv ret, TCGv a, int64_t imm);
void tcg_gen_muli(TCGv ret, TCGv a, int64_t imm);
void tcg_gen_andi(TCGv ret, TCGv a, int64_t imm);
void tcg_gen_ori(TCGv ret, TCGv a, int64_t imm);
void tcg_gen_xori(TCGv ret, TCGv a, int64_t imm);
void tcg_gen_shli(TCGv ret, TCGv a, unsigned sh);
void tcg_gen_shri(TCGv ret, TCGv a, unsigned sh);
void tcg_gen_sari(TCGv ret, TCGv a, unsigned sh);
void tcg_gen_rotli(TCGv ret, TCGv a, unsigned sh);
void tcg_gen_rotri(TCGv ret, TCGv a, unsigned sh);

/* Extensions of the low 8/16/32 bits. */
void tcg_gen_ext8s(TCGv ret, TCGv a);
void tcg_gen_ext8u(TCGv ret, TCGv a);
void tcg_gen_ext16s(TCGv ret, TCGv a);
void tcg_gen_ext16u(TCGv ret, TCGv a);
void tcg_gen_ext32s(TCGv ret, TCGv a);
void tcg_gen_ext32u(TCGv ret, TCGv a);
/* ret = (a & ~(mask << ofs)) | ((b & mask) << ofs), mask = 2^len - 1 */
void tcg_gen_deposit(TCGv ret, TCGv a, TCGv b, unsigned ofs, unsigned len);
void tcg_gen_extract(TCGv ret, TCGv a, unsigned ofs, unsigned len);
void tcg_gen_sextract(TCGv ret, TCGv a, unsigned ofs, unsigned len);

/* Comparisons and selects. */
void tcg_gen_setcond(TCGCond cond, TCGv ret, TCGv a, TCGv b);      /* 0 or 1 */
void tcg_gen_setcondi(TCGCond cond, TCGv ret, TCGv a, int64_t imm);
/* ret = cond(c1, c2) ? v1 : v2 */
void tcg_gen_movcond(TCGCond cond, TCGv ret, TCGv c1, TCGv c2, TCGv v1, TCGv v2);

/* Control flow inside a block. */
void tcg_gen_br(TCGLabel *l);
void tcg_gen_brcond(TCGCond cond, TCGv a, TCGv b, TCGLabel *l);
void tcg_gen_brcondi(TCGCond cond, TCGv a, int64_t imm, TCGLabel *l);

/* Host loads/stores relative to a pointer temp (env fields that are not globals). */
void tcg_gen_ld8u(TCGv ret, TCGv base, intptr_t ofs);
void tcg_gen_ld8s(TCGv ret, TCGv base, intptr_t ofs);
void tcg_gen_ld16u(TCGv ret, TCGv base, intptr_t ofs);
void tcg_gen_ld16s(TCGv ret, TCGv base, intptr_t ofs);
void tcg_gen_ld32u(TCGv ret, TCGv base, intptr_t ofs);
void tcg_gen_ld32s(TCGv ret, TCGv base, intptr_t ofs);
void tcg_gen_ld(TCGv ret, TCGv base, intptr_t ofs);       /* 64-bit */
void tcg_gen_st8(TCGv val, TCGv base, intptr_t ofs);
void tcg_gen_st16(TCGv val, TCGv base, intptr_t ofs);
void tcg_gen_st32(TCGv val, TCGv base, intptr_t ofs);
void tcg_gen_st(TCGv val, TCGv base, intptr_t ofs);       /* 64-bit */

/*
 * Guest memory through the soft-MMU (TLB fast path, fill/fault slow path).
 * mmu_idx selects the TLB (the target's privilege/translation regime).
 * A fault unwinds to the exception handler with the guest pc of the current
 * instruction restored (see tcg_gen_insn_start).
 */
void tcg_gen_qemu_ld(TCGv val, TCGv addr, int mmu_idx, MemOp op);
void tcg_gen_qemu_st(TCGv val, TCGv addr, int mmu_idx, MemOp op);

/* Helper calls; ret may be a temp, or ignored when the helper has no result. */
void tcg_gen_call0(const TCGHelperInfo *h, TCGv ret);
void tcg_gen_call1(const TCGHelperInfo *h, TCGv ret, TCGv a1);
void tcg_gen_call2(const TCGHelperInfo *h, TCGv ret, TCGv a1, TCGv a2);
void tcg_gen_call3(const TCGHelperInfo *h, TCGv ret, TCGv a1, TCGv a2, TCGv a3);
void tcg_gen_call4(const TCGHelperInfo *h, TCGv ret, TCGv a1, TCGv a2, TCGv a3, TCGv a4);
void tcg_gen_call5(const TCGHelperInfo *h, TCGv ret, TCGv a1, TCGv a2, TCGv a3, TCGv a4,
                   TCGv a5);
void tcg_gen_call6(const TCGHelperInfo *h, TCGv ret, TCGv a1, TCGv a2, TCGv a3, TCGv a4,
                   TCGv a5, TCGv a6);
/* A TCGv that means "no result" for calls of void helpers. */
extern const TCGv TCG_NO_RET;

/* Memory ordering (fence): orders guest memory ops across threads. */
void tcg_gen_mb(void);

/*
 * Instruction boundaries: before each guest instruction, record its pc and
 * one target-defined word.  On a fault in the middle of a block, the target's
 * restore_state_to_opc receives these two words for the faulting instruction.
 */
void tcg_gen_insn_start(uint64_t pc, uint64_t data1);

/*
 * Block exits.
 *  goto_tb(n): a direct jump slot (n = 0 or 1) patched to the next block when
 *    it is known; must be followed by the code that sets the guest pc and by
 *    exit_tb(tb, n) for the unchained case.
 *  exit_tb(tb, n): return to the execution loop with (tb | n) so it can chain
 *    slot n; exit_tb(NULL, 0) returns without chaining.
 *  lookup_and_goto_ptr(): indirect jump to the block for the current guest
 *    state (the per-CPU jump cache), or return to the loop on a miss.
 */
void tcg_gen_goto_tb(unsigned n);
void tcg_gen_exit_tb(const TranslationBlock *tb, unsigned n);
void tcg_gen_lookup_and_goto_ptr(void);
/*
 * lookup_and_goto_pc(pc, flags): lookup_and_goto_ptr when the translator
 * knows what the lookup will compute: pc is the guest pc (also already in
 * the target's pc global) and flags the target flags of the current state
 * (what get_tb_cpu_state returns at that point).  Back ends may then probe
 * the per-CPU jump cache in generated code and call the lookup only on a
 * miss; a wrong flags value would run a block translated for another state.
 */
void tcg_gen_lookup_and_goto_pc(TCGv pc, uint32_t flags);

#endif
