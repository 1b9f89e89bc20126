/*
 * virtio over PCI, modern interface only (virtio 1.2 §4.1): vendor 0x1af4,
 * device 0x1040 + device ID, the configuration structures located by
 * vendor-specific capabilities (§4.1.4): common, ISR, device and notify
 * regions in a 64-bit memory BAR (BAR 4), MSI-X in BAR 1, and the PCI
 * configuration access capability (§4.1.4.9).
 *
 * virtio-blk-pci and friends are a PCI function that owns a virtio-pci-bus
 * with the transport-neutral device (virtio-blk-device, ...) on it.  The
 * device's properties are offered on the PCI function too (drive=,
 * serial=, ...) and forwarded to it, so -device virtio-blk-pci,drive=d0
 * works as in QEMU.
 */
#include "hw/virtio/virtio.h"
#include "core/log.h"
#include "hw/pci/pci.h"

#include <sys/eventfd.h>

#define TYPE_VIRTIO_PCI "virtio-pci"
#define TYPE_VIRTIO_PCI_BUS "virtio-pci-bus"

#define PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_DEVICE_ID_VIRTIO_MODERN_BASE 0x1040
#define PCI_SUBDEVICE_ID_QEMU 0x1100

/* §4.1.4 capability types */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG 5

#define MODERN_BAR 4
#define MSIX_BAR 1
#define REGION_SIZE 0x1000
#define COMMON_OFF 0x0000
#define ISR_OFF 0x1000
#define DEVICE_OFF 0x2000
#define NOTIFY_OFF 0x3000
#define NOTIFY_MULTIPLIER 4

/* §4.1.4.3 common configuration layout */
#define CC_DFSELECT 0
#define CC_DF 4
#define CC_GFSELECT 8
#define CC_GF 12
#define CC_MSIX 16
#define CC_NUMQ 18
#define CC_STATUS 20
#define CC_CFGGEN 21
#define CC_Q_SELECT 22
#define CC_Q_SIZE 24
#define CC_Q_MSIX 26
#define CC_Q_ENABLE 28
#define CC_Q_NOFF 30
#define CC_Q_DESCLO 32
#define CC_Q_DESCHI 36
#define CC_Q_AVAILLO 40
#define CC_Q_AVAILHI 44
#define CC_Q_USEDLO 48
#define CC_Q_USEDHI 52

typedef struct VirtIOPCIQueue {
    uint16_t num;
    uint64_t desc, avail, used;
} VirtIOPCIQueue;

typedef struct VirtIOPCIProxy {
    PCIDevice parent_obj;
    VirtIODevice *vdev;            /* the embedded device (a composition child) */
    BusState *bus;
    MemoryRegion modern_bar, common, isr, device, notify, msix_bar;
    uint32_t dfselect, gfselect;
    uint16_t queue_sel;
    uint32_t nvectors;
    uint8_t pci_cfg_cap;
    VirtIOPCIQueue vqs[VIRTIO_QUEUE_MAX];
    bool ioeventfd;                /* property: kicks by ioeventfd when offloaded */
    bool irqfd;                    /* property x-irqfd: MSI-X vectors by irqfd */
    int *vector_fds;               /* nvectors irqfds, NULL: plain MSI-X writes */
} VirtIOPCIProxy;

typedef struct VirtioPCIClass {
    PCIDeviceClass parent_class;
    const char *vdev_type;
    Property *fwd_props;
} VirtioPCIClass;

#define VIRTIO_PCI(obj) OBJECT_CHECK(VirtIOPCIProxy, (obj), TYPE_VIRTIO_PCI)
#define VIRTIO_PCI_GET_CLASS(obj) OBJECT_GET_CLASS(VirtioPCIClass, (obj), TYPE_VIRTIO_PCI)

/* Interrupts */

static void vpci_notify(void *opaque, uint16_t vector)
{
    VirtIOPCIProxy *p = opaque;
    PCIDevice *d = PCI_DEVICE(p);

    if (msix_enabled(d)) {
        if (vector == VIRTIO_NO_VECTOR) {
            return;
        }
        if (p->vector_fds && vector < p->nvectors && msix_vector_irqfd_active(d, vector)) {
            virtio_irqfd_signal(p->vdev, p->vector_fds[vector]);
        } else {
            /* Masked vectors land in the PBA; unmasking sends them. */
            p->vdev->stats.irqs_plain++;
            msix_notify(d, vector);
        }
        return;
    }
    if (p->vdev->isr) {
        p->vdev->stats.irqs_plain++;
    }
    pci_set_irq(d, p->vdev->isr != 0);
}

/* An irqfd per MSI-X vector, if the bus can route MSIs (KVM on pc). */
static void vpci_irqfds_init(VirtIOPCIProxy *p)
{
    PCIDevice *d = PCI_DEVICE(p);

    if (!p->irqfd || !p->nvectors) {
        return;
    }
    p->vector_fds = g_new(int, p->nvectors);
    for (unsigned v = 0; v < p->nvectors; v++) {
        p->vector_fds[v] = -1;
    }
    for (unsigned v = 0; v < p->nvectors; v++) {
        p->vector_fds[v] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (p->vector_fds[v] < 0 || !msix_vector_set_irqfd(d, v, p->vector_fds[v])) {
            break;
        }
        if (v + 1 == p->nvectors) {
            return;
        }
    }
    /* No routes here (or no fds): every vector takes the plain path. */
    for (unsigned v = 0; v < p->nvectors; v++) {
        if (p->vector_fds[v] >= 0) {
            msix_vector_set_irqfd(d, v, -1);
            close(p->vector_fds[v]);
        }
    }
    g_free(p->vector_fds);
    p->vector_fds = NULL;
}

static void vpci_irqfds_cleanup(VirtIOPCIProxy *p)
{
    for (unsigned v = 0; p->vector_fds && v < p->nvectors; v++) {
        msix_vector_set_irqfd(PCI_DEVICE(p), v, -1);
        close(p->vector_fds[v]);
    }
    g_free(p->vector_fds);
    p->vector_fds = NULL;
}

/* Queue notify as an ioeventfd: the 16-bit write of the queue index that
 * §4.1.4.4 describes, at the queue's notify address. */
static void vpci_ioeventfd_start(VirtIOPCIProxy *p, unsigned q)
{
    int fd;

    if (!virtio_wants_host_notifiers(p->vdev, p->ioeventfd) ||
        virtio_queue_host_notifier_fd(p->vdev, q) >= 0) {
        return;
    }
    fd = virtio_queue_host_notifier_start(p->vdev, q);
    if (fd < 0) {
        qemu_log_mask(LOG_UNIMP, "virtio-pci: no ioeventfd for queue %u (%s)\n", q,
                      strerror(errno));
        return;
    }
    memory_region_add_eventfd(&p->notify, q * NOTIFY_MULTIPLIER, 2, true, q, fd);
}

static void vpci_ioeventfd_stop_all(VirtIOPCIProxy *p)
{
    for (unsigned q = 0; p->vdev && q < VIRTIO_QUEUE_MAX; q++) {
        int fd = virtio_queue_host_notifier_fd(p->vdev, q);

        if (fd >= 0) {
            memory_region_del_eventfd(&p->notify, q * NOTIFY_MULTIPLIER, 2, true, q, fd);
            virtio_queue_host_notifier_stop(p->vdev, q);
        }
    }
}

/*
 * From a dataplane thread: only a vector bound to an irqfd (KVM's MSI
 * route), which needs no device-model state; INTx and plain MSI-X writes
 * go through the main loop (virtio_raise).
 */
static bool vpci_notify_irqfd(void *opaque, uint16_t vector)
{
    VirtIOPCIProxy *p = opaque;
    PCIDevice *d = PCI_DEVICE(p);

    if (!p->vector_fds || vector >= p->nvectors || !msix_enabled(d) ||
        !msix_vector_irqfd_active(d, vector)) {
        return false;
    }
    virtio_irqfd_signal(p->vdev, p->vector_fds[vector]);
    return true;
}

static const VirtioTransportOps vpci_transport_ops = {
    .notify = vpci_notify,
    .notify_irqfd = vpci_notify_irqfd,
};

static void vpci_reset_queues(VirtIOPCIProxy *p)
{
    memset(p->vqs, 0, sizeof(p->vqs));
    for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        p->vqs[i].num = virtio_queue_get_max_num(p->vdev, i);
    }
    p->dfselect = p->gfselect = p->queue_sel = 0;
}

/* Common configuration (§4.1.4.3) */

static uint64_t common_read_locked(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    VirtIODevice *vdev = p->vdev;
    unsigned q = p->queue_sel;
    VirtIOPCIQueue *vq = &p->vqs[q % VIRTIO_QUEUE_MAX];
    bool exists = virtio_queue_get_max_num(vdev, q) != 0;

    switch (addr) {
    case CC_DFSELECT:
        return p->dfselect;
    case CC_DF:
        return virtio_get_host_features_word(vdev, p->dfselect);
    case CC_GFSELECT:
        return p->gfselect;
    case CC_GF:
        return p->gfselect > 1 ? 0 : (uint32_t)(vdev->guest_features >> (32 * p->gfselect));
    case CC_MSIX:
        return vdev->config_vector;
    case CC_NUMQ:
        return vdev->num_queues;
    case CC_STATUS:
        return vdev->status;
    case CC_CFGGEN:
        return vdev->config_generation & 0xff;
    case CC_Q_SELECT:
        return p->queue_sel;
    case CC_Q_SIZE:
        return exists ? vq->num : 0;
    case CC_Q_MSIX:
        return exists ? virtio_queue_get_vector(vdev, q) : VIRTIO_NO_VECTOR;
    case CC_Q_ENABLE:
        return virtio_queue_get_ready(vdev, q);
    case CC_Q_NOFF:
        return q;                  /* notify at NOTIFY_OFF + q * multiplier */
    case CC_Q_DESCLO:
        return (uint32_t)vq->desc;
    case CC_Q_DESCHI:
        return vq->desc >> 32;
    case CC_Q_AVAILLO:
        return (uint32_t)vq->avail;
    case CC_Q_AVAILHI:
        return vq->avail >> 32;
    case CC_Q_USEDLO:
        return (uint32_t)vq->used;
    case CC_Q_USEDHI:
        return vq->used >> 32;
    default:
        return 0;
    }
}

static uint16_t vector_ok(VirtIOPCIProxy *p, uint16_t v)
{
    /* §4.1.5.1.2: a vector the device cannot use reads back as NO_VECTOR. */
    return v < p->nvectors ? v : VIRTIO_NO_VECTOR;
}

static void common_write_locked(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    VirtIODevice *vdev = p->vdev;
    unsigned q = p->queue_sel;
    VirtIOPCIQueue *vq = &p->vqs[q % VIRTIO_QUEUE_MAX];

    switch (addr) {
    case CC_DFSELECT:
        p->dfselect = val;
        break;
    case CC_GFSELECT:
        p->gfselect = val;
        break;
    case CC_GF:
        virtio_set_guest_features_word(vdev, p->gfselect, val);
        break;
    case CC_MSIX:
        vdev->config_vector = vector_ok(p, val);
        break;
    case CC_STATUS:
        virtio_set_status(vdev, val & 0xff);
        if ((val & 0xff) == 0) {
            vpci_ioeventfd_stop_all(p);
            vpci_reset_queues(p);
            pci_set_irq(PCI_DEVICE(p), 0);
        }
        break;
    case CC_Q_SELECT:
        p->queue_sel = val;
        break;
    case CC_Q_SIZE:
        vq->num = val;
        break;
    case CC_Q_MSIX:
        virtio_queue_set_vector(vdev, q, vector_ok(p, val));
        break;
    case CC_Q_ENABLE:
        if (!virtio_queue_get_max_num(vdev, q)) {
            qemu_log_mask(LOG_GUEST_ERROR, "virtio-pci: enabling absent queue %u\n", q);
            break;
        }
        if (val == 1) {
            virtio_queue_set_num(vdev, q, vq->num);
            if (virtio_queue_get_num(vdev, q) != vq->num) {
                virtio_error(vdev, "queue %u: size %u not acceptable", q, vq->num);
                break;
            }
            virtio_queue_set_addr(vdev, q, vq->desc, vq->avail, vq->used);
            virtio_queue_set_ready(vdev, q, true);
            if (virtio_queue_get_ready(vdev, q)) {
                vpci_ioeventfd_start(p, q);
            }
        } else {
            /* §4.1.4.3.2: the driver MUST NOT write 0 to queue_enable. */
            qemu_log_mask(LOG_GUEST_ERROR, "virtio-pci: queue_enable written with %"
                          PRIu64 "\n", val);
        }
        break;
    case CC_Q_DESCLO:
        vq->desc = deposit64(vq->desc, 0, 32, val);
        break;
    case CC_Q_DESCHI:
        vq->desc = deposit64(vq->desc, 32, 32, val);
        break;
    case CC_Q_AVAILLO:
        vq->avail = deposit64(vq->avail, 0, 32, val);
        break;
    case CC_Q_AVAILHI:
        vq->avail = deposit64(vq->avail, 32, 32, val);
        break;
    case CC_Q_USEDLO:
        vq->used = deposit64(vq->used, 0, 32, val);
        break;
    case CC_Q_USEDHI:
        vq->used = deposit64(vq->used, 32, 32, val);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-pci: write to read-only common config "
                      "field 0x%" HWADDR_PRIx "\n", addr);
        break;
    }
}

/*
 * Register accesses run in the vCPU thread under the BQL; a device served
 * by an iothread is also locked against its dataplane (dp_lock, virtio.h).
 */
static uint64_t common_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIODevice *vdev = ((VirtIOPCIProxy *)opaque)->vdev;
    bool locked = virtio_dp_lock(vdev);
    uint64_t v = common_read_locked(opaque, addr, size);

    virtio_dp_unlock(vdev, locked);
    return v;
}

static void common_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VirtIODevice *vdev = ((VirtIOPCIProxy *)opaque)->vdev;
    bool locked = virtio_dp_lock(vdev);

    common_write_locked(opaque, addr, val, size);
    virtio_dp_unlock(vdev, locked);
}

static const MemoryRegionOps common_ops = {
    .read = common_read,
    .write = common_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 1, .max_access_size = 4},
};

/* ISR (§4.1.4.5): reading clears it and the INTx line. */
static uint64_t isr_read_locked(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    uint8_t isr = p->vdev->isr;

    if (addr != 0) {
        return 0;
    }
    p->vdev->isr = 0;
    pci_set_irq(PCI_DEVICE(p), 0);
    return isr;
}

static void isr_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
}

static uint64_t isr_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIODevice *vdev = ((VirtIOPCIProxy *)opaque)->vdev;
    bool locked = virtio_dp_lock(vdev);
    uint64_t v = isr_read_locked(opaque, addr, size);

    virtio_dp_unlock(vdev, locked);
    return v;
}

static const MemoryRegionOps isr_ops = {
    .read = isr_read,
    .write = isr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 1, .max_access_size = 4},
};

static uint64_t device_read_locked(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    return virtio_config_read(p->vdev, addr, size);
}

static void device_write_locked(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    virtio_config_write(p->vdev, addr, val, size);
}

static uint64_t device_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIODevice *vdev = ((VirtIOPCIProxy *)opaque)->vdev;
    bool locked = virtio_dp_lock(vdev);
    uint64_t v = device_read_locked(opaque, addr, size);

    virtio_dp_unlock(vdev, locked);
    return v;
}

static void device_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VirtIODevice *vdev = ((VirtIOPCIProxy *)opaque)->vdev;
    bool locked = virtio_dp_lock(vdev);

    device_write_locked(opaque, addr, val, size);
    virtio_dp_unlock(vdev, locked);
}

static const MemoryRegionOps device_ops = {
    .read = device_read,
    .write = device_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 1, .max_access_size = 4},
};

static uint64_t notify_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void notify_write_locked(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    virtio_queue_notify(p->vdev, addr / NOTIFY_MULTIPLIER);
}

static void notify_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VirtIODevice *vdev = ((VirtIOPCIProxy *)opaque)->vdev;
    bool locked = virtio_dp_lock(vdev);

    notify_write_locked(opaque, addr, val, size);
    virtio_dp_unlock(vdev, locked);
}

static const MemoryRegionOps notify_ops = {
    .read = notify_read,
    .write = notify_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 1, .max_access_size = 4},
};

/* Capabilities (§4.1.4: struct virtio_pci_cap). */
static uint8_t vpci_add_cap(VirtIOPCIProxy *p, uint8_t type, uint8_t bar, uint32_t off,
                            uint32_t len, uint8_t cap_len, Error **errp)
{
    PCIDevice *d = PCI_DEVICE(p);
    uint8_t c = pci_add_capability(d, PCI_CAP_ID_VNDR, 0, cap_len, errp);

    if (!c) {
        return 0;
    }
    d->config[c + 2] = cap_len;
    d->config[c + 3] = type;
    d->config[c + 4] = bar;
    pci_set_long(d->config + c + 8, off);
    pci_set_long(d->config + c + 12, len);
    return c;
}

static bool vpci_plugged(BusState *bus, VirtIODevice *vdev, Error **errp)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(bus->parent);
    PCIDevice *d = PCI_DEVICE(p);
    uint8_t c;
    uint16_t class_id;

    /* Kicks reach an iothread only through ioeventfds (as QEMU refuses). */
    if (vdev->notify_loop && !p->ioeventfd) {
        error_setg(errp, "an iothread needs ioeventfd, which is off");
        return false;
    }
    p->vdev = vdev;
    virtio_bus_plug(vdev, &vpci_transport_ops, p);
    vdev->dma_as = pci_get_address_space(d);

    /* §4.1.2: modern device IDs, and a class for each kind of device. */
    pci_set_word(d->config + PCI_VENDOR_ID, PCI_VENDOR_ID_REDHAT_QUMRANET);
    pci_set_word(d->config + PCI_DEVICE_ID, PCI_DEVICE_ID_VIRTIO_MODERN_BASE + vdev->device_id);
    pci_set_word(d->config + PCI_SUBSYSTEM_VENDOR_ID, PCI_VENDOR_ID_REDHAT_QUMRANET);
    pci_set_word(d->config + PCI_SUBSYSTEM_ID, PCI_SUBDEVICE_ID_QEMU);
    d->config[PCI_REVISION_ID] = 1;
    switch (vdev->device_id) {
    case VIRTIO_ID_BLOCK:
        class_id = 0x0100;          /* SCSI storage, as QEMU reports virtio-blk */
        break;
    case VIRTIO_ID_NET:
        class_id = 0x0200;
        break;
    case VIRTIO_ID_CONSOLE:
        class_id = 0x0780;
        break;
    default:
        class_id = 0x00ff;
        break;
    }
    pci_set_word(d->config + PCI_CLASS_DEVICE, class_id);

    memory_region_init(&p->modern_bar, OBJECT(p), "virtio-pci", 4 * REGION_SIZE);
    memory_region_init_io(&p->common, OBJECT(p), &common_ops, p, "virtio-pci-common",
                          REGION_SIZE);
    memory_region_init_io(&p->isr, OBJECT(p), &isr_ops, p, "virtio-pci-isr", REGION_SIZE);
    memory_region_init_io(&p->device, OBJECT(p), &device_ops, p, "virtio-pci-device",
                          REGION_SIZE);
    memory_region_init_io(&p->notify, OBJECT(p), &notify_ops, p, "virtio-pci-notify",
                          REGION_SIZE);
    memory_region_add_subregion(&p->modern_bar, COMMON_OFF, &p->common);
    memory_region_add_subregion(&p->modern_bar, ISR_OFF, &p->isr);
    memory_region_add_subregion(&p->modern_bar, DEVICE_OFF, &p->device);
    memory_region_add_subregion(&p->modern_bar, NOTIFY_OFF, &p->notify);
    pci_register_bar(d, MODERN_BAR, PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &p->modern_bar);

    if (!p->nvectors) {
        p->nvectors = vdev->num_queues + 1;
    }
    if (p->nvectors > 1) {
        memory_region_init(&p->msix_bar, OBJECT(p), "virtio-pci-msix", 4 * KiB);
        pci_register_bar(d, MSIX_BAR, 0, &p->msix_bar);
        if (!msix_init(d, p->nvectors, &p->msix_bar, 0, 0x800, errp)) {
            return false;
        }
        vpci_irqfds_init(p);
    } else {
        p->nvectors = 0;
    }
    if (!vpci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, MODERN_BAR, COMMON_OFF, REGION_SIZE,
                      16, errp) ||
        !vpci_add_cap(p, VIRTIO_PCI_CAP_ISR_CFG, MODERN_BAR, ISR_OFF, REGION_SIZE, 16,
                      errp)) {
        return false;
    }
    if (vdev->config_len &&
        !vpci_add_cap(p, VIRTIO_PCI_CAP_DEVICE_CFG, MODERN_BAR, DEVICE_OFF, REGION_SIZE,
                      16, errp)) {
        return false;
    }
    c = vpci_add_cap(p, VIRTIO_PCI_CAP_NOTIFY_CFG, MODERN_BAR, NOTIFY_OFF,
                     vdev->num_queues * NOTIFY_MULTIPLIER, 20, errp);
    if (!c) {
        return false;
    }
    pci_set_long(d->config + c + 16, NOTIFY_MULTIPLIER);
    /* §4.1.4.9: a window into the BARs through configuration space. */
    p->pci_cfg_cap = vpci_add_cap(p, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 0, 20, errp);
    if (!p->pci_cfg_cap) {
        return false;
    }
    memset(d->wmask + p->pci_cfg_cap + 4, 0xff, 1);        /* bar */
    memset(d->wmask + p->pci_cfg_cap + 8, 0xff, 12);       /* offset, length, data */
    vpci_reset_queues(p);
    return true;
}

static void vpci_unplugged(BusState *bus, VirtIODevice *vdev)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(bus->parent);
    bool locked = virtio_dp_lock(vdev);

    vpci_ioeventfd_stop_all(p);
    virtio_dp_unlock(vdev, locked);
    vpci_irqfds_cleanup(p);
    pci_set_irq(PCI_DEVICE(p), 0);
}

/* The PCI configuration access capability: pci_cfg_data reaches the BAR. */
static bool vpci_cfg_window(VirtIOPCIProxy *p, MemoryRegion **mr, uint32_t *off,
                            uint32_t *len)
{
    PCIDevice *d = PCI_DEVICE(p);
    uint8_t c = p->pci_cfg_cap, bar = d->config[c + 4];

    *off = pci_get_long(d->config + c + 8);
    *len = pci_get_long(d->config + c + 12);
    if (bar != MODERN_BAR || (*len != 1 && *len != 2 && *len != 4) ||
        *off % *len || *off + *len > 4 * REGION_SIZE) {
        return false;
    }
    *mr = &p->modern_bar;
    return true;
}

static bool in_cfg_data(VirtIOPCIProxy *p, uint32_t addr, int len)
{
    uint32_t data = p->pci_cfg_cap + 16;

    return p->pci_cfg_cap && addr < data + 4 && addr + len > data;
}

static uint32_t vpci_config_read(PCIDevice *d, uint32_t addr, int len)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(d);
    MemoryRegion *mr;
    uint32_t off, wlen;

    if (in_cfg_data(p, addr, len) && vpci_cfg_window(p, &mr, &off, &wlen)) {
        uint64_t v = 0;
        MemoryRegion *leaf = off < ISR_OFF ? &p->common : off < DEVICE_OFF ? &p->isr :
                             off < NOTIFY_OFF ? &p->device : &p->notify;

        memory_region_dispatch_read(leaf, off % REGION_SIZE, &v, wlen,
                                    MEMTXATTRS_UNSPECIFIED);
        pci_set_long(d->config + p->pci_cfg_cap + 16, v);
    }
    return pci_default_read_config(d, addr, len);
}

static void vpci_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(d);
    MemoryRegion *mr;
    uint32_t off, wlen;

    pci_default_write_config(d, addr, val, len);
    if (in_cfg_data(p, addr, len) && vpci_cfg_window(p, &mr, &off, &wlen)) {
        MemoryRegion *leaf = off < ISR_OFF ? &p->common : off < DEVICE_OFF ? &p->isr :
                             off < NOTIFY_OFF ? &p->device : &p->notify;

        memory_region_dispatch_write(leaf, off % REGION_SIZE,
                                     pci_get_long(d->config + p->pci_cfg_cap + 16), wlen,
                                     MEMTXATTRS_UNSPECIFIED);
    }
}

static void vpci_realize(PCIDevice *d, Error **errp)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(d);
    VirtioBusState *vbus;

    p->bus = qbus_new(TYPE_VIRTIO_PCI_BUS, DEVICE(d), NULL);
    vbus = VIRTIO_BUS(p->bus);
    vbus->plugged = vpci_plugged;
    vbus->unplugged = vpci_unplugged;
    qdev_realize(DEVICE(p->vdev), p->bus, errp);
}

static void vpci_exit(PCIDevice *d)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(d);

    if (DEVICE(p->vdev)->realized) {
        qdev_unrealize(DEVICE(p->vdev));
    }
}

static void vpci_reset(PCIDevice *d)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(d);

    if (DEVICE(p->vdev)->realized) {
        bool locked = virtio_dp_lock(p->vdev);

        vpci_ioeventfd_stop_all(p);
        virtio_reset(p->vdev);
        vpci_reset_queues(p);
        virtio_dp_unlock(p->vdev, locked);
    }
}

static void vpci_instance_init(Object *obj)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(obj);
    VirtioPCIClass *vc = VIRTIO_PCI_GET_CLASS(obj);

    if (!vc->vdev_type) {
        return;
    }
    p->vdev = VIRTIO_DEVICE(object_new(vc->vdev_type));
    object_property_add_child(obj, "virtio-backend", OBJECT(p->vdev));
    object_unref(OBJECT(p->vdev));
}

static void vpci_instance_finalize(Object *obj)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(obj);

    if (p->pci_cfg_cap || p->modern_bar.name) {
        vpci_irqfds_cleanup(p);
        msix_uninit(PCI_DEVICE(p));
        memory_region_del_subregion(&p->modern_bar, &p->common);
        memory_region_del_subregion(&p->modern_bar, &p->isr);
        memory_region_del_subregion(&p->modern_bar, &p->device);
        memory_region_del_subregion(&p->modern_bar, &p->notify);
        memory_region_finalize(&p->common);
        memory_region_finalize(&p->isr);
        memory_region_finalize(&p->device);
        memory_region_finalize(&p->notify);
        memory_region_finalize(&p->modern_bar);
        if (p->msix_bar.name) {
            memory_region_finalize(&p->msix_bar);
        }
    }
}

/* Properties of the embedded device, offered on the PCI function. */
static bool fwd_parse(Object *obj, const Property *prop, const char *str, Error **errp)
{
    return object_property_parse(OBJECT(VIRTIO_PCI(obj)->vdev), prop->name, str, errp);
}

static char *fwd_print(Object *obj, const Property *prop)
{
    return object_property_print(OBJECT(VIRTIO_PCI(obj)->vdev), prop->name, NULL);
}

static const PropertyInfo prop_info_forward = {
    .type = "str",
    .parse = fwd_parse,
    .print = fwd_print,
};

static void collect_prop(const Property *prop, void *opaque)
{
    GArray *a = opaque;
    PropertyInfo *info;
    Property f = {
        .name = prop->name, .desc = prop->desc, .link_type = prop->link_type,
    };

    /* The PCI function's own: its slot, vectors and (qdev's) id. */
    if (!strcmp(prop->name, "addr") || !strcmp(prop->name, "vectors") ||
        !strcmp(prop->name, "id")) {
        return;
    }
    /* The device's own type and description, for -device NAME,help. */
    info = g_memdup2(&prop_info_forward, sizeof(*info));
    info->type = prop->info->type;
    info->desc = prop->info->desc;
    f.info = info;
    g_array_append_val(a, f);
}

static const Property vpci_props[] = {
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors, 0),
    DEFINE_PROP_BOOL("ioeventfd", VirtIOPCIProxy, ioeventfd, true),
    DEFINE_PROP_BOOL("x-irqfd", VirtIOPCIProxy, irqfd, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void vpci_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);
    DeviceClass *dc = DEVICE_CLASS(oc);

    pc->realize = vpci_realize;
    pc->exit = vpci_exit;
    pc->reset = vpci_reset;
    pc->config_read = vpci_config_read;
    pc->config_write = vpci_config_write;
    pc->vendor_id = PCI_VENDOR_ID_REDHAT_QUMRANET;
    dc->user_creatable = false;
    object_class_set_props(oc, vpci_props);
}

static void vpci_concrete_class_init(ObjectClass *oc, void *data)
{
    VirtioPCIClass *vc = (VirtioPCIClass *)oc;
    ObjectClass *vdev_class = object_class_by_name(data);
    GArray *a = g_array_new(true, true, sizeof(Property));
    DeviceClass *dc = DEVICE_CLASS(oc);

    vc->vdev_type = data;
    dc->user_creatable = true;
    dc->hotpluggable = true;
    dc->category = DEVICE_CLASS(vdev_class)->category;
    object_class_property_foreach(vdev_class, collect_prop, a);
    /* Kept for the life of the program, as class data is. */
    vc->fwd_props = (Property *)g_array_free(a, false);
    object_class_set_props(oc, vc->fwd_props);
}

static const TypeInfo virtio_pci_info = {
    .name = TYPE_VIRTIO_PCI,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(VirtIOPCIProxy),
    .class_size = sizeof(VirtioPCIClass),
    .abstract = true,
    .class_init = vpci_class_init,
    .instance_init = vpci_instance_init,
    .instance_finalize = vpci_instance_finalize,
};

static const TypeInfo virtio_pci_bus_info = {
    .name = TYPE_VIRTIO_PCI_BUS,
    .parent = TYPE_VIRTIO_BUS,
};

/* PCI function name -> the device it carries. */
static const struct {
    const char *name, *vdev, *desc;
} virtio_pci_devices[] = {
    { "virtio-blk-pci", "virtio-blk-device", "Virtio block device (PCI)" },
    { "virtio-rng-pci", "virtio-rng-device", "Virtio RNG device (PCI)" },
    { "virtio-net-pci", "virtio-net-device", "Virtio network device (PCI)" },
    { "virtio-serial-pci", "virtio-serial-device", "Virtio serial bus device (PCI)" },
    { "virtio-balloon-pci", "virtio-balloon-device", "Virtio memory balloon (PCI)" },
};

static void virtio_pci_register_types(void)
{
    type_register_static(&virtio_pci_info);
    type_register_static(&virtio_pci_bus_info);
    for (size_t i = 0; i < ARRAY_SIZE(virtio_pci_devices); i++) {
        TypeInfo *ti = g_new0(TypeInfo, 1);

        ti->name = virtio_pci_devices[i].name;
        ti->parent = TYPE_VIRTIO_PCI;
        ti->desc = virtio_pci_devices[i].desc;
        ti->class_init = vpci_concrete_class_init;
        ti->class_data = (void *)virtio_pci_devices[i].vdev;
        type_register_static(ti);
    }
}
type_init(virtio_pci_register_types)
