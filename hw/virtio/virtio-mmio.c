/*
 * virtio-mmio transport (virtio 1.2 §4.2.2 register layout).  Only the
 * identification registers are live while no device is plugged: a driver
 * reads MagicValue, Version and DeviceID and, seeing 0, leaves the slot
 * alone; everything else reads as zero and ignores writes, as §4.2.2
 * allows for a device that does not exist.
 */
#include "hw/virtio/virtio-mmio.h"
#include "core/log.h"

#define VIRTIO_MMIO_MAGIC_VALUE      0x000
#define VIRTIO_MMIO_VERSION_REG      0x004
#define VIRTIO_MMIO_DEVICE_ID        0x008
#define VIRTIO_MMIO_VENDOR_ID        0x00c
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK    0x064
#define VIRTIO_MMIO_STATUS           0x070
#define VIRTIO_MMIO_CONFIG           0x100

static uint64_t virtio_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOMMIOProxy *p = opaque;

    if (addr >= VIRTIO_MMIO_CONFIG) {
        /* Device-specific configuration: nothing without a device. */
        return 0;
    }
    if (size != 4) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-mmio: %u-byte read of register 0x%"
                      HWADDR_PRIx " (only 32-bit is allowed, §4.2.2.2)\n", size, addr);
        return 0;
    }
    switch (addr) {
    case VIRTIO_MMIO_MAGIC_VALUE:
        return VIRTIO_MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION_REG:
        return VIRTIO_MMIO_VERSION;
    case VIRTIO_MMIO_DEVICE_ID:
        return p->device_id;
    case VIRTIO_MMIO_VENDOR_ID:
        return VIRTIO_MMIO_VENDOR;
    case VIRTIO_MMIO_INTERRUPT_STATUS:
        return p->interrupt_status;
    case VIRTIO_MMIO_STATUS:
        return p->status;
    default:
        return 0;
    }
}

static void virtio_mmio_write(void *opaque, hwaddr addr, uint64_t value, unsigned size)
{
    VirtIOMMIOProxy *p = opaque;

    if (addr >= VIRTIO_MMIO_CONFIG) {
        return;
    }
    if (size != 4) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-mmio: %u-byte write of register 0x%"
                      HWADDR_PRIx " (only 32-bit is allowed, §4.2.2.2)\n", size, addr);
        return;
    }
    switch (addr) {
    case VIRTIO_MMIO_STATUS:
        /* Without a device, only a reset (0) is meaningful (§4.2.3.1). */
        p->status = p->device_id ? (uint32_t)value : 0;
        if (value == 0) {
            p->interrupt_status = 0;
            qemu_irq_lower(p->irq);
        }
        break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        p->interrupt_status &= ~(uint32_t)value;
        qemu_set_irq(p->irq, p->interrupt_status != 0);
        break;
    default:
        if (!p->device_id) {
            qemu_log_mask(LOG_GUEST_ERROR, "virtio-mmio: write to register 0x%"
                          HWADDR_PRIx " of an empty slot\n", addr);
        }
        break;
    }
}

static const MemoryRegionOps virtio_mmio_ops = {
    .read = virtio_mmio_read,
    .write = virtio_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static void virtio_mmio_realize(DeviceState *dev, Error **errp)
{
    VirtIOMMIOProxy *p = VIRTIO_MMIO(dev);

    memory_region_init_io(&p->iomem, OBJECT(dev), &virtio_mmio_ops, p, TYPE_VIRTIO_MMIO,
                          VIRTIO_MMIO_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &p->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(dev), &p->irq);
}

static void virtio_mmio_reset(DeviceState *dev)
{
    VirtIOMMIOProxy *p = VIRTIO_MMIO(dev);

    p->status = 0;
    p->interrupt_status = 0;
    qemu_irq_lower(p->irq);
}

static void virtio_mmio_finalize(Object *obj)
{
    memory_region_finalize(&VIRTIO_MMIO(obj)->iomem);
}

static void virtio_mmio_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "virtio-mmio transport";
    dc->realize = virtio_mmio_realize;
    dc->reset = virtio_mmio_reset;
}

static const TypeInfo virtio_mmio_info = {
    .name = TYPE_VIRTIO_MMIO,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(VirtIOMMIOProxy),
    .desc = "virtio-mmio transport",
    .class_init = virtio_mmio_class_init,
    .instance_finalize = virtio_mmio_finalize,
};

static void virtio_mmio_register_types(void)
{
    type_register_static(&virtio_mmio_info);
}
type_init(virtio_mmio_register_types)
