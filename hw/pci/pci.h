/*
 * The PCI core: devices with a configuration space (PCI Local Bus 3.0 §6,
 * 4 KiB for PCI Express), BARs mapped into their bus's memory and I/O
 * spaces when the command register enables decoding, a capability list,
 * INTx through the host bridge, and MSI-X (msix.c).
 *
 * A host bridge creates a PCIBus with pci_bus_new, gives it the address
 * spaces the BARs live in and an INTx callback, and forwards configuration
 * accesses with pci_host_config_read/write (ECAM, 0xcf8/0xcfc, ...).
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include "hw/core/qdev.h"
#include "memory/memory.h"

#define TYPE_PCI_DEVICE "pci-device"
#define TYPE_PCI_BUS "PCI"

#define PCI_CONFIG_SPACE_SIZE 0x100
#define PCIE_CONFIG_SPACE_SIZE 0x1000
#define PCI_NUM_REGIONS 6
#define PCI_DEVFN(slot, fn) ((((slot) & 0x1f) << 3) | ((fn) & 0x07))
#define PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn) ((devfn) & 0x07)

/* Configuration header (type 0) offsets */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS 0x06
#define PCI_STATUS_INTERRUPT 0x08
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_BASE_ADDRESS_SPACE_IO 0x01
#define PCI_BASE_ADDRESS_MEM_TYPE_64 0x04
#define PCI_BASE_ADDRESS_MEM_PREFETCH 0x08

#define PCI_CAP_ID_MSIX 0x11
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_EXP 0x10

typedef struct PCIDevice PCIDevice;
typedef struct PCIBus PCIBus;

typedef void PCISetIRQFunc(void *opaque, int devfn, int pin, int level);

/*
 * MSI routes and irqfds into the machine's interrupt controller (KVM's
 * GSI routing table on x86).  The machine sets them on the bus; without
 * them an MSI is only the bus master's memory write (msix_notify).
 * add/update return the route number (virq) or -errno and take effect at
 * once; irqfd attaches (assign) or detaches an eventfd that fires a route.
 */
typedef struct PCIMSIRouteOps {
    int (*add)(void *opaque, uint64_t addr, uint32_t data);
    int (*update)(void *opaque, int virq, uint64_t addr, uint32_t data);
    void (*release)(void *opaque, int virq);
    bool (*irqfd)(void *opaque, int virq, int fd, bool assign);
} PCIMSIRouteOps;

/* A vector's route while an irqfd is offered for it (msix.c). */
typedef struct MSIXVectorRoute {
    int fd;                      /* the device's eventfd, -1: none */
    int virq;                    /* route, -1: none yet */
    bool attached;               /* the irqfd is live in the kernel */
    uint64_t addr;               /* what the route says */
    uint32_t data;
} MSIXVectorRoute;

struct PCIBus {
    BusState parent_obj;
    MemoryRegion *mem;           /* BARs of memory type map here (bus addresses) */
    MemoryRegion *io;            /* I/O BARs */
    AddressSpace *dma_as;        /* what bus masters (DMA, MSI writes) reach */
    PCISetIRQFunc *set_irq;      /* INTx to the host bridge */
    void *irq_opaque;
    const PCIMSIRouteOps *msi_ops; /* NULL: plain MSI writes only */
    void *msi_opaque;
    PCIDevice *devices[256];
    /* Optional, for hosts that route configuration cycles themselves. */
    bool (*device_plugged)(PCIBus *bus, PCIDevice *dev, Error **errp);
    void (*device_unplugged)(PCIBus *bus, PCIDevice *dev);
};

typedef struct PCIIORegion {
    MemoryRegion *mr;            /* NULL: BAR not implemented */
    uint64_t size;
    uint8_t type;                /* PCI_BASE_ADDRESS_* bits */
    uint64_t addr;               /* PCI_BAR_UNMAPPED when not decoding */
} PCIIORegion;

#define PCI_BAR_UNMAPPED (~(uint64_t)0)

struct PCIDevice {
    DeviceState parent_obj;
    uint8_t *config;             /* config_size bytes */
    uint8_t *wmask;              /* bits the guest may write */
    uint8_t *w1cmask;            /* bits a guest write of 1 clears */
    uint32_t config_size;
    int32_t devfn;               /* -1: first free slot */
    char *addr;                  /* addr=SLOT[.FN] as QEMU takes it */
    PCIBus *bus;
    PCIIORegion io_regions[PCI_NUM_REGIONS];
    int irq_level;               /* INTx as the device drives it */
    /* MSI-X (msix.c) */
    unsigned msix_entries;
    uint8_t msix_cap;
    uint8_t *msix_table;
    uint8_t *msix_pba;
    MemoryRegion msix_table_mmio, msix_pba_mmio;
    MemoryRegion *msix_bar;
    MSIXVectorRoute *msix_routes;  /* msix_entries of them */
};

typedef struct PCIDeviceClass {
    DeviceClass parent_class;
    void (*realize)(PCIDevice *dev, Error **errp);
    void (*exit)(PCIDevice *dev);
    void (*reset)(PCIDevice *dev);
    /* Optional: configuration accesses with side effects (else the defaults). */
    uint32_t (*config_read)(PCIDevice *dev, uint32_t addr, int len);
    void (*config_write)(PCIDevice *dev, uint32_t addr, uint32_t val, int len);
    uint16_t vendor_id, device_id, subsystem_vendor_id, subsystem_id;
    uint8_t revision;
    uint16_t class_id;
    bool is_express;             /* 4 KiB configuration space */
} PCIDeviceClass;

#define PCI_DEVICE(obj) OBJECT_CHECK(PCIDevice, (obj), TYPE_PCI_DEVICE)
#define PCI_DEVICE_CLASS(klass) OBJECT_CLASS_CHECK(PCIDeviceClass, (klass), TYPE_PCI_DEVICE)
#define PCI_DEVICE_GET_CLASS(obj) OBJECT_GET_CLASS(PCIDeviceClass, (obj), TYPE_PCI_DEVICE)
#define PCI_BUS(obj) OBJECT_CHECK(PCIBus, (obj), TYPE_PCI_BUS)

static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    pci_set_word(p, v);
    pci_set_word(p + 2, v >> 16);
}

static inline uint16_t pci_get_word(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

static inline uint32_t pci_get_long(const uint8_t *p)
{
    return pci_get_word(p) | (uint32_t)pci_get_word(p + 2) << 16;
}

/* Host bridge side. */
PCIBus *pci_bus_new(DeviceState *host, const char *name, MemoryRegion *mem,
                    MemoryRegion *io, AddressSpace *dma_as);
void pci_bus_set_irq(PCIBus *bus, PCISetIRQFunc *fn, void *opaque);
void pci_bus_set_msi_ops(PCIBus *bus, const PCIMSIRouteOps *ops, void *opaque);
/* Configuration access to bus 0 devfn; absent functions read all-ones. */
uint32_t pci_host_config_read(PCIBus *bus, unsigned devfn, uint32_t addr, unsigned len);
void pci_host_config_write(PCIBus *bus, unsigned devfn, uint32_t addr, uint32_t val,
                           unsigned len);

/* Device side. */
void pci_register_bar(PCIDevice *d, int n, uint8_t type, MemoryRegion *mr);
/* A capability at offset (0: the next free space after 0x40); returns the
 * offset, or 0 with errp if it does not fit. */
uint8_t pci_add_capability(PCIDevice *d, uint8_t cap_id, uint8_t offset, uint8_t size,
                           Error **errp);
uint32_t pci_default_read_config(PCIDevice *d, uint32_t addr, unsigned len);
void pci_default_write_config(PCIDevice *d, uint32_t addr, uint32_t val, unsigned len);
/* INTx (pin A): ignored while MSI-X is on or INTx is disabled. */
void pci_set_irq(PCIDevice *d, int level);
bool pci_bus_master_enabled(PCIDevice *d);
/* The address space this device's DMA sees (system memory unless the host says). */
AddressSpace *pci_get_address_space(PCIDevice *d);

/* MSI-X (PCI 3.0 §6.8.2): table and PBA in a BAR the device owns. */
/* bar must already be registered (pci_register_bar) so its number is known. */
bool msix_init(PCIDevice *d, unsigned nentries, MemoryRegion *bar, uint32_t table_off,
               uint32_t pba_off, Error **errp);
void msix_uninit(PCIDevice *d);
bool msix_enabled(PCIDevice *d);
void msix_notify(PCIDevice *d, unsigned vector);
void msix_reset(PCIDevice *d);
/* Called from config writes to the capability or the command register:
 * unmask delivers pending vectors and irqfd routes follow. */
void msix_write_config(PCIDevice *d, uint32_t addr, uint32_t val, unsigned len);
/*
 * irqfd for vector v (fd < 0 withdraws it): while the vector is enabled,
 * unmasked and the device may master the bus, a write to fd delivers the
 * MSI through a route in the interrupt controller, never through the
 * device model; the route follows every table write.  False if the bus
 * has no MSI routes (the device then uses msix_notify).
 */
bool msix_vector_set_irqfd(PCIDevice *d, unsigned v, int fd);
/* True while a write to v's irqfd delivers the interrupt (else msix_notify,
 * which sets the pending bit of a masked vector). */
bool msix_vector_irqfd_active(PCIDevice *d, unsigned v);

#endif
