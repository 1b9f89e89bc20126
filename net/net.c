/*
 * The network client layer (see net/net.h): clients, peers, frame delivery
 * with flow control, link state, MAC addresses, the netdev registry and
 * `info network`.
 */
#include "net/net.h"
#include "net/hub.h"

static GList *clients;           /* NetClientState *, creation order */

typedef struct NetBackend {
    const char *type;
    NetClientDriver driver;
    const OptDesc *desc;
    NetInitFunc *init;
} NetBackend;

static GPtrArray *backends;      /* NetBackend * */

static const char *const driver_names[NET_CLIENT_DRIVER_MAX] = {
    [NET_CLIENT_DRIVER_NONE] = "none",
    [NET_CLIENT_DRIVER_NIC] = "nic",
    [NET_CLIENT_DRIVER_USER] = "user",
    [NET_CLIENT_DRIVER_TAP] = "tap",
    [NET_CLIENT_DRIVER_SOCKET] = "socket",
    [NET_CLIENT_DRIVER_HUBPORT] = "hubport",
};

const char *net_client_driver_name(NetClientDriver type)
{
    return type < NET_CLIENT_DRIVER_MAX ? driver_names[type] : "?";
}

GList *net_clients(void)
{
    return clients;
}

/* ------------------------------------------------------------ clients */

static bool client_can_receive(NetClientState *nc)
{
    if (nc->receive_disabled) {
        return false;
    }
    return !nc->info->can_receive || nc->info->can_receive(nc);
}

/* The incoming queue's delivery: opaque is the receiving client. */
static ssize_t client_deliver(NetClientState *sender, const uint8_t *buf, size_t size,
                              void *opaque)
{
    NetClientState *nc = opaque;
    ssize_t ret;

    /* A cable pulled at this end swallows frames, as real hardware would. */
    if (nc->link_down) {
        return size;
    }
    if (!client_can_receive(nc)) {
        return 0;
    }
    ret = nc->info->receive(nc, buf, size);
    if (ret == 0) {
        nc->receive_disabled = true;
    }
    return ret;
}

/* "model.N": the first free index among clients of the same model. */
static char *assign_name(const char *model)
{
    for (unsigned n = 0;; n++) {
        char *name = g_strdup_printf("%s.%u", model, n);
        bool used = false;

        for (GList *l = clients; l; l = l->next) {
            NetClientState *c = l->data;

            if (!strcmp(c->name, name)) {
                used = true;
                break;
            }
        }
        if (!used) {
            return name;
        }
        g_free(name);
    }
}

NetClientState *qemu_new_net_client(const NetClientInfo *info, NetClientState *peer,
                                    const char *model, const char *name)
{
    NetClientState *nc;

    g_assert(info->size >= sizeof(NetClientState));
    nc = g_malloc0(info->size);
    nc->info = info;
    nc->model = g_strdup(model);
    nc->name = name ? g_strdup(name) : assign_name(model);
    nc->incoming_queue = qemu_new_net_queue(client_deliver, nc);
    nc->rxfilter_notify_enabled = true;
    if (peer) {
        g_assert(!peer->peer);
        nc->peer = peer;
        peer->peer = nc;
    }
    clients = g_list_append(clients, nc);
    return nc;
}

NetClientState *qemu_new_nic(const NetClientInfo *info, NetClientState *peer,
                             const char *model, const char *name, void *opaque)
{
    NetClientState *nc = qemu_new_net_client(info, peer, model, name);

    nc->nic_opaque = opaque;
    return nc;
}

void qemu_format_nic_info_str(NetClientState *nc, const MACAddr *mac)
{
    char buf[18];

    net_format_macaddr(mac, buf);
    snprintf(nc->info_str, sizeof(nc->info_str), "model=%s,macaddr=%s", nc->model, buf);
}

void qemu_del_net_client(NetClientState *nc)
{
    NetClientState *peer;

    if (!nc) {
        return;
    }
    peer = nc->peer;
    /*
     * Unpeer first: the sent callbacks below may send again, and those
     * frames must be dropped, not queued on a client about to go.
     */
    if (peer) {
        peer->peer = NULL;
        nc->peer = NULL;
    }
    /* The peer may be waiting for frames it sent us to be taken: let it go on. */
    qemu_net_queue_purge(nc->incoming_queue, NULL);
    if (peer) {
        qemu_net_queue_purge(peer->incoming_queue, nc);
        /* A NIC whose backend went away sees its link go down. */
        if (peer->info->type == NET_CLIENT_DRIVER_NIC && !peer->link_down) {
            peer->link_down = true;
            if (peer->info->link_status_changed) {
                peer->info->link_status_changed(peer);
            }
        }
    }
    clients = g_list_remove(clients, nc);
    if (nc->info->cleanup) {
        nc->info->cleanup(nc);
    }
    qemu_del_net_queue(nc->incoming_queue);
    g_free(nc->model);
    g_free(nc->name);
    g_free(nc->qom_path);
    g_free(nc);
}

void net_cleanup(void)
{
    while (clients) {
        qemu_del_net_client(clients->data);
    }
}

void net_exit(void)
{
    GList *l = clients;

    while (l) {
        NetClientState *nc = l->data;

        /* Deleting may unlink others (nothing but nc itself today): restart. */
        if (nc->info->type != NET_CLIENT_DRIVER_NIC) {
            qemu_del_net_client(nc);
            l = clients;
            continue;
        }
        l = l->next;
    }
}

NetClientState *qemu_find_netdev(const char *id)
{
    for (GList *l = clients; l; l = l->next) {
        NetClientState *nc = l->data;

        if (nc->is_netdev && !strcmp(nc->name, id)) {
            return nc;
        }
    }
    return NULL;
}

/* --------------------------------------------------------------- frames */

bool qemu_can_send_packet(NetClientState *nc)
{
    NetClientState *peer = nc->peer;

    if (!peer) {
        return true;
    }
    return peer->link_down || client_can_receive(peer);
}

ssize_t qemu_send_packet_async(NetClientState *nc, const uint8_t *buf, size_t size,
                               NetPacketSent *sent_cb)
{
    NetClientState *peer = nc->peer;

    /* No cable, or a cable pulled at either end: the frame is lost. */
    if (nc->link_down || !peer || peer->link_down || !size) {
        return size;
    }
    return qemu_net_queue_send(peer->incoming_queue, nc, client_can_receive(peer), buf,
                               size, sent_cb);
}

void qemu_send_packet(NetClientState *nc, const uint8_t *buf, size_t size)
{
    qemu_send_packet_async(nc, buf, size, NULL);
}

bool qemu_flush_queued_packets(NetClientState *nc)
{
    nc->receive_disabled = false;
    return qemu_net_queue_flush(nc->incoming_queue);
}

void qemu_purge_queued_packets(NetClientState *nc)
{
    if (nc->peer) {
        qemu_net_queue_purge(nc->peer->incoming_queue, nc);
    }
}

static void (*rx_filter_changed_hook)(NetClientState *nc);

void net_set_rx_filter_changed_hook(void (*hook)(NetClientState *nc))
{
    rx_filter_changed_hook = hook;
}

void qemu_notify_rx_filter_changed(NetClientState *nc)
{
    if (nc->rxfilter_notify_enabled && rx_filter_changed_hook) {
        rx_filter_changed_hook(nc);
        nc->rxfilter_notify_enabled = false;
    }
}

bool qemu_query_rx_filter(NetClientState *nc, NetRxFilterInfo *info, Error **errp)
{
    if (nc->info->type != NET_CLIENT_DRIVER_NIC) {
        error_setg(errp, "net client(%s) isn't a NIC", nc->name);
        return false;
    }
    if (!nc->info->query_rx_filter) {
        error_setg(errp, "net client(%s) doesn't support rx-filter querying", nc->name);
        return false;
    }
    memset(info, 0, sizeof(*info));
    nc->info->query_rx_filter(nc, info);
    /* Asking re-arms the event. */
    nc->rxfilter_notify_enabled = true;
    return true;
}

static NetClientState *find_client(const char *name)
{
    for (GList *l = clients; l; l = l->next) {
        NetClientState *nc = l->data;

        if (!strcmp(nc->name, name)) {
            return nc;
        }
    }
    return NULL;
}

NetClientState *qemu_find_net_client(const char *name)
{
    return find_client(name);
}

static void set_link_one(NetClientState *nc, bool down)
{
    if (nc->link_down == down) {
        return;
    }
    nc->link_down = down;
    if (nc->info->link_status_changed) {
        nc->info->link_status_changed(nc);
    }
    if (!down) {
        /* Frames that waited for the link are deliverable again. */
        qemu_flush_queued_packets(nc);
    }
}

bool qemu_set_link(const char *name, bool up, Error **errp)
{
    NetClientState *nc = find_client(name);

    if (!nc) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found", name);
        return false;
    }
    /*
     * As QEMU does: a NIC's link follows set_link on it; set_link on a
     * netdev also moves the NIC in front of it, so the guest sees it.
     */
    set_link_one(nc, !up);
    if (nc->peer && nc->info->type != NET_CLIENT_DRIVER_NIC &&
        nc->peer->info->type == NET_CLIENT_DRIVER_NIC) {
        set_link_one(nc->peer, !up);
    }
    return true;
}

/* ---------------------------------------------------------------- MACs */

bool net_parse_macaddr(const char *str, MACAddr *mac, Error **errp)
{
    const char *p = str;

    for (int i = 0; i < 6; i++) {
        int hi, lo;

        if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1])) {
            goto bad;
        }
        hi = g_ascii_xdigit_value(p[0]);
        lo = g_ascii_xdigit_value(p[1]);
        mac->a[i] = (uint8_t)(hi << 4 | lo);
        p += 2;
        if (i < 5) {
            if (*p != ':' && *p != '-') {
                goto bad;
            }
            p++;
        }
    }
    if (*p == '\0') {
        return true;
    }
bad:
    error_setg(errp, "invalid MAC address '%s' (expected six hex pairs, e.g. "
               "52:54:00:12:34:56)", str);
    return false;
}

void net_format_macaddr(const MACAddr *mac, char out[18])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac->a[0], mac->a[1], mac->a[2],
             mac->a[3], mac->a[4], mac->a[5]);
}

void qemu_macaddr_default_if_unset(MACAddr *mac)
{
    static const MACAddr zero;
    static unsigned index;

    if (memcmp(mac, &zero, sizeof(zero))) {
        return;
    }
    /* QEMU's locally administered prefix 52:54:00 and the 12:34:56 base. */
    mac->a[0] = 0x52;
    mac->a[1] = 0x54;
    mac->a[2] = 0x00;
    mac->a[3] = 0x12;
    mac->a[4] = 0x34;
    mac->a[5] = (uint8_t)(0x56 + index++);
}

/* ------------------------------------------------------------- netdevs */

void net_register_backend(const char *type, NetClientDriver driver, const OptDesc *desc,
                          NetInitFunc *init)
{
    NetBackend *b = g_new0(NetBackend, 1);

    if (!backends) {
        backends = g_ptr_array_new();
    }
    b->type = type;
    b->driver = driver;
    b->desc = desc;
    b->init = init;
    g_ptr_array_add(backends, b);
}

static const NetBackend *find_backend(const char *type)
{
    for (guint i = 0; backends && i < backends->len; i++) {
        const NetBackend *b = g_ptr_array_index(backends, i);

        if (!strcmp(b->type, type)) {
            return b;
        }
    }
    return NULL;
}

void netdev_print_types(FILE *f)
{
    fprintf(f, "Available netdev backend types:\n");
    for (guint i = 0; backends && i < backends->len; i++) {
        const NetBackend *b = g_ptr_array_index(backends, i);

        fprintf(f, "%s\n", b->type);
    }
}

NetClientState *netdev_add_opts(Opts *opts, Error **errp)
{
    const char *type = opts_get(opts, "type");
    const char *id = opts->id;
    const NetBackend *b;

    if (!type || !*type) {
        error_setg(errp, "Parameter 'type' is missing");
        return NULL;
    }
    b = find_backend(type);
    if (!b) {
        error_setg(errp, "Parameter 'type' expects a netdev backend type "
                   "(unknown type '%s')", type);
        return NULL;
    }
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return NULL;
    }
    if (qemu_find_netdev(id) || find_client(id)) {
        error_setg(errp, "Duplicate ID '%s' for netdev", id);
        return NULL;
    }
    for (guint i = 0; i < opts->opts->len; i++) {
        const Opt *o = g_ptr_array_index(opts->opts, i);
        bool known = !strcmp(o->name, "type");

        for (const OptDesc *d = b->desc; !known && d && d->name; d++) {
            known = !strcmp(d->name, o->name);
        }
        if (!known) {
            error_setg(errp, "Invalid parameter '%s' for netdev type '%s'", o->name, type);
            return NULL;
        }
    }
    if (!b->init(opts, id, errp)) {
        return NULL;
    }
    return qemu_find_netdev(id);
}

NetClientState *netdev_add_str(const char *str, Error **errp)
{
    static const OptDesc any[] = { { NULL } };
    static const OptsList netdev_list = { "netdev", "type", false, any };
    Opts *o = opts_parse(&netdev_list, str, errp);
    NetClientState *nc;

    if (!o) {
        return NULL;
    }
    nc = netdev_add_opts(o, errp);
    opts_free(o);
    return nc;
}

bool netdev_del(const char *id, Error **errp)
{
    NetClientState *nc = qemu_find_netdev(id);

    if (!nc) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found", id);
        return false;
    }
    qemu_del_net_client(nc);
    return true;
}

NetClientState *netdev_claim(const char *id, const char *who, Error **errp)
{
    NetClientState *nc = qemu_find_netdev(id);

    if (!nc) {
        error_setg(errp, "Property '%s.netdev' can't find value '%s'", who, id);
        return NULL;
    }
    if (nc->peer) {
        error_setg(errp, "Property '%s.netdev' can't take value '%s', it's in use",
                   who, id);
        return NULL;
    }
    return nc;
}

/* ------------------------------------------------------------------ info */

static void print_client(GString *s, NetClientState *nc)
{
    /* QEMU prints the queue index: 0 for every single-queue client. */
    g_string_append_printf(s, "%s: index=0,type=%s,%s", nc->name,
                           net_client_driver_name(nc->info->type), nc->info_str);
    g_string_append_c(s, '\n');
}

char *net_info_network(void)
{
    GString *s = g_string_new(NULL);

    net_hub_info(s, print_client);
    for (GList *l = clients; l; l = l->next) {
        NetClientState *nc = l->data;
        bool nic = nc->info->type == NET_CLIENT_DRIVER_NIC;

        /* Printed with their hub. */
        if (net_hub_id_for_client(nc, NULL)) {
            continue;
        }

        /* A netdev in front of a NIC is printed under it. */
        if (!nc->peer || nic) {
            print_client(s, nc);
        }
        if (nc->peer && nic) {
            g_string_append(s, " \\ ");
            print_client(s, nc->peer);
        }
    }
    return g_string_free(s, false);
}

/* ------------------------------------------------------------- checksum */

uint32_t net_checksum_add(const uint8_t *buf, size_t len, uint32_t sum)
{
    size_t i;

    /* RFC 1071: big-endian 16-bit words, an odd byte padded with zero. */
    for (i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t)buf[i] << 8 | buf[i + 1];
    }
    if (i < len) {
        sum += (uint32_t)buf[i] << 8;
    }
    return sum;
}

uint16_t net_checksum_finish(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}
