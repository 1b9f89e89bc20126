/*
 * Devices the user creates: -device DRIVER,... on the command line and
 * device_add/device_del over QMP.  One path for both, so the errors a user
 * sees are the same wherever the request comes from.
 */
#include "core/osdep.h"
#include "hw/core/qdev.h"
#include "hw/core/sysbus.h"

typedef bool BusMatch(BusState *bus, void *opaque);

/* Depth-first from the main system bus, newest device first (QEMU's order). */
static BusState *qbus_walk(BusState *bus, BusMatch *match, void *opaque)
{
    if (match(bus, opaque)) {
        return bus;
    }
    for (guint i = bus->children->len; i > 0; i--) {
        DeviceState *dev = g_ptr_array_index(bus->children, i - 1);

        for (guint j = 0; j < dev->child_buses->len; j++) {
            BusState *found = qbus_walk(g_ptr_array_index(dev->child_buses, j),
                                        match, opaque);

            if (found) {
                return found;
            }
        }
    }
    return NULL;
}

static bool bus_name_is(BusState *bus, void *opaque)
{
    return !strcmp(bus->name, opaque);
}

static bool bus_has_room(BusState *bus)
{
    BusClass *bc = BUS_GET_CLASS(bus);

    return !bc->max_dev || bus->children->len < (guint)bc->max_dev;
}

static bool bus_fits_type(BusState *bus, void *opaque)
{
    return bus->realized && object_dynamic_cast(OBJECT(bus), opaque) && bus_has_room(bus);
}

BusState *qbus_find(const char *path)
{
    Object *obj;

    if (!path || !*path) {
        return NULL;
    }
    if (!strchr(path, '/')) {
        return qbus_walk(sysbus_get_default(), bus_name_is, (void *)path);
    }
    /* "/machine/peripheral/ctl/ctl.0", or "ctl/ctl.0" as a partial path. */
    obj = object_resolve_path(path);
    if (!obj && path[0] != '/') {
        /* QEMU also takes "DEVICE-ID/BUS": the id of a device and a bus below it. */
        char *id = g_strndup(path, strchr(path, '/') - path);
        DeviceState *dev = qdev_find_by_id(id);

        g_free(id);
        return dev ? qdev_get_child_bus(dev, strchr(path, '/') + 1) : NULL;
    }
    return obj ? (BusState *)object_dynamic_cast(obj, TYPE_BUS) : NULL;
}

static DeviceClass *qdev_user_class(const char *driver, Error **errp)
{
    ObjectClass *oc = driver ? object_class_by_name(driver) : NULL;

    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", driver ? driver : "");
        return NULL;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'driver' expects a non-abstract device type");
        return NULL;
    }
    if (!DEVICE_CLASS(oc)->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device type");
        return NULL;
    }
    return DEVICE_CLASS(oc);
}

DeviceState *qdev_device_add(const char *driver, GPtrArray *keys, GPtrArray *values,
                             Error **errp)
{
    DeviceClass *dc = qdev_user_class(driver, errp);
    const char *bus_path = NULL;
    BusState *bus = NULL;
    DeviceState *dev;

    if (!dc) {
        return NULL;
    }
    for (guint i = 0; keys && i < keys->len; i++) {
        if (!strcmp(g_ptr_array_index(keys, i), "bus")) {
            bus_path = g_ptr_array_index(values, i);
        }
    }
    if (bus_path) {
        bus = qbus_find(bus_path);
        if (!bus) {
            error_setg(errp, "Bus '%s' not found", bus_path);
            return NULL;
        }
        if (!dc->bus_type || !object_dynamic_cast(OBJECT(bus), dc->bus_type)) {
            error_setg(errp, "Device '%s' can't go on %s bus", driver,
                       object_get_typename(OBJECT(bus)));
            return NULL;
        }
    } else if (dc->bus_type && strcmp(dc->bus_type, TYPE_SYSTEM_BUS) != 0) {
        bus = qbus_walk(sysbus_get_default(), bus_fits_type, (void *)dc->bus_type);
        if (!bus) {
            error_setg(errp, "No '%s' bus found for device '%s'", dc->bus_type, driver);
            return NULL;
        }
    }

    dev = qdev_new(driver);
    for (guint i = 0; keys && i < keys->len; i++) {
        const char *key = g_ptr_array_index(keys, i);

        if (!strcmp(key, "bus")) {
            continue;
        }
        if (!object_property_parse(OBJECT(dev), key, g_ptr_array_index(values, i),
                                   errp)) {
            object_unref(OBJECT(dev));
            return NULL;
        }
    }
    /* As QEMU: user devices without an id live in /machine/peripheral-anon. */
    if (!dev->id) {
        static unsigned anon_count;
        char *name = g_strdup_printf("device[%u]", anon_count++);

        object_property_add_child(object_container_get(qdev_get_machine(),
                                                       "peripheral-anon"),
                                  name, OBJECT(dev));
        g_free(name);
    }
    if (!qdev_realize(dev, bus, errp)) {
        object_unparent(OBJECT(dev));
        object_unref(OBJECT(dev));
        return NULL;
    }
    /* The tree (and the bus) keep it alive; the caller gets a borrowed pointer. */
    object_unref(OBJECT(dev));
    return dev;
}

bool qdev_device_del(const char *id, Error **errp)
{
    DeviceState *dev = qdev_find_by_id(id);
    DeviceClass *dc;

    if (!dev) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                        id ? id : "");
        return false;
    }
    dc = DEVICE_GET_CLASS(dev);
    if (!dc->hotpluggable) {
        error_setg(errp, "Device '%s' does not support hotplugging",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    object_unparent(OBJECT(dev));
    return true;
}

void qbus_set_hotplug_handler(BusState *bus, const HotplugOps *ops, void *opaque)
{
    bus->hotplug = ops;
    bus->hotplug_opaque = opaque;
}

static QdevUnplugNotify *unplug_notify;

void qdev_set_unplug_notify(QdevUnplugNotify *fn)
{
    unplug_notify = fn;
}

void qdev_unplug_complete(DeviceState *dev)
{
    char *id = g_strdup(dev->id);
    char *path = object_get_canonical_path(OBJECT(dev));

    object_unparent(OBJECT(dev));
    if (unplug_notify) {
        unplug_notify(id, path);
    }
    g_free(id);
    g_free(path);
}
