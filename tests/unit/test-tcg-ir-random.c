/*
 * Random IR programs (arithmetic, conditions, forward branches, helper
 * calls that read and write globals behind the block's back) run three
 * ways: a reference evaluator straight over the op list, the interpreter
 * on the plain IR, and the interpreter on the optimized IR.  All must agree.
 */
#include "tests/unit/tcg-ir-util.h"
#include "tests/unit/unit.h"

/* ---- random programs: optimized and unoptimized agree ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static const uint64_t interesting[] = {
    0, 1, 2, 63, 64, UINT64_MAX, (uint64_t)INT64_MIN, INT64_MAX, 0x80000000, 0xffffffff,
};

static TCGv pick(TCGv *tmps, unsigned ntmp)
{
    switch (rnd() % 4) {
    case 0:
        return tcg_constant((int64_t)interesting[rnd() % ARRAY_SIZE(interesting)]);
    case 1:
        return R[rnd() % 8];
    default:
        return tmps[rnd() % ntmp];
    }
}

static TCGv pick_out(TCGv *tmps, unsigned ntmp)
{
    return rnd() % 3 == 0 ? R[rnd() % 8] : tmps[rnd() % ntmp];
}

/* Reads and writes guest globals behind the block's back. */
static uint64_t helper_mix(void *env, uint64_t a)
{
    FakeEnv *e = env;

    e->r[a & 7] ^= a * 0x9E3779B97F4A7C15ULL;
    return e->r[(a >> 3) & 7] + a;
}

static uint64_t helper_pure_mul3(uint64_t a)
{
    return a * 3;
}

static void build_random(void *opaque)
{
    static const TCGHelperInfo mix = TCG_HELPER(helper_mix, 2, true, 0);
    static const TCGHelperInfo mul3 = TCG_HELPER(helper_pure_mul3, 1, true, TCG_CALL_PURE);
    void (*const bin[])(TCGv, TCGv, TCGv) = {
        tcg_gen_add, tcg_gen_sub, tcg_gen_mul, tcg_gen_mulsh, tcg_gen_muluh, tcg_gen_and,
        tcg_gen_or, tcg_gen_xor, tcg_gen_andc, tcg_gen_orc, tcg_gen_eqv, tcg_gen_shl,
        tcg_gen_shr, tcg_gen_sar, tcg_gen_rotl, tcg_gen_rotr, tcg_gen_div, tcg_gen_divu,
        tcg_gen_rem, tcg_gen_remu,
    };
    void (*const un[])(TCGv, TCGv) = {
        tcg_gen_neg, tcg_gen_not, tcg_gen_clz, tcg_gen_ctz, tcg_gen_ctpop,
        tcg_gen_bswap64, tcg_gen_ext8s, tcg_gen_ext8u, tcg_gen_ext16s, tcg_gen_ext16u,
        tcg_gen_ext32s, tcg_gen_ext32u, tcg_gen_mov,
    };
    TCGv tmps[8];
    TCGLabel *labels[4];
    bool placed[4] = {0};
    unsigned nops;

    rng_state = *(uint64_t *)opaque;
    nops = 20 + rnd() % 40;
    for (int i = 0; i < 8; i++) {
        tmps[i] = tcg_temp_new();
        tcg_gen_movi(tmps[i], (int64_t)rnd());     /* temps start defined */
    }
    for (int i = 0; i < 4; i++) {
        labels[i] = gen_new_label();
    }
    for (unsigned n = 0; n < nops; n++) {
        unsigned k = rnd() % 12;
        if (k == 10) {
            tcg_gen_call2(&mix, pick_out(tmps, 8), tcg_env, pick(tmps, 8));
        } else if (k == 11) {
            tcg_gen_call1(&mul3, pick_out(tmps, 8), pick(tmps, 8));
        } else if (k < 5) {
            bin[rnd() % ARRAY_SIZE(bin)](pick_out(tmps, 8), pick(tmps, 8), pick(tmps, 8));
        } else if (k < 7) {
            un[rnd() % ARRAY_SIZE(un)](pick_out(tmps, 8), pick(tmps, 8));
        } else if (k == 7) {
            tcg_gen_setcond((TCGCond)(rnd() % 12), pick_out(tmps, 8), pick(tmps, 8),
                            pick(tmps, 8));
        } else if (k == 8) {
            tcg_gen_movcond((TCGCond)(rnd() % 12), pick_out(tmps, 8), pick(tmps, 8),
                            pick(tmps, 8), pick(tmps, 8), pick(tmps, 8));
        } else {
            /* Forward branches only, so every program terminates. */
            unsigned l = rnd() % 4;
            if (!placed[l]) {
                if (rnd() % 2) {
                    tcg_gen_brcond((TCGCond)(rnd() % 12), pick(tmps, 8), pick(tmps, 8),
                                   labels[l]);
                } else {
                    gen_set_label(labels[l]);
                    placed[l] = true;
                }
            }
        }
    }
    for (int i = 0; i < 4; i++) {
        if (!placed[i]) {
            gen_set_label(labels[i]);
        }
    }
    for (int i = 0; i < 8; i++) {
        store_out(tmps[i], i);
    }
    tcg_gen_exit_tb(NULL, 0);
}

/*
 * A reference evaluator straight over the op list: globals live in env
 * memory, temps in an array, no caching, no bytecode.  The interpreter
 * must agree with it.
 */
static uint64_t ref_get(FakeEnv *env, uint64_t *v, TCGArg t)
{
    TCGTemp *tt = tcg_temp(t);

    switch (tt->kind) {
    case TEMP_FIXED: return (uint64_t)(uintptr_t)env;
    case TEMP_GLOBAL: return *(uint64_t *)((char *)env + tt->mem_offset);
    case TEMP_CONST: return (uint64_t)tt->val;
    default: return v[t];
    }
}

static void ref_set(FakeEnv *env, uint64_t *v, TCGArg t, uint64_t x)
{
    TCGTemp *tt = tcg_temp(t);

    if (tt->kind == TEMP_GLOBAL) {
        *(uint64_t *)((char *)env + tt->mem_offset) = x;
    } else {
        v[t] = x;
    }
}

static void ref_eval(FakeEnv *env)
{
    TCGContext *s = tcg_ctx;
    uint64_t *v = g_new0(uint64_t, s->nb_temps);
    int64_t *label_at = g_new(int64_t, s->nb_labels + 1);

    for (unsigned i = 0; i < s->nb_ops; i++) {
        if (s->ops[i].opc == INDEX_op_set_label) {
            label_at[s->ops[i].args[0]] = i;
        }
    }
    for (unsigned i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        TCGArg *a = op->args;
#define G(k) ref_get(env, v, a[k])
        switch (op->opc) {
        case INDEX_op_set_label: case INDEX_op_insn_start: case INDEX_op_nop:
            break;
        case INDEX_op_mov:
            ref_set(env, v, a[0], G(1));
            break;
        case INDEX_op_setcond:
            ref_set(env, v, a[0], tcg_eval_cond((TCGCond)a[3], G(1), G(2)));
            break;
        case INDEX_op_movcond:
            ref_set(env, v, a[0], tcg_eval_cond((TCGCond)a[5], G(1), G(2)) ? G(3) : G(4));
            break;
        case INDEX_op_br:
            i = label_at[a[0]];
            break;
        case INDEX_op_brcond:
            if (tcg_eval_cond((TCGCond)a[2], G(0), G(1))) {
                i = label_at[a[3]];
            }
            break;
        case INDEX_op_st:
            memcpy((char *)(uintptr_t)G(1) + a[2], &(uint64_t){G(0)}, 8);
            break;
        case INDEX_op_call: {
            const TCGHelperInfo *h = tcg_call_info(op);
            uint64_t x[6] = {0}, r;
            for (unsigned k = 0; k < op->nb_iargs; k++) {
                x[k] = G(op->nb_oargs + k);
            }
            r = ((uint64_t (*)(uint64_t, uint64_t))h->func)(x[0], x[1]);
            if (op->nb_oargs) {
                ref_set(env, v, a[0], r);
            }
            break;
        }
        case INDEX_op_exit_tb:
            i = s->nb_ops;
            break;
        default:
            if (op->opc >= INDEX_op_add && op->opc <= INDEX_op_remu) {
                ref_set(env, v, a[0], tcg_eval_binop(op->opc, G(1), G(2)));
            } else if (op->opc >= INDEX_op_neg && op->opc <= INDEX_op_ext32u) {
                ref_set(env, v, a[0], tcg_eval_unop(op->opc, G(1)));
            } else {
                unit_fail(__FILE__, __LINE__, "ref_eval: op %s", tcg_op_defs[op->opc].name);
            }
            break;
        }
#undef G
    }
    g_free(v);
    g_free(label_at);
}

UNIT_TEST(tcg_random_programs_match_reference)
{
    unsigned total_before = 0, total_after = 0;

    for (uint64_t seed = 1; seed <= 400; seed++) {
        FakeEnv e0, e1, e2;
        uint64_t s = seed * 0x9E3779B97F4A7C15ULL;
        RunResult a, b;

        rng_state = s ^ 0x5555;
        for (int i = 0; i < 8; i++) {
            e1.r[i] = rnd() % 4 ? rnd() : interesting[rnd() % ARRAY_SIZE(interesting)];
        }
        memset(e1.out, 0, sizeof(e1.out));
        memset(e1.bytes, 0, sizeof(e1.bytes));
        e1.helper_seen = 0;
        e2 = e1;
        e0 = e1;
        setup_globals();
        tcg_func_start();
        build_random(&s);
        ref_eval(&e0);
        a = run(build_random, &s, &e1, false);
        b = run(build_random, &s, &e2, true);
        if (memcmp(&e0, &e1, sizeof(e1)) != 0) {
            unit_fail(__FILE__, __LINE__, "seed %" PRIu64 ": interpreter differs from "
                      "the reference evaluator", seed);
        }
        if (memcmp(&e1, &e2, sizeof(e1)) != 0) {
            unit_fail(__FILE__, __LINE__, "seed %" PRIu64 ": optimized result differs", seed);
        }
        total_before += a.ops_after;
        total_after += b.ops_after;
    }
    /* The optimizer must actually remove something on random code. */
    CHECK(total_after < total_before);
}
