/*
 * Private to memory/: the rendered FlatView, RAM blocks and the hooks the
 * files of this folder share.  Nothing outside memory/ includes this.
 */
#ifndef MEMORY_MEMORY_INTERNAL_H
#define MEMORY_MEMORY_INTERNAL_H

#include "memory/memory.h"

/*
 * Sizes in the tree go up to 2^64 (a region of size UINT64_MAX is the
 * whole 64-bit space), and an alias's base can lie below 0 while it is being
 * rendered, so rendering works in signed 128-bit arithmetic.
 */
typedef __int128 Int128;
#define INT128_2_64 (((Int128)1) << 64)

static inline Int128 mr_size128(const MemoryRegion *mr)
{
    return mr->size == UINT64_MAX ? INT128_2_64 : (Int128)mr->size;
}

/* Last byte offset of a region of the given size ("MR_SIZE" in info mtree). */
static inline uint64_t mr_last_offset(uint64_t size)
{
    return size == 0 ? 0 : (size == UINT64_MAX ? UINT64_MAX : size - 1);
}

/* One rendered range: [start, start + size) of the address space maps to
 * mr at offset_in_region. */
typedef struct FlatRange {
    MemoryRegion *mr;
    hwaddr offset_in_region;
    Int128 start;
    Int128 size;
    uint8_t dirty_log_mask;
    bool readonly;
    bool romd_mode;
} FlatRange;

/* One memory_region_add_eventfd(); addr is relative to the region. */
typedef struct MemoryRegionIoeventfd {
    hwaddr addr;
    unsigned size;
    bool match_data;
    uint64_t data;
    int fd;
} MemoryRegionIoeventfd;

/* An ioeventfd as an address space sees it. */
typedef struct FlatIoeventfd {
    MemoryRegion *mr;
    MemoryRegionIoeventfd e;
    hwaddr as_addr;
} FlatIoeventfd;

/*
 * A FlatView is immutable once published.  Readers take a reference with
 * address_space_get_flatview(), which loads the pointer and increments the
 * count under a small lock that the committer also takes to swap the
 * pointer, so a view is never freed while a reader thread holds it.
 */
struct FlatView {
    unsigned ref;
    FlatRange *ranges;
    unsigned nr;
    unsigned nr_allocated;
    MemoryRegion *root;         /* the flat-view root (NULL: empty view) */
    FlatIoeventfd *ioeventfds;  /* sorted by address */
    unsigned nr_ioeventfds;
};

/* memory.c: the transaction machinery shared with the other files. */
extern unsigned memory_transaction_depth;
extern bool memory_update_pending;
void memory_region_update_pending_mark(void);

/* flatview.c */
extern GPtrArray *memory_address_spaces;     /* AddressSpace*, init order */
FlatView *address_space_get_flatview(AddressSpace *as);
void flatview_ref(FlatView *fv);
void flatview_unref(FlatView *fv);
/* Range holding addr, or NULL (then *next_start is the next range's start
 * or 2^64, so a caller can skip the hole). */
const FlatRange *flatview_lookup(const FlatView *fv, hwaddr addr, Int128 *next_start);
void memory_update_topology(void);
MemoryRegion *memory_region_get_flatview_root(MemoryRegion *mr);
void flatrange_to_section(const FlatRange *fr, AddressSpace *as,
                          MemoryRegionSection *s);

extern bool memory_global_dirty_log;

/* ioeventfd.c */
void flatview_collect_ioeventfds(FlatView *fv);
void address_space_update_ioeventfds(AddressSpace *as, const FlatView *old,
                                     const FlatView *new);
void listener_replay_ioeventfds(MemoryListener *l, AddressSpace *as,
                                const FlatView *fv, bool add);
/* Wait until no address_space_ioeventfd_write runs on an older view. */
void memory_ioeventfd_synchronize(void);
/* A write matching an ioeventfd of mr signals it (true) unless offloaded. */
bool memory_region_dispatch_ioeventfd(MemoryRegion *mr, hwaddr addr, uint64_t data,
                                      unsigned size);

/* physmem.c: RAM blocks. */
struct RAMBlock {
    MemoryRegion *mr;
    uint8_t *host;
    ram_addr_t offset;          /* in the global ram_addr_t space */
    uint64_t used_length;       /* bytes the region uses */
    uint64_t max_length;        /* page-rounded reservation in ram_addr_t space */
    size_t mmap_length;         /* 0: memory not ours (init_ram_ptr) */
    int fd;                     /* file backing, -1 if none */
};

RAMBlock *ram_block_add(MemoryRegion *mr, uint64_t size, void *host, int fd,
                        bool share, Error **errp);
void ram_block_free(RAMBlock *rb);
/* Guest writes into RAM: code-page hook first, then the copy, then dirty. */
void ram_block_write(RAMBlock *rb, uint64_t offset, const void *buf, uint64_t len);
/* Marks written RAM: calls the code hook for code pages and sets all
 * clients dirty (the data has landed or is about to). */
void ram_invalidate_and_set_dirty(ram_addr_t start, uint64_t len);
bool ram_range_has_code(ram_addr_t start, uint64_t len);

/* The leaf that answers holes in every FlatView. */
extern MemoryRegion io_mem_unassigned;

/* dispatch.c */
bool memory_region_access_valid(MemoryRegion *mr, hwaddr addr, unsigned size,
                                bool is_write, MemTxAttrs attrs);
/* Largest access of at most len bytes that the region's ops accept at addr. */
unsigned memory_access_size(MemoryRegion *mr, unsigned len, hwaddr addr);

/* What a leaf does with an access of each direction. */
static inline bool memory_region_reads_ram(const MemoryRegion *mr)
{
    return mr->ram_block &&
           (mr->kind == MR_RAM || mr->kind == MR_ROM ||
            (mr->kind == MR_ROMD && mr->romd_mode));
}

static inline bool memory_region_writes_ram(const MemoryRegion *mr)
{
    return mr->ram_block && mr->kind == MR_RAM && !mr->readonly;
}

/* A write that RAM silently drops (ROM, read-only RAM), as QEMU does. */
static inline bool memory_region_ignores_write(const MemoryRegion *mr)
{
    return mr->ram_block && (mr->kind == MR_ROM ||
                             (mr->kind == MR_RAM && mr->readonly));
}

#endif
