/*
 * isa-serial: the 16550A core (hw/char/serial.c) on PC port I/O, eight
 * byte-wide registers at iobase with an ISA IRQ: COM1 is 0x3f8/IRQ 4,
 * COM2 0x2f8/IRQ 3, COM3 0x3e8/IRQ 4, COM4 0x2e8/IRQ 3 (the PC's map).
 *
 *   -device isa-serial,iobase=0x2f8,irq=3,chardev=ID
 */
#include "core/osdep.h"
#include "hw/char/serial.h"
#include "hw/x86/isa.h"

#define TYPE_ISA_SERIAL "isa-serial"

typedef struct ISASerialState {
    DeviceState parent_obj;
    uint32_t iobase;
    uint32_t isairq;
    MemoryRegion io;
    SerialState serial;
} ISASerialState;

#define ISA_SERIAL(obj) OBJECT_CHECK(ISASerialState, (obj), TYPE_ISA_SERIAL)

static uint64_t serial_isa_read(void *opaque, hwaddr addr, unsigned size)
{
    return serial_ioport_read(&((ISASerialState *)opaque)->serial, addr);
}

static void serial_isa_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    serial_ioport_write(&((ISASerialState *)opaque)->serial, addr, val & 0xff);
}

static const MemoryRegionOps serial_isa_ops = {
    .read = serial_isa_read,
    .write = serial_isa_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    /* Byte registers; a wider access is split into byte accesses. */
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void serial_isa_realize(DeviceState *dev, Error **errp)
{
    ISASerialState *s = ISA_SERIAL(dev);

    if (s->isairq >= ISA_NUM_IRQS) {
        error_setg(errp, "isa-serial: irq %u is out of range (0..15)", s->isairq);
        return;
    }
    s->serial.irq = isa_get_irq((int)s->isairq);
    if (!serial_realize_core(&s->serial, errp)) {
        return;
    }
    memory_region_init_io(&s->io, OBJECT(dev), &serial_isa_ops, s, "serial", 8);
    if (!isa_register_ioport(&s->io, s->iobase, errp)) {
        error_prepend(errp, "isa-serial: ");
        serial_unrealize_core(&s->serial);
        memory_region_finalize(&s->io);
        return;
    }
    serial_reset(&s->serial);
}

static void serial_isa_unrealize(DeviceState *dev)
{
    ISASerialState *s = ISA_SERIAL(dev);

    isa_unregister_ioport(&s->io);
    serial_unrealize_core(&s->serial);
    memory_region_finalize(&s->io);
}

static void serial_isa_reset(DeviceState *dev)
{
    serial_reset(&ISA_SERIAL(dev)->serial);
}

/*
 * "chardev=ID" names a chardev by its -chardev id (chardevs are not in the
 * composition tree, so a link property cannot find them).
 */
static bool prop_chr_parse(Object *obj, const Property *prop, const char *str,
                           Error **errp)
{
    Chardev **f = (Chardev **)((char *)obj + prop->offset);
    Chardev *chr = *str ? qemu_chr_find(str) : NULL;

    if (*str && !chr) {
        error_setg(errp, "Property '%s.%s' can't find value '%s'",
                   object_get_typename(obj), prop->name, str);
        return false;
    }
    *f = chr;
    return true;
}

static char *prop_chr_print(Object *obj, const Property *prop)
{
    Chardev *chr = *(Chardev **)((char *)obj + prop->offset);

    return g_strdup(chr && chr->label ? chr->label : "");
}

static const PropertyInfo prop_info_chr = {
    .type = "str",
    .desc = "ID of a chardev to use as a backend",
    .parse = prop_chr_parse,
    .print = prop_chr_print,
};

static const Property serial_isa_props[] = {
    DEFINE_PROP_UINT32("iobase", ISASerialState, iobase, 0x3f8),
    DEFINE_PROP_UINT32("irq", ISASerialState, isairq, 4),
    DEFINE_PROP("chardev", ISASerialState, serial.chr, prop_info_chr, Chardev *),
    DEFINE_PROP_UINT32("baudbase", ISASerialState, serial.baudbase, 115200),
    /* Batch output into fewer backend writes (serial.c, serial_tx_out). */
    DEFINE_PROP_BOOL("x-tx-batch", ISASerialState, serial.tx_batching, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void serial_isa_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "16550A UART on PC port I/O";
    dc->user_creatable = true;
    dc->realize = serial_isa_realize;
    dc->unrealize = serial_isa_unrealize;
    dc->reset = serial_isa_reset;
    object_class_set_props(oc, serial_isa_props);
}

static const TypeInfo serial_isa_info = {
    .name = TYPE_ISA_SERIAL,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(ISASerialState),
    .desc = "16550A UART on PC port I/O",
    .class_init = serial_isa_class_init,
};

static void serial_isa_register_types(void)
{
    type_register_static(&serial_isa_info);
}

type_init(serial_isa_register_types)
