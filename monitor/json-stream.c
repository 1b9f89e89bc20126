/*
 * Cutting a QMP byte stream into JSON values (see qjson.h).
 *
 * The scanner here knows just enough of RFC 8259's lexical grammar (§2
 * structural characters and whitespace, §7 strings, §3 literal names) to
 * know where a top-level value ends and which bytes can never be JSON.
 * The grammar proper is json-c's: every byte of an object or array goes
 * to json_tokener_parse_ex as soon as the chunk it came in has been
 * scanned.  Top-level scalars (which QMP rejects anyway) are collected
 * and parsed at their end, since a bare number has no closing byte.
 *
 * Recovery follows QEMU: a byte that cannot start or continue a token
 * ("stray") and a raw control character inside a string reset the stream
 * at once, so the bytes after it are read as the start of new input; a
 * grammar error reported by json-c (or an unknown keyword) skips to the
 * end of the enclosing top-level value first.
 */
#include "monitor/qjson.h"

typedef enum ScanState {
    SCAN_IDLE,          /* between top-level values */
    SCAN_CONTAINER,     /* inside a top-level object/array */
    SCAN_TOP_SCALAR,    /* a bare number/keyword at depth 0 */
    SCAN_TOP_STRING,    /* a bare string at depth 0 */
} ScanState;

struct JsonStream {
    JsonStreamEmit *emit;
    void *opaque;
    json_tokener *tok;
    int max_depth;
    size_t max_size;

    ScanState state;
    int depth;
    bool in_string;
    bool escape;
    bool skipping;          /* json-c gave up on this value: wait for its end */
    size_t size;            /* bytes of the current value so far */
    size_t tokens;          /* tokens of the current container so far */
    size_t max_tokens;
    GString *token;         /* current string/keyword text, for messages */
    GString *scalar;        /* a top-level scalar being collected */
    GString *pending;       /* container bytes for json-c, strict JSON */
    char quote;             /* the current string's quote: " or ' */
    bool token_is_word;     /* token holds a bare word (keyword or number) */
};

/* Message text for a token: at most this many bytes of it. */
#define TOKEN_TEXT_MAX 64

static json_tokener *tokener_new(int depth)
{
    /* json-c counts the outermost container as depth 1, as QEMU does. */
    json_tokener *tok = json_tokener_new_ex(depth + 1);

    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    return tok;
}

JsonStream *json_stream_new(JsonStreamEmit *emit, void *opaque)
{
    JsonStream *s = g_new0(JsonStream, 1);

    s->emit = emit;
    s->opaque = opaque;
    s->max_depth = JSON_MAX_NESTING;
    s->max_size = JSON_MAX_TOKEN_SIZE;
    s->max_tokens = JSON_MAX_TOKEN_COUNT;
    s->tok = tokener_new(s->max_depth);
    s->token = g_string_new(NULL);
    s->scalar = g_string_new(NULL);
    s->pending = g_string_new(NULL);
    return s;
}

void json_stream_free(JsonStream *s)
{
    if (!s) {
        return;
    }
    json_tokener_free(s->tok);
    g_string_free(s->token, true);
    g_string_free(s->scalar, true);
    g_string_free(s->pending, true);
    g_free(s);
}

void json_stream_set_limits(JsonStream *s, int max_depth, size_t max_size)
{
    if (max_depth > 0) {
        s->max_depth = max_depth;
        json_tokener_free(s->tok);
        s->tok = tokener_new(max_depth);
    }
    if (max_size > 0) {
        s->max_size = max_size;
    }
}

void json_stream_set_token_limit(JsonStream *s, size_t max_tokens)
{
    s->max_tokens = max_tokens;
}

void json_stream_reset(JsonStream *s)
{
    json_tokener_reset(s->tok);
    s->state = SCAN_IDLE;
    s->depth = 0;
    s->in_string = false;
    s->escape = false;
    s->skipping = false;
    s->size = 0;
    s->tokens = 0;
    s->token_is_word = false;
    g_string_truncate(s->token, 0);
    g_string_truncate(s->scalar, 0);
    g_string_truncate(s->pending, 0);
    /* Give back the memory of a huge value, keep a small buffer. */
    if (s->scalar->allocated_len > 64 * KiB) {
        g_string_free(s->scalar, true);
        s->scalar = g_string_new(NULL);
    }
    if (s->pending->allocated_len > 64 * KiB) {
        g_string_free(s->pending, true);
        s->pending = g_string_new(NULL);
    }
}

static void emit_error(JsonStream *s, const char *fmt, ...) PRINTF_FMT(2, 3);
static void emit_error(JsonStream *s, const char *fmt, ...)
{
    Error *err = NULL;
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_setg(&err, "%s", msg);
    g_free(msg);
    s->emit(s->opaque, NULL, err);
}

/* Token text for a message; bytes outside ASCII become U+FFFD, as QEMU's do. */
static char *token_text(const uint8_t *p, size_t len)
{
    GString *out = g_string_new(NULL);

    for (size_t i = 0; i < len && i < TOKEN_TEXT_MAX; i++) {
        if (p[i] < 0x80) {
            g_string_append_c(out, (char)p[i]);
        } else {
            g_string_append(out, "\xef\xbf\xbd");
        }
    }
    return g_string_free(out, false);
}

/* A byte no JSON token contains outside a string: reset at once. */
static void stray(JsonStream *s, uint8_t c)
{
    char *text;

    g_string_append_c(s->token, (char)c);
    text = token_text((const uint8_t *)s->token->str, s->token->len);
    emit_error(s, "JSON parse error, stray '%s'", text);
    g_free(text);
    json_stream_reset(s);
}

static bool is_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';   /* RFC 8259 §2 */
}

/* Bytes of number and literal-name tokens (validated later by json-c). */
static bool is_word(uint8_t c)
{
    return g_ascii_isalnum(c) || c == '-' || c == '+' || c == '.';
}

static bool word_is_keyword(const GString *w)
{
    if (!g_ascii_isalpha(w->str[0])) {
        return true;                /* a number: json-c judges it */
    }
    return !strcmp(w->str, "true") || !strcmp(w->str, "false") ||
           !strcmp(w->str, "null");
}

/* Hand bytes of the current container to json-c. */
static void tokener_feed(JsonStream *s, const uint8_t *buf, size_t len, bool last)
{
    json_object *obj;
    enum json_tokener_error jerr;

    if (s->skipping || len == 0) {
        return;
    }
    obj = json_tokener_parse_ex(s->tok, (const char *)buf, (int)len);
    jerr = json_tokener_get_error(s->tok);
    if (jerr == json_tokener_continue) {
        if (last) {
            /* Our scanner saw the end, json-c did not: e.g. "[1,]" is fine to us. */
            emit_error(s, "JSON parse error, expecting value");
            s->skipping = true;
        }
        return;
    }
    if (jerr != json_tokener_success) {
        emit_error(s, "JSON parse error, %s", json_tokener_error_desc(jerr));
        s->skipping = true;
        return;
    }
    if (!last || json_tokener_get_parse_end(s->tok) != len) {
        /* json-c closed the value before our scanner did (cannot happen for
         * well-formed framing); report and drop the rest of the value. */
        json_object_put(obj);
        emit_error(s, "JSON parse error, unexpected input after a value");
        s->skipping = true;
        return;
    }
    s->emit(s->opaque, obj, NULL);
}

/* A top-level scalar ended (s->scalar holds it): parse and pass it on. */
static void finish_top_scalar(JsonStream *s)
{
    json_tokener *tok;
    json_object *obj;
    enum json_tokener_error jerr;

    if (s->token_is_word && !word_is_keyword(s->scalar)) {
        char *text = token_text((const uint8_t *)s->scalar->str, s->scalar->len);

        emit_error(s, "JSON parse error, invalid keyword '%s'", text);
        g_free(text);
        json_stream_reset(s);
        return;
    }
    tok = tokener_new(1);
    /* Including the terminating NUL tells json-c the input ends here. */
    obj = json_tokener_parse_ex(tok, s->scalar->str, (int)s->scalar->len + 1);
    jerr = json_tokener_get_error(tok);
    json_tokener_free(tok);
    if (jerr != json_tokener_success) {
        json_object_put(obj);
        emit_error(s, "JSON parse error, %s", json_tokener_error_desc(jerr));
    } else {
        s->emit(s->opaque, obj, NULL);      /* NULL: a JSON null */
    }
    json_stream_reset(s);
}

/*
 * One byte inside a string (any depth): append its strict-JSON form to out;
 * false if the stream was reset.  QEMU also takes 'single-quoted' strings
 * and \' escapes: json-c sees them rewritten as double-quoted JSON.
 */
static bool scan_string_byte(JsonStream *s, uint8_t c, GString *out)
{
    if (s->escape) {
        s->escape = false;
        if (c != '\'') {
            g_string_append_c(out, '\\');
        }
        g_string_append_c(out, (char)c);
    } else if (c == '\\') {
        s->escape = true;               /* written with the next byte */
    } else if (c == s->quote) {
        s->in_string = false;
        g_string_append_c(out, '"');
    } else if (c < 0x20) {
        /* RFC 8259 §7: control characters must be escaped. */
        stray(s, c);
        return false;
    } else if (c == '"') {
        g_string_append(out, "\\\"");   /* inside a single-quoted string */
    } else {
        g_string_append_c(out, (char)c);
    }
    if (s->token->len < TOKEN_TEXT_MAX) {
        g_string_append_c(s->token, (char)c);
    }
    return true;
}

static void string_start(JsonStream *s, uint8_t c, GString *out)
{
    s->in_string = true;
    s->quote = (char)c;
    g_string_truncate(s->token, 0);
    g_string_append_c(s->token, (char)c);
    g_string_append_c(out, '"');
}

/* Give json-c what the scanner has passed of the current container. */
static void flush_pending(JsonStream *s, bool last)
{
    tokener_feed(s, (const uint8_t *)s->pending->str, s->pending->len, last);
    g_string_truncate(s->pending, 0);
}

void json_stream_feed(JsonStream *s, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];

        /*
         * On the errors below the bytes of the value not yet given to json-c
         * are dropped with it: QEMU reports only the lexical error then.
         */
        if (s->state != SCAN_IDLE && ++s->size > s->max_size) {
            emit_error(s, "JSON token size limit exceeded");
            json_stream_reset(s);
            continue;
        }
        switch (s->state) {
        case SCAN_IDLE:
            if (is_ws(c)) {
                break;
            }
            s->size = 1;
            g_string_truncate(s->token, 0);
            if (c == '{' || c == '[') {
                s->state = SCAN_CONTAINER;
                s->depth = 1;
                s->tokens = 1;
                g_string_append_c(s->pending, (char)c);
            } else if (c == '"' || c == '\'') {
                s->state = SCAN_TOP_STRING;
                string_start(s, c, s->scalar);
            } else if (is_word(c)) {
                s->state = SCAN_TOP_SCALAR;
                s->token_is_word = true;
                g_string_append_c(s->scalar, (char)c);
            } else if (c == '}' || c == ']' || c == ',' || c == ':') {
                /* Structure with nothing open: QEMU's parser says this. */
                emit_error(s, "JSON parse error, expecting value");
                json_stream_reset(s);
            } else {
                stray(s, c);
            }
            break;

        case SCAN_TOP_SCALAR:
            if (is_word(c)) {
                g_string_append_c(s->scalar, (char)c);
                break;
            }
            finish_top_scalar(s);
            i--;                        /* the delimiter starts what follows */
            break;

        case SCAN_TOP_STRING:
            if (scan_string_byte(s, c, s->scalar) && !s->in_string) {
                s->token_is_word = false;
                finish_top_scalar(s);
            }
            break;

        case SCAN_CONTAINER:
            if (s->in_string) {
                scan_string_byte(s, c, s->pending);
                break;
            }
            /*
             * Every structural byte, string and bare word is a token; the
             * count bounds what json-c builds (a 64 MiB "[1,1,1,...]" would
             * otherwise become tens of millions of objects).
             */
            if (!is_ws(c) && !(s->token_is_word && is_word(c)) &&
                ++s->tokens > s->max_tokens) {
                emit_error(s, "JSON token count limit exceeded");
                json_stream_reset(s);
                break;
            }
            if (s->token_is_word && !is_word(c)) {
                /* A bare word inside the value ended: QEMU names bad keywords. */
                s->token_is_word = false;
                if (!s->skipping && !word_is_keyword(s->token)) {
                    char *text = token_text((const uint8_t *)s->token->str,
                                            s->token->len);

                    emit_error(s, "JSON parse error, invalid keyword '%s'", text);
                    g_free(text);
                    s->skipping = true;
                }
            }
            if (c == '"' || c == '\'') {
                string_start(s, c, s->pending);
                break;
            } else if (c == '{' || c == '[') {
                if (++s->depth > s->max_depth) {
                    emit_error(s, "JSON nesting depth limit exceeded");
                    json_stream_reset(s);
                    break;
                }
            } else if (c == '}' || c == ']') {
                if (--s->depth == 0) {
                    g_string_append_c(s->pending, (char)c);
                    flush_pending(s, true);
                    json_stream_reset(s);
                    break;
                }
            } else if (is_word(c)) {
                if (!s->token_is_word) {
                    s->token_is_word = true;
                    g_string_truncate(s->token, 0);
                }
                if (s->token->len < TOKEN_TEXT_MAX) {
                    g_string_append_c(s->token, (char)c);
                }
            } else if (!is_ws(c) && c != ',' && c != ':') {
                g_string_truncate(s->token, 0);
                stray(s, c);
                break;
            }
            g_string_append_c(s->pending, (char)c);
            break;
        }
    }
    if (s->state == SCAN_CONTAINER && s->pending->len) {
        flush_pending(s, false);
    }
}
