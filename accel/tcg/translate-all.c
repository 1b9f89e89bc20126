/*
 * Translation blocks: the code buffer, the block cache, chaining and
 * invalidation.
 *
 * A block is found by (guest pc, physical RAM page of the pc, target flags,
 * cflags) in a hash table, with a per-CPU direct-mapped jump cache by
 * virtual pc in front of it.  Blocks and their generated code are carved
 * from one buffer (tcg_exec_init's tb-size); when it is full everything is
 * flushed at once.  Each RAM page that holds code keeps the list of blocks
 * translated from it and is write-protected through the memory API's code
 * bitmap (writes by DMA/loaders call our hook) and TLB_NOTDIRTY (writes by
 * guest stores take the slow path in cputlb.c); a write into a block's
 * bytes invalidates the block and unlinks every chain into and out of it.
 *
 * Locking: tb_lock guards the hash table, the page lists, the block list
 * and the chain lists; the code buffer and the IR context are used by the
 * vCPU thread only.  Blocks are never freed while code may run: a flush
 * requested from elsewhere invalidates them at once and reclaims the
 * buffer at the execution loop's next safe point.
 */
#include "accel/tcg/perfmap.h"
#include "accel/tcg/internal.h"
#include "core/log.h"

#include <sys/mman.h>

#define TCG_MAX_INSNS 512
#define TB_DEFAULT_SIZE (64 * MiB)
#define TB_ALIGN 16

const TCGBackend *tcg_backend;
static GRecMutex tb_lock;
static uint8_t *code_buf;
static size_t code_size, code_used;
static size_t code_prefaulted;    /* [0, this) of the buffer is mapped */
#define CODE_PREFAULT_CHUNK (1 * MiB)
static GHashTable *tb_htable;     /* TB -> TB, keyed by tb_hash/tb_equal */
/*
 * Per RAM page that ever held code since the last flush: its blocks and a
 * bitmap of the bytes they cover.  Descriptors live until the next full
 * flush, so the vCPU thread may test the bitmap without tb_lock (only that
 * thread adds blocks; bits are cleared only when no block is left).
 */
typedef struct PageDesc {
    GPtrArray *tbs;
    uint64_t bits[TARGET_PAGE_SIZE / 64];
} PageDesc;
static GHashTable *page_table;    /* ram page number -> PageDesc */
static unsigned page_gen;         /* bumped when descriptors are freed */
static GPtrArray *tb_list;        /* every generated TB, in buffer order */
static bool flush_pending;
static unsigned flush_gen;
static bool tcg_initialized;

static size_t align_up(size_t v)
{
    return (v + TB_ALIGN - 1) & ~(size_t)(TB_ALIGN - 1);
}

static guint tb_hash(gconstpointer p)
{
    const TranslationBlock *tb = p;
    uint64_t h = tb->pc * 0x9E3779B97F4A7C15ULL;

    h ^= (tb->page_addr[0] >> TARGET_PAGE_BITS) * 0xC2B2AE3D27D4EB4FULL;
    h ^= ((uint64_t)tb->flags << 32) | tb->cflags;
    return (guint)(h ^ (h >> 29) ^ (h >> 47));
}

static gboolean tb_equal(gconstpointer a, gconstpointer b)
{
    const TranslationBlock *x = a, *y = b;

    return x->pc == y->pc && x->page_addr[0] == y->page_addr[0] &&
           x->flags == y->flags && x->cflags == y->cflags;
}

static unsigned jmp_cache_page_block(vaddr pc)
{
    return tb_jmp_cache_page_block(pc);
}

static unsigned jmp_cache_hash(vaddr pc)
{
    return tb_jmp_cache_hash(pc);
}

void tb_jmp_cache_clear(CPUState *cpu)
{
    memset(cpu->tb_jmp_cache, 0, sizeof(cpu->tb_jmp_cache));
}

void tb_jmp_cache_clear_page(CPUState *cpu, vaddr page)
{
    /* Blocks starting on the previous page may run into this one. */
    for (int k = 0; k < 2; k++) {
        unsigned b = jmp_cache_page_block(page - k * TARGET_PAGE_SIZE);
        memset(&cpu->tb_jmp_cache[b], 0, TB_JMP_PAGE_SLOTS * sizeof(cpu->tb_jmp_cache[0]));
    }
}

static gpointer page_key(ram_addr_t page)
{
    return (gpointer)(uintptr_t)(page >> TARGET_PAGE_BITS);
}

static void page_desc_free(gpointer p)
{
    PageDesc *pd = p;

    g_ptr_array_unref(pd->tbs);
    g_free(pd);
}

static void page_bits_set(PageDesc *pd, unsigned start, unsigned end)
{
    for (unsigned i = start; i < end; i++) {
        pd->bits[i / 64] |= 1ULL << (i % 64);
    }
}

bool tb_page_write_hits_code(ram_addr_t addr, unsigned size)
{
    static __thread struct {
        ram_addr_t page;
        PageDesc *pd;
        unsigned gen;
    } cache = {RAM_ADDR_INVALID, NULL, 0};
    ram_addr_t page = addr & TARGET_PAGE_MASK;
    unsigned gen = __atomic_load_n(&page_gen, __ATOMIC_ACQUIRE);
    unsigned ofs = addr & ~TARGET_PAGE_MASK;
    PageDesc *pd;

    if (cache.page == page && cache.gen == gen) {
        pd = cache.pd;
    } else {
        g_rec_mutex_lock(&tb_lock);
        pd = page_table ? g_hash_table_lookup(page_table, page_key(page)) : NULL;
        g_rec_mutex_unlock(&tb_lock);
        cache.page = page;
        cache.pd = pd;
        cache.gen = gen;
    }
    if (!pd || ofs + size > TARGET_PAGE_SIZE) {
        return true;            /* let the full path decide */
    }
    for (unsigned i = ofs; i < ofs + size; i++) {
        if (__atomic_load_n(&pd->bits[i / 64], __ATOMIC_RELAXED) & (1ULL << (i % 64))) {
            return true;
        }
    }
    return false;
}

static void code_write_hook(ram_addr_t start, ram_addr_t len)
{
    tb_invalidate_phys_range(start, start + len);
}

void tcg_exec_init(size_t tb_size_mb, const char *backend, Error **errp)
{
    const TCGBackend *be = backend ? tcg_backend_find(backend)
                                   : tcg_backend_find(TCG_BACKEND_DEFAULT);

    size_t size = tb_size_mb ? tb_size_mb * MiB : TB_DEFAULT_SIZE;
    uint8_t *buf;

    if (!be && !backend) {
        be = &tcg_backend_interp;
    }
    if (!be) {
        error_setg(errp, "Invalid backend '%s' for the tcg accelerator (valid: %s)",
                   backend, tcg_backend_names());
        return;
    }
    if (tb_size_mb > 4096) {
        error_setg(errp, "tb-size=%zu is too large (at most 4096 MiB)", tb_size_mb);
        return;
    }
    g_rec_mutex_lock(&tb_lock);
    if (!tb_htable) {
        tb_htable = g_hash_table_new(tb_hash, tb_equal);
        page_table = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                           page_desc_free);
        tb_list = g_ptr_array_new();
    }
    if (code_buf) {
        /* Re-sizing: drop every block first. */
        tb_flush(NULL);
        flush_pending = true;
        tb_flush_if_pending();
        tcg_code_buffer_free(code_buf, code_size);
        code_buf = NULL;
    }
    /* Native code runs from the buffer's RX view (tcg/code-buffer.c). */
    buf = tcg_code_buffer_alloc(size, be->executes_buffer, errp);
    if (!buf) {
        g_rec_mutex_unlock(&tb_lock);
        return;
    }
    code_buf = buf;
    code_size = size;
    code_used = 0;
    code_prefaulted = 0;
    tcg_backend = be;
    tcg_context_init();
    tcg_runtime_init();
    memory_set_code_write_hook(code_write_hook);
    tcg_initialized = true;
    g_rec_mutex_unlock(&tb_lock);
}

void tcg_exec_ensure_init(void)
{
    if (!__atomic_load_n(&tcg_initialized, __ATOMIC_ACQUIRE)) {
        tcg_exec_init(0, NULL, &error_abort);
    }
}

/* ---- invalidation ---- */

static void tb_page_remove(TranslationBlock *tb, ram_addr_t page)
{
    PageDesc *pd = g_hash_table_lookup(page_table, page_key(page));

    if (!pd) {
        return;
    }
    g_ptr_array_remove_fast(pd->tbs, tb);
    if (pd->tbs->len == 0) {
        memset(pd->bits, 0, sizeof(pd->bits));
        tlb_unprotect_code(page);
    }
}

static void tb_phys_invalidate_locked(TranslationBlock *tb)
{
    if (tb->invalid) {
        return;
    }
    __atomic_store_n(&tb->invalid, true, __ATOMIC_RELEASE);
    if (g_hash_table_lookup(tb_htable, tb) == tb) {
        g_hash_table_remove(tb_htable, tb);
    }
    if (tb->page_addr[0] != RAM_ADDR_INVALID) {
        tb_page_remove(tb, tb->page_addr[0]);
    }
    if (tb->page_addr[1] != RAM_ADDR_INVALID) {
        tb_page_remove(tb, tb->page_addr[1]);
    }
    /* Blocks jumping here go back through the loop from now on. */
    for (GSList *l = tb->jmp_incoming; l; l = l->next) {
        uintptr_t v = (uintptr_t)l->data;
        TranslationBlock *src = (TranslationBlock *)(v & ~(uintptr_t)TB_EXIT_MASK);
        unsigned n = v & TB_EXIT_MASK;
        if (src->jmp_dest[n] == tb) {
            tcg_backend->set_jmp(src, n, NULL);
        }
    }
    g_slist_free(tb->jmp_incoming);
    tb->jmp_incoming = NULL;
    for (unsigned n = 0; n < 2; n++) {
        TranslationBlock *dest = tb->jmp_dest[n];
        if (dest) {
            dest->jmp_incoming = g_slist_remove(dest->jmp_incoming,
                                                (gpointer)((uintptr_t)tb | n));
            tcg_backend->set_jmp(tb, n, NULL);
        }
    }
}

/* Does tb's guest code overlap [start, end) of RAM? */
static bool tb_overlaps(const TranslationBlock *tb, ram_addr_t start, ram_addr_t end)
{
    vaddr ofs = tb->pc & ~TARGET_PAGE_MASK;
    uint64_t len0 = MIN((uint64_t)tb->size, TARGET_PAGE_SIZE - ofs);
    ram_addr_t s0 = tb->page_addr[0] + ofs;

    if (tb->size == 0) {
        len0 = 1;
    }
    if (start < s0 + len0 && s0 < end) {
        return true;
    }
    if (tb->page_addr[1] != RAM_ADDR_INVALID) {
        uint64_t len1 = tb->size - len0;
        if (start < tb->page_addr[1] + len1 && tb->page_addr[1] < end) {
            return true;
        }
    }
    return false;
}

bool tb_invalidate_phys_range_cur(ram_addr_t start, ram_addr_t end,
                                  const TranslationBlock *cur)
{
    bool hit_cur = false;

    if (!tb_htable || end <= start) {
        return false;
    }
    g_rec_mutex_lock(&tb_lock);
    for (ram_addr_t page = start & TARGET_PAGE_MASK; page < end; page += TARGET_PAGE_SIZE) {
        PageDesc *pd = g_hash_table_lookup(page_table, page_key(page));
        TranslationBlock **tbs;
        unsigned n;

        if (!pd || pd->tbs->len == 0) {
            if (memory_page_has_code(page)) {
                tlb_unprotect_code(page);     /* protected for a failed translation */
            }
            continue;
        }
        n = pd->tbs->len;
        tbs = g_memdup2(pd->tbs->pdata, n * sizeof(void *));
        for (unsigned i = 0; i < n; i++) {
            if (tb_overlaps(tbs[i], start, end)) {
                hit_cur |= tbs[i] == cur;
                tb_phys_invalidate_locked(tbs[i]);
            }
        }
        g_free(tbs);
        if (page + TARGET_PAGE_SIZE < page) {
            break;
        }
    }
    g_rec_mutex_unlock(&tb_lock);
    return hit_cur;
}

void tb_invalidate_phys_range(ram_addr_t start, ram_addr_t end)
{
    tb_invalidate_phys_range_cur(start, end, NULL);
}

void tb_flush(CPUState *cpu)
{
    CPUState *c;

    if (!tb_htable) {
        return;
    }
    /*
     * Every block becomes unreachable now; the buffer itself is reclaimed
     * at the loop's next safe point (code may be running on this or
     * another thread).
     */
    g_rec_mutex_lock(&tb_lock);
    for (unsigned i = 0; i < tb_list->len; i++) {
        tb_phys_invalidate_locked(g_ptr_array_index(tb_list, i));
    }
    flush_pending = true;
    g_rec_mutex_unlock(&tb_lock);
    CPU_FOREACH(c) {
        tb_jmp_cache_clear(c);
    }
}

static void tb_do_flush_locked(void)
{
    GHashTableIter it;
    gpointer key, value;
    CPUState *c;

    for (unsigned i = 0; i < tb_list->len; i++) {
        TranslationBlock *tb = g_ptr_array_index(tb_list, i);
        g_slist_free(tb->jmp_incoming);
        tb->jmp_incoming = NULL;
    }
    g_ptr_array_set_size(tb_list, 0);
    g_hash_table_remove_all(tb_htable);
    g_hash_table_iter_init(&it, page_table);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        if (((PageDesc *)value)->tbs->len) {
            tlb_unprotect_code((ram_addr_t)(uintptr_t)key << TARGET_PAGE_BITS);
        }
    }
    __atomic_fetch_add(&page_gen, 1, __ATOMIC_RELEASE);
    g_hash_table_remove_all(page_table);
    code_used = 0;
    CPU_FOREACH(c) {
        tb_jmp_cache_clear(c);
    }
    flush_pending = false;
    flush_gen++;
}

bool tb_flush_if_pending(void)
{
    bool did = false;

    if (!__atomic_load_n(&flush_pending, __ATOMIC_ACQUIRE)) {
        return false;
    }
    g_rec_mutex_lock(&tb_lock);
    if (flush_pending) {
        tb_do_flush_locked();
        did = true;
    }
    g_rec_mutex_unlock(&tb_lock);
    return did;
}

unsigned tb_flush_generation(void)
{
    return __atomic_load_n(&flush_gen, __ATOMIC_ACQUIRE);
}

/* ---- lookup and chaining ---- */

/*
 * Behind the jump caches, which every TLB flush clears (they are keyed by
 * virtual pc), a per-thread cache keyed by the physical pc: the kernel's
 * code keeps its physical address across address-space switches, so after
 * a flush its blocks are found here without tb_lock and the hash table.
 * Entries are checked like the hash table's key (pc, RAM page, flags,
 * cflags) and for `invalid`; the whole cache goes at a full flush (the
 * blocks' memory is reused), noticed through the flush generation.
 */
#define TB_PHYS_CACHE_BITS 12
static __thread struct {
    TranslationBlock *tb[1 << TB_PHYS_CACHE_BITS];
    unsigned gen;
} phys_cache;

static TranslationBlock **phys_cache_slot(ram_addr_t page, vaddr pc, uint32_t flags)
{
    uint64_t h = ((page >> TARGET_PAGE_BITS) * 0x9E3779B97F4A7C15ULL) ^
                 ((pc & ~TARGET_PAGE_MASK) >> 1) ^ ((uint64_t)flags << 7);
    unsigned gen = __atomic_load_n(&flush_gen, __ATOMIC_ACQUIRE);

    if (phys_cache.gen != gen) {
        memset(phys_cache.tb, 0, sizeof(phys_cache.tb));
        phys_cache.gen = gen;
    }
    return &phys_cache.tb[(h ^ (h >> 29)) & ((1u << TB_PHYS_CACHE_BITS) - 1)];
}

TranslationBlock *tb_lookup(CPUState *cpu, vaddr pc, uint32_t flags, uint32_t cflags)
{
    unsigned h = jmp_cache_hash(pc);
    TranslationBlock *tb = __atomic_load_n(&cpu->tb_jmp_cache[h], __ATOMIC_ACQUIRE);
    TranslationBlock key, **slot;

    if (tb && tb->pc == pc && tb->flags == flags && tb->cflags == cflags &&
        !__atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
        return tb;
    }
    memset(&key, 0, sizeof(key));
    key.pc = pc;
    key.flags = flags;
    key.cflags = cflags;
    key.page_addr[0] = get_page_addr_code(cpu, pc, NULL);
    if (key.page_addr[0] == RAM_ADDR_INVALID) {
        return NULL;            /* code in MMIO is never cached */
    }
    slot = phys_cache_slot(key.page_addr[0], pc, flags);
    tb = *slot;
    if (!tb || tb->pc != pc || tb->page_addr[0] != key.page_addr[0] || tb->flags != flags ||
        tb->cflags != cflags || __atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
        g_rec_mutex_lock(&tb_lock);
        tb = g_hash_table_lookup(tb_htable, &key);
        g_rec_mutex_unlock(&tb_lock);
        if (!tb) {
            return NULL;
        }
        *slot = tb;
    }
    if (tb->page_addr[1] != RAM_ADDR_INVALID) {
        /* The second page must still be mapped to the same RAM. */
        vaddr p2 = (pc & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE;
        if (get_page_addr_code(cpu, p2, NULL) != tb->page_addr[1]) {
            return NULL;
        }
    }
    __atomic_store_n(&cpu->tb_jmp_cache[h], tb, __ATOMIC_RELEASE);
    return tb;
}

void tb_add_jump(TranslationBlock *from, unsigned n, TranslationBlock *to)
{
    if (n > 1 || from->invalid || to->invalid || (from->cflags & CF_SINGLE_STEP) ||
        to->page_addr[0] == RAM_ADDR_INVALID || from->page_addr[0] == RAM_ADDR_INVALID) {
        return;
    }
    /*
     * Only within one guest page: a direct jump skips the lookup, so it
     * must not outlive a change of the virtual->physical mapping of the
     * destination, which a TLB flush of that page would not see.
     */
    if ((from->pc & TARGET_PAGE_MASK) != (to->pc & TARGET_PAGE_MASK)) {
        return;
    }
    g_rec_mutex_lock(&tb_lock);
    if (!from->jmp_dest[n] && !from->invalid && !to->invalid) {
        tcg_backend->set_jmp(from, n, to);
        to->jmp_incoming = g_slist_prepend(to->jmp_incoming, (gpointer)((uintptr_t)from | n));
    }
    g_rec_mutex_unlock(&tb_lock);
}

TranslationBlock *tb_find_by_host(uintptr_t ra)
{
    TranslationBlock *tb = tcg_current_tb, *found = NULL;
    unsigned lo = 0, hi;

    if (tcg_code_rx_delta && code_buf &&
        ra - (uintptr_t)tcg_code_rx_delta - (uintptr_t)code_buf < code_size) {
        ra -= (uintptr_t)tcg_code_rx_delta;     /* executed code: its RW twin */
    }
    if (tb && ra >= (uintptr_t)tb->tc_ptr && ra < (uintptr_t)tb->tc_ptr + tb->tc_size) {
        return tb;
    }
    if (!tb_list || ra < (uintptr_t)code_buf || ra >= (uintptr_t)code_buf + code_size) {
        return NULL;
    }
    g_rec_mutex_lock(&tb_lock);
    hi = tb_list->len;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        TranslationBlock *m = g_ptr_array_index(tb_list, mid);
        if ((uintptr_t)m->tc_ptr <= ra) {
            found = m;
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (found && ra >= (uintptr_t)found->tc_ptr + found->tc_size) {
        found = NULL;
    }
    g_rec_mutex_unlock(&tb_lock);
    return found;
}

/* ---- translation ---- */

static FILE *log_file(void)
{
    return machina_logfile ? machina_logfile : stderr;
}

static void log_in_asm(CPUState *cpu, TranslationBlock *tb, void *host0)
{
    uint8_t *bytes;
    size_t len0;

    if (!cpu->tcg_ops->disas_log || !host0 || tb->size == 0) {
        return;
    }
    bytes = g_malloc(tb->size);
    len0 = MIN((size_t)tb->size, TARGET_PAGE_SIZE - (tb->pc & ~TARGET_PAGE_MASK));
    memcpy(bytes, (uint8_t *)host0 + (tb->pc & ~TARGET_PAGE_MASK), len0);
    if (len0 < tb->size) {
        void *host1 = tb->page_addr[1] != RAM_ADDR_INVALID
                      ? qemu_map_ram_ptr(tb->page_addr[1]) : NULL;
        if (!host1) {
            g_free(bytes);
            return;
        }
        memcpy(bytes + len0, host1, tb->size - len0);
    }
    qemu_log("----------------\nIN: \n");
    cpu->tcg_ops->disas_log(cpu, tb->pc, bytes, tb->size);
    qemu_log("\n");
    g_free(bytes);
}

static void tb_register(TranslationBlock *tb)
{
    TranslationBlock *old;

    g_rec_mutex_lock(&tb_lock);
    g_ptr_array_add(tb_list, tb);
    if (tb->page_addr[0] == RAM_ADDR_INVALID ||
        (tb->size > 0 && tb->page_addr[1] == RAM_ADDR_INVALID &&
         ((tb->pc + tb->size - 1) & TARGET_PAGE_MASK) != (tb->pc & TARGET_PAGE_MASK))) {
        g_rec_mutex_unlock(&tb_lock);
        return;                 /* code outside RAM: run once, never cached */
    }
    old = g_hash_table_lookup(tb_htable, tb);
    if (old) {
        tb_phys_invalidate_locked(old);      /* same key, stale second page */
    }
    g_hash_table_insert(tb_htable, tb, tb);
    for (int i = 0; i < 2; i++) {
        ram_addr_t page = tb->page_addr[i];
        unsigned ofs0 = tb->pc & ~TARGET_PAGE_MASK;
        unsigned len0 = MIN((unsigned)tb->size, (unsigned)TARGET_PAGE_SIZE - ofs0);
        PageDesc *pd;
        if (page == RAM_ADDR_INVALID) {
            continue;
        }
        pd = g_hash_table_lookup(page_table, page_key(page));
        if (!pd) {
            pd = g_new0(PageDesc, 1);
            pd->tbs = g_ptr_array_new();
            g_hash_table_insert(page_table, page_key(page), pd);
        }
        g_ptr_array_add(pd->tbs, tb);
        if (i == 0) {
            page_bits_set(pd, ofs0, ofs0 + MAX(len0, 1u));
        } else {
            page_bits_set(pd, 0, tb->size - len0);
        }
        /*
         * While a page has code every TLB entry for it carries
         * TLB_NOTDIRTY (tlb_set_page adds it, notdirty_write drops it only
         * from pages without code): the sweep over all entries is needed
         * only when the page gains code.
         */
        if (!memory_page_has_code(page)) {
            tlb_protect_code(page);
            tlb_set_notdirty_all(page);
        }
    }
    g_rec_mutex_unlock(&tb_lock);
}

TranslationBlock *tb_gen_code(CPUState *cpu, vaddr pc, uint32_t flags, uint32_t cflags)
{
    int max_insns = (cflags & CF_COUNT_MASK) ? (int)(cflags & CF_COUNT_MASK) : TCG_MAX_INSNS;
    void *host0 = NULL;
    ram_addr_t phys0;
    TranslationBlock *tb;
    ptrdiff_t n;
    size_t hdr = align_up(sizeof(TranslationBlock));
    bool flushed_for_space = false;
    bool log_pc = qemu_log_in_addr_range(pc);   /* -dfilter */

    tcg_exec_ensure_init();
    /* A fetch fault on the first page is raised here, before any state. */
    phys0 = get_page_addr_code(cpu, pc, &host0);
    if (phys0 != RAM_ADDR_INVALID && !memory_page_has_code(phys0)) {
        /* Protect before reading the code so no write slips in between. */
        tlb_protect_code(phys0);
        tlb_set_notdirty_all(phys0);
    }

retry:
    if (code_size - code_used < hdr + 4096) {
        g_rec_mutex_lock(&tb_lock);
        tb_do_flush_locked();
        g_rec_mutex_unlock(&tb_lock);
        if (phys0 != RAM_ADDR_INVALID) {
            tlb_protect_code(phys0);
        }
    }
    if (code_used + 64 * KiB > code_prefaulted && code_prefaulted < code_size) {
        size_t len = MIN((size_t)CODE_PREFAULT_CHUNK, code_size - code_prefaulted);
        tcg_code_buffer_prefault(code_buf + code_prefaulted, len);
        code_prefaulted += len;
    }
    tb = (TranslationBlock *)(code_buf + code_used);
    memset(tb, 0, sizeof(*tb));
    tb->pc = pc;
    tb->flags = flags;
    tb->cflags = cflags;
    tb->page_addr[0] = phys0;
    tb->page_addr[1] = RAM_ADDR_INVALID;

    tcg_func_start();
    tcg_ctx->tb = tb;
    tcg_ctx->env_tlb_offset = (char *)&cpu->tlb.table - (char *)cpu->env_ptr;
    /* -d exec traces every lookup: keep them all in C then. */
    if (!qemu_loglevel_mask(CPU_LOG_EXEC)) {
        tcg_ctx->env_jmp_cache_offset = (char *)&cpu->tb_jmp_cache - (char *)cpu->env_ptr;
    }
    {
        TCGLabel *exit_label = NULL;
        if (!(cflags & CF_NOIRQ)) {
            /* Block entry: leave at once if another thread asked us to. */
            TCGv flag = tcg_temp_new();
            exit_label = gen_new_label();
            tcg_gen_ld32s(flag, tcg_env, (char *)&cpu->exit_request - (char *)cpu->env_ptr);
            tcg_gen_brcondi(TCG_COND_NE, flag, 0, exit_label);
        }
        cpu->tcg_ops->translate_code(cpu, tb, max_insns);
        if (exit_label) {
            gen_set_label(exit_label);
            tcg_gen_exit_tb(tb, TB_EXIT_REQUESTED);
        }
    }
    if (tb->size > 0 && phys0 != RAM_ADDR_INVALID) {
        vaddr last = pc + tb->size - 1;
        if ((last & TARGET_PAGE_MASK) != (pc & TARGET_PAGE_MASK)) {
            tb->page_addr[1] = get_page_addr_code(cpu, last, NULL);
        }
    }
    if (log_pc && qemu_loglevel_mask(CPU_LOG_TB_IN_ASM)) {
        log_in_asm(cpu, tb, host0);
    }
    if (log_pc && qemu_loglevel_mask(CPU_LOG_TB_OP)) {
        qemu_log("OP:\n");
        tcg_dump_ops(tcg_ctx, log_file());
        qemu_log("\n");
    }
    tcg_optimize(tcg_ctx);
    tcg_liveness(tcg_ctx);
    if (log_pc && qemu_loglevel_mask(CPU_LOG_TB_OP_OPT)) {
        qemu_log("OP after optimization and liveness analysis:\n");
        tcg_dump_ops(tcg_ctx, log_file());
        qemu_log("\n");
    }
    tb->tc_ptr = code_buf + code_used + hdr;
    n = tcg_backend->gen_code(tcg_ctx, tb, tb->tc_ptr, code_size - code_used - hdr);
    if (n == -1) {
        if (flushed_for_space) {
            n = -2;             /* even an empty buffer is too small */
        } else {
            code_used = code_size;          /* forces a flush */
            flushed_for_space = true;
            goto retry;
        }
    }
    if (n == -2) {
        /* Too big for the back end: fewer instructions. */
        assert(max_insns > 1);
        max_insns /= 2;
        goto retry;
    }
    tb->tc_size = (size_t)n;
    code_used += hdr + align_up((size_t)n);
    tb_register(tb);
    if (unlikely(perfmap_enabled()) && tcg_code_rx_delta) {
        perfmap_add((const uint8_t *)tb->tc_ptr + tcg_code_rx_delta, tb->tc_size, pc);
    }
    if (log_pc && qemu_loglevel_mask(CPU_LOG_TB_OUT_ASM) && tcg_backend->dump) {
        qemu_log("OUT: [size=%zu]\n", tb->tc_size);
        tcg_backend->dump(tb, log_file());
        qemu_log("\n");
    }
    return tb;
}
