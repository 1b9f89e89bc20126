/*
 * QMP commands over the object model and the device tree: qom-list,
 * qom-get, qom-set, device_add, device_del, and human-monitor-command
 * (which runs HMP, itself a client of all the handlers).
 *
 * Property values cross QMP as JSON of their natural type (a bool
 * property is true/false, an integer a number), as in QEMU; the object
 * model stores them through its string parsers, so values are converted
 * here and checked first with QEMU's "Invalid parameter type" wording.
 */
#include "core/osdep.h"
#include "accel/tcg/cpu.h"
#include "hw/core/qdev.h"
#include "hw/core/sysbus.h"
#include "monitor/monitor-internal.h"

static Object *resolve(const char *path, Error **errp)
{
    Object *obj = object_resolve_path(path);

    if (!obj) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found", path);
    }
    return obj;
}

static void list_one(const char *name, const char *type, void *opaque)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "type", json_object_new_string(type));
    json_object_array_add(opaque, o);
}

QMP_HANDLER(qmp_qom_list)
{
    Object *obj = resolve(json_object_get_string(json_object_object_get(args, "path")), errp);
    json_object *list;

    if (!obj) {
        return NULL;
    }
    list = json_object_new_array();
    object_property_list(obj, list_one, list);
    return list;
}

static bool info_is_signed(const PropertyInfo *i)
{
    return i == &prop_info_int32 || i == &prop_info_int64;
}

static bool info_is_unsigned(const PropertyInfo *i)
{
    return i == &prop_info_uint8 || i == &prop_info_uint16 || i == &prop_info_uint32 ||
           i == &prop_info_uint64 || i == &prop_info_size;
}

QMP_HANDLER(qmp_qom_get)
{
    const char *path = json_object_get_string(json_object_object_get(args, "path"));
    const char *name = json_object_get_string(json_object_object_get(args, "property"));
    Object *obj = resolve(path, errp), *child;
    const Property *prop;
    Error *err = NULL;
    json_object *ret = NULL;
    char *s;

    if (!obj) {
        return NULL;
    }
    prop = object_property_find(obj, name);
    if (!prop && (child = object_resolve_path_component(obj, name))) {
        /* A child<> property reads as the child's path, as in QEMU. */
        s = object_get_canonical_path(child);
        ret = json_object_new_string(s);
        g_free(s);
        return ret;
    }
    if (prop && prop->info == &prop_info_bool) {
        bool v = object_property_get_bool(obj, name, &err);

        ret = err ? NULL : json_object_new_boolean(v);
    } else if (prop && info_is_signed(prop->info)) {
        int64_t v = object_property_get_int(obj, name, &err);

        ret = err ? NULL : json_object_new_int64(v);
    } else if (prop && info_is_unsigned(prop->info)) {
        uint64_t v = object_property_get_uint(obj, name, &err);

        ret = err ? NULL : json_object_new_uint64(v);
    } else {
        /* Strings, links, "type": what the property prints. */
        s = object_property_print(obj, name, &err);
        if (s) {
            ret = json_object_new_string(s);
            g_free(s);
        } else if (!err) {
            ret = json_object_new_string("");
        }
    }
    error_propagate(errp, err);
    return ret;
}

/* A JSON value as the option-string form the object model parses. */
static char *value_to_string(const char *name, json_object *v, const char *want,
                             Error **errp)
{
    enum json_type jt = json_object_get_type(v);

    if (!strcmp(want, "boolean")) {
        if (jt == json_type_boolean) {
            return g_strdup(json_object_get_boolean(v) ? "on" : "off");
        }
    } else if (!strcmp(want, "integer")) {
        if (jt == json_type_int) {
            return g_strdup(json_object_get_string(v));
        }
    } else if (jt == json_type_string) {
        return g_strdup(json_object_get_string(v));
    }
    error_setg(errp, "Invalid parameter type for '%s', expected: %s", name, want);
    return NULL;
}

static const char *wanted_type(const Property *prop)
{
    if (!prop) {
        return "string";
    } else if (prop->info == &prop_info_bool) {
        return "boolean";
    } else if (info_is_signed(prop->info) || info_is_unsigned(prop->info)) {
        /* Sizes are numbers in QMP ("size" is an integer type in QAPI). */
        return "integer";
    }
    return "string";
}

QMP_HANDLER(qmp_qom_set)
{
    const char *path = json_object_get_string(json_object_object_get(args, "path"));
    const char *name = json_object_get_string(json_object_object_get(args, "property"));
    json_object *value = json_object_object_get(args, "value");
    Object *obj = resolve(path, errp);
    const Property *prop;
    char *str;

    if (!obj) {
        return NULL;
    }
    prop = object_property_find(obj, name);
    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found", object_get_typename(obj), name);
        return NULL;
    }
    str = value_to_string(name, value, wanted_type(prop), errp);
    if (str) {
        object_property_parse(obj, name, str, errp);
        g_free(str);
    }
    return NULL;
}

/* ------------------------------------------------------------ devices */

/*
 * The bus device_add would put a bus_type device on: the newest bus of
 * that type with room, depth first (qdev's order, QEMU's virtio-mmio
 * numbering), so the refusal names the bus QEMU would name.
 */
static BusState *find_bus_of_type(BusState *bus, const char *bus_type)
{
    BusClass *bc;

    if (!bus) {
        return NULL;
    }
    bc = BUS_GET_CLASS(bus);
    if (bus->realized && object_dynamic_cast(OBJECT(bus), bus_type) &&
        (!bc->max_dev || !bus->children || bus->children->len < (guint)bc->max_dev)) {
        return bus;
    }
    for (guint i = bus->children ? bus->children->len : 0; i > 0; i--) {
        DeviceState *dev = g_ptr_array_index(bus->children, i - 1);

        for (guint j = 0; dev->child_buses && j < dev->child_buses->len; j++) {
            BusState *found = find_bus_of_type(g_ptr_array_index(dev->child_buses, j),
                                               bus_type);
            if (found) {
                return found;
            }
        }
    }
    return NULL;
}

/*
 * The machine is running, so device_add is a hotplug: QEMU's rules.  A
 * device that plugs into a bus needs a bus with a hotplug controller (pc's
 * pci.0: ACPI PCI hotplug on the PIIX4 PM block); other buses refuse,
 * naming the bus.  A bus-less device must declare itself hotpluggable.
 */
static bool check_hotplug(DeviceClass *dc, const char *driver, const char *busname,
                          Error **errp)
{
    BusState *bus = NULL;

    if (busname) {
        bus = qbus_find(busname);
        if (!bus) {
            error_setg(errp, "Bus '%s' not found", busname);
            return false;
        }
    } else if (dc->bus_type && strcmp(dc->bus_type, TYPE_SYSTEM_BUS)) {
        /* (A sysbus device is judged by its own hotpluggable flag, below.) */
        bus = find_bus_of_type(sysbus_get_default(), dc->bus_type);
        if (!bus) {
            error_setg(errp, "No '%s' bus found for device '%s'", dc->bus_type, driver);
            return false;
        }
    }
    if (bus && !bus->hotplug) {
        error_setg(errp, "Bus '%s' does not support hotplugging", bus->name);
        return false;
    }
    if (!dc->hotpluggable) {
        error_setg(errp, "Device '%s' can not be hotplugged on this machine", driver);
        return false;
    }
    return true;
}

QMP_HANDLER(qmp_device_add)
{
    const char *driver = json_object_get_string(json_object_object_get(args, "driver"));
    json_object *bus = json_object_object_get(args, "bus");
    ObjectClass *oc = object_class_by_name(driver);
    GPtrArray *keys, *values;
    DeviceClass *dc;
    bool ok = true;

    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    dc = DEVICE_CLASS(oc);
    if (object_class_is_abstract(oc) || !dc->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device type");
        return NULL;
    }
    if (!check_hotplug(dc, driver, bus ? json_object_get_string(bus) : NULL, errp)) {
        return NULL;
    }
    keys = g_ptr_array_new_with_free_func(g_free);
    values = g_ptr_array_new_with_free_func(g_free);
    json_object_object_foreach(args, key, val) {
        char *s;

        if (!strcmp(key, "driver")) {
            continue;
        }
        if (json_object_is_type(val, json_type_boolean)) {
            s = g_strdup(json_object_get_boolean(val) ? "on" : "off");
        } else if (json_object_is_type(val, json_type_string) ||
                   json_object_is_type(val, json_type_int) ||
                   json_object_is_type(val, json_type_double)) {
            s = g_strdup(json_object_get_string(val));
        } else {
            error_setg(errp, "Parameter '%s' expects a scalar value", key);
            ok = false;
            break;
        }
        g_ptr_array_add(keys, g_strdup(key));
        g_ptr_array_add(values, s);
    }
    if (ok) {
        DeviceState *dev = qdev_device_add(driver, keys, values, errp);
        BusState *b = dev ? dev->parent_bus : NULL;

        /* Realized on a bus with a controller: now tell the guest. */
        if (b && b->hotplug && b->hotplug->plug) {
            b->hotplug->plug(b->hotplug_opaque, dev);
        }
    }
    g_ptr_array_unref(keys);
    g_ptr_array_unref(values);
    return NULL;
}

QMP_HANDLER(qmp_device_del)
{
    const char *id = json_object_get_string(json_object_object_get(args, "id"));
    DeviceState *dev = qdev_find_by_id(id);
    char *path;
    json_object *data;

    if (!dev) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found", id);
        return NULL;
    }
    /* A PCI function's embedded virtio device may carry the same id: the
     * user's device is the outermost one. */
    while (OBJECT(dev)->parent && object_dynamic_cast(OBJECT(dev)->parent, TYPE_DEVICE)) {
        dev = DEVICE(OBJECT(dev)->parent);
    }
    if (dev->parent_bus && dev->parent_bus->hotplug) {
        /* Ask the guest; DEVICE_DELETED follows when it ejects the device. */
        dev->parent_bus->hotplug->unplug_request(dev->parent_bus->hotplug_opaque, dev, errp);
        return NULL;
    }
    if (dev->parent_bus && dev->parent_bus->name) {
        error_setg(errp, "Bus '%s' does not support hotplugging", dev->parent_bus->name);
        return NULL;
    }
    path = object_get_canonical_path(OBJECT(dev));
    if (!qdev_device_del(id, errp)) {
        g_free(path);
        return NULL;
    }
    /* Removal is synchronous here, so the event follows at once. */
    data = json_object_new_object();
    json_object_object_add(data, "device", json_object_new_string(id));
    json_object_object_add(data, "path", json_object_new_string(path));
    g_free(path);
    monitor_event_emit("DEVICE_DELETED", data);
    return NULL;
}

/* ---------------------------------------------------------------- HMP */

QMP_HANDLER(qmp_human_monitor_command)
{
    const char *line = json_object_get_string(json_object_object_get(args, "command-line"));
    json_object *idx = NULL;
    Monitor *hmp;
    json_object *ret;

    if (json_object_object_get_ex(args, "cpu-index", &idx) &&
        !cpu_by_index(json_object_get_int(idx))) {
        error_setg(errp, "Parameter 'cpu-index' expects a CPU number");
        return NULL;
    }
    hmp = monitor_new_capture();
    if (idx) {
        hmp->cpu_index = json_object_get_int(idx);   /* as "cpu N" would */
    }
    hmp_handle_command(hmp, line);
    ret = json_object_new_string(hmp->capture->str);
    monitor_free(hmp);
    return ret;
}

/* A hotplug controller removed a device the guest ejected. */
static void device_deleted_notify(const char *id, const char *path)
{
    json_object *data = json_object_new_object();

    if (id) {
        json_object_object_add(data, "device", json_object_new_string(id));
    }
    json_object_object_add(data, "path", json_object_new_string(path));
    monitor_event_emit("DEVICE_DELETED", data);
}

static void qmp_qom_init(void)
{
    qdev_set_unplug_notify(device_deleted_notify);
}

type_init(qmp_qom_init)
