/*
 * Host and guest notifiers of virtio-mmio without KVM: the memory core is
 * told an accelerator offloads ioeventfds, and the transport's IRQ line is
 * given an irqfd handler that accepts, as a machine with KVM's irqchip
 * would.  The test then plays KVM: it signals the queue's ioeventfd
 * instead of writing QueueNotify, reads the irqfd instead of watching the
 * line, and signals the resamplefd as the guest's EOI would.
 */
#include "tests/unit/virtqueue-test-util.h"
#include "core/main-loop.h"
#include "memory/memory-internal.h"

#include <sys/eventfd.h>

typedef struct FakeIrqfd {
    int assigns, deassigns;
    int fd, resamplefd;
} FakeIrqfd;

static FakeIrqfd fake;

static bool fake_irqfd(void *opaque, int n, int fd, int resamplefd, bool assign)
{
    if (assign) {
        fake.assigns++;
        fake.fd = fd;
        fake.resamplefd = resamplefd;
    } else {
        fake.deassigns++;
        CHECK_EQ(fd, fake.fd);
    }
    return true;
}

static uint64_t take(int fd)
{
    uint64_t v = 0;

    return read(fd, &v, sizeof(v)) == sizeof(v) ? v : 0;
}

static void signal_fd(int fd)
{
    uint64_t one = 1;

    CHECK_EQ(write(fd, &one, sizeof(one)), (ssize_t)sizeof(one));
}

static void run_loop(void)
{
    while (event_loop_run_once(main_loop_get(), false)) {
    }
}

/* util.h's setup, with the irqfd handler on the line before the device plugs. */
static void setup_offloaded(T *t)
{
    Error *err = NULL;

    memset(t, 0, sizeof(*t));
    memset(&fake, 0, sizeof(fake));
    memory_set_ioeventfd_offload(true);
    memory_region_init(&t->root, NULL, "vq-test-root", UINT64_MAX);
    CHECK(memory_region_init_ram(&t->ram, NULL, "vq-test-ram", RAM_SIZE, &err));
    memory_region_add_subregion(&t->root, 0, &t->ram);
    memory_region_init_io(&t->io, NULL, &io_ops, t, "vq-test-io", 0x1000);
    memory_region_add_subregion(&t->root, MMIO_BASE, &t->io);
    address_space_init(&t->as, &t->root, "vq-test");
    t->proxy = qdev_new(TYPE_VIRTIO_MMIO);
    CHECK(qdev_realize(t->proxy, NULL, &err));
    t->irq = qemu_allocate_irq(irq_level, t, 0);
    qemu_irq_set_irqfd_handler(t->irq, fake_irqfd);
    sysbus_connect_irq(SYS_BUS_DEVICE(t->proxy), 0, t->irq);
    t->regs = sysbus_mmio_get_region(SYS_BUS_DEVICE(t->proxy), 0);
    t->dev = qdev_new(TYPE_TEST_ECHO);
    t->vdev = VIRTIO_DEVICE(t->dev);
    t->vdev->dma_as = &t->as;
    CHECK(qdev_realize(t->dev, VIRTIO_MMIO(t->proxy)->bus, &err));
    drv_init(t, BASE_FEATURES);
}

/* Offer head without touching QueueNotify: the "guest's write" is the fd. */
static void offer(T *t, uint16_t head)
{
    g16(t, AVAIL + 4 + 2 * (t->avail_idx % QSIZE), head);
    t->avail_idx++;
    g16(t, AVAIL + 2, t->avail_idx);
}

UNIT_TEST(virtio_mmio_ioeventfd_and_resampled_irqfd)
{
    T t;
    int kick;

    setup_offloaded(&t);
    /* The line went to an irqfd with a resamplefd at plug time, and again
     * at the driver's reset (status 0) that starts its initialization. */
    CHECK_EQ(fake.assigns, 2);
    CHECK_EQ(fake.deassigns, 1);
    CHECK(fake.fd >= 0 && fake.resamplefd >= 0);
    /* QueueReady registered QueueNotify (4 bytes, data 0) as an ioeventfd. */
    kick = virtio_queue_host_notifier_fd(t.vdev, 0);
    CHECK(kick >= 0);
    CHECK(t.regs->ioeventfds && t.regs->ioeventfds->len == 1);
    CHECK_EQ(g_array_index(t.regs->ioeventfds, MemoryRegionIoeventfd, 0).addr,
             VIRTIO_MMIO_QUEUE_NOTIFY);

    /* KVM would signal the fd: the main loop serves the queue. */
    put_out(&t, "kick");
    desc(&t, 0, BUF_OUT, 4, F_NEXT, 1);
    desc(&t, 1, BUF_IN, 16, F_WRITE, 0);
    offer(&t, 0);
    signal_fd(kick);
    run_loop();
    check_echoed(&t, 0, 0, "kick");
    CHECK_EQ(t.vdev->stats.kicks_ioeventfd, 1);
    CHECK_EQ(t.vdev->stats.kicks_exit, 0);
    /* The interrupt went to the irqfd, not the line. */
    CHECK_EQ(take(fake.fd), 1);
    CHECK_EQ(t.level, 0);
    CHECK_EQ(t.vdev->stats.irqs_irqfd, 1);
    CHECK_EQ(t.vdev->stats.irqs_plain, 0);

    /* Acknowledged before the EOI: the resample does not raise it again. */
    wr(&t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_QUEUE);
    signal_fd(fake.resamplefd);
    run_loop();
    CHECK_EQ(take(fake.fd), 0);

    /* EOI while InterruptStatus is still set: raised again (level). */
    put_out(&t, "again");
    desc(&t, 2, BUF_OUT, 5, F_NEXT, 3);
    desc(&t, 3, BUF_IN, 16, F_WRITE, 0);
    offer(&t, 2);
    signal_fd(kick);
    run_loop();
    CHECK_EQ(take(fake.fd), 1);
    signal_fd(fake.resamplefd);
    run_loop();
    CHECK_EQ(take(fake.fd), 1);
    CHECK_EQ(t.vdev->stats.irqs_irqfd, 3);

    /* A register write still works (another width, a driver without
     * the fast path): counted as an exit. */
    wr(&t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    CHECK_EQ(t.vdev->stats.kicks_exit, 1);

    /* Reset: the ioeventfd goes, the irqfd is re-created (no stale level). */
    wr(&t, VIRTIO_MMIO_STATUS, 0);
    CHECK_EQ(virtio_queue_host_notifier_fd(t.vdev, 0), -1);
    CHECK_EQ(t.regs->ioeventfds->len, 0);
    CHECK_EQ(fake.deassigns, 2);
    CHECK_EQ(fake.assigns, 3);
    teardown(&t);
    CHECK_EQ(fake.deassigns, 3);
    memory_set_ioeventfd_offload(false);
}

UNIT_TEST(virtio_mmio_plain_paths_without_offload)
{
    T t;

    setup(&t, BASE_FEATURES);
    /* No accelerator takes ioeventfds: QueueNotify stays a register. */
    CHECK_EQ(virtio_queue_host_notifier_fd(t.vdev, 0), -1);
    put_out(&t, "plain");
    desc(&t, 0, BUF_OUT, 5, F_NEXT, 1);
    desc(&t, 1, BUF_IN, 16, F_WRITE, 0);
    submit(&t, 0);
    check_echoed(&t, 0, 0, "plain");
    CHECK_EQ(t.level, 1);
    CHECK_EQ(t.vdev->stats.kicks_exit, 1);
    CHECK_EQ(t.vdev->stats.kicks_ioeventfd, 0);
    CHECK_EQ(t.vdev->stats.irqs_plain, 1);
    CHECK_EQ(t.vdev->stats.irqs_irqfd, 0);
    teardown(&t);
}
