/*
 * ACPI PCI hotplug on the pc machine, with the register interface QEMU's
 * PIIX4 PM function gives its ACPI code (QEMU docs/specs/acpi_pci_hotplug,
 * "ACPI BIOS GPE.1 handler"), one bit per slot of pci.0:
 *
 *   0xae00 up      (read)  slots with a new device; a read clears it
 *   0xae04 down    (read)  slots the host wants removed
 *   0xae08 eject   (write) the guest lets these slots go; reads 0
 *                          (no optional features)
 *   0xae0c rmv     (read)  slots whose device may be removed
 *   0xae10 sel     (r/w)   bus select; only 0 (pci.0) exists
 *
 * and the PIIX4's GPE0 block (ACPI 6.4 §4.8.1.6, "General-Purpose Event
 * Registers"): GPE0_STS at 0xafe0 (write 1 to clear), GPE0_EN at 0xafe2.
 * A plug or an unplug request sets GPE0_STS bit 1; the SCI (ISA IRQ 9,
 * level, active high as the PIIX4 wires it) is asserted while any enabled
 * status bit is set (ACPI 6.4 §4.8.1.6: "an SCI is raised when a status
 * bit and its enable bit are both set").
 *
 * Plugging happens in device_add: the device is realized into a free slot
 * first, then announced.  Unplugging waits for the guest: device_del only
 * sets the down bit; the eject write removes the device (in a bottom half,
 * outside the vCPU's I/O exit) and qdev_unplug_complete() reports
 * DEVICE_DELETED, as QEMU does.
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "hw/x86/isa.h"
#include "hw/x86/piix4-pcihp.h"

static void pcihp_update_sci(Piix4PciHotplugState *s)
{
    if (s->sci) {
        qemu_set_irq(s->sci, (s->gpe_sts & s->gpe_en) != 0);
    }
}

static void pcihp_raise_gpe(Piix4PciHotplugState *s)
{
    s->gpe_sts |= GPE_PCI_HOTPLUG;
    pcihp_update_sci(s);
}

/* Devices on pci.0 the user may remove: hotpluggable ones (not the host). */
static uint32_t pcihp_removable(Piix4PciHotplugState *s)
{
    uint32_t mask = 0;

    for (int devfn = 0; s->bus && devfn < 256; devfn += 8) {
        PCIDevice *d = s->bus->devices[devfn];

        if (d && DEVICE_GET_CLASS(d)->hotpluggable) {
            mask |= 1u << PCI_SLOT(devfn);
        }
    }
    return mask;
}

static uint64_t pcihp_read(void *opaque, hwaddr addr, unsigned size)
{
    Piix4PciHotplugState *s = opaque;
    uint32_t val = 0;

    if (s->bus_sel != 0 && addr != PCIHP_SEL) {
        return 0;                   /* no such bus: nothing to report */
    }
    switch (addr) {
    case PCIHP_UP:
        val = s->up;
        s->up = 0;                  /* read once by the GPE handler */
        break;
    case PCIHP_DOWN:
        val = s->down;
        break;
    case PCIHP_EJECT:
        val = 0;                    /* feature bits: none */
        break;
    case PCIHP_RMV:
        val = pcihp_removable(s);
        break;
    case PCIHP_SEL:
        val = s->bus_sel;
        break;
    }
    return val;
}

static void pcihp_eject_bh(void *opaque)
{
    Piix4PciHotplugState *s = opaque;

    while (s->eject_pending) {
        int slot = __builtin_ctz(s->eject_pending);

        s->eject_pending &= ~(1u << slot);
        /* Every function of the slot goes (PCI hotplug works per slot). */
        for (int fn = 7; fn >= 0; fn--) {
            PCIDevice *d = s->bus->devices[PCI_DEVFN(slot, fn)];

            if (d && DEVICE_GET_CLASS(d)->hotpluggable) {
                qdev_unplug_complete(DEVICE(d));
            }
        }
    }
}

static void pcihp_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    Piix4PciHotplugState *s = opaque;

    switch (addr) {
    case PCIHP_EJECT:
        if (s->bus_sel != 0) {
            break;
        }
        /* Only slots that hold a removable device; the host bridge stays. */
        val &= pcihp_removable(s);
        s->down &= ~(uint32_t)val;
        s->eject_pending |= (uint32_t)val;
        if (s->eject_pending) {
            qemu_bh_schedule(s->eject_bh);
        }
        break;
    case PCIHP_SEL:
        s->bus_sel = (uint32_t)val;
        break;
    default:
        break;                      /* up, down, rmv are read-only */
    }
}

static const MemoryRegionOps pcihp_ops = {
    .read = pcihp_read, .write = pcihp_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

static uint64_t gpe_read(void *opaque, hwaddr addr, unsigned size)
{
    Piix4PciHotplugState *s = opaque;
    uint32_t regs = s->gpe_sts | (uint32_t)s->gpe_en << 16;

    return (regs >> (addr * 8)) & (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
}

static void gpe_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    Piix4PciHotplugState *s = opaque;

    for (unsigned i = 0; i < size; i++) {
        unsigned off = addr + i;
        uint8_t b = val >> (i * 8);

        if (off < 2) {
            s->gpe_sts &= ~(uint16_t)(b << (off * 8));     /* write 1 to clear */
        } else {
            s->gpe_en = (s->gpe_en & ~(0xff << ((off - 2) * 8))) |
                        (uint16_t)(b << ((off - 2) * 8));
        }
    }
    pcihp_update_sci(s);
}

static const MemoryRegionOps gpe_ops = {
    .read = gpe_read, .write = gpe_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

/* HotplugOps of pci.0 */

static void pcihp_plug(void *opaque, DeviceState *dev)
{
    Piix4PciHotplugState *s = opaque;
    PCIDevice *d = PCI_DEVICE(dev);

    s->up |= 1u << PCI_SLOT(d->devfn);
    pcihp_raise_gpe(s);
}

static bool pcihp_unplug_request(void *opaque, DeviceState *dev, Error **errp)
{
    Piix4PciHotplugState *s = opaque;
    PCIDevice *d = PCI_DEVICE(dev);
    uint32_t bit = 1u << PCI_SLOT(d->devfn);

    if (!DEVICE_GET_CLASS(dev)->hotpluggable) {
        error_setg(errp, "Device '%s' does not support hotplugging",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    if ((s->down | s->eject_pending) & bit) {
        error_setg(errp, "Device %s is already in the process of unplug",
                   dev->id ? dev->id : "");
        return false;
    }
    s->down |= bit;
    pcihp_raise_gpe(s);
    return true;
}

static const HotplugOps pcihp_hotplug_ops = {
    .plug = pcihp_plug,
    .unplug_request = pcihp_unplug_request,
};

void piix4_pcihp_attach(Piix4PciHotplugState *s, PCIBus *bus)
{
    s->bus = bus;
    qbus_set_hotplug_handler(BUS(bus), &pcihp_hotplug_ops, s);
}

static void pcihp_reset(DeviceState *dev)
{
    Piix4PciHotplugState *s = PIIX4_PCIHP(dev);

    /* A reset forgets announcements; requested removals are still wanted. */
    s->up = 0;
    s->bus_sel = 0;
    s->gpe_sts = 0;
    s->gpe_en = 0;
    if (s->down) {
        s->gpe_sts |= GPE_PCI_HOTPLUG;
    }
    pcihp_update_sci(s);
}

static void pcihp_realize(DeviceState *dev, Error **errp)
{
    Piix4PciHotplugState *s = PIIX4_PCIHP(dev);

    memory_region_init_io(&s->pcihp_io, OBJECT(dev), &pcihp_ops, s, "acpi-pci-hotplug",
                          PCIHP_IO_LEN);
    memory_region_init_io(&s->gpe_io, OBJECT(dev), &gpe_ops, s, "acpi-gpe0", GPE0_IO_LEN);
    if (!isa_register_ioport(&s->pcihp_io, PCIHP_IO_BASE, errp)) {
        return;
    }
    if (!isa_register_ioport(&s->gpe_io, GPE0_IO_BASE, errp)) {
        isa_unregister_ioport(&s->pcihp_io);
        return;
    }
    s->sci = isa_get_irq(PIIX4_SCI_IRQ);
    s->eject_bh = qemu_bh_new(pcihp_eject_bh, s);
}

static void pcihp_unrealize(DeviceState *dev)
{
    Piix4PciHotplugState *s = PIIX4_PCIHP(dev);

    if (s->bus && BUS(s->bus)->hotplug_opaque == s) {
        qbus_set_hotplug_handler(BUS(s->bus), NULL, NULL);
    }
    isa_unregister_ioport(&s->pcihp_io);
    isa_unregister_ioport(&s->gpe_io);
    if (s->eject_bh) {
        qemu_bh_delete(s->eject_bh);
        s->eject_bh = NULL;
    }
}

static void pcihp_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "ACPI PCI hotplug registers and GPE0 of the PIIX4 PM function";
    dc->realize = pcihp_realize;
    dc->unrealize = pcihp_unrealize;
    dc->reset = pcihp_reset;
}

static const TypeInfo pcihp_info = {
    .name = TYPE_PIIX4_PCIHP,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(Piix4PciHotplugState),
    .class_init = pcihp_class_init,
};

static void pcihp_register_types(void)
{
    type_register_static(&pcihp_info);
}

type_init(pcihp_register_types)
