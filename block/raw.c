/*
 * The "raw" format driver: the guest sees its child's bytes unchanged,
 * optionally a window of them (offset=, size=: QEMU's raw options), with
 * every request checked against that window before it goes down.
 */
#include "block/block.h"
#include "core/object.h"

typedef struct RawState {
    uint64_t offset;
    uint64_t size;
    bool has_size;
} RawState;

typedef struct RawReq {
    BlockRequest child;
    BlockRequest *parent;
} RawReq;

static const char *const raw_options[] = { "offset", "size", NULL };

static bool raw_open(BlockDriverState *bs, BlockOpts *opts, int flags, Error **errp)
{
    RawState *s = bs->opaque;
    const char *off = block_opts_get(opts, "offset");
    const char *size = block_opts_get(opts, "size");
    int64_t child_len = bdrv_getlength(bs->file);

    if (child_len < 0) {
        error_setg_errno(errp, (int)-child_len, "Could not get the size of '%s'",
                         bs->file->filename ? bs->file->filename : "");
        return false;
    }
    if (off && !parse_size(off, &s->offset, errp)) {
        error_prepend(errp, "raw offset: ");
        return false;
    }
    if (size) {
        if (!parse_size(size, &s->size, errp)) {
            error_prepend(errp, "raw size: ");
            return false;
        }
        s->has_size = true;
    }
    if (s->offset > (uint64_t)child_len ||
        (s->has_size && s->size > (uint64_t)child_len - s->offset)) {
        error_setg(errp, "The sum of offset (%" PRIu64 ") and size (%" PRIu64 ") has to be "
                   "smaller or equal to the  actual size of the containing file (%" PRId64
                   ")", s->offset, s->has_size ? s->size : 0, child_len);
        return false;
    }
    /* A window must keep sector alignment so O_DIRECT stays possible. */
    if (s->has_size && s->size % BDRV_SECTOR_SIZE) {
        error_setg(errp, "Specified size is not a multiple of %u", BDRV_SECTOR_SIZE);
        return false;
    }
    return true;
}

static int64_t raw_getlength(BlockDriverState *bs)
{
    RawState *s = bs->opaque;
    int64_t len;

    if (s->has_size) {
        return s->size;
    }
    len = bdrv_getlength(bs->file);
    if (len < 0) {
        return len;
    }
    return (uint64_t)len > s->offset ? len - (int64_t)s->offset : 0;
}

static void raw_done(void *opaque, int ret)
{
    RawReq *r = opaque;
    BlockRequest *parent = r->parent;

    g_free(r);
    bdrv_complete(parent, ret);
}

static void raw_submit(BlockDriverState *bs, BlockRequest *req)
{
    RawState *s = bs->opaque;
    RawReq *r;

    if (req->type != BLK_REQ_FLUSH) {
        int64_t len = raw_getlength(bs);

        if (req->offset < 0 || len < 0 || (uint64_t)req->offset > (uint64_t)len ||
            req->bytes > (uint64_t)len - req->offset) {
            bdrv_complete(req, -EIO);
            return;
        }
    }
    r = g_new(RawReq, 1);
    r->child = *req;
    r->child.offset = req->type == BLK_REQ_FLUSH ? 0 : req->offset + (int64_t)s->offset;
    r->child.cb = raw_done;
    r->child.opaque = r;
    r->parent = req;
    bdrv_submit(bs->file, &r->child);
}

static bool raw_truncate(BlockDriverState *bs, int64_t size, Error **errp)
{
    RawState *s = bs->opaque;

    if (s->has_size) {
        error_setg(errp, "Cannot resize fixed-size raw disks");
        return false;
    }
    if (size > INT64_MAX - (int64_t)s->offset) {
        error_setg(errp, "Image size too large");
        return false;
    }
    return bdrv_truncate(bs->file, size + s->offset, errp);
}

static bool raw_set_perm(BlockDriverState *bs, bool write, bool share_write, Error **errp)
{
    const BlockDriver *d = bs->file->drv;

    return !d->set_perm || d->set_perm(bs->file, write, share_write, errp);
}

static const BlockDriver bdrv_raw = {
    .format_name = "raw",
    .instance_size = sizeof(RawState),
    .options = raw_options,
    .open = raw_open,
    .getlength = raw_getlength,
    .submit = raw_submit,
    .truncate = raw_truncate,
    .set_perm = raw_set_perm,
};

static void __attribute__((constructor)) raw_register(void)
{
    bdrv_register(&bdrv_raw);
}
