/*
 * PIIX3 PCI-to-ISA bridge: PIRQ routing of PCI INTx (see piix3.h).
 *
 * Each PCI device's INTx level arrives through the bus's set_irq callback;
 * the lines are wired-OR per PIRQ (PCI 3.0 §2.2.6: INTx# are shared,
 * level-sensitive), and each routed PIRQ drives the ISA IRQ its PIRQRC
 * register names.  Two PIRQs routed to one IRQ share it.
 */
#include "core/osdep.h"
#include "core/log.h"
#include "hw/x86/piix3.h"
#include "hw/x86/isa.h"

const uint8_t piix3_firmware_pirq[PIIX3_NUM_PIRQ] = { 10, 10, 11, 11 };

/* IRQs a PIRQ may be steered to (82371SB §2.2.12: 0-2, 8 and 13 reserved). */
#define PIIX3_VALID_IRQS 0xdef8

static void piix3_update(PIIX3State *s)
{
    PCIDevice *d = PCI_DEVICE(s);
    uint16_t levels = 0, changed;

    for (unsigned n = 0; n < PIIX3_NUM_PIRQ; n++) {
        uint8_t r = d->config[PIIX3_PIRQRC + n];

        if (s->pirq_count[n] && !(r & PIIX3_PIRQ_DISABLED) &&
            (PIIX3_VALID_IRQS & (1u << (r & 0xf)))) {
            levels |= 1u << (r & 0xf);
        }
    }
    changed = levels ^ s->isa_levels;
    s->isa_levels = levels;
    for (unsigned irq = 0; irq < ISA_NUM_IRQS; irq++) {
        if (changed & (1u << irq)) {
            qemu_set_irq(isa_get_irq(irq), (levels >> irq) & 1);
        }
    }
}

/* PCIBus set_irq: one device's pin changed level. */
static void piix3_set_irq(void *opaque, int devfn, int pin, int level)
{
    PIIX3State *s = opaque;
    bool was;
    unsigned pirq;

    if (pin < 0 || pin > 3 || devfn < 0 || devfn > 255) {
        return;
    }
    was = s->asserted[devfn] & (1u << pin);
    if (was == (level != 0)) {
        return;
    }
    s->asserted[devfn] ^= 1u << pin;
    pirq = piix3_slot_pirq(PCI_SLOT(devfn), pin);
    s->pirq_count[pirq] += level ? 1 : -1;
    piix3_update(s);
}

static void piix3_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    pci_default_write_config(d, addr, val, len);
    if (addr < PIIX3_PIRQRC + PIIX3_NUM_PIRQ && addr + len > PIIX3_PIRQRC) {
        piix3_update(PIIX3(d));
    }
}

void piix3_set_firmware_routing(PIIX3State *s)
{
    PCIDevice *d = PCI_DEVICE(s);

    for (unsigned n = 0; n < PIIX3_NUM_PIRQ; n++) {
        d->config[PIIX3_PIRQRC + n] = piix3_firmware_pirq[n];
    }
    piix3_update(s);
}

static void piix3_realize(PCIDevice *d, Error **errp)
{
    PIIX3State *s = PIIX3(d);

    if (d->devfn != PIIX3_DEVFN) {
        error_setg(errp, "PIIX3 must be at 01.0 (the pc's PCI-to-ISA bridge)");
        return;
    }
    if (d->bus->set_irq) {
        error_setg(errp, "PIIX3: the PCI bus already routes its interrupts");
        return;
    }
    /* Multi-function header, no interrupt of its own (82371SB §2.2). */
    d->config[PCI_HEADER_TYPE] = 0x80;
    d->config[PCI_INTERRUPT_PIN] = 0;
    for (unsigned n = 0; n < PIIX3_NUM_PIRQ; n++) {
        d->wmask[PIIX3_PIRQRC + n] = 0x8f;
    }
    pci_bus_set_irq(d->bus, piix3_set_irq, s);
}

static void piix3_exit(PCIDevice *d)
{
    PIIX3State *s = PIIX3(d);

    memset(s->pirq_count, 0, sizeof(s->pirq_count));
    piix3_update(s);
    pci_bus_set_irq(d->bus, NULL, NULL);
}

static void piix3_reset(PCIDevice *d)
{
    PIIX3State *s = PIIX3(d);

    for (unsigned n = 0; n < PIIX3_NUM_PIRQ; n++) {
        d->config[PIIX3_PIRQRC + n] = PIIX3_PIRQ_DISABLED;
    }
    piix3_update(s);
}

static void piix3_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);
    DeviceClass *dc = DEVICE_CLASS(oc);

    pc->realize = piix3_realize;
    pc->exit = piix3_exit;
    pc->reset = piix3_reset;
    pc->config_write = piix3_config_write;
    pc->vendor_id = 0x8086;
    pc->device_id = 0x7000;          /* 82371SB PIIX3 ISA */
    pc->class_id = 0x0601;           /* ISA bridge */
    dc->desc = "PIIX3 PCI-to-ISA bridge (PIRQ routing)";
    dc->category = DEVICE_CATEGORY_BRIDGE;
    dc->user_creatable = false;
}

static const TypeInfo piix3_info = {
    .name = TYPE_PIIX3,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PIIX3State),
    .class_init = piix3_class_init,
};

static void piix3_register_types(void)
{
    type_register_static(&piix3_info);
}

type_init(piix3_register_types)
