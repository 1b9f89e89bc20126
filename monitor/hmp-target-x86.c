/*
 * HMP "info registers" for x86 vCPUs run by KVM: their registers live in
 * the kernel, so they are read through the KVM hooks (kvm_arch_dump_state,
 * the "-d cpu" text).  A running vCPU owns them (KVM_RUN holds the vCPU),
 * so the monitor asks for a stopped VM rather than block behind it.
 */
#include "core/osdep.h"
#include "accel/tcg/cpu.h"
#include "accel/kvm/kvm.h"
#include "monitor/monitor-internal.h"

static bool x86_dump_state(CPUState *cpu, FILE *f, Error **errp)
{
    const MonitorVMOps *ops = monitor_vm_ops();

    if (!cpu->accel_data) {
        error_setg(errp, "CPU #%d cannot show its registers", cpu->cpu_index);
        return false;
    }
    if (ops && ops->is_running && ops->is_running()) {
        error_setg(errp, "the KVM vCPUs own their registers while the VM runs: "
                   "stop it first");
        return false;
    }
    kvm_arch_dump_state(cpu, f);
    return true;
}

static void x86_monitor_init(void)
{
    monitor_register_dump_state(x86_dump_state);
}

type_init(x86_monitor_init)
