/*
 * TEMPORARY: system/serial.c (serial_hd) is compiled but not yet linked
 * into the binaries (see system/meson.build).  This weak stand-in lets the
 * x86 machines link meanwhile; the real definition wins once it is linked.
 * Delete this file then.
 */
#include "core/osdep.h"
#include "hw/core/machine.h"

__attribute__((weak)) Chardev *serial_hd(int i)
{
    return NULL;
}
