/*
 * virtio-blk (virtio 1.2 §5.2): read, write, flush, get-id, discard and
 * write-zeroes over a BlockBackend, with num-queues=, serial=,
 * logical_block_size= and a guest-switchable write cache (CONFIG_WCE).
 *
 * A request is a header (type, sector), data buffers, and a status byte as
 * the last writable byte (§5.2.6).  Every field is checked: a request
 * missing its header or status byte breaks the device (virtio_error); a
 * range outside the disk or misaligned to the logical block size completes
 * with VIRTIO_BLK_S_IOERR.  Host errors follow the backend's werror=/rerror=
 * policy: report (IOERR), ignore (OK), or stop (the VM stops; the request
 * is retried once the VM runs again).
 *
 * With iothread=ID the device is a dataplane: the queue handlers (through
 * host notifiers), the backend's completions and the werror=stop retries
 * run in that iothread under the device's dp_lock and never take the BQL
 * (the locking rule is at VirtIODevice.dp_lock in virtio.h: the vCPU's
 * register accesses, reset, vm_stop/vm_start and unplug take dp_lock
 * inside the BQL).  Interrupts go out through an irqfd (KVM) or the main
 * loop (virtio_raise); host error reports (BLOCK_IO_ERROR, the werror=stop
 * VM stop) through err_bh in the main loop.  A device reset, vm_stop
 * (stop, quit) and unplug wait for the requests in flight (drain), so no
 * completion touches guest memory after them.
 */
#include "hw/virtio/virtio-blk.h"
#include "core/log.h"

/* §5.2.3 feature bits */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_GEOMETRY 4
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_TOPOLOGY 10
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_MQ 12
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* §5.2.6 request types and status */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP 1

/* §5.2.4 config layout offsets */
#define CFG_CAPACITY 0
#define CFG_SIZE_MAX 8
#define CFG_SEG_MAX 12
#define CFG_GEOMETRY 16
#define CFG_BLK_SIZE 20
#define CFG_PHYS_EXP 24
#define CFG_MIN_IO 26
#define CFG_OPT_IO 28
#define CFG_WRITEBACK 32
#define CFG_NUM_QUEUES 34
#define CFG_MAX_DISCARD_SECTORS 36
#define CFG_MAX_DISCARD_SEG 40
#define CFG_DISCARD_ALIGN 44
#define CFG_MAX_WZ_SECTORS 48
#define CFG_MAX_WZ_SEG 52
#define CFG_WZ_MAY_UNMAP 56
#define VIRTIO_BLK_CONFIG_SIZE 60

#define MAX_DISCARD_SECTORS (UINT32_MAX >> 9)

typedef struct VirtIOBlockReq {
    VirtIOBlock *s;
    VirtQueue *vq;
    VirtQueueElement *elem;
    uint32_t type;
    uint64_t sector;
    IOVector data;               /* data buffers, without header and status */
    uint8_t *status;             /* the last writable byte */
    uint32_t in_len;             /* bytes the device writes (for used.len) */
    uint64_t generation;         /* device resets since submission */
    int ret;                     /* the backend's result, while on the done list */
    struct VirtIOBlockReq *next_done;
} VirtIOBlockReq;

static void blk_req_free(VirtIOBlockReq *r)
{
    iovec_destroy(&r->data);
    virtqueue_element_free(r->elem);
    g_free(r);
}

/*
 * The iothread's entry points (completion BH, retry timer) take dp_lock;
 * the main loop's run under the BQL, which the loop holds for them.
 */
static bool blk_lock(VirtIOBlock *s)
{
    return virtio_dp_lock(VIRTIO_DEVICE(s));
}

static void blk_unlock(VirtIOBlock *s, bool taken)
{
    virtio_dp_unlock(VIRTIO_DEVICE(s), taken);
}

/* One request less in flight; a drain waiting for none is woken. */
static void blk_in_flight_dec(VirtIOBlock *s)
{
    if (--s->in_flight == 0) {
        qemu_cond_broadcast(&s->drain_cond);
    }
}

/*
 * Wait until the device has no request in flight: BQL held, and dp_lock
 * too with an iothread (which completes them under dp_lock, dropped here
 * while waiting).
 */
static void virtio_blk_drain(VirtIOBlock *s)
{
    while (s->in_flight) {
        if (s->loop) {
            qemu_cond_wait_mutex(&s->drain_cond, &VIRTIO_DEVICE(s)->dp_lock);
        } else {
            event_loop_run_once(blk_get_loop(s->blk), true);
        }
    }
}

static void blk_req_complete(VirtIOBlockReq *r, uint8_t status)
{
    VirtIOBlock *s = r->s;

    blk_in_flight_dec(s);
    if (r->generation != s->generation) {
        /* The driver reset the device meanwhile: the ring is not ours to touch. */
        virtqueue_detach_element(r->vq, r->elem, 0);
        blk_req_free(r);
        return;
    }
    *r->status = status;
    virtqueue_push(r->vq, r->elem, r->in_len);
    /* One interrupt for all the requests completed together (blk_notify). */
    s->notify_pending |= 1ULL << virtio_queue_index(r->vq);
    blk_req_free(r);
}

/* Interrupt the driver for the queues that got used buffers (BQL held). */
static void blk_notify(VirtIOBlock *s)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(s);

    while (s->notify_pending) {
        unsigned n = ctz64(s->notify_pending);

        s->notify_pending &= s->notify_pending - 1;
        virtio_notify(vdev, virtio_get_queue(vdev, n));
    }
}

static void blk_req_submit(VirtIOBlockReq *r);

/* werror=stop/rerror=stop: park the request until the VM runs again. */
static void blk_retry_timer(void *opaque)
{
    VirtIOBlock *s = opaque;
    bool taken = blk_lock(s);
    GPtrArray *retry = s->retry;

    s->retry = g_ptr_array_new();
    for (guint i = 0; i < retry->len; i++) {
        blk_req_submit(g_ptr_array_index(retry, i));
    }
    g_ptr_array_free(retry, true);
    blk_notify(s);
    blk_unlock(s, taken);
}

typedef struct BlkError {
    BlockErrorAction action;
    bool is_read;
    int error;
} BlkError;

/*
 * A host error under the backend's policy: the QMP event and, for stop,
 * the VM stop belong to the main loop (BQL); an iothread queues them for
 * err_bh.  For stop the retry is armed after the report, on the virtual
 * clock, so it fires once the VM was stopped and continued.
 */
static void blk_report_error(VirtIOBlock *s, BlockErrorAction action, bool is_read, int err)
{
    BlkError e = { action, is_read, err };

    if (s->loop && !bql_locked()) {
        g_array_append_val(s->errors, e);
        qemu_bh_schedule(s->err_bh);
        return;
    }
    blk_error_action(s->blk, action, is_read, err);
    if (action == BLOCK_ERROR_ACTION_STOP) {
        timer_mod(s->retry_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + SCALE_MS);
    }
}

static void blk_err_bh(void *opaque)
{
    VirtIOBlock *s = opaque;
    bool taken = blk_lock(s);
    GArray *errors = s->errors;

    s->errors = g_array_new(false, false, sizeof(BlkError));
    blk_unlock(s, taken);
    for (guint i = 0; i < errors->len; i++) {
        BlkError *e = &g_array_index(errors, BlkError, i);

        blk_report_error(s, e->action, e->is_read, e->error);
    }
    g_array_free(errors, true);
}

static void blk_req_done_locked(VirtIOBlockReq *r, int ret)
{
    VirtIOBlock *s = r->s;
    bool is_read = r->type == VIRTIO_BLK_T_IN;

    if (ret < 0 && r->generation == s->generation) {
        BlockErrorAction action = blk_get_error_action(s->blk, is_read, -ret);

        if (action == BLOCK_ERROR_ACTION_STOP) {
            /*
             * The virtual clock stops with the VM, so this timer fires
             * only after the VM is continued: then the request runs again.
             */
            blk_in_flight_dec(s);
            g_ptr_array_add(s->retry, r);
            blk_report_error(s, action, is_read, -ret);
            return;
        }
        blk_report_error(s, action, is_read, -ret);
        blk_req_complete(r, action == BLOCK_ERROR_ACTION_IGNORE ? VIRTIO_BLK_S_OK
                                                                : VIRTIO_BLK_S_IOERR);
        return;
    }
    blk_req_complete(r, ret < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK);
}

/*
 * The backend's completion: queue it for blk_done_bh, which runs in the same
 * loop once the completions ready now are all in (the loop runs bottom
 * halves after its fd handlers), so a batch of completions costs one BQL
 * acquisition and at most one interrupt per queue (interrupt coalescing).
 * The list is touched only by the backend's thread, or under the BQL by a
 * request that completes inside the handler that submitted it.
 */
static void blk_req_done(void *opaque, int ret)
{
    VirtIOBlockReq *r = opaque;
    VirtIOBlock *s = r->s;

    r->ret = ret;
    r->next_done = NULL;
    *s->done_tail = r;
    s->done_tail = &r->next_done;
    qemu_bh_schedule(s->done_bh);
}

static void blk_done_bh(void *opaque)
{
    VirtIOBlock *s = opaque;
    bool taken = blk_lock(s);
    VirtIOBlockReq *r = s->done_head;

    s->done_head = NULL;
    s->done_tail = &s->done_head;
    while (r) {
        VirtIOBlockReq *next = r->next_done;

        blk_req_done_locked(r, r->ret);
        r = next;
    }
    blk_notify(s);
    blk_unlock(s, taken);
}

/* Sector range inside the disk and aligned to the logical block size? */
static bool blk_range_ok(VirtIOBlock *s, uint64_t sector, uint64_t bytes)
{
    uint64_t lbs = s->conf.logical_block_size;
    uint64_t cap = s->capacity_bytes;

    if (sector > cap / BDRV_SECTOR_SIZE || (sector * BDRV_SECTOR_SIZE) % lbs ||
        bytes % lbs) {
        return false;
    }
    return bytes <= cap - sector * BDRV_SECTOR_SIZE;
}

/* §5.2.6.2: one discard/write-zeroes segment (we advertise max_seg 1). */
static uint8_t blk_discard_zeroes(VirtIOBlockReq *r, bool zeroes)
{
    VirtIOBlock *s = r->s;
    uint8_t seg[16];
    uint64_t sector, bytes;
    uint32_t nsect, flags;

    if (r->data.size != sizeof(seg)) {
        /* Several segments, or a truncated one. */
        return r->data.size > sizeof(seg) ? VIRTIO_BLK_S_UNSUPP : VIRTIO_BLK_S_IOERR;
    }
    iov_to_buf(r->data.iov, r->data.niov, 0, seg, sizeof(seg));
    sector = (uint64_t)virtio_ldl_p(seg) | (uint64_t)virtio_ldl_p(seg + 4) << 32;
    nsect = virtio_ldl_p(seg + 8);
    flags = virtio_ldl_p(seg + 12);
    bytes = (uint64_t)nsect * BDRV_SECTOR_SIZE;
    if ((flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP) ||
        (!zeroes && (flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP))) {
        return VIRTIO_BLK_S_UNSUPP;
    }
    if (nsect > MAX_DISCARD_SECTORS || !blk_range_ok(s, sector, bytes)) {
        return VIRTIO_BLK_S_IOERR;
    }
    r->in_len = 1;
    s->in_flight++;
    if (zeroes) {
        blk_aio_pwrite_zeroes(s->blk, sector * BDRV_SECTOR_SIZE, bytes,
                              (flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP)
                              ? BDRV_REQ_MAY_UNMAP : 0, blk_req_done, r);
    } else {
        blk_aio_pdiscard(s->blk, sector * BDRV_SECTOR_SIZE, bytes, blk_req_done, r);
    }
    return 0xff;         /* in flight */
}

static void blk_req_submit(VirtIOBlockReq *r)
{
    VirtIOBlock *s = r->s;
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    uint8_t status = VIRTIO_BLK_S_OK;

    r->in_len = 1;
    switch (r->type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT: {
        bool is_write = r->type == VIRTIO_BLK_T_OUT;

        if (!blk_range_ok(s, r->sector, r->data.size)) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: %s of %zu bytes at sector %" PRIu64
                          " outside the disk or misaligned\n", vdev->name,
                          is_write ? "write" : "read", r->data.size, r->sector);
            status = VIRTIO_BLK_S_IOERR;
            break;
        }
        if (is_write && s->read_only) {
            status = VIRTIO_BLK_S_IOERR;
            break;
        }
        if (!is_write) {
            r->in_len += r->data.size;
        }
        s->in_flight++;
        if (is_write) {
            blk_aio_pwritev(s->blk, r->sector * BDRV_SECTOR_SIZE, r->data.iov,
                            r->data.niov, blk_req_done, r);
        } else {
            blk_aio_preadv(s->blk, r->sector * BDRV_SECTOR_SIZE, r->data.iov,
                           r->data.niov, blk_req_done, r);
        }
        return;
    }
    case VIRTIO_BLK_T_FLUSH:
        s->in_flight++;
        blk_aio_flush(s->blk, blk_req_done, r);
        return;
    case VIRTIO_BLK_T_GET_ID: {
        /* §5.2.6.1: 20 bytes, NUL-padded, not necessarily terminated. */
        char id[VIRTIO_BLK_ID_BYTES] = { 0 };

        if (s->conf.serial) {
            memcpy(id, s->conf.serial, MIN(strlen(s->conf.serial), sizeof(id)));
        }
        r->in_len += iov_from_buf(r->data.iov, r->data.niov, 0, id, sizeof(id));
        break;
    }
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES: {
        bool zeroes = r->type == VIRTIO_BLK_T_WRITE_ZEROES;

        if (!virtio_vdev_has_feature(vdev, zeroes ? VIRTIO_BLK_F_WRITE_ZEROES
                                                  : VIRTIO_BLK_F_DISCARD)) {
            status = VIRTIO_BLK_S_UNSUPP;
            break;
        }
        if (s->read_only) {
            status = VIRTIO_BLK_S_IOERR;
            break;
        }
        status = blk_discard_zeroes(r, zeroes);
        if (status == 0xff) {
            return;
        }
        break;
    }
    default:
        status = VIRTIO_BLK_S_UNSUPP;
        break;
    }
    s->in_flight++;
    blk_req_complete(r, status);
}

static bool blk_req_parse(VirtIOBlock *s, VirtQueue *vq, VirtQueueElement *elem)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    uint8_t hdr[16];
    size_t in_size = iov_size(elem->in_sg, elem->in_num);
    size_t out_size = iov_size(elem->out_sg, elem->out_num);
    VirtIOBlockReq *r;

    if (out_size < sizeof(hdr) || in_size < 1) {
        virtio_error(vdev, "virtio-blk request without header or status byte");
        return false;
    }
    r = g_new0(VirtIOBlockReq, 1);
    r->s = s;
    r->vq = vq;
    r->elem = elem;
    r->generation = s->generation;
    iov_to_buf(elem->out_sg, elem->out_num, 0, hdr, sizeof(hdr));
    r->type = virtio_ldl_p(hdr);
    r->sector = (uint64_t)virtio_ldl_p(hdr + 8) | (uint64_t)virtio_ldl_p(hdr + 12) << 32;
    iovec_init(&r->data, elem->out_num + elem->in_num);
    /* The status byte is the last byte of the last writable buffer. */
    {
        struct iovec *last = &elem->in_sg[elem->in_num - 1];
        unsigned n = elem->in_num;

        while (last->iov_len == 0 && n > 1) {
            last--;
            n--;
        }
        r->status = (uint8_t *)last->iov_base + last->iov_len - 1;
    }
    if (r->type == VIRTIO_BLK_T_IN || r->type == VIRTIO_BLK_T_GET_ID) {
        iovec_concat(&r->data, elem->in_sg, elem->in_num, 0, in_size - 1);
    } else {
        iovec_concat(&r->data, elem->out_sg, elem->out_num, sizeof(hdr),
                     out_size - sizeof(hdr));
    }
    blk_req_submit(r);
    return true;
}

static void virtio_blk_handle_output(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);
    VirtQueueElement *elem;

    if (s->quiesced) {
        return;             /* drained: virtio_blk_drained_end kicks again */
    }
    /*
     * Ask for no kicks while we drain the ring (§2.7.10: avail_event stays
     * behind; §2.7.7: NO_NOTIFY without EVENT_IDX), then re-arm and look
     * once more for buffers the driver added meanwhile.  The requests of
     * one pass go to the backend as one batch (blk_io_plug).
     */
    blk_io_plug(s->blk);
    do {
        virtio_queue_set_notification(vq, false);
        while ((elem = virtqueue_pop(vq))) {
            if (!blk_req_parse(s, vq, elem)) {
                virtqueue_element_free(elem);
                goto out;
            }
        }
        virtio_queue_set_notification(vq, true);
    } while (!virtio_queue_empty(vq));
out:
    blk_io_unplug(s->blk);
    blk_notify(s);
}

static uint64_t virtio_blk_get_features(VirtIODevice *vdev, uint64_t f)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);

    f |= 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_GEOMETRY |
         1ULL << VIRTIO_BLK_F_BLK_SIZE | 1ULL << VIRTIO_BLK_F_TOPOLOGY |
         1ULL << VIRTIO_BLK_F_FLUSH;
    if (s->conf.config_wce) {
        f |= 1ULL << VIRTIO_BLK_F_CONFIG_WCE;
    }
    if (s->read_only) {
        f |= 1ULL << VIRTIO_BLK_F_RO;
    }
    if (s->conf.num_queues > 1) {
        f |= 1ULL << VIRTIO_BLK_F_MQ;
    }
    if (s->conf.discard && !s->read_only) {
        f |= 1ULL << VIRTIO_BLK_F_DISCARD;
    }
    if (s->conf.write_zeroes && !s->read_only) {
        f |= 1ULL << VIRTIO_BLK_F_WRITE_ZEROES;
    }
    return f;
}

static void virtio_blk_get_config(VirtIODevice *vdev, uint8_t *c)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);
    uint32_t lbs = s->conf.logical_block_size;
    uint64_t sectors = s->capacity_bytes / BDRV_SECTOR_SIZE;

    memset(c, 0, VIRTIO_BLK_CONFIG_SIZE);
    virtio_stq_p(c + CFG_CAPACITY, sectors);
    virtio_stl_p(c + CFG_SEG_MAX, s->conf.queue_size - 2);
    /* A nominal geometry, as QEMU reports for disks without one. */
    virtio_stw_p(c + CFG_GEOMETRY, MIN(sectors / (16 * 63), 65535));
    c[CFG_GEOMETRY + 2] = 16;
    c[CFG_GEOMETRY + 3] = 63;
    virtio_stl_p(c + CFG_BLK_SIZE, lbs);
    c[CFG_PHYS_EXP] = ctz64(s->conf.physical_block_size / lbs);
    virtio_stw_p(c + CFG_MIN_IO, 0);
    virtio_stl_p(c + CFG_OPT_IO, 0);
    c[CFG_WRITEBACK] = blk_enable_write_cache(s->blk);
    virtio_stw_p(c + CFG_NUM_QUEUES, s->conf.num_queues);
    virtio_stl_p(c + CFG_MAX_DISCARD_SECTORS, MAX_DISCARD_SECTORS);
    virtio_stl_p(c + CFG_MAX_DISCARD_SEG, 1);
    virtio_stl_p(c + CFG_DISCARD_ALIGN, lbs / BDRV_SECTOR_SIZE);
    virtio_stl_p(c + CFG_MAX_WZ_SECTORS, MAX_DISCARD_SECTORS);
    virtio_stl_p(c + CFG_MAX_WZ_SEG, 1);
    c[CFG_WZ_MAY_UNMAP] = 1;
}

static void virtio_blk_set_config(VirtIODevice *vdev, const uint8_t *c)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);

    /* §5.2.5: the driver may switch the write cache mode with CONFIG_WCE. */
    if (virtio_vdev_has_feature(vdev, VIRTIO_BLK_F_CONFIG_WCE)) {
        blk_set_enable_write_cache(s->blk, c[CFG_WRITEBACK] != 0);
    }
}

static void virtio_blk_reset(VirtIODevice *vdev)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);

    /*
     * An iothread completes requests concurrently: wait for them, so none
     * writes into the memory of a driver that just reset us.  In the main
     * loop, requests still running complete into nothing (blk_req_complete).
     */
    if (s->loop) {
        virtio_blk_drain(s);
    }
    s->generation++;
    if (s->conf.config_wce) {
        blk_set_enable_write_cache(s->blk, s->wce_default);
    }
}

/* block_resize: the new capacity, announced as a config change (§5.2.4). */
static void virtio_blk_resize(void *opaque)
{
    VirtIOBlock *s = opaque;
    int64_t len = blk_getlength(s->blk);

    if (len >= 0) {
        bool taken = blk_lock(s);

        s->capacity_bytes = QEMU_ALIGN_DOWN((uint64_t)len, s->conf.logical_block_size);
        virtio_notify_config(VIRTIO_DEVICE(s));
        blk_unlock(s, taken);
    }
}

/*
 * vm_stop: nothing new is popped, and an iothread's requests in flight
 * finish before the VM counts as stopped (a main-loop device's complete in
 * the main loop, which the stopping thread holds).
 */
static void virtio_blk_drained_begin(void *opaque)
{
    VirtIOBlock *s = opaque;
    bool taken = blk_lock(s);

    s->quiesced = true;
    if (s->loop) {
        virtio_blk_drain(s);
    }
    blk_unlock(s, taken);
}

/* vm_start: serve what the driver queued meanwhile. */
static void virtio_blk_drained_end(void *opaque)
{
    VirtIOBlock *s = opaque;
    VirtIODevice *vdev = VIRTIO_DEVICE(s);

    bool taken;

    if (!s->quiesced) {
        return;
    }
    taken = blk_lock(s);
    s->quiesced = false;
    for (unsigned i = 0; i < s->conf.num_queues; i++) {
        if (virtio_queue_host_notifier_fd(vdev, i) >= 0) {
            /* The handler runs where kicks run: the iothread or main loop. */
            virtio_queue_kick_host_notifier(vdev, i);
        } else if (!s->loop) {
            /* Kicks served in the register write (ioeventfd=off): here. */
            virtio_blk_handle_output(vdev, virtio_get_queue(vdev, i));
        }
        /* An iothread's queue without a notifier is not ready: nothing queued. */
    }
    blk_unlock(s, taken);
}

static const BlockDevOps virtio_blk_dev_ops = {
    .resize_cb = virtio_blk_resize,
    .drained_begin = virtio_blk_drained_begin,
    .drained_end = virtio_blk_drained_end,
};

static void virtio_blk_realize(VirtIODevice *vdev, Error **errp)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);
    VirtIOBlockConf *conf = &s->conf;
    int64_t len;

    if (!s->blk) {
        error_setg(errp, "drive property not set");
        return;
    }
    if (conf->num_queues == 0 || conf->num_queues > VIRTIO_QUEUE_MAX) {
        error_setg(errp, "num-queues property must be larger than 0 and at most %d",
                   VIRTIO_QUEUE_MAX);
        return;
    }
    if (!is_power_of_2(conf->queue_size) || conf->queue_size < 4 ||
        conf->queue_size > VIRTQUEUE_MAX_SIZE) {
        error_setg(errp, "invalid queue-size property (%u), must be a power of 2 "
                   "between 4 and %d", conf->queue_size, VIRTQUEUE_MAX_SIZE);
        return;
    }
    if (!is_power_of_2(conf->logical_block_size) || conf->logical_block_size < 512 ||
        conf->logical_block_size > 32768) {
        error_setg(errp, "logical_block_size must be a power of 2 between 512 and 32768");
        return;
    }
    if (!conf->physical_block_size) {
        conf->physical_block_size = conf->logical_block_size;
    }
    if (!is_power_of_2(conf->physical_block_size) ||
        conf->physical_block_size < conf->logical_block_size) {
        error_setg(errp, "physical_block_size must be a power of 2 no smaller than "
                   "logical_block_size");
        return;
    }
    len = blk_getlength(s->blk);
    if (len < 0) {
        error_setg_errno(errp, (int)-len, "cannot get the size of drive");
        return;
    }
    s->capacity_bytes = QEMU_ALIGN_DOWN((uint64_t)len, conf->logical_block_size);
    s->read_only = blk_is_read_only(s->blk);
    if (!blk_set_perm(s->blk, !s->read_only, conf->share_rw, errp)) {
        return;
    }
    if (s->iothread) {
        s->loop = iothread_get_event_loop(s->iothread, errp);
        if (!s->loop || !blk_set_loop(s->blk, s->loop, errp)) {
            s->loop = NULL;
            blk_set_perm(s->blk, false, true, NULL);
            return;
        }
        /* The core starts host notifiers on this loop once the transport plugs us. */
        vdev->notify_loop = s->loop;
    }
    qemu_cond_init(&s->drain_cond);
    s->done_tail = &s->done_head;
    s->done_bh = qemu_bh_new_loop(s->loop ? s->loop : main_loop_get(), blk_done_bh, s);
    s->wce_default = blk_enable_write_cache(s->blk);
    blk_set_dev_ops(s->blk, &virtio_blk_dev_ops, s);
    s->retry = g_ptr_array_new();
    /* Retries submit requests, so they run in the thread that owns the backend. */
    s->retry_timer = timer_new_loop(s->loop ? s->loop : main_loop_get(), QEMU_CLOCK_VIRTUAL,
                                    SCALE_NS, blk_retry_timer, s);
    s->errors = g_array_new(false, false, sizeof(BlkError));
    s->err_bh = qemu_bh_new(blk_err_bh, s);
    virtio_init(vdev, VIRTIO_ID_BLOCK, VIRTIO_BLK_CONFIG_SIZE);
    for (unsigned i = 0; i < conf->num_queues; i++) {
        virtio_add_queue(vdev, conf->queue_size, virtio_blk_handle_output);
    }
}

static void virtio_blk_unrealize(VirtIODevice *vdev)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);

    bool taken = blk_lock(s);

    /* Wait for the host side: completions must not outlive the device. */
    virtio_blk_drain(s);
    blk_unlock(s, taken);
    if (s->retry_timer) {
        timer_del(s->retry_timer);
    }
    if (s->loop) {
        /*
         * The retry timer or the completion BH may be running in the
         * iothread right now (a werror=stop retry racing the unplug): let
         * it finish before their memory goes.
         */
        event_loop_barrier(s->loop);
    }
    if (s->retry_timer) {
        timer_free(s->retry_timer);
        s->retry_timer = NULL;
    }
    if (s->done_bh) {
        qemu_bh_delete(s->done_bh);
        s->done_bh = NULL;
    }
    if (s->err_bh) {
        qemu_bh_delete(s->err_bh);
        s->err_bh = NULL;
        g_array_free(s->errors, true);
        s->errors = NULL;
    }
    if (s->retry) {
        for (guint i = 0; i < s->retry->len; i++) {
            blk_req_free(g_ptr_array_index(s->retry, i));
        }
        g_ptr_array_free(s->retry, true);
        s->retry = NULL;
    }
    blk_set_perm(s->blk, false, true, NULL);
    blk_set_dev_ops(s->blk, NULL, NULL);
    if (s->loop) {
        /* Nothing in flight: the backend may serve the main loop again. */
        blk_set_loop(s->blk, main_loop_get(), NULL);
        s->loop = NULL;
        vdev->notify_loop = NULL;
    }
    qemu_cond_destroy(&s->drain_cond);
}

/*
 * x-bql-takes: how often the device's iothread has taken the BQL (0
 * without one).  The dataplane never should; a test counts on it.
 */
static bool bql_takes_parse(Object *obj, const Property *prop, const char *str,
                            Error **errp)
{
    error_setg(errp, "Property '%s.%s' is read-only", object_get_typename(obj),
               prop->name);
    return false;
}

static char *bql_takes_print(Object *obj, const Property *prop)
{
    return g_strdup_printf("%" PRIu64, iothread_get_bql_takes(VIRTIO_BLK(obj)->iothread));
}

static const PropertyInfo prop_info_bql_takes = {
    .type = "uint64",
    .desc = "read-only counter",
    .parse = bql_takes_parse,
    .print = bql_takes_print,
};

static const Property virtio_blk_props[] = {
    DEFINE_PROP_DRIVE("drive", VirtIOBlock, blk),
    DEFINE_PROP_STRING("serial", VirtIOBlock, conf.serial),
    DEFINE_PROP_UINT32("logical_block_size", VirtIOBlock, conf.logical_block_size, 512),
    DEFINE_PROP_UINT32("physical_block_size", VirtIOBlock, conf.physical_block_size, 0),
    DEFINE_PROP_UINT16("num-queues", VirtIOBlock, conf.num_queues, 1),
    DEFINE_PROP_UINT16("queue-size", VirtIOBlock, conf.queue_size, 256),
    DEFINE_PROP_BOOL("config-wce", VirtIOBlock, conf.config_wce, true),
    DEFINE_PROP_BOOL("discard", VirtIOBlock, conf.discard, true),
    DEFINE_PROP_BOOL("write-zeroes", VirtIOBlock, conf.write_zeroes, true),
    DEFINE_PROP_BOOL("share-rw", VirtIOBlock, conf.share_rw, false),
    DEFINE_PROP_LINK("iothread", VirtIOBlock, iothread, TYPE_IOTHREAD, Object *),
    DEFINE_PROP("x-bql-takes", VirtIOBlock, iothread, prop_info_bql_takes, Object *,
                .desc = "BQL acquisitions by the iothread"),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_blk_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "Virtio block device";
    dc->category = DEVICE_CATEGORY_STORAGE;
    object_class_set_props(oc, virtio_blk_props);
    vdc->realize = virtio_blk_realize;
    vdc->unrealize = virtio_blk_unrealize;
    vdc->get_features = virtio_blk_get_features;
    vdc->get_config = virtio_blk_get_config;
    vdc->set_config = virtio_blk_set_config;
    vdc->reset = virtio_blk_reset;
    vdc->kick_in_main_loop = true;
}

static const TypeInfo virtio_blk_info = {
    .name = TYPE_VIRTIO_BLK,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIOBlock),
    .desc = "Virtio block device",
    .class_init = virtio_blk_class_init,
};

static void virtio_blk_register_types(void)
{
    type_register_static(&virtio_blk_info);
}
type_init(virtio_blk_register_types)
