/*
 * Chardevs: the abstract TYPE_CHARDEV, the registry of chardevs by id,
 * -chardev option checking, the -serial style shorthands and the backend
 * side of the data path (input to the frontend, events, logfile).
 */
#include "core/osdep.h"
#include "chardev/char.h"
#include "chardev/char-internal.h"

#include <fcntl.h>

static GPtrArray *chardevs;          /* Chardev*, in creation order */

/* Keys every backend takes (QEMU's ChardevCommon). */
static const OptDesc common_opts[] = {
    { "id", OPT_STRING, "identifier for frontends (-serial chardev:ID)" },
    { "backend", OPT_STRING, "backend type (same as the first word)" },
    { "mux", OPT_BOOL, "share among frontends, Ctrl-A c switches focus" },
    { "logfile", OPT_STRING, "also copy all output to this file" },
    { "logappend", OPT_BOOL, "append to logfile instead of truncating it" },
    { NULL }
};

/* Aliases QEMU also accepts for a backend name. */
static const struct {
    const char *alias, *name;
} backend_aliases[] = {
    { "memory", "ringbuf" },
};

/* ---- options ---- */

/* Decimal digits only, no sign, no suffix, no overflow. */
static bool chr_parse_number(const char *str, uint64_t *v)
{
    guint64 n;

    if (!g_ascii_string_to_unsigned(str, 10, 0, UINT64_MAX, &n, NULL)) {
        return false;
    }
    *v = n;
    return true;
}

const char *chr_opt_get(ChardevOpts *o, const char *name)
{
    if (!o) {
        return NULL;
    }
    for (guint i = o->keys->len; i-- > 0;) {
        if (!strcmp(g_ptr_array_index(o->keys, i), name)) {
            return g_ptr_array_index(o->values, i);
        }
    }
    return NULL;
}

bool chr_opt_get_bool(ChardevOpts *o, const char *name, bool defval)
{
    const char *v = chr_opt_get(o, name);
    bool b;

    /* Values were checked by chr_opts_check(); a bad one cannot reach here. */
    return v && parse_bool(v, &b) ? b : defval;
}

uint64_t chr_opt_get_number(ChardevOpts *o, const char *name, uint64_t defval)
{
    const char *v = chr_opt_get(o, name);
    uint64_t n;

    return v && chr_parse_number(v, &n) ? n : defval;
}

const char *chr_opt_require(ChardevOpts *o, const char *name, const char *backend,
                            Error **errp)
{
    const char *v = chr_opt_get(o, name);

    if (!v || !*v) {
        error_setg(errp, "chardev: %s: Parameter '%s' is missing", backend, name);
        return NULL;
    }
    return v;
}

static const OptDesc *find_desc(const OptDesc *d, const char *name)
{
    for (; d && d->name; d++) {
        if (!strcmp(d->name, name)) {
            return d;
        }
    }
    return NULL;
}

static const OptDesc *chr_find_desc(ChardevClass *cc, const char *name)
{
    const OptDesc *d = find_desc(common_opts, name);

    return d ? d : find_desc(cc->opts, name);
}

static void chr_opts_free(ChardevOpts *o)
{
    g_ptr_array_free(o->keys, TRUE);
    g_ptr_array_free(o->values, TRUE);
    g_free(o);
}

/*
 * Check every key against the backend's list and every value against its
 * type; normalize the flag forms ("server" = server=on, "nowait" =
 * wait=off) so backends see plain key=value pairs.
 */
static ChardevOpts *chr_opts_check(ChardevClass *cc, GPtrArray *keys, GPtrArray *values,
                                   Error **errp)
{
    ChardevOpts *o = g_new0(ChardevOpts, 1);

    o->keys = g_ptr_array_new_with_free_func(g_free);
    o->values = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; keys && i < keys->len; i++) {
        const char *key = g_ptr_array_index(keys, i);
        const char *val = values && i < values->len ? g_ptr_array_index(values, i) : NULL;
        const OptDesc *d = chr_find_desc(cc, key);
        uint64_t n;
        bool b;

        /*
         * "nowait": a bare flag arrives with no value from our shorthand
         * parser, or as "on" from a schema-less option list.
         */
        if (!d && (!val || !strcmp(val, "on")) && g_str_has_prefix(key, "no")) {
            d = chr_find_desc(cc, key + 2);
            if (d && d->type == OPT_BOOL) {
                key += 2;
                val = "off";
            } else {
                d = NULL;
            }
        }
        if (!d) {
            error_setg(errp, "Invalid parameter '%s'", key);
            goto fail;
        }
        if (!val && d->type == OPT_BOOL) {
            val = "on";
        }
        if (!val) {
            error_setg(errp, "Parameter '%s' expects a value", key);
            goto fail;
        }
        if (d->type == OPT_BOOL && !parse_bool(val, &b)) {
            error_setg(errp, "Parameter '%s' expects 'on' or 'off', not '%s'", key, val);
            goto fail;
        }
        if ((d->type == OPT_NUMBER || d->type == OPT_SIZE) &&
            !chr_parse_number(val, &n)) {
            error_setg(errp, "Parameter '%s' expects a number, not '%s'", key, val);
            goto fail;
        }
        g_ptr_array_add(o->keys, g_strdup(key));
        g_ptr_array_add(o->values, g_strdup(val));
    }
    return o;

fail:
    chr_opts_free(o);
    return NULL;
}

/* ---- registry ---- */

Chardev *qemu_chr_find(const char *id)
{
    for (guint i = 0; chardevs && i < chardevs->len; i++) {
        Chardev *chr = g_ptr_array_index(chardevs, i);
        if (!strcmp(chr->label, id)) {
            return chr;
        }
    }
    return NULL;
}

bool chr_registry_add(Chardev *chr, Error **errp)
{
    if (qemu_chr_find(chr->label)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", chr->label);
        return false;
    }
    if (!chardevs) {
        chardevs = g_ptr_array_new();
    }
    g_ptr_array_add(chardevs, chr);
    return true;
}

void qemu_chr_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque)
{
    for (guint i = 0; chardevs && i < chardevs->len; i++) {
        fn(g_ptr_array_index(chardevs, i), opaque);
    }
}

/* A backend under a mux is in use too: the mux is its frontend. */
bool chr_in_use(Chardev *chr)
{
    return chr_is_mux(chr) ? mux_chr_frontend_count(chr) > 0 : chr->be != NULL;
}

void chr_destroy(Chardev *chr)
{
    g_ptr_array_remove(chardevs, chr);
    object_unref(OBJECT(chr));
}

bool qemu_chr_delete(const char *id, Error **errp)
{
    Chardev *chr = qemu_chr_find(id);

    if (!chr) {
        error_setg(errp, "Chardev '%s' not found", id);
        return false;
    }
    if (chr_in_use(chr)) {
        error_setg(errp, "Chardev '%s' is busy", id);
        return false;
    }
    chr_destroy(chr);
    return true;
}

void qemu_chr_cleanup(void)
{
    /* Newest first: a mux goes before the backend under it. */
    while (chardevs && chardevs->len) {
        chr_destroy(g_ptr_array_index(chardevs, chardevs->len - 1));
    }
}

/* ---- creation ---- */

static ChardevClass *chr_class_by_backend(const char *name)
{
    GSList *list = object_class_get_list_sorted(TYPE_CHARDEV, false);
    ChardevClass *found = NULL;

    for (guint i = 0; i < ARRAY_SIZE(backend_aliases); i++) {
        if (!strcmp(name, backend_aliases[i].alias)) {
            name = backend_aliases[i].name;
        }
    }
    for (GSList *l = list; l; l = l->next) {
        ChardevClass *cc = CHARDEV_CLASS(l->data);
        if (!cc->internal && cc->backend_name && !strcmp(cc->backend_name, name)) {
            found = cc;
            break;
        }
    }
    g_slist_free(list);
    return found;
}

static bool chr_open_logfile(Chardev *chr, ChardevOpts *o, Error **errp)
{
    const char *path = chr_opt_get(o, "logfile");
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;

    if (!path) {
        return true;
    }
    flags |= chr_opt_get_bool(o, "logappend", false) ? O_APPEND : O_TRUNC;
    chr->logfd = open(path, flags, 0666);
    if (chr->logfd < 0) {
        error_setg_errno(errp, errno, "Unable to open logfile '%s'", path);
        return false;
    }
    return true;
}

static Chardev *chr_create(const char *id, ChardevClass *cc, ChardevOpts *o,
                           Error **errp)
{
    Chardev *chr = CHARDEV(object_new(object_class_get_name(OBJECT_CLASS(cc))));
    bool be_opened = true;

    chr->label = g_strdup(id);
    if (!chr_open_logfile(chr, o, errp) || !cc->open(chr, o, &be_opened, errp)) {
        object_unref(OBJECT(chr));
        return NULL;
    }
    /* A socket that already has its peer (wait=on) set be_open via the event. */
    if (be_opened) {
        chr->be_open = true;
    }
    if (!chr_registry_add(chr, errp)) {
        object_unref(OBJECT(chr));
        return NULL;
    }
    return chr;
}

Chardev *qemu_chardev_new(const char *id, const char *type, GPtrArray *keys,
                          GPtrArray *values, Error **errp)
{
    ChardevClass *cc;
    ChardevOpts *o;
    Chardev *chr;

    if (!id || !*id) {
        error_setg(errp, "chardev: Parameter 'id' is missing");
        return NULL;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier, not '%s'", id);
        return NULL;
    }
    if (!type || !(cc = chr_class_by_backend(type))) {
        error_setg(errp, "'%s' is not a valid char driver name", type ? type : "");
        return NULL;
    }
    if (qemu_chr_find(id)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", id);
        return NULL;
    }
    o = chr_opts_check(cc, keys, values, errp);
    if (!o) {
        return NULL;
    }
    if (chr_opt_get_bool(o, "mux", false)) {
        /* The backend itself gets "<id>-base"; frontends use the mux as <id>. */
        char *base_id = g_strdup_printf("%s-base", id);
        Chardev *base = NULL;

        /* Checked before the open: a socket server may block in it. */
        if (qemu_chr_find(base_id)) {
            error_setg(errp, "Duplicate ID '%s' for chardev", base_id);
        } else {
            base = chr_create(base_id, cc, o, errp);
        }

        g_free(base_id);
        chr = base ? mux_chr_new(id, base, errp) : NULL;
        if (base && !chr) {
            chr_destroy(base);
        }
    } else {
        chr = chr_create(id, cc, o, errp);
    }
    chr_opts_free(o);
    return chr;
}

/*
 * Split "a,b=c,,d" at single commas (",," is a literal comma) into keys and
 * values; returns the first element (the head) separately.
 */
static char *split_options(const char *str, GPtrArray *keys, GPtrArray *values)
{
    GString *cur = g_string_new(NULL);
    char *head = NULL;

    for (const char *p = str;; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
            continue;
        }
        if (*p && *p != ',') {
            g_string_append_c(cur, *p);
            continue;
        }
        if (!head) {
            head = g_strdup(cur->str);
        } else if (cur->len) {
            char *eq = strchr(cur->str, '=');
            g_ptr_array_add(keys, eq ? g_strndup(cur->str, eq - cur->str)
                                     : g_strdup(cur->str));
            g_ptr_array_add(values, eq ? g_strdup(eq + 1) : NULL);
        }
        g_string_truncate(cur, 0);
        if (!*p) {
            break;
        }
    }
    g_string_free(cur, TRUE);
    return head;
}

static void add_opt(GPtrArray *keys, GPtrArray *values, const char *k, const char *v)
{
    g_ptr_array_add(keys, g_strdup(k));
    g_ptr_array_add(values, g_strdup(v));
}

Chardev *qemu_chr_new(const char *label, const char *filename, Error **errp)
{
    GPtrArray *keys, *values;
    const char *type = NULL;
    Chardev *chr = NULL;
    char *head, *colon;

    if (!strcmp(filename, "none")) {
        return NULL;
    }
    if (g_str_has_prefix(filename, "chardev:")) {
        chr = qemu_chr_find(filename + 8);
        if (!chr) {
            error_setg(errp, "chardev '%s' not found", filename + 8);
        }
        return chr;
    }
    if (g_str_has_prefix(filename, "mon:")) {
        /* "mon:X": a mux over X, so the monitor can share it (Ctrl-A c). */
        char *base_id = g_strdup_printf("%s-base", label);
        Chardev *base = qemu_chr_new(base_id, filename + 4, errp);

        g_free(base_id);
        if (!base) {
            if (errp && !*errp) {
                error_setg(errp, "'mon:' needs a backend");
            }
            return NULL;
        }
        chr = mux_chr_new(label, base, errp);
        if (!chr && !g_str_has_prefix(filename + 4, "chardev:")) {
            chr_destroy(base);      /* made here; a named one is not ours */
        }
        return chr;
    }

    keys = g_ptr_array_new_with_free_func(g_free);
    values = g_ptr_array_new_with_free_func(g_free);
    head = split_options(filename, keys, values);
    colon = strchr(head, ':');
    if (colon) {
        *colon++ = 0;
    }
    if (!colon && (!strcmp(head, "null") || !strcmp(head, "stdio") ||
                   !strcmp(head, "pty") || !strcmp(head, "ringbuf"))) {
        type = head;
    } else if (colon && (!strcmp(head, "file") || !strcmp(head, "pipe"))) {
        type = head;
        add_opt(keys, values, "path", colon);
    } else if (colon && !strcmp(head, "unix")) {
        type = "socket";
        add_opt(keys, values, "path", colon);
    } else if (colon && (!strcmp(head, "tcp") || !strcmp(head, "telnet"))) {
        /* tcp:HOST:PORT, HOST may be empty or a bracketed IPv6 address. */
        char *port = strrchr(colon, ':');
        char *host = colon;

        if (!port) {
            error_setg(errp, "-serial %s: expected tcp:HOST:PORT", filename);
            goto out;
        }
        *port++ = 0;
        if (host[0] == '[' && host[strlen(host) - 1] == ']') {
            host[strlen(host) - 1] = 0;
            host++;
        }
        type = "socket";
        add_opt(keys, values, "host", host);
        add_opt(keys, values, "port", port);
        if (!strcmp(head, "telnet")) {
            add_opt(keys, values, "telnet", "on");
        }
    } else {
        error_setg(errp, "'%s' is not a valid char driver name", filename);
        goto out;
    }
    chr = qemu_chardev_new(label, type, keys, values, errp);
out:
    g_free(head);
    g_ptr_array_free(keys, TRUE);
    g_ptr_array_free(values, TRUE);
    return chr;
}

void qemu_chr_print_backends(FILE *f)
{
    GSList *list = object_class_get_list_sorted(TYPE_CHARDEV, false);

    fprintf(f, "Available chardev backend types:\n");
    for (GSList *l = list; l; l = l->next) {
        ChardevClass *cc = CHARDEV_CLASS(l->data);
        const char *desc = object_class_get_desc(OBJECT_CLASS(cc));

        if (cc->internal || !cc->backend_name) {
            continue;
        }
        fprintf(f, "  %-10s %s\n", cc->backend_name, desc ? desc : "");
        for (guint i = 0; i < ARRAY_SIZE(backend_aliases); i++) {
            if (!strcmp(backend_aliases[i].name, cc->backend_name)) {
                fprintf(f, "  %-10s (alias of %s)\n", backend_aliases[i].alias,
                        cc->backend_name);
            }
        }
        for (const OptDesc *d = cc->opts; d && d->name; d++) {
            char *kv = g_strdup_printf("%s=%s", d->name,
                                       d->type == OPT_BOOL ? "on|off" :
                                       d->type == OPT_NUMBER ? "NUM" : "STR");
            fprintf(f, "      %-18s %s\n", kv, d->help ? d->help : "");
            g_free(kv);
        }
    }
    fprintf(f, "Common options: id=ID mux=on|off logfile=PATH logappend=on|off\n");
    g_slist_free(list);
}

/* ---- the backend side ---- */

void chr_set_filename(Chardev *chr, const char *fmt, ...)
{
    va_list ap;

    g_free(chr->filename);
    va_start(ap, fmt);
    chr->filename = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

EventLoop *chr_loop(Chardev *chr)
{
    return chr->loop ? chr->loop : main_loop_get();
}

int qemu_chr_be_can_write(Chardev *chr)
{
    CharBackend *be = chr->be;

    if (!be || !be->chr_can_read) {
        return 0;
    }
    return be->chr_can_read(be->opaque);
}

void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len)
{
    CharBackend *be = chr->be;

    if (be && be->chr_read && len > 0) {
        be->chr_read(be->opaque, buf, len);
    }
}

void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event)
{
    CharBackend *be = chr->be;

    /* be_open tracks the peer: a socket client came or went. */
    if (event == CHR_EVENT_OPENED) {
        chr->be_open = true;
    } else if (event == CHR_EVENT_CLOSED) {
        chr->be_open = false;
    }
    if (be && be->chr_event) {
        be->chr_event(be->opaque, event);
    }
}

static void chr_log(Chardev *chr, const uint8_t *buf, int len)
{
    while (len > 0) {
        ssize_t n = write(chr->logfd, buf, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;            /* a full disk must not stop the guest */
        }
        buf += n;
        len -= n;
    }
}

int chr_write_locked(Chardev *chr, const uint8_t *buf, int len)
{
    ChardevClass *cc = CHARDEV_GET_CLASS(chr);
    int n;

    pthread_mutex_lock(&chr->write_lock);
    n = cc->chr_write ? cc->chr_write(chr, buf, len) : len;
    if (n > 0 && chr->logfd >= 0) {
        chr_log(chr, buf, n);
    }
    pthread_mutex_unlock(&chr->write_lock);
    return n;
}

int qemu_chr_write_all(Chardev *chr, const uint8_t *buf, int len)
{
    ChardevClass *cc = CHARDEV_GET_CLASS(chr);
    int done = 0;

    while (done < len) {
        int n = chr_write_locked(chr, buf + done, len - done);

        if (n > 0) {
            done += n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno != EAGAIN) {
            return -1;
        } else if (cc->chr_wait_writable) {
            cc->chr_wait_writable(chr);
        } else {
            g_usleep(1000);
        }
    }
    return len;
}

/* ---- the abstract type ---- */

static void chardev_init(Object *obj)
{
    Chardev *chr = CHARDEV(obj);

    pthread_mutex_init(&chr->write_lock, NULL);
    chr->logfd = -1;
}

static void chardev_finalize(Object *obj)
{
    Chardev *chr = CHARDEV(obj);

    /* A frontend still pointing here now writes into the void. */
    if (chr->be) {
        chr->be->chr = NULL;
    }
    if (chr->logfd >= 0) {
        close(chr->logfd);
    }
    pthread_mutex_destroy(&chr->write_lock);
    g_free(chr->label);
    g_free(chr->filename);
}

static const TypeInfo chardev_info = {
    .name = TYPE_CHARDEV,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Chardev),
    .class_size = sizeof(ChardevClass),
    .abstract = true,
    .desc = "host character device backend",
    .instance_init = chardev_init,
    .instance_finalize = chardev_finalize,
};

static void chardev_register_types(void)
{
    type_register_static(&chardev_info);
}

type_init(chardev_register_types)
