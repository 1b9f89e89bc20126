/*
 * -drive / -blockdev glue: block/ builds the graphs; this file orders them
 * with the machine and the devices, and lets werror=stop stop the VM.
 */
#include "system/drive.h"
#include "block/block.h"
#include "hw/core/qdev.h"
#include "system/runstate.h"
#include "monitor/monitor.h"

#include <json-c/json.h>

static GHashTable *virtio_drives;     /* CliArg* -> backend id (if=virtio) */

bool drive_arg_is_block(const CliArg *arg)
{
    return !strcmp(arg->opt, "-drive") || !strcmp(arg->opt, "-blockdev");
}

static void drive_vm_stop_bh(void *opaque)
{
    QEMUBH **bh = opaque;

    if (runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
    qemu_bh_delete(*bh);
    *bh = NULL;
}

/*
 * A host I/O error as a device handled it: QMP's BLOCK_IO_ERROR event
 * (QEMU's fields), and for werror/rerror=stop a VM stop from the main loop,
 * outside the request.
 */
static void drive_io_error(BlockBackend *blk, BlockErrorAction action, bool is_read,
                           int error)
{
    static const char *const actions[] = {
        [BLOCK_ERROR_ACTION_REPORT] = "report",
        [BLOCK_ERROR_ACTION_IGNORE] = "ignore",
        [BLOCK_ERROR_ACTION_STOP] = "stop",
    };
    static QEMUBH *bh;
    json_object *ev = json_object_new_object();

    json_object_object_add(ev, "device", json_object_new_string(blk_name(blk)));
    if (blk_bs(blk) && blk_bs(blk)->node_name) {
        json_object_object_add(ev, "node-name",
                               json_object_new_string(blk_bs(blk)->node_name));
    }
    json_object_object_add(ev, "operation", json_object_new_string(is_read ? "read"
                                                                           : "write"));
    json_object_object_add(ev, "action", json_object_new_string(actions[action]));
    json_object_object_add(ev, "nospace", json_object_new_boolean(error == ENOSPC));
    json_object_object_add(ev, "reason", json_object_new_string(strerror(error)));
    monitor_event_emit("BLOCK_IO_ERROR", ev);
    if (action == BLOCK_ERROR_ACTION_STOP && !bh) {
        bh = qemu_bh_new(drive_vm_stop_bh, &bh);
        qemu_bh_schedule(bh);
    }
}

/* A removable device's tray moved: QMP's DEVICE_TRAY_MOVED (QEMU's fields). */
static void drive_tray_moved(BlockBackend *blk, bool tray_open)
{
    json_object *ev = json_object_new_object();
    Object *obj = blk_get_attached_dev(blk);
    DeviceState *dev = obj ? (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE) : NULL;
    char *id = dev && dev->id ? g_strdup(dev->id) : obj ? object_get_canonical_path(obj)
                                                        : g_strdup("");

    json_object_object_add(ev, "device", json_object_new_string(blk_name(blk)));
    json_object_object_add(ev, "id", json_object_new_string(id ? id : ""));
    json_object_object_add(ev, "tray-open", json_object_new_boolean(tray_open));
    monitor_event_emit("DEVICE_TRAY_MOVED", ev);
    g_free(id);
}

bool drives_create(GPtrArray *args, Error **errp)
{
    block_set_error_hook(drive_io_error);
    block_set_tray_hook(drive_tray_moved);
    /* -blockdev first: a -drive may refer to a node (file=NODE). */
    for (guint pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < args->len; i++) {
            const CliArg *arg = g_ptr_array_index(args, i);
            BlockInterfaceType iface;
            BlockBackend *blk;

            if (pass == 0 && !strcmp(arg->opt, "-blockdev")) {
                if (!blockdev_new(arg->value, errp)) {
                    cli_error_prepend(errp, arg);
                    return false;
                }
            } else if (pass == 1 && !strcmp(arg->opt, "-drive")) {
                blk = drive_new(arg->value, &iface, errp);
                if (!blk) {
                    cli_error_prepend(errp, arg);
                    return false;
                }
                if (iface == IF_VIRTIO) {
                    if (!virtio_drives) {
                        virtio_drives = g_hash_table_new_full(NULL, NULL, NULL, g_free);
                    }
                    g_hash_table_insert(virtio_drives, (gpointer)arg,
                                        g_strdup(blk_name(blk)));
                }
            }
        }
    }
    return true;
}

bool drive_device_create(const CliArg *arg, Error **errp)
{
    const char *id = virtio_drives ? g_hash_table_lookup(virtio_drives, arg) : NULL;
    GPtrArray *keys, *values;
    DeviceState *dev;
    /* On riscv virt: a virtio-mmio slot; elsewhere the PCI form. */
    static const char *const models[] = { "virtio-blk-device", "virtio-blk-pci" };

    if (!id) {
        return true;
    }
    for (size_t m = 0; m < ARRAY_SIZE(models); m++) {
        Error *err = NULL;

        if (!object_class_by_name(models[m])) {
            continue;
        }
        keys = g_ptr_array_new_with_free_func(g_free);
        values = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(keys, g_strdup("drive"));
        g_ptr_array_add(values, g_strdup(id));
        dev = qdev_device_add(models[m], keys, values, &err);
        g_ptr_array_unref(keys);
        g_ptr_array_unref(values);
        if (dev) {
            return true;
        }
        if (m + 1 < ARRAY_SIZE(models) && object_class_by_name(models[m + 1]) &&
            strstr(error_get_pretty(err), "bus found")) {
            error_free(err);
            continue;
        }
        error_propagate(errp, err);
        cli_error_prepend(errp, arg);
        return false;
    }
    error_setg(errp, "no virtio-blk device model for if=virtio");
    cli_error_prepend(errp, arg);
    return false;
}
