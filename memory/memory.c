/*
 * MemoryRegions: the kinds of region, the subregion tree and transactions.
 *
 * Every change to the tree marks the address spaces out of date; the
 * FlatViews are re-rendered once, when the outermost transaction commits
 * (a change made outside any transaction is its own transaction).  All tree
 * changes happen under the BQL, so the tree itself needs no lock.
 */
#include "memory/memory-internal.h"

#include <fcntl.h>
#include <sys/stat.h>

unsigned memory_transaction_depth;
bool memory_update_pending;

void memory_region_transaction_begin(void)
{
    memory_transaction_depth++;
}

/*
 * The update runs with the depth still held, so a listener that changes the
 * tree from a callback does not re-enter the update half way: its change
 * marks the views stale again and the loop renders once more.
 */
void memory_region_transaction_commit(void)
{
    assert(memory_transaction_depth > 0);
    if (memory_transaction_depth == 1) {
        while (memory_update_pending) {
            memory_update_pending = false;
            memory_update_topology();
        }
    }
    memory_transaction_depth--;
}

void memory_region_update_pending_mark(void)
{
    memory_update_pending = true;
}

/* A change to mr affects the views only if mr is reachable from a root; we
 * do not track reachability, so any change marks every view out of date. */
static void memory_region_changed(MemoryRegion *mr)
{
    memory_region_transaction_begin();
    memory_region_update_pending_mark();
    memory_region_transaction_commit();
}

static void memory_region_init_common(MemoryRegion *mr, Object *owner,
                                      const char *name, uint64_t size,
                                      MemoryRegionKind kind)
{
    memset(mr, 0, sizeof(*mr));
    mr->kind = kind;
    mr->owner = owner;
    mr->name = g_strdup(name ? name : "anonymous");
    mr->size = size;
    mr->enabled = true;
    mr->romd_mode = true;
    mr->subregions = g_ptr_array_new();
    mr->ref = 1;
}

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size)
{
    memory_region_init_common(mr, owner, name, size, MR_CONTAINER);
}

static bool memory_region_init_ram_common(MemoryRegion *mr, Object *owner,
                                          const char *name, uint64_t size,
                                          MemoryRegionKind kind, void *host,
                                          int fd, bool share, Error **errp)
{
    memory_region_init_common(mr, owner, name, size, kind);
    mr->terminates = true;
    mr->readonly = (kind == MR_ROM);
    if (size == 0 || size == UINT64_MAX) {
        error_setg(errp, "memory region '%s': invalid RAM size 0x%" PRIx64,
                   mr->name, size);
        return false;
    }
    mr->ram_block = ram_block_add(mr, size, host, fd, share, errp);
    if (!mr->ram_block) {
        error_prepend(errp, "memory region '%s': ", mr->name);
        return false;
    }
    return true;
}

bool memory_region_init_ram(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp)
{
    return memory_region_init_ram_common(mr, owner, name, size, MR_RAM, NULL,
                                         -1, false, errp);
}

/*
 * File-backed RAM.  A directory gets an unlinked temporary file (so it
 * vanishes with the process, like hugetlbfs backing in QEMU); a file path is
 * opened or created and grown to size if it is shorter (never shrunk: its
 * contents past size are the user's).
 */
bool memory_region_init_ram_from_file(MemoryRegion *mr, Object *owner,
                                      const char *name, uint64_t size,
                                      const char *path, bool share, Error **errp)
{
    struct stat st;
    int fd;
    bool ok;

    if (!path || !*path) {
        memory_region_init_common(mr, owner, name, size, MR_RAM);
        mr->terminates = true;
        error_setg(errp, "memory region '%s': empty backing file path", mr->name);
        return false;
    }
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        char *tmpl = g_strdup_printf("%s/machina_ram.XXXXXX", path);
        fd = mkstemp(tmpl);
        if (fd >= 0) {
            unlink(tmpl);
        }
        if (fd < 0) {
            memory_region_init_common(mr, owner, name, size, MR_RAM);
            mr->terminates = true;
            error_setg_errno(errp, errno, "cannot create a backing file in '%s'",
                             path);
            g_free(tmpl);
            return false;
        }
        g_free(tmpl);
    } else {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            memory_region_init_common(mr, owner, name, size, MR_RAM);
            mr->terminates = true;
            error_setg_errno(errp, errno, "cannot open backing file '%s'", path);
            return false;
        }
    }
    if (fstat(fd, &st) < 0 || (uint64_t)st.st_size < size) {
        if (ftruncate(fd, (off_t)size) < 0) {
            int err = errno;
            close(fd);
            memory_region_init_common(mr, owner, name, size, MR_RAM);
            mr->terminates = true;
            error_setg_errno(errp, err, "cannot resize backing file '%s' to %" PRIu64
                             " bytes", path, size);
            return false;
        }
    }
    ok = memory_region_init_ram_common(mr, owner, name, size, MR_RAM, NULL, fd,
                                       share, errp);
    close(fd);      /* the mapping keeps the file alive */
    if (mr->ram_block) {
        mr->ram_block->fd = -1;
    }
    return ok;
}

void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner, const char *name,
                                uint64_t size, void *ptr)
{
    memory_region_init_ram_common(mr, owner, name, size, MR_RAM, ptr, -1, false,
                                  NULL);
}

bool memory_region_init_rom(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp)
{
    return memory_region_init_ram_common(mr, owner, name, size, MR_ROM, NULL, -1,
                                         false, errp);
}

bool memory_region_init_rom_device(MemoryRegion *mr, Object *owner,
                                   const MemoryRegionOps *ops, void *opaque,
                                   const char *name, uint64_t size, Error **errp)
{
    bool ok = memory_region_init_ram_common(mr, owner, name, size, MR_ROMD, NULL,
                                            -1, false, errp);
    mr->ops = ops;
    mr->opaque = opaque;
    return ok;
}

void memory_region_init_io(MemoryRegion *mr, Object *owner, const MemoryRegionOps *ops,
                           void *opaque, const char *name, uint64_t size)
{
    memory_region_init_common(mr, owner, name, size, MR_IO);
    mr->ops = ops;
    mr->opaque = opaque;
    mr->terminates = true;
}

void memory_region_init_alias(MemoryRegion *mr, Object *owner, const char *name,
                              MemoryRegion *orig, hwaddr offset, uint64_t size)
{
    memory_region_init_common(mr, owner, name, size, MR_ALIAS);
    mr->alias = orig;
    mr->alias_offset = offset;
}

void memory_region_finalize(MemoryRegion *mr)
{
    if (!mr->subregions) {
        return;                 /* never initialised, or finalised already */
    }
    memory_region_transaction_begin();
    if (mr->container) {
        memory_region_del_subregion(mr->container, mr);
    }
    while (mr->subregions->len) {
        memory_region_del_subregion(mr, g_ptr_array_index(mr->subregions, 0));
    }
    memory_region_transaction_commit();
    g_ptr_array_free(mr->subregions, true);
    mr->subregions = NULL;
    if (mr->ioeventfds) {
        g_array_free(mr->ioeventfds, true);
        mr->ioeventfds = NULL;
    }
    if (mr->ram_block) {
        ram_block_free(mr->ram_block);
        mr->ram_block = NULL;
    }
    g_free(mr->name);
    mr->name = NULL;
    mr->ref = 0;
}

/*
 * Keep subregions sorted by descending priority; a new region goes before
 * the existing ones of the same priority, so among equals the one added
 * last wins (QEMU docs/devel/memory.rst, "Overlapping regions and
 * priority").
 */
static void memory_region_insert_sorted(MemoryRegion *mr, MemoryRegion *sub)
{
    unsigned i;

    for (i = 0; i < mr->subregions->len; i++) {
        MemoryRegion *other = g_ptr_array_index(mr->subregions, i);
        if (sub->priority >= other->priority) {
            break;
        }
    }
    g_ptr_array_insert(mr->subregions, (gint)i, sub);
}

static void memory_region_add_subregion_common(MemoryRegion *mr, hwaddr offset,
                                               MemoryRegion *subregion)
{
    assert(mr->subregions && subregion->subregions);
    /* A region has one place in the tree; mapping it twice is a bug. */
    assert(!subregion->container);
    assert(subregion != mr);
    subregion->container = mr;
    subregion->addr = offset;
    memory_region_insert_sorted(mr, subregion);
    memory_region_changed(mr);
}

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion)
{
    subregion->priority = 0;
    memory_region_add_subregion_common(mr, offset, subregion);
}

void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion, int priority)
{
    subregion->priority = priority;
    memory_region_add_subregion_common(mr, offset, subregion);
}

void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion)
{
    assert(subregion->container == mr);
    g_ptr_array_remove(mr->subregions, subregion);
    subregion->container = NULL;
    memory_region_changed(mr);
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled == enabled) {
        return;
    }
    mr->enabled = enabled;
    memory_region_changed(mr);
}

/*
 * Moving a mapped region removes and re-adds it, so it becomes the most
 * recently added among its equal-priority siblings (as in QEMU).
 */
void memory_region_set_address(MemoryRegion *mr, hwaddr addr)
{
    MemoryRegion *container = mr->container;

    if (addr == mr->addr) {
        return;
    }
    if (!container) {
        mr->addr = addr;
        return;
    }
    memory_region_transaction_begin();
    memory_region_del_subregion(container, mr);
    memory_region_add_subregion_overlap(container, addr, mr, mr->priority);
    memory_region_transaction_commit();
}

void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset)
{
    assert(mr->kind == MR_ALIAS);
    if (offset == mr->alias_offset) {
        return;
    }
    mr->alias_offset = offset;
    memory_region_changed(mr);
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly == readonly) {
        return;
    }
    mr->readonly = readonly;
    memory_region_changed(mr);
}

/*
 * RAM cannot grow past its block: the ram_addr_t reservation is fixed at
 * init, so a RAM region is only resized within it.
 */
void memory_region_set_size(MemoryRegion *mr, uint64_t size)
{
    if (size == mr->size) {
        return;
    }
    if (mr->ram_block && (size == 0 || size > mr->ram_block->max_length)) {
        return;
    }
    mr->size = size;
    if (mr->ram_block) {
        mr->ram_block->used_length = size;
    }
    memory_region_changed(mr);
}

void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd_mode)
{
    if (mr->kind != MR_ROMD || mr->romd_mode == romd_mode) {
        return;
    }
    mr->romd_mode = romd_mode;
    memory_region_changed(mr);
}

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->name ? mr->name : "";
}

bool memory_region_is_ram(const MemoryRegion *mr)
{
    return mr->kind == MR_RAM || mr->kind == MR_ROM || mr->kind == MR_ROMD;
}

bool memory_region_is_romd(const MemoryRegion *mr)
{
    return mr->kind == MR_ROMD && mr->romd_mode;
}

/* Aliases are followed, so an alias of RAM gives the RAM at its offset. */
void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    hwaddr offset = 0;

    while (mr->kind == MR_ALIAS && mr->alias) {
        offset += mr->alias_offset;
        mr = mr->alias;
    }
    if (!mr->ram_block) {
        return NULL;
    }
    return mr->ram_block->host + offset;
}

ram_addr_t memory_region_get_ram_addr(MemoryRegion *mr)
{
    hwaddr offset = 0;

    while (mr->kind == MR_ALIAS && mr->alias) {
        offset += mr->alias_offset;
        mr = mr->alias;
    }
    if (!mr->ram_block) {
        return RAM_ADDR_INVALID;
    }
    return mr->ram_block->offset + offset;
}

/*
 * Start or stop dirty logging for one client on a RAM region.  The views
 * are re-rendered, and listeners see the change as log_start/log_stop on
 * the ranges of mr (the bitmaps themselves are always maintained).
 */
void memory_region_set_log(MemoryRegion *mr, bool log, unsigned client)
{
    uint8_t mask;

    if (client >= DIRTY_MEMORY_NUM || !mr->ram_block) {
        return;
    }
    mask = (uint8_t)(1u << client);
    if (log == !!(mr->dirty_log_mask & mask)) {
        return;
    }
    mr->dirty_log_mask = log ? (mr->dirty_log_mask | mask)
                             : (mr->dirty_log_mask & ~mask);
    memory_region_changed(mr);
}
