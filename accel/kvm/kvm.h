/*
 * The KVM accelerator: one VM per process, one thread per vCPU running
 * KVM_RUN, memslots that follow the system FlatView, in-kernel irqchip
 * (PIC + IOAPIC + LAPIC + PIT on x86), irqfd/ioeventfd and GSI routing.
 *
 * The generic part (accel/kvm/) knows no concrete device and no
 * architecture; the architecture part (target/x86/kvm-x86.c) implements the
 * kvm_arch_* hooks below.  Reference: Linux Documentation/virt/kvm/api.rst.
 */
#ifndef ACCEL_KVM_KVM_H
#define ACCEL_KVM_KVM_H

#include "core/osdep.h"
#include "core/error.h"
#include "core/thread.h"
#include "memory/memory.h"
#include "accel/tcg/cpu.h"

#include <linux/kvm.h>

typedef struct MachineState MachineState;
typedef struct KVMSlot KVMSlot;

/* One memslot: a page-aligned range of guest physical RAM. */
struct KVMSlot {
    bool used;
    uint32_t slot;
    uint32_t flags;            /* KVM_MEM_LOG_DIRTY_PAGES, KVM_MEM_READONLY */
    hwaddr start_addr;
    uint64_t memory_size;
    void *host;
    MemoryRegion *mr;
    hwaddr offset_within_region; /* of start_addr */
};

typedef struct KVMState {
    int fd;                    /* /dev/kvm */
    int vmfd;
    int vcpu_mmap_size;
    bool irqchip;              /* in-kernel PIC/IOAPIC/LAPIC */
    bool pvm;                  /* the host module is KVM-PVM (see kvm_host_is_pvm) */
    bool immediate_exit;
    int nr_slots;
    KVMSlot *slots;
    MemoryListener mem_listener;
    MemoryListener io_listener;
    /* GSI routing table as last committed (kvm-irq.c). */
    struct kvm_irq_routing *routes;
    int nr_allocated_routes;
    unsigned long *used_gsi;   /* bitmap */
    int gsi_count;
} KVMState;

extern KVMState *kvm_state;

/* Per-vCPU run state: an explicit state machine (Firecracker's idea). */
typedef enum KVMVcpuRunState {
    KVM_VCPU_CREATED = 0,      /* thread started, never ran */
    KVM_VCPU_RUNNING,          /* in or around KVM_RUN */
    KVM_VCPU_PAUSED,           /* parked by stop / reset */
    KVM_VCPU_STOPPED,          /* thread ended (quit or fatal exit) */
} KVMVcpuRunState;

typedef struct KVMVcpu {
    int fd;
    unsigned long vcpu_id;
    struct kvm_run *run;
    QemuThread thread;
    bool thread_started;
    KVMVcpuRunState state;
    /* Requests, written under the BQL. */
    volatile bool stop;        /* park at the next chance (kick it out of KVM_RUN) */
    bool quit;                 /* end the thread */
    bool wait_reset;           /* guest shut down/reset: do not run until post_reset */
    /* The CPU's architectural state in memory is newer than KVM's. */
    bool regs_dirty;
    QemuCond cond;             /* the vCPU waits here while parked */
    /* kvm_run_on_cpu: work for the vCPU thread (under the BQL). */
    void (*work_fn)(CPUState *cpu, void *data);
    void *work_data;
    bool work_done;
    uint64_t exits;            /* statistics */
} KVMVcpu;

bool kvm_enabled(void);
/* True if /dev/kvm is the KVM-PVM module (ring 0 emulated, see TESTING.md). */
bool kvm_host_is_pvm(void);

int kvm_ioctl(KVMState *s, unsigned long req, ...);
int kvm_vm_ioctl(KVMState *s, unsigned long req, ...);
int kvm_vcpu_ioctl(CPUState *cpu, unsigned long req, ...);
/* KVM_CHECK_EXTENSION on the VM (or /dev/kvm before it exists); 0 if absent. */
int kvm_check_extension(KVMState *s, unsigned int cap);

/* Memslots (kvm-memory.c). */
void kvm_memory_listeners_register(KVMState *s);
/* Slot covering gpa, or NULL. */
KVMSlot *kvm_lookup_slot(KVMState *s, hwaddr gpa);

/* Interrupts (kvm-irq.c).  GSIs 0..23 are the ISA/IOAPIC lines. */
int kvm_set_irq(KVMState *s, int gsi, int level);
/* Build the default routes (PIC + IOAPIC) after KVM_CREATE_IRQCHIP. */
bool kvm_irqchip_init_routes(KVMState *s, Error **errp);
/* A new MSI route; returns its GSI (>= 24) or -errno.  Commit to apply. */
int kvm_irqchip_add_msi_route(KVMState *s, uint64_t addr, uint32_t data);
/* Point an MSI route at a new address/data (commit to apply). */
int kvm_irqchip_update_msi_route(KVMState *s, int virq, uint64_t addr, uint32_t data);
void kvm_irqchip_release_virq(KVMState *s, int virq);
/* Deliver one MSI now (a bus master's write to the 0xfee00000 window). */
int kvm_signal_msi(KVMState *s, uint64_t addr, uint32_t data);
int kvm_irqchip_commit_routes(KVMState *s);
/* eventfd fd raises gsi (resamplefd: level-triggered, -1 for none). */
int kvm_irqchip_add_irqfd(KVMState *s, int fd, int resamplefd, int gsi);
int kvm_irqchip_remove_irqfd(KVMState *s, int fd, int gsi);
void kvm_irq_cleanup(KVMState *s);

/* vCPUs (kvm-vcpu.c). */
bool kvm_start_vcpus(MachineState *ms, Error **errp);
void kvm_pause_all_vcpus(void);
void kvm_resume_all_vcpus(void);
void kvm_post_reset(void);
/* Make the next KVM_RUN load the CPU state from memory (after a reset). */
void kvm_cpu_mark_dirty(CPUState *cpu);
/*
 * Run fn(cpu, data) on cpu's own thread and wait for it (QEMU's
 * run_on_cpu): the vCPU is kicked out of KVM_RUN (or woken if parked),
 * runs fn between two KVM_RUNs and goes on as before.  Call with the BQL
 * held, from any thread but the vCPU's; the BQL is dropped while waiting.
 */
void kvm_run_on_cpu(CPUState *cpu, void (*fn)(CPUState *cpu, void *data), void *data);
/* Kick cpu out of KVM_RUN (any thread). */
void kvm_cpu_kick(CPUState *cpu);
const char *kvm_exit_reason_name(uint32_t reason);

/* Architecture hooks (target/x86/kvm-x86.c). */
bool kvm_arch_init(MachineState *ms, KVMState *s, Error **errp);
/* The vCPU id for KVM_CREATE_VCPU (x86: the initial APIC ID). */
unsigned long kvm_arch_vcpu_id(CPUState *cpu);
bool kvm_arch_init_vcpu(CPUState *cpu, Error **errp);
/*
 * Load the CPU's whole state into KVM: registers from the CPU object plus
 * the reset-time MSRs, LAPIC and MP state.  Runs in the vCPU thread before
 * KVM_RUN after kvm_cpu_mark_dirty (creation, machine reset).
 */
bool kvm_arch_put_registers(CPUState *cpu, Error **errp);
bool kvm_arch_get_registers(CPUState *cpu, Error **errp);
/* An exit the generic loop does not know; return 0 to continue, <0 to stop. */
int kvm_arch_handle_exit(CPUState *cpu, struct kvm_run *run);
/* Registers as "-d cpu" prints them (reads them from KVM first). */
void kvm_arch_dump_state(CPUState *cpu, FILE *f);

static inline KVMVcpu *kvm_vcpu(CPUState *cpu)
{
    return cpu->accel_data;
}

#endif
