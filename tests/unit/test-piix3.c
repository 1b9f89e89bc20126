/*
 * PIIX3 PIRQ routing on pc's pci.0: a function's INTx# reaches the ISA IRQ
 * its PIRQ's route control register names (82371SB §2.2.12), after the
 * slot swizzle; disabled PIRQs drive nothing; PIRQs are wired-OR; moving a
 * route moves the level.
 */
#include "core/osdep.h"
#include "hw/core/machine.h"
#include "hw/pci/pci-bus-pc.h"
#include "hw/x86/isa.h"
#include "hw/x86/piix3.h"
#include "tests/unit/unit.h"

#define CFG(devfn, reg) (0x80000000u | ((devfn) << 8) | (reg))

static int level[ISA_NUM_IRQS];
/* The ISA lines live as long as the ISA bus that holds them: the program. */
static qemu_irq *lines;

static void isa_line(void *opaque, int n, int lvl)
{
    level[n] = lvl;
}

static PCIDevice *plug(PCIBus *bus, const char *addr)
{
    Error *err = NULL;
    DeviceState *dev = qdev_new("virtio-rng-pci");

    CHECK(object_property_parse(OBJECT(dev), "addr", addr, &err));
    CHECK(qdev_realize(dev, BUS(bus), &err));
    return PCI_DEVICE(dev);
}

UNIT_TEST(piix3_routes_intx_through_pirqs)
{
    Error *err = NULL;
    DeviceState *host = qdev_new(TYPE_PC_PCI_HOST), *p3;
    PCPCIHostState *h;
    PCIBus *bus;
    PCIDevice *s2, *s3, *s6;

    lines = qemu_allocate_irqs(isa_line, NULL, ISA_NUM_IRQS);
    isa_bus_set_irqs(lines, ISA_NUM_IRQS);
    CHECK(qdev_realize(host, NULL, &err));
    h = PC_PCI_HOST(host);
    bus = pc_pci_bus_create(h, &err);
    CHECK(bus);
    p3 = qdev_new(TYPE_PIIX3);
    /* Only at 01.0, where the pc has it. */
    CHECK(object_property_parse(OBJECT(p3), "addr", "05.0", &err));
    CHECK(!qdev_realize(p3, BUS(bus), &err));
    CHECK(err && strstr(error_get_pretty(err), "01.0"));
    error_free(err);
    err = NULL;
    object_unref(OBJECT(p3));
    p3 = qdev_new(TYPE_PIIX3);
    CHECK(object_property_parse(OBJECT(p3), "addr", "01.0", &err));
    CHECK(qdev_realize(p3, BUS(bus), &err));
    CHECK_EQ(pc_pci_config_read(h, CFG(PIIX3_DEVFN, 0), 4), 0x70008086);
    CHECK_EQ(pc_pci_config_read(h, CFG(PIIX3_DEVFN, 0x0a), 2), 0x0601);
    s2 = plug(bus, "02.0");
    s3 = plug(bus, "03.0");
    s6 = plug(bus, "06.0");
    device_cold_reset(p3);
    /* Reset state: every PIRQ disabled, nothing reaches the ISA lines. */
    CHECK_EQ(pc_pci_config_read(h, CFG(PIIX3_DEVFN, PIIX3_PIRQRC), 4), 0x80808080);
    pci_set_irq(s2, 1);
    for (int i = 0; i < ISA_NUM_IRQS; i++) {
        CHECK_EQ(level[i], 0);
    }
    /* Firmware routing: A, B -> 10, C, D -> 11.  Slot 2 INTA# is PIRQB. */
    piix3_set_firmware_routing(PIIX3(p3));
    CHECK_EQ(level[10], 1);
    CHECK_EQ(level[11], 0);
    pci_set_irq(s2, 0);
    CHECK_EQ(level[10], 0);
    /* Slot 3 INTA# is PIRQC -> 11. */
    pci_set_irq(s3, 1);
    CHECK_EQ(level[11], 1);
    CHECK_EQ(level[10], 0);
    pci_set_irq(s3, 0);
    CHECK_EQ(level[11], 0);
    /* Slots 2 and 6 share PIRQB: the line stays up until both let go. */
    pci_set_irq(s2, 1);
    pci_set_irq(s6, 1);
    pci_set_irq(s2, 0);
    CHECK_EQ(level[10], 1);
    /* The guest moves PIRQB to IRQ 5: the level moves with it. */
    pc_pci_config_write(h, CFG(PIIX3_DEVFN, PIIX3_PIRQRC + 1), 5, 1);
    CHECK_EQ(level[10], 0);
    CHECK_EQ(level[5], 1);
    /* A reserved IRQ (2) or a disabled route drives nothing. */
    pc_pci_config_write(h, CFG(PIIX3_DEVFN, PIIX3_PIRQRC + 1), 2, 1);
    CHECK_EQ(level[5], 0);
    CHECK_EQ(level[2], 0);
    pc_pci_config_write(h, CFG(PIIX3_DEVFN, PIIX3_PIRQRC + 1), 0x85, 1);
    CHECK_EQ(level[5], 0);
    pc_pci_config_write(h, CFG(PIIX3_DEVFN, PIIX3_PIRQRC + 1), 0x05, 1);
    CHECK_EQ(level[5], 1);
    /* Interrupt Disable in the function's command register lowers it. */
    pc_pci_config_write(h, CFG(s6->devfn, PCI_COMMAND), PCI_COMMAND_INTX_DISABLE, 2);
    CHECK_EQ(level[5], 0);
    isa_bus_set_irqs(NULL, 0);
    for (int i = 0; i < ISA_NUM_IRQS; i++) {
        qemu_free_irq(lines[i]);
    }
    g_free(lines);
}
