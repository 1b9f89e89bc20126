/*
 * Forward optimizer pass over a block's IR:
 *  - constant folding (every pure op whose inputs are known constants,
 *    setcond/movcond/brcond with known or identical operands),
 *  - copy propagation (uses of a copy are replaced by the best member of
 *    its equivalence class: a known constant, else a global, else the
 *    lowest-numbered temp), so that the copy itself becomes dead,
 *  - algebraic identities (x+0, x*1, x*0, x&0, x&-1, x|0, x|-1, x^x, x-x,
 *    x&x, x|x, shifts by 0, ...),
 *  - removal of branches decided at translation time, of jumps to the
 *    label that follows, of the code that becomes unreachable after an
 *    unconditional branch or block exit, and of labels nobody branches to.
 * Knowledge is per basic block: a label resets it (another path may enter
 * there); a fall-through after a conditional branch keeps it.  Dead results
 * are removed afterwards by tcg_liveness().
 */
#include "tcg/tcg.h"

typedef struct TempInfo {
    bool is_const;
    uint64_t val;
    unsigned prev_copy, next_copy;    /* ring of equal temps; self if alone */
} TempInfo;

/*
 * info[0, info_n) describes the block's temps.  Only fold_to_copy moves a
 * temp's info away from its default (not a known value, in no ring), and
 * it records both temps it touches in `touched`, so forgetting everything
 * at a label or the globals after a helper call costs the temps that were
 * actually touched, not all of them (blocks have hundreds of temps and
 * many labels and calls).
 */
typedef struct OptContext {
    TCGContext *s;
    TempInfo *info;
    unsigned info_n;
    unsigned *touched;
    uint8_t *is_touched;
    unsigned ntouched;
    int *label_refs;
} OptContext;

/* Buffers kept across blocks (translation is frequent). */
static __thread struct {
    TempInfo *info;
    unsigned *touched;
    uint8_t *is_touched;
    unsigned cap;
    /* info[0, clean_n) is in its default state from the previous block
     * (every pass ends by forgetting what it touched): the globals, which
     * stay the same temps from block to block, need no initialisation. */
    unsigned clean_n;
    int *label_refs;
    unsigned labels_cap;
} opt_scratch;

static void info_reserve(OptContext *c)
{
    unsigned n = c->s->nb_temps;

    if (n <= c->info_n) {
        return;
    }
    if (n > opt_scratch.cap) {
        unsigned cap = MAX(n, 2 * opt_scratch.cap);
        opt_scratch.info = g_renew(TempInfo, opt_scratch.info, cap);
        opt_scratch.touched = g_renew(unsigned, opt_scratch.touched, cap);
        opt_scratch.is_touched = g_renew(uint8_t, opt_scratch.is_touched, cap);
        opt_scratch.cap = cap;
        c->info = opt_scratch.info;
        c->touched = opt_scratch.touched;
        c->is_touched = opt_scratch.is_touched;
    }
    for (unsigned i = c->info_n; i < n; i++) {
        TCGTemp *t = &c->s->temps[i];
        c->info[i] = (TempInfo){.is_const = t->kind == TEMP_CONST, .val = (uint64_t)t->val,
                                .prev_copy = i, .next_copy = i};
        c->is_touched[i] = 0;
    }
    c->info_n = n;
}

static void touch(OptContext *c, unsigned i)
{
    if (!c->is_touched[i]) {
        c->is_touched[i] = 1;
        c->touched[c->ntouched++] = i;
    }
}

static void reset_temp(OptContext *c, unsigned i)
{
    TempInfo *ti = &c->info[i];

    c->info[ti->prev_copy].next_copy = ti->next_copy;
    c->info[ti->next_copy].prev_copy = ti->prev_copy;
    ti->prev_copy = ti->next_copy = i;
    ti->is_const = c->s->temps[i].kind == TEMP_CONST;
    ti->val = (uint64_t)c->s->temps[i].val;
}

/*
 * Forget what is known of the touched temps in [from, to).  Constants keep
 * their value; they leave their rings as every other member is reset.
 */
static void reset_range(OptContext *c, unsigned from, unsigned to)
{
    unsigned k = 0;

    for (unsigned j = 0; j < c->ntouched; j++) {
        unsigned i = c->touched[j];
        if (i >= from && i < to) {
            if (c->s->temps[i].kind != TEMP_CONST) {
                reset_temp(c, i);
            }
            c->is_touched[i] = 0;
        } else {
            c->touched[k++] = i;
        }
    }
    c->ntouched = k;
}

static void reset_all(OptContext *c)
{
    reset_range(c, 0, c->info_n);
}

static void reset_globals(OptContext *c)
{
    reset_range(c, 1, c->s->nb_globals);
}

static bool better_rep(TCGContext *s, unsigned cand, unsigned cur)
{
    bool cg = s->temps[cand].kind != TEMP_TB, ug = s->temps[cur].kind != TEMP_TB;

    if (cg != ug) {
        return cg;
    }
    return cand < cur;
}

/*
 * The temp to use in place of i (same value, cheapest to keep), other than
 * avoid (the op's output) when the ring has another member: in
 * "mov g, a; ext32s g, g" the ext then reads a and the mov is a dead store
 * (tcg_liveness drops overwritten global stores).
 */
static unsigned canonical(OptContext *c, unsigned i, unsigned avoid)
{
    unsigned best = i == avoid ? UINT_MAX : i;

    if (c->info[i].is_const) {
        unsigned k;
        if (c->s->temps[i].kind == TEMP_CONST) {
            return i;           /* already the interned constant */
        }
        k = tcg_const_idx((int64_t)c->info[i].val);
        info_reserve(c);
        return k;
    }
    for (unsigned j = c->info[i].next_copy; j != i; j = c->info[j].next_copy) {
        if (j != avoid && (best == UINT_MAX || better_rep(c->s, j, best))) {
            best = j;
        }
    }
    return best == UINT_MAX ? i : best;
}

static bool arg_const(OptContext *c, TCGArg a, uint64_t *v)
{
    if (c->info[a].is_const) {
        *v = c->info[a].val;
        return true;
    }
    return false;
}

static bool arg_is(OptContext *c, TCGArg a, uint64_t v)
{
    uint64_t x;

    return arg_const(c, a, &x) && x == v;
}

/* Turn op into "mov dst, src" and record the copy. */
static void fold_to_copy(OptContext *c, TCGOp *op, unsigned src)
{
    unsigned dst = op->args[0];

    op->opc = INDEX_op_mov;
    op->nb_oargs = 1;
    op->nb_iargs = 1;
    op->nb_cargs = 0;
    op->args[1] = src;
    if (dst == src) {
        op->opc = INDEX_op_nop;
        return;
    }
    reset_temp(c, dst);
    if (c->info[src].is_const) {
        c->info[dst].is_const = true;
        c->info[dst].val = c->info[src].val;
    }
    touch(c, dst);
    touch(c, src);
    /* Join src's ring. */
    c->info[dst].next_copy = c->info[src].next_copy;
    c->info[dst].prev_copy = src;
    c->info[c->info[src].next_copy].prev_copy = dst;
    c->info[src].next_copy = dst;
}

static void fold_to_const(OptContext *c, TCGOp *op, uint64_t v)
{
    unsigned k = tcg_const_idx((int64_t)v);

    info_reserve(c);
    fold_to_copy(c, op, k);
}

static bool is_commutative(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_add: case INDEX_op_mul: case INDEX_op_mulsh: case INDEX_op_muluh:
    case INDEX_op_and: case INDEX_op_or: case INDEX_op_xor: case INDEX_op_eqv:
        return true;
    default:
        return false;
    }
}

static bool is_binop(TCGOpcode opc)
{
    return opc >= INDEX_op_add && opc <= INDEX_op_remu;
}

static bool is_unop(TCGOpcode opc)
{
    return opc >= INDEX_op_neg && opc <= INDEX_op_ext32u;
}

/* Algebraic identities with one known operand (b) or equal operands. */
static bool fold_binop_identity(OptContext *c, TCGOp *op)
{
    TCGOpcode opc = op->opc;
    TCGArg a = op->args[1], b = op->args[2];

    switch (opc) {
    case INDEX_op_add: case INDEX_op_sub: case INDEX_op_or: case INDEX_op_xor:
    case INDEX_op_shl: case INDEX_op_shr: case INDEX_op_sar:
    case INDEX_op_rotl: case INDEX_op_rotr: case INDEX_op_andc:
        if (arg_is(c, b, 0) ||
            ((opc == INDEX_op_shl || opc == INDEX_op_shr || opc == INDEX_op_sar ||
              opc == INDEX_op_rotl || opc == INDEX_op_rotr) &&
             c->info[b].is_const && (c->info[b].val & 63) == 0)) {
            fold_to_copy(c, op, a);
            return true;
        }
        break;
    case INDEX_op_mul:
        if (arg_is(c, b, 1)) {
            fold_to_copy(c, op, a);
            return true;
        }
        if (arg_is(c, b, 0)) {
            fold_to_const(c, op, 0);
            return true;
        }
        break;
    case INDEX_op_and:
        if (arg_is(c, b, 0)) {
            fold_to_const(c, op, 0);
            return true;
        }
        if (arg_is(c, b, UINT64_MAX)) {
            fold_to_copy(c, op, a);
            return true;
        }
        break;
    case INDEX_op_divu: case INDEX_op_div:
        if (arg_is(c, b, 1)) {
            fold_to_copy(c, op, a);
            return true;
        }
        break;
    default:
        break;
    }
    if (opc == INDEX_op_or && arg_is(c, b, UINT64_MAX)) {
        fold_to_const(c, op, UINT64_MAX);
        return true;
    }
    if (opc == INDEX_op_orc && arg_is(c, b, 0)) {
        fold_to_const(c, op, UINT64_MAX);
        return true;
    }
    if (a == b) {
        switch (opc) {
        case INDEX_op_and: case INDEX_op_or:
            fold_to_copy(c, op, a);
            return true;
        case INDEX_op_xor: case INDEX_op_sub: case INDEX_op_andc:
            fold_to_const(c, op, 0);
            return true;
        case INDEX_op_eqv: case INDEX_op_orc:
            fold_to_const(c, op, UINT64_MAX);
            return true;
        default:
            break;
        }
    }
    return false;
}

/* Known outcome of cond(a, b): 1 true, 0 false, -1 unknown. */
static int cond_outcome(OptContext *c, TCGCond cond, TCGArg a, TCGArg b)
{
    uint64_t x, y;

    if (cond == TCG_COND_ALWAYS) {
        return 1;
    }
    if (cond == TCG_COND_NEVER) {
        return 0;
    }
    if (arg_const(c, a, &x) && arg_const(c, b, &y)) {
        return tcg_eval_cond(cond, x, y);
    }
    if (a == b) {
        return tcg_eval_cond(cond, 0, 0);
    }
    /* Unsigned compares against 0 are decided by the type. */
    if (arg_is(c, b, 0)) {
        if (cond == TCG_COND_GEU) {
            return 1;
        }
        if (cond == TCG_COND_LTU) {
            return 0;
        }
    }
    return -1;
}

static void label_unref(OptContext *c, TCGArg id)
{
    c->label_refs[id]--;
}

void tcg_optimize(TCGContext *s)
{
    OptContext ctx = {.s = s, .info = opt_scratch.info, .touched = opt_scratch.touched,
                      .is_touched = opt_scratch.is_touched,
                      .info_n = MIN(opt_scratch.clean_n, s->nb_globals)};
    OptContext *c = &ctx;
    bool unreachable = false;

    if (s->nb_labels + 1 > opt_scratch.labels_cap) {
        opt_scratch.labels_cap = MAX(s->nb_labels + 1, 2 * opt_scratch.labels_cap);
        opt_scratch.label_refs = g_renew(int, opt_scratch.label_refs, opt_scratch.labels_cap);
    }
    ctx.label_refs = opt_scratch.label_refs;
    memset(ctx.label_refs, 0, sizeof(int) * (s->nb_labels + 1));
    for (unsigned i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        if (op->opc == INDEX_op_br) {
            ctx.label_refs[op->args[0]]++;
        } else if (op->opc == INDEX_op_brcond) {
            ctx.label_refs[op->args[3]]++;
        }
    }
    info_reserve(c);

    for (unsigned i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        TCGOpcode opc = op->opc;
        unsigned nt = op->nb_oargs + op->nb_iargs;
        uint64_t x, y;

        if (opc == INDEX_op_set_label) {
            if (c->label_refs[op->args[0]] == 0) {
                op->opc = INDEX_op_nop;         /* nobody branches here */
                continue;
            }
            unreachable = false;
            reset_all(c);
            continue;
        }
        if (unreachable) {
            if (opc == INDEX_op_br) {
                label_unref(c, op->args[0]);
            } else if (opc == INDEX_op_brcond) {
                label_unref(c, op->args[3]);
            }
            op->opc = INDEX_op_nop;
            continue;
        }
        for (unsigned a = op->nb_oargs; a < nt; a++) {
            op->args[a] = canonical(c, op->args[a],
                                    op->nb_oargs == 1 ? (unsigned)op->args[0] : UINT_MAX);
        }

        if (opc == INDEX_op_mov) {
            fold_to_copy(c, op, op->args[1]);
            continue;
        }
        if (is_binop(opc)) {
            if (is_commutative(opc) && c->info[op->args[1]].is_const &&
                !c->info[op->args[2]].is_const) {
                TCGArg t = op->args[1];
                op->args[1] = op->args[2];
                op->args[2] = t;
            }
            if (arg_const(c, op->args[1], &x) && arg_const(c, op->args[2], &y)) {
                fold_to_const(c, op, tcg_eval_binop(opc, x, y));
                continue;
            }
            if (fold_binop_identity(c, op)) {
                continue;
            }
        } else if (is_unop(opc)) {
            if (arg_const(c, op->args[1], &x)) {
                fold_to_const(c, op, tcg_eval_unop(opc, x));
                continue;
            }
        } else {
            switch (opc) {
            case INDEX_op_deposit:
                if (arg_const(c, op->args[1], &x) && arg_const(c, op->args[2], &y)) {
                    fold_to_const(c, op, deposit64(x, op->args[3], op->args[4], y));
                    continue;
                }
                break;
            case INDEX_op_extract:
            case INDEX_op_sextract:
                if (arg_const(c, op->args[1], &x)) {
                    fold_to_const(c, op, opc == INDEX_op_extract
                                  ? extract64(x, op->args[2], op->args[3])
                                  : (uint64_t)sextract64(x, op->args[2], op->args[3]));
                    continue;
                }
                break;
            case INDEX_op_setcond: {
                int r = cond_outcome(c, (TCGCond)op->args[3], op->args[1], op->args[2]);
                if (r >= 0) {
                    fold_to_const(c, op, (uint64_t)r);
                    continue;
                }
                break;
            }
            case INDEX_op_movcond: {
                int r = cond_outcome(c, (TCGCond)op->args[5], op->args[1], op->args[2]);
                if (r >= 0 || op->args[3] == op->args[4]) {
                    fold_to_copy(c, op, r == 0 ? op->args[4] : op->args[3]);
                    continue;
                }
                break;
            }
            case INDEX_op_brcond: {
                int r = cond_outcome(c, (TCGCond)op->args[2], op->args[0], op->args[1]);
                if (r == 1) {
                    TCGArg l = op->args[3];
                    op->opc = INDEX_op_br;
                    op->nb_iargs = 0;
                    op->nb_cargs = 1;
                    op->args[0] = l;
                    unreachable = true;
                } else if (r == 0) {
                    label_unref(c, op->args[3]);
                    op->opc = INDEX_op_nop;
                }
                continue;
            }
            case INDEX_op_br: {
                /* A jump to the label that follows is a fall-through. */
                unsigned j = i + 1;
                while (j < s->nb_ops && s->ops[j].opc == INDEX_op_nop) {
                    j++;
                }
                if (j < s->nb_ops && s->ops[j].opc == INDEX_op_set_label &&
                    s->ops[j].args[0] == op->args[0]) {
                    label_unref(c, op->args[0]);
                    op->opc = INDEX_op_nop;
                    continue;
                }
                unreachable = true;
                continue;
            }
            case INDEX_op_exit_tb:
            case INDEX_op_lookup_and_goto_ptr:
            case INDEX_op_lookup_and_goto_pc:
                unreachable = true;
                continue;
            case INDEX_op_call:
                if (!(tcg_call_info(op)->flags & TCG_CALL_NO_WRITE_GLOBALS)) {
                    reset_globals(c);
                }
                break;
            case INDEX_op_st8: case INDEX_op_st16: case INDEX_op_st32: case INDEX_op_st:
                /* A store through env may alias a global's field. */
                if (op->args[1] == tcg_env.idx) {
                    reset_globals(c);
                }
                break;
            default:
                break;
            }
        }
        for (unsigned a = 0; a < op->nb_oargs; a++) {
            reset_temp(c, op->args[a]);
        }
    }
    /* Unreachable code removal may have left a jump right before its label. */
    for (unsigned i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        unsigned j = i + 1;

        if (op->opc != INDEX_op_br) {
            continue;
        }
        while (j < s->nb_ops && s->ops[j].opc == INDEX_op_nop) {
            j++;
        }
        if (j < s->nb_ops && s->ops[j].opc == INDEX_op_set_label &&
            s->ops[j].args[0] == op->args[0]) {
            label_unref(c, op->args[0]);
            op->opc = INDEX_op_nop;
        }
    }
    for (unsigned i = 0; i < s->nb_ops; i++) {
        if (s->ops[i].opc == INDEX_op_set_label && c->label_refs[s->ops[i].args[0]] == 0) {
            s->ops[i].opc = INDEX_op_nop;
        }
    }
    reset_all(c);
    opt_scratch.clean_n = s->nb_globals;
    /* The nops stay: tcg_liveness, which always follows, skips them and
     * compacts once for both passes. */
}
