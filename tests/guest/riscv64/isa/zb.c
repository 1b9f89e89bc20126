/* Zba, Zbb, Zbs (bit-manipulation 1.0.0, ch. 2). */
#include "insn.h"

static void test_zba(void)
{
    CHECK_EQ(RR("sh1add", 3, 100), 106);
    CHECK_EQ(RR("sh2add", 3, 100), 112);
    CHECK_EQ(RR("sh3add", -1, 0), (uint64_t)-8);
    CHECK_EQ(RR("add.uw", 0xffffffff80000000UL, 1), 0x80000001UL);
    CHECK_EQ(RR("sh1add.uw", 0xffffffff80000000UL, 0), 0x100000000UL);
    CHECK_EQ(RR("sh2add.uw", 0x1ffffffffUL, 4), 0x400000000UL);
    CHECK_EQ(RR("sh3add.uw", 0x100000001UL, 0), 8);
    CHECK_EQ(RI("slli.uw", 0xffffffff80000001UL, 4), 0x800000010UL);
    CHECK_EQ(RI("slli.uw", 0xffffffffffffffffUL, 40), 0xffffff0000000000UL);
}

static void test_zbb(void)
{
    CHECK_EQ(RR("andn", 0xff, 0x0f), 0xf0);
    CHECK_EQ(RR("orn", 0, 0xfffffffffffffff0UL), 0xf);
    CHECK_EQ(RR("xnor", 0xff, 0x0f), 0xffffffffffffff0fUL);
    CHECK_EQ(R1("clz", 0), 64);
    CHECK_EQ(R1("clz", 1), 63);
    CHECK_EQ(R1("clz", 0x8000000000000000UL), 0);
    CHECK_EQ(R1("clzw", 0xffffffff00000000UL), 32);
    CHECK_EQ(R1("clzw", 0x00010000), 15);
    CHECK_EQ(R1("ctz", 0), 64);
    CHECK_EQ(R1("ctz", 0x8000000000000000UL), 63);
    CHECK_EQ(R1("ctzw", 0xffffffff00000000UL), 32);
    CHECK_EQ(R1("ctzw", 0x80000000), 31);
    CHECK_EQ(R1("cpop", 0xffffffffffffffffUL), 64);
    CHECK_EQ(R1("cpop", 0x8000000000000001UL), 2);
    CHECK_EQ(R1("cpopw", 0xffffffff0000000fUL), 4);
    CHECK_EQ(RR("max", -1, 1), 1);
    CHECK_EQ(RR("maxu", -1, 1), (uint64_t)-1);
    CHECK_EQ(RR("min", -1, 1), (uint64_t)-1);
    CHECK_EQ(RR("minu", -1, 1), 1);
    CHECK_EQ(R1("sext.b", 0x80), 0xffffffffffffff80UL);
    CHECK_EQ(R1("sext.b", 0x17f), 0x7f);
    CHECK_EQ(R1("sext.h", 0x8000), 0xffffffffffff8000UL);
    CHECK_EQ(R1("zext.h", 0xffffffffffff8001UL), 0x8001);
    CHECK_EQ(RR("rol", 0x8000000000000001UL, 1), 3);
    CHECK_EQ(RR("rol", 1, 64 + 4), 16);
    CHECK_EQ(RR("ror", 1, 1), 0x8000000000000000UL);
    CHECK_EQ(RI("rori", 0x12, 4), 0x2000000000000001UL);
    CHECK_EQ(RR("rolw", 0x80000001, 1), 3);
    CHECK_EQ(RR("rolw", 0x40000000, 1), 0xffffffff80000000UL);
    CHECK_EQ(RR("rorw", 1, 1), 0xffffffff80000000UL);
    CHECK_EQ(RR("rorw", 0xffffffff00000010UL, 36), 1);
    CHECK_EQ(RI("roriw", 0x00000012, 4), 0x20000001);
    CHECK_EQ(RI("roriw", 0x1, 0), 1);
    CHECK_EQ(R1("orc.b", 0x0100ff0000800010UL), 0xff00ff0000ff00ffUL);
    CHECK_EQ(R1("orc.b", 0), 0);
    CHECK_EQ(R1("rev8", 0x0102030405060708UL), 0x0807060504030201UL);
}

static void test_zbs(void)
{
    CHECK_EQ(RR("bclr", -1, 63), 0x7fffffffffffffffUL);
    CHECK_EQ(RR("bclr", -1, 64 + 1), 0xfffffffffffffffdUL);   /* index mod 64 */
    CHECK_EQ(RI("bclri", -1, 0), 0xfffffffffffffffeUL);
    CHECK_EQ(RR("bset", 0, 40), 0x10000000000UL);
    CHECK_EQ(RI("bseti", 0, 63), 0x8000000000000000UL);
    CHECK_EQ(RR("binv", 0xff, 0), 0xfe);
    CHECK_EQ(RI("binvi", 0, 32), 0x100000000UL);
    CHECK_EQ(RR("bext", 0x8000000000000000UL, 63), 1);
    CHECK_EQ(RR("bext", 0x8000000000000000UL, 62), 0);
    CHECK_EQ(RI("bexti", 0x10, 4), 1);
}

int main(void)
{
    test_zba();
    test_zbb();
    test_zbs();
    return test_result();
}
