/*
 * HMP "info registers" for x86 vCPUs run by KVM: their registers live in
 * the kernel, so they are read through the KVM hooks (kvm_arch_dump_state,
 * the "-d cpu" text).  A running vCPU owns them (KVM_RUN holds the vCPU),
 * so the read runs on the vCPU's own thread (kvm_run_on_cpu kicks it out
 * of KVM_RUN for the moment it takes), paused or running alike.
 */
#include "core/osdep.h"
#include "accel/tcg/cpu.h"
#include "accel/kvm/kvm.h"
#include "monitor/monitor-internal.h"

static void dump_on_cpu(CPUState *cpu, void *data)
{
    kvm_arch_dump_state(cpu, data);
}

static bool x86_dump_state(CPUState *cpu, FILE *f, Error **errp)
{
    if (!cpu->accel_data) {
        error_setg(errp, "CPU #%d cannot show its registers", cpu->cpu_index);
        return false;
    }
    kvm_run_on_cpu(cpu, dump_on_cpu, f);
    return true;
}

static void x86_monitor_init(void)
{
    monitor_register_dump_state(x86_dump_state);
}

type_init(x86_monitor_init)
