/*
 * IR -> x86_64 code for one block, with a local register allocator.
 *
 * Register allocation works op by op over the block.  Every temp has a
 * home: a global its env field ([RBP + offset]), a block temp a frame
 * slot ([RSP + 8 * slot], given on its first spill), a constant its
 * value.  A temp may also sit in a host register, clean (equal to its
 * home) or dirty.  Registers are taken lazily, freed at a temp's last use
 * and evicted (cleanest first) when none is free.  Where tcg-op.h asks
 * for globals in memory (guest memory accesses that may fault, helper
 * calls, block exits) dirty globals are written back; at branches and
 * labels (basic-block boundaries) every live value goes home, so that all
 * paths into a label agree: everything is in memory there.
 *
 * RBP holds env, RAX and R11 are scratch, the other 12 registers are
 * allocated (callee-saved ones first, as they survive helper calls).
 */
#include "tcg/x86_64/native.h"
#include "tcg/x86_64/x86-emit.h"

static const int alloc_order[] = {
    RBX, R12, R13, R14, R15, RSI, RDI, R8, R9, R10, RCX, RDX,
};
#define CALLER_SAVED ((1u << RCX) | (1u << RDX) | (1u << RSI) | (1u << RDI) | \
                      (1u << R8) | (1u << R9) | (1u << R10))
static const int call_args[6] = {RDI, RSI, RDX, RCX, R8, R9};

#define T_DIRTY 1           /* register newer than the home */
#define T_SLOT 2            /* block temp: the frame slot holds the value */

typedef struct SlowPath {
    bool store;
    int addr_reg, val_reg;
    MemOpIdx oi;
    size_t jcc_at;          /* rel32 of the fast path's miss branch */
    size_t ret_pos;         /* where the fast path resumes */
    unsigned save;          /* caller-saved registers live across the call */
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
    int reg_temp[16];       /* host register -> temp, -1 */
    unsigned locked;        /* registers the current op uses */
    unsigned reserved;      /* registers the current op clobbers */
    int nslots;
    bool too_many_slots;
    int64_t *label_pos;
    GArray *fixups;         /* pairs (rel32 offset, label id) */
    GArray *slow;           /* SlowPath */
    GArray *insns;          /* NativeInsn */
    size_t jmp_ofs[2];
} Gen;

static bool is_global(Gen *g, unsigned t)
{
    return g->s->temps[t].kind == TEMP_GLOBAL;
}

static bool is_const(Gen *g, unsigned t, int64_t *val)
{
    return tcg_temp_is_const_idx(t, val);
}

static bool is_tb(Gen *g, unsigned t)
{
    return g->s->temps[t].kind == TEMP_TB;
}

/* ---- frame slots and homes ---- */

static int32_t slot_disp(Gen *g, unsigned t)
{
    if (g->tslot[t] < 0) {
        if (g->nslots >= NATIVE_FRAME_SLOTS) {
            g->too_many_slots = true;       /* gen_code answers -2 */
            return 0;
        }
        g->tslot[t] = g->nslots++;
    }
    return g->tslot[t] * 8;
}

static void load_home(Gen *g, unsigned t, int r)
{
    int64_t v;

    if (is_const(g, t, &v)) {
        x_movi(&g->e, r, (uint64_t)v);
    } else if (is_global(g, t)) {
        x_rm(&g->e, OPC_W | OP_MOV_GvEv, r, RBP, -1, (int32_t)g->s->temps[t].mem_offset);
    } else if (g->tflags[t] & T_SLOT) {
        x_rm(&g->e, OPC_W | OP_MOV_GvEv, r, RSP, -1, slot_disp(g, t));
    } else {
        /* Read before any write on this path: the IR leaves it undefined. */
        x_movi(&g->e, r, 0);
    }
}

/* Still needed at or after the current op (its inputs may not be loaded yet). */
static bool temp_live(Gen *g, unsigned t)
{
    return g->last_use[t] >= g->cur;
}

/*
 * Write a register's value home if the home is stale and still needed;
 * after_op: only uses after the current op count (its operands are
 * already in locked registers).
 */
static void writeback_ex(Gen *g, int r, bool after_op)
{
    int t = g->reg_temp[r];

    if (t < 0 || !(g->tflags[t] & T_DIRTY)) {
        return;
    }
    if (is_global(g, t)) {
        x_rm(&g->e, OPC_W | OP_MOV_EvGv, r, RBP, -1, (int32_t)g->s->temps[t].mem_offset);
    } else if (is_tb(g, t) && (after_op ? g->last_use[t] > g->cur : temp_live(g, t))) {
        x_rm(&g->e, OPC_W | OP_MOV_EvGv, r, RSP, -1, slot_disp(g, t));
        g->tflags[t] |= T_SLOT;
    }
    g->tflags[t] &= ~T_DIRTY;
}

static void writeback(Gen *g, int r)
{
    writeback_ex(g, r, false);
}

static void detach(Gen *g, int r)
{
    int t = g->reg_temp[r];

    if (t >= 0) {
        g->treg[t] = -1;
        g->reg_temp[r] = -1;
    }
}

static void evict(Gen *g, int r)
{
    writeback(g, r);
    detach(g, r);
}

static int alloc_reg(Gen *g)
{
    unsigned busy = g->locked | g->reserved;
    int victim = -1;

    for (unsigned i = 0; i < ARRAY_SIZE(alloc_order); i++) {
        int r = alloc_order[i];
        if (!(busy & (1u << r)) && g->reg_temp[r] < 0) {
            g->locked |= 1u << r;
            return r;
        }
    }
    /* None free: a clean or dead value costs nothing to drop. */
    for (unsigned i = 0; i < ARRAY_SIZE(alloc_order); i++) {
        int r = alloc_order[i];
        int t = g->reg_temp[r];
        if (busy & (1u << r)) {
            continue;
        }
        if (victim < 0) {
            victim = r;
        }
        if (!(g->tflags[t] & T_DIRTY) || (is_tb(g, t) && !temp_live(g, t))) {
            victim = r;
            break;
        }
    }
    assert(victim >= 0);
    evict(g, victim);
    g->locked |= 1u << victim;
    return victim;
}

/* The register holding t (loaded if needed), locked for the current op. */
static int in_reg(Gen *g, unsigned t)
{
    int r;

    if (t == 0) {
        return RBP;                 /* env */
    }
    if (g->treg[t] >= 0) {
        g->locked |= 1u << g->treg[t];
        return g->treg[t];
    }
    r = alloc_reg(g);
    load_home(g, t, r);
    g->treg[t] = (int8_t)r;
    g->reg_temp[r] = (int)t;
    g->tflags[t] &= ~T_DIRTY;
    return r;
}

/* t now lives in r (dirty); whatever r held before is gone. */
static void set_out(Gen *g, unsigned t, int r)
{
    int old = g->treg[t];

    assert(t != 0);
    if (old >= 0 && old != r) {
        g->reg_temp[old] = -1;
    }
    if (g->reg_temp[r] >= 0 && g->reg_temp[r] != (int)t) {
        g->treg[g->reg_temp[r]] = -1;
    }
    g->reg_temp[r] = (int)t;
    g->treg[t] = (int8_t)r;
    g->tflags[t] = T_DIRTY;
    g->locked |= 1u << r;
}

/* Make r free (its value goes home) and keep the allocator off it. */
static void reserve(Gen *g, int r)
{
    evict(g, r);
    g->reserved |= 1u << r;
}

/* A register for d = f(a, ...) computed in place: a's own when a dies here. */
static int dest_from(Gen *g, unsigned d, unsigned a, int ra)
{
    int64_t v;

    if (ra != RBP && (a == d || ((is_tb(g, a) || is_const(g, a, &v)) &&
                                 g->last_use[a] <= g->cur))) {
        return ra;
    }
    {
        int rd = alloc_reg(g);
        x_mov_rr(&g->e, rd, ra);
        return rd;
    }
}

static void sync_globals(Gen *g)
{
    for (int r = 0; r < 16; r++) {
        int t = g->reg_temp[r];
        if (t >= 0 && is_global(g, t)) {
            writeback(g, r);
        }
    }
}

static void drop_globals(Gen *g)
{
    for (int r = 0; r < 16; r++) {
        int t = g->reg_temp[r];
        if (t >= 0 && is_global(g, t)) {
            evict(g, r);
        }
    }
}

/* A basic block ends: every live value goes home (registers stay valid). */
static void bb_end(Gen *g)
{
    for (int r = 0; r < 16; r++) {
        if (g->reg_temp[r] >= 0) {
            writeback_ex(g, r, true);
        }
    }
}

static void forget_all(Gen *g)
{
    for (int r = 0; r < 16; r++) {
        detach(g, r);
    }
}

/* ---- pieces of code ---- */

static void emit_epilogue(Gen *g)
{
    X86Emit *e = &g->e;

    x_arith_ri(e, ARITH_ADD, RSP, NATIVE_FRAME_BYTES + 8);
    x_pop(e, R15);
    x_pop(e, R14);
    x_pop(e, R13);
    x_pop(e, R12);
    x_pop(e, RBX);
    x_pop(e, RBP);
    x_b(e, 0xc3);
}

static void emit_call_abs(Gen *g, const void *fn)
{
    x_movi(&g->e, RAX, (uint64_t)(uintptr_t)fn);
    x_call_r(&g->e, RAX);
}

static int x86_cond(TCGCond c)
{
    switch (c) {
    case TCG_COND_EQ: return CC_E;
    case TCG_COND_NE: return CC_NE;
    case TCG_COND_LT: return CC_L;
    case TCG_COND_GE: return CC_GE;
    case TCG_COND_LE: return CC_LE;
    case TCG_COND_GT: return CC_G;
    case TCG_COND_LTU: return CC_B;
    case TCG_COND_GEU: return CC_AE;
    case TCG_COND_LEU: return CC_BE;
    case TCG_COND_GTU: return CC_A;
    default: g_assert_not_reached();
    }
}

/* Load the operands of a comparison (constants as immediates). */
typedef struct CmpOps {
    int ra, rb;             /* rb < 0: immediate */
    int64_t imm;
    TCGCond cond;
} CmpOps;

static CmpOps cmp_prepare(Gen *g, unsigned a, unsigned b, TCGCond cond)
{
    CmpOps c = {.cond = cond};
    int64_t v;

    if (is_const(g, a, NULL) && !is_const(g, b, NULL)) {
        unsigned t = a;
        a = b;
        b = t;
        c.cond = tcg_swap_cond(cond);
    }
    c.ra = in_reg(g, a);
    if (is_const(g, b, &v) && fits_i32(v)) {
        c.rb = -1;
        c.imm = v;
    } else {
        c.rb = in_reg(g, b);
    }
    return c;
}

static void cmp_emit(Gen *g, const CmpOps *c)
{
    if (c->rb >= 0) {
        x_rr(&g->e, OPC_W | OP_CMP_GvEv, c->ra, c->rb);
    } else if (c->imm == 0) {
        x_rr(&g->e, OPC_W | OP_TEST_EvGv, c->ra, c->ra);   /* same flags as cmp $0 */
    } else {
        x_arith_ri(&g->e, ARITH_CMP, c->ra, (int32_t)c->imm);
    }
}

static void add_fixup(Gen *g, size_t at, TCGArg label)
{
    uint64_t f[2] = {at, label};

    g_array_append_vals(g->fixups, f, 2);
}

/* ---- op emitters ---- */

static void gen_mov(Gen *g, unsigned d, unsigned a)
{
    int64_t v;
    int rd;

    if (d == a) {
        return;
    }
    if (is_const(g, a, &v)) {
        rd = g->treg[d] >= 0 ? g->treg[d] : alloc_reg(g);
        x_movi(&g->e, rd, (uint64_t)v);
        set_out(g, d, rd);
        return;
    }
    if (is_tb(g, a) && g->treg[a] >= 0 && g->last_use[a] <= g->cur) {
        set_out(g, d, g->treg[a]);          /* a dies: d takes its register */
        return;
    }
    {
        int ra = in_reg(g, a);
        rd = alloc_reg(g);
        x_mov_rr(&g->e, rd, ra);
        set_out(g, d, rd);
    }
}

/* add, sub, and, or, xor with an immediate form; mul. */
static void gen_arith(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b)
{
    static const struct { uint8_t rr, ext; bool commutes; } tab[NB_OPS] = {
        [INDEX_op_add] = {OP_ADD_GvEv, ARITH_ADD, true},
        [INDEX_op_sub] = {OP_SUB_GvEv, ARITH_SUB, false},
        [INDEX_op_and] = {OP_AND_GvEv, ARITH_AND, true},
        [INDEX_op_or] = {OP_OR_GvEv, ARITH_OR, true},
        [INDEX_op_xor] = {OP_XOR_GvEv, ARITH_XOR, true},
    };
    bool mul = opc == INDEX_op_mul;
    bool commutes = mul || tab[opc].commutes;
    int64_t v;
    int ra, rd;

    if (commutes && is_const(g, a, NULL) && !is_const(g, b, NULL)) {
        unsigned t = a;
        a = b;
        b = t;
    }
    if (commutes && b == d && a != d) {
        unsigned t = a;         /* compute in place into d's register */
        a = b;
        b = t;
    }
    ra = in_reg(g, a);
    if (is_const(g, b, &v) && fits_i32(v)) {
        rd = dest_from(g, d, a, ra);
        if (mul) {
            x_rr(&g->e, OPC_W | OP_IMUL_GvEvIz, rd, rd);
            x_d(&g->e, (uint32_t)v);
        } else {
            x_arith_ri(&g->e, tab[opc].ext, rd, (int32_t)v);
        }
    } else {
        int rb = in_reg(g, b);
        rd = dest_from(g, d, a, ra);
        x_rr(&g->e, OPC_W | (mul ? OP_IMUL_GvEv : tab[opc].rr), rd, rb);
    }
    set_out(g, d, rd);
}

/* andc, orc, eqv: r11 = f(b), then combine. */
static void gen_logic_not(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b)
{
    int ra = in_reg(g, a), rb = in_reg(g, b), rd;

    x_mov_rr(&g->e, R11, rb);
    if (opc != INDEX_op_eqv) {
        x_rr(&g->e, OPC_W | OP_GRP3_Ev, EXT3_NOT, R11);
    }
    rd = dest_from(g, d, a, ra);
    x_rr(&g->e, OPC_W | (opc == INDEX_op_orc ? OP_OR_GvEv :
                         opc == INDEX_op_andc ? OP_AND_GvEv : OP_XOR_GvEv), rd, R11);
    if (opc == INDEX_op_eqv) {
        x_rr(&g->e, OPC_W | OP_GRP3_Ev, EXT3_NOT, rd);
    }
    set_out(g, d, rd);
}

static void gen_shift(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b)
{
    int ext = opc == INDEX_op_shl ? SHIFT_SHL : opc == INDEX_op_shr ? SHIFT_SHR :
              opc == INDEX_op_sar ? SHIFT_SAR : opc == INDEX_op_rotl ? SHIFT_ROL : SHIFT_ROR;
    int64_t v;
    int ra, rd;

    if (is_const(g, b, &v)) {
        ra = in_reg(g, a);
        rd = dest_from(g, d, a, ra);
        if (v & 63) {
            x_shift_ri(&g->e, ext, rd, (unsigned)v & 63);
        }
        set_out(g, d, rd);
        return;
    }
    /* Variable counts live in CL; x86 masks them to 6 bits as the IR wants. */
    reserve(g, RCX);
    x_mov_rr(&g->e, RCX, in_reg(g, b));
    ra = in_reg(g, a);
    rd = dest_from(g, d, a, ra);
    x_rr(&g->e, OPC_W | OP_SHIFT_EvCL, ext, rd);
    set_out(g, d, rd);
}

static size_t x_jcc8(X86Emit *e, int cc)
{
    x_b(e, (uint8_t)(0x70 + cc));
    x_b(e, 0);
    return e->pos - 1;
}

static size_t x_jmp8(X86Emit *e)
{
    x_b(e, 0xeb);
    x_b(e, 0);
    return e->pos - 1;
}

static void x_bind8(X86Emit *e, size_t at)
{
    int64_t d = (int64_t)e->pos - (int64_t)(at + 1);

    assert(fits_i8(d));
    if (at < e->size) {
        e->buf[at] = (uint8_t)d;
    }
}

/*
 * Division with the IR's total semantics (tcg-op.h, the RISC-V "M" table):
 * x/0 = -1 (all ones), x%0 = x, INT64_MIN/-1 = INT64_MIN, INT64_MIN%-1 = 0.
 * The cases that would trap on x86 (#DE) are branched around.
 */
static void gen_div(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b)
{
    X86Emit *e = &g->e;
    bool sign = opc == INDEX_op_div || opc == INDEX_op_rem;
    bool rem = opc == INDEX_op_rem || opc == INDEX_op_remu;
    size_t to_m1 = 0, to_zero, to_div, done2 = 0;
    int rd;

    reserve(g, RDX);
    x_mov_rr(e, RAX, in_reg(g, a));
    x_mov_rr(e, R11, in_reg(g, b));
    if (sign) {
        x_arith_ri(e, ARITH_CMP, R11, -1);
        to_m1 = x_jcc8(e, CC_NE);
        if (rem) {
            x_movi(e, RAX, 0);
        } else {
            x_rr(e, OPC_W | OP_GRP3_Ev, EXT3_NEG, RAX);   /* INT64_MIN stays */
        }
        done2 = x_jmp8(e);
        x_bind8(e, to_m1);
    }
    x_rr(e, OPC_W | OP_TEST_EvGv, R11, R11);
    to_div = x_jcc8(e, CC_NE);
    if (!rem) {
        x_movi(e, RAX, UINT64_MAX);         /* x / 0 */
    }                                       /* x % 0 = x: RAX already */
    to_zero = x_jmp8(e);
    x_bind8(e, to_div);
    if (sign) {
        x_b(e, 0x48);
        x_b(e, 0x99);                       /* cqo */
    } else {
        x_movi(e, RDX, 0);
    }
    x_rr(e, OPC_W | OP_GRP3_Ev, sign ? EXT3_IDIV : EXT3_DIV, R11);
    if (rem) {
        x_mov_rr(e, RAX, RDX);
    }
    x_bind8(e, to_zero);
    if (sign) {
        x_bind8(e, done2);
    }
    rd = alloc_reg(g);
    x_mov_rr(e, rd, RAX);
    set_out(g, d, rd);
}

static void gen_mulh(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b)
{
    int rb, rd;

    reserve(g, RDX);
    rb = in_reg(g, b);
    x_mov_rr(&g->e, RAX, in_reg(g, a));
    x_rr(&g->e, OPC_W | OP_GRP3_Ev, opc == INDEX_op_mulsh ? EXT3_IMUL : EXT3_MUL, rb);
    rd = alloc_reg(g);
    x_mov_rr(&g->e, rd, RDX);
    set_out(g, d, rd);
}

static void gen_unop(Gen *g, TCGOpcode opc, unsigned d, unsigned a)
{
    X86Emit *e = &g->e;
    int ra = in_reg(g, a), rd;

    switch (opc) {
    case INDEX_op_neg:
    case INDEX_op_not:
        rd = dest_from(g, d, a, ra);
        x_rr(e, OPC_W | OP_GRP3_Ev, opc == INDEX_op_neg ? EXT3_NEG : EXT3_NOT, rd);
        break;
    case INDEX_op_bswap64:
        rd = dest_from(g, d, a, ra);
        x_opc(e, OPC_W | OPC_0F | (0xc8 + (rd & 7)), 0, 0, rd);
        break;
    case INDEX_op_clz:
        /* bsr leaves ZF set for 0: then -1, so that 63 - (-1) = 64. */
        x_rr(e, OPC_W | OP_BSR, R11, ra);
        x_movi(e, RAX, UINT64_MAX);
        x_rr(e, OPC_W | OP_CMOVCC | CC_E, R11, RAX);
        rd = alloc_reg(g);
        x_movi(e, rd, 63);
        x_rr(e, OPC_W | OP_SUB_GvEv, rd, R11);
        break;
    case INDEX_op_ctz:
        x_rr(e, OPC_W | OP_BSF, R11, ra);
        x_movi(e, RAX, 64);
        x_rr(e, OPC_W | OP_CMOVCC | CC_E, R11, RAX);
        rd = alloc_reg(g);
        x_mov_rr(e, rd, R11);
        break;
    case INDEX_op_ctpop:
        rd = alloc_reg(g);
        x_rr(e, OPC_W | OP_POPCNT, rd, ra);
        break;
    case INDEX_op_ext8s:
    case INDEX_op_ext8u:
        rd = alloc_reg(g);
        x_rr(e, OPC_BYTE | (opc == INDEX_op_ext8s ? OPC_W | OP_MOVSBL : OP_MOVZBL), rd, ra);
        break;
    case INDEX_op_ext16s:
    case INDEX_op_ext16u:
        rd = alloc_reg(g);
        x_rr(e, opc == INDEX_op_ext16s ? OPC_W | OP_MOVSWL : OP_MOVZWL, rd, ra);
        break;
    case INDEX_op_ext32s:
        rd = alloc_reg(g);
        x_rr(e, OPC_W | OP_MOVSXD, rd, ra);
        break;
    case INDEX_op_ext32u:
        rd = alloc_reg(g);
        x_rr(e, OP_MOV_GvEv, rd, ra);       /* 32-bit mov zero-extends */
        break;
    default:
        g_assert_not_reached();
    }
    set_out(g, d, rd);
}

/* deposit d, a, b, ofs, len: d = (a & ~(mask << ofs)) | ((b & mask) << ofs) */
static void gen_deposit(Gen *g, unsigned d, unsigned a, unsigned b, unsigned ofs, unsigned len)
{
    X86Emit *e = &g->e;
    uint64_t mask = len >= 64 ? UINT64_MAX : (1ULL << len) - 1;
    int ra = in_reg(g, a), rb = in_reg(g, b), rd;

    x_mov_rr(e, R11, rb);
    if (len < 64) {
        x_shift_ri(e, SHIFT_SHL, R11, 64 - len);        /* keep len bits, at the top */
        x_shift_ri(e, SHIFT_SHR, R11, 64 - len - ofs);  /* then down to ofs */
    }
    x_movi(e, RAX, ~(mask << ofs));
    x_rr(e, OPC_W | OP_AND_GvEv, RAX, ra);
    x_rr(e, OPC_W | OP_OR_GvEv, RAX, R11);
    rd = alloc_reg(g);
    x_mov_rr(e, rd, RAX);
    set_out(g, d, rd);
}

static void gen_extract(Gen *g, bool sign, unsigned d, unsigned a, unsigned ofs, unsigned len)
{
    int ra = in_reg(g, a);
    int rd = dest_from(g, d, a, ra);

    if (ofs + len < 64) {
        x_shift_ri(&g->e, SHIFT_SHL, rd, 64 - ofs - len);
    }
    if (len < 64) {
        x_shift_ri(&g->e, sign ? SHIFT_SAR : SHIFT_SHR, rd, 64 - len);
    }
    set_out(g, d, rd);
}

static void gen_setcond(Gen *g, unsigned d, unsigned a, unsigned b, TCGCond cond)
{
    CmpOps c;
    int rd;

    if (cond == TCG_COND_NEVER || cond == TCG_COND_ALWAYS) {
        rd = alloc_reg(g);
        x_movi(&g->e, rd, cond == TCG_COND_ALWAYS);
        set_out(g, d, rd);
        return;
    }
    c = cmp_prepare(g, a, b, cond);
    rd = alloc_reg(g);
    cmp_emit(g, &c);
    x_rr(&g->e, OP_SETCC | x86_cond(c.cond), 0, R11);
    x_rr(&g->e, OP_MOVZBL, rd, R11);
    set_out(g, d, rd);
}

static void gen_movcond(Gen *g, unsigned d, unsigned c1, unsigned c2, unsigned v1,
                        unsigned v2, TCGCond cond)
{
    CmpOps c;
    int r1, rd;

    if (cond == TCG_COND_NEVER || cond == TCG_COND_ALWAYS) {
        gen_mov(g, d, cond == TCG_COND_ALWAYS ? v1 : v2);
        return;
    }
    c = cmp_prepare(g, c1, c2, cond);
    r1 = in_reg(g, v1);
    x_mov_rr(&g->e, R11, in_reg(g, v2));
    rd = alloc_reg(g);
    cmp_emit(g, &c);
    x_rr(&g->e, OPC_W | OP_CMOVCC | x86_cond(c.cond), R11, r1);
    x_mov_rr(&g->e, rd, R11);
    set_out(g, d, rd);
}

/* Host loads and stores relative to a pointer temp. */
static void gen_ldst(Gen *g, const TCGOp *op)
{
    X86Emit *e = &g->e;
    bool store = op->nb_oargs == 0;
    unsigned base = (unsigned)op->args[1];
    int64_t ofs = (int64_t)op->args[2];
    int rb, rd;
    unsigned size;

    switch (op->opc) {
    case INDEX_op_ld8u: case INDEX_op_ld8s: case INDEX_op_st8: size = 1; break;
    case INDEX_op_ld16u: case INDEX_op_ld16s: case INDEX_op_st16: size = 2; break;
    case INDEX_op_ld32u: case INDEX_op_ld32s: case INDEX_op_st32: size = 4; break;
    default: size = 8; break;
    }
    if (base == 0) {
        /* The field may be a global cached in a register. */
        for (int r = 0; r < 16; r++) {
            int t = g->reg_temp[r];
            if (t >= 0 && is_global(g, t)) {
                int64_t go = g->s->temps[t].mem_offset;
                if (ofs < go + 8 && go < ofs + (int64_t)size) {
                    if (store) {
                        evict(g, r);
                    } else {
                        writeback(g, r);
                    }
                }
            }
        }
    }
    rb = in_reg(g, base);
    if (!fits_i32(ofs)) {
        x_movi(e, R11, (uint64_t)ofs);
        x_rr(e, OPC_W | OP_ADD_GvEv, R11, rb);
        rb = R11;
        ofs = 0;
    }
    if (store) {
        int rv = in_reg(g, (unsigned)op->args[0]);
        static const unsigned st_opc[] = {
            [1] = OPC_BYTE | OP_MOV_EbGb, [2] = OPC_66 | OP_MOV_EvGv,
            [4] = OP_MOV_EvGv, [8] = OPC_W | OP_MOV_EvGv,
        };
        x_rm(e, st_opc[size], rv, rb, -1, (int32_t)ofs);
        return;
    }
    rd = alloc_reg(g);
    switch (op->opc) {
    case INDEX_op_ld8u: x_rm(e, OP_MOVZBL, rd, rb, -1, (int32_t)ofs); break;
    case INDEX_op_ld8s: x_rm(e, OPC_W | OP_MOVSBL, rd, rb, -1, (int32_t)ofs); break;
    case INDEX_op_ld16u: x_rm(e, OP_MOVZWL, rd, rb, -1, (int32_t)ofs); break;
    case INDEX_op_ld16s: x_rm(e, OPC_W | OP_MOVSWL, rd, rb, -1, (int32_t)ofs); break;
    case INDEX_op_ld32u: x_rm(e, OP_MOV_GvEv, rd, rb, -1, (int32_t)ofs); break;
    case INDEX_op_ld32s: x_rm(e, OPC_W | OP_MOVSXD, rd, rb, -1, (int32_t)ofs); break;
    default: x_rm(e, OPC_W | OP_MOV_GvEv, rd, rb, -1, (int32_t)ofs); break;
    }
    set_out(g, (unsigned)op->args[0], rd);
}

/* Caller-saved registers holding values (to preserve around a slow path). */
static unsigned live_caller_saved(Gen *g, int except)
{
    unsigned m = 0;

    for (int r = 0; r < 16; r++) {
        if (r != except && g->reg_temp[r] >= 0 && (CALLER_SAVED & (1u << r))) {
            m |= 1u << r;
        }
    }
    return m;
}

/*
 * Guest memory: the inline soft-TLB probe (accel/tcg/cpu.h CPUTLBEntry,
 * docs/architecture.md): entry = tlb[mmu_idx][(addr >> 12) & 255]; one
 * compare of addr & (page mask | size - 1) with the tag checks the page,
 * the flag bits (MMIO, notdirty, invalid) and natural alignment; a hit
 * adds the addend.  Anything else runs the slow path out of line.
 */
static void gen_qemu_ldst(Gen *g, const TCGOp *op)
{
    X86Emit *e = &g->e;
    bool store = op->opc == INDEX_op_qemu_st;
    MemOpIdx oi = (MemOpIdx)op->args[2];
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop);
    SlowPath sp = {.store = store, .oi = oi};
    int ra, rv = -1, rd = -1;

    sync_globals(g);        /* a fault leaves with env up to date */
    ra = in_reg(g, (unsigned)op->args[1]);
    if (store) {
        rv = in_reg(g, (unsigned)op->args[0]);
    } else {
        rd = alloc_reg(g);
    }
    sp.addr_reg = ra;
    sp.val_reg = store ? rv : rd;
    sp.save = live_caller_saved(g, store ? -1 : rd);
    if (g->s->env_tlb_offset == 0 || (mop & MO_BSWAP)) {
        sp.jcc_at = x_jmp32(e);
    } else {
        int64_t base = g->s->env_tlb_offset +
                       (int64_t)get_mmuidx(oi) * CPU_TLB_SIZE * (int64_t)sizeof(CPUTLBEntry);
        int32_t tag_ofs = store ? offsetof(CPUTLBEntry, addr_write)
                                : offsetof(CPUTLBEntry, addr_read);

        _Static_assert(sizeof(CPUTLBEntry) == 32, "the index math shifts by 5");
        assert(fits_i32(base));
        x_mov_rr(e, R11, ra);
        x_shift_ri(e, SHIFT_SHR, R11, TARGET_PAGE_BITS - 5);
        x_rr(e, OP_GRP1_EvIz, ARITH_AND, R11);          /* and r11d: zero-extends */
        x_d(e, (CPU_TLB_SIZE - 1) << 5);
        x_rm(e, OPC_W | OP_LEA, R11, RBP, R11, (int32_t)base);
        x_mov_rr(e, RAX, ra);
        x_arith_ri(e, ARITH_AND, RAX, (int32_t)(TARGET_PAGE_MASK | (size - 1)));
        x_rm(e, OPC_W | OP_CMP_GvEv, RAX, R11, -1, tag_ofs);
        sp.jcc_at = x_jcc32(e, CC_NE);
        x_rm(e, OPC_W | OP_MOV_GvEv, R11, R11, -1, offsetof(CPUTLBEntry, addend));
        if (store) {
            static const unsigned st_opc[] = {
                [1] = OPC_BYTE | OP_MOV_EbGb, [2] = OPC_66 | OP_MOV_EvGv,
                [4] = OP_MOV_EvGv, [8] = OPC_W | OP_MOV_EvGv,
            };
            x_rm(e, st_opc[size], rv, ra, R11, 0);
        } else {
            unsigned opc;
            switch (mop & (MO_SIZE | MO_SIGN)) {
            case MO_UB: opc = OP_MOVZBL; break;
            case MO_SB: opc = OPC_W | OP_MOVSBL; break;
            case MO_UW: opc = OP_MOVZWL; break;
            case MO_SW: opc = OPC_W | OP_MOVSWL; break;
            case MO_UL: opc = OP_MOV_GvEv; break;
            case MO_SL: opc = OPC_W | OP_MOVSXD; break;
            default: opc = OPC_W | OP_MOV_GvEv; break;
            }
            x_rm(e, opc, rd, ra, R11, 0);
        }
    }
    sp.ret_pos = e->pos;
    g_array_append_val(g->slow, sp);
    if (!store) {
        set_out(g, (unsigned)op->args[0], rd);
    }
}

static void emit_slow_path(Gen *g, const SlowPath *sp)
{
    X86Emit *e = &g->e;
    int n = 0;
    size_t lea;

    x_bind(e, sp->jcc_at, e->pos);
    for (int r = 0; r < 16; r++) {
        if (sp->save & (1u << r)) {
            x_push(e, r);
            n++;
        }
    }
    if (n & 1) {
        x_arith_ri(e, ARITH_SUB, RSP, 8);   /* keep RSP 16-byte aligned */
    }
    if (sp->store) {
        /* Through the stack: addr and val may sit in each other's argument registers. */
        x_push(e, sp->addr_reg);
        x_push(e, sp->val_reg);
        x_pop(e, RDX);
        x_pop(e, RSI);
        x_mov_rr(e, RDI, RBP);
        x_movi(e, RCX, sp->oi);
        lea = x_lea_rip(e, R8);
        x_movi(e, R9, (uint64_t)(uintptr_t)g->tb);
        emit_call_abs(g, (const void *)native_st_slow);
    } else {
        x_mov_rr(e, RSI, sp->addr_reg);
        x_mov_rr(e, RDI, RBP);
        x_movi(e, RDX, sp->oi);
        lea = x_lea_rip(e, RCX);
        emit_call_abs(g, (const void *)tcg_runtime.qemu_ld);
    }
    /* ra = the fast path's resume point: find_insn looks at ra - 1, inside it. */
    x_bind(e, lea, sp->ret_pos);
    if (n & 1) {
        x_arith_ri(e, ARITH_ADD, RSP, 8);
    }
    for (int r = 15; r >= 0; r--) {
        if (sp->save & (1u << r)) {
            x_pop(e, r);
        }
    }
    if (!sp->store) {
        x_mov_rr(e, sp->val_reg, RAX);
    }
    x_bind(e, x_jmp32(e), sp->ret_pos);
}

/*
 * The host-FPU fast path of a registered FP helper (tcg-backend.h,
 * TCGInlineFP), emitted after the helper's arguments are in their ABI
 * registers; every case the description leaves to the helper branches to
 * `slow`, the call that follows.  The result is in RAX on both paths.
 * MXCSR (SDM vol. 1 section 10.2.3): RC = nearest, all exceptions masked
 * (the C runtime's setting, which helpers restore); the sticky status
 * flags are cleared before the operation if anything left them set, and
 * read after it: IE/ZE/OE/UE go to the helper, PE alone is the inexact
 * flag.  A NaN result also goes to the helper (targets canonicalize NaNs).
 */
#define MXCSR_SLOT NATIVE_FRAME_BYTES         /* the prologue's alignment pad */
#define MXCSR_FLAGS 0x3f
#define MXCSR_EXC_NO_DE 0x3d                  /* DE (denormal operand) is ignored */
#define MXCSR_EXC_HARD 0x1d                   /* IE, ZE, OE, UE */
#define MXCSR_PE 0x20

/* Clear the MXCSR status flags (through R11: EAX keeps the flags read). */
static void gen_mxcsr_clear(X86Emit *e)
{
    x_rm(e, OP_MOV_GvEv, R11, RSP, -1, MXCSR_SLOT);
    x_rr(e, OP_GRP1_EvIz, ARITH_AND, R11);
    x_d(e, (uint32_t)~MXCSR_FLAGS);
    x_rm(e, OP_MOV_EvGv, R11, RSP, -1, MXCSR_SLOT);
    x_rm(e, OPC_0F | 0xae, 2, RSP, -1, MXCSR_SLOT);       /* ldmxcsr */
}

static bool gen_fp_fast(Gen *g, const TCGOp *op, const TCGInlineFP *d, GArray *to_slow,
                        size_t *done)
{
    static const uint8_t sse_op[] = {
        [TCG_FP_ADD] = 0x58, [TCG_FP_SUB] = 0x5c, [TCG_FP_MUL] = 0x59,
        [TCG_FP_DIV] = 0x5e, [TCG_FP_SQRT] = 0x51, [TCG_FP_FROM_INT] = 0,
        [TCG_FP_TO_INT] = 0,
    };
    X86Emit *e = &g->e;
    unsigned nin = d->op >= TCG_FP_SQRT ? 1 : 2;
    unsigned first = op->nb_oargs;
    bool dbl = d->bits == 64;
    int64_t rm;
    size_t at, clean, ok;

    bool from_int = d->op == TCG_FP_FROM_INT, to_int = d->op == TCG_FP_TO_INT;
    bool trunc = false;
    unsigned ifl = d->int_bits == 64 ? OPC_W : 0;

    if (op->nb_iargs != nin + 2 || op->args[first] != 0 ||
        !tcg_temp_is_const_idx((unsigned)op->args[first + nin + 1], &rm) ||
        (d->bits != 32 && d->bits != 64) || !op->nb_oargs ||
        ((from_int || to_int) && d->int_bits != 32 && d->int_bits != 64)) {
        return false;
    }
    if (to_int && d->has_rm_trunc && (uint64_t)rm == d->rm_trunc) {
        trunc = true;
    } else if ((uint64_t)rm != d->rm_nearest && (uint64_t)rm != d->rm_dynamic) {
        return false;
    }
    if ((uint64_t)rm == d->rm_dynamic) {
        x_rm(e, OP_GRP1_EvIz, ARITH_CMP, RBP, -1, d->dyn_rm_offset);
        x_d(e, d->dyn_nearest);
        at = x_jcc32(e, CC_NE);
        g_array_append_val(to_slow, at);
    }
    if (!dbl && d->nan_boxed && !from_int) {
        for (unsigned i = 0; i < nin; i++) {
            x_mov_rr(e, RAX, call_args[1 + i]);
            x_shift_ri(e, SHIFT_SHR, RAX, 32);
            x_rr(e, OP_GRP1_EvIb, ARITH_CMP, RAX);
            x_b(e, 0xff);
            at = x_jcc32(e, CC_NE);                       /* not boxed: the helper */
            g_array_append_val(to_slow, at);
        }
    }
    x_rm(e, OPC_0F | 0xae, 3, RSP, -1, MXCSR_SLOT);       /* stmxcsr */
    x_rm(e, 0xf6, 0, RSP, -1, MXCSR_SLOT);                /* test byte */
    x_b(e, MXCSR_EXC_NO_DE);
    clean = x_jcc8(e, CC_E);
    gen_mxcsr_clear(e);
    x_bind8(e, clean);
    if (from_int) {
        /* cvtsi2s[sd] xmm0, r32/r64 */
        x_rr(e, (dbl ? OPC_F2 : OPC_F3) | OPC_0F | 0x2a | ifl, 0, call_args[1]);
    } else {
        for (unsigned i = 0; i < nin; i++) {
            /* movq/movd xmm_i, arg */
            x_rr(e, OPC_66 | OPC_0F | 0x6e | (dbl ? OPC_W : 0), (int)i, call_args[1 + i]);
        }
        if (to_int) {
            /* cvt[t]s[sd]2si rcx, xmm0 (RCX: unused by (env, a, rm) helpers) */
            x_rr(e, (dbl ? OPC_F2 : OPC_F3) | OPC_0F | (trunc ? 0x2c : 0x2d) | ifl, RCX, 0);
        } else {
            x_rr(e, (dbl ? OPC_F2 : OPC_F3) | OPC_0F | sse_op[d->op], 0, nin == 2 ? 1 : 0);
        }
    }
    x_rm(e, OPC_0F | 0xae, 3, RSP, -1, MXCSR_SLOT);
    x_rm(e, OP_MOV_GvEv, RAX, RSP, -1, MXCSR_SLOT);
    x_b(e, 0xa8);                                         /* test al, imm8 */
    x_b(e, MXCSR_EXC_NO_DE);
    ok = x_jcc8(e, CC_E);
    gen_mxcsr_clear(e);
    x_b(e, 0xa8);
    x_b(e, MXCSR_EXC_HARD);
    at = x_jcc32(e, CC_NE);
    g_array_append_val(to_slow, at);
    x_rm(e, OP_GRP1_EvIz, ARITH_OR, RBP, -1, d->flags_offset);
    x_d(e, d->inexact_flag);
    x_bind8(e, ok);
    if (to_int) {
        /* NaN and out-of-range inputs raised IE above. */
        x_rr(e, d->int_bits == 64 ? OPC_W | OP_MOV_GvEv : OPC_W | OP_MOVSXD, RAX, RCX);
        *done = x_jmp32(e);
        return true;
    }
    if (!from_int) {
        x_rr(e, (dbl ? OPC_66 : 0) | OPC_0F | 0x2e, 0, 0);    /* ucomis[sd] xmm0, xmm0 */
        at = x_jcc32(e, CC_P);                                /* NaN */
        g_array_append_val(to_slow, at);
    }
    x_rr(e, OPC_66 | OPC_0F | 0x7e | (dbl ? OPC_W : 0), 0, RAX);
    if (!dbl && d->nan_boxed) {
        x_movi(e, R11, 0xffffffff00000000ULL);
        x_rr(e, OPC_W | OP_OR_GvEv, RAX, R11);
    }
    *done = x_jmp32(e);
    return true;
}

static void gen_call(Gen *g, const TCGOp *op)
{
    const TCGHelperInfo *h = tcg_call_info(op);
    unsigned nt = op->nb_oargs + op->nb_iargs;
    bool writes = !(h->flags & TCG_CALL_NO_WRITE_GLOBALS);

    /* Helpers read globals from env, may raise with env as the state, or
     * write them there. */
    if (!(h->flags & TCG_CALL_NO_READ_GLOBALS) || (h->flags & TCG_CALL_MAY_RAISE) || writes) {
        sync_globals(g);
    }
    for (int r = 0; r < 16; r++) {
        if (CALLER_SAVED & (1u << r)) {
            evict(g, r);
        }
    }
    g->reserved |= CALLER_SAVED;
    for (unsigned a = op->nb_oargs; a < nt; a++) {
        unsigned t = (unsigned)op->args[a];
        int dst = call_args[a - op->nb_oargs];
        int64_t v;

        if (t == 0) {
            x_mov_rr(&g->e, dst, RBP);
        } else if (g->treg[t] >= 0) {
            x_mov_rr(&g->e, dst, g->treg[t]);
        } else if (is_const(g, t, &v)) {
            x_movi(&g->e, dst, (uint64_t)v);
        } else {
            load_home(g, t, dst);
        }
    }
    {
        const TCGInlineFP *fp = native_inline_fp_find(h->func);
        GArray *to_slow = g_array_new(false, false, sizeof(size_t));
        size_t done = 0;
        bool fast = fp && gen_fp_fast(g, op, fp, to_slow, &done);

        for (unsigned i = 0; i < to_slow->len; i++) {
            x_bind(&g->e, g_array_index(to_slow, size_t, i), g->e.pos);
        }
        g_array_free(to_slow, true);
        emit_call_abs(g, h->func);
        if (fast) {
            x_bind(&g->e, done, g->e.pos);
        }
    }
    if (writes) {
        drop_globals(g);
    }
    g->reserved &= ~CALLER_SAVED;
    if (op->nb_oargs) {
        int rd = alloc_reg(g);
        x_mov_rr(&g->e, rd, RAX);
        set_out(g, (unsigned)op->args[0], rd);
    }
}

static void gen_op(Gen *g, const TCGOp *op)
{
    unsigned nt = op->nb_oargs + op->nb_iargs;
    const TCGArg *a = op->args;
    const TCGArg *c = &op->args[nt];
    X86Emit *e = &g->e;

    switch (op->opc) {
    case INDEX_op_insn_start: {
        NativeInsn in = {.code_pos = (uint32_t)(e->pos - g->code_start),
                         .data = {c[0], c[1]}};
        g_array_append_val(g->insns, in);
        break;
    }
    case INDEX_op_set_label:
        bb_end(g);
        forget_all(g);
        g->label_pos[c[0]] = (int64_t)e->pos;
        break;
    case INDEX_op_br:
        bb_end(g);
        add_fixup(g, x_jmp32(e), c[0]);
        break;
    case INDEX_op_brcond: {
        TCGCond cond = (TCGCond)c[0];
        CmpOps co;
        if (cond == TCG_COND_NEVER) {
            break;
        }
        if (cond == TCG_COND_ALWAYS) {
            bb_end(g);
            add_fixup(g, x_jmp32(e), c[1]);
            break;
        }
        co = cmp_prepare(g, (unsigned)a[0], (unsigned)a[1], cond);
        bb_end(g);
        cmp_emit(g, &co);
        add_fixup(g, x_jcc32(e, x86_cond(co.cond)), c[1]);
        break;
    }
    case INDEX_op_mov:
        gen_mov(g, (unsigned)a[0], (unsigned)a[1]);
        break;
    case INDEX_op_add: case INDEX_op_sub: case INDEX_op_and: case INDEX_op_or:
    case INDEX_op_xor: case INDEX_op_mul:
        gen_arith(g, (TCGOpcode)op->opc, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]);
        break;
    case INDEX_op_andc: case INDEX_op_orc: case INDEX_op_eqv:
        gen_logic_not(g, (TCGOpcode)op->opc, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]);
        break;
    case INDEX_op_shl: case INDEX_op_shr: case INDEX_op_sar: case INDEX_op_rotl:
    case INDEX_op_rotr:
        gen_shift(g, (TCGOpcode)op->opc, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]);
        break;
    case INDEX_op_div: case INDEX_op_divu: case INDEX_op_rem: case INDEX_op_remu:
        gen_div(g, (TCGOpcode)op->opc, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]);
        break;
    case INDEX_op_mulsh: case INDEX_op_muluh:
        gen_mulh(g, (TCGOpcode)op->opc, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]);
        break;
    case INDEX_op_neg: case INDEX_op_not: case INDEX_op_clz: case INDEX_op_ctz:
    case INDEX_op_ctpop: case INDEX_op_bswap64: case INDEX_op_ext8s: case INDEX_op_ext8u:
    case INDEX_op_ext16s: case INDEX_op_ext16u: case INDEX_op_ext32s: case INDEX_op_ext32u:
        gen_unop(g, (TCGOpcode)op->opc, (unsigned)a[0], (unsigned)a[1]);
        break;
    case INDEX_op_deposit:
        gen_deposit(g, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2], (unsigned)c[0],
                    (unsigned)c[1]);
        break;
    case INDEX_op_extract: case INDEX_op_sextract:
        gen_extract(g, op->opc == INDEX_op_sextract, (unsigned)a[0], (unsigned)a[1],
                    (unsigned)c[0], (unsigned)c[1]);
        break;
    case INDEX_op_setcond:
        gen_setcond(g, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2], (TCGCond)c[0]);
        break;
    case INDEX_op_movcond:
        gen_movcond(g, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2], (unsigned)a[3],
                    (unsigned)a[4], (TCGCond)c[0]);
        break;
    case INDEX_op_ld8u: case INDEX_op_ld8s: case INDEX_op_ld16u: case INDEX_op_ld16s:
    case INDEX_op_ld32u: case INDEX_op_ld32s: case INDEX_op_ld:
    case INDEX_op_st8: case INDEX_op_st16: case INDEX_op_st32: case INDEX_op_st:
        gen_ldst(g, op);
        break;
    case INDEX_op_qemu_ld: case INDEX_op_qemu_st:
        gen_qemu_ldst(g, op);
        break;
    case INDEX_op_call:
        gen_call(g, op);
        break;
    case INDEX_op_mb:
        x_b(e, 0x0f); x_b(e, 0xae); x_b(e, 0xf0);      /* mfence */
        break;
    case INDEX_op_goto_tb: {
        unsigned n = (unsigned)c[0];
        sync_globals(g);
        /* The rel32 is 4-byte aligned so set_jmp can patch it atomically. */
        x_nops(e, (unsigned)((4 - ((native_rx(e->buf + e->pos) + 1) & 3)) & 3));
        assert(n < 2);
        g->jmp_ofs[n] = x_jmp32(e);
        break;
    }
    case INDEX_op_exit_tb:
        sync_globals(g);
        x_movi(e, RAX, c[0]);
        emit_epilogue(g);
        break;
    case INDEX_op_lookup_and_goto_ptr: {
        size_t miss;
        sync_globals(g);
        x_mov_rr(e, RDI, RBP);
        emit_call_abs(g, (const void *)native_lookup);
        x_rr(e, OPC_W | OP_TEST_EvGv, RAX, RAX);
        miss = x_jcc8(e, CC_E);
        x_jmp_r(e, RAX);
        x_bind8(e, miss);
        emit_epilogue(g);               /* RAX = 0: back to the loop */
        break;
    }
    default:
        g_assert_not_reached();
    }
}

/* Free the registers of block temps and constants at their last use. */
static void release_dead(Gen *g, const TCGOp *op)
{
    unsigned nt = op->nb_oargs + op->nb_iargs;

    for (unsigned i = 0; i < nt; i++) {
        unsigned t = (unsigned)op->args[i];
        if (t != 0 && !is_global(g, t) && g->last_use[t] <= g->cur && g->treg[t] >= 0) {
            detach(g, g->treg[t]);
        }
    }
}

ptrdiff_t native_gen_code(TCGContext *s, TranslationBlock *tb, void *buf, size_t size)
{
    Gen g = {.s = s, .tb = tb};
    NativeHeader h = {0};
    ptrdiff_t ret;
    bool backward = false;
    int *label_def = g_new(int, s->nb_labels + 1);

    g.e.buf = buf;
    g.e.size = size;
    g.treg = g_new(int8_t, s->nb_temps);
    g.tflags = g_new0(uint8_t, s->nb_temps);
    g.tslot = g_new(int32_t, s->nb_temps);
    g.last_use = g_new0(int, s->nb_temps);
    g.label_pos = g_new(int64_t, s->nb_labels + 1);
    g.fixups = g_array_new(false, false, sizeof(uint64_t));
    g.slow = g_array_new(false, false, sizeof(SlowPath));
    g.insns = g_array_new(false, false, sizeof(NativeInsn));
    for (unsigned i = 0; i < s->nb_temps; i++) {
        g.treg[i] = -1;
        g.tslot[i] = -1;
    }
    for (int r = 0; r < 16; r++) {
        g.reg_temp[r] = -1;
    }
    for (unsigned i = 0; i <= s->nb_labels; i++) {
        g.label_pos[i] = -1;
        label_def[i] = -1;
    }
    /* Last uses; a backward branch (a loop inside the block) keeps every
     * block temp alive to the end instead. */
    for (unsigned i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        for (unsigned a = 0; a < (unsigned)(op->nb_oargs + op->nb_iargs); a++) {
            g.last_use[op->args[a]] = (int)i;
        }
        if (op->opc == INDEX_op_set_label) {
            label_def[op->args[0]] = (int)i;
        } else if (op->opc == INDEX_op_br || op->opc == INDEX_op_brcond) {
            TCGArg l = op->args[op->nb_oargs + op->nb_iargs + op->nb_cargs - 1];
            if (label_def[l] >= 0) {
                backward = true;
            }
        }
    }
    if (backward) {
        for (unsigned t = s->nb_globals; t < s->nb_temps; t++) {
            g.last_use[t] = (int)s->nb_ops;
        }
    }

    g.e.pos = sizeof(NativeHeader);
    g.code_start = g.e.pos;
    for (unsigned i = 0; i < s->nb_ops && !g.e.overflow; i++) {
        g.cur = (int)i;
        gen_op(&g, &s->ops[i]);
        release_dead(&g, &s->ops[i]);
        g.locked = 0;
        g.reserved = 0;
    }
    /* A block that falls off its end returns to the loop without chaining. */
    g.cur = (int)s->nb_ops;
    sync_globals(&g);
    x_movi(&g.e, RAX, 0);
    emit_epilogue(&g);
    for (unsigned i = 0; i < g.slow->len; i++) {
        emit_slow_path(&g, &g_array_index(g.slow, SlowPath, i));
    }
    for (unsigned i = 0; i < g.fixups->len; i += 2) {
        uint64_t at = g_array_index(g.fixups, uint64_t, i);
        uint64_t id = g_array_index(g.fixups, uint64_t, i + 1);
        assert(g.label_pos[id] >= 0);     /* a branch to a label never placed */
        x_bind(&g.e, at, (size_t)g.label_pos[id]);
    }
    h.code_ofs = (uint32_t)g.code_start;
    h.code_end = (uint32_t)g.e.pos;
    for (int n = 0; n < 2; n++) {
        h.jmp_ofs[n] = (uint32_t)g.jmp_ofs[n];
    }
    while (g.e.pos & 7) {
        x_b(&g.e, 0xcc);
    }
    h.map_ofs = (uint32_t)g.e.pos;
    h.ninsns = g.insns->len;
    for (unsigned i = 0; i < g.insns->len; i++) {
        const NativeInsn *in = &g_array_index(g.insns, NativeInsn, i);
        const uint8_t *p = (const uint8_t *)in;
        for (unsigned k = 0; k < sizeof(*in); k++) {
            x_b(&g.e, p[k]);
        }
    }
    if (g.too_many_slots) {
        ret = -2;
    } else if (g.e.overflow) {
        ret = -1;
    } else {
        memcpy(buf, &h, sizeof(h));
        ret = (ptrdiff_t)g.e.pos;
    }
    g_free(label_def);
    g_free(g.treg);
    g_free(g.tflags);
    g_free(g.tslot);
    g_free(g.last_use);
    g_free(g.label_pos);
    g_array_free(g.fixups, true);
    g_array_free(g.slow, true);
    g_array_free(g.insns, true);
    return ret;
}
