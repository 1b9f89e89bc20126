/*
 * The pty backend: a pseudo-terminal pair; the slave's name is announced on
 * stderr ("char device redirected to /dev/pts/N (label ID)") so a user can
 * attach screen/minicom/socat to it.
 *
 * We keep only the master.  While no process has the slave open the master
 * reports a hang-up: the backend counts as disconnected (output dropped, as
 * a serial line without a cable) and a one-second timer looks for a reader.
 */
#include "core/osdep.h"
#include "chardev/char-fd.h"
#include "chardev/char-internal.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>

#define TYPE_CHARDEV_PTY "chardev-pty"
#define PTY_POLL_MS 1000

typedef struct PtyChardev {
    FDChardev parent_obj;
    int master;
    bool connected;
    QEMUTimer *poll_timer;
    EventLoop *poll_loop;
    char *slave_name;
} PtyChardev;

#define PTY_CHARDEV(obj) OBJECT_CHECK(PtyChardev, (obj), TYPE_CHARDEV_PTY)

static void pty_chr_arm_poll(PtyChardev *p);

/* Is some process holding the slave open?  (No POLLHUP on the master.) */
static bool pty_slave_open(PtyChardev *p)
{
    struct pollfd pfd = { .fd = p->master, .events = POLLIN };

    return poll(&pfd, 1, 0) >= 0 && !(pfd.revents & POLLHUP);
}

static void pty_chr_set_connected(PtyChardev *p, bool connected)
{
    Chardev *chr = CHARDEV(p);
    FDChardev *s = FD_CHARDEV(p);

    if (p->connected == connected) {
        return;
    }
    p->connected = connected;
    if (connected) {
        pthread_mutex_lock(&chr->write_lock);
        fd_chr_set_fds(s, p->master, p->master, false);
        pthread_mutex_unlock(&chr->write_lock);
        if (p->poll_timer) {
            timer_del(p->poll_timer);
        }
        qemu_chr_be_event(chr, CHR_EVENT_OPENED);
    } else {
        pthread_mutex_lock(&chr->write_lock);
        fd_chr_set_fds(s, -1, -1, false);
        pthread_mutex_unlock(&chr->write_lock);
        qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
        pty_chr_arm_poll(p);
    }
}

static void pty_chr_poll(void *opaque)
{
    PtyChardev *p = opaque;

    if (pty_slave_open(p)) {
        pty_chr_set_connected(p, true);
    } else {
        pty_chr_arm_poll(p);
    }
}

static void pty_chr_arm_poll(PtyChardev *p)
{
    EventLoop *loop = chr_loop(CHARDEV(p));

    if (p->poll_timer && p->poll_loop != loop) {
        timer_free(p->poll_timer);
        p->poll_timer = NULL;
    }
    if (!p->poll_timer) {
        p->poll_timer = timer_new_loop(loop, QEMU_CLOCK_REALTIME, SCALE_MS,
                                       pty_chr_poll, p);
        p->poll_loop = loop;
    }
    timer_mod(p->poll_timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + PTY_POLL_MS);
}

/* EIO on the master: the last holder of the slave closed it. */
static void pty_chr_input_closed(FDChardev *s)
{
    pty_chr_set_connected(PTY_CHARDEV(s), false);
}

static void pty_chr_update_read_handler(Chardev *chr)
{
    PtyChardev *p = PTY_CHARDEV(chr);

    fd_chr_update_read_handler(chr);
    if (!p->connected) {
        pty_chr_arm_poll(p);      /* follow the frontend's loop */
    }
}

static bool pty_chr_open(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp)
{
    PtyChardev *p = PTY_CHARDEV(chr);
    struct termios tty;
    int master, slave;

    if (openpty(&master, &slave, NULL, NULL, NULL) < 0) {
        error_setg_errno(errp, errno, "Failed to create PTY");
        return false;
    }
    /* The guest's serial line is 8-bit clean: raw on the slave side. */
    if (tcgetattr(slave, &tty) == 0) {
        cfmakeraw(&tty);
        tcsetattr(slave, TCSAFLUSH, &tty);
    }
    p->slave_name = g_strdup(ptsname(master));
    close(slave);
    if (!fd_chr_set_nonblock(master, errp)) {
        close(master);
        return false;
    }
    fcntl(master, F_SETFD, FD_CLOEXEC);
    p->master = master;
    FD_CHARDEV(p)->input_closed = pty_chr_input_closed;
    chr_set_filename(chr, "pty:%s", p->slave_name);
    /* The user-visible announcement, in QEMU's words. */
    fprintf(stderr, "char device redirected to %s (label %s)\n", p->slave_name,
            chr->label);
    *be_opened = false;
    pty_chr_arm_poll(p);
    return true;
}

static int pty_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    PtyChardev *p = PTY_CHARDEV(chr);

    /* Nobody on the line: drop, as QEMU does, rather than fill the buffer. */
    if (!p->connected) {
        return len;
    }
    return fd_chr_write(chr, buf, len);
}

static void pty_chr_init(Object *obj)
{
    PTY_CHARDEV(obj)->master = -1;
}

static void pty_chr_finalize(Object *obj)
{
    PtyChardev *p = PTY_CHARDEV(obj);

    fd_chr_close_fds(FD_CHARDEV(p));
    timer_free(p->poll_timer);
    if (p->master >= 0) {
        close(p->master);
    }
    g_free(p->slave_name);
}

static void pty_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    fd_chr_class_setup(cc);
    cc->backend_name = "pty";
    cc->open = pty_chr_open;
    cc->chr_write = pty_chr_write;
    cc->chr_update_read_handler = pty_chr_update_read_handler;
}

static const TypeInfo pty_chardev_info = {
    .name = TYPE_CHARDEV_PTY,
    .parent = TYPE_CHARDEV_FD,
    .instance_size = sizeof(PtyChardev),
    .desc = "a new pseudo-terminal (its /dev/pts name is printed)",
    .instance_init = pty_chr_init,
    .class_init = pty_chr_class_init,
    .instance_finalize = pty_chr_finalize,
};

static void pty_chardev_register_types(void)
{
    type_register_static(&pty_chardev_info);
}

type_init(pty_chardev_register_types)
