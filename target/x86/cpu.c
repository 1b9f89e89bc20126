/*
 * x86_64 CPU objects: the abstract "x86_64-cpu" type, its models, the
 * power-on register state and the register dump.
 */
#include "core/osdep.h"
#include "target/x86/cpu.h"
#include "accel/kvm/kvm.h"

/* SDM vol. 3 §8.9.1: each topology level gets the bits its count needs. */
static unsigned bits_for(unsigned count)
{
    unsigned bits = 0;

    while ((1u << bits) < count) {
        bits++;
    }
    return bits;
}

unsigned x86_apicid_core_offset(unsigned threads)
{
    return bits_for(threads ? threads : 1);
}

unsigned x86_apicid_pkg_offset(unsigned cores, unsigned threads)
{
    return x86_apicid_core_offset(threads) + bits_for(cores ? cores : 1);
}

uint32_t x86_apic_id_from_index(unsigned index, unsigned cores, unsigned threads)
{
    unsigned t = threads ? threads : 1, c = cores ? cores : 1;
    unsigned thread = index % t;
    unsigned core = (index / t) % c;
    unsigned pkg = index / (t * c);

    return (pkg << x86_apicid_pkg_offset(c, t)) | (core << x86_apicid_core_offset(t)) |
           thread;
}

static void seg_real(struct kvm_segment *s, uint16_t selector, uint64_t base, uint8_t type)
{
    *s = (struct kvm_segment){
        .base = base, .limit = 0xffff, .selector = selector, .type = type,
        .present = 1, .s = 1,
    };
}

void x86_cpu_reset_state(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;

    memset(env, 0, sizeof(*env));
    /*
     * SDM vol. 3 §9.1.1 table 9-1 (state after RESET): real mode, CS
     * selector F000 with base FFFF0000 so the first fetch is at FFFFFFF0.
     */
    env->regs.rip = 0xfff0;
    env->regs.rflags = 0x2;
    env->regs.rdx = 0x600;           /* processor signature (family 6) */
    seg_real(&env->sregs.cs, 0xf000, 0xffff0000, 0xb);  /* code, RX, accessed */
    seg_real(&env->sregs.ds, 0, 0, 3);                   /* data, RW, accessed */
    seg_real(&env->sregs.es, 0, 0, 3);
    seg_real(&env->sregs.ss, 0, 0, 3);
    seg_real(&env->sregs.fs, 0, 0, 3);
    seg_real(&env->sregs.gs, 0, 0, 3);
    env->sregs.ldt = (struct kvm_segment){ .limit = 0xffff, .type = 2, .present = 1 };
    env->sregs.tr = (struct kvm_segment){ .limit = 0xffff, .type = 11, .present = 1 };
    env->sregs.gdt.limit = 0xffff;
    env->sregs.idt.limit = 0xffff;
    env->sregs.cr0 = CR0_CD | CR0_NW | CR0_ET;          /* 0x60000010 */
    env->sregs.apic_base = APIC_DEFAULT_ADDRESS | MSR_IA32_APICBASE_ENABLE |
                           (cpu->is_bsp ? MSR_IA32_APICBASE_BSP : 0);
    /* x87 FINIT state; MXCSR default (SDM vol. 1 §10.2.3.1). */
    env->fpu.fcw = 0x37f;
    env->fpu.mxcsr = 0x1f80;
    env->xcr0 = 1;                   /* x87 only, as after RESET */
    /* APs wait for INIT/SIPI in the in-kernel LAPIC (MP spec 1.4 §B.4). */
    env->mp_state = cpu->is_bsp ? KVM_MP_STATE_RUNNABLE : KVM_MP_STATE_UNINITIALIZED;
    if (cpu->boot_hook) {
        cpu->boot_hook(cpu, cpu->boot_opaque);
    }
}

static void x86_cpu_reset(DeviceState *dev)
{
    X86CPU *cpu = X86_CPU(dev);

    x86_cpu_reset_state(cpu);
    kvm_cpu_mark_dirty(CPU(cpu));
}

static void x86_cpu_realize(DeviceState *dev, Error **errp)
{
    CPUState *cs = CPU(dev);
    X86CPU *cpu = X86_CPU(dev);
    Error *err = NULL;

    cs->env_ptr = &cpu->env;
    cpu_exec_realizefn(cs, &err);
    if (err) {
        error_propagate(errp, err);
        return;
    }
    if (!cpu->nr_cores) {
        cpu->nr_cores = 1;
    }
    if (!cpu->nr_threads) {
        cpu->nr_threads = 1;
    }
    cpu->is_bsp = cs->cpu_index == 0;
    x86_cpu_reset_state(cpu);
}

static void x86_cpu_finalize(Object *obj)
{
    X86CPU *cpu = X86_CPU(obj);

    g_free(cpu->cpuid);
}

static const Property x86_cpu_props[] = {
    DEFINE_PROP_UINT32("apic-id", X86CPU, apic_id, 0),
    DEFINE_PROP_UINT32("nr-cores", X86CPU, nr_cores, 1),
    DEFINE_PROP_UINT32("nr-threads", X86CPU, nr_threads, 1),
    DEFINE_PROP_END_OF_LIST(),
};

static void x86_cpu_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = x86_cpu_realize;
    dc->reset = x86_cpu_reset;
    dc->category = DEVICE_CATEGORY_CPU;
    dc->desc = "x86_64 CPU (KVM)";
    object_class_set_props(oc, x86_cpu_props);
}

static void x86_model_class_init(ObjectClass *oc, void *data)
{
    X86CPUClass *xc = X86_CPU_CLASS(oc);

    xc->model = (X86CPUModelKind)(uintptr_t)data;
    xc->model_name = xc->model == X86_MODEL_HOST ? "host" : "qemu64";
}

static const TypeInfo x86_cpu_type = {
    .name = TYPE_X86_CPU,
    .parent = TYPE_CPU,
    .instance_size = sizeof(X86CPU),
    .class_size = sizeof(X86CPUClass),
    .abstract = true,
    .class_init = x86_cpu_class_init,
    .instance_finalize = x86_cpu_finalize,
};

static const TypeInfo x86_model_types[] = {
    {
        .name = X86_CPU_TYPE_NAME("qemu64"),
        .parent = TYPE_X86_CPU,
        .desc = "QEMU Virtual CPU version 2.5+",
        .class_init = x86_model_class_init,
        .class_data = (void *)(uintptr_t)X86_MODEL_QEMU64,
    },
    {
        .name = X86_CPU_TYPE_NAME("host"),
        .parent = TYPE_X86_CPU,
        .desc = "KVM processor with all supported host features",
        .class_init = x86_model_class_init,
        .class_data = (void *)(uintptr_t)X86_MODEL_HOST,
    },
};

void x86_cpu_list(FILE *f)
{
    fprintf(f, "Available CPUs:\n");
    for (size_t i = 0; i < ARRAY_SIZE(x86_model_types); i++) {
        const char *name = x86_model_types[i].name;
        size_t len = strlen(name) - strlen(X86_CPU_TYPE_SUFFIX);

        fprintf(f, "x86 %-16.*s %s\n", (int)len, name, x86_model_types[i].desc);
    }
}

static void x86_cpu_register_types(void)
{
    type_register_static(&x86_cpu_type);
    for (size_t i = 0; i < ARRAY_SIZE(x86_model_types); i++) {
        type_register_static(&x86_model_types[i]);
    }
}

type_init(x86_cpu_register_types)

/* ---------------------------------------------------------------- dump */

static void dump_seg(FILE *f, const char *name, const struct kvm_segment *s)
{
    /* QEMU's layout: selector base limit flags (descriptor bits 8-23). */
    uint32_t flags = (s->type << 8) | (s->s << 12) | (s->dpl << 13) | (s->present << 15) |
                     (s->avl << 20) | (s->l << 21) | (s->db << 22) | (s->g << 23);

    fprintf(f, "%-3s=%04x %016llx %08x %08x\n", name, s->selector,
            (unsigned long long)s->base, s->limit, flags);
}

void x86_cpu_dump_env(const CPUX86State *env, FILE *f)
{
    const struct kvm_regs *r = &env->regs;
    const struct kvm_sregs *s = &env->sregs;
    unsigned long long fl = r->rflags;

    fprintf(f, "RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n",
            r->rax, r->rbx, r->rcx, r->rdx);
    fprintf(f, "RSI=%016llx RDI=%016llx RBP=%016llx RSP=%016llx\n",
            r->rsi, r->rdi, r->rbp, r->rsp);
    fprintf(f, "R8 =%016llx R9 =%016llx R10=%016llx R11=%016llx\n",
            r->r8, r->r9, r->r10, r->r11);
    fprintf(f, "R12=%016llx R13=%016llx R14=%016llx R15=%016llx\n",
            r->r12, r->r13, r->r14, r->r15);
    fprintf(f, "RIP=%016llx RFL=%08llx [%c%c%c%c%c%c%c] CPL=%d\n", r->rip, fl,
            fl & 0x800 ? 'O' : '-', fl & 0x400 ? 'D' : '-', fl & 0x80 ? 'S' : '-',
            fl & 0x40 ? 'Z' : '-', fl & 0x10 ? 'A' : '-', fl & 0x4 ? 'P' : '-',
            fl & 0x1 ? 'C' : '-', s->cs.dpl);
    dump_seg(f, "ES", &s->es);
    dump_seg(f, "CS", &s->cs);
    dump_seg(f, "SS", &s->ss);
    dump_seg(f, "DS", &s->ds);
    dump_seg(f, "FS", &s->fs);
    dump_seg(f, "GS", &s->gs);
    dump_seg(f, "LDT", &s->ldt);
    dump_seg(f, "TR", &s->tr);
    fprintf(f, "GDT=     %016llx %08x\n", s->gdt.base, s->gdt.limit);
    fprintf(f, "IDT=     %016llx %08x\n", s->idt.base, s->idt.limit);
    fprintf(f, "CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx\n", s->cr0, s->cr2, s->cr3,
            s->cr4);
    fprintf(f, "EFER=%016llx APICBASE=%016llx\n", s->efer, s->apic_base);
}
