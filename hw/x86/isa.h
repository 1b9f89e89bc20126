/*
 * The PC's ISA bus, reduced to what its devices need: their port I/O
 * regions in the system I/O space and the 16 ISA IRQ lines, which the x86
 * machine wires to the in-kernel 8259s/IOAPIC.  An ISA device is a plain
 * bus-less device that maps itself at realize (so -device works) and
 * unmaps at unrealize.
 */
#ifndef HW_X86_ISA_H
#define HW_X86_ISA_H

#include "core/osdep.h"
#include "hw/core/qdev.h"
#include "memory/memory.h"

#define ISA_NUM_IRQS 16

/* Called by the machine: lines[0..n) become ISA IRQs 0..n-1. */
void isa_bus_set_irqs(qemu_irq *lines, int n);
/* ISA IRQ n, or NULL when no machine wired the bus (unit tests, riscv). */
qemu_irq isa_get_irq(int n);
/*
 * Map mr at port in the system I/O space; false (with errp) if the range
 * does not fit in 64 KiB of ports or is already taken by another device.
 */
bool isa_register_ioport(MemoryRegion *mr, uint32_t port, Error **errp);
void isa_unregister_ioport(MemoryRegion *mr);

#endif
