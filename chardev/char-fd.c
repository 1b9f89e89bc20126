/*
 * The fd data path shared by the fd-based backends.
 *
 * Flow control: the input fd is watched only while the frontend can take
 * bytes.  When can_read() says 0 the watch is dropped, so the kernel buffers
 * (and, for a socket, TCP pushes back on the peer); qemu_chr_fe_accept_input
 * re-arms it.  A frontend that forgets to call accept_input still recovers:
 * a short timer re-checks can_read() while the watch is off.
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

void fd_chr_unwatch(FDChardev *s)
{
    if (s->watch_loop) {
        event_loop_set_fd_handler(s->watch_loop, s->fd_in, NULL, NULL, NULL);
        s->watch_loop = NULL;
    }
    if (s->retry_timer) {
        timer_del(s->retry_timer);
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
        EventLoop *loop = s->watch_loop;

        fd_chr_unwatch(s);
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
        qemu_chr_be_write(chr, buf, n);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        fd_chr_unwatch(s);
        s->in_eof = true;
        if (s->input_closed) {
            s->input_closed(s);
        }
    }
}

void fd_chr_update_read_handler(Chardev *chr)
{
    FDChardev *s = FD_CHARDEV(chr);
    bool want = s->fd_in >= 0 && !s->in_eof && chr->be && chr->be->chr_read;
    EventLoop *loop = want ? chr_loop(chr) : NULL;

    if (s->watch_loop && s->watch_loop != loop) {
        fd_chr_unwatch(s);
    }
    if (loop && !s->watch_loop) {
        if (s->retry_timer) {
            timer_del(s->retry_timer);
        }
        event_loop_set_fd_handler(loop, s->fd_in, fd_chr_read, NULL, s);
        s->watch_loop = loop;
    }
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
}

void fd_chr_set_fds(FDChardev *s, int fd_in, int fd_out, bool close_fds)
{
    fd_chr_unwatch(s);
    s->fd_in = fd_in;
    s->fd_out = fd_out;
    s->close_fds = close_fds;
    s->in_eof = false;
    fd_chr_update_read_handler(CHARDEV(s));
}

void fd_chr_close_fds(FDChardev *s)
{
    fd_chr_unwatch(s);
    if (s->close_fds) {
        if (s->fd_in >= 0) {
            close(s->fd_in);
        }
        if (s->fd_out >= 0 && s->fd_out != s->fd_in) {
            close(s->fd_out);
        }
    }
    s->fd_in = s->fd_out = -1;
}

static void fd_chr_init(Object *obj)
{
    FDChardev *s = FD_CHARDEV(obj);

    s->fd_in = s->fd_out = -1;
}

static void fd_chr_finalize(Object *obj)
{
    FDChardev *s = FD_CHARDEV(obj);

    fd_chr_close_fds(s);
    timer_free(s->retry_timer);
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
