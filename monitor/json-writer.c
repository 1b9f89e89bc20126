/*
 * JSON text in QEMU's layout (see qjson.h).  json-c's own printer spaces
 * things differently ("{ }"), and QMP clients that compare text (tests,
 * scripts grepping output) expect QEMU's exact form.
 */
#include "monitor/qjson.h"

static void indent(GString *out, int level)
{
    g_string_append_c(out, '\n');
    for (int i = 0; i < level; i++) {
        g_string_append(out, "    ");
    }
}

/* Decode one UTF-8 sequence (RFC 3629 §3); -1 if malformed. */
static int32_t utf8_decode(const unsigned char *p, size_t len, size_t *used)
{
    int32_t cp;
    size_t n;

    if (p[0] < 0x80) {
        *used = 1;
        return p[0];
    } else if ((p[0] & 0xe0) == 0xc0) {
        n = 2;
        cp = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3;
        cp = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4;
        cp = p[0] & 0x07;
    } else {
        *used = 1;
        return -1;
    }
    if (n > len) {
        *used = 1;
        return -1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *used = i;
            return -1;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    *used = n;
    /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
        return -1;
    }
    return cp;
}

static void write_string(GString *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    g_string_append_c(out, '"');
    while (i < len) {
        size_t used;
        int32_t cp = utf8_decode(p + i, len - i, &used);

        i += used;
        switch (cp) {
        case '"':
            g_string_append(out, "\\\"");
            continue;
        case '\\':
            g_string_append(out, "\\\\");
            continue;
        case '\b':
            g_string_append(out, "\\b");
            continue;
        case '\f':
            g_string_append(out, "\\f");
            continue;
        case '\n':
            g_string_append(out, "\\n");
            continue;
        case '\r':
            g_string_append(out, "\\r");
            continue;
        case '\t':
            g_string_append(out, "\\t");
            continue;
        }
        if (cp < 0) {
            cp = 0xfffd;                        /* the replacement character */
        }
        if (cp >= 0x20 && cp < 0x7f) {
            g_string_append_c(out, (char)cp);
        } else if (cp < 0x10000) {
            g_string_append_printf(out, "\\u%04X", (unsigned)cp);
        } else {
            /* RFC 8259 §7: outside the BMP as a UTF-16 surrogate pair. */
            cp -= 0x10000;
            g_string_append_printf(out, "\\u%04X\\u%04X", 0xd800 + (unsigned)(cp >> 10),
                                   0xdc00 + (unsigned)(cp & 0x3ff));
        }
    }
    g_string_append_c(out, '"');
}

static void write_value(GString *out, json_object *obj, bool pretty, int level)
{
    bool first = true;

    switch (json_object_get_type(obj)) {
    case json_type_null:
        g_string_append(out, "null");
        break;
    case json_type_boolean:
        g_string_append(out, json_object_get_boolean(obj) ? "true" : "false");
        break;
    case json_type_int:
        if (json_object_get_int64(obj) == INT64_MAX) {
            /* json-c keeps values above INT64_MAX as uint64. */
            g_string_append_printf(out, "%" PRIu64, json_object_get_uint64(obj));
        } else {
            g_string_append_printf(out, "%" PRId64, json_object_get_int64(obj));
        }
        break;
    case json_type_double: {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        g_string_append(out, g_ascii_dtostr(buf, sizeof(buf), json_object_get_double(obj)));
        break;
    }
    case json_type_string:
        write_string(out, json_object_get_string(obj),
                     (size_t)json_object_get_string_len(obj));
        break;
    case json_type_object:
        g_string_append_c(out, '{');
        json_object_object_foreach(obj, key, val) {
            if (!first) {
                g_string_append_c(out, ',');
            }
            if (pretty) {
                indent(out, level + 1);
            } else if (!first) {
                g_string_append_c(out, ' ');
            }
            first = false;
            write_string(out, key, strlen(key));
            g_string_append(out, ": ");
            write_value(out, val, pretty, level + 1);
        }
        if (pretty) {
            indent(out, level);
        }
        g_string_append_c(out, '}');
        break;
    case json_type_array:
        g_string_append_c(out, '[');
        for (size_t i = 0; i < json_object_array_length(obj); i++) {
            if (i) {
                g_string_append_c(out, ',');
            }
            if (pretty) {
                indent(out, level + 1);
            } else if (i) {
                g_string_append_c(out, ' ');
            }
            write_value(out, json_object_array_get_idx(obj, i), pretty, level + 1);
        }
        if (pretty) {
            indent(out, level);
        }
        g_string_append_c(out, ']');
        break;
    }
}

void qjson_write(GString *out, json_object *obj, bool pretty)
{
    write_value(out, obj, pretty, 0);
}

char *qjson_to_string(json_object *obj, bool pretty)
{
    GString *out = g_string_new(NULL);

    qjson_write(out, obj, pretty);
    return g_string_free(out, false);
}
