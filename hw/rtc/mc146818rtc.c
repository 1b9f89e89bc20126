/*
 * The PC's CMOS real-time clock (Motorola MC146818A data sheet) at ports
 * 0x70 (index, bit 7 = NMI mask) and 0x71 (data): time of day from the host
 * clock in BCD or binary and 12/24-hour mode as register B says, the UIP
 * flag, and the CMOS bytes firmware and kernels read for memory sizes.
 *
 * Interrupts (periodic/alarm/update, IRQ 8) are not generated: nothing we
 * boot uses them, and the PIT and LAPIC timer cover timing.
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "hw/core/qdev.h"
#include "hw/x86/isa.h"
#include "hw/rtc/mc146818rtc.h"

#include <time.h>

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32
#define REG_A_UIP 0x80
#define REG_B_SET 0x80
#define REG_B_DM 0x04               /* binary (1) or BCD (0) */
#define REG_B_24H 0x02
#define REG_D_VRT 0x80

static uint8_t to_bcd(MC146818RtcState *s, int v)
{
    return (s->cmos[RTC_REG_B] & REG_B_DM) ? (uint8_t)v : (uint8_t)(((v / 10) << 4) | (v % 10));
}

static int from_bcd(MC146818RtcState *s, uint8_t v)
{
    return (s->cmos[RTC_REG_B] & REG_B_DM) ? v : ((v >> 4) * 10 + (v & 0xf));
}

/* Guest time = host time + offset (the guest may set the clock). */
static time_t rtc_now(MC146818RtcState *s)
{
    return (time_t)(qemu_clock_get_ns(QEMU_CLOCK_HOST) / NANOSECONDS_PER_SECOND) +
           s->offset;
}

static void rtc_fill_time(MC146818RtcState *s)
{
    time_t t = rtc_now(s);
    struct tm tm;
    int hour;

    if (s->cmos[RTC_REG_B] & REG_B_SET) {
        return;                     /* the guest is setting it: frozen */
    }
    gmtime_r(&t, &tm);
    s->cmos[RTC_SECONDS] = to_bcd(s, tm.tm_sec);
    s->cmos[RTC_MINUTES] = to_bcd(s, tm.tm_min);
    hour = tm.tm_hour;
    if (s->cmos[RTC_REG_B] & REG_B_24H) {
        s->cmos[RTC_HOURS] = to_bcd(s, hour);
    } else {
        /* 12-hour mode: 1-12, bit 7 = PM. */
        int h12 = hour % 12 ? hour % 12 : 12;

        s->cmos[RTC_HOURS] = to_bcd(s, h12) | (hour >= 12 ? 0x80 : 0);
    }
    s->cmos[RTC_DAY_OF_WEEK] = to_bcd(s, tm.tm_wday + 1);
    s->cmos[RTC_DAY_OF_MONTH] = to_bcd(s, tm.tm_mday);
    s->cmos[RTC_MONTH] = to_bcd(s, tm.tm_mon + 1);
    s->cmos[RTC_YEAR] = to_bcd(s, tm.tm_year % 100);
    s->cmos[RTC_CENTURY] = to_bcd(s, (tm.tm_year + 1900) / 100);
}

/* Leaving SET mode: the registers the guest wrote become the new time. */
static void rtc_commit_time(MC146818RtcState *s)
{
    struct tm tm = { 0 };
    int hour = from_bcd(s, s->cmos[RTC_HOURS] & 0x7f);

    if (!(s->cmos[RTC_REG_B] & REG_B_24H)) {
        hour = hour % 12 + ((s->cmos[RTC_HOURS] & 0x80) ? 12 : 0);
    }
    tm.tm_sec = from_bcd(s, s->cmos[RTC_SECONDS]);
    tm.tm_min = from_bcd(s, s->cmos[RTC_MINUTES]);
    tm.tm_hour = hour;
    tm.tm_mday = from_bcd(s, s->cmos[RTC_DAY_OF_MONTH]);
    tm.tm_mon = from_bcd(s, s->cmos[RTC_MONTH]) - 1;
    tm.tm_year = from_bcd(s, s->cmos[RTC_CENTURY]) * 100 +
                 from_bcd(s, s->cmos[RTC_YEAR]) - 1900;
    s->offset = (int64_t)timegm(&tm) -
                qemu_clock_get_ns(QEMU_CLOCK_HOST) / NANOSECONDS_PER_SECOND;
}

uint8_t mc146818_read(MC146818RtcState *s, uint8_t index)
{
    uint8_t v;

    index &= 0x7f;
    if (index <= RTC_YEAR || index == RTC_CENTURY) {
        rtc_fill_time(s);
    }
    v = s->cmos[index];
    if (index == RTC_REG_A) {
        /* UIP is set during the last 244 us of each second (data sheet). */
        int64_t ns = qemu_clock_get_ns(QEMU_CLOCK_HOST) % NANOSECONDS_PER_SECOND;

        v = (v & ~REG_A_UIP) | (ns >= NANOSECONDS_PER_SECOND - 244000 ? REG_A_UIP : 0);
    } else if (index == RTC_REG_C) {
        s->cmos[RTC_REG_C] = 0;     /* read clears the flags */
    }
    return v;
}

void mc146818_write(MC146818RtcState *s, uint8_t index, uint8_t val)
{
    index &= 0x7f;
    switch (index) {
    case RTC_REG_A:
        s->cmos[index] = (val & ~REG_A_UIP) | (s->cmos[index] & REG_A_UIP);
        break;
    case RTC_REG_B:
        if ((s->cmos[RTC_REG_B] & REG_B_SET) && !(val & REG_B_SET)) {
            s->cmos[RTC_REG_B] = val;
            rtc_commit_time(s);
        } else {
            if (!(s->cmos[RTC_REG_B] & REG_B_SET) && (val & REG_B_SET)) {
                /* Freeze the current time for editing, in the new format. */
                s->cmos[RTC_REG_B] = val & ~REG_B_SET;
                rtc_fill_time(s);
            }
            s->cmos[RTC_REG_B] = val;
        }
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        break;                      /* read-only */
    default:
        s->cmos[index] = val;
    }
}

void mc146818_set_cmos(MC146818RtcState *s, uint8_t index, uint8_t val)
{
    s->cmos[index & 0x7f] = val;
}

static uint64_t rtc_io_read(void *opaque, hwaddr addr, unsigned size)
{
    MC146818RtcState *s = opaque;

    return addr == 0 ? 0xff : mc146818_read(s, s->index);
}

static void rtc_io_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    MC146818RtcState *s = opaque;

    if (addr == 0) {
        s->index = val & 0x7f;      /* bit 7 masks NMIs on a real PC */
    } else {
        mc146818_write(s, s->index, (uint8_t)val);
    }
}

static const MemoryRegionOps rtc_io_ops = {
    .read = rtc_io_read,
    .write = rtc_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static void rtc_reset(DeviceState *dev)
{
    MC146818RtcState *s = MC146818_RTC(dev);

    s->cmos[RTC_REG_A] = 0x26;      /* 32.768 kHz time base, 1024 Hz rate */
    s->cmos[RTC_REG_B] = REG_B_24H; /* BCD, 24 hours, no interrupts */
    s->cmos[RTC_REG_C] = 0;
    s->cmos[RTC_REG_D] = REG_D_VRT; /* the battery is fine */
}

static void rtc_realize(DeviceState *dev, Error **errp)
{
    MC146818RtcState *s = MC146818_RTC(dev);

    memory_region_init_io(&s->io, OBJECT(dev), &rtc_io_ops, s, "rtc", 2);
    if (!isa_register_ioport(&s->io, s->iobase, errp)) {
        memory_region_finalize(&s->io);
        return;
    }
    rtc_reset(dev);
}

static void rtc_unrealize(DeviceState *dev)
{
    MC146818RtcState *s = MC146818_RTC(dev);

    isa_unregister_ioport(&s->io);
    memory_region_finalize(&s->io);
}

static const Property rtc_props[] = {
    DEFINE_PROP_UINT32("iobase", MC146818RtcState, iobase, 0x70),
    DEFINE_PROP_END_OF_LIST(),
};

static void rtc_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "MC146818 CMOS real-time clock";
    dc->realize = rtc_realize;
    dc->unrealize = rtc_unrealize;
    dc->reset = rtc_reset;
    object_class_set_props(oc, rtc_props);
}

static const TypeInfo rtc_info = {
    .name = TYPE_MC146818_RTC,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(MC146818RtcState),
    .desc = "MC146818 CMOS real-time clock",
    .class_init = rtc_class_init,
};

static void rtc_register_types(void)
{
    type_register_static(&rtc_info);
}

type_init(rtc_register_types)
