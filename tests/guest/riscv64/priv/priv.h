/*
 * Helpers of the privileged-architecture guest tests (privileged spec 1.12):
 * running a function in S- or U-mode, recording traps, and the virt
 * machine's CLINT.  Every test in this folder includes it; each test is
 * its own program, so the definitions here are per program.
 *
 * priv_call(mode, fn) enters fn in `mode` with mret; when fn returns, a stub
 * executes "unimp" (csrrw x0, cycle, x0: illegal in every mode, and never
 * delegated by these tests), and the M-mode trap handler recognises the
 * stub's pc and resumes after priv_call in M-mode.  Any other trap is recorded in
 * `last_trap` and, unless the test set trap_resume, execution continues
 * after the faulting instruction.
 */
#ifndef GUEST_RISCV64_PRIV_H
#define GUEST_RISCV64_PRIV_H

#include "test.h"

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define MSTATUS_SIE (1UL << 1)
#define MSTATUS_MIE (1UL << 3)
#define MSTATUS_SPIE (1UL << 5)
#define MSTATUS_MPIE (1UL << 7)
#define MSTATUS_SPP (1UL << 8)
#define MSTATUS_MPP (3UL << 11)
#define MSTATUS_FS (3UL << 13)
#define MSTATUS_MPRV (1UL << 17)
#define MSTATUS_SUM (1UL << 18)
#define MSTATUS_MXR (1UL << 19)
#define MSTATUS_TVM (1UL << 20)
#define MSTATUS_TW (1UL << 21)
#define MSTATUS_TSR (1UL << 22)

#define MIP_SSIP (1UL << 1)
#define MIP_MSIP (1UL << 3)
#define MIP_STIP (1UL << 5)
#define MIP_MTIP (1UL << 7)
#define MIP_SEIP (1UL << 9)
#define MIP_MEIP (1UL << 11)

/* virt machine CLINT (SiFive layout) */
#define CLINT_MSIP 0x2000000UL
#define CLINT_MTIMECMP 0x2004000UL
#define CLINT_MTIME 0x200bff8UL

typedef struct TrapRecord {
    uint64_t cause, epc, tval;
    uint64_t mstatus;            /* at handler entry (MPP, MPIE ...) */
    unsigned count;
} TrapRecord;

static volatile TrapRecord last_trap;
/* Nonzero: resume there instead of after the faulting instruction. */
static volatile uintptr_t trap_resume;
/* Nonzero: resume at the trapping code's ra (after a call to a bad pc). */
static volatile int trap_resume_ra;
/* Optional: a test's handler for interrupts (must quiet the source). */
static void (*volatile irq_hook)(uint64_t cause);

void priv_call(int mode, void (*fn)(void));
extern char priv_exit_stub[], priv_return[];

/*
 * mstatus.MPP = mode; mepc = fn; ra = the stub; mret.  Callee-saved
 * registers and sp are kept on the M-mode stack and restored on return.
 */
__asm__(
    "    .text\n"
    "    .balign 4\n"
    "    .globl priv_call\n"
    "priv_call:\n"
    "    addi sp, sp, -112\n"
    "    sd ra, 0(sp)\n  sd s0, 8(sp)\n  sd s1, 16(sp)\n  sd s2, 24(sp)\n"
    "    sd s3, 32(sp)\n  sd s4, 40(sp)\n  sd s5, 48(sp)\n  sd s6, 56(sp)\n"
    "    sd s7, 64(sp)\n  sd s8, 72(sp)\n  sd s9, 80(sp)\n  sd s10, 88(sp)\n"
    "    sd s11, 96(sp)\n"
    "    la t0, priv_saved_sp\n"
    "    sd sp, 0(t0)\n"
    "    li t0, 0x1800\n"
    "    csrc mstatus, t0\n"
    "    slli t1, a0, 11\n"
    "    csrs mstatus, t1\n"
    "    csrw mepc, a1\n"
    "    la ra, priv_exit_stub\n"
    "    mret\n"
    "    .globl priv_exit_stub\n"
    "priv_exit_stub:\n"
    "    .word 0xc0001073\n"
    "    .globl priv_return\n"
    "priv_return:\n"
    "    la t0, priv_saved_sp\n"
    "    ld sp, 0(t0)\n"
    "    ld ra, 0(sp)\n  ld s0, 8(sp)\n  ld s1, 16(sp)\n  ld s2, 24(sp)\n"
    "    ld s3, 32(sp)\n  ld s4, 40(sp)\n  ld s5, 48(sp)\n  ld s6, 56(sp)\n"
    "    ld s7, 64(sp)\n  ld s8, 72(sp)\n  ld s9, 80(sp)\n  ld s10, 88(sp)\n"
    "    ld s11, 96(sp)\n"
    "    addi sp, sp, 112\n"
    "    ret\n"
    "    .data\n"
    "    .balign 8\n"
    "priv_saved_sp: .dword 0\n"
    "    .text\n");

/*
 * PMP entry 15 = NAPOT over all of memory, RWX.  S/U code needs a matching
 * PMP entry (§3.7.1: with PMP implemented, an S/U access that matches no
 * entry fails; qemu even refuses the mret).  Lower entries still win.
 */
static inline void pmp_allow_all(void)
{
    csr_write(pmpaddr15, ~0UL);
    csr_set(pmpcfg2, (uint64_t)(0x18 | 0x7) << 56);       /* A=NAPOT, RWX */
}

/* Length of the instruction at pc (2 for compressed encodings). */
static inline uintptr_t insn_len(uintptr_t pc)
{
    return (*(volatile uint16_t *)pc & 3) == 3 ? 4 : 2;
}

uintptr_t handle_trap(TrapFrame *tf)
{
    uint64_t cause = tf->mcause;

    if (tf->mepc == (uintptr_t)priv_exit_stub) {
        /* fn returned: back to M-mode after priv_call, with MIE off */
        csr_set(mstatus, MSTATUS_MPP);
        csr_clear(mstatus, MSTATUS_MPIE);
        return (uintptr_t)priv_return;
    }
    last_trap.cause = cause;
    last_trap.epc = tf->mepc;
    last_trap.tval = tf->mtval;
    last_trap.mstatus = csr_read(mstatus);
    last_trap.count++;
    if (cause & CAUSE_INTERRUPT) {
        if (irq_hook) {
            irq_hook(cause & ~CAUSE_INTERRUPT);
        } else {
            csr_write(mie, 0);
        }
        return tf->mepc;
    }
    if (trap_resume_ra) {
        trap_resume_ra = 0;
        return tf->regs[1];
    }
    if (trap_resume) {
        uintptr_t pc = trap_resume;
        trap_resume = 0;
        return pc;
    }
    return tf->mepc + insn_len(tf->mepc);
}

/*
 * S-mode trap vector for delegated traps: records scause/sepc/stval/sstatus
 * in s_trap[1..4], counts in s_trap[5]; skips a 4-byte instruction for
 * exceptions; for interrupts clears sie (the test re-arms what it needs).
 */
volatile uint64_t s_trap[6];
extern char s_vector[];
__asm__(
    "    .text\n"
    "    .balign 4\n"
    "    .globl s_vector\n"
    "s_vector:\n"
    "    csrw sscratch, t0\n"
    "    la t0, s_trap\n"
    "    sd t1, 0(t0)\n"
    "    csrr t1, scause\n  sd t1, 8(t0)\n"
    "    csrr t1, sepc\n    sd t1, 16(t0)\n"
    "    csrr t1, stval\n   sd t1, 24(t0)\n"
    "    csrr t1, sstatus\n sd t1, 32(t0)\n"
    "    ld t1, 40(t0)\n    addi t1, t1, 1\n  sd t1, 40(t0)\n"
    "    csrr t1, scause\n"
    "    bltz t1, 1f\n"
    "    csrr t1, sepc\n    addi t1, t1, 4\n  csrw sepc, t1\n"
    "    j 2f\n"
    "1:  csrw sie, zero\n"
    "2:  ld t1, 0(t0)\n"
    "    csrr t0, sscratch\n"
    "    sret\n");

static inline void s_trap_reset(void)
{
    for (int i = 0; i < 6; i++) {
        s_trap[i] = 0;
    }
}

static inline void trap_reset(void)
{
    last_trap.cause = ~0UL;
    last_trap.epc = 0;
    last_trap.tval = 0;
    last_trap.count = 0;
}

/* Expect exactly one trap with this cause since the last trap_reset. */
#define CHECK_TRAP(want_cause)                                            \
    do {                                                                  \
        CHECK_EQ(last_trap.count, 1);                                     \
        CHECK_EQ(last_trap.cause, (want_cause));                          \
    } while (0)

#define CHECK_NO_TRAP() CHECK_EQ(last_trap.count, 0)

static inline uint64_t mtime_read(void)
{
    return *(volatile uint64_t *)CLINT_MTIME;
}

static inline void mtimecmp_write(uint64_t v)
{
    *(volatile uint64_t *)CLINT_MTIMECMP = v;
}

#endif
