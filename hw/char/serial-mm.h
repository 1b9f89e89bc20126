/*
 * "serial-mm": the 16550A core on the system bus, registers spaced
 * 1 << regshift bytes apart (virt uses regshift 0 at 0x10000000).
 *
 * Properties: "chardev" (link to a Chardev), "regshift" (uint8, 0..3),
 * "baudbase" (uint32, input clock / 16), "endianness" is always little.
 * One MMIO region (8 << regshift bytes) and one IRQ output.
 */
#ifndef HW_CHAR_SERIAL_MM_H
#define HW_CHAR_SERIAL_MM_H

#include "hw/core/sysbus.h"
#include "hw/char/serial.h"

#define TYPE_SERIAL_MM "serial-mm"

typedef struct SerialMM {
    SysBusDevice parent_obj;
    SerialState serial;
    uint8_t regshift;
    MemoryRegion iomem;
} SerialMM;

#define SERIAL_MM(obj) OBJECT_CHECK(SerialMM, (obj), TYPE_SERIAL_MM)

/* Create, wire to chr (may be NULL), realize and map at base with irq. */
SerialMM *serial_mm_create(hwaddr base, unsigned regshift, qemu_irq irq,
                           uint32_t baudbase, Chardev *chr, Error **errp);

#endif
