/*
 * Rendering the region tree into a FlatView: region kinds, priorities,
 * aliases, holes, enable/disable, moves and resizes, transactions.
 */
#include "memory/memory.h"
#include "tests/unit/memory-test-util.h"

static const MemoryRegionOps dev_ops = {
    .read = testdev_read,
    .write = testdev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

/* A 64 KiB system container with its address space. */
typedef struct Sys {
    MemoryRegion root;
    AddressSpace as;
} Sys;

static void sys_init(Sys *s)
{
    memory_region_init(&s->root, NULL, "sys", 0x10000);
    address_space_init(&s->as, &s->root, "test");
}

static void sys_fini(Sys *s)
{
    address_space_destroy(&s->as);
    memory_region_finalize(&s->root);
}

UNIT_TEST(render_each_kind)
{
    Sys s;
    MemoryRegion ram, rom, io, romd;
    TestDev d;

    testdev_init(&d, false);
    sys_init(&s);
    CHECK(memory_region_init_ram(&ram, NULL, "ram", 0x1000, NULL));
    CHECK(memory_region_init_rom(&rom, NULL, "rom", 0x1000, NULL));
    memory_region_init_io(&io, NULL, &dev_ops, &d, "io", 0x100);
    CHECK(memory_region_init_rom_device(&romd, NULL, &dev_ops, &d, "romd", 0x1000, NULL));
    CHECK_STREQ(flat_str(&s.as), "");
    memory_region_add_subregion(&s.root, 0x0000, &ram);
    memory_region_add_subregion(&s.root, 0x2000, &rom);
    memory_region_add_subregion(&s.root, 0x4000, &io);
    memory_region_add_subregion(&s.root, 0x5000, &romd);
    CHECK_STREQ(flat_str(&s.as),
                "0-fff:ram 2000-2fff:rom(ro) 4000-40ff:io 5000-5fff:romd ");
    CHECK(memory_region_is_ram(&ram) && memory_region_is_ram(&rom));
    CHECK(!memory_region_is_ram(&io));
    CHECK(memory_region_is_romd(&romd) && !memory_region_is_romd(&ram));
    CHECK(memory_region_get_ram_ptr(&ram) != NULL);
    CHECK(memory_region_get_ram_ptr(&io) == NULL);
    CHECK(memory_region_get_ram_addr(&ram) != memory_region_get_ram_addr(&rom));
    CHECK_EQ(memory_region_get_ram_addr(&io), RAM_ADDR_INVALID);

    memory_region_del_subregion(&s.root, &io);
    memory_region_del_subregion(&s.root, &romd);
    memory_region_del_subregion(&s.root, &rom);
    CHECK_STREQ(flat_str(&s.as), "0-fff:ram ");
    memory_region_finalize(&ram);    /* still mapped: finalize unmaps it */
    CHECK_STREQ(flat_str(&s.as), "");
    memory_region_finalize(&rom);
    memory_region_finalize(&io);
    memory_region_finalize(&romd);
    sys_fini(&s);
    testdev_free(&d);
}

UNIT_TEST(render_priority_and_later_wins)
{
    Sys s;
    MemoryRegion a, b, c;

    sys_init(&s);
    memory_region_init_ram(&a, NULL, "a", 0x4000, NULL);
    memory_region_init_ram(&b, NULL, "b", 0x1000, NULL);
    memory_region_init_ram(&c, NULL, "c", 0x1000, NULL);
    memory_region_add_subregion_overlap(&s.root, 0x0000, &a, 1);
    /* Lower priority is hidden where a is, visible past it. */
    memory_region_add_subregion_overlap(&s.root, 0x3800, &b, 0);
    CHECK_STREQ(flat_str(&s.as), "0-3fff:a 4000-47ff:b@800 ");
    /* Higher priority punches through a. */
    memory_region_add_subregion_overlap(&s.root, 0x1000, &c, 2);
    CHECK_STREQ(flat_str(&s.as), "0-fff:a 1000-1fff:c 2000-3fff:a@2000 4000-47ff:b@800 ");
    memory_region_del_subregion(&s.root, &c);
    CHECK_STREQ(flat_str(&s.as), "0-3fff:a 4000-47ff:b@800 ");

    /* Equal priority: the region added last wins. */
    memory_region_del_subregion(&s.root, &b);
    memory_region_add_subregion_overlap(&s.root, 0x1000, &c, 1);
    CHECK_STREQ(flat_str(&s.as), "0-fff:a 1000-1fff:c 2000-3fff:a@2000 ");
    memory_region_del_subregion(&s.root, &a);
    memory_region_add_subregion_overlap(&s.root, 0x0000, &a, 1);
    CHECK_STREQ(flat_str(&s.as), "0-3fff:a ");

    memory_region_del_subregion(&s.root, &a);
    memory_region_del_subregion(&s.root, &c);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&c);
    sys_fini(&s);
}

UNIT_TEST(render_alias_into_middle)
{
    Sys s;
    MemoryRegion ram, io, ram_alias, io_alias;
    TestDev d;
    uint8_t buf[4];

    testdev_init(&d, false);
    sys_init(&s);
    memory_region_init_ram(&ram, NULL, "ram", 0x4000, NULL);
    memory_region_init_io(&io, NULL, &dev_ops, &d, "io", 0x100);
    memory_region_add_subregion(&s.root, 0x0000, &ram);
    /* The middle of RAM and of a device, seen again elsewhere. */
    memory_region_init_alias(&ram_alias, NULL, "ram-alias", &ram, 0x1800, 0x1000);
    memory_region_init_alias(&io_alias, NULL, "io-alias", &io, 0x40, 0x20);
    memory_region_add_subregion(&s.root, 0x8000, &ram_alias);
    memory_region_add_subregion(&s.root, 0x9000, &io_alias);
    CHECK_STREQ(flat_str(&s.as), "0-3fff:ram 8000-8fff:ram@1800 9000-901f:io@40 ");

    /* Same bytes through both windows. */
    CHECK_EQ(address_space_write(&s.as, 0x8010, MEMTXATTRS_UNSPECIFIED, "abcd", 4),
             MEMTX_OK);
    CHECK_EQ(address_space_read(&s.as, 0x1810, MEMTXATTRS_UNSPECIFIED, buf, 4), MEMTX_OK);
    CHECK(memcmp(buf, "abcd", 4) == 0);
    CHECK_EQ(address_space_ldl_le(&s.as, 0x9004, MEMTXATTRS_UNSPECIFIED, NULL),
             testdev_get(&d, 0x44, 4));
    CHECK_STREQ(testdev_log(&d), "r4@44 ");

    /* Moving the window re-renders. */
    memory_region_set_alias_offset(&ram_alias, 0x100);
    CHECK_STREQ(flat_str(&s.as), "0-3fff:ram 8000-8fff:ram@100 9000-901f:io@40 ");
    /* An alias longer than what is left of its target shows only that. */
    memory_region_set_alias_offset(&ram_alias, 0x3800);
    CHECK_STREQ(flat_str(&s.as), "0-3fff:ram 8000-87ff:ram@3800 9000-901f:io@40 ");
    /* An alias of an alias. */
    MemoryRegion alias2;
    memory_region_init_alias(&alias2, NULL, "alias2", &ram_alias, 0x400, 0x100);
    memory_region_add_subregion(&s.root, 0xa000, &alias2);
    CHECK_STREQ(flat_str(&s.as),
                "0-3fff:ram 8000-87ff:ram@3800 9000-901f:io@40 a000-a0ff:ram@3c00 ");
    CHECK(memory_region_get_ram_ptr(&alias2) ==
          (uint8_t *)memory_region_get_ram_ptr(&ram) + 0x3c00);

    memory_region_finalize(&alias2);
    memory_region_finalize(&ram_alias);
    memory_region_finalize(&io_alias);
    memory_region_finalize(&ram);
    memory_region_finalize(&io);
    sys_fini(&s);
    testdev_free(&d);
}

UNIT_TEST(render_holes_with_and_without_backing)
{
    Sys s;
    MemoryRegion low, plain, backed, inner1, inner2;
    TestDev d;

    testdev_init(&d, false);
    sys_init(&s);
    memory_region_init_ram(&low, NULL, "low", 0x4000, NULL);
    memory_region_add_subregion_overlap(&s.root, 0, &low, 0);

    /* A pure container: its holes show what lies below it. */
    memory_region_init(&plain, NULL, "plain", 0x2000);
    memory_region_init_ram(&inner1, NULL, "inner1", 0x800, NULL);
    memory_region_add_subregion(&plain, 0x800, &inner1);
    memory_region_add_subregion_overlap(&s.root, 0, &plain, 1);
    CHECK_STREQ(flat_str(&s.as), "0-7ff:low 800-fff:inner1 1000-3fff:low@1000 ");

    /* A container that is itself a device: its holes are the device. */
    memory_region_init_io(&backed, NULL, &dev_ops, &d, "backed", 0x2000);
    memory_region_init_ram(&inner2, NULL, "inner2", 0x800, NULL);
    memory_region_add_subregion(&backed, 0x800, &inner2);
    memory_region_add_subregion_overlap(&s.root, 0x2000, &backed, 1);
    CHECK_STREQ(flat_str(&s.as), "0-7ff:low 800-fff:inner1 1000-1fff:low@1000 "
                "2000-27ff:backed 2800-2fff:inner2 3000-3fff:backed@1000 ");
    /* The device answers its holes. */
    address_space_ldub(&s.as, 0x2001, MEMTXATTRS_UNSPECIFIED, NULL);
    CHECK_STREQ(testdev_log(&d), "r1@1 ");

    memory_region_finalize(&inner1);
    memory_region_finalize(&inner2);
    memory_region_finalize(&plain);
    memory_region_finalize(&backed);
    memory_region_finalize(&low);
    sys_fini(&s);
    testdev_free(&d);
}

UNIT_TEST(render_enable_disable_move_resize)
{
    Sys s;
    MemoryRegion a, b, io;
    TestDev d;

    testdev_init(&d, false);
    sys_init(&s);
    memory_region_init_ram(&a, NULL, "a", 0x2000, NULL);
    memory_region_init_ram(&b, NULL, "b", 0x1000, NULL);
    memory_region_init_io(&io, NULL, &dev_ops, &d, "io", 0x100);
    memory_region_add_subregion(&s.root, 0, &a);
    memory_region_add_subregion_overlap(&s.root, 0x1000, &b, 1);
    memory_region_add_subregion(&s.root, 0x8000, &io);
    CHECK_STREQ(flat_str(&s.as), "0-fff:a 1000-1fff:b 8000-80ff:io ");
    memory_region_set_enabled(&b, false);
    CHECK_STREQ(flat_str(&s.as), "0-1fff:a 8000-80ff:io ");
    memory_region_set_enabled(&b, true);
    CHECK_STREQ(flat_str(&s.as), "0-fff:a 1000-1fff:b 8000-80ff:io ");
    memory_region_set_address(&b, 0x3000);
    CHECK_STREQ(flat_str(&s.as), "0-1fff:a 3000-3fff:b 8000-80ff:io ");
    memory_region_set_size(&io, 0x200);
    CHECK_STREQ(flat_str(&s.as), "0-1fff:a 3000-3fff:b 8000-81ff:io ");
    memory_region_set_readonly(&a, true);
    CHECK_STREQ(flat_str(&s.as), "0-1fff:a(ro) 3000-3fff:b 8000-81ff:io ");
    /* Disabling a container hides all it holds. */
    memory_region_set_enabled(&s.root, false);
    CHECK_STREQ(flat_str(&s.as), "");
    memory_region_set_enabled(&s.root, true);
    CHECK_STREQ(flat_str(&s.as), "0-1fff:a(ro) 3000-3fff:b 8000-81ff:io ");

    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&io);
    sys_fini(&s);
    testdev_free(&d);
}

UNIT_TEST(render_merges_adjacent_pieces)
{
    Sys s;
    MemoryRegion big, hole_filler, a1, a2;

    sys_init(&s);
    memory_region_init_ram(&big, NULL, "big", 0x4000, NULL);
    memory_region_init_ram(&hole_filler, NULL, "f", 0x1000, NULL);
    memory_region_add_subregion(&s.root, 0, &big);
    memory_region_add_subregion_overlap(&s.root, 0x1000, &hole_filler, 1);
    CHECK_STREQ(flat_str(&s.as), "0-fff:big 1000-1fff:f 2000-3fff:big@2000 ");
    memory_region_set_enabled(&hole_filler, false);
    /* The two pieces of big join again: one range. */
    CHECK_STREQ(flat_str(&s.as), "0-3fff:big ");
    /* Two aliases placing contiguous halves of big side by side merge too. */
    memory_region_init_alias(&a1, NULL, "a1", &big, 0, 0x800);
    memory_region_init_alias(&a2, NULL, "a2", &big, 0x800, 0x800);
    memory_region_add_subregion(&s.root, 0x8000, &a1);
    memory_region_add_subregion(&s.root, 0x8800, &a2);
    CHECK_STREQ(flat_str(&s.as), "0-3fff:big 8000-8fff:big ");

    memory_region_finalize(&a1);
    memory_region_finalize(&a2);
    memory_region_finalize(&hole_filler);
    memory_region_finalize(&big);
    sys_fini(&s);
}

static unsigned commits;

static void count_commit(MemoryListener *l)
{
    commits++;
}

UNIT_TEST(render_transactions_nest)
{
    Sys s;
    MemoryRegion a, b;
    MemoryListener l = { .commit = count_commit };

    sys_init(&s);
    memory_listener_register(&l, &s.as);
    commits = 0;
    memory_region_init_ram(&a, NULL, "a", 0x1000, NULL);
    memory_region_init_ram(&b, NULL, "b", 0x1000, NULL);
    memory_region_transaction_begin();
    memory_region_add_subregion(&s.root, 0, &a);
    memory_region_transaction_begin();
    memory_region_add_subregion(&s.root, 0x1000, &b);
    memory_region_transaction_commit();
    /* Not rendered until the outermost commit. */
    CHECK_STREQ(flat_str(&s.as), "");
    CHECK_EQ(commits, 0);
    memory_region_transaction_commit();
    CHECK_STREQ(flat_str(&s.as), "0-fff:a 1000-1fff:b ");
    CHECK_EQ(commits, 1);

    memory_listener_unregister(&l);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    sys_fini(&s);
}

UNIT_TEST(render_full_64bit_space)
{
    MemoryRegion root, ram, top;
    AddressSpace as;

    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "big");
    memory_region_init_ram(&ram, NULL, "ram", 0x1000, NULL);
    memory_region_init_ram(&top, NULL, "top", 0x1000, NULL);
    memory_region_add_subregion(&root, 0x80000000, &ram);
    memory_region_add_subregion(&root, 0xfffffffffffff000ULL, &top);
    CHECK_STREQ(flat_str(&as), "80000000-80000fff:ram fffffffffffff000-ffffffffffffffff:top ");
    CHECK_EQ(address_space_ldub(&as, 0xffffffffffffffffULL, MEMTXATTRS_UNSPECIFIED, NULL),
             0);
    memory_region_finalize(&ram);
    memory_region_finalize(&top);
    address_space_destroy(&as);
    memory_region_finalize(&root);
}

UNIT_TEST(render_bad_ram_size_is_an_error)
{
    MemoryRegion mr;
    Error *err = NULL;

    CHECK(!memory_region_init_ram(&mr, NULL, "zero", 0, &err));
    CHECK(err != NULL);
    CHECK(strstr(error_get_pretty(err), "zero") != NULL);
    error_free(err);
    memory_region_finalize(&mr);
    err = NULL;
    CHECK(!memory_region_init_ram(&mr, NULL, "huge", 1ULL << 62, &err));
    CHECK(err != NULL);
    error_free(err);
    memory_region_finalize(&mr);
}
