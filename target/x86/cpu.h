/*
 * The x86_64 guest CPU, as a KVM vCPU: architectural state kept in the
 * formats of the KVM API (struct kvm_regs / kvm_sregs), CPU models
 * ("qemu64", "host") and the topology that CPUID reports.
 *
 * Type names follow QEMU: the abstract "x86_64-cpu" and the models
 * "qemu64-x86_64-cpu" (default) and "host-x86_64-cpu" (-cpu host).
 */
#ifndef TARGET_X86_CPU_H
#define TARGET_X86_CPU_H

#include "core/osdep.h"
#include "accel/tcg/cpu.h"

#include <linux/kvm.h>

#define TYPE_X86_CPU "x86_64-cpu"
#define X86_CPU_TYPE_SUFFIX "-" TYPE_X86_CPU
#define X86_CPU_TYPE_NAME(name) (name X86_CPU_TYPE_SUFFIX)

/* Architectural constants (Intel SDM vol. 3). */
#define CR0_PE (1u << 0)
#define CR0_ET (1u << 4)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)
#define CR4_PAE (1u << 5)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define MSR_IA32_APICBASE_BSP (1u << 8)
#define MSR_IA32_APICBASE_ENABLE (1u << 11)
#define APIC_DEFAULT_ADDRESS 0xfee00000u

typedef enum X86CPUModelKind {
    X86_MODEL_QEMU64,          /* a fixed conservative feature set */
    X86_MODEL_HOST,            /* everything KVM supports */
} X86CPUModelKind;

typedef struct CPUX86State {
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct kvm_fpu fpu;
    uint64_t xcr0;
    uint64_t tsc;
    /* Reset-time MSR values (index, value), applied with KVM_SET_MSRS. */
    uint32_t mp_state;         /* KVM_MP_STATE_RUNNABLE / _UNINITIALIZED */
} CPUX86State;

typedef struct X86CPU {
    CPUState parent_obj;
    CPUX86State env;
    uint32_t apic_id;          /* property "apic-id": set by the machine */
    uint32_t nr_cores;         /* per socket (topology for CPUID) */
    uint32_t nr_threads;       /* per core */
    bool is_bsp;
    /* CPUID table handed to KVM_SET_CPUID2 (built at vCPU creation). */
    struct kvm_cpuid2 *cpuid;
    /* Called after the power-on state is set: the machine's boot state. */
    void (*boot_hook)(struct X86CPU *cpu, void *opaque);
    void *boot_opaque;
} X86CPU;

typedef struct X86CPUClass {
    CPUClass parent_class;
    X86CPUModelKind model;
    const char *model_name;
} X86CPUClass;

#define X86_CPU(obj) OBJECT_CHECK(X86CPU, (obj), TYPE_X86_CPU)
#define X86_CPU_CLASS(k) OBJECT_CLASS_CHECK(X86CPUClass, (k), TYPE_X86_CPU)
#define X86_CPU_GET_CLASS(obj) OBJECT_GET_CLASS(X86CPUClass, (obj), TYPE_X86_CPU)

/* Power-on state (SDM vol. 3 §9.1.1, table 9-1) into env. */
void x86_cpu_reset_state(X86CPU *cpu);
/* APIC ID for a CPU index under a topology (SDM vol. 3 §8.9.1). */
uint32_t x86_apic_id_from_index(unsigned index, unsigned cores, unsigned threads);
/* Bit widths of the thread and core fields of an APIC ID. */
unsigned x86_apicid_core_offset(unsigned threads);
unsigned x86_apicid_pkg_offset(unsigned cores, unsigned threads);
/* -d cpu style register dump of a state. */
void x86_cpu_dump_env(const CPUX86State *env, FILE *f);
/* "-cpu help" text. */
void x86_cpu_list(FILE *f);

/*
 * CPUID: the table for cpu from KVM's supported entries (kvm-x86.c uses it;
 * pure so it can be unit-tested without /dev/kvm).
 */
struct kvm_cpuid2 *x86_cpuid_build(X86CPU *cpu, const struct kvm_cpuid2 *supported);
/* Entry (function, index) of a table, or NULL. */
struct kvm_cpuid_entry2 *x86_cpuid_find(struct kvm_cpuid2 *t, uint32_t function,
                                        uint32_t index);

#endif
