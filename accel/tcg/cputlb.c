/*
 * The soft TLB: per mmu_idx, direct-mapped by virtual page.  An entry
 * holds one tag per access kind (read, write, fetch) and the addend that
 * turns a guest virtual address into a host pointer for RAM.  Anything
 * that is not plain RAM access (MMIO, ROM writes, pages holding translated
 * code, dirty logging, sub-page mappings) carries a flag bit in its tag, so
 * that the inline fast path misses and the slow path here handles it.
 *
 * Slow path order for one access: alignment (MO_ALIGN -> the target's
 * unaligned hook), page crossing (split into bytes, both pages probed first
 * for stores), TLB miss (the target's tlb_fill, which raises the guest
 * fault), then MMIO dispatch under the BQL or a host access, with
 * translated code invalidated before a store to its page lands.
 */
#include "accel/tcg/internal.h"
#include "core/log.h"

static inline unsigned tlb_index(vaddr addr)
{
    return (addr >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1);
}

static inline uint64_t tlb_tag(const CPUTLBEntry *e, MMUAccessType type)
{
    switch (type) {
    case MMU_DATA_STORE: return e->addr_write;
    case MMU_INST_FETCH: return e->addr_code;
    default: return e->addr_read;
    }
}

static inline bool tlb_hit(uint64_t tag, vaddr addr)
{
    return (addr & TARGET_PAGE_MASK) == (tag & (TARGET_PAGE_MASK | TLB_INVALID_MASK));
}

/* ---- flushing ---- */

static void tlb_flush_mmuidx(CPUState *cpu, int mmu_idx)
{
    memset(cpu->tlb.table[mmu_idx], 0xff, sizeof(cpu->tlb.table[mmu_idx]));
    __atomic_fetch_and(&cpu->tlb.used_modes, ~(1u << mmu_idx), __ATOMIC_RELEASE);
    cpu->tlb.large_page_addr[mmu_idx] = 0;
    cpu->tlb.large_page_mask[mmu_idx] = 0;
}

void tlb_flush_by_mmuidx(CPUState *cpu, uint16_t idxmap)
{
    for (int i = 0; i < NB_MMU_MODES; i++) {
        if (idxmap & (1u << i)) {
            tlb_flush_mmuidx(cpu, i);
        }
    }
    /* The jump cache is keyed by virtual pc: a new mapping may change it. */
    tb_jmp_cache_clear(cpu);
}

void tlb_flush(CPUState *cpu)
{
    tlb_flush_by_mmuidx(cpu, (1u << NB_MMU_MODES) - 1);
}

void tlb_flush_page(CPUState *cpu, vaddr addr)
{
    vaddr page = addr & TARGET_PAGE_MASK;
    bool whole = false;

    for (int i = 0; i < NB_MMU_MODES; i++) {
        CPUTLBEntry *e = &cpu->tlb.table[i][tlb_index(page)];
        vaddr lmask = cpu->tlb.large_page_mask[i];

        if (lmask && (page & lmask) == cpu->tlb.large_page_addr[i]) {
            /* Part of a huge mapping whose other pages sit in other slots. */
            tlb_flush_mmuidx(cpu, i);
            whole = true;
            continue;
        }
        /* Sub-page entries (TLB_INVALID set) still name their page. */
        if ((e->addr_read & TARGET_PAGE_MASK) == page ||
            (e->addr_write & TARGET_PAGE_MASK) == page ||
            (e->addr_code & TARGET_PAGE_MASK) == page) {
            memset(e, 0xff, sizeof(*e));
        }
    }
    if (whole) {
        tb_jmp_cache_clear(cpu);
    } else {
        tb_jmp_cache_clear_page(cpu, page);
    }
}

void tlb_flush_all_cpus(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        tlb_flush(cpu);
    }
}

/*
 * Entries cache regions and host pointers from the address space's
 * FlatView: any change of the map flushes the CPU's TLB.  A change made on
 * another thread only marks the flush and kicks the vCPU, which flushes
 * its own TLB before its next block (tlb_flush_if_pending).
 */
typedef struct TLBASListener {
    MemoryListener listener;
    CPUState *cpu;
    bool changed;
} TLBASListener;

static void tlb_as_changed(MemoryListener *l, MemoryRegionSection *s)
{
    container_of(l, TLBASListener, listener)->changed = true;
}

static void tlb_as_commit(MemoryListener *l)
{
    TLBASListener *tl = container_of(l, TLBASListener, listener);

    if (!tl->changed) {
        return;
    }
    tl->changed = false;
    if (current_cpu) {
        tlb_flush(tl->cpu);         /* on the vCPU thread: no block runs it now */
    } else {
        __atomic_store_n(&tl->cpu->tlb_flush_pending, 1, __ATOMIC_RELEASE);
        cpu_exit(tl->cpu);
    }
}

void tlb_as_listen(CPUState *cpu)
{
    TLBASListener *tl;

    if (!cpu->as || cpu->tcg_as_listener) {
        return;
    }
    tl = g_new0(TLBASListener, 1);
    tl->cpu = cpu;
    tl->listener.name = "tcg-tlb";
    tl->listener.region_add = tlb_as_changed;
    tl->listener.region_del = tlb_as_changed;
    tl->listener.commit = tlb_as_commit;
    cpu->tcg_as_listener = tl;
    memory_listener_register(&tl->listener, cpu->as);
}

void tlb_as_unlisten(CPUState *cpu)
{
    TLBASListener *tl = cpu->tcg_as_listener;

    if (tl) {
        memory_listener_unregister(&tl->listener);
        g_free(tl);
        cpu->tcg_as_listener = NULL;
    }
}

void tlb_flush_if_pending(CPUState *cpu)
{
    if (unlikely(__atomic_load_n(&cpu->tlb_flush_pending, __ATOMIC_ACQUIRE))) {
        __atomic_store_n(&cpu->tlb_flush_pending, 0, __ATOMIC_RELEASE);
        tlb_flush(cpu);
    }
}

/* ---- filling ---- */

static bool page_needs_notdirty(const MemoryRegion *mr, ram_addr_t ram_page)
{
    /* Dirty logging by other clients (display, migration) also needs the
     * writes to a clean page to pass through the slow path, which marks it. */
    return memory_page_has_code(ram_page) ||
           !cpu_physical_memory_all_dirty(ram_page, TARGET_PAGE_SIZE);
}

/* A dirty-log client cleared bits in [start, start + len): direct writes to
 * those pages must take the slow path again.  May run on any thread. */
static void tlb_dirty_reset_hook(ram_addr_t start, ram_addr_t len)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        for (int i = 0; i < NB_MMU_MODES; i++) {
            if (!(__atomic_load_n(&cpu->tlb.used_modes, __ATOMIC_ACQUIRE) & (1u << i))) {
                continue;       /* no entry since the mode's last flush */
            }
            for (int j = 0; j < CPU_TLB_SIZE; j++) {
                CPUTLBEntry *e = &cpu->tlb.table[i][j];
                ram_addr_t ra = cpu->tlb.full[i][j].ram_addr;
                if (ra != RAM_ADDR_INVALID && ra < start + len && start < ra + TARGET_PAGE_SIZE &&
                    !(e->addr_write & TLB_MMIO)) {
                    __atomic_fetch_or(&e->addr_write, (uint64_t)TLB_NOTDIRTY, __ATOMIC_RELAXED);
                }
            }
        }
    }
}

void tlb_set_page(CPUState *cpu, vaddr addr, hwaddr paddr, MemTxAttrs attrs, int prot,
                  int mmu_idx, uint64_t size)
{
    vaddr vpage = addr & TARGET_PAGE_MASK;
    hwaddr ppage = paddr & TARGET_PAGE_MASK;
    hwaddr xlat = 0, plen = TARGET_PAGE_SIZE;
    unsigned idx = tlb_index(vpage);
    CPUTLBEntry *e = NULL;
    CPUTLBEntryFull *full = NULL;
    MemoryRegion *mr;
    bool ram, writable_ram;
    uint64_t sub = 0, rflags, wflags;

    assert(mmu_idx >= 0 && mmu_idx < NB_MMU_MODES);
    assert(cpu->as);
    e = &cpu->tlb.table[mmu_idx][idx];
    full = &cpu->tlb.full[mmu_idx][idx];
    /* Before the entry is written: sweeps of other threads must see it. */
    __atomic_fetch_or(&cpu->tlb.used_modes, 1u << mmu_idx, __ATOMIC_RELEASE);
    mr = address_space_translate(cpu->as, ppage, &xlat, &plen, false, attrs);
    /* Only a whole page of RAM can be reached through the addend. */
    ram = memory_region_is_ram(mr) && plen >= TARGET_PAGE_SIZE &&
          memory_region_get_ram_ptr(mr) != NULL &&
          (mr->kind != MR_ROMD || mr->romd_mode);
    writable_ram = ram && mr->kind == MR_RAM && !mr->readonly;

    if (size < TARGET_PAGE_SIZE) {
        sub = TLB_INVALID_MASK;        /* good for this access only */
    } else if (size > TARGET_PAGE_SIZE) {
        vaddr lmask = ~(size - 1);
        if (cpu->tlb.large_page_mask[mmu_idx]) {
            /* Widen the tracked region to cover both mappings. */
            lmask = cpu->tlb.large_page_mask[mmu_idx] & lmask;
            while ((cpu->tlb.large_page_addr[mmu_idx] & lmask) != (vpage & lmask)) {
                lmask <<= 1;
            }
        }
        cpu->tlb.large_page_addr[mmu_idx] = vpage & lmask;
        cpu->tlb.large_page_mask[mmu_idx] = lmask;
    }

    full->phys_addr = ppage;
    full->mr = mr;
    full->mr_offset = xlat;
    full->attrs = attrs;
    full->prot = (uint8_t)prot;
    full->lg_page_size = (uint8_t)(63 - clz64(size ? size : 1));
    full->ram_addr = ram ? memory_region_get_ram_addr(mr) + xlat : RAM_ADDR_INVALID;

    rflags = (ram ? 0 : TLB_MMIO) | sub;
    wflags = (writable_ram ? 0 : TLB_MMIO) | sub;
    if (writable_ram && page_needs_notdirty(mr, full->ram_addr)) {
        wflags |= TLB_NOTDIRTY;
    }
    e->addr_read = (prot & PAGE_READ) ? vpage | rflags : UINT64_MAX;
    e->addr_code = (prot & PAGE_EXEC) ? vpage | rflags : UINT64_MAX;
    e->addr_write = (prot & PAGE_WRITE) ? vpage | wflags : UINT64_MAX;
    e->addend = ram ? (uintptr_t)memory_region_get_ram_ptr(mr) + xlat - vpage : 0;
    qemu_log_mask(CPU_LOG_MMU, "tlb_set_page: cpu %d idx %d va %016" PRIx64
                  " pa %016" PRIx64 " prot %x%s\n", cpu->cpu_index, mmu_idx, vpage,
                  ppage, prot, ram ? "" : " io");
}

void tlb_set_notdirty_all(ram_addr_t page)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        for (int i = 0; i < NB_MMU_MODES; i++) {
            /* Modes flushed since their last fill hold no entry: skip the
             * sweep (a page gains code hundreds of times during a boot). */
            if (!(__atomic_load_n(&cpu->tlb.used_modes, __ATOMIC_ACQUIRE) & (1u << i))) {
                continue;
            }
            for (int j = 0; j < CPU_TLB_SIZE; j++) {
                CPUTLBEntry *e = &cpu->tlb.table[i][j];
                if (e->addr_write != UINT64_MAX && !(e->addr_write & TLB_MMIO) &&
                    cpu->tlb.full[i][j].ram_addr == page) {
                    e->addr_write |= TLB_NOTDIRTY;
                }
            }
        }
    }
}

/*
 * The entry for one access that stays within a page, filled on a miss.
 * Returns false only for probe when the translation fails.
 */
static bool tlb_lookup(CPUState *cpu, vaddr addr, unsigned size, MMUAccessType type,
                       int mmu_idx, bool probe, uintptr_t ra, CPUTLBEntry **pe,
                       CPUTLBEntryFull **pfull)
{
    unsigned idx = tlb_index(addr);
    CPUTLBEntry *e = &cpu->tlb.table[mmu_idx][idx];
    uint64_t tag = tlb_tag(e, type);

    if (!tlb_hit(tag, addr)) {
        if (!cpu->tcg_ops->tlb_fill(cpu, addr, size, type, mmu_idx, probe, ra)) {
            return false;
        }
        tag = tlb_tag(e, type);
        if ((tag & TARGET_PAGE_MASK) != (addr & TARGET_PAGE_MASK) || tag == UINT64_MAX) {
            /* tlb_fill succeeded without granting this access: a target bug;
             * report a bus error rather than loop. */
            if (probe) {
                return false;
            }
            cpu->tcg_ops->do_transaction_failed(cpu, addr, addr, size, type, mmu_idx,
                                                MEMTX_ACCESS_ERROR, ra);
            cpu_loop_exit_restore(cpu, ra);
        }
    }
    *pe = e;
    *pfull = &cpu->tlb.full[mmu_idx][idx];
    return true;
}

static inline uint64_t host_ld(const void *p, unsigned size)
{
    uint64_t v = 0;

    memcpy(&v, p, size);    /* little-endian host: the low bytes */
    return v;
}

static inline void host_st(void *p, uint64_t v, unsigned size)
{
    memcpy(p, &v, size);
}

static uint64_t io_access(CPUState *cpu, CPUTLBEntryFull *full, vaddr addr, uint64_t val,
                          unsigned size, MMUAccessType type, int mmu_idx, uintptr_t ra)
{
    hwaddr paddr = full->phys_addr + (addr & ~TARGET_PAGE_MASK);
    hwaddr xlat = 0, plen = size;
    bool locked = bql_locked();
    MemoryRegion *mr;
    MemTxResult r;

    /*
     * A kick bound to an ioeventfd (a virtqueue notify) only signals an
     * eventfd: done without the BQL, so the vCPU does not wait for a
     * device's thread that holds it (the memory core checks the same
     * match under the BQL for writes arriving by other paths).
     */
    if (type == MMU_DATA_STORE && address_space_ioeventfd_write(cpu->as, paddr, val, size)) {
        return val;
    }
    if (!locked) {
        bql_lock();
    }
    /* Translate the exact address: a page may hold several small regions. */
    mr = address_space_translate(cpu->as, paddr, &xlat, &plen, type == MMU_DATA_STORE,
                                 full->attrs);
    if (type == MMU_DATA_STORE) {
        r = memory_region_dispatch_write(mr, xlat, val, size, full->attrs);
    } else {
        r = memory_region_dispatch_read(mr, xlat, &val, size, full->attrs);
    }
    if (!locked) {
        bql_unlock();
    }
    if (r != MEMTX_OK) {
        cpu->tcg_ops->do_transaction_failed(cpu, paddr, addr, size, type, mmu_idx, r, ra);
    }
    return val;
}

/*
 * A store to a RAM page with TLB_NOTDIRTY: drop translated code first.  If
 * the running block itself was dropped, leave it before the store: the
 * instruction is re-executed alone (CF_COUNT 1), whose own store then
 * completes normally.
 */
static void notdirty_write(CPUState *cpu, CPUTLBEntry *e, CPUTLBEntryFull *full, vaddr addr,
                           unsigned size, uintptr_t ra)
{
    ram_addr_t ram = full->ram_addr + (addr & ~TARGET_PAGE_MASK);
    TranslationBlock *cur = tcg_current_tb;
    bool has_code = memory_page_has_code(full->ram_addr);

    /* Data next to code on one page: the byte bitmap spares the lookup. */
    if (has_code && tb_page_write_hits_code(ram, size)) {
        if (tb_invalidate_phys_range_cur(ram, ram + size, cur) && cur &&
            (cur->cflags & CF_COUNT_MASK) != 1 && ra) {
            cpu_restore_state(cpu, ra);
            cpu->cflags_next_tb = 1 | CF_NOIRQ;
            cpu_loop_exit(cpu);
        }
        has_code = memory_page_has_code(full->ram_addr);
    }
    cpu_physical_memory_set_dirty_range(ram, size);
    if (!has_code && cpu_physical_memory_all_dirty(full->ram_addr, TARGET_PAGE_SIZE)) {
        e->addr_write &= ~(uint64_t)TLB_NOTDIRTY;   /* fast path again */
    }
}

static uint64_t finish_load(uint64_t v, MemOp op)
{
    unsigned size = memop_size(op);

    if (op & MO_BSWAP) {
        v = __builtin_bswap64(v) >> (64 - 8 * size);
    }
    if (op & MO_SIGN) {
        v = (uint64_t)sextract64(v, 0, 8 * size);
    }
    return v;
}

static uint64_t do_ld(CPUState *cpu, vaddr addr, MemOp op, int mmu_idx, MMUAccessType type,
                      uintptr_t ra)
{
    unsigned size = memop_size(op);
    CPUTLBEntry *e = NULL;
    CPUTLBEntryFull *full = NULL;
    uint64_t v;

    if (addr & (size - 1)) {
        if (op & MO_ALIGN) {
            cpu->tcg_ops->do_unaligned_access(cpu, addr, type, mmu_idx, ra);
        }
        if ((addr & ~TARGET_PAGE_MASK) + size > TARGET_PAGE_SIZE) {
            /* Crosses a page: byte by byte, each through its own page. */
            v = 0;
            for (unsigned i = 0; i < size; i++) {
                uint64_t b = do_ld(cpu, addr + i, MO_UB, mmu_idx, type, ra);
                v |= b << (8 * ((op & MO_BSWAP) ? size - 1 - i : i));
            }
            return finish_load(v, op & ~MO_BSWAP);
        }
    }
    tlb_lookup(cpu, addr, size, type, mmu_idx, false, ra, &e, &full);
    if (tlb_tag(e, type) & TLB_MMIO) {
        v = io_access(cpu, full, addr, 0, size, type, mmu_idx, ra);
    } else {
        v = host_ld((void *)(uintptr_t)(addr + e->addend), size);
    }
    return finish_load(v, op);
}

static void do_st(CPUState *cpu, vaddr addr, uint64_t val, MemOp op, int mmu_idx,
                  uintptr_t ra)
{
    unsigned size = memop_size(op);
    CPUTLBEntry *e = NULL;
    CPUTLBEntryFull *full = NULL;
    uint64_t tag;

    if (op & MO_BSWAP) {
        val = __builtin_bswap64(val) >> (64 - 8 * size);
    }
    if (addr & (size - 1)) {
        if (op & MO_ALIGN) {
            cpu->tcg_ops->do_unaligned_access(cpu, addr, MMU_DATA_STORE, mmu_idx, ra);
        }
        if ((addr & ~TARGET_PAGE_MASK) + size > TARGET_PAGE_SIZE) {
            /* Fault on either page before any byte is written. */
            tlb_lookup(cpu, addr, 1, MMU_DATA_STORE, mmu_idx, false, ra, &e, &full);
            tlb_lookup(cpu, addr + size - 1, 1, MMU_DATA_STORE, mmu_idx, false, ra, &e,
                       &full);
            for (unsigned i = 0; i < size; i++) {
                do_st(cpu, addr + i, val >> (8 * i), MO_UB, mmu_idx, ra);
            }
            return;
        }
    }
    tlb_lookup(cpu, addr, size, MMU_DATA_STORE, mmu_idx, false, ra, &e, &full);
    tag = e->addr_write;
    if (tag & TLB_MMIO) {
        io_access(cpu, full, addr, val, size, MMU_DATA_STORE, mmu_idx, ra);
        return;
    }
    if (tag & TLB_NOTDIRTY) {
        notdirty_write(cpu, e, full, addr, size, ra);
    }
    host_st((void *)(uintptr_t)(addr + e->addend), val, size);
}

uint64_t cpu_ld_mmu(CPUState *cpu, vaddr addr, MemOp op, int mmu_idx, uintptr_t ra)
{
    return do_ld(cpu, addr, op, mmu_idx, MMU_DATA_LOAD, ra);
}

void cpu_st_mmu(CPUState *cpu, vaddr addr, uint64_t val, MemOp op, int mmu_idx,
                uintptr_t ra)
{
    do_st(cpu, addr, val, op, mmu_idx, ra);
}

void probe_write(CPUState *cpu, vaddr addr, int size, int mmu_idx, uintptr_t ra)
{
    CPUTLBEntry *e;
    CPUTLBEntryFull *full;

    /* A hit is a translation already granted for stores: nothing to do. */
    tlb_lookup(cpu, addr, (unsigned)size, MMU_DATA_STORE, mmu_idx, false, ra, &e, &full);
}

uint32_t cpu_ldl_code(CPUState *cpu, vaddr addr)
{
    return (uint32_t)do_ld(cpu, addr, MO_UL, cpu->tcg_ops->mmu_index(cpu, true),
                           MMU_INST_FETCH, 0);
}

uint16_t cpu_lduw_code(CPUState *cpu, vaddr addr)
{
    return (uint16_t)do_ld(cpu, addr, MO_UW, cpu->tcg_ops->mmu_index(cpu, true),
                           MMU_INST_FETCH, 0);
}

ram_addr_t get_page_addr_code(CPUState *cpu, vaddr addr, void **hostp)
{
    CPUTLBEntry *e = NULL;
    CPUTLBEntryFull *full = NULL;

    tlb_lookup(cpu, addr, 1, MMU_INST_FETCH, cpu->tcg_ops->mmu_index(cpu, true), false, 0,
               &e, &full);
    if (e->addr_code & TLB_MMIO) {
        if (hostp) {
            *hostp = NULL;
        }
        return RAM_ADDR_INVALID;
    }
    if (hostp) {
        *hostp = (void *)(uintptr_t)((addr & TARGET_PAGE_MASK) + e->addend);
    }
    return full->ram_addr;
}

ram_addr_t probe_page_addr_code(CPUState *cpu, vaddr addr)
{
    int mmu_idx = cpu->tcg_ops->mmu_index(cpu, true);
    unsigned idx = tlb_index(addr);
    CPUTLBEntry *e = &cpu->tlb.table[mmu_idx][idx];

    if (!tlb_hit(e->addr_code, addr) || (e->addr_code & TLB_MMIO)) {
        return RAM_ADDR_INVALID;
    }
    return cpu->tlb.full[mmu_idx][idx].ram_addr;
}

/* ---- the hooks generated code calls ---- */

static uint64_t rt_qemu_ld(void *env, uint64_t addr, MemOpIdx oi, uintptr_t ra)
{
    return do_ld(current_cpu, addr, get_memop(oi), get_mmuidx(oi), MMU_DATA_LOAD, ra);
}

static void rt_qemu_st(void *env, uint64_t addr, uint64_t val, MemOpIdx oi, uintptr_t ra)
{
    do_st(current_cpu, addr, val, get_memop(oi), get_mmuidx(oi), ra);
}

static TranslationBlock *rt_lookup_tb(void *env)
{
    CPUState *cpu = current_cpu;
    TranslationBlock *tb;
    vaddr pc;
    uint32_t flags, cflags = cpu->singlestep_enabled ? 1 | CF_SINGLE_STEP : 0;

    /* Globals are synced here, so a fetch fault while filling the TLB is
     * raised with the right pc; a block not yet translated returns to the
     * loop (NULL), which translates it. */
    if (cpu->cflags_next_tb || cpu->singlestep_enabled) {
        return NULL;
    }
    cpu->tcg_ops->get_tb_cpu_state(cpu, &pc, &flags);
    if (tcg_tier_skip_lookup(cpu, pc, flags)) {
        return NULL;            /* interpreted next: the loop runs it */
    }
    tb = tb_lookup(cpu, pc, flags, cflags);
    if (!tb) {
        tcg_tier_note_miss(cpu, pc, flags);
    }
    if (tb && qemu_loglevel_mask(CPU_LOG_EXEC) && qemu_log_in_addr_range(tb->pc)) {
        qemu_log("Trace %d: %p [%016" PRIx64 "/%08x/%08x]\n", cpu->cpu_index, tb->tc_ptr,
                 (uint64_t)tb->pc, tb->flags, tb->cflags);
    }
    return tb;
}

void tcg_runtime_init(void)
{
    tcg_runtime.qemu_ld = rt_qemu_ld;
    tcg_runtime.qemu_st = rt_qemu_st;
    tcg_runtime.lookup_tb = rt_lookup_tb;
    memory_set_dirty_reset_hook(tlb_dirty_reset_hook);
}
