/* -object memory-backend-ram / memory-backend-file and their use as RAM. */
#include "core/osdep.h"
#include "core/object.h"
#include "system/memory-backend.h"
#include "tests/unit/unit.h"

static Object *add(const char *type, const char *id, Error **errp, ...)
{
    GPtrArray *keys = g_ptr_array_new(), *values = g_ptr_array_new();
    const char *k;
    va_list ap;
    Object *obj;

    va_start(ap, errp);
    while ((k = va_arg(ap, const char *))) {
        g_ptr_array_add(keys, (char *)k);
        g_ptr_array_add(values, va_arg(ap, char *));
    }
    va_end(ap);
    obj = user_creatable_add(type, id, keys, values, errp);
    g_ptr_array_free(keys, true);
    g_ptr_array_free(values, true);
    return obj;
}

UNIT_TEST(backend_ram_allocates_and_is_claimed_once)
{
    Error *err = NULL;
    Object *obj = add(TYPE_MEMORY_BACKEND_RAM, "ram0", &err, "size", "2M", NULL);
    MemoryRegion *mr;
    uint64_t size = 0;
    uint8_t *p;

    CHECK(obj != NULL);
    CHECK(MEMORY_BACKEND(obj)->allocated);
    mr = host_memory_backend_claim("ram0", &size, &err);
    CHECK(mr != NULL);
    CHECK_EQ(size, 2 * MiB);
    CHECK_EQ(memory_region_size(mr), 2 * MiB);
    CHECK(memory_region_is_ram(mr));
    p = memory_region_get_ram_ptr(mr);
    CHECK(p != NULL);
    p[0] = 0x5a;
    p[2 * MiB - 1] = 0xa5;             /* the whole size is backed */
    CHECK(host_memory_backend_claim("ram0", &size, &err) == NULL);
    CHECK_STREQ(error_get_pretty(err), "Memory backend 'ram0' is already in use");
    error_free(err);
}

UNIT_TEST(backend_errors)
{
    Error *err = NULL;
    uint64_t size;

    CHECK(add(TYPE_MEMORY_BACKEND_RAM, "nosize", &err, NULL) == NULL);
    CHECK(strstr(error_get_pretty(err), "'size' is required") != NULL);
    error_free(err);
    err = NULL;
    CHECK(add(TYPE_MEMORY_BACKEND_RAM, "odd", &err, "size", "1000", NULL) == NULL);
    CHECK(strstr(error_get_pretty(err), "multiple of 4096") != NULL);
    error_free(err);
    err = NULL;
    CHECK(add(TYPE_MEMORY_BACKEND_RAM, "badsz", &err, "size", "12Q", NULL) == NULL);
    CHECK(err != NULL);
    error_free(err);
    err = NULL;
    CHECK(add(TYPE_MEMORY_BACKEND_FILE, "nopath", &err, "size", "1M", NULL) == NULL);
    CHECK(strstr(error_get_pretty(err), "'mem-path' is required") != NULL);
    error_free(err);
    err = NULL;
    CHECK(add(TYPE_MEMORY_BACKEND, "abstract", &err, "size", "1M", NULL) == NULL);
    CHECK(err != NULL);
    error_free(err);
    err = NULL;
    /* A failed object does not stay around under its id. */
    CHECK(host_memory_backend_claim("nosize", &size, &err) == NULL);
    CHECK_STREQ(error_get_pretty(err), "Memory backend 'nosize' not found");
    error_free(err);
}

UNIT_TEST(backend_file_in_directory)
{
    char dir[] = "/tmp/machina-membackend-XXXXXX";
    Error *err = NULL;
    Object *obj;
    MemoryRegion *mr;
    uint64_t size;

    CHECK(mkdtemp(dir) != NULL);
    obj = add(TYPE_MEMORY_BACKEND_FILE, "file0", &err, "size", "1M", "mem-path", dir,
              "share", "on", NULL);
    if (!obj) {
        unit_fail(__FILE__, __LINE__, "%s", error_get_pretty(err));
    }
    CHECK(MEMORY_BACKEND(obj)->share);
    mr = host_memory_backend_claim("file0", &size, NULL);
    CHECK(mr != NULL);
    CHECK_EQ(size, MiB);
    ((uint8_t *)memory_region_get_ram_ptr(mr))[MiB - 1] = 1;
    rmdir(dir);         /* the temporary file inside is already unlinked */
}

UNIT_TEST(backend_claim_wrong_type)
{
    Error *err = NULL;
    Object *c = object_new(TYPE_CONTAINER);

    object_property_add_child(object_get_objects_root(), "notmem", c);
    object_unref(c);
    CHECK(host_memory_backend_claim("notmem", &(uint64_t){0}, &err) == NULL);
    CHECK_STREQ(error_get_pretty(err), "'notmem' is not a memory backend (it is a container)");
    error_free(err);
}
