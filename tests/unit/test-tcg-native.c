/*
 * The native x86_64 back end at the IR level: every op over edge values
 * (checked against the IR's reference semantics in tcg.c, tcg_eval_*),
 * register pressure and helper calls with six arguments, a loop inside a
 * block, goto_tb chaining and unchaining, the inline jump-cache probe of
 * lookup_and_goto_pc, the pc map behind GETPC(), the
 * soft-MMU slow-path hooks, and the W^X code buffer.
 */
#include "tcg/tcg-backend.h"
#include "accel/tcg/cpu.h"
#include "tests/unit/unit.h"

typedef struct FakeEnv {
    uint64_t r[8];
    uint64_t out[64];
} FakeEnv;

static TCGv R[8];
static uint8_t *code_rw;
#define CODE_SIZE (1 << 20)

static void setup(void)
{
    static const char *const names[8] = {"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"};
    Error *err = NULL;

    if (!code_rw) {
        code_rw = tcg_code_buffer_alloc(CODE_SIZE, true, &err);
        CHECK(err == NULL && code_rw != NULL);
    }
    for (int i = 0; i < 8; i++) {
        R[i] = tcg_global_mem_new(offsetof(FakeEnv, r) + 8 * i, names[i]);
    }
}

static void store_out(TCGv v, int i)
{
    tcg_gen_st(v, tcg_env, offsetof(FakeEnv, out) + 8 * i);
}

typedef void BuildFn(void *opaque);

/* Build, optionally optimize, generate at code offset ofs, and run. */
static uintptr_t run_at(BuildFn *build, void *opaque, FakeEnv *env, bool opt,
                        TranslationBlock *tb, size_t ofs, bool exec)
{
    ptrdiff_t n;

    setup();
    tcg_func_start();
    build(opaque);
    if (opt) {
        tcg_optimize(tcg_ctx);
        tcg_liveness(tcg_ctx);
    }
    memset(tb, 0, sizeof(*tb));
    tb->tc_ptr = code_rw + ofs;
    n = tcg_backend_native.gen_code(tcg_ctx, tb, tb->tc_ptr, CODE_SIZE / 2);
    CHECK(n > 0);
    tb->tc_size = (size_t)n;
    return exec ? tcg_backend_native.exec(env, tb) : 0;
}

static uintptr_t run(BuildFn *build, void *opaque, FakeEnv *env, bool opt)
{
    static TranslationBlock tb;

    return run_at(build, opaque, env, opt, &tb, 0, true);
}

static const uint64_t edge[] = {
    0, 1, 2, 3, 7, 31, 32, 63, 64, 65, 0x7f, 0x80, 0xff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL, 0x123456789abcdef0ULL,
    (uint64_t)INT64_MAX, (uint64_t)INT64_MIN, UINT64_MAX, UINT64_MAX - 1, (uint64_t)-7,
    (uint64_t)-64,
};

static const TCGOpcode binops[] = {
    INDEX_op_add, INDEX_op_sub, INDEX_op_mul, INDEX_op_mulsh, INDEX_op_muluh,
    INDEX_op_and, INDEX_op_or, INDEX_op_xor, INDEX_op_andc, INDEX_op_orc, INDEX_op_eqv,
    INDEX_op_shl, INDEX_op_shr, INDEX_op_sar, INDEX_op_rotl, INDEX_op_rotr,
    INDEX_op_div, INDEX_op_divu, INDEX_op_rem, INDEX_op_remu,
};

static void (*const bin_gen[])(TCGv, TCGv, TCGv) = {
    tcg_gen_add, tcg_gen_sub, tcg_gen_mul, tcg_gen_mulsh, tcg_gen_muluh,
    tcg_gen_and, tcg_gen_or, tcg_gen_xor, tcg_gen_andc, tcg_gen_orc, tcg_gen_eqv,
    tcg_gen_shl, tcg_gen_shr, tcg_gen_sar, tcg_gen_rotl, tcg_gen_rotr,
    tcg_gen_div, tcg_gen_divu, tcg_gen_rem, tcg_gen_remu,
};

typedef struct BinArgs {
    unsigned k;
    uint64_t a, b;
} BinArgs;

static void build_bin(void *opaque)
{
    const BinArgs *ba = opaque;
    TCGv t;

    tcg_gen_insn_start(0x1000, 0);
    /* registers, a constant second operand, a constant first, in place */
    t = tcg_temp_new();
    bin_gen[ba->k](t, R[0], R[1]);
    store_out(t, 0);
    t = tcg_temp_new();
    bin_gen[ba->k](t, R[0], tcg_constant((int64_t)ba->b));
    store_out(t, 1);
    t = tcg_temp_new();
    bin_gen[ba->k](t, tcg_constant((int64_t)ba->a), R[1]);
    store_out(t, 2);
    bin_gen[ba->k](R[2], R[0], R[1]);
    bin_gen[ba->k](R[1], R[0], R[1]);          /* output = second input */
    bin_gen[ba->k](R[3], R[3], R[3]);          /* one value twice */
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(native_binops_match_reference_semantics)
{
    unsigned bad = 0;

    for (unsigned k = 0; k < ARRAY_SIZE(binops); k++) {
        for (unsigned i = 0; i < ARRAY_SIZE(edge); i++) {
            for (unsigned j = 0; j < ARRAY_SIZE(edge); j++) {
                BinArgs ba = {k, edge[i], edge[j]};
                uint64_t want = tcg_eval_binop(binops[k], ba.a, ba.b);
                FakeEnv env = {.r = {ba.a, ba.b, 0, ba.a}};
                run(build_bin, &ba, &env, false);
                if (env.out[0] != want || env.out[1] != want || env.out[2] != want ||
                    env.r[2] != want || env.r[1] != want ||
                    env.r[3] != tcg_eval_binop(binops[k], ba.a, ba.a)) {
                    if (bad++ < 5) {
                        printf("# %s(%#" PRIx64 ", %#" PRIx64 ") = %#" PRIx64 " got %#"
                               PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64 "\n",
                               tcg_op_defs[binops[k]].name, ba.a, ba.b, want, env.out[0],
                               env.out[1], env.out[2], env.r[2]);
                    }
                }
            }
        }
    }
    CHECK_EQ(bad, 0);
}

static const TCGOpcode unops[] = {
    INDEX_op_neg, INDEX_op_not, INDEX_op_clz, INDEX_op_ctz, INDEX_op_ctpop,
    INDEX_op_bswap64, INDEX_op_ext8s, INDEX_op_ext8u, INDEX_op_ext16s, INDEX_op_ext16u,
    INDEX_op_ext32s, INDEX_op_ext32u, INDEX_op_mov,
};

static void (*const un_gen[])(TCGv, TCGv) = {
    tcg_gen_neg, tcg_gen_not, tcg_gen_clz, tcg_gen_ctz, tcg_gen_ctpop,
    tcg_gen_bswap64, tcg_gen_ext8s, tcg_gen_ext8u, tcg_gen_ext16s, tcg_gen_ext16u,
    tcg_gen_ext32s, tcg_gen_ext32u, tcg_gen_mov,
};

static void build_un(void *opaque)
{
    unsigned k = *(unsigned *)opaque;
    TCGv t = tcg_temp_new();

    un_gen[k](t, R[0]);
    store_out(t, 0);
    /* byte forms on every allocatable register: spl/sil/dil need a REX */
    for (int i = 1; i < 8; i++) {
        un_gen[k](R[i], R[i]);
    }
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(native_unops_match_reference_semantics)
{
    unsigned bad = 0;

    for (unsigned k = 0; k < ARRAY_SIZE(unops); k++) {
        for (unsigned i = 0; i < ARRAY_SIZE(edge); i++) {
            FakeEnv env;
            uint64_t want = tcg_eval_unop(unops[k], edge[i]);
            for (int r = 0; r < 8; r++) {
                env.r[r] = edge[(i + r) % ARRAY_SIZE(edge)];
            }
            run(build_un, &k, &env, false);
            bad += env.out[0] != want;
            for (int r = 1; r < 8; r++) {
                bad += env.r[r] != tcg_eval_unop(unops[k], edge[(i + r) % ARRAY_SIZE(edge)]);
            }
        }
    }
    CHECK_EQ(bad, 0);
}

typedef struct CondArgs {
    TCGCond c;
    int64_t imm;
} CondArgs;

static void build_cond(void *opaque)
{
    const CondArgs *ca = opaque;
    TCGv t = tcg_temp_new(), u = tcg_temp_new(), v = tcg_temp_new();
    TCGLabel *l = gen_new_label();

    tcg_gen_setcond(ca->c, t, R[0], R[1]);
    store_out(t, 0);
    tcg_gen_setcondi(ca->c, u, R[0], ca->imm);
    store_out(u, 1);
    tcg_gen_movcond(ca->c, v, R[0], R[1], R[2], R[3]);
    store_out(v, 2);
    tcg_gen_movi(R[4], 0);
    tcg_gen_brcond(ca->c, R[0], R[1], l);
    tcg_gen_movi(R[4], 1);
    gen_set_label(l);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(native_setcond_movcond_brcond_all_conditions)
{
    static const int64_t imms[] = {0, 1, -1, 0x7fffffff, -0x80000000LL, 0x100000000LL};
    unsigned bad = 0;

    for (TCGCond c = TCG_COND_NEVER; c <= TCG_COND_GTU; c++) {
        for (unsigned i = 0; i < ARRAY_SIZE(edge); i += 2) {
            for (unsigned j = 0; j < ARRAY_SIZE(edge); j += 3) {
                CondArgs ca = {c, imms[(i + j) % ARRAY_SIZE(imms)]};
                FakeEnv env = {.r = {edge[i], edge[j], 111, 222}};
                bool want = tcg_eval_cond(c, edge[i], edge[j]);
                run(build_cond, &ca, &env, false);
                bad += env.out[0] != want;
                bad += env.out[1] != tcg_eval_cond(c, edge[i], (uint64_t)ca.imm);
                bad += env.out[2] != (want ? 111u : 222u);
                bad += env.r[4] != !want;
            }
        }
    }
    CHECK_EQ(bad, 0);
}

typedef struct FieldArgs {
    unsigned ofs, len;
} FieldArgs;

static void build_field(void *opaque)
{
    const FieldArgs *fa = opaque;
    TCGv t = tcg_temp_new(), u = tcg_temp_new(), v = tcg_temp_new();

    tcg_gen_deposit(t, R[0], R[1], fa->ofs, fa->len);
    store_out(t, 0);
    tcg_gen_extract(u, R[0], fa->ofs, fa->len);
    store_out(u, 1);
    tcg_gen_sextract(v, R[0], fa->ofs, fa->len);
    store_out(v, 2);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(native_deposit_extract_every_field)
{
    unsigned bad = 0;

    for (unsigned ofs = 0; ofs < 64; ofs += 7) {
        for (unsigned len = 1; ofs + len <= 64; len += 5) {
            FieldArgs fa = {ofs, len};
            FakeEnv env = {.r = {0x123456789abcdef0ULL, 0xfedcba9876543210ULL}};
            run(build_field, &fa, &env, false);
            bad += env.out[0] != deposit64(env.r[0], ofs, len, env.r[1]);
            bad += env.out[1] != extract64(env.r[0], ofs, len);
            bad += env.out[2] != (uint64_t)sextract64(env.r[0], ofs, len);
        }
    }
    CHECK_EQ(bad, 0);
}

/* ---- register pressure, helper calls ---- */

static uint64_t helper6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
                        uint64_t f)
{
    return a + 2 * b + 3 * c + 5 * d + 7 * e + 11 * f;
}
static const TCGHelperInfo info6 = TCG_HELPER(helper6, 6, true, TCG_CALL_PURE);

static void build_pressure(void *opaque)
{
    TCGv t[40], sum = tcg_temp_new(), h = tcg_temp_new();

    (void)opaque;
    for (int i = 0; i < 40; i++) {
        t[i] = tcg_temp_new();
        tcg_gen_muli(t[i], R[i % 8], i + 1);       /* 40 values live at once */
    }
    tcg_gen_call6(&info6, h, t[0], t[1], t[2], t[3], t[4], t[5]);
    tcg_gen_movi(sum, 0);
    for (int i = 39; i >= 0; i--) {
        tcg_gen_add(sum, sum, t[i]);
    }
    tcg_gen_add(sum, sum, h);
    store_out(sum, 0);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(native_spills_and_six_argument_helpers)
{
    FakeEnv env = {.r = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000}};
    uint64_t want = 0, t[40];

    for (int i = 0; i < 40; i++) {
        t[i] = env.r[i % 8] * (uint64_t)(i + 1);
        want += t[i];
    }
    want += helper6(t[0], t[1], t[2], t[3], t[4], t[5]);
    for (int opt = 0; opt < 2; opt++) {
        env.out[0] = 0;
        run(build_pressure, NULL, &env, opt);
        CHECK_EQ(env.out[0], want);
    }
}

static void build_loop(void *opaque)
{
    TCGLabel *top = gen_new_label();
    TCGv i = tcg_temp_new(), acc = tcg_temp_new();

    (void)opaque;
    tcg_gen_movi(i, 0);
    tcg_gen_movi(acc, 0);
    gen_set_label(top);
    tcg_gen_add(acc, acc, i);
    tcg_gen_addi(i, i, 1);
    tcg_gen_brcond(TCG_COND_LTU, i, R[0], top);    /* backward: temps live across */
    store_out(acc, 0);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(native_loop_inside_a_block)
{
    FakeEnv env = {.r = {1000}};

    run(build_loop, NULL, &env, true);
    CHECK_EQ(env.out[0], 999 * 1000 / 2);
}

/* ---- chaining, pc map, slow paths ---- */

static void build_chain_a(void *opaque)
{
    (void)opaque;
    tcg_gen_insn_start(0x100, 0);
    tcg_gen_addi(R[0], R[0], 1);
    tcg_gen_goto_tb(0);
    tcg_gen_movi(R[1], 0xa);
    tcg_gen_exit_tb((TranslationBlock *)opaque, 0);
}

static void build_chain_b(void *opaque)
{
    (void)opaque;
    tcg_gen_insn_start(0x200, 0);
    tcg_gen_addi(R[0], R[0], 100);
    tcg_gen_movi(R[1], 0xb);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(native_goto_tb_chains_and_unchains)
{
    static TranslationBlock a, b;
    FakeEnv env = {0};
    uintptr_t ret;

    run_at(build_chain_b, NULL, &env, true, &b, CODE_SIZE / 2, false);
    ret = run_at(build_chain_a, &a, &env, true, &a, 0, true);
    CHECK_EQ(ret, (uintptr_t)&a);              /* unchained: exit slot 0 */
    CHECK_EQ(env.r[0], 1);
    CHECK_EQ(env.r[1], 0xa);
    tcg_backend_native.set_jmp(&a, 0, &b);
    CHECK(a.jmp_dest[0] == &b);
    ret = tcg_backend_native.exec(&env, &a);
    CHECK_EQ(ret, 0);                          /* b's exit */
    CHECK_EQ(env.r[0], 102);
    CHECK_EQ(env.r[1], 0xb);
    tcg_backend_native.set_jmp(&a, 0, NULL);
    CHECK(a.jmp_dest[0] == NULL);
    ret = tcg_backend_native.exec(&env, &a);
    CHECK_EQ(ret, (uintptr_t)&a);
    CHECK_EQ(env.r[0], 103);
}

static uintptr_t seen_ra;
static uint64_t helper_ra(uint64_t x)
{
    seen_ra = (uintptr_t)__builtin_return_address(0);
    return x + 1;
}
static const TCGHelperInfo info_ra = TCG_HELPER(helper_ra, 1, true, TCG_CALL_NO_RWG);

static void build_insns(void *opaque)
{
    (void)opaque;
    tcg_gen_insn_start(0x1000, 11);
    tcg_gen_addi(R[0], R[0], 1);
    tcg_gen_insn_start(0x1004, 22);
    tcg_gen_call1(&info_ra, R[1], R[0]);       /* the call ends insn 1 */
    tcg_gen_insn_start(0x1008, 33);
    tcg_gen_addi(R[2], R[1], 1);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(native_pc_map_from_helper_return_address)
{
    static TranslationBlock tb;
    FakeEnv env = {0};
    uint64_t data[2];

    run_at(build_insns, NULL, &env, true, &tb, 0, true);
    CHECK_EQ(env.r[2], 3);
    CHECK_EQ(tcg_backend_native.find_insn(&tb, seen_ra, data), 1);
    CHECK_EQ(data[0], 0x1004);
    CHECK_EQ(data[1], 22);
    CHECK(tcg_backend_native.insn_data(&tb, 2, data));
    CHECK_EQ(data[0], 0x1008);
    CHECK(!tcg_backend_native.insn_data(&tb, 3, data));
    CHECK_EQ(tcg_backend_native.find_insn(&tb, (uintptr_t)code_rw + CODE_SIZE, data), -1);
}

/*
 * The pc map is delta-encoded (native.h): words that go backwards, jump by
 * more than 32 bits or hit the 64-bit extremes, and instructions with no
 * host code or with more than 127 bytes of it, must all decode exactly.
 */
#define MAP_INSNS 12
static const uint64_t map_words[MAP_INSNS][2] = {
    {0xffffffff80001000ULL, 0}, {0xffffffff80001004ULL, 1}, {0xffffffff80000ff0ULL, 0},
    {0x1000, UINT64_MAX}, {0x1000, 0}, {0x7fffffffffffffffULL, 63},
    {0x8000000000000000ULL, 64}, {0, 0xffffffff80000000ULL}, {2, 0x7fffffff},
    {0x123456789abULL, 12345}, {0x123456789abULL + 2, (uint64_t)-64}, {0x20, (uint64_t)-65},
};
static uintptr_t map_ra[MAP_INSNS];
static unsigned map_at;
static uint64_t helper_map_ra(uint64_t x)
{
    map_ra[map_at++] = (uintptr_t)__builtin_return_address(0);
    return x + 1;
}
static const TCGHelperInfo info_map_ra = TCG_HELPER(helper_map_ra, 1, true, 0);

static void build_map(void *opaque)
{
    (void)opaque;
    for (int i = 0; i < MAP_INSNS; i++) {
        tcg_gen_insn_start(map_words[i][0], map_words[i][1]);
        if (i == 4) {
            continue;               /* no host code: shares the next one's position */
        }
        /* Spread the calls: some instructions take hundreds of bytes. */
        for (int k = 0; k < (i % 3) * 10; k++) {
            tcg_gen_addi(R[k % 4], R[k % 4], k + 1);
        }
        tcg_gen_call1(&info_map_ra, R[5], R[5]);
    }
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(native_pc_map_delta_encoding_round_trips)
{
    static TranslationBlock tb;
    FakeEnv env = {0};
    uint64_t data[2];
    unsigned call = 0;

    map_at = 0;
    run_at(build_map, NULL, &env, false, &tb, 0, true);
    CHECK_EQ(env.r[5], MAP_INSNS - 1);
    CHECK_EQ(map_at, MAP_INSNS - 1);
    for (unsigned i = 0; i < MAP_INSNS; i++) {
        CHECK(tcg_backend_native.insn_data(&tb, i, data));
        CHECK_EQ(data[0], map_words[i][0]);
        CHECK_EQ(data[1], map_words[i][1]);
        if (i == 4) {
            continue;
        }
        /* Each helper's return address maps back to its instruction. */
        CHECK_EQ(tcg_backend_native.find_insn(&tb, map_ra[call], data), (int)i);
        CHECK_EQ(data[0], map_words[i][0]);
        CHECK_EQ(data[1], map_words[i][1]);
        call++;
    }
    CHECK(!tcg_backend_native.insn_data(&tb, MAP_INSNS, data));
    /* Before the first instruction's code: none. */
    CHECK_EQ(tcg_backend_native.find_insn(&tb, (uintptr_t)tb.backend_data, data), -1);
}

static uint64_t ld_addr, st_addr, st_val, ld_saw_r5, st_saw_r5;
static uintptr_t ld_ra;
static uint64_t fake_ld(void *env, uint64_t addr, MemOpIdx oi, uintptr_t ra)
{
    ld_addr = addr;
    ld_ra = ra;
    ld_saw_r5 = ((FakeEnv *)env)->r[5];
    return 0x1122334455667788ULL ^ get_memop(oi);
}
static void fake_st(void *env, uint64_t addr, uint64_t val, MemOpIdx oi, uintptr_t ra)
{
    st_addr = addr;
    st_val = val;
    st_saw_r5 = ((FakeEnv *)env)->r[5];
}

static void build_mem(void *opaque)
{
    TCGv v = tcg_temp_new();

    (void)opaque;
    tcg_gen_insn_start(0x2000, 0);
    tcg_gen_movi(R[5], 77);                    /* live across the access */
    tcg_gen_qemu_ld(v, R[0], 1, MO_UQ);
    tcg_gen_insn_start(0x2004, 0);
    tcg_gen_qemu_st(R[1], v, 1, MO_UL);
    tcg_gen_add(R[6], R[5], v);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(native_soft_mmu_slow_path_hooks)
{
    static TranslationBlock tb;
    TCGRuntime saved = tcg_runtime;
    FakeEnv env = {.r = {0x5000, 0xabcd}};
    uint64_t data[2];
    uint64_t v = 0x1122334455667788ULL ^ MO_UQ;

    /* env_tlb_offset 0 (no TLB): every access takes the slow path. */
    tcg_runtime.qemu_ld = fake_ld;
    tcg_runtime.qemu_st = fake_st;
    run_at(build_mem, NULL, &env, true, &tb, 0, true);
    tcg_runtime = saved;
    CHECK_EQ(ld_addr, 0x5000);
    CHECK_EQ(st_addr, v);
    CHECK_EQ(st_val, 0xabcd);
    CHECK_EQ(env.r[6], 77 + v);
    /* The fast path keeps dirty globals in registers; the slow path (which
     * may fault or reach a device) writes them home before its call. */
    CHECK_EQ(ld_saw_r5, 77);
    CHECK_EQ(st_saw_r5, 77);
    CHECK_EQ(tcg_backend_native.find_insn(&tb, ld_ra, data), 0);
    CHECK_EQ(data[0], 0x2000);
}

/*
 * A block whose header sits in the code buffer right before its code (as
 * translate-all lays them out) exits with a rip-relative (tb | n), after
 * writing its dirty globals home.
 */
static void build_exit_near(void *opaque)
{
    tcg_gen_insn_start(0x6000, 0);
    for (int i = 0; i < 8; i++) {
        tcg_gen_addi(R[i], R[i], i + 1);        /* stores before the exit */
    }
    tcg_gen_exit_tb(opaque, 1);
}

UNIT_TEST(native_exit_returns_nearby_block)
{
    TranslationBlock *tb = (TranslationBlock *)(code_rw + CODE_SIZE / 4);
    FakeEnv env = {0};
    uintptr_t ret;

    setup();
    ret = run_at(build_exit_near, tb, &env, true, tb, CODE_SIZE / 4 + 256, true);
    CHECK_EQ(ret, (uintptr_t)tb | 1);
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(env.r[i], (uint64_t)i + 1);
    }
}

/*
 * The shared slow-path thunks keep every register: with all 12 allocatable
 * registers holding live values (dirty globals and block temps) around a
 * load and a store that both miss, each value must survive, the dirty
 * globals must be home when the C code runs, and the load's result must
 * land in its register.
 */
static uint64_t saw_env[8];
static uint64_t fake_ld_snap(void *env, uint64_t addr, MemOpIdx oi, uintptr_t ra)
{
    memcpy(saw_env, ((FakeEnv *)env)->r, sizeof(saw_env));
    return addr * 3;
}
static void fake_st_snap(void *env, uint64_t addr, uint64_t val, MemOpIdx oi, uintptr_t ra)
{
    st_addr = addr;
    st_val = val;
}

static void build_mem_pressure(void *opaque)
{
    TCGv t[6], v = tcg_temp_new();

    (void)opaque;
    tcg_gen_insn_start(0x5000, 0);
    for (int i = 0; i < 8; i++) {
        tcg_gen_addi(R[i], R[i], 0x100 * (i + 1));      /* dirty globals */
    }
    for (int i = 0; i < 6; i++) {
        t[i] = tcg_temp_new();
        tcg_gen_muli(t[i], R[i], i + 3);                /* live block temps */
    }
    tcg_gen_qemu_ld(v, R[7], 1, MO_UQ);
    tcg_gen_qemu_st(t[5], v, 1, MO_UQ);
    for (int i = 0; i < 6; i++) {
        store_out(t[i], i);
    }
    store_out(v, 6);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(native_slow_path_thunk_keeps_all_registers)
{
    static TranslationBlock tb;
    TCGRuntime saved = tcg_runtime;
    FakeEnv env = {.r = {1, 2, 3, 4, 5, 6, 7, 8}};
    uint64_t r[8];

    for (int i = 0; i < 8; i++) {
        r[i] = env.r[i] + 0x100 * (i + 1);
    }
    tcg_runtime.qemu_ld = fake_ld_snap;
    tcg_runtime.qemu_st = fake_st_snap;
    run_at(build_mem_pressure, NULL, &env, true, &tb, 0, true);
    tcg_runtime = saved;
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(saw_env[i], r[i]);             /* written home before the call */
        CHECK_EQ(env.r[i], r[i]);
    }
    for (int i = 0; i < 6; i++) {
        CHECK_EQ(env.out[i], r[i] * (i + 3));
    }
    CHECK_EQ(env.out[6], r[7] * 3);
    CHECK_EQ(st_addr, r[7] * 3);
    CHECK_EQ(st_val, r[5] * 8);
}

/*
 * lookup_and_goto_pc probes the jump cache in generated code.  The cache
 * sits before env as in a real CPU (CPUState, then the target's env); a
 * hit must run the target block without calling the C lookup, and each
 * way an entry can be stale (another pc, flags, cflags, an invalidated
 * block, an empty slot) must fall back to the C lookup.
 */
typedef struct JcEnv {
    TranslationBlock *jc[TB_JMP_CACHE_SIZE];
    FakeEnv env;
} JcEnv;

static unsigned lookups;
static TranslationBlock *lookup_answer;
static TranslationBlock *count_lookup(void *env)
{
    lookups++;
    return lookup_answer;
}

typedef struct ProbeArgs {
    bool const_pc;
    uint64_t pc;
    uint32_t flags;
} ProbeArgs;

static void build_probe_src(void *opaque)
{
    const ProbeArgs *pa = opaque;

    tcg_ctx->env_jmp_cache_offset = -(ptrdiff_t)offsetof(JcEnv, env);
    tcg_gen_insn_start(0x3000, 0);
    tcg_gen_addi(R[0], R[0], 1);
    tcg_gen_lookup_and_goto_pc(pa->const_pc ? tcg_constant((int64_t)pa->pc) : R[1],
                               pa->flags);
}

static void build_probe_dst(void *opaque)
{
    (void)opaque;
    tcg_gen_insn_start(0x4000, 0);
    tcg_gen_addi(R[0], R[0], 100);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(native_jump_cache_probe_hits_and_misses)
{
    static TranslationBlock src, dst;
    static JcEnv je;
    TCGRuntime saved = tcg_runtime;
    ProbeArgs pa = {.const_pc = false, .flags = 0x1234};
    const uint64_t pc = 0xffffffff80201a36ULL;
    unsigned h = tb_jmp_cache_hash(pc);
    unsigned bad = 0;

    tcg_runtime.lookup_tb = count_lookup;
    run_at(build_probe_dst, NULL, &je.env, true, &dst, CODE_SIZE / 2, false);
    CHECK(dst.backend_data != NULL);
    run_at(build_probe_src, &pa, &je.env, true, &src, 0, false);
    dst.pc = pc;
    dst.flags = 0x1234;
    je.jc[h] = &dst;
    je.env.r[1] = pc;

    /* hit: straight to dst, no C lookup */
    lookups = 0;
    je.env.r[0] = 0;
    CHECK_EQ(tcg_backend_native.exec(&je.env, &src), 0);
    CHECK_EQ(je.env.r[0], 101);
    CHECK_EQ(lookups, 0);

    /* stale in each way: the C lookup runs and its NULL returns to the loop */
    for (int k = 0; k < 5; k++) {
        dst.pc = pc;
        dst.flags = 0x1234;
        dst.cflags = 0;
        dst.invalid = false;
        je.jc[h] = &dst;
        switch (k) {
        case 0: dst.pc = pc + 2; break;
        case 1: dst.flags = 0x1235; break;
        case 2: dst.cflags = 1; break;
        case 3: dst.invalid = true; break;
        case 4: je.jc[h] = NULL; break;
        }
        lookups = 0;
        lookup_answer = NULL;
        je.env.r[0] = 0;
        CHECK_EQ(tcg_backend_native.exec(&je.env, &src), 0);
        CHECK_EQ(je.env.r[0], 1);
        CHECK_EQ(lookups, 1);
        /* a miss the C lookup resolves still reaches the block */
        dst.pc = pc;
        dst.flags = 0x1234;
        dst.cflags = 0;
        dst.invalid = false;
        lookup_answer = &dst;
        je.jc[h] = NULL;
        je.env.r[0] = 0;
        CHECK_EQ(tcg_backend_native.exec(&je.env, &src), 0);
        CHECK_EQ(je.env.r[0], 101);
        CHECK_EQ(lookups, 2);
    }
    lookup_answer = NULL;

    /* the inline hash is tb_jmp_cache_hash, for register and constant pcs */
    dst.flags = 0x1234;
    for (int i = 0; i < 300; i++) {
        uint64_t p = (0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1)) & ~1ULL;
        p ^= (uint64_t)i << 12;
        pa.const_pc = i & 1;
        pa.pc = p;
        if (pa.const_pc) {
            run_at(build_probe_src, &pa, &je.env, true, &src, 0, false);
        }
        memset(je.jc, 0, sizeof(je.jc));
        dst.pc = p;
        je.jc[tb_jmp_cache_hash(p)] = &dst;
        je.env.r[1] = p;
        je.env.r[0] = 0;
        lookups = 0;
        tcg_backend_native.exec(&je.env, &src);
        bad += je.env.r[0] != 101 || lookups != 0;
        if (!pa.const_pc) {
            /* ... and no other slot */
            je.jc[tb_jmp_cache_hash(p)] = NULL;
            je.jc[tb_jmp_cache_hash(p) ^ 1] = &dst;
            je.env.r[0] = 0;
            tcg_backend_native.exec(&je.env, &src);
            bad += je.env.r[0] != 1 || lookups != 1;
        } else {
            pa.const_pc = false;
            run_at(build_probe_src, &pa, &je.env, true, &src, 0, false);
        }
    }
    CHECK_EQ(bad, 0);
    tcg_runtime = saved;
}

/*
 * "ld32 t, env, ofs; brcond t, 0, ne|eq" (every block's exit_request test)
 * is one compare with memory: both outcomes, both conditions, and a field
 * that a global cached in a register overlaps (must see its new value).
 */
static void build_env_test(void *opaque)
{
    int k = *(const int *)opaque;
    TCGv t = tcg_temp_new();
    TCGLabel *l = gen_new_label();

    tcg_gen_insn_start(0x5000, 0);
    if (k == 2) {
        tcg_gen_movi(R[4], 1);                      /* r4 dirty in a register */
    }
    tcg_gen_ld32s(t, tcg_env, k == 2 ? offsetof(FakeEnv, r) + 4 * 8
                                     : offsetof(FakeEnv, out) + 9 * 8);
    tcg_gen_brcondi(k == 1 ? TCG_COND_EQ : TCG_COND_NE, t, 0, l);
    tcg_gen_movi(R[0], 10);
    tcg_gen_exit_tb(NULL, 0);
    gen_set_label(l);
    tcg_gen_movi(R[0], 20);
    tcg_gen_exit_tb(NULL, 0);
}

UNIT_TEST(native_env_field_test_fused_into_branch)
{
    for (int k = 0; k < 3; k++) {
        for (uint64_t v = 0; v < 2; v++) {
            FakeEnv env = {0};
            bool taken;

            env.out[9] = v ? 1 : 0xffffffff00000000ULL;   /* ld32: the low half decides */
            run(build_env_test, &k, &env, true);
            taken = k == 1 ? v == 0 : k == 2 ? true : v != 0;
            CHECK_EQ(env.r[0], taken ? 20 : 10);
        }
    }
}

/* The code buffer is never writable and executable at once (W^X). */
UNIT_TEST(native_code_buffer_is_w_xor_x)
{
    FILE *f;
    char line[512];
    uintptr_t rw, rx;
    bool saw_rw = false, saw_rx = false;

    setup();
    rw = (uintptr_t)code_rw;
    rx = rw + (uintptr_t)tcg_code_rx_delta;
    CHECK(rw != rx);
    f = fopen("/proc/self/maps", "r");
    CHECK(f != NULL);
    while (f && fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        char perm[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) != 3) {
            continue;
        }
        if (rw >= lo && rw < hi) {
            saw_rw = true;
            CHECK(perm[1] == 'w' && perm[2] != 'x');
        }
        if (rx >= lo && rx < hi) {
            saw_rx = true;
            CHECK(perm[1] != 'w' && perm[2] == 'x');
        }
    }
    if (f) {
        fclose(f);
    }
    CHECK(saw_rw && saw_rx);
}
