/*
 * C extension (unprivileged spec ch. 16): each compressed instruction run
 * explicitly (c.* mnemonics force the 16-bit encoding), checked against
 * the result its 32-bit expansion defines.
 */
#include "insn.h"

extern char __scratch_start[];

static void test_alu(void)
{
    uint64_t r;
    __asm__ volatile("c.li %0, -32" : "=r"(r));
    CHECK_EQ(r, (uint64_t)-32);
    __asm__ volatile("c.li %0, 31\n\tc.addi %0, -1" : "=r"(r));
    CHECK_EQ(r, 30);
    __asm__ volatile("c.lui %0, 0xfffe0" : "=r"(r));
    CHECK_EQ(r, 0xfffffffffffe0000UL);           /* nzimm[17] sign-extends */
    __asm__ volatile("c.lui %0, 1" : "=r"(r));
    CHECK_EQ(r, 0x1000);
    r = 0x7fffffff;
    __asm__ volatile("c.addiw %0, 1" : "+r"(r));
    CHECK_EQ(r, 0xffffffff80000000UL);
    r = 0x8000000000000001UL;
    __asm__ volatile("c.srli %0, 63" : "+r"(r));   /* rd' = x8..x15 */
    CHECK_EQ(r, 1);
    r = 0x8000000000000000UL;
    __asm__ volatile("c.srai %0, 32" : "+r"(r));
    CHECK_EQ(r, 0xffffffff80000000UL);
    r = 0xff;
    __asm__ volatile("c.andi %0, -16" : "+r"(r));
    CHECK_EQ(r, 0xf0);
    r = 3;
    __asm__ volatile("c.slli %0, 62" : "+r"(r));
    CHECK_EQ(r, 0xc000000000000000UL);
    uint64_t a = 10, b = 3;
    __asm__ volatile("c.sub %0, %1" : "+r"(a) : "r"(b));
    CHECK_EQ(a, 7);
    __asm__ volatile("c.xor %0, %1" : "+r"(a) : "r"(b));
    CHECK_EQ(a, 4);
    __asm__ volatile("c.or %0, %1" : "+r"(a) : "r"(b));
    CHECK_EQ(a, 7);
    __asm__ volatile("c.and %0, %1" : "+r"(a) : "r"(b));
    CHECK_EQ(a, 3);
    a = 0x80000000;
    b = 1;
    __asm__ volatile("c.subw %0, %1" : "+r"(a) : "r"(b));
    CHECK_EQ(a, 0x7fffffff);
    __asm__ volatile("c.addw %0, %1" : "+r"(a) : "r"(b));
    CHECK_EQ(a, 0xffffffff80000000UL);
    __asm__ volatile("c.mv %0, %1" : "=r"(r) : "r"(0x1234UL));
    CHECK_EQ(r, 0x1234);
    r = 5;
    __asm__ volatile("c.add %0, %1" : "+r"(r) : "r"(0x10UL));
    CHECK_EQ(r, 0x15);
    /* stack-pointer forms: adjust sp and restore it */
    __asm__ volatile("mv t0, sp\n\tc.addi16sp sp, -64\n\tsub %0, t0, sp\n\t"
                     "c.addi16sp sp, 64" : "=r"(r) :: "t0", "memory");
    CHECK_EQ(r, 64);
    __asm__ volatile("c.addi4spn %0, sp, 1020\n\tsub %0, %0, sp" : "=r"(r));
    CHECK_EQ(r, 1020);
}

static void test_mem(uint64_t *m)
{
    uint64_t r;
    m[0] = 0x1122334455667788UL;
    m[1] = 0;
    __asm__ volatile("c.ld %0, 0(%1)" : "=r"(r) : "r"(m) : "memory");
    CHECK_EQ(r, 0x1122334455667788UL);
    __asm__ volatile("c.lw %0, 4(%1)" : "=r"(r) : "r"(m) : "memory");
    CHECK_EQ(r, 0x11223344);
    __asm__ volatile("c.lw %0, 0(%1)" : "=r"(r) : "r"(m) : "memory");
    CHECK_EQ(r, 0x55667788);
    m[2] = 0x00000000ffffffffUL;
    __asm__ volatile("c.lw %0, 16(%1)" : "=r"(r) : "r"(m) : "memory");
    CHECK_EQ(r, 0xffffffffffffffffUL);           /* lw sign-extends */
    __asm__ volatile("c.sd %0, 8(%1)" :: "r"(0xabcdUL), "r"(m) : "memory");
    CHECK_EQ(m[1], 0xabcd);
    __asm__ volatile("c.sw %0, 12(%1)" :: "r"(0xffffffff00001111UL), "r"(m) : "memory");
    CHECK_EQ(m[1], 0x000011110000abcdUL);
    /* sp-relative forms on a frame we make */
    __asm__ volatile("addi sp, sp, -32\n\tli t0, 0x5555\n\tc.sdsp t0, 8(sp)\n\t"
                     "c.swsp t0, 16(sp)\n\tc.ldsp %0, 8(sp)\n\tc.lwsp t1, 16(sp)\n\t"
                     "add %0, %0, t1\n\taddi sp, sp, 32" : "=r"(r) :: "t0", "t1", "memory");
    CHECK_EQ(r, 0xaaaa);
    double d;
    uint64_t bits;
    m[3] = 0x400921fb54442d18UL;
    __asm__ volatile("c.fld %0, 24(%1)" : "=f"(d) : "r"(m) : "memory");
    __asm__ volatile("c.fsd %0, 32(%1)" :: "f"(d), "r"(m) : "memory");
    CHECK_EQ(m[4], 0x400921fb54442d18UL);
    __asm__ volatile("addi sp, sp, -16\n\tc.fsdsp %1, 0(sp)\n\tc.fldsp ft0, 0(sp)\n\t"
                     "fmv.x.d %0, ft0\n\taddi sp, sp, 16"
                     : "=r"(bits) : "f"(d) : "ft0", "memory");
    CHECK_EQ(bits, 0x400921fb54442d18UL);
}

static void test_control(void)
{
    uint64_t r = 0, link, target;
    __asm__ volatile("c.j 1f\n\tli %0, 1\n1:" : "+r"(r));
    CHECK_EQ(r, 0);
    uint64_t z = 0;
    __asm__ volatile("li %0, 1\n\tc.beqz %1, 1f\n\tli %0, 2\n1:" : "=&r"(r) : "r"(z));
    CHECK_EQ(r, 1);
    __asm__ volatile("li %0, 1\n\tc.bnez %1, 1f\n\tli %0, 2\n1:" : "=&r"(r) : "r"(z));
    CHECK_EQ(r, 2);
    /* a backward c.bnez loop */
    uint64_t n = 10;
    r = 0;
    __asm__ volatile("1: c.addi %0, 2\n\tc.addi %1, -1\n\tc.bnez %1, 1b"
                     : "+r"(r), "+r"(n));
    CHECK_EQ(r, 20);
    /* c.jalr links pc + 2; c.jr jumps */
    __asm__ volatile("la t0, 1f\n\tc.jalr t0\n2:\tj 3f\n1:\tla %1, 2b\n\tmv %0, ra\n\tc.jr ra\n3:"
                     : "=&r"(link), "=&r"(target) :: "t0", "ra");
    CHECK_EQ(link, target);
}

int main(void)
{
    test_alu();
    test_mem((uint64_t *)__scratch_start);
    test_control();
    return test_result();
}
