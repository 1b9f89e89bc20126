/*
 * virtio-mmio transport, Version 2 (virtio 1.2 §4.2.2 register layout).
 *
 * The identification registers answer even without a device (DeviceID 0,
 * §4.2.3.1.1) so a driver skips an empty slot.  With a device on the slot's
 * bus, every register maps onto the transport-neutral virtio core.  Queue
 * size and ring addresses are staged here and handed to the core when the
 * driver writes QueueReady = 1 (§4.2.3.2), which also checks that the rings
 * are in guest RAM.
 */
#include "hw/virtio/virtio-mmio.h"
#include "core/log.h"
#include "core/main-loop.h"

#include <sys/eventfd.h>

static VirtIODevice *mmio_vdev(VirtIOMMIOProxy *p)
{
    return p->bus ? virtio_bus_get_device(p->bus) : NULL;
}

static void mmio_update_irq(VirtIOMMIOProxy *p)
{
    VirtIODevice *vdev = mmio_vdev(p);

    if (p->irqfd_fd >= 0) {
        /* The irqfd holds the line until the guest's EOI; the resampler
         * then raises it again while InterruptStatus is not zero. */
        return;
    }
    qemu_set_irq(p->irq, vdev && vdev->isr != 0);
}

/* The device raised an interrupt: InterruptStatus is vdev->isr. */
static void mmio_notify(void *opaque, uint16_t vector)
{
    VirtIOMMIOProxy *p = opaque;
    VirtIODevice *vdev = mmio_vdev(p);

    if (p->irqfd_fd >= 0) {
        if (vdev && vdev->isr) {
            virtio_irqfd_signal(vdev, p->irqfd_fd);
        }
        return;
    }
    if (vdev) {
        vdev->stats.irqs_plain++;
    }
    mmio_update_irq(p);
}

/* EOI of our (level) interrupt: the kernel lowered the line. */
static void mmio_irqfd_resample(void *opaque)
{
    VirtIOMMIOProxy *p = opaque;
    VirtIODevice *vdev = mmio_vdev(p);
    uint64_t cnt;

    if (read(p->resample_fd, &cnt, sizeof(cnt)) != sizeof(cnt)) {
        return;
    }
    if (vdev && vdev->isr && p->irqfd_fd >= 0) {
        virtio_irqfd_signal(vdev, p->irqfd_fd);
    }
}

/* Hand the interrupt line to an irqfd if whoever wired it can take one. */
static void mmio_irqfd_start(VirtIOMMIOProxy *p)
{
    int fd, rfd;

    if (!p->irqfd || p->irqfd_fd >= 0) {
        return;
    }
    fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    rfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0 || rfd < 0 || !qemu_irq_add_irqfd(p->irq, fd, rfd)) {
        if (fd >= 0) {
            close(fd);
        }
        if (rfd >= 0) {
            close(rfd);
        }
        return;
    }
    /* The plain path's level goes: from now on the irqfd owns the line. */
    qemu_set_irq(p->irq, 0);
    p->irqfd_fd = fd;
    p->resample_fd = rfd;
    event_loop_set_fd_handler(main_loop_get(), rfd, mmio_irqfd_resample, NULL, p);
}

static void mmio_irqfd_stop(VirtIOMMIOProxy *p)
{
    if (p->irqfd_fd < 0) {
        return;
    }
    event_loop_set_fd_handler(main_loop_get(), p->resample_fd, NULL, NULL, NULL);
    qemu_irq_remove_irqfd(p->irq, p->irqfd_fd);
    close(p->irqfd_fd);
    close(p->resample_fd);
    p->irqfd_fd = p->resample_fd = -1;
}

/*
 * A reset must not leave the line asserted by an irqfd whose EOI never
 * comes (the guest is starting over): taking the irqfd out lowers the
 * kernel's level for it (KVM_IRQFD deassign), then a fresh one goes in.
 */
static void mmio_irqfd_restart(VirtIOMMIOProxy *p)
{
    if (p->irqfd_fd >= 0) {
        mmio_irqfd_stop(p);
        mmio_irqfd_start(p);
    }
}

/*
 * QueueNotify as an ioeventfd per ready queue (4-byte write of the queue
 * index, §4.2.2), when the accelerator catches such writes in the kernel.
 */
static void mmio_ioeventfd_start(VirtIOMMIOProxy *p, VirtIODevice *vdev, unsigned n)
{
    int fd;

    if (!virtio_wants_host_notifiers(vdev, p->ioeventfd) ||
        virtio_queue_host_notifier_fd(vdev, n) >= 0) {
        return;
    }
    fd = virtio_queue_host_notifier_start(vdev, n);
    if (fd < 0) {
        qemu_log_mask(LOG_UNIMP, "virtio-mmio: no ioeventfd for queue %u (%s)\n", n,
                      strerror(errno));
        return;
    }
    memory_region_add_eventfd(&p->iomem, VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, n, fd);
}

static void mmio_ioeventfd_stop_all(VirtIOMMIOProxy *p, VirtIODevice *vdev)
{
    for (unsigned n = 0; vdev && n < VIRTIO_QUEUE_MAX; n++) {
        int fd = virtio_queue_host_notifier_fd(vdev, n);

        if (fd >= 0) {
            memory_region_del_eventfd(&p->iomem, VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, n, fd);
            virtio_queue_host_notifier_stop(vdev, n);
        }
    }
}

/* From a dataplane thread: only the irqfd, which the kernel owns. */
static bool mmio_notify_irqfd(void *opaque, uint16_t vector)
{
    VirtIOMMIOProxy *p = opaque;
    VirtIODevice *vdev = mmio_vdev(p);

    if (p->irqfd_fd < 0 || !vdev) {
        return false;
    }
    if (vdev->isr) {
        virtio_irqfd_signal(vdev, p->irqfd_fd);
    }
    return true;
}

static const VirtioTransportOps mmio_transport_ops = {
    .notify = mmio_notify,
    .notify_irqfd = mmio_notify_irqfd,
};

static void mmio_reset_queues(VirtIOMMIOProxy *p, VirtIODevice *vdev)
{
    memset(p->vqs, 0, sizeof(p->vqs));
    for (unsigned i = 0; vdev && i < VIRTIO_QUEUE_MAX; i++) {
        p->vqs[i].num = virtio_queue_get_max_num(vdev, i);
    }
    p->host_features_sel = p->guest_features_sel = p->queue_sel = 0;
}

static uint64_t mmio_read_locked(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOMMIOProxy *p = opaque;
    VirtIODevice *vdev = mmio_vdev(p);
    VirtIOMMIOQueue *q = &p->vqs[p->queue_sel % VIRTIO_QUEUE_MAX];

    if (addr >= VIRTIO_MMIO_CONFIG) {
        /* Device-specific configuration: any width (§4.2.2.2). */
        return vdev ? virtio_config_read(vdev, addr - VIRTIO_MMIO_CONFIG, size) : 0;
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
        return vdev ? vdev->device_id : 0;
    case VIRTIO_MMIO_VENDOR_ID:
        return VIRTIO_MMIO_VENDOR;
    }
    if (!vdev) {
        return 0;
    }
    switch (addr) {
    case VIRTIO_MMIO_DEVICE_FEATURES:
        return virtio_get_host_features_word(vdev, p->host_features_sel);
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
        return virtio_queue_get_max_num(vdev, p->queue_sel);
    case VIRTIO_MMIO_QUEUE_NUM:
        return virtio_queue_get_max_num(vdev, p->queue_sel) ? q->num : 0;
    case VIRTIO_MMIO_QUEUE_READY:
        return virtio_queue_get_ready(vdev, p->queue_sel);
    case VIRTIO_MMIO_INTERRUPT_STATUS:
        return vdev->isr;
    case VIRTIO_MMIO_STATUS:
        return vdev->status;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
        return (uint32_t)q->desc;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        return q->desc >> 32;
    case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
        return (uint32_t)q->avail;
    case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
        return q->avail >> 32;
    case VIRTIO_MMIO_QUEUE_USED_LOW:
        return (uint32_t)q->used;
    case VIRTIO_MMIO_QUEUE_USED_HIGH:
        return q->used >> 32;
    case VIRTIO_MMIO_SHM_LEN_LOW:
    case VIRTIO_MMIO_SHM_LEN_HIGH:
        /* No shared memory regions: length all ones means "none" (§4.2.2). */
        return 0xffffffff;
    case VIRTIO_MMIO_SHM_BASE_LOW:
    case VIRTIO_MMIO_SHM_BASE_HIGH:
        return 0xffffffff;
    case VIRTIO_MMIO_CONFIG_GENERATION:
        return vdev->config_generation;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-mmio: read of write-only or unknown "
                      "register 0x%" HWADDR_PRIx "\n", addr);
        return 0;
    }
}

static void mmio_queue_ready(VirtIOMMIOProxy *p, VirtIODevice *vdev, uint32_t value)
{
    VirtIOMMIOQueue *q = &p->vqs[p->queue_sel % VIRTIO_QUEUE_MAX];

    if (!virtio_queue_get_max_num(vdev, p->queue_sel)) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-mmio: QueueReady for absent queue %u\n",
                      p->queue_sel);
        return;
    }
    if (value) {
        virtio_queue_set_num(vdev, p->queue_sel, q->num);
        if (virtio_queue_get_num(vdev, p->queue_sel) != q->num) {
            virtio_error(vdev, "queue %u: size %u not acceptable", p->queue_sel, q->num);
            return;
        }
        virtio_queue_set_addr(vdev, p->queue_sel, q->desc, q->avail, q->used);
        virtio_queue_set_ready(vdev, p->queue_sel, true);
        if (virtio_queue_get_ready(vdev, p->queue_sel)) {
            mmio_ioeventfd_start(p, vdev, p->queue_sel);
        }
    } else {
        virtio_queue_set_ready(vdev, p->queue_sel, false);
    }
}

static void mmio_write_locked(void *opaque, hwaddr addr, uint64_t value, unsigned size)
{
    VirtIOMMIOProxy *p = opaque;
    VirtIODevice *vdev = mmio_vdev(p);
    VirtIOMMIOQueue *q = &p->vqs[p->queue_sel % VIRTIO_QUEUE_MAX];

    if (!vdev) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-mmio: write to register 0x%"
                      HWADDR_PRIx " of an empty slot\n", addr);
        return;
    }
    if (addr >= VIRTIO_MMIO_CONFIG) {
        virtio_config_write(vdev, addr - VIRTIO_MMIO_CONFIG, value, size);
        return;
    }
    if (size != 4) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-mmio: %u-byte write of register 0x%"
                      HWADDR_PRIx " (only 32-bit is allowed, §4.2.2.2)\n", size, addr);
        return;
    }
    switch (addr) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
        p->host_features_sel = value;
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        virtio_set_guest_features_word(vdev, p->guest_features_sel, value);
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
        p->guest_features_sel = value;
        break;
    case VIRTIO_MMIO_QUEUE_SEL:
        if (value >= VIRTIO_QUEUE_MAX) {
            qemu_log_mask(LOG_GUEST_ERROR, "virtio-mmio: QueueSel %" PRIu64
                          " out of range\n", value);
        }
        p->queue_sel = value;
        break;
    case VIRTIO_MMIO_QUEUE_NUM:
        q->num = value;
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        mmio_queue_ready(p, vdev, value);
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        virtio_queue_notify(vdev, value & 0xffff);
        break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        vdev->isr &= ~value;
        mmio_update_irq(p);
        break;
    case VIRTIO_MMIO_STATUS:
        virtio_set_status(vdev, value & 0xff);
        if (value == 0) {
            mmio_ioeventfd_stop_all(p, vdev);
            mmio_irqfd_restart(p);
            mmio_reset_queues(p, vdev);
            mmio_update_irq(p);
        }
        break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
        q->desc = deposit64(q->desc, 0, 32, value);
        break;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        q->desc = deposit64(q->desc, 32, 32, value);
        break;
    case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
        q->avail = deposit64(q->avail, 0, 32, value);
        break;
    case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
        q->avail = deposit64(q->avail, 32, 32, value);
        break;
    case VIRTIO_MMIO_QUEUE_USED_LOW:
        q->used = deposit64(q->used, 0, 32, value);
        break;
    case VIRTIO_MMIO_QUEUE_USED_HIGH:
        q->used = deposit64(q->used, 32, 32, value);
        break;
    case VIRTIO_MMIO_SHM_SEL:
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-mmio: write to read-only or unknown "
                      "register 0x%" HWADDR_PRIx "\n", addr);
        break;
    }
}

/*
 * Register accesses run in the vCPU thread under the BQL; a device served
 * by an iothread is also locked against its dataplane (dp_lock, virtio.h).
 */
static uint64_t mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIODevice *vdev = mmio_vdev(opaque);
    bool locked = virtio_dp_lock(vdev);
    uint64_t v = mmio_read_locked(opaque, addr, size);

    virtio_dp_unlock(vdev, locked);
    return v;
}

static void mmio_write(void *opaque, hwaddr addr, uint64_t value, unsigned size)
{
    VirtIODevice *vdev = mmio_vdev(opaque);
    bool locked = virtio_dp_lock(vdev);

    mmio_write_locked(opaque, addr, value, size);
    virtio_dp_unlock(vdev, locked);
}

static const MemoryRegionOps virtio_mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static bool mmio_plugged(BusState *bus, VirtIODevice *vdev, Error **errp)
{
    VirtIOMMIOProxy *p = VIRTIO_MMIO(bus->parent);

    /* Kicks reach an iothread only through ioeventfds (as QEMU refuses). */
    if (vdev->notify_loop && !p->ioeventfd) {
        error_setg(errp, "an iothread needs ioeventfd, which is off");
        return false;
    }
    virtio_bus_plug(vdev, &mmio_transport_ops, p);
    mmio_reset_queues(p, vdev);
    mmio_irqfd_start(p);
    return true;
}

static void mmio_unplugged(BusState *bus, VirtIODevice *vdev)
{
    VirtIOMMIOProxy *p = VIRTIO_MMIO(bus->parent);

    bool locked = virtio_dp_lock(vdev);

    mmio_ioeventfd_stop_all(p, vdev);
    mmio_irqfd_stop(p);
    vdev->isr = 0;
    virtio_dp_unlock(vdev, locked);
    qemu_irq_lower(p->irq);
}

static void virtio_mmio_realize(DeviceState *dev, Error **errp)
{
    VirtIOMMIOProxy *p = VIRTIO_MMIO(dev);
    VirtioBusState *bus;

    memory_region_init_io(&p->iomem, OBJECT(dev), &virtio_mmio_ops, p, TYPE_VIRTIO_MMIO,
                          VIRTIO_MMIO_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &p->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(dev), &p->irq);
    p->bus = qbus_new(TYPE_VIRTIO_MMIO_BUS, dev, NULL);
    bus = VIRTIO_BUS(p->bus);
    bus->plugged = mmio_plugged;
    bus->unplugged = mmio_unplugged;
}

static void virtio_mmio_reset(DeviceState *dev)
{
    VirtIOMMIOProxy *p = VIRTIO_MMIO(dev);
    VirtIODevice *vdev = mmio_vdev(p);

    if (vdev) {
        bool locked = virtio_dp_lock(vdev);

        mmio_ioeventfd_stop_all(p, vdev);
        virtio_reset(vdev);
        mmio_irqfd_restart(p);
        virtio_dp_unlock(vdev, locked);
    }
    mmio_reset_queues(p, vdev);
    qemu_irq_lower(p->irq);
}

static void virtio_mmio_init(Object *obj)
{
    VirtIOMMIOProxy *p = VIRTIO_MMIO(obj);

    p->irqfd_fd = p->resample_fd = -1;
}

static void virtio_mmio_finalize(Object *obj)
{
    mmio_irqfd_stop(VIRTIO_MMIO(obj));
    memory_region_finalize(&VIRTIO_MMIO(obj)->iomem);
}

static const Property virtio_mmio_props[] = {
    DEFINE_PROP_BOOL("ioeventfd", VirtIOMMIOProxy, ioeventfd, true),
    DEFINE_PROP_BOOL("x-irqfd", VirtIOMMIOProxy, irqfd, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_mmio_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "virtio-mmio transport";
    dc->realize = virtio_mmio_realize;
    dc->reset = virtio_mmio_reset;
    object_class_set_props(klass, virtio_mmio_props);
}

static const TypeInfo virtio_mmio_info = {
    .name = TYPE_VIRTIO_MMIO,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(VirtIOMMIOProxy),
    .desc = "virtio-mmio transport",
    .class_init = virtio_mmio_class_init,
    .instance_init = virtio_mmio_init,
    .instance_finalize = virtio_mmio_finalize,
};

static const TypeInfo virtio_mmio_bus_info = {
    .name = TYPE_VIRTIO_MMIO_BUS,
    .parent = TYPE_VIRTIO_BUS,
};

static void virtio_mmio_register_types(void)
{
    type_register_static(&virtio_mmio_info);
    type_register_static(&virtio_mmio_bus_info);
}
type_init(virtio_mmio_register_types)
