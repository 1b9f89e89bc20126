/*
 * The CPUID table a vCPU sees, built from what KVM supports
 * (KVM_GET_SUPPORTED_CPUID), the CPU model and the -smp topology.
 *
 * Leaves and bits: Intel SDM vol. 2A "CPUID"; AMD APM vol. 3 appendix E.
 * api.rst §4.46 KVM_GET_SUPPORTED_CPUID / KVM_SET_CPUID2.
 */
#include "core/osdep.h"
#include "target/x86/cpu.h"

/* Leaf 1 EDX/ECX and leaf 0x80000001 bits of QEMU's documented "qemu64"
 * model: a conservative 2005-era x86_64 that every host can offer. */
#define L1_EDX_QEMU64                                                       \
    ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | \
     (1u << 6) | (1u << 7) | (1u << 8) | (1u << 9) | (1u << 11) | (1u << 12) | \
     (1u << 13) | (1u << 14) | (1u << 15) | (1u << 16) | (1u << 17) |       \
     (1u << 19) | (1u << 23) | (1u << 24) | (1u << 25) | (1u << 26))
/* SSE3, CX16 */
#define L1_ECX_QEMU64 ((1u << 0) | (1u << 13))
/* SYSCALL, NX, LM */
#define E1_EDX_QEMU64 ((1u << 11) | (1u << 20) | (1u << 29))
/* LAHF_LM, ABM, SSE4A */
#define E1_ECX_QEMU64 ((1u << 0) | (1u << 5) | (1u << 6))

#define L1_ECX_X2APIC (1u << 21)
#define L1_ECX_TSC_DEADLINE (1u << 24)
#define L1_ECX_HYPERVISOR (1u << 31)
#define L1_EDX_HTT (1u << 28)
#define L1_EDX_APIC (1u << 9)

struct kvm_cpuid_entry2 *x86_cpuid_find(struct kvm_cpuid2 *t, uint32_t function,
                                        uint32_t index)
{
    for (uint32_t i = 0; i < t->nent; i++) {
        struct kvm_cpuid_entry2 *e = &t->entries[i];

        if (e->function == function &&
            (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == index)) {
            return e;
        }
    }
    return NULL;
}

static struct kvm_cpuid_entry2 *add(struct kvm_cpuid2 *t, uint32_t cap, uint32_t function,
                                    uint32_t index, bool indexed)
{
    struct kvm_cpuid_entry2 *e;

    assert(t->nent < cap);
    e = &t->entries[t->nent++];
    memset(e, 0, sizeof(*e));
    e->function = function;
    e->index = index;
    e->flags = indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
    return e;
}

/* Copy of a supported entry (zeros if KVM does not list it). */
static void copy_supported(struct kvm_cpuid_entry2 *dst,
                           const struct kvm_cpuid2 *sup)
{
    for (uint32_t i = 0; i < sup->nent; i++) {
        const struct kvm_cpuid_entry2 *e = &sup->entries[i];

        if (e->function == dst->function &&
            (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == dst->index)) {
            dst->eax = e->eax;
            dst->ebx = e->ebx;
            dst->ecx = e->ecx;
            dst->edx = e->edx;
            return;
        }
    }
}

static uint32_t sup_reg(const struct kvm_cpuid2 *sup, uint32_t function, int reg)
{
    struct kvm_cpuid_entry2 e = { .function = function };

    copy_supported(&e, sup);
    return reg == 0 ? e.eax : reg == 1 ? e.ebx : reg == 2 ? e.ecx : e.edx;
}

static void set_vendor(struct kvm_cpuid_entry2 *e, const char *v)
{
    memcpy(&e->ebx, v, 4);
    memcpy(&e->edx, v + 4, 4);
    memcpy(&e->ecx, v + 8, 4);
}

/*
 * Topology leaves.  Leaf 1 EBX[23:16]: addressable logical processors per
 * package; leaf 4 EAX[31:26]: cores per package - 1, EAX[25:14]: logical
 * processors sharing the cache - 1; leaf 0xB/0x1F: one subleaf per level
 * (SMT = 1, core = 2) with the shift to the next level in EAX[4:0], the
 * count of logical processors at this level in EBX, the level in ECX[15:8]
 * and the x2APIC ID in EDX (SDM vol. 2A, CPUID leaves 04H, 0BH, 1FH).
 */
static void fill_topology_leaf(struct kvm_cpuid2 *t, uint32_t cap, uint32_t function,
                               X86CPU *cpu)
{
    unsigned threads = cpu->nr_threads, cores = cpu->nr_cores;
    struct kvm_cpuid_entry2 *e;

    e = add(t, cap, function, 0, true);
    e->eax = x86_apicid_core_offset(threads);
    e->ebx = threads;
    e->ecx = (1u << 8) | 0;
    e->edx = cpu->apic_id;
    e = add(t, cap, function, 1, true);
    e->eax = x86_apicid_pkg_offset(cores, threads);
    e->ebx = cores * threads;
    e->ecx = (2u << 8) | 1;
    e->edx = cpu->apic_id;
    e = add(t, cap, function, 2, true);
    e->ecx = 2;                        /* level type 0: invalid, the end */
    e->edx = cpu->apic_id;
}

struct kvm_cpuid2 *x86_cpuid_build(X86CPU *cpu, const struct kvm_cpuid2 *sup)
{
    X86CPUClass *xc = X86_CPU_GET_CLASS(cpu);
    bool host = xc->model == X86_MODEL_HOST;
    uint32_t cap = sup->nent + 32;
    struct kvm_cpuid2 *t = g_malloc0(sizeof(*t) + cap * sizeof(t->entries[0]));
    unsigned logical = cpu->nr_cores * cpu->nr_threads;
    uint32_t max_basic = host ? sup_reg(sup, 0, 0) : 0xd;
    uint32_t max_ext = host ? sup_reg(sup, 0x80000000, 0) : 0x80000008;
    struct kvm_cpuid_entry2 *e;

    if (max_basic < 0xb) {
        max_basic = 0xb;               /* we always describe the topology */
    }
    if (max_basic > 0x1f) {
        max_basic = 0x1f;
    }
    /* Basic leaves. */
    for (uint32_t fn = 0; fn <= max_basic; fn++) {
        if (fn == 4 || fn == 0xb || fn == 0x1f) {
            continue;                  /* topology, below */
        }
        if (fn == 7 || fn == 0xd) {
            /* Subleaf-indexed leaves: take every supported subleaf. */
            for (uint32_t i = 0; i < sup->nent; i++) {
                if (sup->entries[i].function == fn) {
                    e = add(t, cap, fn, sup->entries[i].index, true);
                    *e = sup->entries[i];
                    if (!host) {
                        /* qemu64 has no AVX/XSAVE/leaf-7 extensions */
                        e->eax = e->ebx = e->ecx = e->edx = 0;
                    }
                }
            }
            continue;
        }
        e = add(t, cap, fn, 0, false);
        copy_supported(e, sup);
    }
    e = x86_cpuid_find(t, 0, 0);
    e->eax = max_basic;
    if (!host) {
        /* qemu64: family 15 model 107 stepping 1, AMD's vendor string. */
        set_vendor(e, "AuthenticAMD");
        e = x86_cpuid_find(t, 1, 0);
        e->eax = (15u << 8) | (6u << 16) | (0xbu << 4) | 1;   /* ext model 6, model b */
        e->edx &= L1_EDX_QEMU64;
        e->ecx &= L1_ECX_QEMU64 | L1_ECX_X2APIC | L1_ECX_TSC_DEADLINE;
    }
    e = x86_cpuid_find(t, 1, 0);
    e->ebx = (e->ebx & 0xffffu) | ((logical & 0xffu) << 16) | (cpu->apic_id << 24);
    e->ecx |= L1_ECX_HYPERVISOR;
    e->edx |= L1_EDX_APIC;
    if (logical > 1) {
        e->edx |= L1_EDX_HTT;
    } else {
        e->edx &= ~L1_EDX_HTT;
    }
    /* Leaf 4: one entry per cache from KVM (host data), topology fields ours. */
    for (uint32_t i = 0; i < 8; i++) {
        const struct kvm_cpuid_entry2 *s4 = NULL;

        for (uint32_t j = 0; j < sup->nent; j++) {
            if (sup->entries[j].function == 4 && sup->entries[j].index == i) {
                s4 = &sup->entries[j];
            }
        }
        e = add(t, cap, 4, i, true);
        if (s4) {
            e->eax = s4->eax;
            e->ebx = s4->ebx;
            e->ecx = s4->ecx;
            e->edx = s4->edx;
        } else if (i == 0) {
            /* KVM listed no caches: describe one unified L1 (type 3, level 1). */
            e->eax = 3 | (1u << 5) | (1u << 8);
            e->ebx = 63 | (7u << 22);
            e->ecx = 63;
        }
        if (!(e->eax & 0x1f)) {
            e->eax = 0;
            break;                     /* type 0: no more caches */
        }
        e->eax &= 0x3fff;
        e->eax |= (cpu->nr_cores - 1) << 26;
        /* Caches at level 1/2 are per core (shared by its threads). */
        e->eax |= (cpu->nr_threads - 1) << 14;
    }
    fill_topology_leaf(t, cap, 0xb, cpu);
    if (max_basic >= 0x1f) {
        fill_topology_leaf(t, cap, 0x1f, cpu);
    }
    /* KVM's paravirt leaves (signature "KVMKVMKVM", features). */
    for (uint32_t i = 0; i < sup->nent; i++) {
        if ((sup->entries[i].function & 0xffff0000u) == 0x40000000u) {
            e = add(t, cap, sup->entries[i].function, 0, false);
            *e = sup->entries[i];
        }
    }
    /* Extended leaves. */
    for (uint32_t fn = 0x80000000u; fn <= max_ext && fn < 0x80000000u + 0x40; fn++) {
        e = add(t, cap, fn, 0, false);
        copy_supported(e, sup);
        if (fn == 0x80000000u) {
            e->eax = max_ext;
            if (!host) {
                set_vendor(e, "AuthenticAMD");
            }
        } else if (fn == 0x80000001u && !host) {
            e->eax = x86_cpuid_find(t, 1, 0)->eax;
            e->edx &= E1_EDX_QEMU64 | (L1_EDX_QEMU64 & 0x0183f3ff);
            e->ecx &= E1_ECX_QEMU64;
        } else if (fn >= 0x80000002u && fn <= 0x80000004u && !host) {
            static const char brand[48] = "QEMU Virtual CPU version 2.5+";

            memcpy(&e->eax, brand + (fn - 0x80000002u) * 16, 4);
            memcpy(&e->ebx, brand + (fn - 0x80000002u) * 16 + 4, 4);
            memcpy(&e->ecx, brand + (fn - 0x80000002u) * 16 + 8, 4);
            memcpy(&e->edx, brand + (fn - 0x80000002u) * 16 + 12, 4);
        }
    }
    return t;
}
