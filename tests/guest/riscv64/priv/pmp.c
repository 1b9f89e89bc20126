/*
 * Physical memory protection (privileged spec 1.12 §3.7): NA4, NAPOT and
 * TOR regions, lowest-entry priority, partial matches, S/U vs M, locking.
 * Locked entries stay until reset, so the locking checks come last.
 * (R=0/W=1 being reserved is unit-tested: qemu 7.2 accepts that value.)
 */
#include "priv.h"

static uint8_t region[2][4096] __attribute__((aligned(4096)));
static volatile uintptr_t target;
static volatile uint64_t value;

#define CFG_R 0x01
#define CFG_W 0x02
#define CFG_X 0x04
#define CFG_TOR 0x08
#define CFG_NA4 0x10
#define CFG_NAPOT 0x18
#define CFG_L 0x80

static void s_ld(void)
{
    value = *(volatile uint64_t *)target;
}

static void s_lw(void)
{
    value = *(volatile uint32_t *)target;
}

static void s_sd(void)
{
    *(volatile uint64_t *)target = value;
}

static void set_cfg(int i, uint64_t cfg)
{
    uint64_t mask = 0xffUL << ((i % 8) * 8);
    if (i < 8) {
        csr_clear(pmpcfg0, mask);
        csr_set(pmpcfg0, cfg << ((i % 8) * 8));
    } else {
        csr_clear(pmpcfg2, mask);
        csr_set(pmpcfg2, cfg << ((i % 8) * 8));
    }
}

static void setup(void)
{
    uintptr_t r0 = (uintptr_t)region[0], r1 = (uintptr_t)region[1];

    /* 0: NA4 on the first word of region 0: no access */
    csr_write(pmpaddr0, r0 >> 2);
    /* 1: NAPOT 4K over region 0: read-only */
    csr_write(pmpaddr1, (r0 >> 2) | ((4096 >> 3) - 1));
    /* 2/3: TOR [region 1, region 1 + 4K): read/write */
    csr_write(pmpaddr2, r1 >> 2);
    csr_write(pmpaddr3, (r1 + 4096) >> 2);
    set_cfg(0, CFG_NA4);
    set_cfg(1, CFG_NAPOT | CFG_R);
    set_cfg(2, 0);
    set_cfg(3, CFG_TOR | CFG_R | CFG_W);
    pmp_allow_all();                                   /* 15: everything else */
}

static void s_access(void (*fn)(void), uintptr_t addr)
{
    target = addr;
    priv_call(PRV_S, fn);
}

static void test_regions(void)
{
    uintptr_t r0 = (uintptr_t)region[0], r1 = (uintptr_t)region[1];

    *(volatile uint64_t *)(r0 + 8) = 0x77;
    trap_reset();
    s_access(s_ld, r0 + 8);                            /* entry 1: R */
    CHECK_NO_TRAP();
    CHECK_EQ(value, 0x77);

    trap_reset();
    value = 1;
    s_access(s_sd, r0 + 8);                            /* entry 1: no W */
    CHECK_TRAP(CAUSE_STORE_ACCESS);
    CHECK_EQ(last_trap.tval, r0 + 8);

    trap_reset();
    s_access(s_lw, r0);                                /* entry 0 wins: no R */
    CHECK_TRAP(CAUSE_LOAD_ACCESS);
    CHECK_EQ(last_trap.tval, r0);

    trap_reset();
    s_access(s_lw, r0 + 4);                            /* past the NA4 word */
    CHECK_NO_TRAP();

    trap_reset();
    value = 0x99;
    s_access(s_sd, r1 + 16);                           /* TOR: RW */
    CHECK_NO_TRAP();
    CHECK_EQ(*(volatile uint64_t *)(r1 + 16), 0x99);

    /* M-mode ignores unlocked entries */
    trap_reset();
    *(volatile uint32_t *)r0 = 0x42;
    CHECK_EQ(*(volatile uint32_t *)r0, 0x42);
    *(volatile uint64_t *)(r0 + 8) = 0x78;
    CHECK_NO_TRAP();
}

static void test_locking(void)
{
    uintptr_t r0 = (uintptr_t)region[0], r1 = (uintptr_t)region[1];

    /* A locked entry binds M-mode too and ignores writes */
    set_cfg(0, CFG_NA4 | CFG_L);
    trap_reset();
    value = *(volatile uint32_t *)r0;
    CHECK_TRAP(CAUSE_LOAD_ACCESS);
    set_cfg(0, CFG_NA4 | CFG_R | CFG_W);
    CHECK_EQ(csr_read(pmpcfg0) & 0xff, CFG_NA4 | CFG_L);
    csr_write(pmpaddr0, 0);
    CHECK_EQ(csr_read(pmpaddr0), r0 >> 2);

    /* Locking a TOR entry also locks the address below it */
    set_cfg(3, CFG_TOR | CFG_R | CFG_W | CFG_L);
    csr_write(pmpaddr2, 0);
    CHECK_EQ(csr_read(pmpaddr2), r1 >> 2);
    /* ...and M-mode now gets only what the entry grants (no X is fine) */
    trap_reset();
    *(volatile uint64_t *)(r1 + 24) = 3;
    CHECK_NO_TRAP();
}

int main(void)
{
    setup();
    test_regions();
    test_locking();
    return test_result();
}
