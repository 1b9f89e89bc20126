/*
 * The fd data path shared by the fd-based backends.
 *
 * Flow control: the input fd is watched only while the frontend can take
 * bytes.  When can_read() says 0 the watch is dropped, so the kernel buffers
 * (and, for a socket, TCP pushes back on the peer); qemu_chr_fe_accept_input
 * re-arms it.  A frontend that forgets to call accept_input still recovers:
 * a short timer re-checks can_read() while the watch is off.
 *
 * Output is non-blocking; after a short write the frontend may ask for a
 * one-shot callback when fd_out is writable again (qemu_chr_fe_add_write_watch).
 * Input and output watches on the same fd (a socket) share one registration.
 */
#include "core/osdep.h"
#include "chardev/char-fd.h"
#include "chardev/char-internal.h"

#include <fcntl.h>
#include <poll.h>

#define FD_CHR_READ_MAX 4096
#define FD_CHR_RETRY_MS 20

bool fd_chr_set_nonblock(int fd, Error **errp)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        error_setg_errno(errp, errno, "cannot make fd %d non-blocking", fd);
        return false;
    }
    return true;
}

static void fd_chr_read(void *opaque);
static void fd_chr_writable(void *opaque);

void fd_chr_sync(FDChardev *s)
{
    Chardev *chr = CHARDEV(s);
    bool rd = s->fd_in >= 0 && !s->in_eof && !s->in_full && chr->be && chr->be->chr_read;
    bool wr = s->fd_out >= 0 && s->out_cb;
    EventLoop *loop = rd || wr ? chr_loop(chr) : NULL;

    if (loop == s->reg_loop && rd == s->reg_read && wr == s->reg_write &&
        (!rd || s->reg_in == s->fd_in) && (!wr || s->reg_out == s->fd_out)) {
        return;
    }
    /* Drop the old registrations (by the fds they were made with). */
    if (s->reg_loop) {
        if (s->reg_read) {
            event_loop_set_fd_handler(s->reg_loop, s->reg_in, NULL, NULL, NULL);
        }
        if (s->reg_write && !(s->reg_read && s->reg_out == s->reg_in)) {
            event_loop_set_fd_handler(s->reg_loop, s->reg_out, NULL, NULL, NULL);
        }
    }
    s->reg_loop = loop;
    s->reg_read = rd;
    s->reg_write = wr;
    s->reg_in = rd ? s->fd_in : -1;
    s->reg_out = wr ? s->fd_out : -1;
    if (!loop) {
        return;
    }
    /* One fd, both directions (a socket): one registration with both handlers. */
    if (rd && wr && s->fd_in == s->fd_out) {
        event_loop_set_fd_handler(loop, s->fd_in, fd_chr_read, fd_chr_writable, s);
        return;
    }
    if (rd) {
        event_loop_set_fd_handler(loop, s->fd_in, fd_chr_read, NULL, s);
    }
    if (wr) {
        event_loop_set_fd_handler(loop, s->fd_out, NULL, fd_chr_writable, s);
    }
}

static void fd_chr_retry(void *opaque)
{
    fd_chr_update_read_handler(CHARDEV(opaque));
}

static void fd_chr_read(void *opaque)
{
    FDChardev *s = opaque;
    Chardev *chr = CHARDEV(s);
    uint8_t buf[FD_CHR_READ_MAX];
    int len = qemu_chr_be_can_write(chr);
    ssize_t n;

    if (len <= 0) {
        /* Frontend full: stop reading until it accepts input again. */
        EventLoop *loop = chr_loop(chr);

        s->in_full = true;
        fd_chr_sync(s);
        if (s->retry_timer && s->retry_loop != loop) {
            timer_free(s->retry_timer);
            s->retry_timer = NULL;
        }
        if (!s->retry_timer) {
            s->retry_timer = timer_new_loop(loop, QEMU_CLOCK_REALTIME, SCALE_MS,
                                            fd_chr_retry, s);
            s->retry_loop = loop;
        }
        timer_mod(s->retry_timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + FD_CHR_RETRY_MS);
        return;
    }
    n = read(s->fd_in, buf, MIN(len, FD_CHR_READ_MAX));
    if (n > 0) {
        if (s->input_filter) {
            n = s->input_filter(s, buf, n);
        }
        qemu_chr_be_write(chr, buf, n);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        s->in_eof = true;
        fd_chr_sync(s);
        if (s->input_closed) {
            s->input_closed(s);
        }
    }
}

static void fd_chr_fire_out_cb(FDChardev *s)
{
    ChrWritableFunc *cb = s->out_cb;

    /* One-shot: the frontend re-arms it after its next short write. */
    s->out_cb = NULL;
    fd_chr_sync(s);
    if (cb) {
        cb(s->out_opaque);
    }
}

static void fd_chr_writable(void *opaque)
{
    fd_chr_fire_out_cb(opaque);
}

static void fd_chr_out_bh(void *opaque)
{
    fd_chr_fire_out_cb(opaque);
}

static bool fd_chr_add_write_watch(Chardev *chr, ChrWritableFunc *cb, void *opaque)
{
    FDChardev *s = FD_CHARDEV(chr);

    s->out_cb = cb;
    s->out_opaque = opaque;
    if (cb && s->fd_out < 0) {
        /* Output is dropped, so it never blocks: writable right now. */
        if (!s->out_bh) {
            s->out_bh = qemu_bh_new_loop(chr_loop(chr), fd_chr_out_bh, s);
        }
        qemu_bh_schedule(s->out_bh);
    } else if (!cb && s->out_bh) {
        qemu_bh_cancel(s->out_bh);
    }
    fd_chr_sync(s);
    return true;
}

void fd_chr_update_read_handler(Chardev *chr)
{
    FDChardev *s = FD_CHARDEV(chr);

    s->in_full = false;
    if (s->retry_timer) {
        timer_del(s->retry_timer);
    }
    fd_chr_sync(s);
}

int fd_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    FDChardev *s = FD_CHARDEV(chr);

    if (s->fd_out < 0) {
        return len;
    }
    return write(s->fd_out, buf, len);
}

void fd_chr_wait_writable(Chardev *chr)
{
    FDChardev *s = FD_CHARDEV(chr);
    struct pollfd pfd = { .fd = s->fd_out, .events = POLLOUT };

    if (s->fd_out >= 0) {
        poll(&pfd, 1, 100);
    } else {
        g_usleep(1000);
    }
}

void fd_chr_class_setup(ChardevClass *cc)
{
    cc->chr_write = fd_chr_write;
    cc->chr_wait_writable = fd_chr_wait_writable;
    cc->chr_update_read_handler = fd_chr_update_read_handler;
    cc->chr_add_write_watch = fd_chr_add_write_watch;
}

void fd_chr_set_fds(FDChardev *s, int fd_in, int fd_out, bool close_fds)
{
    s->fd_in = fd_in;
    s->fd_out = fd_out;
    s->close_fds = close_fds;
    s->in_eof = false;
    s->in_full = false;
    fd_chr_sync(s);
}

void fd_chr_close_fds(FDChardev *s)
{
    int in = s->fd_in, out = s->fd_out;

    s->fd_in = s->fd_out = -1;
    fd_chr_sync(s);            /* unregister before the fds go */
    if (s->retry_timer) {
        timer_del(s->retry_timer);
    }
    if (s->close_fds) {
        if (in >= 0) {
            close(in);
        }
        if (out >= 0 && out != in) {
            close(out);
        }
    }
}

static void fd_chr_init(Object *obj)
{
    FDChardev *s = FD_CHARDEV(obj);

    s->fd_in = s->fd_out = -1;
    s->reg_in = s->reg_out = -1;
}

static void fd_chr_finalize(Object *obj)
{
    FDChardev *s = FD_CHARDEV(obj);

    s->out_cb = NULL;
    fd_chr_close_fds(s);
    timer_free(s->retry_timer);
    qemu_bh_delete(s->out_bh);
}

static void fd_chr_class_init(ObjectClass *oc, void *data)
{
    fd_chr_class_setup(CHARDEV_CLASS(oc));
}

static const TypeInfo fd_chardev_info = {
    .name = TYPE_CHARDEV_FD,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(FDChardev),
    .abstract = true,
    .instance_init = fd_chr_init,
    .instance_finalize = fd_chr_finalize,
    .class_init = fd_chr_class_init,
};

static void fd_chardev_register_types(void)
{
    type_register_static(&fd_chardev_info);
}

type_init(fd_chardev_register_types)
