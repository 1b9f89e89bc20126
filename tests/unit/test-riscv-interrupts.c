/*
 * Interrupt and trap decisions of the RISC-V hart (privileged spec 1.12
 * §3.1.9 priority and enables, §3.1.8 delegation, §3.1.6.1 and §4.1.1 the
 * trap-entry stack, §3.1.7 vectored mode), GPIO lines and has_work.
 */
#include "core/osdep.h"
#include "core/error.h"
#include "target/riscv/internals.h"
#include "tests/unit/unit.h"

static RISCVCPU *new_cpu(void)
{
    RISCVCPU *cpu = RISCV_CPU(object_new(TYPE_RISCV_CPU_RV64));
    Error *err = NULL;

    if (!qdev_realize(DEVICE(cpu), NULL, &err)) {
        unit_fail(__FILE__, __LINE__, "cpu: %s", error_get_pretty(err));
    }
    return cpu;
}

static void set_line(RISCVCPU *cpu, int irq, int level)
{
    qemu_set_irq(qdev_get_gpio_in(DEVICE(cpu), irq), level);
}

UNIT_TEST(riscv_irq_priority_order)
{
    RISCVCPU *cpu = new_cpu();
    CPURISCVState *env = &cpu->env;

    env->mie = MIP_ALL;
    env->priv = PRV_U;                 /* everything deliverable below S */
    CHECK_EQ(riscv_cpu_local_irq_pending(env), -1);
    env->mip = MIP_ALL;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), IRQ_M_EXT);
    env->mip &= ~MIP_MEIP;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), IRQ_M_SOFT);
    env->mip &= ~MIP_MSIP;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), IRQ_M_TIMER);
    env->mip &= ~MIP_MTIP;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), IRQ_S_EXT);
    env->mip &= ~MIP_SEIP;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), IRQ_S_SOFT);
    env->mip &= ~MIP_SSIP;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), IRQ_S_TIMER);
    /* mie masks */
    env->mie = MIP_SSIP;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), -1);
    object_unparent(OBJECT(cpu));
}

UNIT_TEST(riscv_irq_global_enables_and_delegation)
{
    RISCVCPU *cpu = new_cpu();
    CPURISCVState *env = &cpu->env;

    env->mie = MIP_ALL;
    env->mip = MIP_MTIP;
    /* M-level: in M only with MIE; below M always */
    env->priv = PRV_M;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), -1);
    env->mstatus |= MSTATUS_MIE;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), IRQ_M_TIMER);
    env->mstatus &= ~MSTATUS_MIE;
    env->priv = PRV_S;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), IRQ_M_TIMER);

    /* A delegated S interrupt: never in M, in S only with SIE, always in U */
    env->mip = MIP_STIP;
    env->mideleg = MIP_STIP;
    env->priv = PRV_M;
    env->mstatus |= MSTATUS_MIE | MSTATUS_SIE;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), -1);
    env->priv = PRV_S;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), IRQ_S_TIMER);
    env->mstatus &= ~MSTATUS_SIE;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), -1);
    env->priv = PRV_U;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), IRQ_S_TIMER);

    /* Not delegated, an S interrupt is an M-level one */
    env->mideleg = 0;
    env->priv = PRV_M;
    env->mstatus |= MSTATUS_MIE;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), IRQ_S_TIMER);

    /* M-level beats S-level regardless of the fixed order */
    env->mideleg = MIP_SEIP;
    env->mip = MIP_SEIP | MIP_STIP;
    env->priv = PRV_U;
    CHECK_EQ(riscv_cpu_local_irq_pending(env), IRQ_S_TIMER);
    object_unparent(OBJECT(cpu));
}

UNIT_TEST(riscv_trap_to_m)
{
    RISCVCPU *cpu = new_cpu();
    CPURISCVState *env = &cpu->env;
    CPUState *cs = CPU(cpu);

    env->priv = PRV_S;
    env->pc = 0x80001234;
    env->mtvec = 0x80000100;
    env->mstatus |= MSTATUS_MIE;
    env->load_res = 0x80002000;
    cs->exception_index = RISCV_EXCP_LOAD_PAGE_FAULT;
    cs->exception_data = 0xdead000;
    riscv_cpu_do_interrupt(cs);
    CHECK_EQ(env->priv, PRV_M);
    CHECK_EQ(env->pc, 0x80000100);
    CHECK_EQ(env->mepc, 0x80001234);
    CHECK_EQ(env->mcause, RISCV_EXCP_LOAD_PAGE_FAULT);
    CHECK_EQ(env->mtval, 0xdead000);
    CHECK_EQ(extract64(env->mstatus, 11, 2), PRV_S);
    CHECK(env->mstatus & MSTATUS_MPIE);
    CHECK_EQ(env->mstatus & MSTATUS_MIE, 0);
    CHECK_EQ(env->load_res, (uint64_t)-1);
    CHECK_EQ(cs->exception_index, EXCP_NONE);

    /* ecall: the cause depends on the mode it came from */
    env->priv = PRV_U;
    cs->exception_index = RISCV_EXCP_U_ECALL;
    riscv_cpu_do_interrupt(cs);
    CHECK_EQ(env->mcause, RISCV_EXCP_U_ECALL);
    CHECK_EQ(env->mtval, 0);
    cs->exception_index = RISCV_EXCP_U_ECALL;       /* now from M */
    riscv_cpu_do_interrupt(cs);
    CHECK_EQ(env->mcause, RISCV_EXCP_M_ECALL);

    /* Vectored mtvec: interrupts at BASE + 4 * cause, exceptions at BASE */
    env->mtvec = 0x80000101;
    env->priv = PRV_U;
    cs->exception_index = RISCV_EXCP_INT_FLAG | IRQ_M_TIMER;
    riscv_cpu_do_interrupt(cs);
    CHECK_EQ(env->pc, 0x80000100 + 4 * IRQ_M_TIMER);
    CHECK_EQ(env->mcause, MCAUSE_INTERRUPT | IRQ_M_TIMER);
    cs->exception_index = RISCV_EXCP_ILLEGAL_INST;
    riscv_cpu_do_interrupt(cs);
    CHECK_EQ(env->pc, 0x80000100);
    object_unparent(OBJECT(cpu));
}

UNIT_TEST(riscv_trap_delegated_to_s)
{
    RISCVCPU *cpu = new_cpu();
    CPURISCVState *env = &cpu->env;
    CPUState *cs = CPU(cpu);

    env->medeleg = 1ULL << RISCV_EXCP_U_ECALL | 1ULL << RISCV_EXCP_BREAKPOINT;
    env->mideleg = MIP_SSIP;
    env->stvec = 0x80004001;                   /* vectored */
    env->mtvec = 0x80000100;
    env->priv = PRV_U;
    env->pc = 0x1000;
    env->mstatus |= MSTATUS_SIE;
    cs->exception_index = RISCV_EXCP_U_ECALL;
    riscv_cpu_do_interrupt(cs);
    CHECK_EQ(env->priv, PRV_S);
    CHECK_EQ(env->pc, 0x80004000);
    CHECK_EQ(env->sepc, 0x1000);
    CHECK_EQ(env->scause, RISCV_EXCP_U_ECALL);
    CHECK_EQ(env->mstatus & MSTATUS_SPP, 0);
    CHECK(env->mstatus & MSTATUS_SPIE);
    CHECK_EQ(env->mstatus & MSTATUS_SIE, 0);
    CHECK_EQ(env->mcause, 0);                  /* M untouched */

    /* From S, a delegated interrupt stays in S (vectored) */
    env->pc = 0x2000;
    cs->exception_index = RISCV_EXCP_INT_FLAG | IRQ_S_SOFT;
    riscv_cpu_do_interrupt(cs);
    CHECK_EQ(env->priv, PRV_S);
    CHECK_EQ(env->pc, 0x80004000 + 4 * IRQ_S_SOFT);
    CHECK_EQ(env->scause, MCAUSE_INTERRUPT | IRQ_S_SOFT);
    CHECK(env->mstatus & MSTATUS_SPP);

    /* Delegation never applies to traps taken in M */
    env->priv = PRV_M;
    env->pc = 0x3000;
    cs->exception_index = RISCV_EXCP_BREAKPOINT;
    riscv_cpu_do_interrupt(cs);
    CHECK_EQ(env->priv, PRV_M);
    CHECK_EQ(env->mcause, RISCV_EXCP_BREAKPOINT);
    CHECK_EQ(env->mtval, 0x3000);              /* ebreak reports its pc */
    CHECK_EQ(env->pc, 0x80000100);
    object_unparent(OBJECT(cpu));
}

UNIT_TEST(riscv_lines_and_has_work)
{
    RISCVCPU *cpu = new_cpu();
    CPURISCVState *env = &cpu->env;
    CPUState *cs = CPU(cpu);

    CHECK(!riscv_cpu_has_work(cs));
    set_line(cpu, IRQ_M_SOFT, 1);
    CHECK_EQ(env->mip, MIP_MSIP);
    CHECK(!riscv_cpu_has_work(cs));            /* not enabled in mie */
    CHECK_EQ(cs->interrupt_request & CPU_INTERRUPT_HARD, 0);
    env->mie = MIP_MSIP;
    riscv_cpu_interrupt_update(env);
    CHECK(riscv_cpu_has_work(cs));             /* wfi wakes even with MIE = 0 */
    CHECK(cs->interrupt_request & CPU_INTERRUPT_HARD);
    CHECK(!riscv_cpu_exec_interrupt(cs, CPU_INTERRUPT_HARD));    /* MIE = 0 in M */
    env->priv = PRV_U;
    env->mtvec = 0x80000000;
    CHECK(riscv_cpu_exec_interrupt(cs, CPU_INTERRUPT_HARD));
    CHECK_EQ(env->mcause, MCAUSE_INTERRUPT | IRQ_M_SOFT);
    CHECK_EQ(env->priv, PRV_M);
    set_line(cpu, IRQ_M_SOFT, 0);
    CHECK_EQ(env->mip, 0);
    CHECK_EQ(cs->interrupt_request & CPU_INTERRUPT_HARD, 0);

    set_line(cpu, IRQ_M_EXT, 1);
    set_line(cpu, IRQ_S_EXT, 1);
    CHECK_EQ(env->mip, MIP_MEIP | MIP_SEIP);
    set_line(cpu, IRQ_S_TIMER, 1);             /* no device drives STIP */
    CHECK_EQ(env->mip & MIP_STIP, 0);
    object_unparent(OBJECT(cpu));
}

UNIT_TEST(riscv_irq_signalling_local_vs_device)
{
    RISCVCPU *cpu = new_cpu();
    CPURISCVState *env = &cpu->env;
    CPUState *cs = CPU(cpu);
    uint64_t old;

    /* The hart's own CSR write raises the flag without ending its slice */
    cs->exit_request = 0;
    env->mie = MIP_SSIP;
    CHECK_EQ(riscv_csr_access(env, CSR_MIP, &old, MIP_SSIP, MIP_SSIP, true), 0);
    CHECK(cs->interrupt_request & CPU_INTERRUPT_HARD);
    CHECK_EQ(cs->exit_request, 0);
    CHECK_EQ(riscv_csr_access(env, CSR_MIP, &old, 0, MIP_SSIP, true), 0);
    CHECK_EQ(cs->interrupt_request & CPU_INTERRUPT_HARD, 0);

    /* A device line makes a running hart leave generated code */
    env->mie = MIP_MEIP;
    set_line(cpu, IRQ_M_EXT, 1);
    CHECK(cs->interrupt_request & CPU_INTERRUPT_HARD);
    CHECK(cs->exit_request);
    /* ...but repeating the same level does not kick it again */
    cs->exit_request = 0;
    set_line(cpu, IRQ_M_EXT, 1);
    CHECK_EQ(cs->exit_request, 0);
    set_line(cpu, IRQ_M_EXT, 0);
    CHECK_EQ(cs->interrupt_request & CPU_INTERRUPT_HARD, 0);
    object_unparent(OBJECT(cpu));
}
