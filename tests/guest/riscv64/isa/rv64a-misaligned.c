/*
 * Misaligned LR/SC/AMO (unprivileged spec 8.2, 8.4): LR raises load
 * address-misaligned; SC and the AMOs are stores for exception purposes
 * (privileged spec 3.1.15: "Store/AMO address misaligned", cause 6), and
 * SC raises it even without a reservation.  rd is not written.
 *
 * Known peer deviation: QEMU 7.2 reports AMOs as load-misaligned (cause 4)
 * and lets a misaligned SC without reservation fail silently, so this
 * program fails on qemu-system-riscv64 7.2 by design.
 */
#include "insn.h"

extern char __scratch_start[];

static volatile uint64_t trap_cause, trap_tval, traps;

uintptr_t handle_trap(TrapFrame *tf)
{
    traps++;
    trap_cause = tf->mcause;
    trap_tval = tf->mtval;
    return tf->mepc + 4;                    /* all faulting insns here are 32-bit */
}

static void test_misaligned(uint8_t *m)
{
    uint64_t r = 0x77;
    traps = 0;
    __asm__ volatile("amoadd.w %0, %2, (%1)" : "+r"(r) : "r"(m + 2), "r"(1UL) : "memory");
    CHECK_EQ(traps, 1);
    CHECK_EQ(trap_cause, CAUSE_MISALIGNED_STORE);
    CHECK_EQ(trap_tval, (uint64_t)(m + 2));
    CHECK_EQ(r, 0x77);                      /* rd not written */
    __asm__ volatile("amoswap.d %0, %2, (%1)" : "+r"(r) : "r"(m + 4), "r"(1UL) : "memory");
    CHECK_EQ(traps, 2);
    CHECK_EQ(trap_cause, CAUSE_MISALIGNED_STORE);
    __asm__ volatile("lr.d %0, (%1)" : "+r"(r) : "r"(m + 1) : "memory");
    CHECK_EQ(traps, 3);
    CHECK_EQ(trap_cause, CAUSE_MISALIGNED_LOAD);
    __asm__ volatile("sc.w %0, %2, (%1)" : "+r"(r) : "r"(m + 1), "r"(1UL) : "memory");
    CHECK_EQ(traps, 4);
    CHECK_EQ(trap_cause, CAUSE_MISALIGNED_STORE);
    CHECK_EQ(trap_tval, (uint64_t)(m + 1));
}

int main(void)
{
    test_misaligned((uint8_t *)__scratch_start + 256);
    return test_result();
}
