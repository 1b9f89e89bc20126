/*
 * Block nodes: the driver registry, option dictionaries, opening a graph
 * from dotted options (the child's options under "file."), node names and
 * request dispatch down the graph.
 */
#include "block/block.h"
#include "core/object.h"

static GPtrArray *drivers;      /* const BlockDriver* */
static GPtrArray *nodes;        /* BlockDriverState*, every open node */

void bdrv_register(const BlockDriver *drv)
{
    if (!drivers) {
        drivers = g_ptr_array_new();
    }
    g_ptr_array_add(drivers, (gpointer)drv);
}

const BlockDriver *bdrv_find_format(const char *name)
{
    for (guint i = 0; name && drivers && i < drivers->len; i++) {
        const BlockDriver *drv = g_ptr_array_index(drivers, i);

        if (!strcmp(drv->format_name, name)) {
            return drv;
        }
    }
    return NULL;
}

BlockOpts *block_opts_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

void block_opts_set(BlockOpts *o, const char *key, const char *value)
{
    g_hash_table_insert(o, g_strdup(key), g_strdup(value));
}

const char *block_opts_get(BlockOpts *o, const char *key)
{
    return g_hash_table_lookup(o, key);
}

void block_opts_free(BlockOpts *o)
{
    if (o) {
        g_hash_table_unref(o);
    }
}

BlockOpts *block_opts_parse(const char *str, Error **errp)
{
    BlockOpts *o = block_opts_new();
    const char *p = str;

    while (p && *p) {
        GString *item = g_string_new(NULL);
        char *eq;

        /* An item runs to the next single comma; ",," is a literal comma. */
        for (; *p; p++) {
            if (*p == ',') {
                if (p[1] == ',') {
                    g_string_append_c(item, ',');
                    p++;
                    continue;
                }
                p++;
                break;
            }
            g_string_append_c(item, *p);
        }
        eq = strchr(item->str, '=');
        if (!eq || eq == item->str) {
            error_setg(errp, "Invalid parameter '%s'", item->str);
            g_string_free(item, true);
            block_opts_free(o);
            return NULL;
        }
        *eq = '\0';
        block_opts_set(o, item->str, eq + 1);
        g_string_free(item, true);
    }
    return o;
}

static bool opts_bool(BlockOpts *o, const char *key, bool def, bool *out, Error **errp)
{
    const char *v = block_opts_get(o, key);

    if (!v) {
        *out = def;
        return true;
    }
    if (!parse_bool(v, out)) {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
        return false;
    }
    return true;
}

/* Keys every node takes, whatever its driver. */
static const char *const generic_keys[] = {
    "driver", "node-name", "read-only", "cache.direct", "cache.no-flush", "discard",
    "auto-read-only", "force-share", "detect-zeroes", NULL,
};

static bool key_in(const char *key, const char *const *list)
{
    for (; list && *list; list++) {
        if (!strcmp(key, *list)) {
            return true;
        }
    }
    return false;
}

static void bdrv_free(BlockDriverState *bs)
{
    if (bs->drv && bs->drv->close && bs->opaque) {
        bs->drv->close(bs);
    }
    if (bs->file) {
        bdrv_unref(bs->file);
    }
    if (nodes) {
        g_ptr_array_remove(nodes, bs);
    }
    g_free(bs->opaque);
    g_free(bs->node_name);
    g_free(bs->filename);
    g_free(bs);
}

BlockDriverState *bdrv_next_node(BlockDriverState *bs)
{
    bool found = !bs;

    for (guint i = 0; nodes && i < nodes->len; i++) {
        BlockDriverState *b = g_ptr_array_index(nodes, i);

        if (found) {
            return b;
        }
        if (b == bs) {
            found = true;
        }
    }
    return NULL;
}

/*
 * A node the user did not name gets one, as QEMU names them ("#block" and
 * a counter and two random digits): query-block, query-blockstats and
 * "info block" show it, and '#' keeps it out of the user's namespace
 * (id_wellformed refuses it).
 */
static char *bdrv_auto_node_name(void)
{
    static uint64_t counter;

    return g_strdup_printf("#block%" PRIu64 "%02d", counter++, g_random_int_range(0, 100));
}

BlockDriverState *bdrv_find_node(const char *node_name)
{
    for (guint i = 0; node_name && nodes && i < nodes->len; i++) {
        BlockDriverState *bs = g_ptr_array_index(nodes, i);

        if (bs->node_name && !strcmp(bs->node_name, node_name)) {
            return bs;
        }
    }
    return NULL;
}

static bool bdrv_parse_flags(BlockOpts *opts, int *flags, Error **errp)
{
    bool ro, direct, noflush;
    const char *discard = block_opts_get(opts, "discard");

    if (!opts_bool(opts, "read-only", !(*flags & BDRV_O_RDWR), &ro, errp) ||
        !opts_bool(opts, "cache.direct", *flags & BDRV_O_NOCACHE, &direct, errp) ||
        !opts_bool(opts, "cache.no-flush", *flags & BDRV_O_NO_FLUSH, &noflush, errp)) {
        return false;
    }
    *flags = (*flags & ~(BDRV_O_RDWR | BDRV_O_NOCACHE | BDRV_O_NO_FLUSH)) |
             (ro ? 0 : BDRV_O_RDWR) | (direct ? BDRV_O_NOCACHE : 0) |
             (noflush ? BDRV_O_NO_FLUSH : 0);
    if (discard) {
        if (!strcmp(discard, "unmap") || !strcmp(discard, "on")) {
            *flags |= BDRV_O_UNMAP;
        } else if (!strcmp(discard, "ignore") || !strcmp(discard, "off")) {
            *flags &= ~BDRV_O_UNMAP;
        } else {
            error_setg(errp, "Invalid discard option '%s'", discard);
            return false;
        }
    }
    return true;
}

BlockDriverState *bdrv_open(BlockOpts *opts, int flags, Error **errp)
{
    const char *driver = block_opts_get(opts, "driver");
    const char *node_name = block_opts_get(opts, "node-name");
    const BlockDriver *drv;
    BlockDriverState *bs;
    BlockOpts *child_opts = NULL;
    GHashTableIter it;
    gpointer k, v;

    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return NULL;
    }
    drv = bdrv_find_format(driver);
    if (!drv) {
        error_setg(errp, "Unknown driver '%s'", driver);
        return NULL;
    }
    if (node_name) {
        if (!id_wellformed(node_name)) {
            error_setg(errp, "Invalid node-name: '%s'", node_name);
            return NULL;
        }
        if (bdrv_find_node(node_name)) {
            error_setg(errp, "Duplicate nodes with node-name='%s'", node_name);
            return NULL;
        }
    }
    if (!bdrv_parse_flags(opts, &flags, errp)) {
        return NULL;
    }
    /* Split "file.KEY" off for the child; check the rest. */
    g_hash_table_iter_init(&it, opts);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const char *key = k;

        if (g_str_has_prefix(key, "file.")) {
            if (drv->is_protocol) {
                error_setg(errp, "Invalid parameter '%s'", key);
                block_opts_free(child_opts);
                return NULL;
            }
            if (!child_opts) {
                child_opts = block_opts_new();
            }
            block_opts_set(child_opts, key + 5, v);
        } else if (!key_in(key, generic_keys) && !key_in(key, drv->options) &&
                   !(strcmp(key, "file") == 0 && !drv->is_protocol)) {
            error_setg(errp, "Invalid parameter '%s'", key);
            block_opts_free(child_opts);
            return NULL;
        }
    }

    bs = g_new0(BlockDriverState, 1);
    bs->drv = drv;
    bs->refcnt = 1;
    bs->node_name = node_name ? g_strdup(node_name) : bdrv_auto_node_name();
    bs->auto_named = !node_name;
    bs->open_flags = flags;
    bs->read_only = !(flags & BDRV_O_RDWR);
    bs->loop = main_loop_get();

    if (!drv->is_protocol) {
        const char *file_ref = block_opts_get(opts, "file");

        if (child_opts) {
            bool ro;

            /* The child inherits the parent's flags unless it says otherwise. */
            if (!opts_bool(child_opts, "read-only", bs->read_only, &ro, errp)) {
                goto fail;
            }
            bs->file = bdrv_open(child_opts, flags, errp);
            if (!bs->file) {
                goto fail;
            }
            bs->file->implicit = !block_opts_get(child_opts, "node-name");
        } else if (file_ref) {
            bs->file = bdrv_find_node(file_ref);
            if (!bs->file) {
                error_setg(errp, "Cannot find device='' nor node-name='%s'", file_ref);
                goto fail;
            }
            bdrv_ref(bs->file);
        } else {
            error_setg(errp, "A block device must be specified for \"file\"");
            goto fail;
        }
        if (bs->file->read_only && !bs->read_only) {
            error_setg(errp, "Cannot open node '%s' read-write over a read-only child",
                       bs->file->filename ? bs->file->filename : "");
            goto fail;
        }
        bs->filename = g_strdup(bs->file->filename);
    }
    bs->opaque = g_malloc0(drv->instance_size ? drv->instance_size : 1);
    if (drv->open && !drv->open(bs, opts, flags, errp)) {
        goto fail;          /* bdrv_free closes what open set up */
    }
    if (!nodes) {
        nodes = g_ptr_array_new();
    }
    g_ptr_array_add(nodes, bs);
    block_opts_free(child_opts);
    return bs;

fail:
    block_opts_free(child_opts);
    bdrv_free(bs);
    return NULL;
}

void bdrv_ref(BlockDriverState *bs)
{
    bs->refcnt++;
}

void bdrv_unref(BlockDriverState *bs)
{
    if (bs && --bs->refcnt == 0) {
        bdrv_free(bs);
    }
}

int64_t bdrv_getlength(BlockDriverState *bs)
{
    if (bs->drv->getlength) {
        return bs->drv->getlength(bs);
    }
    return bs->file ? bdrv_getlength(bs->file) : -ENOMEDIUM;
}

void bdrv_io_plug(BlockDriverState *bs)
{
    for (; bs; bs = bs->file) {
        if (bs->drv->io_plug) {
            bs->drv->io_plug(bs);
            return;
        }
    }
}

void bdrv_io_unplug(BlockDriverState *bs)
{
    for (; bs; bs = bs->file) {
        if (bs->drv->io_unplug) {
            bs->drv->io_unplug(bs);
            return;
        }
    }
}

void bdrv_set_loop(BlockDriverState *bs, EventLoop *loop)
{
    EventLoop *old = bs->loop;

    if (bs->file) {
        bdrv_set_loop(bs->file, loop);
    }
    if (old == loop) {
        return;
    }
    bs->loop = loop;
    if (bs->drv->set_loop) {
        bs->drv->set_loop(bs, old);
    }
}

bool bdrv_truncate(BlockDriverState *bs, int64_t size, Error **errp)
{
    if (size < 0) {
        error_setg(errp, "Parameter 'size' expects a non-negative size");
        return false;
    }
    if (!bs->drv->truncate) {
        error_setg(errp, "Image format '%s' does not support resizing",
                   bs->drv->format_name);
        return false;
    }
    return bs->drv->truncate(bs, size, errp);
}

void bdrv_submit(BlockDriverState *bs, BlockRequest *req)
{
    if (req->type == BLK_REQ_WRITE || req->type == BLK_REQ_WRITE_ZEROES) {
        uint64_t end = (uint64_t)req->offset + req->bytes;
        uint64_t cur = __atomic_load_n(&bs->wr_highest_offset, __ATOMIC_RELAXED);

        /* Iothreads submit too: a lock-free max. */
        while (end > cur &&
               !__atomic_compare_exchange_n(&bs->wr_highest_offset, &cur, end, true,
                                            __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        }
    }
    if (!bs->drv->submit) {
        bdrv_complete(req, -ENOTSUP);
        return;
    }
    bs->drv->submit(bs, req);
}

void bdrv_complete(BlockRequest *req, int ret)
{
    req->cb(req->opaque, ret);
}
