/*
 * The virtio core: modern (virtio 1.2) devices written once, independent of
 * the transport (MMIO or PCI) that carries them.
 *
 * A device is a TYPE_VIRTIO_DEVICE plugged into a TYPE_VIRTIO_BUS, which a
 * transport (virtio-mmio, virtio-pci) owns.  The device declares its
 * features, config space and queues through VirtioDeviceClass; the transport
 * maps guest register accesses onto the virtio_* calls below and raises
 * interrupts through VirtioTransportOps.  Neither side knows the other's
 * type.
 *
 * Guest memory is reached only through the device's dma_as with every
 * address checked (see virtqueue.c); a guest that breaks the ring rules
 * puts the device into DEVICE_NEEDS_RESET (§2.1.2) and nothing else
 * happens.
 */
#ifndef HW_VIRTIO_VIRTIO_H
#define HW_VIRTIO_VIRTIO_H

#include "hw/core/qdev.h"
#include "memory/memory.h"
#include "block/iov.h"
#include "core/main-loop.h"

#define TYPE_VIRTIO_DEVICE "virtio-device"
#define TYPE_VIRTIO_BUS "virtio-bus"

/* Device status bits (virtio 1.2 §2.1). */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1
#define VIRTIO_CONFIG_S_DRIVER 2
#define VIRTIO_CONFIG_S_DRIVER_OK 4
#define VIRTIO_CONFIG_S_FEATURES_OK 8
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40
#define VIRTIO_CONFIG_S_FAILED 0x80

/* Reserved feature bits (§6). */
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED 34

/* Interrupt status bits (ISR, §4.1.4.5 / InterruptStatus §4.2.2). */
#define VIRTIO_ISR_QUEUE 1
#define VIRTIO_ISR_CONFIG 2

/* Device IDs (§5). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4
#define VIRTIO_ID_BALLOON 5

#define VIRTIO_QUEUE_MAX 64          /* queues per device */
#define VIRTQUEUE_MAX_SIZE 1024      /* descriptors per queue (and per chain) */
#define VIRTIO_NO_VECTOR 0xffff

typedef struct VirtQueue VirtQueue;
typedef struct VirtIODevice VirtIODevice;

/* One popped descriptor chain, its buffers mapped into host memory. */
typedef struct VirtQueueElement {
    unsigned int index;              /* head descriptor, returned in the used ring */
    unsigned int out_num;            /* device-readable buffers */
    unsigned int in_num;             /* device-writable buffers */
    unsigned int ndescs;             /* packed ring slots the chain used */
    hwaddr *out_addr;
    hwaddr *in_addr;
    struct iovec *out_sg;
    struct iovec *in_sg;
} VirtQueueElement;

typedef void VirtIOHandleOutput(VirtIODevice *vdev, VirtQueue *vq);

/*
 * What a device needs from its transport.  opaque is the transport's,
 * given to virtio_bus_plug.
 */
typedef struct VirtioTransportOps {
    /*
     * An interrupt for a queue (vector = its vector) or a configuration
     * change (vector = config vector): vdev->isr already has the bit set.
     */
    void (*notify)(void *opaque, uint16_t vector);
    /*
     * The same from a dataplane thread (no BQL): signal the interrupt if
     * that needs no device-model state (an irqfd) and return true; false
     * and the core raises it from the main loop (virtio_raise).  Optional.
     */
    bool (*notify_irqfd)(void *opaque, uint16_t vector);
} VirtioTransportOps;

typedef struct VirtioDeviceClass {
    DeviceClass parent_class;
    /* The device's own realize/unrealize (DeviceClass's are the core's). */
    void (*realize)(VirtIODevice *vdev, Error **errp);
    void (*unrealize)(VirtIODevice *vdev);
    /* Device feature bits; the core adds the ring and VERSION_1 bits. */
    uint64_t (*get_features)(VirtIODevice *vdev, uint64_t features);
    /* The driver's accepted features (at FEATURES_OK). */
    void (*set_features)(VirtIODevice *vdev, uint64_t features);
    /* Fill / take vdev->config (config_len bytes, little-endian fields). */
    void (*get_config)(VirtIODevice *vdev, uint8_t *config);
    void (*set_config)(VirtIODevice *vdev, const uint8_t *config);
    /* Device reset (queues and status are reset by the core). */
    void (*reset)(VirtIODevice *vdev);
    /* Status written by the driver (after the core stored it). */
    void (*set_status)(VirtIODevice *vdev, uint8_t status);
    /*
     * The queue handlers need not run inside the guest's kick: with the
     * transport's ioeventfd on, kicks go through host notifiers into the
     * main loop under any accelerator, so the vCPU returns to the guest at
     * once and the main thread does the device work meanwhile (as QEMU
     * does for virtio-pci under TCG).
     */
    bool kick_in_main_loop;
} VirtioDeviceClass;

/*
 * Which path each kick and interrupt took, read with qom-get
 * (x-kicks-exit, x-kicks-ioeventfd, x-irqs-plain, x-irqs-irqfd): a kick
 * through the transport's register write (a vCPU exit into the device
 * model) or through an ioeventfd the accelerator signalled; an interrupt
 * raised through the device model (IRQ line level, MSI-X write) or by
 * signalling an irqfd.
 */
typedef struct VirtioStats {
    uint64_t kicks_exit;
    uint64_t kicks_ioeventfd;
    uint64_t irqs_plain;
    uint64_t irqs_irqfd;
} VirtioStats;

struct VirtIODevice {
    DeviceState parent_obj;
    const char *name;
    uint16_t device_id;
    uint8_t status;
    uint8_t isr;
    uint16_t config_vector;
    uint32_t config_generation;      /* bumped on every device-side config change */
    uint64_t host_features;
    uint64_t guest_features;
    size_t config_len;
    uint8_t *config;
    unsigned num_queues;
    VirtQueue *vq;                   /* VIRTIO_QUEUE_MAX entries */
    bool broken;                     /* NEEDS_RESET: queues are dead until reset */
    bool packed;                     /* property: offer VIRTIO_F_RING_PACKED */
    AddressSpace *dma_as;            /* guest memory as the device sees it */
    /*
     * Set by a device's realize to have its queues served by another event
     * loop (an iothread's): the transport then gives every ready queue a
     * host notifier (virtio-notifier.c) whatever the accelerator, kicks
     * arrive in that loop and the queue handlers run there, under
     * dp_lock and without the BQL.  NULL: handlers run in the main loop
     * (host notifiers under KVM) or in the vCPU thread (register writes).
     */
    EventLoop *notify_loop;
    /*
     * The dataplane lock of a device with a notify_loop.  Rule: the
     * device's state (status, features, config, isr, queue registers and
     * ring indices, the device's own request state) is changed only under
     * it.  The iothread takes it alone around queue handlers, completions
     * and timers; everybody else (vCPU register accesses through the
     * transport, reset, vm_stop/vm_start drain, resize, unplug) holds the
     * BQL and takes it inside (order: BQL, then dp_lock, then loop and
     * interrupt-controller locks).  Guest RAM needs no lock: the memory
     * map changes only under the BQL, and readers hold the FlatView by
     * reference (address_space_map and the ld/st helpers).  Without a
     * notify_loop everything runs under the BQL and dp_lock is not taken.
     */
    pthread_mutex_t dp_lock;
    /* Interrupts a dataplane thread raised, for irq_bh (atomic bitmaps). */
    uint64_t irq_pending_queues;
    bool irq_pending_config;
    QEMUBH *irq_bh;                  /* main loop: raises them under the BQL */
    const VirtioTransportOps *transport;
    void *transport_opaque;
    VirtioStats stats;
};

/*
 * The bus a transport owns (one device on it).  The transport fills in the
 * callbacks after qbus_new: plugged runs after the device's own realize and
 * connects it (virtio_bus_plug); unplugged runs before its unrealize.
 */
typedef struct VirtioBusState {
    BusState parent_obj;
    bool (*plugged)(BusState *bus, VirtIODevice *vdev, Error **errp);
    void (*unplugged)(BusState *bus, VirtIODevice *vdev);
} VirtioBusState;

#define VIRTIO_BUS(obj) OBJECT_CHECK(VirtioBusState, (obj), TYPE_VIRTIO_BUS)
/* The device plugged into a transport's bus, or NULL. */
VirtIODevice *virtio_bus_get_device(BusState *bus);

#define VIRTIO_DEVICE(obj) OBJECT_CHECK(VirtIODevice, (obj), TYPE_VIRTIO_DEVICE)
#define VIRTIO_DEVICE_CLASS(klass)                                         \
    OBJECT_CLASS_CHECK(VirtioDeviceClass, (klass), TYPE_VIRTIO_DEVICE)
#define VIRTIO_DEVICE_GET_CLASS(obj)                                       \
    OBJECT_GET_CLASS(VirtioDeviceClass, (obj), TYPE_VIRTIO_DEVICE)

static inline bool virtio_has_feature(uint64_t features, unsigned bit)
{
    return (features >> bit) & 1;
}

static inline bool virtio_vdev_has_feature(VirtIODevice *vdev, unsigned bit)
{
    return virtio_has_feature(vdev->guest_features, bit);
}

/* For device realize. */
void virtio_init(VirtIODevice *vdev, uint16_t device_id, size_t config_len);
void virtio_cleanup(VirtIODevice *vdev);
VirtQueue *virtio_add_queue(VirtIODevice *vdev, unsigned queue_size,
                            VirtIOHandleOutput *handler);
void virtio_del_queue(VirtIODevice *vdev, unsigned n);

/*
 * The guest broke the protocol: log it (-d guest_errors), set
 * DEVICE_NEEDS_RESET and send a configuration change interrupt (§2.1.2).
 * The device then ignores its queues until the driver resets it.
 */
void virtio_error(VirtIODevice *vdev, const char *fmt, ...) PRINTF_FMT(2, 3);

/* Config space changed on the device side (bumps the generation). */
void virtio_notify_config(VirtIODevice *vdev);

/*
 * Take / drop dp_lock around a device access from a BQL thread; no-ops
 * for a device without a notify_loop.  Pass lock's result to unlock.
 */
bool virtio_dp_lock(VirtIODevice *vdev);
void virtio_dp_unlock(VirtIODevice *vdev, bool locked);
/* Transport side. */
void virtio_bus_plug(VirtIODevice *vdev, const VirtioTransportOps *ops, void *opaque);
void virtio_reset(VirtIODevice *vdev);
/* Stores status; FEATURES_OK is kept only if the features are acceptable. */
void virtio_set_status(VirtIODevice *vdev, uint8_t status);
/* The guest's feature bits, 32 at a time; ignored after FEATURES_OK. */
void virtio_set_guest_features_word(VirtIODevice *vdev, unsigned word, uint32_t val);
uint32_t virtio_get_host_features_word(VirtIODevice *vdev, unsigned word);
uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t addr, unsigned size);
void virtio_config_write(VirtIODevice *vdev, uint32_t addr, uint32_t val, unsigned size);
/* The guest kicked queue n (through a register write: counted as an exit). */
void virtio_queue_notify(VirtIODevice *vdev, unsigned n);

/*
 * Host notifiers (virtio-notifier.c): an eventfd per queue whose signals
 * are kicks, handled in the main loop.  The transport registers it as an
 * ioeventfd on its notify register (memory_region_add_eventfd), so an
 * accelerator that offloads ioeventfds (KVM_IOEVENTFD) completes the
 * guest's write in the kernel and the vCPU never leaves for the device
 * model.  start returns the fd (-1 with errno on failure); stop takes
 * the fd out of the loop, serves a kick still pending in it, and closes it.
 */
int virtio_queue_host_notifier_start(VirtIODevice *vdev, unsigned n);
void virtio_queue_host_notifier_stop(VirtIODevice *vdev, unsigned n);
/* The queue's host notifier fd, or -1. */
int virtio_queue_host_notifier_fd(VirtIODevice *vdev, unsigned n);
/*
 * Does the transport give ready queues host notifiers?  Always for a device
 * with a notify_loop; otherwise when the transport's ioeventfd property is
 * on and the accelerator completes the guest's write in the kernel, or the
 * device asks for main-loop kicks (kick_in_main_loop).
 */
bool virtio_wants_host_notifiers(VirtIODevice *vdev, bool ioeventfd_prop);
/* Kick queue n's handler in its loop as if the guest had (after a drain). */
void virtio_queue_kick_host_notifier(VirtIODevice *vdev, unsigned n);
/* Signal an irqfd (guest notifier): counts the interrupt as irqfd-borne. */
void virtio_irqfd_signal(VirtIODevice *vdev, int fd);

/* Queue registers (the transport reads and writes these for its guest). */
unsigned virtio_queue_get_max_num(VirtIODevice *vdev, unsigned n);  /* 0: absent */
unsigned virtio_queue_get_num(VirtIODevice *vdev, unsigned n);
/* Only powers of two up to the maximum are accepted (split ring §2.7). */
void virtio_queue_set_num(VirtIODevice *vdev, unsigned n, unsigned num);
void virtio_queue_set_addr(VirtIODevice *vdev, unsigned n, hwaddr desc, hwaddr avail,
                           hwaddr used);
void virtio_queue_get_addr(VirtIODevice *vdev, unsigned n, hwaddr *desc, hwaddr *avail,
                           hwaddr *used);
/* Enabling checks that the rings lie in guest RAM. */
void virtio_queue_set_ready(VirtIODevice *vdev, unsigned n, bool ready);
bool virtio_queue_get_ready(VirtIODevice *vdev, unsigned n);
void virtio_queue_set_vector(VirtIODevice *vdev, unsigned n, uint16_t vector);
uint16_t virtio_queue_get_vector(VirtIODevice *vdev, unsigned n);
VirtQueue *virtio_get_queue(VirtIODevice *vdev, unsigned n);
unsigned virtio_queue_index(VirtQueue *vq);
VirtIODevice *virtio_queue_get_vdev(VirtQueue *vq);

/* Device side: the split virtqueue (virtqueue.c). */
/*
 * The next available chain, validated and mapped, or NULL if none (or the
 * queue is broken: a malformed chain calls virtio_error).  Free with
 * virtqueue_element_free after virtqueue_push.
 */
VirtQueueElement *virtqueue_pop(VirtQueue *vq);
/* Put the element back (it will be popped again). */
void virtqueue_unpop(VirtQueue *vq, VirtQueueElement *elem);
/* Let go of elem without returning it (the queue was reset meanwhile). */
void virtqueue_detach_element(VirtQueue *vq, VirtQueueElement *elem, unsigned int len);
/* Return elem with len bytes written into its in buffers. */
void virtqueue_push(VirtQueue *vq, VirtQueueElement *elem, unsigned int len);
/* Batch form: fill at used slot idx (relative), then flush count. */
void virtqueue_fill(VirtQueue *vq, VirtQueueElement *elem, unsigned int len,
                    unsigned int idx);
void virtqueue_flush(VirtQueue *vq, unsigned int count);
void virtqueue_element_free(VirtQueueElement *elem);
/* Interrupt the driver for vq if it wants one (event idx / NO_INTERRUPT). */
void virtio_notify(VirtIODevice *vdev, VirtQueue *vq);
/* Ask the driver for kicks (true) or not (false): used flags / avail_event. */
void virtio_queue_set_notification(VirtQueue *vq, bool enable);
bool virtio_queue_empty(VirtQueue *vq);
bool virtio_queue_ready(VirtQueue *vq);
/* Reset the ring state of every queue (device reset). */
void virtio_queues_reset(VirtIODevice *vdev);
/* Called by virtio_queue_set_ready: checks the ring addresses. */
bool virtqueue_rings_valid(VirtQueue *vq);

/* Little-endian config helpers. */
static inline void virtio_stw_p(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static inline void virtio_stl_p(uint8_t *p, uint32_t v)
{
    virtio_stw_p(p, v);
    virtio_stw_p(p + 2, v >> 16);
}

static inline void virtio_stq_p(uint8_t *p, uint64_t v)
{
    virtio_stl_p(p, v);
    virtio_stl_p(p + 4, v >> 32);
}

static inline uint32_t virtio_ldl_p(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif
