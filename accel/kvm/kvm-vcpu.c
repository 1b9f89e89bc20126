/*
 * vCPU threads: each runs KVM_RUN in a loop and dispatches the exits it
 * gets (port I/O, MMIO, shutdown, system events, errors) with the BQL held.
 *
 * A vCPU is a small state machine (KVMVcpuRunState): CREATED -> PAUSED <->
 * RUNNING -> STOPPED.  Pausing sets v->stop and kicks the thread out of
 * KVM_RUN with SIG_IPI; the handler sets kvm_run.immediate_exit so a kick
 * that lands just before KVM_RUN is not lost (api.rst §5 "immediate_exit").
 * The thread parks on its condition variable until resumed.
 */
#include "core/osdep.h"
#include "accel/kvm/kvm.h"
#include "hw/core/machine.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#define SIG_IPI SIGUSR1

static QemuCond pause_cond;          /* a vCPU reached PAUSED or STOPPED */
static bool pause_cond_ready;
static __thread struct kvm_run *this_run;

static void sig_ipi_handler(int sig)
{
    /* Async-signal safe: one store into the vCPU's shared run page. */
    if (this_run) {
        this_run->immediate_exit = 1;
    }
}

static const char *const exit_names[] = {
    [KVM_EXIT_UNKNOWN] = "UNKNOWN", [KVM_EXIT_EXCEPTION] = "EXCEPTION",
    [KVM_EXIT_IO] = "IO", [KVM_EXIT_HYPERCALL] = "HYPERCALL",
    [KVM_EXIT_DEBUG] = "DEBUG", [KVM_EXIT_HLT] = "HLT", [KVM_EXIT_MMIO] = "MMIO",
    [KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN", [KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
    [KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY", [KVM_EXIT_INTR] = "INTR",
    [KVM_EXIT_SET_TPR] = "SET_TPR", [KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
    [KVM_EXIT_NMI] = "NMI", [KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
    [KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
};

const char *kvm_exit_reason_name(uint32_t reason)
{
    if (reason < ARRAY_SIZE(exit_names) && exit_names[reason]) {
        return exit_names[reason];
    }
    return "?";
}

void kvm_cpu_mark_dirty(CPUState *cpu)
{
    KVMVcpu *v = cpu->accel_data;

    if (v) {
        v->regs_dirty = true;
    }
}

void kvm_cpu_kick(CPUState *cpu)
{
    KVMVcpu *v = cpu->accel_data;

    if (v && v->thread_started) {
        pthread_kill(v->thread.thread, SIG_IPI);
    }
}

/* A failure the guest cannot recover from: say why, show the registers,
 * and end the run (a silent hang would be worse). */
static void kvm_vcpu_fatal(CPUState *cpu, const char *fmt, ...) PRINTF_FMT(2, 3);
static void kvm_vcpu_fatal(CPUState *cpu, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_report("kvm: vCPU %d: %s", cpu->cpu_index, msg);
    g_free(msg);
    kvm_arch_dump_state(cpu, stderr);
    fflush(stderr);
    qemu_system_shutdown_request_status(SHUTDOWN_CAUSE_HOST_ERROR, 1);
}

static void kvm_handle_io(struct kvm_run *run)
{
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    bool is_write = run->io.direction == KVM_EXIT_IO_OUT;

    /* count > 1 for rep ins/outs: one access per element. */
    for (uint32_t i = 0; i < run->io.count; i++) {
        address_space_rw(get_address_space_io(), run->io.port, MEMTXATTRS_UNSPECIFIED,
                         data, run->io.size, is_write);
        data += run->io.size;
    }
}

/* Returns 0 to keep running, 1 to park until reset, -1 on a fatal exit. */
static int kvm_handle_exit(CPUState *cpu, KVMVcpu *v)
{
    struct kvm_run *run = v->run;

    v->exits++;
    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        kvm_handle_io(run);
        return 0;
    case KVM_EXIT_MMIO:
        address_space_rw(get_address_space_memory(), run->mmio.phys_addr,
                         MEMTXATTRS_UNSPECIFIED, run->mmio.data, run->mmio.len,
                         run->mmio.is_write);
        return 0;
    case KVM_EXIT_INTR:
    case KVM_EXIT_IRQ_WINDOW_OPEN:
        return 0;
    case KVM_EXIT_SHUTDOWN:
        /* A triple fault: the PC resets (SDM vol. 3 §6.15, "double fault"). */
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        return 1;
    case KVM_EXIT_HLT:
        /* Only without an in-kernel LAPIC, which Machina always has: nothing
         * could wake this CPU but a reset. */
        cpu->halted = true;
        return 1;
    case KVM_EXIT_SYSTEM_EVENT:
        switch (run->system_event.type) {
        case KVM_SYSTEM_EVENT_SHUTDOWN:
            qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
            return 1;
        case KVM_SYSTEM_EVENT_RESET:
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
            return 1;
        case KVM_SYSTEM_EVENT_CRASH:
            kvm_vcpu_fatal(cpu, "guest crashed (KVM_SYSTEM_EVENT_CRASH)");
            return -1;
        default:
            kvm_vcpu_fatal(cpu, "unknown system event %u", run->system_event.type);
            return -1;
        }
    case KVM_EXIT_INTERNAL_ERROR:
        kvm_vcpu_fatal(cpu, "KVM internal error. Suberror: %u%s", run->internal.suberror,
                       run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
                       ? " (instruction emulation failed)" : "");
        return -1;
    case KVM_EXIT_FAIL_ENTRY:
        kvm_vcpu_fatal(cpu, "KVM_EXIT_FAIL_ENTRY, hardware entry failure reason 0x%llx",
                       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        return -1;
    default:
        if (kvm_arch_handle_exit(cpu, run) == 0) {
            return 0;
        }
        kvm_vcpu_fatal(cpu, "unhandled exit %u (%s)", run->exit_reason,
                       kvm_exit_reason_name(run->exit_reason));
        return -1;
    }
}

/* Pending kvm_run_on_cpu work: run it here, in the vCPU thread. */
static void kvm_vcpu_do_work(CPUState *cpu, KVMVcpu *v)
{
    if (v->work_fn && !v->work_done) {
        v->work_fn(cpu, v->work_data);
        v->work_done = true;
        qemu_cond_broadcast(&pause_cond);
    }
}

void kvm_run_on_cpu(CPUState *cpu, void (*fn)(CPUState *cpu, void *data), void *data)
{
    KVMVcpu *v = kvm_vcpu(cpu);

    BQL_ASSERT();
    if (!v || !v->thread_started || v->state == KVM_VCPU_STOPPED ||
        qemu_thread_is_self(&v->thread)) {
        fn(cpu, data);
        return;
    }
    /* One request at a time per vCPU (callers hold the BQL in turn). */
    while (v->work_fn) {
        qemu_cond_wait_bql(&pause_cond);
    }
    v->work_fn = fn;
    v->work_data = data;
    v->work_done = false;
    kvm_cpu_kick(cpu);
    qemu_cond_signal(&v->cond);
    while (!v->work_done) {
        /* Kick again in case the first signal raced with KVM_RUN's entry. */
        if (!qemu_cond_timedwait_bql(&pause_cond, 10 * SCALE_MS)) {
            if (v->state == KVM_VCPU_STOPPED) {
                fn(cpu, data);
                break;
            }
            kvm_cpu_kick(cpu);
            qemu_cond_signal(&v->cond);
        }
    }
    v->work_fn = NULL;
    v->work_data = NULL;
    qemu_cond_broadcast(&pause_cond);
}

static void kvm_vcpu_park(KVMVcpu *v)
{
    v->state = KVM_VCPU_PAUSED;
    qemu_cond_broadcast(&pause_cond);
    qemu_cond_wait_bql(&v->cond);
}

static void *kvm_vcpu_thread(void *opaque)
{
    CPUState *cpu = opaque;
    KVMVcpu *v = kvm_vcpu(cpu);
    Error *err = NULL;
    sigset_t set;

    this_run = v->run;
    sigemptyset(&set);
    sigaddset(&set, SIG_IPI);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);

    bql_lock();
    for (;;) {
        int ret, saved_errno;

        kvm_vcpu_do_work(cpu, v);
        while ((v->stop || v->wait_reset) && !v->quit) {
            kvm_vcpu_park(v);
            kvm_vcpu_do_work(cpu, v);
        }
        if (v->quit) {
            break;
        }
        v->state = KVM_VCPU_RUNNING;
        if (v->regs_dirty) {
            if (!kvm_arch_put_registers(cpu, &err)) {
                kvm_vcpu_fatal(cpu, "cannot load the CPU state: %s", error_get_pretty(err));
                error_free(err);
                err = NULL;
                v->wait_reset = true;
                continue;
            }
            v->regs_dirty = false;
        }
        bql_unlock();
        ret = ioctl(v->fd, KVM_RUN, 0);
        saved_errno = errno;
        v->run->immediate_exit = 0;
        bql_lock();
        if (ret < 0) {
            if (saved_errno == EINTR || saved_errno == EAGAIN) {
                continue;           /* kicked: look at the requests */
            }
            kvm_vcpu_fatal(cpu, "KVM_RUN failed: %s", strerror(saved_errno));
            v->wait_reset = true;
            continue;
        }
        ret = kvm_handle_exit(cpu, v);
        if (ret != 0) {
            v->wait_reset = true;
        }
    }
    v->state = KVM_VCPU_STOPPED;
    qemu_cond_broadcast(&pause_cond);
    bql_unlock();
    return NULL;
}

static bool kvm_create_vcpu(KVMState *s, CPUState *cpu, Error **errp)
{
    KVMVcpu *v = g_new0(KVMVcpu, 1);
    int ret;

    v->fd = -1;
    v->vcpu_id = kvm_arch_vcpu_id(cpu);
    ret = kvm_vm_ioctl(s, KVM_CREATE_VCPU, (void *)v->vcpu_id);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_CREATE_VCPU %lu failed", v->vcpu_id);
        g_free(v);
        return false;
    }
    v->fd = ret;
    v->run = mmap(NULL, s->vcpu_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
    if (v->run == MAP_FAILED) {
        error_setg_errno(errp, errno, "kvm: mmap of the vCPU run area failed");
        close(v->fd);
        g_free(v);
        return false;
    }
    qemu_cond_init(&v->cond);
    v->stop = true;               /* vCPUs start paused; vm_start resumes them */
    v->regs_dirty = true;
    v->state = KVM_VCPU_CREATED;
    cpu->accel_data = v;
    if (!kvm_arch_init_vcpu(cpu, errp)) {
        return false;
    }
    return true;
}

bool kvm_start_vcpus(MachineState *ms, Error **errp)
{
    struct sigaction sa = { .sa_handler = sig_ipi_handler };
    CPUState *cpu;

    if (!kvm_state) {
        error_setg(errp, "kvm: the accelerator is not initialized");
        return false;
    }
    if (!pause_cond_ready) {
        qemu_cond_init(&pause_cond);
        pause_cond_ready = true;
    }
    /* No SA_RESTART: KVM_RUN must come back with EINTR. */
    sigemptyset(&sa.sa_mask);
    sigaction(SIG_IPI, &sa, NULL);
    CPU_FOREACH(cpu) {
        if (!kvm_create_vcpu(kvm_state, cpu, errp)) {
            return false;
        }
    }
    CPU_FOREACH(cpu) {
        KVMVcpu *v = kvm_vcpu(cpu);
        char name[32];

        snprintf(name, sizeof(name), "CPU %d/KVM", cpu->cpu_index);
        if (!qemu_thread_create(&v->thread, name, kvm_vcpu_thread, cpu, errp)) {
            return false;
        }
        v->thread_started = true;
    }
    /* Wait until every thread is parked, so "paused" means paused. */
    CPU_FOREACH(cpu) {
        while (kvm_vcpu(cpu)->state == KVM_VCPU_CREATED) {
            qemu_cond_wait_bql(&pause_cond);
        }
    }
    return true;
}

void kvm_pause_all_vcpus(void)
{
    CPUState *cpu;

    BQL_ASSERT();
    CPU_FOREACH(cpu) {
        KVMVcpu *v = kvm_vcpu(cpu);

        if (v) {
            v->stop = true;
            kvm_cpu_kick(cpu);
        }
    }
    CPU_FOREACH(cpu) {
        KVMVcpu *v = kvm_vcpu(cpu);

        while (v && v->thread_started && v->state == KVM_VCPU_RUNNING) {
            /* Kick again in case the first signal raced with an exit. */
            if (!qemu_cond_timedwait_bql(&pause_cond, 10 * SCALE_MS)) {
                kvm_cpu_kick(cpu);
            }
        }
    }
}

void kvm_resume_all_vcpus(void)
{
    CPUState *cpu;

    BQL_ASSERT();
    CPU_FOREACH(cpu) {
        KVMVcpu *v = kvm_vcpu(cpu);

        if (v) {
            v->stop = false;
            qemu_cond_signal(&v->cond);
        }
    }
}

void kvm_post_reset(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        KVMVcpu *v = kvm_vcpu(cpu);

        if (v) {
            v->wait_reset = false;
            v->regs_dirty = true;
            cpu->halted = false;
        }
    }
}
