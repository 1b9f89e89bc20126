/*
 * Monitor instances: creation from the command line, the chardev
 * frontend, and output that never blocks the main loop.
 *
 * Output is queued per monitor and written as far as the backend takes it;
 * the rest waits for a write watch.  A peer that sends but does not read
 * cannot make the queue grow without bound: past MONITOR_OUTBUF_HIGH
 * pending bytes QMP stops reading input (monitor_output_congested) until
 * the peer has taken its answers, as QEMU suspends a busy monitor.
 */
#include "core/osdep.h"
#include "core/option.h"
#include "monitor/monitor-internal.h"

#include <dirent.h>


static GPtrArray *monitors;            /* Monitor*, in creation order */
static const MonitorVMOps *vm_ops;
static char *guest_name;

GPtrArray *monitor_list(void)
{
    if (!monitors) {
        monitors = g_ptr_array_new();
    }
    return monitors;
}

void monitor_set_vm_ops(const MonitorVMOps *ops)
{
    vm_ops = ops;
}

const MonitorVMOps *monitor_vm_ops(void)
{
    return vm_ops;
}

void monitor_set_guest_name(const char *name)
{
    g_free(guest_name);
    guest_name = g_strdup(name);
}

const char *monitor_guest_name(void)
{
    return guest_name;
}

/* ------------------------------------------------------------ output */

static void monitor_flush(Monitor *mon);

static void monitor_writable(void *opaque)
{
    Monitor *mon = opaque;

    mon->watch_pending = false;
    monitor_flush(mon);
    if (!monitor_output_congested(mon)) {
        /* QMP stopped reading while its answers piled up: read again. */
        qemu_chr_fe_accept_input(&mon->chr);
    }
}

bool monitor_output_congested(Monitor *mon)
{
    return mon->outbuf->len - mon->outbuf_pos > MONITOR_OUTBUF_HIGH;
}

static void monitor_flush(Monitor *mon)
{
    while (mon->outbuf_pos < mon->outbuf->len) {
        size_t left = mon->outbuf->len - mon->outbuf_pos;
        int n = qemu_chr_fe_write(&mon->chr,
                                  (const uint8_t *)mon->outbuf->str + mon->outbuf_pos,
                                  (int)MIN(left, (size_t)INT_MAX));

        if (n > 0) {
            mon->outbuf_pos += n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            break;              /* the backend failed for good: nobody will read it */
        }
        if (!mon->watch_pending) {
            if (qemu_chr_fe_add_write_watch(&mon->chr, monitor_writable, mon)) {
                mon->watch_pending = true;
            } else {
                /* A backend that never blocks but took nothing: write it all. */
                qemu_chr_fe_write_all(&mon->chr,
                                      (const uint8_t *)mon->outbuf->str + mon->outbuf_pos,
                                      (int)left);
                break;
            }
        }
        /* Drop what was written, so the buffer holds only what is pending. */
        if (mon->outbuf_pos > 64 * KiB) {
            g_string_erase(mon->outbuf, 0, mon->outbuf_pos);
            mon->outbuf_pos = 0;
        }
        return;
    }
    g_string_truncate(mon->outbuf, 0);
    mon->outbuf_pos = 0;
}

void monitor_puts(Monitor *mon, const char *str)
{
    GString *dst = mon->capture ? mon->capture : mon->outbuf;

    for (const char *p = str; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(dst, '\r');
        }
        g_string_append_c(dst, *p);
    }
    if (!mon->capture && !mon->watch_pending) {
        monitor_flush(mon);
    }
}

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    monitor_puts(mon, s);
    g_free(s);
}

/* ------------------------------------------------------ life cycle */

static Monitor *monitor_alloc(bool is_qmp)
{
    Monitor *mon = g_new0(Monitor, 1);

    mon->is_qmp = is_qmp;
    mon->outbuf = g_string_new(NULL);
    mon->line = g_string_new(NULL);
    return mon;
}

Monitor *monitor_new_capture(void)
{
    Monitor *mon = monitor_alloc(false);

    mon->capture = g_string_new(NULL);
    return mon;
}

void monitor_free(Monitor *mon)
{
    if (!mon) {
        return;
    }
    if (mon->attached) {
        if (mon->outbuf_pos < mon->outbuf->len) {
            /*
             * Exiting: one more non-blocking try, so the last answers (quit's)
             * reach a reading peer; one that does not read cannot hold us up.
             */
            qemu_chr_fe_write(&mon->chr, (const uint8_t *)mon->outbuf->str + mon->outbuf_pos,
                              (int)(mon->outbuf->len - mon->outbuf_pos));
        }
        if (mon->watch_pending) {
            qemu_chr_fe_add_write_watch(&mon->chr, NULL, NULL);
        }
        qemu_chr_fe_deinit(&mon->chr, false);
    }
    if (monitors) {
        g_ptr_array_remove(monitors, mon);
    }
    json_stream_free(mon->parser);
    g_string_free(mon->outbuf, true);
    g_string_free(mon->line, true);
    if (mon->history) {
        g_ptr_array_unref(mon->history);
    }
    if (mon->capture) {
        g_string_free(mon->capture, true);
    }
    g_free(mon);
}

static Monitor *monitor_attach(Monitor *mon, Chardev *chr, Error **errp)
{
    if (!chr) {
        error_setg(errp, "a monitor needs a chardev");
        monitor_free(mon);
        return NULL;
    }
    if (!qemu_chr_fe_init(&mon->chr, chr, errp)) {
        monitor_free(mon);
        return NULL;
    }
    mon->attached = true;
    g_ptr_array_add(monitor_list(), mon);
    if (mon->is_qmp) {
        qmp_monitor_setup(mon);
    } else {
        hmp_monitor_setup(mon);
    }
    return mon;
}

Monitor *monitor_init_qmp(Chardev *chr, bool pretty, Error **errp)
{
    Monitor *mon = monitor_alloc(true);

    mon->pretty = pretty;
    return monitor_attach(mon, chr, errp);
}

Monitor *monitor_init_hmp(Chardev *chr, Error **errp)
{
    return monitor_attach(monitor_alloc(false), chr, errp);
}

void monitor_cleanup(void)
{
    while (monitors && monitors->len) {
        monitor_free(g_ptr_array_index(monitors, monitors->len - 1));
    }
    if (monitors) {
        g_ptr_array_unref(monitors);
        monitors = NULL;
    }
    g_free(guest_name);
    guest_name = NULL;
}

/* ----------------------------------------------------- command line */

/* Chardev labels QEMU uses for -qmp / -monitor: compat_monitor0, 1, ... */
static char *monitor_label(void)
{
    static unsigned count;

    return g_strdup_printf("compat_monitor%u", count++);
}

static bool monitor_add_spec(const char *spec, bool qmp, bool pretty, Error **errp)
{
    char *label;
    Chardev *chr;
    Error *err = NULL;

    if (!strcmp(spec, "none")) {
        return true;
    }
    label = monitor_label();
    chr = qemu_chr_new(label, spec, &err);
    g_free(label);
    if (!chr) {
        if (!err) {
            error_setg(&err, "'%s' is not a valid char driver", spec);
        }
        error_propagate(errp, err);
        return false;
    }
    return (qmp ? monitor_init_qmp(chr, pretty, errp) : monitor_init_hmp(chr, errp)) != NULL;
}

bool monitor_add_qmp_spec(const char *spec, bool pretty, Error **errp)
{
    return monitor_add_spec(spec, true, pretty, errp);
}

bool monitor_add_hmp_spec(const char *spec, Error **errp)
{
    return monitor_add_spec(spec, false, false, errp);
}

static const OptDesc mon_desc[] = {
    { "chardev", OPT_STRING, "the chardev to serve", NULL },
    { "mode", OPT_STRING, "readline (HMP) or control (QMP)", "readline" },
    { "pretty", OPT_BOOL, "QMP: indent the JSON output", "off" },
    { NULL },
};
static const OptsList mon_opts = { "mon", "chardev", false, mon_desc };

bool monitor_add_mon_opts(const char *optstr, Error **errp)
{
    Opts *o = opts_parse(&mon_opts, optstr, errp);
    const char *id, *mode;
    bool pretty, ok = false;
    Error *err = NULL;
    Chardev *chr;

    if (!o) {
        return false;
    }
    id = opts_get(o, "chardev");
    mode = opts_get(o, "mode");
    pretty = opts_get_bool(o, "pretty", false, &err);
    if (err) {
        error_propagate(errp, err);
        goto out;
    }
    if (!id) {
        error_setg(errp, "Parameter 'chardev' is missing");
        goto out;
    }
    chr = qemu_chr_find(id);
    if (!chr) {
        error_setg(errp, "chardev \"%s\" not found", id);
        goto out;
    }
    if (!mode || !strcmp(mode, "readline")) {
        if (pretty) {
            error_setg(errp, "'pretty' is not compatible with HMP monitors");
            goto out;
        }
        ok = monitor_init_hmp(chr, errp) != NULL;
    } else if (!strcmp(mode, "control")) {
        ok = monitor_init_qmp(chr, pretty, errp) != NULL;
    } else {
        error_setg(errp, "Parameter 'mode' does not accept value '%s'", mode);
    }
out:
    opts_free(o);
    return ok;
}

/* ------------------------------------------------------------- misc */

long monitor_thread_id(const char *name)
{
    DIR *dir = opendir("/proc/self/task");
    struct dirent *de;
    long found = -1;

    if (!dir) {
        return -1;
    }
    /* Linux keeps 15 bytes of a thread's name (TASK_COMM_LEN - 1). */
    while (found < 0 && (de = readdir(dir))) {
        char path[300], comm[32] = "";
        FILE *f;

        if (de->d_name[0] == '.') {
            continue;
        }
        snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
        f = fopen(path, "r");
        if (!f) {
            continue;
        }
        if (fgets(comm, sizeof(comm), f)) {
            comm[strcspn(comm, "\n")] = '\0';
            if (!strncmp(comm, name, 15) && (strlen(name) >= 15 || !strcmp(comm, name))) {
                found = strtol(de->d_name, NULL, 10);
            }
        }
        fclose(f);
    }
    closedir(dir);
    return found;
}
