/*
 * Host and guest notifiers of the virtio core (see virtio.h).
 *
 * A host notifier is an eventfd per queue: the transport registers it as
 * an ioeventfd on the queue's notify address (virtio 1.2 §4.2.2 QueueNotify
 * for MMIO, §4.1.4.4 the notification area for PCI).  Under KVM the kernel
 * signals it when the guest writes there, so the vCPU does not exit to the
 * device model for a kick; under TCG the memory API signals it from the
 * vCPU thread.  The queue's handler runs in the device's notify_loop (an
 * iothread's) or the main loop.
 *
 * Locking: a handler in an iothread runs under the device's dp_lock and
 * not the BQL (the rule is at VirtIODevice.dp_lock): queue registers,
 * status writes and resets arrive in the vCPU thread under the BQL and
 * take dp_lock too.  Main-loop handlers run under the BQL.
 * Guest notifiers (irqfds) belong to the transports, which know whether
 * an interrupt is an IRQ line (virtio-mmio) or an MSI-X vector
 * (virtio-pci); virtio_irqfd_signal is their common "fire" step.
 */
#include "hw/virtio/virtio-internal.h"
#include "core/log.h"
#include "core/main-loop.h"
#include "core/thread.h"

#include <sys/eventfd.h>

static void host_notifier_read(void *opaque)
{
    VirtQueue *vq = opaque;
    VirtIODevice *vdev = vq->vdev;
    bool bql = false, dp;
    uint64_t cnt;

    /*
     * A device with its own loop is served under its dp_lock alone (the
     * dataplane); the main loop's devices under the BQL.  The fd is read
     * under the lock: notifiers stop under it, so it is still ours.
     */
    if (!vdev->notify_loop && !bql_locked()) {
        bql_lock();
        bql = true;
    }
    dp = virtio_dp_lock(vdev);
    /* eventfd(2): one read returns and clears the count of kicks. */
    if (vq->host_notifier_fd >= 0 &&
        read(vq->host_notifier_fd, &cnt, sizeof(cnt)) == sizeof(cnt)) {
        vdev->stats.kicks_ioeventfd++;
        virtio_queue_notify_vq(vq);
    }
    virtio_dp_unlock(vdev, dp);
    if (bql) {
        bql_unlock();
    }
}

static EventLoop *notifier_loop(VirtIODevice *vdev)
{
    return vdev->notify_loop ? vdev->notify_loop : main_loop_get();
}

bool virtio_wants_host_notifiers(VirtIODevice *vdev, bool ioeventfd_prop)
{
    return vdev && (vdev->notify_loop ||
                    (ioeventfd_prop && (memory_ioeventfd_offloaded() ||
                                        VIRTIO_DEVICE_GET_CLASS(vdev)->kick_in_main_loop)));
}

void virtio_queue_kick_host_notifier(VirtIODevice *vdev, unsigned n)
{
    uint64_t one = 1;
    int fd = virtio_queue_host_notifier_fd(vdev, n);

    if (fd < 0) {
        return;
    }
    /* EAGAIN means the counter is full: a wake-up is pending anyway. */
    if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
        qemu_log_mask(LOG_UNIMP, "%s: queue %u: cannot signal the host notifier: %s\n",
                      vdev->name, n, strerror(errno));
    }
}

int virtio_queue_host_notifier_start(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq;
    int fd;

    if (n >= VIRTIO_QUEUE_MAX || !vdev->vq) {
        errno = EINVAL;
        return -1;
    }
    vq = &vdev->vq[n];
    if (vq->host_notifier_fd >= 0) {
        return vq->host_notifier_fd;
    }
    fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    vq->host_notifier_fd = fd;
    event_loop_set_fd_handler(notifier_loop(vdev), fd, host_notifier_read, NULL, vq);
    return fd;
}

void virtio_queue_host_notifier_stop(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq;

    if (n >= VIRTIO_QUEUE_MAX || !vdev->vq || vdev->vq[n].host_notifier_fd < 0) {
        return;
    }
    vq = &vdev->vq[n];
    event_loop_set_fd_handler(notifier_loop(vdev), vq->host_notifier_fd, NULL, NULL, NULL);
    /*
     * A kick that landed before the ioeventfd went away is still owed; a
     * device with its own loop drained its queues before this (reset, stop,
     * unplug), so it is served here only for main-loop devices.
     */
    if (!vdev->notify_loop) {
        host_notifier_read(vq);
    }
    close(vq->host_notifier_fd);
    vq->host_notifier_fd = -1;
}

int virtio_queue_host_notifier_fd(VirtIODevice *vdev, unsigned n)
{
    return n < VIRTIO_QUEUE_MAX && vdev->vq ? vdev->vq[n].host_notifier_fd : -1;
}

void virtio_irqfd_signal(VirtIODevice *vdev, int fd)
{
    uint64_t one = 1;

    /* EAGAIN: the counter is saturated, so the kernel has a signal pending. */
    if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: irqfd write failed: %s\n", vdev->name,
                      strerror(errno));
        return;
    }
    vdev->stats.irqs_irqfd++;
}
