/*
 * ACLINT MTIMER and MSWI: mtimecmp against mtime raises MTIP (also through
 * a QEMUTimer when mtime catches up), msip raises MSIP.  Outputs go to
 * qemu_allocate_irq handlers standing in for the harts' GPIO inputs.
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "hw/intc/riscv_aclint.h"
#include "tests/unit/unit.h"

#define NHARTS 2

typedef struct Lines {
    qemu_irq irq[NHARTS];
    int level[NHARTS];
    int changes;
} Lines;

static void record_level(void *opaque, int n, int level)
{
    Lines *l = opaque;

    l->level[n] = level;
    l->changes++;
}

static void lines_connect(Lines *l, DeviceState *dev)
{
    memset(l, 0, sizeof(*l));
    for (int i = 0; i < NHARTS; i++) {
        l->irq[i] = qemu_allocate_irq(record_level, l, i);
        qdev_connect_gpio_out(dev, i, l->irq[i]);
    }
}

static void lines_free(Lines *l)
{
    for (int i = 0; i < NHARTS; i++) {
        qemu_free_irq(l->irq[i]);
    }
}

static DeviceState *mtimer_new(void)
{
    Error *err = NULL;
    DeviceState *dev = qdev_new(TYPE_RISCV_ACLINT_MTIMER);

    CHECK(object_property_set_uint(OBJECT(dev), "num-harts", NHARTS, &err));
    CHECK(qdev_realize(dev, NULL, &err));
    return dev;
}

static void dev_free(DeviceState *dev)
{
    object_unparent(OBJECT(dev));
    object_unref(OBJECT(dev));
}

static MemoryRegion *region(DeviceState *dev)
{
    return sysbus_mmio_get_region(SYS_BUS_DEVICE(dev), 0);
}

static uint64_t rd(DeviceState *dev, hwaddr addr, unsigned size)
{
    uint64_t v = 0;

    CHECK_EQ(memory_region_dispatch_read(region(dev), addr, &v, size,
                                         MEMTXATTRS_UNSPECIFIED), MEMTX_OK);
    return v;
}

static void wr(DeviceState *dev, hwaddr addr, uint64_t v, unsigned size)
{
    CHECK_EQ(memory_region_dispatch_write(region(dev), addr, v, size,
                                          MEMTXATTRS_UNSPECIFIED), MEMTX_OK);
}

#define MTIME RISCV_ACLINT_DEFAULT_MTIME
#define MTIMECMP(h) (RISCV_ACLINT_DEFAULT_MTIMECMP + 8 * (h))

UNIT_TEST(aclint_mtime_counts_at_10mhz)
{
    DeviceState *dev = mtimer_new();
    Lines l;

    lines_connect(&l, dev);
    device_cold_reset(dev);
    uint64_t t0 = rd(dev, MTIME, 8);
    g_usleep(20000);                       /* 20 ms = 200000 ticks */
    uint64_t t1 = rd(dev, MTIME, 8);
    CHECK(t1 - t0 >= 200000);
    CHECK(t1 - t0 < 200000 * 50);          /* generous: loaded CI machines */
    /* rdtime (the hart's time CSR) reads the same counter. */
    uint64_t r = riscv_aclint_mtimer_rdtime(dev);
    CHECK(r >= t1);
    CHECK(r - t1 < 10000000);
    /* 32-bit halves */
    uint64_t lo = rd(dev, MTIME, 4), hi = rd(dev, MTIME + 4, 4);
    CHECK_EQ(hi, (uint64_t)(rd(dev, MTIME, 8) >> 32));
    (void)lo;
    lines_free(&l);
    dev_free(dev);
}

UNIT_TEST(aclint_mtime_write_and_reset)
{
    DeviceState *dev = mtimer_new();
    Lines l;

    lines_connect(&l, dev);
    wr(dev, MTIME, 0x123456789ULL << 8, 8);
    uint64_t t = rd(dev, MTIME, 8);
    CHECK(t >= (0x123456789ULL << 8));
    CHECK(t - (0x123456789ULL << 8) < 10000000);
    /* Reset brings mtime back to zero (ACLINT spec §2). */
    device_cold_reset(dev);
    CHECK(rd(dev, MTIME, 8) < 10000000);
    lines_free(&l);
    dev_free(dev);
}

UNIT_TEST(aclint_mtimecmp_raises_mtip)
{
    DeviceState *dev = mtimer_new();
    Lines l;

    lines_connect(&l, dev);
    device_cold_reset(dev);
    CHECK_EQ(l.level[0], 0);
    CHECK_EQ(l.level[1], 0);
    CHECK_EQ(rd(dev, MTIMECMP(0), 8), UINT64_MAX);

    wr(dev, MTIMECMP(1), 0, 8);            /* already due */
    CHECK_EQ(l.level[1], 1);
    CHECK_EQ(l.level[0], 0);
    wr(dev, MTIMECMP(1), UINT64_MAX, 8);   /* never */
    CHECK_EQ(l.level[1], 0);

    /* 32-bit halves, the way RV32 software writes them. */
    wr(dev, MTIMECMP(0) + 4, 0xffffffff, 4);
    wr(dev, MTIMECMP(0), 0, 4);
    CHECK_EQ(rd(dev, MTIMECMP(0), 8), 0xffffffff00000000ULL);
    CHECK_EQ(l.level[0], 0);
    wr(dev, MTIMECMP(0) + 4, 0, 4);
    CHECK_EQ(rd(dev, MTIMECMP(0) + 4, 4), 0);
    CHECK_EQ(l.level[0], 1);
    lines_free(&l);
    dev_free(dev);
}

UNIT_TEST(aclint_timer_fires_when_mtime_catches_up)
{
    DeviceState *dev = mtimer_new();
    Lines l;

    lines_connect(&l, dev);
    device_cold_reset(dev);
    uint64_t now = rd(dev, MTIME, 8);
    wr(dev, MTIMECMP(0), now + 50000, 8);  /* 5 ms from now */
    CHECK_EQ(l.level[0], 0);

    int64_t deadline = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 5 * NANOSECONDS_PER_SECOND;
    while (!l.level[0] && qemu_clock_get_ns(QEMU_CLOCK_REALTIME) < deadline) {
        event_loop_run_once(main_loop_get(), true);
    }
    CHECK_EQ(l.level[0], 1);
    /* Not early: mtime has reached mtimecmp when MTIP rises. */
    CHECK(rd(dev, MTIME, 8) >= now + 50000);
    CHECK_EQ(l.level[1], 0);
    lines_free(&l);
    dev_free(dev);
}

UNIT_TEST(aclint_bad_access_is_harmless)
{
    DeviceState *dev = mtimer_new();
    Lines l;

    lines_connect(&l, dev);
    device_cold_reset(dev);
    int before = l.changes;
    wr(dev, 0x4000, 1, 4);                 /* between mtimecmp[1] and mtime */
    CHECK_EQ(rd(dev, 0x4000, 4), 0);
    CHECK_EQ(l.changes, before);
    /* Sub-word accesses are refused by the access rules. */
    uint64_t v;
    CHECK(memory_region_dispatch_read(region(dev), MTIME, &v, 1,
                                      MEMTXATTRS_UNSPECIFIED) != MEMTX_OK);
    lines_free(&l);
    dev_free(dev);
}

UNIT_TEST(aclint_msip_raises_msip)
{
    Error *err = NULL;
    DeviceState *dev = qdev_new(TYPE_RISCV_ACLINT_SWI);
    Lines l;

    CHECK(object_property_set_uint(OBJECT(dev), "num-harts", NHARTS, &err));
    CHECK(qdev_realize(dev, NULL, &err));
    lines_connect(&l, dev);
    device_cold_reset(dev);

    wr(dev, 4, 1, 4);                      /* msip of hart 1 */
    CHECK_EQ(l.level[1], 1);
    CHECK_EQ(l.level[0], 0);
    CHECK_EQ(rd(dev, 4, 4), 1);
    wr(dev, 0, 0xfffffffe, 4);             /* only bit 0 is writable */
    CHECK_EQ(rd(dev, 0, 4), 0);
    CHECK_EQ(l.level[0], 0);
    wr(dev, 4, 0, 4);
    CHECK_EQ(l.level[1], 0);
    wr(dev, 8, 1, 4);                      /* no hart 2: ignored */
    CHECK_EQ(rd(dev, 8, 4), 0);
    wr(dev, 0, 1, 4);
    device_cold_reset(dev);
    CHECK_EQ(l.level[0], 0);
    CHECK_EQ(rd(dev, 0, 4), 0);
    lines_free(&l);
    dev_free(dev);
}

UNIT_TEST(aclint_bad_props_are_errors)
{
    Error *err = NULL;
    DeviceState *dev = qdev_new(TYPE_RISCV_ACLINT_MTIMER);

    CHECK(object_property_set_uint(OBJECT(dev), "num-harts", 0x1000, &err));
    CHECK(!qdev_realize(dev, NULL, &err));
    CHECK(err != NULL);
    error_free(err);
    err = NULL;
    object_unref(OBJECT(dev));

    dev = qdev_new(TYPE_RISCV_ACLINT_MTIMER);
    CHECK(object_property_set_uint(OBJECT(dev), "timebase-freq", 0, &err));
    CHECK(!qdev_realize(dev, NULL, &err));
    CHECK(strstr(error_get_pretty(err), "timebase-freq") != NULL);
    error_free(err);
    object_unref(OBJECT(dev));
}
