/*
 * One access to one leaf region: the size rules of its ops, splitting and
 * widening into the sizes the callbacks implement, and byte order.
 *
 * Values travel in the guest's byte order (little-endian for riscv64 and
 * x86_64): a value read from a region is what a little-endian load of those
 * bytes would give, whether they come from RAM or from a device.  A
 * DEVICE_BIG_ENDIAN device sees its values byte-swapped, as in QEMU's
 * memory API ("endianness" of MemoryRegionOps).
 */
#include "memory/memory-internal.h"
#include "core/log.h"

/* Answers every hole of every FlatView: reads 0, MEMTX_DECODE_ERROR. */
MemoryRegion io_mem_unassigned = {
    .kind = MR_IO,
    .name = (char *)"unassigned",
    .size = UINT64_MAX,
    .enabled = true,
    .terminates = true,
    .romd_mode = true,
};

static unsigned valid_min(const MemoryRegionOps *ops)
{
    return ops->valid.min_access_size ? ops->valid.min_access_size : 1;
}

static unsigned valid_max(const MemoryRegionOps *ops)
{
    return ops->valid.max_access_size ? ops->valid.max_access_size : 4;
}

/* The implementation sizes default to the valid ones. */
static unsigned impl_min(const MemoryRegionOps *ops)
{
    return ops->impl.min_access_size ? ops->impl.min_access_size : valid_min(ops);
}

static unsigned impl_max(const MemoryRegionOps *ops)
{
    return ops->impl.max_access_size ? ops->impl.max_access_size : valid_max(ops);
}

static bool size_ok(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static uint64_t bswap_n(uint64_t v, unsigned size)
{
    switch (size) {
    case 2:
        return __builtin_bswap16((uint16_t)v);
    case 4:
        return __builtin_bswap32((uint32_t)v);
    case 8:
        return __builtin_bswap64(v);
    default:
        return v;
    }
}

bool memory_region_access_valid(MemoryRegion *mr, hwaddr addr, unsigned size,
                                bool is_write, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;

    if (!ops || !size_ok(size)) {
        return false;
    }
    if (!ops->valid.unaligned && (addr & (size - 1))) {
        qemu_log_mask(LOG_GUEST_ERROR, "memory: unaligned %s of size %u at "
                      "offset 0x%" PRIx64 " of '%s'\n", is_write ? "write" : "read",
                      size, addr, memory_region_name(mr));
        return false;
    }
    if (size < valid_min(ops) || size > valid_max(ops)) {
        qemu_log_mask(LOG_GUEST_ERROR, "memory: %s of size %u at offset 0x%"
                      PRIx64 " of '%s' (valid sizes %u..%u)\n",
                      is_write ? "write" : "read", size, addr,
                      memory_region_name(mr), valid_min(ops), valid_max(ops));
        return false;
    }
    if (ops->valid.accepts &&
        !ops->valid.accepts(mr->opaque, addr, size, is_write, attrs)) {
        return false;
    }
    return true;
}

/* For buffer accesses: the largest valid size at addr not above len. */
unsigned memory_access_size(MemoryRegion *mr, unsigned len, hwaddr addr)
{
    static const MemoryRegionOps no_ops;
    const MemoryRegionOps *ops = mr->ops ? mr->ops : &no_ops;
    unsigned max = valid_max(ops);

    if (!ops->valid.unaligned) {
        hwaddr align = addr & -addr;
        if (align && align < max) {
            max = (unsigned)align;
        }
    }
    if (len > max) {
        len = max;
    }
    if (len > 8) {
        len = 8;
    }
    /* Round down to a power of two. */
    while (len & (len - 1)) {
        len &= len - 1;
    }
    return len ? len : 1;
}

static MemTxResult call_read(MemoryRegion *mr, hwaddr addr, unsigned size,
                             uint64_t *v, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    MemTxResult r = MEMTX_OK;

    *v = 0;
    if (ops->read_with_attrs) {
        r = ops->read_with_attrs(mr->opaque, addr, v, size, attrs);
    } else if (ops->read) {
        *v = ops->read(mr->opaque, addr, size);
    }
    *v &= size_mask(size);
    return r;
}

static MemTxResult call_write(MemoryRegion *mr, hwaddr addr, unsigned size,
                              uint64_t v, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;

    if (ops->write_with_attrs) {
        return ops->write_with_attrs(mr->opaque, addr, v, size, attrs);
    }
    if (ops->write) {
        ops->write(mr->opaque, addr, v, size);
    }
    return MEMTX_OK;
}

/*
 * Cover [addr, addr + size) with callback accesses of the implemented size
 * w (aligned to w unless impl.unaligned).  w < size splits the access, w >
 * size widens it: each callback's bytes are put in guest order and the
 * overlapping ones taken (reads) or supplied (writes).  A widened write
 * carries zeroes in the bytes outside the guest access: there is no
 * read-modify-write, since device reads have side effects.
 */
static MemTxResult access_with_impl_size(MemoryRegion *mr, hwaddr addr,
                                         unsigned size, uint64_t *value,
                                         bool is_write, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    bool big = ops->endianness == DEVICE_BIG_ENDIAN;
    unsigned w = MIN(MAX(size, impl_min(ops)), impl_max(ops));
    hwaddr end = addr + size;
    hwaddr c = ops->impl.unaligned ? addr : QEMU_ALIGN_DOWN(addr, w);
    MemTxResult r = MEMTX_OK;

    if (!size_ok(w)) {
        return MEMTX_ACCESS_ERROR;
    }
    if (!is_write) {
        *value = 0;
    }
    for (; c < end; c += w) {
        hwaddr ostart = MAX(c, addr), oend = MIN(c + w, end);
        unsigned cbyte = (unsigned)(ostart - c);
        unsigned vbyte = (unsigned)(ostart - addr);
        uint64_t nmask = size_mask((unsigned)(oend - ostart));
        uint64_t d;

        if (!is_write) {
            r |= call_read(mr, c, w, &d, attrs);
            if (big) {
                d = bswap_n(d, w);
            }
            *value |= ((d >> (8 * cbyte)) & nmask) << (8 * vbyte);
        } else {
            d = ((*value >> (8 * vbyte)) & nmask) << (8 * cbyte);
            if (big) {
                d = bswap_n(d, w);
            }
            r |= call_write(mr, c, w, d, attrs);
        }
        if (c + w < c) {
            break;              /* the top of the 64-bit space */
        }
    }
    return r;
}

static bool ram_in_bounds(const MemoryRegion *mr, hwaddr addr, unsigned size)
{
    return addr < mr->ram_block->used_length &&
           size <= mr->ram_block->used_length - addr;
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr, uint64_t *data,
                                        unsigned size, MemTxAttrs attrs)
{
    *data = 0;
    if (!size_ok(size)) {
        return MEMTX_ACCESS_ERROR;
    }
    if (memory_region_reads_ram(mr)) {
        uint64_t v = 0;
        if (!ram_in_bounds(mr, addr, size)) {
            return MEMTX_DECODE_ERROR;
        }
        memcpy(&v, mr->ram_block->host + addr, size);
        *data = GUINT64_FROM_LE(v);
        return MEMTX_OK;
    }
    if (mr == &io_mem_unassigned || !mr->ops ||
        (mr->kind != MR_IO && mr->kind != MR_ROMD)) {
        return MEMTX_DECODE_ERROR;
    }
    if (!memory_region_access_valid(mr, addr, size, false, attrs)) {
        return MEMTX_ACCESS_ERROR;
    }
    return access_with_impl_size(mr, addr, size, data, false, attrs);
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr, uint64_t data,
                                         unsigned size, MemTxAttrs attrs)
{
    if (!size_ok(size)) {
        return MEMTX_ACCESS_ERROR;
    }
    if (memory_region_writes_ram(mr)) {
        uint64_t v = GUINT64_TO_LE(data);
        if (!ram_in_bounds(mr, addr, size)) {
            return MEMTX_DECODE_ERROR;
        }
        ram_block_write(mr->ram_block, addr, &v, size);
        return MEMTX_OK;
    }
    if (memory_region_ignores_write(mr)) {
        return MEMTX_OK;        /* ROM: the write is dropped, as on hardware */
    }
    if (mr == &io_mem_unassigned || !mr->ops ||
        (mr->kind != MR_IO && mr->kind != MR_ROMD)) {
        return MEMTX_DECODE_ERROR;
    }
    if (!memory_region_access_valid(mr, addr, size, true, attrs)) {
        return MEMTX_ACCESS_ERROR;
    }
    /* data is compared as the guest wrote it (little-endian value). */
    if (memory_region_dispatch_ioeventfd(mr, addr, data, size)) {
        return MEMTX_OK;
    }
    return access_with_impl_size(mr, addr, size, &data, true, attrs);
}
