/*
 * The memory API: a tree of MemoryRegions rendered per AddressSpace into a
 * FlatView of non-overlapping ranges.  Semantics follow QEMU's documented
 * memory API: subregions are searched in descending priority (later-added
 * wins among equals); an address outside a subregion's range skips it; a
 * leaf (RAM, ROM, MMIO) is found; a container recurses with the address
 * adjusted; an alias continues at its target plus the alias offset; a hole in
 * a container falls through to lower-priority siblings unless the container
 * has its own backing (a RAM/MMIO container, see memory_region_init_io with
 * subregions).
 */
#ifndef MEMORY_MEMORY_H
#define MEMORY_MEMORY_H

#include "core/osdep.h"
#include "core/error.h"

typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;
typedef struct RAMBlock RAMBlock;
typedef struct Object Object;

typedef uint32_t MemTxResult;
#define MEMTX_OK 0
#define MEMTX_ERROR (1U << 0)          /* device returned an error */
#define MEMTX_DECODE_ERROR (1U << 1)   /* nothing at that address */
#define MEMTX_ACCESS_ERROR (1U << 2)   /* access not permitted (size, ROM write...) */

typedef struct MemTxAttrs {
    unsigned int unspecified : 1;
    unsigned int secure : 1;
    unsigned int user : 1;
    unsigned int requester_id : 16;
} MemTxAttrs;
#define MEMTXATTRS_UNSPECIFIED ((MemTxAttrs){.unspecified = 1})

enum device_endian {
    DEVICE_NATIVE_ENDIAN,       /* the guest's (little for riscv64 and x86_64) */
    DEVICE_BIG_ENDIAN,
    DEVICE_LITTLE_ENDIAN,
};

typedef struct MemoryRegionOps {
    /* addr is relative to the region start; size is 1, 2, 4 or 8. */
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);
    /* Optional variants that can fail; used instead of read/write if set. */
    MemTxResult (*read_with_attrs)(void *opaque, hwaddr addr, uint64_t *data,
                                   unsigned size, MemTxAttrs attrs);
    MemTxResult (*write_with_attrs)(void *opaque, hwaddr addr, uint64_t data,
                                    unsigned size, MemTxAttrs attrs);
    enum device_endian endianness;
    /* What the guest may do; anything else is MEMTX_ACCESS_ERROR (default 1..4). */
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
        bool (*accepts)(void *opaque, hwaddr addr, unsigned size, bool is_write,
                        MemTxAttrs attrs);
    } valid;
    /* What the callbacks implement; the core splits or combines other
     * accesses into these (default: same as valid). */
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
    } impl;
} MemoryRegionOps;

typedef enum MemoryRegionKind {
    MR_CONTAINER,    /* only subregions (may still have backing: see below) */
    MR_RAM,
    MR_ROM,          /* RAM for reads, writes are ignored (MEMTX_OK, as QEMU) */
    MR_ROMD,         /* reads from RAM, writes go to ops */
    MR_IO,           /* ops */
    MR_ALIAS,
} MemoryRegionKind;

struct MemoryRegion {
    /* Read-only for users; set by the init functions. */
    MemoryRegionKind kind;
    Object *owner;
    char *name;
    uint64_t size;                  /* UINT64_MAX for a 2^64 container */
    const MemoryRegionOps *ops;
    void *opaque;
    RAMBlock *ram_block;            /* RAM/ROM/ROMD */
    MemoryRegion *alias;
    hwaddr alias_offset;
    MemoryRegion *container;        /* parent, when added as a subregion */
    hwaddr addr;                    /* offset in the parent */
    int priority;
    bool enabled;
    bool readonly;                  /* RAM made read-only */
    bool terminates;                /* a leaf: RAM/ROM/IO, also with subregions */
    bool romd_mode;                 /* ROMD: reads from RAM (true) or ops (false) */
    uint8_t dirty_log_mask;         /* clients logging on this region */
    GPtrArray *subregions;          /* sorted: priority desc, later-added first */
    GArray *ioeventfds;             /* MemoryRegionIoeventfd, see add_eventfd */
    unsigned ref;
};

/* Dirty memory clients, each with its own bitmap over all RAM. */
#define DIRTY_MEMORY_VGA 0
#define DIRTY_MEMORY_CODE 1
#define DIRTY_MEMORY_MIGRATION 2
#define DIRTY_MEMORY_NUM 3
#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1ULL << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(TARGET_PAGE_SIZE - 1))

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size);
bool memory_region_init_ram(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp);
/* mmap of path (a file, or a directory in which a temporary file is made). */
bool memory_region_init_ram_from_file(MemoryRegion *mr, Object *owner,
                                      const char *name, uint64_t size,
                                      const char *path, bool share, Error **errp);
/* Wraps existing host memory (not freed by the region). */
void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner, const char *name,
                                uint64_t size, void *ptr);
bool memory_region_init_rom(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp);
bool memory_region_init_rom_device(MemoryRegion *mr, Object *owner,
                                   const MemoryRegionOps *ops, void *opaque,
                                   const char *name, uint64_t size, Error **errp);
void memory_region_init_io(MemoryRegion *mr, Object *owner, const MemoryRegionOps *ops,
                           void *opaque, const char *name, uint64_t size);
void memory_region_init_alias(MemoryRegion *mr, Object *owner, const char *name,
                              MemoryRegion *orig, hwaddr offset, uint64_t size);
/* Frees what init allocated (RAM, subregion list); mr must be unmapped. */
void memory_region_finalize(MemoryRegion *mr);

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion);
void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion, int priority);
void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
void memory_region_set_address(MemoryRegion *mr, hwaddr addr);
void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset);
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);
void memory_region_set_size(MemoryRegion *mr, uint64_t size);
/* ROMD: true (the default) reads from RAM; false sends reads to the ops too
 * (a flash in command mode). */
void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd_mode);

static inline uint64_t memory_region_size(MemoryRegion *mr)
{
    return mr->size;
}
const char *memory_region_name(const MemoryRegion *mr);
bool memory_region_is_ram(const MemoryRegion *mr);      /* RAM, ROM, ROMD */
bool memory_region_is_romd(const MemoryRegion *mr);
/* Host pointer to the start of a RAM/ROM region (NULL otherwise). */
void *memory_region_get_ram_ptr(MemoryRegion *mr);
/* Offset of the region's first byte in the global RAM address space. */
ram_addr_t memory_region_get_ram_addr(MemoryRegion *mr);

/* Group changes: the FlatViews are re-rendered once, at the outermost commit. */
void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

/* Dirty tracking (per client bitmap over RAM, page granularity). */
void memory_region_set_log(MemoryRegion *mr, bool log, unsigned client);
void memory_region_set_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size);
bool memory_region_get_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                             unsigned client);
/* Returns whether any page in the range was dirty, and clears it for client. */
bool memory_region_test_and_clear_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                                        unsigned client);
void memory_region_reset_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                               unsigned client);

/* The same on ram_addr_t ranges (used by the JIT and migration). */
void cpu_physical_memory_set_dirty_range(ram_addr_t start, ram_addr_t length);
bool cpu_physical_memory_get_dirty(ram_addr_t start, ram_addr_t length,
                                   unsigned client);
void cpu_physical_memory_reset_dirty(ram_addr_t start, ram_addr_t length,
                                     unsigned client);
/*
 * For a JIT whose TLB writes RAM directly: such a write sets no dirty bit,
 * so a page may be written directly only while it is dirty for every
 * client and holds no code (otherwise its writes take the slow path through
 * memory_region_dispatch_write, which marks them).  The reset hook runs
 * after any client's bits were cleared in a range, so the JIT can send that
 * range's writes back to the slow path.
 */
bool cpu_physical_memory_all_dirty(ram_addr_t start, ram_addr_t length);
typedef void DirtyResetHook(ram_addr_t start, ram_addr_t len);
void memory_set_dirty_reset_hook(DirtyResetHook *hook);
/* Host pointer for a ram_addr_t (NULL if it is not RAM). */
void *qemu_map_ram_ptr(ram_addr_t addr);
/* The reverse: ram_addr_t of a host pointer into RAM (RAM_ADDR_INVALID if
 * it points elsewhere). */
ram_addr_t qemu_ram_addr_from_host(const void *ptr);
/* Total bytes of the ram_addr_t space in use (bitmap walkers' bound). */
ram_addr_t last_ram_addr(void);

/*
 * Code pages: the JIT marks a page as holding translated code
 * (clears its DIRTY_MEMORY_CODE bit).  Any write to such a page that goes
 * through address_space_* or DMA calls the registered invalidation hook
 * before the data lands, then sets the page dirty again.
 */
typedef void CodeWriteHook(ram_addr_t start, ram_addr_t len);
void memory_set_code_write_hook(CodeWriteHook *hook);
void tlb_protect_code(ram_addr_t page_addr);       /* page has code now */
void tlb_unprotect_code(ram_addr_t page_addr);     /* page has no code any more */
bool memory_page_has_code(ram_addr_t page_addr);

/* Address spaces. */
struct AddressSpace {
    char *name;
    MemoryRegion *root;
    FlatView *current_map;          /* RCU-free: replaced under the BQL */
    GPtrArray *listeners;
};

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name);
void address_space_destroy(AddressSpace *as);

/*
 * Any length, across region boundaries.  Unassigned ranges read as zero
 * (all-ones for a failing device read is not used) and report
 * MEMTX_DECODE_ERROR; nothing ever crashes.
 */
MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                             void *buf, hwaddr len, bool is_write);
MemTxResult address_space_read(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                               void *buf, hwaddr len);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                                const void *buf, hwaddr len);
/* Writes even into ROM (firmware loading). */
MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                                    const void *buf, hwaddr len);

/* Single accesses (result may be NULL). */
uint8_t address_space_ldub(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r);
uint16_t address_space_lduw_le(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r);
uint32_t address_space_ldl_le(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r);
uint64_t address_space_ldq_le(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r);
uint16_t address_space_lduw_be(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r);
uint32_t address_space_ldl_be(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r);
uint64_t address_space_ldq_be(AddressSpace *as, hwaddr addr, MemTxAttrs a, MemTxResult *r);
void address_space_stb(AddressSpace *as, hwaddr addr, uint8_t v, MemTxAttrs a, MemTxResult *r);
void address_space_stw_le(AddressSpace *as, hwaddr addr, uint16_t v, MemTxAttrs a, MemTxResult *r);
void address_space_stl_le(AddressSpace *as, hwaddr addr, uint32_t v, MemTxAttrs a, MemTxResult *r);
void address_space_stq_le(AddressSpace *as, hwaddr addr, uint64_t v, MemTxAttrs a, MemTxResult *r);
void address_space_stw_be(AddressSpace *as, hwaddr addr, uint16_t v, MemTxAttrs a, MemTxResult *r);
void address_space_stl_be(AddressSpace *as, hwaddr addr, uint32_t v, MemTxAttrs a, MemTxResult *r);
void address_space_stq_be(AddressSpace *as, hwaddr addr, uint64_t v, MemTxAttrs a, MemTxResult *r);

/*
 * Direct access for the JIT's TLB fill and for DMA.  Translate addr to the
 * leaf region and the offset in it; *plen is clipped to the end of the
 * FlatView range.  Returns the leaf MemoryRegion (never NULL: an internal
 * "unassigned" region answers holes).
 */
MemoryRegion *address_space_translate(AddressSpace *as, hwaddr addr, hwaddr *xlat,
                                      hwaddr *plen, bool is_write, MemTxAttrs attrs);
/* Dispatch one access of size 1/2/4/8 to a leaf region at offset addr
 * (the slow path of the JIT's soft-MMU; applies splitting, endianness). */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr, uint64_t *data,
                                        unsigned size, MemTxAttrs attrs);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr, uint64_t data,
                                         unsigned size, MemTxAttrs attrs);
/* Host pointer if [addr, addr+*plen) starts in RAM (clips *plen); NULL otherwise.
 * Writes through the pointer must be followed by address_space_unmap(...,
 * is_write=true) so dirty bits and code invalidation happen. */
void *address_space_map(AddressSpace *as, hwaddr addr, hwaddr *plen, bool is_write,
                        MemTxAttrs attrs);
void address_space_unmap(AddressSpace *as, void *buffer, hwaddr len, bool is_write,
                         hwaddr access_len);
/* True if every byte of the range is RAM (DMA validation). */
bool address_space_access_valid(AddressSpace *as, hwaddr addr, hwaddr len,
                                bool is_write, MemTxAttrs attrs);

/* FlatView and listeners. */
typedef struct MemoryRegionSection {
    MemoryRegion *mr;
    AddressSpace *as;
    hwaddr offset_within_region;
    uint64_t size;                 /* 0 means 2^64 */
    hwaddr offset_within_address_space;
    bool readonly;
} MemoryRegionSection;

typedef struct MemoryListener {
    void (*begin)(struct MemoryListener *l);
    void (*commit)(struct MemoryListener *l);
    void (*region_add)(struct MemoryListener *l, MemoryRegionSection *s);
    void (*region_del)(struct MemoryListener *l, MemoryRegionSection *s);
    void (*region_nop)(struct MemoryListener *l, MemoryRegionSection *s);
    void (*log_start)(struct MemoryListener *l, MemoryRegionSection *s, int old, int new);
    void (*log_stop)(struct MemoryListener *l, MemoryRegionSection *s, int old, int new);
    /* Global dirty logging (migration) starts/stops for all RAM. */
    void (*log_global_start)(struct MemoryListener *l);
    void (*log_global_stop)(struct MemoryListener *l);
    /* Fold dirty bits the accelerator keeps (KVM) into our bitmaps for s. */
    void (*log_sync)(struct MemoryListener *l, MemoryRegionSection *s);
    /* An ioeventfd appears/disappears at s->offset_within_address_space
     * (s->size bytes wide; s->mr and s->offset_within_region name it). */
    void (*eventfd_add)(struct MemoryListener *l, MemoryRegionSection *s,
                        bool match_data, uint64_t data, int fd);
    void (*eventfd_del)(struct MemoryListener *l, MemoryRegionSection *s,
                        bool match_data, uint64_t data, int fd);
    int priority;
    const char *name;
    AddressSpace *address_space;
} MemoryListener;

/* Registration replays region_add for the current map. */
void memory_listener_register(MemoryListener *l, AddressSpace *as);
void memory_listener_unregister(MemoryListener *l);

/*
 * Dirty logging for migration: while active, every RAM range is logged for
 * DIRTY_MEMORY_MIGRATION (listeners see log_global_start and log_start on
 * each RAM range).  Sync asks listeners to fold the dirty bits they keep
 * (KVM's) into the bitmaps; call it before reading them.
 */
void memory_global_dirty_log_start(void);
void memory_global_dirty_log_stop(void);
bool memory_global_dirty_log_active(void);
void memory_global_dirty_log_sync(void);
/* The same for the ranges of one region (a display before a refresh). */
void memory_region_sync_dirty_bitmap(MemoryRegion *mr);

/*
 * ioeventfds (QEMU's memory_region_add_eventfd): a guest write of size
 * bytes at addr of mr (with value data, if match_data) signals the eventfd
 * fd instead of reaching the device.  An accelerator that can catch such
 * writes itself (KVM) learns of them through eventfd_add/eventfd_del and
 * calls memory_set_ioeventfd_offload(true); otherwise the memory core
 * signals fd when the write is dispatched.
 */
void memory_region_add_eventfd(MemoryRegion *mr, hwaddr addr, unsigned size,
                               bool match_data, uint64_t data, int fd);
void memory_region_del_eventfd(MemoryRegion *mr, hwaddr addr, unsigned size,
                               bool match_data, uint64_t data, int fd);
void memory_set_ioeventfd_offload(bool offload);
/* True when an accelerator catches ioeventfd writes itself: registering one
 * then saves the device model a vCPU exit per write. */
bool memory_ioeventfd_offloaded(void);
/*
 * The vCPU's store to MMIO, before it takes the BQL: if the address space's
 * current view has an ioeventfd for (addr, size, data), signal it and
 * return true.  Needs no lock from the caller: the view is held by
 * reference, and the lookup runs inside a read-side section that every
 * commit waits for (memory_ioeventfd_synchronize), so an eventfd whose
 * ioeventfd went away in a commit is never signalled after that commit
 * returned and the owner may close it.
 */
bool address_space_ioeventfd_write(AddressSpace *as, hwaddr addr, uint64_t data,
                                   unsigned size);

/* Walk the rendered ranges of an address space in address order. */
typedef void FlatRangeCB(const MemoryRegionSection *s, void *opaque);
void address_space_foreach_range(AddressSpace *as, FlatRangeCB *cb, void *opaque);

/* "info mtree" [-f] text, in QEMU's layout, to a GString. */
void mtree_info(GString *out, bool flatview);

#endif
