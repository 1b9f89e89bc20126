/* The PC CMOS RTC (mc146818rtc.c). */
#ifndef HW_RTC_MC146818RTC_H
#define HW_RTC_MC146818RTC_H

#include "hw/core/qdev.h"
#include "memory/memory.h"

#define TYPE_MC146818_RTC "mc146818rtc"
#define MC146818_RTC(obj) OBJECT_CHECK(MC146818RtcState, (obj), TYPE_MC146818_RTC)

typedef struct MC146818RtcState {
    DeviceState parent_obj;
    uint32_t iobase;
    MemoryRegion io;
    uint8_t index;
    uint8_t cmos[128];
    int64_t offset;             /* guest time - host time, seconds */
} MC146818RtcState;

/* Register access by index (what ports 0x70/0x71 do); for tests too. */
uint8_t mc146818_read(MC146818RtcState *s, uint8_t index);
void mc146818_write(MC146818RtcState *s, uint8_t index, uint8_t val);
/* Machine setup: CMOS bytes such as memory sizes (kept across resets). */
void mc146818_set_cmos(MC146818RtcState *s, uint8_t index, uint8_t val);

#endif
