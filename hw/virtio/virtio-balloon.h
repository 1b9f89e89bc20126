/*
 * virtio-balloon (virtio 1.2 §5.5): the host asks the guest to give back
 * memory.  Management (QMP balloon / query-balloon) goes through
 * virtio_balloon_get and the functions below.
 */
#ifndef HW_VIRTIO_VIRTIO_BALLOON_H
#define HW_VIRTIO_VIRTIO_BALLOON_H

#include "hw/virtio/virtio.h"
#include "core/main-loop.h"

#define TYPE_VIRTIO_BALLOON "virtio-balloon-device"

/* §5.5.6.3 statistics tags */
enum {
    VIRTIO_BALLOON_S_SWAP_IN, VIRTIO_BALLOON_S_SWAP_OUT, VIRTIO_BALLOON_S_MAJFLT,
    VIRTIO_BALLOON_S_MINFLT, VIRTIO_BALLOON_S_MEMFREE, VIRTIO_BALLOON_S_MEMTOT,
    VIRTIO_BALLOON_S_AVAIL, VIRTIO_BALLOON_S_CACHES, VIRTIO_BALLOON_S_HTLB_PGALLOC,
    VIRTIO_BALLOON_S_HTLB_PGFAIL, VIRTIO_BALLOON_S_NR
};

typedef struct VirtIOBalloon {
    VirtIODevice parent_obj;
    VirtQueue *ivq, *dvq, *svq;
    uint32_t num_pages;          /* pages the host wants back */
    uint32_t actual;             /* pages the driver says it gave */
    uint64_t inflated_pages;     /* pages seen on the inflate queue, net */
    bool deflate_on_oom;
    uint32_t stats_interval;     /* s; 0: no polling */
    uint64_t stats[VIRTIO_BALLOON_S_NR];
    int64_t stats_last_update;   /* host seconds */
    VirtQueueElement *stats_elem;
    QEMUTimer *stats_timer;
} VirtIOBalloon;

#define VIRTIO_BALLOON(obj) OBJECT_CHECK(VirtIOBalloon, (obj), TYPE_VIRTIO_BALLOON)

/* Called when the driver reports a new `actual` (QMP BALLOON_CHANGE). */
typedef void BalloonChangeHook(VirtIOBalloon *s);
void virtio_balloon_set_change_hook(BalloonChangeHook *fn);

/* The balloon of the VM, or NULL ("No balloon device has been activated"). */
VirtIOBalloon *virtio_balloon_get(void);
/* QMP balloon: the guest should keep target_bytes of its ram_size. */
void virtio_balloon_set_target(VirtIOBalloon *s, uint64_t ram_size, uint64_t target_bytes);
/* QMP query-balloon's "actual": RAM the guest has now. */
static inline uint64_t virtio_balloon_actual_bytes(VirtIOBalloon *s, uint64_t ram_size)
{
    uint64_t given = (uint64_t)s->actual * 4096;

    return given > ram_size ? 0 : ram_size - given;
}

#endif
