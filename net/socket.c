/*
 * -netdev socket: the virtual wire is a host socket, so two emulators (this
 * one or QEMU) can be joined without privileges.
 *
 *   listen=[host]:port      TCP, wait for one peer (again after it leaves)
 *   connect=host:port       TCP, to a listen= peer
 *   fd=N                    an inherited connected socket (stream or datagram)
 *   udp=host:port,localaddr=host:port   UDP, one datagram per frame
 *   mcast=group:port[,localaddr=addr]   a multicast group shared by many
 *
 * Streams carry QEMU's framing (net/stream-frame.h).  Flow control both
 * ways: while the NIC cannot take frames we stop reading the socket, and
 * while the socket's send buffer is full frames from the NIC wait in the
 * net layer (which pauses the NIC's transmit queue).
 */
#include "net/net.h"
#include "net/stream-frame.h"
#include "core/main-loop.h"

#include <glib-unix.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

typedef struct SocketState {
    NetClientState nc;
    int fd;                      /* the data socket, -1 while waiting */
    int listen_fd;
    bool dgram;
    struct sockaddr_in dgram_dst;
    bool read_paused;            /* the NIC has a frame of ours waiting */
    GByteArray *outbuf;          /* stream bytes the socket did not take yet */
    NetFrameReader *reader;
} SocketState;

static void socket_update_handlers(SocketState *s);

/* ------------------------------------------------------------- helpers */

static bool parse_host_port(const char *str, struct sockaddr_in *sa, bool host_optional,
                            Error **errp)
{
    const char *colon = strrchr(str, ':');
    char *host;
    uint64_t port;
    Error *err = NULL;

    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    if (!colon || !parse_uint64(colon + 1, &port, &err) || port > 65535) {
        error_free(err);
        error_setg(errp, "'%s' is not host:port", str);
        return false;
    }
    sa->sin_port = htons((uint16_t)port);
    host = g_strndup(str, colon - str);
    if (!*host) {
        if (!host_optional) {
            error_setg(errp, "'%s': host missing", str);
            g_free(host);
            return false;
        }
        sa->sin_addr.s_addr = htonl(INADDR_ANY);
    } else if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
        struct addrinfo hints = { .ai_family = AF_INET }, *res;

        if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res) {
            error_setg(errp, "host '%s' not found", host);
            g_free(host);
            return false;
        }
        sa->sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
        freeaddrinfo(res);
    }
    g_free(host);
    return true;
}

static char *addr_str(const struct sockaddr_in *sa)
{
    char buf[INET_ADDRSTRLEN];

    inet_ntop(AF_INET, &sa->sin_addr, buf, sizeof(buf));
    return g_strdup_printf("%s:%u", buf, ntohs(sa->sin_port));
}

/* ---------------------------------------------------------- data flow */

static void socket_frame_sent(NetClientState *nc, ssize_t ret)
{
    SocketState *s = container_of(nc, SocketState, nc);

    s->read_paused = false;
    socket_update_handlers(s);
}

static void socket_deliver(void *opaque, const uint8_t *frame, size_t len)
{
    SocketState *s = opaque;

    if (qemu_send_packet_async(&s->nc, frame, len, socket_frame_sent) == 0) {
        /* The NIC is full: read no more until it took this one. */
        s->read_paused = true;
    }
}

static void socket_disconnect(SocketState *s)
{
    event_loop_set_fd_handler(main_loop_get(), s->fd, NULL, NULL, NULL);
    close(s->fd);
    s->fd = -1;
    g_byte_array_set_size(s->outbuf, 0);
    net_frame_reader_init(s->reader);
    if (s->listen_fd >= 0) {
        snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: wait connection");
    }
    socket_update_handlers(s);
}

static void socket_readable(void *opaque)
{
    SocketState *s = opaque;
    uint8_t buf[NET_FRAME_MAX];
    ssize_t n;

    if (s->dgram) {
        n = recv(s->fd, buf, sizeof(buf), 0);
        if (n > 0) {
            socket_deliver(s, buf, n);
        }
        socket_update_handlers(s);
        return;
    }
    n = recv(s->fd, buf, sizeof(buf), 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        socket_disconnect(s);
        return;
    }
    if (!net_frame_reader_feed(s->reader, buf, n, socket_deliver, s, NULL)) {
        /* A bad length cannot be skipped: the peer is not speaking our framing. */
        socket_disconnect(s);
        return;
    }
    socket_update_handlers(s);
}

static void socket_writable(void *opaque)
{
    SocketState *s = opaque;
    ssize_t n = send(s->fd, s->outbuf->data, s->outbuf->len, MSG_NOSIGNAL);

    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) {
            socket_disconnect(s);
        }
        return;
    }
    g_byte_array_remove_range(s->outbuf, 0, n);
    socket_update_handlers(s);
    if (!s->outbuf->len) {
        /* Frames from the NIC that waited for room. */
        qemu_flush_queued_packets(&s->nc);
    }
}

static void socket_accept_ready(void *opaque)
{
    SocketState *s = opaque;
    struct sockaddr_in peer;
    socklen_t len = sizeof(peer);
    int fd = accept4(s->listen_fd, (struct sockaddr *)&peer, &len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    char *p;

    if (fd < 0) {
        return;
    }
    s->fd = fd;
    p = addr_str(&peer);
    snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: connection from %s", p);
    g_free(p);
    socket_update_handlers(s);
}

static void socket_update_handlers(SocketState *s)
{
    EventLoop *loop = main_loop_get();

    if (s->listen_fd >= 0) {
        /* One peer at a time, as QEMU: accept only while there is none. */
        event_loop_set_fd_handler(loop, s->listen_fd,
                                  s->fd < 0 ? socket_accept_ready : NULL, NULL, s);
    }
    if (s->fd >= 0) {
        event_loop_set_fd_handler(loop, s->fd, s->read_paused ? NULL : socket_readable,
                                  s->outbuf->len ? socket_writable : NULL, s);
    }
}

static ssize_t socket_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    SocketState *s = container_of(nc, SocketState, nc);
    uint8_t hdr[4];
    struct iovec iov[2];
    struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
    ssize_t n;
    size_t total = size + 4;

    if (s->fd < 0) {
        return size;            /* no peer: the frame is lost on the wire */
    }
    if (s->dgram) {
        /* Dropped when the socket is full: datagrams may be lost anyway. */
        sendto(s->fd, buf, size, MSG_NOSIGNAL, (struct sockaddr *)&s->dgram_dst,
               sizeof(s->dgram_dst));
        return size;
    }
    if (s->outbuf->len) {
        return 0;               /* wait for socket_writable's flush */
    }
    net_frame_header(hdr, (uint32_t)size);
    iov[0] = (struct iovec){ hdr, 4 };
    iov[1] = (struct iovec){ (void *)buf, size };
    n = sendmsg(s->fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) {
            socket_disconnect(s);
            return size;
        }
        n = 0;
    }
    if ((size_t)n < total) {
        if ((size_t)n < 4) {
            g_byte_array_append(s->outbuf, hdr + n, 4 - n);
            g_byte_array_append(s->outbuf, buf, size);
        } else {
            g_byte_array_append(s->outbuf, buf + (n - 4), total - n);
        }
        socket_update_handlers(s);
    }
    return size;
}

static void socket_cleanup(NetClientState *nc)
{
    SocketState *s = container_of(nc, SocketState, nc);
    EventLoop *loop = main_loop_get();

    if (s->fd >= 0) {
        event_loop_set_fd_handler(loop, s->fd, NULL, NULL, NULL);
        close(s->fd);
    }
    if (s->listen_fd >= 0) {
        event_loop_set_fd_handler(loop, s->listen_fd, NULL, NULL, NULL);
        close(s->listen_fd);
    }
    g_byte_array_unref(s->outbuf);
    g_free(s->reader);
}

static const NetClientInfo net_socket_info = {
    .type = NET_CLIENT_DRIVER_SOCKET,
    .size = sizeof(SocketState),
    .receive = socket_receive,
    .cleanup = socket_cleanup,
};

/* ------------------------------------------------------------- set-up */

static SocketState *socket_new(const char *id, int fd, int listen_fd, bool dgram)
{
    NetClientState *nc = qemu_new_net_client(&net_socket_info, NULL, "socket", id);
    SocketState *s = container_of(nc, SocketState, nc);

    nc->is_netdev = true;
    s->fd = fd;
    s->listen_fd = listen_fd;
    s->dgram = dgram;
    s->outbuf = g_byte_array_new();
    s->reader = g_new(NetFrameReader, 1);
    net_frame_reader_init(s->reader);
    return s;
}

static int tcp_listen(const struct sockaddr_in *sa, Error **errp)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;

    if (fd < 0) {
        error_setg_errno(errp, errno, "socket");
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 || listen(fd, 1) < 0) {
        char *a = addr_str(sa);

        error_setg_errno(errp, errno, "can't bind %s", a);
        g_free(a);
        close(fd);
        return -1;
    }
    return fd;
}

static int tcp_connect(const struct sockaddr_in *sa, Error **errp)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        error_setg_errno(errp, errno, "socket");
        return -1;
    }
    /* At start-up, as QEMU: the peer must be listening already. */
    if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
        char *a = addr_str(sa);

        error_setg_errno(errp, errno, "can't connect to %s", a);
        g_free(a);
        close(fd);
        return -1;
    }
    g_unix_set_fd_nonblocking(fd, true, NULL);
    return fd;
}

static int udp_socket(const struct sockaddr_in *local, bool reuse, Error **errp)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;

    if (fd < 0) {
        error_setg_errno(errp, errno, "socket");
        return -1;
    }
    if (reuse) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    }
    if (bind(fd, (const struct sockaddr *)local, sizeof(*local)) < 0) {
        char *a = addr_str(local);

        error_setg_errno(errp, errno, "can't bind %s", a);
        g_free(a);
        close(fd);
        return -1;
    }
    return fd;
}

static const OptDesc socket_desc[] = {
    { "listen", OPT_STRING, "[host]:port to wait on" },
    { "connect", OPT_STRING, "host:port to connect to" },
    { "fd", OPT_NUMBER, "an inherited connected socket" },
    { "udp", OPT_STRING, "host:port of the UDP peer" },
    { "mcast", OPT_STRING, "multicast group:port" },
    { "localaddr", OPT_STRING, "local address (udp: host:port; mcast: addr)" },
    { NULL },
};

static bool net_init_socket(Opts *opts, const char *id, Error **errp)
{
    const char *listen_s = opts_get(opts, "listen"), *connect_s = opts_get(opts, "connect");
    const char *udp_s = opts_get(opts, "udp"), *mcast_s = opts_get(opts, "mcast");
    const char *fd_s = opts_get(opts, "fd"), *local_s = opts_get(opts, "localaddr");
    struct sockaddr_in sa, local;
    SocketState *s;
    int modes = !!listen_s + !!connect_s + !!udp_s + !!mcast_s + !!fd_s;
    int fd;
    char *a;

    if (modes != 1) {
        error_setg(errp, "exactly one of listen=, connect=, udp= or mcast= (or fd=) "
                   "is required");
        return false;
    }
    if (local_s && !udp_s && !mcast_s) {
        error_setg(errp, "localaddr= is only valid with udp= or mcast=");
        return false;
    }
    if (fd_s) {
        uint64_t n;
        int type;
        socklen_t tl = sizeof(type);

        if (!parse_uint64(fd_s, &n, NULL) || n > INT_MAX ||
            getsockopt((int)n, SOL_SOCKET, SO_TYPE, &type, &tl) < 0) {
            error_setg(errp, "fd=%s is not a socket", fd_s);
            return false;
        }
        g_unix_set_fd_nonblocking((int)n, true, NULL);
        s = socket_new(id, (int)n, -1, type == SOCK_DGRAM);
        snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: fd=%d", (int)n);
        if (s->dgram) {
            socklen_t pl = sizeof(s->dgram_dst);

            getpeername((int)n, (struct sockaddr *)&s->dgram_dst, &pl);
        }
    } else if (listen_s) {
        if (!parse_host_port(listen_s, &sa, true, errp) || (fd = tcp_listen(&sa, errp)) < 0) {
            return false;
        }
        s = socket_new(id, -1, fd, false);
        snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: wait connection");
    } else if (connect_s) {
        if (!parse_host_port(connect_s, &sa, false, errp) ||
            (fd = tcp_connect(&sa, errp)) < 0) {
            return false;
        }
        s = socket_new(id, fd, -1, false);
        a = addr_str(&sa);
        snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: connect to %s", a);
        g_free(a);
    } else if (udp_s) {
        if (!local_s) {
            error_setg(errp, "udp= requires localaddr=");
            return false;
        }
        if (!parse_host_port(udp_s, &sa, false, errp) ||
            !parse_host_port(local_s, &local, true, errp) ||
            (fd = udp_socket(&local, false, errp)) < 0) {
            return false;
        }
        s = socket_new(id, fd, -1, true);
        s->dgram_dst = sa;
        a = addr_str(&sa);
        snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: udp=%s", a);
        g_free(a);
    } else {
        struct ip_mreq mreq;
        unsigned char loop = 1;

        if (!parse_host_port(mcast_s, &sa, false, errp)) {
            return false;
        }
        if (!IN_MULTICAST(ntohl(sa.sin_addr.s_addr))) {
            error_setg(errp, "mcast= address %s is not a multicast address", mcast_s);
            return false;
        }
        local = sa;
        if ((fd = udp_socket(&local, true, errp)) < 0) {
            return false;
        }
        mreq.imr_multiaddr = sa.sin_addr;
        mreq.imr_interface.s_addr = htonl(INADDR_ANY);
        if (local_s && inet_pton(AF_INET, local_s, &mreq.imr_interface) != 1) {
            error_setg(errp, "localaddr=%s is not an IPv4 address", local_s);
            close(fd);
            return false;
        }
        if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) < 0) {
            error_setg_errno(errp, errno, "can't join multicast group %s", mcast_s);
            close(fd);
            return false;
        }
        /* Every emulator on this host sees the others' frames (and its own). */
        setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop));
        if (local_s) {
            setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq.imr_interface,
                       sizeof(mreq.imr_interface));
        }
        s = socket_new(id, fd, -1, true);
        s->dgram_dst = sa;
        a = addr_str(&sa);
        snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: mcast=%s", a);
        g_free(a);
    }
    socket_update_handlers(s);
    return true;
}

static void __attribute__((constructor)) net_socket_register(void)
{
    net_register_backend("socket", NET_CLIENT_DRIVER_SOCKET, socket_desc, net_init_socket);
}
