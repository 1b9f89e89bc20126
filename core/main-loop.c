/*
 * Event loops on epoll: fd handlers, one iteration of dispatch, the eventfd
 * kick, and the shutdown/reset requests system/ consumes.
 *
 * Timers live in timer.c and bottom halves in bh.c; all three share the
 * EventLoop structure of event-loop-int.h.
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "core/thread.h"
#include "core/event-loop-int.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>

#define EPOLL_BATCH 64

static pthread_mutex_t loops_lock = PTHREAD_MUTEX_INITIALIZER;
static GSList *all_loops;            /* EventLoop*, for event_loop_kick_all */
static EventLoop *main_loop;

static void loop_lock(EventLoop *loop)
{
    pthread_mutex_lock(&loop->lock);
}

static void loop_unlock(EventLoop *loop)
{
    pthread_mutex_unlock(&loop->lock);
}

EventLoop *event_loop_new(Error **errp)
{
    EventLoop *loop = g_new0(EventLoop, 1);
    struct epoll_event ev = { .events = EPOLLIN };

    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (loop->epfd < 0) {
        error_setg_errno(errp, errno, "cannot create an epoll instance");
        g_free(loop);
        return NULL;
    }
    loop->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (loop->kick_fd < 0) {
        error_setg_errno(errp, errno, "cannot create an eventfd");
        close(loop->epfd);
        g_free(loop);
        return NULL;
    }
    /* data.fd == -1 marks the kick eventfd among the ready events. */
    ev.data.fd = -1;
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->kick_fd, &ev) < 0) {
        error_setg_errno(errp, errno, "cannot watch the loop's eventfd");
        close(loop->kick_fd);
        close(loop->epfd);
        g_free(loop);
        return NULL;
    }
    pthread_mutex_init(&loop->lock, NULL);
    loop->handlers = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);

    pthread_mutex_lock(&loops_lock);
    all_loops = g_slist_prepend(all_loops, loop);
    pthread_mutex_unlock(&loops_lock);
    return loop;
}

void event_loop_free(EventLoop *loop)
{
    if (!loop) {
        return;
    }
    pthread_mutex_lock(&loops_lock);
    all_loops = g_slist_remove(all_loops, loop);
    if (loop == main_loop) {
        main_loop = NULL;
    }
    pthread_mutex_unlock(&loops_lock);

    timerlist_free_all(loop);
    bh_free_all(loop);
    g_hash_table_destroy(loop->handlers);
    close(loop->kick_fd);
    close(loop->epfd);
    pthread_mutex_destroy(&loop->lock);
    g_free(loop);
}

EventLoop *main_loop_get(void)
{
    EventLoop *loop;

    pthread_mutex_lock(&loops_lock);
    loop = main_loop;
    pthread_mutex_unlock(&loops_lock);
    if (loop) {
        return loop;
    }
    /* Created outside loops_lock: event_loop_new takes it too. */
    loop = event_loop_new(&error_abort);
    pthread_mutex_lock(&loops_lock);
    if (!main_loop) {
        main_loop = loop;
        loop = NULL;
    }
    pthread_mutex_unlock(&loops_lock);
    if (loop) {
        event_loop_free(loop);   /* lost a creation race */
    }
    return main_loop;
}

bool event_loop_in_own_thread(EventLoop *loop)
{
    return __atomic_load_n(&loop->owner_valid, __ATOMIC_ACQUIRE) &&
           pthread_equal(loop->owner, pthread_self());
}

void event_loop_kick(EventLoop *loop)
{
    uint64_t one = 1;
    ssize_t r;

    /* write(2) on an eventfd is async-signal safe; EAGAIN means already kicked. */
    do {
        r = write(loop->kick_fd, &one, sizeof(one));
    } while (r < 0 && errno == EINTR);
}

void event_loop_kick_if_foreign(EventLoop *loop)
{
    /*
     * The caller changed timers/BHs under loop->lock.  A loop that is not
     * running picks the change up when it computes its next sleep; a loop
     * running in another thread may be asleep already and needs the kick.
     * The fence pairs with the one after setting owner_valid.
     */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&loop->owner_valid, __ATOMIC_ACQUIRE) &&
        !pthread_equal(loop->owner, pthread_self())) {
        event_loop_kick(loop);
    }
}

void event_loop_kick_all(void)
{
    pthread_mutex_lock(&loops_lock);
    for (GSList *l = all_loops; l; l = l->next) {
        event_loop_kick_if_foreign(l->data);
    }
    pthread_mutex_unlock(&loops_lock);
}

static uint32_t fd_events(IOHandler *fd_read, IOHandler *fd_write)
{
    return (fd_read ? EPOLLIN : 0) | (fd_write ? EPOLLOUT : 0);
}

void event_loop_set_fd_handler(EventLoop *loop, int fd, IOHandler *fd_read,
                               IOHandler *fd_write, void *opaque)
{
    FdHandler *h;
    struct epoll_event ev = { .events = fd_events(fd_read, fd_write) };

    ev.data.fd = fd;
    loop_lock(loop);
    h = g_hash_table_lookup(loop->handlers, GINT_TO_POINTER(fd));
    if (!fd_read && !fd_write) {
        if (h) {
            if (h->always_ready) {
                loop->n_always_ready--;
            } else {
                /* The fd may already be closed by a careless owner: ignore EBADF. */
                epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
            }
            g_hash_table_remove(loop->handlers, GINT_TO_POINTER(fd));
        }
        loop_unlock(loop);
        return;
    }
    if (!h) {
        h = g_new0(FdHandler, 1);
        h->fd = fd;
        if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            /*
             * EPERM: regular files and some character devices (/dev/null)
             * have no poll support; they never block, so treat them as
             * always ready.  Any other failure (a closed fd 0, say) is
             * treated alike: the handler's own read sees the error and
             * removes itself, instead of the whole process aborting.
             */
            h->always_ready = true;
            loop->n_always_ready++;
        }
        g_hash_table_insert(loop->handlers, GINT_TO_POINTER(fd), h);
    } else if (!h->always_ready &&
               fd_events(h->fd_read, h->fd_write) != ev.events) {
        epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev);
    }
    h->fd_read = fd_read;
    h->fd_write = fd_write;
    h->opaque = opaque;
    loop_unlock(loop);
    if (h->always_ready) {
        event_loop_kick_if_foreign(loop);
    }
}

/*
 * Call the handler registered for fd now (looked up again: an earlier
 * callback of this iteration may have removed or replaced it).
 */
static bool dispatch_fd(EventLoop *loop, int fd, bool readable, bool writable)
{
    FdHandler *h;
    IOHandler *fn = NULL;
    void *opaque = NULL;
    bool ran = false;

    if (readable) {
        loop_lock(loop);
        h = g_hash_table_lookup(loop->handlers, GINT_TO_POINTER(fd));
        if (h) {
            fn = h->fd_read;
            opaque = h->opaque;
        }
        loop_unlock(loop);
        if (fn) {
            fn(opaque);
            ran = true;
        }
    }
    if (writable) {
        fn = NULL;
        loop_lock(loop);
        h = g_hash_table_lookup(loop->handlers, GINT_TO_POINTER(fd));
        if (h) {
            fn = h->fd_write;
            opaque = h->opaque;
        }
        loop_unlock(loop);
        if (fn) {
            fn(opaque);
            ran = true;
        }
    }
    return ran;
}

static bool dispatch_always_ready(EventLoop *loop)
{
    GArray *fds = g_array_new(FALSE, FALSE, sizeof(int));
    GHashTableIter it;
    gpointer value;
    bool ran = false;

    loop_lock(loop);
    g_hash_table_iter_init(&it, loop->handlers);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        FdHandler *h = value;
        if (h->always_ready) {
            g_array_append_val(fds, h->fd);
        }
    }
    loop_unlock(loop);
    for (guint i = 0; i < fds->len; i++) {
        ran |= dispatch_fd(loop, g_array_index(fds, int, i), true, true);
    }
    g_array_free(fds, TRUE);
    return ran;
}

static int loop_wait(EventLoop *loop, struct epoll_event *evs, int64_t timeout_ns)
{
    static bool no_pwait2;
    struct timespec ts;
    int n;

    if (!no_pwait2) {
        if (timeout_ns >= 0) {
            ts.tv_sec = timeout_ns / NANOSECONDS_PER_SECOND;
            ts.tv_nsec = timeout_ns % NANOSECONDS_PER_SECOND;
        }
        /* epoll_pwait2 (Linux 5.11) keeps ns precision for guest timers. */
        n = epoll_pwait2(loop->epfd, evs, EPOLL_BATCH, timeout_ns >= 0 ? &ts : NULL,
                         NULL);
        if (n >= 0 || errno != ENOSYS) {
            return n;
        }
        no_pwait2 = true;
    }
    /* Round up so that a timer is never dispatched early and spun on. */
    return epoll_wait(loop->epfd, evs, EPOLL_BATCH,
                      timeout_ns < 0 ? -1 : (int)MIN((timeout_ns + SCALE_MS - 1) / SCALE_MS,
                                                     INT_MAX));
}

bool event_loop_run_once(EventLoop *loop, bool blocking)
{
    struct epoll_event evs[EPOLL_BATCH];
    int64_t timeout_ns = 0;
    bool ran = false;
    bool drop_bql;
    bool nested = event_loop_in_own_thread(loop);
    int n;

    if (!nested) {
        loop->owner = pthread_self();
        __atomic_store_n(&loop->owner_valid, true, __ATOMIC_RELEASE);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }

    if (blocking && !bh_any_scheduled(loop)) {
        loop_lock(loop);
        blocking = loop->n_always_ready == 0;
        loop_unlock(loop);
        if (blocking) {
            timeout_ns = timerlist_deadline_ns(loop);
        }
    }

    /* Handlers of the main loop run under the BQL; never sleep holding it. */
    drop_bql = timeout_ns != 0 && loop == main_loop && bql_locked();
    if (drop_bql) {
        bql_unlock();
    }
    n = loop_wait(loop, evs, timeout_ns);
    if (drop_bql) {
        bql_lock();
    }

    for (int i = 0; i < n; i++) {
        uint32_t e = evs[i].events;
        int fd = evs[i].data.fd;

        if (fd == -1) {
            uint64_t cnt;
            while (read(loop->kick_fd, &cnt, sizeof(cnt)) < 0 && errno == EINTR) {
            }
            continue;
        }
        /* A hang-up or error is reported to whichever handler can see it. */
        ran |= dispatch_fd(loop, fd, e & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP),
                           e & (EPOLLOUT | EPOLLHUP | EPOLLERR));
    }
    if (loop->n_always_ready) {
        ran |= dispatch_always_ready(loop);
    }
    ran |= timerlist_run_all(loop);
    ran |= bh_poll(loop);

    if (!nested) {
        __atomic_store_n(&loop->owner_valid, false, __ATOMIC_RELEASE);
    }
    return ran;
}

/*
 * Shutdown and reset requests: flags set from any thread (a vCPU writing the
 * test device, a signal handler, the monitor) and consumed by system/'s main
 * loop, which the kick wakes.
 */
static int shutdown_cause;       /* ShutdownCause, atomic */
static int shutdown_status;
static int reset_cause;

void qemu_system_shutdown_request_status(ShutdownCause cause, int exit_status)
{
    __atomic_store_n(&shutdown_status, exit_status, __ATOMIC_RELAXED);
    __atomic_store_n(&shutdown_cause, cause, __ATOMIC_RELEASE);
    if (main_loop) {
        event_loop_kick(main_loop);
    }
}

void qemu_system_reset_request(ShutdownCause cause)
{
    __atomic_store_n(&reset_cause, cause, __ATOMIC_RELEASE);
    if (main_loop) {
        event_loop_kick(main_loop);
    }
}

ShutdownCause qemu_shutdown_requested(int *exit_status)
{
    ShutdownCause c = __atomic_exchange_n(&shutdown_cause, SHUTDOWN_CAUSE_NONE,
                                          __ATOMIC_ACQUIRE);

    if (c != SHUTDOWN_CAUSE_NONE && exit_status) {
        *exit_status = __atomic_load_n(&shutdown_status, __ATOMIC_RELAXED);
    }
    return c;
}

ShutdownCause qemu_reset_requested(void)
{
    return __atomic_exchange_n(&reset_cause, SHUTDOWN_CAUSE_NONE, __ATOMIC_ACQUIRE);
}
