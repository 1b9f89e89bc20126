/*
 * The Goldfish RTC ("google,goldfish-rtc", Android emulator virtual
 * hardware): nanoseconds since the epoch, one alarm, one interrupt.
 */
#ifndef HW_RTC_GOLDFISH_RTC_H
#define HW_RTC_GOLDFISH_RTC_H

#include "hw/core/sysbus.h"
#include "core/main-loop.h"

#define TYPE_GOLDFISH_RTC "goldfish_rtc"

typedef struct GoldfishRTCState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    QEMUTimer *timer;
    qemu_irq irq;

    int64_t tick_offset;        /* rtc ns = QEMU_CLOCK_HOST ns + tick_offset */
    uint64_t alarm_next;
    bool alarm_running;
    uint32_t irq_pending;
    uint32_t irq_enabled;
    uint32_t time_high;         /* latched by a TIME_LOW read */
} GoldfishRTCState;

#define GOLDFISH_RTC(obj) OBJECT_CHECK(GoldfishRTCState, (obj), TYPE_GOLDFISH_RTC)

#endif
