/*
 * virtio-balloon, the traditional memory balloon (virtio 1.2 §5.5).
 *
 * The host sets a target (num_pages, in 4 KiB pages) through
 * virtio_balloon_set_target; the driver inflates (gives pages back: their
 * host memory is released with MADV_DONTNEED) or deflates (takes them
 * again: they fault back in as zeroes) and reports its progress in
 * `actual`.  With VIRTIO_BALLOON_F_STATS_VQ the driver fills a statistics
 * buffer that the device keeps and, every guest-stats-polling-interval
 * seconds, returns to ask for fresh numbers.
 */
#include "hw/virtio/virtio-balloon.h"
#include "core/log.h"

#include <sys/mman.h>

#define VIRTIO_BALLOON_F_MUST_TELL_HOST 0
#define VIRTIO_BALLOON_F_STATS_VQ 1
#define VIRTIO_BALLOON_F_DEFLATE_ON_OOM 2
#define BALLOON_PAGE_SIZE 4096
#define BALLOON_CONFIG_SIZE 8
#define STAT_ENTRY_SIZE 10            /* le16 tag, le64 value (packed) */

static VirtIOBalloon *the_balloon;    /* QEMU allows one balloon per VM */
static BalloonChangeHook *change_hook;

void virtio_balloon_set_change_hook(BalloonChangeHook *fn)
{
    change_hook = fn;
}

/* Release or note one page the driver gave back (inflate) or took (deflate). */
static void balloon_page(VirtIOBalloon *s, uint32_t pfn, bool inflate)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    hwaddr addr = (hwaddr)pfn * BALLOON_PAGE_SIZE, len = BALLOON_PAGE_SIZE;
    void *host;

    if (!address_space_access_valid(vdev->dma_as, addr, len, true,
                                    MEMTXATTRS_UNSPECIFIED)) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-balloon: pfn 0x%x is not guest RAM\n", pfn);
        return;
    }
    if (!inflate) {
        s->inflated_pages -= MIN(s->inflated_pages, 1);
        return;
    }
    s->inflated_pages++;
    host = address_space_map(vdev->dma_as, addr, &len, true, MEMTXATTRS_UNSPECIFIED);
    if (host && len == BALLOON_PAGE_SIZE &&
        (uintptr_t)host % (uintptr_t)sysconf(_SC_PAGESIZE) == 0) {
        /* The page reads back as zeroes if the guest ever touches it again. */
        madvise(host, BALLOON_PAGE_SIZE, MADV_DONTNEED);
    }
    if (host) {
        address_space_unmap(vdev->dma_as, host, len, true, 0);
    }
}

static void balloon_handle_pages(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOBalloon *s = VIRTIO_BALLOON(vdev);
    bool inflate = vq == s->ivq;
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq))) {
        size_t off = 0;
        uint8_t pfn[4];

        while (iov_to_buf(elem->out_sg, elem->out_num, off, pfn, 4) == 4) {
            balloon_page(s, virtio_ldl_p(pfn), inflate);
            off += 4;
        }
        virtqueue_push(vq, elem, 0);
        virtqueue_element_free(elem);
        virtio_notify(vdev, vq);
    }
}

static void balloon_handle_stats(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOBalloon *s = VIRTIO_BALLOON(vdev);
    VirtQueueElement *elem = virtqueue_pop(vq);
    size_t off = 0;
    uint8_t e[STAT_ENTRY_SIZE];

    if (!elem) {
        return;
    }
    if (s->stats_elem) {
        /* §5.5.6.3: one buffer at a time; a second one replaces the first. */
        virtqueue_push(vq, s->stats_elem, 0);
        virtqueue_element_free(s->stats_elem);
    }
    while (iov_to_buf(elem->out_sg, elem->out_num, off, e, sizeof(e)) == sizeof(e)) {
        uint16_t tag = e[0] | e[1] << 8;
        uint64_t val = (uint64_t)virtio_ldl_p(e + 2) | (uint64_t)virtio_ldl_p(e + 6) << 32;

        if (tag < VIRTIO_BALLOON_S_NR) {
            s->stats[tag] = val;
        }
        off += sizeof(e);
    }
    s->stats_last_update = qemu_clock_get_ns(QEMU_CLOCK_HOST) / NANOSECONDS_PER_SECOND;
    s->stats_elem = elem;
}

/* Give the stats buffer back: the driver answers with fresh numbers. */
static void balloon_stats_poll(void *opaque)
{
    VirtIOBalloon *s = opaque;
    VirtIODevice *vdev = VIRTIO_DEVICE(s);

    if (s->stats_elem) {
        virtqueue_push(s->svq, s->stats_elem, 0);
        virtqueue_element_free(s->stats_elem);
        s->stats_elem = NULL;
        virtio_notify(vdev, s->svq);
    }
    if (s->stats_interval) {
        timer_mod(s->stats_timer,
                  qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + s->stats_interval * 1000);
    }
}

static uint64_t balloon_get_features(VirtIODevice *vdev, uint64_t f)
{
    VirtIOBalloon *s = VIRTIO_BALLOON(vdev);

    f |= 1ULL << VIRTIO_BALLOON_F_STATS_VQ;
    if (s->deflate_on_oom) {
        f |= 1ULL << VIRTIO_BALLOON_F_DEFLATE_ON_OOM;
    }
    return f;
}

static void balloon_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOBalloon *s = VIRTIO_BALLOON(vdev);

    virtio_stl_p(config, s->num_pages);
    virtio_stl_p(config + 4, s->actual);
}

static void balloon_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIOBalloon *s = VIRTIO_BALLOON(vdev);
    uint32_t actual = virtio_ldl_p(config + 4);

    if (actual != s->actual) {
        s->actual = actual;
        if (change_hook) {
            change_hook(s);
        }
    }
}

static void balloon_reset(VirtIODevice *vdev)
{
    VirtIOBalloon *s = VIRTIO_BALLOON(vdev);

    if (s->stats_elem) {
        virtqueue_detach_element(s->svq, s->stats_elem, 0);
        virtqueue_element_free(s->stats_elem);
        s->stats_elem = NULL;
    }
    s->actual = 0;
    s->inflated_pages = 0;
}

void virtio_balloon_set_target(VirtIOBalloon *s, uint64_t ram_size, uint64_t target_bytes)
{
    uint64_t give = target_bytes >= ram_size ? 0 : ram_size - target_bytes;

    s->num_pages = MIN(give / BALLOON_PAGE_SIZE, UINT32_MAX);
    virtio_notify_config(VIRTIO_DEVICE(s));
}

VirtIOBalloon *virtio_balloon_get(void)
{
    return the_balloon;
}

static void balloon_realize(VirtIODevice *vdev, Error **errp)
{
    VirtIOBalloon *s = VIRTIO_BALLOON(vdev);

    if (the_balloon) {
        error_setg(errp, "Only one balloon device is supported");
        return;
    }
    virtio_init(vdev, VIRTIO_ID_BALLOON, BALLOON_CONFIG_SIZE);
    s->ivq = virtio_add_queue(vdev, 128, balloon_handle_pages);
    s->dvq = virtio_add_queue(vdev, 128, balloon_handle_pages);
    s->svq = virtio_add_queue(vdev, 128, balloon_handle_stats);
    s->stats_timer = timer_new_ms(QEMU_CLOCK_VIRTUAL, balloon_stats_poll, s);
    if (s->stats_interval) {
        timer_mod(s->stats_timer,
                  qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + s->stats_interval * 1000);
    }
    the_balloon = s;
}

static void balloon_unrealize(VirtIODevice *vdev)
{
    VirtIOBalloon *s = VIRTIO_BALLOON(vdev);

    balloon_reset(vdev);
    timer_free(s->stats_timer);
    s->stats_timer = NULL;
    if (the_balloon == s) {
        the_balloon = NULL;
    }
}

static const Property balloon_props[] = {
    DEFINE_PROP_BOOL("deflate-on-oom", VirtIOBalloon, deflate_on_oom, false),
    DEFINE_PROP_UINT32("guest-stats-polling-interval", VirtIOBalloon, stats_interval, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static void balloon_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "Virtio memory balloon";
    object_class_set_props(oc, balloon_props);
    vdc->realize = balloon_realize;
    vdc->unrealize = balloon_unrealize;
    vdc->get_features = balloon_get_features;
    vdc->get_config = balloon_get_config;
    vdc->set_config = balloon_set_config;
    vdc->reset = balloon_reset;
}

static const TypeInfo balloon_info = {
    .name = TYPE_VIRTIO_BALLOON,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIOBalloon),
    .desc = "Virtio memory balloon",
    .class_init = balloon_class_init,
};

static void balloon_register_types(void)
{
    type_register_static(&balloon_info);
}
type_init(balloon_register_types)
