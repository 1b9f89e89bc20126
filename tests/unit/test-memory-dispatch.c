/*
 * Accesses: splitting and widening into implemented sizes, byte order,
 * valid-size checks, holes, ROM, buffers across region boundaries,
 * translation and mapping.
 */
#include "memory/memory.h"
#include "tests/unit/memory-test-util.h"

#define A MEMTXATTRS_UNSPECIFIED

typedef struct Sys {
    MemoryRegion root;
    AddressSpace as;
} Sys;

static void sys_init(Sys *s)
{
    memory_region_init(&s->root, NULL, "sys", 0x100000);
    address_space_init(&s->as, &s->root, "test");
}

static void sys_fini(Sys *s)
{
    address_space_destroy(&s->as);
    memory_region_finalize(&s->root);
}

static const MemoryRegionOps le_impl4_ops = {
    .read = testdev_read,
    .write = testdev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static const MemoryRegionOps be_impl4_ops = {
    .read = testdev_read,
    .write = testdev_write,
    .endianness = DEVICE_BIG_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* Registers are 32-bit only; the guest may use any size. */
static const MemoryRegionOps le_min4_ops = {
    .read = testdev_read,
    .write = testdev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static const MemoryRegionOps be_min4_ops = {
    .read = testdev_read,
    .write = testdev_write,
    .endianness = DEVICE_BIG_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* Defaults: valid 1..4, impl the same. */
static const MemoryRegionOps default_ops = {
    .read = testdev_read,
    .write = testdev_write,
};

static const MemoryRegionOps only4_ops = {
    .read = testdev_read,
    .write = testdev_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

UNIT_TEST(dispatch_split_8_into_4_le)
{
    Sys s;
    MemoryRegion io;
    TestDev d;
    MemTxResult r = 1;
    uint64_t v;

    testdev_init(&d, false);
    sys_init(&s);
    memory_region_init_io(&io, NULL, &le_impl4_ops, &d, "dev", 0x100);
    memory_region_add_subregion(&s.root, 0x1000, &io);

    v = address_space_ldq_le(&s.as, 0x1008, A, &r);
    CHECK_EQ(r, MEMTX_OK);
    CHECK_STREQ(testdev_log(&d), "r4@8 r4@c ");
    /* Register bytes 0x18..0x1f in little-endian order. */
    CHECK_EQ(v, 0x1f1e1d1c1b1a1918ULL);
    testdev_clear(&d);
    address_space_stq_le(&s.as, 0x1010, 0x8877665544332211ULL, A, &r);
    CHECK_EQ(r, MEMTX_OK);
    CHECK_STREQ(testdev_log(&d), "w4@10=0x44332211 w4@14=0x88776655 ");
    CHECK_EQ(d.regs[0x10], 0x11);
    CHECK_EQ(d.regs[0x17], 0x88);

    memory_region_finalize(&io);
    sys_fini(&s);
    testdev_free(&d);
}

UNIT_TEST(dispatch_split_8_into_4_be)
{
    Sys s;
    MemoryRegion io;
    TestDev d;
    MemTxResult r = 1;
    uint64_t v;

    testdev_init(&d, true);
    sys_init(&s);
    memory_region_init_io(&io, NULL, &be_impl4_ops, &d, "dev", 0x100);
    memory_region_add_subregion(&s.root, 0x1000, &io);

    /*
     * A big-endian device: the 64-bit register at 8 is (r4@8 << 32) | r4@c
     * in its own order; the little-endian guest sees it byte-swapped, i.e.
     * byte 0x18 is the least significant.
     */
    v = address_space_ldq_le(&s.as, 0x1008, A, &r);
    CHECK_EQ(r, MEMTX_OK);
    CHECK_STREQ(testdev_log(&d), "r4@8 r4@c ");
    CHECK_EQ(v, 0x1f1e1d1c1b1a1918ULL);
    CHECK_EQ(address_space_ldq_be(&s.as, 0x1008, A, NULL), 0x18191a1b1c1d1e1fULL);
    testdev_clear(&d);
    /* A big-endian store writes the device's native value. */
    address_space_stq_be(&s.as, 0x1010, 0x1122334455667788ULL, A, &r);
    CHECK_EQ(r, MEMTX_OK);
    CHECK_STREQ(testdev_log(&d), "w4@10=0x11223344 w4@14=0x55667788 ");
    CHECK_EQ(d.regs[0x10], 0x11);
    CHECK_EQ(d.regs[0x17], 0x88);
    /* A 4-byte access is one call, swapped. */
    testdev_clear(&d);
    CHECK_EQ(address_space_ldl_le(&s.as, 0x1010, A, NULL), 0x44332211);
    CHECK_STREQ(testdev_log(&d), "r4@10 ");

    memory_region_finalize(&io);
    sys_fini(&s);
    testdev_free(&d);
}

UNIT_TEST(dispatch_widen_1_to_4)
{
    Sys s;
    MemoryRegion le, be;
    TestDev dl, db;
    MemTxResult r = 1;

    testdev_init(&dl, false);
    testdev_init(&db, true);
    sys_init(&s);
    memory_region_init_io(&le, NULL, &le_min4_ops, &dl, "le", 0x100);
    memory_region_init_io(&be, NULL, &be_min4_ops, &db, "be", 0x100);
    memory_region_add_subregion(&s.root, 0x1000, &le);
    memory_region_add_subregion(&s.root, 0x2000, &be);

    /* One byte from the middle of a 32-bit register: an aligned 4-byte
     * read, then the right byte. */
    CHECK_EQ(address_space_ldub(&s.as, 0x1006, A, &r), 0x16);
    CHECK_EQ(r, MEMTX_OK);
    CHECK_STREQ(testdev_log(&dl), "r4@4 ");
    CHECK_EQ(address_space_ldub(&s.as, 0x2006, A, &r), 0x16);
    CHECK_STREQ(testdev_log(&db), "r4@4 ");
    CHECK_EQ(address_space_lduw_le(&s.as, 0x1002, A, NULL), 0x1312);
    CHECK_EQ(address_space_lduw_le(&s.as, 0x2002, A, NULL), 0x1312);

    /* A byte write becomes a 4-byte write with the byte in place. */
    testdev_clear(&dl);
    testdev_clear(&db);
    address_space_stb(&s.as, 0x1005, 0xab, A, &r);
    CHECK_EQ(r, MEMTX_OK);
    CHECK_STREQ(testdev_log(&dl), "w4@4=0xab00 ");
    address_space_stb(&s.as, 0x2005, 0xab, A, &r);
    CHECK_STREQ(testdev_log(&db), "w4@4=0xab0000 ");
    CHECK_EQ(db.regs[5], 0xab);

    memory_region_finalize(&le);
    memory_region_finalize(&be);
    sys_fini(&s);
    testdev_free(&dl);
    testdev_free(&db);
}

UNIT_TEST(dispatch_valid_sizes_rejected)
{
    Sys s;
    MemoryRegion io, io4;
    TestDev d;
    MemTxResult r = 0;

    testdev_init(&d, false);
    sys_init(&s);
    memory_region_init_io(&io, NULL, &default_ops, &d, "dev", 0x100);
    memory_region_init_io(&io4, NULL, &only4_ops, &d, "dev4", 0x100);
    memory_region_add_subregion(&s.root, 0x1000, &io);
    memory_region_add_subregion(&s.root, 0x2000, &io4);

    /* Default valid sizes are 1..4: an 8-byte access is refused whole. */
    CHECK_EQ(address_space_ldq_le(&s.as, 0x1000, A, &r), 0);
    CHECK_EQ(r, MEMTX_ACCESS_ERROR);
    address_space_stq_le(&s.as, 0x1000, 1, A, &r);
    CHECK_EQ(r, MEMTX_ACCESS_ERROR);
    /* Unaligned, not allowed by valid.unaligned. */
    address_space_ldl_le(&s.as, 0x1002, A, &r);
    CHECK_EQ(r, MEMTX_ACCESS_ERROR);
    /* Below the minimum. */
    address_space_ldub(&s.as, 0x2000, A, &r);
    CHECK_EQ(r, MEMTX_ACCESS_ERROR);
    CHECK_STREQ(testdev_log(&d), "");
    /* Accepted ones reach the device. */
    CHECK_EQ(address_space_ldl_le(&s.as, 0x2004, A, &r), 0x17161514);
    CHECK_EQ(r, MEMTX_OK);
    CHECK_EQ(address_space_lduw_le(&s.as, 0x1002, A, &r), 0x1312);
    CHECK_EQ(r, MEMTX_OK);
    CHECK_STREQ(testdev_log(&d), "r4@4 r2@2 ");
    /* Directly, with a size that no bus has. */
    uint64_t v;
    CHECK_EQ(memory_region_dispatch_read(&io, 0, &v, 3, A), MEMTX_ACCESS_ERROR);

    memory_region_finalize(&io);
    memory_region_finalize(&io4);
    sys_fini(&s);
    testdev_free(&d);
}

UNIT_TEST(dispatch_unassigned_reads_zero)
{
    Sys s;
    MemTxResult r = 0;
    uint8_t buf[16];
    hwaddr xlat, len = 0x100;
    MemoryRegion *mr;

    sys_init(&s);
    CHECK_EQ(address_space_ldq_le(&s.as, 0x5000, A, &r), 0);
    CHECK_EQ(r, MEMTX_DECODE_ERROR);
    address_space_stl_le(&s.as, 0x5000, 7, A, &r);
    CHECK_EQ(r, MEMTX_DECODE_ERROR);
    memset(buf, 0xff, sizeof(buf));
    CHECK_EQ(address_space_read(&s.as, 0x5000, A, buf, sizeof(buf)), MEMTX_DECODE_ERROR);
    CHECK_EQ(buf[0], 0);
    CHECK_EQ(buf[15], 0);
    /* Far outside the root container too. */
    CHECK_EQ(address_space_ldq_le(&s.as, 0xffffffffffff0000ULL, A, &r), 0);
    CHECK_EQ(r, MEMTX_DECODE_ERROR);
    mr = address_space_translate(&s.as, 0x5000, &xlat, &len, false, A);
    CHECK(mr != NULL);
    CHECK(!memory_region_is_ram(mr));
    uint64_t v = 1;
    CHECK_EQ(memory_region_dispatch_read(mr, xlat, &v, 4, A), MEMTX_DECODE_ERROR);
    CHECK_EQ(v, 0);
    sys_fini(&s);
}

UNIT_TEST(dispatch_rom_write_ignored)
{
    Sys s;
    MemoryRegion rom;
    MemTxResult r = 1;
    uint8_t buf[4] = { 1, 2, 3, 4 };

    sys_init(&s);
    CHECK(memory_region_init_rom(&rom, NULL, "rom", 0x1000, NULL));
    memory_region_add_subregion(&s.root, 0x4000, &rom);
    CHECK_EQ(address_space_write(&s.as, 0x4000, A, buf, 4), MEMTX_OK);
    CHECK_EQ(address_space_ldl_le(&s.as, 0x4000, A, NULL), 0);
    address_space_stl_le(&s.as, 0x4000, 0xdead, A, &r);
    CHECK_EQ(r, MEMTX_OK);
    CHECK_EQ(address_space_ldl_le(&s.as, 0x4000, A, NULL), 0);
    /* The loader's path writes it. */
    CHECK_EQ(address_space_write_rom(&s.as, 0x4000, A, buf, 4), MEMTX_OK);
    CHECK_EQ(address_space_ldl_le(&s.as, 0x4000, A, NULL), 0x04030201);
    /* Not mappable for writing (DMA must not bypass read-only). */
    hwaddr len = 4;
    CHECK(address_space_map(&s.as, 0x4000, &len, true, A) == NULL);
    len = 4;
    CHECK(address_space_map(&s.as, 0x4000, &len, false, A) != NULL);
    /* The loader's path skips devices (nothing to load into). */
    TestDev d;
    MemoryRegion io;
    testdev_init(&d, false);
    memory_region_init_io(&io, NULL, &default_ops, &d, "dev", 0x100);
    memory_region_add_subregion(&s.root, 0x5000, &io);
    CHECK_EQ(address_space_write_rom(&s.as, 0x4ffe, A, buf, 4), MEMTX_OK);
    CHECK_STREQ(testdev_log(&d), "");
    CHECK_EQ(address_space_ldub(&s.as, 0x4fff, A, NULL), 2);
    memory_region_finalize(&io);
    testdev_free(&d);
    memory_region_finalize(&rom);
    sys_fini(&s);
}

UNIT_TEST(dispatch_romd_reads_ram_writes_ops)
{
    Sys s;
    MemoryRegion romd;
    TestDev d;
    uint8_t img[4] = { 0xaa, 0xbb, 0xcc, 0xdd };

    testdev_init(&d, false);
    sys_init(&s);
    CHECK(memory_region_init_rom_device(&romd, NULL, &default_ops, &d, "flash", 0x1000,
                                        NULL));
    memory_region_add_subregion(&s.root, 0x8000, &romd);
    CHECK_EQ(address_space_write_rom(&s.as, 0x8000, A, img, 4), MEMTX_OK);
    CHECK_EQ(address_space_ldl_le(&s.as, 0x8000, A, NULL), 0xddccbbaa);
    CHECK_STREQ(testdev_log(&d), "");
    address_space_stw_le(&s.as, 0x8002, 0x98, A, NULL);
    CHECK_STREQ(testdev_log(&d), "w2@2=0x98 ");
    /* Command mode: reads go to the device as well. */
    memory_region_rom_device_set_romd(&romd, false);
    testdev_clear(&d);
    CHECK_EQ(address_space_ldub(&s.as, 0x8004, A, NULL), 0x14);
    CHECK_STREQ(testdev_log(&d), "r1@4 ");
    memory_region_finalize(&romd);
    sys_fini(&s);
    testdev_free(&d);
}

UNIT_TEST(dispatch_rw_across_ram_io_boundary)
{
    Sys s;
    MemoryRegion ram, io;
    TestDev d;
    uint8_t buf[16], out[16];
    unsigned i;

    testdev_init(&d, false);
    sys_init(&s);
    memory_region_init_ram(&ram, NULL, "ram", 0x1000, NULL);
    memory_region_init_io(&io, NULL, &le_impl4_ops, &d, "dev", 0x100);
    memory_region_add_subregion(&s.root, 0x0000, &ram);
    memory_region_add_subregion(&s.root, 0x1000, &io);

    for (i = 0; i < 16; i++) {
        buf[i] = (uint8_t)(0xa0 + i);
    }
    /* 8 bytes land in RAM, 8 in the device (one 8-byte access, split). */
    CHECK_EQ(address_space_rw(&s.as, 0xff8, A, buf, 16, true), MEMTX_OK);
    CHECK_STREQ(testdev_log(&d), "w4@0=0xabaaa9a8 w4@4=0xafaeadac ");
    CHECK_EQ(((uint8_t *)memory_region_get_ram_ptr(&ram))[0xfff], 0xa7);
    CHECK_EQ(d.regs[0], 0xa8);
    CHECK_EQ(d.regs[7], 0xaf);
    CHECK_EQ(address_space_rw(&s.as, 0xff8, A, out, 16, false), MEMTX_OK);
    CHECK(memcmp(buf, out, 16) == 0);
    /* Then into a hole: what lies in ranges still lands, the rest errors. */
    memset(out, 0xee, sizeof(out));
    CHECK_EQ(address_space_read(&s.as, 0x10fc, A, out, 8), MEMTX_DECODE_ERROR);
    CHECK_EQ(out[0], 0x0c);             /* register bytes 0xfc..0xff */
    CHECK_EQ(out[3], 0x0f);
    CHECK_EQ(out[4], 0);
    /* A load straddling RAM and device. */
    CHECK_EQ(address_space_ldl_le(&s.as, 0xffe, A, NULL), 0xa9a8a7a6);

    memory_region_finalize(&ram);
    memory_region_finalize(&io);
    sys_fini(&s);
    testdev_free(&d);
}

UNIT_TEST(dispatch_translate_and_map)
{
    Sys s;
    MemoryRegion ram, io, alias;
    TestDev d;
    MemoryRegion *mr;
    hwaddr xlat, len;
    uint8_t *p;

    testdev_init(&d, false);
    sys_init(&s);
    memory_region_init_ram(&ram, NULL, "ram", 0x2000, NULL);
    memory_region_init_io(&io, NULL, &default_ops, &d, "dev", 0x100);
    memory_region_init_alias(&alias, NULL, "alias", &ram, 0x1000, 0x1000);
    memory_region_add_subregion(&s.root, 0x10000, &ram);
    memory_region_add_subregion(&s.root, 0x20000, &io);
    memory_region_add_subregion(&s.root, 0x30000, &alias);

    len = 0x10000;
    mr = address_space_translate(&s.as, 0x10800, &xlat, &len, false, A);
    CHECK(mr == &ram);
    CHECK_EQ(xlat, 0x800);
    CHECK_EQ(len, 0x1800);
    len = 4;
    mr = address_space_translate(&s.as, 0x30010, &xlat, &len, true, A);
    CHECK(mr == &ram);
    CHECK_EQ(xlat, 0x1010);
    CHECK_EQ(len, 4);
    len = 0x1000;
    mr = address_space_translate(&s.as, 0x20080, &xlat, &len, false, A);
    CHECK(mr == &io);
    CHECK_EQ(xlat, 0x80);
    CHECK_EQ(len, 0x80);
    /* A hole is clipped at the next range. */
    len = 0x100000;
    mr = address_space_translate(&s.as, 0x12000, &xlat, &len, false, A);
    CHECK(!memory_region_is_ram(mr));
    CHECK_EQ(len, 0xe000);

    len = 0x10000;
    p = address_space_map(&s.as, 0x30000, &len, true, A);
    CHECK(p == (uint8_t *)memory_region_get_ram_ptr(&ram) + 0x1000);
    CHECK_EQ(len, 0x1000);
    p[0] = 0x5a;
    address_space_unmap(&s.as, p, len, true, 1);
    CHECK_EQ(address_space_ldub(&s.as, 0x11000, A, NULL), 0x5a);
    len = 4;
    CHECK(address_space_map(&s.as, 0x20000, &len, false, A) == NULL);
    CHECK_EQ(len, 0);

    CHECK(address_space_access_valid(&s.as, 0x10000, 0x2000, true, A));
    CHECK(!address_space_access_valid(&s.as, 0x10000, 0x2001, false, A));
    CHECK(!address_space_access_valid(&s.as, 0x20000, 4, false, A));

    memory_region_finalize(&alias);
    memory_region_finalize(&ram);
    memory_region_finalize(&io);
    sys_fini(&s);
    testdev_free(&d);
}

static MemTxResult failing_read(void *opaque, hwaddr addr, uint64_t *data,
                                unsigned size, MemTxAttrs attrs)
{
    *data = 0x1234;
    return addr == 0 ? MEMTX_ERROR : MEMTX_OK;
}

static bool accept_only_even(void *opaque, hwaddr addr, unsigned size, bool is_write,
                             MemTxAttrs attrs)
{
    return (addr & 4) == 0;
}

static const MemoryRegionOps attrs_ops = {
    .read_with_attrs = failing_read,
    .valid = { .min_access_size = 4, .max_access_size = 4, .accepts = accept_only_even },
};

UNIT_TEST(dispatch_device_errors_and_accepts)
{
    Sys s;
    MemoryRegion io;
    MemTxResult r = 0;

    sys_init(&s);
    memory_region_init_io(&io, NULL, &attrs_ops, NULL, "dev", 0x100);
    memory_region_add_subregion(&s.root, 0x1000, &io);
    CHECK_EQ(address_space_ldl_le(&s.as, 0x1000, A, &r), 0x1234);
    CHECK_EQ(r, MEMTX_ERROR);
    CHECK_EQ(address_space_ldl_le(&s.as, 0x1008, A, &r), 0x1234);
    CHECK_EQ(r, MEMTX_OK);
    CHECK_EQ(address_space_ldl_le(&s.as, 0x1004, A, &r), 0);
    CHECK_EQ(r, MEMTX_ACCESS_ERROR);
    /* No write callback: the write is dropped quietly. */
    address_space_stl_le(&s.as, 0x1008, 1, A, &r);
    CHECK_EQ(r, MEMTX_OK);
    memory_region_finalize(&io);
    sys_fini(&s);
}

/* The guest may access unaligned, the callbacks only handle aligned 32-bit
 * registers: two aligned reads, the bytes in between. */
static const MemoryRegionOps unaligned_ops = {
    .read = testdev_read,
    .write = testdev_write,
    .valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

UNIT_TEST(dispatch_unaligned_guest_aligned_impl)
{
    Sys s;
    MemoryRegion io;
    TestDev d;
    MemTxResult r = 1;

    testdev_init(&d, false);
    sys_init(&s);
    memory_region_init_io(&io, NULL, &unaligned_ops, &d, "dev", 0x100);
    memory_region_add_subregion(&s.root, 0x1000, &io);
    CHECK_EQ(address_space_ldl_le(&s.as, 0x1006, A, &r), 0x19181716);
    CHECK_EQ(r, MEMTX_OK);
    CHECK_STREQ(testdev_log(&d), "r4@4 r4@8 ");
    testdev_clear(&d);
    CHECK_EQ(address_space_ldq_le(&s.as, 0x1001, A, &r), 0x0807060504030201ULL + 0x1010101010101010ULL);
    CHECK_STREQ(testdev_log(&d), "r4@0 r4@4 r4@8 ");
    testdev_clear(&d);
    address_space_stw_le(&s.as, 0x1003, 0xbeef, A, &r);
    CHECK_STREQ(testdev_log(&d), "w4@0=0xef000000 w4@4=0xbe ");
    memory_region_finalize(&io);
    sys_fini(&s);
    testdev_free(&d);
}
