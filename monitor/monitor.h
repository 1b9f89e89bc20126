/*
 * The monitors: QMP (JSON, for programs) and HMP (text, for people), each
 * served over any chardev, as many at once as the command line asks for.
 *
 *   -qmp tcp:127.0.0.1:4444,server=on,wait=off     QMP on a new chardev
 *   -monitor stdio                                  HMP on a new chardev
 *   -chardev socket,id=c,... -mon chardev=c,mode=control,pretty=on
 *   -serial mon:stdio / -nographic                  HMP sharing a mux with a UART
 *
 * The monitor sits below system/: it does not call the run-state code
 * itself.  system/ lends it the few actions it needs (MonitorVMOps) and
 * tells it about run-state changes through the event functions below,
 * which broadcast QMP events to every QMP monitor.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include "core/osdep.h"
#include "core/error.h"
#include "core/main-loop.h"

typedef struct Chardev Chardev;
typedef struct Monitor Monitor;
typedef struct Object Object;

/* QMP on chr; pretty: QEMU's indented layout. */
Monitor *monitor_init_qmp(Chardev *chr, bool pretty, Error **errp);
/* HMP on chr (takes the focus if chr is a mux). */
Monitor *monitor_init_hmp(Chardev *chr, Error **errp);
/*
 * -qmp SPEC / -monitor SPEC: create a chardev from the shorthand
 * ("stdio", "tcp:...", "unix:...", "mon:stdio", "chardev:ID", "none")
 * and start a monitor on it.  "none" starts nothing.
 */
bool monitor_add_qmp_spec(const char *spec, bool pretty, Error **errp);
bool monitor_add_hmp_spec(const char *spec, Error **errp);
/* -mon chardev=ID[,mode=readline|control][,pretty=on|off] */
bool monitor_add_mon_opts(const char *optstr, Error **errp);
/* Stop every monitor (exit path): detach from their chardevs, free them. */
void monitor_cleanup(void);

/*
 * What system/ lends the monitor.  Any hook may be NULL; a command that
 * needs a missing one answers "There is no virtual machine to ...".
 */
typedef struct MonitorVMOps {
    /* QMP RunState name ("running", "paused", "prelaunch", "shutdown"). */
    const char *(*runstate_name)(void);
    bool (*is_running)(void);
    /* stop: pause the guest (no-op when not running). */
    void (*stop)(void);
    /* cont: start or resume; may refuse (errp). */
    bool (*cont)(Error **errp);
    /* object-del: is this user object used by the machine (guest RAM)? */
    bool (*object_in_use)(Object *obj);
} MonitorVMOps;

void monitor_set_vm_ops(const MonitorVMOps *ops);
/* -name guest=NAME (query-name, info name). */
void monitor_set_guest_name(const char *name);

/*
 * Events (QMP §"Asynchronous events"): sent to every QMP monitor that has
 * finished capabilities negotiation, each with a host timestamp.
 * data may be NULL; the call takes ownership of it (a json_object *).
 */
void monitor_event_emit(const char *name, void *data);

/* Call sites in system/: */
void monitor_event_stop(void);                      /* STOP: the VM paused */
void monitor_event_resume(void);                    /* RESUME */
/* SHUTDOWN / RESET with {"guest": bool, "reason": ShutdownCause name}. */
void monitor_event_shutdown(ShutdownCause cause);
void monitor_event_reset(ShutdownCause cause);
void monitor_event_powerdown(void);
/* QEMU's names for ShutdownCause ("host-qmp-quit", "guest-shutdown", ...). */
const char *shutdown_cause_name(ShutdownCause cause);


#endif
