/*
 * virtio-blk: the block device (virtio 1.2 §5.2) over a BlockBackend.
 * virtio-blk-device is the transport-neutral device (on virtio-mmio);
 * virtio-blk-pci wraps the same device in a PCI function.
 *
 * iothread=ID moves the device's queues and its backend to that iothread:
 * kicks arrive there through host notifiers, requests are submitted and
 * completed there, and only ring updates and interrupts take the BQL.
 */
#ifndef HW_VIRTIO_VIRTIO_BLK_H
#define HW_VIRTIO_VIRTIO_BLK_H

#include "hw/virtio/virtio.h"
#include "block/block-prop.h"
#include "core/thread.h"

#define TYPE_VIRTIO_BLK "virtio-blk-device"

typedef struct VirtIOBlockConf {
    char *serial;
    uint32_t logical_block_size;
    uint32_t physical_block_size;
    uint16_t num_queues;
    uint16_t queue_size;
    bool config_wce;
    bool discard;
    bool write_zeroes;
    bool share_rw;
} VirtIOBlockConf;

typedef struct VirtIOBlock {
    VirtIODevice parent_obj;
    BlockBackend *blk;
    VirtIOBlockConf conf;
    uint64_t capacity_bytes;
    bool read_only;
    bool wce_default;
    unsigned in_flight;
    uint64_t generation;          /* bumped at every device reset */
    GPtrArray *retry;             /* requests parked by werror/rerror=stop */
    QEMUTimer *retry_timer;
    Object *iothread;             /* iothread=ID: queues served by that thread */
    EventLoop *loop;              /* its loop, or NULL: the main loop and vCPU */
    QemuCond drain_cond;          /* signalled when in_flight drops to 0 */
    bool quiesced;                /* VM stopped: pop nothing until it runs */
    uint64_t notify_pending;      /* queues with used buffers not yet signalled */
    struct VirtIOBlockReq *done_head, **done_tail;  /* completions for done_bh */
    QEMUBH *done_bh;
    /* Host errors an iothread saw, reported from the main loop (err_bh). */
    GArray *errors;
    QEMUBH *err_bh;
} VirtIOBlock;

#define VIRTIO_BLK(obj) OBJECT_CHECK(VirtIOBlock, (obj), TYPE_VIRTIO_BLK)

#endif
