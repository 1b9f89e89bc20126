/*
 * Accesses through an AddressSpace: buffers of any length across region
 * boundaries, single loads and stores, translation for the JIT's TLB, and
 * direct mapping for DMA.
 *
 * Every access holds a reference to the FlatView it started with, so a
 * concurrent commit cannot free the view under it.
 */
#include "memory/memory-internal.h"

static void put_le(uint8_t *buf, uint64_t v, unsigned size)
{
    unsigned i;

    for (i = 0; i < size; i++) {
        buf[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t get_le(const uint8_t *buf, unsigned size)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        v |= (uint64_t)buf[i] << (8 * i);
    }
    return v;
}

/*
 * [xlat, xlat + len) of leaf mr, seen through a range that may be
 * read-only.  RAM is copied; a device gets the largest accesses its valid
 * sizes allow.  Writes to ROM and read-only RAM are dropped (MEMTX_OK)
 * unless rom_ok, which the firmware loader uses to fill ROMs.
 */
static MemTxResult region_access(MemoryRegion *mr, hwaddr xlat, uint8_t *buf,
                                 hwaddr len, bool is_write, bool readonly,
                                 bool rom_ok, MemTxAttrs attrs)
{
    MemTxResult r = MEMTX_OK;
    RAMBlock *rb = mr->ram_block;

    if (rb && (is_write ? (rom_ok || (memory_region_writes_ram(mr) && !readonly))
                        : memory_region_reads_ram(mr))) {
        if (xlat >= rb->used_length || len > rb->used_length - xlat) {
            if (!is_write) {
                memset(buf, 0, len);
            }
            return MEMTX_DECODE_ERROR;
        }
        if (is_write) {
            ram_block_write(rb, xlat, buf, len);
        } else {
            memcpy(buf, rb->host + xlat, len);
        }
        return MEMTX_OK;
    }
    if (is_write && rb && (readonly || memory_region_ignores_write(mr))) {
        return MEMTX_OK;
    }
    if (is_write && rom_ok) {
        return MEMTX_OK;        /* the ROM loader skips devices, as QEMU's does */
    }
    while (len > 0) {
        unsigned n = memory_access_size(mr, (unsigned)MIN(len, 8), xlat);
        uint64_t v;

        if (is_write) {
            r |= memory_region_dispatch_write(mr, xlat, get_le(buf, n), n, attrs);
        } else {
            r |= memory_region_dispatch_read(mr, xlat, &v, n, attrs);
            put_le(buf, v, n);
        }
        buf += n;
        xlat += n;
        len -= n;
    }
    return r;
}

static MemTxResult flatview_access(FlatView *fv, hwaddr addr, MemTxAttrs attrs,
                                   uint8_t *buf, hwaddr len, bool is_write,
                                   bool rom_ok)
{
    MemTxResult r = MEMTX_OK;

    while (len > 0) {
        Int128 next;
        const FlatRange *fr = flatview_lookup(fv, addr, &next);
        Int128 avail;
        hwaddr l;

        if (!fr) {
            /* A hole: reads as zero, nothing lands, the caller learns why. */
            avail = next - (Int128)addr;
            l = avail < (Int128)len ? (hwaddr)avail : len;
            if (!is_write) {
                memset(buf, 0, l);
            }
            r |= MEMTX_DECODE_ERROR;
        } else {
            avail = fr->start + fr->size - (Int128)addr;
            l = avail < (Int128)len ? (hwaddr)avail : len;
            r |= region_access(fr->mr,
                               fr->offset_in_region + (addr - (hwaddr)fr->start),
                               buf, l, is_write, fr->readonly, rom_ok, attrs);
        }
        buf += l;
        addr += l;              /* wraps at 2^64 to 0, like the bus */
        len -= l;
    }
    return r;
}

static MemTxResult address_space_access(AddressSpace *as, hwaddr addr,
                                        MemTxAttrs attrs, void *buf, hwaddr len,
                                        bool is_write, bool rom_ok)
{
    FlatView *fv = address_space_get_flatview(as);
    MemTxResult r = flatview_access(fv, addr, attrs, buf, len, is_write, rom_ok);

    flatview_unref(fv);
    return r;
}

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                             void *buf, hwaddr len, bool is_write)
{
    return address_space_access(as, addr, attrs, buf, len, is_write, false);
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                               void *buf, hwaddr len)
{
    return address_space_access(as, addr, attrs, buf, len, false, false);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                                const void *buf, hwaddr len)
{
    return address_space_access(as, addr, attrs, (void *)buf, len, true, false);
}

MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                                    const void *buf, hwaddr len)
{
    return address_space_access(as, addr, attrs, (void *)buf, len, true, true);
}

/*
 * One load of size bytes in guest (little-endian) order.  An access inside
 * one device range is a single dispatch, so the device sees the guest's
 * size; one straddling ranges falls back to bytes.
 */
static uint64_t address_space_load(AddressSpace *as, hwaddr addr, unsigned size,
                                   MemTxAttrs attrs, MemTxResult *result)
{
    FlatView *fv = address_space_get_flatview(as);
    const FlatRange *fr = flatview_lookup(fv, addr, NULL);
    uint8_t buf[8];
    uint64_t v = 0;
    MemTxResult r;

    if (fr && fr->start + fr->size - (Int128)addr >= size &&
        !memory_region_reads_ram(fr->mr)) {
        r = memory_region_dispatch_read(fr->mr,
                                        fr->offset_in_region + (addr - (hwaddr)fr->start),
                                        &v, size, attrs);
    } else {
        r = flatview_access(fv, addr, attrs, buf, size, false, false);
        v = get_le(buf, size);
    }
    flatview_unref(fv);
    if (result) {
        *result = r;
    }
    return v;
}

static void address_space_store(AddressSpace *as, hwaddr addr, uint64_t v,
                                unsigned size, MemTxAttrs attrs, MemTxResult *result)
{
    FlatView *fv = address_space_get_flatview(as);
    const FlatRange *fr = flatview_lookup(fv, addr, NULL);
    uint8_t buf[8];
    MemTxResult r;

    if (fr && fr->start + fr->size - (Int128)addr >= size &&
        (fr->mr->kind == MR_IO || fr->mr->kind == MR_ROMD)) {
        r = memory_region_dispatch_write(fr->mr,
                                         fr->offset_in_region + (addr - (hwaddr)fr->start),
                                         v, size, attrs);
    } else {
        put_le(buf, v, size);
        r = flatview_access(fv, addr, attrs, buf, size, true, false);
    }
    flatview_unref(fv);
    if (result) {
        *result = r;
    }
}

uint8_t address_space_ldub(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r)
{
    return (uint8_t)address_space_load(as, addr, 1, a, r);
}

uint16_t address_space_lduw_le(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r)
{
    return (uint16_t)address_space_load(as, addr, 2, a, r);
}

uint32_t address_space_ldl_le(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r)
{
    return (uint32_t)address_space_load(as, addr, 4, a, r);
}

uint64_t address_space_ldq_le(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r)
{
    return address_space_load(as, addr, 8, a, r);
}

uint16_t address_space_lduw_be(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r)
{
    return __builtin_bswap16((uint16_t)address_space_load(as, addr, 2, a, r));
}

uint32_t address_space_ldl_be(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r)
{
    return __builtin_bswap32((uint32_t)address_space_load(as, addr, 4, a, r));
}

uint64_t address_space_ldq_be(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r)
{
    return __builtin_bswap64(address_space_load(as, addr, 8, a, r));
}

void address_space_stb(AddressSpace *as, hwaddr addr, uint8_t v, MemTxAttrs a, MemTxResult *r)
{
    address_space_store(as, addr, v, 1, a, r);
}

void address_space_stw_le(AddressSpace *as, hwaddr addr, uint16_t v, MemTxAttrs a, MemTxResult *r)
{
    address_space_store(as, addr, v, 2, a, r);
}

void address_space_stl_le(AddressSpace *as, hwaddr addr, uint32_t v, MemTxAttrs a, MemTxResult *r)
{
    address_space_store(as, addr, v, 4, a, r);
}

void address_space_stq_le(AddressSpace *as, hwaddr addr, uint64_t v, MemTxAttrs a, MemTxResult *r)
{
    address_space_store(as, addr, v, 8, a, r);
}

void address_space_stw_be(AddressSpace *as, hwaddr addr, uint16_t v, MemTxAttrs a, MemTxResult *r)
{
    address_space_store(as, addr, __builtin_bswap16(v), 2, a, r);
}

void address_space_stl_be(AddressSpace *as, hwaddr addr, uint32_t v, MemTxAttrs a, MemTxResult *r)
{
    address_space_store(as, addr, __builtin_bswap32(v), 4, a, r);
}

void address_space_stq_be(AddressSpace *as, hwaddr addr, uint64_t v, MemTxAttrs a, MemTxResult *r)
{
    address_space_store(as, addr, __builtin_bswap64(v), 8, a, r);
}

MemoryRegion *address_space_translate(AddressSpace *as, hwaddr addr, hwaddr *xlat,
                                      hwaddr *plen, bool is_write, MemTxAttrs attrs)
{
    FlatView *fv = address_space_get_flatview(as);
    Int128 next, avail;
    const FlatRange *fr = flatview_lookup(fv, addr, &next);
    MemoryRegion *mr;

    if (fr) {
        mr = fr->mr;
        *xlat = fr->offset_in_region + (addr - (hwaddr)fr->start);
        avail = fr->start + fr->size - (Int128)addr;
    } else {
        mr = &io_mem_unassigned;
        *xlat = addr;
        avail = next - (Int128)addr;
    }
    if (plen && avail < (Int128)*plen) {
        *plen = (hwaddr)avail;
    }
    flatview_unref(fv);
    return mr;
}

void *address_space_map(AddressSpace *as, hwaddr addr, hwaddr *plen, bool is_write,
                        MemTxAttrs attrs)
{
    FlatView *fv = address_space_get_flatview(as);
    const FlatRange *fr = flatview_lookup(fv, addr, NULL);
    void *p = NULL;

    if (fr && (is_write ? memory_region_writes_ram(fr->mr) && !fr->readonly
                        : memory_region_reads_ram(fr->mr))) {
        RAMBlock *rb = fr->mr->ram_block;
        hwaddr xlat = fr->offset_in_region + (addr - (hwaddr)fr->start);
        Int128 avail = fr->start + fr->size - (Int128)addr;

        if (xlat < rb->used_length) {
            avail = MIN(avail, (Int128)(rb->used_length - xlat));
            if (avail < (Int128)*plen) {
                *plen = (hwaddr)avail;
            }
            p = rb->host + xlat;
        }
    }
    if (!p) {
        *plen = 0;
    }
    flatview_unref(fv);
    return p;
}

/* The data landed through the pointer: dirty the pages and let the JIT
 * drop code translated from them. */
void address_space_unmap(AddressSpace *as, void *buffer, hwaddr len, bool is_write,
                         hwaddr access_len)
{
    if (is_write && buffer && access_len) {
        ram_addr_t ra = qemu_ram_addr_from_host(buffer);
        if (ra != RAM_ADDR_INVALID) {
            ram_invalidate_and_set_dirty(ra, MIN(access_len, len));
        }
    }
}

bool address_space_access_valid(AddressSpace *as, hwaddr addr, hwaddr len,
                                bool is_write, MemTxAttrs attrs)
{
    FlatView *fv = address_space_get_flatview(as);
    bool ok = true;

    while (len > 0) {
        const FlatRange *fr = flatview_lookup(fv, addr, NULL);
        Int128 avail;
        hwaddr l;

        if (!fr || !(is_write ? memory_region_writes_ram(fr->mr) && !fr->readonly
                              : memory_region_reads_ram(fr->mr))) {
            ok = false;
            break;
        }
        avail = fr->start + fr->size - (Int128)addr;
        l = avail < (Int128)len ? (hwaddr)avail : len;
        addr += l;
        len -= l;
    }
    flatview_unref(fv);
    return ok;
}
