/*
 * Bottom halves: callbacks scheduled from any thread (a worker finishing a
 * job, a vCPU, a signal-safe path through the kick) that run once, soon, in
 * the loop's own thread.
 *
 * A loop keeps every BH it created in one list.  Scheduling only sets a flag
 * and kicks; the loop walks the list each iteration.  A BH deleted while the
 * list is being walked (for instance by its own callback) is unlinked later,
 * when no walk is in progress.
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "core/event-loop-int.h"

QEMUBH *qemu_bh_new_loop(EventLoop *loop, QEMUBHFunc *cb, void *opaque)
{
    QEMUBH *bh = g_new0(QEMUBH, 1);

    bh->loop = loop;
    bh->cb = cb;
    bh->opaque = opaque;
    pthread_mutex_lock(&loop->lock);
    bh->next = loop->bhs;
    loop->bhs = bh;
    pthread_mutex_unlock(&loop->lock);
    return bh;
}

void qemu_bh_schedule(QEMUBH *bh)
{
    /*
     * Read the loop first: once scheduled is set, a loop running in another
     * thread may run the BH at once, and a one-shot BH (the worker pool's)
     * deletes itself there, so bh may be freed before we get to kick.
     */
    EventLoop *loop = bh->loop;

    /* Only the first scheduling kicks; the loop clears the flag before running. */
    if (__atomic_exchange_n(&bh->scheduled, 1, __ATOMIC_ACQ_REL) == 0) {
        event_loop_kick_if_foreign(loop);
    }
}

void qemu_bh_cancel(QEMUBH *bh)
{
    __atomic_store_n(&bh->scheduled, 0, __ATOMIC_RELEASE);
}

/* Caller holds loop->lock and no walk is in progress. */
static void bh_sweep(EventLoop *loop)
{
    QEMUBH **p = &loop->bhs;

    while (*p) {
        QEMUBH *bh = *p;
        if (bh->deleted) {
            *p = bh->next;
            g_free(bh);
        } else {
            p = &bh->next;
        }
    }
    loop->bh_need_sweep = false;
}

void qemu_bh_delete(QEMUBH *bh)
{
    EventLoop *loop;

    if (!bh) {
        return;
    }
    loop = bh->loop;
    pthread_mutex_lock(&loop->lock);
    __atomic_store_n(&bh->scheduled, 0, __ATOMIC_RELEASE);
    bh->deleted = true;
    loop->bh_need_sweep = true;
    if (loop->bh_walking == 0) {
        bh_sweep(loop);
    }
    pthread_mutex_unlock(&loop->lock);
}

bool bh_any_scheduled(EventLoop *loop)
{
    bool any = false;

    pthread_mutex_lock(&loop->lock);
    for (QEMUBH *bh = loop->bhs; bh; bh = bh->next) {
        if (!bh->deleted && __atomic_load_n(&bh->scheduled, __ATOMIC_ACQUIRE)) {
            any = true;
            break;
        }
    }
    pthread_mutex_unlock(&loop->lock);
    return any;
}

bool bh_poll(EventLoop *loop)
{
    QEMUBH *bh, *next;
    bool ran = false;

    pthread_mutex_lock(&loop->lock);
    loop->bh_walking++;
    bh = loop->bhs;
    pthread_mutex_unlock(&loop->lock);

    /* No BH on the list is freed while bh_walking > 0, so bh stays valid. */
    for (; bh; bh = next) {
        bool deleted;

        pthread_mutex_lock(&loop->lock);
        next = bh->next;
        deleted = bh->deleted;
        pthread_mutex_unlock(&loop->lock);
        if (!deleted && __atomic_exchange_n(&bh->scheduled, 0, __ATOMIC_ACQ_REL)) {
            bh->cb(bh->opaque);
            ran = true;
        }
    }

    pthread_mutex_lock(&loop->lock);
    if (--loop->bh_walking == 0 && loop->bh_need_sweep) {
        bh_sweep(loop);
    }
    pthread_mutex_unlock(&loop->lock);
    return ran;
}

void bh_free_all(EventLoop *loop)
{
    pthread_mutex_lock(&loop->lock);
    while (loop->bhs) {
        QEMUBH *bh = loop->bhs;
        loop->bhs = bh->next;
        g_free(bh);
    }
    pthread_mutex_unlock(&loop->lock);
}

typedef struct LoopBarrier {
    QEMUBH *bh;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
} LoopBarrier;

static void loop_barrier_bh(void *opaque)
{
    LoopBarrier *b = opaque;

    qemu_bh_delete(b->bh);
    pthread_mutex_lock(&b->lock);
    b->done = true;
    pthread_cond_signal(&b->cond);
    /* b lives on the waiter's stack: untouched after this unlock. */
    pthread_mutex_unlock(&b->lock);
}

void event_loop_barrier(EventLoop *loop)
{
    LoopBarrier b = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

    /* Callbacks of one loop run one after another in its thread. */
    b.bh = qemu_bh_new_loop(loop, loop_barrier_bh, &b);
    qemu_bh_schedule(b.bh);
    pthread_mutex_lock(&b.lock);
    while (!b.done) {
        pthread_cond_wait(&b.cond, &b.lock);
    }
    pthread_mutex_unlock(&b.lock);
    pthread_mutex_destroy(&b.lock);
    pthread_cond_destroy(&b.cond);
}
