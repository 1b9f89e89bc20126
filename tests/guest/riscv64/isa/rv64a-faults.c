/*
 * AMO and SC faults are store/AMO faults (privileged spec 3.1.15): an AMO
 * to a location that may be neither read nor written raises a store/AMO
 * access fault (cause 7), not a load access fault, even though an AMO
 * reads before it writes; an AMO to a read-only location raises it too
 * and leaves memory and rd unchanged.  A locked PMP entry (3.7.1) makes
 * the rules apply to M-mode; it stays locked until reset, so this program
 * keeps to itself.
 *
 * Known peer deviation: QEMU 7.2 reports the AMO to the no-access region
 * as a load access fault (cause 5), so this program fails there by design.
 */
#include "insn.h"

extern char __scratch_start[];

static volatile uint64_t t_cause, t_tval, t_count;

uintptr_t handle_trap(TrapFrame *tf)
{
    t_count++;
    t_cause = tf->mcause;
    t_tval = tf->mtval;
    return tf->mepc + 4;
}

#define PMP_R 0x01
#define PMP_NAPOT 0x18
#define PMP_L 0x80

/* NAPOT pmpaddr for a 4 KiB region at base */
static uint64_t napot_4k(uint64_t base)
{
    return (base >> 2) | ((4096 >> 3) - 1);
}

int main(void)
{
    uint64_t *ro = (uint64_t *)(__scratch_start + 4096);
    uint64_t *none = (uint64_t *)(__scratch_start + 8192);
    uint64_t r = 0x55;

    ro[0] = 1234;
    none[0] = 5678;
    /* entry 0: read-only, entry 1: no access, entry 2: everything else */
    csr_write(pmpaddr0, napot_4k((uint64_t)ro));
    csr_write(pmpaddr1, napot_4k((uint64_t)none));
    csr_write(pmpaddr2, ~0UL);
    csr_write(pmpcfg0, (uint64_t)(PMP_L | PMP_NAPOT | PMP_R) |
                       (uint64_t)(PMP_L | PMP_NAPOT) << 8 |
                       (uint64_t)(PMP_NAPOT | 0x7) << 16);

    CHECK_EQ(ro[0], 1234);                       /* reads are allowed */
    __asm__ volatile("amoadd.d %0, %2, (%1)" : "+r"(r) : "r"(ro), "r"(1UL) : "memory");
    CHECK_EQ(t_count, 1);
    CHECK_EQ(t_cause, CAUSE_STORE_ACCESS);
    CHECK_EQ(t_tval, (uint64_t)ro);
    CHECK_EQ(r, 0x55);
    CHECK_EQ(ro[0], 1234);
    __asm__ volatile("amoswap.w %0, %2, (%1)" : "+r"(r) : "r"(none), "r"(1UL) : "memory");
    CHECK_EQ(t_count, 2);
    CHECK_EQ(t_cause, CAUSE_STORE_ACCESS);       /* not a load access fault */
    CHECK_EQ(t_tval, (uint64_t)none);
    CHECK_EQ(r, 0x55);
    __asm__ volatile("ld %0, 0(%1)" : "+r"(r) : "r"(none) : "memory");
    CHECK_EQ(t_count, 3);
    CHECK_EQ(t_cause, CAUSE_LOAD_ACCESS);        /* a plain load is a load fault */
    CHECK_EQ(r, 0x55);
    return test_result();
}
