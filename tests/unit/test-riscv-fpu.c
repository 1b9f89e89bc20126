/*
 * FP helpers (target/riscv/fpu_helper.c) called directly on a
 * CPURISCVState.  Expected values and flags follow the unprivileged spec
 * (ch. 11-12); the sweep at the end compares ~720k operations over special
 * values and all five rounding modes with Debian's qemu-riscv64 (see
 * tests/unit/fpu-sweep/).
 */
#include "core/osdep.h"
#include "target/riscv/fpu_helper.h"
#include "target/riscv/helper.h"
#include "tests/unit/unit.h"
#include <setjmp.h>

static CPURISCVState env;
static sigjmp_buf trap_jmp;
static int trap_cause = -1;

/* The privileged side's raise, reduced to what the FP helpers need. */
void riscv_raise_exception(CPURISCVState *e, int cause, uint64_t tval, uintptr_t ra)
{
    trap_cause = cause;
    siglongjmp(trap_jmp, 1);
}

#define S(x) (0xffffffff00000000ULL | (uint32_t)(x))
#define RNE 0
#define RTZ 1
#define RDN 2
#define RUP 3
#define RMM 4
#define DYN 7

#define QNAN_S S(0x7fc00000)
#define SNAN_S S(0x7f800001)
#define QNAN_D 0x7ff8000000000000ULL
#define SNAN_D 0x7ff0000000000001ULL
#define INF_D 0x7ff0000000000000ULL
#define NINF_D 0xfff0000000000000ULL
#define ONE_D 0x3ff0000000000000ULL
#define ONE_S S(0x3f800000)

static uint64_t take_flags(void)
{
    uint64_t f = env.fflags;
    env.fflags = 0;
    return f;
}

UNIT_TEST(fpu_basic_arith_and_flags)
{
    env.fflags = 0;
    CHECK_EQ(helper_fadd_d(&env, ONE_D, ONE_D, RNE), 0x4000000000000000ULL);
    CHECK_EQ(take_flags(), 0);
    /* 1/3 is inexact */
    CHECK_EQ(helper_fdiv_s(&env, ONE_S, S(0x40400000), RNE), S(0x3eaaaaab));
    CHECK_EQ(take_flags(), FFLAG_NX);
    CHECK_EQ(helper_fdiv_s(&env, ONE_S, S(0x40400000), RTZ), S(0x3eaaaaaa));
    take_flags();
    /* x/0 = inf with DZ; 0/0 = canonical NaN with NV */
    CHECK_EQ(helper_fdiv_d(&env, ONE_D, 0, RNE), INF_D);
    CHECK_EQ(take_flags(), FFLAG_DZ);
    CHECK_EQ(helper_fdiv_d(&env, 0, 0, RNE), QNAN_D);
    CHECK_EQ(take_flags(), FFLAG_NV);
    /* inf - inf */
    CHECK_EQ(helper_fsub_d(&env, INF_D, INF_D, RNE), QNAN_D);
    CHECK_EQ(take_flags(), FFLAG_NV);
    /* overflow: RNE -> inf, RTZ -> max finite; both OF|NX */
    CHECK_EQ(helper_fmul_d(&env, 0x7fefffffffffffffULL, 0x4000000000000000ULL, RNE), INF_D);
    CHECK_EQ(take_flags(), FFLAG_OF | FFLAG_NX);
    CHECK_EQ(helper_fmul_d(&env, 0x7fefffffffffffffULL, 0x4000000000000000ULL, RTZ),
             0x7fefffffffffffffULL);
    CHECK_EQ(take_flags(), FFLAG_OF | FFLAG_NX);
    /* sqrt(-1) invalid; sqrt(-0) = -0 exactly */
    CHECK_EQ(helper_fsqrt_d(&env, 0xbff0000000000000ULL, RNE), QNAN_D);
    CHECK_EQ(take_flags(), FFLAG_NV);
    CHECK_EQ(helper_fsqrt_s(&env, S(0x80000000), RNE), S(0x80000000));
    CHECK_EQ(take_flags(), 0);
}

UNIT_TEST(fpu_nan_results_are_canonical)
{
    /* A NaN operand propagates as the canonical NaN, not its payload. */
    CHECK_EQ(helper_fadd_d(&env, 0xfff8000000000123ULL, ONE_D, RNE), QNAN_D);
    CHECK_EQ(take_flags(), 0);
    CHECK_EQ(helper_fadd_s(&env, S(0xffc00123), ONE_S, RNE), QNAN_S);
    CHECK_EQ(take_flags(), 0);
    /* a signaling NaN operand sets NV */
    CHECK_EQ(helper_fmul_d(&env, SNAN_D, ONE_D, RNE), QNAN_D);
    CHECK_EQ(take_flags(), FFLAG_NV);
    CHECK_EQ(helper_fmul_s(&env, ONE_S, SNAN_S, RMM), QNAN_S);
    CHECK_EQ(take_flags(), FFLAG_NV);
}

UNIT_TEST(fpu_nan_boxing)
{
    /* An improperly boxed single reads as the canonical (quiet) NaN. */
    CHECK_EQ(helper_fadd_s(&env, 0x000000003f800000ULL, ONE_S, RNE), QNAN_S);
    CHECK_EQ(take_flags(), 0);
    CHECK_EQ(helper_fclass_s(0x000000003f800000ULL), 1u << 9);
    CHECK_EQ(helper_fclass_s(ONE_S), 1u << 6);
    CHECK_EQ(helper_fsgnj_s(0x7fffffff3f800000ULL, S(0x80000000), 0), S(0xffc00000));
    CHECK_EQ(helper_fsgnj_s(ONE_S, S(0x80000000), 0), S(0xbf800000));
    CHECK_EQ(helper_fsgnj_s(ONE_S, S(0x80000000), 1), S(0x3f800000));
    CHECK_EQ(helper_fsgnj_s(S(0xbf800000), S(0x80000000), 2), S(0x3f800000));
    CHECK_EQ(helper_fcvt_d_s(&env, 0x1234567800000000ULL, RNE), QNAN_D);
    CHECK_EQ(take_flags(), 0);
}

UNIT_TEST(fpu_rmm_ties_away)
{
    /* 2^24 + 1 is halfway between two singles: RNE picks even, RMM away. */
    CHECK_EQ(helper_fcvt_s_l(&env, 0x1000001, RNE), S(0x4b800000));
    CHECK_EQ(take_flags(), FFLAG_NX);
    CHECK_EQ(helper_fcvt_s_l(&env, 0x1000001, RMM), S(0x4b800001));
    CHECK_EQ(take_flags(), FFLAG_NX);
    CHECK_EQ(helper_fcvt_s_l(&env, (uint64_t)-0x1000001, RMM), S(0xcb800001));
    take_flags();
    /* 1 + 2^-53 (a tie at double precision) in an addition */
    CHECK_EQ(helper_fadd_d(&env, ONE_D, 0x3ca0000000000000ULL, RNE), ONE_D);
    CHECK_EQ(helper_fadd_d(&env, ONE_D, 0x3ca0000000000000ULL, RMM), 0x3ff0000000000001ULL);
    CHECK_EQ(take_flags(), FFLAG_NX);
    /* Not a tie: RMM agrees with RNE */
    CHECK_EQ(helper_fdiv_s(&env, ONE_S, S(0x40400000), RMM), S(0x3eaaaaab));
    take_flags();
    /* RMM overflow goes to infinity */
    CHECK_EQ(helper_fmul_s(&env, S(0x7f7fffff), S(0x40000000), RMM), S(0x7f800000));
    CHECK_EQ(take_flags(), FFLAG_OF | FFLAG_NX);
    /* x - x = +0 in RMM (only RDN gives -0) */
    CHECK_EQ(helper_fsub_d(&env, ONE_D, ONE_D, RMM), 0);
    CHECK_EQ(helper_fsub_d(&env, ONE_D, ONE_D, RDN), 0x8000000000000000ULL);
}

UNIT_TEST(fpu_underflow_after_rounding)
{
    /* 2^-1022 (1 + 2^-52)(1 - 2^-52) = 2^-1022 (1 - 2^-104) rounds up to
     * the minimum normal in RNE: tininess is detected after rounding, so
     * no UF, only NX ... */
    CHECK_EQ(helper_fmul_d(&env, 0x0010000000000001ULL, 0x3feffffffffffffeULL, RNE),
             0x0010000000000000ULL);
    CHECK_EQ(take_flags(), FFLAG_NX);
    /* ... while in RTZ it stays below: subnormal and inexact, UF|NX */
    CHECK_EQ(helper_fmul_d(&env, 0x0010000000000001ULL, 0x3feffffffffffffeULL, RTZ),
             0x000fffffffffffffULL);
    CHECK_EQ(take_flags(), FFLAG_UF | FFLAG_NX);
    /* 2^-1022 (1 - 2^-53) has 53 bits: tiny even before the subnormal
     * rounding, which is inexact (RNE rounds up to 2^-1022): UF|NX */
    CHECK_EQ(helper_fmul_d(&env, 0x0010000000000000ULL, 0x3fefffffffffffffULL, RNE),
             0x0010000000000000ULL);
    CHECK_EQ(take_flags(), FFLAG_UF | FFLAG_NX);
    /* an exact subnormal result raises nothing */
    CHECK_EQ(helper_fmul_d(&env, 0x0010000000000000ULL, 0x3fe0000000000000ULL, RNE),
             0x0008000000000000ULL);
    CHECK_EQ(take_flags(), 0);
    /* same through the RMM path: 2^-126 (1 - 2^-46) rounds to 2^-126 with
     * 24 bits of precision, so it is not tiny ... */
    CHECK_EQ(helper_fmul_s(&env, S(0x00800001), S(0x3f7ffffe), RMM), S(0x00800000));
    CHECK_EQ(take_flags(), FFLAG_NX);
    /* ... but 2^-126 (1 - 2^-24) needs only 24 bits: tiny, and inexact as
     * a subnormal (a tie, away from zero), so UF|NX. */
    CHECK_EQ(helper_fmul_s(&env, S(0x00800000), S(0x3f7fffff), RMM), S(0x00800000));
    CHECK_EQ(take_flags(), FFLAG_UF | FFLAG_NX);
}

UNIT_TEST(fpu_fma)
{
    /* one rounding: (1 + 2^-52)^2 - (1 + 2^-51) = 2^-104 exactly */
    uint64_t a = 0x3ff0000000000001ULL;
    CHECK_EQ(helper_fmsub_d(&env, a, a, 0x3ff0000000000002ULL, RNE), 0x3970000000000000ULL);
    CHECK_EQ(take_flags(), 0);
    /* inf * 0 + qNaN: NV even though the addend is quiet (11.6) */
    CHECK_EQ(helper_fmadd_d(&env, INF_D, 0, QNAN_D, RNE), QNAN_D);
    CHECK_EQ(take_flags(), FFLAG_NV);
    CHECK_EQ(helper_fmadd_s(&env, S(0), S(0xff800000), QNAN_S, RMM), QNAN_S);
    CHECK_EQ(take_flags(), FFLAG_NV);
    /* a mis-boxed zero is a NaN, so this is NaN propagation, no NV */
    CHECK_EQ(helper_fmadd_s(&env, 0, S(0xff800000), QNAN_S, RNE), QNAN_S);
    CHECK_EQ(take_flags(), 0);
    /* signs: fnmadd(1, 1, 1) = -2, fnmsub(1, 1, 1) = 0 (+0 in RNE) */
    CHECK_EQ(helper_fnmadd_d(&env, ONE_D, ONE_D, ONE_D, RNE), 0xc000000000000000ULL);
    CHECK_EQ(helper_fnmsub_d(&env, ONE_D, ONE_D, ONE_D, RNE), 0);
    CHECK_EQ(helper_fnmsub_s(&env, ONE_S, ONE_S, ONE_S, RDN), S(0x80000000));
    CHECK_EQ(take_flags(), 0);
}

UNIT_TEST(fpu_min_max)
{
    CHECK_EQ(helper_fmin_d(&env, QNAN_D, ONE_D), ONE_D);
    CHECK_EQ(helper_fmax_d(&env, ONE_D, QNAN_D), ONE_D);
    CHECK_EQ(take_flags(), 0);
    CHECK_EQ(helper_fmin_d(&env, SNAN_D, ONE_D), ONE_D);
    CHECK_EQ(take_flags(), FFLAG_NV);
    CHECK_EQ(helper_fmax_d(&env, SNAN_D, QNAN_D), QNAN_D);
    CHECK_EQ(take_flags(), FFLAG_NV);
    CHECK_EQ(helper_fmin_d(&env, 0, 0x8000000000000000ULL), 0x8000000000000000ULL);
    CHECK_EQ(helper_fmax_d(&env, 0x8000000000000000ULL, 0), 0);
    CHECK_EQ(helper_fmin_s(&env, S(0x80000000), S(0)), S(0x80000000));
    CHECK_EQ(helper_fmax_s(&env, S(0xbf800000), S(0x7fc00000)), S(0xbf800000));
    CHECK_EQ(helper_fmin_s(&env, S(0x7fc00000), S(0x7fc00001)), QNAN_S);
    CHECK_EQ(take_flags(), 0);
}

UNIT_TEST(fpu_compares)
{
    CHECK_EQ(helper_feq_d(&env, QNAN_D, QNAN_D), 0);
    CHECK_EQ(take_flags(), 0);                 /* feq is quiet */
    CHECK_EQ(helper_feq_d(&env, SNAN_D, ONE_D), 0);
    CHECK_EQ(take_flags(), FFLAG_NV);
    CHECK_EQ(helper_flt_d(&env, QNAN_D, ONE_D), 0);
    CHECK_EQ(take_flags(), FFLAG_NV);          /* flt/fle signal on any NaN */
    CHECK_EQ(helper_fle_s(&env, ONE_S, QNAN_S), 0);
    CHECK_EQ(take_flags(), FFLAG_NV);
    CHECK_EQ(helper_feq_d(&env, 0, 0x8000000000000000ULL), 1);   /* -0 == +0 */
    CHECK_EQ(helper_flt_d(&env, 0x8000000000000000ULL, 0), 0);
    CHECK_EQ(helper_fle_s(&env, S(0x80000000), S(0)), 1);
    CHECK_EQ(helper_flt_s(&env, S(0xff800000), S(0xbf800000)), 1);
    CHECK_EQ(take_flags(), 0);
}

UNIT_TEST(fpu_fclass)
{
    CHECK_EQ(helper_fclass_d(NINF_D), 1u << 0);
    CHECK_EQ(helper_fclass_d(0xbff0000000000000ULL), 1u << 1);
    CHECK_EQ(helper_fclass_d(0x800fffffffffffffULL), 1u << 2);
    CHECK_EQ(helper_fclass_d(0x8000000000000000ULL), 1u << 3);
    CHECK_EQ(helper_fclass_d(0), 1u << 4);
    CHECK_EQ(helper_fclass_d(1), 1u << 5);
    CHECK_EQ(helper_fclass_d(ONE_D), 1u << 6);
    CHECK_EQ(helper_fclass_d(INF_D), 1u << 7);
    CHECK_EQ(helper_fclass_d(SNAN_D), 1u << 8);
    CHECK_EQ(helper_fclass_d(QNAN_D), 1u << 9);
    CHECK_EQ(helper_fclass_s(S(0x807fffff)), 1u << 2);
    CHECK_EQ(helper_fclass_s(SNAN_S), 1u << 8);
}

UNIT_TEST(fpu_float_to_int)
{
    /* table 11.4: NaN -> max positive, out of range saturates, NV only */
    CHECK_EQ(helper_fcvt_w_d(&env, QNAN_D, RNE), 0x7fffffff);
    CHECK_EQ(take_flags(), FFLAG_NV);
    CHECK_EQ(helper_fcvt_wu_d(&env, QNAN_D, RNE), 0xffffffffffffffffULL);
    CHECK_EQ(take_flags(), FFLAG_NV);
    CHECK_EQ(helper_fcvt_l_s(&env, S(0xff800000), RNE), 0x8000000000000000ULL);
    CHECK_EQ(take_flags(), FFLAG_NV);
    CHECK_EQ(helper_fcvt_lu_d(&env, 0xbff0000000000000ULL, RNE), 0);
    CHECK_EQ(take_flags(), FFLAG_NV);
    /* -0.5 truncates to 0 for an unsigned result: valid, inexact */
    CHECK_EQ(helper_fcvt_wu_d(&env, 0xbfe0000000000000ULL, RTZ), 0);
    CHECK_EQ(take_flags(), FFLAG_NX);
    /* 2^31 - 0.5: fits after RTZ, overflows after RNE/RMM */
    CHECK_EQ(helper_fcvt_w_d(&env, 0x41dfffffffe00000ULL, RTZ), 0x7fffffff);
    CHECK_EQ(take_flags(), FFLAG_NX);
    CHECK_EQ(helper_fcvt_w_d(&env, 0x41dfffffffe00000ULL, RMM), 0x7fffffff);
    CHECK_EQ(take_flags(), FFLAG_NV);
    /* -2^31 exactly is representable */
    CHECK_EQ(helper_fcvt_w_d(&env, 0xc1e0000000000000ULL, RNE), 0xffffffff80000000ULL);
    CHECK_EQ(take_flags(), 0);
    /* ties: 2.5 -> 2 (RNE), 3 (RMM), -2.5 -> -3 (RDN) */
    CHECK_EQ(helper_fcvt_l_d(&env, 0x4004000000000000ULL, RNE), 2);
    CHECK_EQ(helper_fcvt_l_d(&env, 0x4004000000000000ULL, RMM), 3);
    CHECK_EQ(helper_fcvt_l_d(&env, 0xc004000000000000ULL, RDN), (uint64_t)-3);
    CHECK_EQ(take_flags(), FFLAG_NX);
    /* 2^64 does not fit in lu; 2^64 - 2048 does */
    CHECK_EQ(helper_fcvt_lu_d(&env, 0x43f0000000000000ULL, RNE), UINT64_MAX);
    CHECK_EQ(take_flags(), FFLAG_NV);
    CHECK_EQ(helper_fcvt_lu_d(&env, 0x43efffffffffffffULL, RNE), 0xfffffffffffff800ULL);
    CHECK_EQ(take_flags(), 0);
}

UNIT_TEST(fpu_conversions_between_formats)
{
    CHECK_EQ(helper_fcvt_s_d(&env, SNAN_D, RNE), QNAN_S);
    CHECK_EQ(take_flags(), FFLAG_NV);
    CHECK_EQ(helper_fcvt_s_d(&env, 0x7fefffffffffffffULL, RNE), S(0x7f800000));
    CHECK_EQ(take_flags(), FFLAG_OF | FFLAG_NX);
    CHECK_EQ(helper_fcvt_s_d(&env, 0x7fefffffffffffffULL, RTZ), S(0x7f7fffff));
    CHECK_EQ(take_flags(), FFLAG_OF | FFLAG_NX);
    CHECK_EQ(helper_fcvt_d_s(&env, S(0x00000001), RNE), 0x36a0000000000000ULL);
    CHECK_EQ(take_flags(), 0);
    CHECK_EQ(helper_fcvt_d_s(&env, SNAN_S, RNE), QNAN_D);
    CHECK_EQ(take_flags(), FFLAG_NV);
    CHECK_EQ(helper_fcvt_d_lu(&env, UINT64_MAX, RTZ), 0x43efffffffffffffULL);
    CHECK_EQ(take_flags(), FFLAG_NX);
    CHECK_EQ(helper_fcvt_s_wu(&env, 0xffffffffULL, RNE), S(0x4f800000));
    CHECK_EQ(take_flags(), FFLAG_NX);
    /* w sources use only the low 32 bits */
    CHECK_EQ(helper_fcvt_d_w(&env, 0x12345678ffffffffULL, RNE), 0xbff0000000000000ULL);
}

UNIT_TEST(fpu_dynamic_and_invalid_rounding_mode)
{
    env.frm = RTZ;
    CHECK_EQ(helper_fdiv_s(&env, ONE_S, S(0x40400000), DYN), S(0x3eaaaaaa));
    env.frm = RUP;
    CHECK_EQ(helper_fdiv_s(&env, ONE_S, S(0x40400000), DYN), S(0x3eaaaaab));
    take_flags();
    /* frm = 5 is reserved: dynamic use raises illegal instruction, and so
     * does a static rm of 5 or 6; fflags stay untouched. */
    env.frm = 5;
    trap_cause = -1;
    if (sigsetjmp(trap_jmp, 0) == 0) {
        helper_fadd_d(&env, ONE_D, ONE_D, DYN);
        CHECK(!"dynamic rm 5 did not trap");
    }
    CHECK_EQ(trap_cause, RISCV_EXCP_ILLEGAL_INST);
    trap_cause = -1;
    if (sigsetjmp(trap_jmp, 0) == 0) {
        helper_fcvt_w_s(&env, ONE_S, 6);
        CHECK(!"static rm 6 did not trap");
    }
    CHECK_EQ(trap_cause, RISCV_EXCP_ILLEGAL_INST);
    CHECK_EQ(take_flags(), 0);
    env.frm = RNE;
}

/* --- the sweep against qemu-riscv64 ------------------------------------- */

static uint64_t sweep_hash = 0xcbf29ce484222325ULL;
static unsigned sweep_lines;

static void sweep_out(const char *fmt, ...) PRINTF_FMT(1, 2);
static void sweep_out(const char *fmt, ...)
{
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    for (int i = 0; i < n; i++) {
        sweep_hash = (sweep_hash ^ (uint8_t)line[i]) * 0x100000001b3ULL;
    }
    sweep_lines++;
}

static uint64_t box(uint32_t v)
{
    return 0xffffffff00000000ULL | v;
}

static uint64_t fl(void)
{
    return take_flags();
}

static void setrm(int rm)
{
    env.frm = rm;
}

#define SWEEP_OUT(...) sweep_out(__VA_ARGS__)
#include "tests/unit/fpu-sweep/sweep.h"

#define CALL1(name) helper_##name(&env, a, DYN)
#define CALL2(name) helper_##name(&env, a, b, DYN)
#define CALL3(name) helper_##name(&env, a, b, c, DYN)
#define DEF(name, asmstr, n, kind)                                     \
    static uint64_t do_##name(uint64_t a, uint64_t b, uint64_t c)      \
    {                                                                  \
        (void)b;                                                       \
        (void)c;                                                       \
        return CALL##n(name);                                          \
    }
/* the min/max helpers take no rounding mode */
#define helper_fmin_s(e, a, b, rm) helper_fmin_s(e, a, b)
#define helper_fmax_s(e, a, b, rm) helper_fmax_s(e, a, b)
#define helper_fmin_d(e, a, b, rm) helper_fmin_d(e, a, b)
#define helper_fmax_d(e, a, b, rm) helper_fmax_d(e, a, b)
OPS(DEF)
#undef helper_fmin_s
#undef helper_fmax_s
#undef helper_fmin_d
#undef helper_fmax_d

#define CALLI1(name) helper_##name(&env, a, DYN)
#define CALLI2(name) helper_##name(&env, a, b)
#define helper_fclass_s(e, a, rm) helper_fclass_s(a)
#define helper_fclass_d(e, a, rm) helper_fclass_d(a)
#define DEFI(name, asmstr, n, kind)                                    \
    static uint64_t do_##name(uint64_t a, uint64_t b, uint64_t c)      \
    {                                                                  \
        (void)b;                                                       \
        (void)c;                                                       \
        return CALLI##n(name);                                         \
    }
IOPS(DEFI)
#undef helper_fclass_s
#undef helper_fclass_d

#define DEFF(name, asmstr)                                             \
    static uint64_t do_##name(uint64_t a)                              \
    {                                                                  \
        return helper_##name(&env, a, DYN);                            \
    }
FROMI(DEFF)

UNIT_TEST(fpu_sweep_matches_qemu_riscv64)
{
    env.fflags = 0;
    SWEEP_ALL()
    env.frm = RNE;
    /* From: qemu-riscv64 sweep-riscv | fnv1a.py (Debian QEMU 7.2). */
    CHECK_EQ(sweep_lines, 721730);
    CHECK_EQ(sweep_hash, 0x6a067776464e73eeULL);
}
