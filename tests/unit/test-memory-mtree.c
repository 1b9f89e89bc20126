/*
 * "info mtree" text, in the layout of QEMU 7.2's monitor (Debian's
 * qemu-system-riscv64 printed the reference for these shapes).
 */
#include "memory/memory.h"
#include "tests/unit/memory-test-util.h"

static const MemoryRegionOps ops = {
    .read = testdev_read,
    .write = testdev_write,
};

typedef struct Board {
    MemoryRegion system, io, mrom, serial, flash, mmcfg, ecam, ram, overlay, hidden;
    AddressSpace memory, cpu_memory, io_as;
    TestDev d;
} Board;

static void board_init(Board *b)
{
    testdev_init(&b->d, false);
    memory_region_init(&b->system, NULL, "system", UINT64_MAX);
    memory_region_init_io(&b->io, NULL, &ops, &b->d, "io", 0x10000);
    memory_region_init_rom(&b->mrom, NULL, "mrom", 0xf000, NULL);
    memory_region_init_io(&b->serial, NULL, &ops, &b->d, "serial", 8);
    memory_region_init_rom_device(&b->flash, NULL, &ops, &b->d, "flash", 0x2000000, NULL);
    memory_region_init_io(&b->mmcfg, NULL, &ops, &b->d, "mmcfg", 0x10000000);
    memory_region_init_alias(&b->ecam, NULL, "ecam", &b->mmcfg, 0, 0x10000000);
    memory_region_init_ram(&b->ram, NULL, "ram", 0x8000000, NULL);
    memory_region_init_io(&b->overlay, NULL, &ops, &b->d, "overlay", 0x1000);
    memory_region_init_io(&b->hidden, NULL, &ops, &b->d, "hidden", 0x1000);

    address_space_init(&b->memory, &b->system, "memory");
    address_space_init(&b->io_as, &b->io, "I/O");
    address_space_init(&b->cpu_memory, &b->system, "cpu-memory-0");
    memory_region_transaction_begin();
    /* Added out of address order on purpose: the text is sorted. */
    memory_region_add_subregion(&b->system, 0x80000000, &b->ram);
    memory_region_add_subregion(&b->system, 0x1000, &b->mrom);
    memory_region_add_subregion(&b->system, 0x20000000, &b->flash);
    memory_region_add_subregion(&b->system, 0x10000000, &b->serial);
    memory_region_add_subregion(&b->system, 0x30000000, &b->ecam);
    memory_region_add_subregion_overlap(&b->system, 0x80000000, &b->overlay, 1);
    memory_region_add_subregion(&b->system, 0x90000000, &b->hidden);
    memory_region_set_enabled(&b->hidden, false);
    memory_region_transaction_commit();
}

static void board_fini(Board *b)
{
    address_space_destroy(&b->memory);
    address_space_destroy(&b->io_as);
    address_space_destroy(&b->cpu_memory);
    memory_region_finalize(&b->hidden);
    memory_region_finalize(&b->overlay);
    memory_region_finalize(&b->ram);
    memory_region_finalize(&b->ecam);
    memory_region_finalize(&b->mmcfg);
    memory_region_finalize(&b->flash);
    memory_region_finalize(&b->serial);
    memory_region_finalize(&b->mrom);
    memory_region_finalize(&b->io);
    memory_region_finalize(&b->system);
    testdev_free(&b->d);
}

UNIT_TEST(mtree_tree_text)
{
    Board b;
    GString *out = g_string_new("");

    board_init(&b);
    mtree_info(out, false);
    CHECK_STREQ(out->str,
        "address-space: cpu-memory-0\n"
        "address-space: memory\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n"
        "    0000000000001000-000000000000ffff (prio 0, rom): mrom\n"
        "    0000000010000000-0000000010000007 (prio 0, i/o): serial\n"
        "    0000000020000000-0000000021ffffff (prio 0, romd): flash\n"
        "    0000000030000000-000000003fffffff (prio 0, i/o): alias ecam @mmcfg "
        "0000000000000000-000000000fffffff\n"
        "    0000000080000000-0000000080000fff (prio 1, i/o): overlay\n"
        "    0000000080000000-0000000087ffffff (prio 0, ram): ram\n"
        "\n"
        "address-space: I/O\n"
        "  0000000000000000-000000000000ffff (prio 0, i/o): io\n"
        "\n"
        "memory-region: mmcfg\n"
        "  0000000000000000-000000000fffffff (prio 0, i/o): mmcfg\n"
        "\n");
    g_string_free(out, true);
    board_fini(&b);
}

UNIT_TEST(mtree_flatview_text)
{
    Board b;
    GString *out = g_string_new("");

    board_init(&b);
    mtree_info(out, true);
    CHECK_STREQ(out->str,
        "FlatView #0\n"
        " AS \"memory\", root: system\n"
        " AS \"cpu-memory-0\", root: system\n"
        " Root memory region: system\n"
        "  0000000000001000-000000000000ffff (prio 0, rom): mrom\n"
        "  0000000010000000-0000000010000007 (prio 0, i/o): serial\n"
        "  0000000020000000-0000000021ffffff (prio 0, romd): flash\n"
        "  0000000030000000-000000003fffffff (prio 0, i/o): mmcfg\n"
        "  0000000080000000-0000000080000fff (prio 1, i/o): overlay\n"
        "  0000000080001000-0000000087ffffff (prio 0, ram): ram @0000000000001000\n"
        "\n"
        "FlatView #1\n"
        " AS \"I/O\", root: io\n"
        " Root memory region: io\n"
        "  0000000000000000-000000000000ffff (prio 0, i/o): io\n"
        "\n");
    g_string_free(out, true);
    board_fini(&b);
}

UNIT_TEST(mtree_empty_view_and_nested)
{
    MemoryRegion root, sub, leaf, empty;
    AddressSpace as, as_empty;
    GString *out = g_string_new("");

    memory_region_init(&root, NULL, "root", 0x100000);
    memory_region_init(&sub, NULL, "sub", 0x10000);
    memory_region_init_ram(&leaf, NULL, "leaf", 0x1000, NULL);
    memory_region_init(&empty, NULL, "bus master container", UINT64_MAX);
    memory_region_add_subregion(&sub, 0x2000, &leaf);
    memory_region_add_subregion(&root, 0x40000, &sub);
    memory_region_set_readonly(&leaf, true);
    address_space_init(&as, &root, "nested");
    address_space_init(&as_empty, &empty, "gpex-root");

    mtree_info(out, false);
    CHECK_STREQ(out->str,
        "address-space: nested\n"
        "  0000000000000000-00000000000fffff (prio 0, i/o): root\n"
        "    0000000000040000-000000000004ffff (prio 0, i/o): sub\n"
        "      0000000000042000-0000000000042fff (prio 0, rom): leaf\n"
        "\n"
        "address-space: gpex-root\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): bus master container\n"
        "\n");
    g_string_truncate(out, 0);
    mtree_info(out, true);
    CHECK_STREQ(out->str,
        "FlatView #0\n"
        " AS \"nested\", root: root\n"
        " Root memory region: root\n"
        "  0000000000042000-0000000000042fff (prio 0, rom): leaf\n"
        "\n"
        "FlatView #1\n"
        " AS \"gpex-root\", root: bus master container\n"
        " Root memory region: (none)\n"
        "  No rendered FlatView\n"
        "\n");

    g_string_free(out, true);
    address_space_destroy(&as);
    address_space_destroy(&as_empty);
    memory_region_finalize(&leaf);
    memory_region_finalize(&sub);
    memory_region_finalize(&root);
    memory_region_finalize(&empty);
}
