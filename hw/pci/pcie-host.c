/*
 * Generic PCIe host bridge with ECAM (see pcie-host.h).
 *
 * ECAM (PCIe Base 4.0 §7.2.2): byte address = bus << 20 | device << 15 |
 * function << 12 | register.  Only bus 0 exists; other buses and absent
 * functions read all-ones, and their writes are dropped.
 */
#include "hw/pci/pcie-host.h"
#include "core/log.h"
#include "hw/core/machine.h"

static uint64_t ecam_read(void *opaque, hwaddr addr, unsigned size)
{
    GPEXHost *h = opaque;
    unsigned bus = addr >> 20, devfn = (addr >> 12) & 0xff;
    uint32_t reg = addr & 0xfff;

    if (bus != 0 || (reg & (size - 1))) {
        return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    }
    return pci_host_config_read(h->bus, devfn, reg, size);
}

static void ecam_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    GPEXHost *h = opaque;
    unsigned bus = addr >> 20, devfn = (addr >> 12) & 0xff;
    uint32_t reg = addr & 0xfff;

    if (bus != 0 || (reg & (size - 1))) {
        return;
    }
    pci_host_config_write(h->bus, devfn, reg, val, size);
}

static const MemoryRegionOps ecam_ops = {
    .read = ecam_read,
    .write = ecam_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 1, .max_access_size = 4},
};

/* INTx: wired-OR of every device on a line, after the swizzle. */
static void gpex_set_irq(void *opaque, int devfn, int pin, int level)
{
    GPEXHost *h = opaque;
    int line = (pin + PCI_SLOT(devfn)) % GPEX_NUM_IRQS;
    bool was = h->asserted[devfn] & (1u << pin);

    if (pin < 0 || pin > 3 || was == (level != 0)) {
        return;
    }
    h->asserted[devfn] ^= 1u << pin;
    h->irq_count[line] += level ? 1 : -1;
    qemu_set_irq(h->irq[line], h->irq_count[line] > 0);
}

static void gpex_realize(DeviceState *dev, Error **errp)
{
    GPEXHost *h = GPEX_HOST(dev);
    SysBusDevice *sbd = SYS_BUS_DEVICE(dev);
    DeviceState *root;

    if (!h->ecam_size || !is_power_of_2(h->ecam_size) || h->ecam_size < 1 * MiB) {
        error_setg(errp, "gpex: ecam-size must be a power of two of at least 1 MiB");
        return;
    }
    memory_region_init_io(&h->ecam, OBJECT(dev), &ecam_ops, h, "pcie-mmcfg-mmio",
                          h->ecam_size);
    memory_region_init(&h->mmio, OBJECT(dev), "gpex_mmio_window", UINT64_MAX);
    memory_region_init(&h->io, OBJECT(dev), "gpex_ioport_window", 64 * KiB);
    sysbus_init_mmio(sbd, &h->ecam);
    sysbus_init_mmio(sbd, &h->mmio);
    sysbus_init_mmio(sbd, &h->io);
    for (int i = 0; i < GPEX_NUM_IRQS; i++) {
        sysbus_init_irq(sbd, &h->irq[i]);
    }
    h->bus = pci_bus_new(dev, "pcie.0", &h->mmio, &h->io, get_address_space_memory());
    pci_bus_set_irq(h->bus, gpex_set_irq, h);
    /* The host bridge function at 00.0. */
    root = qdev_new(TYPE_GPEX_ROOT);
    qdev_prop_set_string(root, "addr", "0.0");
    if (!qdev_realize_and_unref(root, BUS(h->bus), errp)) {
        return;
    }
}

static void gpex_finalize(Object *obj)
{
    GPEXHost *h = GPEX_HOST(obj);

    memory_region_finalize(&h->ecam);
    memory_region_finalize(&h->mmio);
    memory_region_finalize(&h->io);
}

static const Property gpex_props[] = {
    DEFINE_PROP_SIZE("ecam-size", GPEXHost, ecam_size, 256 * MiB),
    DEFINE_PROP_END_OF_LIST(),
};

static void gpex_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "generic PCIe host bridge with ECAM";
    dc->realize = gpex_realize;
    object_class_set_props(oc, gpex_props);
}

/* 1b36:0008, QEMU's "PCIe host bridge" ID that guests already know. */
static void gpex_root_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    DEVICE_CLASS(oc)->desc = "Host bridge";
    pc->vendor_id = 0x1b36;
    pc->device_id = 0x0008;
    pc->class_id = 0x0600;
}

static const TypeInfo gpex_types[] = {
    {
        .name = TYPE_GPEX_HOST,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(GPEXHost),
        .class_init = gpex_class_init,
        .instance_finalize = gpex_finalize,
    }, {
        .name = TYPE_GPEX_ROOT,
        .parent = TYPE_PCI_DEVICE,
        .class_init = gpex_root_class_init,
    },
};

static void gpex_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(gpex_types); i++) {
        type_register_static(&gpex_types[i]);
    }
}
type_init(gpex_register_types)
