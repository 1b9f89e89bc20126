/*
 * HMP block commands over the QMP handlers: info block, info blockstats,
 * eject, change.  The text is QEMU 7.2's layout, so scripts that scrape
 * it keep working.
 */
#include "core/osdep.h"
#include "monitor/hmp.h"

static json_object *member(json_object *o, const char *name)
{
    json_object *v = NULL;

    json_object_object_get_ex(o, name, &v);
    return v;
}

static const char *str_of(json_object *o, const char *name)
{
    json_object *v = member(o, name);

    return v ? json_object_get_string(v) : NULL;
}

static bool bool_of(json_object *o, const char *name)
{
    json_object *v = member(o, name);

    return v && json_object_get_boolean(v);
}

/*
 * "d0 (#block109): disk.img (raw)" then indented details; a blank line
 * between drives.  An anonymous backend shows its node name.
 */
static void print_block_info(Monitor *mon, json_object *info)
{
    json_object *ins = member(info, "inserted");
    const char *device = str_of(info, "device");

    if (device && *device) {
        monitor_printf(mon, "%s", device);
        if (ins && str_of(ins, "node-name")) {
            monitor_printf(mon, " (%s)", str_of(ins, "node-name"));
        }
    } else {
        const char *node = ins ? str_of(ins, "node-name") : NULL;

        monitor_puts(mon, node ? node : "");
    }
    if (ins) {
        monitor_printf(mon, ": %s (%s%s%s)\n", str_of(ins, "file"), str_of(ins, "drv"),
                       bool_of(ins, "ro") ? ", read-only" : "",
                       bool_of(ins, "encrypted") ? ", encrypted" : "");
    } else {
        monitor_printf(mon, ": [not inserted]\n");
    }
    if (str_of(info, "qdev")) {
        monitor_printf(mon, "    Attached to:      %s\n", str_of(info, "qdev"));
    }
    if (bool_of(info, "removable")) {
        monitor_printf(mon, "    Removable device: %slocked, tray %s\n",
                       bool_of(info, "locked") ? "" : "not ",
                       bool_of(info, "tray_open") ? "open" : "closed");
    }
    if (ins) {
        json_object *cache = member(ins, "cache");

        monitor_printf(mon, "    Cache mode:       %s%s%s\n",
                       bool_of(cache, "writeback") ? "writeback" : "writethrough",
                       bool_of(cache, "direct") ? ", direct" : "",
                       bool_of(cache, "no-flush") ? ", ignore flushes" : "");
    }
}

void hmp_info_block(Monitor *mon, const char *args)
{
    const char *want = hmp_skip_ws(args);
    bool ok, first = true;
    json_object *r = hmp_qmp(mon, "query-block", NULL, &ok);

    for (size_t i = 0; ok && i < json_object_array_length(r); i++) {
        json_object *info = json_object_array_get_idx(r, i);

        if (*want && strcmp(want, str_of(info, "device"))) {
            continue;
        }
        if (!first) {
            monitor_printf(mon, "\n");
        }
        first = false;
        print_block_info(mon, info);
    }
    json_object_put(r);
}

void hmp_info_blockstats(Monitor *mon, const char *args)
{
    bool ok;
    json_object *r = hmp_qmp(mon, "query-blockstats", NULL, &ok);

    for (size_t i = 0; ok && i < json_object_array_length(r); i++) {
        json_object *s = json_object_array_get_idx(r, i);
        json_object *st = member(s, "stats");
        json_object *idle = member(st, "idle_time_ns");

#define N(k) json_object_get_int64(member(st, k))
        monitor_printf(mon, "%s: rd_bytes=%" PRId64 " wr_bytes=%" PRId64
                       " rd_operations=%" PRId64 " wr_operations=%" PRId64
                       " flush_operations=%" PRId64 " wr_total_time_ns=%" PRId64
                       " rd_total_time_ns=%" PRId64 " flush_total_time_ns=%" PRId64
                       " rd_merged=%" PRId64 " wr_merged=%" PRId64
                       " idle_time_ns=%" PRId64 "\n",
                       str_of(s, "device") ? str_of(s, "device") : "",
                       N("rd_bytes"), N("wr_bytes"), N("rd_operations"), N("wr_operations"),
                       N("flush_operations"), N("wr_total_time_ns"), N("rd_total_time_ns"),
                       N("flush_total_time_ns"), N("rd_merged"), N("wr_merged"),
                       idle ? json_object_get_int64(idle) : 0);
#undef N
    }
    json_object_put(r);
}

/* The words of args, with a "-f" flag taken out wherever it stands. */
static GPtrArray *split_args(const char *args, bool *force)
{
    GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
    char **v = g_strsplit_set(hmp_skip_ws(args), " \t", -1);

    *force = false;
    for (char **w = v; *w; w++) {
        if (!**w) {
            continue;
        } else if (!strcmp(*w, "-f")) {
            *force = true;
        } else {
            g_ptr_array_add(words, g_strdup(*w));
        }
    }
    g_strfreev(v);
    return words;
}

void hmp_eject(Monitor *mon, const char *args)
{
    bool force, ok;
    GPtrArray *w = split_args(args, &force);

    if (w->len != 1) {
        monitor_printf(mon, "usage: eject [-f] device\n");
    } else {
        json_object *q = json_object_new_object();

        json_object_object_add(q, "device", json_object_new_string(w->pdata[0]));
        json_object_object_add(q, "force", json_object_new_boolean(force));
        json_object_put(hmp_qmp(mon, "eject", q, &ok));
    }
    g_ptr_array_free(w, true);
}

void hmp_change(Monitor *mon, const char *args)
{
    bool force, ok;
    GPtrArray *w = split_args(args, &force);

    if (w->len < 2 || w->len > 4) {
        monitor_printf(mon, "usage: change device [-f] filename [format [read-only-mode]]\n");
    } else {
        json_object *q = json_object_new_object();

        json_object_object_add(q, "device", json_object_new_string(w->pdata[0]));
        json_object_object_add(q, "filename", json_object_new_string(w->pdata[1]));
        if (w->len > 2) {
            json_object_object_add(q, "format", json_object_new_string(w->pdata[2]));
        }
        if (w->len > 3) {
            json_object_object_add(q, "read-only-mode", json_object_new_string(w->pdata[3]));
        }
        json_object_object_add(q, "force", json_object_new_boolean(force));
        json_object_put(hmp_qmp(mon, "blockdev-change-medium", q, &ok));
    }
    g_ptr_array_free(w, true);
}
