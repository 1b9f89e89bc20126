/* RV64I integer computational instructions (unprivileged spec ch. 2.4, 5.2). */
#include "insn.h"

static void test_reg_reg(void)
{
    CHECK_EQ(RR("add", 1, 2), 3);
    CHECK_EQ(RR("add", 0xffffffffffffffffUL, 1), 0);
    CHECK_EQ(RR("sub", 1, 2), 0xffffffffffffffffUL);
    CHECK_EQ(RR("sub", 0x8000000000000000UL, 1), 0x7fffffffffffffffUL);
    CHECK_EQ(RR("sll", 1, 63), 0x8000000000000000UL);
    CHECK_EQ(RR("sll", 1, 64 + 3), 8);                 /* only rs2[5:0] */
    CHECK_EQ(RR("srl", 0x8000000000000000UL, 63), 1);
    CHECK_EQ(RR("sra", 0x8000000000000000UL, 63), 0xffffffffffffffffUL);
    CHECK_EQ(RR("sra", 0x8000000000000000UL, 128 + 4), 0xf800000000000000UL);
    CHECK_EQ(RR("slt", -1, 0), 1);
    CHECK_EQ(RR("slt", 0, -1), 0);
    CHECK_EQ(RR("sltu", -1, 0), 0);
    CHECK_EQ(RR("sltu", 0, -1), 1);
    CHECK_EQ(RR("xor", 0xff00ff00ff00ff00UL, 0x0ff00ff00ff00ff0UL), 0xf0f0f0f0f0f0f0f0UL);
    CHECK_EQ(RR("or", 0xff00ff00ff00ff00UL, 0x0ff00ff00ff00ff0UL), 0xfff0fff0fff0fff0UL);
    CHECK_EQ(RR("and", 0xff00ff00ff00ff00UL, 0x0ff00ff00ff00ff0UL), 0x0f000f000f000f00UL);
}

static void test_reg_imm(void)
{
    CHECK_EQ(RI("addi", 5, -6), 0xffffffffffffffffUL);
    CHECK_EQ(RI("addi", 0, 2047), 2047);
    CHECK_EQ(RI("addi", 0, -2048), (uint64_t)-2048);
    CHECK_EQ(RI("slti", -5, -4), 1);
    CHECK_EQ(RI("slti", -4, -4), 0);
    CHECK_EQ(RI("sltiu", 5, -1), 1);                   /* imm sign-extends first */
    CHECK_EQ(RI("sltiu", 0, 0), 0);
    CHECK_EQ(RI("xori", 0x1234, -1), ~0x1234UL);       /* xori -1 = not */
    CHECK_EQ(RI("ori", 0x1200, 0x34), 0x1234);
    CHECK_EQ(RI("andi", 0xffffffffffffffffUL, -16), 0xfffffffffffffff0UL);
    CHECK_EQ(RI("slli", 3, 62), 0xc000000000000000UL);
    CHECK_EQ(RI("srli", 0xc000000000000000UL, 62), 3);
    CHECK_EQ(RI("srai", 0xc000000000000000UL, 62), 0xffffffffffffffffUL);
    CHECK_EQ(RI("srai", 0x4000000000000000UL, 0), 0x4000000000000000UL);
}

static void test_word_ops(void)
{
    /* *W forms operate on the low 32 bits and sign-extend the result (5.2). */
    CHECK_EQ(RI("addiw", 0x7fffffff, 1), 0xffffffff80000000UL);
    CHECK_EQ(RI("addiw", 0xffffffff00000001UL, 0), 1);  /* sext.w */
    CHECK_EQ(RR("addw", 0x80000000, 0x80000000), 0);
    CHECK_EQ(RR("subw", 0, 1), 0xffffffffffffffffUL);
    CHECK_EQ(RR("subw", 0x80000000, 1), 0x7fffffff);
    CHECK_EQ(RI("slliw", 1, 31), 0xffffffff80000000UL);
    CHECK_EQ(RI("srliw", 0xffffffff80000000UL, 31), 1);
    CHECK_EQ(RI("srliw", 0x80000000, 0), 0xffffffff80000000UL);
    CHECK_EQ(RI("sraiw", 0x80000000, 4), 0xfffffffff8000000UL);
    CHECK_EQ(RR("sllw", 1, 32 + 31), 0xffffffff80000000UL);  /* rs2[4:0] */
    CHECK_EQ(RR("srlw", 0x80000000, 32 + 31), 1);
    CHECK_EQ(RR("sraw", 0x80000000, 32 + 31), 0xffffffffffffffffUL);
    CHECK_EQ(RR("sraw", 0x0123456780000000UL, 0), 0xffffffff80000000UL);
}

static void test_upper(void)
{
    uint64_t r;
    __asm__ volatile("lui %0, 0x80000" : "=r"(r));
    CHECK_EQ(r, 0xffffffff80000000UL);                 /* lui sign-extends on RV64 */
    __asm__ volatile("lui %0, 0x7ffff" : "=r"(r));
    CHECK_EQ(r, 0x7ffff000);
    uint64_t pc1, pc2;
    __asm__ volatile("1: auipc %0, 0\n\tla %1, 1b" : "=r"(pc1), "=r"(pc2));
    CHECK_EQ(pc1, pc2);
    __asm__ volatile("auipc %0, 0x1\n\tauipc %1, 0" : "=r"(pc1), "=r"(pc2));
    CHECK_EQ(pc1 + 4 - 0x1000, pc2);
    __asm__ volatile("auipc %0, 0xfffff\n\tauipc %1, 0" : "=r"(pc1), "=r"(pc2));
    CHECK_EQ(pc1 + 4 + 0x1000, pc2);                   /* negative offset */
}

static void test_x0(void)
{
    uint64_t r;
    /* Writes to x0 are discarded; x0 reads as zero. */
    __asm__ volatile("li t0, 5\n\taddi x0, t0, 1\n\tadd %0, x0, x0" : "=r"(r) :: "t0");
    CHECK_EQ(r, 0);
    __asm__ volatile("lui x0, 0x12345\n\tmv %0, x0" : "=r"(r));
    CHECK_EQ(r, 0);
}

int main(void)
{
    test_reg_reg();
    test_reg_imm();
    test_word_ops();
    test_upper();
    test_x0();
    return test_result();
}
