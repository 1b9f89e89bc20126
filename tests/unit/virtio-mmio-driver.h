/*
 * The test plays a virtio driver over virtio-mmio on fake guest RAM: queue
 * set-up, descriptors, avail/used rings, kicks and the interrupt line.
 * Shared by the device tests (test-virtio-devices, test-virtio-net).
 * setup() takes the device type and NULL-terminated property/value pairs.
 */
#ifndef TESTS_UNIT_VIRTIO_MMIO_DRIVER_H
#define TESTS_UNIT_VIRTIO_MMIO_DRIVER_H

#include "core/osdep.h"
#include "core/main-loop.h"
#include "hw/virtio/virtio-mmio.h"
#include "tests/unit/unit.h"

#include <stdarg.h>

#define RAM_SIZE (256 * KiB)
#define QSIZE 16
#define DESC(q) (0x1000 + (q) * 0x1000)
#define AVAIL(q) (0x8000 + (q) * 0x1000)
#define USED(q) (0x10000 + (q) * 0x1000)
#define BUF 0x20000

#define F_NEXT 1
#define F_WRITE 2

typedef struct T {
    MemoryRegion root, ram;
    AddressSpace as;
    DeviceState *proxy, *dev;
    VirtIODevice *vdev;
    MemoryRegion *regs;
    qemu_irq irq;
    int level;
    uint16_t avail_idx[4];
} T;

static inline void irq_level(void *opaque, int n, int level)
{
    ((T *)opaque)->level = level;
}

static inline uint32_t rd(T *t, hwaddr reg)
{
    uint64_t v = 0;

    memory_region_dispatch_read(t->regs, reg, &v, 4, MEMTXATTRS_UNSPECIFIED);
    return v;
}

static inline void wr(T *t, hwaddr reg, uint32_t v)
{
    memory_region_dispatch_write(t->regs, reg, v, 4, MEMTXATTRS_UNSPECIFIED);
}

static inline void put(T *t, hwaddr a, const void *p, size_t n)
{
    address_space_write(&t->as, a, MEMTXATTRS_UNSPECIFIED, p, n);
}

static inline void get(T *t, hwaddr a, void *p, size_t n)
{
    address_space_read(&t->as, a, MEMTXATTRS_UNSPECIFIED, p, n);
}

static inline uint16_t l16(T *t, hwaddr a)
{
    return address_space_lduw_le(&t->as, a, MEMTXATTRS_UNSPECIFIED, NULL);
}

static inline void desc(T *t, unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                 uint16_t next)
{
    hwaddr d = DESC(q) + 16 * i;

    address_space_stq_le(&t->as, d, addr, MEMTXATTRS_UNSPECIFIED, NULL);
    address_space_stl_le(&t->as, d + 8, len, MEMTXATTRS_UNSPECIFIED, NULL);
    address_space_stw_le(&t->as, d + 12, flags, MEMTXATTRS_UNSPECIFIED, NULL);
    address_space_stw_le(&t->as, d + 14, next, MEMTXATTRS_UNSPECIFIED, NULL);
}

static inline void submit(T *t, unsigned q, uint16_t head)
{
    address_space_stw_le(&t->as, AVAIL(q) + 4 + 2 * (t->avail_idx[q] % QSIZE), head,
                         MEMTXATTRS_UNSPECIFIED, NULL);
    t->avail_idx[q]++;
    address_space_stw_le(&t->as, AVAIL(q) + 2, t->avail_idx[q], MEMTXATTRS_UNSPECIFIED,
                         NULL);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* Wait (running the main loop: the block layer completes there) for used idx. */
static inline bool wait_used(T *t, unsigned q, uint16_t want)
{
    for (int i = 0; i < 2000 && l16(t, USED(q) + 2) != want; i++) {
        event_loop_run_once(main_loop_get(), true);
    }
    return l16(t, USED(q) + 2) == want;
}

static inline void drv_init(T *t, uint64_t features, unsigned nq)
{
    wr(t, VIRTIO_MMIO_STATUS, 0);
    memset(t->avail_idx, 0, sizeof(t->avail_idx));
    wr(t, VIRTIO_MMIO_STATUS, 3);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES, features >> 32);
    wr(t, VIRTIO_MMIO_STATUS, 0xb);
    CHECK(rd(t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK);
    for (unsigned q = 0; q < nq; q++) {
        uint8_t zero[0x1000] = { 0 };

        put(t, DESC(q), zero, sizeof(zero));
        put(t, AVAIL(q), zero, sizeof(zero));
        put(t, USED(q), zero, sizeof(zero));
        wr(t, VIRTIO_MMIO_QUEUE_SEL, q);
        wr(t, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
        wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, DESC(q));
        wr(t, VIRTIO_MMIO_QUEUE_AVAIL_LOW, AVAIL(q));
        wr(t, VIRTIO_MMIO_QUEUE_USED_LOW, USED(q));
        wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
    }
    wr(t, VIRTIO_MMIO_STATUS, 0xf);
}

static inline void setup(T *t, const char *type, ...)
{
    Error *err = NULL;
    const char *prop;
    va_list ap;

    memset(t, 0, sizeof(*t));
    memory_region_init(&t->root, NULL, "vdev-test-root", UINT64_MAX);
    CHECK(memory_region_init_ram(&t->ram, NULL, "vdev-test-ram", RAM_SIZE, &err));
    memory_region_add_subregion(&t->root, 0, &t->ram);
    address_space_init(&t->as, &t->root, "vdev-test");
    t->proxy = qdev_new(TYPE_VIRTIO_MMIO);
    CHECK(qdev_realize(t->proxy, NULL, &err));
    t->irq = qemu_allocate_irq(irq_level, t, 0);
    sysbus_connect_irq(SYS_BUS_DEVICE(t->proxy), 0, t->irq);
    t->regs = sysbus_mmio_get_region(SYS_BUS_DEVICE(t->proxy), 0);
    t->dev = qdev_new(type);
    t->vdev = VIRTIO_DEVICE(t->dev);
    t->vdev->dma_as = &t->as;
    va_start(ap, type);
    while ((prop = va_arg(ap, const char *)) != NULL) {
        const char *val = va_arg(ap, const char *);

        if (!object_property_parse(OBJECT(t->dev), prop, val, &err)) {
            unit_fail(__FILE__, __LINE__, "%s", error_get_pretty(err));
        }
    }
    va_end(ap);
    if (!qdev_realize(t->dev, VIRTIO_MMIO(t->proxy)->bus, &err)) {
        unit_fail(__FILE__, __LINE__, "realize: %s", error_get_pretty(err));
    }
}

static inline void teardown(T *t)
{
    /* The device first, as device_del would take it off its slot. */
    object_unparent(OBJECT(t->dev));
    object_unparent(OBJECT(t->proxy));
    object_unref(OBJECT(t->proxy));
    object_unref(OBJECT(t->dev));
    qemu_free_irq(t->irq);
    address_space_destroy(&t->as);
    memory_region_del_subregion(&t->root, &t->ram);
    memory_region_finalize(&t->ram);
    memory_region_finalize(&t->root);
}

#endif
