/*
 * D extension (unprivileged spec ch. 12): rounding modes, flags and the
 * special cases in double precision, conversions to and from integers
 * and singles (12.5), and the unboxed nature of doubles.
 */
#include "fp.h"

#define ONE 0x3ff0000000000000UL
#define MONE 0xbff0000000000000UL
#define QNAN 0x7ff8000000000000UL
#define SNAN 0x7ff0000000000001UL
#define PINF 0x7ff0000000000000UL
#define NINF 0xfff0000000000000UL
#define MAXD 0x7fefffffffffffffUL
#define NX FFLAG_NX
#define UF FFLAG_UF
#define OF FFLAG_OF
#define DZ FFLAG_DZ
#define NV FFLAG_NV

static void test_rounding(void)
{
    uint64_t half_ulp = 0x3ca0000000000000UL;            /* 2^-53 */
    T(FOP2("fadd.d ft2, ft0, ft1, rne #", ONE, half_ulp, &fl), ONE, NX);
    T(FOP2("fadd.d ft2, ft0, ft1, rtz #", ONE, half_ulp, &fl), ONE, NX);
    T(FOP2("fadd.d ft2, ft0, ft1, rdn #", ONE, half_ulp, &fl), ONE, NX);
    T(FOP2("fadd.d ft2, ft0, ft1, rup #", ONE, half_ulp, &fl), ONE + 1, NX);
    T(FOP2("fadd.d ft2, ft0, ft1, rmm #", ONE, half_ulp, &fl), ONE + 1, NX);
    T(FOP2("fsub.d ft2, ft0, ft1, rdn #", MONE, half_ulp, &fl), MONE + 1, NX);
    T(FOP2("fsub.d ft2, ft0, ft1, rup #", MONE, half_ulp, &fl), MONE, NX);
    T(FOP2("fsub.d ft2, ft0, ft1, rmm #", MONE, half_ulp, &fl), MONE + 1, NX);
    /* 1 + 3*2^-53 is halfway between 1 + 2^-52 and 1 + 2^-51: RNE goes up to even */
    T(FOP2("fadd.d ft2, ft0, ft1, rne #", ONE + 1, half_ulp, &fl), ONE + 2, NX);
    T(FOP2("fdiv.d ft2, ft0, ft1, rne #", ONE, 0x4008000000000000UL, &fl),
      0x3fd5555555555555UL, NX);
    T(FOP2("fdiv.d ft2, ft0, ft1, rup #", ONE, 0x4008000000000000UL, &fl),
      0x3fd5555555555556UL, NX);
    T(FOP2("fsub.d ft2, ft0, ft1, rdn #", ONE, ONE, &fl), 0x8000000000000000UL, 0);
    frm_write(RM_RDN);
    T(FOP2("fdiv.d ft2, ft0, ft1, dyn #", MONE, 0x4008000000000000UL, &fl),
      0xbfd5555555555556UL, NX);
    frm_write(RM_RNE);
}

static void test_special(void)
{
    T(FOP2("fdiv.d ft2, ft0, ft1, rne #", ONE, 0, &fl), PINF, DZ);
    T(FOP2("fdiv.d ft2, ft0, ft1, rne #", 0, 0, &fl), QNAN, NV);
    T(FOP2("fsub.d ft2, ft0, ft1, rne #", PINF, PINF, &fl), QNAN, NV);
    T(FOP2("fmul.d ft2, ft0, ft1, rne #", 0xfff8000000000abcUL, ONE, &fl), QNAN, 0);
    T(FOP2("fmul.d ft2, ft0, ft1, rne #", ONE, SNAN, &fl), QNAN, NV);
    T(FOP2("fmul.d ft2, ft0, ft1, rne #", MAXD, 0x4000000000000000UL, &fl), PINF, OF | NX);
    T(FOP2("fmul.d ft2, ft0, ft1, rtz #", MAXD, 0x4000000000000000UL, &fl), MAXD, OF | NX);
    T(FOP2("fmul.d ft2, ft0, ft1, rdn #", MAXD | (1UL << 63), 0x4000000000000000UL, &fl),
      NINF, OF | NX);
    /* tininess after rounding: 2^-1022 (1 - 2^-104) rounds to 2^-1022 */
    T(FOP2("fmul.d ft2, ft0, ft1, rne #", 0x0010000000000001UL, 0x3feffffffffffffeUL, &fl),
      0x0010000000000000UL, NX);
    T(FOP2("fmul.d ft2, ft0, ft1, rtz #", 0x0010000000000001UL, 0x3feffffffffffffeUL, &fl),
      0x000fffffffffffffUL, UF | NX);
    T(FOP2("fmul.d ft2, ft0, ft1, rne #", 1, 0x3fe0000000000000UL, &fl), 0, UF | NX);
    T(FOP2("fmul.d ft2, ft0, ft1, rmm #", 1, 0x3fe0000000000000UL, &fl), 1, UF | NX);
    T(FOP1("fsqrt.d ft2, ft0, rne #", 0x4010000000000000UL, &fl), 0x4000000000000000UL, 0);
    T(FOP1("fsqrt.d ft2, ft0, rne #", 0x4000000000000000UL, &fl), 0x3ff6a09e667f3bcdUL, NX);
    T(FOP1("fsqrt.d ft2, ft0, rdn #", 0x4000000000000000UL, &fl), 0x3ff6a09e667f3bccUL, NX);
    T(FOP1("fsqrt.d ft2, ft0, rne #", NINF, &fl), QNAN, NV);
}

static void test_fma_minmax_cmp(void)
{
    uint64_t a = 0x3ff0000000000001UL;                    /* 1 + 2^-52 */
    /* a*a - (1 + 2^-51) = 2^-104 exactly */
    T(FOP3("fmsub.d ft2, ft0, ft1, ft3, rne #", a, a, 0x3ff0000000000002UL, &fl),
      0x3970000000000000UL, 0);
    T(FOP3("fnmadd.d ft2, ft0, ft1, ft3, rne #", a, a, MONE, &fl), 0xbcc0000000000000UL, NX);
    T(FOP3("fmadd.d ft2, ft0, ft1, ft3, rne #", 0, NINF, ONE, &fl), QNAN, NV);
    T(FOP2("fmin.d", QNAN, ONE, &fl), ONE, 0);
    T(FOP2("fmax.d", SNAN, ONE, &fl), ONE, NV);
    T(FOP2("fmin.d", QNAN, SNAN, &fl), QNAN, NV);
    T(FOP2("fmin.d", 0, 0x8000000000000000UL, &fl), 0x8000000000000000UL, 0);
    T(FOP2("fmax.d", 0x8000000000000000UL, 0, &fl), 0, 0);
    T(FTOX2("feq.d", QNAN, ONE, &fl), 0, 0);
    T(FTOX2("feq.d", SNAN, SNAN, &fl), 0, NV);
    T(FTOX2("flt.d", ONE, QNAN, &fl), 0, NV);
    T(FTOX2("fle.d", ONE, ONE, &fl), 1, 0);
    T(FTOX2("flt.d", MONE, ONE, &fl), 1, 0);
}

static void test_class_sign(void)
{
    static const uint64_t v[10] = {
        NINF, MONE, 0x800fffffffffffffUL, 0x8000000000000000UL, 0,
        1, ONE, PINF, SNAN, QNAN,
    };
    for (int i = 0; i < 10; i++) {
        T(FTOX1("fclass.d", v[i], &fl), 1u << i, 0);
    }
    T(FOP2("fsgnj.d", ONE, 0x8000000000000000UL, &fl), MONE, 0);
    T(FOP2("fsgnjn.d", MONE, MONE, &fl), ONE, 0);
    T(FOP2("fsgnjx.d", MONE, MONE, &fl), ONE, 0);
    T(FOP2("fsgnjx.d", SNAN, MONE, &fl), SNAN | (1UL << 63), 0);
    /* doubles are not boxed: any 64-bit pattern is itself */
    T(FTOX1("fmv.x.d", 0x000000003f800000UL, &fl), 0x000000003f800000UL, 0);
    T(XTOF("fmv.d.x", 0x123456789abcdef0UL, &fl), 0x123456789abcdef0UL, 0);
}

static void test_conversions(void)
{
    T(FTOX1("fcvt.w.d %0, ft0, rtz #", 0x41dfffffffe00000UL, &fl), 0x7fffffff, NX);
    T(FTOX1("fcvt.w.d %0, ft0, rne #", 0x41dfffffffe00000UL, &fl), 0x7fffffff, NV);
    T(FTOX1("fcvt.w.d %0, ft0, rne #", 0xc1e0000000000000UL, &fl), 0xffffffff80000000UL, 0);
    T(FTOX1("fcvt.w.d %0, ft0, rne #", QNAN, &fl), 0x7fffffff, NV);
    T(FTOX1("fcvt.wu.d %0, ft0, rne #", 0x41efffffffe00000UL, &fl), 0xffffffffffffffffUL, 0);
    T(FTOX1("fcvt.wu.d %0, ft0, rne #", MONE, &fl), 0, NV);
    T(FTOX1("fcvt.l.d %0, ft0, rmm #", 0xc004000000000000UL, &fl), (uint64_t)-3, NX);
    T(FTOX1("fcvt.l.d %0, ft0, rne #", 0xc004000000000000UL, &fl), (uint64_t)-2, NX);
    T(FTOX1("fcvt.l.d %0, ft0, rne #", 0x43e0000000000000UL, &fl), 0x7fffffffffffffffUL, NV);
    T(FTOX1("fcvt.l.d %0, ft0, rne #", NINF, &fl), 0x8000000000000000UL, NV);
    T(FTOX1("fcvt.lu.d %0, ft0, rne #", 0x43efffffffffffffUL, &fl), 0xfffffffffffff800UL, 0);
    T(FTOX1("fcvt.lu.d %0, ft0, rne #", 0x43f0000000000000UL, &fl), 0xffffffffffffffffUL, NV);
    T(FTOX1("fcvt.lu.d %0, ft0, rne #", QNAN, &fl), 0xffffffffffffffffUL, NV);
    T(XTOF("fcvt.d.w ft2, %2 #", 0xffffffff80000000UL, &fl), 0xc1e0000000000000UL, 0);
    T(XTOF("fcvt.d.wu ft2, %2 #", 0xffffffffffffffffUL, &fl), 0x41efffffffe00000UL, 0);
    T(XTOF("fcvt.d.l ft2, %2, rne #", 0x20000000000001UL, &fl), 0x4340000000000000UL, NX);
    T(XTOF("fcvt.d.l ft2, %2, rmm #", 0x20000000000001UL, &fl), 0x4340000000000001UL, NX);
    T(XTOF("fcvt.d.lu ft2, %2, rtz #", 0xffffffffffffffffUL, &fl), 0x43efffffffffffffUL, NX);
    T(XTOF("fcvt.d.lu ft2, %2, rne #", 0xffffffffffffffffUL, &fl), 0x43f0000000000000UL, NX);
    /* double <-> single */
    T(FOP1("fcvt.s.d ft2, ft0, rne #", 0x3ff0000010000000UL, &fl), BOX(0x3f800000), NX);
    T(FOP1("fcvt.s.d ft2, ft0, rmm #", 0x3ff0000010000000UL, &fl), BOX(0x3f800001), NX);
    T(FOP1("fcvt.s.d ft2, ft0, rne #", MAXD, &fl), BOX(0x7f800000), OF | NX);
    T(FOP1("fcvt.s.d ft2, ft0, rtz #", MAXD, &fl), BOX(0x7f7fffff), OF | NX);
    T(FOP1("fcvt.s.d ft2, ft0, rne #", 0x3690000000000000UL, &fl), BOX(0), UF | NX);
    T(FOP1("fcvt.s.d ft2, ft0, rne #", SNAN, &fl), BOX(0x7fc00000), NV);
    T(FOP1("fcvt.d.s ft2, ft0 #", BOX(1), &fl), 0x36a0000000000000UL, 0);
    T(FOP1("fcvt.d.s ft2, ft0 #", BOX(0xff800000), &fl), NINF, 0);
    T(FOP1("fcvt.d.s ft2, ft0 #", BOX(0x7f800001), &fl), QNAN, NV);
    T(FOP1("fcvt.d.s ft2, ft0 #", 0x000000003f800000UL, &fl), QNAN, 0);  /* unboxed */
}

static void test_load_store(void)
{
    static volatile uint64_t mem[2] = { 0x400921fb54442d18UL, 0 };
    uint64_t r;
    __asm__ volatile("fld ft0, 0(%1)\n\tfsd ft0, 8(%1)\n\tfmv.x.d %0, ft0"
                     : "=r"(r) : "r"(mem) : "ft0", "memory");
    CHECK_EQ(r, 0x400921fb54442d18UL);
    CHECK_EQ(mem[1], 0x400921fb54442d18UL);
}

int main(void)
{
    test_rounding();
    test_special();
    test_fma_minmax_cmp();
    test_class_sign();
    test_conversions();
    test_load_store();
    return test_result();
}
