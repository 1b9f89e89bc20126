/*
 * Rendering the region tree into FlatViews, address spaces and listeners.
 *
 * A FlatView is the list of sorted, non-overlapping ranges an address space
 * sees, each naming the leaf region that answers it.  It is rebuilt at the
 * outermost transaction commit; address spaces whose roots render the same
 * (the same "flat-view root") share one view.  Listeners learn the
 * difference between the old and the new view as region_del (old ranges
 * that are gone), then region_nop / region_add (kept / new ranges) and
 * log_start / log_stop (a kept range whose dirty-log clients changed).
 */
#include "memory/memory-internal.h"

#include <pthread.h>

GPtrArray *memory_address_spaces;
bool memory_global_dirty_log;

/*
 * Readers (vCPU threads, iothreads) take a reference to the current view
 * under this lock; the committer swaps the pointer under it.  The lock is
 * held only for a pointer load and an increment, and the view is freed by
 * whoever drops the last reference, so a reader never sees freed memory.
 */
static pthread_mutex_t flatview_lock = PTHREAD_MUTEX_INITIALIZER;

static FlatView *flatview_new(MemoryRegion *root)
{
    FlatView *fv = g_new0(FlatView, 1);

    fv->ref = 1;
    fv->root = root;
    return fv;
}

void flatview_ref(FlatView *fv)
{
    __atomic_add_fetch(&fv->ref, 1, __ATOMIC_RELAXED);
}

void flatview_unref(FlatView *fv)
{
    if (fv && __atomic_sub_fetch(&fv->ref, 1, __ATOMIC_ACQ_REL) == 0) {
        g_free(fv->ranges);
        g_free(fv->ioeventfds);
        g_free(fv);
    }
}

FlatView *address_space_get_flatview(AddressSpace *as)
{
    FlatView *fv;

    pthread_mutex_lock(&flatview_lock);
    fv = as->current_map;
    flatview_ref(fv);
    pthread_mutex_unlock(&flatview_lock);
    return fv;
}

static void flatview_insert(FlatView *fv, unsigned pos, const FlatRange *fr)
{
    if (fv->nr == fv->nr_allocated) {
        fv->nr_allocated = MAX(fv->nr_allocated * 2, 16);
        fv->ranges = g_renew(FlatRange, fv->ranges, fv->nr_allocated);
    }
    memmove(&fv->ranges[pos + 1], &fv->ranges[pos],
            (fv->nr - pos) * sizeof(FlatRange));
    fv->ranges[pos] = *fr;
    fv->nr++;
}

/*
 * A leaf claims the parts of [start, end) that nothing of higher priority
 * has claimed yet.  base is where offset 0 of mr lies in the address space.
 */
static void flatview_claim_gaps(FlatView *fv, MemoryRegion *mr, Int128 base,
                                Int128 start, Int128 end, bool readonly)
{
    Int128 cur = start;
    unsigned i = 0;

    while (cur < end) {
        FlatRange fr = {
            .mr = mr,
            .dirty_log_mask = mr->dirty_log_mask |
                (memory_global_dirty_log && mr->ram_block ? 1u << DIRTY_MEMORY_MIGRATION
                                                          : 0),
            .readonly = readonly,
            .romd_mode = mr->romd_mode,
        };
        Int128 piece_end = end;

        if (i < fv->nr) {
            const FlatRange *next = &fv->ranges[i];
            Int128 next_end = next->start + next->size;
            if (next_end <= cur) {
                i++;
                continue;
            }
            if (next->start <= cur) {
                cur = next_end;     /* taken by a higher-priority region */
                i++;
                continue;
            }
            piece_end = MIN(next->start, end);
        }
        fr.start = cur;
        fr.size = piece_end - cur;
        fr.offset_in_region = (hwaddr)(cur - base);
        flatview_insert(fv, i, &fr);
        i++;
        cur = piece_end;
    }
}

/*
 * QEMU docs/devel/memory.rst, "Visibility": subregions are tried in
 * priority order; a region outside the clip is skipped; an alias continues
 * at its target shifted by the alias offset; a leaf (or a container with
 * its own backing) takes what is left in its range, which hides any
 * lower-priority sibling in its holes.
 */
static void render_memory_region(FlatView *fv, MemoryRegion *mr, Int128 base,
                                 Int128 clip_start, Int128 clip_end, bool readonly)
{
    Int128 start, end;
    unsigned i;

    if (!mr->enabled) {
        return;
    }
    base += mr->addr;
    start = MAX(base, clip_start);
    end = MIN(base + mr_size128(mr), clip_end);
    if (start >= end) {
        return;
    }
    readonly |= mr->readonly;

    if (mr->kind == MR_ALIAS) {
        if (mr->alias) {
            base -= mr->alias->addr;
            base -= mr->alias_offset;
            render_memory_region(fv, mr->alias, base, start, end, readonly);
        }
        return;
    }
    for (i = 0; i < mr->subregions->len; i++) {
        render_memory_region(fv, g_ptr_array_index(mr->subregions, i), base,
                             start, end, readonly);
    }
    if (mr->terminates) {
        flatview_claim_gaps(fv, mr, base, start, end, readonly);
    }
}

static bool flatrange_can_merge(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr &&
           a->start + a->size == b->start &&
           (Int128)a->offset_in_region + a->size == (Int128)b->offset_in_region &&
           a->dirty_log_mask == b->dirty_log_mask &&
           a->readonly == b->readonly &&
           a->romd_mode == b->romd_mode;
}

/* Adjacent pieces of one region with contiguous offsets become one range. */
static void flatview_simplify(FlatView *fv)
{
    unsigned i, j = 0;

    for (i = 0; i < fv->nr; i++) {
        if (j > 0 && flatrange_can_merge(&fv->ranges[j - 1], &fv->ranges[i])) {
            fv->ranges[j - 1].size += fv->ranges[i].size;
        } else {
            fv->ranges[j++] = fv->ranges[i];
        }
    }
    fv->nr = j;
}

/*
 * The region that really decides what an address space sees: descend
 * through enabled containers with exactly one enabled child covering from
 * offset 0, and through aliases that show all of their target.  NULL means
 * nothing is visible.  Address spaces with the same flat-view root share a
 * view, as in QEMU (and `info mtree -f` prints that root).
 */
MemoryRegion *memory_region_get_flatview_root(MemoryRegion *mr)
{
    while (mr && mr->enabled) {
        if (mr->kind == MR_ALIAS) {
            if (mr->alias && mr->alias_offset == 0 &&
                mr_size128(mr) >= mr_size128(mr->alias)) {
                mr = mr->alias;
                continue;
            }
        } else if (!mr->terminates) {
            MemoryRegion *next = NULL;
            unsigned i, found = 0;

            for (i = 0; i < mr->subregions->len; i++) {
                MemoryRegion *child = g_ptr_array_index(mr->subregions, i);
                if (!child->enabled) {
                    continue;
                }
                if (++found > 1) {
                    next = NULL;
                    break;
                }
                if (child->addr == 0 && mr_size128(mr) >= mr_size128(child)) {
                    next = child;
                }
            }
            if (found == 0) {
                return NULL;
            }
            if (next) {
                mr = next;
                continue;
            }
        }
        return mr;
    }
    return NULL;
}

static FlatView *generate_memory_topology(MemoryRegion *root)
{
    FlatView *fv = flatview_new(root);

    if (root) {
        /* The root's own position in some other container does not shift
         * the address space it is the root of. */
        render_memory_region(fv, root, -(Int128)root->addr, 0, INT128_2_64, false);
        flatview_simplify(fv);
        flatview_collect_ioeventfds(fv);
    }
    return fv;
}

const FlatRange *flatview_lookup(const FlatView *fv, hwaddr addr, Int128 *next_start)
{
    unsigned lo = 0, hi = fv->nr;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        const FlatRange *fr = &fv->ranges[mid];
        if ((Int128)addr < fr->start) {
            hi = mid;
        } else if ((Int128)addr >= fr->start + fr->size) {
            lo = mid + 1;
        } else {
            return fr;
        }
    }
    if (next_start) {
        *next_start = lo < fv->nr ? fv->ranges[lo].start : INT128_2_64;
    }
    return NULL;
}

void flatrange_to_section(const FlatRange *fr, AddressSpace *as,
                          MemoryRegionSection *s)
{
    *s = (MemoryRegionSection){
        .mr = fr->mr,
        .as = as,
        .offset_within_region = fr->offset_in_region,
        .size = (uint64_t)fr->size,          /* 2^64 wraps to 0 by design */
        .offset_within_address_space = (hwaddr)fr->start,
        .readonly = fr->readonly,
    };
}

static bool flatrange_equal(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr && a->start == b->start && a->size == b->size &&
           a->offset_in_region == b->offset_in_region &&
           a->readonly == b->readonly && a->romd_mode == b->romd_mode;
}

typedef enum { LISTENER_DEL, LISTENER_ADD, LISTENER_NOP } ListenerEvent;

/* Additions go to listeners in ascending priority, removals descending. */
static void listeners_call(AddressSpace *as, ListenerEvent ev, const FlatRange *fr)
{
    MemoryRegionSection s;
    unsigned n = as->listeners->len, k;

    flatrange_to_section(fr, as, &s);
    for (k = 0; k < n; k++) {
        MemoryListener *l = g_ptr_array_index(as->listeners,
                                              ev == LISTENER_DEL ? n - 1 - k : k);
        if (ev == LISTENER_DEL && l->region_del) {
            l->region_del(l, &s);
        } else if (ev == LISTENER_ADD && l->region_add) {
            l->region_add(l, &s);
        } else if (ev == LISTENER_NOP && l->region_nop) {
            l->region_nop(l, &s);
        }
    }
}

static void listeners_log(AddressSpace *as, const FlatRange *old,
                          const FlatRange *new)
{
    MemoryRegionSection s;
    unsigned k;

    flatrange_to_section(new, as, &s);
    for (k = 0; k < as->listeners->len; k++) {
        MemoryListener *l = g_ptr_array_index(as->listeners, k);
        if ((new->dirty_log_mask & ~old->dirty_log_mask) && l->log_start) {
            l->log_start(l, &s, old->dirty_log_mask, new->dirty_log_mask);
        }
        if ((old->dirty_log_mask & ~new->dirty_log_mask) && l->log_stop) {
            l->log_stop(l, &s, old->dirty_log_mask, new->dirty_log_mask);
        }
    }
}

/*
 * Walk both sorted views together.  The first pass (adding=false) reports
 * removed ranges, the second reports kept and new ones, so a listener
 * always drops a mapping before a replacement overlapping it arrives.
 */
static void address_space_update_pass(AddressSpace *as, const FlatView *old,
                                      const FlatView *new, bool adding)
{
    unsigned io = 0, in = 0;

    while (io < old->nr || in < new->nr) {
        const FlatRange *fo = io < old->nr ? &old->ranges[io] : NULL;
        const FlatRange *fn = in < new->nr ? &new->ranges[in] : NULL;

        if (fo && (!fn || fo->start < fn->start ||
                   (fo->start == fn->start && !flatrange_equal(fo, fn)))) {
            if (!adding) {
                listeners_call(as, LISTENER_DEL, fo);
            }
            io++;
        } else if (fo && fn && flatrange_equal(fo, fn)) {
            if (adding) {
                listeners_call(as, LISTENER_NOP, fn);
                if (fo->dirty_log_mask != fn->dirty_log_mask) {
                    listeners_log(as, fo, fn);
                }
            }
            io++;
            in++;
        } else {
            if (adding) {
                listeners_call(as, LISTENER_ADD, fn);
            }
            in++;
        }
    }
}

static void address_space_publish(AddressSpace *as, FlatView *new)
{
    FlatView *old;

    pthread_mutex_lock(&flatview_lock);
    old = as->current_map;
    as->current_map = new;
    pthread_mutex_unlock(&flatview_lock);
    flatview_unref(old);
}

static void listeners_global(bool begin)
{
    unsigned i, k;

    for (i = 0; i < memory_address_spaces->len; i++) {
        AddressSpace *as = g_ptr_array_index(memory_address_spaces, i);
        for (k = 0; k < as->listeners->len; k++) {
            MemoryListener *l = g_ptr_array_index(as->listeners, k);
            if (begin && l->begin) {
                l->begin(l);
            } else if (!begin && l->commit) {
                l->commit(l);
            }
        }
    }
}

/* Render every address space again (views shared per flat-view root) and
 * tell the listeners what changed. */
void memory_update_topology(void)
{
    GHashTable *views;
    GHashTableIter it;
    gpointer value;
    unsigned i;

    if (!memory_address_spaces || memory_address_spaces->len == 0) {
        return;
    }
    views = g_hash_table_new(NULL, NULL);
    listeners_global(true);
    for (i = 0; i < memory_address_spaces->len; i++) {
        AddressSpace *as = g_ptr_array_index(memory_address_spaces, i);
        MemoryRegion *root = memory_region_get_flatview_root(as->root);
        FlatView *new = g_hash_table_lookup(views, root);

        if (!new) {
            new = generate_memory_topology(root);
            g_hash_table_insert(views, root, new);   /* the table's reference */
        }
        flatview_ref(new);                           /* the address space's */
        address_space_update_pass(as, as->current_map, new, false);
        address_space_update_pass(as, as->current_map, new, true);
        address_space_update_ioeventfds(as, as->current_map, new);
        address_space_publish(as, new);
    }
    listeners_global(false);
    /* Lock-free ioeventfd writers on the old views are done after this. */
    memory_ioeventfd_synchronize();
    g_hash_table_iter_init(&it, views);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        flatview_unref(value);
    }
    g_hash_table_destroy(views);
}

/*
 * A new address space is usable at once, even inside a transaction that has
 * not committed: it shares the view of an address space with the same
 * flat-view root (as the next commit would make it), or gets its own.
 */
static FlatView *address_space_initial_view(MemoryRegion *fvroot)
{
    unsigned i;

    for (i = 0; i < memory_address_spaces->len; i++) {
        AddressSpace *other = g_ptr_array_index(memory_address_spaces, i);
        if (other->current_map && other->current_map->root == fvroot) {
            flatview_ref(other->current_map);
            return other->current_map;
        }
    }
    return generate_memory_topology(fvroot);
}

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name)
{
    if (!memory_address_spaces) {
        memory_address_spaces = g_ptr_array_new();
    }
    memset(as, 0, sizeof(*as));
    as->name = g_strdup(name ? name : "anonymous");
    as->root = root;
    as->listeners = g_ptr_array_new();
    as->current_map = address_space_initial_view(memory_region_get_flatview_root(root));
    g_ptr_array_add(memory_address_spaces, as);
}

void address_space_destroy(AddressSpace *as)
{
    while (as->listeners && as->listeners->len) {
        memory_listener_unregister(g_ptr_array_index(as->listeners,
                                                     as->listeners->len - 1));
    }
    if (memory_address_spaces) {
        g_ptr_array_remove(memory_address_spaces, as);
    }
    address_space_publish(as, NULL);
    if (as->listeners) {
        g_ptr_array_free(as->listeners, true);
    }
    g_free(as->name);
    memset(as, 0, sizeof(*as));
}

void memory_listener_register(MemoryListener *l, AddressSpace *as)
{
    FlatView *fv;
    unsigned i;

    l->address_space = as;
    for (i = 0; i < as->listeners->len; i++) {
        MemoryListener *other = g_ptr_array_index(as->listeners, i);
        if (l->priority < other->priority) {
            break;
        }
    }
    g_ptr_array_insert(as->listeners, (gint)i, l);

    /* Replay the current map as if it had just been built. */
    fv = address_space_get_flatview(as);
    if (l->begin) {
        l->begin(l);
    }
    for (i = 0; i < fv->nr; i++) {
        MemoryRegionSection s;
        flatrange_to_section(&fv->ranges[i], as, &s);
        if (fv->ranges[i].dirty_log_mask && l->log_start) {
            l->log_start(l, &s, 0, fv->ranges[i].dirty_log_mask);
        }
        if (l->region_add) {
            l->region_add(l, &s);
        }
    }
    listener_replay_ioeventfds(l, as, fv, true);
    if (l->commit) {
        l->commit(l);
    }
    flatview_unref(fv);
}

void memory_listener_unregister(MemoryListener *l)
{
    AddressSpace *as = l->address_space;
    FlatView *fv;
    unsigned i;

    if (!as) {
        return;
    }
    fv = address_space_get_flatview(as);
    if (l->begin) {
        l->begin(l);
    }
    listener_replay_ioeventfds(l, as, fv, false);
    for (i = fv->nr; i-- > 0;) {
        MemoryRegionSection s;
        flatrange_to_section(&fv->ranges[i], as, &s);
        if (fv->ranges[i].dirty_log_mask && l->log_stop) {
            l->log_stop(l, &s, fv->ranges[i].dirty_log_mask, 0);
        }
        if (l->region_del) {
            l->region_del(l, &s);
        }
    }
    if (l->commit) {
        l->commit(l);
    }
    flatview_unref(fv);
    g_ptr_array_remove(as->listeners, l);
    l->address_space = NULL;
}

void address_space_foreach_range(AddressSpace *as, FlatRangeCB *cb, void *opaque)
{
    FlatView *fv = address_space_get_flatview(as);
    unsigned i;

    for (i = 0; i < fv->nr; i++) {
        MemoryRegionSection s;
        flatrange_to_section(&fv->ranges[i], as, &s);
        cb(&s, opaque);
    }
    flatview_unref(fv);
}

static void listeners_global_log(bool start)
{
    unsigned i, k;

    for (i = 0; memory_address_spaces && i < memory_address_spaces->len; i++) {
        AddressSpace *as = g_ptr_array_index(memory_address_spaces, i);
        for (k = 0; k < as->listeners->len; k++) {
            MemoryListener *l = g_ptr_array_index(as->listeners, k);
            if (start && l->log_global_start) {
                l->log_global_start(l);
            } else if (!start && l->log_global_stop) {
                l->log_global_stop(l);
            }
        }
    }
}

/*
 * While migration logs, every RAM range carries DIRTY_MEMORY_MIGRATION in
 * its mask, so the re-render reports log_start/log_stop on each of them.
 */
static void memory_global_dirty_log_set(bool on)
{
    if (memory_global_dirty_log == on) {
        return;
    }
    memory_region_transaction_begin();
    memory_global_dirty_log = on;
    listeners_global_log(on);
    memory_region_update_pending_mark();
    memory_region_transaction_commit();
}

void memory_global_dirty_log_start(void)
{
    memory_global_dirty_log_set(true);
}

void memory_global_dirty_log_stop(void)
{
    memory_global_dirty_log_set(false);
}

bool memory_global_dirty_log_active(void)
{
    return memory_global_dirty_log;
}

/* log_sync for the logged ranges of every view, or of mr's only. */
static void memory_sync_dirty(MemoryRegion *mr)
{
    unsigned i, k, r;

    for (i = 0; memory_address_spaces && i < memory_address_spaces->len; i++) {
        AddressSpace *as = g_ptr_array_index(memory_address_spaces, i);
        FlatView *fv = address_space_get_flatview(as);

        for (r = 0; r < fv->nr; r++) {
            const FlatRange *fr = &fv->ranges[r];
            MemoryRegionSection s;
            if (!fr->dirty_log_mask || (mr && fr->mr != mr)) {
                continue;
            }
            flatrange_to_section(fr, as, &s);
            for (k = 0; k < as->listeners->len; k++) {
                MemoryListener *l = g_ptr_array_index(as->listeners, k);
                if (l->log_sync) {
                    l->log_sync(l, &s);
                }
            }
        }
        flatview_unref(fv);
    }
}

void memory_global_dirty_log_sync(void)
{
    memory_sync_dirty(NULL);
}

void memory_region_sync_dirty_bitmap(MemoryRegion *mr)
{
    memory_sync_dirty(mr);
}
