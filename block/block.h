/*
 * The block layer: a graph of nodes (BlockDriverState) under BlockBackends.
 *
 * A node runs one driver: a protocol driver ("file": a host file or block
 * device) at the bottom, format drivers ("raw", with offset= and size=)
 * above, each reaching the next through its `file` child.  A device talks
 * only to a BlockBackend (the attachment point with the cache mode's write
 * cache setting and the werror=/rerror= policies), never to a file.
 *
 * Requests are asynchronous: the completion callback runs in the
 * backend's event loop (the main loop unless moved to an iothread with
 * blk_set_loop), with the BQL held in the main loop as for any main-loop
 * handler, and without it in an iothread.  ret is 0 or a negative errno.
 *
 * Nodes are configured with flat dotted options as -blockdev and -drive
 * take them: "driver=raw,node-name=n,file.driver=file,file.filename=PATH".
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include "core/osdep.h"
#include "core/error.h"
#include "core/main-loop.h"
#include "block/iov.h"

#define BDRV_SECTOR_SIZE 512

typedef struct BlockDriverState BlockDriverState;
typedef struct BlockBackend BlockBackend;
typedef struct BlockDriver BlockDriver;

/* Open flags (QEMU's meanings). */
#define BDRV_O_RDWR 0x0002
#define BDRV_O_NOCACHE 0x0020        /* cache.direct=on: O_DIRECT */
#define BDRV_O_NO_FLUSH 0x0200       /* cache.no-flush=on: flush is a no-op */
#define BDRV_O_IO_URING 0x40000      /* aio=io_uring (or native) */
#define BDRV_O_UNMAP 0x4000          /* discard=unmap */

/* Request flags */
#define BDRV_REQ_MAY_UNMAP 0x4       /* write-zeroes may deallocate */

typedef void BlockCompletionFunc(void *opaque, int ret);

typedef enum BlockReqType {
    BLK_REQ_READ,
    BLK_REQ_WRITE,
    BLK_REQ_FLUSH,
    BLK_REQ_DISCARD,
    BLK_REQ_WRITE_ZEROES,
} BlockReqType;

/* One request travelling down the graph. */
typedef struct BlockRequest {
    BlockReqType type;
    int64_t offset;
    uint64_t bytes;
    const struct iovec *iov;     /* READ/WRITE: the caller's buffers */
    int niov;
    int flags;
    BlockCompletionFunc *cb;
    void *opaque;
} BlockRequest;

/* An options dictionary: dotted key -> value string. */
typedef GHashTable BlockOpts;
BlockOpts *block_opts_new(void);
void block_opts_set(BlockOpts *o, const char *key, const char *value);
const char *block_opts_get(BlockOpts *o, const char *key);
/* "a=1,b.c=2" (",," escapes a comma); errors name the bad item. */
BlockOpts *block_opts_parse(const char *str, Error **errp);
void block_opts_free(BlockOpts *o);

struct BlockDriver {
    const char *format_name;
    size_t instance_size;
    bool is_protocol;            /* bottom of a graph: no file child */
    /* Options this driver takes (besides driver/node-name/read-only/cache.*);
     * NULL-terminated.  Unknown keys are an error, as QEMU reports them. */
    const char *const *options;
    bool (*open)(BlockDriverState *bs, BlockOpts *opts, int flags, Error **errp);
    void (*close)(BlockDriverState *bs);
    int64_t (*getlength)(BlockDriverState *bs);
    /* Start req; complete it with bdrv_complete (any time, in bs->loop). */
    void (*submit)(BlockDriverState *bs, BlockRequest *req);
    /* Grow or shrink the image to size bytes (block_resize). */
    bool (*truncate)(BlockDriverState *bs, int64_t size, Error **errp);
    /* Change the permissions held on the image (locking); may fail. */
    bool (*set_perm)(BlockDriverState *bs, bool write, bool share_write, Error **errp);
    /*
     * Hold submissions back until the matching io_unplug, then send them in
     * one go (one io_uring_enter for a batch); nests.  Optional.
     */
    void (*io_plug)(BlockDriverState *bs);
    void (*io_unplug)(BlockDriverState *bs);
    /* bs->loop changed (no request in flight): move the driver's own fd handlers. */
    void (*set_loop)(BlockDriverState *bs, EventLoop *old_loop);
};

struct BlockDriverState {
    const BlockDriver *drv;
    void *opaque;                /* drv->instance_size bytes */
    char *node_name;
    char *filename;              /* for messages */
    BlockDriverState *file;      /* child (format drivers) */
    int open_flags;
    bool read_only;
    EventLoop *loop;
    unsigned refcnt;
    bool implicit;               /* created by -drive, not named by the user */
    bool auto_named;             /* node_name is a generated "#blockNNN" */
    uint64_t wr_highest_offset;  /* end of the furthest write (atomic) */
};

void bdrv_register(const BlockDriver *drv);
const BlockDriver *bdrv_find_format(const char *name);

/*
 * Open a node (and its children) from options; flags from -drive's cache
 * and readonly.  The result has one reference.
 */
BlockDriverState *bdrv_open(BlockOpts *opts, int flags, Error **errp);
void bdrv_ref(BlockDriverState *bs);
void bdrv_unref(BlockDriverState *bs);
BlockDriverState *bdrv_find_node(const char *node_name);
/* Iterate over every node in creation order (NULL starts; NULL at the end). */
BlockDriverState *bdrv_next_node(BlockDriverState *bs);
int64_t bdrv_getlength(BlockDriverState *bs);
/* Batch submissions to the first node below bs that batches (nests). */
void bdrv_io_plug(BlockDriverState *bs);
void bdrv_io_unplug(BlockDriverState *bs);
/* Move bs and the nodes below it to loop (QEMU's AioContext change). */
void bdrv_set_loop(BlockDriverState *bs, EventLoop *loop);
/* Submit to bs's driver (a format driver calls this on bs->file). */
void bdrv_submit(BlockDriverState *bs, BlockRequest *req);
/* Called by a driver when req is done; runs the callback. */
void bdrv_complete(BlockRequest *req, int ret);

/* Error policies (werror=/rerror=, QEMU's BlockdevOnError). */
typedef enum BlockdevOnError {
    BLOCKDEV_ON_ERROR_REPORT,
    BLOCKDEV_ON_ERROR_IGNORE,
    BLOCKDEV_ON_ERROR_ENOSPC,    /* stop on ENOSPC, report the rest */
    BLOCKDEV_ON_ERROR_STOP,
} BlockdevOnError;

typedef enum BlockErrorAction {
    BLOCK_ERROR_ACTION_REPORT,
    BLOCK_ERROR_ACTION_IGNORE,
    BLOCK_ERROR_ACTION_STOP,
} BlockErrorAction;

bool blockdev_parse_on_error(const char *str, bool is_read, BlockdevOnError *out,
                             Error **errp);

/* Backends. */
BlockBackend *blk_new(const char *name, BlockDriverState *root, Error **errp);
void blk_unref(BlockBackend *blk);
/* A backend by its -drive id, or (QEMU's drive=NODE) an anonymous one over a node. */
BlockBackend *blk_by_name(const char *name);
BlockBackend *blk_find_or_create(const char *name, Error **errp);
const char *blk_name(BlockBackend *blk);
BlockDriverState *blk_bs(BlockBackend *blk);
/* The backend (named or anonymous) whose root is bs, or NULL. */
BlockBackend *blk_by_root(BlockDriverState *bs);
/* Iterate over named backends (-drive ids) in creation order. */
BlockBackend *blk_next(BlockBackend *blk);
/* ... and over every backend, anonymous ones included. */
BlockBackend *blk_all_next(BlockBackend *blk);

/*
 * I/O accounting of a backend, as QEMU's BlockAcctStats counts it: at
 * request completion, per type.  A request the backend refuses before it
 * reaches a driver (out of range) is "invalid"; one a driver fails is
 * "failed" and still adds its latency (account_failed).  Updated from any
 * thread a completion runs in, under the backend's stats lock.
 */
typedef enum BlockAcctType {
    BLOCK_ACCT_READ,
    BLOCK_ACCT_WRITE,
    BLOCK_ACCT_FLUSH,
    BLOCK_ACCT_UNMAP,
    BLOCK_ACCT_MAX,
} BlockAcctType;

typedef struct BlockAcctStats {
    uint64_t nr_bytes[BLOCK_ACCT_MAX];
    uint64_t nr_ops[BLOCK_ACCT_MAX];
    uint64_t failed_ops[BLOCK_ACCT_MAX];
    uint64_t invalid_ops[BLOCK_ACCT_MAX];
    uint64_t merged[BLOCK_ACCT_MAX];
    uint64_t total_time_ns[BLOCK_ACCT_MAX];
    int64_t last_access_ns;      /* QEMU_CLOCK_REALTIME; 0: nothing yet */
    bool account_invalid, account_failed;
} BlockAcctStats;

/* A consistent copy of blk's counters. */
void blk_get_stats(BlockBackend *blk, BlockAcctStats *out);

/*
 * What the user of the backend will do, as QEMU's permission system says
 * it: write (or only read), and whether others may write too (share-rw=on).
 * With locking on, this takes the image locks and fails with QEMU's
 * 'Failed to get "write" lock' when another process conflicts.
 */
bool blk_set_perm(BlockBackend *blk, bool write, bool share_write, Error **errp);

/* What the device in front wants to hear about (QEMU's BlockDevOps). */
typedef struct BlockDevOps {
    void (*resize_cb)(void *opaque);     /* the backend's length changed */
    /*
     * The VM stops (drained_begin: finish what is in flight, start nothing
     * new) or runs again (drained_end).  Called in the main thread with the
     * BQL held, by blk_drain_all_begin/end.
     */
    void (*drained_begin)(void *opaque);
    void (*drained_end)(void *opaque);
    /*
     * Removable media (QEMU's BlockDevOps): a device that has
     * change_media_cb takes media changes (load: a medium went in or the
     * tray should close; !load: it came out or the tray should open).
     * is_tray_open says it has a tray; is_medium_locked that the guest
     * locked it (eject then needs force).
     */
    void (*change_media_cb)(void *opaque, bool load);
    bool (*is_tray_open)(void *opaque);
    bool (*is_medium_locked)(void *opaque);
    void (*eject_request_cb)(void *opaque, bool force);
} BlockDevOps;
void blk_set_dev_ops(BlockBackend *blk, const BlockDevOps *ops, void *opaque);
/* block_resize: truncate the graph to size bytes, then tell the device. */
bool blk_truncate(BlockBackend *blk, int64_t size, Error **errp);
bool bdrv_truncate(BlockDriverState *bs, int64_t size, Error **errp);
/* The cache mode flags of the backend, for query-block. */
int blk_get_open_flags(BlockBackend *blk);

/* One device per backend. */
bool blk_attach_dev(BlockBackend *blk, void *dev, Error **errp);
void blk_detach_dev(BlockBackend *blk, void *dev);
void *blk_get_attached_dev(BlockBackend *blk);

int64_t blk_getlength(BlockBackend *blk);
bool blk_is_read_only(BlockBackend *blk);
/* The guest-visible write cache: off for cache=writethrough/directsync. */
bool blk_enable_write_cache(BlockBackend *blk);
void blk_set_enable_write_cache(BlockBackend *blk, bool wce);
void blk_set_on_error(BlockBackend *blk, BlockdevOnError on_read, BlockdevOnError on_write);
BlockErrorAction blk_get_error_action(BlockBackend *blk, bool is_read, int error);
/*
 * A device applies the action it got for a host error: the hook system/
 * installs reports it (QMP BLOCK_IO_ERROR) and, for STOP, stops the VM.
 */
void blk_error_action(BlockBackend *blk, BlockErrorAction action, bool is_read, int error);
typedef void BlockErrorHook(BlockBackend *blk, BlockErrorAction action, bool is_read,
                            int error);
void block_set_error_hook(BlockErrorHook *fn);

/*
 * Media (blockdev.c's eject/change commands sit on these).  A backend
 * without a device, or whose device has change_media_cb, is removable.
 * With no medium (root NULL) every request fails with -ENOMEDIUM and the
 * length is -ENOMEDIUM.
 */
bool blk_is_inserted(BlockBackend *blk);
bool blk_dev_has_removable_media(BlockBackend *blk);
bool blk_dev_has_tray(BlockBackend *blk);
bool blk_dev_is_tray_open(BlockBackend *blk);
bool blk_dev_is_medium_locked(BlockBackend *blk);
void blk_dev_eject_request(BlockBackend *blk, bool force);
/* Tell the device; if its tray moved, the tray hook hears of it. */
void blk_dev_change_media_cb(BlockBackend *blk, bool load);
/* Take the medium out (the backend keeps its settings). */
void blk_remove_bs(BlockBackend *blk);
/* Put bs in (takes a reference); fails if bs is another backend's root. */
bool blk_insert_bs(BlockBackend *blk, BlockDriverState *bs, Error **errp);
/* Reported when a device's tray opened or closed (QMP DEVICE_TRAY_MOVED). */
typedef void BlockTrayHook(BlockBackend *blk, bool tray_open);
void block_set_tray_hook(BlockTrayHook *fn);

/* The loop the backend's completions run in. */
EventLoop *blk_get_loop(BlockBackend *blk);
/*
 * Run the backend's graph in loop (an iothread's, or main_loop_get() to
 * come back): requests must then be submitted from that loop's thread, and
 * complete there.  Call with nothing in flight.  Fails if a node of the
 * graph already runs in another iothread.
 */
bool blk_set_loop(BlockBackend *blk, EventLoop *loop, Error **errp);
/* A device about to submit several requests at once (QEMU's blk_io_plug). */
void blk_io_plug(BlockBackend *blk);
void blk_io_unplug(BlockBackend *blk);
/*
 * vm_stop / vm_start: every attached device finishes its requests in flight
 * and starts no new one until blk_drain_all_end (BlockDevOps drained_*).
 */
void blk_drain_all_begin(void);
void blk_drain_all_end(void);

/*
 * Asynchronous requests (offset and bytes in bytes).  Out-of-range
 * requests complete with -EIO (reads/writes beyond the end) or -EPERM
 * (writes to a read-only backend); nothing is sent down.  With the write
 * cache off, a write is followed by a flush before it completes.
 */
void blk_aio_preadv(BlockBackend *blk, int64_t offset, const struct iovec *iov, int niov,
                    BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwritev(BlockBackend *blk, int64_t offset, const struct iovec *iov, int niov,
                     BlockCompletionFunc *cb, void *opaque);
void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque);
void blk_aio_pdiscard(BlockBackend *blk, int64_t offset, uint64_t bytes,
                      BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwrite_zeroes(BlockBackend *blk, int64_t offset, uint64_t bytes, int flags,
                           BlockCompletionFunc *cb, void *opaque);

/* Synchronous forms (tools, tests): run the backend's loop until done. */
int blk_pread(BlockBackend *blk, int64_t offset, void *buf, uint64_t bytes);
int blk_pwrite(BlockBackend *blk, int64_t offset, const void *buf, uint64_t bytes);
int blk_flush(BlockBackend *blk);

/*
 * -drive and -blockdev (block/blockdev.c).  drive_new returns the backend
 * named by id= (or "NAMEn" for if=virtio without id), and the interface.
 */
typedef enum BlockInterfaceType {
    IF_NONE,
    IF_VIRTIO,
} BlockInterfaceType;

BlockBackend *drive_new(const char *optstr, BlockInterfaceType *iface, Error **errp);
BlockDriverState *blockdev_new(const char *optstr, Error **errp);

#endif
