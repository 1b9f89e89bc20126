/*
 * RISC-V ACLINT MTIMER and MSWI (riscv-aclint spec 1.0-rc4, §2 and §3).
 *
 * mtime counts at timebase-freq derived from QEMU_CLOCK_VIRTUAL, so it
 * stands still while the VM is stopped.  Each hart's MTIP is a level:
 * high while mtime >= mtimecmp (§2.1); a QEMUTimer fires when mtime is due
 * to reach a future mtimecmp.
 */
#include "hw/intc/riscv_aclint.h"
#include "hw/intc/intc-create.h"
#include "core/log.h"

static uint64_t ns_to_ticks(RISCVAclintMTimerState *s, int64_t ns)
{
    return (uint64_t)(((unsigned __int128)(uint64_t)ns * s->timebase_freq) /
                      NANOSECONDS_PER_SECOND);
}

uint64_t riscv_aclint_mtimer_rdtime(void *opaque)
{
    RISCVAclintMTimerState *s = opaque;

    return ns_to_ticks(s, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)) + s->time_delta;
}

/* Re-evaluate hart i's MTIP and (re)arm its timer for a future mtimecmp. */
static void mtimer_update_hart(RISCVAclintMTimerState *s, unsigned i)
{
    int64_t now_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    uint64_t mtime = ns_to_ticks(s, now_ns) + s->time_delta;
    uint64_t cmp = s->timecmp[i];

    if (mtime >= cmp) {
        qemu_irq_raise(s->mtip[i]);
        timer_del(s->timers[i]);
        return;
    }
    qemu_irq_lower(s->mtip[i]);
    /* Round up so the timer never fires before mtime has reached cmp. */
    unsigned __int128 wait_ns = ((unsigned __int128)(cmp - mtime) * NANOSECONDS_PER_SECOND +
                                 s->timebase_freq - 1) / s->timebase_freq;
    if (wait_ns > (unsigned __int128)(INT64_MAX - now_ns)) {
        /* Centuries away (e.g. mtimecmp = -1 to mean "never"). */
        timer_del(s->timers[i]);
        return;
    }
    timer_mod(s->timers[i], now_ns + (int64_t)wait_ns);
}

static void mtimer_cb(void *opaque)
{
    RISCVAclintMTimerHart *h = opaque;

    mtimer_update_hart(h->mtimer, h->index);
}

/* Merge a 4- or 8-byte write at byte offset off (0 or 4) into a 64-bit register. */
static uint64_t merge64(uint64_t old, unsigned off, uint64_t value, unsigned size)
{
    if (size == 8) {
        return value;
    }
    return deposit64(old, off * 8, 32, value);
}

static uint64_t mtimer_read(void *opaque, hwaddr addr, unsigned size)
{
    RISCVAclintMTimerState *s = opaque;
    uint64_t v;
    unsigned off = addr & 7;

    if (addr >= s->timecmp_base &&
        addr - s->timecmp_base < (uint64_t)s->num_harts * 8) {
        v = s->timecmp[(addr - s->timecmp_base) >> 3];
    } else if (addr >= s->time_base && addr - s->time_base < 8) {
        v = riscv_aclint_mtimer_rdtime(s);
    } else {
        qemu_log_mask(LOG_GUEST_ERROR, "aclint-mtimer: read at invalid offset 0x%"
                      HWADDR_PRIx "\n", addr);
        return 0;
    }
    if (size == 8) {
        return off ? 0 : v;
    }
    return (uint32_t)(v >> (off * 8));
}

static void mtimer_write(void *opaque, hwaddr addr, uint64_t value, unsigned size)
{
    RISCVAclintMTimerState *s = opaque;
    unsigned off = addr & 7;

    if (size == 8 && off) {
        qemu_log_mask(LOG_GUEST_ERROR, "aclint-mtimer: misaligned 8-byte write\n");
        return;
    }
    if (addr >= s->timecmp_base &&
        addr - s->timecmp_base < (uint64_t)s->num_harts * 8) {
        unsigned i = (addr - s->timecmp_base) >> 3;
        s->timecmp[i] = merge64(s->timecmp[i], off, value, size);
        mtimer_update_hart(s, i);
    } else if (addr >= s->time_base && addr - s->time_base < 8) {
        uint64_t now = ns_to_ticks(s, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
        uint64_t mtime = merge64(now + s->time_delta, off, value, size);
        s->time_delta = mtime - now;
        for (unsigned i = 0; i < s->num_harts; i++) {
            mtimer_update_hart(s, i);
        }
    } else {
        qemu_log_mask(LOG_GUEST_ERROR, "aclint-mtimer: write at invalid offset 0x%"
                      HWADDR_PRIx "\n", addr);
    }
}

static const MemoryRegionOps mtimer_ops = {
    .read = mtimer_read,
    .write = mtimer_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 4, .max_access_size = 8},
    .impl = {.min_access_size = 4, .max_access_size = 8},
};

static void mtimer_realize(DeviceState *dev, Error **errp)
{
    RISCVAclintMTimerState *s = RISCV_ACLINT_MTIMER(dev);

    if (s->num_harts == 0 || s->num_harts > RISCV_ACLINT_MAX_HARTS) {
        error_setg(errp, "aclint-mtimer: num-harts must be 1..%d", RISCV_ACLINT_MAX_HARTS);
        return;
    }
    if (s->timebase_freq == 0) {
        error_setg(errp, "aclint-mtimer: timebase-freq must be nonzero");
        return;
    }
    if ((uint64_t)s->timecmp_base + (uint64_t)s->num_harts * 8 > s->aperture_size ||
        (uint64_t)s->time_base + 8 > s->aperture_size || (s->time_base & 7) ||
        (s->timecmp_base & 7)) {
        error_setg(errp, "aclint-mtimer: registers do not fit aligned in aperture-size 0x%x",
                   s->aperture_size);
        return;
    }
    s->timecmp = g_new0(uint64_t, s->num_harts);
    s->timers = g_new0(QEMUTimer *, s->num_harts);
    s->harts = g_new0(RISCVAclintMTimerHart, s->num_harts);
    s->mtip = g_new0(qemu_irq, s->num_harts);
    for (unsigned i = 0; i < s->num_harts; i++) {
        s->harts[i].mtimer = s;
        s->harts[i].index = i;
        s->timers[i] = timer_new_ns(QEMU_CLOCK_VIRTUAL, mtimer_cb, &s->harts[i]);
        s->timecmp[i] = UINT64_MAX;
    }
    memory_region_init_io(&s->mmio, OBJECT(dev), &mtimer_ops, s, TYPE_RISCV_ACLINT_MTIMER,
                          s->aperture_size);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->mmio);
    qdev_init_gpio_out(dev, s->mtip, s->num_harts);
}

static void mtimer_reset(DeviceState *dev)
{
    RISCVAclintMTimerState *s = RISCV_ACLINT_MTIMER(dev);

    if (!s->timecmp) {
        return;
    }
    /*
     * §2: mtime is zero after reset; mtimecmp is unspecified, and we make it
     * "never" so no stale MTIP greets the firmware.
     */
    s->time_delta = -(int64_t)ns_to_ticks(s, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    for (unsigned i = 0; i < s->num_harts; i++) {
        s->timecmp[i] = UINT64_MAX;
        mtimer_update_hart(s, i);
    }
}

static void mtimer_finalize(Object *obj)
{
    RISCVAclintMTimerState *s = RISCV_ACLINT_MTIMER(obj);

    memory_region_finalize(&s->mmio);
    if (s->timers) {
        for (unsigned i = 0; i < s->num_harts; i++) {
            timer_free(s->timers[i]);
        }
    }
    g_free(s->timers);
    g_free(s->timecmp);
    g_free(s->harts);
    g_free(s->mtip);
}

static const Property mtimer_props[] = {
    DEFINE_PROP_UINT32("hartid-base", RISCVAclintMTimerState, hartid_base, 0),
    DEFINE_PROP_UINT32("num-harts", RISCVAclintMTimerState, num_harts, 1),
    DEFINE_PROP_UINT32("timecmp-base", RISCVAclintMTimerState, timecmp_base,
                       RISCV_ACLINT_DEFAULT_MTIMECMP),
    DEFINE_PROP_UINT32("time-base", RISCVAclintMTimerState, time_base,
                       RISCV_ACLINT_DEFAULT_MTIME),
    DEFINE_PROP_UINT32("aperture-size", RISCVAclintMTimerState, aperture_size,
                       RISCV_ACLINT_DEFAULT_MTIMER_SIZE),
    DEFINE_PROP_UINT32("timebase-freq", RISCVAclintMTimerState, timebase_freq,
                       RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ),
    DEFINE_PROP_END_OF_LIST(),
};

static void mtimer_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "RISC-V ACLINT machine-level timer";
    dc->realize = mtimer_realize;
    dc->reset = mtimer_reset;
    object_class_set_props(klass, mtimer_props);
}

/* MSWI (§3): msip[i] bit 0 drives hart i's MSIP; the other bits read 0. */
static uint64_t swi_read(void *opaque, hwaddr addr, unsigned size)
{
    RISCVAclintSwiState *s = opaque;

    if ((addr >> 2) < s->num_harts) {
        return s->msip[addr >> 2];
    }
    qemu_log_mask(LOG_GUEST_ERROR, "aclint-swi: read at invalid offset 0x%" HWADDR_PRIx "\n",
                  addr);
    return 0;
}

static void swi_write(void *opaque, hwaddr addr, uint64_t value, unsigned size)
{
    RISCVAclintSwiState *s = opaque;
    unsigned i = addr >> 2;

    if (i < s->num_harts) {
        s->msip[i] = value & 1;
        qemu_set_irq(s->outputs[i], s->msip[i]);
        return;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "aclint-swi: write at invalid offset 0x%" HWADDR_PRIx "\n",
                  addr);
}

static const MemoryRegionOps swi_ops = {
    .read = swi_read,
    .write = swi_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 4, .max_access_size = 4},
};

static void swi_realize(DeviceState *dev, Error **errp)
{
    RISCVAclintSwiState *s = RISCV_ACLINT_SWI(dev);

    if (s->num_harts == 0 || s->num_harts > RISCV_ACLINT_MAX_HARTS) {
        error_setg(errp, "aclint-swi: num-harts must be 1..%d", RISCV_ACLINT_MAX_HARTS);
        return;
    }
    s->msip = g_new0(uint32_t, s->num_harts);
    s->outputs = g_new0(qemu_irq, s->num_harts);
    memory_region_init_io(&s->mmio, OBJECT(dev), &swi_ops, s, TYPE_RISCV_ACLINT_SWI,
                          RISCV_ACLINT_SWI_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->mmio);
    qdev_init_gpio_out(dev, s->outputs, s->num_harts);
}

static void swi_reset(DeviceState *dev)
{
    RISCVAclintSwiState *s = RISCV_ACLINT_SWI(dev);

    for (unsigned i = 0; s->msip && i < s->num_harts; i++) {
        s->msip[i] = 0;
        qemu_irq_lower(s->outputs[i]);
    }
}

static void swi_finalize(Object *obj)
{
    RISCVAclintSwiState *s = RISCV_ACLINT_SWI(obj);

    memory_region_finalize(&s->mmio);
    g_free(s->msip);
    g_free(s->outputs);
}

static const Property swi_props[] = {
    DEFINE_PROP_UINT32("hartid-base", RISCVAclintSwiState, hartid_base, 0),
    DEFINE_PROP_UINT32("num-harts", RISCVAclintSwiState, num_harts, 1),
    DEFINE_PROP_END_OF_LIST(),
};

static void swi_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "RISC-V ACLINT machine-level software interrupts";
    dc->realize = swi_realize;
    dc->reset = swi_reset;
    object_class_set_props(klass, swi_props);
}

static const TypeInfo aclint_types[] = {
    {
        .name = TYPE_RISCV_ACLINT_MTIMER,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(RISCVAclintMTimerState),
        .desc = "RISC-V ACLINT machine-level timer",
        .class_init = mtimer_class_init,
        .instance_finalize = mtimer_finalize,
    },
    {
        .name = TYPE_RISCV_ACLINT_SWI,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(RISCVAclintSwiState),
        .desc = "RISC-V ACLINT machine-level software interrupts",
        .class_init = swi_class_init,
        .instance_finalize = swi_finalize,
    },
};

static void aclint_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(aclint_types); i++) {
        type_register_static(&aclint_types[i]);
    }
}
type_init(aclint_register_types)

DeviceState *riscv_aclint_mtimer_create(hwaddr addr, hwaddr size, uint32_t hartid_base,
                                        uint32_t num_harts, uint32_t timecmp_base,
                                        uint32_t time_base, uint32_t timebase_freq,
                                        Error **errp)
{
    const IntcUintProp props[] = {
        {"hartid-base", hartid_base},
        {"num-harts", num_harts},
        {"timecmp-base", timecmp_base},
        {"time-base", time_base},
        {"aperture-size", size},
        {"timebase-freq", timebase_freq},
    };

    return intc_sysbus_create(TYPE_RISCV_ACLINT_MTIMER, addr, props, ARRAY_SIZE(props), errp);
}

DeviceState *riscv_aclint_swi_create(hwaddr addr, uint32_t hartid_base,
                                     uint32_t num_harts, Error **errp)
{
    const IntcUintProp props[] = {
        {"hartid-base", hartid_base},
        {"num-harts", num_harts},
    };

    return intc_sysbus_create(TYPE_RISCV_ACLINT_SWI, addr, props, ARRAY_SIZE(props), errp);
}
