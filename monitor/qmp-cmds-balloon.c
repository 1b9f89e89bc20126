/*
 * QMP balloon and query-balloon over virtio-balloon (QEMU's commands and
 * errors): balloon asks the guest to keep `value` bytes of its RAM;
 * query-balloon reports what the guest driver says it has left.
 */
#include "core/osdep.h"
#include "hw/core/machine.h"
#include "hw/virtio/virtio-balloon.h"
#include "monitor/monitor-internal.h"
#include "monitor/monitor.h"

static VirtIOBalloon *balloon_active(Error **errp)
{
    VirtIOBalloon *b = virtio_balloon_get();

    if (!b || !current_machine) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_ACTIVE,
                        "No balloon device has been activated");
        return NULL;
    }
    return b;
}

/* BALLOON_CHANGE, as QEMU sends it whenever the guest moves `actual`. */
static void balloon_changed(VirtIOBalloon *b)
{
    json_object *data;

    if (!current_machine) {
        return;
    }
    data = json_object_new_object();
    json_object_object_add(data, "actual", json_object_new_int64(
        virtio_balloon_actual_bytes(b, current_machine->ram_size)));
    monitor_event_emit("BALLOON_CHANGE", data);
}

static void __attribute__((constructor)) balloon_events_init(void)
{
    virtio_balloon_set_change_hook(balloon_changed);
}

QMP_HANDLER(qmp_balloon)
{
    int64_t value = json_object_get_int64(json_object_object_get(args, "value"));
    VirtIOBalloon *b = balloon_active(errp);

    if (!b) {
        return NULL;
    }
    if (value <= 0) {
        error_setg(errp, "Parameter 'target' expects a size");
        return NULL;
    }
    virtio_balloon_set_target(b, current_machine->ram_size, value);
    return NULL;
}

QMP_HANDLER(qmp_query_balloon)
{
    VirtIOBalloon *b = balloon_active(errp);
    json_object *o;

    if (!b) {
        return NULL;
    }
    o = json_object_new_object();
    json_object_object_add(o, "actual", json_object_new_int64(
        virtio_balloon_actual_bytes(b, current_machine->ram_size)));
    return o;
}
