/*
 * A extension (unprivileged spec ch. 8): every AMO in W and D width, and
 * LR/SC including the cases where SC must fail (no reservation, a
 * reservation already consumed, a different address).  Misaligned
 * addresses are in rv64a-misaligned.c.
 */
#include "insn.h"

extern char __scratch_start[];

#define AMO(insn, addr, src) ({                                           \
    uint64_t r_;                                                          \
    __asm__ volatile(insn " %0, %2, (%1)" : "=r"(r_)                       \
                     : "r"(addr), "r"((uint64_t)(src)) : "memory");       \
    r_; })

static void test_amo_d(uint64_t *p)
{
    *p = 10;
    CHECK_EQ(AMO("amoadd.d", p, 5), 10);
    CHECK_EQ(*p, 15);
    CHECK_EQ(AMO("amoswap.d", p, 0x123456789UL), 15);
    CHECK_EQ(*p, 0x123456789UL);
    CHECK_EQ(AMO("amoxor.d", p, 0xff), 0x123456789UL);
    CHECK_EQ(*p, 0x123456776UL);
    CHECK_EQ(AMO("amoand.d", p, 0xf0f), 0x123456776UL);
    CHECK_EQ(*p, 0x706);
    CHECK_EQ(AMO("amoor.d", p, 0x8000000000000000UL), 0x706);
    CHECK_EQ(*p, 0x8000000000000706UL);
    CHECK_EQ(AMO("amomin.d", p, 5), 0x8000000000000706UL);
    CHECK_EQ(*p, 0x8000000000000706UL);     /* negative is smaller */
    CHECK_EQ(AMO("amominu.d", p, 5), 0x8000000000000706UL);
    CHECK_EQ(*p, 5);
    CHECK_EQ(AMO("amomax.d", p, -1), 5);
    CHECK_EQ(*p, 5);
    CHECK_EQ(AMO("amomaxu.d", p, -1), 5);
    CHECK_EQ(*p, 0xffffffffffffffffUL);
    /* rd = x0 still performs the write */
    __asm__ volatile("amoswap.d zero, %1, (%0)" :: "r"(p), "r"(42UL) : "memory");
    CHECK_EQ(*p, 42);
}

static void test_amo_w(uint32_t *p)
{
    p[1] = 0x5a5a5a5a;                      /* the neighbour must not change */
    p[0] = 0x7fffffff;
    CHECK_EQ(AMO("amoadd.w", p, 1), 0x7fffffff);
    CHECK_EQ(p[0], 0x80000000);
    CHECK_EQ(AMO("amoadd.w", p, 0), 0xffffffff80000000UL);   /* old, sign-extended */
    CHECK_EQ(AMO("amomin.w", p, 0xffffffff00000001UL), 0xffffffff80000000UL);
    CHECK_EQ(p[0], 0x80000000);             /* signed 32-bit compare */
    CHECK_EQ(AMO("amomaxu.w", p, 0x1ffffffffUL), 0xffffffff80000000UL);
    CHECK_EQ(p[0], 0xffffffff);             /* unsigned on the low word */
    CHECK_EQ(AMO("amominu.w", p, 0x100000003UL), 0xffffffffffffffffUL);
    CHECK_EQ(p[0], 3);
    CHECK_EQ(AMO("amomax.w", p, 0xfffffffe), 3);
    CHECK_EQ(p[0], 3);
    CHECK_EQ(AMO("amoswap.w", p, 0xabcdef0123456789UL), 3);
    CHECK_EQ(AMO("amoxor.w", p, 0xffffffff), 0x23456789);
    CHECK_EQ(AMO("amoand.w", p, 0xff00ff00), 0xffffffffdcba9876UL);
    CHECK_EQ(AMO("amoor.w", p, 1), 0xffffffffdc009800UL);
    CHECK_EQ(p[0], 0xdc009801);
    CHECK_EQ(p[1], 0x5a5a5a5a);
}

static uint64_t sc_d(uint64_t *p, uint64_t v)
{
    uint64_t r;
    __asm__ volatile("sc.d %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory");
    return r;
}

static uint64_t lr_d(uint64_t *p)
{
    uint64_t r;
    __asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(p) : "memory");
    return r;
}

static void test_lr_sc(uint64_t *p)
{
    uint32_t *w = (uint32_t *)(p + 4);
    uint64_t r;

    p[0] = 100;
    p[1] = 200;
    /* success: lr then sc to the same address */
    CHECK_EQ(lr_d(p), 100);
    CHECK_EQ(sc_d(p, 101), 0);
    CHECK_EQ(p[0], 101);
    /* the reservation is consumed: a second sc fails and writes nothing */
    CHECK(sc_d(p, 102) != 0);
    CHECK_EQ(p[0], 101);
    /* sc to another address than the reserved one fails */
    lr_d(p);
    CHECK(sc_d(p + 1, 999) != 0);
    CHECK_EQ(p[1], 200);
    /* ... and that failed sc also dropped the reservation on p */
    CHECK(sc_d(p, 103) != 0);
    CHECK_EQ(p[0], 101);
    /* the word forms: lr.w sign-extends */
    w[0] = 0xfffffff0;
    __asm__ volatile("lr.w %0, (%1)" : "=r"(r) : "r"(w) : "memory");
    CHECK_EQ(r, 0xfffffffffffffff0UL);
    __asm__ volatile("sc.w %0, %2, (%1)" : "=r"(r) : "r"(w), "r"(0x1234UL) : "memory");
    CHECK_EQ(r, 0);
    CHECK_EQ(w[0], 0x1234);
    /* a classic atomic increment loop */
    p[2] = 0;
    for (int i = 0; i < 50; i++) {
        __asm__ volatile("1: lr.d t0, (%0)\n\taddi t0, t0, 2\n\t"
                         "sc.d t1, t0, (%0)\n\tbnez t1, 1b"
                         :: "r"(p + 2) : "t0", "t1", "memory");
    }
    CHECK_EQ(p[2], 100);
}

int main(void)
{
    uint64_t *p = (uint64_t *)__scratch_start;
    test_amo_d(p);
    test_amo_w((uint32_t *)(p + 2));
    test_lr_sc(p + 8);
    return test_result();
}
