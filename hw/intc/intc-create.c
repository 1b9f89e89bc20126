/* The create-and-map helper of intc-create.h. */
#include "hw/intc/intc-create.h"

DeviceState *intc_sysbus_create(const char *type, hwaddr base, const IntcUintProp *props,
                                size_t nprops, Error **errp)
{
    DeviceState *dev = qdev_new(type);
    Object *obj = OBJECT(dev);

    for (size_t i = 0; i < nprops; i++) {
        if (!object_property_set_uint(obj, props[i].name, props[i].value, errp)) {
            object_unref(obj);
            return NULL;
        }
    }
    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        return NULL;
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, base);
    return dev;
}
