/*
 * Device properties that name host backends: chardev=ID.  Kept apart from
 * core/object.h so the object model does not depend on chardev/.
 */
#ifndef HW_CORE_QDEV_PROPERTIES_SYSTEM_H
#define HW_CORE_QDEV_PROPERTIES_SYSTEM_H

#include "hw/core/qdev.h"
#include "chardev/char.h"

/*
 * A CharBackend field: -device ...,chardev=ID attaches the frontend to the
 * chardev with that id (qemu_chr_fe_init); releasing the device detaches it.
 * The device sets its handlers in realize with qemu_chr_fe_set_handlers.
 */
extern const PropertyInfo prop_info_chr;

#define DEFINE_PROP_CHR(_name, _state, _field)                             \
    {.name = (_name), .info = &prop_info_chr,                              \
     .offset = offsetof(_state, _field) +                                  \
               0 * sizeof(&((_state *)0)->_field == (CharBackend *)0)}

#endif
