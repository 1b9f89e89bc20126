/* RV64I control transfer (unprivileged spec 2.5): branches, jal, jalr. */
#include "insn.h"

#define BR(insn, a, b) ({                                                 \
    uint64_t t_;                                                          \
    __asm__ volatile("li %0, 1\n\t" insn " %1, %2, 1f\n\tli %0, 0\n1:"      \
                     : "=&r"(t_) : "r"((uint64_t)(a)), "r"((uint64_t)(b))); \
    t_; })

static void test_branches(void)
{
    CHECK_EQ(BR("beq", 5, 5), 1);
    CHECK_EQ(BR("beq", 5, 6), 0);
    CHECK_EQ(BR("bne", 5, 6), 1);
    CHECK_EQ(BR("bne", -1, -1), 0);
    CHECK_EQ(BR("blt", -1, 0), 1);          /* signed */
    CHECK_EQ(BR("blt", 0, -1), 0);
    CHECK_EQ(BR("blt", 3, 3), 0);
    CHECK_EQ(BR("bge", 3, 3), 1);
    CHECK_EQ(BR("bge", 0x8000000000000000UL, 0), 0);
    CHECK_EQ(BR("bltu", 0, -1), 1);         /* unsigned */
    CHECK_EQ(BR("bltu", -1, 0), 0);
    CHECK_EQ(BR("bgeu", -1, 0), 1);
    CHECK_EQ(BR("bgeu", 7, 7), 1);
    CHECK_EQ(BR("bgeu", 6, 7), 0);
}

static void test_backward_loop(void)
{
    uint64_t n = 0, i = 100;
    /* a backward branch (negative B offset) that runs 100 times */
    __asm__ volatile("1: addi %0, %0, 3\n\taddi %1, %1, -1\n\tbnez %1, 1b"
                     : "+r"(n), "+r"(i));
    CHECK_EQ(n, 300);
    CHECK_EQ(i, 0);
}

static void test_jal_jalr(void)
{
    uint64_t link, target, r;
    __asm__ volatile("jal %0, 1f\n2:\n\tnop\n1:\n\tla %1, 2b"
                     : "=r"(link), "=r"(target));
    CHECK_EQ(link, target);                 /* rd = pc + 4 */
    /* jalr clears bit 0 of the target and rd may equal rs1 */
    __asm__ volatile("la t0, 1f\n\taddi t0, t0, 1\n\tjalr t0, 0(t0)\n\t"
                     "li %0, 99\n\tj 2f\n1:\n\tli %0, 7\n2:"
                     : "=r"(r) :: "t0");
    CHECK_EQ(r, 7);
    /* negative jalr offset */
    __asm__ volatile("la t0, 1f + 16\n\tjalr zero, -16(t0)\n\tli %0, 98\n\tj 2f\n"
                     "1:\n\tli %0, 8\n2:" : "=r"(r) :: "t0");
    CHECK_EQ(r, 8);
    /* jal backwards: call a local "function" placed before */
    __asm__ volatile("j 3f\n1:\n\taddi %0, %0, 5\n\tret\n3:\n\tli %0, 1\n\t"
                     "jal ra, 1b\n\tjal ra, 1b" : "=&r"(r) :: "ra");
    CHECK_EQ(r, 11);
}

static int fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
    test_branches();
    test_backward_loop();
    test_jal_jalr();
    CHECK_EQ(fib(20), 6765);               /* deep call/return chains */
    return test_result();
}
