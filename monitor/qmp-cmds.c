/*
 * QMP commands about the session, the run state and the machine as a
 * whole.  Replies follow QEMU's qapi/ definitions (see the schema in
 * qmp-schema.c); HMP's commands call these same handlers.
 */
#include "core/osdep.h"
#include "core/thread.h"
#include "accel/accel.h"
#include "accel/tcg/cpu.h"
#include "hw/core/machine.h"
#include "monitor/monitor-internal.h"

/* ------------------------------------------------------------ helpers */

json_object *qmp_version_object(void);
const char *monitor_target_arch(void);

json_object *qmp_version_object(void)
{
    json_object *v = json_object_new_object();
    json_object *triple = json_object_new_object();
    unsigned major = 0, minor = 0, micro = 0;

    sscanf(MACHINA_VERSION, "%u.%u.%u", &major, &minor, &micro);
    json_object_object_add(triple, "micro", json_object_new_int(micro));
    json_object_object_add(triple, "minor", json_object_new_int(minor));
    json_object_object_add(triple, "major", json_object_new_int(major));
    json_object_object_add(v, "qemu", triple);
    json_object_object_add(v, "package", json_object_new_string("machina-" MACHINA_VERSION));
    return v;
}

/* "riscv64" for machina-system-riscv64: the binary names its target. */
const char *monitor_target_arch(void)
{
    static const char prefix[] = "machina-system-";
    const char *name = machina_prog_name ? machina_prog_name : "";

    if (!strncmp(name, prefix, sizeof(prefix) - 1)) {
        return name + sizeof(prefix) - 1;
    }
    return "unknown";
}

static const MonitorVMOps *need_vm(const char *what, Error **errp)
{
    const MonitorVMOps *ops = monitor_vm_ops();

    if (!ops) {
        error_setg(errp, "There is no virtual machine to %s", what);
    }
    return ops;
}

/* ------------------------------------------------------------ session */

QMP_HANDLER(qmp_qmp_capabilities)
{
    json_object *enable;

    if (mon->commands_enabled) {
        error_set_class(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                        "Capabilities negotiation is already complete, command ignored");
        return NULL;
    }
    /*
     * "oob" (out-of-band execution) is accepted: every request here runs to
     * completion as soon as it is read, so none ever waits behind another.
     */
    if (json_object_object_get_ex(args, "enable", &enable)) {
        /* Values already checked against QMPCapability: "oob" is the one. */
        mon->oob_enabled = json_object_array_length(enable) > 0;
    }
    mon->commands_enabled = true;
    return NULL;
}

QMP_HANDLER(qmp_query_version)
{
    return qmp_version_object();
}

QMP_HANDLER(qmp_query_commands)
{
    json_object *list = json_object_new_array();
    const QmpCommandDef *c;

    for (size_t i = 0; (c = qmp_command_at(i)); i++) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "name", json_object_new_string(c->name));
        json_object_array_add(list, o);
    }
    return list;
}

QMP_HANDLER(qmp_query_qmp_schema)
{
    return qmp_schema_introspect();
}

/* ---------------------------------------------------------- run state */

QMP_HANDLER(qmp_query_status)
{
    const MonitorVMOps *ops = need_vm("query", errp);
    json_object *o;
    bool running;

    if (!ops || !ops->runstate_name || !ops->is_running) {
        if (ops) {
            error_setg(errp, "There is no virtual machine to query");
        }
        return NULL;
    }
    running = ops->is_running();
    o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string(ops->runstate_name()));
    /* Single-stepping is a gdbstub matter; the monitor never turns it on. */
    json_object_object_add(o, "singlestep", json_object_new_boolean(false));
    json_object_object_add(o, "running", json_object_new_boolean(running));
    return o;
}

QMP_HANDLER(qmp_stop)
{
    const MonitorVMOps *ops = need_vm("stop", errp);

    if (ops && ops->stop) {
        ops->stop();
    } else if (ops) {
        error_setg(errp, "There is no virtual machine to stop");
    }
    return NULL;
}

QMP_HANDLER(qmp_cont)
{
    const MonitorVMOps *ops = need_vm("continue", errp);

    if (ops && ops->cont) {
        ops->cont(errp);
    } else if (ops) {
        error_setg(errp, "There is no virtual machine to continue");
    }
    return NULL;
}

QMP_HANDLER(qmp_system_reset)
{
    /* Carried out by the main loop, which sends RESET when it is done. */
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    return NULL;
}

QMP_HANDLER(qmp_system_powerdown)
{
    /*
     * The power button.  QEMU's RISC-V virt machine has no device that
     * passes it on to the guest (no ACPI, no GPIO power key), so there, as
     * here, the press is announced (POWERDOWN) and nothing else happens.
     */
    monitor_event_powerdown();
    return NULL;
}

QMP_HANDLER(qmp_quit)
{
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    return NULL;
}

/* ------------------------------------------------------------ machine */

static long cpu_thread_id(CPUState *cpu)
{
    char name[32];
    long tid;

    /* The accelerators name their vCPU threads "CPU N/ACCEL". */
    snprintf(name, sizeof(name), "CPU %d/KVM", cpu->cpu_index);
    /* Threads name themselves once running: allow a just-started one ~50 ms. */
    for (int i = 0; i < 50; i++) {
        tid = monitor_thread_id(name);
        if (tid < 0) {
            /* TCG runs every vCPU round-robin on one thread, "CPU 0/TCG". */
            tid = monitor_thread_id("CPU 0/TCG");
        }
        if (tid >= 0) {
            break;
        }
        g_usleep(1000);
    }
    return tid;
}

/*
 * CpuInstanceProperties as QEMU's boards fill them: x86 places each CPU in
 * the -smp topology (socket, core, thread, in APIC ID order); riscv virt
 * gives each hart a core-id.
 */
static json_object *cpu_instance_props(CPUState *cpu)
{
    json_object *p = json_object_new_object();
    unsigned idx = cpu->cpu_index;

    if (!strcmp(monitor_target_arch(), "x86_64") && current_machine) {
        const CpuTopology *t = &current_machine->smp;
        unsigned threads = t->threads ? t->threads : 1, cores = t->cores ? t->cores : 1;

        json_object_object_add(p, "socket-id", json_object_new_int(idx / (threads * cores)));
        json_object_object_add(p, "core-id", json_object_new_int((idx / threads) % cores));
        json_object_object_add(p, "thread-id", json_object_new_int(idx % threads));
    } else {
        json_object_object_add(p, "core-id", json_object_new_int(idx));
    }
    return p;
}

QMP_HANDLER(qmp_query_cpus_fast)
{
    json_object *list = json_object_new_array();
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        json_object *o = json_object_new_object();
        char *path = object_get_canonical_path(OBJECT(cpu));
        long tid = cpu_thread_id(cpu);

        json_object_object_add(o, "cpu-index", json_object_new_int(cpu->cpu_index));
        json_object_object_add(o, "qom-path", json_object_new_string(path ? path : ""));
        if (tid >= 0) {
            json_object_object_add(o, "thread-id", json_object_new_int64(tid));
        }
        json_object_object_add(o, "props", cpu_instance_props(cpu));
        json_object_object_add(o, "target", json_object_new_string(monitor_target_arch()));
        json_object_array_add(list, o);
        g_free(path);
    }
    return list;
}

QMP_HANDLER(qmp_query_machines)
{
    GSList *classes = object_class_get_list_sorted(TYPE_MACHINE, false);
    json_object *list = json_object_new_array();

    for (GSList *l = classes; l; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);
        json_object *o = json_object_new_object();

        json_object_object_add(o, "name", json_object_new_string(mc->name ? mc->name : ""));
        if (mc->alias) {
            json_object_object_add(o, "alias", json_object_new_string(mc->alias));
        }
        if (mc->is_default) {
            json_object_object_add(o, "is-default", json_object_new_boolean(true));
        }
        json_object_object_add(o, "cpu-max", json_object_new_int(mc->max_cpus ? mc->max_cpus : 1));
        json_object_object_add(o, "hotpluggable-cpus", json_object_new_boolean(false));
        json_object_object_add(o, "numa-mem-supported", json_object_new_boolean(false));
        json_object_object_add(o, "deprecated", json_object_new_boolean(false));
        if (mc->default_cpu_type) {
            json_object_object_add(o, "default-cpu-type",
                                   json_object_new_string(mc->default_cpu_type));
        }
        if (mc->default_ram_size) {
            /* system/ names the RAM region it creates "ram". */
            json_object_object_add(o, "default-ram-id", json_object_new_string("ram"));
        }
        json_object_array_add(list, o);
    }
    g_slist_free(classes);
    return list;
}

QMP_HANDLER(qmp_query_kvm)
{
    json_object *o = json_object_new_object();
    bool present = accel_find("kvm") != NULL;
    bool enabled = current_accel && !strcmp(current_accel->name, "kvm");

    json_object_object_add(o, "enabled", json_object_new_boolean(enabled));
    json_object_object_add(o, "present", json_object_new_boolean(present));
    return o;
}

QMP_HANDLER(qmp_query_name)
{
    json_object *o = json_object_new_object();

    if (monitor_guest_name()) {
        json_object_object_add(o, "name", json_object_new_string(monitor_guest_name()));
    }
    return o;
}

QMP_HANDLER(qmp_query_uuid)
{
    json_object *o = json_object_new_object();

    /* No -uuid option exists yet: QEMU's default, the nil UUID (RFC 4122 §4.1.7). */
    json_object_object_add(o, "UUID",
                           json_object_new_string("00000000-0000-0000-0000-000000000000"));
    return o;
}

QMP_HANDLER(qmp_query_target)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "arch", json_object_new_string(monitor_target_arch()));
    return o;
}

static void chardev_info(Chardev *chr, void *opaque)
{
    json_object *list = opaque;
    json_object *o = json_object_new_object();
    bool mux = chr->filename && !strncmp(chr->filename, "mux:", 4);

    json_object_object_add(o, "frontend-open", json_object_new_boolean(chr->be || mux));
    json_object_object_add(o, "filename",
                           json_object_new_string(chr->filename ? chr->filename : ""));
    json_object_object_add(o, "label", json_object_new_string(chr->label ? chr->label : ""));
    json_object_array_add(list, o);
}

QMP_HANDLER(qmp_query_chardev)
{
    json_object *list = json_object_new_array();

    qemu_chr_foreach(chardev_info, list);
    return list;
}

QMP_HANDLER(qmp_query_memory_size_summary)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "base-memory",
                           json_object_new_uint64(current_machine ? current_machine->ram_size
                                                                  : 0));
    return o;
}

static int iothread_info(Object *child, void *opaque)
{
    json_object *list = opaque;
    json_object *o;
    long tid;

    if (!object_dynamic_cast(child, TYPE_IOTHREAD)) {
        return 0;
    }
    o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(child->name));
    /*
     * The iothread records its own id: thread names are cut to 15 bytes,
     * so two ids with a common prefix could not be told apart by name.
     */
    tid = iothread_get_thread_id(child);
    if (tid > 0) {
        json_object_object_add(o, "thread-id", json_object_new_int64(tid));
    }
    json_object_array_add(list, o);
    return 0;
}

QMP_HANDLER(qmp_query_iothreads)
{
    json_object *list = json_object_new_array();

    object_child_foreach(object_get_objects_root(), iothread_info, list);
    return list;
}
