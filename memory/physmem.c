/*
 * Guest RAM: RAM blocks in one global ram_addr_t space, the dirty bitmaps
 * of each client over that space, and the per-page "has translated code"
 * bitmap the JIT uses to catch self-modifying code.
 *
 * Blocks are added and removed under the BQL; lookups (qemu_map_ram_ptr)
 * may come from any thread and take ram_list_lock.  Bitmaps are set and
 * cleared with atomic word operations from any thread; their storage is
 * allocated in chunks that, once published, are never freed or moved, so
 * no lock is needed for them.
 */
#include "memory/memory-internal.h"

#include <pthread.h>
#include <sys/mman.h>

/* One chunk covers 2^18 pages (1 GiB); 16384 chunks give 16 TiB of RAM. */
#define CHUNK_PAGES_BITS 18
#define CHUNK_PAGES (1ULL << CHUNK_PAGES_BITS)
#define CHUNK_WORDS (CHUNK_PAGES / 64)
#define MAX_CHUNKS 16384
#define RAM_ADDR_LIMIT ((ram_addr_t)MAX_CHUNKS << (CHUNK_PAGES_BITS + TARGET_PAGE_BITS))

typedef struct PageBitmap {
    uint64_t *chunks[MAX_CHUNKS];
} PageBitmap;

/* DIRTY_MEMORY_NUM client bitmaps, then the code-page bitmap. */
#define BITMAP_CODE_PAGES DIRTY_MEMORY_NUM
static PageBitmap page_bitmaps[DIRTY_MEMORY_NUM + 1];
static DirtyResetHook *dirty_reset_hook;

static GPtrArray *ram_blocks;       /* RAMBlock*, sorted by offset */
static pthread_mutex_t ram_list_lock = PTHREAD_MUTEX_INITIALIZER;
static CodeWriteHook *code_write_hook;

static void bitmap_ensure(PageBitmap *bm, uint64_t first_page, uint64_t npages)
{
    uint64_t c;

    for (c = first_page >> CHUNK_PAGES_BITS;
         c <= (first_page + npages - 1) >> CHUNK_PAGES_BITS; c++) {
        if (!bm->chunks[c]) {
            uint64_t *words = g_new0(uint64_t, CHUNK_WORDS);
            __atomic_store_n(&bm->chunks[c], words, __ATOMIC_RELEASE);
        }
    }
}

typedef enum { BM_SET, BM_CLEAR, BM_TEST, BM_TEST_ALL } BitmapOp;

/*
 * Apply op to pages [page, page + npages); returns whether any of them was
 * set before (BM_TEST_ALL: whether all of them are set).  Pages outside
 * allocated chunks read as clear.
 */
static bool bitmap_op(PageBitmap *bm, uint64_t page, uint64_t npages, BitmapOp op)
{
    uint64_t end = page + npages;
    bool any = false, all = true;

    while (page < end) {
        uint64_t c = page >> CHUNK_PAGES_BITS;
        uint64_t in = page & (CHUNK_PAGES - 1);
        unsigned bit = in & 63;
        uint64_t n = MIN(64 - bit, end - page);
        uint64_t mask = (n == 64 ? ~0ULL : ((1ULL << n) - 1)) << bit;
        uint64_t *words;

        if (c >= MAX_CHUNKS) {
            all = false;
            break;
        }
        words = __atomic_load_n(&bm->chunks[c], __ATOMIC_ACQUIRE);
        all &= words != NULL;
        if (words) {
            uint64_t *w = &words[in / 64];
            uint64_t old;
            switch (op) {
            case BM_SET:
                old = __atomic_fetch_or(w, mask, __ATOMIC_RELAXED);
                break;
            case BM_CLEAR:
                old = __atomic_fetch_and(w, ~mask, __ATOMIC_RELAXED);
                break;
            default:
                old = __atomic_load_n(w, __ATOMIC_RELAXED);
                break;
            }
            any |= (old & mask) != 0;
            all &= (old & mask) == mask;
        }
        page += n;
    }
    return op == BM_TEST_ALL ? all : any;
}

static bool ram_range_op(unsigned bitmap, ram_addr_t start, ram_addr_t length,
                         BitmapOp op)
{
    uint64_t first, last;

    if (length == 0 || start >= RAM_ADDR_LIMIT) {
        return false;
    }
    first = start >> TARGET_PAGE_BITS;
    last = (start + length - 1) >> TARGET_PAGE_BITS;
    if (start + length - 1 < start) {
        last = (RAM_ADDR_LIMIT - 1) >> TARGET_PAGE_BITS;      /* wrapped */
    }
    return bitmap_op(&page_bitmaps[bitmap], first, last - first + 1, op);
}

void cpu_physical_memory_set_dirty_range(ram_addr_t start, ram_addr_t length)
{
    unsigned c;

    for (c = 0; c < DIRTY_MEMORY_NUM; c++) {
        ram_range_op(c, start, length, BM_SET);
    }
}

bool cpu_physical_memory_get_dirty(ram_addr_t start, ram_addr_t length,
                                   unsigned client)
{
    return client < DIRTY_MEMORY_NUM && ram_range_op(client, start, length, BM_TEST);
}

void memory_set_dirty_reset_hook(DirtyResetHook *hook)
{
    __atomic_store_n(&dirty_reset_hook, hook, __ATOMIC_RELEASE);
}

static void dirty_reset_notify(ram_addr_t start, ram_addr_t length)
{
    DirtyResetHook *hook = __atomic_load_n(&dirty_reset_hook, __ATOMIC_ACQUIRE);

    if (hook && length) {
        hook(start, length);
    }
}

/* Clear, then have the JIT send the range's writes back through the slow
 * path, which sets the bits again (the order QEMU uses). */
static bool dirty_clear(unsigned client, ram_addr_t start, ram_addr_t length)
{
    bool was;

    if (client >= DIRTY_MEMORY_NUM) {
        return false;
    }
    was = ram_range_op(client, start, length, BM_CLEAR);
    dirty_reset_notify(start, length);
    return was;
}

void cpu_physical_memory_reset_dirty(ram_addr_t start, ram_addr_t length,
                                     unsigned client)
{
    dirty_clear(client, start, length);
}

bool cpu_physical_memory_all_dirty(ram_addr_t start, ram_addr_t length)
{
    unsigned c;

    if (ram_range_op(BITMAP_CODE_PAGES, start, length, BM_TEST)) {
        return false;
    }
    for (c = 0; c < DIRTY_MEMORY_NUM; c++) {
        if (!ram_range_op(c, start, length, BM_TEST_ALL)) {
            return false;
        }
    }
    return length != 0;
}

void memory_region_set_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size)
{
    ram_addr_t base = memory_region_get_ram_addr(mr);

    if (base != RAM_ADDR_INVALID) {
        cpu_physical_memory_set_dirty_range(base + addr, size);
    }
}

bool memory_region_get_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                             unsigned client)
{
    ram_addr_t base = memory_region_get_ram_addr(mr);

    return base != RAM_ADDR_INVALID &&
           cpu_physical_memory_get_dirty(base + addr, size, client);
}

bool memory_region_test_and_clear_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                                        unsigned client)
{
    ram_addr_t base = memory_region_get_ram_addr(mr);

    return base != RAM_ADDR_INVALID && dirty_clear(client, base + addr, size);
}

void memory_region_reset_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                               unsigned client)
{
    ram_addr_t base = memory_region_get_ram_addr(mr);

    if (base != RAM_ADDR_INVALID) {
        cpu_physical_memory_reset_dirty(base + addr, size, client);
    }
}

/* Code pages. */

void memory_set_code_write_hook(CodeWriteHook *hook)
{
    __atomic_store_n(&code_write_hook, hook, __ATOMIC_RELEASE);
}

void tlb_protect_code(ram_addr_t page_addr)
{
    ram_range_op(BITMAP_CODE_PAGES, page_addr, 1, BM_SET);
    ram_range_op(DIRTY_MEMORY_CODE, page_addr, 1, BM_CLEAR);
}

void tlb_unprotect_code(ram_addr_t page_addr)
{
    ram_range_op(BITMAP_CODE_PAGES, page_addr, 1, BM_CLEAR);
    ram_range_op(DIRTY_MEMORY_CODE, page_addr, 1, BM_SET);
}

bool memory_page_has_code(ram_addr_t page_addr)
{
    return ram_range_op(BITMAP_CODE_PAGES, page_addr, 1, BM_TEST);
}

bool ram_range_has_code(ram_addr_t start, uint64_t len)
{
    return ram_range_op(BITMAP_CODE_PAGES, start, len, BM_TEST);
}

/* Before the write lands: the JIT drops blocks translated from it. */
static void ram_code_write_notify(ram_addr_t start, uint64_t len)
{
    CodeWriteHook *hook = __atomic_load_n(&code_write_hook, __ATOMIC_ACQUIRE);

    if (hook && ram_range_has_code(start, len)) {
        hook(start, len);
    }
}

void ram_invalidate_and_set_dirty(ram_addr_t start, uint64_t len)
{
    ram_code_write_notify(start, len);
    cpu_physical_memory_set_dirty_range(start, len);
}

void ram_block_write(RAMBlock *rb, uint64_t offset, const void *buf, uint64_t len)
{
    if (offset >= rb->used_length || len > rb->used_length - offset) {
        return;         /* callers clip to the region; never write past it */
    }
    ram_code_write_notify(rb->offset + offset, len);
    memcpy(rb->host + offset, buf, len);
    cpu_physical_memory_set_dirty_range(rb->offset + offset, len);
}

/* RAM blocks. */

/* First fit: the lowest page-aligned hole of the ram_addr_t space. */
static ram_addr_t find_ram_offset(uint64_t length)
{
    ram_addr_t candidate = 0;
    unsigned i;

    for (i = 0; i < ram_blocks->len; i++) {
        RAMBlock *rb = g_ptr_array_index(ram_blocks, i);
        if (candidate + length <= rb->offset) {
            break;
        }
        candidate = MAX(candidate, rb->offset + rb->max_length);
    }
    return candidate;
}

RAMBlock *ram_block_add(MemoryRegion *mr, uint64_t size, void *host, int fd,
                        bool share, Error **errp)
{
    uint64_t max_length = QEMU_ALIGN_UP(size, TARGET_PAGE_SIZE);
    size_t host_page = (size_t)sysconf(_SC_PAGESIZE);
    RAMBlock *rb;
    ram_addr_t offset;
    unsigned i;

    if (max_length < size) {
        error_setg(errp, "RAM size 0x%" PRIx64 " is too large", size);
        return NULL;
    }
    if (!ram_blocks) {
        ram_blocks = g_ptr_array_new();
    }
    offset = find_ram_offset(max_length);
    if (offset > RAM_ADDR_LIMIT || max_length > RAM_ADDR_LIMIT - offset) {
        error_setg(errp, "cannot add 0x%" PRIx64 " bytes of RAM: the RAM address "
                   "space is limited to 0x%" PRIx64 " bytes", size,
                   (uint64_t)RAM_ADDR_LIMIT);
        return NULL;
    }

    rb = g_new0(RAMBlock, 1);
    rb->mr = mr;
    rb->offset = offset;
    rb->used_length = size;
    rb->max_length = max_length;
    rb->fd = fd;
    if (host) {
        rb->host = host;
    } else {
        size_t len = QEMU_ALIGN_UP((size_t)max_length, host_page);
        void *p;
        if (fd >= 0) {
            p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                     share ? MAP_SHARED : MAP_PRIVATE, fd, 0);
        } else {
            /* NORESERVE: guest RAM is committed page by page as touched. */
            p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        }
        if (p == MAP_FAILED) {
            error_setg_errno(errp, errno, "cannot map 0x%" PRIx64 " bytes of RAM",
                             size);
            g_free(rb);
            return NULL;
        }
        rb->host = p;
        rb->mmap_length = len;
#ifdef MADV_HUGEPAGE
        if (fd < 0) {
            /* Transparent huge pages where the host allows them: a guest
             * touching its RAM faults once per 2 MiB, not per 4 KiB. */
            madvise(p, len, MADV_HUGEPAGE);
        }
#endif
    }

    for (i = 0; i <= DIRTY_MEMORY_NUM; i++) {
        bitmap_ensure(&page_bitmaps[i], offset >> TARGET_PAGE_BITS,
                      max_length >> TARGET_PAGE_BITS);
    }
    /* New RAM starts dirty for every client (nobody has seen it yet) and
     * holds no code, whatever a freed block here left behind. */
    ram_range_op(BITMAP_CODE_PAGES, offset, max_length, BM_CLEAR);
    cpu_physical_memory_set_dirty_range(offset, max_length);

    pthread_mutex_lock(&ram_list_lock);
    for (i = 0; i < ram_blocks->len; i++) {
        RAMBlock *other = g_ptr_array_index(ram_blocks, i);
        if (other->offset > offset) {
            break;
        }
    }
    g_ptr_array_insert(ram_blocks, (gint)i, rb);
    pthread_mutex_unlock(&ram_list_lock);
    return rb;
}

void ram_block_free(RAMBlock *rb)
{
    pthread_mutex_lock(&ram_list_lock);
    g_ptr_array_remove(ram_blocks, rb);
    pthread_mutex_unlock(&ram_list_lock);
    if (rb->mmap_length) {
        munmap(rb->host, rb->mmap_length);
    }
    if (rb->fd >= 0) {
        close(rb->fd);
    }
    g_free(rb);
}

void *qemu_map_ram_ptr(ram_addr_t addr)
{
    void *p = NULL;
    unsigned lo = 0, hi;

    pthread_mutex_lock(&ram_list_lock);
    hi = ram_blocks ? ram_blocks->len : 0;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        RAMBlock *rb = g_ptr_array_index(ram_blocks, mid);
        if (addr < rb->offset) {
            hi = mid;
        } else if (addr - rb->offset >= rb->used_length) {
            lo = mid + 1;
        } else {
            p = rb->host + (addr - rb->offset);
            break;
        }
    }
    pthread_mutex_unlock(&ram_list_lock);
    return p;
}

ram_addr_t qemu_ram_addr_from_host(const void *ptr)
{
    ram_addr_t r = RAM_ADDR_INVALID;
    const uint8_t *p = ptr;
    unsigned i;

    pthread_mutex_lock(&ram_list_lock);
    for (i = 0; ram_blocks && i < ram_blocks->len; i++) {
        RAMBlock *rb = g_ptr_array_index(ram_blocks, i);
        if (p >= rb->host && (uint64_t)(p - rb->host) < rb->used_length) {
            r = rb->offset + (ram_addr_t)(p - rb->host);
            break;
        }
    }
    pthread_mutex_unlock(&ram_list_lock);
    return r;
}

ram_addr_t last_ram_addr(void)
{
    ram_addr_t end = 0;
    unsigned i;

    pthread_mutex_lock(&ram_list_lock);
    for (i = 0; ram_blocks && i < ram_blocks->len; i++) {
        RAMBlock *rb = g_ptr_array_index(ram_blocks, i);
        end = MAX(end, rb->offset + rb->max_length);
    }
    pthread_mutex_unlock(&ram_list_lock);
    return end;
}
