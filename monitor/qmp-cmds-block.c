/*
 * QMP query-block and block_resize over the block layer (QEMU's commands,
 * field names and errors, for the subset of BlockInfo Machina has).
 */
#include "core/osdep.h"
#include "block/block.h"
#include "core/object.h"
#include "monitor/monitor-internal.h"

static json_object *block_device_info(BlockBackend *blk)
{
    BlockDriverState *bs = blk_bs(blk), *proto = bs;
    int flags = blk_get_open_flags(blk);
    json_object *o = json_object_new_object(), *cache = json_object_new_object();
    json_object *image = json_object_new_object();
    int64_t len = blk_getlength(blk);

    while (proto->file) {
        proto = proto->file;
    }
    json_object_object_add(o, "file", json_object_new_string(proto->filename ?
                                                             proto->filename : ""));
    if (bs->node_name) {
        json_object_object_add(o, "node-name", json_object_new_string(bs->node_name));
    }
    json_object_object_add(o, "ro", json_object_new_boolean(blk_is_read_only(blk)));
    json_object_object_add(o, "drv", json_object_new_string(bs->drv->format_name));
    json_object_object_add(o, "encrypted", json_object_new_boolean(false));
    json_object_object_add(cache, "writeback",
                           json_object_new_boolean(blk_enable_write_cache(blk)));
    json_object_object_add(cache, "direct",
                           json_object_new_boolean(flags & BDRV_O_NOCACHE));
    json_object_object_add(cache, "no-flush",
                           json_object_new_boolean(flags & BDRV_O_NO_FLUSH));
    json_object_object_add(o, "cache", cache);
    json_object_object_add(image, "filename", json_object_new_string(proto->filename ?
                                                                     proto->filename : ""));
    json_object_object_add(image, "format", json_object_new_string(bs->drv->format_name));
    json_object_object_add(image, "virtual-size", json_object_new_int64(len < 0 ? 0 : len));
    json_object_object_add(o, "image", image);
    return o;
}

QMP_HANDLER(qmp_query_block)
{
    json_object *list = json_object_new_array();

    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        json_object *o = json_object_new_object();
        Object *dev = blk_get_attached_dev(blk);

        json_object_object_add(o, "device", json_object_new_string(blk_name(blk)));
        if (dev) {
            char *path = object_get_canonical_path(dev);

            json_object_object_add(o, "qdev", json_object_new_string(path ? path : ""));
            g_free(path);
        }
        json_object_object_add(o, "type", json_object_new_string("unknown"));
        json_object_object_add(o, "removable", json_object_new_boolean(false));
        json_object_object_add(o, "locked", json_object_new_boolean(false));
        json_object_object_add(o, "inserted", block_device_info(blk));
        json_object_array_add(list, o);
    }
    return list;
}

QMP_HANDLER(qmp_block_resize)
{
    const char *device = json_object_get_string(json_object_object_get(args, "device"));
    const char *node = json_object_get_string(json_object_object_get(args, "node-name"));
    int64_t size = json_object_get_int64(json_object_object_get(args, "size"));
    BlockBackend *blk = device ? blk_by_name(device) : NULL;
    BlockDriverState *bs = node ? bdrv_find_node(node) : NULL;

    if (!blk && bs) {
        blk = blk_by_root(bs);
    }
    if (!blk && !bs) {
        error_setg(errp, "Cannot find device='%s' nor node-name='%s'", device ? device : "",
                   node ? node : "");
        return NULL;
    }
    if (size < 0) {
        error_setg(errp, "Parameter 'size' expects a >0 size");
        return NULL;
    }
    if (blk) {
        blk_truncate(blk, size, errp);
    } else {
        bdrv_truncate(bs, size, errp);
    }
    return NULL;
}
