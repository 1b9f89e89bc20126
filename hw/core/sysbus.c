/*
 * System bus devices: devices whose registers sit at fixed physical
 * addresses chosen by the board.  A device declares its MMIO regions and
 * IRQ outputs (sysbus_init_mmio/irq, usually in instance_init or realize);
 * the machine maps the regions into the system memory container and wires
 * the outputs to interrupt controller inputs.
 */
#include "core/osdep.h"
#include "hw/core/sysbus.h"
#include "hw/core/machine.h"

/* The GPIO group that holds the IRQ outputs (named as QEMU names it, so
 * info qtree shows gpio-out "sysbus-irq" N). */
#define SYSBUS_GPIO_IRQ "sysbus-irq"

static NORETURN PRINTF_FMT(1, 2) void sysbus_die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "%s: sysbus: ", machina_prog_name ? machina_prog_name : "machina");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void sysbus_init_mmio(SysBusDevice *dev, MemoryRegion *mr)
{
    int n = dev->num_mmio;

    if (n >= SYSBUS_MAX_MMIO) {
        sysbus_die("%s: more than %d MMIO regions",
                   object_get_typename(OBJECT(dev)), SYSBUS_MAX_MMIO);
    }
    dev->mmio[n].addr = (hwaddr)-1;
    dev->mmio[n].memory = mr;
    dev->num_mmio++;
}

void sysbus_init_irq(SysBusDevice *dev, qemu_irq *p)
{
    if (dev->num_irq >= SYSBUS_MAX_IRQ) {
        sysbus_die("%s: more than %d IRQ lines",
                   object_get_typename(OBJECT(dev)), SYSBUS_MAX_IRQ);
    }
    qdev_init_gpio_out_named(DEVICE(dev), p, SYSBUS_GPIO_IRQ, 1);
    dev->irqp[dev->num_irq++] = p;
}

static void sysbus_check_mmio(SysBusDevice *dev, int n)
{
    if (n < 0 || n >= dev->num_mmio) {
        sysbus_die("%s has no MMIO region %d (it has %d)",
                   object_get_typename(OBJECT(dev)), n, dev->num_mmio);
    }
}

static void sysbus_mmio_map_common(SysBusDevice *dev, int n, hwaddr addr,
                                   bool may_overlap, int priority)
{
    MemoryRegion *sysmem = get_system_memory();
    MemoryRegion *mr;

    sysbus_check_mmio(dev, n);
    mr = dev->mmio[n].memory;
    if (dev->mmio[n].addr == addr && mr->container == sysmem) {
        return;
    }
    /* Remapping moves the region: take it out of its old place first. */
    if (mr->container == sysmem) {
        memory_region_del_subregion(sysmem, mr);
    }
    dev->mmio[n].addr = addr;
    if (may_overlap) {
        memory_region_add_subregion_overlap(sysmem, addr, mr, priority);
    } else {
        memory_region_add_subregion(sysmem, addr, mr);
    }
}

void sysbus_mmio_map(SysBusDevice *dev, int n, hwaddr addr)
{
    sysbus_mmio_map_common(dev, n, addr, false, 0);
}

void sysbus_mmio_map_overlap(SysBusDevice *dev, int n, hwaddr addr, int priority)
{
    sysbus_mmio_map_common(dev, n, addr, true, priority);
}

MemoryRegion *sysbus_mmio_get_region(SysBusDevice *dev, int n)
{
    sysbus_check_mmio(dev, n);
    return dev->mmio[n].memory;
}

void sysbus_connect_irq(SysBusDevice *dev, int n, qemu_irq irq)
{
    if (n < 0 || n >= dev->num_irq) {
        sysbus_die("%s has no IRQ output %d (it has %d)",
                   object_get_typename(OBJECT(dev)), n, dev->num_irq);
    }
    qdev_connect_gpio_out_named(DEVICE(dev), SYSBUS_GPIO_IRQ, n, irq);
}

DeviceState *sysbus_create_simple(const char *typename, hwaddr addr, qemu_irq irq)
{
    DeviceState *dev = qdev_new(typename);
    SysBusDevice *s;

    if (!object_dynamic_cast(OBJECT(dev), TYPE_SYS_BUS_DEVICE)) {
        sysbus_die("sysbus_create_simple: '%s' is not a sysbus device", typename);
    }
    s = SYS_BUS_DEVICE(dev);
    /* Board code: a device that cannot realize here is fatal for the board
     * (machine init may exit, see machine.h). */
    qdev_realize_and_unref(dev, NULL, &error_fatal);
    if (addr != (hwaddr)-1) {
        sysbus_mmio_map(s, 0, addr);
    }
    if (irq) {
        sysbus_connect_irq(s, 0, irq);
    }
    return dev;
}

static void sysbus_device_init(Object *obj)
{
    SysBusDevice *s = SYS_BUS_DEVICE(obj);

    for (int i = 0; i < SYSBUS_MAX_MMIO; i++) {
        s->mmio[i].addr = (hwaddr)-1;
    }
}

/* Unrealized sysbus devices leave the address space with their regions. */
static void sysbus_device_unparent(Object *obj)
{
    SysBusDevice *s = SYS_BUS_DEVICE(obj);
    ObjectClass *parent = object_class_by_name(TYPE_DEVICE);

    if (parent->unparent) {
        parent->unparent(obj);
    }
    for (int i = 0; i < s->num_mmio; i++) {
        MemoryRegion *mr = s->mmio[i].memory;

        if (mr && mr->container == get_system_memory()) {
            memory_region_del_subregion(get_system_memory(), mr);
            s->mmio[i].addr = (hwaddr)-1;
        }
    }
}

static void sysbus_device_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->bus_type = TYPE_SYSTEM_BUS;
    oc->unparent = sysbus_device_unparent;
}

static const TypeInfo sysbus_device_info = {
    .name = TYPE_SYS_BUS_DEVICE,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(SysBusDevice),
    .abstract = true,
    .instance_init = sysbus_device_init,
    .class_init = sysbus_device_class_init,
};

static void sysbus_register_types(void)
{
    type_register_static(&sysbus_device_info);
}

type_init(sysbus_register_types)
