/* Errors as values and log item parsing. */
#include "core/error.h"
#include "core/log.h"
#include "tests/unit/unit.h"

static bool fails(int x, Error **errp)
{
    if (x > 3) {
        error_setg(errp, "invalid size '%dQ'", x);
        return false;
    }
    return true;
}

UNIT_TEST(error_value_and_prepend)
{
    Error *err = NULL;

    CHECK(fails(1, &err));
    CHECK(err == NULL);
    CHECK(!fails(12, &err));
    CHECK(err != NULL);
    error_prepend(&err, "-m %s: ", "12Q");
    CHECK_STREQ(error_get_pretty(err), "-m 12Q: invalid size '12Q'");
    CHECK_EQ(error_get_class(err), ERROR_CLASS_GENERIC_ERROR);
    error_free(err);
}

UNIT_TEST(error_null_errp_is_ignored)
{
    CHECK(!fails(9, NULL));
}

UNIT_TEST(error_errno_suffix_and_propagate)
{
    Error *local = NULL, *dst = NULL;

    error_setg_errno(&local, ENOENT, "cannot open '%s'", "x.img");
    error_propagate(&dst, local);
    CHECK_STREQ(error_get_pretty(dst), "cannot open 'x.img': No such file or directory");
    error_free(dst);
    dst = NULL;
    error_propagate(&dst, NULL);   /* propagating nothing is a no-op */
    CHECK(dst == NULL);
}

UNIT_TEST(log_items_parse)
{
    unsigned mask = 0;
    Error *err = NULL;

    CHECK(qemu_log_parse_items("in_asm,int,guest_errors", &mask, &err));
    CHECK_EQ(mask, CPU_LOG_TB_IN_ASM | CPU_LOG_INT | LOG_GUEST_ERROR);
    CHECK(!qemu_log_parse_items("in_asm,bogus", &mask, &err));
    CHECK_STREQ(error_get_pretty(err), "unknown log item 'bogus' (use -d help for a list)");
    CHECK_EQ(mask, CPU_LOG_TB_IN_ASM | CPU_LOG_INT | LOG_GUEST_ERROR);  /* unchanged */
    error_free(err);
}
