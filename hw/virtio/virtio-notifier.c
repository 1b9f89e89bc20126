/*
 * Host notifiers: a device whose queues are served by an iothread gets one
 * eventfd per queue.  The transport registers it as an ioeventfd on the
 * queue's notify address (virtio 1.2 §4.2.2 QueueNotify for MMIO, §4.1.4.4
 * the notification area for PCI), so the guest's kick becomes an eventfd
 * write in the vCPU thread (or in the kernel, under KVM) and the vCPU goes
 * straight back to the guest; the iothread wakes up and runs the handler.
 *
 * Locking: the handler takes the BQL while it runs.  Queue registers,
 * status writes and resets arrive in the vCPU thread under the BQL, so ring
 * state and the interrupt lines stay consistent without a second lock; the
 * device's I/O itself (submission to the backend, the host's work and its
 * completion wake-up) happens in the iothread without it.
 */
#include "hw/virtio/virtio-internal.h"
#include "core/log.h"
#include "core/thread.h"

#include <sys/eventfd.h>

static void host_notifier_read(void *opaque)
{
    VirtQueue *vq = opaque;
    uint64_t cnt;
    bool taken;

    /* Any number of kicks since the last read is one run of the handler. */
    if (read(vq->notifier_fd, &cnt, sizeof(cnt)) < 0) {
        return;             /* EAGAIN: another read took them */
    }
    /* Main-loop handlers already hold the BQL; an iothread takes it. */
    taken = !bql_locked();
    if (taken) {
        bql_lock();
    }
    virtio_queue_run_handler(vq);
    if (taken) {
        bql_unlock();
    }
}

static void host_notifier_close(VirtIODevice *vdev, VirtQueue *vq)
{
    if (!vq->notifier_on) {
        return;
    }
    vdev->transport->set_host_notifier(vdev->transport_opaque, vq->index,
                                       vq->notifier_fd, false);
    event_loop_set_fd_handler(vdev->notify_loop, vq->notifier_fd, NULL, NULL, NULL);
    close(vq->notifier_fd);
    vq->notifier_on = false;
    vq->notifier_fd = -1;
}

bool virtio_transport_has_ioeventfd(VirtIODevice *vdev)
{
    const VirtioTransportOps *t = vdev->transport;

    return t && t->set_host_notifier &&
           (!t->ioeventfd_enabled || t->ioeventfd_enabled(vdev->transport_opaque));
}

bool virtio_host_notifiers_start(VirtIODevice *vdev, Error **errp)
{
    if (!virtio_transport_has_ioeventfd(vdev)) {
        /* QEMU's wording for iothread= with ioeventfd=off. */
        error_setg(errp, "ioeventfd is required for iothread");
        return false;
    }
    for (unsigned i = 0; i < vdev->num_queues; i++) {
        VirtQueue *vq = &vdev->vq[i];
        int fd;

        if (!vq->handle_output) {
            continue;
        }
        fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (fd < 0) {
            error_setg_errno(errp, errno, "%s: cannot create a host notifier", vdev->name);
            virtio_host_notifiers_stop(vdev);
            return false;
        }
        vq->notifier_fd = fd;
        vq->notifier_on = true;
        event_loop_set_fd_handler(vdev->notify_loop, fd, host_notifier_read, NULL, vq);
        vdev->transport->set_host_notifier(vdev->transport_opaque, i, fd, true);
    }
    return true;
}

void virtio_host_notifiers_stop(VirtIODevice *vdev)
{
    for (unsigned i = 0; vdev->vq && i < vdev->num_queues; i++) {
        host_notifier_close(vdev, &vdev->vq[i]);
    }
}

void virtio_queue_kick_host_notifier(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = virtio_get_queue(vdev, n);
    uint64_t one = 1;

    if (!vq || !vq->notifier_on) {
        return;
    }
    /* EAGAIN means the counter is full: a wake-up is pending anyway. */
    if (write(vq->notifier_fd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
        qemu_log_mask(LOG_UNIMP, "%s: queue %u: cannot signal the host notifier: %s\n",
                      vdev->name, n, strerror(errno));
    }
}
