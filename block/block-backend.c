/*
 * BlockBackends: what a device attaches to.  A backend holds the root node
 * of a graph, the guest-visible write cache setting (cache=writethrough
 * and directsync turn it off: each write is flushed before it completes),
 * the werror=/rerror= policies, and range checks on every request so a
 * guest can never reach past the end of its disk.
 */
#include "block/block.h"
#include "core/main-loop.h"

struct BlockBackend {
    char *name;                  /* -drive id; NULL for anonymous backends */
    BlockDriverState *root;
    void *dev;
    bool enable_write_cache;
    BlockdevOnError on_read_error, on_write_error;
    unsigned refcnt;
    const BlockDevOps *dev_ops;
    void *dev_opaque;
    unsigned in_flight;          /* requests started, not completed (atomic) */
    GMutex stats_lock;           /* completions run in iothreads too */
    BlockAcctStats stats;
};

typedef struct BlkReq {
    BlockRequest req;
    BlockBackend *blk;
    BlockCompletionFunc *cb;
    void *opaque;
    bool flush_after;            /* writethrough: flush before completing */
    BlockAcctType acct;
    uint64_t acct_bytes;
    int64_t start_ns;
} BlkReq;

static GPtrArray *backends;      /* every backend, creation order */
static BlockErrorHook *error_hook;
static BlockTrayHook *tray_hook;

BlockBackend *blk_new(const char *name, BlockDriverState *root, Error **errp)
{
    BlockBackend *blk;

    if (name && blk_by_name(name)) {
        error_setg(errp, "Duplicate ID '%s' for drive", name);
        return NULL;
    }
    if (name && bdrv_find_node(name)) {
        error_setg(errp, "Device name '%s' conflicts with an existing node name", name);
        return NULL;
    }
    blk = g_new0(BlockBackend, 1);
    blk->name = g_strdup(name);
    blk->root = root;
    if (root) {
        bdrv_ref(root);
    }
    g_mutex_init(&blk->stats_lock);
    /* QEMU's defaults (-drive stats-account-invalid/failed=on). */
    blk->stats.account_invalid = true;
    blk->stats.account_failed = true;
    blk->enable_write_cache = true;
    blk->on_read_error = BLOCKDEV_ON_ERROR_REPORT;
    blk->on_write_error = BLOCKDEV_ON_ERROR_ENOSPC;
    blk->refcnt = 1;
    if (!backends) {
        backends = g_ptr_array_new();
    }
    g_ptr_array_add(backends, blk);
    return blk;
}

void blk_unref(BlockBackend *blk)
{
    if (!blk || --blk->refcnt) {
        return;
    }
    g_ptr_array_remove(backends, blk);
    if (blk->root) {
        bdrv_unref(blk->root);
    }
    g_mutex_clear(&blk->stats_lock);
    g_free(blk->name);
    g_free(blk);
}

BlockBackend *blk_by_name(const char *name)
{
    for (guint i = 0; name && backends && i < backends->len; i++) {
        BlockBackend *blk = g_ptr_array_index(backends, i);

        if (blk->name && !strcmp(blk->name, name)) {
            return blk;
        }
    }
    return NULL;
}

BlockBackend *blk_find_or_create(const char *name, Error **errp)
{
    BlockBackend *blk = blk_by_name(name);
    BlockDriverState *bs;

    if (blk) {
        return blk;
    }
    /* QEMU's drive=NODE-NAME: an anonymous backend over a -blockdev node. */
    bs = bdrv_find_node(name);
    if (!bs) {
        error_setg(errp, "Property 'drive' can't find value '%s'", name ? name : "");
        return NULL;
    }
    blk = blk_new(NULL, bs, errp);
    return blk;
}

BlockBackend *blk_by_root(BlockDriverState *bs)
{
    for (guint i = 0; backends && i < backends->len; i++) {
        BlockBackend *blk = g_ptr_array_index(backends, i);

        if (blk->root == bs) {
            return blk;
        }
    }
    return NULL;
}

BlockBackend *blk_next(BlockBackend *blk)
{
    bool found = !blk;

    for (guint i = 0; backends && i < backends->len; i++) {
        BlockBackend *b = g_ptr_array_index(backends, i);

        if (found && b->name) {
            return b;
        }
        if (b == blk) {
            found = true;
        }
    }
    return NULL;
}

BlockBackend *blk_all_next(BlockBackend *blk)
{
    bool found = !blk;

    for (guint i = 0; backends && i < backends->len; i++) {
        BlockBackend *b = g_ptr_array_index(backends, i);

        if (found) {
            return b;
        }
        if (b == blk) {
            found = true;
        }
    }
    return NULL;
}

const char *blk_name(BlockBackend *blk)
{
    return blk->name ? blk->name : "";
}

BlockDriverState *blk_bs(BlockBackend *blk)
{
    return blk->root;
}

bool blk_set_perm(BlockBackend *blk, bool write, bool share_write, Error **errp)
{
    BlockDriverState *bs = blk->root;

    if (!bs) {
        return true;             /* no medium: nothing to lock */
    }
    /* The first node that handles permissions answers for the graph below. */
    while (bs && !bs->drv->set_perm) {
        bs = bs->file;
    }
    if (write && blk->root->read_only) {
        error_setg(errp, "Block node is read-only");
        return false;
    }
    return !bs || bs->drv->set_perm(bs, write, share_write, errp);
}

bool blk_attach_dev(BlockBackend *blk, void *dev, Error **errp)
{
    if (blk->dev) {
        error_setg(errp, "Drive '%s' is already in use by another device",
                   blk->name ? blk->name : blk->root ? blk->root->node_name : "");
        return false;
    }
    blk->dev = dev;
    blk->refcnt++;
    return true;
}

void blk_set_dev_ops(BlockBackend *blk, const BlockDevOps *ops, void *opaque)
{
    blk->dev_ops = ops;
    blk->dev_opaque = opaque;
}

bool blk_truncate(BlockBackend *blk, int64_t size, Error **errp)
{
    if (!blk->root) {
        error_setg(errp, "Device '%s' has no medium", blk_name(blk));
        return false;
    }
    if (blk->root->read_only) {
        error_setg(errp, "Cannot resize a read-only node");
        return false;
    }
    if (!bdrv_truncate(blk->root, size, errp)) {
        return false;
    }
    if (blk->dev_ops && blk->dev_ops->resize_cb) {
        blk->dev_ops->resize_cb(blk->dev_opaque);
    }
    return true;
}

int blk_get_open_flags(BlockBackend *blk)
{
    BlockDriverState *bs = blk->root;

    if (!bs) {
        return 0;
    }
    while (bs->file) {
        bs = bs->file;
    }
    return bs->open_flags;
}

void blk_detach_dev(BlockBackend *blk, void *dev)
{
    if (blk->dev == dev) {
        blk->dev = NULL;
        blk->dev_ops = NULL;
        blk->dev_opaque = NULL;
        blk_unref(blk);
    }
}

void *blk_get_attached_dev(BlockBackend *blk)
{
    return blk->dev;
}

int64_t blk_getlength(BlockBackend *blk)
{
    return blk->root ? bdrv_getlength(blk->root) : -ENOMEDIUM;
}

bool blk_is_read_only(BlockBackend *blk)
{
    return blk->root && blk->root->read_only;
}

bool blk_enable_write_cache(BlockBackend *blk)
{
    return blk->enable_write_cache;
}

void blk_set_enable_write_cache(BlockBackend *blk, bool wce)
{
    blk->enable_write_cache = wce;
}

EventLoop *blk_get_loop(BlockBackend *blk)
{
    return blk->root ? blk->root->loop : main_loop_get();
}

/* Media (QEMU's blk_dev_* helpers over BlockDevOps). */

bool blk_is_inserted(BlockBackend *blk)
{
    return blk->root != NULL;
}

bool blk_dev_has_removable_media(BlockBackend *blk)
{
    return !blk->dev || (blk->dev_ops && blk->dev_ops->change_media_cb);
}

bool blk_dev_has_tray(BlockBackend *blk)
{
    return blk->dev_ops && blk->dev_ops->is_tray_open;
}

bool blk_dev_is_tray_open(BlockBackend *blk)
{
    return blk_dev_has_tray(blk) && blk->dev_ops->is_tray_open(blk->dev_opaque);
}

bool blk_dev_is_medium_locked(BlockBackend *blk)
{
    return blk->dev_ops && blk->dev_ops->is_medium_locked &&
           blk->dev_ops->is_medium_locked(blk->dev_opaque);
}

void blk_dev_eject_request(BlockBackend *blk, bool force)
{
    if (blk->dev_ops && blk->dev_ops->eject_request_cb) {
        blk->dev_ops->eject_request_cb(blk->dev_opaque, force);
    }
}

void block_set_tray_hook(BlockTrayHook *fn)
{
    tray_hook = fn;
}

void blk_dev_change_media_cb(BlockBackend *blk, bool load)
{
    bool was_open, is_open;

    if (!blk->dev_ops || !blk->dev_ops->change_media_cb) {
        return;
    }
    was_open = blk_dev_is_tray_open(blk);
    blk->dev_ops->change_media_cb(blk->dev_opaque, load);
    is_open = blk_dev_is_tray_open(blk);
    if (was_open != is_open && tray_hook) {
        tray_hook(blk, is_open);
    }
}

void blk_remove_bs(BlockBackend *blk)
{
    BlockDriverState *bs = blk->root;

    if (!bs) {
        return;
    }
    /* Drain: a request in flight still uses the node (QEMU drains too). */
    while (__atomic_load_n(&blk->in_flight, __ATOMIC_ACQUIRE)) {
        if (bs->loop == main_loop_get()) {
            event_loop_run_once(bs->loop, true);
        } else {
            g_usleep(100);       /* completes in its iothread */
        }
    }
    blk_set_perm(blk, false, true, NULL);
    blk->root = NULL;
    bdrv_unref(bs);
}

bool blk_insert_bs(BlockBackend *blk, BlockDriverState *bs, Error **errp)
{
    if (blk->root) {
        error_setg(errp, "There already is a medium in the device");
        return false;
    }
    bdrv_ref(bs);
    blk->root = bs;
    return true;
}

/* Accounting */

void blk_get_stats(BlockBackend *blk, BlockAcctStats *out)
{
    g_mutex_lock(&blk->stats_lock);
    *out = blk->stats;
    g_mutex_unlock(&blk->stats_lock);
}

static BlockAcctType blk_acct_type(BlockReqType type)
{
    switch (type) {
    case BLK_REQ_READ:
        return BLOCK_ACCT_READ;
    case BLK_REQ_FLUSH:
        return BLOCK_ACCT_FLUSH;
    case BLK_REQ_DISCARD:
        return BLOCK_ACCT_UNMAP;
    case BLK_REQ_WRITE:
    case BLK_REQ_WRITE_ZEROES:
    default:
        /* QEMU's virtio-blk counts write-zeroes as writes. */
        return BLOCK_ACCT_WRITE;
    }
}

static void blk_acct_invalid(BlockBackend *blk, BlockAcctType type)
{
    g_mutex_lock(&blk->stats_lock);
    blk->stats.invalid_ops[type]++;
    if (blk->stats.account_invalid) {
        blk->stats.last_access_ns = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    }
    g_mutex_unlock(&blk->stats_lock);
}

static void blk_acct_done(BlockBackend *blk, BlkReq *r, bool failed)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    BlockAcctStats *st = &blk->stats;

    g_mutex_lock(&blk->stats_lock);
    if (failed) {
        st->failed_ops[r->acct]++;
    } else {
        st->nr_bytes[r->acct] += r->acct_bytes;
        st->nr_ops[r->acct]++;
    }
    if (!failed || st->account_failed) {
        st->total_time_ns[r->acct] += now - r->start_ns;
        st->last_access_ns = now;
    }
    g_mutex_unlock(&blk->stats_lock);
}

bool blk_set_loop(BlockBackend *blk, EventLoop *loop, Error **errp)
{
    EventLoop *main_loop = main_loop_get();

    /* One thread submits to a node: two iothreads cannot share one. */
    for (BlockDriverState *bs = blk->root; bs && loop != main_loop; bs = bs->file) {
        if (bs->loop != main_loop && bs->loop != loop) {
            error_setg(errp, "Node '%s' is already in use by another iothread",
                       bs->node_name ? bs->node_name : bs->filename ? bs->filename : "");
            return false;
        }
    }
    if (blk->root) {             /* no medium: nothing to move */
        bdrv_set_loop(blk->root, loop);
    }
    return true;
}

void blk_io_plug(BlockBackend *blk)
{
    if (blk->root) {
        bdrv_io_plug(blk->root);
    }
}

void blk_io_unplug(BlockBackend *blk)
{
    if (blk->root) {
        bdrv_io_unplug(blk->root);
    }
}

void blk_drain_all_begin(void)
{
    for (guint i = 0; backends && i < backends->len; i++) {
        BlockBackend *blk = g_ptr_array_index(backends, i);

        if (blk->dev_ops && blk->dev_ops->drained_begin) {
            blk->dev_ops->drained_begin(blk->dev_opaque);
        }
    }
}

void blk_drain_all_end(void)
{
    for (guint i = 0; backends && i < backends->len; i++) {
        BlockBackend *blk = g_ptr_array_index(backends, i);

        if (blk->dev_ops && blk->dev_ops->drained_end) {
            blk->dev_ops->drained_end(blk->dev_opaque);
        }
    }
}

/* Error policies (QEMU's -drive werror=/rerror=). */

bool blockdev_parse_on_error(const char *str, bool is_read, BlockdevOnError *out,
                             Error **errp)
{
    if (!strcmp(str, "report")) {
        *out = BLOCKDEV_ON_ERROR_REPORT;
    } else if (!strcmp(str, "ignore")) {
        *out = BLOCKDEV_ON_ERROR_IGNORE;
    } else if (!strcmp(str, "stop")) {
        *out = BLOCKDEV_ON_ERROR_STOP;
    } else if (!strcmp(str, "enospc") && !is_read) {
        *out = BLOCKDEV_ON_ERROR_ENOSPC;
    } else {
        error_setg(errp, "'%s' invalid %s error action", str, is_read ? "read" : "write");
        return false;
    }
    return true;
}

void blk_set_on_error(BlockBackend *blk, BlockdevOnError on_read, BlockdevOnError on_write)
{
    blk->on_read_error = on_read;
    blk->on_write_error = on_write;
}

BlockErrorAction blk_get_error_action(BlockBackend *blk, bool is_read, int error)
{
    switch (is_read ? blk->on_read_error : blk->on_write_error) {
    case BLOCKDEV_ON_ERROR_ENOSPC:
        return error == ENOSPC ? BLOCK_ERROR_ACTION_STOP : BLOCK_ERROR_ACTION_REPORT;
    case BLOCKDEV_ON_ERROR_STOP:
        return BLOCK_ERROR_ACTION_STOP;
    case BLOCKDEV_ON_ERROR_IGNORE:
        return BLOCK_ERROR_ACTION_IGNORE;
    case BLOCKDEV_ON_ERROR_REPORT:
    default:
        return BLOCK_ERROR_ACTION_REPORT;
    }
}

void block_set_error_hook(BlockErrorHook *fn)
{
    error_hook = fn;
}

void blk_error_action(BlockBackend *blk, BlockErrorAction action, bool is_read, int error)
{
    if (error_hook) {
        error_hook(blk, action, is_read, error);
    }
}

/* Requests */

static void blk_req_done(void *opaque, int ret);

static void blk_req_start(BlockBackend *blk, BlockReqType type, int64_t offset,
                          uint64_t bytes, const struct iovec *iov, int niov, int flags,
                          BlockCompletionFunc *cb, void *opaque)
{
    BlkReq *r = g_new0(BlkReq, 1);
    int64_t len = blk_getlength(blk);
    int err = 0;

    r->blk = blk;
    r->cb = cb;
    r->opaque = opaque;
    r->acct = blk_acct_type(type);
    r->acct_bytes = bytes;
    r->start_ns = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    r->req = (BlockRequest){
        .type = type, .offset = offset, .bytes = bytes, .iov = iov, .niov = niov,
        .flags = flags, .cb = blk_req_done, .opaque = r,
    };
    if (!blk->root) {
        err = -ENOMEDIUM;
    } else if (type != BLK_REQ_READ && type != BLK_REQ_FLUSH && blk->root->read_only) {
        err = -EPERM;
    } else if (type != BLK_REQ_FLUSH &&
               (offset < 0 || len < 0 || (uint64_t)offset > (uint64_t)len ||
                bytes > (uint64_t)len - offset)) {
        err = -EIO;
    }
    if (err) {
        /* Refused before it reaches a driver: completes at once. */
        if (err == -EIO) {
            blk_acct_invalid(blk, r->acct);
        } else {
            blk_acct_done(blk, r, true);
        }
        g_free(r);
        cb(opaque, err);
        return;
    }
    __atomic_fetch_add(&blk->in_flight, 1, __ATOMIC_RELAXED);
    r->flush_after = !blk->enable_write_cache &&
                     (type == BLK_REQ_WRITE || type == BLK_REQ_WRITE_ZEROES);
    bdrv_submit(blk->root, &r->req);
}

static void blk_req_done(void *opaque, int ret)
{
    BlkReq *r = opaque;

    if (ret == 0 && r->flush_after && r->blk->root) {
        r->flush_after = false;
        r->req.type = BLK_REQ_FLUSH;
        r->req.offset = 0;
        r->req.bytes = 0;
        bdrv_submit(r->blk->root, &r->req);
        return;
    }
    blk_acct_done(r->blk, r, ret < 0);
    __atomic_fetch_sub(&r->blk->in_flight, 1, __ATOMIC_RELEASE);
    r->cb(r->opaque, ret);
    g_free(r);
}

void blk_aio_preadv(BlockBackend *blk, int64_t offset, const struct iovec *iov, int niov,
                    BlockCompletionFunc *cb, void *opaque)
{
    blk_req_start(blk, BLK_REQ_READ, offset, iov_size(iov, niov), iov, niov, 0, cb, opaque);
}

void blk_aio_pwritev(BlockBackend *blk, int64_t offset, const struct iovec *iov, int niov,
                     BlockCompletionFunc *cb, void *opaque)
{
    blk_req_start(blk, BLK_REQ_WRITE, offset, iov_size(iov, niov), iov, niov, 0, cb,
                  opaque);
}

void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque)
{
    blk_req_start(blk, BLK_REQ_FLUSH, 0, 0, NULL, 0, 0, cb, opaque);
}

void blk_aio_pdiscard(BlockBackend *blk, int64_t offset, uint64_t bytes,
                      BlockCompletionFunc *cb, void *opaque)
{
    blk_req_start(blk, BLK_REQ_DISCARD, offset, bytes, NULL, 0, 0, cb, opaque);
}

void blk_aio_pwrite_zeroes(BlockBackend *blk, int64_t offset, uint64_t bytes, int flags,
                           BlockCompletionFunc *cb, void *opaque)
{
    blk_req_start(blk, BLK_REQ_WRITE_ZEROES, offset, bytes, NULL, 0, flags, cb, opaque);
}

/* Synchronous wrappers: spin the loop until the callback ran. */

typedef struct SyncReq {
    bool done;
    int ret;
} SyncReq;

static void sync_done(void *opaque, int ret)
{
    SyncReq *s = opaque;

    s->ret = ret;
    s->done = true;
}

static int sync_wait(BlockBackend *blk, SyncReq *s)
{
    while (!s->done) {
        event_loop_run_once(blk_get_loop(blk), true);
    }
    return s->ret;
}

int blk_pread(BlockBackend *blk, int64_t offset, void *buf, uint64_t bytes)
{
    struct iovec iov = { .iov_base = buf, .iov_len = bytes };
    SyncReq s = { 0 };

    blk_aio_preadv(blk, offset, &iov, 1, sync_done, &s);
    return sync_wait(blk, &s);
}

int blk_pwrite(BlockBackend *blk, int64_t offset, const void *buf, uint64_t bytes)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = bytes };
    SyncReq s = { 0 };

    blk_aio_pwritev(blk, offset, &iov, 1, sync_done, &s);
    return sync_wait(blk, &s);
}

int blk_flush(BlockBackend *blk)
{
    SyncReq s = { 0 };

    blk_aio_flush(blk, sync_done, &s);
    return sync_wait(blk, &s);
}
