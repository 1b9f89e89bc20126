/*
 * Event loops (epoll), timers, bottom halves.
 *
 * One EventLoop per thread that needs one: the main thread runs the main
 * loop; iothreads run their own.  Handlers run in the thread of the loop they
 * were registered with.  Handlers of the main loop run with the big lock
 * (core/thread.h) held; the loop drops it while it sleeps in epoll_wait.
 */
#ifndef CORE_MAIN_LOOP_H
#define CORE_MAIN_LOOP_H

#include "core/osdep.h"
#include "core/error.h"

typedef struct EventLoop EventLoop;
typedef void IOHandler(void *opaque);

EventLoop *event_loop_new(Error **errp);
void event_loop_free(EventLoop *loop);
/* The main thread's loop, created on first use. */
EventLoop *main_loop_get(void);

/*
 * Watch fd for readability and/or writability.  Passing NULL for both
 * handlers removes the fd.  Calling it again for the same fd replaces the
 * handlers.  Safe to call from inside a handler, also for other fds.
 * Remove an fd before closing it.  Regular files (which epoll refuses) are
 * treated as always ready: their read handler should remove itself at EOF.
 */
void event_loop_set_fd_handler(EventLoop *loop, int fd, IOHandler *fd_read,
                               IOHandler *fd_write, void *opaque);
/*
 * Run one iteration: wait (if blocking) until an fd is ready, a timer is due,
 * a bottom half is scheduled or the loop is kicked; dispatch what is ready.
 * Returns true if any handler/timer/bh ran.
 */
bool event_loop_run_once(EventLoop *loop, bool blocking);
/* Wake the loop from another thread (eventfd).  Async-signal safe. */
void event_loop_kick(EventLoop *loop);

/* Bottom halves: run once soon, in the loop's thread, after scheduling. */
typedef struct QEMUBH QEMUBH;
typedef void QEMUBHFunc(void *opaque);
QEMUBH *qemu_bh_new_loop(EventLoop *loop, QEMUBHFunc *cb, void *opaque);
#define qemu_bh_new(cb, opaque) qemu_bh_new_loop(main_loop_get(), cb, opaque)
void qemu_bh_schedule(QEMUBH *bh);      /* thread-safe; kicks the loop */
void qemu_bh_cancel(QEMUBH *bh);
void qemu_bh_delete(QEMUBH *bh);
/*
 * Wait until loop (run by another thread) has finished the callback it
 * may be running now and reached its bottom halves: a timer deleted or a
 * BH cancelled before the call then runs no more.  Never from the loop's
 * own thread.
 */
void event_loop_barrier(EventLoop *loop);

/* Clocks and timers. */
typedef enum QEMUClockType {
    QEMU_CLOCK_REALTIME = 0,   /* monotonic host time; always runs */
    QEMU_CLOCK_VIRTUAL = 1,    /* guest time; stops while the VM is stopped */
    QEMU_CLOCK_HOST = 2,       /* wall-clock (CLOCK_REALTIME), for RTCs */
    QEMU_CLOCK_MAX
} QEMUClockType;

#define NANOSECONDS_PER_SECOND 1000000000LL
#define SCALE_MS 1000000
#define SCALE_US 1000
#define SCALE_NS 1

int64_t qemu_clock_get_ns(QEMUClockType type);
static inline int64_t qemu_clock_get_ms(QEMUClockType type)
{
    return qemu_clock_get_ns(type) / SCALE_MS;
}
/* Stop/restart the virtual clock (run state changes).  Thread-safe. */
void qemu_clock_enable(QEMUClockType type, bool enabled);
bool qemu_clock_enabled(QEMUClockType type);

typedef struct QEMUTimer QEMUTimer;
typedef void QEMUTimerCB(void *opaque);
QEMUTimer *timer_new_loop(EventLoop *loop, QEMUClockType type, int scale,
                          QEMUTimerCB *cb, void *opaque);
#define timer_new_ns(type, cb, opaque)                                     \
    timer_new_loop(main_loop_get(), type, SCALE_NS, cb, opaque)
#define timer_new_ms(type, cb, opaque)                                     \
    timer_new_loop(main_loop_get(), type, SCALE_MS, cb, opaque)
/* Expire at expire_time (in the timer's scale) on its clock; thread-safe. */
void timer_mod(QEMUTimer *t, int64_t expire_time);
void timer_del(QEMUTimer *t);
bool timer_pending(QEMUTimer *t);
/* In the timer's scale; -1 when not pending. */
int64_t timer_expire_time(QEMUTimer *t);
void timer_free(QEMUTimer *t);

/*
 * Main loop control for system/: run until a shutdown/reset request is
 * handled.  Requests come from any thread.
 */
typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE = 0,
    SHUTDOWN_CAUSE_HOST_ERROR,
    SHUTDOWN_CAUSE_HOST_QMP_QUIT,
    SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET,
    SHUTDOWN_CAUSE_HOST_SIGNAL,
    SHUTDOWN_CAUSE_HOST_UI,
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
    SHUTDOWN_CAUSE_GUEST_RESET,
    SHUTDOWN_CAUSE_GUEST_PANIC,
} ShutdownCause;

/* Guest or host asked to power off; exit_status is the process's. */
void qemu_system_shutdown_request_status(ShutdownCause cause, int exit_status);
#define qemu_system_shutdown_request(cause)                                \
    qemu_system_shutdown_request_status(cause, 0)
void qemu_system_reset_request(ShutdownCause cause);
/* Consumed by the main loop in system/. */
ShutdownCause qemu_shutdown_requested(int *exit_status);
ShutdownCause qemu_reset_requested(void);

#endif
