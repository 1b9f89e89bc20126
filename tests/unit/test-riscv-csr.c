/*
 * The RISC-V hart's CPU object and CSRs: models and properties, reset state
 * (privileged spec 1.12 §3.4), the ISA string, CSR privilege and read-only
 * rules (§2.1), the mstatus/sstatus and mie/sie/mip/sip views, WARL fields,
 * counters and their enables, Sstc, and the xRET helpers.
 */
#include "core/osdep.h"
#include "core/error.h"
#include "target/riscv/helper.h"
#include "target/riscv/internals.h"
#include "tests/unit/unit.h"

static RISCVCPU *new_cpu(const char *props)
{
    RISCVCPU *cpu = RISCV_CPU(object_new(TYPE_RISCV_CPU_RV64));
    Error *err = NULL;

    if (!riscv_cpu_parse_props(cpu, props, &err) ||
        !qdev_realize(DEVICE(cpu), NULL, &err)) {
        unit_fail(__FILE__, __LINE__, "cpu: %s", error_get_pretty(err));
    }
    return cpu;
}

static void free_cpu(RISCVCPU *cpu)
{
    object_unparent(OBJECT(cpu));
}

/* CSR access at the hart's current privilege; returns 0 or the cause. */
static int csr_rd(CPURISCVState *env, int csrno, uint64_t *v)
{
    return riscv_csr_access(env, csrno, v, 0, 0, false);
}

static int csr_wr(CPURISCVState *env, int csrno, uint64_t v)
{
    uint64_t old;
    return riscv_csr_access(env, csrno, &old, v, ~0ULL, true);
}

static uint64_t csr_get(CPURISCVState *env, int csrno)
{
    uint64_t v = 0xdeadbeef;
    int r = csr_rd(env, csrno, &v);
    if (r) {
        unit_fail(__FILE__, __LINE__, "csr 0x%x read raised %d", csrno, r);
    }
    return v;
}

UNIT_TEST(riscv_reset_state)
{
    RISCVCPU *cpu = new_cpu("hartid=3,resetvec=0x80000000");
    CPURISCVState *env = &cpu->env;

    CHECK_EQ(env->priv, PRV_M);
    CHECK_EQ(env->pc, 0x80000000);
    /* MXL=2 and I M A F D C S U */
    CHECK_EQ(env->misa, 0x800000000014112dULL);
    CHECK_EQ(env->mstatus, 0xa00000000ULL);      /* UXL=SXL=2, MIE=MPRV=0 */
    CHECK_EQ(csr_get(env, CSR_MHARTID), 3);
    CHECK_EQ(csr_get(env, CSR_MISA), env->misa);
    CHECK_EQ(csr_get(env, CSR_MVENDORID), 0);
    CHECK_EQ(env->load_res, (uint64_t)-1);

    /* A machine reset returns to the same state */
    env->priv = PRV_U;
    env->pc = 0x1234;
    env->mstatus |= MSTATUS_MIE;
    device_cold_reset(DEVICE(cpu));
    CHECK_EQ(env->priv, PRV_M);
    CHECK_EQ(env->pc, 0x80000000);
    CHECK_EQ(env->mstatus & MSTATUS_MIE, 0);
    free_cpu(cpu);
}

UNIT_TEST(riscv_isa_string_and_props)
{
    RISCVCPU *cpu = new_cpu(NULL);
    char *isa = riscv_isa_string(cpu);

    CHECK_STREQ(isa, "rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs_sstc");
    g_free(isa);
    free_cpu(cpu);

    cpu = new_cpu(",zba=off,sstc=off,c=off");
    isa = riscv_isa_string(cpu);
    CHECK_STREQ(isa, "rv64imafd_zicntr_zicsr_zifencei_zbb_zbs");
    g_free(isa);
    CHECK_EQ(cpu->env.misa & RVC, 0);
    free_cpu(cpu);

    /* The max model and flag form "zba" */
    cpu = RISCV_CPU(object_new(RISCV_CPU_TYPE_NAME("max")));
    CHECK(riscv_cpu_parse_props(cpu, "zba=off,zba", NULL));
    CHECK(cpu->cfg.ext_zba);
    object_unref(OBJECT(cpu));
}

UNIT_TEST(riscv_bad_props_are_errors)
{
    RISCVCPU *cpu = RISCV_CPU(object_new(TYPE_RISCV_CPU_RV64));
    Error *err = NULL;

    CHECK(!riscv_cpu_parse_props(cpu, "zbx=on", &err));
    CHECK(err != NULL);
    error_free(err);
    err = NULL;
    CHECK(!riscv_cpu_parse_props(cpu, "c=maybe", &err));
    CHECK(err != NULL);
    error_free(err);
    err = NULL;

    /* D without F cannot be realized */
    CHECK(riscv_cpu_parse_props(cpu, "f=off", NULL));
    CHECK(!qdev_realize(DEVICE(cpu), NULL, &err));
    CHECK(err != NULL);
    CHECK(strstr(error_get_pretty(err), "requires F") != NULL);
    error_free(err);
    object_unref(OBJECT(cpu));
}

UNIT_TEST(riscv_csr_privilege_rules)
{
    RISCVCPU *cpu = new_cpu(NULL);
    CPURISCVState *env = &cpu->env;
    uint64_t v;

    /* csr[11:10] == 3: read-only, even when the write mask is zero */
    CHECK_EQ(riscv_csr_access(env, CSR_MHARTID, &v, 0, 0, true), RISCV_EXCP_ILLEGAL_INST);
    CHECK_EQ(riscv_csr_access(env, CSR_MHARTID, &v, 0, 0, false), 0);
    /* riscv_csrrw: a zero mask is a pure read */
    CHECK_EQ(riscv_csrrw(env, CSR_MHARTID, &v, 0, 0), 0);
    CHECK_EQ(riscv_csrrw(env, CSR_MHARTID, &v, 1, 1), RISCV_EXCP_ILLEGAL_INST);

    /* csr[9:8]: lowest privilege */
    env->priv = PRV_S;
    CHECK_EQ(csr_rd(env, CSR_MSTATUS, &v), RISCV_EXCP_ILLEGAL_INST);
    CHECK_EQ(csr_rd(env, CSR_SSTATUS, &v), 0);
    env->priv = PRV_U;
    CHECK_EQ(csr_rd(env, CSR_SSTATUS, &v), RISCV_EXCP_ILLEGAL_INST);
    env->priv = PRV_M;

    /* Unimplemented numbers */
    CHECK_EQ(csr_rd(env, 0x7c0, &v), RISCV_EXCP_ILLEGAL_INST);
    CHECK_EQ(csr_rd(env, 0xc80, &v), RISCV_EXCP_ILLEGAL_INST);   /* cycleh: RV32 only */
    CHECK_EQ(csr_rd(env, CSR_PMPCFG0 + 1, &v), RISCV_EXCP_ILLEGAL_INST);
    CHECK_EQ(csr_get(env, CSR_PMPADDR0 + 20), 0);                /* beyond 16: zero */
    free_cpu(cpu);
}

UNIT_TEST(riscv_status_views)
{
    RISCVCPU *cpu = new_cpu(NULL);
    CPURISCVState *env = &cpu->env;

    CHECK_EQ(csr_wr(env, CSR_MSTATUS, ~0ULL), 0);
    uint64_t m = csr_get(env, CSR_MSTATUS);
    CHECK(m & MSTATUS_MIE);
    CHECK(m & MSTATUS_TSR);
    CHECK_EQ((m >> 32) & 0xf, 0xa);                     /* UXL/SXL read-only */
    CHECK_EQ(m & MSTATUS_XS, 0);
    CHECK_EQ(m & MSTATUS_VS, 0);
    CHECK(m & MSTATUS_SD);                              /* FS = dirty */
    /* MPP = 3 written as part of ~0 */
    CHECK_EQ(extract64(m, 11, 2), 3);

    uint64_t s = csr_get(env, CSR_SSTATUS);
    CHECK_EQ(s & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TSR | MSTATUS_MPRV), 0);
    CHECK(s & MSTATUS_SIE);
    CHECK(s & MSTATUS_SD);

    /* sstatus writes cannot touch M fields */
    CHECK_EQ(csr_wr(env, CSR_SSTATUS, 0), 0);
    m = csr_get(env, CSR_MSTATUS);
    CHECK(m & MSTATUS_MIE);
    CHECK_EQ(m & (MSTATUS_SIE | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_FS), 0);
    CHECK_EQ(m & MSTATUS_SD, 0);

    /* MPP is WARL: the reserved 2 leaves it unchanged */
    CHECK_EQ(csr_wr(env, CSR_MSTATUS, (m & ~MSTATUS_MPP) | (2ULL << 11)), 0);
    CHECK_EQ(extract64(csr_get(env, CSR_MSTATUS), 11, 2), 3);
    free_cpu(cpu);
}

UNIT_TEST(riscv_fp_csrs_follow_fs)
{
    RISCVCPU *cpu = new_cpu(NULL);
    CPURISCVState *env = &cpu->env;
    uint64_t v;

    CHECK_EQ(csr_rd(env, CSR_FCSR, &v), RISCV_EXCP_ILLEGAL_INST);   /* FS off at reset */
    env->mstatus |= 1ULL << 13;                                       /* Initial */
    CHECK_EQ(csr_wr(env, CSR_FCSR, 0xff), 0);
    CHECK_EQ(env->frm, 7);
    CHECK_EQ(env->fflags, 0x1f);
    CHECK_EQ(extract64(env->mstatus, 13, 2), 3);
    CHECK(env->mstatus & MSTATUS_SD);
    CHECK_EQ(csr_get(env, CSR_FRM), 7);
    CHECK_EQ(csr_get(env, CSR_FFLAGS), 0x1f);
    free_cpu(cpu);
}

UNIT_TEST(riscv_interrupt_csr_views)
{
    RISCVCPU *cpu = new_cpu(NULL);
    CPURISCVState *env = &cpu->env;
    uint64_t v;

    CHECK_EQ(csr_wr(env, CSR_MIDELEG, ~0ULL), 0);
    CHECK_EQ(csr_get(env, CSR_MIDELEG), MIP_SSIP | MIP_STIP | MIP_SEIP);
    CHECK_EQ(csr_wr(env, CSR_MEDELEG, ~0ULL), 0);
    CHECK_EQ(csr_get(env, CSR_MEDELEG) & (1ULL << RISCV_EXCP_M_ECALL), 0);
    CHECK(csr_get(env, CSR_MEDELEG) & (1ULL << RISCV_EXCP_U_ECALL));

    CHECK_EQ(csr_wr(env, CSR_MIDELEG, MIP_SSIP | MIP_STIP), 0);
    CHECK_EQ(csr_wr(env, CSR_MIE, 0), 0);
    CHECK_EQ(csr_wr(env, CSR_SIE, ~0ULL), 0);
    CHECK_EQ(env->mie, MIP_SSIP | MIP_STIP);
    CHECK_EQ(csr_wr(env, CSR_MIE, ~0ULL), 0);
    CHECK_EQ(env->mie, MIP_ALL);
    CHECK_EQ(csr_get(env, CSR_SIE), MIP_SSIP | MIP_STIP);

    /* mip: M writes SSIP/STIP/SEIP; MTIP/MSIP/MEIP come from devices */
    CHECK_EQ(csr_wr(env, CSR_MIP, ~0ULL), 0);
    CHECK_EQ(csr_get(env, CSR_MIP), MIP_SSIP | MIP_STIP | MIP_SEIP);
    CHECK_EQ(csr_get(env, CSR_SIP), MIP_SSIP | MIP_STIP);
    /* sip: only SSIP is writable */
    env->priv = PRV_S;
    CHECK_EQ(riscv_csr_access(env, CSR_SIP, &v, 0, MIP_SSIP | MIP_STIP, true), 0);
    CHECK_EQ(csr_get(env, CSR_SIP), MIP_STIP);
    env->priv = PRV_M;

    /* SEIP reads as software bit OR line; csrc acts on the software bit */
    CHECK_EQ(csr_wr(env, CSR_MIP, 0), 0);
    riscv_cpu_update_mip(env, MIP_SEIP, MIP_SEIP);         /* the PLIC line */
    CHECK_EQ(csr_get(env, CSR_MIP) & MIP_SEIP, MIP_SEIP);
    CHECK_EQ(riscv_csr_access(env, CSR_MIP, &v, MIP_SEIP, MIP_SEIP, true), 0);
    riscv_cpu_update_mip(env, MIP_SEIP, 0);
    CHECK_EQ(csr_get(env, CSR_MIP) & MIP_SEIP, MIP_SEIP);  /* software bit holds */
    CHECK_EQ(riscv_csr_access(env, CSR_MIP, &v, 0, MIP_SEIP, true), 0);
    CHECK_EQ(csr_get(env, CSR_MIP) & MIP_SEIP, 0);

    /* A device line sets MTIP; software cannot clear it */
    qemu_set_irq(qdev_get_gpio_in(DEVICE(cpu), IRQ_M_TIMER), 1);
    CHECK(csr_get(env, CSR_MIP) & MIP_MTIP);
    CHECK_EQ(csr_wr(env, CSR_MIP, 0), 0);
    CHECK(csr_get(env, CSR_MIP) & MIP_MTIP);
    qemu_set_irq(qdev_get_gpio_in(DEVICE(cpu), IRQ_M_TIMER), 0);
    CHECK_EQ(csr_get(env, CSR_MIP) & MIP_MTIP, 0);
    free_cpu(cpu);
}

UNIT_TEST(riscv_warl_fields)
{
    RISCVCPU *cpu = new_cpu(NULL);
    CPURISCVState *env = &cpu->env;

    CHECK_EQ(csr_wr(env, CSR_MEPC, 0x80000003), 0);
    CHECK_EQ(csr_get(env, CSR_MEPC), 0x80000002);
    CHECK_EQ(csr_wr(env, CSR_MTVEC, 0x80000101), 0);
    CHECK_EQ(csr_get(env, CSR_MTVEC), 0x80000101);
    CHECK_EQ(csr_wr(env, CSR_MTVEC, 0x80000202), 0);       /* reserved mode */
    CHECK_EQ(csr_get(env, CSR_MTVEC), 0x80000101);
    CHECK_EQ(csr_wr(env, CSR_MISA, 0), 0);                   /* ignored */
    CHECK_EQ(csr_get(env, CSR_MISA), 0x800000000014112dULL);

    /* satp: unsupported modes leave it alone */
    CHECK_EQ(csr_wr(env, CSR_SATP, (10ULL << 60) | 5), 0);
    CHECK_EQ(csr_get(env, CSR_SATP), 0);
    CHECK_EQ(csr_wr(env, CSR_SATP, (9ULL << 60) | (7ULL << 44) | 5), 0);
    CHECK_EQ(csr_get(env, CSR_SATP), (9ULL << 60) | (7ULL << 44) | 5);
    CHECK_EQ(csr_wr(env, CSR_SATP, (1ULL << 60) | 5), 0);
    CHECK_EQ(csr_get(env, CSR_SATP) >> 60, 9);

    /* pmpcfg: R=0/W=1 is reserved, bits 6:5 read zero */
    CHECK_EQ(csr_wr(env, CSR_PMPCFG0, 0x1a | (0x60ULL << 8) | (0x19ULL << 8)), 0);
    CHECK_EQ(csr_get(env, CSR_PMPCFG0), 0x19ULL << 8);
    free_cpu(cpu);

    /* Without C, xepc[1] reads as zero; with Sv39 only, Sv48 is refused */
    cpu = new_cpu("c=off,satp-mode-max=8");
    env = &cpu->env;
    CHECK_EQ(csr_wr(env, CSR_SEPC, 0x80000006), 0);
    CHECK_EQ(csr_get(env, CSR_SEPC), 0x80000004);
    CHECK_EQ(csr_wr(env, CSR_SATP, (9ULL << 60) | 5), 0);
    CHECK_EQ(csr_get(env, CSR_SATP), 0);
    free_cpu(cpu);
}

static uint64_t fake_time;
static uint64_t read_fake_time(void *opaque)
{
    return *(uint64_t *)opaque;
}

UNIT_TEST(riscv_counter_enables)
{
    RISCVCPU *cpu = new_cpu(NULL);
    CPURISCVState *env = &cpu->env;
    uint64_t v;

    /* No time source: time is illegal even in M */
    CHECK_EQ(csr_rd(env, CSR_TIME, &v), RISCV_EXCP_ILLEGAL_INST);
    riscv_cpu_set_rdtime_fn(env, read_fake_time, &fake_time);
    fake_time = 12345;
    CHECK_EQ(csr_get(env, CSR_TIME), 12345);

    env->priv = PRV_S;
    CHECK_EQ(csr_rd(env, CSR_CYCLE, &v), RISCV_EXCP_ILLEGAL_INST);
    env->priv = PRV_M;
    CHECK_EQ(csr_wr(env, CSR_MCOUNTEREN, COUNTEREN_CY | COUNTEREN_TM), 0);
    env->priv = PRV_S;
    CHECK_EQ(csr_rd(env, CSR_CYCLE, &v), 0);
    CHECK_EQ(csr_rd(env, CSR_TIME, &v), 0);
    CHECK_EQ(csr_rd(env, CSR_INSTRET, &v), RISCV_EXCP_ILLEGAL_INST);
    CHECK_EQ(csr_wr(env, CSR_SCOUNTEREN, COUNTEREN_TM), 0);
    env->priv = PRV_U;
    CHECK_EQ(csr_rd(env, CSR_TIME, &v), 0);
    CHECK_EQ(csr_rd(env, CSR_CYCLE, &v), RISCV_EXCP_ILLEGAL_INST);
    env->priv = PRV_M;

    /* mcycle is writable, runs on, and stops under mcountinhibit */
    CHECK_EQ(csr_wr(env, CSR_MCYCLE, 1000000), 0);
    uint64_t a = csr_get(env, CSR_MCYCLE);
    CHECK(a >= 1000000);
    CHECK_EQ(csr_wr(env, CSR_MCOUNTINHIBIT, ~0ULL), 0);
    CHECK_EQ(csr_get(env, CSR_MCOUNTINHIBIT), 0xfffffffdULL);   /* TM bit zero */
    a = csr_get(env, CSR_MCYCLE);
    g_usleep(2000);
    CHECK_EQ(csr_get(env, CSR_MCYCLE), a);
    CHECK_EQ(csr_wr(env, CSR_MINSTRET, 77), 0);
    CHECK_EQ(csr_get(env, CSR_MINSTRET), 77);
    CHECK_EQ(csr_get(env, CSR_MHPMCOUNTER3 + 4), 0);
    free_cpu(cpu);
}

UNIT_TEST(riscv_sstc)
{
    RISCVCPU *cpu = new_cpu(NULL);
    CPURISCVState *env = &cpu->env;
    uint64_t v;

    riscv_cpu_set_rdtime_fn(env, read_fake_time, &fake_time);
    fake_time = 1000;
    /* S-mode needs STCE and TM */
    env->priv = PRV_S;
    CHECK_EQ(csr_rd(env, CSR_STIMECMP, &v), RISCV_EXCP_ILLEGAL_INST);
    env->priv = PRV_M;
    CHECK_EQ(csr_wr(env, CSR_MENVCFG, MENVCFG_STCE | ENVCFG_FIOM), 0);
    CHECK_EQ(csr_wr(env, CSR_MCOUNTEREN, COUNTEREN_TM), 0);
    env->priv = PRV_S;
    CHECK_EQ(csr_wr(env, CSR_STIMECMP, 999), 0);
    CHECK(env->mip & MIP_STIP);                         /* time >= stimecmp */
    CHECK_EQ(csr_wr(env, CSR_STIMECMP, 5000), 0);
    CHECK_EQ(env->mip & MIP_STIP, 0);
    env->priv = PRV_M;
    /* With STCE, STIP is not software-writable */
    CHECK_EQ(csr_wr(env, CSR_MIP, MIP_STIP), 0);
    CHECK_EQ(env->mip & MIP_STIP, 0);
    /* The comparator re-evaluates when asked (timer callback) */
    fake_time = 6000;
    riscv_stimer_cb(env);
    CHECK(env->mip & MIP_STIP);
    CHECK_EQ(csr_wr(env, CSR_MENVCFG, 0), 0);
    CHECK_EQ(env->mip & MIP_STIP, 0);
    CHECK_EQ(csr_wr(env, CSR_MIP, MIP_STIP), 0);
    CHECK(env->mip & MIP_STIP);
    free_cpu(cpu);
}

UNIT_TEST(riscv_xret_helpers)
{
    RISCVCPU *cpu = new_cpu(NULL);
    CPURISCVState *env = &cpu->env;

    /* mret to S: MIE <- MPIE, MPIE <- 1, MPP <- U, MPRV cleared */
    env->mstatus |= MSTATUS_MPIE | MSTATUS_MPRV;
    env->mstatus = deposit64(env->mstatus, 11, 2, PRV_S);
    env->mepc = 0x80001000;
    env->load_res = 0x80000000;
    CHECK_EQ(helper_mret(env), 0x80001000);
    CHECK_EQ(env->priv, PRV_S);
    CHECK(env->mstatus & MSTATUS_MIE);
    CHECK(env->mstatus & MSTATUS_MPIE);
    CHECK_EQ(extract64(env->mstatus, 11, 2), PRV_U);
    CHECK_EQ(env->mstatus & MSTATUS_MPRV, 0);
    CHECK_EQ(env->load_res, (uint64_t)-1);

    /* sret to U: SIE <- SPIE, SPIE <- 1, SPP <- U */
    env->mstatus |= MSTATUS_SPIE;
    env->mstatus &= ~(MSTATUS_SPP | MSTATUS_SIE);
    env->sepc = 0x2000;
    CHECK_EQ(helper_sret(env), 0x2000);
    CHECK_EQ(env->priv, PRV_U);
    CHECK(env->mstatus & MSTATUS_SIE);
    CHECK(env->mstatus & MSTATUS_SPIE);

    /* mret staying in M keeps MPRV */
    env->priv = PRV_M;
    env->mstatus |= MSTATUS_MPRV | MSTATUS_MPP;
    helper_mret(env);
    CHECK_EQ(env->priv, PRV_M);
    CHECK(env->mstatus & MSTATUS_MPRV);
    free_cpu(cpu);
}

UNIT_TEST(riscv_dump_state_layout)
{
    RISCVCPU *cpu = new_cpu("resetvec=0x80000000,hartid=1");
    CPUState *cs = CPU(cpu);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    cpu->env.gpr[2] = 0x1234;
    cs->tcg_ops->dump_state(cs, f);
    fclose(f);
    /* QEMU's "info registers" layout: one CSR per line, then 4 GPRs a line */
    CHECK(g_str_has_prefix(text, " pc       0000000080000000\n"
                                 " mhartid  0000000000000001\n"
                                 " mstatus  0000000a00000000\n"));
    CHECK(strstr(text, " x0/zero  0000000000000000 x1/ra    0000000000000000"
                       " x2/sp    0000000000001234 x3/gp    0000000000000000\n") != NULL);
    CHECK(strstr(text, " f31/ft11 ") != NULL);
    free(text);
    free_cpu(cpu);
}

UNIT_TEST(riscv_m_only_hart)
{
    RISCVCPU *cpu = new_cpu("s=off,u=off,mmu=off,sstc=off");
    CPURISCVState *env = &cpu->env;
    uint64_t v;
    char *isa = riscv_isa_string(cpu);

    CHECK_STREQ(isa, "rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs");
    g_free(isa);
    CHECK_EQ(env->misa & (RVS | RVU), 0);
    CHECK_EQ(env->mstatus & (MSTATUS_UXL | MSTATUS_SXL), 0);
    CHECK_EQ(csr_rd(env, CSR_SSTATUS, &v), RISCV_EXCP_ILLEGAL_INST);
    CHECK_EQ(csr_rd(env, CSR_SATP, &v), RISCV_EXCP_ILLEGAL_INST);
    CHECK_EQ(csr_rd(env, CSR_MEDELEG, &v), RISCV_EXCP_ILLEGAL_INST);
    /* MPP can only hold M; mret stays in M */
    CHECK_EQ(csr_wr(env, CSR_MSTATUS, MSTATUS_SUM | MSTATUS_MPRV | MSTATUS_SIE), 0);
    CHECK_EQ(csr_get(env, CSR_MSTATUS) & (MSTATUS_SUM | MSTATUS_MPRV | MSTATUS_SIE), 0);
    CHECK_EQ(extract64(csr_get(env, CSR_MSTATUS), 11, 2), PRV_M);
    env->mepc = 0x80000000;
    CHECK_EQ(helper_mret(env), 0x80000000);
    CHECK_EQ(env->priv, PRV_M);
    CHECK_EQ(extract64(env->mstatus, 11, 2), PRV_M);
    free_cpu(cpu);
}
