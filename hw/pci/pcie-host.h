/*
 * A generic PCI Express host bridge with ECAM configuration access (PCI
 * Express Base 4.0 §7.2.2), as QEMU's gpex: sysbus region 0 is the ECAM
 * window, region 1 the PCI memory space (a 2^64 container the machine
 * aliases windows of into system memory) and region 2 the 64 KiB I/O
 * space; four INTx outputs (sysbus IRQ 0..3) after the standard swizzle
 * (INTx of slot s, pin p -> line (p + s) % 4).  The host bridge function
 * itself sits at 00.0.
 */
#ifndef HW_PCI_PCIE_HOST_H
#define HW_PCI_PCIE_HOST_H

#include "hw/core/sysbus.h"
#include "hw/pci/pci.h"

#define TYPE_GPEX_HOST "gpex-pcihost"
#define TYPE_GPEX_ROOT "gpex-root"
#define GPEX_NUM_IRQS 4

typedef struct GPEXHost {
    SysBusDevice parent_obj;
    MemoryRegion ecam, mmio, io;
    PCIBus *bus;
    qemu_irq irq[GPEX_NUM_IRQS];
    int irq_count[GPEX_NUM_IRQS];
    uint8_t asserted[256];        /* INTx pins each devfn asserts (bit per pin) */
    uint64_t ecam_size;
} GPEXHost;

#define GPEX_HOST(obj) OBJECT_CHECK(GPEXHost, (obj), TYPE_GPEX_HOST)

#endif
