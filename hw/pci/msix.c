/*
 * MSI-X (PCI Local Bus 3.0 §6.8.2): a table of (address, data, mask) per
 * vector and a pending-bit array, both in a memory BAR; the capability's
 * Message Control holds the enable and function-mask bits.  A vector fires
 * by the device writing data to address as a bus master; a masked vector
 * sets its pending bit instead and fires when unmasked.
 */
#include "hw/pci/pci.h"
#include "core/log.h"

#define MSIX_ENTRY_SIZE 16
#define MSIX_VECTOR_CTRL 12
#define MSIX_CTRL_MASKED 1
#define MSIX_FLAGS 2                     /* Message Control in the capability */
#define MSIX_ENABLE 0x8000
#define MSIX_MASKALL 0x4000
#define MSIX_CAP_SIZE 12

bool msix_enabled(PCIDevice *d)
{
    return d->msix_cap &&
           (pci_get_word(d->config + d->msix_cap + MSIX_FLAGS) & MSIX_ENABLE);
}

static bool msix_function_masked(PCIDevice *d)
{
    return pci_get_word(d->config + d->msix_cap + MSIX_FLAGS) & MSIX_MASKALL;
}

static bool msix_vector_masked(PCIDevice *d, unsigned v)
{
    return msix_function_masked(d) ||
           (d->msix_table[v * MSIX_ENTRY_SIZE + MSIX_VECTOR_CTRL] & MSIX_CTRL_MASKED);
}

static void msix_send(PCIDevice *d, unsigned v)
{
    uint8_t *e = d->msix_table + v * MSIX_ENTRY_SIZE;
    uint64_t addr = pci_get_long(e) | (uint64_t)pci_get_long(e + 4) << 32;
    MemTxResult r;

    address_space_stl_le(pci_get_address_space(d), addr, pci_get_long(e + 8),
                         MEMTXATTRS_UNSPECIFIED, &r);
    if (r != MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: MSI-X vector %u write to 0x%" PRIx64
                      " failed\n", object_get_typename(OBJECT(d)), v, addr);
    }
}

void msix_notify(PCIDevice *d, unsigned v)
{
    if (!msix_enabled(d) || v >= d->msix_entries) {
        return;
    }
    if (msix_vector_masked(d, v) || !pci_bus_master_enabled(d)) {
        d->msix_pba[v / 8] |= 1u << (v % 8);
        return;
    }
    msix_send(d, v);
}

static void msix_route_release(PCIDevice *d, unsigned v);

/* Bring vector v's irqfd route in line with its table entry and masks. */
static void msix_route_sync(PCIDevice *d, unsigned v)
{
    const PCIMSIRouteOps *ops = d->bus ? d->bus->msi_ops : NULL;
    MSIXVectorRoute *r = d->msix_routes ? &d->msix_routes[v] : NULL;
    uint8_t *e = d->msix_table + v * MSIX_ENTRY_SIZE;
    uint64_t addr = pci_get_long(e) | (uint64_t)pci_get_long(e + 4) << 32;
    uint32_t data = pci_get_long(e + 8);

    if (!ops || !r || r->fd < 0) {
        return;
    }
    if (!msix_enabled(d) || msix_vector_masked(d, v) || !pci_bus_master_enabled(d)) {
        /* A masked vector must not fire: detach, so a write to the fd waits
         * in the eventfd and the device takes the pending-bit path. */
        if (r->attached) {
            ops->irqfd(d->bus->msi_opaque, r->virq, r->fd, false);
            r->attached = false;
        }
        return;
    }
    if (r->virq < 0) {
        r->virq = ops->add(d->bus->msi_opaque, addr, data);
        if (r->virq < 0) {
            qemu_log_mask(LOG_UNIMP, "%s: no MSI route for vector %u (%s); plain "
                          "MSI writes instead\n", object_get_typename(OBJECT(d)), v,
                          strerror(-r->virq));
            return;
        }
    } else if ((r->addr != addr || r->data != data) &&
               ops->update(d->bus->msi_opaque, r->virq, addr, data) < 0) {
        /* A stale route must not fire: back to plain MSI writes. */
        qemu_log_mask(LOG_UNIMP, "%s: MSI route of vector %u not updated; plain MSI "
                      "writes instead\n", object_get_typename(OBJECT(d)), v);
        msix_route_release(d, v);
        return;
    }
    r->addr = addr;
    r->data = data;
    if (!r->attached) {
        r->attached = ops->irqfd(d->bus->msi_opaque, r->virq, r->fd, true);
    }
}

static void msix_routes_sync(PCIDevice *d)
{
    for (unsigned v = 0; d->msix_routes && v < d->msix_entries; v++) {
        msix_route_sync(d, v);
    }
}

static void msix_route_release(PCIDevice *d, unsigned v)
{
    const PCIMSIRouteOps *ops = d->bus ? d->bus->msi_ops : NULL;
    MSIXVectorRoute *r = &d->msix_routes[v];

    if (ops && r->attached) {
        ops->irqfd(d->bus->msi_opaque, r->virq, r->fd, false);
    }
    if (ops && r->virq >= 0) {
        ops->release(d->bus->msi_opaque, r->virq);
    }
    r->attached = false;
    r->virq = -1;
}

bool msix_vector_set_irqfd(PCIDevice *d, unsigned v, int fd)
{
    if (!d->msix_routes || v >= d->msix_entries) {
        return false;
    }
    msix_route_release(d, v);
    d->msix_routes[v].fd = fd;
    if (fd < 0) {
        return true;
    }
    if (!d->bus || !d->bus->msi_ops) {
        d->msix_routes[v].fd = -1;
        return false;
    }
    msix_route_sync(d, v);
    return true;
}

bool msix_vector_irqfd_active(PCIDevice *d, unsigned v)
{
    return d->msix_routes && v < d->msix_entries && d->msix_routes[v].attached;
}

/* Deliver what became unmasked. */
static void msix_flush_pending(PCIDevice *d)
{
    for (unsigned v = 0; v < d->msix_entries; v++) {
        if ((d->msix_pba[v / 8] & (1u << (v % 8))) && msix_enabled(d) &&
            !msix_vector_masked(d, v) && pci_bus_master_enabled(d)) {
            d->msix_pba[v / 8] &= ~(1u << (v % 8));
            msix_send(d, v);
        }
    }
}

void msix_write_config(PCIDevice *d, uint32_t addr, uint32_t val, unsigned len)
{
    msix_routes_sync(d);
    msix_flush_pending(d);
}

static uint64_t msix_table_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *d = opaque;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)d->msix_table[addr + i] << (8 * i);
    }
    return v;
}

static void msix_table_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCIDevice *d = opaque;

    for (unsigned i = 0; i < size; i++) {
        d->msix_table[addr + i] = val >> (8 * i);
    }
    /* The guest reprogrammed or (un)masked a vector: its route follows. */
    msix_route_sync(d, addr / MSIX_ENTRY_SIZE);
    if ((addr + size - 1) / MSIX_ENTRY_SIZE != addr / MSIX_ENTRY_SIZE) {
        msix_route_sync(d, (addr + size - 1) / MSIX_ENTRY_SIZE);
    }
    msix_flush_pending(d);
}

static const MemoryRegionOps msix_table_ops = {
    .read = msix_table_read,
    .write = msix_table_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 4, .max_access_size = 8},
    .impl = {.min_access_size = 1, .max_access_size = 8},
};

static uint64_t msix_pba_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *d = opaque;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)d->msix_pba[addr + i] << (8 * i);
    }
    return v;
}

static void msix_pba_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    /* Read-only (§6.8.2.10). */
}

static const MemoryRegionOps msix_pba_ops = {
    .read = msix_pba_read,
    .write = msix_pba_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 4, .max_access_size = 8},
    .impl = {.min_access_size = 1, .max_access_size = 8},
};

void msix_reset(PCIDevice *d)
{
    if (!d->msix_cap) {
        return;
    }
    pci_set_word(d->config + d->msix_cap + MSIX_FLAGS,
                 pci_get_word(d->config + d->msix_cap + MSIX_FLAGS) &
                 ~(MSIX_ENABLE | MSIX_MASKALL));
    memset(d->msix_table, 0, d->msix_entries * MSIX_ENTRY_SIZE);
    for (unsigned v = 0; v < d->msix_entries; v++) {
        d->msix_table[v * MSIX_ENTRY_SIZE + MSIX_VECTOR_CTRL] = MSIX_CTRL_MASKED;
    }
    memset(d->msix_pba, 0, QEMU_ALIGN_UP(d->msix_entries, 64) / 8);
    msix_routes_sync(d);
}

bool msix_init(PCIDevice *d, unsigned nentries, MemoryRegion *bar, uint32_t table_off,
               uint32_t pba_off, Error **errp)
{
    int bar_nr = -1;
    uint8_t cap;
    size_t pba_size = QEMU_ALIGN_UP(nentries, 64) / 8;

    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        if (d->io_regions[n].mr == bar) {
            bar_nr = n;
        }
    }
    if (bar_nr < 0 || nentries == 0 || nentries > 2048 ||
        table_off + nentries * MSIX_ENTRY_SIZE > memory_region_size(bar) ||
        pba_off + pba_size > memory_region_size(bar) || (table_off | pba_off) & 7) {
        error_setg(errp, "MSI-X: %u vectors do not fit the BAR", nentries);
        return false;
    }
    cap = pci_add_capability(d, PCI_CAP_ID_MSIX, 0, MSIX_CAP_SIZE, errp);
    if (!cap) {
        return false;
    }
    d->msix_cap = cap;
    d->msix_entries = nentries;
    d->msix_table = g_malloc0(nentries * MSIX_ENTRY_SIZE);
    d->msix_pba = g_malloc0(pba_size);
    d->msix_bar = bar;
    d->msix_routes = g_new(MSIXVectorRoute, nentries);
    for (unsigned v = 0; v < nentries; v++) {
        d->msix_routes[v] = (MSIXVectorRoute){ .fd = -1, .virq = -1 };
    }
    pci_set_word(d->config + cap + MSIX_FLAGS, nentries - 1);
    pci_set_long(d->config + cap + 4, table_off | bar_nr);
    pci_set_long(d->config + cap + 8, pba_off | bar_nr);
    d->wmask[cap + MSIX_FLAGS + 1] = (MSIX_ENABLE | MSIX_MASKALL) >> 8;
    memory_region_init_io(&d->msix_table_mmio, OBJECT(d), &msix_table_ops, d, "msix-table",
                          nentries * MSIX_ENTRY_SIZE);
    memory_region_add_subregion(bar, table_off, &d->msix_table_mmio);
    memory_region_init_io(&d->msix_pba_mmio, OBJECT(d), &msix_pba_ops, d, "msix-pba",
                          pba_size);
    memory_region_add_subregion(bar, pba_off, &d->msix_pba_mmio);
    msix_reset(d);
    return true;
}

void msix_uninit(PCIDevice *d)
{
    if (!d->msix_cap) {
        return;
    }
    for (unsigned v = 0; v < d->msix_entries; v++) {
        msix_route_release(d, v);
    }
    g_free(d->msix_routes);
    d->msix_routes = NULL;
    memory_region_del_subregion(d->msix_bar, &d->msix_table_mmio);
    memory_region_del_subregion(d->msix_bar, &d->msix_pba_mmio);
    memory_region_finalize(&d->msix_table_mmio);
    memory_region_finalize(&d->msix_pba_mmio);
    g_free(d->msix_table);
    g_free(d->msix_pba);
    d->msix_table = d->msix_pba = NULL;
    d->msix_cap = 0;
    d->msix_entries = 0;
}
