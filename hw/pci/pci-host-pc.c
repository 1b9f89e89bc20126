/*
 * PCI configuration mechanism #1 for the pc machine (see pci-host-pc.h).
 *
 * CONFIG_ADDRESS (PCI 3.0 §3.2.2.3.2): bit 31 enable, bits 23-16 bus,
 * 15-11 device, 10-8 function, 7-2 register.  A CONFIG_DATA access at
 * 0xcfc + n reaches register + n.  Only bus 0 exists.
 */
#include "core/osdep.h"
#include "hw/pci/pci-host-pc.h"
#include "hw/x86/isa.h"

static PCPCIHostState *pc_pci_host;

PCPCIHostState *pc_pci_host_get(void)
{
    return pc_pci_host;
}

bool pc_pci_host_attach(PCPCIHostState *h, int devfn, const PCIConfigOps *ops,
                        void *opaque, Error **errp)
{
    if (devfn <= 0 || devfn >= PCI_DEVFN_MAX) {
        error_setg(errp, "PCI devfn %d is out of range (1..255; 00.0 is the host "
                   "bridge)", devfn);
        return false;
    }
    if (h->ops[devfn]) {
        error_setg(errp, "PCI slot %02x.%x is already in use", devfn >> 3, devfn & 7);
        return false;
    }
    h->ops[devfn] = ops;
    h->opaque[devfn] = opaque;
    return true;
}

void pc_pci_host_detach(PCPCIHostState *h, int devfn)
{
    if (devfn > 0 && devfn < PCI_DEVFN_MAX) {
        h->ops[devfn] = NULL;
        h->opaque[devfn] = NULL;
    }
}

/* The i440FX's own configuration header (Intel 82441FX datasheet §3.2). */
static uint32_t bridge_read(PCPCIHostState *h, uint8_t off, unsigned size)
{
    uint32_t v = 0;

    memcpy(&v, h->bridge_config + off, size);
    return v;
}

static void bridge_write(PCPCIHostState *h, uint8_t off, uint32_t val, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        uint8_t reg = off + i;

        /* Writable: command (0x04-0x05), latency timer (0x0d), and the
         * chipset registers from 0x40 (PAM, SMRAM...), kept as storage. */
        if (reg == 0x04 || reg == 0x05 || reg == 0x0d || reg >= 0x40) {
            h->bridge_config[reg] = (uint8_t)(val >> (8 * i));
        }
    }
}

uint32_t pc_pci_config_read(PCPCIHostState *h, uint32_t address, unsigned size)
{
    unsigned bus = (address >> 16) & 0xff, devfn = (address >> 8) & 0xff;
    uint8_t off = address & 0xff;

    if (!(address & 0x80000000u) || bus != 0 || (off & (size - 1))) {
        return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    }
    if (devfn == 0) {
        return bridge_read(h, off, size);
    }
    if (h->ops[devfn]) {
        return h->ops[devfn]->read(h->opaque[devfn], off, size);
    }
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;   /* no device */
}

void pc_pci_config_write(PCPCIHostState *h, uint32_t address, uint32_t val,
                         unsigned size)
{
    unsigned bus = (address >> 16) & 0xff, devfn = (address >> 8) & 0xff;
    uint8_t off = address & 0xff;

    if (!(address & 0x80000000u) || bus != 0 || (off & (size - 1))) {
        return;
    }
    if (devfn == 0) {
        bridge_write(h, off, val, size);
    } else if (h->ops[devfn]) {
        h->ops[devfn]->write(h->opaque[devfn], off, val, size);
    }
}

static uint64_t addr_read(void *opaque, hwaddr addr, unsigned size)
{
    PCPCIHostState *h = opaque;

    return size == 4 ? h->config_address : 0xffffffffu >> (32 - 8 * size);
}

static void addr_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    /* Only a 32-bit access is CONFIG_ADDRESS; byte writes to 0xcf8-0xcfb
     * belong to other (legacy) functions of a real chipset. */
    if (size == 4) {
        ((PCPCIHostState *)opaque)->config_address = (uint32_t)val & ~3u;
    }
}

static uint64_t data_read(void *opaque, hwaddr addr, unsigned size)
{
    PCPCIHostState *h = opaque;

    return pc_pci_config_read(h, h->config_address | (uint32_t)addr, size);
}

static void data_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCPCIHostState *h = opaque;

    pc_pci_config_write(h, h->config_address | (uint32_t)addr, (uint32_t)val, size);
}

static const MemoryRegionOps addr_ops = {
    .read = addr_read, .write = addr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static const MemoryRegionOps data_ops = {
    .read = data_read, .write = data_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void pc_pci_host_reset(DeviceState *dev)
{
    PCPCIHostState *h = PC_PCI_HOST(dev);
    uint8_t *c = h->bridge_config;

    memset(c, 0, sizeof(h->bridge_config));
    c[0x00] = 0x86; c[0x01] = 0x80;          /* vendor: Intel */
    c[0x02] = 0x37; c[0x03] = 0x12;          /* device: 82441FX (i440FX) */
    c[0x04] = 0x06;                          /* memory space, bus master */
    c[0x06] = 0x80; c[0x07] = 0x02;          /* status: fast b2b, medium DEVSEL */
    c[0x08] = 0x02;                          /* revision */
    c[0x0a] = 0x00; c[0x0b] = 0x06;          /* class: host bridge */
    c[0x0e] = 0x00;                          /* header type 0, single function */
}

static void pc_pci_host_realize(DeviceState *dev, Error **errp)
{
    PCPCIHostState *h = PC_PCI_HOST(dev);

    if (pc_pci_host) {
        error_setg(errp, "there is already a PCI host bridge");
        return;
    }
    memory_region_init_io(&h->addr_io, OBJECT(dev), &addr_ops, h, "pci-conf-idx", 4);
    memory_region_init_io(&h->data_io, OBJECT(dev), &data_ops, h, "pci-conf-data", 4);
    if (!isa_register_ioport(&h->addr_io, 0xcf8, errp) ||
        !isa_register_ioport(&h->data_io, 0xcfc, errp)) {
        isa_unregister_ioport(&h->addr_io);
        return;
    }
    pc_pci_host_reset(dev);
    pc_pci_host = h;
}

static void pc_pci_host_unrealize(DeviceState *dev)
{
    PCPCIHostState *h = PC_PCI_HOST(dev);

    isa_unregister_ioport(&h->addr_io);
    isa_unregister_ioport(&h->data_io);
    if (pc_pci_host == h) {
        pc_pci_host = NULL;
    }
}

static void pc_pci_host_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "i440FX PCI host bridge (configuration mechanism #1)";
    dc->category = DEVICE_CATEGORY_BRIDGE;
    dc->realize = pc_pci_host_realize;
    dc->unrealize = pc_pci_host_unrealize;
    dc->reset = pc_pci_host_reset;
}

static const TypeInfo pc_pci_host_info = {
    .name = TYPE_PC_PCI_HOST,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(PCPCIHostState),
    .desc = "i440FX PCI host bridge",
    .class_init = pc_pci_host_class_init,
};

static void pc_pci_host_register_types(void)
{
    type_register_static(&pc_pci_host_info);
}

type_init(pc_pci_host_register_types)
