/*
 * x86 CPU topology (APIC IDs) and the CPUID table built for a vCPU from a
 * KVM "supported" table, without /dev/kvm.
 */
#include "core/osdep.h"
#include "target/x86/cpu.h"
#include "unit.h"

UNIT_TEST(apic_id_topology)
{
    /* 1 thread/core, 1 core: ids are the index. */
    CHECK_EQ(x86_apic_id_from_index(3, 1, 1), 3);
    /* 2 threads, 3 cores (-> 2 core bits): index 5 = core 2 thread 1. */
    CHECK_EQ(x86_apicid_core_offset(2), 1);
    CHECK_EQ(x86_apicid_pkg_offset(3, 2), 3);
    CHECK_EQ(x86_apic_id_from_index(5, 3, 2), (2 << 1) | 1);
    /* index 6 is the first CPU of package 1: 1 << 3. */
    CHECK_EQ(x86_apic_id_from_index(6, 3, 2), 8);
}

static struct kvm_cpuid2 *fake_supported(void)
{
    struct kvm_cpuid2 *s = g_malloc0(sizeof(*s) + 8 * sizeof(s->entries[0]));
    struct kvm_cpuid_entry2 *e = s->entries;

    e[0] = (struct kvm_cpuid_entry2){ .function = 0, .eax = 0x10,
                                      .ebx = 0x756e6547, .edx = 0x49656e69,
                                      .ecx = 0x6c65746e };   /* GenuineIntel */
    e[1] = (struct kvm_cpuid_entry2){ .function = 1, .eax = 0x806f8,
                                      .ecx = 0x81202001 | (1u << 28), /* +AVX */
                                      .edx = 0x078bfbff };
    e[2] = (struct kvm_cpuid_entry2){ .function = 4, .index = 0,
                                      .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
                                      .eax = 0x121, .ebx = 0x1c0003f, .ecx = 0x3f };
    e[3] = (struct kvm_cpuid_entry2){ .function = 0x80000000, .eax = 0x80000008 };
    e[4] = (struct kvm_cpuid_entry2){ .function = 0x80000001, .ecx = 0x121,
                                      .edx = 0x2c100800 };
    e[5] = (struct kvm_cpuid_entry2){ .function = 0x40000000, .eax = 0x40000001,
                                      .ebx = 0x4b4d564b };
    s->nent = 6;
    return s;
}

static X86CPU *make_cpu(const char *type, uint32_t apic_id, uint32_t cores,
                        uint32_t threads)
{
    X86CPU *cpu = X86_CPU(object_new(type));

    cpu->apic_id = apic_id;
    cpu->nr_cores = cores;
    cpu->nr_threads = threads;
    return cpu;
}

UNIT_TEST(cpuid_qemu64_topology_and_hypervisor)
{
    struct kvm_cpuid2 *sup = fake_supported();
    X86CPU *cpu = make_cpu("qemu64-x86_64-cpu", 5, 4, 2);
    struct kvm_cpuid2 *t = x86_cpuid_build(cpu, sup);
    struct kvm_cpuid_entry2 *e;

    e = x86_cpuid_find(t, 0, 0);
    CHECK(e);
    CHECK_EQ(e->ebx, 0x68747541);          /* "Auth" */
    CHECK_EQ(e->eax, 0xd);
    e = x86_cpuid_find(t, 1, 0);
    CHECK_EQ(e->ebx >> 24, 5);             /* initial APIC ID */
    CHECK_EQ((e->ebx >> 16) & 0xff, 8);    /* logical per package */
    CHECK(e->ecx & (1u << 31));            /* hypervisor */
    CHECK(!(e->ecx & (1u << 28)));         /* no AVX in qemu64 */
    CHECK(e->edx & (1u << 28));            /* HTT */
    e = x86_cpuid_find(t, 4, 0);
    CHECK_EQ(e->eax >> 26, 3);             /* cores - 1 */
    CHECK_EQ((e->eax >> 14) & 0xfff, 1);   /* threads sharing - 1 */
    e = x86_cpuid_find(t, 0xb, 0);
    CHECK_EQ(e->ebx, 2);
    CHECK_EQ((e->ecx >> 8) & 0xff, 1);
    CHECK_EQ(e->edx, 5);
    e = x86_cpuid_find(t, 0xb, 1);
    CHECK_EQ(e->eax, 3);                   /* 1 thread bit + 2 core bits */
    CHECK_EQ(e->ebx, 8);
    CHECK_EQ((e->ecx >> 8) & 0xff, 2);
    e = x86_cpuid_find(t, 0x40000000, 0);
    CHECK(e);
    CHECK_EQ(e->ebx, 0x4b4d564b);
    e = x86_cpuid_find(t, 0x80000002, 0);
    CHECK_EQ(e->eax, 0x554d4551);          /* "QEMU" */
    g_free(t);
    g_free(sup);
    object_unref(OBJECT(cpu));
}

UNIT_TEST(cpuid_host_keeps_supported_features)
{
    struct kvm_cpuid2 *sup = fake_supported();
    X86CPU *cpu = make_cpu("host-x86_64-cpu", 0, 1, 1);
    struct kvm_cpuid2 *t = x86_cpuid_build(cpu, sup);
    struct kvm_cpuid_entry2 *e;

    e = x86_cpuid_find(t, 0, 0);
    CHECK_EQ(e->ebx, 0x756e6547);          /* host vendor kept */
    CHECK_EQ(e->eax, 0x10);
    e = x86_cpuid_find(t, 1, 0);
    CHECK(e->ecx & (1u << 28));            /* AVX kept */
    CHECK(!(e->edx & (1u << 28)));         /* one logical CPU: no HTT */
    CHECK_EQ((e->ebx >> 16) & 0xff, 1);
    g_free(t);
    g_free(sup);
    object_unref(OBJECT(cpu));
}

UNIT_TEST(reset_state_is_real_mode_at_reset_vector)
{
    X86CPU *cpu = make_cpu("qemu64-x86_64-cpu", 0, 1, 1);

    cpu->is_bsp = true;
    x86_cpu_reset_state(cpu);
    CHECK_EQ(cpu->env.regs.rip, 0xfff0);
    CHECK_EQ(cpu->env.sregs.cs.base, 0xffff0000);
    CHECK_EQ(cpu->env.sregs.cs.selector, 0xf000);
    CHECK_EQ(cpu->env.sregs.cr0, 0x60000010);
    CHECK_EQ(cpu->env.sregs.apic_base, 0xfee00900);
    CHECK_EQ(cpu->env.mp_state, KVM_MP_STATE_RUNNABLE);
    cpu->is_bsp = false;
    x86_cpu_reset_state(cpu);
    CHECK_EQ(cpu->env.mp_state, KVM_MP_STATE_UNINITIALIZED);
    CHECK_EQ(cpu->env.sregs.apic_base, 0xfee00800);
    object_unref(OBJECT(cpu));
}
