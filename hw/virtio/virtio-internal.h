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
    int host_notifier_fd;          /* ioeventfd of this queue, -1: none */
    /* Packed rings: wrap counters (§2.8.1) and a batch being filled. */
    bool last_avail_wrap;
    bool used_wrap;
    bool signalled_used_wrap;
    unsigned fill_ndescs;          /* ring slots the unflushed fills cover */
    uint16_t first_flags;          /* flags of the batch's first used entry */
    unsigned first_pos;
};

void virtqueue_reset_one(VirtQueue *vq);
/* Set the queue bit in isr and interrupt the driver (from any thread). */
void virtio_raise_queue(VirtIODevice *vdev, VirtQueue *vq);
/* Run the queue's handler for a kick (already counted by the caller). */
void virtio_queue_notify_vq(VirtQueue *vq);

/* §2.7.5 descriptor flags */
#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
/* §2.7.6, §2.7.8 ring flags */
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1

#define VRING_DESC_SIZE 16
#define VRING_USED_ELEM_SIZE 8

typedef struct VRingDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VRingDesc;

#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

/* The chain being gathered: device-readable buffers first, then writable. */
typedef struct ChainBuf {
    struct iovec iov[VIRTQUEUE_MAX_SIZE];
    hwaddr addr[VIRTQUEUE_MAX_SIZE];
    unsigned out_num, in_num;
    uint64_t in_bytes;
} ChainBuf;

/* Helpers shared by the split (virtqueue.c) and packed (virtqueue-packed.c) rings. */
AddressSpace *vq_as(VirtQueue *vq);
bool vq_ld16(VirtQueue *vq, hwaddr addr, uint16_t *v);
void vq_st16(VirtQueue *vq, hwaddr addr, uint16_t v);
void vq_st32(VirtQueue *vq, hwaddr addr, uint32_t v);
bool vq_range_ok(hwaddr addr, hwaddr len);
void chain_unmap(VirtQueue *vq, ChainBuf *c);
/* Map one descriptor's buffer (flags: VRING_DESC_F_WRITE matters). */
bool chain_add(VirtQueue *vq, ChainBuf *c, const VRingDesc *d);
VirtQueueElement *elem_new(const ChainBuf *c, unsigned head);
void elem_unmap(VirtQueue *vq, VirtQueueElement *elem, unsigned len);

/* Packed rings (§2.8), VIRTIO_F_RING_PACKED negotiated. */
static inline bool vq_packed(VirtQueue *vq)
{
    return virtio_vdev_has_feature(vq->vdev, VIRTIO_F_RING_PACKED);
}
bool packed_rings_valid(VirtQueue *vq);
bool packed_queue_empty(VirtQueue *vq);
void packed_set_notification(VirtQueue *vq, bool enable);
VirtQueueElement *packed_pop(VirtQueue *vq);
void packed_fill(VirtQueue *vq, VirtQueueElement *elem, unsigned len, unsigned idx);
void packed_flush(VirtQueue *vq, unsigned count);
bool packed_should_notify(VirtQueue *vq);

#endif
