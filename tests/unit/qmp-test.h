/*
 * Shared by the monitor's unit tests: a monitor on a ringbuf chardev, fed
 * and drained as byte streams, and a fake run state lent as system/ would.
 */
#ifndef TESTS_UNIT_QMP_TEST_H
#define TESTS_UNIT_QMP_TEST_H

#include "core/osdep.h"
#include "core/main-loop.h"
#include "chardev/char.h"
#include "monitor/monitor-internal.h"
#include "tests/unit/unit.h"

/* ------------------------------------------------------------ harness */

typedef struct Session {
    Chardev *chr;
    Monitor *mon;
} Session;

static inline Chardev *ringbuf_new(const char *id)
{
    GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *values = g_ptr_array_new_with_free_func(g_free);
    Chardev *chr;

    g_ptr_array_add(keys, g_strdup("size"));
    g_ptr_array_add(values, g_strdup("1048576"));
    chr = qemu_chardev_new(id, "ringbuf", keys, values, NULL);
    g_ptr_array_unref(keys);
    g_ptr_array_unref(values);
    return chr;
}

static inline char *drain(Session *s)
{
    GString *out = g_string_new(NULL);
    uint8_t buf[4096];
    int64_t n;

    while ((n = qemu_chr_ringbuf_read(s->chr, buf, sizeof(buf), NULL)) > 0) {
        g_string_append_len(out, (const char *)buf, n);
    }
    return g_string_free(out, false);
}

static inline void session_open(Session *s, const char *id, bool qmp)
{
    s->chr = ringbuf_new(id);
    CHECK(s->chr != NULL);
    s->mon = qmp ? monitor_init_qmp(s->chr, false, NULL) : monitor_init_hmp(s->chr, NULL);
    CHECK(s->mon != NULL);
}

static inline void session_close(Session *s)
{
    monitor_free(s->mon);
    CHECK(qemu_chr_delete(s->chr->label, NULL));
}

static inline void feed(Session *s, const char *text)
{
    qemu_chr_be_write(s->chr, (const uint8_t *)text, (int)strlen(text));
}

/* Send text, return everything answered (caller frees). */
static inline char *ask(Session *s, const char *text)
{
    feed(s, text);
    return drain(s);
}

#define CHECK_ASK(s, in, expected)                                         \
    do {                                                                   \
        char *out_ = ask(s, in);                                           \
        CHECK_STREQ(out_, expected);                                       \
        g_free(out_);                                                      \
    } while (0)

static inline void negotiate(Session *s)
{
    char *greeting = drain(s);

    CHECK(g_str_has_prefix(greeting, "{\"QMP\": {\"version\": {\"qemu\": "));
    CHECK(strstr(greeting, "\"capabilities\": [\"oob\"]}}\r\n") != NULL);
    g_free(greeting);
    CHECK_ASK(s, "{\"execute\": \"qmp_capabilities\"}\n", "{\"return\": {}}\r\n");
}

/* A fake run state, as system/ lends it. */
static bool fake_running;
static int fake_stops, fake_conts __attribute__((unused));

static inline const char *fake_name(void)
{
    return fake_running ? "running" : "paused";
}

static inline bool fake_is_running(void)
{
    return fake_running;
}

static inline void fake_stop(void)
{
    fake_stops++;
    if (fake_running) {
        fake_running = false;
        monitor_event_stop();
    }
}

static inline bool fake_cont(Error **errp)
{
    fake_conts++;
    if (!fake_running) {
        fake_running = true;
        monitor_event_resume();
    }
    return true;
}

static const MonitorVMOps fake_ops __attribute__((unused)) = {
    .runstate_name = fake_name,
    .is_running = fake_is_running,
    .stop = fake_stop,
    .cont = fake_cont,
};

#endif
