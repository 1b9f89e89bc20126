/*
 * -drive and -blockdev as QEMU documents them (qemu-system(1), "Block
 * device options").
 *
 * -blockdev builds one node graph from dotted options:
 *   driver=raw,node-name=n,file.driver=file,file.filename=PATH
 * -drive is the older all-in-one form: it builds format node + file node
 * and a named BlockBackend, maps the cache= modes onto cache.direct /
 * cache.no-flush and the guest write cache, and sets werror=/rerror=.
 * Keys it does not know go to the format driver (offset=, size= for raw).
 */
#include "block/block.h"
#include "core/object.h"

/* Keys of -drive itself (the rest are driver options). */
static const char *const drive_keys[] = {
    "file", "format", "if", "id", "index", "media", "cache", "aio", "readonly",
    "read-only", "discard", "werror", "rerror", "snapshot", "locking", "bus", "unit",
    NULL,
};

static bool is_drive_key(const char *k)
{
    for (const char *const *p = drive_keys; *p; p++) {
        if (!strcmp(*p, k)) {
            return true;
        }
    }
    return false;
}

/*
 * cache=MODE (QEMU's table):       cache.writeback  cache.direct  cache.no-flush
 *   writeback (default)            on               off           off
 *   none                           on               on            off
 *   writethrough                   off              off           off
 *   directsync                     off              on            off
 *   unsafe                         on               off           on
 */
static bool parse_cache_mode(const char *mode, int *flags, bool *wce, Error **errp)
{
    *flags &= ~(BDRV_O_NOCACHE | BDRV_O_NO_FLUSH);
    *wce = true;
    if (!strcmp(mode, "writeback")) {
        return true;
    } else if (!strcmp(mode, "none") || !strcmp(mode, "off")) {
        *flags |= BDRV_O_NOCACHE;
    } else if (!strcmp(mode, "writethrough")) {
        *wce = false;
    } else if (!strcmp(mode, "directsync")) {
        *flags |= BDRV_O_NOCACHE;
        *wce = false;
    } else if (!strcmp(mode, "unsafe")) {
        *flags |= BDRV_O_NO_FLUSH;
    } else {
        error_setg(errp, "invalid cache option");
        return false;
    }
    return true;
}

static unsigned drive_counter[2];

BlockBackend *drive_new(const char *optstr, BlockInterfaceType *iface, Error **errp)
{
    BlockOpts *in = block_opts_parse(optstr, errp);
    BlockOpts *opts = NULL;
    const char *v;
    int flags = BDRV_O_RDWR;
    bool wce = true, ro = false, b;
    BlockdevOnError on_read = BLOCKDEV_ON_ERROR_REPORT;
    BlockdevOnError on_write = BLOCKDEV_ON_ERROR_ENOSPC;
    BlockDriverState *bs = NULL;
    BlockBackend *blk = NULL;
    char *id = NULL;
    GHashTableIter it;
    gpointer k, val;

    if (!in) {
        return NULL;
    }
    *iface = IF_VIRTIO;
    v = block_opts_get(in, "if");
    if (v) {
        if (!strcmp(v, "none")) {
            *iface = IF_NONE;
        } else if (strcmp(v, "virtio")) {
            error_setg(errp, "unsupported bus type '%s'", v);
            goto out;
        }
    }
    if ((v = block_opts_get(in, "media")) && strcmp(v, "disk")) {
        error_setg(errp, "'%s' invalid media (only 'disk')", v);
        goto out;
    }
    if ((v = block_opts_get(in, "snapshot")) && parse_bool(v, &b) && b) {
        error_setg(errp, "snapshot=on is not supported");
        goto out;
    }
    if ((v = block_opts_get(in, "readonly")) || (v = block_opts_get(in, "read-only"))) {
        if (!parse_bool(v, &ro)) {
            error_setg(errp, "Parameter 'readonly' expects 'on' or 'off'");
            goto out;
        }
        if (ro) {
            flags &= ~BDRV_O_RDWR;
        }
    }
    if ((v = block_opts_get(in, "cache")) && !parse_cache_mode(v, &flags, &wce, errp)) {
        goto out;
    }
    if ((v = block_opts_get(in, "werror")) &&
        !blockdev_parse_on_error(v, false, &on_write, errp)) {
        goto out;
    }
    if ((v = block_opts_get(in, "rerror")) &&
        !blockdev_parse_on_error(v, true, &on_read, errp)) {
        goto out;
    }
    if (!block_opts_get(in, "file") && !block_opts_get(in, "file.filename")) {
        error_setg(errp, "A block device must be specified for \"file\"");
        goto out;
    }

    opts = block_opts_new();
    block_opts_set(opts, "driver", (v = block_opts_get(in, "format")) ? v : "raw");
    if (!strcmp(block_opts_get(opts, "driver"), "file")) {
        /* format=file: the protocol node alone. */
        if ((v = block_opts_get(in, "file"))) {
            block_opts_set(opts, "filename", v);
        }
        if ((v = block_opts_get(in, "aio"))) {
            block_opts_set(opts, "aio", v);
        }
        if ((v = block_opts_get(in, "locking"))) {
            block_opts_set(opts, "locking", v);
        }
    } else {
        block_opts_set(opts, "file.driver", "file");
        if ((v = block_opts_get(in, "file"))) {
            block_opts_set(opts, "file.filename", v);
        }
        if ((v = block_opts_get(in, "aio"))) {
            block_opts_set(opts, "file.aio", v);
        }
        if ((v = block_opts_get(in, "locking"))) {
            block_opts_set(opts, "file.locking", v);
        }
    }
    if ((v = block_opts_get(in, "discard"))) {
        block_opts_set(opts, "discard", v);
        if (strcmp(block_opts_get(opts, "driver"), "file")) {
            block_opts_set(opts, "file.discard", v);
        }
    }
    g_hash_table_iter_init(&it, in);
    while (g_hash_table_iter_next(&it, &k, &val)) {
        if (!is_drive_key(k)) {
            block_opts_set(opts, k, val);
        }
    }

    bs = bdrv_open(opts, flags, errp);
    if (!bs) {
        goto out;
    }
    bs->implicit = true;
    if ((v = block_opts_get(in, "id"))) {
        if (!id_wellformed(v)) {
            error_setg(errp, "Parameter 'id' expects an identifier");
            goto out;
        }
        id = g_strdup(v);
    } else {
        /* QEMU names unnamed drives after their interface: virtio0, none0... */
        id = g_strdup_printf("%s%u", *iface == IF_NONE ? "none" : "virtio",
                             drive_counter[*iface]++);
    }
    blk = blk_new(id, bs, errp);
    if (blk) {
        blk_set_enable_write_cache(blk, wce);
        blk_set_on_error(blk, on_read, on_write);
    }
out:
    if (bs) {
        bdrv_unref(bs);      /* the backend holds its own reference */
    }
    g_free(id);
    block_opts_free(opts);
    block_opts_free(in);
    return blk;
}

BlockDriverState *blockdev_new(const char *optstr, Error **errp)
{
    BlockOpts *opts = block_opts_parse(optstr, errp);
    BlockDriverState *bs;

    if (!opts) {
        return NULL;
    }
    if (!block_opts_get(opts, "node-name")) {
        /* QEMU requires it at the top level of -blockdev. */
        error_setg(errp, "node-name is required");
        block_opts_free(opts);
        return NULL;
    }
    bs = bdrv_open(opts, BDRV_O_RDWR, errp);
    block_opts_free(opts);
    return bs;
}
