/*
 * A small in-tree unit test harness with TAP output.
 *
 *   UNIT_TEST(memory_alias_offset) { ... CHECK_EQ(a, b); ... }
 * unit.c provides main(), which runs every registered test.
 *
 * Tests register themselves (constructor), run in file order, and a failed
 * CHECK aborts only the current test (longjmp) after printing where and why.
 * The runner (tests/run.py) counts the "ok"/"not ok" lines.
 */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void UnitTestFn(void);

void unit_register(const char *name, UnitTestFn *fn);
int unit_main(void);
void unit_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
void unit_skip(const char *reason) __attribute__((noreturn));

#define UNIT_TEST(name)                                                    \
    static void name(void);                                                \
    static void __attribute__((constructor)) name##_register(void)         \
    {                                                                      \
        unit_register(#name, name);                                        \
    }                                                                      \
    static void name(void)

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);             \
        }                                                                  \
    } while (0)

#define CHECK_EQ(a, b)                                                     \
    do {                                                                   \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                   \
        if (a_ != b_) {                                                    \
            unit_fail(__FILE__, __LINE__,                                  \
                      "%s == %s: 0x%" PRIx64 " != 0x%" PRIx64, #a, #b, a_, b_); \
        }                                                                  \
    } while (0)

#define CHECK_STREQ(a, b)                                                  \
    do {                                                                   \
        const char *a_ = (a), *b_ = (b);                                   \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                           \
            unit_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"",    \
                      #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");     \
        }                                                                  \
    } while (0)

#endif
