/*
 * QEMU-style option strings (see core/option.h for the syntax).
 *
 * The syntax follows QEMU's documented command-line conventions
 * (docs/system/invocation in QEMU's manual): comma-separated key=value pairs,
 * an implied key for a leading bare value, ",," for a literal comma, and the
 * "flag" shorthand where "key" means key=on and "nokey" means key=off.
 */
#include "core/osdep.h"
#include "core/option.h"

/* ------------------------------------------------------------ scalars */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (is_digit(c)) {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/*
 * Digits only, no sign, no blanks: strtoull() would accept " -1" as
 * 2^64-1, which is never what a user meant.  Decimal, or hex after "0x".
 * Returns 0, -EINVAL (not a number) or -ERANGE (above UINT64_MAX).
 */
static int parse_magnitude(const char *str, uint64_t *v)
{
    const char *p = str;
    unsigned base = 10;
    uint64_t val = 0;

    if (!*p) {
        return -EINVAL;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
        if (!*p) {
            return -EINVAL;
        }
    }
    for (; *p; p++) {
        int d = base == 16 ? hex_value(*p) : (is_digit(*p) ? *p - '0' : -1);

        if (d < 0) {
            return -EINVAL;
        }
        if (val > (UINT64_MAX - (uint64_t)d) / base) {
            return -ERANGE;
        }
        val = val * base + (uint64_t)d;
    }
    *v = val;
    return 0;
}

static bool number_error(const char *str, int ret, Error **errp)
{
    if (ret == -ERANGE) {
        error_setg(errp, "number '%s' is out of range", str);
    } else {
        error_setg(errp, "invalid number '%s'", str);
    }
    return false;
}

bool parse_uint64(const char *str, uint64_t *v, Error **errp)
{
    uint64_t val;
    int ret;

    if (!str) {
        return number_error("", -EINVAL, errp);
    }
    ret = parse_magnitude(str, &val);
    if (ret < 0) {
        return number_error(str, ret, errp);
    }
    *v = val;
    return true;
}

bool parse_int64(const char *str, int64_t *v, Error **errp)
{
    bool neg;
    uint64_t mag;
    int ret;

    if (!str) {
        return number_error("", -EINVAL, errp);
    }
    neg = str[0] == '-';
    ret = parse_magnitude(neg ? str + 1 : str, &mag);
    if (ret == 0 && mag > (uint64_t)INT64_MAX + neg) {
        ret = -ERANGE;
    }
    if (ret < 0) {
        return number_error(str, ret, errp);
    }
    *v = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return true;
}

bool parse_size_unit(const char *str, uint64_t default_unit, uint64_t *v,
                     Error **errp)
{
    const char *p = str;
    unsigned __int128 whole = 0, frac = 0, frac_div = 1, total;
    uint64_t unit = default_unit;
    bool any_digit = false;

    if (!str) {
        error_setg(errp, "invalid size ''");
        return false;
    }
    for (; is_digit(*p); p++) {
        whole = whole * 10 + (unsigned)(*p - '0');
        any_digit = true;
        if (whole > UINT64_MAX) {
            goto out_of_range;
        }
    }
    if (*p == '.') {
        p++;
        for (; is_digit(*p); p++) {
            /* Beyond 18 digits the fraction cannot change the result. */
            if (frac_div < 1000000000000000000ULL) {
                frac = frac * 10 + (unsigned)(*p - '0');
                frac_div *= 10;
            }
            any_digit = true;
        }
    }
    if (!any_digit) {
        goto invalid;
    }
    if (*p) {
        switch (*p) {
        case 'b': case 'B': unit = 1; break;
        case 'k': case 'K': unit = KiB; break;
        case 'm': case 'M': unit = MiB; break;
        case 'g': case 'G': unit = GiB; break;
        case 't': case 'T': unit = TiB; break;
        case 'p': case 'P': unit = 1024 * TiB; break;
        case 'e': case 'E': unit = 1024 * 1024 * TiB; break;
        default:
            goto invalid;
        }
        if (p[1]) {
            goto invalid;
        }
    }
    if (frac && unit == 1) {
        error_setg(errp, "invalid size '%s': a fraction of a byte", str);
        return false;
    }
    total = whole * unit + frac * unit / frac_div;
    if (total > UINT64_MAX) {
        goto out_of_range;
    }
    *v = (uint64_t)total;
    return true;

out_of_range:
    error_setg(errp, "invalid size '%s': too large", str);
    return false;
invalid:
    error_setg(errp, "invalid size '%s'", str);
    return false;
}

/* on/off/yes/no/true/false, as QEMU's boolean properties. */
static bool opt_parse_bool(const char *s, bool *v)
{
    static const char *const on[] = { "on", "yes", "true", "y" };
    static const char *const off[] = { "off", "no", "false", "n" };

    for (size_t i = 0; i < ARRAY_SIZE(on); i++) {
        if (!strcmp(s, on[i])) {
            *v = true;
            return true;
        }
        if (!strcmp(s, off[i])) {
            *v = false;
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------ parsing */

static const OptDesc *find_desc(const OptsList *list, const char *name)
{
    if (!list->desc) {
        return NULL;
    }
    for (const OptDesc *d = list->desc; d->name; d++) {
        if (!strcmp(d->name, name)) {
            return d;
        }
    }
    return NULL;
}

static bool accepts_any_key(const OptsList *list)
{
    return !list->desc || !list->desc[0].name;
}

static bool validate_value(const OptDesc *d, const char *value, Error **errp)
{
    uint64_t n;
    bool b;
    Error *err = NULL;

    switch (d->type) {
    case OPT_STRING:
        return true;
    case OPT_BOOL:
        if (!opt_parse_bool(value, &b)) {
            error_setg(errp, "Parameter '%s' expects 'on' or 'off'", d->name);
            return false;
        }
        return true;
    case OPT_NUMBER:
        if (!parse_uint64(value, &n, &err)) {
            error_free(err);
            error_setg(errp, "Parameter '%s' expects a number", d->name);
            return false;
        }
        return true;
    case OPT_SIZE:
        if (!parse_size_unit(value, 1, &n, &err)) {
            error_free(err);
            error_setg(errp, "Parameter '%s' expects a size", d->name);
            return false;
        }
        return true;
    }
    return true;
}

/* QEMU's rule for ids: a letter, then letters, digits, '-', '.', '_'. */
static bool id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

/*
 * Copy one element of params starting at *pp up to an unescaped ',' or
 * (when stop_at_eq) '=', turning ",," into ','.  Returns the stop char.
 */
static char take_token(const char **pp, bool stop_at_eq, GString *out)
{
    const char *p = *pp;

    g_string_truncate(out, 0);
    for (;;) {
        if (*p == '\0') {
            break;
        }
        if (*p == ',') {
            if (p[1] == ',') {
                g_string_append_c(out, ',');
                p += 2;
                continue;
            }
            break;
        }
        if (*p == '=' && stop_at_eq) {
            break;
        }
        g_string_append_c(out, *p++);
    }
    *pp = p;
    return *p;
}

static void opts_add(Opts *opts, const char *name, const char *value)
{
    Opt *o = g_new0(Opt, 1);

    o->name = g_strdup(name);
    o->str = g_strdup(value);
    g_ptr_array_add(opts->opts, o);
}

static void opt_free(gpointer p)
{
    Opt *o = p;

    g_free(o->name);
    g_free(o->str);
    g_free(o);
}

/* Turn a bare "key" / "nokey" into key=on / key=off where that is allowed. */
static bool resolve_flag(const OptsList *list, const char *word, char **name,
                         const char **value, Error **errp)
{
    const OptDesc *d = find_desc(list, word);

    if (d && d->type == OPT_BOOL) {
        *name = g_strdup(word);
        *value = "on";
        return true;
    }
    if (!strncmp(word, "no", 2)) {
        const OptDesc *nd = find_desc(list, word + 2);

        if (nd && nd->type == OPT_BOOL) {
            *name = g_strdup(word + 2);
            *value = "off";
            return true;
        }
    }
    if (accepts_any_key(list) && *word) {
        /* A schema-less list cannot know the type: QEMU means "on". */
        *name = g_strdup(word);
        *value = "on";
        return true;
    }
    if (d) {
        error_setg(errp, "Expected '=' after parameter '%s'", word);
    } else {
        error_setg(errp, "Invalid parameter '%s'", word);
    }
    return false;
}

Opts *opts_parse(const OptsList *list, const char *params, Error **errp)
{
    Opts *opts = g_new0(Opts, 1);
    GString *key = g_string_new(NULL), *val = g_string_new(NULL);
    const char *p = params ? params : "";
    bool first = true;

    opts->list = list;
    opts->opts = g_ptr_array_new_with_free_func(opt_free);

    while (*p) {
        char stop = take_token(&p, true, key);
        char *name = NULL;
        const char *value;

        if (stop == '=') {
            p++;
            take_token(&p, false, val);
            name = g_strdup(key->str);
            value = val->str;
        } else if (first && list->implied_key) {
            name = g_strdup(list->implied_key);
            value = key->str;
            if (!*value) {
                /* ",accel=tcg": no implied value given. */
                g_free(name);
                name = NULL;
            }
        } else if (!resolve_flag(list, key->str, &name, &value, errp)) {
            goto fail;
        }
        first = false;
        if (*p == ',') {
            p++;
        }
        if (!name) {
            continue;
        }
        if (!*name) {
            error_setg(errp, "Invalid parameter ''");
            g_free(name);
            goto fail;
        }
        if (!strcmp(name, "id")) {
            if (!id_wellformed(value)) {
                /* One line: the command line reports errors on one line. */
                error_setg(errp, "Parameter 'id' expects an identifier (letters, "
                           "digits, '-', '.', '_', starting with a letter)");
                g_free(name);
                goto fail;
            }
            if (opts->id) {
                error_setg(errp, "Parameter 'id' given twice");
                g_free(name);
                goto fail;
            }
            opts->id = g_strdup(value);
            g_free(name);
            continue;
        }
        if (!accepts_any_key(list)) {
            const OptDesc *d = find_desc(list, name);

            if (!d) {
                error_setg(errp, "Invalid parameter '%s'", name);
                g_free(name);
                goto fail;
            }
            if (!validate_value(d, value, errp)) {
                g_free(name);
                goto fail;
            }
        }
        opts_add(opts, name, value);
        g_free(name);
    }
    g_string_free(key, true);
    g_string_free(val, true);
    return opts;

fail:
    g_string_free(key, true);
    g_string_free(val, true);
    opts_free(opts);
    return NULL;
}

void opts_free(Opts *opts)
{
    if (!opts) {
        return;
    }
    g_ptr_array_unref(opts->opts);
    g_free(opts->id);
    g_free(opts);
}

bool opts_is_help(const char *params)
{
    const char *p = params;
    GString *tok;
    bool help = false;

    if (!params) {
        return false;
    }
    tok = g_string_new(NULL);
    while (!help) {
        take_token(&p, false, tok);
        help = !strcmp(tok->str, "help") || !strcmp(tok->str, "?") ||
               !strcmp(tok->str, "help=on");
        if (*p != ',') {
            break;
        }
        p++;
    }
    g_string_free(tok, true);
    return help;
}

/* ------------------------------------------------------------ getters */

static Opt *opts_find(Opts *opts, const char *name)
{
    for (guint i = opts->opts->len; i > 0; i--) {
        Opt *o = g_ptr_array_index(opts->opts, i - 1);

        if (!strcmp(o->name, name)) {
            return o;
        }
    }
    return NULL;
}

const char *opts_get(Opts *opts, const char *name)
{
    Opt *o;

    if (!strcmp(name, "id")) {
        return opts->id;
    }
    o = opts_find(opts, name);
    return o ? o->str : NULL;
}

bool opts_has(Opts *opts, const char *name)
{
    return opts_get(opts, name) != NULL;
}

bool opts_get_bool(Opts *opts, const char *name, bool defval, Error **errp)
{
    const char *s = opts_get(opts, name);
    bool v;

    if (!s) {
        return defval;
    }
    if (!opt_parse_bool(s, &v)) {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
        return defval;
    }
    return v;
}

static bool parse_size_bytes(const char *str, uint64_t *v, Error **errp)
{
    return parse_size_unit(str, 1, v, errp);
}

/*
 * Read name with parse, or defval when it is absent.  The parser's own
 * message is replaced by one that names the parameter and what it expects.
 */
static uint64_t opts_get_uint(Opts *opts, const char *name, uint64_t defval,
                              bool (*parse)(const char *, uint64_t *, Error **),
                              const char *what, Error **errp)
{
    const char *s = opts_get(opts, name);
    uint64_t v;
    Error *err = NULL;

    if (!s) {
        return defval;
    }
    if (!parse(s, &v, &err)) {
        error_free(err);
        error_setg(errp, "Parameter '%s' expects %s", name, what);
        return defval;
    }
    return v;
}

uint64_t opts_get_number(Opts *opts, const char *name, uint64_t defval, Error **errp)
{
    return opts_get_uint(opts, name, defval, parse_uint64, "a number", errp);
}

uint64_t opts_get_size(Opts *opts, const char *name, uint64_t defval, Error **errp)
{
    return opts_get_uint(opts, name, defval, parse_size_bytes, "a size", errp);
}

char *opts_take(Opts *opts, const char *name)
{
    char *val = NULL;

    if (!strcmp(name, "id")) {
        val = opts->id;
        opts->id = NULL;
        return val;
    }
    /* The last value wins; earlier duplicates go too. */
    for (guint i = opts->opts->len; i > 0; i--) {
        Opt *o = g_ptr_array_index(opts->opts, i - 1);

        if (!strcmp(o->name, name)) {
            if (!val) {
                val = g_strdup(o->str);
            }
            g_ptr_array_remove_index(opts->opts, i - 1);
        }
    }
    return val;
}

void opts_to_arrays(Opts *opts, GPtrArray **keys, GPtrArray **values)
{
    *keys = g_ptr_array_new_with_free_func(g_free);
    *values = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < opts->opts->len; i++) {
        Opt *o = g_ptr_array_index(opts->opts, i);

        g_ptr_array_add(*keys, g_strdup(o->name));
        g_ptr_array_add(*values, g_strdup(o->str));
    }
}

static void append_escaped(GString *s, const char *str)
{
    for (; *str; str++) {
        g_string_append_c(s, *str);
        if (*str == ',') {
            g_string_append_c(s, ',');
        }
    }
}

char *opts_to_string(Opts *opts)
{
    GString *s = g_string_new(NULL);

    if (opts->id) {
        g_string_append(s, "id=");
        append_escaped(s, opts->id);
    }
    for (guint i = 0; i < opts->opts->len; i++) {
        Opt *o = g_ptr_array_index(opts->opts, i);

        if (s->len) {
            g_string_append_c(s, ',');
        }
        append_escaped(s, o->name);
        g_string_append_c(s, '=');
        append_escaped(s, o->str);
    }
    return g_string_free(s, false);
}

void opts_print_help(const OptsList *list, FILE *f)
{
    static const char *const type_names[] = {
        [OPT_STRING] = "str", [OPT_BOOL] = "bool", [OPT_NUMBER] = "num",
        [OPT_SIZE] = "size",
    };

    if (accepts_any_key(list)) {
        fprintf(f, "%s options: any key=value\n", list->name);
        return;
    }
    fprintf(f, "%s options:\n", list->name);
    for (const OptDesc *d = list->desc; d->name; d++) {
        GString *line = g_string_new(NULL);

        g_string_printf(line, "  %s=<%s>", d->name, type_names[d->type]);
        if (d->help || d->def_value_str) {
            g_string_append_printf(line, "%*s - %s", line->len < 24 ? (int)(24 - line->len) : 0,
                                   "", d->help ? d->help : "");
            if (d->def_value_str) {
                g_string_append_printf(line, " (default: %s)", d->def_value_str);
            }
        }
        fprintf(f, "%s\n", line->str);
        g_string_free(line, true);
    }
}
