/*
 * The worker pool: blocking work (a pread on a slow disk, a DNS lookup) runs
 * on a few worker threads; the completion callback runs in the submitting
 * loop's thread through a bottom half, so it sees the same locking as any
 * other handler of that loop (the BQL, for the main loop).
 */
#include "core/osdep.h"
#include "core/thread.h"

#define POOL_MAX_WORKERS 4

typedef struct PoolJob {
    ThreadPoolFunc *fn;
    void *arg;
    ThreadPoolDone *done;
    void *opaque;
    int ret;
    QEMUBH *bh;
} PoolJob;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work;
    GQueue jobs;
    int nworkers;
    int nidle;
} pool = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .work = PTHREAD_COND_INITIALIZER,
    .jobs = G_QUEUE_INIT,
};

static void pool_job_done(void *opaque)
{
    PoolJob *job = opaque;

    if (job->done) {
        job->done(job->opaque, job->ret);
    }
    qemu_bh_delete(job->bh);     /* deferred: we are inside its walk */
    g_free(job);
}

static void *pool_worker(void *unused)
{
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        PoolJob *job;

        while (g_queue_is_empty(&pool.jobs)) {
            pool.nidle++;
            pthread_cond_wait(&pool.work, &pool.lock);
            pool.nidle--;
        }
        job = g_queue_pop_head(&pool.jobs);
        pthread_mutex_unlock(&pool.lock);

        job->ret = job->fn(job->arg);
        qemu_bh_schedule(job->bh);

        pthread_mutex_lock(&pool.lock);
    }
    return NULL;
}

void thread_pool_submit(EventLoop *loop, ThreadPoolFunc *fn, void *arg,
                        ThreadPoolDone *done, void *opaque)
{
    PoolJob *job = g_new0(PoolJob, 1);
    bool spawn;

    job->fn = fn;
    job->arg = arg;
    job->done = done;
    job->opaque = opaque;
    /* Created here, in the submitter's thread; scheduled by the worker. */
    job->bh = qemu_bh_new_loop(loop ? loop : main_loop_get(), pool_job_done, job);

    pthread_mutex_lock(&pool.lock);
    g_queue_push_tail(&pool.jobs, job);
    spawn = pool.nidle == 0 && pool.nworkers < POOL_MAX_WORKERS;
    if (spawn) {
        pool.nworkers++;
    }
    pthread_cond_signal(&pool.work);
    pthread_mutex_unlock(&pool.lock);

    if (spawn) {
        QemuThread t;
        Error *err = NULL;

        if (qemu_thread_create(&t, "worker", pool_worker, NULL, &err)) {
            pthread_detach(t.thread);
        } else {
            /* The job still runs on an existing worker, if any. */
            error_free(err);
            pthread_mutex_lock(&pool.lock);
            pool.nworkers--;
            if (pool.nworkers == 0) {
                /* No worker at all: run it here rather than never. */
                g_queue_remove(&pool.jobs, job);
                pthread_mutex_unlock(&pool.lock);
                job->ret = fn(arg);
                qemu_bh_schedule(job->bh);
                return;
            }
            pthread_mutex_unlock(&pool.lock);
        }
    }
}
