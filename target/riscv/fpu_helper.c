/*
 * F and D arithmetic with exact RISC-V semantics (unprivileged spec ch. 11
 * and 12) on the host FPU.
 *
 * The host (C99 fenv: fesetround, feclearexcept/fetestexcept, fma) gives
 * IEEE 754 results and flags for RNE, RTZ, RDN and RUP.  x86 and RISC-V
 * both detect tininess after rounding, and a masked underflow is only
 * flagged when the result is also inexact, as RISC-V's UF.  What differs is
 * fixed up here:
 *  - NaN results are replaced by the canonical NaN (11.3);
 *  - fma's inf*0 + qNaN raises NV on RISC-V (11.6), not on x86;
 *  - fmin/fmax, compares, fclass, sign injection and FP->int conversions
 *    are done in software (x86 orders NaNs and zeros differently and
 *    converts out-of-range values to the "integer indefinite");
 *  - RMM (round to nearest, ties to max magnitude) has no host mode.  We
 *    compute the operation in long double with round-toward-zero and make
 *    the result "round to odd" (set the last bit when inexact); with at
 *    least two more bits than the target, rounding that value once more
 *    gives the correctly rounded result for any mode (Boldo & Melquiond,
 *    "Emulation of FMA and correctly rounded sums: proved algorithms using
 *    rounding to odd", IEEE TC 2008).  The final ties-away rounding to
 *    single or double, with overflow, tininess and inexact, is exact
 *    arithmetic on powers of two (round_rmm).
 * The host rounding mode is restored to nearest-even after every operation.
 */
#include "core/osdep.h"
#include "target/riscv/fpu_helper.h"
#include "target/riscv/helper.h"
#include <fenv.h>
#include <float.h>
#include <math.h>

_Static_assert(LDBL_MANT_DIG >= DBL_MANT_DIG + 2,
               "RMM emulation needs long double at least 2 bits wider than double");

typedef enum FPOp { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_FMA } FPOp;

/* --- bit patterns ------------------------------------------------------ */

static inline double d_of(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}

static inline uint64_t bits_d(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static inline float f_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline uint32_t bits_f(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* 11.2: a single is valid only NaN-boxed; anything else is the canonical NaN. */
static inline uint32_t unbox_s(uint64_t v)
{
    return (v & RISCV_NANBOX_MASK) == RISCV_NANBOX_MASK ? (uint32_t)v
                                                         : (uint32_t)RISCV_CANONICAL_NAN_S;
}

static inline uint64_t box_s(uint32_t v)
{
    return RISCV_NANBOX_MASK | v;
}

static inline bool is_nan_s(uint32_t u)
{
    return (u & 0x7f800000) == 0x7f800000 && (u & 0x007fffff);
}

static inline bool is_snan_s(uint32_t u)
{
    return is_nan_s(u) && !(u & 0x00400000);
}

static inline bool is_nan_d(uint64_t u)
{
    return (u & 0x7ff0000000000000ULL) == 0x7ff0000000000000ULL &&
           (u & 0x000fffffffffffffULL);
}

static inline bool is_snan_d(uint64_t u)
{
    return is_nan_d(u) && !(u & 0x0008000000000000ULL);
}

/* --- rounding mode and flags ------------------------------------------ */

/* rm field -> effective mode; invalid (5, 6, or dyn with frm > 4) raises
 * illegal instruction (11.2).  The translator has already checked, so
 * this only fires for direct callers. */
static int resolve_rm(CPURISCVState *env, uint64_t rm, uintptr_t ra)
{
    if (rm == RISCV_FRM_DYN) {
        rm = env->frm;
    }
    if (rm > RISCV_FRM_RMM) {
        riscv_raise_exception(env, RISCV_EXCP_ILLEGAL_INST, 0, ra);
    }
    return (int)rm;
}

static int host_mode(int rm)
{
    switch (rm) {
    case RISCV_FRM_RTZ:
        return FE_TOWARDZERO;
    case RISCV_FRM_RDN:
        return FE_DOWNWARD;
    case RISCV_FRM_RUP:
        return FE_UPWARD;
    default:
        return FE_TONEAREST;
    }
}

static int host_flags(void)
{
    int ex = fetestexcept(FE_ALL_EXCEPT), fl = 0;

    if (ex & FE_INVALID) {
        fl |= FFLAG_NV;
    }
    if (ex & FE_DIVBYZERO) {
        fl |= FFLAG_DZ;
    }
    if (ex & FE_OVERFLOW) {
        fl |= FFLAG_OF;
    }
    if (ex & FE_UNDERFLOW) {
        fl |= FFLAG_UF;
    }
    if (ex & FE_INEXACT) {
        fl |= FFLAG_NX;
    }
    return fl;
}

static void host_begin(int rm)
{
    fesetround(host_mode(rm));
    feclearexcept(FE_ALL_EXCEPT);
}

static int host_end(void)
{
    int fl = host_flags();
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
    return fl;
}

/* --- RMM: round-to-odd in long double, then ties-away to the target ---- */

/*
 * Round x to a binary format with p-bit significands and normal exponents
 * emin..emax, ties away from zero.  Tininess is detected after rounding
 * (as RISC-V does): on the value rounded to p bits with unbounded exponent.
 */
static long double round_rmm(long double x, int p, int emin, int emax, int *fl)
{
    int e;

    if (x == 0 || !isfinite(x)) {
        return x;
    }
    frexpl(x, &e);                              /* |x| in [2^(e-1), 2^e) */
    int E = e - 1;
    long double q_unb = ldexpl(1.0L, E - p + 1);
    long double r_unb = roundl(x / q_unb) * q_unb;
    bool tiny = fabsl(r_unb) < ldexpl(1.0L, emin);
    long double q = ldexpl(1.0L, (E < emin ? emin : E) - p + 1);
    long double r = roundl(x / q) * q;          /* exact: scaling by 2^k */

    if (r != x) {
        *fl |= FFLAG_NX;
        if (tiny) {
            *fl |= FFLAG_UF;
        }
    }
    if (fabsl(r) >= ldexpl(1.0L, emax + 1)) {
        *fl |= FFLAG_OF | FFLAG_NX;
        r = copysignl(INFINITY, x);
    }
    return r;
}

/* round_rmm to the double and single formats. */
static long double round_rmm_d(long double x, int *fl)
{
    return round_rmm(x, DBL_MANT_DIG, DBL_MIN_EXP - 1, DBL_MAX_EXP - 1, fl);
}

static long double round_rmm_s(long double x, int *fl)
{
    return round_rmm(x, FLT_MANT_DIG, FLT_MIN_EXP - 1, FLT_MAX_EXP - 1, fl);
}

/* The operation in long double, rounded toward zero and then to odd. */
static long double wide_op_odd(FPOp op, long double a, long double b, long double c,
                               int *fl)
{
    volatile long double va = a, vb = b, vc = c, vr;
    long double r;

    fesetround(FE_TOWARDZERO);
    feclearexcept(FE_ALL_EXCEPT);
    switch (op) {
    case OP_ADD:
        vr = va + vb;
        break;
    case OP_SUB:
        vr = va - vb;
        break;
    case OP_MUL:
        vr = va * vb;
        break;
    case OP_DIV:
        vr = va / vb;
        break;
    case OP_SQRT:
        vr = sqrtl(va);
        break;
    default:
        vr = fmal(va, vb, vc);
        break;
    }
    int ex = fetestexcept(FE_ALL_EXCEPT);
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
    r = vr;
    if (ex & FE_INVALID) {
        *fl |= FFLAG_NV;
    }
    if (ex & FE_DIVBYZERO) {
        *fl |= FFLAG_DZ;
    }
    if ((ex & FE_INEXACT) && isfinite(r) && r != 0) {
        int e;
        long double n = ldexpl(frexpl(r, &e), LDBL_MANT_DIG);   /* integer significand */
        if (fmodl(n, 2.0L) == 0) {
            n += n > 0 ? 1 : -1;
        }
        r = ldexpl(n, e - LDBL_MANT_DIG);
    }
    return r;
}

/* --- the arithmetic core ------------------------------------------------ */

static bool fma_inf_zero(double a, double b)
{
    return (isinf(a) && b == 0) || (a == 0 && isinf(b));
}

/*
 * The host's own operation, in the rounding mode host_begin() set.  A macro
 * because each format must compute in its own type: a single computed in
 * double and then narrowed would round twice.
 */
#define HOST_OP(op, vr, va, vb, vc, sqrt_fn, fma_fn)                          \
    do {                                                                       \
        switch (op) {                                                          \
        case OP_ADD:                                                           \
            (vr) = (va) + (vb);                                                \
            break;                                                             \
        case OP_SUB:                                                           \
            (vr) = (va) - (vb);                                                \
            break;                                                             \
        case OP_MUL:                                                           \
            (vr) = (va) * (vb);                                                \
            break;                                                             \
        case OP_DIV:                                                           \
            (vr) = (va) / (vb);                                                \
            break;                                                             \
        case OP_SQRT:                                                          \
            (vr) = sqrt_fn(va);                                                \
            break;                                                             \
        default:                                                               \
            (vr) = fma_fn((va), (vb), (vc));                                   \
            break;                                                             \
        }                                                                      \
    } while (0)

/* Under RMM the wide path sees no signalling NaN: raise NV for one among
 * the operands op reads (11.6). */
static int rmm_snan_flags(FPOp op, bool snan_a, bool snan_b, bool snan_c)
{
    if (snan_a || (op != OP_SQRT && snan_b) || (op == OP_FMA && snan_c)) {
        return FFLAG_NV;
    }
    return 0;
}

/* Accrue the flags of one operation into fflags. */
static void arith_accrue(CPURISCVState *env, FPOp op, double a, double b, int fl)
{
    if (op == OP_FMA && fma_inf_zero(a, b)) {
        fl |= FFLAG_NV;            /* 11.6: even when the addend is a quiet NaN */
    }
    env->fflags |= fl;
}

static uint64_t arith_d(CPURISCVState *env, FPOp op, uint64_t ua, uint64_t ub, uint64_t uc,
                        int rm)
{
    double a = d_of(ua), b = d_of(ub), c = d_of(uc), r;
    int fl = 0;

    if (rm == RISCV_FRM_RMM) {
        fl |= rmm_snan_flags(op, is_snan_d(ua), is_snan_d(ub), is_snan_d(uc));
        long double w = wide_op_odd(op, a, b, c, &fl);
        r = (double)round_rmm_d(w, &fl);
    } else {
        volatile double va = a, vb = b, vc = c, vr;
        host_begin(rm);
        HOST_OP(op, vr, va, vb, vc, sqrt, fma);
        fl |= host_end();
        r = vr;
    }
    arith_accrue(env, op, a, b, fl);
    return isnan(r) ? RISCV_CANONICAL_NAN_D : bits_d(r);
}

static uint64_t arith_s(CPURISCVState *env, FPOp op, uint64_t xa, uint64_t xb, uint64_t xc,
                        int rm)
{
    uint32_t ua = unbox_s(xa), ub = unbox_s(xb), uc = unbox_s(xc);
    float a = f_of(ua), b = f_of(ub), c = f_of(uc), r;
    int fl = 0;

    if (rm == RISCV_FRM_RMM) {
        fl |= rmm_snan_flags(op, is_snan_s(ua), is_snan_s(ub), is_snan_s(uc));
        long double w = wide_op_odd(op, a, b, c, &fl);
        r = (float)round_rmm_s(w, &fl);
    } else {
        volatile float va = a, vb = b, vc = c, vr;
        host_begin(rm);
        HOST_OP(op, vr, va, vb, vc, sqrtf, fmaf);
        fl |= host_end();
        r = vr;
    }
    arith_accrue(env, op, a, b, fl);
    return box_s(isnan(r) ? (uint32_t)RISCV_CANONICAL_NAN_S : bits_f(r));
}

#define ARITH2(name, fmt, op)                                                  \
    uint64_t helper_##name##_##fmt(CPURISCVState *env, uint64_t a, uint64_t b, \
                                   uint64_t rm)                                \
    {                                                                          \
        return arith_##fmt(env, op, a, b, 0, resolve_rm(env, rm, GETPC()));    \
    }

ARITH2(fadd, s, OP_ADD)
ARITH2(fsub, s, OP_SUB)
ARITH2(fmul, s, OP_MUL)
ARITH2(fdiv, s, OP_DIV)
ARITH2(fadd, d, OP_ADD)
ARITH2(fsub, d, OP_SUB)
ARITH2(fmul, d, OP_MUL)
ARITH2(fdiv, d, OP_DIV)

uint64_t helper_fsqrt_s(CPURISCVState *env, uint64_t a, uint64_t rm)
{
    return arith_s(env, OP_SQRT, a, 0, 0, resolve_rm(env, rm, GETPC()));
}

uint64_t helper_fsqrt_d(CPURISCVState *env, uint64_t a, uint64_t rm)
{
    return arith_d(env, OP_SQRT, a, 0, 0, resolve_rm(env, rm, GETPC()));
}

/*
 * 11.6: fmsub = a*b - c, fnmsub = -(a*b) + c, fnmadd = -(a*b) - c.  Negating
 * an operand is exact, so (-a)*b + c rounds exactly as -(a*b) + c.
 */
#define SIGN_S 0x80000000ULL
#define SIGN_D 0x8000000000000000ULL
#define FMA_HELPERS(fmt, SIGN)                                                   \
    uint64_t helper_fmadd_##fmt(CPURISCVState *env, uint64_t a, uint64_t b,      \
                                uint64_t c, uint64_t rm)                         \
    {                                                                            \
        return arith_##fmt(env, OP_FMA, a, b, c, resolve_rm(env, rm, GETPC()));  \
    }                                                                            \
    uint64_t helper_fmsub_##fmt(CPURISCVState *env, uint64_t a, uint64_t b,      \
                                uint64_t c, uint64_t rm)                         \
    {                                                                            \
        return arith_##fmt(env, OP_FMA, a, b, neg_##fmt(c),                      \
                           resolve_rm(env, rm, GETPC()));                        \
    }                                                                            \
    uint64_t helper_fnmsub_##fmt(CPURISCVState *env, uint64_t a, uint64_t b,     \
                                 uint64_t c, uint64_t rm)                        \
    {                                                                            \
        return arith_##fmt(env, OP_FMA, neg_##fmt(a), b, c,                      \
                           resolve_rm(env, rm, GETPC()));                        \
    }                                                                            \
    uint64_t helper_fnmadd_##fmt(CPURISCVState *env, uint64_t a, uint64_t b,     \
                                 uint64_t c, uint64_t rm)                        \
    {                                                                            \
        return arith_##fmt(env, OP_FMA, neg_##fmt(a), b, neg_##fmt(c),           \
                           resolve_rm(env, rm, GETPC()));                        \
    }

/* Negate a (possibly mis-boxed) single: unbox first so the canonical NaN
 * stands in for a bad box, then flip the sign. */
static inline uint64_t neg_s(uint64_t v)
{
    return box_s(unbox_s(v) ^ (uint32_t)SIGN_S);
}

static inline uint64_t neg_d(uint64_t v)
{
    return v ^ SIGN_D;
}

FMA_HELPERS(s, SIGN_S)
FMA_HELPERS(d, SIGN_D)

/* --- fmin/fmax (11.6): minimumNumber/maximumNumber --------------------- */

/*
 * One NaN input: the other operand; both NaN: canonical NaN; -0 < +0; a
 * signaling NaN input sets NV.  Values are compared as doubles (singles
 * widen exactly), signed zeros by their sign bit.
 */
static int minmax_pick(double a, double b, bool sign_a, bool sign_b, bool is_max)
{
    /* returns 0 for a, 1 for b */
    if (a == b) {
        if (sign_a == sign_b) {
            return 0;
        }
        return is_max ? (sign_a ? 1 : 0) : (sign_a ? 0 : 1);
    }
    return is_max ? (a > b ? 0 : 1) : (a < b ? 0 : 1);
}

static uint64_t minmax_d(CPURISCVState *env, uint64_t ua, uint64_t ub, bool is_max)
{
    bool na = is_nan_d(ua), nb = is_nan_d(ub);

    if (is_snan_d(ua) || is_snan_d(ub)) {
        env->fflags |= FFLAG_NV;
    }
    if (na && nb) {
        return RISCV_CANONICAL_NAN_D;
    }
    if (na || nb) {
        return na ? ub : ua;
    }
    return minmax_pick(d_of(ua), d_of(ub), ua >> 63, ub >> 63, is_max) ? ub : ua;
}

static uint64_t minmax_s(CPURISCVState *env, uint64_t xa, uint64_t xb, bool is_max)
{
    uint32_t ua = unbox_s(xa), ub = unbox_s(xb);
    bool na = is_nan_s(ua), nb = is_nan_s(ub);

    if (is_snan_s(ua) || is_snan_s(ub)) {
        env->fflags |= FFLAG_NV;
    }
    if (na && nb) {
        return box_s(RISCV_CANONICAL_NAN_S);
    }
    if (na || nb) {
        return box_s(na ? ub : ua);
    }
    return box_s(minmax_pick(f_of(ua), f_of(ub), ua >> 31, ub >> 31, is_max) ? ub : ua);
}

uint64_t helper_fmin_s(CPURISCVState *env, uint64_t a, uint64_t b)
{
    return minmax_s(env, a, b, false);
}

uint64_t helper_fmax_s(CPURISCVState *env, uint64_t a, uint64_t b)
{
    return minmax_s(env, a, b, true);
}

uint64_t helper_fmin_d(CPURISCVState *env, uint64_t a, uint64_t b)
{
    return minmax_d(env, a, b, false);
}

uint64_t helper_fmax_d(CPURISCVState *env, uint64_t a, uint64_t b)
{
    return minmax_d(env, a, b, true);
}

/* --- compares (11.8) ---------------------------------------------------- */

/* flt/fle: signaling compares (NV for any NaN input). */
#define CMP_SIGNALING(name, fmt, T, UNBOX, OP)                                  \
    uint64_t helper_##name##_##fmt(CPURISCVState *env, uint64_t xa, uint64_t xb) \
    {                                                                           \
        T ua = UNBOX(xa), ub = UNBOX(xb);                                       \
        if (is_nan_##fmt(ua) || is_nan_##fmt(ub)) {                             \
            env->fflags |= FFLAG_NV;                                            \
            return 0;                                                           \
        }                                                                       \
        return fmt##_val(ua) OP fmt##_val(ub);                                  \
    }

/* feq: quiet (NV only for sNaN); flt/fle: signaling (NV for any NaN). */
#define CMP_HELPERS(fmt, T, UNBOX)                                              \
    uint64_t helper_feq_##fmt(CPURISCVState *env, uint64_t xa, uint64_t xb)     \
    {                                                                           \
        T ua = UNBOX(xa), ub = UNBOX(xb);                                       \
        if (is_snan_##fmt(ua) || is_snan_##fmt(ub)) {                           \
            env->fflags |= FFLAG_NV;                                            \
        }                                                                       \
        if (is_nan_##fmt(ua) || is_nan_##fmt(ub)) {                             \
            return 0;                                                           \
        }                                                                       \
        return fmt##_val(ua) == fmt##_val(ub);                                  \
    }                                                                           \
    CMP_SIGNALING(flt, fmt, T, UNBOX, <)                                        \
    CMP_SIGNALING(fle, fmt, T, UNBOX, <=)

static inline double s_val(uint32_t u)
{
    return f_of(u);
}

static inline double d_val(uint64_t u)
{
    return d_of(u);
}

static inline uint64_t same_d(uint64_t v)
{
    return v;
}

CMP_HELPERS(s, uint32_t, unbox_s)
CMP_HELPERS(d, uint64_t, same_d)

/* --- fclass (11.9, table 11.5) ------------------------------------------ */

static uint64_t fclass_bits(bool sign, bool inf, bool nan, bool snan, bool zero,
                            bool subnormal)
{
    if (nan) {
        return snan ? 1u << 8 : 1u << 9;
    }
    if (inf) {
        return sign ? 1u << 0 : 1u << 7;
    }
    if (zero) {
        return sign ? 1u << 3 : 1u << 4;
    }
    if (subnormal) {
        return sign ? 1u << 2 : 1u << 5;
    }
    return sign ? 1u << 1 : 1u << 6;
}

uint64_t helper_fclass_s(uint64_t x)
{
    uint32_t u = unbox_s(x), exp = (u >> 23) & 0xff, man = u & 0x7fffff;
    return fclass_bits(u >> 31, exp == 0xff && !man, is_nan_s(u), is_snan_s(u),
                       exp == 0 && !man, exp == 0 && man);
}

/* --- fflags and the host FPU (helper.h) ------------------------------------ */

/* env->fflags is exact whenever these run as calls: the helpers above
 * accrue into it directly. */
void helper_fflags_sync(CPURISCVState *env)
{
}

void helper_fflags_discard(CPURISCVState *env)
{
}

uint64_t helper_fclass_d(uint64_t u)
{
    uint64_t exp = (u >> 52) & 0x7ff, man = u & 0xfffffffffffffULL;
    return fclass_bits(u >> 63, exp == 0x7ff && !man, is_nan_d(u), is_snan_d(u),
                       exp == 0 && !man, exp == 0 && man);
}

/* --- sign injection (11.6) ----------------------------------------------- */

uint64_t helper_fsgnj_s(uint64_t xa, uint64_t xb, uint64_t mode)
{
    uint32_t a = unbox_s(xa), b = unbox_s(xb), sign;

    switch (mode) {
    case 0:
        sign = b & 0x80000000u;
        break;
    case 1:
        sign = ~b & 0x80000000u;
        break;
    default:
        sign = (a ^ b) & 0x80000000u;
        break;
    }
    return box_s((a & 0x7fffffffu) | sign);
}

/* --- FP -> integer (11.7, table 11.4) ----------------------------------- */

/* x rounded to an integral value by rm, exactly (no host mode involved). */
static double round_integral(double x, int rm)
{
    switch (rm) {
    case RISCV_FRM_RTZ:
        return trunc(x);
    case RISCV_FRM_RDN:
        return floor(x);
    case RISCV_FRM_RUP:
        return ceil(x);
    case RISCV_FRM_RMM:
        return round(x);                /* C99 round(): halfway away from zero */
    default: {
        /* nearbyint in the default mode (nearest-even) without touching
         * the flags we report. */
        return nearbyint(x);
    }
    }
}

/*
 * Convert to an integer in [lo, hi] (given as doubles that are exact:
 * -2^31, 2^31 - 1 ... and the 64-bit bounds as exclusive powers of two).
 * NaN and +inf/too large -> hi value, -inf/too small -> lo value, with NV;
 * otherwise NX when rounding changed the value.
 */
typedef enum IntKind { INT_W, INT_WU, INT_L, INT_LU } IntKind;

static uint64_t to_int(CPURISCVState *env, double x, bool nan, int rm, IntKind kind)
{
    static const uint64_t max_v[4] = {
        INT32_MAX, UINT32_MAX, INT64_MAX, UINT64_MAX,
    };
    static const uint64_t min_v[4] = {
        (uint64_t)(int64_t)INT32_MIN, 0, (uint64_t)INT64_MIN, 0,
    };
    if (nan) {
        env->fflags |= FFLAG_NV;
        return kind == INT_WU ? (uint64_t)(int64_t)(int32_t)max_v[kind] : max_v[kind];
    }
    double r = round_integral(x, rm);
    bool too_big, too_small;
    switch (kind) {
    case INT_W:
        too_big = r > 2147483647.0;
        too_small = r < -2147483648.0;
        break;
    case INT_WU:
        too_big = r > 4294967295.0;
        too_small = r < 0;
        break;
    case INT_L:
        too_big = r >= 9223372036854775808.0;
        too_small = r < -9223372036854775808.0;
        break;
    default:
        too_big = r >= 18446744073709551616.0;
        too_small = r < 0;
        break;
    }
    if (too_big || too_small) {
        uint64_t v = too_big ? max_v[kind] : min_v[kind];
        env->fflags |= FFLAG_NV;
        /* 32-bit results are sign-extended into the 64-bit register. */
        return kind == INT_WU ? (uint64_t)(int64_t)(int32_t)v : v;
    }
    if (r != x) {
        env->fflags |= FFLAG_NX;
    }
    switch (kind) {
    case INT_W:
        return (uint64_t)(int64_t)r;
    case INT_WU:
        return (uint64_t)(int64_t)(int32_t)(uint32_t)r;
    case INT_L:
        return (uint64_t)(int64_t)r;
    default:
        return (uint64_t)r;
    }
}

#define TO_INT_HELPERS(name, kind)                                               \
    uint64_t helper_fcvt_##name##_s(CPURISCVState *env, uint64_t a, uint64_t rm) \
    {                                                                            \
        uint32_t u = unbox_s(a);                                                 \
        int m = resolve_rm(env, rm, GETPC());                                    \
        return to_int(env, f_of(u), is_nan_s(u), m, kind);                       \
    }                                                                            \
    uint64_t helper_fcvt_##name##_d(CPURISCVState *env, uint64_t a, uint64_t rm) \
    {                                                                            \
        int m = resolve_rm(env, rm, GETPC());                                    \
        return to_int(env, d_of(a), is_nan_d(a), m, kind);                       \
    }

TO_INT_HELPERS(w, INT_W)
TO_INT_HELPERS(wu, INT_WU)
TO_INT_HELPERS(l, INT_L)
TO_INT_HELPERS(lu, INT_LU)

/* --- integer -> FP ------------------------------------------------------- */

/*
 * Every 64-bit integer is exact in long double; one rounding from there
 * (host mode, or round_rmm) gives the correctly rounded result.
 */
static uint64_t from_int(CPURISCVState *env, long double v, bool to_double, int rm)
{
    int fl = 0;
    uint64_t r;

    if (rm == RISCV_FRM_RMM) {
        long double x = to_double ? round_rmm_d(v, &fl) : round_rmm_s(v, &fl);
        r = to_double ? bits_d((double)x) : box_s(bits_f((float)x));
    } else {
        volatile long double vv = v;
        host_begin(rm);
        if (to_double) {
            volatile double d = (double)vv;
            fl = host_end();
            r = bits_d(d);
        } else {
            volatile float f = (float)vv;
            fl = host_end();
            r = box_s(bits_f(f));
        }
    }
    env->fflags |= fl;
    return r;
}

#define FROM_INT_HELPERS(name, T)                                                \
    uint64_t helper_fcvt_s_##name(CPURISCVState *env, uint64_t a, uint64_t rm)   \
    {                                                                            \
        int m = resolve_rm(env, rm, GETPC());                                    \
        return from_int(env, (long double)(T)a, false, m);                       \
    }                                                                            \
    uint64_t helper_fcvt_d_##name(CPURISCVState *env, uint64_t a, uint64_t rm)   \
    {                                                                            \
        int m = resolve_rm(env, rm, GETPC());                                    \
        return from_int(env, (long double)(T)a, true, m);                        \
    }

FROM_INT_HELPERS(w, int32_t)
FROM_INT_HELPERS(wu, uint32_t)
FROM_INT_HELPERS(l, int64_t)
FROM_INT_HELPERS(lu, uint64_t)

/* --- FP <-> FP (12.5) ---------------------------------------------------- */

uint64_t helper_fcvt_s_d(CPURISCVState *env, uint64_t a, uint64_t rm)
{
    int m = resolve_rm(env, rm, GETPC());
    double d = d_of(a);
    int fl = 0;
    uint32_t r;

    if (is_nan_d(a)) {
        if (is_snan_d(a)) {
            env->fflags |= FFLAG_NV;
        }
        return box_s(RISCV_CANONICAL_NAN_S);
    }
    if (m == RISCV_FRM_RMM) {
        r = bits_f((float)round_rmm_s(d, &fl));
    } else {
        volatile double vd = d;
        host_begin(m);
        volatile float f = (float)vd;
        fl = host_end();
        r = bits_f(f);
    }
    env->fflags |= fl;
    return box_s(r);
}

uint64_t helper_fcvt_d_s(CPURISCVState *env, uint64_t a, uint64_t rm)
{
    uint32_t u = unbox_s(a);

    resolve_rm(env, rm, GETPC());
    if (is_nan_s(u)) {
        if (is_snan_s(u)) {
            env->fflags |= FFLAG_NV;
        }
        return RISCV_CANONICAL_NAN_D;
    }
    return bits_d((double)f_of(u));     /* exact */
}
