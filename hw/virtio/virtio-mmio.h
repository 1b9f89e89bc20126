/*
 * The virtio-over-MMIO transport (virtio 1.2 §4.2), modern layout
 * (Version 2).  Until virtio devices exist, a slot holds no device: it
 * answers MagicValue "virt", Version 2 and DeviceID 0, which tells a driver
 * to skip it (§4.2.3.1.1).
 */
#ifndef HW_VIRTIO_VIRTIO_MMIO_H
#define HW_VIRTIO_VIRTIO_MMIO_H

#include "hw/core/sysbus.h"

#define TYPE_VIRTIO_MMIO "virtio-mmio"

#define VIRTIO_MMIO_MAGIC 0x74726976     /* "virt", little-endian */
#define VIRTIO_MMIO_VERSION 2
#define VIRTIO_MMIO_VENDOR 0x554d4551    /* "QEMU", what guests know from QEMU */
#define VIRTIO_MMIO_SIZE 0x200

typedef struct VirtIOMMIOProxy {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    qemu_irq irq;
    uint32_t device_id;         /* 0: no device behind this slot */
    uint32_t status;
    uint32_t interrupt_status;
} VirtIOMMIOProxy;

#define VIRTIO_MMIO(obj) OBJECT_CHECK(VirtIOMMIOProxy, (obj), TYPE_VIRTIO_MMIO)

#endif
