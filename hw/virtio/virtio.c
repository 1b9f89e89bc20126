/*
 * The virtio device core: life cycle, device status and feature
 * negotiation (virtio 1.2 §2.1, §2.2, §3.1), the configuration space with
 * its generation counter (§2.5), the queue registers a transport exposes,
 * and interrupts.  The split ring itself is in virtqueue.c.
 */
#include "hw/virtio/virtio-internal.h"
#include "core/log.h"
#include "core/thread.h"
#include "hw/core/machine.h"

/* Bits the core offers for every device: modern only, with both ring extras. */
#define VIRTIO_CORE_FEATURES                                               \
    ((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |  \
     (1ULL << VIRTIO_RING_F_EVENT_IDX))

static void virtio_irq_bh(void *opaque);

void virtio_init(VirtIODevice *vdev, uint16_t device_id, size_t config_len)
{
    vdev->device_id = device_id;
    vdev->name = object_get_typename(OBJECT(vdev));
    vdev->config_len = config_len;
    vdev->config = config_len ? g_malloc0(config_len) : NULL;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    vdev->vq = g_new0(VirtQueue, VIRTIO_QUEUE_MAX);
    for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        vdev->vq[i].vdev = vdev;
        vdev->vq[i].index = i;
        vdev->vq[i].vector = VIRTIO_NO_VECTOR;
        vdev->vq[i].host_notifier_fd = -1;
    }
    vdev->num_queues = 0;
    pthread_mutex_init(&vdev->dp_lock, NULL);
    vdev->irq_bh = qemu_bh_new(virtio_irq_bh, vdev);
}

void virtio_cleanup(VirtIODevice *vdev)
{
    bool locked = vdev->irq_bh && virtio_dp_lock(vdev);

    for (unsigned i = 0; vdev->vq && i < VIRTIO_QUEUE_MAX; i++) {
        virtio_queue_host_notifier_stop(vdev, i);
    }
    virtio_dp_unlock(vdev, locked);
    if (vdev->irq_bh) {
        qemu_bh_delete(vdev->irq_bh);
        vdev->irq_bh = NULL;
        pthread_mutex_destroy(&vdev->dp_lock);
    }
    g_free(vdev->config);
    vdev->config = NULL;
    g_free(vdev->vq);
    vdev->vq = NULL;
    vdev->num_queues = 0;
}

VirtQueue *virtio_add_queue(VirtIODevice *vdev, unsigned queue_size,
                            VirtIOHandleOutput *handler)
{
    VirtQueue *vq;

    assert(vdev->num_queues < VIRTIO_QUEUE_MAX);
    assert(is_power_of_2(queue_size) && queue_size <= VIRTQUEUE_MAX_SIZE);
    vq = &vdev->vq[vdev->num_queues++];
    vq->num_max = queue_size;
    vq->num = queue_size;
    vq->handle_output = handler;
    virtqueue_reset_one(vq);
    return vq;
}

void virtio_del_queue(VirtIODevice *vdev, unsigned n)
{
    if (n < VIRTIO_QUEUE_MAX) {
        vdev->vq[n].num_max = 0;
        vdev->vq[n].num = 0;
        vdev->vq[n].handle_output = NULL;
    }
}

bool virtio_dp_lock(VirtIODevice *vdev)
{
    if (!vdev || !vdev->notify_loop) {
        return false;
    }
    pthread_mutex_lock(&vdev->dp_lock);
    return true;
}

void virtio_dp_unlock(VirtIODevice *vdev, bool locked)
{
    if (locked) {
        pthread_mutex_unlock(&vdev->dp_lock);
    }
}

/*
 * Interrupts that a dataplane thread could not signal itself: raised here
 * in the main loop, under the BQL, with the vectors the queues have now
 * (a reset meanwhile left them at NO_VECTOR and isr at 0, so nothing
 * stale reaches the guest).
 */
static void virtio_irq_bh(void *opaque)
{
    VirtIODevice *vdev = opaque;
    uint64_t queues = __atomic_exchange_n(&vdev->irq_pending_queues, 0, __ATOMIC_ACQ_REL);
    bool config = __atomic_exchange_n(&vdev->irq_pending_config, false, __ATOMIC_ACQ_REL);

    if (!vdev->transport || !vdev->transport->notify || !vdev->vq) {
        return;
    }
    while (queues) {
        unsigned n = ctz64(queues);

        queues &= queues - 1;
        vdev->transport->notify(vdev->transport_opaque, vdev->vq[n].vector);
    }
    if (config) {
        vdev->transport->notify(vdev->transport_opaque, vdev->config_vector);
    }
}

/*
 * queue: the queue index, or -1 for a configuration change.  In a
 * dataplane thread (no BQL) the interrupt controllers cannot be touched:
 * an irqfd is signalled directly (it is the kernel's), anything else is
 * handed to irq_bh in the main loop -- as QEMU's dataplane does under TCG,
 * where its iothread signals a guest notifier that the main loop serves.
 */
static void virtio_raise(VirtIODevice *vdev, uint8_t isr_bit, int queue, uint16_t vector)
{
    __atomic_fetch_or(&vdev->isr, isr_bit, __ATOMIC_SEQ_CST);
    if (!vdev->transport || !vdev->transport->notify) {
        return;
    }
    if (bql_locked() || !vdev->notify_loop) {
        /* Only a dataplane thread raises without the BQL. */
        vdev->transport->notify(vdev->transport_opaque, vector);
        return;
    }
    if (vdev->transport->notify_irqfd &&
        vdev->transport->notify_irqfd(vdev->transport_opaque, vector)) {
        return;
    }
    if (queue >= 0) {
        __atomic_fetch_or(&vdev->irq_pending_queues, 1ULL << queue, __ATOMIC_ACQ_REL);
    } else {
        __atomic_store_n(&vdev->irq_pending_config, true, __ATOMIC_RELEASE);
    }
    qemu_bh_schedule(vdev->irq_bh);
}

void virtio_raise_queue(VirtIODevice *vdev, VirtQueue *vq)
{
    virtio_raise(vdev, VIRTIO_ISR_QUEUE, (int)virtio_queue_index(vq),
                 virtio_queue_get_vector(vdev, virtio_queue_index(vq)));
}

void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qemu_log_mask(LOG_GUEST_ERROR, "%s: %s (device needs reset)\n", vdev->name, msg);
    g_free(msg);
    if (vdev->broken) {
        return;
    }
    vdev->broken = true;
    /* §2.1.2: set DEVICE_NEEDS_RESET and, once live, tell the driver. */
    vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
    if (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) {
        vdev->config_generation++;
        virtio_raise(vdev, VIRTIO_ISR_CONFIG, -1, vdev->config_vector);
    }
}

void virtio_notify_config(VirtIODevice *vdev)
{
    vdev->config_generation++;
    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return;
    }
    virtio_raise(vdev, VIRTIO_ISR_CONFIG, -1, vdev->config_vector);
}

void virtio_bus_plug(VirtIODevice *vdev, const VirtioTransportOps *ops, void *opaque)
{
    vdev->transport = ops;
    vdev->transport_opaque = opaque;
    if (!vdev->dma_as) {
        vdev->dma_as = get_address_space_memory();
    }
}

void virtio_reset(VirtIODevice *vdev)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);

    if (vdc->reset && vdev->vq) {
        vdc->reset(vdev);
    }
    vdev->status = 0;
    vdev->isr = 0;
    __atomic_store_n(&vdev->irq_pending_queues, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&vdev->irq_pending_config, false, __ATOMIC_RELEASE);
    vdev->broken = false;
    vdev->guest_features = 0;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    if (vdev->vq) {
        virtio_queues_reset(vdev);
    }
}

/*
 * §2.2.2: the device accepts only features it offered, and a modern device
 * needs VERSION_1 (§6.1); otherwise FEATURES_OK does not stick and the
 * driver, re-reading status, gives up (§3.1.1 step 6).
 */
static bool virtio_features_acceptable(VirtIODevice *vdev)
{
    uint64_t g = vdev->guest_features;

    if (g & ~vdev->host_features) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: driver accepted unoffered features 0x%"
                      PRIx64 "\n", vdev->name, g & ~vdev->host_features);
        return false;
    }
    if (!virtio_has_feature(g, VIRTIO_F_VERSION_1)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: legacy driver (no VERSION_1) refused\n",
                      vdev->name);
        return false;
    }
    return true;
}

void virtio_set_status(VirtIODevice *vdev, uint8_t status)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);
    uint8_t old = vdev->status;

    if (status == 0) {
        virtio_reset(vdev);
        return;
    }
    if ((status & VIRTIO_CONFIG_S_FEATURES_OK) && !(old & VIRTIO_CONFIG_S_FEATURES_OK)) {
        if (!virtio_features_acceptable(vdev)) {
            status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
        } else if (vdc->set_features) {
            vdc->set_features(vdev, vdev->guest_features);
        }
    }
    /* NEEDS_RESET is the device's: the driver cannot clear it (§2.1). */
    status &= ~VIRTIO_CONFIG_S_NEEDS_RESET;
    status |= old & VIRTIO_CONFIG_S_NEEDS_RESET;
    vdev->status = status;
    if (vdc->set_status) {
        vdc->set_status(vdev, status);
    }
}

void virtio_set_guest_features_word(VirtIODevice *vdev, unsigned word, uint32_t val)
{
    if (vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: feature write after FEATURES_OK ignored\n",
                      vdev->name);
        return;
    }
    if (word > 1) {
        return;         /* no feature bits above 63 exist */
    }
    vdev->guest_features = deposit64(vdev->guest_features, word * 32, 32, val);
}

uint32_t virtio_get_host_features_word(VirtIODevice *vdev, unsigned word)
{
    return word > 1 ? 0 : (uint32_t)(vdev->host_features >> (word * 32));
}

uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t addr, unsigned size)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);
    uint32_t v = 0;

    if (size > 4 || addr >= vdev->config_len || size > vdev->config_len - addr) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: config read of %u bytes at 0x%x is outside "
                      "the %zu-byte config space\n", vdev->name, size, addr,
                      vdev->config_len);
        return 0;
    }
    if (vdc->get_config) {
        vdc->get_config(vdev, vdev->config);
    }
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)vdev->config[addr + i] << (8 * i);
    }
    return v;
}

void virtio_config_write(VirtIODevice *vdev, uint32_t addr, uint32_t val, unsigned size)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);

    if (size > 4 || addr >= vdev->config_len || size > vdev->config_len - addr) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: config write of %u bytes at 0x%x is outside "
                      "the %zu-byte config space\n", vdev->name, size, addr,
                      vdev->config_len);
        return;
    }
    if (vdc->get_config) {
        vdc->get_config(vdev, vdev->config);
    }
    for (unsigned i = 0; i < size; i++) {
        vdev->config[addr + i] = val >> (8 * i);
    }
    if (vdc->set_config) {
        vdc->set_config(vdev, vdev->config);
    }
}

static VirtQueue *virtio_queue_get(VirtIODevice *vdev, unsigned n)
{
    if (!vdev->vq || n >= VIRTIO_QUEUE_MAX || !vdev->vq[n].num_max) {
        return NULL;
    }
    return &vdev->vq[n];
}

VirtQueue *virtio_get_queue(VirtIODevice *vdev, unsigned n)
{
    return virtio_queue_get(vdev, n);
}

unsigned virtio_queue_index(VirtQueue *vq)
{
    return vq->index;
}

VirtIODevice *virtio_queue_get_vdev(VirtQueue *vq)
{
    return vq->vdev;
}

void virtio_queue_notify(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = virtio_queue_get(vdev, n);

    if (!vq) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: notify of absent queue %u\n", vdev->name, n);
        return;
    }
    if (vq->host_notifier_fd >= 0 && vdev->notify_loop) {
        /*
         * A kick that reached the register anyway (a write of another width
         * than the ioeventfd's): the handler must still run in the device's
         * loop, never in this thread.
         */
        virtio_queue_kick_host_notifier(vdev, n);
        return;
    }
    vdev->stats.kicks_exit++;
    virtio_queue_notify_vq(vq);
}

void virtio_queue_notify_vq(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;

    if (vdev->broken || !vq->ready || !vq->handle_output) {
        return;
    }
    vq->handle_output(vdev, vq);
}

unsigned virtio_queue_get_max_num(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = virtio_queue_get(vdev, n);

    return vq ? vq->num_max : 0;
}

unsigned virtio_queue_get_num(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = virtio_queue_get(vdev, n);

    return vq ? vq->num : 0;
}

void virtio_queue_set_num(VirtIODevice *vdev, unsigned n, unsigned num)
{
    VirtQueue *vq = virtio_queue_get(vdev, n);

    if (!vq) {
        return;
    }
    /* §2.7: a split queue's size is a power of 2 no larger than the maximum. */
    if (!is_power_of_2(num) || num > vq->num_max) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: queue %u size %u refused (max %u, power "
                      "of 2)\n", vdev->name, n, num, vq->num_max);
        return;
    }
    if (vq->ready) {
        return;         /* §4.2.3.2: changed only while the queue is disabled */
    }
    vq->num = num;
}

void virtio_queue_set_addr(VirtIODevice *vdev, unsigned n, hwaddr desc, hwaddr avail,
                           hwaddr used)
{
    VirtQueue *vq = virtio_queue_get(vdev, n);

    if (!vq || vq->ready) {
        return;
    }
    vq->desc = desc;
    vq->avail = avail;
    vq->used = used;
}

void virtio_queue_get_addr(VirtIODevice *vdev, unsigned n, hwaddr *desc, hwaddr *avail,
                           hwaddr *used)
{
    VirtQueue *vq = virtio_queue_get(vdev, n);

    *desc = vq ? vq->desc : 0;
    *avail = vq ? vq->avail : 0;
    *used = vq ? vq->used : 0;
}

void virtio_queue_set_ready(VirtIODevice *vdev, unsigned n, bool ready)
{
    VirtQueue *vq = virtio_queue_get(vdev, n);

    if (!vq) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: enabling absent queue %u\n", vdev->name, n);
        return;
    }
    if (!ready) {
        vq->ready = false;
        return;
    }
    vq->ready = true;
    if (!virtqueue_rings_valid(vq)) {
        vq->ready = false;
        virtio_error(vdev, "queue %u rings are not in guest RAM", n);
    }
}

bool virtio_queue_get_ready(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = virtio_queue_get(vdev, n);

    return vq && vq->ready;
}

void virtio_queue_set_vector(VirtIODevice *vdev, unsigned n, uint16_t vector)
{
    VirtQueue *vq = virtio_queue_get(vdev, n);

    if (vq) {
        vq->vector = vector;
    }
}

uint16_t virtio_queue_get_vector(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = virtio_queue_get(vdev, n);

    return vq ? vq->vector : VIRTIO_NO_VECTOR;
}

/* The device type: qdev realize wraps the device's own and the plug step. */

VirtIODevice *virtio_bus_get_device(BusState *bus)
{
    DeviceState *dev;

    if (!bus || !bus->children->len) {
        return NULL;
    }
    dev = g_ptr_array_index(bus->children, 0);
    /* While it realizes, a device is on the bus but not ready for the guest. */
    return dev->realized ? VIRTIO_DEVICE(dev) : NULL;
}

static void virtio_device_realize(DeviceState *dev, Error **errp)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(dev);
    VirtioBusState *bus;
    Error *err = NULL;
    bool locked;

    if (!dev->parent_bus || !object_dynamic_cast(OBJECT(dev->parent_bus),
                                                 TYPE_VIRTIO_BUS)) {
        error_setg(errp, "%s needs a virtio bus", object_get_typename(OBJECT(dev)));
        return;
    }
    bus = VIRTIO_BUS(dev->parent_bus);
    if (vdc->realize) {
        vdc->realize(vdev, &err);
        if (err) {
            error_propagate(errp, err);
            return;
        }
    }
    if (!vdev->vq) {
        error_setg(errp, "%s: realize did not call virtio_init", vdev->name);
        return;
    }
    vdev->host_features = VIRTIO_CORE_FEATURES |
                          (vdev->packed ? 1ULL << VIRTIO_F_RING_PACKED : 0);
    if (vdc->get_features) {
        vdev->host_features = vdc->get_features(vdev, vdev->host_features);
    }
    if (bus->plugged && !bus->plugged(BUS(bus), vdev, errp)) {
        if (vdc->unrealize) {
            vdc->unrealize(vdev);
        }
        virtio_cleanup(vdev);
        return;
    }
    locked = virtio_dp_lock(vdev);
    virtio_reset(vdev);
    virtio_dp_unlock(vdev, locked);
}

static void virtio_device_unrealize(DeviceState *dev)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(dev);
    bool locked;

    if (dev->parent_bus && object_dynamic_cast(OBJECT(dev->parent_bus), TYPE_VIRTIO_BUS)) {
        VirtioBusState *bus = VIRTIO_BUS(dev->parent_bus);

        if (bus->unplugged) {
            bus->unplugged(BUS(bus), vdev);
        }
    }
    locked = virtio_dp_lock(vdev);
    vdev->transport = NULL;     /* late completions raise nothing */
    virtio_dp_unlock(vdev, locked);
    if (vdc->unrealize) {
        vdc->unrealize(vdev);
    }
    virtio_cleanup(vdev);
}

static void virtio_device_reset(DeviceState *dev)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    bool locked = virtio_dp_lock(vdev);

    virtio_reset(vdev);
    virtio_dp_unlock(vdev, locked);
}

/* Statistics: readable (qom-get), never settable. */
static bool stat_parse(Object *obj, const Property *prop, const char *str, Error **errp)
{
    error_setg(errp, "Property '%s.%s' is read-only", object_get_typename(obj),
               prop->name);
    return false;
}

static char *stat_print(Object *obj, const Property *prop)
{
    return g_strdup_printf("%" PRIu64, *(uint64_t *)((char *)obj + prop->offset));
}

static const PropertyInfo prop_info_stat = {
    .type = "uint64",
    .desc = "read-only counter",
    .parse = stat_parse,
    .print = stat_print,
};

#define DEFINE_PROP_STAT(n, f, d)                                          \
    DEFINE_PROP(n, VirtIODevice, stats.f, prop_info_stat, uint64_t, .desc = (d))

static const Property virtio_device_props[] = {
    DEFINE_PROP_BOOL("packed", VirtIODevice, packed, false),
    DEFINE_PROP_STAT("x-kicks-exit", kicks_exit, "kicks through a register write"),
    DEFINE_PROP_STAT("x-kicks-ioeventfd", kicks_ioeventfd, "kicks through an ioeventfd"),
    DEFINE_PROP_STAT("x-irqs-plain", irqs_plain, "interrupts through the device model"),
    DEFINE_PROP_STAT("x-irqs-irqfd", irqs_irqfd, "interrupts through an irqfd"),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_device_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    object_class_set_props(oc, virtio_device_props);
    dc->realize = virtio_device_realize;
    dc->unrealize = virtio_device_unrealize;
    dc->reset = virtio_device_reset;
    dc->bus_type = TYPE_VIRTIO_BUS;
    dc->user_creatable = true;
    dc->hotpluggable = true;
}

static const TypeInfo virtio_device_info = {
    .name = TYPE_VIRTIO_DEVICE,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(VirtIODevice),
    .class_size = sizeof(VirtioDeviceClass),
    .abstract = true,
    .class_init = virtio_device_class_init,
};

static void virtio_bus_class_init(ObjectClass *oc, void *data)
{
    ((BusClass *)oc)->max_dev = 1;
}

static const TypeInfo virtio_bus_info = {
    .name = TYPE_VIRTIO_BUS,
    .parent = TYPE_BUS,
    .instance_size = sizeof(VirtioBusState),
    .abstract = true,
    .class_init = virtio_bus_class_init,
};

static void virtio_register_types(void)
{
    type_register_static(&virtio_device_info);
    type_register_static(&virtio_bus_info);
}
type_init(virtio_register_types)
