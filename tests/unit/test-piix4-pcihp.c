/*
 * ACPI PCI hotplug on pci.0 (hw/x86/piix4-pcihp.c) through its ports, as
 * the guest sees them: a plug sets the slot's "up" bit (cleared by the
 * read) and GPE0_STS bit 1, the SCI follows status & enable, an unplug
 * request sets "down", the eject write removes the device from the main
 * loop and reports it (DEVICE_DELETED's data), a second request while one
 * is pending is refused with QEMU's words.
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "hw/core/machine.h"
#include "hw/pci/pci-bus-pc.h"
#include "hw/x86/isa.h"
#include "hw/x86/piix4-pcihp.h"
#include "tests/unit/unit.h"

#define CFG(devfn, reg) (0x80000000u | ((devfn) << 8) | (reg))

static int sci_level = -1;
static char *deleted_id, *deleted_path;

static void record_irq(void *opaque, int n, int level)
{
    if (n == PIIX4_SCI_IRQ) {
        sci_level = level;
    }
}

static void record_unplug(const char *id, const char *path)
{
    g_free(deleted_id);
    g_free(deleted_path);
    deleted_id = g_strdup(id);
    deleted_path = g_strdup(path);
}

static uint32_t io_read(uint16_t port, unsigned size)
{
    uint32_t v = 0;

    CHECK_EQ(address_space_read(get_address_space_io(), port, MEMTXATTRS_UNSPECIFIED,
                                &v, size), MEMTX_OK);
    return v;
}

static void io_write(uint16_t port, uint32_t v, unsigned size)
{
    CHECK_EQ(address_space_write(get_address_space_io(), port, MEMTXATTRS_UNSPECIFIED,
                                 &v, size), MEMTX_OK);
}

UNIT_TEST(pcihp_plug_unplug_through_the_ports)
{
    static qemu_irq lines[ISA_NUM_IRQS];
    Error *err = NULL;
    DeviceState *host = qdev_new(TYPE_PC_PCI_HOST), *hp, *dev;
    PCPCIHostState *h;
    PCIBus *bus;
    BusState *b;
    unsigned devfn, slot;

    for (int i = 0; i < ISA_NUM_IRQS; i++) {
        lines[i] = qemu_allocate_irq(record_irq, NULL, i);
    }
    isa_bus_set_irqs(lines, ISA_NUM_IRQS);
    qdev_set_unplug_notify(record_unplug);
    CHECK(qdev_realize(host, NULL, &err));
    h = PC_PCI_HOST(host);
    bus = pc_pci_bus_create(h, &err);
    CHECK(bus);
    b = BUS(bus);
    hp = qdev_new(TYPE_PIIX4_PCIHP);
    CHECK(qdev_realize(hp, NULL, &err));
    piix4_pcihp_attach(PIIX4_PCIHP(hp), bus);
    CHECK(b->hotplug != NULL);

    /* Nothing pending; the SCI is low. */
    CHECK_EQ(io_read(GPE0_IO_BASE, 2), 0);
    CHECK_EQ(io_read(PCIHP_IO_BASE + PCIHP_UP, 4), 0);
    io_write(GPE0_IO_BASE + 2, GPE_PCI_HOTPLUG, 2);          /* GPE0_EN bit 1 */
    CHECK_EQ(io_read(GPE0_IO_BASE + 2, 2), GPE_PCI_HOTPLUG);
    CHECK_EQ(sci_level, 0);

    /* device_add: realize in a free slot, then plug. */
    dev = qdev_new("virtio-rng-pci");
    object_property_parse(OBJECT(dev), "id", "rng0", &error_abort);
    CHECK(qdev_realize(dev, b, &err));
    devfn = PCI_DEVICE(dev)->devfn;
    slot = PCI_SLOT(devfn);
    CHECK(slot > 0);
    b->hotplug->plug(b->hotplug_opaque, dev);
    CHECK_EQ(io_read(GPE0_IO_BASE, 2), GPE_PCI_HOTPLUG);
    CHECK_EQ(sci_level, 1);
    CHECK_EQ(io_read(PCIHP_IO_BASE + PCIHP_UP, 4), 1u << slot);
    CHECK_EQ(io_read(PCIHP_IO_BASE + PCIHP_UP, 4), 0);     /* a read clears it */
    CHECK_EQ(io_read(PCIHP_IO_BASE + PCIHP_RMV, 4), 1u << slot);   /* not 00.0 */
    CHECK_EQ(pc_pci_config_read(h, CFG(devfn, 0), 4), 0x10441af4);
    io_write(GPE0_IO_BASE, GPE_PCI_HOTPLUG, 2);              /* write 1 to clear */
    CHECK_EQ(io_read(GPE0_IO_BASE, 2), 0);
    CHECK_EQ(sci_level, 0);

    /* device_del: only a request; the device stays until the guest ejects. */
    CHECK(b->hotplug->unplug_request(b->hotplug_opaque, dev, &err));
    CHECK_EQ(io_read(PCIHP_IO_BASE + PCIHP_DOWN, 4), 1u << slot);
    CHECK_EQ(sci_level, 1);
    CHECK(!b->hotplug->unplug_request(b->hotplug_opaque, dev, &err));
    CHECK_STREQ(error_get_pretty(err), "Device rng0 is already in the process of unplug");
    error_free(err);
    err = NULL;
    /* GPE disabled: status stays, SCI drops. */
    io_write(GPE0_IO_BASE + 2, 0, 2);
    CHECK_EQ(sci_level, 0);
    CHECK_EQ(io_read(GPE0_IO_BASE, 2), GPE_PCI_HOTPLUG);

    /* Another bus selected: nothing there. */
    io_write(PCIHP_IO_BASE + PCIHP_SEL, 1, 4);
    CHECK_EQ(io_read(PCIHP_IO_BASE + PCIHP_DOWN, 4), 0);
    io_write(PCIHP_IO_BASE + PCIHP_SEL, 0, 4);

    /* Ejecting the host bridge's slot does nothing. */
    io_write(PCIHP_IO_BASE + PCIHP_EJECT, 1, 4);
    while (event_loop_run_once(main_loop_get(), false)) {
    }
    CHECK_EQ(pc_pci_config_read(h, CFG(0, 0), 4), 0x12378086);
    CHECK(deleted_id == NULL);

    /* The guest ejects: removal runs in the main loop, then the report. */
    io_write(PCIHP_IO_BASE + PCIHP_EJECT, 1u << slot, 4);
    CHECK_EQ(io_read(PCIHP_IO_BASE + PCIHP_DOWN, 4), 0);
    CHECK_EQ(pc_pci_config_read(h, CFG(devfn, 0), 4), 0x10441af4);   /* not yet */
    for (int i = 0; i < 100 && !deleted_id; i++) {
        event_loop_run_once(main_loop_get(), false);
    }
    CHECK_STREQ(deleted_id, "rng0");
    CHECK(g_str_has_suffix(deleted_path, "/rng0"));
    CHECK_EQ(pc_pci_config_read(h, CFG(devfn, 0), 4), 0xffffffff);
    CHECK(qdev_find_by_id("rng0") == NULL);
    CHECK_EQ(io_read(PCIHP_IO_BASE + PCIHP_RMV, 4), 0);
}
