/*
 * QMP query-block and block_resize over the block layer (QEMU's commands,
 * field names and errors, for the subset of BlockInfo Machina has).
 */
#include "core/osdep.h"
#include "block/block.h"
#include "core/object.h"
#include "hw/core/qdev.h"
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

static char *blk_attached_dev_id(BlockBackend *blk);

QMP_HANDLER(qmp_query_block)
{
    json_object *list = json_object_new_array();

    /* QEMU lists named backends and anonymous ones a device uses. */
    for (BlockBackend *blk = blk_all_next(NULL); blk; blk = blk_all_next(blk)) {
        json_object *o;
        char *qdev;

        if (!*blk_name(blk) && !blk_get_attached_dev(blk)) {
            continue;
        }
        o = json_object_new_object();
        json_object_object_add(o, "device", json_object_new_string(blk_name(blk)));
        qdev = blk_attached_dev_id(blk);
        if (qdev) {
            json_object_object_add(o, "qdev", json_object_new_string(qdev));
            g_free(qdev);
        }
        json_object_object_add(o, "type", json_object_new_string("unknown"));
        json_object_object_add(o, "removable",
                               json_object_new_boolean(blk_dev_has_removable_media(blk)));
        json_object_object_add(o, "locked",
                               json_object_new_boolean(blk_dev_is_medium_locked(blk)));
        if (blk_dev_has_tray(blk)) {
            json_object_object_add(o, "tray_open",
                                   json_object_new_boolean(blk_dev_is_tray_open(blk)));
        }
        if (blk_bs(blk)) {
            json_object_object_add(o, "inserted", block_device_info(blk));
        }
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

/* ------------------------------------------------------- query-blockstats */

/*
 * The device the user named ID (-device ...,id=ID), as QEMU finds it: a
 * PCI function's embedded virtio device may carry the forwarded "id", so
 * climb to the outermost device (the one the user created).
 */
static Object *peripheral_by_id(const char *id)
{
    DeviceState *dev = qdev_find_by_id(id);
    Object *obj = dev ? OBJECT(dev) : NULL;

    while (obj && obj->parent) {
        DeviceState *up = (DeviceState *)object_dynamic_cast(obj->parent, TYPE_DEVICE);

        if (!up) {
            break;
        }
        obj = obj->parent;
    }
    return obj;
}

/*
 * The attached device as QEMU names it: its id if the user named that
 * device, else its canonical path (a virtio-blk-pci's backend is
 * ".../vb/virtio-backend").
 */
static char *blk_attached_dev_id(BlockBackend *blk)
{
    Object *obj = blk_get_attached_dev(blk);
    DeviceState *dev;

    if (!obj) {
        return NULL;
    }
    dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);
    if (dev && dev->id && peripheral_by_id(dev->id) == obj) {
        return g_strdup(dev->id);
    }
    return object_get_canonical_path(obj);
}

static json_object *block_device_stats(const BlockAcctStats *st, uint64_t wr_highest,
                                       bool blk_level)
{
    static const struct {
        const char *prefix;
        BlockAcctType type;
    } kinds[] = {
        { "rd", BLOCK_ACCT_READ }, { "wr", BLOCK_ACCT_WRITE },
        { "flush", BLOCK_ACCT_FLUSH }, { "unmap", BLOCK_ACCT_UNMAP },
    };
    json_object *o = json_object_new_object();
    char key[64];

#define PUT(k, v) json_object_object_add(o, (k), json_object_new_int64((int64_t)(v)))
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        const char *p = kinds[i].prefix;
        BlockAcctType t = kinds[i].type;

        if (t != BLOCK_ACCT_FLUSH) {
            snprintf(key, sizeof(key), "%s_bytes", p);
            PUT(key, st->nr_bytes[t]);
            snprintf(key, sizeof(key), "%s_merged", p);
            PUT(key, st->merged[t]);
        }
        snprintf(key, sizeof(key), "%s_operations", p);
        PUT(key, st->nr_ops[t]);
        snprintf(key, sizeof(key), "%s_total_time_ns", p);
        PUT(key, st->total_time_ns[t]);
        snprintf(key, sizeof(key), "failed_%s_operations", p);
        PUT(key, st->failed_ops[t]);
        snprintf(key, sizeof(key), "invalid_%s_operations", p);
        PUT(key, st->invalid_ops[t]);
    }
    PUT("wr_highest_offset", wr_highest);
    if (st->last_access_ns) {
        PUT("idle_time_ns", qemu_clock_get_ns(QEMU_CLOCK_REALTIME) - st->last_access_ns);
    }
#undef PUT
    json_object_object_add(o, "account_invalid",
                           json_object_new_boolean(blk_level && st->account_invalid));
    json_object_object_add(o, "account_failed",
                           json_object_new_boolean(blk_level && st->account_failed));
    /* No -drive stats-intervals= yet: no timed statistics to report. */
    json_object_object_add(o, "timed_stats", json_object_new_array());
    return o;
}

/*
 * One node's BlockStats: only wr_highest_offset is counted per node (the
 * rest is per backend, as in QEMU); "parent" is the node's file child.
 */
static json_object *node_stats(BlockDriverState *bs)
{
    json_object *o = json_object_new_object();
    BlockAcctStats zero = { 0 };

    if (!bs) {
        json_object_object_add(o, "stats", block_device_stats(&zero, 0, false));
        return o;
    }
    json_object_object_add(o, "node-name", json_object_new_string(bs->node_name));
    json_object_object_add(o, "stats", block_device_stats(
        &zero, __atomic_load_n(&bs->wr_highest_offset, __ATOMIC_RELAXED), false));
    if (bs->file) {
        json_object_object_add(o, "parent", node_stats(bs->file));
    }
    return o;
}

QMP_HANDLER(qmp_query_blockstats)
{
    json_object *list = json_object_new_array();
    json_object *qn = json_object_object_get(args, "query-nodes");

    if (qn && json_object_get_boolean(qn)) {
        for (BlockDriverState *bs = bdrv_next_node(NULL); bs; bs = bdrv_next_node(bs)) {
            json_object_array_add(list, node_stats(bs));
        }
        return list;
    }
    for (BlockBackend *blk = blk_all_next(NULL); blk; blk = blk_all_next(blk)) {
        BlockDriverState *bs = blk_bs(blk);
        json_object *o;
        BlockAcctStats st;
        char *qdev;

        if (!*blk_name(blk) && !blk_get_attached_dev(blk)) {
            continue;
        }
        o = json_object_new_object();
        blk_get_stats(blk, &st);
        if (*blk_name(blk)) {
            json_object_object_add(o, "device", json_object_new_string(blk_name(blk)));
        }
        qdev = blk_attached_dev_id(blk);
        if (qdev) {
            json_object_object_add(o, "qdev", json_object_new_string(qdev));
            g_free(qdev);
        }
        if (bs) {
            json_object_object_add(o, "node-name", json_object_new_string(bs->node_name));
            if (bs->file) {
                json_object_object_add(o, "parent", node_stats(bs->file));
            }
        }
        json_object_object_add(o, "stats", block_device_stats(
            &st, bs ? __atomic_load_n(&bs->wr_highest_offset, __ATOMIC_RELAXED) : 0, true));
        json_object_array_add(list, o);
    }
    return list;
}

/* ------------------------------------------------------ removable media */

/*
 * The media commands follow QEMU's blockdev.c semantics (qapi/block.json):
 * a backend with no device is removable but has no tray; a device is
 * removable only if it takes media changes (BlockDevOps.change_media_cb),
 * and only a device with a tray moves it (event DEVICE_TRAY_MOVED).
 */

static const char *arg_str(json_object *args, const char *name)
{
    json_object *v = json_object_object_get(args, name);

    return v ? json_object_get_string(v) : NULL;
}

static bool arg_bool(json_object *args, const char *name)
{
    json_object *v = json_object_object_get(args, name);

    return v && json_object_get_boolean(v);
}

static BlockBackend *blk_by_qdev_id(const char *id, Error **errp)
{
    Object *dev = peripheral_by_id(id);

    if (!dev) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found", id);
        return NULL;
    }
    for (BlockBackend *blk = blk_all_next(NULL); blk; blk = blk_all_next(blk)) {
        if (blk_get_attached_dev(blk) == (void *)dev) {
            return blk;
        }
    }
    error_setg(errp, "Device does not have a block device backend");
    return NULL;
}

/* "device" (a backend name) or "id" (a device's qdev id), exactly one. */
static BlockBackend *get_blk(const char *device, const char *id, Error **errp)
{
    BlockBackend *blk;

    if (!device == !id) {
        error_setg(errp, "Need exactly one of 'device' and 'id'");
        return NULL;
    }
    if (id) {
        return blk_by_qdev_id(id, errp);
    }
    blk = blk_by_name(device);
    if (!blk) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found", device);
    }
    return blk;
}

/* 0, or -ENOSYS for a tray-less removable device (the caller goes on). */
static int do_open_tray(const char *device, const char *id, bool force, Error **errp)
{
    BlockBackend *blk = get_blk(device, id, errp);
    const char *name = id ? id : device;
    bool locked;

    if (!blk) {
        return -ENODEV;
    }
    if (!blk_dev_has_removable_media(blk)) {
        error_setg(errp, "Device '%s' is not removable", name);
        return -ENOTSUP;
    }
    if (!blk_dev_has_tray(blk)) {
        error_setg(errp, "Device '%s' does not have a tray", name);
        return -ENOSYS;
    }
    if (blk_dev_is_tray_open(blk)) {
        return 0;
    }
    locked = blk_dev_is_medium_locked(blk);
    if (locked) {
        /* The guest hears an eject request; it may unlock and open. */
        blk_dev_eject_request(blk, force);
    }
    if (!locked || force) {
        blk_dev_change_media_cb(blk, false);
    }
    if (locked && !force) {
        error_setg(errp, "Device '%s' is locked and force was not specified, "
                   "wait for tray to open and try again", name);
        return -EINPROGRESS;
    }
    return 0;
}

static void do_remove_medium(const char *device, const char *id, Error **errp)
{
    BlockBackend *blk = get_blk(device, id, errp);
    const char *name = device ? device : id;
    bool has_device;

    if (!blk) {
        return;
    }
    has_device = blk_get_attached_dev(blk) != NULL;
    if (has_device && !blk_dev_has_removable_media(blk)) {
        error_setg(errp, "Device '%s' is not removable", name);
        return;
    }
    if (has_device && blk_dev_has_tray(blk) && !blk_dev_is_tray_open(blk)) {
        error_setg(errp, "Tray of device '%s' is not open", name);
        return;
    }
    if (!blk_bs(blk)) {
        return;                  /* nothing in it: done */
    }
    blk_remove_bs(blk);
    if (!blk_dev_has_tray(blk)) {
        /* A tray-less device sees the medium go now, not at open-tray. */
        blk_dev_change_media_cb(blk, false);
    }
}

static void do_insert_medium(BlockBackend *blk, BlockDriverState *bs, Error **errp)
{
    bool has_device = blk_get_attached_dev(blk) != NULL;

    if (has_device && !blk_dev_has_removable_media(blk)) {
        error_setg(errp, "Device is not removable");
        return;
    }
    if (has_device && blk_dev_has_tray(blk) && !blk_dev_is_tray_open(blk)) {
        error_setg(errp, "Tray of the device is not open");
        return;
    }
    if (!blk_insert_bs(blk, bs, errp)) {
        return;
    }
    if (!blk_dev_has_tray(blk)) {
        blk_dev_change_media_cb(blk, true);
    }
}

static void do_close_tray(const char *device, const char *id, Error **errp)
{
    BlockBackend *blk = get_blk(device, id, errp);

    if (!blk) {
        return;
    }
    if (!blk_dev_has_removable_media(blk)) {
        error_setg(errp, "Device '%s' is not removable", device ? device : id);
        return;
    }
    if (!blk_dev_has_tray(blk) || !blk_dev_is_tray_open(blk)) {
        return;                  /* tray-less: nothing to close */
    }
    blk_dev_change_media_cb(blk, true);
}

QMP_HANDLER(qmp_eject)
{
    const char *device = arg_str(args, "device"), *id = arg_str(args, "id");
    Error *err = NULL;
    int rc = do_open_tray(device, id, arg_bool(args, "force"), &err);

    if (rc && rc != -ENOSYS) {
        error_propagate(errp, err);
        return NULL;
    }
    error_free(err);
    do_remove_medium(device, id, errp);
    return NULL;
}

QMP_HANDLER(qmp_blockdev_open_tray)
{
    Error *err = NULL;
    int rc = do_open_tray(arg_str(args, "device"), arg_str(args, "id"),
                          arg_bool(args, "force"), &err);

    /* A tray-less device ignores the command; EINPROGRESS is an error. */
    if (rc && rc != -ENOSYS) {
        error_propagate(errp, err);
    } else {
        error_free(err);
    }
    return NULL;
}

QMP_HANDLER(qmp_blockdev_close_tray)
{
    do_close_tray(arg_str(args, "device"), arg_str(args, "id"), errp);
    return NULL;
}

QMP_HANDLER(qmp_blockdev_remove_medium)
{
    do_remove_medium(NULL, arg_str(args, "id"), errp);
    return NULL;
}

QMP_HANDLER(qmp_blockdev_insert_medium)
{
    const char *node = arg_str(args, "node-name");
    BlockBackend *blk = get_blk(NULL, arg_str(args, "id"), errp);
    BlockDriverState *bs;

    if (!blk) {
        return NULL;
    }
    bs = bdrv_find_node(node);
    if (!bs) {
        error_setg(errp, "Node '%s' not found", node);
        return NULL;
    }
    if (blk_by_root(bs)) {
        error_setg(errp, "Node '%s' is already in use", node);
        return NULL;
    }
    do_insert_medium(blk, bs, errp);
    return NULL;
}

/* Open FILENAME as the new medium: format (raw if not given) over file. */
static BlockDriverState *open_medium(BlockBackend *blk, const char *filename,
                                     const char *format, const char *ro_mode, Error **errp)
{
    int flags = blk_bs(blk) ? blk_get_open_flags(blk) : BDRV_O_RDWR;
    BlockOpts *opts = block_opts_new();
    BlockDriverState *bs;
    bool ro;

    if (!ro_mode || !strcmp(ro_mode, "retain")) {
        ro = blk_bs(blk) ? blk_is_read_only(blk) : false;
    } else {
        ro = !strcmp(ro_mode, "read-only");
    }
    flags = ro ? flags & ~BDRV_O_RDWR : flags | BDRV_O_RDWR;
    block_opts_set(opts, "driver", format ? format : "raw");
    if (!format || strcmp(format, "file")) {
        block_opts_set(opts, "file.driver", "file");
        block_opts_set(opts, "file.filename", filename);
    } else {
        block_opts_set(opts, "filename", filename);
    }
    bs = bdrv_open(opts, flags, errp);
    block_opts_free(opts);
    if (bs) {
        bs->implicit = true;
    }
    return bs;
}

QMP_HANDLER(qmp_blockdev_change_medium)
{
    const char *device = arg_str(args, "device"), *id = arg_str(args, "id");
    BlockBackend *blk = get_blk(device, id, errp);
    BlockDriverState *bs;
    Error *err = NULL;
    int rc;

    if (!blk) {
        return NULL;
    }
    bs = open_medium(blk, arg_str(args, "filename"), arg_str(args, "format"),
                     arg_str(args, "read-only-mode"), errp);
    if (!bs) {
        return NULL;
    }
    rc = do_open_tray(device, id, arg_bool(args, "force"), &err);
    if (rc && rc != -ENOSYS) {
        error_propagate(errp, err);
        goto out;
    }
    error_free(err);
    err = NULL;
    do_remove_medium(device, id, &err);
    if (err) {
        error_propagate(errp, err);
        goto out;
    }
    do_insert_medium(blk, bs, &err);
    if (err) {
        error_propagate(errp, err);
        goto out;
    }
    do_close_tray(device, id, errp);
out:
    bdrv_unref(bs);              /* the backend holds its own reference */
    return NULL;
}
