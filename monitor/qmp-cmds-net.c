/*
 * Networking in the monitor, with QEMU's names and errors: QMP netdev_add,
 * netdev_del, set_link; HMP info network, netdev_add, netdev_del, set_link.
 */
#include "core/osdep.h"
#include "monitor/hmp.h"
#include "monitor/monitor-internal.h"
#include "monitor/monitor.h"
#include "net/net.h"

/* A JSON value as an option string ("on"/"off" for booleans). */
static char *json_to_opt(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_boolean:
        return g_strdup(json_object_get_boolean(v) ? "on" : "off");
    case json_type_string:
        return g_strdup(json_object_get_string(v));
    default:
        return g_strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
    }
}

static void append_kv(GString *s, const char *key, const char *val)
{
    g_string_append_printf(s, ",%s=", key);
    for (const char *p = val; *p; p++) {
        if (*p == ',') {
            g_string_append_c(s, ',');     /* ",," is a literal comma */
        }
        g_string_append_c(s, *p);
    }
}

/*
 * {"type": "user", "id": "n1", "hostfwd": [{"str": "tcp::2222-:22"}], ...}:
 * QEMU's schema has lists of {"str": ...} for repeatable keys.
 */
QMP_HANDLER(qmp_netdev_add)
{
    GString *s = g_string_new(NULL);
    NetClientState *nc;

    json_object_object_foreach(args, key, val) {
        if (!strcmp(key, "type") || !strcmp(key, "id")) {
            continue;
        }
        if (json_object_get_type(val) == json_type_array) {
            for (size_t i = 0; i < json_object_array_length(val); i++) {
                json_object *e = json_object_array_get_idx(val, i);
                json_object *str = NULL;
                char *v;

                if (json_object_is_type(e, json_type_object)) {
                    json_object_object_get_ex(e, "str", &str);
                    e = str;
                }
                v = e ? json_to_opt(e) : g_strdup("");
                append_kv(s, key, v);
                g_free(v);
            }
            continue;
        }
        {
            char *v = json_to_opt(val);

            append_kv(s, key, v);
            g_free(v);
        }
    }
    g_string_prepend(s, json_object_get_string(json_object_object_get(args, "id")));
    g_string_prepend(s, ",id=");
    g_string_prepend(s, json_object_get_string(json_object_object_get(args, "type")));
    nc = netdev_add_str(s->str, errp);
    g_string_free(s, true);
    (void)nc;
    return NULL;
}

QMP_HANDLER(qmp_netdev_del)
{
    netdev_del(json_object_get_string(json_object_object_get(args, "id")), errp);
    return NULL;
}

QMP_HANDLER(qmp_set_link)
{
    qemu_set_link(json_object_get_string(json_object_object_get(args, "name")),
                  json_object_get_boolean(json_object_object_get(args, "up")), errp);
    return NULL;
}

static const char *rx_state_name(NetRxState st)
{
    return st == NET_RX_STATE_ALL ? "all" : st == NET_RX_STATE_NONE ? "none" : "normal";
}

static json_object *mac_table_json(const MACAddr *t, unsigned n)
{
    json_object *a = json_object_new_array();

    for (unsigned i = 0; i < n; i++) {
        char buf[18];

        net_format_macaddr(&t[i], buf);
        json_object_array_add(a, json_object_new_string(buf));
    }
    return a;
}

static json_object *rx_filter_json(NetClientState *nc, const NetRxFilterInfo *f)
{
    json_object *o = json_object_new_object();
    char mac[18];

    net_format_macaddr(&f->main_mac, mac);
    json_object_object_add(o, "name", json_object_new_string(nc->name));
    json_object_object_add(o, "promiscuous", json_object_new_boolean(f->promiscuous));
    json_object_object_add(o, "multicast", json_object_new_string(rx_state_name(f->multicast)));
    json_object_object_add(o, "unicast", json_object_new_string(rx_state_name(f->unicast)));
    json_object_object_add(o, "vlan", json_object_new_string(rx_state_name(f->vlan)));
    json_object_object_add(o, "broadcast-allowed",
                           json_object_new_boolean(f->broadcast_allowed));
    json_object_object_add(o, "multicast-overflow",
                           json_object_new_boolean(f->multicast_overflow));
    json_object_object_add(o, "unicast-overflow",
                           json_object_new_boolean(f->unicast_overflow));
    json_object_object_add(o, "main-mac", json_object_new_string(mac));
    json_object_object_add(o, "vlan-table", json_object_new_array());
    json_object_object_add(o, "unicast-table", mac_table_json(f->unicast_table, f->n_unicast));
    json_object_object_add(o, "multicast-table",
                           mac_table_json(f->multicast_table, f->n_multicast));
    return o;
}

/* query-rx-filter [name]: every NIC's receive filter, or the named one's. */
QMP_HANDLER(qmp_query_rx_filter)
{
    json_object *jname = json_object_object_get(args, "name");
    const char *name = jname ? json_object_get_string(jname) : NULL;
    json_object *list = json_object_new_array();
    NetRxFilterInfo *f = g_new(NetRxFilterInfo, 1);

    if (name) {
        NetClientState *nc = qemu_find_net_client(name);

        if (!nc) {
            error_setg(errp, "invalid net client name: %s", name);
        } else if (qemu_query_rx_filter(nc, f, errp)) {
            json_object_array_add(list, rx_filter_json(nc, f));
        }
    } else {
        for (GList *l = net_clients(); l; l = l->next) {
            NetClientState *nc = l->data;

            if (nc->info->type == NET_CLIENT_DRIVER_NIC && nc->info->query_rx_filter &&
                qemu_query_rx_filter(nc, f, NULL)) {
                json_object_array_add(list, rx_filter_json(nc, f));
            }
        }
    }
    g_free(f);
    if (errp && *errp) {
        json_object_put(list);
        return NULL;
    }
    return list;
}

/* NIC_RX_FILTER_CHANGED {name (the NIC's id), path}. */
static void rx_filter_changed(NetClientState *nc)
{
    json_object *data = json_object_new_object();

    json_object_object_add(data, "name", json_object_new_string(nc->name));
    json_object_object_add(data, "path", json_object_new_string(nc->qom_path ? nc->qom_path
                                                                             : ""));
    monitor_event_emit("NIC_RX_FILTER_CHANGED", data);
}

static void __attribute__((constructor)) net_events_init(void)
{
    net_set_rx_filter_changed_hook(rx_filter_changed);
}

/* ----------------------------------------------------------------- HMP */

void hmp_info_network(Monitor *mon, const char *args)
{
    char *text = net_info_network();

    monitor_printf(mon, "%s", text);
    g_free(text);
}

void hmp_netdev_add(Monitor *mon, const char *args)
{
    Error *err = NULL;

    netdev_add_str(hmp_skip_ws(args), &err);
    hmp_report(mon, err);
}

void hmp_netdev_del(Monitor *mon, const char *args)
{
    Error *err = NULL;

    netdev_del(hmp_skip_ws(args), &err);
    hmp_report(mon, err);
}

/* set_link NAME on|off */
void hmp_set_link(Monitor *mon, const char *args)
{
    char **w = g_strsplit_set(hmp_skip_ws(args), " \t", -1);
    GPtrArray *words = g_ptr_array_new();
    Error *err = NULL;

    for (char **p = w; *p; p++) {
        if (**p) {
            g_ptr_array_add(words, *p);
        }
    }
    if (words->len != 2 || (strcmp(g_ptr_array_index(words, 1), "on") &&
                            strcmp(g_ptr_array_index(words, 1), "off"))) {
        error_setg(&err, "usage: set_link name on|off");
    } else {
        qemu_set_link(g_ptr_array_index(words, 0),
                      !strcmp(g_ptr_array_index(words, 1), "on"), &err);
    }
    hmp_report(mon, err);
    g_ptr_array_free(words, true);
    g_strfreev(w);
}
