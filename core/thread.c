/*
 * Threads, the big lock (BQL) and condition variables that wait on it.
 *
 * The BQL is a plain (non-recursive) mutex: taking it twice in one thread is
 * a bug, caught by an assertion.  A thread-local flag answers bql_locked()
 * without touching the mutex.
 */
#include "core/osdep.h"
#include "core/thread.h"

#include <signal.h>
#include <time.h>

static pthread_mutex_t bql = PTHREAD_MUTEX_INITIALIZER;
static __thread bool bql_held;
static __thread uint64_t *bql_take_counter;

void bql_count_takes(uint64_t *counter)
{
    bql_take_counter = counter;
}

static inline void bql_count_take(void)
{
    if (bql_take_counter) {
        __atomic_fetch_add(bql_take_counter, 1, __ATOMIC_RELAXED);
    }
}

struct ThreadStart {
    void *(*fn)(void *);
    void *arg;
    char name[16];
};

static void *thread_trampoline(void *opaque)
{
    struct ThreadStart ts = *(struct ThreadStart *)opaque;

    g_free(opaque);
    /* Linux limits thread names to 15 bytes plus the NUL. */
    pthread_setname_np(pthread_self(), ts.name);
    return ts.fn(ts.arg);
}

bool qemu_thread_create(QemuThread *t, const char *name, void *(*fn)(void *),
                        void *arg, Error **errp)
{
    struct ThreadStart *ts = g_new0(struct ThreadStart, 1);
    sigset_t all, old;
    int err;

    ts->fn = fn;
    ts->arg = arg;
    g_strlcpy(ts->name, name ? name : "machina", sizeof(ts->name));

    /*
     * New threads start with every signal blocked, so that asynchronous
     * signals (SIGINT, SIGTERM, SIGCHLD) are always handled by the main
     * thread, whose handlers kick the main loop.
     */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    err = pthread_create(&t->thread, NULL, thread_trampoline, ts);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err) {
        g_free(ts);
        error_setg_errno(errp, err, "cannot create thread '%s'", name ? name : "machina");
        return false;
    }
    return true;
}

void *qemu_thread_join(QemuThread *t)
{
    void *ret = NULL;

    pthread_join(t->thread, &ret);
    return ret;
}

bool qemu_thread_is_self(QemuThread *t)
{
    return pthread_equal(t->thread, pthread_self());
}

void bql_lock(void)
{
    assert(!bql_held);          /* the BQL is not recursive */
    pthread_mutex_lock(&bql);
    bql_held = true;
    bql_count_take();
}

void bql_unlock(void)
{
    assert(bql_held);
    bql_held = false;
    pthread_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}

void qemu_cond_init(QemuCond *c)
{
    pthread_condattr_t attr;

    /* Timed waits count on CLOCK_MONOTONIC: wall-clock steps do not matter. */
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->cond, &attr);
    pthread_condattr_destroy(&attr);
}

void qemu_cond_destroy(QemuCond *c)
{
    pthread_cond_destroy(&c->cond);
}

void qemu_cond_signal(QemuCond *c)
{
    pthread_cond_signal(&c->cond);
}

void qemu_cond_broadcast(QemuCond *c)
{
    pthread_cond_broadcast(&c->cond);
}

void qemu_cond_wait_bql(QemuCond *c)
{
    assert(bql_held);
    bql_held = false;
    pthread_cond_wait(&c->cond, &bql);
    bql_held = true;
    bql_count_take();
}

void qemu_cond_wait_mutex(QemuCond *c, pthread_mutex_t *m)
{
    pthread_cond_wait(&c->cond, m);
}

bool qemu_cond_timedwait_bql(QemuCond *c, int64_t timeout_ns)
{
    struct timespec ts;
    int err;

    assert(bql_held);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (timeout_ns < 0) {
        timeout_ns = 0;
    }
    ts.tv_sec += timeout_ns / NANOSECONDS_PER_SECOND;
    ts.tv_nsec += timeout_ns % NANOSECONDS_PER_SECOND;
    if (ts.tv_nsec >= NANOSECONDS_PER_SECOND) {
        ts.tv_sec++;
        ts.tv_nsec -= NANOSECONDS_PER_SECOND;
    }
    bql_held = false;
    err = pthread_cond_timedwait(&c->cond, &bql, &ts);
    bql_held = true;
    bql_count_take();
    return err != ETIMEDOUT;
}
