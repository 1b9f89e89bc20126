/* ISA port regions and IRQ lines (see isa.h). */
#include "core/osdep.h"
#include "hw/x86/isa.h"
#include "hw/core/machine.h"

static qemu_irq isa_irqs[ISA_NUM_IRQS];

void isa_bus_set_irqs(qemu_irq *lines, int n)
{
    for (int i = 0; i < ISA_NUM_IRQS; i++) {
        isa_irqs[i] = i < n ? lines[i] : NULL;
    }
}

qemu_irq isa_get_irq(int n)
{
    return n >= 0 && n < ISA_NUM_IRQS ? isa_irqs[n] : NULL;
}

/* Is any port of [port, port+size) claimed by a subregion already? */
static bool isa_ports_busy(uint32_t port, uint64_t size)
{
    MemoryRegion *io = get_system_io();

    for (guint i = 0; io->subregions && i < io->subregions->len; i++) {
        MemoryRegion *sub = g_ptr_array_index(io->subregions, i);

        if (sub->enabled && port < sub->addr + sub->size && sub->addr < port + size) {
            return true;
        }
    }
    return false;
}

bool isa_register_ioport(MemoryRegion *mr, uint32_t port, Error **errp)
{
    uint64_t size = memory_region_size(mr);

    if (port > 0xffff || size > 0x10000 - port) {
        error_setg(errp, "I/O ports 0x%x-0x%" PRIx64 " are outside the 64 KiB port space",
                   port, port + size - 1);
        return false;
    }
    if (isa_ports_busy(port, size)) {
        error_setg(errp, "I/O ports 0x%x-0x%" PRIx64 " are already in use", port,
                   port + size - 1);
        return false;
    }
    memory_region_add_subregion(get_system_io(), port, mr);
    return true;
}

void isa_unregister_ioport(MemoryRegion *mr)
{
    if (mr->container) {
        memory_region_del_subregion(mr->container, mr);
    }
}
