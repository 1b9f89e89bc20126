/*
 * Goldfish RTC, after the register description in the Android emulator's
 * docs/GOLDFISH-VIRTUAL-HARDWARE.TXT ("goldfish-rtc"), as Linux's
 * drivers/rtc/rtc-goldfish.c drives it:
 *   0x00 TIME_LOW        R: low 32 bits of the time in ns; latches TIME_HIGH
 *                        W: set the low 32 bits of the time
 *   0x04 TIME_HIGH       R: the latched high 32 bits   W: set them
 *   0x08 ALARM_LOW       W: low 32 bits of the alarm, arms it
 *   0x0c ALARM_HIGH      W: high 32 bits of the alarm
 *   0x10 IRQ_ENABLED     W: 1 enables the alarm interrupt
 *   0x14 CLEAR_ALARM     W: disarm
 *   0x18 ALARM_STATUS    R: 1 while armed
 *   0x1c CLEAR_INTERRUPT W: lower the interrupt
 * Time runs from QEMU_CLOCK_HOST so the guest sees the host's wall clock.
 */
#include "hw/rtc/goldfish_rtc.h"
#include "core/log.h"

#define RTC_TIME_LOW        0x00
#define RTC_TIME_HIGH       0x04
#define RTC_ALARM_LOW       0x08
#define RTC_ALARM_HIGH      0x0c
#define RTC_IRQ_ENABLED     0x10
#define RTC_CLEAR_ALARM     0x14
#define RTC_ALARM_STATUS    0x18
#define RTC_CLEAR_INTERRUPT 0x1c

static uint64_t rtc_now(GoldfishRTCState *s)
{
    return (uint64_t)(qemu_clock_get_ns(QEMU_CLOCK_HOST) + s->tick_offset);
}

static void rtc_update_irq(GoldfishRTCState *s)
{
    qemu_set_irq(s->irq, s->irq_pending & s->irq_enabled);
}

static void rtc_clear_alarm(GoldfishRTCState *s)
{
    timer_del(s->timer);
    s->alarm_running = false;
}

static void rtc_fire(GoldfishRTCState *s)
{
    rtc_clear_alarm(s);
    s->irq_pending = 1;
    rtc_update_irq(s);
}

/* Arm the host timer for alarm_next (in RTC time), or fire now if past. */
static void rtc_set_alarm(GoldfishRTCState *s)
{
    uint64_t now = rtc_now(s);

    if (s->alarm_next <= now) {
        rtc_fire(s);
        return;
    }
    s->alarm_running = true;
    /* Host time when the RTC reaches alarm_next. */
    uint64_t delta = s->alarm_next - now;
    int64_t host_now = qemu_clock_get_ns(QEMU_CLOCK_HOST);
    if (delta > (uint64_t)(INT64_MAX - host_now)) {
        timer_del(s->timer);          /* armed, but beyond the end of time */
        return;
    }
    timer_mod(s->timer, host_now + (int64_t)delta);
}

static void rtc_timer_cb(void *opaque)
{
    GoldfishRTCState *s = opaque;

    /* The host clock may have been stepped; check before firing. */
    if (rtc_now(s) >= s->alarm_next) {
        rtc_fire(s);
    } else {
        rtc_set_alarm(s);
    }
}

static uint64_t rtc_read(void *opaque, hwaddr addr, unsigned size)
{
    GoldfishRTCState *s = opaque;
    uint64_t now;

    switch (addr) {
    case RTC_TIME_LOW:
        now = rtc_now(s);
        s->time_high = now >> 32;
        return (uint32_t)now;
    case RTC_TIME_HIGH:
        return s->time_high;
    case RTC_ALARM_LOW:
        return (uint32_t)s->alarm_next;
    case RTC_ALARM_HIGH:
        return s->alarm_next >> 32;
    case RTC_IRQ_ENABLED:
        return s->irq_enabled;
    case RTC_ALARM_STATUS:
        return s->alarm_running;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "goldfish_rtc: read at offset 0x%" HWADDR_PRIx "\n",
                      addr);
        return 0;
    }
}

static void rtc_write(void *opaque, hwaddr addr, uint64_t value, unsigned size)
{
    GoldfishRTCState *s = opaque;
    uint64_t now;

    switch (addr) {
    case RTC_TIME_LOW:
        now = rtc_now(s);
        s->tick_offset += (int64_t)(deposit64(now, 0, 32, value) - now);
        if (s->alarm_running) {
            rtc_set_alarm(s);
        }
        break;
    case RTC_TIME_HIGH:
        now = rtc_now(s);
        s->tick_offset += (int64_t)(deposit64(now, 32, 32, value) - now);
        if (s->alarm_running) {
            rtc_set_alarm(s);
        }
        break;
    case RTC_ALARM_LOW:
        s->alarm_next = deposit64(s->alarm_next, 0, 32, value);
        rtc_set_alarm(s);
        break;
    case RTC_ALARM_HIGH:
        s->alarm_next = deposit64(s->alarm_next, 32, 32, value);
        break;
    case RTC_IRQ_ENABLED:
        s->irq_enabled = value & 1;
        rtc_update_irq(s);
        break;
    case RTC_CLEAR_ALARM:
        rtc_clear_alarm(s);
        break;
    case RTC_CLEAR_INTERRUPT:
        s->irq_pending = 0;
        rtc_update_irq(s);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "goldfish_rtc: write at offset 0x%" HWADDR_PRIx "\n",
                      addr);
        break;
    }
}

static const MemoryRegionOps rtc_ops = {
    .read = rtc_read,
    .write = rtc_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 4, .max_access_size = 4},
};

static void rtc_realize(DeviceState *dev, Error **errp)
{
    GoldfishRTCState *s = GOLDFISH_RTC(dev);

    memory_region_init_io(&s->iomem, OBJECT(dev), &rtc_ops, s, TYPE_GOLDFISH_RTC, 0x1000);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(dev), &s->irq);
    s->timer = timer_new_ns(QEMU_CLOCK_HOST, rtc_timer_cb, s);
}

static void rtc_reset(DeviceState *dev)
{
    GoldfishRTCState *s = GOLDFISH_RTC(dev);

    /* The wall-clock offset survives a reset, like a battery-backed RTC. */
    if (s->timer) {
        rtc_clear_alarm(s);
    }
    s->alarm_next = 0;
    s->irq_pending = 0;
    s->irq_enabled = 0;
    s->time_high = 0;
    rtc_update_irq(s);
}

static void rtc_finalize(Object *obj)
{
    GoldfishRTCState *s = GOLDFISH_RTC(obj);

    memory_region_finalize(&s->iomem);
    if (s->timer) {
        timer_free(s->timer);
    }
}

static void rtc_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "Goldfish real-time clock";
    dc->realize = rtc_realize;
    dc->reset = rtc_reset;
}

static const TypeInfo rtc_info = {
    .name = TYPE_GOLDFISH_RTC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(GoldfishRTCState),
    .desc = "Goldfish real-time clock",
    .class_init = rtc_class_init,
    .instance_finalize = rtc_finalize,
};

static void rtc_register_types(void)
{
    type_register_static(&rtc_info);
}
type_init(rtc_register_types)
