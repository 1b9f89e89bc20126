/*
 * Run states, vm_start/vm_stop and the main loop (see runstate.h).
 *
 * Shutdown and reset requests arrive from any thread as flags set by
 * core/main-loop.c (qemu_system_shutdown_request_status, ...) that kick the
 * main loop; they are consumed here, in the main thread, with the BQL held,
 * so a machine reset never races with device emulation.
 */
#include "core/osdep.h"
#include "core/error.h"
#include "core/main-loop.h"
#include "core/thread.h"
#include "accel/accel.h"
#include "block/block.h"
#include "hw/core/machine.h"
#include "hw/core/qdev.h"
#include "monitor/monitor.h"
#include "system/runstate.h"

#include <signal.h>
#include <sys/signalfd.h>

static RunState current_state = RUN_STATE_PRELAUNCH;
static bool no_shutdown;
static bool no_reboot;

static const char *const runstate_names[RUN_STATE__MAX] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_SHUTDOWN] = "shutdown",
    [RUN_STATE_DEBUG] = "debug",
};

RunState runstate_get(void)
{
    return current_state;
}

bool runstate_is_running(void)
{
    return current_state == RUN_STATE_RUNNING;
}

const char *runstate_name(RunState state)
{
    return state < RUN_STATE__MAX ? runstate_names[state] : "unknown";
}

void runstate_set_no_shutdown(bool on)
{
    no_shutdown = on;
}

void runstate_set_no_reboot(bool on)
{
    no_reboot = on;
}

static void vcpus_pause(void)
{
    if (current_accel && current_accel->pause_all_vcpus) {
        current_accel->pause_all_vcpus();
    }
}

static void vcpus_resume(void)
{
    if (current_accel && current_accel->resume_all_vcpus) {
        current_accel->resume_all_vcpus();
    }
}

void vm_start(void)
{
    if (current_state == RUN_STATE_RUNNING) {
        return;
    }
    /* Guest time moves only while the guest runs. */
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
    current_state = RUN_STATE_RUNNING;
    /* Devices serve what their drivers queued while we were stopped. */
    blk_drain_all_end();
    vcpus_resume();
    monitor_event_resume();
}

typedef struct StopHook {
    VMStopHook *fn;
    void *opaque;
} StopHook;

static GArray *stop_hooks;      /* StopHook */

void vm_stop_hook_add(VMStopHook *fn, void *opaque)
{
    StopHook h = {fn, opaque};

    if (!stop_hooks) {
        stop_hooks = g_array_new(false, false, sizeof(StopHook));
    }
    g_array_append_val(stop_hooks, h);
}

void vm_stop_hook_remove(VMStopHook *fn, void *opaque)
{
    for (guint i = 0; stop_hooks && i < stop_hooks->len; i++) {
        StopHook *h = &g_array_index(stop_hooks, StopHook, i);

        if (h->fn == fn && h->opaque == opaque) {
            g_array_remove_index(stop_hooks, i);
            break;
        }
    }
}

static void run_stop_hooks(void)
{
    for (guint i = 0; stop_hooks && i < stop_hooks->len; i++) {
        StopHook *h = &g_array_index(stop_hooks, StopHook, i);

        h->fn(h->opaque);
    }
}

void vm_stop(RunState state)
{
    assert(state != RUN_STATE_RUNNING);
    if (current_state == RUN_STATE_RUNNING) {
        vcpus_pause();
        /*
         * No device I/O after a stop (stop, quit, werror=stop): requests in
         * flight in iothreads finish now, and none starts until vm_start.
         */
        blk_drain_all_begin();
        qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
        current_state = state;
        run_stop_hooks();
        monitor_event_stop();       /* QMP STOP, only when it was running */
    }
    current_state = state;
}

void qemu_system_reset(ShutdownCause cause)
{
    MachineClass *mc = current_machine ? MACHINE_GET_CLASS(current_machine) : NULL;
    bool was_running = runstate_is_running();

    if (was_running) {
        vcpus_pause();
    }
    if (mc && mc->reset) {
        mc->reset(current_machine);
    } else {
        qemu_devices_reset();
    }
    if (current_accel && current_accel->post_reset) {
        current_accel->post_reset();
    }
    if (current_state == RUN_STATE_SHUTDOWN) {
        /* A powered-off guest that is reset waits for "cont", as in QEMU. */
        current_state = RUN_STATE_PRELAUNCH;
    }
    if (was_running) {
        vcpus_resume();
    }
    if (cause != SHUTDOWN_CAUSE_NONE) {
        monitor_event_reset(cause);     /* not for the first reset at start */
    }
}

/* ------------------------------------------------------------ signals */

static int signal_fd = -1;

static void signal_fd_read(void *opaque)
{
    struct signalfd_siginfo si;

    (void)opaque;
    while (read(signal_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        error_report("terminating on signal %u", si.ssi_signo);
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
    }
}

void runstate_init_signals(void)
{
    sigset_t set;

    /*
     * Blocked here, before any thread exists, so every thread inherits the
     * mask and the signals are only ever seen through the signalfd, in the
     * main loop: no async-signal-safety concerns for the handler.
     */
    /* A peer closing a socket or pipe is an error return, not a kill. */
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (signal_fd < 0) {
        /* Without it the signals stay blocked: report, keep running. */
        error_report("cannot create a signalfd: %s", strerror(errno));
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        return;
    }
    event_loop_set_fd_handler(main_loop_get(), signal_fd, signal_fd_read, NULL, NULL);
}

/* -------------------------------------------------------------- loop */

/* Consume pending requests; true (with the exit status) when we must exit. */
static bool main_loop_should_exit(int *status)
{
    int exit_status = 0;
    ShutdownCause cause = qemu_shutdown_requested(&exit_status);

    if (cause != SHUTDOWN_CAUSE_NONE) {
        monitor_event_shutdown(cause);
        if (no_shutdown && cause == SHUTDOWN_CAUSE_GUEST_SHUTDOWN) {
            /* -no-shutdown: keep the process (and its state) for inspection. */
            vm_stop(RUN_STATE_SHUTDOWN);
        } else {
            *status = exit_status;
            return true;
        }
    }
    cause = qemu_reset_requested();
    if (cause != SHUTDOWN_CAUSE_NONE) {
        if (no_reboot) {
            /* -no-reboot: a reset ends the run (successfully), as in QEMU. */
            monitor_event_shutdown(cause);
            *status = 0;
            return true;
        }
        qemu_system_reset(cause);
    }
    return false;
}

int main_loop_run(void)
{
    int status = 0;

    BQL_ASSERT();
    while (!main_loop_should_exit(&status)) {
        event_loop_run_once(main_loop_get(), true);
    }
    return status;
}
