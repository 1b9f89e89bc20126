/*
 * The PC keyboard controller (Intel 8042), reduced to what a guest needs
 * to reset the machine and to find a controller without devices behind it:
 * status/command port 0x64, data port 0x60, the controller commands for
 * the command byte, self test and the output port, and command 0xFE
 * "pulse reset line" (IBM PC/AT Technical Reference, keyboard controller).
 * System control port A (0x92) bit 0 is the other classic reset.
 *
 * No keyboard or mouse sits behind it: their data never arrives.
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "hw/core/qdev.h"
#include "hw/x86/isa.h"

#define TYPE_I8042 "i8042"

#define STAT_OBF 0x01               /* output buffer full */
#define STAT_SYS 0x04               /* system flag (self test passed) */
#define STAT_CMD 0x08               /* last write was a command */
#define STAT_UNLOCKED 0x10
#define CMD_READ_MODE 0x20
#define CMD_WRITE_MODE 0x60
#define CMD_AUX_DISABLE 0xa7
#define CMD_AUX_ENABLE 0xa8
#define CMD_AUX_TEST 0xa9
#define CMD_SELF_TEST 0xaa
#define CMD_KBD_TEST 0xab
#define CMD_KBD_DISABLE 0xad
#define CMD_KBD_ENABLE 0xae
#define CMD_READ_OUTPORT 0xd0
#define CMD_WRITE_OUTPORT 0xd1
#define CMD_RESET 0xfe
#define OUTPORT_RESET_N 0x01        /* 0 = hold the CPU in reset */

typedef struct I8042State {
    DeviceState parent_obj;
    MemoryRegion data_io, cmd_io, port92_io;
    uint8_t status;
    uint8_t mode;                   /* the command byte */
    uint8_t outport;
    uint8_t out;                    /* output buffer */
    uint8_t pending;                /* command waiting for its data byte */
    uint8_t port92;
} I8042State;

#define I8042(obj) OBJECT_CHECK(I8042State, (obj), TYPE_I8042)

static void i8042_reply(I8042State *s, uint8_t v)
{
    s->out = v;
    s->status |= STAT_OBF;
}

static uint64_t i8042_data_read(void *opaque, hwaddr addr, unsigned size)
{
    I8042State *s = opaque;

    s->status &= ~STAT_OBF;
    return s->out;
}

static void i8042_data_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    I8042State *s = opaque;

    s->status &= ~STAT_CMD;
    switch (s->pending) {
    case CMD_WRITE_MODE:
        s->mode = (uint8_t)val;
        break;
    case CMD_WRITE_OUTPORT:
        s->outport = (uint8_t)val;
        if (!(val & OUTPORT_RESET_N)) {
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        }
        break;
    default:
        /* A byte for the (absent) keyboard: it answers nothing. */
        break;
    }
    s->pending = 0;
}

static uint64_t i8042_status_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((I8042State *)opaque)->status;
}

static void i8042_cmd_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    I8042State *s = opaque;

    s->status |= STAT_CMD;
    switch (val) {
    case CMD_READ_MODE:
        i8042_reply(s, s->mode);
        break;
    case CMD_WRITE_MODE:
    case CMD_WRITE_OUTPORT:
        s->pending = (uint8_t)val;
        break;
    case CMD_SELF_TEST:
        s->status |= STAT_SYS;
        i8042_reply(s, 0x55);
        break;
    case CMD_KBD_TEST:
    case CMD_AUX_TEST:
        i8042_reply(s, 0x00);       /* interface OK */
        break;
    case CMD_READ_OUTPORT:
        i8042_reply(s, s->outport);
        break;
    case CMD_KBD_DISABLE:
    case CMD_KBD_ENABLE:
    case CMD_AUX_DISABLE:
    case CMD_AUX_ENABLE:
        break;
    default:
        /* 0xF0-0xFF pulse output port bits; bit 0 low is the CPU reset. */
        if ((val & 0xf0) == 0xf0 && !(val & 0x01)) {
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        }
        break;
    }
}

static uint64_t port92_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((I8042State *)opaque)->port92;
}

static void port92_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    I8042State *s = opaque;

    /* Bit 1: A20 gate (always on under KVM); bit 0 rising: fast reset. */
    if ((val & 1) && !(s->port92 & 1)) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
    s->port92 = val & ~1u;
}

static const MemoryRegionOps i8042_data_ops = {
    .read = i8042_data_read, .write = i8042_data_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps i8042_cmd_ops = {
    .read = i8042_status_read, .write = i8042_cmd_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps port92_ops = {
    .read = port92_read, .write = port92_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static void i8042_reset(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    s->status = STAT_CMD | STAT_UNLOCKED;
    s->mode = 0x01 | 0x02 | 0x40;   /* IRQs on, translation: BIOS defaults */
    s->outport = OUTPORT_RESET_N | 0x02;  /* out of reset, A20 on */
    s->pending = 0;
    s->out = 0;
    s->port92 = 0x02;
}

static void i8042_realize(DeviceState *dev, Error **errp)
{
    I8042State *s = I8042(dev);

    memory_region_init_io(&s->data_io, OBJECT(dev), &i8042_data_ops, s, "i8042-data", 1);
    memory_region_init_io(&s->cmd_io, OBJECT(dev), &i8042_cmd_ops, s, "i8042-cmd", 1);
    memory_region_init_io(&s->port92_io, OBJECT(dev), &port92_ops, s, "port92", 1);
    if (!isa_register_ioport(&s->data_io, 0x60, errp) ||
        !isa_register_ioport(&s->cmd_io, 0x64, errp) ||
        !isa_register_ioport(&s->port92_io, 0x92, errp)) {
        isa_unregister_ioport(&s->data_io);
        isa_unregister_ioport(&s->cmd_io);
        return;
    }
    i8042_reset(dev);
}

static void i8042_unrealize(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    isa_unregister_ioport(&s->data_io);
    isa_unregister_ioport(&s->cmd_io);
    isa_unregister_ioport(&s->port92_io);
}

static void i8042_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "i8042 keyboard controller (reset and self test only)";
    dc->category = DEVICE_CATEGORY_INPUT;
    dc->realize = i8042_realize;
    dc->unrealize = i8042_unrealize;
    dc->reset = i8042_reset;
}

static const TypeInfo i8042_info = {
    .name = TYPE_I8042,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(I8042State),
    .desc = "i8042 keyboard controller",
    .class_init = i8042_class_init,
};

static void i8042_register_types(void)
{
    type_register_static(&i8042_info);
}

type_init(i8042_register_types)
