/* IRQ lines: a device raises and lowers a line; a machine wires lines. */
#ifndef HW_CORE_IRQ_H
#define HW_CORE_IRQ_H

#include "core/osdep.h"

typedef struct IRQState *qemu_irq;
typedef void (*qemu_irq_handler)(void *opaque, int n, int level);

qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n);
qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int n);
void qemu_free_irq(qemu_irq irq);
void qemu_set_irq(qemu_irq irq, int level);     /* NULL irq: no-op */

/*
 * irqfd: an eventfd that raises the line without a call into the device
 * model (KVM_IRQFD), for lines that end in an accelerator's interrupt
 * controller.  Whoever allocated the line (the machine) says how; a device
 * only asks.  resamplefd >= 0 makes the line level-triggered: a write to
 * fd asserts it until the guest's EOI, which lowers it and signals
 * resamplefd, so the device can assert it again while its condition holds.
 */
typedef bool (*qemu_irq_irqfd_handler)(void *opaque, int n, int fd, int resamplefd,
                                        bool assign);
void qemu_irq_set_irqfd_handler(qemu_irq irq, qemu_irq_irqfd_handler fn);
/* False if the line has no irqfd support (the plain path stays in use). */
bool qemu_irq_add_irqfd(qemu_irq irq, int fd, int resamplefd);
void qemu_irq_remove_irqfd(qemu_irq irq, int fd);

static inline void qemu_irq_raise(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
}

static inline void qemu_irq_lower(qemu_irq irq)
{
    qemu_set_irq(irq, 0);
}

static inline void qemu_irq_pulse(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
    qemu_set_irq(irq, 0);
}

#endif
