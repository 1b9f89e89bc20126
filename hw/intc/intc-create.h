/*
 * Create-and-map helper shared by the RISC-V interrupt controllers' *_create()
 * functions: each sets a few integer properties, realizes the device and maps
 * its one MMIO region.
 */
#ifndef HW_INTC_INTC_CREATE_H
#define HW_INTC_INTC_CREATE_H

#include "hw/core/sysbus.h"

typedef struct IntcUintProp {
    const char *name;
    uint64_t value;
} IntcUintProp;

/*
 * A new device of type with props set in order, realized and its MMIO
 * region 0 mapped at base; NULL (and errp set) if a property or realize
 * fails, in which case the device is gone.
 */
DeviceState *intc_sysbus_create(const char *type, hwaddr base, const IntcUintProp *props,
                                size_t nprops, Error **errp);

#endif
