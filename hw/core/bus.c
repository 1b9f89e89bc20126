/*
 * Buses: the TYPE_BUS base type, child buses of devices, and the main
 * system bus that roots "info qtree".
 *
 * A bus holds a reference on each device plugged into it; a child bus is
 * owned by its parent device through the composition tree
 * (/machine/.../dev/bus-name), so removing the device removes its buses and
 * everything plugged into them.
 */
#include "core/osdep.h"
#include "hw/core/qdev.h"
#include "hw/core/sysbus.h"

static BusState *main_system_bus;

static void bus_init(Object *obj)
{
    BUS(obj)->children = g_ptr_array_new();
}

static void bus_finalize(Object *obj)
{
    BusState *bus = BUS(obj);

    /* Devices left (a parent-less bus dropped by its owner) lose their bus. */
    while (bus->children->len) {
        DeviceState *dev = g_ptr_array_index(bus->children, bus->children->len - 1);

        qdev_unrealize(dev);        /* also takes it off the bus */
    }
    g_ptr_array_free(bus->children, true);
    g_free(bus->name);
}

/* Leaving the tree: the devices on the bus go with it (device_del of a
 * controller removes what hangs below it). */
static void bus_unparent(Object *obj)
{
    BusState *bus = BUS(obj);

    while (bus->children->len) {
        DeviceState *dev = g_ptr_array_index(bus->children, bus->children->len - 1);

        object_ref(OBJECT(dev));
        if (OBJECT(dev)->parent) {
            object_unparent(OBJECT(dev));
        }
        qdev_unrealize(dev);
        object_unref(OBJECT(dev));
    }
    bus->realized = false;
    if (bus->parent) {
        g_ptr_array_remove(bus->parent->child_buses, bus);
        bus->parent = NULL;
    }
}

static void bus_class_init(ObjectClass *oc, void *data)
{
    oc->unparent = bus_unparent;
}

/*
 * Unnamed buses are called after their parent's id and its bus count
 * ("ctrl.0"), or, for a parent without id, after their type with a counter
 * per bus type ("virtio-mmio-bus.7" for the eighth such bus), as QEMU names
 * them, so -device ...,bus=NAME and info qtree read the same.
 */
static char *qbus_default_name(const char *typename, DeviceState *parent)
{
    static GHashTable *auto_ids;       /* bus typename -> next number */
    unsigned index;
    char *base, *name;

    if (parent && parent->id) {
        return g_strdup_printf("%s.%u", parent->id, parent->child_buses->len);
    }
    if (!auto_ids) {
        auto_ids = g_hash_table_new(g_str_hash, g_str_equal);
    }
    index = GPOINTER_TO_UINT(g_hash_table_lookup(auto_ids, typename));
    g_hash_table_insert(auto_ids, (gpointer)object_class_get_name(
                            object_class_by_name(typename)), GUINT_TO_POINTER(index + 1));
    base = g_ascii_strdown(typename, -1);
    name = g_strdup_printf("%s.%u", base, index);
    g_free(base);
    return name;
}

BusState *qbus_new(const char *typename, DeviceState *parent, const char *name)
{
    ObjectClass *oc = object_class_by_name(typename);
    BusState *bus;

    if (!oc || !object_class_dynamic_cast(oc, TYPE_BUS) ||
        object_class_is_abstract(oc)) {
        fprintf(stderr, "qbus_new: '%s' is not a concrete bus type\n",
                typename ? typename : "(null)");
        abort();
    }
    bus = BUS(object_new(typename));
    bus->name = name ? g_strdup(name) : qbus_default_name(typename, parent);
    if (parent) {
        bus->parent = parent;
        g_ptr_array_add(parent->child_buses, bus);
        object_property_add_child(OBJECT(parent), bus->name, OBJECT(bus));
        object_unref(OBJECT(bus));          /* the parent device owns it */
        bus->realized = parent->realized;
    } else {
        bus->realized = true;               /* a root bus is always live */
    }
    return bus;
}

BusState *qdev_get_child_bus(DeviceState *dev, const char *name)
{
    for (guint i = 0; i < dev->child_buses->len; i++) {
        BusState *bus = g_ptr_array_index(dev->child_buses, i);

        if (!strcmp(bus->name, name)) {
            return bus;
        }
    }
    return NULL;
}

BusState *sysbus_get_default(void)
{
    if (!main_system_bus) {
        main_system_bus = qbus_new(TYPE_SYSTEM_BUS, NULL, "main-system-bus");
        /* QEMU keeps it at /machine/unattached/sysbus; the tree holds it. */
        object_property_add_child(object_container_get(qdev_get_machine(), "unattached"),
                                  "sysbus", OBJECT(main_system_bus));
    }
    return main_system_bus;
}

/* "info qtree" lines of a sysbus device: one per MMIO region. */
static void sysbus_dev_print(FILE *f, DeviceState *dev, int indent)
{
    SysBusDevice *s;

    if (!object_dynamic_cast(OBJECT(dev), TYPE_SYS_BUS_DEVICE)) {
        return;
    }
    s = SYS_BUS_DEVICE(dev);
    for (int i = 0; i < s->num_mmio; i++) {
        fprintf(f, "%*smmio %016" PRIx64 "/%016" PRIx64 "\n", indent, "",
                s->mmio[i].addr, memory_region_size(s->mmio[i].memory));
    }
}

static char *sysbus_get_dev_path(DeviceState *dev)
{
    return object_get_canonical_path(OBJECT(dev));
}

static void system_bus_class_init(ObjectClass *oc, void *data)
{
    BusClass *bc = (BusClass *)oc;

    bc->print_dev = sysbus_dev_print;
    bc->get_dev_path = sysbus_get_dev_path;
}

static const TypeInfo bus_info = {
    .name = TYPE_BUS,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(BusState),
    .class_size = sizeof(BusClass),
    .abstract = true,
    .instance_init = bus_init,
    .instance_finalize = bus_finalize,
    .class_init = bus_class_init,
};

static const TypeInfo system_bus_info = {
    .name = TYPE_SYSTEM_BUS,
    .parent = TYPE_BUS,
    .class_init = system_bus_class_init,
};

static void bus_register_types(void)
{
    type_register_static(&bus_info);
    type_register_static(&system_bus_info);
}

type_init(bus_register_types)
