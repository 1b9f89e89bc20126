/*
 * The x86 side of the KVM accelerator: VM setup (TSS, identity map,
 * in-kernel irqchip and PIT), vCPU setup (CPUID, MSRs) and moving the
 * architectural state between the CPU object and KVM.
 *
 * api.rst §4.20 KVM_SET_TSS_ADDR, §4.56 KVM_SET_IDENTITY_MAP_ADDR (both are
 * needed by VT-x hosts to run real mode; they sit in the last pages below
 * 4 GiB, reserved in the e820 map), §4.24 KVM_CREATE_IRQCHIP, §4.69
 * KVM_CREATE_PIT2, §4.18 KVM_SET_MSRS, §4.57 KVM_SET_LAPIC, §4.38
 * KVM_SET_MP_STATE.
 */
#include "core/osdep.h"
#include "accel/kvm/kvm.h"
#include "target/x86/cpu.h"
#include "hw/core/machine.h"

/* The same place QEMU uses, reserved in our e820 maps (hw/x86). */
#define KVM_IDENTITY_MAP_ADDR 0xfeffc000ULL
#define KVM_TSS_ADDR (KVM_IDENTITY_MAP_ADDR + 0x1000)

/* MSRs set at reset (SDM vol. 4 table 2-2). */
#define MSR_IA32_TSC 0x10
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_PAT 0x277
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_FMASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MISC_ENABLE_FAST_STRING 1ULL
#define PAT_RESET 0x0007040600070406ULL

/* LAPIC register offsets (SDM vol. 3 table 10-1). */
#define APIC_ID 0x20
#define APIC_LDR 0xd0
#define APIC_DFR 0xe0
#define APIC_SVR 0xf0
#define APIC_LVTT 0x320
#define APIC_LVT0 0x350
#define APIC_LVTERR 0x370
#define APIC_LVT_MASKED (1u << 16)
#define APIC_DM_EXTINT (7u << 8)

static struct kvm_cpuid2 *supported_cpuid;
static struct kvm_msr_list *msr_list;

bool kvm_arch_init(MachineState *ms, KVMState *s, Error **errp)
{
    uint64_t idmap = KVM_IDENTITY_MAP_ADDR;
    struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
    int ret;

    if (kvm_check_extension(s, KVM_CAP_SET_IDENTITY_MAP_ADDR)) {
        ret = kvm_vm_ioctl(s, KVM_SET_IDENTITY_MAP_ADDR, &idmap);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: KVM_SET_IDENTITY_MAP_ADDR failed");
            return false;
        }
    }
    ret = kvm_vm_ioctl(s, KVM_SET_TSS_ADDR, (void *)(uintptr_t)KVM_TSS_ADDR);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_SET_TSS_ADDR failed");
        return false;
    }
    if (!kvm_check_extension(s, KVM_CAP_IRQCHIP)) {
        error_set_class(errp, ERROR_CLASS_KVM_MISSING_CAP,
                        "kvm: the host has no in-kernel irqchip (KVM_CAP_IRQCHIP)");
        return false;
    }
    ret = kvm_vm_ioctl(s, KVM_CREATE_IRQCHIP, NULL);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_CREATE_IRQCHIP failed");
        return false;
    }
    s->irqchip = true;
    if (kvm_check_extension(s, KVM_CAP_PIT2)) {
        ret = kvm_vm_ioctl(s, KVM_CREATE_PIT2, &pit);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: KVM_CREATE_PIT2 failed");
            return false;
        }
    }
    if (!s->immediate_exit) {
        error_set_class(errp, ERROR_CLASS_KVM_MISSING_CAP,
                        "kvm: the host lacks KVM_CAP_IMMEDIATE_EXIT (Linux >= 4.11)");
        return false;
    }
    return true;
}

static struct kvm_cpuid2 *get_supported_cpuid(KVMState *s, Error **errp)
{
    /* api.rst: E2BIG means "try a bigger table". */
    for (uint32_t n = 64; n <= 4096; n *= 2) {
        struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) + n * sizeof(c->entries[0]));
        int ret;

        c->nent = n;
        ret = kvm_ioctl(s, KVM_GET_SUPPORTED_CPUID, c);
        if (ret == 0) {
            return c;
        }
        g_free(c);
        if (ret != -E2BIG) {
            error_setg_errno(errp, -ret, "kvm: KVM_GET_SUPPORTED_CPUID failed");
            return NULL;
        }
    }
    error_setg(errp, "kvm: KVM_GET_SUPPORTED_CPUID table too large");
    return NULL;
}

static bool msr_supported(uint32_t index)
{
    for (uint32_t i = 0; msr_list && i < msr_list->nmsrs; i++) {
        if (msr_list->indices[i] == index) {
            return true;
        }
    }
    return false;
}

static void load_msr_list(KVMState *s)
{
    struct kvm_msr_list probe = { .nmsrs = 0 };

    if (msr_list) {
        return;
    }
    /* The first call fails with E2BIG and says how many there are. */
    kvm_ioctl(s, KVM_GET_MSR_INDEX_LIST, &probe);
    msr_list = g_malloc0(sizeof(*msr_list) + probe.nmsrs * sizeof(uint32_t));
    msr_list->nmsrs = probe.nmsrs;
    if (kvm_ioctl(s, KVM_GET_MSR_INDEX_LIST, msr_list) < 0) {
        msr_list->nmsrs = 0;
    }
}

unsigned long kvm_arch_vcpu_id(CPUState *cpu)
{
    return X86_CPU(cpu)->apic_id;
}

bool kvm_arch_init_vcpu(CPUState *cs, Error **errp)
{
    X86CPU *cpu = X86_CPU(cs);
    int ret;

    if (!supported_cpuid) {
        supported_cpuid = get_supported_cpuid(kvm_state, errp);
        if (!supported_cpuid) {
            return false;
        }
    }
    load_msr_list(kvm_state);
    g_free(cpu->cpuid);
    cpu->cpuid = x86_cpuid_build(cpu, supported_cpuid);
    ret = kvm_vcpu_ioctl(cs, KVM_SET_CPUID2, cpu->cpuid);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_SET_CPUID2 failed");
        return false;
    }
    return true;
}

static bool put_msrs(CPUState *cs, Error **errp)
{
    static const struct { uint32_t index; uint64_t value; } reset_msrs[] = {
        { MSR_IA32_TSC, 0 },
        { MSR_IA32_SYSENTER_CS, 0 }, { MSR_IA32_SYSENTER_ESP, 0 },
        { MSR_IA32_SYSENTER_EIP, 0 },
        { MSR_IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING },
        { MSR_PAT, PAT_RESET },
        { MSR_STAR, 0 }, { MSR_LSTAR, 0 }, { MSR_CSTAR, 0 }, { MSR_FMASK, 0 },
        { MSR_KERNEL_GS_BASE, 0 },
    };
    struct {
        struct kvm_msrs hdr;
        struct kvm_msr_entry e[ARRAY_SIZE(reset_msrs)];
    } msrs = { { 0 } };
    int ret;

    for (size_t i = 0; i < ARRAY_SIZE(reset_msrs); i++) {
        if (msr_supported(reset_msrs[i].index)) {
            msrs.e[msrs.hdr.nmsrs].index = reset_msrs[i].index;
            msrs.e[msrs.hdr.nmsrs].data = reset_msrs[i].value;
            msrs.hdr.nmsrs++;
        }
    }
    ret = kvm_vcpu_ioctl(cs, KVM_SET_MSRS, &msrs);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "KVM_SET_MSRS failed");
        return false;
    }
    /* KVM_SET_MSRS returns how many it set; a short count names the bad one. */
    if ((uint32_t)ret < msrs.hdr.nmsrs) {
        error_setg(errp, "KVM_SET_MSRS refused MSR 0x%x", msrs.e[ret].index);
        return false;
    }
    return true;
}

static uint32_t *lapic_reg(struct kvm_lapic_state *l, unsigned off)
{
    return (uint32_t *)(l->regs + off);
}

/* The LAPIC's power-on register values (SDM vol. 3 §10.12.5.1 / 10.4.7.1). */
static bool put_lapic_reset(CPUState *cs, X86CPU *cpu, Error **errp)
{
    struct kvm_lapic_state l;
    uint32_t version;
    int ret;

    ret = kvm_vcpu_ioctl(cs, KVM_GET_LAPIC, &l);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "KVM_GET_LAPIC failed");
        return false;
    }
    version = *lapic_reg(&l, 0x30);
    memset(&l, 0, sizeof(l));
    *lapic_reg(&l, APIC_ID) = cpu->apic_id << 24;
    *lapic_reg(&l, 0x30) = version;
    *lapic_reg(&l, APIC_LDR) = 0;
    *lapic_reg(&l, APIC_DFR) = 0xffffffffu;
    *lapic_reg(&l, APIC_SVR) = 0xff;
    for (unsigned off = APIC_LVTT; off <= APIC_LVTERR; off += 0x10) {
        *lapic_reg(&l, off) = APIC_LVT_MASKED;
    }
    /* Firmware leaves LINT0 of the BSP in ExtINT mode so the 8259's
     * interrupts reach it (MP spec 1.4 §3.6.2.2, virtual wire mode). */
    if (cpu->is_bsp) {
        *lapic_reg(&l, APIC_LVT0) = APIC_DM_EXTINT;
    }
    ret = kvm_vcpu_ioctl(cs, KVM_SET_LAPIC, &l);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "KVM_SET_LAPIC failed");
        return false;
    }
    return true;
}

bool kvm_arch_put_registers(CPUState *cs, Error **errp)
{
    X86CPU *cpu = X86_CPU(cs);
    CPUX86State *env = &cpu->env;
    struct kvm_mp_state mp = { .mp_state = env->mp_state };
    int ret;

    /* sregs first: it carries APIC_BASE, which the LAPIC state depends on. */
    ret = kvm_vcpu_ioctl(cs, KVM_SET_SREGS, &env->sregs);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "KVM_SET_SREGS failed");
        return false;
    }
    ret = kvm_vcpu_ioctl(cs, KVM_SET_REGS, &env->regs);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "KVM_SET_REGS failed");
        return false;
    }
    ret = kvm_vcpu_ioctl(cs, KVM_SET_FPU, &env->fpu);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "KVM_SET_FPU failed");
        return false;
    }
    if (kvm_check_extension(kvm_state, KVM_CAP_XCRS)) {
        struct kvm_xcrs xcrs = { .nr_xcrs = 1 };

        xcrs.xcrs[0].xcr = 0;
        xcrs.xcrs[0].value = env->xcr0;
        kvm_vcpu_ioctl(cs, KVM_SET_XCRS, &xcrs);
    }
    if (!put_msrs(cs, errp) || !put_lapic_reset(cs, cpu, errp)) {
        return false;
    }
    ret = kvm_vcpu_ioctl(cs, KVM_SET_MP_STATE, &mp);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "KVM_SET_MP_STATE failed");
        return false;
    }
    return true;
}

bool kvm_arch_get_registers(CPUState *cs, Error **errp)
{
    X86CPU *cpu = X86_CPU(cs);
    int ret;

    ret = kvm_vcpu_ioctl(cs, KVM_GET_REGS, &cpu->env.regs);
    if (ret == 0) {
        ret = kvm_vcpu_ioctl(cs, KVM_GET_SREGS, &cpu->env.sregs);
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "KVM_GET_REGS/SREGS failed");
        return false;
    }
    return true;
}

int kvm_arch_handle_exit(CPUState *cs, struct kvm_run *run)
{
    return -1;        /* nothing x86-specific is expected with an irqchip */
}

void kvm_arch_dump_state(CPUState *cs, FILE *f)
{
    X86CPU *cpu = X86_CPU(cs);
    Error *err = NULL;

    if (cs->accel_data && !kvm_arch_get_registers(cs, &err)) {
        fprintf(f, "(registers unavailable: %s)\n", error_get_pretty(err));
        error_free(err);
        return;
    }
    x86_cpu_dump_env(&cpu->env, f);
}
