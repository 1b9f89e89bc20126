/*
 * F extension (unprivileged spec ch. 11): every rounding mode on halfway
 * and overflow/underflow cases, the accrued flags, NaN boxing, canonical
 * NaNs, fmin/fmax, compares, fclass, sign injection and the int
 * conversions of table 11.4.
 */
#include "fp.h"

#define ONE 0x3f800000
#define QNAN BOX(0x7fc00000)
#define SNAN BOX(0x7f800001)
#define PINF BOX(0x7f800000)
#define NINF BOX(0xff800000)
#define MAXF BOX(0x7f7fffff)
#define NX FFLAG_NX
#define UF FFLAG_UF
#define OF FFLAG_OF
#define DZ FFLAG_DZ
#define NV FFLAG_NV

static void test_rounding(void)
{
    uint64_t one = BOX(ONE), half_ulp = BOX(0x33800000);   /* 2^-24 */
    uint64_t mone = BOX(0xbf800000);
    /* 1 + 2^-24 is exactly halfway between 1 and 1 + 2^-23 */
    T(FOP2("fadd.s ft2, ft0, ft1, rne #", one, half_ulp, &fl), BOX(ONE), NX);
    T(FOP2("fadd.s ft2, ft0, ft1, rtz #", one, half_ulp, &fl), BOX(ONE), NX);
    T(FOP2("fadd.s ft2, ft0, ft1, rdn #", one, half_ulp, &fl), BOX(ONE), NX);
    T(FOP2("fadd.s ft2, ft0, ft1, rup #", one, half_ulp, &fl), BOX(0x3f800001), NX);
    T(FOP2("fadd.s ft2, ft0, ft1, rmm #", one, half_ulp, &fl), BOX(0x3f800001), NX);
    /* and below -1 */
    T(FOP2("fsub.s ft2, ft0, ft1, rdn #", mone, half_ulp, &fl), BOX(0xbf800001), NX);
    T(FOP2("fsub.s ft2, ft0, ft1, rup #", mone, half_ulp, &fl), BOX(0xbf800000), NX);
    T(FOP2("fsub.s ft2, ft0, ft1, rmm #", mone, half_ulp, &fl), BOX(0xbf800001), NX);
    T(FOP2("fsub.s ft2, ft0, ft1, rne #", mone, half_ulp, &fl), BOX(0xbf800000), NX);
    /* 1/3 */
    T(FOP2("fdiv.s ft2, ft0, ft1, rne #", one, BOX(0x40400000), &fl), BOX(0x3eaaaaab), NX);
    T(FOP2("fdiv.s ft2, ft0, ft1, rtz #", one, BOX(0x40400000), &fl), BOX(0x3eaaaaaa), NX);
    /* exact results raise nothing */
    T(FOP2("fmul.s ft2, ft0, ft1, rne #", BOX(0x40400000), BOX(0x40000000), &fl),
      BOX(0x40c00000), 0);
    /* x - x is +0 except in RDN */
    T(FOP2("fsub.s ft2, ft0, ft1, rne #", one, one, &fl), BOX(0), 0);
    T(FOP2("fsub.s ft2, ft0, ft1, rdn #", one, one, &fl), BOX(0x80000000), 0);
}

static void test_dynamic_rounding(void)
{
    frm_write(RM_RTZ);
    T(FOP2("fdiv.s ft2, ft0, ft1, dyn #", BOX(ONE), BOX(0x40400000), &fl), BOX(0x3eaaaaaa), NX);
    frm_write(RM_RUP);
    T(FOP2("fdiv.s ft2, ft0, ft1, dyn #", BOX(ONE), BOX(0x40400000), &fl), BOX(0x3eaaaaab), NX);
    frm_write(RM_RNE);
    CHECK_EQ(csr_read(fcsr), 0x01);         /* frm 0, fflags NX */
}

static void test_special(void)
{
    T(FOP2("fdiv.s ft2, ft0, ft1, rne #", BOX(ONE), BOX(0), &fl), PINF, DZ);
    T(FOP2("fdiv.s ft2, ft0, ft1, rne #", BOX(0xbf800000), BOX(0), &fl), NINF, DZ);
    T(FOP2("fdiv.s ft2, ft0, ft1, rne #", BOX(0), BOX(0), &fl), QNAN, NV);
    T(FOP2("fmul.s ft2, ft0, ft1, rne #", PINF, BOX(0), &fl), QNAN, NV);
    T(FOP2("fadd.s ft2, ft0, ft1, rne #", PINF, NINF, &fl), QNAN, NV);
    /* NaN inputs give the canonical NaN; only a signaling one sets NV */
    T(FOP2("fadd.s ft2, ft0, ft1, rne #", BOX(0xffc01234), BOX(ONE), &fl), QNAN, 0);
    T(FOP2("fadd.s ft2, ft0, ft1, rne #", SNAN, BOX(ONE), &fl), QNAN, NV);
    /* overflow by mode */
    T(FOP2("fmul.s ft2, ft0, ft1, rne #", MAXF, BOX(0x40000000), &fl), PINF, OF | NX);
    T(FOP2("fmul.s ft2, ft0, ft1, rtz #", MAXF, BOX(0x40000000), &fl), MAXF, OF | NX);
    T(FOP2("fmul.s ft2, ft0, ft1, rdn #", MAXF, BOX(0x40000000), &fl), MAXF, OF | NX);
    T(FOP2("fmul.s ft2, ft0, ft1, rup #", BOX(0xff7fffff), BOX(0x40000000), &fl),
      BOX(0xff7fffff), OF | NX);
    T(FOP2("fmul.s ft2, ft0, ft1, rmm #", MAXF, BOX(0x40000000), &fl), PINF, OF | NX);
    /* underflow: the smallest subnormal halved */
    T(FOP2("fmul.s ft2, ft0, ft1, rne #", BOX(1), BOX(0x3f000000), &fl), BOX(0), UF | NX);
    T(FOP2("fmul.s ft2, ft0, ft1, rup #", BOX(1), BOX(0x3f000000), &fl), BOX(1), UF | NX);
    T(FOP2("fmul.s ft2, ft0, ft1, rmm #", BOX(1), BOX(0x3f000000), &fl), BOX(1), UF | NX);
    /* an exact subnormal result is not an underflow */
    T(FOP2("fmul.s ft2, ft0, ft1, rne #", BOX(0x00800000), BOX(0x3f000000), &fl),
      BOX(0x00400000), 0);
    /* sqrt */
    T(FOP1("fsqrt.s ft2, ft0, rne #", BOX(0x40800000), &fl), BOX(0x40000000), 0);
    T(FOP1("fsqrt.s ft2, ft0, rne #", BOX(0x40000000), &fl), BOX(0x3fb504f3), NX);
    T(FOP1("fsqrt.s ft2, ft0, rup #", BOX(0x40000000), &fl), BOX(0x3fb504f4), NX);
    T(FOP1("fsqrt.s ft2, ft0, rne #", BOX(0xbf800000), &fl), QNAN, NV);
    T(FOP1("fsqrt.s ft2, ft0, rne #", BOX(0x80000000), &fl), BOX(0x80000000), 0);
}

static void test_fma(void)
{
    /* (1 + 2^-12)^2 - 1 = 2^-11 + 2^-24 exactly with one rounding; a
     * separate multiply would round the tie 1 + 2^-11 + 2^-24 away. */
    uint64_t a = BOX(0x3f800800);
    T(FOP3("fmadd.s ft2, ft0, ft1, ft3, rne #", a, a, BOX(0xbf800000), &fl),
      BOX(0x3a000400), 0);
    T(FOP3("fmsub.s ft2, ft0, ft1, ft3, rne #", a, a, BOX(ONE), &fl), BOX(0x3a000400), 0);
    T(FOP3("fnmsub.s ft2, ft0, ft1, ft3, rne #", a, a, BOX(ONE), &fl), BOX(0xba000400), 0);
    T(FOP3("fnmadd.s ft2, ft0, ft1, ft3, rne #", a, a, BOX(0xbf800000), &fl),
      BOX(0xba000400), 0);
    T(FOP2("fmul.s ft2, ft0, ft1, rne #", a, a, &fl), BOX(0x3f801000), NX);
    T(FOP3("fmadd.s ft2, ft0, ft1, ft3, rne #", PINF, BOX(0), BOX(ONE), &fl), QNAN, NV);
    T(FOP3("fnmadd.s ft2, ft0, ft1, ft3, rne #", BOX(ONE), BOX(ONE), BOX(ONE), &fl),
      BOX(0xc0000000), 0);
}

static void test_min_max_compare(void)
{
    T(FOP2("fmin.s", QNAN, BOX(ONE), &fl), BOX(ONE), 0);
    T(FOP2("fmax.s", BOX(ONE), QNAN, &fl), BOX(ONE), 0);
    T(FOP2("fmin.s", SNAN, BOX(ONE), &fl), BOX(ONE), NV);
    T(FOP2("fmax.s", QNAN, QNAN, &fl), QNAN, 0);
    T(FOP2("fmin.s", BOX(0), BOX(0x80000000), &fl), BOX(0x80000000), 0);
    T(FOP2("fmax.s", BOX(0x80000000), BOX(0), &fl), BOX(0), 0);
    T(FOP2("fmin.s", NINF, BOX(ONE), &fl), NINF, 0);
    T(FTOX2("feq.s", QNAN, QNAN, &fl), 0, 0);
    T(FTOX2("feq.s", SNAN, BOX(ONE), &fl), 0, NV);
    T(FTOX2("flt.s", QNAN, BOX(ONE), &fl), 0, NV);
    T(FTOX2("fle.s", BOX(ONE), QNAN, &fl), 0, NV);
    T(FTOX2("feq.s", BOX(0), BOX(0x80000000), &fl), 1, 0);
    T(FTOX2("flt.s", BOX(0x80000000), BOX(0), &fl), 0, 0);
    T(FTOX2("fle.s", BOX(0x80000000), BOX(0), &fl), 1, 0);
    T(FTOX2("flt.s", NINF, BOX(0xff7fffff), &fl), 1, 0);
}

static void test_class_sign_box(void)
{
    static const uint32_t v[10] = {
        0xff800000, 0xbf800000, 0x807fffff, 0x80000000, 0x00000000,
        0x00000001, 0x3f800000, 0x7f800000, 0x7f800001, 0x7fc00000,
    };
    for (int i = 0; i < 10; i++) {
        T(FTOX1("fclass.s", BOX(v[i]), &fl), 1u << i, 0);
    }
    T(FOP2("fsgnj.s", BOX(ONE), BOX(0x80000000), &fl), BOX(0xbf800000), 0);
    T(FOP2("fsgnjn.s", BOX(ONE), BOX(0x80000000), &fl), BOX(ONE), 0);
    T(FOP2("fsgnjx.s", BOX(0xbf800000), BOX(0x80000000), &fl), BOX(ONE), 0);
    T(FOP2("fsgnj.s", SNAN, BOX(0x80000000), &fl), BOX(0xff800001), 0);   /* no NV */
    /* NaN boxing (11.2): an unboxed single reads as the canonical NaN */
    T(FOP2("fadd.s ft2, ft0, ft1, rne #", 0x000000003f800000UL, BOX(ONE), &fl), QNAN, 0);
    T(FTOX1("fclass.s", 0x000000003f800000UL, &fl), 1u << 9, 0);
    T(FOP2("fsgnjn.s", 0x123456783f800000UL, BOX(0), &fl), BOX(0xffc00000), 0);
    /* fmv.x.w copies bits and sign-extends; fmv.w.x boxes */
    T(FTOX1("fmv.x.w", 0x12345678bf800000UL, &fl), 0xffffffffbf800000UL, 0);
    T(XTOF("fmv.w.x", 0xabcdef0012345678UL, &fl), BOX(0x12345678), 0);
    /* flw boxes; fsw stores the low 32 bits */
    static volatile uint32_t word = 0x40490fdb;
    uint64_t r;
    __asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(&word) : "ft0");
    CHECK_EQ(r, BOX(0x40490fdb));
    __asm__ volatile("fmv.d.x ft0, %1\n\tfsw ft0, 0(%0)" :: "r"(&word),
                     "r"(0x1111111122222222UL) : "ft0", "memory");
    CHECK_EQ(word, 0x22222222);
}

static void test_to_int(void)
{
    T(FTOX1("fcvt.w.s %0, ft0, rtz #", QNAN, &fl), 0x7fffffff, NV);
    T(FTOX1("fcvt.w.s %0, ft0, rtz #", PINF, &fl), 0x7fffffff, NV);
    T(FTOX1("fcvt.w.s %0, ft0, rtz #", NINF, &fl), 0xffffffff80000000UL, NV);
    T(FTOX1("fcvt.w.s %0, ft0, rtz #", BOX(0x4f000000), &fl), 0x7fffffff, NV);   /* 2^31 */
    T(FTOX1("fcvt.w.s %0, ft0, rtz #", BOX(0xcf000000), &fl), 0xffffffff80000000UL, 0);
    T(FTOX1("fcvt.w.s %0, ft0, rne #", BOX(0x3fc00000), &fl), 2, NX);             /* 1.5 */
    T(FTOX1("fcvt.w.s %0, ft0, rtz #", BOX(0x3fc00000), &fl), 1, NX);
    T(FTOX1("fcvt.w.s %0, ft0, rne #", BOX(0x40200000), &fl), 2, NX);             /* 2.5 */
    T(FTOX1("fcvt.w.s %0, ft0, rmm #", BOX(0x40200000), &fl), 3, NX);
    T(FTOX1("fcvt.w.s %0, ft0, rdn #", BOX(0xbfc00000), &fl), (uint64_t)-2, NX);
    T(FTOX1("fcvt.w.s %0, ft0, rup #", BOX(0xbfc00000), &fl), (uint64_t)-1, NX);
    T(FTOX1("fcvt.wu.s %0, ft0, rtz #", QNAN, &fl), 0xffffffffffffffffUL, NV);
    T(FTOX1("fcvt.wu.s %0, ft0, rtz #", BOX(0xbf800000), &fl), 0, NV);
    T(FTOX1("fcvt.wu.s %0, ft0, rtz #", BOX(0xbf000000), &fl), 0, NX);            /* -0.5 */
    T(FTOX1("fcvt.wu.s %0, ft0, rtz #", BOX(0x4f7fffff), &fl), 0xffffffffffffff00UL, 0);
    T(FTOX1("fcvt.l.s %0, ft0, rtz #", BOX(0x5f000000), &fl), 0x7fffffffffffffffUL, NV);
    T(FTOX1("fcvt.l.s %0, ft0, rtz #", BOX(0xdf000000), &fl), 0x8000000000000000UL, 0);
    T(FTOX1("fcvt.lu.s %0, ft0, rtz #", BOX(0x5f800000), &fl), 0xffffffffffffffffUL, NV);
    T(FTOX1("fcvt.lu.s %0, ft0, rtz #", BOX(0x5f7fffff), &fl), 0xffffff0000000000UL, 0);
    T(FTOX1("fcvt.lu.s %0, ft0, rtz #", NINF, &fl), 0, NV);
}

static void test_from_int(void)
{
    /* 2^24 + 1 is halfway between two singles */
    T(XTOF("fcvt.s.w ft2, %2, rne #", 0x1000001, &fl), BOX(0x4b800000), NX);
    T(XTOF("fcvt.s.w ft2, %2, rmm #", 0x1000001, &fl), BOX(0x4b800001), NX);
    T(XTOF("fcvt.s.w ft2, %2, rup #", 0x1000001, &fl), BOX(0x4b800001), NX);
    T(XTOF("fcvt.s.w ft2, %2, rdn #", (uint64_t)-0x1000001, &fl), BOX(0xcb800001), NX);
    T(XTOF("fcvt.s.w ft2, %2, rne #", 0x1234567800000005UL, &fl), BOX(0x40a00000), 0);
    T(XTOF("fcvt.s.wu ft2, %2, rne #", 0xffffffffUL, &fl), BOX(0x4f800000), NX);
    T(XTOF("fcvt.s.wu ft2, %2, rtz #", 0xffffffffUL, &fl), BOX(0x4f7fffff), NX);
    T(XTOF("fcvt.s.l ft2, %2, rne #", 0x8000000000000000UL, &fl), BOX(0xdf000000), 0);
    T(XTOF("fcvt.s.lu ft2, %2, rne #", 0xffffffffffffffffUL, &fl), BOX(0x5f800000), NX);
    T(XTOF("fcvt.s.lu ft2, %2, rtz #", 0xffffffffffffffffUL, &fl), BOX(0x5f7fffff), NX);
}

int main(void)
{
    test_rounding();
    test_dynamic_rounding();
    test_special();
    test_fma();
    test_min_max_compare();
    test_class_sign_box();
    test_to_int();
    test_from_int();
    return test_result();
}
