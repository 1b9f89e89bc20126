/*
 * Threads, the big lock (BQL) and the worker pool.
 *
 * The BQL protects devices and the machine.  The main loop holds it while
 * dispatching; a vCPU thread takes it around MMIO dispatch and interrupt
 * delivery and drops it while running guest code.
 */
#ifndef CORE_THREAD_H
#define CORE_THREAD_H

#include "core/osdep.h"
#include "core/error.h"
#include "core/main-loop.h"

#include <pthread.h>

typedef struct QemuThread {
    pthread_t thread;
} QemuThread;

/* Start fn(arg) on a new thread named name (visible in ps/gdb). */
bool qemu_thread_create(QemuThread *t, const char *name, void *(*fn)(void *),
                        void *arg, Error **errp);
void *qemu_thread_join(QemuThread *t);
bool qemu_thread_is_self(QemuThread *t);

void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);             /* held by the calling thread? */
/*
 * Count this thread's BQL acquisitions (bql_lock and the re-take at the
 * end of a wait on the BQL) in *counter, atomically; NULL stops counting.
 * An iothread counts its own, so a test can see that a dataplane runs
 * without the BQL.
 */
void bql_count_takes(uint64_t *counter);
#define BQL_ASSERT() assert(bql_locked())

/* Condition variable waits that drop and retake the BQL. */
typedef struct QemuCond {
    pthread_cond_t cond;
} QemuCond;
void qemu_cond_init(QemuCond *c);
void qemu_cond_destroy(QemuCond *c);
void qemu_cond_signal(QemuCond *c);
void qemu_cond_broadcast(QemuCond *c);
void qemu_cond_wait_bql(QemuCond *c);
/* Wait on c releasing m (a plain mutex the caller holds) meanwhile. */
void qemu_cond_wait_mutex(QemuCond *c, pthread_mutex_t *m);
/* false on timeout */
bool qemu_cond_timedwait_bql(QemuCond *c, int64_t timeout_ns);

/*
 * Worker pool: run blocking fn(arg) on a worker thread; done(opaque, ret)
 * then runs in the thread of `loop` (with the BQL held if it is the main loop).
 */
typedef int ThreadPoolFunc(void *arg);
typedef void ThreadPoolDone(void *opaque, int ret);
void thread_pool_submit(EventLoop *loop, ThreadPoolFunc *fn, void *arg,
                        ThreadPoolDone *done, void *opaque);

/*
 * IOThreads: -object iothread,id=ID runs an EventLoop on its own thread
 * (named "IO ID"), so a device can move its backend handlers off the main
 * loop.  Stopped and joined when the object goes.
 */
#define TYPE_IOTHREAD "iothread"
/* The loop of an iothread object; NULL (and an error) if obj is not one. */
EventLoop *iothread_get_event_loop(void *obj, Error **errp);
/* The iothread /objects/ID, or NULL with "IOThread 'ID' not found". */
EventLoop *iothread_find_event_loop(const char *id, Error **errp);
/* The host thread id (gettid) of a running iothread; -1 if obj is not one. */
long iothread_get_thread_id(void *obj);
/* How often the iothread's thread took the BQL; 0 if obj is not one. */
uint64_t iothread_get_bql_takes(void *obj);

#endif
