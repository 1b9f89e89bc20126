/* Shared between the qdev files of hw/core; not an API for devices. */
#ifndef HW_CORE_QDEV_INTERNAL_H
#define HW_CORE_QDEV_INTERNAL_H

#include "hw/core/qdev.h"

/* Every live device, in creation order (weak references). */
GPtrArray *qdev_all_devices(void);
/* Frees the GPIO lists and the input lines the device allocated. */
void qdev_gpio_free(DeviceState *dev);

#endif
