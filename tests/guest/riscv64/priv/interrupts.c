/*
 * Interrupts (privileged spec 1.12 §3.1.9, §3.3.3, §4.1.3, Sstc): the
 * CLINT machine timer and software interrupt, wfi wake-up with and without
 * global enables, priority between simultaneous interrupts, vectored mtvec,
 * M-level interrupts preempting S-mode, delegated S interrupts (SSIP and
 * the Sstc stimecmp timer) handled by an S-mode vector.
 */
#include "priv.h"

#define CSR_MENVCFG "0x30a"
#define CSR_STIMECMP "0x14d"
#define MENVCFG_STCE (1UL << 63)

static volatile uint64_t order[4];
static volatile unsigned norder;

static void quiet(uint64_t cause)
{
    if (norder < 4) {
        order[norder++] = cause;
    }
    if (cause == 7) {
        mtimecmp_write(~0UL);
    } else if (cause == 3) {
        mmio_write32(CLINT_MSIP, 0);
    } else {
        csr_write(mie, 0);
    }
}

static void test_timer_wfi(void)
{
    irq_hook = quiet;
    norder = 0;
    trap_reset();
    csr_write(mie, MIP_MTIP);
    mtimecmp_write(mtime_read() + 2000);        /* 200 us at 10 MHz */
    csr_set(mstatus, MSTATUS_MIE);
    for (int i = 0; i < 1000 && !last_trap.count; i++) {
        __asm__ volatile("wfi");
    }
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_TRAP(CAUSE_INTERRUPT | 7);
    CHECK(mtime_read() >= 2000);
}

static void test_wfi_wakes_without_mie(void)
{
    /* §3.3.3: wfi resumes on a locally enabled interrupt even if MIE = 0 */
    trap_reset();
    csr_write(mie, MIP_MTIP);
    mtimecmp_write(mtime_read() + 1000);
    while (!(csr_read(mip) & MIP_MTIP)) {
        __asm__ volatile("wfi");
    }
    CHECK_NO_TRAP();
    CHECK(csr_read(mip) & MIP_MTIP);
    mtimecmp_write(~0UL);
    CHECK_EQ(csr_read(mip) & MIP_MTIP, 0);
    csr_write(mie, 0);
}

static void test_software_and_priority(void)
{
    irq_hook = quiet;
    norder = 0;
    trap_reset();
    /* Both pending with MIE off; MSI outranks MTI (§3.1.9) */
    mmio_write32(CLINT_MSIP, 1);
    mtimecmp_write(0);
    csr_write(mie, MIP_MSIP | MIP_MTIP);
    CHECK(csr_read(mip) & MIP_MSIP);
    csr_set(mstatus, MSTATUS_MIE);
    for (volatile int i = 0; i < 100; i++) {
    }
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_EQ(norder, 2);
    CHECK_EQ(order[0], 3);
    CHECK_EQ(order[1], 7);
    csr_write(mie, 0);
}

/* Vectored mode: interrupt cause n goes to BASE + 4n */
static volatile unsigned vec_hits;
extern char vec_table[];
__asm__(
    "    .text\n"
    "    .balign 64\n"
    "vec_table:\n"
    "    .option push\n    .option norvc\n"
    "    j vec_bad\n    j vec_bad\n    j vec_bad\n    j vec_msi\n"
    "    j vec_bad\n    j vec_bad\n    j vec_bad\n    j vec_bad\n"
    "    j vec_bad\n    j vec_bad\n    j vec_bad\n    j vec_bad\n"
    "    .option pop\n"
    "vec_msi:\n"
    "    csrw mscratch, t0\n"
    "    li t0, 0x2000000\n"
    "    sw zero, 0(t0)\n"
    "    la t0, vec_hits\n"
    "    lw t1, 0(t0)\n"
    "    addi t1, t1, 1\n"
    "    sw t1, 0(t0)\n"
    "    csrr t0, mscratch\n"
    "    mret\n"
    "vec_bad:\n"
    "    li a0, 99\n"
    "    call test_fail\n");

static void test_vectored(void)
{
    uint64_t old = csr_read(mtvec);

    vec_hits = 0;
    csr_write(mtvec, (uintptr_t)vec_table | 1);
    csr_write(mie, MIP_MSIP);
    mmio_write32(CLINT_MSIP, 1);
    csr_set(mstatus, MSTATUS_MIE);
    for (volatile int i = 0; i < 100 && !vec_hits; i++) {
    }
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mtvec, old);
    csr_write(mie, 0);
    CHECK_EQ(vec_hits, 1);
}

static void s_spin(void)
{
    for (volatile int i = 0; i < 100000 && !last_trap.count; i++) {
    }
}

static void test_m_interrupt_preempts_s(void)
{
    /* An M-level interrupt is taken in S-mode whatever mstatus.MIE says */
    irq_hook = quiet;
    trap_reset();
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mie, MIP_MSIP);
    mmio_write32(CLINT_MSIP, 1);
    priv_call(PRV_S, s_spin);
    CHECK_TRAP(CAUSE_INTERRUPT | 3);
    CHECK_EQ((last_trap.mstatus & MSTATUS_MPP) >> 11, PRV_S);
    csr_write(mie, 0);
}

static void s_raise_ssip(void)
{
    csr_set(sie, MIP_SSIP);
    csr_set(sstatus, MSTATUS_SIE);
    csr_set(sip, MIP_SSIP);
    for (volatile int i = 0; i < 1000 && !s_trap[5]; i++) {
    }
    csr_clear(sip, MIP_SSIP);
    csr_clear(sstatus, MSTATUS_SIE);
}

static void s_stimecmp_wfi(void)
{
    uint64_t now = csr_read(time);
    __asm__ volatile("csrw " CSR_STIMECMP ", %0" :: "r"(now + 2000));
    csr_set(sie, MIP_STIP);
    csr_set(sstatus, MSTATUS_SIE);
    for (int i = 0; i < 1000 && !s_trap[5]; i++) {
        __asm__ volatile("wfi");
    }
    csr_clear(sstatus, MSTATUS_SIE);
    __asm__ volatile("csrw " CSR_STIMECMP ", %0" :: "r"(~0UL));
}

static void test_delegated(void)
{
    csr_write(stvec, (uintptr_t)s_vector);
    csr_write(mideleg, MIP_SSIP | MIP_STIP);

    /* A delegated interrupt is not taken in M-mode, even with SIE set */
    trap_reset();
    csr_write(mie, MIP_SSIP);
    csr_set(mstatus, MSTATUS_SIE | MSTATUS_MIE);
    csr_set(mip, MIP_SSIP);
    for (volatile int i = 0; i < 100; i++) {
    }
    csr_clear(mstatus, MSTATUS_SIE | MSTATUS_MIE);
    CHECK_NO_TRAP();
    csr_clear(mip, MIP_SSIP);

    /* S software interrupt raised and handled in S-mode */
    s_trap_reset();
    trap_reset();
    priv_call(PRV_S, s_raise_ssip);
    CHECK_NO_TRAP();
    CHECK_EQ(s_trap[5], 1);
    CHECK_EQ(s_trap[1], CAUSE_INTERRUPT | 1);

    /* Sstc: STIP follows time >= stimecmp, wakes wfi in S-mode */
    __asm__ volatile("csrs " CSR_MENVCFG ", %0" :: "r"(MENVCFG_STCE));
    csr_set(mcounteren, 2);                      /* TM: S may use stimecmp */
    s_trap_reset();
    trap_reset();
    priv_call(PRV_S, s_stimecmp_wfi);
    CHECK_NO_TRAP();
    CHECK_EQ(s_trap[5], 1);
    CHECK_EQ(s_trap[1], CAUSE_INTERRUPT | 5);
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);       /* stimecmp moved: STIP low */
    csr_write(mideleg, 0);
    csr_write(mie, 0);
}

int main(void)
{
    pmp_allow_all();
    mtimecmp_write(~0UL);
    test_timer_wfi();
    test_wfi_wakes_without_mie();
    test_software_and_priority();
    test_vectored();
    test_m_interrupt_preempts_s();
    test_delegated();
    return test_result();
}
