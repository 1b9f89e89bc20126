/* M extension (unprivileged spec ch. 13), including the division corner
 * cases of table 13.1 (divide by zero, overflow). */
#include "insn.h"

#define MIN64 0x8000000000000000UL
#define MIN32 0xffffffff80000000UL

int main(void)
{
    CHECK_EQ(RR("mul", 7, -3), (uint64_t)-21);
    CHECK_EQ(RR("mul", 0x100000000UL, 0x100000000UL), 0);
    CHECK_EQ(RR("mulh", -1, -1), 0);
    CHECK_EQ(RR("mulh", MIN64, MIN64), 0x4000000000000000UL);
    CHECK_EQ(RR("mulh", MIN64, 2), 0xffffffffffffffffUL);
    CHECK_EQ(RR("mulhu", -1, -1), 0xfffffffffffffffeUL);
    CHECK_EQ(RR("mulhu", MIN64, 2), 1);
    CHECK_EQ(RR("mulhsu", -1, -1), 0xffffffffffffffffUL);  /* -1 * (2^64-1) */
    CHECK_EQ(RR("mulhsu", 2, -1), 1);
    CHECK_EQ(RR("mulhsu", MIN64, MIN64), 0xc000000000000000UL);
    CHECK_EQ(RR("mulw", 0x7fffffff, 2), 0xfffffffffffffffeUL);
    CHECK_EQ(RR("mulw", 0x123456789UL, 1), 0x23456789);

    CHECK_EQ(RR("div", -7, 2), (uint64_t)-3);       /* rounds toward zero */
    CHECK_EQ(RR("rem", -7, 2), (uint64_t)-1);       /* sign of the dividend */
    CHECK_EQ(RR("divu", -7, 2), 0x7ffffffffffffffcUL);
    CHECK_EQ(RR("remu", -7, 2), 1);
    /* table 13.1: division by zero */
    CHECK_EQ(RR("div", 5, 0), (uint64_t)-1);
    CHECK_EQ(RR("divu", 5, 0), 0xffffffffffffffffUL);
    CHECK_EQ(RR("rem", 5, 0), 5);
    CHECK_EQ(RR("remu", -5, 0), (uint64_t)-5);
    /* overflow */
    CHECK_EQ(RR("div", MIN64, -1), MIN64);
    CHECK_EQ(RR("rem", MIN64, -1), 0);
    /* word forms: 32-bit operands, sign-extended results */
    CHECK_EQ(RR("divw", 0xffffffff00000007UL, 0x2), 3);
    CHECK_EQ(RR("divw", MIN32, -1), MIN32);
    CHECK_EQ(RR("remw", MIN32, -1), 0);
    CHECK_EQ(RR("divw", 9, 0), (uint64_t)-1);
    CHECK_EQ(RR("remw", 0x1fffffff9UL, 0), (uint64_t)-7);
    CHECK_EQ(RR("divuw", 0xffffffffUL, 1), 0xffffffffffffffffUL);
    CHECK_EQ(RR("divuw", 0x80000000, 0), 0xffffffffffffffffUL);
    CHECK_EQ(RR("remuw", 0x80000005UL, 0), 0xffffffff80000005UL);
    CHECK_EQ(RR("remuw", 0x10000000fUL, 4), 3);
    return test_result();
}
