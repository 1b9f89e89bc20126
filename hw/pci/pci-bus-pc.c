/*
 * pci.0 on the pc machine (see pci-bus-pc.h).  The i440FX host answers
 * configuration cycles for each devfn through the ops registered with
 * pc_pci_host_attach; this bridge registers every PCI device that plugs
 * into pci.0 there, so the PCI core's configuration space (with BAR
 * decoding and MSI-X) is what the guest sees.  The bridge sits on the main
 * system bus so that -device virtio-blk-pci finds pci.0.
 */
#include "hw/pci/pci-bus-pc.h"
#include "hw/core/machine.h"

static uint32_t pcpci_cfg_read(void *opaque, uint8_t offset, unsigned size)
{
    PCIDevice *d = opaque;

    return pci_host_config_read(d->bus, d->devfn, offset, size);
}

static void pcpci_cfg_write(void *opaque, uint8_t offset, uint32_t val, unsigned size)
{
    PCIDevice *d = opaque;

    pci_host_config_write(d->bus, d->devfn, offset, val, size);
}

static const PCIConfigOps pcpci_cfg_ops = {
    .read = pcpci_cfg_read,
    .write = pcpci_cfg_write,
};

static bool pcpci_plugged(PCIBus *bus, PCIDevice *d, Error **errp)
{
    PCPCIBusBridge *b = PC_PCI_BUS_BRIDGE(BUS(bus)->parent);

    return pc_pci_host_attach(b->host, d->devfn, &pcpci_cfg_ops, d, errp);
}

static void pcpci_unplugged(PCIBus *bus, PCIDevice *d)
{
    PCPCIBusBridge *b = PC_PCI_BUS_BRIDGE(BUS(bus)->parent);

    pc_pci_host_detach(b->host, d->devfn);
}

PCIBus *pc_pci_bus_create(PCPCIHostState *h, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_PC_PCI_BUS_BRIDGE);
    PCPCIBusBridge *b = PC_PCI_BUS_BRIDGE(dev);

    b->host = h;
    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        return NULL;
    }
    return b->bus;
}

static void pcpci_realize(DeviceState *dev, Error **errp)
{
    PCPCIBusBridge *b = PC_PCI_BUS_BRIDGE(dev);

    if (!b->host) {
        error_setg(errp, "pc-pci-bus needs the i440FX host bridge");
        return;
    }
    b->bus = pci_bus_new(dev, "pci.0", get_system_memory(), get_system_io(),
                         get_address_space_memory());
    b->bus->device_plugged = pcpci_plugged;
    b->bus->device_unplugged = pcpci_unplugged;
    /* 00.0 is the i440FX itself; keep the PCI core from placing a device there. */
}

static void pcpci_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "pc PCI bus (pci.0) over configuration mechanism #1";
    dc->realize = pcpci_realize;
}

static const TypeInfo pcpci_info = {
    .name = TYPE_PC_PCI_BUS_BRIDGE,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(PCPCIBusBridge),
    .class_init = pcpci_class_init,
};

static void pcpci_register_types(void)
{
    type_register_static(&pcpci_info);
}
type_init(pcpci_register_types)
