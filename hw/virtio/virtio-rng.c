/*
 * virtio-rng, the entropy device (virtio 1.2 §5.4): one request queue whose
 * writable buffers the device fills from an rng backend (rng=ID, or a
 * private rng-random over /dev/urandom when none is given).  As QEMU's,
 * max-bytes= per period= (ms) limits the rate at which entropy is handed out.
 */
#include "hw/virtio/virtio.h"
#include "backends/rng.h"
#include "core/log.h"
#include "core/main-loop.h"

#define TYPE_VIRTIO_RNG "virtio-rng-device"

typedef struct VirtIORNG {
    VirtIODevice parent_obj;
    Object *rng_link;            /* rng=ID */
    RngBackend *rng;
    RngBackend *default_rng;     /* owned, when rng= is not given */
    uint64_t max_bytes;
    uint32_t period_ms;
    uint64_t quota;              /* bytes left in this period */
    QEMUTimer *rate_timer;
    VirtQueue *vq;
    bool pending;                /* a backend request is outstanding */
} VirtIORNG;

#define VIRTIO_RNG(obj) OBJECT_CHECK(VirtIORNG, (obj), TYPE_VIRTIO_RNG)

static void rng_fill(VirtIORNG *s);

static void rng_receive(void *opaque, const void *data, size_t size)
{
    VirtIORNG *s = opaque;
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    VirtQueueElement *elem;

    s->pending = false;
    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return;
    }
    elem = virtqueue_pop(s->vq);
    if (!elem) {
        return;
    }
    size = iov_from_buf(elem->in_sg, elem->in_num, 0, data, size);
    s->quota -= MIN(size, s->quota);
    virtqueue_push(s->vq, elem, size);
    virtqueue_element_free(elem);
    virtio_notify(vdev, s->vq);
    rng_fill(s);
}

/* Ask the backend for as much as the next buffer holds (within the quota). */
static void rng_fill(VirtIORNG *s)
{
    VirtQueueElement *elem;
    size_t want;

    if (s->pending || !s->quota || virtio_queue_empty(s->vq)) {
        return;
    }
    elem = virtqueue_pop(s->vq);
    if (!elem) {
        return;
    }
    want = iov_size(elem->in_sg, elem->in_num);
    if (!want) {
        /* §5.4.6.1: the driver gives writable buffers only. */
        virtqueue_element_free(elem);
        virtio_error(VIRTIO_DEVICE(s), "virtio-rng request without writable buffer");
        return;
    }
    virtqueue_unpop(s->vq, elem);
    virtqueue_element_free(elem);
    s->pending = true;
    rng_backend_request_entropy(s->rng, MIN(want, s->quota), rng_receive, s);
}

static void rng_rate_timer(void *opaque)
{
    VirtIORNG *s = opaque;

    s->quota = s->max_bytes;
    rng_fill(s);
    timer_mod(s->rate_timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + s->period_ms);
}

static void rng_handle_output(VirtIODevice *vdev, VirtQueue *vq)
{
    rng_fill(VIRTIO_RNG(vdev));
}

static void rng_reset(VirtIODevice *vdev)
{
    VirtIORNG *s = VIRTIO_RNG(vdev);

    rng_backend_cancel(s->rng, s);
    s->pending = false;
}

static void rng_realize(VirtIODevice *vdev, Error **errp)
{
    VirtIORNG *s = VIRTIO_RNG(vdev);

    if (s->period_ms == 0) {
        error_setg(errp, "'period' parameter expects a positive integer");
        return;
    }
    if (s->max_bytes > INT64_MAX) {
        error_setg(errp, "'max-bytes' parameter must be non-negative, and less than 2^63");
        return;
    }
    if (s->rng_link) {
        if (!object_dynamic_cast(s->rng_link, TYPE_RNG_BACKEND)) {
            error_setg(errp, "Property 'rng' expects an rng backend");
            return;
        }
        s->rng = RNG_BACKEND(s->rng_link);
    } else {
        s->default_rng = RNG_BACKEND(object_new(TYPE_RNG_RANDOM));
        if (!rng_backend_open(s->default_rng, errp)) {
            object_unref(OBJECT(s->default_rng));
            s->default_rng = NULL;
            return;
        }
        s->rng = s->default_rng;
    }
    s->quota = s->max_bytes;
    s->rate_timer = timer_new_ms(QEMU_CLOCK_VIRTUAL, rng_rate_timer, s);
    timer_mod(s->rate_timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + s->period_ms);
    virtio_init(vdev, VIRTIO_ID_RNG, 0);
    s->vq = virtio_add_queue(vdev, 8, rng_handle_output);
}

static void rng_unrealize(VirtIODevice *vdev)
{
    VirtIORNG *s = VIRTIO_RNG(vdev);

    rng_backend_cancel(s->rng, s);
    timer_free(s->rate_timer);
    s->rate_timer = NULL;
    if (s->default_rng) {
        object_unref(OBJECT(s->default_rng));
        s->default_rng = NULL;
    }
}

static const Property virtio_rng_props[] = {
    DEFINE_PROP_LINK("rng", VirtIORNG, rng_link, TYPE_RNG_BACKEND, Object *),
    DEFINE_PROP_UINT64("max-bytes", VirtIORNG, max_bytes, INT64_MAX),
    DEFINE_PROP_UINT32("period", VirtIORNG, period_ms, 60000),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_rng_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "Virtio RNG device";
    object_class_set_props(oc, virtio_rng_props);
    vdc->realize = rng_realize;
    vdc->unrealize = rng_unrealize;
    vdc->reset = rng_reset;
}

static const TypeInfo virtio_rng_info = {
    .name = TYPE_VIRTIO_RNG,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIORNG),
    .desc = "Virtio RNG device",
    .class_init = virtio_rng_class_init,
};

static void virtio_rng_register_types(void)
{
    type_register_static(&virtio_rng_info);
}
type_init(virtio_rng_register_types)
