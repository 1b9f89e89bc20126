/* Event loop, timers, bottom halves, BQL and worker pool. */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "core/thread.h"
#include "tests/unit/unit.h"

#include <fcntl.h>

typedef struct PipeCtx {
    int fds[2];
    int reads;
    char buf[16];
    int writes;
    EventLoop *loop;
} PipeCtx;

static void pipe_read(void *opaque)
{
    PipeCtx *p = opaque;
    ssize_t n = read(p->fds[0], p->buf, sizeof(p->buf) - 1);

    if (n > 0) {
        p->buf[n] = 0;
    }
    p->reads++;
}

static void pipe_write(void *opaque)
{
    PipeCtx *p = opaque;

    p->writes++;
    /* One notification is enough for the test: stop watching for writes. */
    event_loop_set_fd_handler(p->loop, p->fds[1], NULL, NULL, NULL);
}

UNIT_TEST(fd_handlers_on_pipe)
{
    EventLoop *loop = event_loop_new(&error_abort);
    PipeCtx p = { .loop = loop };

    CHECK(pipe2(p.fds, O_NONBLOCK) == 0);
    event_loop_set_fd_handler(loop, p.fds[0], pipe_read, NULL, &p);
    /* Nothing to read yet: a non-blocking iteration dispatches nothing. */
    CHECK(!event_loop_run_once(loop, false));
    CHECK_EQ(p.reads, 0);

    CHECK(write(p.fds[1], "hello", 5) == 5);
    CHECK(event_loop_run_once(loop, true));
    CHECK_EQ(p.reads, 1);
    CHECK_STREQ(p.buf, "hello");

    /* An empty pipe's write end is writable at once. */
    event_loop_set_fd_handler(loop, p.fds[1], NULL, pipe_write, &p);
    CHECK(event_loop_run_once(loop, true));
    CHECK_EQ(p.writes, 1);

    /* Replacing: same fd, read and write handler now. */
    event_loop_set_fd_handler(loop, p.fds[0], NULL, NULL, NULL);
    CHECK(write(p.fds[1], "x", 1) == 1);
    CHECK(!event_loop_run_once(loop, false));
    CHECK_EQ(p.reads, 1);
    event_loop_set_fd_handler(loop, p.fds[0], pipe_read, NULL, &p);
    CHECK(event_loop_run_once(loop, false));
    CHECK_EQ(p.reads, 2);
    CHECK_STREQ(p.buf, "x");

    /* A hang-up reaches the read handler (it reads EOF). */
    close(p.fds[1]);
    CHECK(event_loop_run_once(loop, false));
    CHECK_EQ(p.reads, 3);
    event_loop_set_fd_handler(loop, p.fds[0], NULL, NULL, NULL);
    close(p.fds[0]);
    event_loop_free(loop);
}

typedef struct RemoveCtx {
    EventLoop *loop;
    int a[2], b[2];
    int a_calls, b_calls;
} RemoveCtx;

static void remove_both(void *opaque)
{
    RemoveCtx *c = opaque;

    c->a_calls++;
    /* Remove ourselves and the other fd, which is also ready this round. */
    event_loop_set_fd_handler(c->loop, c->a[0], NULL, NULL, NULL);
    event_loop_set_fd_handler(c->loop, c->b[0], NULL, NULL, NULL);
}

static void count_b(void *opaque)
{
    RemoveCtx *c = opaque;

    c->b_calls++;
    /* Whichever runs first removes both: remove_both must then not run. */
    event_loop_set_fd_handler(c->loop, c->a[0], NULL, NULL, NULL);
    event_loop_set_fd_handler(c->loop, c->b[0], NULL, NULL, NULL);
}

UNIT_TEST(remove_handler_inside_handler)
{
    RemoveCtx c = { .loop = event_loop_new(&error_abort) };

    CHECK(pipe(c.a) == 0 && pipe(c.b) == 0);
    event_loop_set_fd_handler(c.loop, c.a[0], remove_both, NULL, &c);
    event_loop_set_fd_handler(c.loop, c.b[0], count_b, NULL, &c);
    CHECK(write(c.a[1], "1", 1) == 1);
    CHECK(write(c.b[1], "1", 1) == 1);
    CHECK(event_loop_run_once(c.loop, true));
    /* Exactly one of the two ran, although both fds were ready. */
    CHECK_EQ(c.a_calls + c.b_calls, 1);
    CHECK(!event_loop_run_once(c.loop, false));
    CHECK_EQ(c.a_calls + c.b_calls, 1);
    close(c.a[0]); close(c.a[1]); close(c.b[0]); close(c.b[1]);
    event_loop_free(c.loop);
}

static int order[8];
static int norder;

static void record_timer(void *opaque)
{
    order[norder++] = GPOINTER_TO_INT(opaque);
}

UNIT_TEST(timer_ordering)
{
    EventLoop *loop = event_loop_new(&error_abort);
    int64_t now = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
    QEMUTimer *t1 = timer_new_loop(loop, QEMU_CLOCK_REALTIME, SCALE_MS, record_timer,
                                   GINT_TO_POINTER(1));
    QEMUTimer *t2 = timer_new_loop(loop, QEMU_CLOCK_REALTIME, SCALE_MS, record_timer,
                                   GINT_TO_POINTER(2));
    QEMUTimer *t3 = timer_new_loop(loop, QEMU_CLOCK_REALTIME, SCALE_MS, record_timer,
                                   GINT_TO_POINTER(3));
    QEMUTimer *t4 = timer_new_loop(loop, QEMU_CLOCK_REALTIME, SCALE_MS, record_timer,
                                   GINT_TO_POINTER(4));

    norder = 0;
    timer_mod(t1, now + 30);
    timer_mod(t2, now + 10);
    timer_mod(t3, now + 20);
    timer_mod(t4, now + 15);
    timer_del(t4);                  /* deleted: never fires */
    CHECK(timer_pending(t1));
    CHECK(!timer_pending(t4));
    CHECK_EQ(timer_expire_time(t1), now + 30);
    CHECK_EQ(timer_expire_time(t4), (uint64_t)-1);
    timer_mod(t1, now + 25);        /* re-arming moves it */

    while (norder < 3) {
        CHECK(event_loop_run_once(loop, true));
    }
    /* Blocking waits never return before the earliest deadline. */
    CHECK(qemu_clock_get_ms(QEMU_CLOCK_REALTIME) >= now + 25);
    CHECK_EQ(order[0], 2);
    CHECK_EQ(order[1], 3);
    CHECK_EQ(order[2], 1);
    CHECK(!timer_pending(t1));
    timer_free(t1); timer_free(t2); timer_free(t3); timer_free(t4);
    event_loop_free(loop);
}

UNIT_TEST(virtual_clock_stops_and_resumes)
{
    EventLoop *loop = event_loop_new(&error_abort);
    QEMUTimer *t = timer_new_loop(loop, QEMU_CLOCK_VIRTUAL, SCALE_NS, record_timer,
                                  GINT_TO_POINTER(7));
    int64_t v0, v1, v2, v3;

    CHECK(qemu_clock_enabled(QEMU_CLOCK_VIRTUAL));
    norder = 0;
    v0 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    timer_mod(t, v0 + 5 * SCALE_MS);
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
    CHECK(!qemu_clock_enabled(QEMU_CLOCK_VIRTUAL));
    v1 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_usleep(200 * 1000);
    v2 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    CHECK_EQ(v1, v2);                         /* stopped */
    CHECK(!event_loop_run_once(loop, false)); /* its timer does not fire */
    CHECK_EQ(norder, 0);

    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
    v3 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    /* Resumes where it stopped: no jump by the 200 ms it was off (slack for load). */
    CHECK(v3 >= v2 && v3 - v2 < 100 * SCALE_MS);
    while (norder < 1) {
        CHECK(event_loop_run_once(loop, true));
    }
    CHECK_EQ(order[0], 7);
    CHECK(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) >= v0 + 5 * SCALE_MS);
    /* And it advances again. */
    g_usleep(10 * 1000);
    CHECK(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) - v3 >= 10 * SCALE_MS);
    /* The host clock is wall time. */
    CHECK(qemu_clock_get_ms(QEMU_CLOCK_HOST) / 1000 - time(NULL) <= 1);
    timer_free(t);
    event_loop_free(loop);
}

typedef struct BhCtx {
    EventLoop *loop;
    QEMUBH *bh;
    volatile bool ran;
    pthread_t ran_on;
    int count;
} BhCtx;

static void bh_cb(void *opaque)
{
    BhCtx *c = opaque;

    c->ran_on = pthread_self();
    c->count++;
    c->ran = true;
}

static void *schedule_later(void *opaque)
{
    BhCtx *c = opaque;

    g_usleep(50 * 1000);
    qemu_bh_schedule(c->bh);
    return NULL;
}

UNIT_TEST(bh_from_thread_wakes_blocking_loop)
{
    BhCtx c = { .loop = event_loop_new(&error_abort) };
    QemuThread th;
    int64_t start = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);

    c.bh = qemu_bh_new_loop(c.loop, bh_cb, &c);
    CHECK(qemu_thread_create(&th, "bh-test", schedule_later, &c, &error_abort));
    /* No fd, no timer: only the other thread's schedule can end this wait. */
    CHECK(event_loop_run_once(c.loop, true));
    CHECK(c.ran);
    CHECK(pthread_equal(c.ran_on, pthread_self()));
    CHECK(qemu_clock_get_ms(QEMU_CLOCK_REALTIME) - start >= 40);
    qemu_thread_join(&th);

    /* Cancel: scheduled then cancelled does not run. */
    qemu_bh_schedule(c.bh);
    qemu_bh_cancel(c.bh);
    CHECK(!event_loop_run_once(c.loop, false));
    /* Scheduling twice runs once. */
    qemu_bh_schedule(c.bh);
    qemu_bh_schedule(c.bh);
    CHECK(event_loop_run_once(c.loop, false));
    CHECK_EQ(c.count, 2);
    qemu_bh_delete(c.bh);
    event_loop_free(c.loop);
}

static void bh_self_delete(void *opaque)
{
    BhCtx *c = opaque;

    c->count++;
    qemu_bh_delete(c->bh);
}

UNIT_TEST(bh_deletes_itself)
{
    BhCtx c = { .loop = event_loop_new(&error_abort) };

    c.bh = qemu_bh_new_loop(c.loop, bh_self_delete, &c);
    qemu_bh_schedule(c.bh);
    CHECK(event_loop_run_once(c.loop, false));
    CHECK_EQ(c.count, 1);
    CHECK(!event_loop_run_once(c.loop, false));
    event_loop_free(c.loop);
}

static void *kick_later(void *opaque)
{
    g_usleep(30 * 1000);
    event_loop_kick(opaque);
    return NULL;
}

UNIT_TEST(kick_wakes_loop)
{
    EventLoop *loop = event_loop_new(&error_abort);
    QemuThread th;

    CHECK(qemu_thread_create(&th, "kick-test", kick_later, loop, &error_abort));
    /* Woken, but nothing was dispatched. */
    CHECK(!event_loop_run_once(loop, true));
    qemu_thread_join(&th);
    event_loop_free(loop);
}

typedef struct ForeignTimer {
    QEMUTimer *t;
    volatile bool fired;
} ForeignTimer;

static void foreign_fired(void *opaque)
{
    ((ForeignTimer *)opaque)->fired = true;
}

static void *arm_later(void *opaque)
{
    ForeignTimer *f = opaque;

    g_usleep(30 * 1000);
    timer_mod(f->t, qemu_clock_get_ms(QEMU_CLOCK_REALTIME));
    return NULL;
}

UNIT_TEST(timer_mod_from_thread_wakes_loop)
{
    EventLoop *loop = event_loop_new(&error_abort);
    ForeignTimer f;
    QemuThread th;

    f.fired = false;
    f.t = timer_new_loop(loop, QEMU_CLOCK_REALTIME, SCALE_MS, foreign_fired, &f);
    CHECK(qemu_thread_create(&th, "timer-test", arm_later, &f, &error_abort));
    while (!f.fired) {
        event_loop_run_once(loop, true);
    }
    qemu_thread_join(&th);
    timer_free(f.t);
    event_loop_free(loop);
}

static pthread_t done_thread;
static volatile bool pool_done;
static int pool_ret;
static int pool_count;

static int pool_work(void *arg)
{
    CHECK(!pthread_equal(pthread_self(), done_thread));
    g_usleep(10 * 1000);
    return GPOINTER_TO_INT(arg) * 2;
}

static void pool_complete(void *opaque, int ret)
{
    CHECK(pthread_equal(pthread_self(), done_thread));
    pool_ret += ret;
    if (++pool_count == GPOINTER_TO_INT(opaque)) {
        pool_done = true;
    }
}

UNIT_TEST(thread_pool_completion_in_loop)
{
    EventLoop *loop = event_loop_new(&error_abort);

    done_thread = pthread_self();
    pool_done = false;
    pool_ret = pool_count = 0;
    for (int i = 1; i <= 6; i++) {
        thread_pool_submit(loop, pool_work, GINT_TO_POINTER(i), pool_complete,
                           GINT_TO_POINTER(6));
    }
    while (!pool_done) {
        event_loop_run_once(loop, true);
    }
    CHECK_EQ(pool_ret, 2 * (1 + 2 + 3 + 4 + 5 + 6));
    event_loop_free(loop);
}

static volatile bool other_got_bql;

static void *take_bql(void *opaque)
{
    bql_lock();
    CHECK(bql_locked());
    other_got_bql = true;
    qemu_bh_schedule(opaque);
    bql_unlock();
    return NULL;
}

UNIT_TEST(main_loop_drops_bql_while_waiting)
{
    EventLoop *loop = main_loop_get();
    BhCtx c = { .loop = loop };
    QemuThread th;

    CHECK(!bql_locked());
    bql_lock();
    CHECK(bql_locked());
    c.bh = qemu_bh_new_loop(loop, bh_cb, &c);
    CHECK(qemu_thread_create(&th, "bql-test", take_bql, c.bh, &error_abort));
    /* The other thread can only schedule after taking the BQL we hold. */
    while (!c.ran) {
        event_loop_run_once(loop, true);
        CHECK(bql_locked());
    }
    CHECK(other_got_bql);
    qemu_thread_join(&th);
    qemu_bh_delete(c.bh);
    bql_unlock();
    CHECK(!bql_locked());
}

static QemuCond test_cond;
static volatile bool cond_flag;

static void *signal_cond(void *opaque)
{
    g_usleep(20 * 1000);
    bql_lock();
    cond_flag = true;
    qemu_cond_signal(&test_cond);
    bql_unlock();
    return NULL;
}

UNIT_TEST(cond_waits_drop_bql)
{
    QemuThread th;

    qemu_cond_init(&test_cond);
    bql_lock();
    /* Nobody signals: times out, with the BQL held again. */
    CHECK(!qemu_cond_timedwait_bql(&test_cond, 10 * SCALE_MS));
    CHECK(bql_locked());
    CHECK(qemu_thread_create(&th, "cond-test", signal_cond, NULL, &error_abort));
    while (!cond_flag) {
        qemu_cond_wait_bql(&test_cond);
    }
    CHECK(bql_locked());
    bql_unlock();
    qemu_thread_join(&th);
    qemu_cond_destroy(&test_cond);
}

static void *request_shutdown(void *opaque)
{
    qemu_system_shutdown_request_status(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, 3);
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    return NULL;
}

UNIT_TEST(shutdown_and_reset_requests)
{
    QemuThread th;
    int status = -1;

    main_loop_get();
    CHECK_EQ(qemu_shutdown_requested(&status), SHUTDOWN_CAUSE_NONE);
    CHECK_EQ(status, (uint64_t)-1);
    CHECK(qemu_thread_create(&th, "shutdown-test", request_shutdown, NULL,
                             &error_abort));
    qemu_thread_join(&th);
    /* The request kicked the main loop: a blocking iteration returns at once. */
    event_loop_run_once(main_loop_get(), true);
    CHECK_EQ(qemu_reset_requested(), SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK_EQ(qemu_reset_requested(), SHUTDOWN_CAUSE_NONE);
    CHECK_EQ(qemu_shutdown_requested(&status), SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    CHECK_EQ(status, 3);
    CHECK_EQ(qemu_shutdown_requested(NULL), SHUTDOWN_CAUSE_NONE);
}

static void file_read(void *opaque)
{
    PipeCtx *p = opaque;
    ssize_t n = read(p->fds[0], p->buf, sizeof(p->buf) - 1);

    if (n <= 0) {
        event_loop_set_fd_handler(p->loop, p->fds[0], NULL, NULL, NULL);
        return;
    }
    p->buf[n] = 0;
    p->reads++;
}

UNIT_TEST(regular_file_is_always_ready)
{
    PipeCtx p = { .loop = event_loop_new(&error_abort) };
    char path[] = "/tmp/machina-test-XXXXXX";

    p.fds[0] = mkstemp(path);
    CHECK(p.fds[0] >= 0);
    unlink(path);
    CHECK(write(p.fds[0], "abc", 3) == 3);
    CHECK(lseek(p.fds[0], 0, SEEK_SET) == 0);
    /* epoll cannot watch a regular file; the loop still delivers its data. */
    event_loop_set_fd_handler(p.loop, p.fds[0], file_read, NULL, &p);
    CHECK(event_loop_run_once(p.loop, true));
    CHECK_STREQ(p.buf, "abc");
    /* EOF: the handler removed itself; a blocking wait must not spin now. */
    CHECK(event_loop_run_once(p.loop, false));
    CHECK(!event_loop_run_once(p.loop, false));
    close(p.fds[0]);
    event_loop_free(p.loop);
}

UNIT_TEST(host_clock_timer_fires)
{
    EventLoop *loop = event_loop_new(&error_abort);
    QEMUTimer *t = timer_new_loop(loop, QEMU_CLOCK_HOST, SCALE_MS, record_timer,
                                  GINT_TO_POINTER(9));
    int64_t start = qemu_clock_get_ms(QEMU_CLOCK_HOST);

    norder = 0;
    timer_mod(t, start + 15);
    while (norder < 1) {
        CHECK(event_loop_run_once(loop, true));
    }
    CHECK_EQ(order[0], 9);
    CHECK(qemu_clock_get_ms(QEMU_CLOCK_HOST) >= start + 15);
    timer_free(t);
    event_loop_free(loop);
}

#define STRESS_THREADS 4
#define STRESS_ROUNDS 2000

typedef struct Stress {
    EventLoop *loop;
    QEMUBH *bh;
    QEMUTimer *timer;
    int bh_runs;
    int timer_runs;
    volatile int threads_done;
} Stress;

static void stress_bh(void *opaque)
{
    ((Stress *)opaque)->bh_runs++;
}

static void stress_timer(void *opaque)
{
    ((Stress *)opaque)->timer_runs++;
}

static void *stress_thread(void *opaque)
{
    Stress *s = opaque;

    for (int i = 0; i < STRESS_ROUNDS; i++) {
        qemu_bh_schedule(s->bh);
        if (i % 3 == 0) {
            timer_mod(s->timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 1000);
        } else if (i % 3 == 1) {
            timer_del(s->timer);
        } else {
            /* Create and delete BHs concurrently with the loop's walk. */
            qemu_bh_delete(qemu_bh_new_loop(s->loop, stress_bh, s));
        }
    }
    __atomic_add_fetch(&s->threads_done, 1, __ATOMIC_SEQ_CST);
    event_loop_kick(s->loop);
    return NULL;
}

UNIT_TEST(loop_survives_concurrent_scheduling)
{
    Stress s = { .loop = event_loop_new(&error_abort) };
    QemuThread th[STRESS_THREADS];

    s.bh = qemu_bh_new_loop(s.loop, stress_bh, &s);
    s.timer = timer_new_loop(s.loop, QEMU_CLOCK_REALTIME, SCALE_NS, stress_timer, &s);
    for (int i = 0; i < STRESS_THREADS; i++) {
        CHECK(qemu_thread_create(&th[i], "stress", stress_thread, &s, &error_abort));
    }
    while (__atomic_load_n(&s.threads_done, __ATOMIC_SEQ_CST) < STRESS_THREADS) {
        event_loop_run_once(s.loop, true);
    }
    for (int i = 0; i < STRESS_THREADS; i++) {
        qemu_thread_join(&th[i]);
    }
    /* A schedule after the last run is still pending: one more round takes it. */
    event_loop_run_once(s.loop, false);
    CHECK(s.bh_runs >= 1);
    /* Nothing is left scheduled: a non-blocking round runs no BH. */
    {
        int before = s.bh_runs;
        timer_del(s.timer);
        event_loop_run_once(s.loop, false);
        CHECK_EQ(s.bh_runs, before);
    }
    qemu_bh_delete(s.bh);
    timer_free(s.timer);
    event_loop_free(s.loop);
}

#include "core/object.h"

typedef struct IoCtx {
    volatile bool ran;
    pthread_t on;
} IoCtx;

static void io_bh(void *opaque)
{
    IoCtx *c = opaque;

    c->on = pthread_self();
    c->ran = true;
}

UNIT_TEST(iothread_runs_its_own_loop)
{
    Object *obj = user_creatable_add(TYPE_IOTHREAD, "io0", NULL, NULL, &error_abort);
    EventLoop *loop = iothread_find_event_loop("io0", &error_abort);
    Error *err = NULL;
    IoCtx c = { .ran = false };
    QEMUBH *bh;
    char name[16] = "";
    int64_t end;

    CHECK(loop != NULL && loop != main_loop_get());
    CHECK(iothread_get_event_loop(obj, &error_abort) == loop);
    /* Scheduled from here, run there: nobody here runs that loop. */
    bh = qemu_bh_new_loop(loop, io_bh, &c);
    qemu_bh_schedule(bh);
    end = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + 2000;
    while (!c.ran && qemu_clock_get_ms(QEMU_CLOCK_REALTIME) < end) {
        g_usleep(1000);
    }
    CHECK(c.ran);
    CHECK(!pthread_equal(c.on, pthread_self()));
    pthread_getname_np(c.on, name, sizeof(name));
    CHECK_STREQ(name, "IO io0");
    qemu_bh_delete(bh);
    /* query-iothreads' thread-id: the id of that very thread. */
    {
        char *comm_path = g_strdup_printf("/proc/self/task/%ld/comm",
                                          iothread_get_thread_id(obj));
        char *comm = NULL;

        CHECK(iothread_get_thread_id(obj) > 0);
        CHECK(iothread_get_thread_id(obj) != (long)getpid());
        CHECK(g_file_get_contents(comm_path, &comm, NULL, NULL));
        CHECK_STREQ(g_strstrip(comm), "IO io0");
        CHECK_EQ(iothread_get_thread_id(object_get_root()), -1);
        g_free(comm);
        g_free(comm_path);
    }

    CHECK(iothread_find_event_loop("nope", &err) == NULL);
    CHECK(strstr(error_get_pretty(err), "nope") != NULL);
    error_free(err);
    err = NULL;
    CHECK(iothread_get_event_loop(object_get_root(), &err) == NULL);
    error_free(err);
    /* Removing the object stops and joins the thread. */
    object_unparent(obj);
    CHECK(iothread_find_event_loop("io0", NULL) == NULL);
}

static void slow_timer_cb(void *opaque)
{
    int *state = opaque;

    __atomic_store_n(state, 1, __ATOMIC_RELEASE);
    g_usleep(50000);
    __atomic_store_n(state, 2, __ATOMIC_RELEASE);
}

/*
 * event_loop_barrier returns only after the callback the iothread is
 * running has returned (virtio-blk's unplug frees a retry timer that may be
 * firing right then).
 */
UNIT_TEST(event_loop_barrier_waits_for_the_running_callback)
{
    Object *obj = user_creatable_add(TYPE_IOTHREAD, "io2", NULL, NULL, &error_abort);
    EventLoop *loop = iothread_find_event_loop("io2", &error_abort);
    int state = 0;
    QEMUTimer *t = timer_new_loop(loop, QEMU_CLOCK_REALTIME, SCALE_MS, slow_timer_cb, &state);

    timer_mod(t, qemu_clock_get_ms(QEMU_CLOCK_REALTIME));
    while (!__atomic_load_n(&state, __ATOMIC_ACQUIRE)) {
        g_usleep(100);
    }
    timer_del(t);
    event_loop_barrier(loop);
    CHECK_EQ(__atomic_load_n(&state, __ATOMIC_ACQUIRE), 2);
    timer_free(t);
    /* An idle loop passes the barrier too. */
    event_loop_barrier(loop);
    object_unparent(obj);
}

static int pool_noop(void *arg)
{
    return 1;
}

static void pool_add_ret(void *opaque, int ret)
{
    __atomic_fetch_add((int *)opaque, ret, __ATOMIC_RELAXED);
}

/*
 * Worker-pool jobs whose completions run in an iothread (aio=threads under
 * virtio-blk iothread=): every one arrives.  The loop may run and free a
 * job's one-shot BH while the worker is still in qemu_bh_schedule, which
 * therefore must not touch the BH after setting its flag (a crash seen in
 * test_virtio_iothread.py; the window is too small to hit here reliably).
 */
UNIT_TEST(thread_pool_completions_in_an_iothread)
{
    Object *obj = user_creatable_add(TYPE_IOTHREAD, "iopool", NULL, NULL, &error_abort);
    EventLoop *loop = iothread_find_event_loop("iopool", &error_abort);
    int done = 0;
    int64_t end;

    for (int i = 0; i < 2000; i++) {
        thread_pool_submit(loop, pool_noop, NULL, pool_add_ret, &done);
    }
    end = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + 20000;
    while (__atomic_load_n(&done, __ATOMIC_RELAXED) < 2000 &&
           qemu_clock_get_ms(QEMU_CLOCK_REALTIME) < end) {
        g_usleep(1000);
    }
    CHECK_EQ(__atomic_load_n(&done, __ATOMIC_RELAXED), 2000);
    object_unparent(obj);
}
