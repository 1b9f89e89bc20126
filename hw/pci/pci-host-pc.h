/*
 * The pc machine's PCI host bridge: configuration mechanism #1 (PCI Local
 * Bus Specification 3.0 §3.2.2.3.2) at ports 0xcf8 (CONFIG_ADDRESS) and
 * 0xcfc-0xcff (CONFIG_DATA), bus 0 only, the i440FX host bridge at 00.0.
 * A PCI device model attaches its configuration space to a devfn with
 * pc_pci_host_attach(); empty slots read all-ones (no device).
 */
#ifndef HW_PCI_PCI_HOST_PC_H
#define HW_PCI_PCI_HOST_PC_H

#include "hw/core/qdev.h"
#include "memory/memory.h"

#define TYPE_PC_PCI_HOST "i440FX-pcihost"
#define PC_PCI_HOST(obj) OBJECT_CHECK(PCPCIHostState, (obj), TYPE_PC_PCI_HOST)
#define PCI_DEVFN_MAX 256

typedef struct PCIConfigOps {
    /* offset 0..255, size 1/2/4, naturally aligned */
    uint32_t (*read)(void *opaque, uint8_t offset, unsigned size);
    void (*write)(void *opaque, uint8_t offset, uint32_t val, unsigned size);
} PCIConfigOps;

typedef struct PCPCIHostState {
    DeviceState parent_obj;
    MemoryRegion addr_io, data_io;
    uint32_t config_address;
    uint8_t bridge_config[256];     /* 00.0, the host bridge itself */
    const PCIConfigOps *ops[PCI_DEVFN_MAX];
    void *opaque[PCI_DEVFN_MAX];
} PCPCIHostState;

/* The realized host (NULL before the pc machine made one). */
PCPCIHostState *pc_pci_host_get(void);
/* Claim devfn's configuration space; false with errp if it is taken. */
bool pc_pci_host_attach(PCPCIHostState *h, int devfn, const PCIConfigOps *ops,
                        void *opaque, Error **errp);
void pc_pci_host_detach(PCPCIHostState *h, int devfn);
/* Configuration access as the CPU sees it through 0xcf8/0xcfc (tests). */
uint32_t pc_pci_config_read(PCPCIHostState *h, uint32_t address, unsigned size);
void pc_pci_config_write(PCPCIHostState *h, uint32_t address, uint32_t val,
                         unsigned size);

#endif
