/*
 * The IR as the optimizer and the back ends see it (private to tcg/ and
 * accel/tcg/): the temp table, the op list, labels, and the per-block
 * translation context.
 *
 * A block's IR is an array of TCGOp.  Each op has an opcode and up to
 * TCG_MAX_OP_ARGS 64-bit arguments: first the outputs (temp indices), then
 * the inputs (temp indices), then constant arguments (offsets, conditions,
 * label ids, pointers).  Temps are numbered: globals first (index 0 is env),
 * then the block's temporaries and interned constants.
 */
#ifndef TCG_TCG_H
#define TCG_TCG_H

#include "tcg/tcg-op.h"

typedef uint64_t TCGArg;

#define TCG_OPF_BB_END 0x01        /* control does not fall through (br, exit) */
#define TCG_OPF_BB_START 0x02      /* a branch target */
#define TCG_OPF_SIDE_EFFECTS 0x04  /* never removed as dead */
#define TCG_OPF_COND_BRANCH 0x08
#define TCG_OPF_SYNC_GLOBALS 0x10  /* globals must be in env memory here */
#define TCG_OPF_CALL 0x20
#define TCG_OPF_NOT_PRESENT 0x40

typedef enum TCGOpcode {
#define DEF(name, oargs, iargs, cargs, flags) INDEX_op_##name,
#include "tcg/tcg-opc.h"
#undef DEF
    NB_OPS,
} TCGOpcode;

typedef struct TCGOpDef {
    const char *name;
    uint8_t nb_oargs, nb_iargs, nb_cargs;
    uint8_t flags;
} TCGOpDef;

extern const TCGOpDef tcg_op_defs[NB_OPS];

typedef enum TCGTempKind {
    TEMP_FIXED,     /* env: the pointer to the CPU state, never written */
    TEMP_GLOBAL,    /* 64-bit field of env at mem_offset, lives across blocks */
    TEMP_TB,        /* a block-local temporary */
    TEMP_CONST,     /* an interned read-only constant */
} TCGTempKind;

typedef struct TCGTemp {
    TCGTempKind kind;
    int64_t val;           /* TEMP_CONST */
    intptr_t mem_offset;   /* TEMP_GLOBAL */
    const char *name;      /* globals and env */
} TCGTemp;

#define TCG_MAX_OP_ARGS 10      /* call: ret + 6 inputs + info */
#define TCG_MAX_HELPER_ARGS 6

typedef struct TCGOp {
    uint16_t opc;
    uint8_t nb_oargs, nb_iargs, nb_cargs;
    TCGArg args[TCG_MAX_OP_ARGS];
} TCGOp;

struct TCGLabel {
    unsigned id;
};

/* Exit values of a block: (TranslationBlock * | n).  n = 0/1: chain slot n;
 * TB_EXIT_REQUESTED: left at entry because cpu->exit_request was set. */
#define TB_EXIT_MASK 3
#define TB_EXIT_IDX0 0
#define TB_EXIT_IDX1 1
#define TB_EXIT_REQUESTED 3

/* qemu_ld/st constant argument: memop and mmu index together. */
typedef uint32_t MemOpIdx;
static inline MemOpIdx make_memop_idx(MemOp op, int mmu_idx)
{
    return ((uint32_t)mmu_idx << 8) | (uint32_t)op;
}
static inline MemOp get_memop(MemOpIdx oi)
{
    return (MemOp)(oi & 0xff);
}
static inline int get_mmuidx(MemOpIdx oi)
{
    return (int)(oi >> 8);
}

typedef struct TCGContext {
    /* Temps: [0, nb_globals) persist; the rest are reset per block. */
    TCGTemp *temps;
    unsigned nb_temps, nb_globals, temps_cap;
    /*
     * Constants of the block: int64 value -> temp, open addressing with
     * linear probing.  A slot belongs to the current block only when its
     * gen is const_gen, so starting a block is one increment, not a clear.
     */
    struct TCGConstSlot *const_slots;
    unsigned const_cap, const_count, const_gen;

    TCGOp *ops;
    unsigned nb_ops, ops_cap;

    /* By id; [nb_labels, labels_alloc) are allocated for later blocks. */
    struct TCGLabel **labels;
    unsigned nb_labels, labels_alloc, labels_cap;

    /* Set by the caller of the back end before code generation. */
    TranslationBlock *tb;      /* block being translated (NULL in IR tests) */
    ptrdiff_t env_tlb_offset;  /* env -> CPUTLB (0: no inline TLB fast path) */
    /* env -> the CPU's jump cache, TB_JMP_CACHE_SIZE TranslationBlock pointers
     * indexed by tb_jmp_cache_hash (0: no inline probe for lookup_and_goto_pc) */
    ptrdiff_t env_jmp_cache_offset;
    int nb_insns;              /* insn_start ops emitted */
} TCGContext;

extern TCGContext *tcg_ctx;

/* Lay out the context (idempotent).  Globals may be created before. */
void tcg_context_init(void);
/* Start a new block: drop the previous block's temps, constants, ops, labels. */
void tcg_func_start(void);

static inline TCGTemp *tcg_temp(unsigned idx)
{
    return &tcg_ctx->temps[idx];
}
static inline bool tcg_temp_is_const_idx(unsigned idx, int64_t *val)
{
    TCGTemp *t = tcg_temp(idx);

    if (t->kind == TEMP_CONST) {
        if (val) {
            *val = t->val;
        }
        return true;
    }
    return false;
}
/* Index of the interned constant val (creates it). */
unsigned tcg_const_idx(int64_t val);

/* Append an op; returns it so that the caller fills the arguments. */
TCGOp *tcg_emit_op(TCGOpcode opc);
void tcg_emit_op1c(TCGOpcode opc, TCGArg c0);
const TCGHelperInfo *tcg_call_info(const TCGOp *op);

/* Pure evaluation of one op's semantics (the optimizer folds with these). */
uint64_t tcg_eval_binop(TCGOpcode opc, uint64_t a, uint64_t b);
uint64_t tcg_eval_unop(TCGOpcode opc, uint64_t a);
/* Inline: the interpreter's branches evaluate it on every execution. */
static inline bool tcg_eval_cond(TCGCond cond, uint64_t a, uint64_t b)
{
    switch (cond) {
    case TCG_COND_NEVER: return false;
    case TCG_COND_ALWAYS: return true;
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return (int64_t)a < (int64_t)b;
    case TCG_COND_GE: return (int64_t)a >= (int64_t)b;
    case TCG_COND_LE: return (int64_t)a <= (int64_t)b;
    case TCG_COND_GT: return (int64_t)a > (int64_t)b;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return a >= b;
    case TCG_COND_LEU: return a <= b;
    case TCG_COND_GTU: return a > b;
    }
    return false;
}
TCGCond tcg_swap_cond(TCGCond c);     /* a op b == b swap(op) a */
TCGCond tcg_invert_cond(TCGCond c);   /* !(a op b) == a invert(op) b */

/* Passes: constant folding/copy propagation, then dead code removal. */
void tcg_optimize(TCGContext *s);
void tcg_liveness(TCGContext *s);
/* Remove INDEX_op_nop entries from the op array. */
void tcg_compact_ops(TCGContext *s);

/* -d op / -d op_opt text, QEMU-like (" add_i64 tmp2,x5,tmp1"). */
void tcg_dump_ops(TCGContext *s, FILE *f);
/* Name of a temp for the dump (buf of at least 32 bytes). */
const char *tcg_temp_name(TCGContext *s, unsigned idx, char *buf, size_t len);

#endif
