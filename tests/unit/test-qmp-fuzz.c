/*
 * A bounded, deterministic fuzz run of the monitor (TESTING.md: every
 * parser that sees untrusted bytes gets one): valid QMP requests mutated
 * byte-wise and token-wise, fed in random chunk sizes to a QMP monitor;
 * random text typed at an HMP monitor.  Under ASan/UBSan this finds
 * crashes, leaks and undefined behaviour; in any build it checks that the
 * monitor still answers a well-formed request at the end.
 *
 * MACHINA_FUZZ_ITERATIONS raises the count for a longer local run.
 */
#include "core/osdep.h"
#include "chardev/char.h"
#include "monitor/monitor-internal.h"
#include "tests/unit/unit.h"

static const char *const seeds[] = {
    "{\"execute\": \"qmp_capabilities\"}",
    "{\"execute\": \"query-status\", \"id\": 1}",
    "{\"execute\": \"qom-list\", \"arguments\": {\"path\": \"/machine\"}}",
    "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"/\", \"property\": \"type\"}}",
    "{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"/objects\", \"property\": \"x\", "
    "\"value\": [1, {\"a\": null}]}}",
    "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": "
    "\"info mtree -f\"}, \"id\": [\"x\", 2.5e3]}",
    "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": "
    "\"xp /16xb 0x1000\"}}",
    "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": "
    "\"p (1+2)*-3 | ~0x10 / 7 % 5\", \"cpu-index\": 0}}",
    "{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"x\", \"id\": \"d\", "
    "\"bus\": \"b\", \"n\": 1, \"f\": false}}",
    "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"d\"}}",
    "{\"execute\": \"query-qmp-schema\"}",
    "{'execute': 'query-commands', 'id': 'it\\'s \"q\" \\u00e9'}",
    "{\"exec-oob\": \"query-name\"}",
    "[[[[{\"a\": [1, 2, {\"b\": \"\\ud83d\\ude00\"}]}]]]]",
    "\"just a string\" 12 -3.5e-7 true null",
};

static const char *const tokens[] = {
    "{", "}", "[", "]", "\"", "'", ":", ",", "\\", "\\u", "\\u0000", "null", "true",
    "1e999", "-", "0x10", "\n", "\r", "\x01", "\xff", "\xc3", "\"execute\"",
    "\"arguments\"", "\"id\"", "{\"execute\": \"", "\"command-line\": \"",
};

static Chardev *ringbuf(const char *id)
{
    GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *values = g_ptr_array_new_with_free_func(g_free);
    Chardev *chr;

    g_ptr_array_add(keys, g_strdup("size"));
    g_ptr_array_add(values, g_strdup("65536"));
    chr = qemu_chardev_new(id, "ringbuf", keys, values, NULL);
    g_ptr_array_unref(keys);
    g_ptr_array_unref(values);
    return chr;
}

static void discard_output(Chardev *chr)
{
    uint8_t buf[4096];

    while (qemu_chr_ringbuf_read(chr, buf, sizeof(buf), NULL) > 0) {
    }
}

static void mutate(GRand *r, GString *s)
{
    int n = g_rand_int_range(r, 1, 5);

    for (int k = 0; k < n; k++) {
        gsize pos = s->len ? (gsize)g_rand_int_range(r, 0, (gint32)s->len + 1) : 0;
        /* Drawn once: MIN() evaluates its arguments twice. */
        gsize span = (gsize)g_rand_int_range(r, 1, 32);

        switch (g_rand_int_range(r, 0, 6)) {
        case 0:                                     /* flip a bit */
            if (s->len) {
                s->str[pos % s->len] ^= (char)(1u << g_rand_int_range(r, 0, 8));
            }
            break;
        case 1:                                     /* random byte */
            g_string_insert_c(s, pos, (char)g_rand_int_range(r, 0, 256));
            break;
        case 2:                                     /* delete a range */
            if (pos < s->len) {
                g_string_erase(s, pos, MIN(s->len - pos, span));
            }
            break;
        case 3: {                                   /* duplicate a range */
            gsize len = MIN(s->len - pos, span);
            char *dup = g_strndup(s->str + pos, len);

            g_string_insert(s, pos, dup);
            g_free(dup);
            break;
        }
        case 4:                                     /* a JSON-ish token */
            g_string_insert(s, pos, tokens[g_rand_int_range(r, 0, ARRAY_SIZE(tokens))]);
            break;
        default:                                    /* splice another seed */
            g_string_insert(s, pos, seeds[g_rand_int_range(r, 0, ARRAY_SIZE(seeds))]);
            break;
        }
    }
}

static int iterations(void)
{
    const char *env = getenv("MACHINA_FUZZ_ITERATIONS");

    return env ? atoi(env) : 20000;
}

UNIT_TEST(qmp_fuzz_mutated_requests)
{
    GRand *r = g_rand_new_with_seed(0x51a7e);
    Chardev *chr = ringbuf("fz");
    Monitor *mon = monitor_init_qmp(chr, false, NULL);
    GString *in = g_string_new(NULL);
    uint8_t buf[4096];
    int64_t n;
    GString *out = g_string_new(NULL);

    CHECK(mon != NULL);
    for (int i = 0; i < iterations(); i++) {
        g_string_assign(in, seeds[g_rand_int_range(r, 0, ARRAY_SIZE(seeds))]);
        mutate(r, in);
        /* Random chunking: the framer must not care where reads split. */
        for (gsize off = 0; off < in->len;) {
            gsize want = (gsize)g_rand_int_range(r, 1, 64);
            gsize chunk = MIN(in->len - off, want);

            qemu_chr_be_write(chr, (const uint8_t *)in->str + off, (int)chunk);
            off += chunk;
        }
        if (i % 64 == 0) {
            /* Now and then a client leaves mid-request and another comes. */
            qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
            qemu_chr_be_event(chr, CHR_EVENT_OPENED);
        }
        discard_output(chr);
    }
    /* Still serving: a fresh session, a clean request. */
    qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
    qemu_chr_be_event(chr, CHR_EVENT_OPENED);
    discard_output(chr);
    g_string_assign(in, "\n{\"execute\":\"qmp_capabilities\",\"id\":\"end\"}");
    qemu_chr_be_write(chr, (const uint8_t *)in->str, (int)in->len);
    while ((n = qemu_chr_ringbuf_read(chr, buf, sizeof(buf), NULL)) > 0) {
        g_string_append_len(out, (const char *)buf, n);
    }
    CHECK(g_str_has_suffix(out->str, "{\"return\": {}, \"id\": \"end\"}\r\n"));
    /* Drop what stray quit/system_reset requests the fuzzer made. */
    qemu_shutdown_requested(NULL);
    qemu_reset_requested();
    g_string_free(out, true);
    g_string_free(in, true);
    monitor_free(mon);
    CHECK(qemu_chr_delete("fz", NULL));
    g_rand_free(r);
}

UNIT_TEST(hmp_fuzz_typed_text)
{
    static const char *const words[] = {
        "info ", "status", "mtree", "qtree", "qom-tree", "chardev", "p ", "print /x ",
        "xp /", "4xw ", "3c ", "0x1000", "(", ")", "-", "~", "*", "/", "%", "$pc",
        "help ", "device_del ", "qom-get / type", "cpu 0", " ", "\r", "\n", "\x7f",
        "\x1b[A", "\x03", "\t", "\xff",
    };
    GRand *r = g_rand_new_with_seed(0xc0ffee);
    Chardev *chr = ringbuf("fz-hmp");
    Monitor *mon = monitor_init_hmp(chr, NULL);
    uint8_t buf[4096];
    int64_t n;
    GString *out = g_string_new(NULL);

    CHECK(mon != NULL);
    for (int i = 0; i < iterations() * 4; i++) {
        const char *w = words[g_rand_int_range(r, 0, ARRAY_SIZE(words))];

        qemu_chr_be_write(chr, (const uint8_t *)w, (int)strlen(w));
        discard_output(chr);
    }
    qemu_chr_be_write(chr, (const uint8_t *)"\x03p 6*7\r", 7);
    while ((n = qemu_chr_ringbuf_read(chr, buf, sizeof(buf), NULL)) > 0) {
        g_string_append_len(out, (const char *)buf, n);
    }
    CHECK(strstr(out->str, "p 6*7\r\n0x2a\r\n(qemu) ") != NULL);
    g_string_free(out, true);
    monitor_free(mon);
    CHECK(qemu_chr_delete("fz-hmp", NULL));
    g_rand_free(r);
}
