/*
 * QMP fed byte streams through a ringbuf chardev: the parser in any
 * chunking, QEMU's error classes and messages (taken from Debian's
 * qemu-system-riscv64 7.2 as the oracle), id echo, events, negotiation, a
 * client that goes away mid-request, device_add/device_del.
 */
#include "core/osdep.h"
#include "hw/core/machine.h"
#include "hw/core/qdev.h"
#include "tests/unit/qmp-test.h"

/* ------------------------------------------------------------- tests */

UNIT_TEST(qmp_greeting_and_negotiation)
{
    Session s;

    char *greeting;

    session_open(&s, "q1", true);
    greeting = drain(&s);
    CHECK_STREQ(greeting, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 1, "
                          "\"major\": 0}, \"package\": \"machina-0.1.0\"}, "
                          "\"capabilities\": [\"oob\"]}}\r\n");
    g_free(greeting);
    CHECK_ASK(&s, "{\"execute\":\"query-version\"}",
              "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Expecting "
              "capabilities negotiation with 'qmp_capabilities'\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"qmp_capabilities\",\"id\":5}",
              "{\"return\": {}, \"id\": 5}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"qmp_capabilities\"}",
              "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Capabilities "
              "negotiation is already complete, command ignored\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"query-version\"}",
              "{\"return\": {\"qemu\": {\"micro\": 0, \"minor\": 1, \"major\": 0}, "
              "\"package\": \"machina-0.1.0\"}}\r\n");
    session_close(&s);
}

UNIT_TEST(qmp_split_across_chunks)
{
    static const char req[] = "{\"execute\": \"query-version\", \"id\": [1, {\"a\": \"}\"}]}";
    Session s;
    char *out;

    session_open(&s, "q2", true);
    negotiate(&s);
    /* One byte at a time: nothing is answered until the object closes. */
    for (size_t i = 0; i < strlen(req) - 1; i++) {
        char one[2] = { req[i], 0 };

        feed(&s, one);
        out = drain(&s);
        CHECK_STREQ(out, "");
        g_free(out);
    }
    out = ask(&s, "}");
    CHECK(g_str_has_prefix(out, "{\"return\": {\"qemu\""));
    CHECK(g_str_has_suffix(out, "\"id\": [1, {\"a\": \"}\"}]}\r\n"));
    g_free(out);
    /* Two requests in one chunk, answered in order. */
    CHECK_ASK(&s, "{\"execute\":\"query-name\",\"id\":1}{\"execute\":\"query-name\",\"id\":2}",
              "{\"return\": {}, \"id\": 1}\r\n{\"return\": {}, \"id\": 2}\r\n");
    session_close(&s);
}

UNIT_TEST(qmp_malformed_json)
{
    Session s;

    session_open(&s, "q3", true);
    negotiate(&s);
    CHECK_ASK(&s, "{\"execute\": nope}\n",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, "
              "invalid keyword 'nope'\"}}\r\n");
    CHECK_ASK(&s, "@@ {\"execute\":\"query-name\"}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, "
              "stray '@'\"}}\r\n{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON "
              "parse error, stray '@'\"}}\r\n{\"return\": {}}\r\n");
    /* A stray byte inside an object resets at once; the '}' is then stray. */
    CHECK_ASK(&s, "{\"a\": @ }",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, "
              "stray '@'\"}}\r\n{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON "
              "parse error, expecting value\"}}\r\n");
    /* A raw newline cannot be inside a string: the string ends there. */
    CHECK_ASK(&s, "\"abc\n{\"execute\":\"query-name\",\"id\":7}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, "
              "stray '\\\"abc\\n'\"}}\r\n{\"return\": {}, \"id\": 7}\r\n");
    /* 0xff is never UTF-8: shown as U+FFFD, escaped. */
    CHECK_ASK(&s, "{{\xff{\"execute\":\"query-name\"}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, "
              "stray '\\uFFFD'\"}}\r\n{\"return\": {}}\r\n");
    /* Grammar errors json-c finds skip to the end of the value. */
    CHECK_ASK(&s, "{\"execute\" \"x\"}{\"execute\":\"query-name\"}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, "
              "object property name separator ':' expected\"}}\r\n{\"return\": {}}\r\n");
    session_close(&s);
}

UNIT_TEST(qmp_not_a_request)
{
    Session s;

    session_open(&s, "q4", true);
    negotiate(&s);
    CHECK_ASK(&s, "[1]", "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                         "\"QMP input must be a JSON object\"}}\r\n");
    CHECK_ASK(&s, "1 ", "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                        "\"QMP input must be a JSON object\"}}\r\n");
    CHECK_ASK(&s, "null ", "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                           "\"QMP input must be a JSON object\"}}\r\n");
    CHECK_ASK(&s, "{\"a\":1}", "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                               "\"QMP input member 'a' is unexpected\"}}\r\n");
    CHECK_ASK(&s, "{\"arguments\":{}}", "{\"error\": {\"class\": \"GenericError\", "
                                        "\"desc\": \"QMP input lacks member 'execute'\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":1}", "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                                     "\"QMP input member 'execute' must be a string\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"stop\",\"arguments\":[1]}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"QMP input member 'arguments' must be an object\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"foo\",\"id\":\"x\"}",
              "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
              "\"The command foo has not been found\"}, \"id\": \"x\"}\r\n");
    session_close(&s);
}

UNIT_TEST(qmp_argument_errors)
{
    Session s;

    session_open(&s, "q5", true);
    negotiate(&s);
    CHECK_ASK(&s, "{\"execute\":\"qom-list\"}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"Parameter 'path' is missing\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"qom-list\",\"arguments\":{\"path\":\"/\",\"x\":1}}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"Parameter 'x' is unexpected\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"qom-list\",\"arguments\":{\"path\":1}}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"Invalid parameter type for 'path', expected: string\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"human-monitor-command\",\"arguments\":"
                  "{\"command-line\":\"info name\",\"cpu-index\":\"0\"}}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"Invalid parameter type for 'cpu-index', expected: integer\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"stop\",\"arguments\":{\"a\":1}}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"Parameter 'a' is unexpected\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/nope\","
                  "\"property\":\"type\"}}",
              "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": "
              "\"Device '/nope' not found\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"nope\"}}",
              "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": "
              "\"Device 'nope' not found\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"nope\"}}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"'nope' is not a valid device model name\"}}\r\n");
    session_close(&s);

    /* Enum members are checked too (before negotiation: qmp_capabilities). */
    session_open(&s, "q5b", true);
    g_free(drain(&s));
    CHECK_ASK(&s, "{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"bogus\"]}}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"Parameter 'enable[0]' does not accept value 'bogus'\"}}\r\n");
    CHECK_ASK(&s, "{\"exec-oob\":\"query-status\"}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"QMP input member 'exec-oob' is unexpected\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"oob\"]}}",
              "{\"return\": {}}\r\n");
    CHECK_ASK(&s, "{\"exec-oob\":\"query-status\",\"id\":1}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"The command query-status does not support OOB\"}, \"id\": 1}\r\n");
    CHECK_ASK(&s, "{\"exec-oob\":\"query-status\",\"execute\":\"query-status\"}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"QMP input member 'execute' clashes with 'exec-oob'\"}}\r\n");
    session_close(&s);
}

UNIT_TEST(qmp_id_echo)
{
    Session s;

    session_open(&s, "q6", true);
    negotiate(&s);
    CHECK_ASK(&s, "{\"execute\":\"query-name\",\"id\":null}", "{\"return\": {}, \"id\": null}\r\n");
    CHECK_ASK(&s, "{\"id\":{\"a\":[true,1.5,\"\\u00e9\"]},\"execute\":\"query-name\"}",
              "{\"return\": {}, \"id\": {\"a\": [true, 1.5, \"\\u00E9\"]}}\r\n");
    /* QEMU's extension: single-quoted strings, \' escapes. */
    CHECK_ASK(&s, "{'execute':'query-name','id':'it\\'s \"q\"'}",
              "{\"return\": {}, \"id\": \"it's \\\"q\\\"\"}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"query-name\",\"id\":[1,]}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, "
              "unexpected character\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"qom-list\",\"id\":-3}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"Parameter 'path' is missing\"}, \"id\": -3}\r\n");
    session_close(&s);
}

UNIT_TEST(qmp_nesting_and_garbage)
{
    Session s;
    GString *deep = g_string_new(NULL);
    GRand *rand = g_rand_new_with_seed(1234);
    uint8_t *garbage = g_malloc(1 * MiB);
    char *out;

    session_open(&s, "q7", true);
    negotiate(&s);
    /* 1100 levels: QEMU's limit is 1024. */
    for (int i = 0; i < 1100; i++) {
        g_string_append_c(deep, '[');
    }
    feed(&s, deep->str);
    out = drain(&s);
    CHECK_STREQ(out, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                     "\"JSON nesting depth limit exceeded\"}}\r\n");
    g_free(out);
    /* As in QEMU the bytes after the error start afresh: 75 levels, closed here. */
    for (int i = 0; i < 75; i++) {
        feed(&s, "]");
    }
    out = ask(&s, "\n{\"execute\":\"query-name\",\"id\":\"after\"}");
    CHECK(g_str_has_prefix(out, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                                "\"QMP input must be a JSON object\"}}\r\n"));
    CHECK(g_str_has_suffix(out, "{\"return\": {}, \"id\": \"after\"}\r\n"));
    g_free(out);
    /* 1024 levels are fine (and not a request). */
    g_string_truncate(deep, 1024);
    for (int i = 0; i < 1024; i++) {
        g_string_append_c(deep, ']');
    }
    CHECK_ASK(&s, deep->str, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                             "\"QMP input must be a JSON object\"}}\r\n");

    /* A megabyte of random bytes, then a request: still answered. */
    for (size_t i = 0; i < 1 * MiB; i++) {
        garbage[i] = (uint8_t)g_rand_int_range(rand, 0, 256);
    }
    for (size_t off = 0; off < 1 * MiB; off += 4000) {
        qemu_chr_be_write(s.chr, garbage + off, (int)MIN(4000, 1 * MiB - off));
        g_free(drain(&s));
    }
    out = ask(&s, "\n{\"execute\":\"query-name\",\"id\":\"alive\"}");
    CHECK(g_str_has_suffix(out, "{\"return\": {}, \"id\": \"alive\"}\r\n"));
    g_free(out);
    g_free(garbage);
    g_rand_free(rand);
    g_string_free(deep, true);
    session_close(&s);
}

static void collect(void *opaque, json_object *obj, Error *err)
{
    GString *log = opaque;

    if (err) {
        g_string_append_printf(log, "E:%s;", error_get_pretty(err));
        error_free(err);
    } else {
        char *s = qjson_to_string(obj, false);

        g_string_append_printf(log, "V:%s;", s);
        g_free(s);
        json_object_put(obj);
    }
}

static void feed_str(JsonStream *js, const char *text)
{
    json_stream_feed(js, (const uint8_t *)text, strlen(text));
}

UNIT_TEST(json_stream_size_limit)
{
    GString *log = g_string_new(NULL);
    JsonStream *js = json_stream_new(collect, log);
    const char *big = "{\"a\":                                        1}";

    json_stream_set_limits(js, 0, 32);
    json_stream_feed(js, (const uint8_t *)big, strlen(big));
    json_stream_feed(js, (const uint8_t *)"\n{\"a\": [1, 2]}", 14);
    /* Reset at the 33rd byte: what follows is read as new input. */
    CHECK_STREQ(log->str, "E:JSON token size limit exceeded;V:1;E:JSON parse error, "
                          "expecting value;V:{\"a\": [1, 2]};");
    /* Numbers and literals at the top level end at their delimiter. */
    g_string_truncate(log, 0);
    json_stream_feed(js, (const uint8_t *)"12 true \"s\" nul", 15);
    CHECK_STREQ(log->str, "V:12;V:true;V:\"s\";");
    json_stream_reset(js);
    json_stream_feed(js, (const uint8_t *)"xyz ", 4);
    CHECK_STREQ(log->str, "V:12;V:true;V:\"s\";E:JSON parse error, invalid keyword 'xyz';");
    /* Tokens: "[" "1" "," "22" "]" is five; the sixth ("3") breaks the limit,
     * and the "]" after it closes nothing. */
    g_string_truncate(log, 0);
    json_stream_reset(js);
    json_stream_set_token_limit(js, 5);
    feed_str(js, "[1, 22] [1, 2, 3] [\"a\"]");
    CHECK_STREQ(log->str, "V:[1, 22];E:JSON token count limit exceeded;E:JSON parse error, "
                          "expecting value;V:[\"a\"];");
    json_stream_free(js);
    g_string_free(log, true);
}

UNIT_TEST(qjson_layouts)
{
    json_object *o = json_tokener_parse("{\"return\": {}, \"l\": [1, {\"a\": []}], "
                                        "\"s\": \"tab\\there \\u4e2d \\ud83d\\ude00\"}");
    char *compact = qjson_to_string(o, false);
    char *pretty = qjson_to_string(o, true);

    CHECK_STREQ(compact, "{\"return\": {}, \"l\": [1, {\"a\": []}], "
                         "\"s\": \"tab\\there \\u4E2D \\uD83D\\uDE00\"}");
    CHECK_STREQ(pretty, "{\n    \"return\": {\n    },\n    \"l\": [\n        1,\n        {\n"
                        "            \"a\": [\n            ]\n        }\n    ],\n"
                        "    \"s\": \"tab\\there \\u4E2D \\uD83D\\uDE00\"\n}");
    g_free(compact);
    g_free(pretty);
    json_object_put(o);
    /* Invalid UTF-8 comes out as U+FFFD, never as raw bytes. */
    o = json_object_new_string("a\xc3(b");
    compact = qjson_to_string(o, false);
    CHECK_STREQ(compact, "\"a\\uFFFD(b\"");
    g_free(compact);
    json_object_put(o);
}

UNIT_TEST(qmp_run_state_and_events)
{
    Session s, other;
    char *out;

    monitor_set_vm_ops(&fake_ops);
    fake_running = true;
    session_open(&s, "q8", true);
    session_open(&other, "q8b", true);
    negotiate(&s);
    g_free(drain(&other));          /* not negotiated: gets no events */
    CHECK_ASK(&s, "{\"execute\":\"query-status\"}",
              "{\"return\": {\"status\": \"running\", \"singlestep\": false, "
              "\"running\": true}}\r\n");
    out = ask(&s, "{\"execute\":\"stop\"}");
    CHECK(g_str_has_prefix(out, "{\"timestamp\": {\"seconds\": "));
    CHECK(strstr(out, "\"event\": \"STOP\"}\r\n{\"return\": {}}\r\n") != NULL);
    g_free(out);
    CHECK_EQ(fake_stops, 1);
    CHECK_ASK(&s, "{\"execute\":\"query-status\"}",
              "{\"return\": {\"status\": \"paused\", \"singlestep\": false, "
              "\"running\": false}}\r\n");
    out = ask(&s, "{\"execute\":\"cont\"}");
    CHECK(strstr(out, "\"event\": \"RESUME\"}\r\n{\"return\": {}}\r\n") != NULL);
    g_free(out);
    out = ask(&s, "{\"execute\":\"system_powerdown\"}");
    CHECK(strstr(out, "\"event\": \"POWERDOWN\"}\r\n{\"return\": {}}\r\n") != NULL);
    g_free(out);
    monitor_event_shutdown(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    out = drain(&s);
    CHECK(g_str_has_suffix(out, "\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, "
                                "\"reason\": \"guest-shutdown\"}}\r\n"));
    g_free(out);
    monitor_event_reset(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    out = drain(&s);
    CHECK(g_str_has_suffix(out, "\"event\": \"RESET\", \"data\": {\"guest\": false, "
                                "\"reason\": \"host-qmp-system-reset\"}}\r\n"));
    g_free(out);
    out = drain(&other);
    CHECK_STREQ(out, "");
    g_free(out);
    /* quit and system_reset are requests the main loop carries out. */
    CHECK_ASK(&s, "{\"execute\":\"system_reset\"}", "{\"return\": {}}\r\n");
    CHECK_EQ(qemu_reset_requested(), SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    CHECK_ASK(&s, "{\"execute\":\"quit\"}", "{\"return\": {}}\r\n");
    {
        int status = -1;

        CHECK_EQ(qemu_shutdown_requested(&status), SHUTDOWN_CAUSE_HOST_QMP_QUIT);
        CHECK_EQ(status, 0);
    }
    session_close(&other);
    session_close(&s);
    monitor_set_vm_ops(NULL);
}

UNIT_TEST(qmp_client_disconnects_mid_request)
{
    Session s;
    char *out;

    session_open(&s, "q9", true);
    negotiate(&s);
    feed(&s, "{\"execute\": \"qu");
    qemu_chr_be_event(s.chr, CHR_EVENT_CLOSED);
    qemu_chr_be_event(s.chr, CHR_EVENT_OPENED);
    out = drain(&s);
    CHECK(g_str_has_prefix(out, "{\"QMP\": "));
    g_free(out);
    /* The half request is gone, and the new client must negotiate. */
    CHECK_ASK(&s, "it\"}", "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                           "\"JSON parse error, invalid keyword 'it'\"}}\r\n");
    CHECK_ASK(&s, "\n{\"execute\":\"query-name\"}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, "
              "stray '\\\"}\\n'\"}}\r\n{\"error\": {\"class\": \"CommandNotFound\", "
              "\"desc\": \"Expecting capabilities negotiation with 'qmp_capabilities'\"}}\r\n");
    session_close(&s);
}

UNIT_TEST(qmp_schema_and_commands)
{
    Session s;
    char *out;
    const QmpCommandDef *c;

    session_open(&s, "q10", true);
    negotiate(&s);
    out = ask(&s, "{\"execute\":\"query-commands\"}");
    for (size_t i = 0; (c = qmp_command_at(i)); i++) {
        char *needle = g_strdup_printf("{\"name\": \"%s\"}", c->name);

        CHECK(strstr(out, needle) != NULL);
        g_free(needle);
    }
    g_free(out);
    out = ask(&s, "{\"execute\":\"query-qmp-schema\"}");
    CHECK(strstr(out, "{\"name\": \"qom-get\", \"meta-type\": \"command\", "
                      "\"arg-type\": \"qom-get-args\", \"ret-type\": \"any\"") != NULL);
    CHECK(strstr(out, "{\"name\": \"qom-get-args\", \"meta-type\": \"object\", \"members\": "
                      "[{\"name\": \"path\", \"type\": \"str\"}, {\"name\": \"property\", "
                      "\"type\": \"str\"}]}") != NULL);
    CHECK(strstr(out, "{\"name\": \"SHUTDOWN\", \"meta-type\": \"event\"") != NULL);
    CHECK(strstr(out, "{\"name\": \"[CommandInfo]\", \"meta-type\": \"array\", "
                      "\"element-type\": \"CommandInfo\"}") != NULL);
    CHECK(strstr(out, "{\"name\": \"cpu-index\", \"type\": \"int\", \"default\": null}") != NULL);
    g_free(out);
    CHECK_ASK(&s, "{\"execute\":\"query-target\"}", "{\"return\": {\"arch\": \"unknown\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"query-uuid\"}",
              "{\"return\": {\"UUID\": \"00000000-0000-0000-0000-000000000000\"}}\r\n");
    session_close(&s);
}

/* A device that may come and go while the machine runs, as a CPU or a
 * DIMM would in QEMU: no bus, hotpluggable. */
static void hotplug_dev_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->user_creatable = true;
    dc->hotpluggable = true;
}

static const TypeInfo hotplug_dev_info = {
    .name = "test-hotplug-dev",
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(DeviceState),
    .class_init = hotplug_dev_class_init,
};

static void test_types(void)
{
    type_register_static(&hotplug_dev_info);
}

type_init(test_types)

UNIT_TEST(qmp_device_add_del_events)
{
    Session s;
    char *out;

    session_open(&s, "q13", true);
    negotiate(&s);
    CHECK_ASK(&s, "{\"execute\":\"device_add\",\"arguments\":{\"driver\":"
                  "\"test-hotplug-dev\",\"id\":\"hp0\"}}", "{\"return\": {}}\r\n");
    CHECK(qdev_find_by_id("hp0") != NULL);
    CHECK_ASK(&s, "{\"execute\":\"device_add\",\"arguments\":{\"driver\":"
                  "\"test-hotplug-dev\",\"id\":\"hp0\"}}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"Duplicate ID 'hp0' for device\"}}\r\n");
    CHECK_ASK(&s, "{\"execute\":\"device_add\",\"arguments\":{\"driver\":"
                  "\"test-hotplug-dev\",\"nope\":1}}",
              "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"Property 'test-hotplug-dev.nope' not found\"}}\r\n");
    out = ask(&s, "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"hp0\"},\"id\":9}");
    CHECK(strstr(out, "\"event\": \"DEVICE_DELETED\", \"data\": {\"device\": \"hp0\", "
                      "\"path\": \"/machine/peripheral/hp0\"}}\r\n{\"return\": {}, "
                      "\"id\": 9}\r\n") != NULL);
    g_free(out);
    CHECK(qdev_find_by_id("hp0") == NULL);
    session_close(&s);
}
