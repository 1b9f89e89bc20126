/*
 * CSR access rules and views (privileged spec 1.12 §2.1, §3.1, §4.1):
 * read-only and privilege-encoded CSR numbers, misa, mstatus/sstatus and
 * mie/sie views, WARL fields, counter enables for cycle/time/instret,
 * TVM/TW, FS gating of the FP CSRs.
 */
#include "priv.h"

static volatile uint64_t got;

static void s_read_cycle(void)
{
    got = csr_read(cycle);
}

static void s_read_time(void)
{
    got = csr_read(time);
}

static void s_read_instret(void)
{
    got = csr_read(instret);
}

static void s_read_satp(void)
{
    got = csr_read(satp);
}

static void s_sfence(void)
{
    __asm__ volatile("sfence.vma" ::: "memory");
}

static void s_wfi(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

static void s_read_mscratch(void)
{
    got = csr_read(mscratch);
}

static void test_read_only_and_privilege(void)
{
    CHECK_EQ(csr_read(mhartid), 0);
    CHECK_EQ(csr_read(mvendorid), 0);

    trap_reset();
    __asm__ volatile("csrw mhartid, %0" :: "r"(1UL));          /* csr[11:10] = 3 */
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(last_trap.tval, *(volatile uint32_t *)last_trap.epc);  /* the encoding */

    trap_reset();
    __asm__ volatile("csrw cycle, %0" :: "r"(1UL));
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);

    trap_reset();
    priv_call(PRV_S, s_read_mscratch);                          /* csr[9:8] = 3 */
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
}

static void test_misa(void)
{
    uint64_t misa = csr_read(misa);
    CHECK_EQ(misa >> 62, 2);                                    /* MXL = 64 */
    for (const char *p = "imafdcsu"; *p; p++) {
        CHECK((misa >> (*p - 'a')) & 1);
    }
}

static void test_status_views(void)
{
    csr_set(mstatus, MSTATUS_MPIE | MSTATUS_SIE);
    uint64_t s = csr_read(sstatus);
    CHECK_EQ(s & MSTATUS_MPIE, 0);                              /* M bits hidden */
    CHECK(s & MSTATUS_SIE);
    CHECK_EQ((s >> 32) & 3, 2);                                 /* UXL = 64 */
    csr_clear(sstatus, MSTATUS_SIE);
    CHECK_EQ(csr_read(mstatus) & MSTATUS_SIE, 0);
    csr_set(sstatus, MSTATUS_SUM);
    CHECK(csr_read(mstatus) & MSTATUS_SUM);
    csr_clear(mstatus, MSTATUS_SUM | MSTATUS_MPIE);
    /* (MPP = 2 is reserved; qemu 7.2 keeps it, we do not: unit-tested) */

    /* FS: writing fflags makes the state dirty, and SD follows */
    csr_clear(mstatus, MSTATUS_FS);
    csr_set(mstatus, 1UL << 13);
    csr_write(fflags, 1);
    CHECK_EQ((csr_read(mstatus) & MSTATUS_FS) >> 13, 3);
    CHECK(csr_read(mstatus) >> 63);
    /* FS = Off: FP CSRs are illegal */
    csr_clear(mstatus, MSTATUS_FS);
    trap_reset();
    got = csr_read(fcsr);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(csr_read(mstatus) >> 63, 0);
    csr_set(mstatus, 1UL << 13);
}

static void test_interrupt_views(void)
{
    csr_clear(mstatus, MSTATUS_MIE);
    mtimecmp_write(~0UL);
    csr_write(mideleg, ~0UL);
    CHECK_EQ(csr_read(mideleg) & (MIP_MSIP | MIP_MTIP | MIP_MEIP), 0);
    CHECK_EQ(csr_read(mideleg) & (MIP_SSIP | MIP_STIP | MIP_SEIP),
             MIP_SSIP | MIP_STIP | MIP_SEIP);

    csr_write(mideleg, MIP_SSIP | MIP_STIP);
    csr_write(mie, 0);
    csr_write(sie, ~0UL);
    CHECK_EQ(csr_read(mie), MIP_SSIP | MIP_STIP);               /* only delegated */
    csr_write(mie, MIP_MTIP | MIP_SSIP);
    CHECK_EQ(csr_read(sie), MIP_SSIP);                          /* M bits hidden */
    csr_write(mie, 0);

    /* SSIP is writable through mip and visible in sip when delegated */
    csr_set(mip, MIP_SSIP);
    CHECK(csr_read(sip) & MIP_SSIP);
    csr_clear(sip, MIP_SSIP);
    CHECK_EQ(csr_read(mip) & MIP_SSIP, 0);
    csr_write(mideleg, 0);
    csr_set(mip, MIP_SSIP);
    CHECK_EQ(csr_read(sip), 0);                                  /* not delegated */
    csr_clear(mip, MIP_SSIP);

    /* MTIP is read-only in mip */
    mtimecmp_write(~0UL);
    csr_set(mip, MIP_MTIP);
    CHECK_EQ(csr_read(mip) & MIP_MTIP, 0);
}

static void test_warl(void)
{
    /* (xepc[0] is zero; qemu 7.2 keeps the bit, so that is unit-tested) */
    csr_write(mepc, 0x80001000UL);
    CHECK_EQ(csr_read(mepc), 0x80001000UL);

    uint64_t tvec = csr_read(stvec);
    csr_write(stvec, 0x80002001UL);                             /* vectored */
    CHECK_EQ(csr_read(stvec), 0x80002001UL);
    csr_write(stvec, tvec);

    /* satp: a write with an unsupported MODE has no effect */
    csr_write(satp, 0);
    csr_write(satp, (5UL << 60) | 0x80000);                    /* reserved */
    CHECK_EQ(csr_read(satp), 0);
    csr_write(satp, (8UL << 60) | 0x80000);                    /* Sv39 */
    CHECK_EQ(csr_read(satp) >> 60, 8);
    CHECK_EQ(csr_read(satp) & 0xfffffffffffUL, 0x80000);
    csr_write(satp, 0);

    csr_write(medeleg, ~0UL);
    CHECK_EQ(csr_read(medeleg) & (1UL << CAUSE_USER_ECALL), 1UL << CAUSE_USER_ECALL);
    CHECK_EQ(csr_read(medeleg) & (1UL << CAUSE_LOAD_PAGE_FAULT),
             1UL << CAUSE_LOAD_PAGE_FAULT);
    csr_write(medeleg, 0);
}

static void test_counters(void)
{
    uint64_t a = csr_read(mcycle), b = csr_read(mcycle);
    CHECK(b > a);
    a = csr_read(minstret);
    b = csr_read(minstret);
    CHECK(b > a);
    a = csr_read(time);
    for (volatile int i = 0; i < 100000; i++) {
    }
    CHECK(csr_read(time) > a);
    CHECK_EQ(csr_read(time) >> 20, mtime_read() >> 20);         /* same timebase */

    /* §3.1.11: below M, each counter needs its mcounteren bit */
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    trap_reset();
    priv_call(PRV_S, s_read_cycle);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
    trap_reset();
    priv_call(PRV_S, s_read_time);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);

    csr_write(mcounteren, 7);
    trap_reset();
    got = 0;
    priv_call(PRV_S, s_read_cycle);
    CHECK_NO_TRAP();
    CHECK(got != 0);
    priv_call(PRV_S, s_read_time);
    priv_call(PRV_S, s_read_instret);
    CHECK_NO_TRAP();

    /* U additionally needs scounteren */
    trap_reset();
    priv_call(PRV_U, s_read_cycle);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
    csr_write(scounteren, 2);
    trap_reset();
    priv_call(PRV_U, s_read_time);
    CHECK_NO_TRAP();
    priv_call(PRV_U, s_read_instret);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
}

static void test_trap_virtualization(void)
{
    /* TVM: satp and sfence.vma trap in S-mode */
    csr_set(mstatus, MSTATUS_TVM);
    trap_reset();
    priv_call(PRV_S, s_read_satp);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
    trap_reset();
    priv_call(PRV_S, s_sfence);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
    csr_clear(mstatus, MSTATUS_TVM);
    trap_reset();
    priv_call(PRV_S, s_read_satp);
    priv_call(PRV_S, s_sfence);
    CHECK_NO_TRAP();

    /* wfi: illegal in U; in S only with TW=1 */
    trap_reset();
    priv_call(PRV_U, s_wfi);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
    csr_set(mstatus, MSTATUS_TW);
    trap_reset();
    priv_call(PRV_S, s_wfi);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
    csr_clear(mstatus, MSTATUS_TW);
}

int main(void)
{
    pmp_allow_all();
    test_read_only_and_privilege();
    test_misa();
    test_status_views();
    test_interrupt_views();
    test_warl();
    test_counters();
    test_trap_virtualization();
    return test_result();
}
