/*
 * Host and guest notifiers of the virtio core (see virtio.h).
 *
 * A host notifier is an eventfd per queue: the transport registers it as
 * an ioeventfd on the queue's notify address, the accelerator (KVM) signals
 * it when the guest writes there, and the main loop runs the queue's
 * handler -- the vCPU does not exit to the device model for a kick.
 * Guest notifiers (irqfds) belong to the transports, which know whether
 * an interrupt is an IRQ line (virtio-mmio) or an MSI-X vector
 * (virtio-pci); virtio_irqfd_signal is their common "fire" step.
 */
#include "hw/virtio/virtio-internal.h"
#include "core/log.h"
#include "core/main-loop.h"

#include <sys/eventfd.h>

static void host_notifier_read(void *opaque)
{
    VirtQueue *vq = opaque;
    uint64_t cnt;

    /* eventfd(2): one read returns and clears the count of kicks. */
    if (read(vq->host_notifier_fd, &cnt, sizeof(cnt)) != sizeof(cnt)) {
        return;
    }
    vq->vdev->stats.kicks_ioeventfd++;
    virtio_queue_notify_vq(vq);
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
    event_loop_set_fd_handler(main_loop_get(), fd, host_notifier_read, NULL, vq);
    return fd;
}

void virtio_queue_host_notifier_stop(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq;

    if (n >= VIRTIO_QUEUE_MAX || !vdev->vq || vdev->vq[n].host_notifier_fd < 0) {
        return;
    }
    vq = &vdev->vq[n];
    event_loop_set_fd_handler(main_loop_get(), vq->host_notifier_fd, NULL, NULL, NULL);
    /* A kick that landed before the ioeventfd went away is still owed. */
    host_notifier_read(vq);
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
