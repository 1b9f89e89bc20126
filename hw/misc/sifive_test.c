/*
 * SiFive test finisher.  Writing 0x5555 powers the machine off with exit
 * status 0, (code << 16) | 0x3333 powers it off with exit status code (the
 * way QEMU reports a failed bare-metal test), 0x7777 resets it.  Linux
 * drives it through the syscon-poweroff/syscon-reboot device tree nodes.
 */
#include "hw/misc/sifive_test.h"
#include "core/log.h"
#include "core/main-loop.h"

static uint64_t sifive_test_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void sifive_test_write(void *opaque, hwaddr addr, uint64_t val64, unsigned size)
{
    uint32_t val = val64;
    uint32_t status = val & 0xffff;
    uint32_t code = val >> 16;

    if (addr != 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "sifive_test: write to offset 0x%" HWADDR_PRIx "\n",
                      addr);
        return;
    }
    switch (status) {
    case FINISHER_FAIL:
        qemu_system_shutdown_request_status(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, (int)code);
        break;
    case FINISHER_PASS:
        qemu_system_shutdown_request_status(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, 0);
        break;
    case FINISHER_RESET:
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "sifive_test: unknown command 0x%08x\n", val);
        break;
    }
}

static const MemoryRegionOps sifive_test_ops = {
    .read = sifive_test_read,
    .write = sifive_test_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 2, .max_access_size = 4},
};

static void sifive_test_realize(DeviceState *dev, Error **errp)
{
    SiFiveTestState *s = SIFIVE_TEST(dev);

    memory_region_init_io(&s->mmio, OBJECT(dev), &sifive_test_ops, s, TYPE_SIFIVE_TEST,
                          0x1000);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->mmio);
}

static void sifive_test_finalize(Object *obj)
{
    memory_region_finalize(&SIFIVE_TEST(obj)->mmio);
}

static void sifive_test_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "SiFive test finisher (poweroff/reset/exit code)";
    dc->realize = sifive_test_realize;
}

static const TypeInfo sifive_test_info = {
    .name = TYPE_SIFIVE_TEST,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(SiFiveTestState),
    .desc = "SiFive test finisher (poweroff/reset/exit code)",
    .class_init = sifive_test_class_init,
    .instance_finalize = sifive_test_finalize,
};

static void sifive_test_register_types(void)
{
    type_register_static(&sifive_test_info);
}
type_init(sifive_test_register_types)

DeviceState *sifive_test_create(hwaddr addr, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_SIFIVE_TEST);

    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        return NULL;
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, addr);
    return dev;
}
