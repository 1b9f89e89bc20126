/*
 * The socket backend: TCP (host=, port=) or a Unix socket (path=), as a
 * server (server=on) or a client.
 *
 * A server listens and serves one client at a time: while a client is
 * connected the listening socket is not watched, so later clients wait in
 * the kernel's backlog until the first one leaves (QEMU behaves the same).
 * wait=on (the default for servers) blocks the open until the first client
 * arrives.  A client connects during the open and fails with an error
 * naming the address, unless reconnect=SECONDS is set: then a failed or lost
 * connection is retried every SECONDS.  The frontend sees CHR_EVENT_OPENED
 * and CHR_EVENT_CLOSED as peers come and go; output with no peer is dropped.
 */
#include "core/osdep.h"
#include "chardev/char-fd.h"
#include "chardev/char-internal.h"
#include "chardev/char-telnet.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#define TYPE_CHARDEV_SOCKET "chardev-socket"

typedef struct SocketChardev {
    FDChardev parent_obj;
    bool is_unix, is_server, wait, nodelay, telnet;
    TelnetState tn;
    bool tx_pending_iac;         /* telnet: second half of an escaped 0xFF */
    char *host, *port, *path;
    uint64_t reconnect;          /* seconds; 0: never */
    int listen_fd;
    EventLoop *listen_loop;      /* loop watching listen_fd */
    int sock;                    /* connected socket, -1 if none */
    QEMUTimer *reconnect_timer;
    EventLoop *reconnect_loop;
    char *addr_str;              /* "tcp:127.0.0.1:4444,server=on" */
} SocketChardev;

#define SOCKET_CHARDEV(obj) OBJECT_CHECK(SocketChardev, (obj), TYPE_CHARDEV_SOCKET)

static const OptDesc socket_opts[] = {
    { "host", OPT_STRING, "TCP host name or address" },
    { "port", OPT_STRING, "TCP port (0: any free port, server only)" },
    { "path", OPT_STRING, "Unix socket path" },
    { "server", OPT_BOOL, "listen instead of connecting" },
    { "wait", OPT_BOOL, "server: wait for the first client before starting (default on)" },
    { "reconnect", OPT_NUMBER, "client: retry every N seconds after a failure" },
    { "nodelay", OPT_BOOL, "TCP_NODELAY: send small writes at once" },
    { "ipv4", OPT_BOOL, "TCP: IPv4 only" },
    { "ipv6", OPT_BOOL, "TCP: IPv6 only" },
    { "telnet", OPT_BOOL, "speak telnet (RFC 854) to the peer" },
    { NULL }
};

static void socket_listen_watch(SocketChardev *s, bool on);
static void socket_arm_reconnect(SocketChardev *s);

static void socket_update_filename(SocketChardev *s, const char *peer)
{
    Chardev *chr = CHARDEV(s);

    if (s->sock < 0) {
        chr_set_filename(chr, "disconnected:%s", s->addr_str);
    } else if (peer) {
        chr_set_filename(chr, "%s <-> %s", s->addr_str, peer);
    } else {
        chr_set_filename(chr, "%s", s->addr_str);
    }
}

static char *sockaddr_to_str(const struct sockaddr *sa, socklen_t len)
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];

    if (sa->sa_family == AF_UNIX) {
        return g_strdup("unix");
    }
    if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        return g_strdup("?");
    }
    return sa->sa_family == AF_INET6 ? g_strdup_printf("[%s]:%s", host, serv)
                                     : g_strdup_printf("%s:%s", host, serv);
}

/* A peer arrived on fd (accepted or connected). */
static void socket_connected(SocketChardev *s, int fd, const char *peer)
{
    Chardev *chr = CHARDEV(s);
    int one = 1;

    fcntl(fd, F_SETFD, FD_CLOEXEC);
    fd_chr_set_nonblock(fd, NULL);
    if (s->nodelay && !s->is_unix) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    socket_listen_watch(s, false);
    pthread_mutex_lock(&chr->write_lock);
    s->sock = fd;
    fd_chr_set_fds(FD_CHARDEV(s), fd, fd, false);
    pthread_mutex_unlock(&chr->write_lock);
    socket_update_filename(s, peer);
    if (s->telnet) {
        /* A fresh socket's buffer takes the few greeting bytes at once. */
        telnet_reset(&s->tn);
        s->tx_pending_iac = false;
        if (send(fd, telnet_greeting, telnet_greeting_len, MSG_NOSIGNAL) < 0) {
            /* The peer is gone already: the read side will notice. */
        }
    }
    qemu_chr_be_event(chr, CHR_EVENT_OPENED);
}

static int socket_telnet_filter(FDChardev *fs, uint8_t *buf, int len)
{
    SocketChardev *s = SOCKET_CHARDEV(fs);
    int n = telnet_filter_input(&s->tn, buf, len, buf);

    if (s->tn.got_break) {
        qemu_chr_be_event(CHARDEV(s), CHR_EVENT_BREAK);
    }
    return n;
}

static void socket_disconnect(SocketChardev *s)
{
    Chardev *chr = CHARDEV(s);

    if (s->sock < 0) {
        return;
    }
    pthread_mutex_lock(&chr->write_lock);
    fd_chr_set_fds(FD_CHARDEV(s), -1, -1, false);
    close(s->sock);
    s->sock = -1;
    pthread_mutex_unlock(&chr->write_lock);
    socket_update_filename(s, NULL);
    qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
    if (s->is_server) {
        socket_listen_watch(s, true);     /* next client, please */
    } else if (s->reconnect) {
        socket_arm_reconnect(s);
    }
}

static void socket_input_closed(FDChardev *fs)
{
    socket_disconnect(SOCKET_CHARDEV(fs));
}

static bool socket_accept(SocketChardev *s, Error **errp)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char *peer;
    int fd;

    do {
        fd = accept(s->listen_fd, (struct sockaddr *)&ss, &len);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        error_setg_errno(errp, errno, "accept on %s failed", s->addr_str);
        return false;
    }
    peer = sockaddr_to_str((struct sockaddr *)&ss, len);
    socket_connected(s, fd, peer);
    g_free(peer);
    return true;
}

static void socket_listen_ready(void *opaque)
{
    SocketChardev *s = opaque;

    /* EAGAIN (the client gave up already) is harmless: keep listening. */
    socket_accept(s, NULL);
}

static void socket_listen_watch(SocketChardev *s, bool on)
{
    EventLoop *loop = on && s->listen_fd >= 0 ? chr_loop(CHARDEV(s)) : NULL;

    if (s->listen_loop == loop) {
        return;
    }
    if (s->listen_loop) {
        event_loop_set_fd_handler(s->listen_loop, s->listen_fd, NULL, NULL, NULL);
    }
    if (loop) {
        event_loop_set_fd_handler(loop, s->listen_fd, socket_listen_ready, NULL, s);
    }
    s->listen_loop = loop;
}

/* Resolve TCP host/port; errors name the address. */
static struct addrinfo *socket_resolve(SocketChardev *s, bool passive, int family,
                                       Error **errp)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_family = family };
    struct addrinfo *res = NULL;
    int r;

    hints.ai_flags = passive ? AI_PASSIVE : 0;
    r = getaddrinfo(s->host && *s->host ? s->host : NULL, s->port, &hints, &res);
    if (r != 0) {
        error_setg(errp, "address resolution failed for %s:%s: %s",
                   s->host ? s->host : "", s->port, gai_strerror(r));
        return NULL;
    }
    return res;
}

static bool socket_unix_addr(SocketChardev *s, struct sockaddr_un *un, Error **errp)
{
    memset(un, 0, sizeof(*un));
    un->sun_family = AF_UNIX;
    if (strlen(s->path) >= sizeof(un->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", s->path);
        return false;
    }
    strcpy(un->sun_path, s->path);
    return true;
}

static bool socket_listen(SocketChardev *s, int family, Error **errp)
{
    int fd = -1, one = 1, err = 0;

    if (s->is_unix) {
        struct sockaddr_un un;
        struct stat st;

        if (!socket_unix_addr(s, &un, errp)) {
            return false;
        }
        /* A stale socket from an earlier run would make bind fail. */
        if (stat(s->path, &st) == 0 && S_ISSOCK(st.st_mode)) {
            unlink(s->path);
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0 ||
            listen(fd, 1) < 0) {
            error_setg_errno(errp, errno, "Failed to listen on socket %s", s->addr_str);
            if (fd >= 0) {
                close(fd);
            }
            return false;
        }
    } else {
        struct addrinfo *res = socket_resolve(s, true, family, errp), *ai;
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);

        if (!res) {
            return false;
        }
        for (ai = res; ai; ai = ai->ai_next) {
            fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
            if (fd < 0) {
                err = errno;
                continue;
            }
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0) {
                break;
            }
            err = errno;
            close(fd);
            fd = -1;
        }
        freeaddrinfo(res);
        if (fd < 0) {
            error_setg_errno(errp, err, "Failed to listen on socket %s", s->addr_str);
            return false;
        }
        /* port=0 picked a free port: show the real one. */
        if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
            char *a = sockaddr_to_str((struct sockaddr *)&ss, len);
            char *colon = strrchr(a, ':');

            g_free(s->port);
            s->port = g_strdup(colon ? colon + 1 : s->port);
            g_free(s->addr_str);
            s->addr_str = g_strdup_printf("%s:%s:%s,server=on",
                                          s->telnet ? "telnet" : "tcp",
                                          s->host ? s->host : "", s->port);
            g_free(a);
        }
    }
    s->listen_fd = fd;
    return true;
}

/* One blocking connection attempt; errors name the address. */
static int socket_connect_once(SocketChardev *s, int family, char **peer, Error **errp)
{
    int fd = -1, err = ECONNREFUSED;

    if (s->is_unix) {
        struct sockaddr_un un;

        if (!socket_unix_addr(s, &un, errp)) {
            return -1;
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&un, sizeof(un)) == 0) {
            *peer = g_strdup(s->path);
            return fd;
        }
        err = errno;
    } else {
        struct addrinfo *res = socket_resolve(s, false, family, errp), *ai;

        if (!res) {
            return -1;
        }
        for (ai = res; ai; ai = ai->ai_next) {
            fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
            if (fd < 0) {
                err = errno;
                continue;
            }
            if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
                *peer = sockaddr_to_str(ai->ai_addr, ai->ai_addrlen);
                break;
            }
            err = errno;
            close(fd);
            fd = -1;
        }
        freeaddrinfo(res);
        if (fd >= 0) {
            return fd;
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    error_setg_errno(errp, err, "Failed to connect to '%s'", s->addr_str);
    return -1;
}

static int socket_family(SocketChardev *s, ChardevOpts *opts)
{
    if (chr_opt_get_bool(opts, "ipv4", false)) {
        return AF_INET;
    }
    if (chr_opt_get_bool(opts, "ipv6", false)) {
        return AF_INET6;
    }
    return AF_UNSPEC;
}

static void socket_reconnect(void *opaque)
{
    SocketChardev *s = opaque;
    char *peer = NULL;
    int fd;

    if (s->sock >= 0) {
        return;
    }
    fd = socket_connect_once(s, AF_UNSPEC, &peer, NULL);
    if (fd >= 0) {
        socket_connected(s, fd, peer);
        g_free(peer);
    } else {
        socket_arm_reconnect(s);
    }
}

static void socket_arm_reconnect(SocketChardev *s)
{
    EventLoop *loop = chr_loop(CHARDEV(s));

    if (s->reconnect_timer && s->reconnect_loop != loop) {
        timer_free(s->reconnect_timer);
        s->reconnect_timer = NULL;
    }
    if (!s->reconnect_timer) {
        s->reconnect_timer = timer_new_loop(loop, QEMU_CLOCK_REALTIME, SCALE_MS,
                                            socket_reconnect, s);
        s->reconnect_loop = loop;
    }
    timer_mod(s->reconnect_timer,
              qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + s->reconnect * 1000);
}

static bool socket_chr_open(Chardev *chr, ChardevOpts *opts, bool *be_opened,
                            Error **errp)
{
    SocketChardev *s = SOCKET_CHARDEV(chr);
    const char *path = chr_opt_get(opts, "path");
    const char *host = chr_opt_get(opts, "host");
    const char *port = chr_opt_get(opts, "port");
    int family = socket_family(s, opts);
    char *peer = NULL;

    s->is_server = chr_opt_get_bool(opts, "server", false);
    s->wait = chr_opt_get_bool(opts, "wait", true);
    s->nodelay = chr_opt_get_bool(opts, "nodelay", false);
    s->reconnect = chr_opt_get_number(opts, "reconnect", 0);
    s->telnet = chr_opt_get_bool(opts, "telnet", false);
    if (s->telnet) {
        FD_CHARDEV(s)->input_filter = socket_telnet_filter;
    }
    if (path && (host || port)) {
        error_setg(errp, "chardev: socket: path= excludes host= and port=");
        return false;
    }
    if (path) {
        s->is_unix = true;
        s->path = g_strdup(path);
        s->addr_str = g_strdup_printf("unix:%s%s", path, s->is_server ? ",server=on" : "");
    } else if (port && *port) {
        s->host = g_strdup(host ? host : "");
        s->port = g_strdup(port);
        s->addr_str = g_strdup_printf("%s:%s:%s%s", s->telnet ? "telnet" : "tcp",
                                      s->host, port, s->is_server ? ",server=on" : "");
    } else {
        error_setg(errp, "chardev: socket: needs path= (unix) or port= (tcp)");
        return false;
    }
    if (s->is_server && s->reconnect) {
        error_setg(errp, "chardev: socket: reconnect= is for clients, not servers");
        return false;
    }
    FD_CHARDEV(s)->input_closed = socket_input_closed;
    *be_opened = false;
    socket_update_filename(s, NULL);

    if (s->is_server) {
        if (!socket_listen(s, family, errp)) {
            return false;
        }
        socket_update_filename(s, NULL);
        if (s->wait) {
            /* Blocking until the first client, as QEMU's server=on,wait=on. */
            fprintf(stderr, "%s: waiting for connection on: %s\n", machina_prog_name,
                    chr->filename);
            if (!socket_accept(s, errp)) {
                return false;
            }
        }
        /* From now on accept only when epoll says a client is there. */
        if (!fd_chr_set_nonblock(s->listen_fd, errp)) {
            return false;
        }
        if (s->sock < 0) {
            socket_listen_watch(s, true);
        }
        return true;
    }

    int fd = socket_connect_once(s, family, &peer, s->reconnect ? NULL : errp);
    if (fd < 0) {
        if (!s->reconnect) {
            return false;
        }
        socket_arm_reconnect(s);
        return true;
    }
    socket_connected(s, fd, peer);
    g_free(peer);
    return true;
}

/*
 * Telnet output: 0xFF goes out doubled.  Report how many input bytes the
 * escaped bytes sent stand for; if the send stopped between the two halves
 * of a pair, the second half is owed and goes first next time.
 */
static int socket_telnet_send(SocketChardev *s, const uint8_t *buf, int len)
{
    static const uint8_t iac = 0xff;
    GByteArray *e;
    ssize_t n;
    int consumed = 0;

    if (s->tx_pending_iac) {
        n = send(s->sock, &iac, 1, MSG_NOSIGNAL);
        if (n <= 0) {
            return n;
        }
        s->tx_pending_iac = false;
    }
    e = telnet_escape_output(buf, len);
    n = send(s->sock, e->data, e->len, MSG_NOSIGNAL);
    g_byte_array_unref(e);
    if (n <= 0) {
        return n;
    }
    for (ssize_t pos = 0; pos < n; consumed++) {
        if (buf[consumed] == iac && pos + 1 == n) {
            s->tx_pending_iac = true;
            pos++;
        } else {
            pos += buf[consumed] == iac ? 2 : 1;
        }
    }
    return consumed;
}

static int socket_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = SOCKET_CHARDEV(chr);
    ssize_t n;

    if (s->sock < 0) {
        return len;     /* no peer: the bytes go nowhere, like an unplugged line */
    }
    /* MSG_NOSIGNAL: a vanished peer is an error, not a SIGPIPE. */
    n = s->telnet ? socket_telnet_send(s, buf, len)
                  : send(s->sock, buf, len, MSG_NOSIGNAL);
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
        /* The loop will see the hang-up and disconnect; drop meanwhile. */
        return len;
    }
    return n;
}

static void socket_chr_update_read_handler(Chardev *chr)
{
    SocketChardev *s = SOCKET_CHARDEV(chr);

    fd_chr_update_read_handler(chr);
    /* Move the listener to the frontend's loop, if it is listening. */
    if (s->listen_loop && s->listen_loop != chr_loop(chr)) {
        socket_listen_watch(s, false);
        socket_listen_watch(s, true);
    }
}

static void socket_chr_init(Object *obj)
{
    SocketChardev *s = SOCKET_CHARDEV(obj);

    s->listen_fd = -1;
    s->sock = -1;
}

static void socket_chr_finalize(Object *obj)
{
    SocketChardev *s = SOCKET_CHARDEV(obj);

    fd_chr_set_fds(FD_CHARDEV(s), -1, -1, false);
    if (s->sock >= 0) {
        close(s->sock);
    }
    socket_listen_watch(s, false);
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        if (s->is_unix) {
            unlink(s->path);   /* the server made it; it goes with us */
        }
    }
    timer_free(s->reconnect_timer);
    g_free(s->host);
    g_free(s->port);
    g_free(s->path);
    g_free(s->addr_str);
}

static void socket_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    fd_chr_class_setup(cc);
    cc->backend_name = "socket";
    cc->opts = socket_opts;
    cc->open = socket_chr_open;
    cc->chr_write = socket_chr_write;
    cc->chr_update_read_handler = socket_chr_update_read_handler;
}

static const TypeInfo socket_chardev_info = {
    .name = TYPE_CHARDEV_SOCKET,
    .parent = TYPE_CHARDEV_FD,
    .instance_size = sizeof(SocketChardev),
    .desc = "TCP or Unix stream socket, server or client",
    .instance_init = socket_chr_init,
    .class_init = socket_chr_class_init,
    .instance_finalize = socket_chr_finalize,
};

static void socket_chardev_register_types(void)
{
    type_register_static(&socket_chardev_info);
}

type_init(socket_chardev_register_types)
