/*
 * The shared harness of the virtqueue tests: fake guest memory (64 KiB of
 * RAM at 0, an MMIO region at 1 MiB) in a test AddressSpace, a virtio-mmio
 * transport driven through its registers, and an "echo" device with one
 * queue that copies what it reads into what it writes.  Include it in one
 * file per test binary (it registers the echo type).
 */
#ifndef TESTS_UNIT_VIRTQUEUE_TEST_UTIL_H
#define TESTS_UNIT_VIRTQUEUE_TEST_UTIL_H

#include "core/osdep.h"
#include "core/log.h"
#include "hw/virtio/virtio-mmio.h"
#include "tests/unit/unit.h"

#define TYPE_TEST_ECHO "test-echo-virtio"
#define ECHO_FEATURE_BIT 3
#define QSIZE 8

#define RAM_SIZE (64 * KiB)
#define MMIO_BASE (1 * MiB)
#define DESC 0x1000
#define AVAIL 0x2000
#define USED 0x3000
#define TABLE 0x4000
#define BUF_OUT 0x8000
#define BUF_IN 0x9000

#define F_NEXT 1
#define F_WRITE 2
#define F_INDIRECT 4

typedef struct EchoState {
    VirtIODevice parent_obj;
    unsigned handled;
} EchoState;

static inline void echo_handle(VirtIODevice *vdev, VirtQueue *vq)
{
    EchoState *s = (EchoState *)vdev;
    VirtQueueElement *e;

    while ((e = virtqueue_pop(vq))) {
        uint8_t buf[256];
        size_t n = iov_to_buf(e->out_sg, e->out_num, 0, buf, sizeof(buf));

        n = iov_from_buf(e->in_sg, e->in_num, 0, buf, n);
        virtqueue_push(vq, e, n);
        virtqueue_element_free(e);
        s->handled++;
    }
    virtio_notify(vdev, vq);
}

static inline void echo_realize(VirtIODevice *vdev, Error **errp)
{
    virtio_init(vdev, 0x7e, 4);
    virtio_add_queue(vdev, QSIZE, echo_handle);
}

static inline uint64_t echo_features(VirtIODevice *vdev, uint64_t f)
{
    return f | (1ULL << ECHO_FEATURE_BIT);
}

static inline void echo_get_config(VirtIODevice *vdev, uint8_t *config)
{
    virtio_stl_p(config, 0xc0ffee00 | ((EchoState *)vdev)->handled);
}

static inline void echo_class_init(ObjectClass *oc, void *data)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    vdc->realize = echo_realize;
    vdc->get_features = echo_features;
    vdc->get_config = echo_get_config;
}

static const TypeInfo echo_info = {
    .name = TYPE_TEST_ECHO,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(EchoState),
    .class_init = echo_class_init,
};

static inline void echo_register(void)
{
    type_register_static(&echo_info);
}
type_init(echo_register)

typedef struct T {
    MemoryRegion root, ram, io;
    AddressSpace as;
    DeviceState *proxy;
    DeviceState *dev;
    VirtIODevice *vdev;
    MemoryRegion *regs;
    qemu_irq irq;
    int level;
    uint16_t avail_idx;
} T;

static inline uint64_t io_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0x5a;
}

static inline void io_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
}

static const MemoryRegionOps io_ops = {
    .read = io_read, .write = io_write, .endianness = DEVICE_LITTLE_ENDIAN,
};

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

static inline void g16(T *t, hwaddr a, uint16_t v)
{
    address_space_stw_le(&t->as, a, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static inline uint16_t l16(T *t, hwaddr a)
{
    return address_space_lduw_le(&t->as, a, MEMTXATTRS_UNSPECIFIED, NULL);
}

static inline uint32_t l32(T *t, hwaddr a)
{
    return address_space_ldl_le(&t->as, a, MEMTXATTRS_UNSPECIFIED, NULL);
}

static inline void desc_at(T *t, hwaddr table, unsigned i, uint64_t addr, uint32_t len,
                    uint16_t flags, uint16_t next)
{
    hwaddr d = table + 16 * i;

    address_space_stq_le(&t->as, d, addr, MEMTXATTRS_UNSPECIFIED, NULL);
    address_space_stl_le(&t->as, d + 8, len, MEMTXATTRS_UNSPECIFIED, NULL);
    g16(t, d + 12, flags);
    g16(t, d + 14, next);
}

static inline void desc(T *t, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                 uint16_t next)
{
    desc_at(t, DESC, i, addr, len, flags, next);
}

/* Offer head to the device and kick queue 0. */
static inline void submit(T *t, uint16_t head)
{
    g16(t, AVAIL + 4 + 2 * (t->avail_idx % QSIZE), head);
    t->avail_idx++;
    g16(t, AVAIL + 2, t->avail_idx);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* §3.1.1 driver initialization with the given feature bits. */
static inline void drv_init(T *t, uint64_t features)
{
    wr(t, VIRTIO_MMIO_STATUS, 0);
    t->avail_idx = 0;
    wr(t, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    wr(t, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES, features >> 32);
    wr(t, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                              VIRTIO_CONFIG_S_FEATURES_OK);
    wr(t, VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(t, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
    wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, DESC);
    wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
    wr(t, VIRTIO_MMIO_QUEUE_AVAIL_LOW, AVAIL);
    wr(t, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
    wr(t, VIRTIO_MMIO_QUEUE_USED_LOW, USED);
    wr(t, VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
    /* Rings start zeroed, as a driver allocates them. */
    for (hwaddr a = DESC; a < TABLE + 0x1000; a += 2) {
        g16(t, a, 0);
    }
    wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
    wr(t, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                              VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

#define BASE_FEATURES (1ULL << VIRTIO_F_VERSION_1)

static inline void setup(T *t, uint64_t features)
{
    Error *err = NULL;

    memset(t, 0, sizeof(*t));
    memory_region_init(&t->root, NULL, "vq-test-root", UINT64_MAX);
    CHECK(memory_region_init_ram(&t->ram, NULL, "vq-test-ram", RAM_SIZE, &err));
    memory_region_add_subregion(&t->root, 0, &t->ram);
    memory_region_init_io(&t->io, NULL, &io_ops, t, "vq-test-io", 0x1000);
    memory_region_add_subregion(&t->root, MMIO_BASE, &t->io);
    address_space_init(&t->as, &t->root, "vq-test");

    t->proxy = qdev_new(TYPE_VIRTIO_MMIO);
    CHECK(qdev_realize(t->proxy, NULL, &err));
    t->irq = qemu_allocate_irq(irq_level, t, 0);
    sysbus_connect_irq(SYS_BUS_DEVICE(t->proxy), 0, t->irq);
    t->regs = sysbus_mmio_get_region(SYS_BUS_DEVICE(t->proxy), 0);

    t->dev = qdev_new(TYPE_TEST_ECHO);
    t->vdev = VIRTIO_DEVICE(t->dev);
    /* Offer packed rings when the test negotiates them. */
    t->vdev->packed = features & (1ULL << VIRTIO_F_RING_PACKED);
    t->vdev->dma_as = &t->as;
    CHECK(qdev_realize(t->dev, VIRTIO_MMIO(t->proxy)->bus, &err));
    CHECK(!err);
    drv_init(t, features);
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
    memory_region_del_subregion(&t->root, &t->io);
    memory_region_finalize(&t->ram);
    memory_region_finalize(&t->io);
    memory_region_finalize(&t->root);
}

static inline bool needs_reset(T *t)
{
    return rd(t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET;
}

static inline void put_out(T *t, const char *s)
{
    address_space_write(&t->as, BUF_OUT, MEMTXATTRS_UNSPECIFIED, s, strlen(s));
}

static inline void check_echoed(T *t, unsigned used_slot, uint16_t head, const char *s)
{
    char got[64] = "";

    CHECK_EQ(l32(t, USED + 4 + 8 * used_slot), head);
    CHECK_EQ(l32(t, USED + 4 + 8 * used_slot + 4), strlen(s));
    address_space_read(&t->as, BUF_IN, MEMTXATTRS_UNSPECIFIED, got, strlen(s));
    CHECK(!memcmp(got, s, strlen(s)));
}

#endif
