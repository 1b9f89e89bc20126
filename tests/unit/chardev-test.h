/*
 * Shared by the chardev unit tests: a recording frontend, a loop driver,
 * chardev creation from "k=v" strings.  Included by test files only.
 */
#ifndef TESTS_UNIT_CHARDEV_TEST_H
#define TESTS_UNIT_CHARDEV_TEST_H

#include "core/osdep.h"
#include "chardev/char.h"
#include "core/main-loop.h"
#include "tests/unit/unit.h"

#include <fcntl.h>

/* ---- a test frontend ---- */

typedef struct Fe {
    CharBackend be;
    GString *in;
    int room;                 /* what can_read reports */
    int events[CHR_EVENT_CLOSED + 1];
    QEMUChrEvent last_event;
} Fe;

static inline int fe_can_read(void *opaque)
{
    return ((Fe *)opaque)->room;
}

static inline void fe_read(void *opaque, const uint8_t *buf, int size)
{
    Fe *fe = opaque;

    CHECK(size <= fe->room);
    g_string_append_len(fe->in, (const char *)buf, size);
}

static inline void fe_event(void *opaque, QEMUChrEvent ev)
{
    Fe *fe = opaque;

    fe->events[ev]++;
    fe->last_event = ev;
}

static inline void fe_attach(Fe *fe, Chardev *chr)
{
    memset(fe, 0, sizeof(*fe));
    fe->in = g_string_new(NULL);
    fe->room = 4096;
    CHECK(qemu_chr_fe_init(&fe->be, chr, &error_abort));
    qemu_chr_fe_set_handlers(&fe->be, fe_can_read, fe_read, fe_event, fe, NULL, true);
}

static inline void fe_detach(Fe *fe, bool del)
{
    qemu_chr_fe_deinit(&fe->be, del);
    g_string_free(fe->in, TRUE);
}

static inline int fe_write_str(Fe *fe, const char *s)
{
    return qemu_chr_fe_write_all(&fe->be, (const uint8_t *)s, strlen(s));
}

/* Spin the main loop until cond holds (or fail after ms). */
#define RUN_UNTIL(cond, ms)                                                \
    do {                                                                   \
        int64_t end_ = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + (ms);      \
        while (!(cond)) {                                                  \
            if (qemu_clock_get_ms(QEMU_CLOCK_REALTIME) > end_) {           \
                unit_fail(__FILE__, __LINE__, "timeout waiting for %s", #cond); \
            }                                                              \
            if (!event_loop_run_once(main_loop_get(), false)) {            \
                g_usleep(1000);                                            \
            }                                                              \
        }                                                                  \
    } while (0)

static inline void run_for(int ms)
{
    int64_t end = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + ms;

    while (qemu_clock_get_ms(QEMU_CLOCK_REALTIME) < end) {
        if (!event_loop_run_once(main_loop_get(), false)) {
            g_usleep(1000);
        }
    }
}

/* Build key/value arrays from "k=v" strings (a NULL-terminated list). */
static inline Chardev *chardev_new_kv(const char *id, const char *type, Error **errp, ...)
{
    GPtrArray *k = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
    const char *kv;
    va_list ap;
    Chardev *chr;

    va_start(ap, errp);
    while ((kv = va_arg(ap, const char *))) {
        const char *eq = strchr(kv, '=');
        g_ptr_array_add(k, eq ? g_strndup(kv, eq - kv) : g_strdup(kv));
        g_ptr_array_add(v, eq ? g_strdup(eq + 1) : NULL);
    }
    va_end(ap);
    chr = qemu_chardev_new(id, type, k, v, errp);
    g_ptr_array_free(k, TRUE);
    g_ptr_array_free(v, TRUE);
    return chr;
}

static inline char *ringbuf_take(Chardev *chr)
{
    uint8_t buf[4096];
    int64_t n = qemu_chr_ringbuf_read(chr, buf, sizeof(buf), &error_abort);

    return g_strndup((char *)buf, n);
}

static inline char *tmp_path(const char *name)
{
    return g_strdup_printf("%s/machina-chr-%d-%s", g_get_tmp_dir(), getpid(), name);
}

/* errp, not *errp: the call that sets it is an argument evaluated alongside. */
static inline char *expect_error(Chardev *chr, Error **errp)
{
    Error *err = *errp;
    char *msg;

    CHECK(chr == NULL);
    CHECK(err != NULL);
    msg = g_strdup(error_get_pretty(err));
    error_free(err);
    *errp = NULL;
    return msg;
}


#endif
