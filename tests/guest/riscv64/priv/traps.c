/*
 * Traps, privilege transitions and delegation (privileged spec 1.12 §3.1.6.1,
 * §3.1.8, §3.3, §4.1.1): ecall causes by mode, ebreak, illegal instructions,
 * mret/sret stacks and their illegal uses, TSR, medeleg to S-mode.
 */
#include "priv.h"

static volatile uint64_t seen_priv_csr;

static void s_body(void)
{
    seen_priv_csr = csr_read(sstatus);          /* fine in S */
    (void)csr_read(mstatus);                    /* illegal in S */
}

static void u_body(void)
{
    (void)csr_read(sstatus);                    /* illegal in U */
}

static void ecall_body(void)
{
    __asm__ volatile("ecall" ::: "memory");
}

static void sret_body(void)
{
    __asm__ volatile("sret" ::: "memory");
}

static void mret_body(void)
{
    __asm__ volatile("mret" ::: "memory");
}

static void test_m_mode_traps(void)
{
    trap_reset();
    __asm__ volatile("ecall" ::: "memory");
    CHECK_TRAP(CAUSE_MACHINE_ECALL);
    CHECK_EQ(last_trap.tval, 0);
    /* MPP records M, MPIE the MIE (0) of the trapping code */
    CHECK_EQ((last_trap.mstatus & MSTATUS_MPP) >> 11, PRV_M);
    CHECK_EQ(last_trap.mstatus & MSTATUS_MIE, 0);

    trap_reset();
    __asm__ volatile(".option push\n .option norvc\n ebreak\n .option pop" ::: "memory");
    CHECK_TRAP(CAUSE_BREAKPOINT);

    trap_reset();
    __asm__ volatile(".word 0x0000000b" ::: "memory");   /* custom-0: undefined */
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
}

static void test_modes(void)
{
    trap_reset();
    seen_priv_csr = ~0UL;
    priv_call(PRV_S, s_body);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ((last_trap.mstatus & MSTATUS_MPP) >> 11, PRV_S);
    CHECK(seen_priv_csr != ~0UL);

    trap_reset();
    priv_call(PRV_U, u_body);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ((last_trap.mstatus & MSTATUS_MPP) >> 11, PRV_U);

    trap_reset();
    priv_call(PRV_U, ecall_body);
    CHECK_TRAP(CAUSE_USER_ECALL);

    trap_reset();
    priv_call(PRV_S, ecall_body);
    CHECK_TRAP(CAUSE_SUPERVISOR_ECALL);

    /* xRET from too low a privilege is illegal */
    trap_reset();
    priv_call(PRV_U, sret_body);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
    trap_reset();
    priv_call(PRV_S, mret_body);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);

    /* TSR: sret in S-mode traps */
    csr_set(mstatus, MSTATUS_TSR);
    trap_reset();
    priv_call(PRV_S, sret_body);
    CHECK_TRAP(CAUSE_ILLEGAL_INSTRUCTION);
    csr_clear(mstatus, MSTATUS_TSR);
}

/* mret: MIE <- MPIE, MPIE <- 1, MPP <- U, and MPRV cleared when MPP != M */
static void test_mret_stack(void)
{
    csr_clear(mstatus, MSTATUS_MIE);
    csr_set(mstatus, MSTATUS_MPIE | MSTATUS_MPRV);
    csr_set(mstatus, MSTATUS_MPP);                      /* MPP = M */
    __asm__ volatile("la t0, 1f\n csrw mepc, t0\n mret\n 1:" ::: "t0", "memory");
    uint64_t s = csr_read(mstatus);
    CHECK(s & MSTATUS_MPIE);
    CHECK_EQ((s & MSTATUS_MPP) >> 11, PRV_U);
    CHECK(s & MSTATUS_MPRV);                            /* stayed in M: kept */
    CHECK(s & MSTATUS_MIE);
    csr_clear(mstatus, MSTATUS_MIE | MSTATUS_MPRV);
    /* (1.12 also clears MPRV when mret leaves M; qemu 7.2 does not, so the
     * unit tests check that rule instead.) */
}

static void test_delegation(void)
{
    csr_write(stvec, (uintptr_t)s_vector);
    csr_write(medeleg, (1UL << CAUSE_USER_ECALL) | (1UL << CAUSE_BREAKPOINT));
    CHECK_EQ(csr_read(medeleg) & (1UL << CAUSE_USER_ECALL), 1UL << CAUSE_USER_ECALL);

    /* U-mode ecall goes to the S handler, not to M */
    trap_reset();
    s_trap_reset();
    priv_call(PRV_U, ecall_body);
    CHECK_NO_TRAP();
    CHECK_EQ(s_trap[5], 1);
    CHECK_EQ(s_trap[1], CAUSE_USER_ECALL);
    CHECK_EQ(s_trap[2] != 0, 1);
    CHECK_EQ(s_trap[4] & MSTATUS_SPP, 0);            /* came from U */

    /* Delegation never lowers the privilege: an M-mode ebreak stays in M */
    trap_reset();
    s_trap_reset();
    __asm__ volatile(".option push\n .option norvc\n ebreak\n .option pop" ::: "memory");
    CHECK_TRAP(CAUSE_BREAKPOINT);
    CHECK_EQ(s_trap[5], 0);

    /* S-mode ecall is not delegated here: to M */
    trap_reset();
    s_trap_reset();
    priv_call(PRV_S, ecall_body);
    CHECK_TRAP(CAUSE_SUPERVISOR_ECALL);
    CHECK_EQ(s_trap[5], 0);
    csr_write(medeleg, 0);
}

static void test_vectored_mtvec_keeps_exceptions_at_base(void)
{
    uint64_t old = csr_read(mtvec);

    /* §3.1.7: in vectored mode synchronous exceptions still use BASE */
    csr_write(mtvec, old | 1);
    CHECK_EQ(csr_read(mtvec), old | 1);
    trap_reset();
    __asm__ volatile("ecall" ::: "memory");
    CHECK_TRAP(CAUSE_MACHINE_ECALL);
    csr_write(mtvec, old);
}

int main(void)
{
    pmp_allow_all();
    test_m_mode_traps();
    test_modes();
    test_mret_stack();
    test_delegation();
    test_vectored_mtvec_keeps_exceptions_at_base();
    return test_result();
}
