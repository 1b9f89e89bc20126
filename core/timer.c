/*
 * Clocks and timers.
 *
 * QEMU_CLOCK_REALTIME is CLOCK_MONOTONIC, QEMU_CLOCK_HOST is CLOCK_REALTIME
 * (wall clock, for RTCs).  QEMU_CLOCK_VIRTUAL is guest time: it starts at 0
 * when the process starts, advances with CLOCK_MONOTONIC while enabled and
 * stands still while disabled (VM stopped); re-enabling continues from the
 * frozen value, so the guest never sees the pause as a jump.
 *
 * Each loop keeps one list of pending timers per clock, sorted by expiry.
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "core/event-loop-int.h"

#include <time.h>

static pthread_mutex_t vclock_lock = PTHREAD_MUTEX_INITIALIZER;
static bool vclock_enabled = true;
static int64_t vclock_offset;        /* virtual = monotonic + offset, when enabled */
static int64_t vclock_frozen;        /* virtual time while disabled */

static int64_t host_clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

static void __attribute__((constructor)) vclock_init(void)
{
    vclock_offset = -host_clock_ns(CLOCK_MONOTONIC);
}

int64_t qemu_clock_get_ns(QEMUClockType type)
{
    int64_t v;

    switch (type) {
    case QEMU_CLOCK_REALTIME:
        return host_clock_ns(CLOCK_MONOTONIC);
    case QEMU_CLOCK_HOST:
        return host_clock_ns(CLOCK_REALTIME);
    case QEMU_CLOCK_VIRTUAL:
        pthread_mutex_lock(&vclock_lock);
        v = vclock_enabled ? host_clock_ns(CLOCK_MONOTONIC) + vclock_offset
                           : vclock_frozen;
        pthread_mutex_unlock(&vclock_lock);
        return v;
    default:
        abort();
    }
}

void qemu_clock_enable(QEMUClockType type, bool enabled)
{
    /* Host time cannot be stopped; only guest time follows the run state. */
    if (type != QEMU_CLOCK_VIRTUAL) {
        return;
    }
    pthread_mutex_lock(&vclock_lock);
    if (vclock_enabled && !enabled) {
        vclock_frozen = host_clock_ns(CLOCK_MONOTONIC) + vclock_offset;
    } else if (!vclock_enabled && enabled) {
        vclock_offset = vclock_frozen - host_clock_ns(CLOCK_MONOTONIC);
    }
    vclock_enabled = enabled;
    pthread_mutex_unlock(&vclock_lock);
    if (enabled) {
        /* Virtual timers may be due now: let every loop recompute its sleep. */
        event_loop_kick_all();
    }
}

bool qemu_clock_enabled(QEMUClockType type)
{
    bool e;

    if (type != QEMU_CLOCK_VIRTUAL) {
        return true;
    }
    pthread_mutex_lock(&vclock_lock);
    e = vclock_enabled;
    pthread_mutex_unlock(&vclock_lock);
    return e;
}

QEMUTimer *timer_new_loop(EventLoop *loop, QEMUClockType type, int scale,
                          QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *t = g_new0(QEMUTimer, 1);

    assert(type < QEMU_CLOCK_MAX && scale > 0);
    t->loop = loop;
    t->type = type;
    t->scale = scale;
    t->cb = cb;
    t->opaque = opaque;
    t->expire_ns = -1;
    return t;
}

/* Caller holds loop->lock. */
static void timer_unlink(QEMUTimer *t)
{
    QEMUTimer **p;

    if (t->expire_ns < 0) {
        return;
    }
    for (p = &t->loop->timers[t->type]; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
    t->expire_ns = -1;
}

void timer_mod(QEMUTimer *t, int64_t expire_time)
{
    EventLoop *loop = t->loop;
    QEMUTimer **p;
    int64_t ns;

    /* Saturate instead of overflowing: "never" stays far in the future. */
    if (expire_time < 0) {
        ns = 0;
    } else if (expire_time > INT64_MAX / t->scale) {
        ns = INT64_MAX;
    } else {
        ns = expire_time * t->scale;
    }

    pthread_mutex_lock(&loop->lock);
    timer_unlink(t);
    t->expire_ns = ns;
    for (p = &loop->timers[t->type]; *p && (*p)->expire_ns <= ns; p = &(*p)->next) {
    }
    t->next = *p;
    *p = t;
    pthread_mutex_unlock(&loop->lock);
    /* Another thread's loop may be asleep with a later deadline. */
    event_loop_kick_if_foreign(loop);
}

void timer_del(QEMUTimer *t)
{
    pthread_mutex_lock(&t->loop->lock);
    timer_unlink(t);
    pthread_mutex_unlock(&t->loop->lock);
}

bool timer_pending(QEMUTimer *t)
{
    bool p;

    pthread_mutex_lock(&t->loop->lock);
    p = t->expire_ns >= 0;
    pthread_mutex_unlock(&t->loop->lock);
    return p;
}

int64_t timer_expire_time(QEMUTimer *t)
{
    int64_t ns;

    pthread_mutex_lock(&t->loop->lock);
    ns = t->expire_ns;
    pthread_mutex_unlock(&t->loop->lock);
    return ns < 0 ? -1 : ns / t->scale;
}

void timer_free(QEMUTimer *t)
{
    if (t) {
        timer_del(t);
        g_free(t);
    }
}

int64_t timerlist_deadline_ns(EventLoop *loop)
{
    int64_t deadline = -1;

    for (int type = 0; type < QEMU_CLOCK_MAX; type++) {
        int64_t expire, delta;

        if (!qemu_clock_enabled(type)) {
            continue;       /* a stopped clock never expires a timer */
        }
        pthread_mutex_lock(&loop->lock);
        expire = loop->timers[type] ? loop->timers[type]->expire_ns : -1;
        pthread_mutex_unlock(&loop->lock);
        if (expire < 0) {
            continue;
        }
        delta = MAX(expire - qemu_clock_get_ns(type), 0);
        if (deadline < 0 || delta < deadline) {
            deadline = delta;
        }
    }
    return deadline;
}

bool timerlist_run_all(EventLoop *loop)
{
    bool ran = false;

    for (int type = 0; type < QEMU_CLOCK_MAX; type++) {
        int64_t now;

        if (!qemu_clock_enabled(type)) {
            continue;
        }
        /*
         * One reading of the clock per pass: a callback that re-arms its
         * timer for the current time runs in the next iteration, so a
         * periodic timer cannot starve fd handlers.
         */
        now = qemu_clock_get_ns(type);
        for (;;) {
            QEMUTimer *t;
            QEMUTimerCB *cb;
            void *opaque;

            pthread_mutex_lock(&loop->lock);
            t = loop->timers[type];
            if (!t || t->expire_ns > now) {
                pthread_mutex_unlock(&loop->lock);
                break;
            }
            timer_unlink(t);
            cb = t->cb;
            opaque = t->opaque;
            pthread_mutex_unlock(&loop->lock);
            /* t may be freed or re-armed by its own callback. */
            cb(opaque);
            ran = true;
        }
    }
    return ran;
}

void timerlist_free_all(EventLoop *loop)
{
    /* Timers belong to their creators; only detach them from the dying loop. */
    pthread_mutex_lock(&loop->lock);
    for (int type = 0; type < QEMU_CLOCK_MAX; type++) {
        while (loop->timers[type]) {
            timer_unlink(loop->timers[type]);
        }
    }
    pthread_mutex_unlock(&loop->lock);
}
