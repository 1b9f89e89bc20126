/*
 * Interrupts and traps of the RISC-V hart (privileged spec 1.12 §3.1.6.1,
 * §3.1.8, §3.1.9, §3.3.1, §4.1): which interrupt is taken, delegation to
 * S-mode, the trap entry updates of xepc/xcause/xtval/xstatus, and
 * vectored trap vectors.
 */
#include "core/osdep.h"
#include "core/log.h"
#include "core/thread.h"
#include "target/riscv/internals.h"

static const char *const excp_names[16] = {
    "misaligned_fetch", "fault_fetch", "illegal_instruction", "breakpoint",
    "misaligned_load", "fault_load", "misaligned_store", "fault_store",
    "user_ecall", "supervisor_ecall", "hypervisor_ecall", "machine_ecall",
    "exec_page_fault", "load_page_fault", "reserved", "store_page_fault",
};

static const char *const intr_names[12] = {
    "u_software", "s_software", "vs_software", "m_software",
    "u_timer", "s_timer", "vs_timer", "m_timer",
    "u_external", "s_external", "vs_external", "m_external",
};

const char *riscv_cpu_trap_name(uint64_t cause, bool async)
{
    if (async) {
        return cause < ARRAY_SIZE(intr_names) ? intr_names[cause] : "(unknown)";
    }
    return cause < ARRAY_SIZE(excp_names) ? excp_names[cause] : "(unknown)";
}

uint64_t riscv_cpu_mip_effective(CPURISCVState *env)
{
    /* §3.1.9: SEIP reads as the OR of the software bit and the external line */
    return __atomic_load_n(&env->mip, __ATOMIC_ACQUIRE) | env->mip_sw_seip;
}

void riscv_cpu_set_mode(CPURISCVState *env, uint64_t priv)
{
    env->priv = priv;
}

/*
 * §3.1.9: an interrupt i traps to M if pending, enabled in mie, not
 * delegated, and (priv < M or mstatus.MIE); a delegated one traps to S if
 * (priv < S or (priv == S and SIE)) -- never while in M.  Among several,
 * M-level ones come first, then the fixed order MEI, MSI, MTI, SEI, SSI, STI.
 */
int riscv_cpu_local_irq_pending(CPURISCVState *env)
{
    static const int order[] = {
        IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER,
    };
    uint64_t pending = riscv_cpu_mip_effective(env) & env->mie;
    bool m_on = env->priv < PRV_M || (env->mstatus & MSTATUS_MIE);
    bool s_on = env->priv < PRV_S || (env->priv == PRV_S && (env->mstatus & MSTATUS_SIE));
    uint64_t m_irqs = m_on ? pending & ~env->mideleg : 0;
    uint64_t s_irqs = s_on ? pending & env->mideleg : 0;
    uint64_t irqs = m_irqs ? m_irqs : s_irqs;

    if (!irqs) {
        return -1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
        if (irqs & (1ULL << order[i])) {
            return order[i];
        }
    }
    return ctz64(irqs);
}

/*
 * CPU_INTERRUPT_HARD tracks "locally pending and enabled" (mip & mie); the
 * global enables and delegation are checked in cpu_exec_interrupt, which
 * the loop calls between blocks while the flag is up.
 *
 * local: the hart changes its own state from a helper (CSR write, reset).
 * The block it runs ends after the instruction and the loop looks at the
 * flag, so raising it is enough -- cpu_interrupt would also cut the hart's
 * time slice, and a kernel that programs a timer deadline already in the
 * past (stimecmp, retried in a loop) would then crawl.  Otherwise (device
 * lines, timers, other harts) cpu_interrupt makes the hart notice, but only
 * when an interrupt becomes pending-and-enabled that was not before.
 */
static void irq_signal(CPURISCVState *env, uint64_t old_pe, bool local)
{
    CPUState *cs = riscv_env_cs(env);
    uint64_t pe = riscv_cpu_mip_effective(env) & env->mie;

    if (!pe) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
    } else if (local) {
        __atomic_fetch_or(&cs->interrupt_request, CPU_INTERRUPT_HARD, __ATOMIC_SEQ_CST);
    } else if ((pe & ~old_pe) ||
               !(__atomic_load_n(&cs->interrupt_request, __ATOMIC_ACQUIRE) &
                 CPU_INTERRUPT_HARD)) {
        cpu_interrupt(cs, CPU_INTERRUPT_HARD);
    }
}

void riscv_cpu_interrupt_update(CPURISCVState *env)
{
    irq_signal(env, 0, true);
}

static uint64_t mip_set(CPURISCVState *env, uint64_t mask, uint64_t value, bool local)
{
    bool locked = bql_locked();
    uint64_t old, new, old_pe;

    /* mip is shared between device threads and the vCPU: take the BQL */
    if (!locked) {
        bql_lock();
    }
    old = env->mip;
    old_pe = riscv_cpu_mip_effective(env) & env->mie;
    new = (old & ~mask) | (value & mask);
    __atomic_store_n(&env->mip, new, __ATOMIC_RELEASE);
    irq_signal(env, old_pe, local);
    if (!locked) {
        bql_unlock();
    }
    return old;
}

uint64_t riscv_cpu_update_mip(CPURISCVState *env, uint64_t mask, uint64_t value)
{
    return mip_set(env, mask, value, false);
}

uint64_t riscv_cpu_update_mip_local(CPURISCVState *env, uint64_t mask, uint64_t value)
{
    return mip_set(env, mask, value, true);
}

bool riscv_cpu_has_work(CPUState *cs)
{
    CPURISCVState *env = cs->env_ptr;

    /* §3.3.3: WFI resumes on any locally enabled pending interrupt, whatever
     * the global enables and delegation say. */
    return (riscv_cpu_mip_effective(env) & env->mie) != 0;
}

bool riscv_cpu_exec_interrupt(CPUState *cs, int interrupt_request)
{
    CPURISCVState *env = cs->env_ptr;
    int irq;

    if (!(interrupt_request & CPU_INTERRUPT_HARD)) {
        return false;
    }
    irq = riscv_cpu_local_irq_pending(env);
    if (irq < 0) {
        return false;
    }
    cs->exception_index = RISCV_EXCP_INT_FLAG | irq;
    riscv_cpu_do_interrupt(cs);
    return true;
}

/* What goes into xtval for a synchronous exception (§3.1.16). */
static uint64_t trap_tval(CPUState *cs, CPURISCVState *env, int cause)
{
    switch (cause) {
    case RISCV_EXCP_INST_ADDR_MIS:
    case RISCV_EXCP_INST_ACCESS_FAULT:
    case RISCV_EXCP_LOAD_ADDR_MIS:
    case RISCV_EXCP_LOAD_ACCESS_FAULT:
    case RISCV_EXCP_STORE_AMO_ADDR_MIS:
    case RISCV_EXCP_STORE_AMO_ACCESS_FAULT:
    case RISCV_EXCP_INST_PAGE_FAULT:
    case RISCV_EXCP_LOAD_PAGE_FAULT:
    case RISCV_EXCP_STORE_PAGE_FAULT:
    case RISCV_EXCP_ILLEGAL_INST:       /* the instruction bits, or 0 */
        return cs->exception_data;
    case RISCV_EXCP_BREAKPOINT:
        return env->pc;                  /* the faulting pc, as QEMU reports */
    default:
        return 0;
    }
}

void riscv_cpu_do_interrupt(CPUState *cs)
{
    CPURISCVState *env = cs->env_ptr;
    bool async = (cs->exception_index & RISCV_EXCP_INT_FLAG) != 0;
    uint64_t cause = cs->exception_index & ~RISCV_EXCP_INT_FLAG;
    uint64_t tval = 0;
    uint64_t deleg;

    if (!async) {
        /* The translator raises U_ECALL for every ecall; the cause is by mode */
        if (cause == RISCV_EXCP_U_ECALL) {
            cause = env->priv == PRV_M ? RISCV_EXCP_M_ECALL
                    : env->priv == PRV_S ? RISCV_EXCP_S_ECALL : RISCV_EXCP_U_ECALL;
        }
        tval = trap_tval(cs, env, cause);
    }
    qemu_log_mask(CPU_LOG_INT,
                  "riscv_cpu_do_interrupt: hart:%" PRIu64 ", async:%d, cause:%016"
                  PRIx64 ", epc:0x%016" PRIx64 ", tval:0x%016" PRIx64 ", desc=%s\n",
                  env->mhartid, async, cause, env->pc, tval,
                  riscv_cpu_trap_name(cause, async));

    /* A trap breaks any LR reservation (our rule: SC after a trap fails) */
    env->load_res = -1;

    deleg = async ? env->mideleg : env->medeleg;
    if (env->priv <= PRV_S && cause < 64 && ((deleg >> cause) & 1)) {
        /* §4.1.1, §3.1.8: trap to S-mode */
        uint64_t s = env->mstatus;
        s = deposit64(s, 5, 1, (s & MSTATUS_SIE) ? 1 : 0);      /* SPIE = SIE */
        s = deposit64(s, MSTATUS_SPP_SHIFT, 1, env->priv);      /* SPP */
        s &= ~MSTATUS_SIE;
        env->mstatus = s;
        env->scause = cause | (async ? MCAUSE_INTERRUPT : 0);
        env->sepc = env->pc;
        env->stval = tval;
        env->pc = (env->stvec & ~3ULL) +
                  ((async && (env->stvec & 3) == 1) ? 4 * cause : 0);
        riscv_cpu_set_mode(env, PRV_S);
    } else {
        /* §3.1.6.1: trap to M-mode */
        uint64_t s = env->mstatus;
        s = deposit64(s, 7, 1, (s & MSTATUS_MIE) ? 1 : 0);      /* MPIE = MIE */
        s = deposit64(s, MSTATUS_MPP_SHIFT, 2, env->priv);      /* MPP */
        s &= ~MSTATUS_MIE;
        env->mstatus = s;
        env->mcause = cause | (async ? MCAUSE_INTERRUPT : 0);
        env->mepc = env->pc;
        env->mtval = tval;
        env->pc = (env->mtvec & ~3ULL) +
                  ((async && (env->mtvec & 3) == 1) ? 4 * cause : 0);
        riscv_cpu_set_mode(env, PRV_M);
    }
    cs->exception_index = EXCP_NONE;
}

void riscv_raise_exception(CPURISCVState *env, int cause, uint64_t tval,
                           uintptr_t retaddr)
{
    CPUState *cs = riscv_env_cs(env);

    cs->exception_index = cause;
    cs->exception_data = tval;
    cpu_loop_exit_restore(cs, retaddr);
}
