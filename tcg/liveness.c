/*
 * Dead code elimination by liveness of block temporaries.
 *
 * Temps live until the end of the translation block and survive labels
 * (tcg-op.h), so liveness is a real data-flow problem over the block's
 * control-flow graph: basic blocks start at labels and end after branches
 * and exits; live_out(b) = union of live_in(successors); iterate to a fixed
 * point (backward branches are rare, two rounds usually suffice).  Without
 * a backward branch (nearly every block) one backward walk is exact and
 * does everything (liveness_forward_only).  The optimizer leaves its
 * removed ops as nops; the compaction at the end serves both passes.
 *
 * Globals are treated as always live (they are visible to helpers, to the
 * next block and to the exception path), so only ops whose outputs are all
 * dead block temps, and that have no side effects, are removed: arithmetic,
 * host loads, and calls of helpers flagged TCG_CALL_PURE.  The one
 * exception is a global written again later in the same basic block with
 * no read of it and no op in between that may see env (a helper call, a
 * host or guest memory access, which may fault, a branch or an exit): the
 * first write is dead (drop_overwritten_globals).
 */
#include "tcg/tcg.h"

typedef struct BB {
    unsigned first, last;     /* op indices, inclusive */
    int succ[2];              /* -1: none */
    uint64_t *live_in;
} BB;

static bool op_removable(const TCGOp *op)
{
    const TCGOpDef *def = &tcg_op_defs[op->opc];

    if (op->opc == INDEX_op_call) {
        uint32_t fl = tcg_call_info(op)->flags;
        return op->nb_oargs == 1 && (fl & TCG_CALL_NO_SIDE_EFFECTS) &&
               (fl & TCG_CALL_NO_WRITE_GLOBALS) && !(fl & TCG_CALL_MAY_RAISE);
    }
    return !(def->flags & (TCG_OPF_SIDE_EFFECTS | TCG_OPF_NOT_PRESENT)) &&
           op->nb_oargs > 0;
}

/* Host loads/stores (env-relative: they may alias a global's field). */
static bool tcg_op_is_host_mem(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_ld8u: case INDEX_op_ld8s: case INDEX_op_ld16u: case INDEX_op_ld16s:
    case INDEX_op_ld32u: case INDEX_op_ld32s: case INDEX_op_ld:
    case INDEX_op_st8: case INDEX_op_st16: case INDEX_op_st32: case INDEX_op_st:
    case INDEX_op_qemu_ld: case INDEX_op_qemu_st:
        return true;
    default:
        return false;
    }
}

static inline bool bit_test(const uint64_t *set, unsigned i)
{
    return (set[i / 64] >> (i % 64)) & 1;
}
static inline void bit_set(uint64_t *set, unsigned i)
{
    set[i / 64] |= 1ULL << (i % 64);
}
static inline void bit_clear(uint64_t *set, unsigned i)
{
    set[i / 64] &= ~(1ULL << (i % 64));
}

/*
 * Walk op backwards from live (live-out of the op) to its live-in.
 * With remove, dead removable ops become nops.
 */
static bool step_op(TCGContext *s, TCGOp *op, uint64_t *live, bool remove)
{
    unsigned g = s->nb_globals;
    unsigned nt = op->nb_oargs + op->nb_iargs;

    if (op->opc == INDEX_op_nop) {
        return true;
    }
    if (op_removable(op)) {
        bool dead = true;
        for (unsigned a = 0; a < op->nb_oargs; a++) {
            unsigned t = op->args[a];
            if (t < g || s->temps[t].kind != TEMP_TB || bit_test(live, t - g)) {
                dead = false;
            }
        }
        if (dead) {
            if (remove) {
                op->opc = INDEX_op_nop;
            }
            return true;
        }
    }
    for (unsigned a = 0; a < op->nb_oargs; a++) {
        unsigned t = op->args[a];
        if (s->temps[t].kind == TEMP_TB) {
            bit_clear(live, t - g);
        }
    }
    for (unsigned a = op->nb_oargs; a < nt; a++) {
        unsigned t = op->args[a];
        if (s->temps[t].kind == TEMP_TB) {
            bit_set(live, t - g);
        }
    }
    return false;
}

/*
 * Backwards over the ops: `over` holds the globals that are written again
 * before anything may read them.  Anything that may look at env (or leave
 * the straight line) empties it; a removable op whose outputs are all in
 * it is dead.  One op of that walk (op is not a nop).
 */
static void overwritten_step(TCGContext *s, TCGOp *op, uint64_t *over, size_t over_bytes)
{
    unsigned g = s->nb_globals;
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    unsigned nt = op->nb_oargs + op->nb_iargs;
    bool dead;

    if (op->opc == INDEX_op_insn_start || op->opc == INDEX_op_mb) {
        return;
    }
    if (!op_removable(op) || op->opc == INDEX_op_call ||
        (def->flags & (TCG_OPF_BB_END | TCG_OPF_SYNC_GLOBALS)) ||
        op->opc == INDEX_op_set_label || op->opc == INDEX_op_brcond ||
        op->opc == INDEX_op_br || tcg_op_is_host_mem(op->opc)) {
        /* Uses env in ways not visible as arguments: all may be read. */
        memset(over, 0, over_bytes);
        return;
    }
    dead = true;
    for (unsigned a = 0; a < op->nb_oargs; a++) {
        unsigned t = op->args[a];
        if (t == 0 || t >= g || !bit_test(over, t)) {
            dead = false;
        }
    }
    if (dead) {
        op->opc = INDEX_op_nop;
        return;
    }
    for (unsigned a = 0; a < op->nb_oargs; a++) {
        if (op->args[a] < g) {
            bit_set(over, op->args[a]);
        }
    }
    for (unsigned a = op->nb_oargs; a < nt; a++) {
        if (op->args[a] < g) {
            bit_clear(over, op->args[a]);
        }
    }
}

static void drop_overwritten_globals(TCGContext *s)
{
    unsigned g = s->nb_globals;
    uint64_t over[(g + 63) / 64 + 1];

    memset(over, 0, sizeof(over));
    for (int i = (int)s->nb_ops - 1; i >= 0; i--) {
        if (s->ops[i].opc != INDEX_op_nop) {
            overwritten_step(s, &s->ops[i], over, sizeof(over));
        }
    }
}

/*
 * Walk block b backwards from its live-out set (the union of its successors'
 * live-in sets), leaving in live what is live on entry to b.  With remove,
 * dead ops are dropped on the way.
 */
static void bb_walk(TCGContext *s, GArray *bbs, const BB *b, uint64_t *live, unsigned nw,
                    bool remove)
{
    memset(live, 0, nw * sizeof(uint64_t));
    for (int e = 0; e < 2; e++) {
        if (b->succ[e] >= 0) {
            const BB *sb = &g_array_index(bbs, BB, b->succ[e]);
            for (unsigned w = 0; w < nw; w++) {
                live[w] |= sb->live_in[w];
            }
        }
    }
    for (int i = b->last; i >= (int)b->first; i--) {
        step_op(s, &s->ops[i], live, remove);
    }
}

/*
 * The usual case, a block whose branches all go forward: its control-flow
 * graph is acyclic in op order (every successor of an op comes after it),
 * so one backward walk sees each label's live-in before the branches to
 * it, and that walk is exact.  It also drops the overwritten global stores
 * on the way (the same rule as drop_overwritten_globals: the temp step
 * first, then the global one, so both remove what the two passes would).
 * label_live holds nw words per label.
 */
static void liveness_forward_only(TCGContext *s, uint64_t *live, uint64_t *label_live,
                                  unsigned nw)
{
    unsigned g = s->nb_globals;
    uint64_t over[(g + 63) / 64 + 1];

    memset(over, 0, sizeof(over));
    memset(live, 0, nw * sizeof(uint64_t));
    for (int i = (int)s->nb_ops - 1; i >= 0; i--) {
        TCGOp *op = &s->ops[i];
        uint64_t *ll;

        switch (op->opc) {
        case INDEX_op_nop:
            continue;
        case INDEX_op_set_label:
            memcpy(label_live + op->args[0] * nw, live, nw * sizeof(uint64_t));
            break;
        case INDEX_op_br:
            memcpy(live, label_live + op->args[0] * nw, nw * sizeof(uint64_t));
            break;
        case INDEX_op_brcond:
            ll = label_live + op->args[3] * nw;
            for (unsigned w = 0; w < nw; w++) {
                live[w] |= ll[w];
            }
            break;
        case INDEX_op_exit_tb:
        case INDEX_op_lookup_and_goto_ptr:
        case INDEX_op_lookup_and_goto_pc:
            memset(live, 0, nw * sizeof(uint64_t));
            break;
        default:
            break;
        }
        if (!step_op(s, op, live, true)) {
            overwritten_step(s, op, over, sizeof(over));
        }
    }
}

void tcg_liveness(TCGContext *s)
{
    /* Scratch kept across blocks (translation is frequent). */
    static __thread GArray *bbs;
    static __thread int *label_bb;
    static __thread unsigned label_cap;
    static __thread uint64_t *pool;
    static __thread size_t pool_cap;
    unsigned nbits = s->nb_temps - s->nb_globals;
    unsigned nw = nbits / 64 + 1;
    uint64_t *live;
    bool changed = true;

    if (!bbs) {
        bbs = g_array_new(false, true, sizeof(BB));
    }
    g_array_set_size(bbs, 0);
    if (s->nb_labels + 1 > label_cap) {
        label_cap = MAX(s->nb_labels + 1, 2 * label_cap);
        label_bb = g_renew(int, label_bb, label_cap);
    }

    if (s->nb_ops == 0) {
        return;
    }
    for (unsigned i = 0; i <= s->nb_labels; i++) {
        label_bb[i] = -1;
    }
    /* A branch to a label already placed goes backward (label_bb marks). */
    {
        bool backward = false;
        for (unsigned i = 0; i < s->nb_ops && !backward; i++) {
            const TCGOp *op = &s->ops[i];
            if (op->opc == INDEX_op_set_label) {
                label_bb[op->args[0]] = 0;
            } else if (op->opc == INDEX_op_br) {
                backward = label_bb[op->args[0]] == 0;
            } else if (op->opc == INDEX_op_brcond) {
                backward = label_bb[op->args[3]] == 0;
            }
        }
        for (unsigned i = 0; i <= s->nb_labels; i++) {
            label_bb[i] = -1;
        }
        if (!backward) {
            if ((size_t)(s->nb_labels + 2) * nw > pool_cap) {
                pool_cap = MAX((size_t)(s->nb_labels + 2) * nw, 2 * pool_cap);
                pool = g_renew(uint64_t, pool, pool_cap);
            }
            liveness_forward_only(s, pool, pool + nw, nw);
            tcg_compact_ops(s);
            return;
        }
    }
    /* Split into basic blocks. */
    for (unsigned i = 0; i < s->nb_ops;) {
        BB b = {.first = i, .succ = {-1, -1}};
        unsigned j = i;
        if (s->ops[i].opc == INDEX_op_set_label) {
            label_bb[s->ops[i].args[0]] = bbs->len;
        }
        for (; j < s->nb_ops; j++) {
            TCGOpcode opc = s->ops[j].opc;
            if (j > i && opc == INDEX_op_set_label) {
                j--;
                break;
            }
            if (tcg_op_defs[opc].flags & TCG_OPF_BB_END) {
                break;
            }
        }
        b.last = j < s->nb_ops ? j : s->nb_ops - 1;
        g_array_append_val(bbs, b);
        i = b.last + 1;
    }
    /* live_in of every block, then the walk's own set, from one pool. */
    if ((size_t)(bbs->len + 1) * nw > pool_cap) {
        pool_cap = MAX((size_t)(bbs->len + 1) * nw, 2 * pool_cap);
        pool = g_renew(uint64_t, pool, pool_cap);
    }
    memset(pool, 0, (size_t)(bbs->len + 1) * nw * sizeof(uint64_t));
    for (unsigned k = 0; k < bbs->len; k++) {
        g_array_index(bbs, BB, k).live_in = pool + (size_t)k * nw;
    }
    live = pool + (size_t)bbs->len * nw;
    /* Successors (label ids are resolved now that every label has a block). */
    for (unsigned k = 0; k < bbs->len; k++) {
        BB *b = &g_array_index(bbs, BB, k);
        const TCGOp *last = &s->ops[b->last];
        switch (last->opc) {
        case INDEX_op_br:
            b->succ[0] = label_bb[last->args[0]];
            break;
        case INDEX_op_brcond:
            b->succ[0] = label_bb[last->args[3]];
            b->succ[1] = k + 1 < bbs->len ? (int)k + 1 : -1;
            break;
        case INDEX_op_exit_tb:
        case INDEX_op_lookup_and_goto_ptr:
        case INDEX_op_lookup_and_goto_pc:
            break;
        default:
            b->succ[0] = k + 1 < bbs->len ? (int)k + 1 : -1;
            break;
        }
    }
    /* Fixed point of live_in, blocks visited last to first. */
    while (changed) {
        changed = false;
        for (int k = bbs->len - 1; k >= 0; k--) {
            BB *b = &g_array_index(bbs, BB, k);
            bb_walk(s, bbs, b, live, nw, false);
            if (memcmp(live, b->live_in, nw * sizeof(uint64_t))) {
                memcpy(b->live_in, live, nw * sizeof(uint64_t));
                changed = true;
            }
        }
    }
    /* Final backward walk that removes dead ops. */
    for (int k = bbs->len - 1; k >= 0; k--) {
        bb_walk(s, bbs, &g_array_index(bbs, BB, k), live, nw, true);
    }
    drop_overwritten_globals(s);
    tcg_compact_ops(s);
}
