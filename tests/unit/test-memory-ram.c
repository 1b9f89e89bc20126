/*
 * RAM blocks: the ram_addr_t space, dirty bitmaps per client, code pages
 * and their write hook, file-backed and caller-provided RAM.
 */
#include "memory/memory.h"
#include "tests/unit/memory-test-util.h"

#include <fcntl.h>
#include <sys/stat.h>

#define A MEMTXATTRS_UNSPECIFIED

typedef struct Sys {
    MemoryRegion root;
    MemoryRegion ram;
    AddressSpace as;
} Sys;

static void sys_init(Sys *s, uint64_t ram_size)
{
    memory_region_init(&s->root, NULL, "sys", 1ULL << 32);
    CHECK(memory_region_init_ram(&s->ram, NULL, "ram", ram_size, NULL));
    memory_region_add_subregion(&s->root, 0x80000000, &s->ram);
    address_space_init(&s->as, &s->root, "test");
}

static void sys_fini(Sys *s)
{
    address_space_destroy(&s->as);
    memory_region_finalize(&s->ram);
    memory_region_finalize(&s->root);
}

UNIT_TEST(ram_addr_space_and_map_ptr)
{
    MemoryRegion a, b, c;
    ram_addr_t ra, rb, rc;
    uint8_t local[100];

    CHECK(memory_region_init_ram(&a, NULL, "a", 0x3000, NULL));
    CHECK(memory_region_init_ram(&b, NULL, "b", 0x1001, NULL));
    ra = memory_region_get_ram_addr(&a);
    rb = memory_region_get_ram_addr(&b);
    /* Disjoint, page aligned. */
    CHECK_EQ(ra % TARGET_PAGE_SIZE, 0);
    CHECK_EQ(rb % TARGET_PAGE_SIZE, 0);
    CHECK(rb >= ra + 0x3000 || ra >= rb + 0x2000);
    CHECK(last_ram_addr() >= MAX(ra + 0x3000, rb + 0x2000));
    CHECK(qemu_map_ram_ptr(ra + 0x10) == (uint8_t *)memory_region_get_ram_ptr(&a) + 0x10);
    CHECK(qemu_map_ram_ptr(rb + 0x1000) == (uint8_t *)memory_region_get_ram_ptr(&b) + 0x1000);
    CHECK(qemu_map_ram_ptr(rb + 0x1001) == NULL);      /* past the used size */
    CHECK_EQ(qemu_ram_addr_from_host((uint8_t *)memory_region_get_ram_ptr(&b) + 5), rb + 5);
    CHECK_EQ(qemu_ram_addr_from_host(local), RAM_ADDR_INVALID);
    /* RAM is zeroed. */
    CHECK_EQ(((uint8_t *)memory_region_get_ram_ptr(&a))[0x2fff], 0);

    /* Caller memory is used in place. */
    memory_region_init_ram_ptr(&c, NULL, "c", sizeof(local), local);
    rc = memory_region_get_ram_addr(&c);
    CHECK(qemu_map_ram_ptr(rc + 3) == local + 3);

    memory_region_finalize(&a);
    CHECK(qemu_map_ram_ptr(ra) == NULL);
    memory_region_finalize(&b);
    memory_region_finalize(&c);
}

UNIT_TEST(ram_dirty_clients_independent)
{
    Sys s;
    ram_addr_t base;

    sys_init(&s, 0x10000);
    base = memory_region_get_ram_addr(&s.ram);
    /* New RAM is dirty for everyone. */
    CHECK(memory_region_get_dirty(&s.ram, 0, 0x10000, DIRTY_MEMORY_MIGRATION));
    memory_region_reset_dirty(&s.ram, 0, 0x10000, DIRTY_MEMORY_VGA);
    memory_region_reset_dirty(&s.ram, 0, 0x10000, DIRTY_MEMORY_MIGRATION);
    CHECK(!memory_region_get_dirty(&s.ram, 0, 0x10000, DIRTY_MEMORY_VGA));

    address_space_stl_le(&s.as, 0x80003004, 1, A, NULL);
    CHECK(memory_region_get_dirty(&s.ram, 0x3000, 1, DIRTY_MEMORY_VGA));
    CHECK(memory_region_get_dirty(&s.ram, 0x3fff, 1, DIRTY_MEMORY_MIGRATION));
    CHECK(!memory_region_get_dirty(&s.ram, 0x2000, 0x1000, DIRTY_MEMORY_VGA));
    CHECK(!memory_region_get_dirty(&s.ram, 0x4000, 0x1000, DIRTY_MEMORY_VGA));
    /* Clearing one client leaves the other. */
    CHECK(memory_region_test_and_clear_dirty(&s.ram, 0, 0x10000, DIRTY_MEMORY_VGA));
    CHECK(!memory_region_test_and_clear_dirty(&s.ram, 0, 0x10000, DIRTY_MEMORY_VGA));
    CHECK(memory_region_get_dirty(&s.ram, 0x3000, 0x1000, DIRTY_MEMORY_MIGRATION));
    CHECK(cpu_physical_memory_get_dirty(base + 0x3000, 1, DIRTY_MEMORY_MIGRATION));
    cpu_physical_memory_reset_dirty(base, 0x10000, DIRTY_MEMORY_MIGRATION);
    CHECK(!cpu_physical_memory_get_dirty(base, 0x10000, DIRTY_MEMORY_MIGRATION));

    /* A write across a page boundary dirties both pages. */
    uint8_t buf[8] = { 0 };
    address_space_write(&s.as, 0x80005ffc, A, buf, 8);
    CHECK(memory_region_get_dirty(&s.ram, 0x5000, 1, DIRTY_MEMORY_VGA));
    CHECK(memory_region_get_dirty(&s.ram, 0x6000, 1, DIRTY_MEMORY_VGA));
    CHECK(!memory_region_get_dirty(&s.ram, 0x7000, 1, DIRTY_MEMORY_VGA));
    /* DMA through a mapping counts once unmapped. */
    memory_region_reset_dirty(&s.ram, 0, 0x10000, DIRTY_MEMORY_VGA);
    hwaddr len = 0x100;
    uint8_t *p = address_space_map(&s.as, 0x80008000, &len, true, A);
    CHECK(p != NULL);
    p[0] = 1;
    CHECK(!memory_region_get_dirty(&s.ram, 0x8000, 1, DIRTY_MEMORY_VGA));
    address_space_unmap(&s.as, p, len, true, len);
    CHECK(memory_region_get_dirty(&s.ram, 0x8000, 1, DIRTY_MEMORY_VGA));
    /* Explicit marking. */
    memory_region_set_dirty(&s.ram, 0xa000, 1);
    CHECK(memory_region_get_dirty(&s.ram, 0xa000, 1, DIRTY_MEMORY_MIGRATION));
    sys_fini(&s);
}

static GString *hook_log;
static bool hook_saw_old_data;
static uint8_t *hook_watch;

static void test_code_hook(ram_addr_t start, ram_addr_t len)
{
    g_string_append_printf(hook_log, "%" PRIx64 "+%" PRIx64 " ", start, len);
    /* The hook runs before the data lands. */
    hook_saw_old_data = hook_watch && *hook_watch == 0;
}

UNIT_TEST(ram_code_write_hook_only_for_code_pages)
{
    Sys s;
    ram_addr_t base;
    MemoryRegion io;
    char expect[64];

    sys_init(&s, 0x10000);
    base = memory_region_get_ram_addr(&s.ram);
    hook_log = g_string_new("");
    memory_set_code_write_hook(test_code_hook);

    tlb_protect_code(base + 0x2000);
    CHECK(memory_page_has_code(base + 0x2000));
    CHECK(memory_page_has_code(base + 0x2abc));
    CHECK(!memory_page_has_code(base + 0x3000));
    CHECK(!memory_region_get_dirty(&s.ram, 0x2000, 1, DIRTY_MEMORY_CODE));

    /* Writes elsewhere: no hook. */
    address_space_stl_le(&s.as, 0x80001000, 5, A, NULL);
    address_space_stq_le(&s.as, 0x80003000, 5, A, NULL);
    CHECK_STREQ(hook_log->str, "");
    /* A read: no hook. */
    address_space_ldl_le(&s.as, 0x80002000, A, NULL);
    CHECK_STREQ(hook_log->str, "");

    /* Every kind of write to the code page. */
    hook_watch = (uint8_t *)memory_region_get_ram_ptr(&s.ram) + 0x2010;
    address_space_stl_le(&s.as, 0x80002010, 0xffffffff, A, NULL);
    CHECK(hook_saw_old_data);
    snprintf(expect, sizeof(expect), "%" PRIx64 "+4 ", base + 0x2010);
    CHECK_STREQ(hook_log->str, expect);
    g_string_truncate(hook_log, 0);
    address_space_write(&s.as, 0x80001ff0, A, "0123456789abcdefXY", 18);
    snprintf(expect, sizeof(expect), "%" PRIx64 "+12 ", base + 0x1ff0);
    CHECK_STREQ(hook_log->str, expect);
    g_string_truncate(hook_log, 0);
    address_space_stb(&s.as, 0x80002fff, 1, A, NULL);
    address_space_stw_be(&s.as, 0x80002000, 1, A, NULL);
    CHECK(strlen(hook_log->str) > 0);
    g_string_truncate(hook_log, 0);
    hwaddr len = 16;
    uint8_t *p = address_space_map(&s.as, 0x80002100, &len, true, A);
    p[0] = 9;
    address_space_unmap(&s.as, p, len, true, 1);
    snprintf(expect, sizeof(expect), "%" PRIx64 "+1 ", base + 0x2100);
    CHECK_STREQ(hook_log->str, expect);
    CHECK(memory_region_get_dirty(&s.ram, 0x2000, 1, DIRTY_MEMORY_CODE));

    /* The soft-MMU slow path (dispatch on the RAM leaf) too. */
    g_string_truncate(hook_log, 0);
    CHECK_EQ(memory_region_dispatch_write(&s.ram, 0x2008, 7, 8, A), MEMTX_OK);
    snprintf(expect, sizeof(expect), "%" PRIx64 "+8 ", base + 0x2008);
    CHECK_STREQ(hook_log->str, expect);

    /* Once unprotected, quiet again. */
    tlb_unprotect_code(base + 0x2000);
    CHECK(!memory_page_has_code(base + 0x2000));
    g_string_truncate(hook_log, 0);
    address_space_stl_le(&s.as, 0x80002010, 1, A, NULL);
    CHECK_STREQ(hook_log->str, "");

    /* Writes to a device never call it. */
    static const MemoryRegionOps ops = { .read = testdev_read, .write = testdev_write };
    TestDev d;
    testdev_init(&d, false);
    memory_region_init_io(&io, NULL, &ops, &d, "io", 0x100);
    memory_region_add_subregion(&s.root, 0x1000, &io);
    tlb_protect_code(base);
    address_space_stl_le(&s.as, 0x1000, 1, A, NULL);
    CHECK_STREQ(hook_log->str, "");
    tlb_unprotect_code(base);

    memory_set_code_write_hook(NULL);
    hook_watch = NULL;
    g_string_free(hook_log, true);
    memory_region_finalize(&io);
    testdev_free(&d);
    sys_fini(&s);
}

UNIT_TEST(ram_file_backed_shared_visible_in_file)
{
    char dir[] = "/tmp/machina-test-ram.XXXXXX";
    char *path;
    MemoryRegion mr, root, tmp;
    AddressSpace as;
    Error *err = NULL;
    char fbuf[8] = { 0 };
    int fd;
    struct stat st;

    CHECK(mkdtemp(dir) != NULL);
    path = g_strdup_printf("%s/guest.ram", dir);
    memory_region_init(&root, NULL, "root", 1ULL << 32);
    address_space_init(&as, &root, "file");
    CHECK(memory_region_init_ram_from_file(&mr, NULL, "fram", 0x4000, path, true, &err));
    CHECK(err == NULL);
    CHECK(stat(path, &st) == 0);
    CHECK_EQ(st.st_size, 0x4000);
    memory_region_add_subregion(&root, 0x1000, &mr);
    CHECK_EQ(address_space_write(&as, 0x1000 + 0x2000, A, "machina", 7), MEMTX_OK);
    fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(pread(fd, fbuf, 7, 0x2000), 7);
    close(fd);
    CHECK_STREQ(fbuf, "machina");
    memory_region_finalize(&mr);

    /* Private mapping: the file is not changed. */
    CHECK(memory_region_init_ram_from_file(&mr, NULL, "priv", 0x4000, path, false, &err));
    CHECK(((char *)memory_region_get_ram_ptr(&mr))[0x2000] == 'm');
    memory_region_add_subregion(&root, 0x1000, &mr);
    address_space_write(&as, 0x3000, A, "XXXXXXX", 7);
    fd = open(path, O_RDONLY);
    CHECK_EQ(pread(fd, fbuf, 7, 0x2000), 7);
    close(fd);
    CHECK_STREQ(fbuf, "machina");
    memory_region_finalize(&mr);

    /* A directory: a temporary file in it, gone when unused. */
    CHECK(memory_region_init_ram_from_file(&tmp, NULL, "tmp", 0x2000, dir, true, &err));
    ((char *)memory_region_get_ram_ptr(&tmp))[0] = 1;
    memory_region_finalize(&tmp);

    /* Errors are values. */
    CHECK(!memory_region_init_ram_from_file(&tmp, NULL, "bad", 0x2000,
                                            "/nonexistent-dir/x/y", true, &err));
    CHECK(err != NULL);
    CHECK(strstr(error_get_pretty(err), "/nonexistent-dir/x/y") != NULL);
    error_free(err);
    memory_region_finalize(&tmp);

    unlink(path);
    CHECK(rmdir(dir) == 0);            /* the temporary file is gone */
    g_free(path);
    address_space_destroy(&as);
    memory_region_finalize(&root);
}

static ram_addr_t reset_start, reset_len;

static void test_reset_hook(ram_addr_t start, ram_addr_t len)
{
    reset_start = start;
    reset_len = len;
}

UNIT_TEST(ram_all_dirty_and_reset_hook)
{
    Sys s;
    ram_addr_t base;

    sys_init(&s, 0x10000);
    base = memory_region_get_ram_addr(&s.ram);
    memory_set_dirty_reset_hook(test_reset_hook);
    /* Fresh RAM: dirty for all, no code: direct writes allowed. */
    CHECK(cpu_physical_memory_all_dirty(base, 0x10000));
    memory_region_reset_dirty(&s.ram, 0x2000, 0x1000, DIRTY_MEMORY_MIGRATION);
    CHECK_EQ(reset_start, base + 0x2000);
    CHECK_EQ(reset_len, 0x1000);
    CHECK(!cpu_physical_memory_all_dirty(base, 0x10000));
    CHECK(!cpu_physical_memory_all_dirty(base + 0x2000, 1));
    CHECK(cpu_physical_memory_all_dirty(base + 0x3000, 0x1000));
    /* A slow-path write makes it all dirty again. */
    address_space_stb(&s.as, 0x80002010, 1, A, NULL);
    CHECK(cpu_physical_memory_all_dirty(base + 0x2000, 0x1000));
    /* Code pages never allow direct writes. */
    tlb_protect_code(base + 0x4000);
    CHECK(!cpu_physical_memory_all_dirty(base + 0x4000, 1));
    address_space_stb(&s.as, 0x80004010, 1, A, NULL);
    CHECK(!cpu_physical_memory_all_dirty(base + 0x4000, 1));
    tlb_unprotect_code(base + 0x4000);
    CHECK(cpu_physical_memory_all_dirty(base + 0x4000, 1));
    reset_len = 0;
    memory_region_test_and_clear_dirty(&s.ram, 0, 0x10000, DIRTY_MEMORY_VGA);
    CHECK_EQ(reset_len, 0x10000);
    memory_set_dirty_reset_hook(NULL);
    sys_fini(&s);
}
