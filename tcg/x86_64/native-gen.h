/*
 * The native code generator's state, shared by its files (private to
 * tcg/x86_64/): native-regalloc.c (where values live), native-ops.c
 * (arithmetic, logic, compares, host memory), native-call.c (guest memory
 * with the soft-TLB fast path, helper calls and the host-FPU fast path),
 * native-gen.c (the op walk and the block layout).
 */
#ifndef TCG_X86_64_NATIVE_GEN_H
#define TCG_X86_64_NATIVE_GEN_H

#include "tcg/x86_64/native.h"
#include "tcg/x86_64/x86-emit.h"

extern const int nat_call_args[6];
#define CALLER_SAVED ((1u << RCX) | (1u << RDX) | (1u << RSI) | (1u << RDI) | \
                      (1u << R8) | (1u << R9) | (1u << R10))

#define T_DIRTY 1           /* register newer than the home */
#define T_SLOT 2            /* block temp: the frame slot holds the value */

typedef enum SlowKind { SLOW_LD, SLOW_ST, SLOW_FP } SlowKind;

#define SLOW_MAX_JUMPS 6

typedef struct SlowPath {
    SlowKind kind;
    bool store;
    int addr_reg, val_reg;  /* LD/ST; FP: val_reg = the result */
    MemOpIdx oi;
    size_t jcc_at;          /* rel32 of the fast path's miss branch */
    size_t ret_pos;         /* where the fast path resumes */
    unsigned save;          /* caller-saved registers live across the call */
    /* LD/ST: registers holding dirty globals at the access, and their homes:
     * written back before the call (a fault or MMIO needs env up to date;
     * the fast path leaves them in registers). */
    unsigned sync;
    int32_t sync_ofs[16];
    /* SLOW_FP: call fn(env, in[0], [in[1],] rm) */
    const void *fn;
    int nin, in[3];
    int64_t rm;
    int xmm_result;                 /* SLOW_FP: also leave the result in this XMM (-1: none) */
    unsigned xmm_save;              /* SLOW_FP: shadow XMMs live across the call */
    unsigned njumps;
    size_t jumps[SLOW_MAX_JUMPS];   /* rel32s into the call */
} SlowPath;

typedef struct Gen {
    TCGContext *s;
    TranslationBlock *tb;
    X86Emit e;
    size_t code_start;
    int cur;                /* index of the op being emitted */
    int8_t *treg;           /* temp -> host register, -1 */
    uint8_t *tflags;
    int32_t *tslot;
    int *last_use;
    /*
     * next_use[t]: index of the next op that uses t after the ops emitted
     * so far (INT_MAX: none), kept for temps as their ops are emitted from
     * arg_next (per op, per argument: the next op using that argument).
     */
    int *next_use;
    const int *arg_next;
    int reg_temp[16];       /* host register -> temp, -1 */
    unsigned locked;        /* registers the current op uses */
    unsigned reserved;      /* registers the current op clobbers */
    int nslots;
    bool too_many_slots;
    int64_t *label_pos;
    /* Branches to labels, bound at the end: (rel32 offset, label id);
     * at most one per op, so the array has room for nb_ops. */
    struct NatFixup {
        size_t at;
        TCGArg label;
    } *fixups;
    unsigned nfixups;
    GArray *slow;           /* SlowPath */
    NativeInsn *insns;      /* one per insn_start (room for nb_ops) */
    unsigned ninsns;
    size_t jmp_ofs[2];
    int64_t epi_pos;        /* the block's one copy of the epilogue, -1: none yet */
    /* A ld32 from env folded into the next brcond (fuse_env_test): the
     * temp it would have defined (-1: none) and the field's offset. */
    int fused_temp;
    int32_t fused_ofs;
    /*
     * Host-FPU shadows: XMM2-XMM15 keep copies of inline FP results (and
     * of the temps moved from them), in their low `bits` bits, so a later
     * inline op takes its operands from there instead of moving them from
     * GPRs (the GPR stays the value's home).  All are forgotten where code
     * that may clobber XMM registers runs (C calls, slow paths that
     * rejoin), where paths merge, and a temp's entry when it gets another
     * value.  Entries also record temps known to hold NaN-boxed singles
     * (inline single results, ORs with the box), whose check is skipped.
     */
    struct {
        int temp;
        int8_t xmm;         /* -1: no copy, only `boxed` */
        uint8_t bits;
        bool boxed;         /* the temp is a NaN-boxed single */
    } xshadow[32];
    int n_xshadow;
    int xmm_next;           /* round-robin over XMM2..XMM15 */
} Gen;

/* Load the operands of a comparison (constants as immediates). */
typedef struct CmpOps {
    int ra, rb;             /* rb < 0: immediate */
    int64_t imm;
    TCGCond cond;
} CmpOps;

static inline bool nat_is_global(Gen *g, unsigned t)
{
    return g->s->temps[t].kind == TEMP_GLOBAL;
}

static inline bool nat_is_const(Gen *g, unsigned t, int64_t *val)
{
    return tcg_temp_is_const_idx(t, val);
}

static inline bool nat_is_tb(Gen *g, unsigned t)
{
    return g->s->temps[t].kind == TEMP_TB;
}

int32_t nat_slot_disp(Gen *g, unsigned t);
void nat_load_home(Gen *g, unsigned t, int r);
bool nat_temp_live(Gen *g, unsigned t);
void nat_writeback_ex(Gen *g, int r, bool after_op);
void nat_writeback(Gen *g, int r);
void nat_detach(Gen *g, int r);
void nat_evict(Gen *g, int r);
int nat_alloc_reg(Gen *g);
int nat_in_reg(Gen *g, unsigned t);
void nat_set_out(Gen *g, unsigned t, int r);
void nat_reserve(Gen *g, int r);
bool nat_dest_in_place(Gen *g, unsigned d, unsigned a, int ra);
int nat_dest_from(Gen *g, unsigned d, unsigned a, int ra);
int nat_dest_reuse(Gen *g, unsigned d, unsigned a, int ra);
void nat_sync_globals(Gen *g);
void nat_drop_globals(Gen *g);
void nat_bb_end(Gen *g);
void nat_forget_all(Gen *g);
void nat_emit_epilogue(Gen *g);
void nat_emit_call_abs(Gen *g, const void *fn);
int nat_x86_cond(TCGCond c);
CmpOps nat_cmp_prepare(Gen *g, unsigned a, unsigned b, TCGCond cond);
void nat_cmp_emit(Gen *g, const CmpOps *c);
void nat_add_fixup(Gen *g, size_t at, TCGArg label);
void nat_gen_mov(Gen *g, unsigned d, unsigned a);
void nat_gen_arith(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b);
void nat_gen_logic_not(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b);
void nat_gen_shift(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b);
void nat_gen_div(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b);
void nat_gen_mulh(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b);
void nat_gen_unop(Gen *g, TCGOpcode opc, unsigned d, unsigned a);
void nat_gen_deposit(Gen *g, unsigned d, unsigned a, unsigned b, unsigned ofs, unsigned len);
void nat_gen_extract(Gen *g, bool sign, unsigned d, unsigned a, unsigned ofs, unsigned len);
void nat_gen_setcond(Gen *g, unsigned d, unsigned a, unsigned b, TCGCond cond);
void nat_gen_movcond(Gen *g, unsigned d, unsigned c1, unsigned c2, unsigned v1, unsigned v2, TCGCond cond);
void nat_gen_ldst(Gen *g, const TCGOp *op);
unsigned nat_live_caller_saved(Gen *g, int except);
void nat_gen_qemu_ldst(Gen *g, const TCGOp *op);
void nat_emit_slow_path(Gen *g, const SlowPath *sp);
void nat_gen_mxcsr_clear(X86Emit *e);
void nat_gen_fp_fold(X86Emit *e);
bool nat_gen_fp_inline(Gen *g, const TCGOp *op, const TCGHelperInfo *h);
void nat_xmm_before_op(Gen *g, const TCGOp *op);
void nat_gen_call(Gen *g, const TCGOp *op);
void nat_gen_op(Gen *g, const TCGOp *op);
void nat_release_dead(Gen *g, const TCGOp *op);

#endif
