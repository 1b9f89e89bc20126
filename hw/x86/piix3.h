/*
 * PIIX3, the pc's PCI-to-ISA bridge (function 01.0), reduced to what
 * routes PCI interrupts: the four PIRQ route control registers (82371SB
 * datasheet §2.2.12, PIRQRC[A:D] at 0x60-0x63) steer the PCI bus's INTx
 * lines PIRQA#-D# onto ISA IRQs, which reach the in-kernel 8259s and
 * IOAPIC on the same GSI.
 *
 * Slot s, pin p (INTA# = 0) drives PIRQ (p + s - 1) mod 4, the swizzle
 * QEMU's i440FX board uses, so the routing a guest learns from the MP
 * table (hw/x86/mptable.c) is the one it would learn from QEMU's ACPI.
 */
#ifndef HW_X86_PIIX3_H
#define HW_X86_PIIX3_H

#include "hw/pci/pci.h"
#include "hw/core/irq.h"

#define TYPE_PIIX3 "PIIX3"
#define PIIX3_DEVFN PCI_DEVFN(1, 0)
#define PIIX3_PIRQRC 0x60
#define PIIX3_NUM_PIRQ 4
#define PIIX3_PIRQ_DISABLED 0x80     /* IRQEN# (bit 7): the PIRQ is not routed */

/* The ISA IRQ each PIRQ gets when the machine plays firmware (as SeaBIOS
 * programs them: A, B -> 10, C, D -> 11); mptable.c describes these. */
extern const uint8_t piix3_firmware_pirq[PIIX3_NUM_PIRQ];

typedef struct PIIX3State {
    PCIDevice parent_obj;
    uint8_t asserted[256];           /* INTx pins each devfn drives (bit per pin) */
    unsigned pirq_count[PIIX3_NUM_PIRQ];
    uint16_t isa_levels;             /* ISA IRQs PIIX3 currently drives high */
} PIIX3State;

#define PIIX3(obj) OBJECT_CHECK(PIIX3State, (obj), TYPE_PIIX3)

/* The PIRQ line of slot's INTx pin (0 = INTA#). */
static inline unsigned piix3_slot_pirq(unsigned slot, unsigned pin)
{
    return (pin + slot - 1) & 3;
}

/* Write the firmware routing into PIRQRC (the machine's reset hook). */
void piix3_set_firmware_routing(PIIX3State *s);

#endif
