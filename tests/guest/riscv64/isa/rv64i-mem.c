/*
 * RV64I loads and stores (2.6, 5.3): every width and extension, negative
 * offsets, misaligned accesses (emulated by the hart: they must just work)
 * including ones that cross a page boundary, and x0 as destination.
 */
#include "insn.h"

extern char __scratch_start[];

#define LD(insn, base, off) ({                                            \
    uint64_t r_;                                                          \
    __asm__ volatile(insn " %0, " #off "(%1)" : "=r"(r_) : "r"(base) : "memory"); \
    r_; })
#define ST(insn, val, base, off)                                          \
    __asm__ volatile(insn " %0, " #off "(%1)" :: "r"((uint64_t)(val)), "r"(base) : "memory")

static void test_aligned(uint8_t *m)
{
    for (int i = 0; i < 16; i++) {
        m[i] = (uint8_t)(0xf0 + i);
    }
    CHECK_EQ(LD("lb", m, 0), 0xfffffffffffffff0UL);
    CHECK_EQ(LD("lbu", m, 0), 0xf0);
    CHECK_EQ(LD("lh", m, 2), 0xfffffffffffff3f2UL);
    CHECK_EQ(LD("lhu", m, 2), 0xf3f2);
    CHECK_EQ(LD("lw", m, 4), 0xfffffffff7f6f5f4UL);
    CHECK_EQ(LD("lwu", m, 4), 0xf7f6f5f4UL);
    CHECK_EQ(LD("ld", m, 8), 0xfffefdfcfbfaf9f8UL);
    CHECK_EQ(LD("lb", m + 8, -8), 0xfffffffffffffff0UL);   /* negative offset */
    ST("sb", 0x1234, m, 0);
    CHECK_EQ(m[0], 0x34);
    CHECK_EQ(m[1], 0xf1);                    /* neighbours untouched */
    ST("sh", 0xabcd1234, m, 2);
    CHECK_EQ(LD("lhu", m, 2), 0x1234);
    CHECK_EQ(m[4], 0xf4);
    ST("sw", 0x1122334455667788UL, m, 4);
    CHECK_EQ(LD("lwu", m, 4), 0x55667788);
    CHECK_EQ(m[8], 0xf8);
    ST("sd", 0x0102030405060708UL, m + 16, -8);
    CHECK_EQ(LD("ld", m, 8), 0x0102030405060708UL);
}

static void test_misaligned(uint8_t *m)
{
    for (int i = 0; i < 32; i++) {
        m[i] = (uint8_t)i;
    }
    CHECK_EQ(LD("lh", m, 1), 0x0201);
    CHECK_EQ(LD("lw", m, 3), 0x06050403);
    CHECK_EQ(LD("lwu", m, 5), 0x08070605);
    CHECK_EQ(LD("ld", m, 7), 0x0e0d0c0b0a090807UL);
    ST("sd", 0x8877665544332211UL, m, 9);
    CHECK_EQ(m[8], 8);
    CHECK_EQ(m[9], 0x11);
    CHECK_EQ(m[16], 0x88);
    CHECK_EQ(m[17], 17);
    ST("sw", 0xdeadbeef, m, 21);
    CHECK_EQ(LD("lw", m, 21), 0xffffffffdeadbeefUL);
    ST("sh", 0xcafe, m, 27);
    CHECK_EQ(LD("lhu", m, 27), 0xcafe);
}

static void test_page_crossing(uint8_t *page_end)
{
    /* 8 bytes straddling a 4 KiB boundary: 3 on one page, 5 on the next */
    uint8_t *p = page_end - 3;
    ST("sd", 0xa1a2a3a4a5a6a7a8UL, p, 0);
    CHECK_EQ(LD("ld", p, 0), 0xa1a2a3a4a5a6a7a8UL);
    CHECK_EQ(page_end[-1], 0xa6);
    CHECK_EQ(page_end[0], 0xa5);
    CHECK_EQ(LD("lw", page_end - 1, 0), 0xffffffffa3a4a5a6UL);
}

static void test_x0_dest(uint8_t *m)
{
    uint64_t r;
    m[0] = 0x55;
    __asm__ volatile("lb x0, 0(%1)\n\tmv %0, x0" : "=r"(r) : "r"(m) : "memory");
    CHECK_EQ(r, 0);
}

int main(void)
{
    uint8_t *m = (uint8_t *)__scratch_start;
    test_aligned(m);
    test_misaligned(m + 64);
    test_page_crossing(m + 4096);
    test_x0_dest(m + 128);
    return test_result();
}
