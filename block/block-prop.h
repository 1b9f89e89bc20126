/*
 * drive=ID device properties: a BlockBackend field that names a -drive id
 * or a -blockdev node-name (QEMU's qdev "drive" property).  Setting it
 * attaches the device to the backend; releasing the device detaches it.
 */
#ifndef BLOCK_BLOCK_PROP_H
#define BLOCK_BLOCK_PROP_H

#include "core/object.h"
#include "block/block.h"

extern const PropertyInfo prop_info_drive;

#define DEFINE_PROP_DRIVE(_name, _state, _field)                           \
    {.name = (_name), .info = &prop_info_drive,                            \
     .offset = offsetof(_state, _field) +                                  \
               0 * sizeof(((_state *)0)->_field == (BlockBackend *)0)}

#endif
