/*
 * Fused multiply-add with infinity times zero (unprivileged spec 11.6):
 * "The fused multiply-add instructions must set the invalid operation
 * exception flag when the multiplicands are infinity and zero, even when
 * the addend is a quiet NaN."  (x86's FMA does not: fpu_helper.c adds it.)
 */
#include "fp.h"

int main(void)
{
    T(FOP3("fmadd.d ft2, ft0, ft1, ft3, rne #", 0x7ff0000000000000UL, 0,
           0x7ff8000000000000UL, &fl), 0x7ff8000000000000UL, FFLAG_NV);
    T(FOP3("fnmsub.d ft2, ft0, ft1, ft3, rne #", 0, 0xfff0000000000000UL,
           0x7ff8000000000000UL, &fl), 0x7ff8000000000000UL, FFLAG_NV);
    T(FOP3("fmadd.s ft2, ft0, ft1, ft3, rne #", BOX(0x7f800000), BOX(0), BOX(0x7fc00000), &fl),
      BOX(0x7fc00000), FFLAG_NV);
    T(FOP3("fmsub.s ft2, ft0, ft1, ft3, rmm #", BOX(0), BOX(0xff800000), BOX(0x7fc00000), &fl),
      BOX(0x7fc00000), FFLAG_NV);
    /* a NaN multiplicand is NaN propagation: quiet, no NV */
    T(FOP3("fmadd.d ft2, ft0, ft1, ft3, rne #", 0x7ff8000000000000UL, 0,
           0x7ff8000000000000UL, &fl), 0x7ff8000000000000UL, 0);
    return test_result();
}
