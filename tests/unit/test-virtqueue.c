/*
 * The virtio core and the virtio-mmio transport on fake guest memory: a
 * test AddressSpace with 64 KiB of RAM at 0 and an MMIO region at 1 MiB.
 * The test plays the driver through the transport's registers and drives
 * an "echo" device (one queue: it copies what it reads into what it
 * writes).  Normal and indirect chains, notification suppression with and
 * without event idx, feature negotiation, the config generation, and every
 * malformed-ring case, each of which must leave the device in
 * DEVICE_NEEDS_RESET and the process running.
 */
#include "tests/unit/virtqueue-test-util.h"

UNIT_TEST(virtio_mmio_identification)
{
    T t;

    setup(&t, BASE_FEATURES);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_VERSION_REG), 2);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_DEVICE_ID), 0x7e);
    wr(&t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_DEVICE_FEATURES),
             (1u << ECHO_FEATURE_BIT) | (1u << VIRTIO_RING_F_INDIRECT_DESC) |
             (1u << VIRTIO_RING_F_EVENT_IDX));
    wr(&t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_DEVICE_FEATURES), 1);     /* VERSION_1 */
    wr(&t, VIRTIO_MMIO_QUEUE_SEL, 0);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_QUEUE_NUM_MAX), QSIZE);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_QUEUE_READY), 1);
    wr(&t, VIRTIO_MMIO_QUEUE_SEL, 1);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_STATUS), 0xf);
    teardown(&t);
}

UNIT_TEST(virtio_mmio_empty_slot)
{
    Error *err = NULL;
    DeviceState *proxy = qdev_new(TYPE_VIRTIO_MMIO);
    MemoryRegion *mr;
    uint64_t v = 1;

    CHECK(qdev_realize(proxy, NULL, &err));
    mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(proxy), 0);
    memory_region_dispatch_read(mr, VIRTIO_MMIO_DEVICE_ID, &v, 4, MEMTXATTRS_UNSPECIFIED);
    CHECK_EQ(v, 0);
    memory_region_dispatch_write(mr, VIRTIO_MMIO_STATUS, 0xf, 4, MEMTXATTRS_UNSPECIFIED);
    memory_region_dispatch_read(mr, VIRTIO_MMIO_STATUS, &v, 4, MEMTXATTRS_UNSPECIFIED);
    CHECK_EQ(v, 0);
    object_unparent(OBJECT(proxy));
    object_unref(OBJECT(proxy));
}

UNIT_TEST(virtio_features_ok_requires_version_1)
{
    T t;

    setup(&t, 0);
    /* Legacy driver: FEATURES_OK does not stick (§3.1.1 step 6). */
    CHECK(!(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK));
    drv_init(&t, BASE_FEATURES | (1ULL << 7));          /* not offered */
    CHECK(!(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK));
    drv_init(&t, BASE_FEATURES | (1ULL << ECHO_FEATURE_BIT));
    CHECK(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK);
    CHECK(virtio_vdev_has_feature(t.vdev, ECHO_FEATURE_BIT));
    /* Changing features after FEATURES_OK is ignored. */
    wr(&t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(&t, VIRTIO_MMIO_DRIVER_FEATURES, 0);
    CHECK(virtio_vdev_has_feature(t.vdev, ECHO_FEATURE_BIT));
    teardown(&t);
}

UNIT_TEST(virtio_config_and_generation)
{
    T t;
    uint32_t gen;

    setup(&t, BASE_FEATURES);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_CONFIG), 0xc0ffee00);
    gen = rd(&t, VIRTIO_MMIO_CONFIG_GENERATION);
    virtio_notify_config(t.vdev);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_CONFIG_GENERATION), gen + 1);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_ISR_CONFIG);
    CHECK_EQ(t.level, 1);
    wr(&t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_CONFIG);
    CHECK_EQ(t.level, 0);
    /* Past the end of config space: 0, no crash. */
    CHECK_EQ(rd(&t, VIRTIO_MMIO_CONFIG + 4), 0);
    teardown(&t);
}

UNIT_TEST(virtqueue_normal_chain)
{
    T t;

    setup(&t, BASE_FEATURES);
    put_out(&t, "hello");
    desc(&t, 0, BUF_OUT, 5, F_NEXT, 1);
    desc(&t, 1, BUF_IN, 16, F_WRITE, 0);
    submit(&t, 0);
    CHECK_EQ(l16(&t, USED + 2), 1);
    check_echoed(&t, 0, 0, "hello");
    CHECK_EQ(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_ISR_QUEUE);
    CHECK_EQ(t.level, 1);
    wr(&t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_QUEUE);
    CHECK_EQ(t.level, 0);

    /* A second request with the out data split over two descriptors. */
    put_out(&t, "abcdef");
    desc(&t, 3, BUF_OUT, 2, F_NEXT, 5);
    desc(&t, 5, BUF_OUT + 2, 4, F_NEXT, 7);
    desc(&t, 7, BUF_IN, 8, F_WRITE, 0);
    submit(&t, 3);
    CHECK_EQ(l16(&t, USED + 2), 2);
    check_echoed(&t, 1, 3, "abcdef");
    CHECK(!needs_reset(&t));
    teardown(&t);
}

UNIT_TEST(virtqueue_wraps_around_ring)
{
    T t;

    setup(&t, BASE_FEATURES);
    for (unsigned i = 0; i < 3 * QSIZE; i++) {
        char msg[8];

        snprintf(msg, sizeof(msg), "m%u", i);
        put_out(&t, msg);
        desc(&t, i % QSIZE, BUF_OUT, strlen(msg), F_NEXT, (i + 1) % QSIZE);
        desc(&t, (i + 1) % QSIZE, BUF_IN, 8, F_WRITE, 0);
        submit(&t, i % QSIZE);
        check_echoed(&t, i % QSIZE, i % QSIZE, msg);
    }
    CHECK_EQ(l16(&t, USED + 2), 3 * QSIZE);
    CHECK(!needs_reset(&t));
    teardown(&t);
}

UNIT_TEST(virtqueue_indirect_chain)
{
    T t;

    setup(&t, BASE_FEATURES | (1ULL << VIRTIO_RING_F_INDIRECT_DESC));
    put_out(&t, "indirect!");
    desc_at(&t, TABLE, 0, BUF_OUT, 4, F_NEXT, 2);
    desc_at(&t, TABLE, 2, BUF_OUT + 4, 5, F_NEXT, 1);
    desc_at(&t, TABLE, 1, BUF_IN, 32, F_WRITE, 0);
    desc(&t, 4, TABLE, 3 * 16, F_INDIRECT, 0);
    submit(&t, 4);
    CHECK_EQ(l16(&t, USED + 2), 1);
    check_echoed(&t, 0, 4, "indirect!");
    CHECK(!needs_reset(&t));
    teardown(&t);
}

UNIT_TEST(virtqueue_no_interrupt_flag)
{
    T t;

    setup(&t, BASE_FEATURES);
    g16(&t, AVAIL, 1);              /* VRING_AVAIL_F_NO_INTERRUPT */
    put_out(&t, "x");
    desc(&t, 0, BUF_OUT, 1, F_NEXT, 1);
    desc(&t, 1, BUF_IN, 1, F_WRITE, 0);
    submit(&t, 0);
    CHECK_EQ(l16(&t, USED + 2), 1);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    CHECK_EQ(t.level, 0);
    g16(&t, AVAIL, 0);
    submit(&t, 0);
    CHECK_EQ(t.level, 1);
    teardown(&t);
}

UNIT_TEST(virtqueue_event_idx_suppression)
{
    T t;
    hwaddr used_event = AVAIL + 4 + 2 * QSIZE;
    hwaddr avail_event = USED + 4 + 8 * QSIZE;

    setup(&t, BASE_FEATURES | (1ULL << VIRTIO_RING_F_EVENT_IDX));
    put_out(&t, "e");
    desc(&t, 0, BUF_OUT, 1, F_NEXT, 1);
    desc(&t, 1, BUF_IN, 1, F_WRITE, 0);
    /* The driver wants an interrupt only when used idx passes 2. */
    g16(&t, used_event, 2);
    submit(&t, 0);                  /* first notify is always sent */
    CHECK_EQ(t.level, 1);
    wr(&t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_QUEUE);
    CHECK_EQ(l16(&t, avail_event), 1);   /* the device asks for the next kick */
    submit(&t, 0);                  /* used idx 2: not past 2 */
    CHECK_EQ(t.level, 0);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    submit(&t, 0);                  /* used idx 3: crossed used_event */
    CHECK_EQ(t.level, 1);
    CHECK_EQ(l16(&t, USED + 2), 3);
    CHECK_EQ(l16(&t, avail_event), 3);
    wr(&t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_QUEUE);
    g16(&t, used_event, 100);
    submit(&t, 0);
    CHECK_EQ(t.level, 0);
    teardown(&t);
}

/* Run one malformed request and check the device gave up cleanly. */
static void expect_broken(T *t, uint16_t head)
{
    unsigned handled = ((EchoState *)t->vdev)->handled;
    uint16_t used = l16(t, USED + 2);

    submit(t, head);
    CHECK(needs_reset(t));
    CHECK_EQ(l16(t, USED + 2), used);
    CHECK(rd(t, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_ISR_CONFIG);
    CHECK_EQ(t->level, 1);
    CHECK_EQ(((EchoState *)t->vdev)->handled, handled);
    /* Further kicks are ignored until the driver resets the device. */
    desc(t, 6, BUF_OUT, 1, F_NEXT, 7);
    desc(t, 7, BUF_IN, 1, F_WRITE, 0);
    submit(t, 6);
    CHECK_EQ(l16(t, USED + 2), used);
    /* The driver cannot clear NEEDS_RESET by writing status... */
    wr(t, VIRTIO_MMIO_STATUS, 0xf);
    CHECK(needs_reset(t));
    /* ...but a reset brings the device back. */
    drv_init(t, BASE_FEATURES | (1ULL << VIRTIO_RING_F_INDIRECT_DESC));
    CHECK(!needs_reset(t));
    put_out(t, "ok");
    desc(t, 0, BUF_OUT, 2, F_NEXT, 1);
    desc(t, 1, BUF_IN, 2, F_WRITE, 0);
    submit(t, 0);
    check_echoed(t, 0, 0, "ok");
}

UNIT_TEST(virtqueue_bad_loop)
{
    T t;

    setup(&t, BASE_FEATURES);
    desc(&t, 0, BUF_OUT, 1, F_NEXT, 1);
    desc(&t, 1, BUF_OUT, 1, F_NEXT, 0);
    expect_broken(&t, 0);
    /* A self loop. */
    desc(&t, 2, BUF_IN, 1, F_WRITE | F_NEXT, 2);
    expect_broken(&t, 2);
    teardown(&t);
}

UNIT_TEST(virtqueue_bad_indices)
{
    T t;

    setup(&t, BASE_FEATURES);
    expect_broken(&t, QSIZE + 1);                /* head out of range */
    desc(&t, 0, BUF_OUT, 1, F_NEXT, QSIZE);      /* next out of range */
    expect_broken(&t, 0);
    /* avail idx jumps further ahead than the queue holds. */
    g16(&t, AVAIL + 2, QSIZE + 3);
    wr(&t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    CHECK(needs_reset(&t));
    teardown(&t);
}

UNIT_TEST(virtqueue_bad_buffers)
{
    T t;

    setup(&t, BASE_FEATURES);
    desc(&t, 0, MMIO_BASE, 4, 0, 0);                 /* a device, not RAM */
    expect_broken(&t, 0);
    desc(&t, 0, 2 * MiB, 4, F_WRITE, 0);             /* a hole */
    expect_broken(&t, 0);
    desc(&t, 0, RAM_SIZE - 8, 16, 0, 0);             /* runs off the end of RAM */
    expect_broken(&t, 0);
    desc(&t, 0, UINT64_MAX - 8, 0x100, 0, 0);        /* wraps around */
    expect_broken(&t, 0);
    desc(&t, 0, BUF_IN, 4, F_WRITE | F_NEXT, 1);     /* readable after writable */
    desc(&t, 1, BUF_OUT, 4, 0, 0);
    expect_broken(&t, 0);
    teardown(&t);
}

UNIT_TEST(virtqueue_bad_indirect)
{
    T t;

    setup(&t, BASE_FEATURES);
    desc(&t, 0, TABLE, 16, F_INDIRECT, 0);           /* not negotiated */
    desc_at(&t, TABLE, 0, BUF_OUT, 1, 0, 0);
    expect_broken(&t, 0);
    /* expect_broken re-initialized with INDIRECT_DESC negotiated. */
    desc(&t, 0, TABLE, 24, F_INDIRECT, 0);           /* not a multiple of 16 */
    expect_broken(&t, 0);
    desc(&t, 0, TABLE, 0, F_INDIRECT, 0);            /* empty */
    expect_broken(&t, 0);
    desc(&t, 0, TABLE, 16, F_INDIRECT | F_NEXT, 1);  /* indirect with next */
    desc(&t, 1, BUF_IN, 1, F_WRITE, 0);
    expect_broken(&t, 0);
    desc_at(&t, TABLE, 0, TABLE + 0x100, 16, F_INDIRECT, 0);   /* nested */
    desc(&t, 0, TABLE, 16, F_INDIRECT, 0);
    expect_broken(&t, 0);
    desc(&t, 0, MMIO_BASE, 32, F_INDIRECT, 0);       /* table in MMIO */
    expect_broken(&t, 0);
    desc_at(&t, TABLE, 0, BUF_OUT, 1, F_NEXT, 1);    /* loop inside the table */
    desc_at(&t, TABLE, 1, BUF_OUT, 1, F_NEXT, 0);
    desc(&t, 0, TABLE, 32, F_INDIRECT, 0);
    expect_broken(&t, 0);
    desc_at(&t, TABLE, 0, BUF_OUT, 1, F_NEXT, 5);    /* next beyond the table */
    desc(&t, 0, TABLE, 32, F_INDIRECT, 0);
    expect_broken(&t, 0);
    teardown(&t);
}

UNIT_TEST(virtqueue_rings_outside_ram)
{
    T t;

    setup(&t, BASE_FEATURES);
    wr(&t, VIRTIO_MMIO_STATUS, 0);
    wr(&t, VIRTIO_MMIO_STATUS, 3);
    wr(&t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(&t, VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wr(&t, VIRTIO_MMIO_STATUS, 0xb);
    wr(&t, VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(&t, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
    wr(&t, VIRTIO_MMIO_QUEUE_DESC_LOW, DESC);
    wr(&t, VIRTIO_MMIO_QUEUE_AVAIL_LOW, AVAIL);
    wr(&t, VIRTIO_MMIO_QUEUE_USED_LOW, MMIO_BASE);   /* used ring on a device */
    wr(&t, VIRTIO_MMIO_QUEUE_READY, 1);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_QUEUE_READY), 0);
    CHECK(needs_reset(&t));
    /* A misaligned descriptor table is refused as well. */
    drv_init(&t, BASE_FEATURES);
    wr(&t, VIRTIO_MMIO_QUEUE_READY, 0);
    wr(&t, VIRTIO_MMIO_QUEUE_DESC_LOW, DESC + 8);
    wr(&t, VIRTIO_MMIO_QUEUE_READY, 1);
    CHECK(needs_reset(&t));
    /* So is a queue size that is not a power of two. */
    drv_init(&t, BASE_FEATURES);
    wr(&t, VIRTIO_MMIO_QUEUE_READY, 0);
    wr(&t, VIRTIO_MMIO_QUEUE_NUM, 3);
    wr(&t, VIRTIO_MMIO_QUEUE_READY, 1);
    CHECK(needs_reset(&t));
    teardown(&t);
}

UNIT_TEST(virtqueue_guest_error_is_logged)
{
    T t;
    char *path = g_strdup("/tmp/test-virtqueue-log-XXXXXX");
    int fd = g_mkstemp(path);
    Error *err = NULL;
    char *text = NULL;
    unsigned saved = machina_loglevel;

    CHECK(fd >= 0);
    close(fd);
    CHECK(qemu_log_set_file(path, &err));
    machina_loglevel |= LOG_GUEST_ERROR;
    setup(&t, BASE_FEATURES);
    desc(&t, 0, BUF_OUT, 1, F_NEXT, 0);
    submit(&t, 0);
    qemu_log_flush();
    CHECK(needs_reset(&t));
    CHECK(g_file_get_contents(path, &text, NULL, NULL));
    CHECK(strstr(text, "test-echo-virtio: queue 0: descriptor chain loops"));
    CHECK(strstr(text, "device needs reset"));
    machina_loglevel = saved;
    teardown(&t);
    unlink(path);
    g_free(path);
    g_free(text);
}

/* Packed rings (§2.8) */

#define PACKED (BASE_FEATURES | (1ULL << VIRTIO_F_RING_PACKED))
#define P_AVAIL (1 << 7)
#define P_USED (1 << 15)

/* A driver-side packed descriptor, made available in round `wrap`. */
static void pdesc(T *t, hwaddr table, unsigned i, uint64_t addr, uint32_t len,
                  uint16_t flags, uint16_t id, bool wrap)
{
    hwaddr d = table + 16 * i;

    address_space_stq_le(&t->as, d, addr, MEMTXATTRS_UNSPECIFIED, NULL);
    address_space_stl_le(&t->as, d + 8, len, MEMTXATTRS_UNSPECIFIED, NULL);
    g16(t, d + 12, id);
    g16(t, d + 14, flags | (wrap ? P_AVAIL : P_USED));
}

static void kick(T *t)
{
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

UNIT_TEST(packed_ring_chains_and_wrap)
{
    T t;
    bool wrap = true;
    unsigned pos = 0;

    setup(&t, PACKED);
    CHECK(virtio_vdev_has_feature(t.vdev, VIRTIO_F_RING_PACKED));
    /* Three laps of two-descriptor chains over an 8-entry ring. */
    for (unsigned n = 0; n < 12; n++) {
        char msg[8];
        unsigned second = (pos + 1) % QSIZE;
        bool wrap2 = second < pos ? !wrap : wrap;
        hwaddr used;

        snprintf(msg, sizeof(msg), "p%u", n);
        put_out(&t, msg);
        pdesc(&t, DESC, second, BUF_IN, 8, F_WRITE, 100 + n, wrap2);
        pdesc(&t, DESC, pos, BUF_OUT, strlen(msg), F_NEXT, 100 + n, wrap);
        kick(&t);
        /* One used descriptor at the chain's first slot: ID, length, flags. */
        used = DESC + 16 * pos;
        CHECK_EQ(l16(&t, used + 12), 100 + n);
        CHECK_EQ(l32(&t, used + 8), strlen(msg));
        CHECK_EQ(l16(&t, used + 14), (wrap ? P_AVAIL | P_USED : 0) | F_WRITE);
        pos += 2;
        if (pos >= QSIZE) {
            pos -= QSIZE;
            wrap = !wrap;
        }
    }
    CHECK_EQ(((EchoState *)t.vdev)->handled, 12);
    CHECK_EQ(t.level, 1);
    CHECK(!needs_reset(&t));
    teardown(&t);
}

UNIT_TEST(packed_ring_indirect_and_suppression)
{
    T t;

    setup(&t, PACKED | (1ULL << VIRTIO_RING_F_INDIRECT_DESC));
    put_out(&t, "packed-ind");
    pdesc(&t, TABLE, 0, BUF_OUT, 6, 0, 0, false);
    pdesc(&t, TABLE, 1, BUF_OUT + 6, 4, 0, 0, false);
    pdesc(&t, TABLE, 2, BUF_IN, 16, F_WRITE, 0, false);
    /* Table entries carry no AVAIL/USED meaning; clear them. */
    for (unsigned i = 0; i < 3; i++) {
        g16(&t, TABLE + 16 * i + 14, l16(&t, TABLE + 16 * i + 14) & F_WRITE);
    }
    /* The driver asks for no interrupts (driver event flags = DISABLE). */
    g16(&t, AVAIL + 2, 1);
    pdesc(&t, DESC, 0, TABLE, 48, F_INDIRECT, 9, true);
    kick(&t);
    CHECK_EQ(l16(&t, DESC + 12), 9);
    CHECK_EQ(l32(&t, DESC + 8), 10);
    {
        char got[16] = "";

        address_space_read(&t.as, BUF_IN, MEMTXATTRS_UNSPECIFIED, got, 10);
        CHECK(!memcmp(got, "packed-ind", 10));
    }
    CHECK_EQ(t.level, 0);
    teardown(&t);
}

UNIT_TEST(packed_ring_malformed)
{
    T t;

    setup(&t, PACKED);
    /* Every slot chained to the next: longer than the queue. */
    for (unsigned i = 0; i < QSIZE; i++) {
        pdesc(&t, DESC, i, BUF_OUT, 1, F_NEXT, 0, true);
    }
    kick(&t);
    CHECK(needs_reset(&t));
    CHECK(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_ISR_CONFIG);
    /* A buffer on a device. */
    drv_init(&t, PACKED);
    pdesc(&t, DESC, 0, MMIO_BASE, 16, 0, 0, true);
    kick(&t);
    CHECK(needs_reset(&t));
    /* Not yet available (wrong wrap bits): nothing happens. */
    drv_init(&t, PACKED);
    pdesc(&t, DESC, 0, BUF_OUT, 1, 0, 0, false);
    kick(&t);
    CHECK(!needs_reset(&t));
    CHECK_EQ(((EchoState *)t.vdev)->handled, 0);
    teardown(&t);
}
