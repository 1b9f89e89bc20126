/*
 * isa-debug-exit: a port that ends the emulator with a status the guest
 * chooses, for test programs.  Writing V exits with (V << 1) | 1, as QEMU's
 * device does (so a status can never be 0, which means "ran normally").
 *
 *   -device isa-debug-exit,iobase=0xf4,iosize=4
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "hw/core/qdev.h"
#include "hw/x86/isa.h"

#define TYPE_ISA_DEBUG_EXIT "isa-debug-exit"

typedef struct ISADebugExitState {
    DeviceState parent_obj;
    uint32_t iobase;
    uint32_t iosize;
    MemoryRegion io;
} ISADebugExitState;

#define ISA_DEBUG_EXIT(obj) OBJECT_CHECK(ISADebugExitState, (obj), TYPE_ISA_DEBUG_EXIT)

static uint64_t debug_exit_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void debug_exit_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    /* The whole access is the value (1, 2 or 4 bytes), as in QEMU. */
    qemu_system_shutdown_request_status(SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
                                        (int)((val << 1) | 1));
}

static const MemoryRegionOps debug_exit_ops = {
    .read = debug_exit_read,
    .write = debug_exit_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

static void debug_exit_realize(DeviceState *dev, Error **errp)
{
    ISADebugExitState *s = ISA_DEBUG_EXIT(dev);

    if (!s->iosize || s->iosize > 0x10000) {
        error_setg(errp, "isa-debug-exit: iosize %u is out of range (1..65536)",
                   s->iosize);
        return;
    }
    memory_region_init_io(&s->io, OBJECT(dev), &debug_exit_ops, s, "isa-debug-exit",
                          s->iosize);
    if (!isa_register_ioport(&s->io, s->iobase, errp)) {
        error_prepend(errp, "isa-debug-exit: ");
        memory_region_finalize(&s->io);
    }
}

static void debug_exit_unrealize(DeviceState *dev)
{
    ISADebugExitState *s = ISA_DEBUG_EXIT(dev);

    isa_unregister_ioport(&s->io);
    memory_region_finalize(&s->io);
}

static const Property debug_exit_props[] = {
    DEFINE_PROP_UINT32("iobase", ISADebugExitState, iobase, 0x501),
    DEFINE_PROP_UINT32("iosize", ISADebugExitState, iosize, 0x02),
    DEFINE_PROP_END_OF_LIST(),
};

static void debug_exit_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "ISA debug exit port (test programs end the run with a status)";
    dc->category = DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
    dc->realize = debug_exit_realize;
    dc->unrealize = debug_exit_unrealize;
    object_class_set_props(oc, debug_exit_props);
}

static const TypeInfo debug_exit_info = {
    .name = TYPE_ISA_DEBUG_EXIT,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(ISADebugExitState),
    .desc = "ISA debug exit port",
    .class_init = debug_exit_class_init,
};

static void debug_exit_register_types(void)
{
    type_register_static(&debug_exit_info);
}

type_init(debug_exit_register_types)
