/*
 * Hubs: a frame entering one port leaves through every other port, as on
 * an Ethernet hub.  The legacy -net options put all their cards and
 * backends on hub 0; -netdev hubport,id=ID,hubid=N[,netdev=ND] adds a port
 * by hand (optionally joined to the netdev ND).
 */
#include "net/hub.h"

typedef struct NetHub NetHub;

typedef struct NetHubPort {
    NetClientState nc;
    NetHub *hub;
} NetHubPort;

struct NetHub {
    int id;
    unsigned next_port;
    GList *ports;                /* NetHubPort * */
};

static GList *hubs;              /* NetHub *, by creation */

static NetHub *hub_find(int id, bool create)
{
    NetHub *h;

    for (GList *l = hubs; l; l = l->next) {
        h = l->data;
        if (h->id == id) {
            return h;
        }
    }
    if (!create) {
        return NULL;
    }
    h = g_new0(NetHub, 1);
    h->id = id;
    hubs = g_list_append(hubs, h);
    return h;
}

static ssize_t hub_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    NetHubPort *src = container_of(nc, NetHubPort, nc);

    for (GList *l = src->hub->ports; l; l = l->next) {
        NetHubPort *p = l->data;

        if (p != src) {
            qemu_send_packet(&p->nc, buf, size);
        }
    }
    return size;
}

/* A frame waits unless every other port's far end can take it. */
static bool hub_can_receive(NetClientState *nc)
{
    NetHubPort *src = container_of(nc, NetHubPort, nc);

    for (GList *l = src->hub->ports; l; l = l->next) {
        NetHubPort *p = l->data;

        if (p != src && !qemu_can_send_packet(&p->nc)) {
            return false;
        }
    }
    return true;
}

static void hub_cleanup(NetClientState *nc)
{
    NetHubPort *port = container_of(nc, NetHubPort, nc);

    port->hub->ports = g_list_remove(port->hub->ports, port);
}

static const NetClientInfo hub_port_info = {
    .type = NET_CLIENT_DRIVER_HUBPORT,
    .size = sizeof(NetHubPort),
    .receive = hub_receive,
    .can_receive = hub_can_receive,
    .cleanup = hub_cleanup,
};

NetClientState *net_hub_add_port(int hub_id, const char *name, NetClientState *peer)
{
    NetHub *hub = hub_find(hub_id, true);
    char *def = NULL;
    NetClientState *nc;
    NetHubPort *port;

    if (!name) {
        def = g_strdup_printf("hub%dport%u", hub_id, hub->next_port);
        name = def;
    }
    hub->next_port++;
    nc = qemu_new_net_client(&hub_port_info, peer, "hub", name);
    port = container_of(nc, NetHubPort, nc);
    port->hub = hub;
    hub->ports = g_list_append(hub->ports, port);
    snprintf(nc->info_str, sizeof(nc->info_str), "hub %d", hub_id);
    g_free(def);
    return nc;
}

bool net_hub_id_for_client(NetClientState *nc, int *id)
{
    NetClientState *port = NULL;

    if (nc->info == &hub_port_info) {
        port = nc;
    } else if (nc->peer && nc->peer->info == &hub_port_info) {
        port = nc->peer;
    }
    if (!port) {
        return false;
    }
    if (id) {
        *id = container_of(port, NetHubPort, nc)->hub->id;
    }
    return true;
}

void net_hub_info(GString *s, void (*print)(GString *s, NetClientState *nc))
{
    for (GList *l = hubs; l; l = l->next) {
        NetHub *hub = l->data;

        if (!hub->ports) {
            continue;
        }
        g_string_append_printf(s, "hub %d\n", hub->id);
        for (GList *p = hub->ports; p; p = p->next) {
            NetHubPort *port = p->data;

            g_string_append_printf(s, " \\ %s", port->nc.name);
            if (port->nc.peer) {
                g_string_append(s, ": ");
                print(s, port->nc.peer);
            } else {
                g_string_append_c(s, '\n');
            }
        }
    }
}

static const OptDesc hubport_desc[] = {
    { "hubid", OPT_NUMBER, "the hub's number" },
    { "netdev", OPT_STRING, "a netdev to join to this port" },
    { NULL },
};

static bool net_init_hubport(Opts *opts, const char *id, Error **errp)
{
    const char *hubid = opts_get(opts, "hubid");
    const char *nd = opts_get(opts, "netdev");
    NetClientState *peer = NULL, *nc;
    uint64_t n;

    if (!hubid) {
        error_setg(errp, "Parameter 'hubid' is missing");
        return false;
    }
    if (!parse_uint64(hubid, &n, NULL) || n > INT32_MAX) {
        error_setg(errp, "Parameter 'hubid' expects a number");
        return false;
    }
    if (nd) {
        peer = netdev_claim(nd, "hubport", errp);
        if (!peer) {
            return false;
        }
    }
    nc = net_hub_add_port((int)n, id, peer);
    nc->is_netdev = true;
    return true;
}

static void __attribute__((constructor)) net_hub_register(void)
{
    net_register_backend("hubport", NET_CLIENT_DRIVER_HUBPORT, hubport_desc,
                         net_init_hubport);
}
