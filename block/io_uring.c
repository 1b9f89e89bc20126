/*
 * io_uring engine for the file driver (aio=io_uring): reads, writes and
 * flushes go to the kernel's submission queue; completions arrive through
 * an eventfd the node's event loop watches, so they run in that loop like
 * any other handler.  Short transfers are resubmitted for the rest; a read
 * that hits end of file zero-fills.  Requests the ring does not handle
 * (discard, write-zeroes, O_DIRECT with unaligned buffers) use the worker
 * pool instead.
 */
#include "block/block-int.h"

#include <liburing.h>
#include <sys/eventfd.h>

#define LURING_ENTRIES 128

struct LuringState {
    struct io_uring ring;
    int efd;
    EventLoop *loop;
    unsigned in_flight;
    unsigned plugged;            /* luring_plug depth */
    unsigned queued;             /* prepared SQEs not yet submitted */
};

typedef struct LuringReq {
    FileState *s;
    BlockRequest *req;
    uint64_t done;
    IOVector v;
} LuringReq;

/* Hand the prepared SQEs to the kernel: one io_uring_enter for all of them. */
static void luring_flush(LuringState *ls)
{
    if (ls->queued) {
        io_uring_submit(&ls->ring);
        ls->queued = 0;
    }
}

void luring_plug(LuringState *ls)
{
    ls->plugged++;
}

void luring_unplug(LuringState *ls)
{
    assert(ls->plugged);
    if (--ls->plugged == 0) {
        luring_flush(ls);
    }
}

static bool luring_queue(LuringState *ls, LuringReq *lr)
{
    BlockRequest *req = lr->req;
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ls->ring);

    if (!sqe) {
        /* The submission queue is full: send what it holds, then retry. */
        luring_flush(ls);
        sqe = io_uring_get_sqe(&ls->ring);
        if (!sqe) {
            return false;
        }
    }
    switch (req->type) {
    case BLK_REQ_READ:
    case BLK_REQ_WRITE:
        iovec_reset(&lr->v);
        iovec_concat(&lr->v, req->iov, req->niov, lr->done, req->bytes - lr->done);
        if (req->type == BLK_REQ_READ) {
            io_uring_prep_readv(sqe, lr->s->fd, lr->v.iov, MIN(lr->v.niov, IOV_MAX),
                                req->offset + lr->done);
        } else {
            io_uring_prep_writev(sqe, lr->s->fd, lr->v.iov, MIN(lr->v.niov, IOV_MAX),
                                 req->offset + lr->done);
        }
        break;
    case BLK_REQ_FLUSH:
        io_uring_prep_fsync(sqe, lr->s->fd, IORING_FSYNC_DATASYNC);
        break;
    default:
        return false;
    }
    io_uring_sqe_set_data(sqe, lr);
    ls->queued++;
    if (!ls->plugged) {
        luring_flush(ls);
    }
    return true;
}

static void luring_finish(LuringState *ls, LuringReq *lr, int ret)
{
    BlockRequest *req = lr->req;

    ls->in_flight--;
    iovec_destroy(&lr->v);
    g_free(lr);
    bdrv_complete(req, ret);
}

static void luring_cqe(LuringState *ls, LuringReq *lr, int res)
{
    BlockRequest *req = lr->req;

    if (res == -EINTR || res == -EAGAIN) {
        if (!luring_queue(ls, lr)) {
            luring_finish(ls, lr, res);
        }
        return;
    }
    if (res < 0 || req->type == BLK_REQ_FLUSH) {
        luring_finish(ls, lr, res < 0 ? res : 0);
        return;
    }
    if (res == 0) {
        if (req->type == BLK_REQ_WRITE) {
            luring_finish(ls, lr, -EIO);
            return;
        }
        iov_memset(req->iov, req->niov, lr->done, 0, req->bytes - lr->done);
        luring_finish(ls, lr, 0);
        return;
    }
    lr->done += res;
    if (lr->done < req->bytes) {
        if (!luring_queue(ls, lr)) {
            luring_finish(ls, lr, -EIO);
        }
        return;
    }
    luring_finish(ls, lr, 0);
}

static void luring_completion(void *opaque)
{
    LuringState *ls = opaque;
    struct io_uring_cqe *cqe;
    uint64_t cnt;

    if (read(ls->efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN) {
        return;
    }
    while (io_uring_peek_cqe(&ls->ring, &cqe) == 0) {
        LuringReq *lr = io_uring_cqe_get_data(cqe);
        int res = cqe->res;

        io_uring_cqe_seen(&ls->ring, cqe);
        luring_cqe(ls, lr, res);
    }
}

LuringState *luring_new(EventLoop *loop, Error **errp)
{
    LuringState *ls = g_new0(LuringState, 1);
    int r = io_uring_queue_init(LURING_ENTRIES, &ls->ring, 0);

    if (r < 0) {
        error_setg_errno(errp, -r, "failed to init linux io_uring ring");
        g_free(ls);
        return NULL;
    }
    ls->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (ls->efd < 0 || io_uring_register_eventfd(&ls->ring, ls->efd) < 0) {
        error_setg_errno(errp, errno, "failed to set up io_uring completions");
        if (ls->efd >= 0) {
            close(ls->efd);
        }
        io_uring_queue_exit(&ls->ring);
        g_free(ls);
        return NULL;
    }
    ls->loop = loop;
    event_loop_set_fd_handler(loop, ls->efd, luring_completion, NULL, ls);
    return ls;
}

void luring_free(LuringState *ls)
{
    /* Requests still in the kernel finish before the ring goes. */
    while (ls->in_flight) {
        struct io_uring_cqe *cqe;

        if (io_uring_wait_cqe(&ls->ring, &cqe) < 0) {
            break;
        }
        LuringReq *lr = io_uring_cqe_get_data(cqe);
        int res = cqe->res;

        io_uring_cqe_seen(&ls->ring, cqe);
        luring_cqe(ls, lr, res);
    }
    event_loop_set_fd_handler(ls->loop, ls->efd, NULL, NULL, NULL);
    close(ls->efd);
    io_uring_queue_exit(&ls->ring);
    g_free(ls);
}

void luring_set_loop(LuringState *ls, EventLoop *loop)
{
    event_loop_set_fd_handler(ls->loop, ls->efd, NULL, NULL, NULL);
    ls->loop = loop;
    event_loop_set_fd_handler(loop, ls->efd, luring_completion, NULL, ls);
}

static bool iov_direct_ok(const struct iovec *iov, int niov)
{
    for (int i = 0; i < niov; i++) {
        if ((uintptr_t)iov[i].iov_base % 4096 || iov[i].iov_len % BDRV_SECTOR_SIZE) {
            return false;
        }
    }
    return true;
}

bool luring_submit(LuringState *ls, FileState *s, BlockRequest *req)
{
    LuringReq *lr;

    if (req->type != BLK_REQ_READ && req->type != BLK_REQ_WRITE &&
        req->type != BLK_REQ_FLUSH) {
        return false;
    }
    if (s->direct && req->type != BLK_REQ_FLUSH && !iov_direct_ok(req->iov, req->niov)) {
        return false;
    }
    lr = g_new0(LuringReq, 1);
    lr->s = s;
    lr->req = req;
    iovec_init(&lr->v, req->niov > 0 ? req->niov : 1);
    if (!luring_queue(ls, lr)) {
        iovec_destroy(&lr->v);
        g_free(lr);
        return false;
    }
    ls->in_flight++;
    return true;
}
