/*
 * Interrupt plumbing to the in-kernel irqchip: line levels (KVM_IRQ_LINE),
 * the GSI routing table (KVM_SET_GSI_ROUTING) and irqfds (KVM_IRQFD).
 *
 * api.rst §4.25 KVM_IRQ_LINE, §4.52 KVM_SET_GSI_ROUTING (the table replaces
 * the kernel's whole table, so the default PIC/IOAPIC routes are part of
 * it), §4.75 KVM_IRQFD.
 */
#include "core/osdep.h"
#include "accel/kvm/kvm.h"

/* The x86 in-kernel irqchip has 24 IOAPIC pins; MSI routes come after. */
#define KVM_IOAPIC_PINS 24
#define KVM_PIC_MASTER 0
#define KVM_PIC_SLAVE 1
#define KVM_IOAPIC 2

int kvm_set_irq(KVMState *s, int gsi, int level)
{
    struct kvm_irq_level e = { .irq = (uint32_t)gsi, .level = (uint32_t)level };

    return kvm_vm_ioctl(s, KVM_IRQ_LINE, &e);
}

static void gsi_set_used(KVMState *s, int gsi, bool used)
{
    unsigned long bit = 1UL << (gsi % (8 * sizeof(long)));

    if (used) {
        s->used_gsi[gsi / (8 * sizeof(long))] |= bit;
    } else {
        s->used_gsi[gsi / (8 * sizeof(long))] &= ~bit;
    }
}

static bool gsi_is_used(KVMState *s, int gsi)
{
    return s->used_gsi[gsi / (8 * sizeof(long))] & (1UL << (gsi % (8 * sizeof(long))));
}

static void route_add(KVMState *s, const struct kvm_irq_routing_entry *e)
{
    if (s->routes->nr == (uint32_t)s->nr_allocated_routes) {
        int n = s->nr_allocated_routes ? 2 * s->nr_allocated_routes : 64;

        s->routes = g_realloc(s->routes, sizeof(*s->routes) +
                              n * sizeof(struct kvm_irq_routing_entry));
        s->nr_allocated_routes = n;
    }
    s->routes->entries[s->routes->nr++] = *e;
    gsi_set_used(s, e->gsi, true);
}

static void route_add_irqchip(KVMState *s, int gsi, int chip, int pin)
{
    struct kvm_irq_routing_entry e = {
        .gsi = (uint32_t)gsi,
        .type = KVM_IRQ_ROUTING_IRQCHIP,
        .u.irqchip = { .irqchip = (uint32_t)chip, .pin = (uint32_t)pin },
    };

    route_add(s, &e);
}

bool kvm_irqchip_init_routes(KVMState *s, Error **errp)
{
    int ret;

    s->gsi_count = kvm_check_extension(s, KVM_CAP_IRQ_ROUTING);
    if (s->gsi_count <= 0) {
        /* Without routing the kernel's default ISA/IOAPIC map still works. */
        return true;
    }
    s->used_gsi = g_new0(unsigned long, (s->gsi_count + 8 * sizeof(long) - 1) /
                                        (8 * sizeof(long)));
    s->routes = g_malloc0(sizeof(*s->routes));
    /*
     * The kernel's default (arch/x86/kvm/irq_comm.c): ISA IRQs 0-15 reach
     * both 8259s and the IOAPIC; IRQ 0 (the PIT) is IOAPIC pin 2, as the
     * MP/ACPI interrupt source override says; IRQ 2 is the cascade.
     */
    for (int i = 0; i < 16; i++) {
        if (i != 2) {
            route_add_irqchip(s, i, i < 8 ? KVM_PIC_MASTER : KVM_PIC_SLAVE, i % 8);
        }
    }
    for (int i = 0; i < KVM_IOAPIC_PINS; i++) {
        if (i == 0) {
            route_add_irqchip(s, 0, KVM_IOAPIC, 2);
        } else if (i != 2) {
            route_add_irqchip(s, i, KVM_IOAPIC, i);
        }
    }
    gsi_set_used(s, 2, true);
    /* Needed even before any MSI route: the kernel's own default sends
     * GSI 0 to IOAPIC pin 0, but the MP table says the PIT is on pin 2. */
    ret = kvm_irqchip_commit_routes(s);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "KVM_SET_GSI_ROUTING failed");
        return false;
    }
    return true;
}

int kvm_irqchip_commit_routes(KVMState *s)
{
    if (!s->routes) {
        return -ENOSYS;
    }
    s->routes->flags = 0;
    return kvm_vm_ioctl(s, KVM_SET_GSI_ROUTING, s->routes);
}

int kvm_irqchip_add_msi_route(KVMState *s, uint64_t addr, uint32_t data)
{
    struct kvm_irq_routing_entry e = { .type = KVM_IRQ_ROUTING_MSI };
    int gsi;

    if (!s->routes) {
        return -ENOSYS;
    }
    for (gsi = KVM_IOAPIC_PINS; gsi < s->gsi_count; gsi++) {
        if (!gsi_is_used(s, gsi)) {
            break;
        }
    }
    if (gsi >= s->gsi_count) {
        return -ENOSPC;
    }
    e.gsi = (uint32_t)gsi;
    e.u.msi.address_lo = (uint32_t)addr;
    e.u.msi.address_hi = (uint32_t)(addr >> 32);
    e.u.msi.data = data;
    route_add(s, &e);
    return gsi;
}

int kvm_irqchip_update_msi_route(KVMState *s, int virq, uint64_t addr, uint32_t data)
{
    if (!s->routes || virq < KVM_IOAPIC_PINS) {
        return -EINVAL;
    }
    for (uint32_t i = 0; i < s->routes->nr; i++) {
        struct kvm_irq_routing_entry *e = &s->routes->entries[i];

        if (e->gsi == (uint32_t)virq && e->type == KVM_IRQ_ROUTING_MSI) {
            e->u.msi.address_lo = (uint32_t)addr;
            e->u.msi.address_hi = (uint32_t)(addr >> 32);
            e->u.msi.data = data;
            return 0;
        }
    }
    return -ENOENT;
}

/* api.rst §4.71 KVM_SIGNAL_MSI: one MSI write, decoded by the kernel as the
 * LAPIC would (destination in address bits 19:12, vector in data 7:0). */
int kvm_signal_msi(KVMState *s, uint64_t addr, uint32_t data)
{
    struct kvm_msi msi = {
        .address_lo = (uint32_t)addr,
        .address_hi = (uint32_t)(addr >> 32),
        .data = data,
    };

    return kvm_vm_ioctl(s, KVM_SIGNAL_MSI, &msi);
}

void kvm_irqchip_release_virq(KVMState *s, int virq)
{
    if (!s->routes || virq < KVM_IOAPIC_PINS) {
        return;
    }
    for (uint32_t i = 0; i < s->routes->nr; i++) {
        if (s->routes->entries[i].gsi == (uint32_t)virq) {
            s->routes->entries[i] = s->routes->entries[--s->routes->nr];
            i--;
        }
    }
    gsi_set_used(s, virq, false);
}

static int kvm_irqfd(KVMState *s, int fd, int resamplefd, int gsi, bool assign)
{
    struct kvm_irqfd irqfd = {
        .fd = (uint32_t)fd,
        .gsi = (uint32_t)gsi,
        .flags = assign ? 0 : KVM_IRQFD_FLAG_DEASSIGN,
    };

    if (assign && resamplefd >= 0) {
        irqfd.flags |= KVM_IRQFD_FLAG_RESAMPLE;
        irqfd.resamplefd = (uint32_t)resamplefd;
    }
    if (!kvm_check_extension(s, KVM_CAP_IRQFD)) {
        return -ENOSYS;
    }
    return kvm_vm_ioctl(s, KVM_IRQFD, &irqfd);
}

int kvm_irqchip_add_irqfd(KVMState *s, int fd, int resamplefd, int gsi)
{
    return kvm_irqfd(s, fd, resamplefd, gsi, true);
}

int kvm_irqchip_remove_irqfd(KVMState *s, int fd, int gsi)
{
    return kvm_irqfd(s, fd, -1, gsi, false);
}

void kvm_irq_cleanup(KVMState *s)
{
    g_free(s->routes);
    s->routes = NULL;
    g_free(s->used_gsi);
    s->used_gsi = NULL;
}
