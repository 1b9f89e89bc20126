/*
 * -netdev tap: the virtual wire ends in a host TAP interface (Linux
 * Documentation/networking/tuntap.rst): each read() gives one Ethernet
 * frame the host sent, each write() puts one on the host's side.
 *
 *   ifname=NAME      the interface (created if missing; needs CAP_NET_ADMIN)
 *   fd=N             an open TAP fd handed over by a management tool
 *   script=PATH|no   run PATH IFNAME after creating it (QEMU's default
 *                    /etc/qemu-ifup is not assumed: give it explicitly)
 *   downscript=PATH|no  run PATH IFNAME when the netdev goes away
 *
 * Flow control as for sockets: reading pauses while the NIC is full, and
 * frames from the NIC wait in the net layer while the TAP queue is full.
 */
#include "net/net.h"
#include "core/main-loop.h"

#include <glib-unix.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>

#define TAP_MAX_FRAME (65536 + 4096)

typedef struct TapState {
    NetClientState nc;
    int fd;
    bool read_paused;
    bool write_blocked;          /* write() said EAGAIN: wait for POLLOUT */
    char ifname[IFNAMSIZ];
    char *downscript;
} TapState;

static void tap_update_handlers(TapState *s);

static void tap_frame_sent(NetClientState *nc, ssize_t ret)
{
    TapState *s = container_of(nc, TapState, nc);

    s->read_paused = false;
    tap_update_handlers(s);
}

static void tap_readable(void *opaque)
{
    TapState *s = opaque;
    uint8_t buf[TAP_MAX_FRAME];

    /* A bounded batch, so one busy host side cannot starve the loop. */
    for (int i = 0; i < 64 && !s->read_paused; i++) {
        ssize_t n = read(s->fd, buf, sizeof(buf));

        if (n <= 0) {
            break;
        }
        if (qemu_send_packet_async(&s->nc, buf, n, tap_frame_sent) == 0) {
            s->read_paused = true;
        }
    }
    tap_update_handlers(s);
}

static void tap_writable(void *opaque)
{
    TapState *s = opaque;

    s->write_blocked = false;
    tap_update_handlers(s);
    qemu_flush_queued_packets(&s->nc);
}

static void tap_update_handlers(TapState *s)
{
    event_loop_set_fd_handler(main_loop_get(), s->fd, s->read_paused ? NULL : tap_readable,
                              s->write_blocked ? tap_writable : NULL, s);
}

static ssize_t tap_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    TapState *s = container_of(nc, TapState, nc);
    ssize_t n;

    if (s->write_blocked) {
        return 0;
    }
    n = write(s->fd, buf, size);
    if (n < 0 && errno == EAGAIN) {
        s->write_blocked = true;
        tap_update_handlers(s);
        return 0;
    }
    /* Other errors (interface down: EIO) lose the frame, as a cable would. */
    return size;
}

static bool run_script(const char *script, const char *ifname, Error **errp)
{
    char *argv[] = { (char *)script, (char *)ifname, NULL };
    GError *gerr = NULL;
    int status;

    if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL, NULL,
                      NULL, &status, &gerr)) {
        error_setg(errp, "could not run network script %s: %s", script, gerr->message);
        g_error_free(gerr);
        return false;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        error_setg(errp, "network script %s failed with status %d", script, status);
        return false;
    }
    return true;
}

static void tap_cleanup(NetClientState *nc)
{
    TapState *s = container_of(nc, TapState, nc);

    event_loop_set_fd_handler(main_loop_get(), s->fd, NULL, NULL, NULL);
    close(s->fd);
    if (s->downscript) {
        run_script(s->downscript, s->ifname, NULL);
        g_free(s->downscript);
    }
}

static const NetClientInfo net_tap_info = {
    .type = NET_CLIENT_DRIVER_TAP,
    .size = sizeof(TapState),
    .receive = tap_receive,
    .cleanup = tap_cleanup,
};

static int tap_open(const char *ifname, char *actual, Error **errp)
{
    struct ifreq ifr = { 0 };
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        error_setg_errno(errp, errno, "could not open /dev/net/tun");
        return -1;
    }
    /* IFF_NO_PI: bare Ethernet frames, no packet information header. */
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    g_strlcpy(ifr.ifr_name, ifname ? ifname : "tap%d", IFNAMSIZ);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        error_setg_errno(errp, errno, "could not configure /dev/net/tun (%s)",
                         ifname ? ifname : "tap%d");
        close(fd);
        return -1;
    }
    g_strlcpy(actual, ifr.ifr_name, IFNAMSIZ);
    return fd;
}

static const OptDesc tap_desc[] = {
    { "ifname", OPT_STRING, "interface name" },
    { "fd", OPT_NUMBER, "an open TAP file descriptor" },
    { "script", OPT_STRING, "script run with the interface name (no: none)" },
    { "downscript", OPT_STRING, "script run when it goes away (no: none)" },
    { NULL },
};

static bool net_init_tap(Opts *opts, const char *id, Error **errp)
{
    const char *ifname = opts_get(opts, "ifname"), *fd_s = opts_get(opts, "fd");
    const char *script = opts_get(opts, "script"), *down = opts_get(opts, "downscript");
    char actual[IFNAMSIZ] = "";
    NetClientState *nc;
    TapState *s;
    int fd;

    if (ifname && strlen(ifname) >= IFNAMSIZ) {
        error_setg(errp, "Parameter 'ifname' must be shorter than %d characters", IFNAMSIZ);
        return false;
    }
    if (script && !strcmp(script, "no")) {
        script = NULL;
    }
    if (down && !strcmp(down, "no")) {
        down = NULL;
    }
    if (fd_s) {
        uint64_t n;

        if (ifname || script || down) {
            error_setg(errp, "ifname=, script= and downscript= are invalid with fd=");
            return false;
        }
        if (!parse_uint64(fd_s, &n, NULL) || n > INT_MAX || fcntl((int)n, F_GETFD) < 0) {
            error_setg(errp, "fd=%s is not an open file descriptor", fd_s);
            return false;
        }
        fd = (int)n;
    } else {
        fd = tap_open(ifname, actual, errp);
        if (fd < 0) {
            return false;
        }
        if (script && !run_script(script, actual, errp)) {
            close(fd);
            return false;
        }
    }
    g_unix_set_fd_nonblocking(fd, true, NULL);
    nc = qemu_new_net_client(&net_tap_info, NULL, "tap", id);
    nc->is_netdev = true;
    s = container_of(nc, TapState, nc);
    s->fd = fd;
    g_strlcpy(s->ifname, actual, sizeof(s->ifname));
    s->downscript = down ? g_strdup(down) : NULL;
    if (fd_s) {
        snprintf(nc->info_str, sizeof(nc->info_str), "fd=%d", fd);
    } else {
        snprintf(nc->info_str, sizeof(nc->info_str), "ifname=%s,script=%s,downscript=%s",
                 actual, script ? script : "no", down ? down : "no");
    }
    tap_update_handlers(s);
    return true;
}

static void __attribute__((constructor)) net_tap_register(void)
{
    net_register_backend("tap", NET_CLIENT_DRIVER_TAP, tap_desc, net_init_tap);
}
