/*
 * The RISC-V hart as a device: the abstract "riscv-cpu" type and its models
 * ("rv64", "max"), the extension properties, realize and reset, the ISA
 * string for the device tree, the JIT hooks (TCGCPUOps) and "info
 * registers" / -d cpu output.
 */
#include "core/osdep.h"
#include "core/log.h"
#include "target/riscv/internals.h"
#include "target/riscv/translate.h"
#include "target/riscv/interp-tier.h"

/* ---- configuration ---- */

uint64_t riscv_cfg_to_misa(const RISCVCPUConfig *cfg)
{
    uint64_t misa = MXL_RV64 << 62;       /* §3.1.1: MXL = 2, XLEN 64 */

    misa |= cfg->ext_i ? RVI : 0;
    misa |= cfg->ext_m ? RVM : 0;
    misa |= cfg->ext_a ? RVA : 0;
    misa |= cfg->ext_f ? RVF : 0;
    misa |= cfg->ext_d ? RVD : 0;
    misa |= cfg->ext_c ? RVC : 0;
    misa |= cfg->ext_s ? RVS : 0;
    misa |= cfg->ext_u ? RVU : 0;
    return misa;
}

/*
 * Unprivileged spec ch. "ISA Extension Naming Conventions": single letters
 * in canonical order, then Z extensions grouped by the category letter that
 * follows Z (in canonical order) and alphabetical within a group, then S
 * extensions alphabetically.
 */
char *riscv_isa_string(RISCVCPU *cpu)
{
    const RISCVCPUConfig *c = &cpu->cfg;
    const struct {
        bool on;
        const char *name;
    } multi[] = {
        {c->ext_zicntr, "zicntr"}, {c->ext_zicsr, "zicsr"},
        {c->ext_zifencei, "zifencei"},
        {c->ext_zba, "zba"}, {c->ext_zbb, "zbb"}, {c->ext_zbs, "zbs"},
        {c->ext_sstc, "sstc"},
    };
    GString *s = g_string_new("rv64");

    if (c->ext_i) {
        g_string_append_c(s, 'i');
    }
    if (c->ext_m) {
        g_string_append_c(s, 'm');
    }
    if (c->ext_a) {
        g_string_append_c(s, 'a');
    }
    if (c->ext_f) {
        g_string_append_c(s, 'f');
    }
    if (c->ext_d) {
        g_string_append_c(s, 'd');
    }
    if (c->ext_c) {
        g_string_append_c(s, 'c');
    }
    for (size_t i = 0; i < ARRAY_SIZE(multi); i++) {
        if (multi[i].on) {
            g_string_append_printf(s, "_%s", multi[i].name);
        }
    }
    return g_string_free(s, false);
}

bool riscv_cpu_parse_props(RISCVCPU *cpu, const char *props, Error **errp)
{
    gchar **items;
    bool ok = true;

    if (!props) {
        return true;
    }
    items = g_strsplit(props, ",", -1);
    for (int i = 0; items[i] && ok; i++) {
        char *item = items[i];
        char *eq = strchr(item, '=');
        if (!*item) {
            continue;                  /* ",zba=on" starts with an empty item */
        }
        if (eq) {
            *eq = '\0';
            ok = object_property_parse(OBJECT(cpu), item, eq + 1, errp);
        } else {
            /* "-cpu rv64,zba" means zba=on, as for other flag options */
            ok = object_property_parse(OBJECT(cpu), item, "on", errp);
        }
    }
    g_strfreev(items);
    return ok;
}

/* Dependencies between extensions (the combinations we can run). */
static bool riscv_cpu_validate(RISCVCPU *cpu, Error **errp)
{
    const RISCVCPUConfig *c = &cpu->cfg;

    if (!c->ext_i) {
        error_setg(errp, "riscv-cpu: the I extension cannot be disabled (no RV64E)");
        return false;
    }
    if (c->ext_d && !c->ext_f) {
        error_setg(errp, "riscv-cpu: D extension requires F extension");
        return false;
    }
    if ((c->ext_f || c->ext_zicntr || c->ext_sstc || c->ext_s) && !c->ext_zicsr) {
        error_setg(errp, "riscv-cpu: F, S, Zicntr and Sstc require Zicsr");
        return false;
    }
    if (c->ext_s && !c->ext_u) {
        error_setg(errp, "riscv-cpu: S-mode requires U-mode");
        return false;
    }
    if ((c->mmu || c->ext_sstc) && !c->ext_s) {
        error_setg(errp, "riscv-cpu: mmu and Sstc require S-mode");
        return false;
    }
    if (c->satp_mode_max != SATP_MODE_SV39 && c->satp_mode_max != SATP_MODE_SV48) {
        error_setg(errp, "riscv-cpu: satp-mode-max must be 8 (Sv39) or 9 (Sv48), not %u",
                   c->satp_mode_max);
        return false;
    }
    return true;
}

void riscv_cpu_set_rdtime_fn(CPURISCVState *env, uint64_t (*fn)(void *), void *opaque)
{
    env->rdtime_fn = fn;
    env->rdtime_opaque = opaque;
}

void riscv_cpu_set_timebase_freq(CPURISCVState *env, uint64_t hz)
{
    env->timebase_freq = hz;
}

/* ---- reset ---- */

void riscv_cpu_reset_env(RISCVCPU *cpu)
{
    CPURISCVState *env = &cpu->env;
    CPUState *cs = CPU(cpu);

    /* §3.4: M-mode, MIE = MPRV = 0, misa at its maximal setting, pc = resetvec */
    memset(env->gpr, 0, sizeof(env->gpr));
    memset(env->fpr, 0, sizeof(env->fpr));
    env->pc = env->resetvec;
    env->load_res = -1;
    env->load_val = 0;
    env->frm = 0;
    env->fflags = 0;
    env->priv = PRV_M;
    env->misa = riscv_cfg_to_misa(&cpu->cfg);
    env->mstatus = deposit64(deposit64(0, 32, 2, cpu->cfg.ext_u ? MXL_RV64 : 0), 34, 2,
                             cpu->cfg.ext_s ? MXL_RV64 : 0);
    if (!cpu->cfg.ext_u) {
        env->mstatus |= MSTATUS_MPP;        /* M is the only legal MPP */
    }
    /* Bits driven by device lines keep the lines' levels; devices may be
     * reset before or after the hart.  Software-written bits clear. */
    env->mip &= MIP_MSIP | MIP_MTIP | MIP_MEIP | MIP_SEIP;
    env->mip_sw_seip = 0;
    env->mie = 0;
    env->mideleg = env->medeleg = 0;
    env->mtvec = env->stvec = 0;
    env->mepc = env->sepc = 0;
    env->mcause = env->scause = 0;
    env->mtval = env->stval = 0;
    env->mscratch = env->sscratch = 0;
    env->satp = 0;
    env->mcounteren = env->scounteren = 0;
    env->mcountinhibit = 0;
    env->menvcfg = env->senvcfg = 0;
    env->stimecmp = UINT64_MAX;
    env->mcycle_base = env->minstret_base = 0;
    memset(env->pmpcfg, 0, sizeof(env->pmpcfg));      /* §3.7.1: L and A reset */
    memset(env->pmpaddr, 0, sizeof(env->pmpaddr));
    if (env->stimer) {
        timer_del(env->stimer);
    }
    cs->halted = false;
    cs->exception_index = EXCP_NONE;
    cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
    tlb_flush(cs);
    qemu_log_mask(CPU_LOG_RESET, "riscv: reset hart %" PRIu64 " pc=0x%" PRIx64 "\n",
                  env->mhartid, env->pc);
}

static void riscv_cpu_reset(DeviceState *dev)
{
    riscv_cpu_reset_env(RISCV_CPU(dev));
}

/* ---- interrupt lines ---- */

static void riscv_cpu_set_irq(void *opaque, int irq, int level)
{
    RISCVCPU *cpu = RISCV_CPU(opaque);
    uint64_t bit = 1ULL << irq;

    if (!(bit & MIP_ALL) || irq == IRQ_S_TIMER) {
        /* STIP belongs to software (or Sstc); no device drives it */
        qemu_log_mask(LOG_GUEST_ERROR, "riscv-cpu: no interrupt line %d\n", irq);
        return;
    }
    riscv_cpu_update_mip(&cpu->env, bit, level ? bit : 0);
}

/* ---- realize ---- */

static void riscv_cpu_realize(DeviceState *dev, Error **errp)
{
    static bool translator_ready;
    RISCVCPU *cpu = RISCV_CPU(dev);
    CPURISCVState *env = &cpu->env;
    CPUState *cs = CPU(dev);
    Error *err = NULL;

    if (!riscv_cpu_validate(cpu, errp)) {
        return;
    }
    if (!translator_ready) {
        riscv_translate_init();
        translator_ready = true;
    }
    env->misa = riscv_cfg_to_misa(&cpu->cfg);
    qdev_init_gpio_in(dev, riscv_cpu_set_irq, IRQ_M_EXT + 1);
    env->stimer = timer_new_ns(QEMU_CLOCK_VIRTUAL, riscv_stimer_cb, env);
    cpu_exec_realizefn(cs, &err);
    if (err) {
        error_propagate(errp, err);
        return;
    }
    riscv_cpu_reset_env(cpu);
}

/* ---- JIT hooks ---- */

static void riscv_get_tb_cpu_state(CPUState *cs, vaddr *pc, uint32_t *flags)
{
    CPURISCVState *env = cs->env_ptr;
    uint32_t f = 0;

    *pc = env->pc;
    f |= (uint32_t)env->priv << TB_FLAGS_PRIV_SHIFT;
    f |= (uint32_t)riscv_env_mmu_index(env, false) << TB_FLAGS_MEM_IDX_SHIFT;
    if (riscv_has_ext(env, RVF)) {
        f |= (uint32_t)extract64(env->mstatus, MSTATUS_FS_SHIFT, 2) << TB_FLAGS_FS_SHIFT;
    }
    f |= (env->mstatus & MSTATUS_TVM) ? 1u << TB_FLAGS_TVM : 0;
    f |= (env->mstatus & MSTATUS_TW) ? 1u << TB_FLAGS_TW : 0;
    f |= (env->mstatus & MSTATUS_TSR) ? 1u << TB_FLAGS_TSR : 0;
    f |= env->frm == 0 ? 1u << TB_FLAGS_FRM_RNE : 0;       /* RNE (11.2) */
    *flags = f;
}

static int riscv_cpu_mmu_index(CPUState *cs, bool ifetch)
{
    return riscv_env_mmu_index(cs->env_ptr, ifetch);
}

static void riscv_restore_state_to_opc(CPUState *cs, const TranslationBlock *tb,
                                       const uint64_t *data)
{
    CPURISCVState *env = cs->env_ptr;
    env->pc = data[0];
}

static const char *const gpr_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1",
    "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const fpr_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* "-d cpu" / "info registers", in QEMU's layout. */
static void riscv_cpu_dump_state(CPUState *cs, FILE *f)
{
    CPURISCVState *env = cs->env_ptr;
    const struct {
        const char *name;
        uint64_t val;
    } csrs[] = {
        {"mhartid", env->mhartid}, {"mstatus", env->mstatus},
        {"mip", riscv_cpu_mip_effective(env)}, {"mie", env->mie},
        {"mideleg", env->mideleg}, {"medeleg", env->medeleg},
        {"mtvec", env->mtvec}, {"stvec", env->stvec}, {"mepc", env->mepc},
        {"sepc", env->sepc}, {"mcause", env->mcause}, {"scause", env->scause},
        {"mtval", env->mtval}, {"stval", env->stval},
        {"mscratch", env->mscratch}, {"sscratch", env->sscratch},
        {"satp", env->satp},
    };

    fprintf(f, " %-8s %016" PRIx64 "\n", "pc", env->pc);
    for (size_t i = 0; i < ARRAY_SIZE(csrs); i++) {
        fprintf(f, " %-8s %016" PRIx64 "\n", csrs[i].name, csrs[i].val);
    }
    for (int i = 0; i < 32; i++) {
        char name[16];
        snprintf(name, sizeof(name), "x%d/%s", i, gpr_names[i]);
        fprintf(f, " %-8s %016" PRIx64 "%s", name, env->gpr[i], (i & 3) == 3 ? "\n" : "");
    }
    if (riscv_has_ext(env, RVF)) {
        for (int i = 0; i < 32; i++) {
            char name[16];
            snprintf(name, sizeof(name), "f%d/%s", i, fpr_names[i]);
            fprintf(f, " %-8s %016" PRIx64 "%s", name, env->fpr[i],
                    (i & 3) == 3 ? "\n" : "");
        }
    }
}

static const TCGCPUOps riscv_tcg_ops = {
    .get_tb_cpu_state = riscv_get_tb_cpu_state,
    .translate_code = riscv_translate_code,
    .cpu_exec_interrupt = riscv_cpu_exec_interrupt,
    .do_interrupt = riscv_cpu_do_interrupt,
    .mmu_index = riscv_cpu_mmu_index,
    .has_work = riscv_cpu_has_work,
    .tlb_fill = riscv_cpu_tlb_fill,
    .do_unaligned_access = riscv_cpu_do_unaligned_access,
    .do_transaction_failed = riscv_cpu_do_transaction_failed,
    .restore_state_to_opc = riscv_restore_state_to_opc,
    .interp_block = riscv_interp_block,
    .disas_log = riscv_disas_log,
    .dump_state = riscv_cpu_dump_state,
};

/* ---- types ---- */

static const Property riscv_cpu_props[] = {
    DEFINE_PROP_UINT64("hartid", RISCVCPU, env.mhartid, 0),
    DEFINE_PROP_UINT64("resetvec", RISCVCPU, env.resetvec, 0x1000),
    DEFINE_PROP_UINT64("timebase-frequency", RISCVCPU, env.timebase_freq, 10000000),
    DEFINE_PROP_BOOL("i", RISCVCPU, cfg.ext_i, true),
    DEFINE_PROP_BOOL("m", RISCVCPU, cfg.ext_m, true),
    DEFINE_PROP_BOOL("a", RISCVCPU, cfg.ext_a, true),
    DEFINE_PROP_BOOL("f", RISCVCPU, cfg.ext_f, true),
    DEFINE_PROP_BOOL("d", RISCVCPU, cfg.ext_d, true),
    DEFINE_PROP_BOOL("c", RISCVCPU, cfg.ext_c, true),
    DEFINE_PROP_BOOL("s", RISCVCPU, cfg.ext_s, true),
    DEFINE_PROP_BOOL("u", RISCVCPU, cfg.ext_u, true),
    DEFINE_PROP_BOOL("zicsr", RISCVCPU, cfg.ext_zicsr, true),
    DEFINE_PROP_BOOL("zifencei", RISCVCPU, cfg.ext_zifencei, true),
    DEFINE_PROP_BOOL("zicntr", RISCVCPU, cfg.ext_zicntr, true),
    DEFINE_PROP_BOOL("zba", RISCVCPU, cfg.ext_zba, true),
    DEFINE_PROP_BOOL("zbb", RISCVCPU, cfg.ext_zbb, true),
    DEFINE_PROP_BOOL("zbs", RISCVCPU, cfg.ext_zbs, true),
    DEFINE_PROP_BOOL("sstc", RISCVCPU, cfg.ext_sstc, true),
    DEFINE_PROP_BOOL("mmu", RISCVCPU, cfg.mmu, true),
    DEFINE_PROP_BOOL("pmp", RISCVCPU, cfg.pmp, true),
    DEFINE_PROP_UINT8("satp-mode-max", RISCVCPU, cfg.satp_mode_max, SATP_MODE_SV48),
    DEFINE_PROP_END_OF_LIST(),
};

static void riscv_cpu_instance_init(Object *obj)
{
    RISCVCPU *cpu = RISCV_CPU(obj);
    CPUState *cs = CPU(obj);

    cs->env_ptr = &cpu->env;
    cs->tcg_ops = &riscv_tcg_ops;
    cpu->env.load_res = -1;
}

static void riscv_cpu_instance_finalize(Object *obj)
{
    RISCVCPU *cpu = RISCV_CPU(obj);

    if (cpu->env.stimer) {
        timer_free(cpu->env.stimer);
        cpu->env.stimer = NULL;
    }
}

static void riscv_cpu_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    CPUClass *cc = CPU_CLASS(klass);

    dc->realize = riscv_cpu_realize;
    dc->reset = riscv_cpu_reset;
    dc->category = DEVICE_CATEGORY_CPU;
    dc->desc = "RISC-V hart";
    cc->tcg_ops = &riscv_tcg_ops;
    object_class_set_props(klass, riscv_cpu_props);
}

static const TypeInfo riscv_cpu_type_info = {
    .name = TYPE_RISCV_CPU,
    .parent = TYPE_CPU,
    .instance_size = sizeof(RISCVCPU),
    .abstract = true,
    .class_init = riscv_cpu_class_init,
    .instance_init = riscv_cpu_instance_init,
    .instance_finalize = riscv_cpu_instance_finalize,
};

static const TypeInfo riscv_cpu_models[] = {
    {
        .name = TYPE_RISCV_CPU_RV64,
        .parent = TYPE_RISCV_CPU,
        .desc = "RV64GC_Zba_Zbb_Zbs_Sstc hart with M/S/U, Sv39/Sv48 and PMP",
    },
    {
        .name = RISCV_CPU_TYPE_NAME("max"),
        .parent = TYPE_RISCV_CPU,
        .desc = "every extension this emulator implements",
    },
};

static void riscv_cpu_register_types(void)
{
    type_register_static(&riscv_cpu_type_info);
    for (size_t i = 0; i < ARRAY_SIZE(riscv_cpu_models); i++) {
        type_register_static(&riscv_cpu_models[i]);
    }
}

type_init(riscv_cpu_register_types)
