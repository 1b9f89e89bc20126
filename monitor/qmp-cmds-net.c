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
