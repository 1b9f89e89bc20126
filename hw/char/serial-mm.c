/*
 * The memory-mapped 16550A: a thin sysbus wrapper that scales register
 * offsets by regshift and forwards to the transport-neutral core.
 */
#include "hw/char/serial-mm.h"
#include "core/log.h"

static uint64_t serial_mm_read(void *opaque, hwaddr addr, unsigned size)
{
    SerialMM *smm = opaque;

    return serial_ioport_read(&smm->serial, addr >> smm->regshift);
}

static void serial_mm_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    SerialMM *smm = opaque;

    /* Wider accesses carry the register value in their low byte. */
    serial_ioport_write(&smm->serial, addr >> smm->regshift, val & 0xff);
}

static const MemoryRegionOps serial_mm_ops = {
    .read = serial_mm_read,
    .write = serial_mm_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    /*
     * The registers are bytes; drivers with reg-io-width 4 use 32-bit
     * accesses on regshift 2 layouts, so accept 1..4 and hand the callback
     * exactly what the guest did (no splitting into byte accesses, which
     * would pop the FIFO several times).
     */
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static void serial_mm_realize(DeviceState *dev, Error **errp)
{
    SerialMM *smm = SERIAL_MM(dev);

    if (smm->regshift > 3) {
        error_setg(errp, "serial-mm: regshift %u is out of range (0..3)", smm->regshift);
        return;
    }
    if (!serial_realize_core(&smm->serial, errp)) {
        return;
    }
    memory_region_init_io(&smm->iomem, OBJECT(dev), &serial_mm_ops, smm, "serial",
                          8u << smm->regshift);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &smm->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(dev), &smm->serial.irq);
}

static void serial_mm_unrealize(DeviceState *dev)
{
    serial_unrealize_core(&SERIAL_MM(dev)->serial);
}

static void serial_mm_finalize(Object *obj)
{
    SerialMM *smm = SERIAL_MM(obj);

    serial_unrealize_core(&smm->serial);
    memory_region_finalize(&smm->iomem);
}

static void serial_mm_reset(DeviceState *dev)
{
    serial_reset(&SERIAL_MM(dev)->serial);
}

static const Property serial_mm_props[] = {
    DEFINE_PROP_LINK("chardev", SerialMM, serial.chr, TYPE_CHARDEV, Chardev *),
    DEFINE_PROP_UINT8("regshift", SerialMM, regshift, 0),
    DEFINE_PROP_UINT32("baudbase", SerialMM, serial.baudbase, 115200),
    /* Batch output into fewer backend writes (serial.c, serial_tx_out). */
    DEFINE_PROP_BOOL("x-tx-batch", SerialMM, serial.tx_batching, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void serial_mm_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "16550A UART (memory-mapped)";
    dc->realize = serial_mm_realize;
    dc->unrealize = serial_mm_unrealize;
    dc->reset = serial_mm_reset;
    object_class_set_props(klass, serial_mm_props);
}

static const TypeInfo serial_mm_info = {
    .name = TYPE_SERIAL_MM,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(SerialMM),
    .desc = "16550A UART (memory-mapped)",
    .class_init = serial_mm_class_init,
    .instance_finalize = serial_mm_finalize,
};

static void serial_mm_register_types(void)
{
    type_register_static(&serial_mm_info);
}
type_init(serial_mm_register_types)

SerialMM *serial_mm_create(hwaddr base, unsigned regshift, qemu_irq irq,
                           uint32_t baudbase, Chardev *chr, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_SERIAL_MM);

    if (!object_property_set_uint(OBJECT(dev), "regshift", regshift, errp) ||
        !object_property_set_uint(OBJECT(dev), "baudbase", baudbase, errp) ||
        (chr && !object_property_set_link(OBJECT(dev), "chardev", OBJECT(chr), errp))) {
        object_unref(OBJECT(dev));
        return NULL;
    }
    /* qdev_realize_and_unref drops our reference whether or not it succeeds. */
    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        return NULL;
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, base);
    sysbus_connect_irq(SYS_BUS_DEVICE(dev), 0, irq);
    return SERIAL_MM(dev);
}
