/*
 * HMP commands: text in, text out, over the QMP handlers.  The layouts are
 * QEMU 7.2's ("VM status: paused (prelaunch)", "* CPU #0: thread_id=N").
 */
#include "core/osdep.h"
#include "core/log.h"
#include "core/option.h"
#include "accel/tcg/cpu.h"
#include "hw/core/qdev.h"
#include "memory/memory.h"
#include "monitor/hmp.h"

/* Text written to a FILE* by other layers (qdev_print_tree, dump_state). */
static void print_stream(Monitor *mon, void (*fn)(FILE *f, void *opaque), void *opaque)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);

    if (!f) {
        monitor_printf(mon, "Error: out of memory\n");
        return;
    }
    fn(f, opaque);
    fclose(f);
    monitor_puts(mon, buf);
    free(buf);
}

static json_object *member(json_object *o, const char *name)
{
    json_object *v = NULL;

    json_object_object_get_ex(o, name, &v);
    return v;
}

/* --------------------------------------------------------- run state */

static void simple(Monitor *mon, const char *cmd)
{
    bool ok;

    json_object_put(hmp_qmp(mon, cmd, NULL, &ok));
}

void hmp_stop(Monitor *mon, const char *args)
{
    simple(mon, "stop");
}

void hmp_cont(Monitor *mon, const char *args)
{
    simple(mon, "cont");
}

void hmp_quit(Monitor *mon, const char *args)
{
    simple(mon, "quit");
}

void hmp_system_reset(Monitor *mon, const char *args)
{
    simple(mon, "system_reset");
}

void hmp_system_powerdown(Monitor *mon, const char *args)
{
    simple(mon, "system_powerdown");
}

void hmp_info_status(Monitor *mon, const char *args)
{
    bool ok;
    json_object *r = hmp_qmp(mon, "query-status", NULL, &ok);
    const char *status;

    if (!ok) {
        return;
    }
    status = json_object_get_string(member(r, "status"));
    if (json_object_get_boolean(member(r, "running"))) {
        monitor_printf(mon, "VM status: running\n");
    } else if (!strcmp(status, "paused")) {
        monitor_printf(mon, "VM status: paused\n");
    } else {
        monitor_printf(mon, "VM status: paused (%s)\n", status);
    }
    json_object_put(r);
}

void hmp_info_version(Monitor *mon, const char *args)
{
    bool ok;
    json_object *r = hmp_qmp(mon, "query-version", NULL, &ok);
    json_object *q = member(r, "qemu");

    if (ok) {
        monitor_printf(mon, "%d.%d.%d (%s)\n", json_object_get_int(member(q, "major")),
                       json_object_get_int(member(q, "minor")),
                       json_object_get_int(member(q, "micro")),
                       json_object_get_string(member(r, "package")));
    }
    json_object_put(r);
}

void hmp_info_name(Monitor *mon, const char *args)
{
    bool ok;
    json_object *r = hmp_qmp(mon, "query-name", NULL, &ok);

    if (ok && member(r, "name")) {
        monitor_printf(mon, "%s\n", json_object_get_string(member(r, "name")));
    }
    json_object_put(r);
}

void hmp_info_uuid(Monitor *mon, const char *args)
{
    bool ok;
    json_object *r = hmp_qmp(mon, "query-uuid", NULL, &ok);

    if (ok) {
        monitor_printf(mon, "%s\n", json_object_get_string(member(r, "UUID")));
    }
    json_object_put(r);
}

void hmp_info_cpus(Monitor *mon, const char *args)
{
    bool ok;
    json_object *r = hmp_qmp(mon, "query-cpus-fast", NULL, &ok);

    for (size_t i = 0; ok && i < json_object_array_length(r); i++) {
        json_object *c = json_object_array_get_idx(r, i);
        int idx = json_object_get_int(member(c, "cpu-index"));

        monitor_printf(mon, "%c CPU #%d:", idx == mon->cpu_index ? '*' : ' ', idx);
        if (member(c, "thread-id")) {
            monitor_printf(mon, " thread_id=%" PRId64,
                           json_object_get_int64(member(c, "thread-id")));
        }
        monitor_printf(mon, "\n");
    }
    json_object_put(r);
}

void hmp_info_chardev(Monitor *mon, const char *args)
{
    bool ok;
    json_object *r = hmp_qmp(mon, "query-chardev", NULL, &ok);

    for (size_t i = 0; ok && i < json_object_array_length(r); i++) {
        json_object *c = json_object_array_get_idx(r, i);

        monitor_printf(mon, "%s: filename=%s\n", json_object_get_string(member(c, "label")),
                       json_object_get_string(member(c, "filename")));
    }
    json_object_put(r);
}

void hmp_info_kvm(Monitor *mon, const char *args)
{
    bool ok;
    json_object *r = hmp_qmp(mon, "query-kvm", NULL, &ok);

    if (ok) {
        monitor_printf(mon, "kvm support: ");
        if (json_object_get_boolean(member(r, "present"))) {
            monitor_printf(mon, "%s\n", json_object_get_boolean(member(r, "enabled"))
                                            ? "enabled" : "disabled");
        } else {
            monitor_printf(mon, "not compiled\n");
        }
    }
    json_object_put(r);
}

void hmp_info_iothreads(Monitor *mon, const char *args)
{
    bool ok;
    json_object *r = hmp_qmp(mon, "query-iothreads", NULL, &ok);

    for (size_t i = 0; ok && i < json_object_array_length(r); i++) {
        json_object *t = json_object_array_get_idx(r, i);

        monitor_printf(mon, "%s:\n", json_object_get_string(member(t, "id")));
        if (member(t, "thread-id")) {
            monitor_printf(mon, "  thread_id=%" PRId64 "\n",
                           json_object_get_int64(member(t, "thread-id")));
        }
    }
    json_object_put(r);
}

/* ----------------------------------------------------- machine views */

void hmp_info_mtree(Monitor *mon, const char *args)
{
    const char *a = hmp_skip_ws(args);
    GString *out = g_string_new(NULL);
    bool flat = false;

    if (!strncmp(a, "-f", 2) && (a[2] == '\0' || a[2] == ' ')) {
        flat = true;
        a = hmp_skip_ws(a + 2);
    }
    if (*a) {
        monitor_printf(mon, "info mtree: unexpected argument '%s'\n", a);
    } else {
        mtree_info(out, flat);
        monitor_puts(mon, out->str);
    }
    g_string_free(out, true);
}

static void qtree_to(FILE *f, void *opaque)
{
    qdev_print_tree(f);
}

void hmp_info_qtree(Monitor *mon, const char *args)
{
    print_stream(mon, qtree_to, NULL);
}

static MonitorDumpState *target_dump_state;

void monitor_register_dump_state(MonitorDumpState *fn)
{
    target_dump_state = fn;
}

static void registers_to(FILE *f, void *opaque)
{
    CPUState *cpu = opaque;

    cpu->tcg_ops->dump_state(cpu, f);
}

CPUState *hmp_current_cpu(Monitor *mon);

CPUState *hmp_current_cpu(Monitor *mon)
{
    CPUState *cpu = cpu_by_index(mon->cpu_index);

    return cpu ? cpu : first_cpu;
}

void hmp_info_registers(Monitor *mon, const char *args)
{
    CPUState *cpu = hmp_current_cpu(mon);

    if (!cpu) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    if (cpu->tcg_ops && cpu->tcg_ops->dump_state) {
        print_stream(mon, registers_to, cpu);
    } else if (target_dump_state) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        Error *err = NULL;
        bool ok;

        if (!f) {
            monitor_printf(mon, "Error: out of memory\n");
            return;
        }
        ok = target_dump_state(cpu, f, &err);
        fclose(f);
        if (ok) {
            monitor_puts(mon, buf);
        } else {
            hmp_report(mon, err);
        }
        free(buf);
    } else {
        monitor_printf(mon, "CPU #%d cannot show its registers\n", cpu->cpu_index);
    }
}

static MonitorInfoMem *target_info_mem;

void monitor_register_info_mem(MonitorInfoMem *fn)
{
    target_info_mem = fn;
}

void hmp_info_mem(Monitor *mon, const char *args)
{
    CPUState *cpu = hmp_current_cpu(mon);
    GString *out;
    Error *err = NULL;

    if (!cpu) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    if (!target_info_mem) {
        monitor_printf(mon, "info mem is not available for this target\n");
        return;
    }
    out = g_string_new(NULL);
    if (target_info_mem(cpu, out, &err)) {
        monitor_puts(mon, out->str);
    } else {
        hmp_report(mon, err);
    }
    g_string_free(out, true);
}

void hmp_info_qom_tree(Monitor *mon, const char *args)
{
    const char *path = hmp_skip_ws(args);
    GString *out = g_string_new(NULL);
    Error *err = NULL;

    if (qom_tree_info(out, *path ? path : NULL, &err)) {
        monitor_puts(mon, out->str);
    } else {
        hmp_report(mon, err);
    }
    g_string_free(out, true);
}

void hmp_cpu(Monitor *mon, const char *args)
{
    uint64_t idx;
    Error *err = NULL;

    if (!hmp_eval(hmp_skip_ws(args), &idx, &err)) {
        hmp_report(mon, err);
        return;
    }
    if (idx > INT_MAX || !cpu_by_index((int)idx)) {
        monitor_printf(mon, "invalid CPU index\n");
        return;
    }
    mon->cpu_index = (int)idx;
}

/* ----------------------------------------------------------- devices */

static const OptDesc any_desc[] = { { NULL } };
static const OptsList device_opts = { "device", "driver", false, any_desc };

/*
 * HMP "NAME key=val,..." commands that forward an option string to a QMP
 * command taking the same keys (device_add, object_add).
 */
static void hmp_opts_to_qmp(Monitor *mon, const OptsList *list, const char *args,
                            const char *qmp_cmd)
{
    Error *err = NULL;
    Opts *o = opts_parse(list, hmp_skip_ws(args), &err);
    json_object *qargs;
    bool ok;

    if (!o) {
        hmp_report(mon, err);
        return;
    }
    qargs = json_object_new_object();
    for (guint i = 0; i < o->opts->len; i++) {
        Opt *opt = g_ptr_array_index(o->opts, i);

        json_object_object_add(qargs, opt->name, json_object_new_string(opt->str));
    }
    if (o->id) {
        json_object_object_add(qargs, "id", json_object_new_string(o->id));
    }
    opts_free(o);
    json_object_put(hmp_qmp(mon, qmp_cmd, qargs, &ok));
}

/* HMP "NAME ID" commands that forward to a QMP command taking {"id": ID}. */
static void hmp_id_to_qmp(Monitor *mon, const char *args, const char *qmp_cmd)
{
    json_object *qargs = json_object_new_object();
    bool ok;

    json_object_object_add(qargs, "id", json_object_new_string(hmp_skip_ws(args)));
    json_object_put(hmp_qmp(mon, qmp_cmd, qargs, &ok));
}

void hmp_device_add(Monitor *mon, const char *args)
{
    hmp_opts_to_qmp(mon, &device_opts, args, "device_add");
}

void hmp_device_del(Monitor *mon, const char *args)
{
    hmp_id_to_qmp(mon, args, "device_del");
}

/* ------------------------------------------------------------ QOM */

static char *next_word(const char **p)
{
    const char *s = hmp_skip_ws(*p);
    size_t n = strcspn(s, " \t");

    *p = s + n;
    return n ? g_strndup(s, n) : NULL;
}

void hmp_qom_list(Monitor *mon, const char *args)
{
    json_object *qargs = json_object_new_object(), *r;
    const char *path = hmp_skip_ws(args);
    bool ok;

    json_object_object_add(qargs, "path", json_object_new_string(*path ? path : "/"));
    r = hmp_qmp(mon, "qom-list", qargs, &ok);
    for (size_t i = 0; ok && i < json_object_array_length(r); i++) {
        json_object *p = json_object_array_get_idx(r, i);

        monitor_printf(mon, "%s (%s)\n", json_object_get_string(member(p, "name")),
                       json_object_get_string(member(p, "type")));
    }
    json_object_put(r);
}

void hmp_qom_get(Monitor *mon, const char *args)
{
    const char *p = args;
    char *path = next_word(&p), *prop = next_word(&p);
    json_object *qargs, *r;
    bool ok;

    if (!path || !prop) {
        monitor_printf(mon, "usage: qom-get path property\n");
    } else {
        qargs = json_object_new_object();
        json_object_object_add(qargs, "path", json_object_new_string(path));
        json_object_object_add(qargs, "property", json_object_new_string(prop));
        r = hmp_qmp(mon, "qom-get", qargs, &ok);
        if (ok) {
            char *s = qjson_to_string(r, false);

            monitor_printf(mon, "%s\n", s);
            g_free(s);
        }
        json_object_put(r);
    }
    g_free(path);
    g_free(prop);
}

void hmp_qom_set(Monitor *mon, const char *args)
{
    const char *p = args;
    char *path = next_word(&p), *prop = next_word(&p);
    const char *value = hmp_skip_ws(p);
    json_object *qargs, *v;
    bool ok;

    if (!path || !prop || !*value) {
        monitor_printf(mon, "usage: qom-set path property value\n");
    } else {
        /* HMP values are text: a JSON literal if it is one, else a string. */
        v = json_tokener_parse(value);
        if (!v && strcmp(value, "null")) {
            v = json_object_new_string(value);
        }
        qargs = json_object_new_object();
        json_object_object_add(qargs, "path", json_object_new_string(path));
        json_object_object_add(qargs, "property", json_object_new_string(prop));
        json_object_object_add(qargs, "value", v);
        json_object_put(hmp_qmp(mon, "qom-set", qargs, &ok));
    }
    g_free(path);
    g_free(prop);
}

/* ------------------------------------------------------------ logging */

static void log_help_to(FILE *f, void *opaque)
{
    qemu_log_print_help(f);
}

void hmp_log(Monitor *mon, const char *args)
{
    const char *items = hmp_skip_ws(args);
    unsigned mask = 0;
    Error *err = NULL;

    if (!*items) {
        monitor_printf(mon, "usage: log item1[,...] (log none turns logging off)\n");
        return;
    }
    if (!strcmp(items, "none")) {
        machina_loglevel = 0;
        return;
    }
    if (!qemu_log_parse_items(items, &mask, &err)) {
        error_free(err);
        print_stream(mon, log_help_to, NULL);
        return;
    }
    machina_loglevel = mask;
}

void hmp_logfile(Monitor *mon, const char *args)
{
    const char *path = hmp_skip_ws(args);
    Error *err = NULL;

    if (!*path) {
        monitor_printf(mon, "usage: logfile filename\n");
        return;
    }
    qemu_log_set_file(path, &err);
    hmp_report(mon, err);
}

/* ----------------------------------------------------------- chardevs */

void hmp_ringbuf_write(Monitor *mon, const char *args)
{
    const char *p = args;
    char *dev = next_word(&p);
    const char *data = hmp_skip_ws(p);
    json_object *qargs;
    bool ok;

    if (!dev) {
        monitor_printf(mon, "usage: ringbuf_write device data\n");
        return;
    }
    qargs = json_object_new_object();
    json_object_object_add(qargs, "device", json_object_new_string(dev));
    json_object_object_add(qargs, "data", json_object_new_string(data));
    json_object_put(hmp_qmp(mon, "ringbuf-write", qargs, &ok));
    g_free(dev);
}

void hmp_ringbuf_read(Monitor *mon, const char *args)
{
    const char *p = args;
    char *dev = next_word(&p), *size = next_word(&p);
    json_object *qargs, *r;
    uint64_t n;
    Error *err = NULL;
    bool ok;

    if (!dev || !size) {
        monitor_printf(mon, "usage: ringbuf_read device size\n");
    } else if (!hmp_eval(size, &n, &err)) {
        hmp_report(mon, err);
    } else {
        qargs = json_object_new_object();
        json_object_object_add(qargs, "device", json_object_new_string(dev));
        json_object_object_add(qargs, "size", json_object_new_int64((int64_t)n));
        r = hmp_qmp(mon, "ringbuf-read", qargs, &ok);
        if (ok) {
            /* As QEMU: printable text as is, other bytes as \xNN. */
            for (const char *c = json_object_get_string(r); *c; c++) {
                if ((unsigned char)*c < 0x20 && *c != '\n') {
                    monitor_printf(mon, "\\x%02x", (unsigned char)*c);
                } else {
                    monitor_printf(mon, "%c", *c);
                }
            }
            monitor_printf(mon, "\n");
        }
        json_object_put(r);
    }
    g_free(dev);
    g_free(size);
}

void hmp_chardev_remove(Monitor *mon, const char *args)
{
    hmp_id_to_qmp(mon, args, "chardev-remove");
}

/* ------------------------------------------------------- user objects */

static const OptsList object_opts = { "object", "qom-type", false, any_desc };

void hmp_object_add(Monitor *mon, const char *args)
{
    hmp_opts_to_qmp(mon, &object_opts, args, "object-add");
}

void hmp_object_del(Monitor *mon, const char *args)
{
    hmp_id_to_qmp(mon, args, "object-del");
}

/* ------------------------------------------------- balloon, network */

void hmp_info_balloon(Monitor *mon, const char *args)
{
    bool ok;
    json_object *r = hmp_qmp(mon, "query-balloon", NULL, &ok);

    if (ok) {
        /* QEMU prints MiB. */
        monitor_printf(mon, "balloon: actual=%" PRId64 "\n",
                       json_object_get_int64(member(r, "actual")) >> 20);
    }
    json_object_put(r);
}

