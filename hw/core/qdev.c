/*
 * Devices: the TYPE_DEVICE base type, the realize/unrealize life cycle,
 * ids and names in the composition tree, machine reset, and GPIO lines.
 *
 * Every device is tracked in creation order from instance_init on, so a
 * machine reset reaches bus-less devices (CPUs, interrupt controllers
 * created by a board) as well as those on buses, in a stable order.
 */
#include "core/osdep.h"
#include "hw/core/qdev.h"
#include "hw/core/qdev-internal.h"
#include "hw/core/sysbus.h"
#include "hw/core/machine.h"

static GPtrArray *all_devices;        /* DeviceState*, weak, creation order */
static unsigned unattached_count;     /* /machine/unattached/device[N] */
static bool machine_creation_done;

typedef struct ResetEntry {
    void (*fn)(void *opaque);
    void *opaque;
} ResetEntry;

static GPtrArray *reset_handlers;     /* ResetEntry* in registration order */

static NORETURN PRINTF_FMT(1, 2) void qdev_die(const char *fmt, ...)
{
    va_list ap;

    /* Wiring mistakes in board code are programming errors. */
    va_start(ap, fmt);
    fprintf(stderr, "%s: qdev: ", machina_prog_name ? machina_prog_name : "machina");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

Object *qdev_get_machine(void)
{
    Object *root = object_get_root();

    /* system/ sets current_machine; the machine becomes "/machine" here if
     * nobody put it in the tree, taking over the placeholder's children. */
    if (current_machine && !OBJECT(current_machine)->parent) {
        object_property_add_child(root, "machine", OBJECT(current_machine));
    }
    return object_container_get(root, "machine");
}

void qdev_machine_creation_done(void)
{
    machine_creation_done = true;
}

GPtrArray *qdev_all_devices(void)
{
    if (!all_devices) {
        all_devices = g_ptr_array_new();
    }
    return all_devices;
}

DeviceState *qdev_new(const char *typename)
{
    ObjectClass *oc = object_class_by_name(typename);

    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        qdev_die("qdev_new: '%s' is not a device type", typename ? typename : "(null)");
    }
    if (object_class_is_abstract(oc)) {
        qdev_die("qdev_new: device type '%s' is abstract", typename);
    }
    return DEVICE(object_new(typename));
}

/* Find the bus a device goes on when the caller gives none. */
static BusState *qdev_default_bus(DeviceState *dev, DeviceClass *dc, Error **errp)
{
    if (!dc->bus_type) {
        return NULL;                /* bus-less: CPUs, board-internal helpers */
    }
    if (!strcmp(dc->bus_type, TYPE_SYSTEM_BUS)) {
        return sysbus_get_default();
    }
    error_setg(errp, "No '%s' bus found for device '%s'", dc->bus_type,
               object_get_typename(OBJECT(dev)));
    return NULL;
}

/* Give a device without a composition parent its name in the tree. */
static bool qdev_attach_to_tree(DeviceState *dev, Error **errp)
{
    Object *obj = OBJECT(dev);
    char *name;

    if (obj->parent) {
        return true;
    }
    if (dev->id) {
        DeviceState *other;

        if (!id_wellformed(dev->id)) {
            error_setg(errp, "Parameter 'id' expects an identifier");
            return false;
        }
        Object *peripheral = object_container_get(qdev_get_machine(), "peripheral");

        other = qdev_find_by_id(dev->id);
        if ((other && other != dev) || object_resolve_path_component(peripheral, dev->id)) {
            error_setg(errp, "Duplicate ID '%s' for device", dev->id);
            return false;
        }
        object_property_add_child(peripheral, dev->id, obj);
        return true;
    }
    name = g_strdup_printf("device[%u]", unattached_count++);
    object_property_add_child(object_container_get(qdev_get_machine(), "unattached"),
                              name, obj);
    g_free(name);
    return true;
}

static void qdev_set_parent_bus(DeviceState *dev, BusState *bus)
{
    dev->parent_bus = bus;
    object_ref(OBJECT(dev));
    g_ptr_array_add(bus->children, dev);
}

static void qdev_remove_from_bus(DeviceState *dev)
{
    BusState *bus = dev->parent_bus;

    if (!bus) {
        return;
    }
    dev->parent_bus = NULL;
    if (g_ptr_array_remove(bus->children, dev)) {
        object_unref(OBJECT(dev));
    }
}

bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    Error *local_err = NULL;
    bool attached_here;

    if (dev->realized) {
        /* Realizing twice is harmless, moving to another bus is not. */
        if (bus && bus != dev->parent_bus) {
            error_setg(errp, "Device '%s' is already realized",
                       object_get_typename(OBJECT(dev)));
            return false;
        }
        return true;
    }
    if (dev->global_error) {
        error_setg(errp, "%s", dev->global_error);
        return false;
    }
    if (!bus) {
        bus = qdev_default_bus(dev, dc, errp);
        if (!bus && dc->bus_type) {
            return false;
        }
    } else if (!dc->bus_type || !object_dynamic_cast(OBJECT(bus), dc->bus_type)) {
        error_setg(errp, "Device '%s' can't go on %s bus",
                   object_get_typename(OBJECT(dev)), object_get_typename(OBJECT(bus)));
        return false;
    }

    if (bus) {
        BusClass *bc = BUS_GET_CLASS(bus);

        if (bc->max_dev && bus->children->len >= (guint)bc->max_dev) {
            error_setg(errp, "Bus '%s' is full", bus->name);
            return false;
        }
    }
    attached_here = !OBJECT(dev)->parent;
    if (!qdev_attach_to_tree(dev, errp)) {
        return false;
    }
    /* On the bus before realize: realize may look at its bus. */
    if (bus) {
        qdev_set_parent_bus(dev, bus);
    }
    if (dc->realize) {
        dc->realize(dev, &local_err);
    }
    if (local_err) {
        qdev_remove_from_bus(dev);
        if (attached_here) {
            object_unparent(OBJECT(dev));
        }
        error_propagate(errp, local_err);
        return false;
    }
    for (guint i = 0; i < dev->child_buses->len; i++) {
        ((BusState *)g_ptr_array_index(dev->child_buses, i))->realized = true;
    }
    dev->realized = true;
    /* Devices added after the machine is built miss the start-up reset. */
    if (machine_creation_done) {
        device_cold_reset(dev);
    }
    return true;
}

bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp)
{
    bool ok = qdev_realize(dev, bus, errp);

    object_unref(OBJECT(dev));
    return ok;
}

void qdev_unrealize(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (!dev->realized) {
        qdev_remove_from_bus(dev);
        return;
    }
    object_ref(OBJECT(dev));
    /* Children first: they may use the parent's state while going away. */
    for (guint i = dev->child_buses->len; i > 0; i--) {
        BusState *bus = g_ptr_array_index(dev->child_buses, i - 1);

        for (guint j = bus->children->len; j > 0; j--) {
            qdev_unrealize(g_ptr_array_index(bus->children, j - 1));
        }
        bus->realized = false;
    }
    if (dc->unrealize) {
        dc->unrealize(dev);
    }
    dev->realized = false;
    qdev_remove_from_bus(dev);
    object_unref(OBJECT(dev));
}

DeviceState *qdev_find_by_id(const char *id)
{
    GPtrArray *devs = qdev_all_devices();

    if (!id) {
        return NULL;
    }
    for (guint i = 0; i < devs->len; i++) {
        DeviceState *dev = g_ptr_array_index(devs, i);

        if (dev->realized && dev->id && !strcmp(dev->id, id)) {
            return dev;
        }
    }
    return NULL;
}

/* Reset. */

void device_cold_reset(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (dc->reset) {
        dc->reset(dev);
    }
    for (guint i = 0; i < dev->child_buses->len; i++) {
        qbus_reset_all(g_ptr_array_index(dev->child_buses, i));
    }
}

void qbus_reset_all(BusState *bus)
{
    for (guint i = 0; i < bus->children->len; i++) {
        device_cold_reset(g_ptr_array_index(bus->children, i));
    }
}

void qemu_devices_reset(void)
{
    /* A snapshot: a reset handler may create or destroy devices. */
    GPtrArray *devs = g_ptr_array_copy(qdev_all_devices(), NULL, NULL);

    for (guint i = 0; i < devs->len; i++) {
        DeviceState *dev = g_ptr_array_index(devs, i);
        DeviceClass *dc = DEVICE_GET_CLASS(dev);

        if (dev->realized && dc->reset) {
            dc->reset(dev);
        }
    }
    g_ptr_array_free(devs, true);
    for (guint i = 0; reset_handlers && i < reset_handlers->len; i++) {
        ResetEntry *e = g_ptr_array_index(reset_handlers, i);

        e->fn(e->opaque);
    }
}

void qemu_register_reset(void (*fn)(void *opaque), void *opaque)
{
    ResetEntry *e = g_new0(ResetEntry, 1);

    if (!reset_handlers) {
        reset_handlers = g_ptr_array_new_with_free_func(g_free);
    }
    e->fn = fn;
    e->opaque = opaque;
    g_ptr_array_add(reset_handlers, e);
}

void qemu_unregister_reset(void (*fn)(void *opaque), void *opaque)
{
    for (guint i = 0; reset_handlers && i < reset_handlers->len; i++) {
        ResetEntry *e = g_ptr_array_index(reset_handlers, i);

        if (e->fn == fn && e->opaque == opaque) {
            g_ptr_array_remove_index(reset_handlers, i);
            return;
        }
    }
}

/* Property setters for board code: a failure is a bug in the board. */

static void qdev_prop_check(DeviceState *dev, const char *name, bool ok, Error *err)
{
    if (!ok) {
        qdev_die("%s", error_get_pretty(err));
    }
    (void)dev;
    (void)name;
}

void qdev_prop_set_bit(DeviceState *dev, const char *name, bool v)
{
    Error *err = NULL;

    qdev_prop_check(dev, name, object_property_set_bool(OBJECT(dev), name, v, &err), err);
}

void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t v)
{
    Error *err = NULL;

    qdev_prop_check(dev, name, object_property_set_uint(OBJECT(dev), name, v, &err), err);
}

void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t v)
{
    Error *err = NULL;

    qdev_prop_check(dev, name, object_property_set_uint(OBJECT(dev), name, v, &err), err);
}

void qdev_prop_set_string(DeviceState *dev, const char *name, const char *v)
{
    Error *err = NULL;

    qdev_prop_check(dev, name, object_property_set_str(OBJECT(dev), name, v, &err), err);
}

/* The device type. */

static const Property device_props[] = {
    /* -device ...,id=ID; printed on the "dev:" line, not as a property. */
    DEFINE_PROP_STRING("id", DeviceState, id),
    DEFINE_PROP_END_OF_LIST(),
};

static void device_init(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    dev->child_buses = g_ptr_array_new();
    dev->gpios = g_ptr_array_new();
    g_ptr_array_add(qdev_all_devices(), dev);
}

/* After every class's instance_init and property defaults: -global. */
static void device_post_init(Object *obj)
{
    DeviceState *dev = DEVICE(obj);
    Error *err = NULL;

    if (!qdev_apply_globals(dev, &err)) {
        dev->global_error = g_strdup(error_get_pretty(err));
        error_free(err);
    }
}

static void device_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    g_free(dev->global_error);
    qdev_gpio_free(dev);
    g_ptr_array_free(dev->child_buses, true);
    g_ptr_array_remove(qdev_all_devices(), dev);
}

/* object_unparent of a device: device_del semantics. */
static void device_unparent(Object *obj)
{
    qdev_unrealize(DEVICE(obj));
}

static void device_class_init(ObjectClass *oc, void *data)
{
    oc->unparent = device_unparent;
    object_class_set_props(oc, device_props);
}

static const TypeInfo device_info = {
    .name = TYPE_DEVICE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(DeviceState),
    .class_size = sizeof(DeviceClass),
    .abstract = true,
    .instance_init = device_init,
    .instance_post_init = device_post_init,
    .instance_finalize = device_finalize,
    .class_init = device_class_init,
};

static void qdev_register_types(void)
{
    type_register_static(&device_info);
}

type_init(qdev_register_types)
