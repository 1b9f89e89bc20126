/*
 * pci.0 on the pc machine's i440FX host: a virtio-rng-pci plugged into it
 * answers configuration mechanism #1 at its devfn (the host bridge keeps
 * 00.0), and its BAR, once programmed and enabled, decodes in system memory.
 */
#include "core/osdep.h"
#include "hw/core/machine.h"
#include "hw/pci/pci-bus-pc.h"
#include "tests/unit/unit.h"

#define CFG(devfn, reg) (0x80000000u | ((devfn) << 8) | (reg))

UNIT_TEST(pc_pci_bus_enumerates_virtio_pci)
{
    Error *err = NULL;
    DeviceState *host = qdev_new(TYPE_PC_PCI_HOST);
    PCPCIHostState *h;
    PCIBus *bus;
    DeviceState *dev;
    unsigned devfn;
    uint16_t nq = 0;

    CHECK(qdev_realize(host, NULL, &err));
    h = PC_PCI_HOST(host);
    bus = pc_pci_bus_create(h, &err);
    CHECK(bus);
    CHECK(qbus_find("pci.0") == BUS(bus));
    dev = qdev_new("virtio-rng-pci");
    CHECK(qdev_realize(dev, BUS(bus), &err));
    devfn = PCI_DEVICE(dev)->devfn;
    CHECK_EQ(devfn, PCI_DEVFN(1, 0));
    CHECK_EQ(pc_pci_config_read(h, CFG(0, 0), 4), 0x12378086);          /* i440FX */
    CHECK_EQ(pc_pci_config_read(h, CFG(devfn, 0), 4), 0x10441af4);
    CHECK_EQ(pc_pci_config_read(h, CFG(devfn + 1, 0), 4), 0xffffffff);
    /* BAR 4 at 0xfe000000 (64-bit), memory decoding on. */
    pc_pci_config_write(h, CFG(devfn, 0x20), 0xfe000000, 4);
    pc_pci_config_write(h, CFG(devfn, 0x24), 0, 4);
    pc_pci_config_write(h, CFG(devfn, PCI_COMMAND), PCI_COMMAND_MEMORY, 2);
    CHECK_EQ(address_space_read(get_address_space_memory(), 0xfe000000 + 18,
                                MEMTXATTRS_UNSPECIFIED, &nq, 2), MEMTX_OK);
    CHECK_EQ(nq, 1);
    /* Unplugging frees the slot at the host. */
    object_unparent(OBJECT(dev));
    object_unref(OBJECT(dev));
    CHECK_EQ(pc_pci_config_read(h, CFG(devfn, 0), 4), 0xffffffff);
    CHECK(address_space_read(get_address_space_memory(), 0xfe000000 + 18,
                             MEMTXATTRS_UNSPECIFIED, &nq, 2) != MEMTX_OK);
}
