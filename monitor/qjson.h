/*
 * JSON in and out for the monitor.
 *
 * In: a JsonStream cuts a byte stream (a QMP connection) into top-level
 * JSON values as bytes arrive, in any chunking.  It tracks nesting and
 * strings itself (so it can resynchronize after an error, and so it can
 * enforce QEMU's limits) and hands the bytes of each object or array to
 * json-c's streaming tokener (json_tokener_parse_ex) as they come.
 * Errors are reported in QEMU's words ("JSON parse error, stray '@'",
 * "JSON nesting depth limit exceeded", ...) and the stream starts afresh
 * after them, so one bad request never wedges a connection.
 *
 * Out: QEMU's two layouts, compact ({"return": {}, "id": 1}) and pretty
 * (4-space indent, empty containers as "{\n}").  Strings come out as plain
 * ASCII: other characters as \uXXXX escapes, invalid UTF-8 as \uFFFD.
 */
#ifndef MONITOR_QJSON_H
#define MONITOR_QJSON_H

#include "core/osdep.h"
#include "core/error.h"

#include <json-c/json.h>

/* QEMU's limits (json-streamer): nesting depth, bytes and tokens of one value. */
#define JSON_MAX_NESTING 1024
#define JSON_MAX_TOKEN_SIZE (64 * MiB)
#define JSON_MAX_TOKEN_COUNT (2 * 1024 * 1024)

/*
 * Called once per top-level value: with err set on a parse error, else
 * with the value (json-c's NULL for a JSON null).  The callee owns both
 * (json_object_put / error_free).
 */
typedef void JsonStreamEmit(void *opaque, json_object *obj, Error *err);

typedef struct JsonStream JsonStream;

JsonStream *json_stream_new(JsonStreamEmit *emit, void *opaque);
void json_stream_free(JsonStream *s);
/* Lower limits (tests); 0 keeps the current one. */
void json_stream_set_limits(JsonStream *s, int max_depth, size_t max_size);
void json_stream_set_token_limit(JsonStream *s, size_t max_tokens);
/* Parse more bytes; emits zero or more values, in order. */
void json_stream_feed(JsonStream *s, const uint8_t *buf, size_t len);
/* Forget any partial value (the peer went away). */
void json_stream_reset(JsonStream *s);

/* Append obj's JSON text (no trailing newline). */
void qjson_write(GString *out, json_object *obj, bool pretty);
/* The same into a new string (g_free it). */
char *qjson_to_string(json_object *obj, bool pretty);

#endif
