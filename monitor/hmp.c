/*
 * HMP, the human monitor: a line editor on the chardev, a command table,
 * and the session around it (banner, "(qemu) " prompt, mux focus).
 *
 * Commands are thin: they parse their text arguments and call the QMP
 * handlers (qmp_dispatch), printing the result or "Error: ...".  Only
 * commands that are text by nature (info mtree, x/xp, print, log) do their
 * own work, in hmp-cmds.c.
 *
 * The prompt keeps QEMU's "(qemu) " because expect-style scripts written
 * for QEMU wait for exactly that; the banner names Machina.
 */
#include "core/osdep.h"
#include "monitor/hmp.h"

#define HMP_PROMPT "(qemu) "
#define HMP_LINE_MAX 4096

/* ------------------------------------------------------------ table */

static void hmp_help(Monitor *mon, const char *args);
static void hmp_info(Monitor *mon, const char *args);
static void hmp_info_history(Monitor *mon, const char *args);
static void hmp_prompt(Monitor *mon);

static const HmpCommand hmp_commands[] = {
    { "help|?", "[cmd]", "show the help", hmp_help },
    { "info", "[subcommand]", "show various information about the system state",
      hmp_info },
    { "stop", "", "stop emulation", hmp_stop },
    { "cont|c", "", "resume emulation", hmp_cont },
    { "quit|q", "", "quit the emulator", hmp_quit },
    { "system_reset", "", "reset the system", hmp_system_reset },
    { "system_powerdown", "", "send system power down event", hmp_system_powerdown },
    { "x", "/fmt addr", "virtual memory dump starting at 'addr'", hmp_x },
    { "xp", "/fmt addr", "physical memory dump starting at 'addr'", hmp_xp },
    { "print|p", "/fmt expr", "print expression value (use $reg for CPU register access)",
      hmp_print },
    { "cpu", "index", "set the default CPU", hmp_cpu },
    { "device_add", "driver[,prop=value][,...]", "add device, like -device on the command line",
      hmp_device_add },
    { "device_del", "device", "remove device", hmp_device_del },
    { "log", "item1[,...]", "activate logging of the specified items", hmp_log },
    { "logfile", "filename", "output logs to 'filename'", hmp_logfile },
    { "qom-list", "path", "list QOM properties", hmp_qom_list },
    { "qom-get", "path property", "print QOM property", hmp_qom_get },
    { "qom-set", "path property value", "set QOM property", hmp_qom_set },
    { "memsave", "addr size file", "save to disk virtual memory dump starting at 'addr' "
      "of size 'size'", hmp_memsave },
    { "pmemsave", "addr size file", "save to disk physical memory dump starting at 'addr' "
      "of size 'size'", hmp_pmemsave },
    { "ringbuf_write", "device data", "write to a ring buffer character device",
      hmp_ringbuf_write },
    { "ringbuf_read", "device size", "read from a ring buffer character device",
      hmp_ringbuf_read },
    { "chardev-remove", "id", "remove chardev", hmp_chardev_remove },
    { "object_add", "type,id=ID[,prop=value][,...]", "create QOM object", hmp_object_add },
    { "object_del", "id", "destroy QOM object", hmp_object_del },
    { "netdev_add", "[user|tap|socket|hubport],id=str[,prop=value][,...]", "add host network device", hmp_netdev_add },
    { "netdev_del", "id", "remove host network device", hmp_netdev_del },
    { "set_link", "name on|off", "change the link status of a network adapter", hmp_set_link },
    { "eject", "[-f] device", "eject a removable medium (use -f to force it)", hmp_eject },
    { "change", "device [-f] filename [format [read-only-mode]]",
      "change a removable medium", hmp_change },
    { NULL },
};

static const HmpCommand hmp_info_commands[] = {
    { "status", "", "show the current VM status (running|paused)", hmp_info_status },
    { "version", "", "show the version of QEMU", hmp_info_version },
    { "name", "", "show the current VM name", hmp_info_name },
    { "uuid", "", "show the current VM UUID", hmp_info_uuid },
    { "mtree", "[-f]", "show memory tree (-f: flat views)", hmp_info_mtree },
    { "qtree", "", "show device tree", hmp_info_qtree },
    { "registers", "", "show the cpu registers", hmp_info_registers },
    { "mem", "", "show the active virtual memory mappings", hmp_info_mem },
    { "cpus", "", "show infos for each CPU", hmp_info_cpus },
    { "chardev", "", "show the character devices", hmp_info_chardev },
    { "kvm", "", "show KVM information", hmp_info_kvm },
    { "iothreads", "", "show iothreads", hmp_info_iothreads },
    { "qom-tree", "[path]", "show QOM composition tree", hmp_info_qom_tree },
    { "history", "", "show the command line history", hmp_info_history },
    { "block", "[device]", "show info of one block device or all block devices",
      hmp_info_block },
    { "blockstats", "", "show block device statistics", hmp_info_blockstats },
    { "balloon", "", "show balloon information", hmp_info_balloon },
    { "network", "", "show the network state", hmp_info_network },
    { NULL },
};

/* Does word name cmd ("cont|c" matches "cont" and "c")? */
static bool name_matches(const char *names, const char *word, size_t len)
{
    const char *p = names;

    while (*p) {
        size_t n = strcspn(p, "|");

        if (n == len && !strncmp(p, word, len)) {
            return true;
        }
        p += n;
        if (*p == '|') {
            p++;
        }
    }
    return false;
}

static const HmpCommand *find_command(const HmpCommand *table, const char *word,
                                      size_t len)
{
    for (const HmpCommand *c = table; c->name; c++) {
        if (name_matches(c->name, word, len)) {
            return c;
        }
    }
    return NULL;
}

static void print_usage_line(Monitor *mon, const char *prefix, const HmpCommand *c)
{
    monitor_printf(mon, "%s%s %s -- %s\n", prefix, c->name, c->params, c->help);
}

static void hmp_help(Monitor *mon, const char *args)
{
    const char *word = hmp_skip_ws(args);
    size_t len = strcspn(word, " \t");
    const HmpCommand *c;

    if (!len) {
        for (c = hmp_commands; c->name; c++) {
            print_usage_line(mon, "", c);
        }
        return;
    }
    if (len == 4 && !strncmp(word, "info", 4)) {
        for (c = hmp_info_commands; c->name; c++) {
            print_usage_line(mon, "info ", c);
        }
        return;
    }
    c = find_command(hmp_commands, word, len);
    if (!c) {
        monitor_printf(mon, "unknown command: '%.*s'\n", (int)len, word);
        return;
    }
    print_usage_line(mon, "", c);
}

static void hmp_info(Monitor *mon, const char *args)
{
    const char *word = hmp_skip_ws(args);
    size_t len = strcspn(word, " \t");
    const HmpCommand *c;

    if (!len) {
        for (c = hmp_info_commands; c->name; c++) {
            print_usage_line(mon, "info ", c);
        }
        return;
    }
    c = find_command(hmp_info_commands, word, len);
    if (!c) {
        monitor_printf(mon, "unknown command: 'info %.*s'\n", (int)len, word);
        return;
    }
    c->fn(mon, word + len);
}

const char *hmp_skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    return s;
}

void hmp_handle_command(Monitor *mon, const char *cmdline)
{
    const char *word = hmp_skip_ws(cmdline);
    size_t len = strcspn(word, " \t");
    const HmpCommand *c;

    if (!len) {
        return;
    }
    c = find_command(hmp_commands, word, len);
    if (!c) {
        monitor_printf(mon, "unknown command: '%.*s'\n", (int)len, word);
        return;
    }
    c->fn(mon, word + len);
}

/* Print a QMP handler's error the way HMP does. */
bool hmp_report(Monitor *mon, Error *err)
{
    if (!err) {
        return true;
    }
    monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
    error_free(err);
    return false;
}

/* Run a QMP command for HMP; the result (or NULL after printing the error). */
json_object *hmp_qmp(Monitor *mon, const char *name, json_object *args, bool *ok)
{
    Error *err = NULL;
    json_object *ret = qmp_dispatch(mon, name, args, &err);

    json_object_put(args);
    *ok = hmp_report(mon, err);
    return ret;
}

static void hmp_info_history(Monitor *mon, const char *args)
{
    for (guint i = 0; mon->history && i < mon->history->len; i++) {
        monitor_printf(mon, "%u: '%s'\n", i, (char *)g_ptr_array_index(mon->history, i));
    }
}

/* ----------------------------------------------------------- session */

static void hmp_prompt(Monitor *mon)
{
    monitor_puts(mon, HMP_PROMPT);
}

/* --------------------------------------------------------- completion */

/* Every name (aliases too) of table that starts with prefix. */
static void completion_candidates(const HmpCommand *table, const char *prefix,
                                  GPtrArray *out)
{
    size_t plen = strlen(prefix);

    for (const HmpCommand *c = table; c->name; c++) {
        gchar **names = g_strsplit(c->name, "|", -1);

        for (int i = 0; names[i]; i++) {
            if (!strncmp(names[i], prefix, plen)) {
                g_ptr_array_add(out, g_strdup(names[i]));
            }
        }
        g_strfreev(names);
    }
}

/*
 * Tab: complete the command word (or the word after "info").  One match
 * completes it and adds a space; several extend the line by what they share
 * and are listed under it, as QEMU's readline does.
 */
static void hmp_complete(Monitor *mon)
{
    const char *line = mon->line->str;
    const HmpCommand *table = hmp_commands;
    const char *word = line;
    GPtrArray *cands = g_ptr_array_new_with_free_func(g_free);
    size_t common;

    if (g_str_has_prefix(line, "info ") && !strchr(line + 5, ' ')) {
        table = hmp_info_commands;
        word = line + 5;
    } else if (strchr(line, ' ')) {
        g_ptr_array_unref(cands);
        return;                 /* arguments are not completed */
    }
    completion_candidates(table, word, cands);
    if (!cands->len) {
        g_ptr_array_unref(cands);
        return;
    }
    common = strlen(g_ptr_array_index(cands, 0));
    for (guint i = 1; i < cands->len; i++) {
        const char *a = g_ptr_array_index(cands, 0), *b = g_ptr_array_index(cands, i);
        size_t n = 0;

        while (n < common && a[n] && a[n] == b[n]) {
            n++;
        }
        common = n;
    }
    if (cands->len == 1) {
        const char *rest = (const char *)g_ptr_array_index(cands, 0) + strlen(word);
        char *add = g_strdup_printf("%s ", rest);

        g_string_append(mon->line, add);
        monitor_puts(mon, add);
        g_free(add);
    } else {
        char *add = g_strndup((const char *)g_ptr_array_index(cands, 0) + strlen(word),
                              common - strlen(word));

        g_string_append(mon->line, add);
        g_free(add);
        monitor_puts(mon, "\n");
        for (guint i = 0; i < cands->len; i++) {
            monitor_printf(mon, "%s%s", i ? " " : "", (char *)g_ptr_array_index(cands, i));
        }
        monitor_puts(mon, "\n");
        hmp_prompt(mon);
        monitor_puts(mon, mon->line->str);
    }
    g_ptr_array_unref(cands);
}

/* ------------------------------------------------------------ history */

#define HMP_HISTORY_MAX 64

static void hmp_history_add(Monitor *mon, const char *line)
{
    GPtrArray *h = mon->history;

    if (!*line || (h->len && !strcmp(g_ptr_array_index(h, h->len - 1), line))) {
        mon->history_pos = h->len;
        return;
    }
    if (h->len == HMP_HISTORY_MAX) {
        g_ptr_array_remove_index(h, 0);
    }
    g_ptr_array_add(h, g_strdup(line));
    mon->history_pos = h->len;
}

/* Replace the line being typed with the previous (-1) or next (+1) entry. */
static void hmp_history_move(Monitor *mon, int dir)
{
    GPtrArray *h = mon->history;
    int pos = (int)mon->history_pos + dir;
    const char *entry;

    if (pos < 0 || pos > (int)h->len) {
        return;
    }
    mon->history_pos = (guint)pos;
    entry = (guint)pos < h->len ? g_ptr_array_index(h, pos) : "";
    /* Erase what is on the screen, then show the entry. */
    for (gsize i = 0; i < mon->line->len; i++) {
        monitor_puts(mon, "\b \b");
    }
    g_string_assign(mon->line, entry);
    monitor_puts(mon, entry);
}

static int hmp_can_read(void *opaque)
{
    /* A peer that types but does not read its output is not read either. */
    return monitor_output_congested(opaque) ? 0 : 1024;
}

static void hmp_read(void *opaque, const uint8_t *buf, int size)
{
    Monitor *mon = opaque;

    for (int i = 0; i < size; i++) {
        uint8_t c = buf[i];

        /* Terminal escape sequences: ESC [ params final (ECMA-48 §5.4). */
        if (mon->esc_state == 1) {
            mon->esc_state = c == '[' || c == 'O' ? 2 : 0;
            mon->esc_params = false;
            continue;
        } else if (mon->esc_state == 2) {
            if (c >= 0x40 && c <= 0x7e) {
                mon->esc_state = 0;
                /* Up and down arrows (no parameters) walk the history. */
                if (!mon->esc_params && (c == 'A' || c == 'B')) {
                    hmp_history_move(mon, c == 'A' ? -1 : 1);
                }
            } else {
                mon->esc_params = true;
            }
            continue;
        }
        if (c == '\n' && mon->last_was_cr) {
            mon->last_was_cr = false;       /* the LF of a CR LF pair */
            continue;
        }
        mon->last_was_cr = c == '\r';
        switch (c) {
        case '\r':
        case '\n': {
            char *line = g_strdup(mon->line->str);

            hmp_history_add(mon, line);
            g_string_truncate(mon->line, 0);
            monitor_puts(mon, "\n");
            hmp_handle_command(mon, line);
            g_free(line);
            hmp_prompt(mon);
            break;
        }
        case 0x7f:
        case '\b':
            if (mon->line->len) {
                g_string_truncate(mon->line, mon->line->len - 1);
                monitor_puts(mon, "\b \b");
            }
            break;
        case 0x1b:
            mon->esc_state = 1;
            break;
        case '\t':
            hmp_complete(mon);
            break;
        case 0x03:
            /* Ctrl-C drops the line being typed. */
            g_string_truncate(mon->line, 0);
            monitor_puts(mon, "\n");
            hmp_prompt(mon);
            break;
        default:
            if (c >= 0x20 && mon->line->len < HMP_LINE_MAX) {
                char echo[2] = { (char)c, 0 };

                g_string_append_c(mon->line, (char)c);
                monitor_puts(mon, echo);
            }
            break;
        }
    }
}

static void hmp_banner(Monitor *mon)
{
    mon->banner_shown = true;
    monitor_printf(mon, "Machina %s monitor - type 'help' for more information\n",
                   MACHINA_VERSION);
    hmp_prompt(mon);
}

static void hmp_event(void *opaque, QEMUChrEvent event)
{
    Monitor *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        g_string_truncate(mon->line, 0);
        /*
         * On a mux the guest's console has the screen first: as in QEMU,
         * the banner waits until the user switches to the monitor.
         */
        if (!mon->on_mux) {
            hmp_banner(mon);
        }
        break;
    case CHR_EVENT_MUX_IN:
        if (!mon->banner_shown) {
            hmp_banner(mon);
        } else {
            /* Back from the guest's console (Ctrl-A c): a fresh prompt. */
            monitor_puts(mon, "\n");
            hmp_prompt(mon);
        }
        break;
    case CHR_EVENT_CLOSED:
        g_string_truncate(mon->line, 0);
        g_string_truncate(mon->outbuf, 0);
        mon->outbuf_pos = 0;
        break;
    default:
        break;
    }
}

void hmp_monitor_setup(Monitor *mon)
{
    mon->history = g_ptr_array_new_with_free_func(g_free);
    /* chardev/'s mux type (TYPE_CHARDEV_MUX, private to chardev/). */
    mon->on_mux = object_dynamic_cast(OBJECT(qemu_chr_fe_get_driver(&mon->chr)),
                                      "chardev-mux") != NULL;
    qemu_chr_fe_set_handlers(&mon->chr, hmp_can_read, hmp_read, hmp_event, mon, NULL,
                             true);
}
