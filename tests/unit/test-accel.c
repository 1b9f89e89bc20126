/* The accelerator registry: registration, lookup and the -accel help list. */
#include "core/osdep.h"
#include "accel/accel.h"
#include "tests/unit/unit.h"

static bool fake_available(Error **errp)
{
    error_setg(errp, "fake accelerator is never available");
    return false;
}

static const AccelOps fake_zeta = { .name = "zeta-test", .desc = "last by name" };
static const AccelOps fake_alpha = {
    .name = "alpha-test", .desc = "first by name", .available = fake_available,
};

UNIT_TEST(accel_register_and_find)
{
    Error *err = NULL;

    accel_register(&fake_zeta);
    accel_register(&fake_alpha);
    CHECK(accel_find("zeta-test") == &fake_zeta);
    CHECK(accel_find("alpha-test") == &fake_alpha);
    CHECK(accel_find("nope") == NULL);
    CHECK(accel_find("alpha") == NULL);            /* no prefix matching */
    CHECK(!accel_find("alpha-test")->available(&err));
    CHECK(err != NULL);
    error_free(err);
}

UNIT_TEST(accel_print_list_sorted)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    char *a, *z;

    accel_print_list(f);
    fclose(f);
    CHECK(strncmp(buf, "Accelerators supported in ", 26) == 0);
    a = strstr(buf, "\nalpha-test first by name\n");
    z = strstr(buf, "\nzeta-test last by name\n");
    CHECK(a != NULL);
    CHECK(z != NULL);
    CHECK(a < z);
    free(buf);
}
