/*
 * ioeventfds: a device asks that a guest write of a given size (and value)
 * at an address of its region signal an eventfd instead of calling its
 * write callback, so another thread (an iothread, the virtqueue handler)
 * can pick it up without a round trip through the device model.
 *
 * Each FlatView carries the ioeventfds its ranges expose, at their address
 * space addresses; on every commit the listeners get the difference, so an
 * accelerator can install them in the kernel (KVM_IOEVENTFD).  When no
 * accelerator has taken them over, the dispatcher signals the fd itself.
 */
#include "memory/memory-internal.h"

static bool ioeventfd_offload;

/*
 * Read side: a vCPU signalling an ioeventfd without the BQL
 * (address_space_ioeventfd_write).  Write side: the commit, which takes and
 * drops the lock once after publishing new views, so no writer still looks
 * at an fd that the commit took away (its owner closes it next).
 */
static pthread_rwlock_t ioeventfd_rwlock = PTHREAD_RWLOCK_INITIALIZER;

void memory_set_ioeventfd_offload(bool offload)
{
    ioeventfd_offload = offload;
}

bool memory_ioeventfd_offloaded(void)
{
    return ioeventfd_offload;
}

static bool ioeventfd_equal(const MemoryRegionIoeventfd *a,
                            const MemoryRegionIoeventfd *b)
{
    return a->addr == b->addr && a->size == b->size &&
           a->match_data == b->match_data &&
           (!a->match_data || a->data == b->data) && a->fd == b->fd;
}

static void memory_region_ioeventfds_changed(void)
{
    memory_region_transaction_begin();
    memory_region_update_pending_mark();
    memory_region_transaction_commit();
}

/* The data of an ioeventfd without match_data is kept 0 so it never differs. */
static MemoryRegionIoeventfd ioeventfd_make(hwaddr addr, unsigned size, bool match_data,
                                            uint64_t data, int fd)
{
    return (MemoryRegionIoeventfd){
        .addr = addr, .size = size, .match_data = match_data,
        .data = match_data ? data : 0, .fd = fd,
    };
}

void memory_region_add_eventfd(MemoryRegion *mr, hwaddr addr, unsigned size,
                               bool match_data, uint64_t data, int fd)
{
    MemoryRegionIoeventfd e = ioeventfd_make(addr, size, match_data, data, fd);

    if (!mr->ioeventfds) {
        mr->ioeventfds = g_array_new(false, false, sizeof(MemoryRegionIoeventfd));
    }
    g_array_append_val(mr->ioeventfds, e);
    memory_region_ioeventfds_changed();
}

void memory_region_del_eventfd(MemoryRegion *mr, hwaddr addr, unsigned size,
                               bool match_data, uint64_t data, int fd)
{
    MemoryRegionIoeventfd e = ioeventfd_make(addr, size, match_data, data, fd);
    unsigned i;

    for (i = 0; mr->ioeventfds && i < mr->ioeventfds->len; i++) {
        if (ioeventfd_equal(&g_array_index(mr->ioeventfds, MemoryRegionIoeventfd, i),
                            &e)) {
            g_array_remove_index(mr->ioeventfds, i);
            memory_region_ioeventfds_changed();
            return;
        }
    }
}

static int flat_ioeventfd_cmp(const void *pa, const void *pb)
{
    const FlatIoeventfd *a = pa, *b = pb;

    if (a->as_addr != b->as_addr) {
        return a->as_addr < b->as_addr ? -1 : 1;
    }
    if (a->e.size != b->e.size) {
        return a->e.size < b->e.size ? -1 : 1;
    }
    if (a->e.match_data != b->e.match_data) {
        return a->e.match_data ? 1 : -1;
    }
    if (a->e.data != b->e.data) {
        return a->e.data < b->e.data ? -1 : 1;
    }
    if (a->e.fd != b->e.fd) {
        return a->e.fd < b->e.fd ? -1 : 1;
    }
    if (a->mr != b->mr) {
        return (uintptr_t)a->mr < (uintptr_t)b->mr ? -1 : 1;
    }
    return 0;
}

/* An ioeventfd shows where the part of its region holding it is visible. */
void flatview_collect_ioeventfds(FlatView *fv)
{
    GArray *out = NULL;
    unsigned i, k;

    for (i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];
        GArray *list = fr->mr->ioeventfds;

        for (k = 0; list && k < list->len; k++) {
            const MemoryRegionIoeventfd *e =
                &g_array_index(list, MemoryRegionIoeventfd, k);
            FlatIoeventfd f;
            if ((Int128)e->addr < (Int128)fr->offset_in_region ||
                (Int128)e->addr >= (Int128)fr->offset_in_region + fr->size) {
                continue;
            }
            f.mr = fr->mr;
            f.e = *e;
            f.as_addr = (hwaddr)fr->start + (e->addr - fr->offset_in_region);
            if (!out) {
                out = g_array_new(false, false, sizeof(FlatIoeventfd));
            }
            g_array_append_val(out, f);
        }
    }
    if (out) {
        qsort(out->data, out->len, sizeof(FlatIoeventfd), flat_ioeventfd_cmp);
        fv->nr_ioeventfds = out->len;
        fv->ioeventfds = (FlatIoeventfd *)(void *)g_array_free(out, false);
    }
}

static void ioeventfd_notify(MemoryListener *l, AddressSpace *as,
                             const FlatIoeventfd *f, bool add)
{
    MemoryRegionSection s = {
        .mr = f->mr,
        .as = as,
        .offset_within_region = f->e.addr,
        .size = f->e.size,
        .offset_within_address_space = f->as_addr,
    };

    if (add && l->eventfd_add) {
        l->eventfd_add(l, &s, f->e.match_data, f->e.data, f->e.fd);
    } else if (!add && l->eventfd_del) {
        l->eventfd_del(l, &s, f->e.match_data, f->e.data, f->e.fd);
    }
}

static void ioeventfd_notify_all(AddressSpace *as, const FlatIoeventfd *f, bool add)
{
    unsigned n = as->listeners->len, k;

    for (k = 0; k < n; k++) {
        ioeventfd_notify(g_ptr_array_index(as->listeners, add ? k : n - 1 - k), as,
                         f, add);
    }
}

/* Both lists are sorted: one merge walk finds what went and what came. */
void address_space_update_ioeventfds(AddressSpace *as, const FlatView *old,
                                     const FlatView *new)
{
    unsigned io = 0, in = 0;

    while (io < old->nr_ioeventfds || in < new->nr_ioeventfds) {
        const FlatIoeventfd *fo = io < old->nr_ioeventfds ? &old->ioeventfds[io] : NULL;
        const FlatIoeventfd *fn = in < new->nr_ioeventfds ? &new->ioeventfds[in] : NULL;
        int c = !fo ? 1 : !fn ? -1 : flat_ioeventfd_cmp(fo, fn);

        if (c < 0) {
            ioeventfd_notify_all(as, fo, false);
            io++;
        } else if (c > 0) {
            ioeventfd_notify_all(as, fn, true);
            in++;
        } else {
            io++;
            in++;
        }
    }
}

void listener_replay_ioeventfds(MemoryListener *l, AddressSpace *as,
                                const FlatView *fv, bool add)
{
    unsigned i;

    for (i = 0; i < fv->nr_ioeventfds; i++) {
        ioeventfd_notify(l, as, &fv->ioeventfds[i], add);
    }
}

bool memory_region_dispatch_ioeventfd(MemoryRegion *mr, hwaddr addr, uint64_t data,
                                      unsigned size)
{
    unsigned i;

    if (!mr->ioeventfds || ioeventfd_offload) {
        return false;
    }
    for (i = 0; i < mr->ioeventfds->len; i++) {
        const MemoryRegionIoeventfd *e =
            &g_array_index(mr->ioeventfds, MemoryRegionIoeventfd, i);
        if (e->addr == addr && e->size == size &&
            (!e->match_data || e->data == data)) {
            uint64_t one = 1;
            /* eventfd(2): an 8-byte add; EAGAIN (counter full) still means
             * the reader has a wakeup pending, so it is not an error. */
            if (write(e->fd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
                return false;
            }
            return true;
        }
    }
    return false;
}

void memory_ioeventfd_synchronize(void)
{
    pthread_rwlock_wrlock(&ioeventfd_rwlock);
    pthread_rwlock_unlock(&ioeventfd_rwlock);
}

bool address_space_ioeventfd_write(AddressSpace *as, hwaddr addr, uint64_t data,
                                   unsigned size)
{
    FlatView *fv;
    bool hit = false;
    unsigned lo, hi;

    if (__atomic_load_n(&ioeventfd_offload, __ATOMIC_RELAXED)) {
        return false;
    }
    pthread_rwlock_rdlock(&ioeventfd_rwlock);
    fv = address_space_get_flatview(as);
    /* The list is sorted by address: find the first entry at addr. */
    lo = 0;
    hi = fv->nr_ioeventfds;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;

        if (fv->ioeventfds[mid].as_addr < addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (; lo < fv->nr_ioeventfds && fv->ioeventfds[lo].as_addr == addr; lo++) {
        const MemoryRegionIoeventfd *e = &fv->ioeventfds[lo].e;

        if (e->size == size && (!e->match_data || e->data == data)) {
            uint64_t one = 1;

            /* EAGAIN: the counter is full, so a wake-up is pending anyway. */
            hit = write(e->fd, &one, sizeof(one)) == sizeof(one) || errno == EAGAIN;
            break;
        }
    }
    flatview_unref(fv);
    pthread_rwlock_unlock(&ioeventfd_rwlock);
    return hit;
}
