/*
 * Goldfish RTC: wall-clock time in nanoseconds, setting the time, and the
 * alarm interrupt (armed, fired through the event loop, cleared).
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "hw/rtc/goldfish_rtc.h"
#include "tests/unit/unit.h"

enum { TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c,
       IRQ_ENABLED = 0x10, CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c };

typedef struct RtcFixture {
    DeviceState *dev;
    MemoryRegion *mr;
    qemu_irq irq;
    int level;
} RtcFixture;

static void record_level(void *opaque, int n, int level)
{
    ((RtcFixture *)opaque)->level = level;
}

static void rtc_setup(RtcFixture *f)
{
    Error *err = NULL;

    memset(f, 0, sizeof(*f));
    f->dev = qdev_new(TYPE_GOLDFISH_RTC);
    CHECK(qdev_realize(f->dev, NULL, &err));
    f->irq = qemu_allocate_irq(record_level, f, 0);
    sysbus_connect_irq(SYS_BUS_DEVICE(f->dev), 0, f->irq);
    device_cold_reset(f->dev);
    f->mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(f->dev), 0);
}

static void rtc_teardown(RtcFixture *f)
{
    object_unparent(OBJECT(f->dev));
    object_unref(OBJECT(f->dev));
    qemu_free_irq(f->irq);
}

static uint32_t rd(RtcFixture *f, hwaddr addr)
{
    uint64_t v = 0;

    CHECK_EQ(memory_region_dispatch_read(f->mr, addr, &v, 4, MEMTXATTRS_UNSPECIFIED),
             MEMTX_OK);
    return v;
}

static void wr(RtcFixture *f, hwaddr addr, uint32_t v)
{
    CHECK_EQ(memory_region_dispatch_write(f->mr, addr, v, 4, MEMTXATTRS_UNSPECIFIED),
             MEMTX_OK);
}

/* TIME_LOW first: it latches TIME_HIGH (rtc-goldfish.c reads them so). */
static uint64_t rtc_time(RtcFixture *f)
{
    uint64_t lo = rd(f, TIME_LOW);

    return ((uint64_t)rd(f, TIME_HIGH) << 32) | lo;
}

UNIT_TEST(rtc_reads_wall_clock)
{
    RtcFixture f;

    rtc_setup(&f);
    int64_t host = g_get_real_time() * 1000;
    uint64_t t = rtc_time(&f);
    CHECK(llabs((int64_t)t - host) < 2 * NANOSECONDS_PER_SECOND);
    g_usleep(2000);
    CHECK(rtc_time(&f) > t);
    rtc_teardown(&f);
}

UNIT_TEST(rtc_set_time)
{
    RtcFixture f;
    const uint64_t when = 1000000000ULL * 1000000000ULL;   /* 2001-09-09 in ns */

    rtc_setup(&f);
    /* Linux writes TIME_HIGH, then TIME_LOW. */
    wr(&f, TIME_HIGH, when >> 32);
    wr(&f, TIME_LOW, (uint32_t)when);
    uint64_t t = rtc_time(&f);
    CHECK(t >= when);
    CHECK(t - when < NANOSECONDS_PER_SECOND);
    /* A device reset keeps the clock, like a battery-backed RTC. */
    device_cold_reset(f.dev);
    CHECK(rtc_time(&f) - when < NANOSECONDS_PER_SECOND);
    rtc_teardown(&f);
}

UNIT_TEST(rtc_alarm_interrupt)
{
    RtcFixture f;

    rtc_setup(&f);
    uint64_t alarm = rtc_time(&f) + 20 * SCALE_MS;
    wr(&f, IRQ_ENABLED, 1);
    wr(&f, ALARM_HIGH, alarm >> 32);
    wr(&f, ALARM_LOW, (uint32_t)alarm);
    CHECK_EQ(rd(&f, ALARM_STATUS), 1);
    CHECK_EQ(f.level, 0);
    int64_t deadline = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 5 * NANOSECONDS_PER_SECOND;
    while (!f.level && qemu_clock_get_ns(QEMU_CLOCK_REALTIME) < deadline) {
        event_loop_run_once(main_loop_get(), true);
    }
    CHECK_EQ(f.level, 1);
    CHECK(rtc_time(&f) >= alarm);
    CHECK_EQ(rd(&f, ALARM_STATUS), 0);
    wr(&f, CLEAR_INTERRUPT, 1);
    CHECK_EQ(f.level, 0);

    /* An alarm in the past fires at once; a masked one does not interrupt. */
    wr(&f, IRQ_ENABLED, 0);
    wr(&f, ALARM_HIGH, 0);
    wr(&f, ALARM_LOW, 1);
    CHECK_EQ(f.level, 0);
    wr(&f, IRQ_ENABLED, 1);
    CHECK_EQ(f.level, 1);                  /* it was pending all along */
    wr(&f, CLEAR_INTERRUPT, 1);

    /* CLEAR_ALARM disarms. */
    alarm = rtc_time(&f) + 3600 * NANOSECONDS_PER_SECOND;
    wr(&f, ALARM_HIGH, alarm >> 32);
    wr(&f, ALARM_LOW, (uint32_t)alarm);
    CHECK_EQ(rd(&f, ALARM_STATUS), 1);
    wr(&f, CLEAR_ALARM, 1);
    CHECK_EQ(rd(&f, ALARM_STATUS), 0);
    CHECK_EQ(f.level, 0);
    rtc_teardown(&f);
}
