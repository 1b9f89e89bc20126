/*
 * The "file" protocol driver: a host file or block device.
 *
 * Requests run on the worker pool (aio=threads, the default) or through
 * io_uring (aio=io_uring; aio=native maps here too, as both are the
 * kernel's asynchronous I/O) and complete in the node's event loop.
 * cache.direct=on opens with O_DIRECT (buffers not suitably aligned go
 * through an aligned bounce buffer); flush is fdatasync unless
 * cache.no-flush=on (cache=unsafe).
 *
 * Image locking follows QEMU's scheme so that Machina and QEMU processes
 * see each other's locks: open file description (OFD) locks on single
 * bytes, byte 100+i meaning "I hold permission i" and byte 200+i meaning
 * "I do not let others hold permission i".  Two read-write users of one
 * image therefore fail unless they share write (share-rw=on), and
 * locking=off skips all of it.
 */
#include "block/block-int.h"
#include "core/thread.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#define LOCK_PERM_BASE 100
#define LOCK_SHARED_BASE 200
#define PERM_CONSISTENT_READ 0x1
#define PERM_WRITE 0x2
#define PERM_WRITE_UNCHANGED 0x4
#define PERM_RESIZE 0x8
#define PERM_COUNT 4
#define DIRECT_ALIGN 4096

static const char *const perm_names[PERM_COUNT] = {
    "consistent read", "write", "write unchanged", "resize",
};

static const char *const file_options[] = {
    "filename", "aio", "locking", "aio-max-batch", "pr-manager", NULL,
};

/* Locking */

static int lock_byte(int fd, off_t off, bool lock)
{
    struct flock fl = {
        .l_whence = SEEK_SET, .l_start = off, .l_len = 1,
        .l_type = lock ? F_RDLCK : F_UNLCK,
    };

    return fcntl(fd, F_OFD_SETLK, &fl) == -1 ? -errno : 0;
}

/* Is the byte locked by another open file description? */
static bool byte_taken(int fd, off_t off)
{
    struct flock fl = {
        .l_whence = SEEK_SET, .l_start = off, .l_len = 1, .l_type = F_WRLCK,
    };

    return fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
}

static bool file_apply_locks(FileState *s, unsigned perm, unsigned unshared, Error **errp)
{
    for (int i = 0; i < PERM_COUNT; i++) {
        int r = lock_byte(s->fd, LOCK_PERM_BASE + i, perm & (1u << i));

        if (!r) {
            r = lock_byte(s->fd, LOCK_SHARED_BASE + i, unshared & (1u << i));
        }
        if (r) {
            error_setg_errno(errp, -r, "Failed to lock byte %d", LOCK_PERM_BASE + i);
            return false;
        }
    }
    return true;
}

static bool file_check_locks(FileState *s, unsigned perm, unsigned unshared,
                             Error **errp)
{
    for (int i = 0; i < PERM_COUNT; i++) {
        if ((perm & (1u << i)) && byte_taken(s->fd, LOCK_SHARED_BASE + i)) {
            error_setg(errp, "Failed to get \"%s\" lock", perm_names[i]);
            goto hint;
        }
        if ((unshared & (1u << i)) && byte_taken(s->fd, LOCK_PERM_BASE + i)) {
            error_setg(errp, "Failed to get shared \"%s\" lock", perm_names[i]);
            goto hint;
        }
    }
    return true;
hint:
    error_append_hint(errp, "Is another process using the image [%s]?\n", s->filename);
    return false;
}

static bool file_set_perm(BlockDriverState *bs, bool write, bool share_write,
                          Error **errp)
{
    FileState *s = bs->opaque;
    unsigned perm = PERM_CONSISTENT_READ | (write ? PERM_WRITE : 0);
    unsigned unshared = share_write ? 0 : PERM_WRITE | PERM_RESIZE;

    if (!s->locking) {
        return true;
    }
    if (!file_apply_locks(s, perm, unshared, errp) ||
        !file_check_locks(s, perm, unshared, errp)) {
        /* Back to what we held (nothing yet on the first try). */
        file_apply_locks(s, s->perm, s->unshared, NULL);
        return false;
    }
    s->perm = perm;
    s->unshared = unshared;
    return true;
}

/* Opening */

static bool file_open(BlockDriverState *bs, BlockOpts *opts, int flags, Error **errp)
{
    FileState *s = bs->opaque;
    const char *filename = block_opts_get(opts, "filename");
    const char *aio = block_opts_get(opts, "aio");
    const char *locking = block_opts_get(opts, "locking");
    int oflags = O_CLOEXEC | ((flags & BDRV_O_RDWR) ? O_RDWR : O_RDONLY);
    struct stat st;

    s->fd = -1;
    if (!filename || !*filename) {
        error_setg(errp, "Parameter 'filename' is missing");
        return false;
    }
    s->filename = g_strdup(filename);
    bs->filename = g_strdup(filename);
    s->use_io_uring = flags & BDRV_O_IO_URING;
    if (aio) {
        if (!strcmp(aio, "io_uring") || !strcmp(aio, "native")) {
            s->use_io_uring = true;
        } else if (!strcmp(aio, "threads")) {
            s->use_io_uring = false;
        } else {
            error_setg(errp, "Parameter 'aio' does not accept value '%s'", aio);
            return false;
        }
    }
    s->locking = true;
    if (locking && strcmp(locking, "on") && strcmp(locking, "auto")) {
        if (strcmp(locking, "off")) {
            error_setg(errp, "Parameter 'locking' does not accept value '%s'", locking);
            return false;
        }
        s->locking = false;
    }
    s->direct = flags & BDRV_O_NOCACHE;
    s->no_flush = flags & BDRV_O_NO_FLUSH;
    s->discard = flags & BDRV_O_UNMAP;
    if (s->direct) {
        oflags |= O_DIRECT;
    }
    s->fd = open(filename, oflags);
    if (s->fd < 0) {
        int err = errno;

        if (s->direct && err == EINVAL) {
            error_setg(errp, "Could not open '%s': filesystem does not support O_DIRECT",
                       filename);
        } else {
            error_setg_errno(errp, err, "Could not open '%s'", filename);
        }
        return false;
    }
    if (fstat(s->fd, &st) < 0) {
        error_setg_errno(errp, errno, "Could not stat '%s'", filename);
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        error_setg(errp, "'%s' is a directory", filename);
        return false;
    }
    s->is_blockdev = S_ISBLK(st.st_mode);
    /* Locks are taken when a user states its permissions (blk_set_perm). */
    if (s->use_io_uring) {
        s->ring = luring_new(bs->loop, errp);
        if (!s->ring) {
            return false;
        }
    }
    return true;
}

static void file_close(BlockDriverState *bs)
{
    FileState *s = bs->opaque;

    if (s->ring) {
        luring_free(s->ring);
    }
    if (s->fd >= 0) {
        close(s->fd);       /* drops the OFD locks with the description */
    }
    g_free(s->filename);
}

static int64_t file_getlength(BlockDriverState *bs)
{
    FileState *s = bs->opaque;
    off_t len;

    if (s->is_blockdev) {
        uint64_t bytes;

        if (ioctl(s->fd, BLKGETSIZE64, &bytes) == 0) {
            return bytes;
        }
    }
    len = lseek(s->fd, 0, SEEK_END);
    return len < 0 ? -errno : len;
}

static bool file_truncate(BlockDriverState *bs, int64_t size, Error **errp)
{
    FileState *s = bs->opaque;
    int64_t cur;

    if (s->is_blockdev) {
        /* A device has the size it has (QEMU: only shrinking views of it). */
        cur = file_getlength(bs);
        if (cur < 0 || size > cur) {
            error_setg(errp, "Cannot grow device files");
            return false;
        }
        return true;
    }
    if (ftruncate(s->fd, size) < 0) {
        error_setg_errno(errp, errno, "Failed to resize '%s'", s->filename);
        return false;
    }
    return true;
}

/* Requests on the worker pool */

typedef struct FileReq {
    FileState *s;
    BlockRequest *req;
} FileReq;

static bool iov_aligned(const struct iovec *iov, int niov)
{
    for (int i = 0; i < niov; i++) {
        if ((uintptr_t)iov[i].iov_base % DIRECT_ALIGN || iov[i].iov_len % BDRV_SECTOR_SIZE) {
            return false;
        }
    }
    return true;
}

/* preadv/pwritev until done: the kernel may transfer less than asked. */
static int file_rw_iov(int fd, bool write, int64_t offset, const struct iovec *iov,
                       int niov, uint64_t bytes)
{
    uint64_t done = 0;

    while (done < bytes) {
        IOVector v;
        ssize_t n;

        iovec_init(&v, niov);
        iovec_concat(&v, iov, niov, done, bytes - done);
        n = write ? pwritev(fd, v.iov, MIN(v.niov, IOV_MAX), offset + done)
                  : preadv(fd, v.iov, MIN(v.niov, IOV_MAX), offset + done);
        iovec_destroy(&v);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            if (write) {
                return -EIO;
            }
            /* End of file (it shrank under us): the rest reads as zeroes. */
            iov_memset(iov, niov, done, 0, bytes - done);
            break;
        }
        done += n;
    }
    return 0;
}

int file_do_rw(FileState *s, bool write, int64_t offset, const struct iovec *iov,
               int niov, uint64_t bytes)
{
    void *bounce;
    int ret;

    if (!s->direct || iov_aligned(iov, niov)) {
        return file_rw_iov(s->fd, write, offset, iov, niov, bytes);
    }
    /* O_DIRECT wants aligned memory: go through a bounce buffer. */
    if (posix_memalign(&bounce, DIRECT_ALIGN, QEMU_ALIGN_UP(bytes, DIRECT_ALIGN))) {
        return -ENOMEM;
    }
    struct iovec one = { .iov_base = bounce, .iov_len = bytes };
    if (write) {
        iov_to_buf(iov, niov, 0, bounce, bytes);
    }
    ret = file_rw_iov(s->fd, write, offset, &one, 1, bytes);
    if (!write && ret == 0) {
        iov_from_buf(iov, niov, 0, bounce, bytes);
    }
    free(bounce);
    return ret;
}

static int file_do_zeroes(FileState *s, int64_t offset, uint64_t bytes, bool unmap)
{
    void *zeroes;
    int ret = 0;

    if (unmap && s->discard &&
        fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, bytes) == 0) {
        return 0;
    }
    if (!s->is_blockdev && fallocate(s->fd, FALLOC_FL_ZERO_RANGE, offset, bytes) == 0) {
        return 0;
    }
    /* No fast path: write zeroes, 1 MiB at a time. */
    if (posix_memalign(&zeroes, DIRECT_ALIGN, 1 * MiB)) {
        return -ENOMEM;
    }
    memset(zeroes, 0, 1 * MiB);
    while (bytes && !ret) {
        uint64_t n = MIN(bytes, 1 * MiB);
        struct iovec one = { .iov_base = zeroes, .iov_len = n };

        ret = file_rw_iov(s->fd, true, offset, &one, 1, n);
        offset += n;
        bytes -= n;
    }
    free(zeroes);
    return ret;
}

static int file_worker(void *arg)
{
    FileReq *fr = arg;
    FileState *s = fr->s;
    BlockRequest *req = fr->req;

    switch (req->type) {
    case BLK_REQ_READ:
    case BLK_REQ_WRITE:
        return file_do_rw(s, req->type == BLK_REQ_WRITE, req->offset, req->iov, req->niov,
                          req->bytes);
    case BLK_REQ_FLUSH:
        return fdatasync(s->fd) < 0 ? -errno : 0;
    case BLK_REQ_DISCARD:
        if (!s->discard) {
            return 0;           /* discard=ignore: a hint we may drop */
        }
        if (s->is_blockdev) {
            uint64_t range[2] = { req->offset, req->bytes };

            return ioctl(s->fd, BLKDISCARD, range) < 0 && errno != EOPNOTSUPP ? -errno : 0;
        }
        if (fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, req->offset,
                      req->bytes) < 0 && errno != EOPNOTSUPP) {
            return -errno;
        }
        return 0;
    case BLK_REQ_WRITE_ZEROES:
        return file_do_zeroes(s, req->offset, req->bytes, req->flags & BDRV_REQ_MAY_UNMAP);
    }
    return -EINVAL;
}

static void file_worker_done(void *opaque, int ret)
{
    FileReq *fr = opaque;
    BlockRequest *req = fr->req;

    g_free(fr);
    bdrv_complete(req, ret);
}

static void file_submit(BlockDriverState *bs, BlockRequest *req)
{
    FileState *s = bs->opaque;
    FileReq *fr;

    if (req->type == BLK_REQ_FLUSH && s->no_flush) {
        bdrv_complete(req, 0);
        return;
    }
    if (s->ring && luring_submit(s->ring, s, req)) {
        return;
    }
    fr = g_new(FileReq, 1);
    fr->s = s;
    fr->req = req;
    thread_pool_submit(bs->loop, file_worker, fr, file_worker_done, fr);
}

static void file_io_plug(BlockDriverState *bs)
{
    FileState *s = bs->opaque;

    if (s->ring) {
        luring_plug(s->ring);
    }
}

static void file_io_unplug(BlockDriverState *bs)
{
    FileState *s = bs->opaque;

    if (s->ring) {
        luring_unplug(s->ring);
    }
}

static void file_set_loop(BlockDriverState *bs, EventLoop *old_loop)
{
    FileState *s = bs->opaque;

    /* The worker pool takes bs->loop per request; only the ring watches an fd. */
    if (s->ring) {
        luring_set_loop(s->ring, bs->loop);
    }
}

static const BlockDriver bdrv_file = {
    .format_name = "file",
    .instance_size = sizeof(FileState),
    .is_protocol = true,
    .options = file_options,
    .open = file_open,
    .close = file_close,
    .getlength = file_getlength,
    .submit = file_submit,
    .truncate = file_truncate,
    .set_perm = file_set_perm,
    .set_loop = file_set_loop,
    .io_plug = file_io_plug,
    .io_unplug = file_io_unplug,
};

/* "host_device" is QEMU's name for the same driver on block devices. */
static BlockDriver bdrv_host_device;

static void __attribute__((constructor)) file_register(void)
{
    bdrv_register(&bdrv_file);
    bdrv_host_device = bdrv_file;
    bdrv_host_device.format_name = "host_device";
    bdrv_register(&bdrv_host_device);
}
