/*
 * The PCI bus of the pc machine: pci.0 over the i440FX host's
 * configuration mechanism #1 (hw/pci/pci-host-pc.h).  Devices on it are
 * reached through 0xcf8/0xcfc; their memory BARs map into system memory
 * and their I/O BARs into port space at the addresses the guest programs.
 */
#ifndef HW_PCI_PCI_BUS_PC_H
#define HW_PCI_PCI_BUS_PC_H

#include "hw/core/sysbus.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci-host-pc.h"

#define TYPE_PC_PCI_BUS_BRIDGE "pc-pci-bus"

typedef struct PCPCIBusBridge {
    SysBusDevice parent_obj;
    PCPCIHostState *host;
    PCIBus *bus;
} PCPCIBusBridge;

#define PC_PCI_BUS_BRIDGE(obj) OBJECT_CHECK(PCPCIBusBridge, (obj), TYPE_PC_PCI_BUS_BRIDGE)

/* Create pci.0 for the realized host h (pc machine init). */
PCIBus *pc_pci_bus_create(PCPCIHostState *h, Error **errp);

#endif
