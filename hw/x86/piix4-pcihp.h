/*
 * ACPI PCI hotplug for the pc machine: the register block QEMU's PIIX4 PM
 * function exposes for its ACPI tables (QEMU docs/specs/acpi_pci_hotplug),
 * plus the PIIX4's GPE0 block and its SCI.  See piix4-pcihp.c.
 */
#ifndef HW_X86_PIIX4_PCIHP_H
#define HW_X86_PIIX4_PCIHP_H

#include "hw/core/qdev.h"
#include "hw/pci/pci.h"
#include "core/main-loop.h"
#include "memory/memory.h"

#define TYPE_PIIX4_PCIHP "piix4-pci-hotplug"

#define PCIHP_IO_BASE 0xae00        /* up, down, eject, removable, bus select */
#define PCIHP_IO_LEN 0x14
#define PCIHP_UP 0x00
#define PCIHP_DOWN 0x04
#define PCIHP_EJECT 0x08
#define PCIHP_RMV 0x0c
#define PCIHP_SEL 0x10
#define GPE0_IO_BASE 0xafe0         /* GPE0_STS (2 bytes), GPE0_EN (2 bytes) */
#define GPE0_IO_LEN 4
#define GPE_PCI_HOTPLUG 0x2         /* GPE0 bit 1: the _E01 event */
#define PIIX4_SCI_IRQ 9

typedef struct Piix4PciHotplugState {
    DeviceState parent_obj;
    MemoryRegion pcihp_io, gpe_io;
    PCIBus *bus;                    /* pci.0 */
    qemu_irq sci;
    uint32_t up, down;              /* slots to announce / asked to go */
    uint32_t eject_pending;         /* slots the guest ejected, to remove */
    uint32_t bus_sel;
    uint16_t gpe_sts, gpe_en;
    QEMUBH *eject_bh;               /* removal, from the main loop */
} Piix4PciHotplugState;

#define PIIX4_PCIHP(obj) OBJECT_CHECK(Piix4PciHotplugState, (obj), TYPE_PIIX4_PCIHP)

/* Make the controller pci.0's hotplug handler (pc machine init). */
void piix4_pcihp_attach(Piix4PciHotplugState *s, PCIBus *bus);

#endif
