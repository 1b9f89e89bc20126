/*
 * IR unit tests: emit small programs against a fake env, run them through
 * the interpreter with and without the optimizer, and check the results
 * against values computed independently here (edge cases of division,
 * shifts and high multiplies), op counts before/after optimization, helper
 * calls and global write-back, the instruction map, chaining, the dump.
 * Random programs: test-tcg-ir-random.c.
 */
#include "tests/unit/tcg-ir-util.h"
#include "tests/unit/unit.h"

/* ---- arithmetic against independent expectations ---- */

typedef struct BinCase {
    void (*gen)(TCGv, TCGv, TCGv);
    uint64_t a, b, expect;
    const char *name;
} BinCase;

static const BinCase bin_cases[] = {
    {tcg_gen_add, 5, 7, 12, "add"},
    {tcg_gen_add, UINT64_MAX, 2, 1, "add wrap"},
    {tcg_gen_sub, 5, 7, (uint64_t)-2, "sub"},
    {tcg_gen_mul, 0x100000001ULL, 0x100000001ULL, 0x200000001ULL, "mul"},
    {tcg_gen_mulsh, (uint64_t)-1, (uint64_t)-1, 0, "mulsh -1*-1"},
    {tcg_gen_mulsh, (uint64_t)INT64_MIN, 2, (uint64_t)-1, "mulsh min*2"},
    {tcg_gen_mulsh, (uint64_t)INT64_MIN, (uint64_t)INT64_MIN, 0x4000000000000000ULL, "mulsh"},
    {tcg_gen_muluh, UINT64_MAX, UINT64_MAX, UINT64_MAX - 1, "muluh max"},
    {tcg_gen_muluh, 1ULL << 63, 4, 2, "muluh"},
    {tcg_gen_and, 0xf0f0, 0xff00, 0xf000, "and"},
    {tcg_gen_or, 0xf0f0, 0xff00, 0xfff0, "or"},
    {tcg_gen_xor, 0xf0f0, 0xff00, 0x0ff0, "xor"},
    {tcg_gen_andc, 0xf0f0, 0xff00, 0x00f0, "andc"},
    {tcg_gen_orc, 0, 0xff, ~0xffULL, "orc"},
    {tcg_gen_eqv, 0xf0, 0xff, ~0x0fULL, "eqv"},
    {tcg_gen_shl, 1, 63, 1ULL << 63, "shl 63"},
    {tcg_gen_shl, 1, 64, 1, "shl 64 = shl 0"},
    {tcg_gen_shl, 3, 65, 6, "shl 65 = shl 1"},
    {tcg_gen_shr, 1ULL << 63, 63, 1, "shr"},
    {tcg_gen_shr, 0x80, 128 + 4, 0x8, "shr mod 64"},
    {tcg_gen_sar, 1ULL << 63, 63, UINT64_MAX, "sar"},
    {tcg_gen_sar, 0x4000000000000000ULL, 62, 1, "sar positive"},
    {tcg_gen_rotl, 0x8000000000000001ULL, 1, 3, "rotl"},
    {tcg_gen_rotl, 0x1234, 64, 0x1234, "rotl 64"},
    {tcg_gen_rotr, 3, 1, 0x8000000000000001ULL, "rotr"},
    {tcg_gen_rotr, 0x1234, 0, 0x1234, "rotr 0"},
    {tcg_gen_div, (uint64_t)-7, 2, (uint64_t)-3, "div truncates"},
    {tcg_gen_div, 7, 0, UINT64_MAX, "div by 0"},
    {tcg_gen_div, (uint64_t)INT64_MIN, (uint64_t)-1, (uint64_t)INT64_MIN, "div overflow"},
    {tcg_gen_divu, 7, 0, UINT64_MAX, "divu by 0"},
    {tcg_gen_divu, UINT64_MAX, 2, UINT64_MAX / 2, "divu"},
    {tcg_gen_rem, (uint64_t)-7, 2, (uint64_t)-1, "rem sign of dividend"},
    {tcg_gen_rem, 7, 0, 7, "rem by 0"},
    {tcg_gen_rem, (uint64_t)INT64_MIN, (uint64_t)-1, 0, "rem overflow"},
    {tcg_gen_remu, 7, 0, 7, "remu by 0"},
    {tcg_gen_remu, UINT64_MAX, 10, 5, "remu"},
};

static void build_bin(void *opaque)
{
    const BinCase *bc = opaque;
    TCGv t = outv(0);

    tcg_gen_insn_start(0x1000, 0);
    bc->gen(t, R[0], R[1]);
    store_out(t, 0);
    /* The same with constant operands, which the optimizer folds. */
    t = outv(1);
    bc->gen(t, tcg_constant((int64_t)bc->a), tcg_constant((int64_t)bc->b));
    store_out(t, 1);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(tcg_binops_edge_cases)
{
    for (unsigned i = 0; i < ARRAY_SIZE(bin_cases); i++) {
        for (int opt = 0; opt < 2; opt++) {
            FakeEnv env = {.r = {bin_cases[i].a, bin_cases[i].b}};
            run(build_bin, (void *)&bin_cases[i], &env, opt);
            if (env.out[0] != bin_cases[i].expect || env.out[1] != bin_cases[i].expect) {
                unit_fail(__FILE__, __LINE__, "%s (opt=%d): got %" PRIx64 "/%" PRIx64
                          " want %" PRIx64, bin_cases[i].name, opt, env.out[0],
                          env.out[1], bin_cases[i].expect);
            }
        }
    }
}

static void build_unops(void *opaque)
{
    void (*const un[])(TCGv, TCGv) = {
        tcg_gen_neg, tcg_gen_not, tcg_gen_clz, tcg_gen_ctz, tcg_gen_ctpop,
        tcg_gen_bswap64, tcg_gen_ext8s, tcg_gen_ext8u, tcg_gen_ext16s,
        tcg_gen_ext16u, tcg_gen_ext32s, tcg_gen_ext32u,
    };
    for (unsigned i = 0; i < ARRAY_SIZE(un); i++) {
        TCGv t = outv(i);
        un[i](t, R[0]);
        store_out(t, i);
    }
    TCGv t = tcg_temp_new();
    tcg_gen_deposit(t, R[0], R[1], 8, 12);
    store_out(t, 20);
    t = tcg_temp_new();
    tcg_gen_extract(t, R[0], 4, 8);
    store_out(t, 21);
    t = tcg_temp_new();
    tcg_gen_sextract(t, R[0], 4, 8);
    store_out(t, 22);
    t = tcg_temp_new();
    tcg_gen_extract(t, R[0], 0, 64);
    store_out(t, 23);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(tcg_unops_and_bitfields)
{
    for (int opt = 0; opt < 2; opt++) {
        FakeEnv env = {.r = {0x80000000000088f0ULL, 0xabcdef}};
        run(build_unops, NULL, &env, opt);
        CHECK_EQ(env.out[0], 0x7fffffffffff7710ULL);
        CHECK_EQ(env.out[1], 0x7fffffffffff770fULL);
        CHECK_EQ(env.out[2], 0);              /* clz: top bit set */
        CHECK_EQ(env.out[3], 4);              /* ctz of ...f0 */
        CHECK_EQ(env.out[4], 1 + 2 + 4);      /* 0x8, 0x88f0 -> 1 + 2 + 4 bits */
        CHECK_EQ(env.out[5], 0xf088000000000080ULL);
        CHECK_EQ(env.out[6], (uint64_t)-16);  /* 0xf0 as int8 */
        CHECK_EQ(env.out[7], 0xf0);
        CHECK_EQ(env.out[8], (uint64_t)(int64_t)(int16_t)0x88f0);
        CHECK_EQ(env.out[9], 0x88f0);
        CHECK_EQ(env.out[10], 0x88f0);
        CHECK_EQ(env.out[11], 0x88f0);
        CHECK_EQ(env.out[20], 0x80000000000deff0ULL);   /* 12 bits of b at 8 */
        CHECK_EQ(env.out[21], 0x8f);
        CHECK_EQ(env.out[22], (uint64_t)(int64_t)(int8_t)0x8f);
        CHECK_EQ(env.out[23], 0x80000000000088f0ULL);
    }
    for (int opt = 0; opt < 2; opt++) {
        FakeEnv env = {.r = {0, 0}};
        run(build_unops, NULL, &env, opt);
        CHECK_EQ(env.out[2], 64);             /* clz(0) */
        CHECK_EQ(env.out[3], 64);             /* ctz(0) */
        CHECK_EQ(env.out[4], 0);
    }
}

/* ---- conditions ---- */

static void build_conds(void *opaque)
{
    for (int c = TCG_COND_NEVER; c <= TCG_COND_GTU; c++) {
        TCGv t = tcg_temp_new(), m = tcg_temp_new();
        tcg_gen_setcond((TCGCond)c, t, R[0], R[1]);
        store_out(t, c);
        tcg_gen_movcond((TCGCond)c, m, R[0], R[1], R[2], R[3]);
        store_out(m, 16 + c);
    }
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(tcg_setcond_movcond_all_conditions)
{
    /* a = -1 (huge unsigned), b = 1 */
    static const bool expect[] = {
        [TCG_COND_NEVER] = 0, [TCG_COND_ALWAYS] = 1, [TCG_COND_EQ] = 0,
        [TCG_COND_NE] = 1,    [TCG_COND_LT] = 1,     [TCG_COND_GE] = 0,
        [TCG_COND_LE] = 1,    [TCG_COND_GT] = 0,     [TCG_COND_LTU] = 0,
        [TCG_COND_GEU] = 1,   [TCG_COND_LEU] = 0,    [TCG_COND_GTU] = 1,
    };
    for (int opt = 0; opt < 2; opt++) {
        FakeEnv env = {.r = {UINT64_MAX, 1, 111, 222}};
        run(build_conds, NULL, &env, opt);
        for (int c = TCG_COND_NEVER; c <= TCG_COND_GTU; c++) {
            CHECK_EQ(env.out[c], expect[c]);
            CHECK_EQ(env.out[16 + c], expect[c] ? 111 : 222);
        }
    }
}

/* ---- branches and loops ---- */

static void build_sum_loop(void *opaque)
{
    /* r1 = sum of 1..r0, with a backward branch */
    TCGLabel *top = gen_new_label(), *done = gen_new_label();
    TCGv i = tcg_temp_new(), acc = tcg_temp_new();

    tcg_gen_movi(acc, 0);
    tcg_gen_mov(i, R[0]);
    gen_set_label(top);
    tcg_gen_brcondi(TCG_COND_EQ, i, 0, done);
    tcg_gen_add(acc, acc, i);
    tcg_gen_subi(i, i, 1);
    tcg_gen_br(top);
    gen_set_label(done);
    tcg_gen_mov(R[1], acc);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(tcg_branch_loop)
{
    for (int opt = 0; opt < 2; opt++) {
        FakeEnv env = {.r = {100}};
        run(build_sum_loop, NULL, &env, opt);
        CHECK_EQ(env.r[1], 5050);
        env.r[0] = 0;
        run(build_sum_loop, NULL, &env, opt);
        CHECK_EQ(env.r[1], 0);
    }
}

/* ---- optimizer: folding and dead code ---- */

static void build_foldable(void *opaque)
{
    TCGv a = tcg_temp_new(), b = tcg_temp_new(), dead = tcg_temp_new();
    TCGLabel *skip = gen_new_label();

    tcg_gen_movi(a, 6);
    tcg_gen_muli(b, a, 7);          /* 42 */
    tcg_gen_addi(b, b, 0);          /* x + 0 */
    tcg_gen_muli(b, b, 1);          /* x * 1 */
    tcg_gen_xor(dead, R[0], R[0]);  /* x ^ x, unused */
    tcg_gen_mul(dead, dead, R[1]);  /* unused */
    tcg_gen_brcondi(TCG_COND_NE, b, 42, skip);   /* never taken */
    tcg_gen_mov(R[2], b);
    gen_set_label(skip);
    tcg_gen_andi(R[3], R[0], 0);    /* x & 0 */
    tcg_gen_ori(R[4], R[1], 0);     /* x | 0 -> copy */
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(tcg_optimizer_folds_and_removes_dead_code)
{
    FakeEnv e1 = {.r = {9, 8, 0, 77, 0}}, e2 = e1;
    RunResult plain = run(build_foldable, NULL, &e1, false);
    RunResult opt = run(build_foldable, NULL, &e2, true);

    CHECK_EQ(e1.r[2], 42);
    CHECK_EQ(e1.r[3], 0);
    CHECK_EQ(e1.r[4], 8);
    CHECK(memcmp(&e1, &e2, sizeof(e1)) == 0);
    /* Left: mov r2,$42; mov r3,$0; mov r4,r1; exit_tb. */
    CHECK_EQ(plain.ops_after, plain.ops_before);
    CHECK_EQ(opt.ops_after, 4);
    CHECK(opt.ops_before >= 12);
}

static const TCGHelperInfo *pure_info, *impure_info;

static uint64_t helper_pure_add(uint64_t a, uint64_t b)
{
    return a + b;
}

static uint64_t helper_impure(void *env, uint64_t a)
{
    FakeEnv *e = env;
    e->helper_seen = e->r[3];       /* reads a global the block just wrote */
    e->r[5] = a * 2;                /* writes a global behind the block's back */
    return a + 1;
}

static void build_calls(void *opaque)
{
    TCGv t = tcg_temp_new(), u = tcg_temp_new(), dead = tcg_temp_new();

    tcg_gen_call2(pure_info, dead, R[0], R[1]);      /* result unused: removable */
    tcg_gen_call2(pure_info, t, R[0], R[1]);
    tcg_gen_movi(R[3], 1234);
    tcg_gen_movi(R[5], 1);
    tcg_gen_call2(impure_info, u, tcg_env, t);
    tcg_gen_add(R[6], R[5], u);     /* must see the helper's write to r5 */
    /* The result of a helper that writes globals, into a global (the
     * reload after the call must not clobber it). */
    tcg_gen_call2(impure_info, R[7], tcg_env, tcg_constant(1000));
    tcg_gen_exit_tb(NULL, 0);
}

static void build_br_next(void *opaque)
{
    TCGLabel *l = gen_new_label(), *m = gen_new_label();

    tcg_gen_brcondi(TCG_COND_EQ, tcg_constant(1), 1, l);   /* always: br l */
    tcg_gen_movi(R[0], 1);                                  /* unreachable */
    gen_set_label(l);
    tcg_gen_br(m);                                          /* to the next op */
    gen_set_label(m);
    tcg_gen_addi(R[1], R[1], 2);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(tcg_optimizer_removes_decided_branches_and_labels)
{
    FakeEnv e1 = {.r = {5, 7}}, e2 = e1;
    RunResult plain = run(build_br_next, NULL, &e1, false);
    RunResult opt = run(build_br_next, NULL, &e2, true);

    CHECK_EQ(e1.r[0], 5);
    CHECK_EQ(e1.r[1], 9);
    CHECK(memcmp(&e1, &e2, sizeof(e1)) == 0);
    CHECK_EQ(plain.ops_after, 7);
    CHECK_EQ(opt.ops_after, 2);         /* add_i64 r1,r1,$2; exit_tb */
}

/*
 * A global written and then overwritten with nothing in between that may
 * read env: the first store is dead; a helper call or a host access in
 * between keeps it (they may see env).
 */
static void build_overwrite(void *opaque)
{
    int k = *(const int *)opaque;

    tcg_gen_insn_start(0x1000, 0);
    tcg_gen_mov(R[2], R[0]);
    tcg_gen_ext32s(R[2], R[2]);             /* reads the copy: R[0] */
    tcg_gen_addi(R[3], R[1], 5);            /* dead unless k says otherwise */
    if (k == 1) {
        tcg_gen_call2(impure_info, R[4], tcg_env, R[1]);
    } else if (k == 2) {
        tcg_gen_ld(R[6], tcg_env, offsetof(FakeEnv, r) + 3 * 8);   /* reads r3 */
    }
    tcg_gen_movi(R[3], 9);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(tcg_dead_global_stores_are_dropped)
{
    static const TCGHelperInfo ii = TCG_HELPER(helper_impure, 2, true, 0);

    impure_info = &ii;
    for (int k = 0; k < 3; k++) {
        FakeEnv e1 = {.r = {0x80000001ULL, 20}}, e2 = e1;
        RunResult plain = run(build_overwrite, &k, &e1, false);
        RunResult opt = run(build_overwrite, &k, &e2, true);

        CHECK(memcmp(&e1, &e2, sizeof(e1)) == 0);
        CHECK_EQ(e2.r[2], 0xffffffff80000001ULL);
        CHECK_EQ(e2.r[3], 9);
        if (k == 0) {
            /* ext32s r2,r0; movi r3,9; exit_tb */
            CHECK_EQ(opt.ops_after, 4);
            CHECK_EQ(plain.ops_after, 6);
        } else {
            CHECK_EQ(opt.ops_after, 6);     /* the add stays */
            CHECK_EQ(k == 1 ? e2.helper_seen : e2.r[6], 25);
        }
    }
}

UNIT_TEST(tcg_helper_calls_sync_globals)
{
    static const TCGHelperInfo pi = TCG_HELPER(helper_pure_add, 2, true, TCG_CALL_PURE);
    static const TCGHelperInfo ii = TCG_HELPER(helper_impure, 2, true, 0);

    pure_info = &pi;
    impure_info = &ii;
    for (int opt = 0; opt < 2; opt++) {
        FakeEnv env = {.r = {10, 20}};
        RunResult rr = run(build_calls, NULL, &env, opt);
        CHECK_EQ(env.helper_seen, 1234);
        CHECK_EQ(env.r[5], 2000);
        CHECK_EQ(env.r[6], 60 + 31);
        CHECK_EQ(env.r[7], 1001);
        if (opt) {
            CHECK_EQ(rr.ops_after, rr.ops_before - 1);    /* the dead pure call */
        }
    }
}

static uint64_t helper_six(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
                           uint64_t f)
{
    return a * 100000 + b * 10000 + c * 1000 + d * 100 + e * 10 + f;
}

static void build_six(void *opaque)
{
    static const TCGHelperInfo si = TCG_HELPER(helper_six, 6, true, TCG_CALL_PURE);
    TCGv t = tcg_temp_new();

    tcg_gen_call6(&si, t, tcg_constant(1), tcg_constant(2), tcg_constant(3),
                  R[0], R[1], R[2]);
    tcg_gen_mov(R[7], t);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(tcg_helper_six_args)
{
    FakeEnv env = {.r = {4, 5, 6}};

    run(build_six, NULL, &env, true);
    CHECK_EQ(env.r[7], 123456);
}

/* ---- host loads/stores relative to env ---- */

static void build_ldst(void *opaque)
{
    static const struct {
        void (*ld)(TCGv, TCGv, intptr_t);
    } lds[] = {{tcg_gen_ld8u}, {tcg_gen_ld8s}, {tcg_gen_ld16u}, {tcg_gen_ld16s},
               {tcg_gen_ld32u}, {tcg_gen_ld32s}, {tcg_gen_ld}};
    for (unsigned i = 0; i < ARRAY_SIZE(lds); i++) {
        TCGv t = tcg_temp_new();
        lds[i].ld(t, tcg_env, offsetof(FakeEnv, bytes));
        store_out(t, i);
    }
    tcg_gen_st8(R[0], tcg_env, offsetof(FakeEnv, bytes) + 8);
    tcg_gen_st16(R[0], tcg_env, offsetof(FakeEnv, bytes) + 10);
    tcg_gen_st32(R[0], tcg_env, offsetof(FakeEnv, bytes) + 12);
    /* A store into a global's field is seen by later reads of the global. */
    tcg_gen_movi(R[1], 5);
    tcg_gen_st(tcg_constant(77), tcg_env, offsetof(FakeEnv, r) + 8);
    tcg_gen_addi(R[2], R[1], 1);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(tcg_env_loads_and_stores)
{
    for (int opt = 0; opt < 2; opt++) {
        FakeEnv env = {.r = {0x1122334455667788ULL}};
        static const uint8_t pat[8] = {0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8};
        memcpy(env.bytes, pat, 8);
        run(build_ldst, NULL, &env, opt);
        CHECK_EQ(env.out[0], 0xf1);
        CHECK_EQ(env.out[1], (uint64_t)(int64_t)(int8_t)0xf1);
        CHECK_EQ(env.out[2], 0xf2f1);
        CHECK_EQ(env.out[3], (uint64_t)(int64_t)(int16_t)0xf2f1);
        CHECK_EQ(env.out[4], 0xf4f3f2f1);
        CHECK_EQ(env.out[5], (uint64_t)(int64_t)(int32_t)0xf4f3f2f1);
        CHECK_EQ(env.out[6], 0xf8f7f6f5f4f3f2f1ULL);
        CHECK_EQ(env.bytes[8], 0x88);
        CHECK_EQ(env.bytes[10] | env.bytes[11] << 8, 0x7788);
        CHECK_EQ(env.bytes[12], 0x88);
        CHECK_EQ(env.bytes[15], 0x55);
        CHECK_EQ(env.r[1], 77);
        CHECK_EQ(env.r[2], 78);
    }
}

/* ---- guest memory through the runtime hooks, and the insn map ---- */

static uint64_t fake_mem[4];
static uintptr_t last_ra;
static MemOpIdx last_oi;

static uint64_t fake_qemu_ld(void *env, uint64_t addr, MemOpIdx oi, uintptr_t ra)
{
    last_ra = ra;
    last_oi = oi;
    return fake_mem[addr & 3];
}

static void fake_qemu_st(void *env, uint64_t addr, uint64_t val, MemOpIdx oi, uintptr_t ra)
{
    last_ra = ra;
    last_oi = oi;
    fake_mem[addr & 3] = val;
}

static void build_mem(void *opaque)
{
    TCGv t = tcg_temp_new();

    tcg_gen_insn_start(0x100, 11);
    tcg_gen_qemu_st(R[0], tcg_constant(2), 3, MO_UQ);
    tcg_gen_insn_start(0x104, 22);
    tcg_gen_movi(R[1], 9);          /* synced before the load */
    tcg_gen_qemu_ld(t, tcg_constant(2), 1, MO_SL);
    tcg_gen_mov(R[2], t);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(tcg_qemu_ld_st_hooks_and_insn_map)
{
    FakeEnv env = {.r = {42}};
    static TranslationBlock tb;
    uint64_t data[2];

    tcg_runtime.qemu_ld = fake_qemu_ld;
    tcg_runtime.qemu_st = fake_qemu_st;
    run_block(build_mem, NULL, &env, true, &tb);
    CHECK_EQ(fake_mem[2], 42);
    CHECK_EQ(env.r[2], 42);
    CHECK_EQ(get_memop(last_oi), MO_SL);
    CHECK_EQ(get_mmuidx(last_oi), 1);
    /* The load's position maps to the second guest instruction. */
    CHECK_EQ(tcg_backend_interp.find_insn(&tb, last_ra, data), 1);
    CHECK_EQ(data[0], 0x104);
    CHECK_EQ(data[1], 22);
    CHECK(tcg_backend_interp.insn_data(&tb, 0, data));
    CHECK_EQ(data[0], 0x100);
    CHECK_EQ(tcg_backend_interp.find_insn(&tb, (uintptr_t)codebuf - 4, data), -1);
}

/* ---- chaining and exit values ---- */

static void build_chain_a(void *opaque)
{
    tcg_gen_addi(R[0], R[0], 1);
    tcg_gen_goto_tb(0);
    tcg_gen_movi(R[1], 0xa);      /* only when not chained */
    tcg_gen_exit_tb(opaque, 0);
}

static void build_chain_b(void *opaque)
{
    tcg_gen_addi(R[0], R[0], 100);
    tcg_gen_exit_tb(opaque, 1);
}

UNIT_TEST(tcg_goto_tb_chaining)
{
    static TranslationBlock a, b;
    static uint8_t buf_b[4096] __attribute__((aligned(16)));
    FakeEnv env = {0};
    uintptr_t ret;

    /* b lives in its own buffer; a is built last in codebuf. */
    setup_globals();
    tcg_func_start();
    build_chain_b(&b);
    b.tc_ptr = buf_b;
    CHECK(tcg_backend_interp.gen_code(tcg_ctx, &b, buf_b, sizeof(buf_b)) > 0);

    ret = run_block(build_chain_a, &a, &env, true, &a).exit;
    CHECK_EQ(ret, (uintptr_t)&a | 0);     /* unchained: exit slot 0 */
    CHECK_EQ(env.r[0], 1);
    CHECK_EQ(env.r[1], 0xa);

    env.r[1] = 0;
    tcg_backend_interp.set_jmp(&a, 0, &b);
    ret = tcg_backend_interp.exec(&env, &a);
    CHECK_EQ(ret, (uintptr_t)&b | 1);     /* ran a then b directly */
    CHECK_EQ(env.r[0], 102);
    CHECK_EQ(env.r[1], 0);
    CHECK(tcg_current_tb == NULL);

    a.invalid = true;                     /* an invalid block does not chain */
    ret = tcg_backend_interp.exec(&env, &a);
    CHECK_EQ(ret, (uintptr_t)&a);
    a.invalid = false;
    tcg_backend_interp.set_jmp(&a, 0, NULL);
}

/* ---- dump ---- */

UNIT_TEST(tcg_dump_format)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    TCGv t;
    TCGLabel *l;

    setup_globals();
    tcg_func_start();
    t = tcg_temp_new();
    l = gen_new_label();
    tcg_gen_insn_start(0x80000000, 0);
    tcg_gen_add(t, R[5], tcg_constant(16));
    tcg_gen_brcondi(TCG_COND_LTU, t, 3, l);
    gen_set_label(l);
    tcg_gen_qemu_ld(R[1], t, 1, MO_SW);
    tcg_gen_exit_tb(NULL, 0);
    tcg_dump_ops(tcg_ctx, f);
    fclose(f);
    CHECK(strstr(text, " ---- 0000000080000000 0000000000000000\n"));
    CHECK(strstr(text, " add_i64 tmp0,r5,$0x10\n"));
    CHECK(strstr(text, " brcond_i64 tmp0,$0x3,ltu,$L0\n"));
    CHECK(strstr(text, " set_label $L0\n"));
    CHECK(strstr(text, " qemu_ld_i64 r1,tmp0,lesw,1\n"));
    CHECK(strstr(text, " exit_tb $0x0\n"));
    free(text);
}
