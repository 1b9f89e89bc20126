/*
 * The ISA devices every x86 machine here has: COM1 (16550A at 0x3f8,
 * IRQ 4, on the first -serial chardev) and the CMOS RTC at 0x70 with the
 * memory sizes firmware reads from CMOS; pc adds the i8042 (reset).
 */
#include "core/osdep.h"
#include "hw/x86/x86.h"
#include "hw/x86/pc-isa.h"
#include "hw/rtc/mc146818rtc.h"
#include "chardev/char.h"

static void rtc_set_memory(MC146818RtcState *rtc, X86MachineState *x86ms)
{
    MachineState *ms = MACHINE(x86ms);
    uint64_t ext_kb = (x86ms->below_4g_mem_size - 1 * MiB) / KiB;
    uint64_t above16 = x86ms->below_4g_mem_size > 16 * MiB
                       ? (x86ms->below_4g_mem_size - 16 * MiB) / (64 * KiB) : 0;
    uint64_t above4g = x86ms->above_4g_mem_size / (64 * KiB);

    /* Conventional CMOS layout (IBM PC/AT; SeaBIOS/QEMU extensions 0x34+). */
    ext_kb = MIN(ext_kb, 0xfc00);
    above16 = MIN(above16, 0xffff);
    mc146818_set_cmos(rtc, 0x15, 640 & 0xff);
    mc146818_set_cmos(rtc, 0x16, 640 >> 8);
    mc146818_set_cmos(rtc, 0x17, ext_kb & 0xff);
    mc146818_set_cmos(rtc, 0x18, ext_kb >> 8);
    mc146818_set_cmos(rtc, 0x30, ext_kb & 0xff);
    mc146818_set_cmos(rtc, 0x31, ext_kb >> 8);
    mc146818_set_cmos(rtc, 0x34, above16 & 0xff);
    mc146818_set_cmos(rtc, 0x35, above16 >> 8);
    mc146818_set_cmos(rtc, 0x5b, above4g & 0xff);
    mc146818_set_cmos(rtc, 0x5c, (above4g >> 8) & 0xff);
    mc146818_set_cmos(rtc, 0x5d, (above4g >> 16) & 0xff);
    mc146818_set_cmos(rtc, 0x5f, (uint8_t)(ms->smp.cpus - 1));
    mc146818_set_cmos(rtc, 0x14, 0x06);    /* equipment: FPU, VGA-less */
}

static void realize_or_die(DeviceState *dev, const char *what)
{
    Error *err = NULL;

    if (!qdev_realize_and_unref(dev, NULL, &err)) {
        error_prepend(&err, "%s: ", what);
        error_report_err(err);
        exit(1);
    }
}

void pc_isa_devices_init(X86MachineState *x86ms, bool with_i8042)
{
    DeviceState *dev;
    Chardev *chr = serial_hd(0);

    if (object_class_by_name("isa-serial")) {
        dev = qdev_new("isa-serial");
        if (chr) {
            object_property_parse(OBJECT(dev), "chardev", chr->label, &error_abort);
        }
        realize_or_die(dev, "COM1");
    }
    dev = qdev_new(TYPE_MC146818_RTC);
    object_ref(OBJECT(dev));
    realize_or_die(dev, "RTC");
    rtc_set_memory(MC146818_RTC(dev), x86ms);
    object_unref(OBJECT(dev));
    if (with_i8042) {
        realize_or_die(qdev_new("i8042"), "i8042");
    }
}
