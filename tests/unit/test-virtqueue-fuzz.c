/*
 * A bounded, deterministic fuzz run of the virtqueue code (TESTING.md:
 * every parser of untrusted bytes gets one): descriptor tables, indirect
 * tables and ring indices filled with biased random values (addresses in
 * RAM, at its edge, on a device, in a hole, wrapping; lengths from 0 to
 * 4 GiB; every flag combination; next indices in and out of range), for
 * split and packed rings.  Each round must either complete requests or
 * leave the device in DEVICE_NEEDS_RESET; a reset always brings it back.
 * Under ASan/UBSan this finds out-of-bounds access and undefined behaviour.
 *
 * MACHINA_FUZZ_ITERATIONS raises the count for a longer local run.
 */
#include "tests/unit/virtqueue-test-util.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    /* xorshift64*: fixed seed, so a failure reproduces. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t pick_addr(void)
{
    switch (rnd() % 8) {
    case 0:
        return BUF_OUT + rnd() % 256;
    case 1:
        return BUF_IN + rnd() % 256;
    case 2:
        return RAM_SIZE - rnd() % 64;            /* straddles the end of RAM */
    case 3:
        return MMIO_BASE + rnd() % 0x1000;       /* a device */
    case 4:
        return 2 * MiB + rnd() % 4096;           /* nothing there */
    case 5:
        return UINT64_MAX - rnd() % 512;         /* wraps */
    case 6:
        return TABLE + 16 * (rnd() % 8);
    default:
        return rnd();
    }
}

static uint32_t pick_len(void)
{
    switch (rnd() % 6) {
    case 0:
        return 0;
    case 1:
        return 1 + rnd() % 16;
    case 2:
        return rnd() % 4096;
    case 3:
        return 16 * (1 + rnd() % 8);             /* plausible indirect tables */
    case 4:
        return UINT32_MAX - rnd() % 16;
    default:
        return (uint32_t)rnd();
    }
}

static void random_desc(T *t, hwaddr table, unsigned i, uint16_t extra_flags)
{
    hwaddr d = table + 16 * i;

    address_space_stq_le(&t->as, d, pick_addr(), MEMTXATTRS_UNSPECIFIED, NULL);
    address_space_stl_le(&t->as, d + 8, pick_len(), MEMTXATTRS_UNSPECIFIED, NULL);
    g16(t, d + 12, (rnd() % 8) | extra_flags);
    g16(t, d + 14, rnd() % (QSIZE + 3));
}

static unsigned iterations(void)
{
    const char *s = getenv("MACHINA_FUZZ_ITERATIONS");

    return s ? (unsigned)strtoul(s, NULL, 0) : 1500;
}

/* A well-formed request still works (after a reset if the fuzz broke it). */
static void check_recovers(T *t, uint64_t features)
{
    drv_init(t, features);
    CHECK(!needs_reset(t));
    put_out(t, "alive");
    desc(t, 0, BUF_OUT, 5, F_NEXT, 1);
    desc(t, 1, BUF_IN, 8, F_WRITE, 0);
    submit(t, 0);
    check_echoed(t, 0, 0, "alive");
}

UNIT_TEST(virtqueue_fuzz_split)
{
    uint64_t features = BASE_FEATURES | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |
                        (1ULL << VIRTIO_RING_F_EVENT_IDX);
    unsigned broken = 0, served = 0, n = iterations();
    T t;

    setup(&t, features);
    for (unsigned it = 0; it < n; it++) {
        unsigned before = ((EchoState *)t.vdev)->handled;

        for (unsigned i = 0; i < QSIZE; i++) {
            random_desc(&t, DESC, i, 0);
            random_desc(&t, TABLE, i, 0);
        }
        for (unsigned k = 1 + rnd() % 3; k; k--) {
            submit(&t, rnd() % (QSIZE + 2));
        }
        if (rnd() % 16 == 0) {
            g16(&t, AVAIL + 2, rnd());           /* index jumps anywhere */
            wr(&t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
        }
        if (needs_reset(&t)) {
            broken++;
            drv_init(&t, features);
        } else if (((EchoState *)t.vdev)->handled > before) {
            served++;
        }
    }
    /* Both outcomes happened: the fuzz reached the checks and the paths past them. */
    CHECK(broken > 0);
    CHECK(served > 0);
    check_recovers(&t, features);
    teardown(&t);
}

UNIT_TEST(virtqueue_fuzz_packed)
{
    uint64_t features = BASE_FEATURES | (1ULL << VIRTIO_F_RING_PACKED) |
                        (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |
                        (1ULL << VIRTIO_RING_F_EVENT_IDX);
    unsigned broken = 0, served = 0, n = iterations();
    T t;

    setup(&t, features);
    for (unsigned it = 0; it < n; it++) {
        unsigned before = ((EchoState *)t.vdev)->handled;

        /*
         * Packed layout: buffer ID at +12, flags at +14, with random
         * AVAIL/USED bits, so some slots look available and some do not.
         */
        for (unsigned i = 0; i < QSIZE; i++) {
            hwaddr d = DESC + 16 * i;

            random_desc(&t, DESC, i, 0);
            g16(&t, d + 12, rnd() % (QSIZE + 3));
            g16(&t, d + 14, (rnd() % 8) | ((rnd() & 1) ? 0x80 : 0) |
                ((rnd() % 4 == 0) ? 0x8000 : 0));
            random_desc(&t, TABLE, i, 0);
        }
        g16(&t, AVAIL, rnd());                   /* driver event off_wrap */
        g16(&t, AVAIL + 2, rnd() % 4);           /* driver event flags */
        wr(&t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
        if (needs_reset(&t)) {
            broken++;
            drv_init(&t, features);
        } else if (((EchoState *)t.vdev)->handled > before) {
            served++;
        }
    }
    CHECK(broken > 0);
    CHECK(served > 0);
    /* Back to a clean packed ring: one good chain completes. */
    drv_init(&t, features);
    put_out(&t, "pk");
    {
        hwaddr d1 = DESC + 16, d0 = DESC;

        address_space_stq_le(&t.as, d1, BUF_IN, MEMTXATTRS_UNSPECIFIED, NULL);
        address_space_stl_le(&t.as, d1 + 8, 4, MEMTXATTRS_UNSPECIFIED, NULL);
        g16(&t, d1 + 12, 5);
        g16(&t, d1 + 14, F_WRITE | 0x80);
        address_space_stq_le(&t.as, d0, BUF_OUT, MEMTXATTRS_UNSPECIFIED, NULL);
        address_space_stl_le(&t.as, d0 + 8, 2, MEMTXATTRS_UNSPECIFIED, NULL);
        g16(&t, d0 + 12, 5);
        g16(&t, d0 + 14, F_NEXT | 0x80);
    }
    wr(&t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    CHECK(!needs_reset(&t));
    CHECK_EQ(l16(&t, DESC + 12), 5);
    CHECK_EQ(l32(&t, DESC + 8), 2);
    teardown(&t);
}
