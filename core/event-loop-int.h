/*
 * Private to core/: the EventLoop structure shared by the fd dispatcher
 * (main-loop.c), the timer lists (timer.c) and the bottom halves (bh.c).
 */
#ifndef CORE_EVENT_LOOP_INT_H
#define CORE_EVENT_LOOP_INT_H

#include "core/osdep.h"
#include "core/main-loop.h"

#include <pthread.h>

typedef struct FdHandler {
    int fd;
    IOHandler *fd_read;
    IOHandler *fd_write;
    void *opaque;
    /* epoll refuses regular files (EPERM): such fds are always ready. */
    bool always_ready;
} FdHandler;

struct QEMUTimer {
    EventLoop *loop;
    QEMUClockType type;
    int scale;
    QEMUTimerCB *cb;
    void *opaque;
    int64_t expire_ns;          /* -1: not pending */
    QEMUTimer *next;            /* in loop->timers[type], sorted by expire_ns */
};

struct QEMUBH {
    EventLoop *loop;
    QEMUBHFunc *cb;
    void *opaque;
    int scheduled;              /* atomic: set by any thread, cleared by the loop */
    bool deleted;
    QEMUBH *next;
};

struct EventLoop {
    int epfd;
    int kick_fd;                /* eventfd: wakes epoll_wait from any thread */
    /*
     * Protects handlers, the timer lists and the bh list.  Never held while a
     * callback runs, so callbacks may call back into the loop.
     */
    pthread_mutex_t lock;
    GHashTable *handlers;       /* fd -> FdHandler* */
    int n_always_ready;
    QEMUTimer *timers[QEMU_CLOCK_MAX];
    QEMUBH *bhs;
    int bh_walking;             /* > 0 while bh_poll walks the list */
    bool bh_need_sweep;
    pthread_t owner;            /* thread inside event_loop_run_once */
    bool owner_valid;
};

/* True when the caller is the thread currently running the loop. */
bool event_loop_in_own_thread(EventLoop *loop);
/* Wake loops whose thread is not the caller's (after a timer/bh change). */
void event_loop_kick_if_foreign(EventLoop *loop);
/* Kick every live loop (virtual clock restarted). */
void event_loop_kick_all(void);

/* timer.c */
int64_t timerlist_deadline_ns(EventLoop *loop);     /* -1: no deadline */
bool timerlist_run_all(EventLoop *loop);
void timerlist_free_all(EventLoop *loop);

/* bh.c */
bool bh_any_scheduled(EventLoop *loop);
bool bh_poll(EventLoop *loop);
void bh_free_all(EventLoop *loop);

#endif
