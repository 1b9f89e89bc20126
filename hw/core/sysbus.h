/* System bus devices: MMIO regions and IRQ outputs mapped by the machine. */
#ifndef HW_CORE_SYSBUS_H
#define HW_CORE_SYSBUS_H

#include "hw/core/qdev.h"
#include "memory/memory.h"

#define TYPE_SYS_BUS_DEVICE "sys-bus-device"
#define TYPE_SYSTEM_BUS "System"
#define SYSBUS_MAX_MMIO 32
#define SYSBUS_MAX_IRQ 64

typedef struct SysBusDevice {
    DeviceState parent_obj;
    int num_mmio;
    struct {
        hwaddr addr;            /* (hwaddr)-1 while unmapped */
        MemoryRegion *memory;
    } mmio[SYSBUS_MAX_MMIO];
    int num_irq;
    qemu_irq *irqp[SYSBUS_MAX_IRQ];
} SysBusDevice;

#define SYS_BUS_DEVICE(obj) OBJECT_CHECK(SysBusDevice, (obj), TYPE_SYS_BUS_DEVICE)

void sysbus_init_mmio(SysBusDevice *dev, MemoryRegion *mr);
void sysbus_init_irq(SysBusDevice *dev, qemu_irq *p);
/* Map region n into the system memory container at addr. */
void sysbus_mmio_map(SysBusDevice *dev, int n, hwaddr addr);
void sysbus_mmio_map_overlap(SysBusDevice *dev, int n, hwaddr addr, int priority);
MemoryRegion *sysbus_mmio_get_region(SysBusDevice *dev, int n);
void sysbus_connect_irq(SysBusDevice *dev, int n, qemu_irq irq);
/* qdev_new + realize + map region 0 at addr; returns the device. */
DeviceState *sysbus_create_simple(const char *typename, hwaddr addr, qemu_irq irq);

#endif
