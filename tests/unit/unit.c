/* The unit harness: see unit.h. */
#include "tests/unit/unit.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>

#define UNIT_MAX_TESTS 1024

static struct {
    const char *name;
    UnitTestFn *fn;
} tests[UNIT_MAX_TESTS];
static int ntests;
static jmp_buf unit_jmp;
static const char *skip_reason;

void unit_register(const char *name, UnitTestFn *fn)
{
    if (ntests == UNIT_MAX_TESTS) {
        fprintf(stderr, "unit: more than %d tests\n", UNIT_MAX_TESTS);
        exit(2);
    }
    tests[ntests].name = name;
    tests[ntests].fn = fn;
    ntests++;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    printf("# %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    longjmp(unit_jmp, 1);
}

void unit_skip(const char *reason)
{
    skip_reason = reason;
    longjmp(unit_jmp, 2);
}

int unit_main(void)
{
    volatile int failed = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("1..%d\n", ntests);
    for (volatile int i = 0; i < ntests; i++) {
        int r = setjmp(unit_jmp);
        if (r == 0) {
            tests[i].fn();
            printf("ok %d - %s\n", i + 1, tests[i].name);
        } else if (r == 2) {
            printf("ok %d - %s # SKIP %s\n", i + 1, tests[i].name, skip_reason);
        } else {
            printf("not ok %d - %s\n", i + 1, tests[i].name);
            failed++;
        }
    }
    return failed ? 1 : 0;
}

int main(void)
{
    return unit_main();
}
