/*
 * The virtio-over-MMIO transport (virtio 1.2 §4.2), modern layout
 * (Version 2), at the register offsets QEMU uses.  Each transport owns a
 * virtio-mmio-bus that takes one virtio device (-device virtio-blk-device
 * plugs into the newest free one, as QEMU picks).  A slot without a device
 * answers DeviceID 0, which tells a driver to skip it (§4.2.3.1.1).
 */
#ifndef HW_VIRTIO_VIRTIO_MMIO_H
#define HW_VIRTIO_VIRTIO_MMIO_H

#include "hw/core/sysbus.h"
#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_MMIO "virtio-mmio"
#define TYPE_VIRTIO_MMIO_BUS "virtio-mmio-bus"

#define VIRTIO_MMIO_MAGIC 0x74726976     /* "virt", little-endian */
#define VIRTIO_MMIO_VERSION 2
#define VIRTIO_MMIO_VENDOR 0x554d4551    /* "QEMU", what guests know from QEMU */
#define VIRTIO_MMIO_SIZE 0x200

/* Register offsets (§4.2.2). */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000
#define VIRTIO_MMIO_VERSION_REG 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW 0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH 0x0a4
#define VIRTIO_MMIO_SHM_SEL 0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW 0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH 0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW 0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH 0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100

/* Queue registers as the driver wrote them, applied at QueueReady. */
typedef struct VirtIOMMIOQueue {
    uint32_t num;
    uint64_t desc, avail, used;
} VirtIOMMIOQueue;

typedef struct VirtIOMMIOProxy {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    qemu_irq irq;
    BusState *bus;                  /* virtio-mmio-bus: the slot */
    uint32_t host_features_sel;
    uint32_t guest_features_sel;
    uint32_t queue_sel;
    VirtIOMMIOQueue vqs[VIRTIO_QUEUE_MAX];
    bool ioeventfd;                 /* property: kicks by ioeventfd when offloaded */
    bool irqfd;                     /* property x-irqfd: interrupts by irqfd */
    int irqfd_fd, resample_fd;      /* -1 while the line is raised the plain way */
} VirtIOMMIOProxy;

#define VIRTIO_MMIO(obj) OBJECT_CHECK(VirtIOMMIOProxy, (obj), TYPE_VIRTIO_MMIO)

#endif
