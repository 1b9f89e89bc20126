/*
 * virtio devices on fake guest memory behind virtio-mmio, the test playing
 * the driver: virtio-blk's request parsing (read, write, get-id, flush,
 * bad ranges, unknown types, missing headers) over a real image file, and
 * virtio-balloon's inflate/deflate, target/actual and statistics queue.
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "hw/virtio/virtio-mmio.h"
#include "hw/virtio/virtio-balloon.h"
#include "block/block.h"
#include "tests/unit/unit.h"

#include <fcntl.h>

#include "tests/unit/virtio-mmio-driver.h"

/* virtio-blk */

#define V1 (1ULL << VIRTIO_F_VERSION_1)
#define HDR 0x20000
#define DATA 0x21000
#define STATUS 0x22000

static void blk_req(T *t, uint32_t type, uint64_t sector, uint32_t len, bool write_data)
{
    uint8_t hdr[16] = { 0 };

    hdr[0] = type;
    for (int i = 0; i < 8; i++) {
        hdr[8 + i] = sector >> (8 * i);
    }
    put(t, HDR, hdr, sizeof(hdr));
    address_space_stb(&t->as, STATUS, 0xee, MEMTXATTRS_UNSPECIFIED, NULL);
    desc(t, 0, 0, HDR, 16, F_NEXT, 1);
    if (len) {
        desc(t, 0, 1, DATA, len, F_NEXT | (write_data ? 0 : F_WRITE), 2);
        desc(t, 0, 2, STATUS, 1, F_WRITE, 0);
    } else {
        desc(t, 0, 1, STATUS, 1, F_WRITE, 0);
    }
    submit(t, 0, 0);
}

static uint8_t blk_status(T *t)
{
    return address_space_ldub(&t->as, STATUS, MEMTXATTRS_UNSPECIFIED, NULL);
}

UNIT_TEST(virtio_blk_requests)
{
    char path[] = "test-virtio-blk-XXXXXX";
    int fd = mkstemp(path);
    uint8_t sect[512], back[512];
    BlockInterfaceType iface;
    Error *err = NULL;
    char *opts;
    BlockBackend *blk;
    T t;

    CHECK(fd >= 0);
    for (int i = 0; i < 512; i++) {
        sect[i] = i * 3;
    }
    CHECK_EQ(pwrite(fd, sect, 512, 512 * 5), 512);
    CHECK_EQ(ftruncate(fd, 64 * KiB), 0);
    close(fd);
    opts = g_strdup_printf("file=%s,format=raw,if=none,id=vblk0", path);
    blk = drive_new(opts, &iface, &err);
    CHECK(blk);
    setup(&t, "virtio-blk-device", "drive", "vblk0", NULL);
    drv_init(&t, V1, 1);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_CONFIG), 128);             /* capacity in sectors */

    blk_req(&t, 0, 5, 512, false);                          /* IN */
    CHECK(wait_used(&t, 0, 1));
    CHECK_EQ(blk_status(&t), 0);
    get(&t, DATA, back, 512);
    CHECK(!memcmp(back, sect, 512));
    CHECK_EQ(address_space_ldl_le(&t.as, USED(0) + 8, MEMTXATTRS_UNSPECIFIED, NULL), 513);

    memset(back, 0x5e, 512);
    put(&t, DATA, back, 512);
    blk_req(&t, 1, 7, 512, true);                           /* OUT */
    CHECK(wait_used(&t, 0, 2));
    CHECK_EQ(blk_status(&t), 0);
    CHECK_EQ(blk_pread(blk, 7 * 512, sect, 512), 0);
    CHECK(!memcmp(back, sect, 512));

    blk_req(&t, 4, 0, 0, false);                            /* FLUSH */
    CHECK(wait_used(&t, 0, 3));
    CHECK_EQ(blk_status(&t), 0);

    blk_req(&t, 0, 127, 1024, false);                       /* past the end */
    CHECK(wait_used(&t, 0, 4));
    CHECK_EQ(blk_status(&t), 1);                            /* IOERR */
    blk_req(&t, 0, UINT64_MAX / 256, 512, false);           /* overflowing sector */
    CHECK(wait_used(&t, 0, 5));
    CHECK_EQ(blk_status(&t), 1);
    blk_req(&t, 99, 0, 0, false);                           /* unknown type */
    CHECK(wait_used(&t, 0, 6));
    CHECK_EQ(blk_status(&t), 2);                            /* UNSUPP */
    blk_req(&t, 11, 0, 16, true);                           /* discard, not negotiated */
    CHECK(wait_used(&t, 0, 7));
    CHECK_EQ(blk_status(&t), 2);
    CHECK(!(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET));

    /* A request without its status byte breaks the device. */
    desc(&t, 0, 0, HDR, 16, 0, 0);
    submit(&t, 0, 0);
    /* virtio-blk's kicks reach it through the main loop (host notifiers). */
    for (int i = 0; i < 100 && !(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
         i++) {
        event_loop_run_once(main_loop_get(), false);
    }
    CHECK(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
    CHECK_EQ(l16(&t, USED(0) + 2), 7);
    teardown(&t);
    blk_unref(blk);
    unlink(path);
    g_free(opts);
}

UNIT_TEST(virtio_blk_get_id_and_block_size)
{
    char path[] = "test-virtio-blk-XXXXXX";
    int fd = mkstemp(path);
    BlockInterfaceType iface;
    Error *err = NULL;
    char *opts, id[21] = "";
    BlockBackend *blk;
    T t;

    CHECK(fd >= 0);
    CHECK_EQ(ftruncate(fd, 64 * KiB), 0);
    close(fd);
    opts = g_strdup_printf("file=%s,format=raw,if=none,id=vblk1", path);
    blk = drive_new(opts, &iface, &err);
    CHECK(blk);
    memset(&t, 0, sizeof(t));
    setup(&t, "virtio-blk-device", "drive", "vblk1", NULL);
    drv_init(&t, V1, 1);
    /* No serial: 20 zero bytes. */
    blk_req(&t, 8, 0, 20, false);
    CHECK(wait_used(&t, 0, 1));
    CHECK_EQ(blk_status(&t), 0);
    get(&t, DATA, id, 20);
    CHECK_EQ(id[0], 0);
    teardown(&t);

    setup(&t, "virtio-blk-device", "drive", "vblk1", NULL);
    CHECK(object_property_get_uint(OBJECT(t.dev), "logical_block_size", NULL) == 512);
    teardown(&t);
    blk_unref(blk);
    unlink(path);
    g_free(opts);
}

static void segment(T *t, uint64_t sector, uint32_t nsect, uint32_t flags)
{
    uint8_t seg[16];

    virtio_stq_p(seg, sector);
    virtio_stl_p(seg + 8, nsect);
    virtio_stl_p(seg + 12, flags);
    put(t, DATA, seg, sizeof(seg));
}

UNIT_TEST(virtio_blk_discard_and_write_zeroes)
{
    char path[] = "test-virtio-blk-XXXXXX";
    int fd = mkstemp(path);
    uint8_t buf[4096], ones[4096];
    BlockInterfaceType iface;
    Error *err = NULL;
    char *opts;
    BlockBackend *blk;
    T t;

    CHECK(fd >= 0);
    memset(ones, 0xff, sizeof(ones));
    for (int i = 0; i < 16; i++) {
        CHECK_EQ(write(fd, ones, sizeof(ones)), sizeof(ones));
    }
    close(fd);
    opts = g_strdup_printf("file=%s,format=raw,if=none,id=vblk2,discard=unmap", path);
    blk = drive_new(opts, &iface, &err);
    CHECK(blk);
    setup(&t, "virtio-blk-device", "drive", "vblk2", NULL);
    wr(&t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    CHECK(rd(&t, VIRTIO_MMIO_DEVICE_FEATURES) & (1u << 13));     /* DISCARD */
    CHECK(rd(&t, VIRTIO_MMIO_DEVICE_FEATURES) & (1u << 14));     /* WRITE_ZEROES */
    drv_init(&t, V1 | (1ULL << 13) | (1ULL << 14), 1);

    segment(&t, 8, 8, 0);                                   /* zero 4 KiB at 4 KiB */
    blk_req(&t, 13, 0, 16, true);
    CHECK(wait_used(&t, 0, 1));
    CHECK_EQ(blk_status(&t), 0);
    CHECK_EQ(blk_pread(blk, 4096, buf, 4096), 0);
    CHECK_EQ(buf[0] | buf[4095], 0);
    CHECK_EQ(blk_pread(blk, 8192, buf, 1), 0);
    CHECK_EQ(buf[0], 0xff);

    segment(&t, 32, 16, 0);                                 /* discard 8 KiB */
    blk_req(&t, 11, 0, 16, true);
    CHECK(wait_used(&t, 0, 2));
    CHECK_EQ(blk_status(&t), 0);

    segment(&t, 0, 8, 1);                                   /* discard with UNMAP: bad */
    blk_req(&t, 11, 0, 16, true);
    CHECK(wait_used(&t, 0, 3));
    CHECK_EQ(blk_status(&t), 2);
    segment(&t, 120, 16, 0);                                /* past the end */
    blk_req(&t, 13, 0, 16, true);
    CHECK(wait_used(&t, 0, 4));
    CHECK_EQ(blk_status(&t), 1);
    blk_req(&t, 13, 0, 8, true);                            /* truncated segment */
    CHECK(wait_used(&t, 0, 5));
    CHECK_EQ(blk_status(&t), 1);
    teardown(&t);
    blk_unref(blk);
    unlink(path);
    g_free(opts);
}

/* virtio-balloon */

UNIT_TEST(virtio_balloon_target_inflate_stats)
{
    T t;
    VirtIOBalloon *b;
    uint8_t pfns[8], page[4096], stats[20];
    uint64_t ram_size = 256 * MiB;

    setup(&t, TYPE_VIRTIO_BALLOON, NULL);
    b = VIRTIO_BALLOON(t.dev);
    CHECK(virtio_balloon_get() == b);
    drv_init(&t, V1 | (1ULL << 1), 3);                      /* STATS_VQ */
    CHECK_EQ(rd(&t, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BALLOON);

    /* Host: keep 255 MiB -> 256 pages to give back, config interrupt. */
    wr(&t, VIRTIO_MMIO_INTERRUPT_ACK, 3);
    virtio_balloon_set_target(b, ram_size, ram_size - MiB);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_CONFIG), 256);
    CHECK(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_ISR_CONFIG);

    /* Inflate two pages of (fake) RAM holding data: they are released. */
    memset(page, 0x77, sizeof(page));
    put(&t, 0x30000, page, sizeof(page));
    put(&t, 0x31000, page, sizeof(page));
    virtio_stl_p(pfns, 0x30);
    virtio_stl_p(pfns + 4, 0x31);
    put(&t, BUF, pfns, sizeof(pfns));
    desc(&t, 0, 0, BUF, 8, 0, 0);
    submit(&t, 0, 0);
    CHECK_EQ(l16(&t, USED(0) + 2), 1);
    CHECK_EQ(b->inflated_pages, 2);
    get(&t, 0x30000, page, sizeof(page));
    CHECK_EQ(page[0], 0);                       /* released: reads back as zeroes */
    /* The driver reports progress in actual. */
    memory_region_dispatch_write(t.regs, VIRTIO_MMIO_CONFIG + 4, 2, 4,
                                 MEMTXATTRS_UNSPECIFIED);
    CHECK_EQ(b->actual, 2);
    CHECK_EQ(virtio_balloon_actual_bytes(b, ram_size), ram_size - 2 * 4096);
    /* Deflate one. */
    desc(&t, 1, 0, BUF, 4, 0, 0);
    submit(&t, 1, 0);
    CHECK_EQ(b->inflated_pages, 1);
    /* A pfn outside RAM is logged and skipped. */
    virtio_stl_p(pfns, 0xfffff);
    put(&t, BUF, pfns, 4);
    desc(&t, 0, 1, BUF, 4, 0, 0);
    submit(&t, 0, 1);
    CHECK_EQ(b->inflated_pages, 1);

    /* Stats: free memory 0x1234000, total 0x10000000; kept until polled. */
    stats[0] = 4; stats[1] = 0;                             /* MEMFREE */
    virtio_stl_p(stats + 2, 0x1234000);
    virtio_stl_p(stats + 6, 0);
    stats[10] = 5; stats[11] = 0;                           /* MEMTOT */
    virtio_stl_p(stats + 12, 0x10000000);
    virtio_stl_p(stats + 16, 0);
    put(&t, BUF + 0x100, stats, sizeof(stats));
    desc(&t, 2, 0, BUF + 0x100, sizeof(stats), 0, 0);
    submit(&t, 2, 0);
    CHECK_EQ(b->stats[VIRTIO_BALLOON_S_MEMFREE], 0x1234000);
    CHECK_EQ(b->stats[VIRTIO_BALLOON_S_MEMTOT], 0x10000000);
    CHECK_EQ(l16(&t, USED(2) + 2), 0);                      /* held */
    CHECK(b->stats_elem != NULL);
    teardown(&t);
    CHECK(virtio_balloon_get() == NULL);
}
