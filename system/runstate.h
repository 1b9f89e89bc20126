/*
 * Run states of the virtual machine and the main loop that drives them.
 *
 *   prelaunch --vm_start--> running <--vm_stop/vm_start--> paused
 *                               \--guest poweroff with -no-shutdown--> shutdown
 *                               \--gdbstub stop (breakpoint, step, Ctrl-C)--> debug
 *
 * vm_stop/vm_start stop and restart the virtual clock and the vCPUs; they
 * are what QMP "stop"/"cont" will call.  Everything here runs in the main
 * thread with the BQL held.
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

#include "core/osdep.h"
#include "core/main-loop.h"

typedef enum RunState {
    RUN_STATE_PRELAUNCH = 0,   /* machine built, never started (-S) */
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,          /* stopped by the user (stop, -S then cont) */
    RUN_STATE_SHUTDOWN,        /* guest powered off and -no-shutdown */
    RUN_STATE_DEBUG,           /* stopped by the gdbstub (breakpoint, step, Ctrl-C) */
    RUN_STATE__MAX
} RunState;

RunState runstate_get(void);
bool runstate_is_running(void);
const char *runstate_name(RunState state);      /* QMP names: "running", ... */

/* Start (or continue) the VM: virtual clock on, vCPUs resumed.  No-op if running. */
void vm_start(void);
/* Stop the VM into state (PAUSED, SHUTDOWN or DEBUG): vCPUs parked, clock stopped. */
void vm_stop(RunState state);

/*
 * Called (BQL held) when the VM stops: vm_stop from running, which is also
 * what quitting does.  Devices that hold output back hand it over here.
 */
typedef void VMStopHook(void *opaque);
void vm_stop_hook_add(VMStopHook *fn, void *opaque);
void vm_stop_hook_remove(VMStopHook *fn, void *opaque);

/* How the main loop treats guest power-off and reset requests. */
void runstate_set_no_shutdown(bool on);
void runstate_set_no_reboot(bool on);

/*
 * Block SIGINT/SIGTERM/SIGHUP in every thread and turn them into shutdown
 * requests handled by the main loop.  Call before any thread is created.
 */
void runstate_init_signals(void);

/* Run until the machine should exit; returns the process exit status. */
int main_loop_run(void);

/* Pause the vCPUs, reset the machine, resume them if the VM was running. */
void qemu_system_reset(ShutdownCause cause);

#endif
