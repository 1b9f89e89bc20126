/*
 * The native back end's register allocator: where each value lives.
 *
 * Register allocation works op by op over the block.  Every temp has a
 * home: a global its env field ([RBP + offset]), a block temp a frame
 * slot ([RSP + 8 * slot], given on its first spill), a constant its
 * value.  A temp may also sit in a host register, clean (equal to its
 * home) or dirty.  Registers are taken lazily, freed at a temp's last use
 * and, when none is free, the value whose next use is farthest is evicted
 * (Gen.next_use).  Where tcg-op.h asks
 * for globals in memory (guest memory accesses that may fault, helper
 * calls, block exits) dirty globals are written back; at branches and
 * labels (basic-block boundaries) every live value goes home, so that all
 * paths into a label agree: everything is in memory there.
 *
 * RBP holds env, RAX and R11 are scratch, the other 12 registers are
 * allocated (callee-saved ones first, as they survive helper calls).
 */
#include "tcg/x86_64/native-gen.h"

static const int alloc_order[] = {
    RBX, R12, R13, R14, R15, RSI, RDI, R8, R9, R10, RCX, RDX,
};
const int nat_call_args[6] = {RDI, RSI, RDX, RCX, R8, R9};




/* ---- frame slots and homes ---- */

int32_t nat_slot_disp(Gen *g, unsigned t)
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

void nat_load_home(Gen *g, unsigned t, int r)
{
    int64_t v;

    if (nat_is_const(g, t, &v)) {
        x_movi(&g->e, r, (uint64_t)v);
    } else if (nat_is_global(g, t)) {
        x_rm(&g->e, OPC_W | OP_MOV_GvEv, r, RBP, -1, (int32_t)g->s->temps[t].mem_offset);
    } else if (g->tflags[t] & T_SLOT) {
        x_rm(&g->e, OPC_W | OP_MOV_GvEv, r, RSP, -1, nat_slot_disp(g, t));
    } else {
        /* Read before any write on this path: the IR leaves it undefined. */
        x_movi(&g->e, r, 0);
    }
}

/* Still needed at or after the current op (its inputs may not be loaded yet). */
bool nat_temp_live(Gen *g, unsigned t)
{
    return g->last_use[t] >= g->cur;
}

/*
 * Write a register's value home if the home is stale and still needed;
 * after_op: only uses after the current op count (its operands are
 * already in locked registers).
 */
void nat_writeback_ex(Gen *g, int r, bool after_op)
{
    int t = g->reg_temp[r];

    if (t < 0 || !(g->tflags[t] & T_DIRTY)) {
        return;
    }
    if (nat_is_global(g, t)) {
        x_rm(&g->e, OPC_W | OP_MOV_EvGv, r, RBP, -1, (int32_t)g->s->temps[t].mem_offset);
    } else if (nat_is_tb(g, t) && (after_op ? g->last_use[t] > g->cur : nat_temp_live(g, t))) {
        x_rm(&g->e, OPC_W | OP_MOV_EvGv, r, RSP, -1, nat_slot_disp(g, t));
        g->tflags[t] |= T_SLOT;
    }
    g->tflags[t] &= ~T_DIRTY;
}

void nat_writeback(Gen *g, int r)
{
    nat_writeback_ex(g, r, false);
}

void nat_detach(Gen *g, int r)
{
    int t = g->reg_temp[r];

    if (t >= 0) {
        g->treg[t] = -1;
        g->reg_temp[r] = -1;
    }
}

void nat_evict(Gen *g, int r)
{
    nat_writeback(g, r);
    nat_detach(g, r);
}

int nat_alloc_reg(Gen *g)
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
    /*
     * None free: the value needed again last (Belady), a dead block temp
     * or one never used again first; between equals a clean one (dropping
     * it costs no store).
     */
    {
        int best_next = -1;
        bool best_clean = false;
        for (unsigned i = 0; i < ARRAY_SIZE(alloc_order); i++) {
            int r = alloc_order[i];
            int t = g->reg_temp[r];
            int next;
            bool clean;
            if (busy & (1u << r)) {
                continue;
            }
            next = (nat_is_tb(g, t) && !nat_temp_live(g, t)) ? INT_MAX : g->next_use[t];
            clean = !(g->tflags[t] & T_DIRTY);
            if (next > best_next || (next == best_next && clean && !best_clean)) {
                victim = r;
                best_next = next;
                best_clean = clean;
            }
        }
    }
    assert(victim >= 0);
    nat_evict(g, victim);
    g->locked |= 1u << victim;
    return victim;
}

/* The register holding t (loaded if needed), locked for the current op. */
int nat_in_reg(Gen *g, unsigned t)
{
    int r;

    if (t == 0) {
        return RBP;                 /* env */
    }
    if (g->treg[t] >= 0) {
        g->locked |= 1u << g->treg[t];
        return g->treg[t];
    }
    r = nat_alloc_reg(g);
    nat_load_home(g, t, r);
    g->treg[t] = (int8_t)r;
    g->reg_temp[r] = (int)t;
    g->tflags[t] &= ~T_DIRTY;
    return r;
}

/* t now lives in r (dirty); whatever r held before is gone. */
void nat_set_out(Gen *g, unsigned t, int r)
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
void nat_reserve(Gen *g, int r)
{
    nat_evict(g, r);
    g->reserved |= 1u << r;
}

/*
 * A register for d = f(a) written in one instruction from ra (movsx,
 * popcnt...): a's own when d is a or a dies here, else a free one.
 */
int nat_dest_reuse(Gen *g, unsigned d, unsigned a, int ra)
{
    int64_t v;

    if (ra != RBP && (a == d || ((nat_is_tb(g, a) || nat_is_const(g, a, &v)) &&
                                 g->last_use[a] <= g->cur))) {
        return ra;
    }
    return nat_alloc_reg(g);
}

/* May d = f(a, ...) be computed in a's register ra (d is a, or a dies here)? */
bool nat_dest_in_place(Gen *g, unsigned d, unsigned a, int ra)
{
    int64_t v;

    return ra != RBP && (a == d || ((nat_is_tb(g, a) || nat_is_const(g, a, &v)) &&
                                    g->last_use[a] <= g->cur));
}

/* A register for d = f(a, ...) computed in place: a's own when a dies here. */
int nat_dest_from(Gen *g, unsigned d, unsigned a, int ra)
{
    if (nat_dest_in_place(g, d, a, ra)) {
        return ra;
    }
    {
        int rd = nat_alloc_reg(g);
        x_mov_rr(&g->e, rd, ra);
        return rd;
    }
}

void nat_sync_globals(Gen *g)
{
    for (int r = 0; r < 16; r++) {
        int t = g->reg_temp[r];
        if (t >= 0 && nat_is_global(g, t)) {
            nat_writeback(g, r);
        }
    }
}

void nat_drop_globals(Gen *g)
{
    for (int r = 0; r < 16; r++) {
        int t = g->reg_temp[r];
        if (t >= 0 && nat_is_global(g, t)) {
            nat_evict(g, r);
        }
    }
}

/* A basic block ends: every live value goes home (registers stay valid). */
void nat_bb_end(Gen *g)
{
    for (int r = 0; r < 16; r++) {
        if (g->reg_temp[r] >= 0) {
            nat_writeback_ex(g, r, true);
        }
    }
}

void nat_forget_all(Gen *g)
{
    for (int r = 0; r < 16; r++) {
        nat_detach(g, r);
    }
}

/* ---- pieces of code ---- */

/*
 * Leave generated code with RAX as the result: a jump to the shared
 * epilogue in the code buffer's stub area (5 bytes instead of an 18-byte
 * copy per block), or a 2-byte jump back to the block's own copy when the
 * shared one is out of rel32 reach (a buffer over 2 GiB).
 */
void nat_emit_epilogue(Gen *g)
{
    X86Emit *e = &g->e;
    int64_t d = (int64_t)native_epilogue - (int64_t)native_rx(e->buf + e->pos + 5);

    if (native_epilogue && fits_i32(d)) {
        x_b(e, 0xe9);                       /* jmp rel32 */
        x_d(e, (uint32_t)(int32_t)d);
        return;
    }
    if (g->epi_pos >= 0) {
        d = g->epi_pos - (int64_t)(e->pos + 2);
        if (fits_i8(d)) {
            x_b(e, 0xeb);                   /* jmp rel8 */
            x_b(e, (uint8_t)d);
        } else {
            x_bind(e, x_jmp32(e), (size_t)g->epi_pos);
        }
        return;
    }
    g->epi_pos = (int64_t)e->pos;

    x_arith_ri(e, ARITH_ADD, RSP, NATIVE_FRAME_BYTES + 8);
    x_pop(e, R15);
    x_pop(e, R14);
    x_pop(e, R13);
    x_pop(e, R12);
    x_pop(e, RBX);
    x_pop(e, RBP);
    x_b(e, 0xc3);
}

void nat_emit_call_abs(Gen *g, const void *fn)
{
    x_movi(&g->e, RAX, (uint64_t)(uintptr_t)fn);
    x_call_r(&g->e, RAX);
}

int nat_x86_cond(TCGCond c)
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


CmpOps nat_cmp_prepare(Gen *g, unsigned a, unsigned b, TCGCond cond)
{
    CmpOps c = {.cond = cond};
    int64_t v;

    if (nat_is_const(g, a, NULL) && !nat_is_const(g, b, NULL)) {
        unsigned t = a;
        a = b;
        b = t;
        c.cond = tcg_swap_cond(cond);
    }
    c.ra = nat_in_reg(g, a);
    if (nat_is_const(g, b, &v) && fits_i32(v)) {
        c.rb = -1;
        c.imm = v;
    } else {
        c.rb = nat_in_reg(g, b);
    }
    return c;
}

void nat_cmp_emit(Gen *g, const CmpOps *c)
{
    if (c->rb >= 0) {
        x_rr(&g->e, OPC_W | OP_CMP_GvEv, c->ra, c->rb);
    } else if (c->imm == 0) {
        x_rr(&g->e, OPC_W | OP_TEST_EvGv, c->ra, c->ra);   /* same flags as cmp $0 */
    } else {
        x_arith_ri(&g->e, ARITH_CMP, c->ra, (int32_t)c->imm);
    }
}

void nat_add_fixup(Gen *g, size_t at, TCGArg label)
{
    g->fixups[g->nfixups++] = (struct NatFixup){at, label};
}

