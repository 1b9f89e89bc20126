/*
 * The monitors on the command line (-qmp, -qmp-pretty, -monitor, -mon)
 * and what system/ lends them: the run state, stop and cont.
 *
 * Monitors start after the chardevs and serial ports (a -mon names a
 * -chardev; "-serial mon:stdio" shares its mux with the HMP monitor) and
 * before the machine, so a client can connect and see the VM start.
 */
#include "core/osdep.h"
#include "monitor/monitor.h"
#include "system/cli.h"
#include "system/memory-backend.h"
#include "system/runstate.h"
#include "system/vl.h"

static const char *glue_runstate_name(void)
{
    return runstate_name(runstate_get());
}

static void glue_stop(void)
{
    /* As QEMU: stopping a VM that never started (-S) leaves it "prelaunch". */
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
}

static bool glue_cont(Error **errp)
{
    if (runstate_get() == RUN_STATE_SHUTDOWN) {
        /* QEMU's answer for a powered-off guest kept by -no-shutdown. */
        error_setg(errp, "Resetting the Virtual Machine is required");
        return false;
    }
    vm_start();
    return true;
}

/* A memory backend mapped as guest RAM must outlive the machine. */
static bool glue_object_in_use(Object *obj)
{
    return object_dynamic_cast(obj, TYPE_MEMORY_BACKEND) && MEMORY_BACKEND(obj)->in_use;
}

static const MonitorVMOps glue_ops = {
    .runstate_name = glue_runstate_name,
    .is_running = runstate_is_running,
    .stop = glue_stop,
    .cont = glue_cont,
    .object_in_use = glue_object_in_use,
};

bool system_monitors_init(const CliConfig *cfg, Error **errp)
{
    monitor_set_vm_ops(&glue_ops);
    if (cfg->name) {
        monitor_set_guest_name(cfg->name);
    }
    for (guint i = 0; i < cfg->monitors->len; i++) {
        const CliArg *arg = g_ptr_array_index(cfg->monitors, i);
        Error *err = NULL;

        if (!strcmp(arg->opt, "-qmp")) {
            monitor_add_qmp_spec(arg->value, false, &err);
        } else if (!strcmp(arg->opt, "-qmp-pretty")) {
            monitor_add_qmp_spec(arg->value, true, &err);
        } else if (!strcmp(arg->opt, "-monitor")) {
            monitor_add_hmp_spec(arg->value, &err);
        } else {
            monitor_add_mon_opts(arg->value, &err);
        }
        if (err) {
            cli_error_prepend(&err, arg);
            error_propagate(errp, err);
            return false;
        }
    }
    return true;
}

bool system_monitor_on_mux(const char *spec, Chardev *chr, Error **errp)
{
    /* "mon:" shorthands give the monitor a share of the mux (Ctrl-A c). */
    if (chr && g_str_has_prefix(spec, "mon:")) {
        return monitor_init_hmp(chr, errp) != NULL;
    }
    return true;
}
