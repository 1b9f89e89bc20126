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
