/*
 * IRQ lines.  A line is a handler plus the opaque and line number it was
 * allocated with; raising or lowering it calls the handler synchronously,
 * so a device's output reaches the interrupt controller input it is wired
 * to without any queue in between.
 */
#include "core/osdep.h"
#include "hw/core/irq.h"

struct IRQState {
    qemu_irq_handler handler;
    void *opaque;
    int n;
    qemu_irq_irqfd_handler irqfd;
};

qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n)
{
    qemu_irq irq = g_new0(struct IRQState, 1);

    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int n)
{
    qemu_irq *irqs = g_new0(qemu_irq, n > 0 ? n : 1);

    for (int i = 0; i < n; i++) {
        irqs[i] = qemu_allocate_irq(handler, opaque, i);
    }
    return irqs;
}

void qemu_free_irq(qemu_irq irq)
{
    g_free(irq);
}

void qemu_set_irq(qemu_irq irq, int level)
{
    /* An unconnected output is legal: the level goes nowhere. */
    if (irq && irq->handler) {
        irq->handler(irq->opaque, irq->n, level);
    }
}

void qemu_irq_set_irqfd_handler(qemu_irq irq, qemu_irq_irqfd_handler fn)
{
    irq->irqfd = fn;
}

bool qemu_irq_add_irqfd(qemu_irq irq, int fd, int resamplefd)
{
    return irq && irq->irqfd && irq->irqfd(irq->opaque, irq->n, fd, resamplefd, true);
}

void qemu_irq_remove_irqfd(qemu_irq irq, int fd)
{
    if (irq && irq->irqfd) {
        irq->irqfd(irq->opaque, irq->n, fd, -1, false);
    }
}
