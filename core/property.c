/*
 * Typed class properties: the PropertyInfo implementations behind
 * DEFINE_PROP_*, and the string parsers the command line shares with them.
 *
 * A property is a field of the instance at a fixed offset.  Values arrive as
 * strings (-device x,prop=val, -object, -machine) or as typed values (machine
 * code), and both paths go through the same range checks.
 */
#include "core/osdep.h"
#include "core/object.h"

#define FIELD(obj, prop, type) ((type *)((char *)(obj) + (prop)->offset))

static void prop_error_value(Error **errp, Object *obj, const Property *prop,
                             const char *value)
{
    error_setg(errp, "Property '%s.%s' doesn't take value '%s'",
               object_get_typename(obj), prop->name, value);
}

bool parse_bool(const char *str, bool *v)
{
    static const char *const yes[] = { "on", "yes", "true" };
    static const char *const no[] = { "off", "no", "false" };

    if (!str) {
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(str, yes[i])) {
            *v = true;
            return true;
        }
        if (!strcmp(str, no[i])) {
            *v = false;
            return true;
        }
    }
    return false;
}

/*
 * Strict unsigned magnitude: decimal, or 0x/0X hex; no sign, no spaces,
 * nothing after the digits.  Leading zeros are decimal (no octal surprise).
 */
static bool parse_magnitude(const char *s, uint64_t *v)
{
    int base = 10;
    uint64_t acc = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        int d;

        if (*s >= '0' && *s <= '9') {
            d = *s - '0';
        } else if (base == 16 && g_ascii_isxdigit(*s)) {
            d = g_ascii_xdigit_value(*s);
        } else {
            return false;
        }
        if (acc > (UINT64_MAX - d) / base) {
            return false;
        }
        acc = acc * base + d;
    }
    *v = acc;
    return true;
}

static const char size_suffixes[] = "BKMGTPE";

bool parse_size(const char *str, uint64_t *v, Error **errp)
{
    const char *p = str;
    uint64_t whole = 0, mult = 1, frac_num = 0, frac_den = 1, result;
    bool hex = false, digits = false;
    const char *suf;

    if (!str) {
        error_setg(errp, "invalid size '(null)'");
        return false;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        hex = true;
        p += 2;
    }
    for (; hex ? g_ascii_isxdigit(*p) : g_ascii_isdigit(*p); p++) {
        int d = g_ascii_xdigit_value(*p);

        digits = true;
        if (whole > (UINT64_MAX - d) / (hex ? 16 : 10)) {
            goto bad;
        }
        whole = whole * (hex ? 16 : 10) + d;
    }
    if (!digits) {
        goto bad;
    }
    if (*p == '.' && !hex) {
        bool fdigits = false;

        for (p++; g_ascii_isdigit(*p); p++) {
            fdigits = true;
            /* Enough precision for exact binary suffixes; extra digits are
             * truncated like QEMU's qemu_strtosz. */
            if (frac_den < 1000000000000ULL) {
                frac_num = frac_num * 10 + (*p - '0');
                frac_den *= 10;
            }
        }
        if (!fdigits) {
            goto bad;
        }
    }
    if (*p) {
        suf = strchr(size_suffixes, g_ascii_toupper(*p));
        if (!suf || p[1]) {
            goto bad;
        }
        mult = 1ULL << (10 * (suf - size_suffixes));
        p++;
    }
    /* A fraction of a byte makes no sense: "1.5" alone is refused. */
    if (frac_num && mult == 1) {
        goto bad;
    }
    if (whole > UINT64_MAX / mult) {
        goto bad;
    }
    result = whole * mult;
    if (frac_num) {
        /* mult <= 2^60 and frac_num < frac_den <= 10^12: use 128 bits. */
        unsigned __int128 f = (unsigned __int128)frac_num * mult / frac_den;

        if (result > UINT64_MAX - (uint64_t)f) {
            goto bad;
        }
        result += (uint64_t)f;
    }
    *v = result;
    return true;
bad:
    error_setg(errp, "invalid size '%s'", str);
    return false;
}

bool id_wellformed(const char *id)
{
    if (!id || !g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

/* bool */

static bool prop_bool_parse(Object *obj, const Property *prop, const char *str,
                            Error **errp)
{
    bool v;

    if (!parse_bool(str, &v)) {
        /* QEMU's wording for a boolean, as the option layer says it too. */
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", prop->name);
        return false;
    }
    *FIELD(obj, prop, bool) = v;
    return true;
}

static char *prop_bool_print(Object *obj, const Property *prop)
{
    return g_strdup(*FIELD(obj, prop, bool) ? "on" : "off");
}

static void prop_bool_default(Object *obj, const Property *prop)
{
    *FIELD(obj, prop, bool) = prop->defval.u != 0;
}

const PropertyInfo prop_info_bool = {
    .type = "bool",
    .desc = "on/off",
    .parse = prop_bool_parse,
    .print = prop_bool_print,
    .set_default = prop_bool_default,
};

/* Integers: one parser with the range of each width. */

typedef struct IntRange {
    bool is_signed;
    int64_t min;
    uint64_t max;
    int width;       /* bytes */
} IntRange;

static IntRange prop_int_range(const Property *prop)
{
    const PropertyInfo *i = prop->info;

    if (i == &prop_info_uint8) {
        return (IntRange){ false, 0, UINT8_MAX, 1 };
    } else if (i == &prop_info_uint16) {
        return (IntRange){ false, 0, UINT16_MAX, 2 };
    } else if (i == &prop_info_uint32) {
        return (IntRange){ false, 0, UINT32_MAX, 4 };
    } else if (i == &prop_info_int32) {
        return (IntRange){ true, INT32_MIN, INT32_MAX, 4 };
    } else if (i == &prop_info_int64) {
        return (IntRange){ true, INT64_MIN, INT64_MAX, 8 };
    }
    return (IntRange){ false, 0, UINT64_MAX, 8 };     /* uint64, size */
}

static void prop_int_store(Object *obj, const Property *prop, IntRange r, uint64_t v)
{
    void *f = FIELD(obj, prop, char);

    switch (r.width) {
    case 1:
        *(uint8_t *)f = v;
        break;
    case 2:
        *(uint16_t *)f = v;
        break;
    case 4:
        *(uint32_t *)f = v;
        break;
    default:
        *(uint64_t *)f = v;
        break;
    }
}

static uint64_t prop_int_load(Object *obj, const Property *prop, IntRange r)
{
    void *f = FIELD(obj, prop, char);

    switch (r.width) {
    case 1:
        return *(uint8_t *)f;
    case 2:
        return *(uint16_t *)f;
    case 4:
        return r.is_signed ? (uint64_t)(int64_t) * (int32_t *)f : *(uint32_t *)f;
    default:
        return *(uint64_t *)f;
    }
}

/* Range-checked store of a typed value; str is what the user wrote, if any. */
static bool prop_int_set(Object *obj, const Property *prop, bool negative,
                         uint64_t mag, const char *str, Error **errp)
{
    IntRange r = prop_int_range(prop);
    char *shown = str ? NULL
                  : negative ? g_strdup_printf("-%" PRIu64, mag)
                             : g_strdup_printf("%" PRIu64, mag);
    bool ok;

    if (r.is_signed) {
        ok = negative ? mag <= (uint64_t)-(r.min + 1) + 1 : mag <= r.max;
    } else {
        ok = !negative || mag == 0;
        ok = ok && mag <= r.max;
    }
    if (!ok) {
        error_setg(errp, "Property '%s.%s' doesn't take value '%s' "
                   "(minimum: %" PRId64 ", maximum: %" PRIu64 ")",
                   object_get_typename(obj), prop->name, str ? str : shown,
                   r.min, r.max);
        g_free(shown);
        return false;
    }
    g_free(shown);
    prop_int_store(obj, prop, r, negative ? -mag : mag);
    return true;
}

static bool prop_int_parse(Object *obj, const Property *prop, const char *str,
                           Error **errp)
{
    bool negative = str[0] == '-';
    uint64_t mag;

    if (!parse_magnitude(str + negative, &mag)) {
        prop_error_value(errp, obj, prop, str);
        return false;
    }
    return prop_int_set(obj, prop, negative, mag, str, errp);
}

static char *prop_int_print(Object *obj, const Property *prop)
{
    IntRange r = prop_int_range(prop);
    uint64_t v = prop_int_load(obj, prop, r);

    return r.is_signed ? g_strdup_printf("%" PRId64, (int64_t)v)
                       : g_strdup_printf("%" PRIu64, v);
}

static void prop_int_default(Object *obj, const Property *prop)
{
    prop_int_store(obj, prop, prop_int_range(prop), prop->defval.u);
}

#define INT_PROP_INFO(_name, _type)                                        \
    const PropertyInfo _name = {                                           \
        .type = _type,                                                     \
        .parse = prop_int_parse,                                           \
        .print = prop_int_print,                                           \
        .set_default = prop_int_default,                                   \
    }

INT_PROP_INFO(prop_info_uint8, "uint8");
INT_PROP_INFO(prop_info_uint16, "uint16");
INT_PROP_INFO(prop_info_uint32, "uint32");
INT_PROP_INFO(prop_info_uint64, "uint64");
INT_PROP_INFO(prop_info_int32, "int32");
INT_PROP_INFO(prop_info_int64, "int64");

/* size: a uint64 with K/M/G/T/P/E suffixes. */

static bool prop_size_parse(Object *obj, const Property *prop, const char *str,
                            Error **errp)
{
    uint64_t v;

    if (!parse_size(str, &v, NULL)) {
        error_setg(errp, "Parameter '%s' expects a size value", prop->name);
        error_append_hint(errp, "Sizes are a number with an optional K, M, G, T, P or E "
                          "suffix, such as 512, 64K, 1.5G\n");
        return false;
    }
    *FIELD(obj, prop, uint64_t) = v;
    return true;
}

const PropertyInfo prop_info_size = {
    .type = "size",
    .parse = prop_size_parse,
    .print = prop_int_print,
    .set_default = prop_int_default,
};

/* str */

static bool prop_string_parse(Object *obj, const Property *prop, const char *str,
                              Error **errp)
{
    char **f = FIELD(obj, prop, char *);

    g_free(*f);
    *f = g_strdup(str);
    return true;
}

static char *prop_string_print(Object *obj, const Property *prop)
{
    char *s = *FIELD(obj, prop, char *);

    return g_strdup(s ? s : "");
}

static void prop_string_default(Object *obj, const Property *prop)
{
    if (prop->defval.s) {
        *FIELD(obj, prop, char *) = g_strdup(prop->defval.s);
    }
}

static void prop_string_release(Object *obj, const Property *prop)
{
    char **f = FIELD(obj, prop, char *);

    g_free(*f);
    *f = NULL;
}

const PropertyInfo prop_info_string = {
    .type = "str",
    .parse = prop_string_parse,
    .print = prop_string_print,
    .set_default = prop_string_default,
    .release = prop_string_release,
};

/* link: a reference to another object, named by -object id or by path. */

static bool prop_link_store(Object *obj, const Property *prop, Object *target,
                            const char *str, Error **errp)
{
    Object **f = FIELD(obj, prop, Object *);

    if (target && prop->link_type && !object_dynamic_cast(target, prop->link_type)) {
        error_setg(errp, "Property '%s.%s' doesn't take value '%s': "
                   "object of type '%s' is not a '%s'",
                   object_get_typename(obj), prop->name, str,
                   object_get_typename(target), prop->link_type);
        return false;
    }
    object_ref(target);
    object_unref(*f);
    *f = target;
    return true;
}

static bool prop_link_parse(Object *obj, const Property *prop, const char *str,
                            Error **errp)
{
    Object *target = NULL;

    if (*str) {
        target = object_resolve_path_component(object_get_objects_root(), str);
        if (!target) {
            target = object_resolve_path(str);
        }
        if (!target) {
            error_setg(errp, "Property '%s.%s' doesn't take value '%s': "
                       "no object with that id or path",
                       object_get_typename(obj), prop->name, str);
            return false;
        }
    }
    return prop_link_store(obj, prop, target, str, errp);
}

static char *prop_link_print(Object *obj, const Property *prop)
{
    Object *target = *FIELD(obj, prop, Object *);
    char *path;

    if (!target) {
        return g_strdup("");
    }
    path = object_get_canonical_path(target);
    return path ? path : g_strdup(target->name ? target->name : "");
}

static void prop_link_release(Object *obj, const Property *prop)
{
    Object **f = FIELD(obj, prop, Object *);

    object_unref(*f);
    *f = NULL;
}

const PropertyInfo prop_info_link = {
    .type = "link",
    .parse = prop_link_parse,
    .print = prop_link_print,
    .release = prop_link_release,
};

/* Lookup and generic access. */

void object_class_set_props(ObjectClass *klass, const Property *props)
{
    klass->props = props;
}

void object_class_property_foreach(ObjectClass *klass,
                                   void (*fn)(const Property *prop, void *opaque),
                                   void *opaque)
{
    for (; klass; klass = object_class_get_parent(klass)) {
        for (const Property *p = klass->props; p && p->name; p++) {
            fn(p, opaque);
        }
    }
}

const Property *object_property_find(Object *obj, const char *name)
{
    for (ObjectClass *k = obj->class; k; k = object_class_get_parent(k)) {
        for (const Property *p = k->props; p && p->name; p++) {
            if (!strcmp(p->name, name)) {
                return p;
            }
        }
    }
    return NULL;
}

static const Property *prop_find_err(Object *obj, const char *name, Error **errp)
{
    const Property *p = object_property_find(obj, name);

    if (!p) {
        error_setg(errp, "Property '%s.%s' not found", object_get_typename(obj), name);
    }
    return p;
}

bool object_property_parse(Object *obj, const char *name, const char *value,
                           Error **errp)
{
    const Property *p = prop_find_err(obj, name, errp);

    if (!p) {
        return false;
    }
    if (!value) {
        prop_error_value(errp, obj, p, "");
        return false;
    }
    return p->info->parse(obj, p, value, errp);
}

char *object_property_print(Object *obj, const char *name, Error **errp)
{
    const Property *p;

    if (!strcmp(name, "type") && !object_property_find(obj, name)) {
        return g_strdup(object_get_typename(obj));
    }
    p = prop_find_err(obj, name, errp);

    return p ? p->info->print(obj, p) : NULL;
}

static bool prop_is_int(const Property *p)
{
    const PropertyInfo *i = p->info;

    return i == &prop_info_uint8 || i == &prop_info_uint16 || i == &prop_info_uint32 ||
           i == &prop_info_uint64 || i == &prop_info_int32 || i == &prop_info_int64 ||
           i == &prop_info_size;
}

static const Property *prop_find_kind(Object *obj, const char *name,
                                      const PropertyInfo *want, Error **errp)
{
    const Property *p = prop_find_err(obj, name, errp);

    if (p && (want ? p->info != want : !prop_is_int(p))) {
        error_setg(errp, "Property '%s.%s' is of type '%s', not '%s'",
                   object_get_typename(obj), name, p->info->type,
                   want ? want->type : "integer");
        return NULL;
    }
    return p;
}

bool object_property_set_bool(Object *obj, const char *name, bool v, Error **errp)
{
    const Property *p = prop_find_kind(obj, name, &prop_info_bool, errp);

    if (p) {
        *FIELD(obj, p, bool) = v;
    }
    return p != NULL;
}

bool object_property_set_int(Object *obj, const char *name, int64_t v, Error **errp)
{
    const Property *p = prop_find_kind(obj, name, NULL, errp);

    return p && prop_int_set(obj, p, v < 0, v < 0 ? -(uint64_t)v : (uint64_t)v,
                             NULL, errp);
}

bool object_property_set_uint(Object *obj, const char *name, uint64_t v, Error **errp)
{
    const Property *p = prop_find_kind(obj, name, NULL, errp);

    return p && prop_int_set(obj, p, false, v, NULL, errp);
}

bool object_property_set_str(Object *obj, const char *name, const char *v,
                             Error **errp)
{
    const Property *p = prop_find_err(obj, name, errp);

    if (!p) {
        return false;
    }
    if (p->info == &prop_info_string) {
        char **f = FIELD(obj, p, char *);

        g_free(*f);
        *f = g_strdup(v);
        return true;
    }
    /* Any other kind takes its string form (enums, chardev names, ...). */
    return object_property_parse(obj, name, v ? v : "", errp);
}

bool object_property_set_link(Object *obj, const char *name, Object *target,
                              Error **errp)
{
    const Property *p = prop_find_kind(obj, name, &prop_info_link, errp);
    char *path;
    bool ok;

    if (!p) {
        return false;
    }
    path = target ? object_get_canonical_path(target) : NULL;
    ok = prop_link_store(obj, p, target,
                         path ? path : target ? object_get_typename(target) : "",
                         errp);
    g_free(path);
    return ok;
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    const Property *p = prop_find_kind(obj, name, &prop_info_bool, errp);

    return p ? *FIELD(obj, p, bool) : false;
}

int64_t object_property_get_int(Object *obj, const char *name, Error **errp)
{
    const Property *p = prop_find_kind(obj, name, NULL, errp);

    return p ? (int64_t)prop_int_load(obj, p, prop_int_range(p)) : 0;
}

uint64_t object_property_get_uint(Object *obj, const char *name, Error **errp)
{
    const Property *p = prop_find_kind(obj, name, NULL, errp);

    return p ? prop_int_load(obj, p, prop_int_range(p)) : 0;
}

char *object_property_get_str(Object *obj, const char *name, Error **errp)
{
    const Property *p = prop_find_kind(obj, name, &prop_info_string, errp);

    return p ? g_strdup(*FIELD(obj, p, char *)) : NULL;
}

Object *object_property_get_link(Object *obj, const char *name, Error **errp)
{
    const Property *p = prop_find_kind(obj, name, &prop_info_link, errp);

    return p ? *FIELD(obj, p, Object *) : NULL;
}

char *object_property_type_name(const Property *prop)
{
    if (prop->info == &prop_info_link && prop->link_type) {
        return g_strdup_printf("link<%s>", prop->link_type);
    }
    return g_strdup(prop->info->type);
}

char *object_property_default_string(const Property *prop)
{
    const PropertyInfo *i = prop->info;

    if (i == &prop_info_string) {
        return prop->set_default && prop->defval.s
               ? g_strdup_printf("\"%s\"", prop->defval.s) : NULL;
    }
    if (!prop->set_default) {
        return NULL;
    }
    if (i == &prop_info_bool) {
        /* JSON spelling, as QEMU's -device NAME,help shows defaults. */
        return g_strdup(prop->defval.u ? "true" : "false");
    }
    if (i == &prop_info_int32 || i == &prop_info_int64) {
        return g_strdup_printf("%" PRId64, prop->defval.i);
    }
    if (prop_is_int(prop)) {
        return g_strdup_printf("%" PRIu64, prop->defval.u);
    }
    return NULL;
}

typedef struct PropListCtx {
    void (*fn)(const char *name, const char *type, void *opaque);
    void *opaque;
    GHashTable *seen;
} PropListCtx;

static void prop_list_one(const Property *prop, void *opaque)
{
    PropListCtx *c = opaque;
    char *type;

    /* A redeclared field appears once, with the most derived declaration. */
    if (g_hash_table_contains(c->seen, prop->name)) {
        return;
    }
    g_hash_table_add(c->seen, (gpointer)prop->name);
    type = object_property_type_name(prop);
    c->fn(prop->name, type, c->opaque);
    g_free(type);
}

void object_property_list(Object *obj,
                          void (*fn)(const char *name, const char *type, void *opaque),
                          void *opaque)
{
    PropListCtx c = { fn, opaque, g_hash_table_new(g_str_hash, g_str_equal) };

    if (!object_property_find(obj, "type")) {
        fn("type", "string", opaque);
    }
    object_class_property_foreach(obj->class, prop_list_one, &c);
    for (guint i = 0; obj->children && i < obj->children->len; i++) {
        Object *child = g_ptr_array_index(obj->children, i);
        char *type = g_strdup_printf("child<%s>", object_get_typename(child));

        fn(child->name, type, opaque);
        g_free(type);
    }
    g_hash_table_destroy(c.seen);
}

typedef struct PropHelpCtx {
    GPtrArray *props;
    GHashTable *seen;
    const char *skip;
} PropHelpCtx;

static void prop_help_collect(const Property *prop, void *opaque)
{
    PropHelpCtx *c = opaque;

    /* The walk starts at the class itself: a redeclared field keeps the
     * most derived declaration. */
    if ((c->skip && !strcmp(prop->name, c->skip)) ||
        g_hash_table_contains(c->seen, prop->name)) {
        return;
    }
    g_hash_table_add(c->seen, (gpointer)prop->name);
    g_ptr_array_add(c->props, (gpointer)prop);
}

static gint prop_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp((*(const Property *const *)a)->name,
                  (*(const Property *const *)b)->name);
}

void object_class_props_help(GString *out, ObjectClass *klass, const char *skip,
                             bool qom_type_names)
{
    PropHelpCtx c = { g_ptr_array_new(), g_hash_table_new(g_str_hash, g_str_equal), skip };

    object_class_property_foreach(klass, prop_help_collect, &c);
    g_ptr_array_sort(c.props, prop_name_cmp);
    for (guint i = 0; i < c.props->len; i++) {
        const Property *p = g_ptr_array_index(c.props, i);
        const char *desc = p->desc ? p->desc : p->info->desc;
        char *type = object_property_type_name(p);
        char *head = g_strdup_printf("  %s=<%s>", p->name,
                                     qom_type_names && !strcmp(type, "str") ? "string" : type);
        char *def = object_property_default_string(p);

        /* QEMU's layout: name=<type> padded to 24, " - desc (default: X)". */
        if (desc || def) {
            g_string_append_printf(out, "%-24s - %s", head, desc ? desc : "");
            if (def) {
                g_string_append_printf(out, " (default: %s)", def);
            }
            g_string_append_c(out, '\n');
        } else {
            g_string_append_printf(out, "%s\n", head);
        }
        g_free(type);
        g_free(head);
        g_free(def);
    }
    g_hash_table_destroy(c.seen);
    g_ptr_array_free(c.props, true);
}
