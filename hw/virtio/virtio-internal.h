/*
 * State shared by virtio.c (registers, life cycle) and virtqueue.c (the
 * split ring): one VirtQueue per queue of a device.
 */
#ifndef HW_VIRTIO_VIRTIO_INTERNAL_H
#define HW_VIRTIO_VIRTIO_INTERNAL_H

#include "hw/virtio/virtio.h"

struct VirtQueue {
    VirtIODevice *vdev;
    unsigned index;
    unsigned num_max;              /* 0: the queue does not exist */
    unsigned num;                  /* size the driver chose */
    hwaddr desc, avail, used;      /* ring addresses (§2.7) */
    bool ready;
    uint16_t last_avail_idx;       /* next avail entry to pop */
    uint16_t shadow_avail_idx;     /* last avail->idx read */
    uint16_t used_idx;             /* next used entry to write */
    uint16_t signalled_used;       /* used idx at the last interrupt (event idx) */
    bool signalled_used_valid;
    bool notification;             /* device wants kicks */
    unsigned inuse;                /* popped, not yet pushed */
    uint16_t vector;
    VirtIOHandleOutput *handle_output;
};

void virtqueue_reset_one(VirtQueue *vq);

#endif
