/*
 * Devices and buses.
 *
 * A device is an Object of a subtype of TYPE_DEVICE.  Life cycle:
 * qdev_new() -> set properties -> qdev_realize() (realize may fail with an
 * Error) -> reset (machine reset walks the tree) -> qdev_unrealize().
 * A device sits on a bus (a sysbus device on the main system bus); buses
 * belong to devices; the tree prints as "info qtree".
 */
#ifndef HW_CORE_QDEV_H
#define HW_CORE_QDEV_H

#include "core/object.h"
#include "hw/core/irq.h"

#define TYPE_DEVICE "device"
#define TYPE_BUS "bus"

typedef struct DeviceState DeviceState;
typedef struct BusState BusState;

typedef void DeviceRealize(DeviceState *dev, Error **errp);
typedef void DeviceUnrealize(DeviceState *dev);
typedef void DeviceReset(DeviceState *dev);

typedef enum DeviceCategory {
    DEVICE_CATEGORY_MISC = 0,
    DEVICE_CATEGORY_STORAGE,
    DEVICE_CATEGORY_NETWORK,
    DEVICE_CATEGORY_INPUT,
    DEVICE_CATEGORY_DISPLAY,
    DEVICE_CATEGORY_BRIDGE,
    DEVICE_CATEGORY_CPU,
    DEVICE_CATEGORY_MAX
} DeviceCategory;

typedef struct DeviceClass {
    ObjectClass parent_class;
    DeviceCategory category;
    const char *desc;
    /* -device NAME works only if set (machine-internal devices leave it false). */
    bool user_creatable;
    bool hotpluggable;
    const char *bus_type;          /* bus it plugs into; NULL: sysbus/none */
    DeviceRealize *realize;
    DeviceUnrealize *unrealize;
    DeviceReset *reset;
} DeviceClass;

typedef struct NamedGPIOList {
    char *name;
    qemu_irq *in;
    int num_in;
    qemu_irq **out;            /* pointers to the device's output line fields */
    int num_out;
} NamedGPIOList;

struct DeviceState {
    Object parent_obj;
    char *id;                   /* -device ...,id=ID; may be NULL */
    bool realized;
    BusState *parent_bus;
    GPtrArray *child_buses;     /* BusState* */
    GPtrArray *gpios;           /* NamedGPIOList* */
    char *global_error;         /* a -global that failed on this device: realize fails */
};

typedef struct BusClass {
    ObjectClass parent_class;
    /* Extra per-device lines for info qtree ("mmio 0000000010000000/0000000000000100"). */
    void (*print_dev)(FILE *f, DeviceState *dev, int indent);
    char *(*get_dev_path)(DeviceState *dev);
    /* Devices the bus takes (0: no limit); a virtio-mmio transport takes 1. */
    int max_dev;
} BusClass;

/*
 * A bus's hotplug controller (QEMU's HotplugHandler, reduced): plug tells
 * the guest a device arrived (after realize); unplug_request asks the
 * guest to let a device go.  The controller removes the device later, when
 * the guest agrees, with qdev_unplug_complete().  A bus without one takes
 * no devices while the machine runs.
 */
typedef struct HotplugOps {
    void (*plug)(void *opaque, DeviceState *dev);
    bool (*unplug_request)(void *opaque, DeviceState *dev, Error **errp);
} HotplugOps;

struct BusState {
    Object obj;
    DeviceState *parent;
    char *name;
    GPtrArray *children;        /* DeviceState*, in realize order */
    bool realized;
    const HotplugOps *hotplug;  /* NULL: no hotplug controller */
    void *hotplug_opaque;
};

#define DEVICE(obj) OBJECT_CHECK(DeviceState, (obj), TYPE_DEVICE)
#define DEVICE_CLASS(klass) OBJECT_CLASS_CHECK(DeviceClass, (klass), TYPE_DEVICE)
#define DEVICE_GET_CLASS(obj) OBJECT_GET_CLASS(DeviceClass, (obj), TYPE_DEVICE)
#define BUS(obj) OBJECT_CHECK(BusState, (obj), TYPE_BUS)
#define BUS_GET_CLASS(obj) OBJECT_GET_CLASS(BusClass, (obj), TYPE_BUS)

DeviceState *qdev_new(const char *typename);
/* bus NULL: the main system bus for sysbus devices; no bus for others (CPUs). */
bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp);
/* Realize and drop the caller's reference (the bus keeps one). */
bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp);
void qdev_unrealize(DeviceState *dev);
void device_cold_reset(DeviceState *dev);       /* this device and its buses' devices */
void qbus_reset_all(BusState *bus);

BusState *qbus_new(const char *typename, DeviceState *parent, const char *name);
BusState *qdev_get_child_bus(DeviceState *dev, const char *name);
DeviceState *qdev_find_by_id(const char *id);  /* anywhere in the tree */

/* Convenience setters that abort on error (for machine code). */
void qdev_prop_set_bit(DeviceState *dev, const char *name, bool v);
void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t v);
void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t v);
void qdev_prop_set_string(DeviceState *dev, const char *name, const char *v);

/* GPIO lines (interrupt inputs/outputs of a device). */
void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler handler, int n);
void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler,
                             const char *name, int n);
void qdev_init_gpio_out(DeviceState *dev, qemu_irq *pins, int n);
void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins, const char *name, int n);
qemu_irq qdev_get_gpio_in(DeviceState *dev, int n);
qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n);
void qdev_connect_gpio_out(DeviceState *dev, int n, qemu_irq pin);
void qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                 qemu_irq pin);

/*
 * Machine reset: every realized device (also bus-less ones such as CPUs)
 * is reset in creation order, then the registered handlers run.
 */
/* -global (hw/core/qdev-global.c) */
/* Split DRIVER.PROP=VALUE or driver=,property=,value= (outputs may be NULL). */
bool qdev_global_parse(const char *str, char **driver, char **property, char **value,
                       Error **errp);
bool qdev_global_add(const char *str, Error **errp);
void qdev_globals_check(void);      /* warn about globals naming no type */
void qdev_globals_clear(void);
bool qdev_apply_globals(DeviceState *dev, Error **errp);

void qemu_devices_reset(void);
void qemu_register_reset(void (*fn)(void *opaque), void *opaque);
void qemu_unregister_reset(void (*fn)(void *opaque), void *opaque);

/*
 * "/machine" in the composition tree: the machine object once system/ has
 * added it there, or a placeholder container until then (the machine adopts
 * its children, see object_property_add_child).
 */
Object *qdev_get_machine(void);
/*
 * The board is built: devices realized from now on (device_add) are reset
 * at realize, since they missed the start-up qemu_devices_reset().
 */
void qdev_machine_creation_done(void);

/* The root of the device tree (main-system-bus) and "info qtree". */
BusState *sysbus_get_default(void);
void qdev_print_tree(FILE *f);      /* "info qtree" text in QEMU's layout */
/*
 * -device DRIVER,key=val,... and QMP device_add: keys/values as the option
 * layer gives them ("driver" not included).  "id" names the device, "bus"
 * picks a bus by name ("virtio-mmio-bus.3") or path; without it the device
 * goes on the first bus of its type with room, newest bus first (so QEMU's
 * virtio-mmio numbering is reproduced).  Errors use QEMU's wording:
 * "'foo' is not a valid device model name", "Property 'T.x' not found", ...
 */
DeviceState *qdev_device_add(const char *driver, GPtrArray *keys, GPtrArray *values,
                             Error **errp);
/* device_del: unrealize and remove a device the user added, by id. */
bool qdev_device_del(const char *id, Error **errp);
void qbus_set_hotplug_handler(BusState *bus, const HotplugOps *ops, void *opaque);
/*
 * A hotplug controller's guest agreed: remove dev now and tell whoever
 * listens (QMP DEVICE_DELETED, with the id and path the device had).
 */
void qdev_unplug_complete(DeviceState *dev);
typedef void QdevUnplugNotify(const char *id, const char *path);
void qdev_set_unplug_notify(QdevUnplugNotify *fn);
/* A bus by name anywhere in the tree, or by path to a bus; NULL if none. */
BusState *qbus_find(const char *path);

/* -device help / -device NAME,help texts. */
void qdev_print_device_list(FILE *f);
/* Unknown: "Device 'foo' not found" (QEMU's wording for NAME,help). */
bool qdev_print_device_props(FILE *f, const char *typename, Error **errp);

#endif
