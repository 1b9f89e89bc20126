/*
 * -netdev user: user-mode networking through libslirp (the library QEMU
 * uses), no privileges needed.  The guest sees a NAT router at 10.0.2.2 with
 * DHCP (first lease 10.0.2.15) and DNS (10.0.2.3); hostfwd= rules forward
 * host ports to guest ports, guestfwd= rules guest connections to a command.
 *
 * libslirp owns host sockets and asks, through slirp_pollfds_fill, which fds
 * it wants watched and for what; after each call into it we mirror that set
 * onto the main loop's epoll (one handler per fd, only the events asked
 * for), and when any of them fires we poll(2) the set without waiting to
 * hand libslirp the revents it expects.  Its TCP timers come back as the
 * fill timeout, and its own timers map to main-loop timers.
 */
#include "net/net.h"
#include "core/log.h"
#include "core/main-loop.h"

#include <poll.h>
#include <slirp/libslirp.h>

typedef struct SlirpState {
    NetClientState nc;
    Slirp *slirp;
    GHashTable *watched;         /* fd -> SLIRP_POLL_* events registered */
    GArray *pollfds;             /* struct pollfd of the last fill */
    QEMUTimer *poll_timer;       /* libslirp's TCP timers (fill timeout) */
    bool in_poll;
    char *hostname;
} SlirpState;

/* ------------------------------------------------------- libslirp side */

static ssize_t slirp_send_to_guest(const void *buf, size_t len, void *opaque)
{
    SlirpState *s = opaque;

    /* TCP retransmits what a full guest queue drops: no flow control here. */
    qemu_send_packet(&s->nc, buf, len);
    return len;
}

static void slirp_guest_error(const char *msg, void *opaque)
{
    qemu_log_mask(LOG_GUEST_ERROR, "slirp: %s\n", msg);
}

static int64_t slirp_clock_ns(void *opaque)
{
    /* Host time: connections to the outside keep their pace while paused. */
    return qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
}

typedef struct SlirpTimer {
    QEMUTimer *timer;
    SlirpTimerCb cb;
    void *cb_opaque;
    SlirpState *s;
} SlirpTimer;

static void slirp_refresh(SlirpState *s);

static void slirp_timer_fire(void *opaque)
{
    SlirpTimer *t = opaque;

    t->cb(t->cb_opaque);
    slirp_refresh(t->s);
}

static void *slirp_timer_new_cb(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    SlirpTimer *t = g_new0(SlirpTimer, 1);

    t->cb = cb;
    t->cb_opaque = cb_opaque;
    t->s = opaque;
    t->timer = timer_new_ms(QEMU_CLOCK_REALTIME, slirp_timer_fire, t);
    return t;
}

static void slirp_timer_free_cb(void *timer, void *opaque)
{
    SlirpTimer *t = timer;

    timer_free(t->timer);
    g_free(t);
}

static void slirp_timer_mod_cb(void *timer, int64_t expire_ms, void *opaque)
{
    SlirpTimer *t = timer;

    timer_mod(t->timer, expire_ms);
}

static void slirp_unwatch(SlirpState *s, int fd)
{
    if (g_hash_table_remove(s->watched, GINT_TO_POINTER(fd))) {
        event_loop_set_fd_handler(main_loop_get(), fd, NULL, NULL, NULL);
    }
}

static void slirp_register_fd(int fd, void *opaque)
{
}

/* Called before libslirp closes fd: the number may come back for another socket. */
static void slirp_unregister_fd(int fd, void *opaque)
{
    slirp_unwatch(opaque, fd);
}

static void slirp_notify_cb(void *opaque)
{
    slirp_refresh(opaque);
}

static const SlirpCb slirp_callbacks = {
    .send_packet = slirp_send_to_guest,
    .guest_error = slirp_guest_error,
    .clock_get_ns = slirp_clock_ns,
    .timer_new = slirp_timer_new_cb,
    .timer_free = slirp_timer_free_cb,
    .timer_mod = slirp_timer_mod_cb,
    .register_poll_fd = slirp_register_fd,
    .unregister_poll_fd = slirp_unregister_fd,
    .notify = slirp_notify_cb,
};

/* ------------------------------------------------------ the event loop */

static int slirp_add_poll(int fd, int events, void *opaque)
{
    SlirpState *s = opaque;
    struct pollfd p = { .fd = fd };

    if (events & SLIRP_POLL_IN) {
        p.events |= POLLIN;
    }
    if (events & SLIRP_POLL_OUT) {
        p.events |= POLLOUT;
    }
    if (events & SLIRP_POLL_PRI) {
        p.events |= POLLPRI;
    }
    g_array_append_val(s->pollfds, p);
    return (int)s->pollfds->len - 1;
}

static int slirp_get_revents(int idx, void *opaque)
{
    SlirpState *s = opaque;
    short r = g_array_index(s->pollfds, struct pollfd, idx).revents;
    int ev = 0;

    if (r & POLLIN) {
        ev |= SLIRP_POLL_IN;
    }
    if (r & POLLOUT) {
        ev |= SLIRP_POLL_OUT;
    }
    if (r & POLLPRI) {
        ev |= SLIRP_POLL_PRI;
    }
    if (r & POLLERR) {
        ev |= SLIRP_POLL_ERR;
    }
    if (r & POLLHUP) {
        ev |= SLIRP_POLL_HUP;
    }
    return ev;
}

/* One pass: what is ready now (no waiting) goes to libslirp. */
static void slirp_poll_now(SlirpState *s)
{
    int n;

    if (s->in_poll || !s->slirp) {
        return;
    }
    s->in_poll = true;
    n = poll((struct pollfd *)s->pollfds->data, s->pollfds->len, 0);
    /* Timers run even when nothing is ready (select_error only on failure). */
    slirp_pollfds_poll(s->slirp, n < 0, slirp_get_revents, s);
    s->in_poll = false;
    slirp_refresh(s);
}

static void slirp_fd_ready(void *opaque)
{
    slirp_poll_now(opaque);
}

static void slirp_poll_timer_cb(void *opaque)
{
    slirp_poll_now(opaque);
}

/* Mirror libslirp's wanted fds and events onto the main loop. */
static void slirp_refresh(SlirpState *s)
{
    EventLoop *loop = main_loop_get();
    uint32_t timeout = UINT32_MAX;
    GHashTable *seen;
    GHashTableIter it;
    gpointer key, value;

    if (s->in_poll || !s->slirp) {
        return;
    }
    g_array_set_size(s->pollfds, 0);
    slirp_pollfds_fill(s->slirp, &timeout, slirp_add_poll, s);

    seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < s->pollfds->len; i++) {
        struct pollfd *p = &g_array_index(s->pollfds, struct pollfd, i);
        int ev = GPOINTER_TO_INT(g_hash_table_lookup(seen, GINT_TO_POINTER(p->fd)));

        ev |= p->events;
        g_hash_table_insert(seen, GINT_TO_POINTER(p->fd), GINT_TO_POINTER(ev));
    }
    /* Drop fds libslirp no longer wants. */
    g_hash_table_iter_init(&it, s->watched);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        if (!g_hash_table_contains(seen, key)) {
            event_loop_set_fd_handler(loop, GPOINTER_TO_INT(key), NULL, NULL, NULL);
            g_hash_table_iter_remove(&it);
        }
    }
    g_hash_table_iter_init(&it, seen);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        int ev = GPOINTER_TO_INT(value);
        gpointer old;
        bool had = g_hash_table_lookup_extended(s->watched, key, NULL, &old);

        if (had && GPOINTER_TO_INT(old) == ev) {
            continue;
        }
        /* IN/PRI (and HUP/ERR, which epoll always reports) read; OUT writes. */
        event_loop_set_fd_handler(loop, GPOINTER_TO_INT(key),
                                  (ev & (POLLIN | POLLPRI)) ? slirp_fd_ready : NULL,
                                  (ev & POLLOUT) ? slirp_fd_ready : NULL, s);
        if (!(ev & (POLLIN | POLLPRI | POLLOUT))) {
            event_loop_set_fd_handler(loop, GPOINTER_TO_INT(key), NULL, NULL, NULL);
        }
        g_hash_table_insert(s->watched, key, value);
    }
    g_hash_table_unref(seen);

    if (timeout != UINT32_MAX) {
        timer_mod(s->poll_timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + timeout);
    } else {
        timer_del(s->poll_timer);
    }
}

/* ------------------------------------------------------ the net client */

static ssize_t net_slirp_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    SlirpState *s = container_of(nc, SlirpState, nc);

    slirp_input(s->slirp, buf, (int)size);
    slirp_refresh(s);
    return size;
}

static void net_slirp_cleanup(NetClientState *nc)
{
    SlirpState *s = container_of(nc, SlirpState, nc);
    GHashTableIter it;
    gpointer key;

    g_hash_table_iter_init(&it, s->watched);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        event_loop_set_fd_handler(main_loop_get(), GPOINTER_TO_INT(key), NULL, NULL, NULL);
    }
    g_hash_table_remove_all(s->watched);
    if (s->slirp) {
        slirp_cleanup(s->slirp);
        s->slirp = NULL;
    }
    timer_free(s->poll_timer);
    g_hash_table_unref(s->watched);
    g_array_free(s->pollfds, true);
    g_free(s->hostname);
}

static const NetClientInfo net_slirp_info = {
    .type = NET_CLIENT_DRIVER_USER,
    .size = sizeof(SlirpState),
    .receive = net_slirp_receive,
    .cleanup = net_slirp_cleanup,
};

/* ------------------------------------------------------------- options */

static bool parse_ip4(const char *str, struct in_addr *a)
{
    return inet_pton(AF_INET, str, a) == 1;
}

/*
 * hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport, the guest
 * address defaulting to the first DHCP lease.
 */
static bool add_hostfwd(SlirpState *s, const char *rule, struct in_addr dhcp_start,
                        Error **errp)
{
    char **sides = NULL, **h = NULL, **g = NULL;
    const char *p = rule;
    struct in_addr haddr = { .s_addr = INADDR_ANY }, gaddr = dhcp_start;
    uint64_t hport, gport;
    bool udp = false, ok = false;
    Error *err = NULL;
    const char *why = "";

    if (g_str_has_prefix(p, "tcp:")) {
        p += 4;
    } else if (g_str_has_prefix(p, "udp:")) {
        udp = true;
        p += 4;
    } else if (g_str_has_prefix(p, ":")) {
        p += 1;
    }
    sides = g_strsplit(p, "-", 2);
    if (g_strv_length(sides) != 2) {
        why = "expected [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport";
        goto out;
    }
    h = g_strsplit(sides[0], ":", 2);
    g = g_strsplit(sides[1], ":", 2);
    if (g_strv_length(h) != 2 || g_strv_length(g) != 2) {
        why = "expected [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport";
        goto out;
    }
    if (*h[0] && !parse_ip4(h[0], &haddr)) {
        why = "bad host address";
        goto out;
    }
    if (*g[0] && !parse_ip4(g[0], &gaddr)) {
        why = "bad guest address";
        goto out;
    }
    if (!parse_uint64(h[1], &hport, &err) || hport > 65535) {
        error_free(err);
        why = "bad host port";
        goto out;
    }
    if (!parse_uint64(g[1], &gport, &err) || gport < 1 || gport > 65535) {
        error_free(err);
        why = "bad guest port";
        goto out;
    }
    if (slirp_add_hostfwd(s->slirp, udp, haddr, (int)hport, gaddr, (int)gport) < 0) {
        error_setg(errp, "Could not set up host forwarding rule '%s': %s", rule,
                   g_strerror(errno));
        goto out_noerr;
    }
    ok = true;
out:
    if (!ok) {
        error_setg(errp, "Invalid host forwarding rule '%s' (%s)", rule, why);
    }
out_noerr:
    g_strfreev(sides);
    g_strfreev(h);
    g_strfreev(g);
    return ok;
}

/*
 * guestfwd=[tcp]:server:port-cmd:COMMAND: a guest connection to server:port
 * (an address in the guest network) talks to COMMAND's stdin/stdout.
 */
static bool add_guestfwd(SlirpState *s, const char *rule, Error **errp)
{
    const char *p = rule, *dash, *colon;
    char *addr = NULL;
    struct in_addr server;
    uint64_t port;
    bool ok = false;

    if (g_str_has_prefix(p, "tcp:")) {
        p += 4;
    } else if (*p == ':') {
        p++;
    }
    dash = strchr(p, '-');
    colon = dash ? memchr(p, ':', dash - p) : NULL;
    if (!dash || !colon) {
        error_setg(errp, "Invalid guest forwarding rule '%s' (expected "
                   "[tcp]:server:port-cmd:command)", rule);
        return false;
    }
    addr = g_strndup(p, colon - p);
    {
        char *port_s = g_strndup(colon + 1, dash - colon - 1);

        ok = parse_ip4(addr, &server) && parse_uint64(port_s, &port, NULL) && port >= 1 &&
             port <= 65535;
        g_free(port_s);
    }
    if (!ok) {
        error_setg(errp, "Invalid guest forwarding rule '%s' (bad server address or port)",
                   rule);
    } else if (!g_str_has_prefix(dash + 1, "cmd:")) {
        error_setg(errp, "Invalid guest forwarding rule '%s' (only cmd:COMMAND targets "
                   "are supported)", rule);
        ok = false;
    } else if (slirp_add_exec(s->slirp, dash + 5, &server, (int)port) < 0) {
        error_setg(errp, "Conflicting/invalid guest forwarding rule '%s'", rule);
        ok = false;
    }
    g_free(addr);
    return ok;
}

/* net=addr[/mask]: mask as a prefix length or a dotted quad. */
static bool parse_net(const char *str, struct in_addr *net, struct in_addr *mask,
                      Error **errp)
{
    char **parts = g_strsplit(str, "/", 2);
    bool ok = parse_ip4(parts[0], net);

    mask->s_addr = htonl(0xffffff00);
    if (ok && parts[1]) {
        uint64_t len;
        Error *err = NULL;

        if (strchr(parts[1], '.')) {
            ok = parse_ip4(parts[1], mask);
        } else if (parse_uint64(parts[1], &len, &err) && len >= 1 && len <= 30) {
            mask->s_addr = htonl(0xffffffffu << (32 - len));
        } else {
            error_free(err);
            ok = false;
        }
    }
    g_strfreev(parts);
    if (!ok) {
        error_setg(errp, "Parameter 'net' expects a network address (e.g. 10.0.2.0/24)");
        return false;
    }
    net->s_addr &= mask->s_addr;
    return true;
}

/* An address in the network, from an option or net + host part. */
static bool slirp_addr_opt(Opts *opts, const char *key, struct in_addr net,
                           struct in_addr mask, uint32_t host_part, struct in_addr *out,
                           Error **errp)
{
    const char *v = opts_get(opts, key);

    if (!v) {
        out->s_addr = net.s_addr | htonl(host_part);
        return true;
    }
    if (!parse_ip4(v, out)) {
        error_setg(errp, "Parameter '%s' expects an IPv4 address", key);
        return false;
    }
    if ((out->s_addr & mask.s_addr) != net.s_addr) {
        error_setg(errp, "Parameter '%s' (%s) is not in the guest network", key, v);
        return false;
    }
    return true;
}

static const OptDesc slirp_desc[] = {
    { "net", OPT_STRING, "guest network and mask (10.0.2.0/24)" },
    { "host", OPT_STRING, "the host's address in the guest network (10.0.2.2)" },
    { "dhcpstart", OPT_STRING, "first DHCP address (10.0.2.15)" },
    { "dns", OPT_STRING, "the DNS server's address (10.0.2.3)" },
    { "hostname", OPT_STRING, "host name the DHCP server gives the guest" },
    { "domainname", OPT_STRING, "domain name the DHCP server gives the guest" },
    { "restrict", OPT_BOOL, "on: isolate the guest from the host and outside" },
    { "ipv4", OPT_BOOL, "IPv4 (on)" },
    { "ipv6", OPT_BOOL, "IPv6 (on)" },
    { "hostfwd", OPT_STRING, "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport" },
    { "guestfwd", OPT_STRING, "[tcp]:server:port-cmd:command" },
    { "tftp", OPT_STRING, "directory served over TFTP" },
    { "bootfile", OPT_STRING, "BOOTP file name" },
    { NULL },
};

static bool net_init_slirp(Opts *opts, const char *id, Error **errp)
{
    SlirpConfig cfg = { .version = 1 };
    struct in_addr net = { .s_addr = htonl(0x0a000200) }, mask = { .s_addr = htonl(0xffffff00) };
    const char *v;
    SlirpState *s;
    NetClientState *nc;
    Error *err = NULL;
    bool restricted = opts_get_bool(opts, "restrict", false, &err);
    bool ipv4 = opts_get_bool(opts, "ipv4", true, &err);
    bool ipv6 = opts_get_bool(opts, "ipv6", true, &err);

    if (err) {
        error_propagate(errp, err);
        return false;
    }
    if (!ipv4 && !ipv6) {
        error_setg(errp, "IPv4 and IPv6 cannot both be disabled");
        return false;
    }
    v = opts_get(opts, "net");
    if (v && !parse_net(v, &net, &mask, errp)) {
        return false;
    }
    cfg.restricted = restricted;
    cfg.in_enabled = ipv4;
    cfg.vnetwork = net;
    cfg.vnetmask = mask;
    if (!slirp_addr_opt(opts, "host", net, mask, 2, &cfg.vhost, errp) ||
        !slirp_addr_opt(opts, "dhcpstart", net, mask, 15, &cfg.vdhcp_start, errp) ||
        !slirp_addr_opt(opts, "dns", net, mask, 3, &cfg.vnameserver, errp)) {
        return false;
    }
    if (cfg.vhost.s_addr == cfg.vnameserver.s_addr) {
        error_setg(errp, "Parameter 'dns' must differ from 'host'");
        return false;
    }
    /* QEMU's IPv6 defaults: prefix fec0::/64, host ::2, DNS ::3. */
    cfg.in6_enabled = ipv6;
    inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
    cfg.vprefix_len = 64;
    inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
    inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
    cfg.vhostname = opts_get(opts, "hostname");
    cfg.vdomainname = opts_get(opts, "domainname");
    cfg.tftp_path = opts_get(opts, "tftp");
    cfg.bootfile = opts_get(opts, "bootfile");

    nc = qemu_new_net_client(&net_slirp_info, NULL, "user", id);
    nc->is_netdev = true;
    s = container_of(nc, SlirpState, nc);
    s->watched = g_hash_table_new(g_direct_hash, g_direct_equal);
    s->pollfds = g_array_new(false, false, sizeof(struct pollfd));
    s->poll_timer = timer_new_ms(QEMU_CLOCK_REALTIME, slirp_poll_timer_cb, s);
    {
        char netbuf[INET_ADDRSTRLEN];

        inet_ntop(AF_INET, &net, netbuf, sizeof(netbuf));
        snprintf(nc->info_str, sizeof(nc->info_str), "net=%s,restrict=%s", netbuf,
                 restricted ? "on" : "off");
    }
    s->slirp = slirp_new(&cfg, &slirp_callbacks, s);
    if (!s->slirp) {
        error_setg(errp, "user networking: libslirp could not start");
        qemu_del_net_client(nc);
        return false;
    }
    for (guint i = 0; i < opts->opts->len; i++) {
        const Opt *o = g_ptr_array_index(opts->opts, i);

        if ((!strcmp(o->name, "hostfwd") && !add_hostfwd(s, o->str, cfg.vdhcp_start, errp)) ||
            (!strcmp(o->name, "guestfwd") && !add_guestfwd(s, o->str, errp))) {
            qemu_del_net_client(nc);
            return false;
        }
    }
    slirp_refresh(s);
    return true;
}

static void __attribute__((constructor)) net_slirp_register(void)
{
    net_register_backend("user", NET_CLIENT_DRIVER_USER, slirp_desc, net_init_slirp);
}
