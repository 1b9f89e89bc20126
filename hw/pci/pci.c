/*
 * PCI devices and buses (see pci.h): configuration space with write masks,
 * BAR sizing and decoding (PCI 3.0 §6.2.5), the capability list (§6.7),
 * INTx with the Interrupt Disable and Interrupt Status bits (§6.2.2/3).
 */
#include "hw/pci/pci.h"
#include "core/log.h"
#include "hw/core/machine.h"

PCIBus *pci_bus_new(DeviceState *host, const char *name, MemoryRegion *mem,
                    MemoryRegion *io, AddressSpace *dma_as)
{
    PCIBus *bus = PCI_BUS(qbus_new(TYPE_PCI_BUS, host, name));

    bus->mem = mem;
    bus->io = io;
    bus->dma_as = dma_as;
    return bus;
}

void pci_bus_set_irq(PCIBus *bus, PCISetIRQFunc *fn, void *opaque)
{
    bus->set_irq = fn;
    bus->irq_opaque = opaque;
}

void pci_bus_set_msi_ops(PCIBus *bus, const PCIMSIRouteOps *ops, void *opaque)
{
    bus->msi_ops = ops;
    bus->msi_opaque = opaque;
}

AddressSpace *pci_get_address_space(PCIDevice *d)
{
    return d->bus && d->bus->dma_as ? d->bus->dma_as : get_address_space_memory();
}

bool pci_bus_master_enabled(PCIDevice *d)
{
    return pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_MASTER;
}

static void pci_update_irq(PCIDevice *d)
{
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    int level = d->irq_level && !(cmd & PCI_COMMAND_INTX_DISABLE) && !msix_enabled(d);

    if (d->irq_level) {
        d->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    } else {
        d->config[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
    }
    if (d->bus && d->bus->set_irq) {
        d->bus->set_irq(d->bus->irq_opaque, d->devfn, d->config[PCI_INTERRUPT_PIN] - 1,
                        level);
    }
}

void pci_set_irq(PCIDevice *d, int level)
{
    d->irq_level = level != 0;
    pci_update_irq(d);
}

void pci_register_bar(PCIDevice *d, int n, uint8_t type, MemoryRegion *mr)
{
    PCIIORegion *r = &d->io_regions[n];
    uint64_t size = memory_region_size(mr);
    uint64_t mask = ~(size - 1);
    int reg = PCI_BASE_ADDRESS_0 + 4 * n;

    assert(n >= 0 && n < PCI_NUM_REGIONS && is_power_of_2(size));
    r->mr = mr;
    r->size = size;
    r->type = type;
    r->addr = PCI_BAR_UNMAPPED;
    /* The low type bits are read-only; the address bits above the size are not. */
    pci_set_long(d->config + reg, type);
    if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        pci_set_long(d->wmask + reg, (uint32_t)mask & ~3u);
    } else {
        pci_set_long(d->wmask + reg, (uint32_t)mask & ~0xfu);
        if (type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            pci_set_long(d->wmask + reg + 4, mask >> 32);
        }
    }
}

static uint64_t pci_bar_address(PCIDevice *d, int n)
{
    PCIIORegion *r = &d->io_regions[n];
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    int reg = PCI_BASE_ADDRESS_0 + 4 * n;
    uint64_t addr;

    if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = pci_get_long(d->config + reg) & ~3u & ~(r->size - 1);
        return addr == 0 || addr + r->size > 0x10000 ? PCI_BAR_UNMAPPED : addr;
    }
    if (!(cmd & PCI_COMMAND_MEMORY)) {
        return PCI_BAR_UNMAPPED;
    }
    addr = pci_get_long(d->config + reg) & ~0xfu;
    if (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
        addr |= (uint64_t)pci_get_long(d->config + reg + 4) << 32;
    }
    addr &= ~(r->size - 1);
    /* 0 and a BAR still holding the sizing pattern do not decode. */
    if (addr == 0 || addr + r->size - 1 < addr ||
        addr == (~(r->size - 1) & (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64
                                   ? ~0ULL : 0xffffffffULL) & ~0xfULL)) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

static void pci_update_mappings(PCIDevice *d)
{
    memory_region_transaction_begin();
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        PCIIORegion *r = &d->io_regions[n];
        MemoryRegion *space;
        uint64_t addr;

        if (!r->mr || !d->bus) {
            continue;
        }
        space = (r->type & PCI_BASE_ADDRESS_SPACE_IO) ? d->bus->io : d->bus->mem;
        addr = space ? pci_bar_address(d, n) : PCI_BAR_UNMAPPED;
        if (addr == r->addr) {
            continue;
        }
        if (r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(space, r->mr);
        }
        r->addr = addr;
        if (addr != PCI_BAR_UNMAPPED) {
            memory_region_add_subregion_overlap(space, addr, r->mr, 1);
        }
    }
    memory_region_transaction_commit();
}

static void pci_unmap_all(PCIDevice *d)
{
    memory_region_transaction_begin();
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        PCIIORegion *r = &d->io_regions[n];

        if (r->mr && r->addr != PCI_BAR_UNMAPPED && d->bus) {
            memory_region_del_subregion((r->type & PCI_BASE_ADDRESS_SPACE_IO)
                                        ? d->bus->io : d->bus->mem, r->mr);
        }
        r->addr = PCI_BAR_UNMAPPED;
    }
    memory_region_transaction_commit();
}

uint8_t pci_add_capability(PCIDevice *d, uint8_t cap_id, uint8_t offset, uint8_t size,
                           Error **errp)
{
    uint8_t *prev;

    if (!offset) {
        /* After the last capability, dword aligned. */
        offset = 0x40;
        for (uint8_t p = d->config[PCI_CAPABILITY_LIST]; p; p = d->config[p + 1]) {
            uint8_t end = p + (d->config[p] == PCI_CAP_ID_VNDR ? d->config[p + 2] :
                               d->config[p] == PCI_CAP_ID_MSIX ? 12 : 16);

            offset = MAX(offset, QEMU_ALIGN_UP(end, 4));
        }
    }
    if ((unsigned)offset + size > PCI_CONFIG_SPACE_SIZE) {
        error_setg(errp, "PCI capability 0x%x of %u bytes does not fit", cap_id, size);
        return 0;
    }
    /* Append to the list (the order Linux walks is the order we add). */
    prev = &d->config[PCI_CAPABILITY_LIST];
    while (*prev) {
        prev = &d->config[*prev + 1];
    }
    *prev = offset;
    d->config[offset] = cap_id;
    d->config[offset + 1] = 0;
    memset(d->wmask + offset, 0, size);
    d->config[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    return offset;
}

uint32_t pci_default_read_config(PCIDevice *d, uint32_t addr, unsigned len)
{
    uint32_t v = 0;

    for (unsigned i = 0; i < len && addr + i < d->config_size; i++) {
        v |= (uint32_t)d->config[addr + i] << (8 * i);
    }
    return v;
}

void pci_default_write_config(PCIDevice *d, uint32_t addr, uint32_t val, unsigned len)
{
    for (unsigned i = 0; i < len && addr + i < d->config_size; i++) {
        uint32_t a = addr + i;
        uint8_t b = val >> (8 * i);

        d->config[a] = (d->config[a] & ~d->wmask[a]) | (b & d->wmask[a]);
        d->config[a] &= ~(b & d->w1cmask[a]);
    }
    if (addr < PCI_COMMAND + 2 && addr + len > PCI_COMMAND) {
        pci_update_irq(d);
        if (d->msix_cap) {
            /* Bus Master Enable gates MSI-X (PCI 3.0 §6.8.2.3). */
            msix_write_config(d, addr, val, len);
        }
    }
    if ((addr < PCI_COMMAND + 2 && addr + len > PCI_COMMAND) ||
        (addr < PCI_BASE_ADDRESS_0 + 24 && addr + len > PCI_BASE_ADDRESS_0)) {
        pci_update_mappings(d);
    }
    if (d->msix_cap && addr < d->msix_cap + 4u && addr + len > d->msix_cap) {
        msix_write_config(d, addr, val, len);
        pci_update_irq(d);
    }
}

/* Host access */

uint32_t pci_host_config_read(PCIBus *bus, unsigned devfn, uint32_t addr, unsigned len)
{
    PCIDevice *d = devfn < 256 ? bus->devices[devfn] : NULL;
    PCIDeviceClass *pc;

    if (!d || addr + len > d->config_size) {
        return len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
    }
    pc = PCI_DEVICE_GET_CLASS(d);
    return pc->config_read ? pc->config_read(d, addr, len)
                           : pci_default_read_config(d, addr, len);
}

void pci_host_config_write(PCIBus *bus, unsigned devfn, uint32_t addr, uint32_t val,
                           unsigned len)
{
    PCIDevice *d = devfn < 256 ? bus->devices[devfn] : NULL;
    PCIDeviceClass *pc;

    if (!d || addr + len > d->config_size) {
        return;
    }
    pc = PCI_DEVICE_GET_CLASS(d);
    if (pc->config_write) {
        pc->config_write(d, addr, val, len);
    } else {
        pci_default_write_config(d, addr, val, len);
    }
}

/* Device type */

static bool pci_parse_addr(const char *s, int32_t *devfn, Error **errp)
{
    unsigned slot, fn = 0;
    char *end;

    slot = strtoul(s, &end, 16);
    if (end == s || (*end && *end != '.') || slot > 31) {
        goto bad;
    }
    if (*end == '.') {
        const char *f = end + 1;

        fn = strtoul(f, &end, 16);
        if (end == f || *end || fn > 7) {
            goto bad;
        }
    }
    *devfn = PCI_DEVFN(slot, fn);
    return true;
bad:
    error_setg(errp, "Property 'addr' doesn't take value '%s'", s);
    return false;
}

static void pci_device_realize(DeviceState *dev, Error **errp)
{
    PCIDevice *d = PCI_DEVICE(dev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);
    PCIBus *bus = dev->parent_bus ? PCI_BUS(dev->parent_bus) : NULL;
    Error *err = NULL;

    if (!bus) {
        error_setg(errp, "%s needs a PCI bus", object_get_typename(OBJECT(dev)));
        return;
    }
    d->devfn = -1;
    if (d->addr && !pci_parse_addr(d->addr, &d->devfn, errp)) {
        return;
    }
    if (d->devfn < 0) {
        /* The first free slot after the host bridge at 00.0. */
        for (int devfn = PCI_DEVFN(1, 0); devfn < 256; devfn += 8) {
            if (!bus->devices[devfn]) {
                d->devfn = devfn;
                break;
            }
        }
        if (d->devfn < 0) {
            error_setg(errp, "PCI: no slot/function available for %s, all in use",
                       object_get_typename(OBJECT(dev)));
            return;
        }
    } else if (bus->devices[d->devfn]) {
        error_setg(errp, "PCI: slot %d function %d not available for %s, in use by %s",
                   PCI_SLOT(d->devfn), PCI_FUNC(d->devfn), object_get_typename(OBJECT(dev)),
                   object_get_typename(OBJECT(bus->devices[d->devfn])));
        return;
    }
    d->bus = bus;
    d->config_size = pc->is_express ? PCIE_CONFIG_SPACE_SIZE : PCI_CONFIG_SPACE_SIZE;
    d->config = g_malloc0(d->config_size);
    d->wmask = g_malloc0(d->config_size);
    d->w1cmask = g_malloc0(d->config_size);
    pci_set_word(d->config + PCI_VENDOR_ID, pc->vendor_id);
    pci_set_word(d->config + PCI_DEVICE_ID, pc->device_id);
    d->config[PCI_REVISION_ID] = pc->revision;
    pci_set_word(d->config + PCI_CLASS_DEVICE, pc->class_id);
    pci_set_word(d->config + PCI_SUBSYSTEM_VENDOR_ID, pc->subsystem_vendor_id);
    pci_set_word(d->config + PCI_SUBSYSTEM_ID, pc->subsystem_id);
    d->config[PCI_INTERRUPT_PIN] = 1;                   /* INTA# */
    pci_set_word(d->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                 PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
    d->wmask[0x0c] = 0xff;                              /* cache line size */
    d->wmask[0x0d] = 0xff;                              /* latency timer */
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    pci_set_word(d->w1cmask + PCI_STATUS, 0xf900);      /* error bits */
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        d->io_regions[n].addr = PCI_BAR_UNMAPPED;
    }
    bus->devices[d->devfn] = d;
    if (pc->realize) {
        pc->realize(d, &err);
    }
    if (!err && bus->device_plugged && !bus->device_plugged(bus, d, &err) && pc->exit) {
        pc->exit(d);
    }
    if (err) {
        /* Unplugged again: a later realize (another addr=) starts afresh. */
        bus->devices[d->devfn] = NULL;
        g_clear_pointer(&d->config, g_free);
        g_clear_pointer(&d->wmask, g_free);
        g_clear_pointer(&d->w1cmask, g_free);
        error_propagate(errp, err);
    }
}

static void pci_device_unrealize(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);

    pci_set_irq(d, 0);
    pci_unmap_all(d);
    if (pc->exit) {
        pc->exit(d);
    }
    msix_uninit(d);
    if (d->bus && d->bus->devices[d->devfn] == d) {
        if (d->bus->device_unplugged) {
            d->bus->device_unplugged(d->bus, d);
        }
        d->bus->devices[d->devfn] = NULL;
    }
}

static void pci_device_reset(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);

    if (!d->config) {
        return;
    }
    pci_set_word(d->config + PCI_COMMAND, 0);
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        if (d->io_regions[n].mr) {
            int reg = PCI_BASE_ADDRESS_0 + 4 * n;

            pci_set_long(d->config + reg, d->io_regions[n].type);
            if (d->io_regions[n].type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
                pci_set_long(d->config + reg + 4, 0);
            }
        }
    }
    pci_unmap_all(d);
    msix_reset(d);
    d->irq_level = 0;
    pci_update_irq(d);
    if (pc->reset) {
        pc->reset(d);
    }
}

static void pci_device_finalize(Object *obj)
{
    PCIDevice *d = PCI_DEVICE(obj);

    g_free(d->config);
    g_free(d->wmask);
    g_free(d->w1cmask);
}

static const Property pci_props[] = {
    DEFINE_PROP_STRING("addr", PCIDevice, addr),
    DEFINE_PROP_END_OF_LIST(),
};

static void pci_device_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = pci_device_realize;
    dc->unrealize = pci_device_unrealize;
    dc->reset = pci_device_reset;
    dc->bus_type = TYPE_PCI_BUS;
    object_class_set_props(oc, pci_props);
}

static char *pci_bus_dev_path(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);

    return g_strdup_printf("0000:00:%02x.%x", PCI_SLOT(d->devfn), PCI_FUNC(d->devfn));
}

static void pci_bus_print_dev(FILE *f, DeviceState *dev, int indent)
{
    PCIDevice *d = PCI_DEVICE(dev);

    fprintf(f, "%*saddr = %02x.%x\n", indent, "", PCI_SLOT(d->devfn), PCI_FUNC(d->devfn));
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        PCIIORegion *r = &d->io_regions[n];

        if (r->mr) {
            fprintf(f, "%*sbar %d: %s at 0x%" PRIx64 " [0x%" PRIx64 "]\n", indent, "", n,
                    (r->type & PCI_BASE_ADDRESS_SPACE_IO) ? "i/o" : "mem",
                    (uint64_t)(r->addr == PCI_BAR_UNMAPPED ? ~0ULL : r->addr),
                    (r->addr == PCI_BAR_UNMAPPED ? 0 : r->addr) + r->size - 1);
        }
    }
}

static void pci_bus_class_init(ObjectClass *oc, void *data)
{
    BusClass *bc = (BusClass *)oc;

    bc->get_dev_path = pci_bus_dev_path;
    bc->print_dev = pci_bus_print_dev;
}

static const TypeInfo pci_types[] = {
    {
        .name = TYPE_PCI_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_size = sizeof(PCIDeviceClass),
        .abstract = true,
        .class_init = pci_device_class_init,
        .instance_finalize = pci_device_finalize,
    }, {
        .name = TYPE_PCI_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(PCIBus),
        .class_init = pci_bus_class_init,
    },
};

static void pci_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(pci_types); i++) {
        type_register_static(&pci_types[i]);
    }
}
type_init(pci_register_types)
