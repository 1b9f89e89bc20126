/*
 * Split virtqueues (virtio 1.2 §2.7): popping descriptor chains (direct
 * and indirect, §2.7.5), returning them through the used ring (§2.7.8),
 * and notification suppression with and without VIRTIO_F_EVENT_IDX
 * (§2.7.7, §2.7.10).
 *
 * Everything in a ring is guest-controlled.  Each descriptor is checked
 * before use: chain length (a loop cannot exceed the queue size), indices,
 * flag combinations, lengths and that every buffer lies in guest RAM (never
 * MMIO: address_space_map maps RAM only).  A violation calls virtio_error,
 * which marks the device DEVICE_NEEDS_RESET; the queue then yields nothing
 * until the driver resets the device.
 */
#include "hw/virtio/virtio-internal.h"

AddressSpace *vq_as(VirtQueue *vq)
{
    return vq->vdev->dma_as;
}

bool vq_ld16(VirtQueue *vq, hwaddr addr, uint16_t *v)
{
    MemTxResult r;

    *v = address_space_lduw_le(vq_as(vq), addr, MEMTXATTRS_UNSPECIFIED, &r);
    if (r != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %u: ring read at 0x%" HWADDR_PRIx " failed",
                     vq->index, addr);
        return false;
    }
    return true;
}

void vq_st16(VirtQueue *vq, hwaddr addr, uint16_t v)
{
    MemTxResult r;

    address_space_stw_le(vq_as(vq), addr, v, MEMTXATTRS_UNSPECIFIED, &r);
    if (r != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %u: ring write at 0x%" HWADDR_PRIx " failed",
                     vq->index, addr);
    }
}

void vq_st32(VirtQueue *vq, hwaddr addr, uint32_t v)
{
    MemTxResult r;

    address_space_stl_le(vq_as(vq), addr, v, MEMTXATTRS_UNSPECIFIED, &r);
    if (r != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %u: ring write at 0x%" HWADDR_PRIx " failed",
                     vq->index, addr);
    }
}

/* Ring field addresses (§2.7.6, §2.7.8). */
static hwaddr avail_idx_addr(VirtQueue *vq)
{
    return vq->avail + 2;
}

static hwaddr avail_ring_addr(VirtQueue *vq, unsigned i)
{
    return vq->avail + 4 + 2 * (hwaddr)i;
}

static hwaddr used_event_addr(VirtQueue *vq)
{
    return vq->avail + 4 + 2 * (hwaddr)vq->num;
}

static hwaddr used_ring_addr(VirtQueue *vq, unsigned i)
{
    return vq->used + 4 + VRING_USED_ELEM_SIZE * (hwaddr)i;
}

static hwaddr avail_event_addr(VirtQueue *vq)
{
    return vq->used + 4 + VRING_USED_ELEM_SIZE * (hwaddr)vq->num;
}

bool vq_range_ok(hwaddr addr, hwaddr len)
{
    return len == 0 || addr + len - 1 >= addr;
}

static bool split_rings_valid(VirtQueue *vq)
{
    AddressSpace *as = vq_as(vq);
    hwaddr dlen = VRING_DESC_SIZE * (hwaddr)vq->num;
    hwaddr alen = 6 + 2 * (hwaddr)vq->num;
    hwaddr ulen = 6 + VRING_USED_ELEM_SIZE * (hwaddr)vq->num;

    /* §2.7 alignment: descriptors 16, available ring 2, used ring 4. */
    if (!as || vq->desc % 16 || vq->avail % 2 || vq->used % 4) {
        return false;
    }
    return vq_range_ok(vq->desc, dlen) && vq_range_ok(vq->avail, alen) &&
           vq_range_ok(vq->used, ulen) &&
           address_space_access_valid(as, vq->desc, dlen, false, MEMTXATTRS_UNSPECIFIED) &&
           address_space_access_valid(as, vq->avail, alen, false, MEMTXATTRS_UNSPECIFIED) &&
           address_space_access_valid(as, vq->used, ulen, true, MEMTXATTRS_UNSPECIFIED);
}

bool virtqueue_rings_valid(VirtQueue *vq)
{
    return vq_packed(vq) ? packed_rings_valid(vq) : split_rings_valid(vq);
}

void virtqueue_reset_one(VirtQueue *vq)
{
    vq->ready = false;
    vq->desc = vq->avail = vq->used = 0;
    vq->num = vq->num_max;
    vq->last_avail_idx = 0;
    vq->shadow_avail_idx = 0;
    vq->used_idx = 0;
    vq->signalled_used = 0;
    vq->signalled_used_valid = false;
    vq->notification = true;
    vq->inuse = 0;
    vq->vector = VIRTIO_NO_VECTOR;
    vq->last_avail_wrap = vq->used_wrap = vq->signalled_used_wrap = true;
    vq->fill_ndescs = 0;
}

void virtio_queues_reset(VirtIODevice *vdev)
{
    for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        if (vdev->vq[i].num_max) {
            virtqueue_reset_one(&vdev->vq[i]);
        }
    }
}

bool virtio_queue_ready(VirtQueue *vq)
{
    return vq->ready && !vq->vdev->broken;
}

static bool vq_read_avail_idx(VirtQueue *vq, uint16_t *idx)
{
    if (!vq_ld16(vq, avail_idx_addr(vq), idx)) {
        return false;
    }
    vq->shadow_avail_idx = *idx;
    return true;
}

bool virtio_queue_empty(VirtQueue *vq)
{
    uint16_t idx;

    if (!virtio_queue_ready(vq)) {
        return true;
    }
    if (vq_packed(vq)) {
        return packed_queue_empty(vq);
    }
    if (vq->shadow_avail_idx != vq->last_avail_idx) {
        return false;
    }
    return !vq_read_avail_idx(vq, &idx) || idx == vq->last_avail_idx;
}

void virtio_queue_set_notification(VirtQueue *vq, bool enable)
{
    vq->notification = enable;
    if (!virtio_queue_ready(vq)) {
        return;
    }
    if (vq_packed(vq)) {
        packed_set_notification(vq, enable);
        return;
    }
    if (virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX)) {
        uint16_t idx;

        /* §2.7.10: kick me when avail idx passes what I have seen. */
        if (enable && vq_read_avail_idx(vq, &idx)) {
            vq_st16(vq, avail_event_addr(vq), idx);
        }
    } else {
        uint16_t flags = enable ? 0 : VRING_USED_F_NO_NOTIFY;

        vq_st16(vq, vq->used, flags);
    }
    if (enable) {
        /* The driver may have added buffers before seeing the flag. */
        smp_mb();
    }
}

static bool vq_read_desc(VirtQueue *vq, hwaddr table, unsigned i, VRingDesc *d)
{
    uint8_t raw[VRING_DESC_SIZE];
    MemTxResult r = address_space_read(vq_as(vq), table + (hwaddr)i * VRING_DESC_SIZE,
                                       MEMTXATTRS_UNSPECIFIED, raw, sizeof(raw));

    if (r != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %u: descriptor %u at 0x%" HWADDR_PRIx
                     " is not readable", vq->index, i, table);
        return false;
    }
    d->addr = 0;
    for (int b = 7; b >= 0; b--) {
        d->addr = d->addr << 8 | raw[b];
    }
    d->len = raw[8] | raw[9] << 8 | raw[10] << 16 | (uint32_t)raw[11] << 24;
    d->flags = raw[12] | raw[13] << 8;
    d->next = raw[14] | raw[15] << 8;
    return true;
}

void chain_unmap(VirtQueue *vq, ChainBuf *c)
{
    for (unsigned i = 0; i < c->out_num + c->in_num; i++) {
        address_space_unmap(vq_as(vq), c->iov[i].iov_base, c->iov[i].iov_len,
                            i >= c->out_num, 0);
    }
}

/* Map one descriptor's buffer, in as many RAM pieces as it spans. */
bool chain_add(VirtQueue *vq, ChainBuf *c, const VRingDesc *d)
{
    bool is_write = d->flags & VRING_DESC_F_WRITE;
    hwaddr addr = d->addr, left = d->len;

    if (!is_write && c->in_num) {
        /* §2.7.4.2: writable descriptors come after all readable ones. */
        virtio_error(vq->vdev, "queue %u: readable descriptor after a writable one",
                     vq->index);
        return false;
    }
    if (!vq_range_ok(addr, left)) {
        virtio_error(vq->vdev, "queue %u: buffer 0x%" HWADDR_PRIx "+0x%x wraps around",
                     vq->index, addr, d->len);
        return false;
    }
    if (is_write) {
        c->in_bytes += left;
        if (c->in_bytes > UINT32_MAX) {
            virtio_error(vq->vdev, "queue %u: writable buffers exceed 4 GiB", vq->index);
            return false;
        }
    }
    while (left) {
        hwaddr len = left;
        void *p;
        unsigned n = c->out_num + c->in_num;

        if (n == VIRTQUEUE_MAX_SIZE) {
            virtio_error(vq->vdev, "queue %u: chain has more than %u buffers",
                         vq->index, VIRTQUEUE_MAX_SIZE);
            return false;
        }
        p = address_space_map(vq_as(vq), addr, &len, is_write, MEMTXATTRS_UNSPECIFIED);
        if (!p || !len) {
            virtio_error(vq->vdev, "queue %u: buffer 0x%" HWADDR_PRIx "+0x%x is not in "
                         "guest RAM", vq->index, d->addr, d->len);
            return false;
        }
        c->iov[n].iov_base = p;
        c->iov[n].iov_len = len;
        c->addr[n] = addr;
        if (is_write) {
            c->in_num++;
        } else {
            c->out_num++;
        }
        addr += len;
        left -= len;
    }
    return true;
}

/* Walk the chain at head; false after virtio_error. */
static bool vq_gather(VirtQueue *vq, unsigned head, ChainBuf *c)
{
    hwaddr table = vq->desc;
    unsigned max = vq->num, i = head, count = 0;
    bool indirect = false;
    VRingDesc d;

    if (head >= vq->num) {
        virtio_error(vq->vdev, "queue %u: head index %u >= queue size %u", vq->index,
                     head, vq->num);
        return false;
    }
    if (!vq_read_desc(vq, table, i, &d)) {
        return false;
    }
    if (d.flags & VRING_DESC_F_INDIRECT) {
        /* §2.7.5.3 */
        if (!virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_INDIRECT_DESC)) {
            virtio_error(vq->vdev, "queue %u: indirect descriptor without "
                         "VIRTIO_F_INDIRECT_DESC", vq->index);
            return false;
        }
        if (d.flags & VRING_DESC_F_NEXT) {
            virtio_error(vq->vdev, "queue %u: indirect descriptor with NEXT", vq->index);
            return false;
        }
        if (d.len == 0 || d.len % VRING_DESC_SIZE ||
            d.len / VRING_DESC_SIZE > VIRTQUEUE_MAX_SIZE) {
            virtio_error(vq->vdev, "queue %u: indirect table length %u invalid",
                         vq->index, d.len);
            return false;
        }
        if (!vq_range_ok(d.addr, d.len) ||
            !address_space_access_valid(vq_as(vq), d.addr, d.len, false,
                                        MEMTXATTRS_UNSPECIFIED)) {
            virtio_error(vq->vdev, "queue %u: indirect table 0x%" PRIx64 "+0x%x is not "
                         "in guest RAM", vq->index, d.addr, d.len);
            return false;
        }
        table = d.addr;
        max = d.len / VRING_DESC_SIZE;
        i = 0;
        indirect = true;
        if (!vq_read_desc(vq, table, i, &d)) {
            return false;
        }
    }
    for (;;) {
        if (++count > max) {
            /* A chain longer than its table must revisit a descriptor. */
            virtio_error(vq->vdev, "queue %u: descriptor chain loops or exceeds %u "
                         "entries", vq->index, max);
            return false;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            virtio_error(vq->vdev, "queue %u: %s", vq->index, indirect
                         ? "indirect descriptor inside an indirect table"
                         : "indirect descriptor inside a chain");
            return false;
        }
        if (!chain_add(vq, c, &d)) {
            return false;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            return true;
        }
        i = d.next;
        if (i >= max) {
            virtio_error(vq->vdev, "queue %u: next index %u out of range (%u)",
                         vq->index, i, max);
            return false;
        }
        if (!vq_read_desc(vq, table, i, &d)) {
            return false;
        }
    }
}

VirtQueueElement *elem_new(const ChainBuf *c, unsigned head)
{
    unsigned n = c->out_num + c->in_num;
    VirtQueueElement *e = g_malloc0(sizeof(*e) + n * (sizeof(struct iovec) + sizeof(hwaddr)));
    struct iovec *sg = (struct iovec *)(e + 1);
    hwaddr *addr = (hwaddr *)(sg + n);

    e->index = head;
    e->out_num = c->out_num;
    e->in_num = c->in_num;
    e->out_sg = sg;
    e->in_sg = sg + c->out_num;
    e->out_addr = addr;
    e->in_addr = addr + c->out_num;
    memcpy(sg, c->iov, n * sizeof(struct iovec));
    memcpy(addr, c->addr, n * sizeof(hwaddr));
    return e;
}

VirtQueueElement *virtqueue_pop(VirtQueue *vq)
{
    VirtQueueElement *elem;
    uint16_t avail_idx, head;
    ChainBuf *c;

    if (!virtio_queue_ready(vq)) {
        return NULL;
    }
    if (vq_packed(vq)) {
        return packed_pop(vq);
    }
    if (vq->shadow_avail_idx == vq->last_avail_idx) {
        if (!vq_read_avail_idx(vq, &avail_idx)) {
            return NULL;
        }
    } else {
        avail_idx = vq->shadow_avail_idx;
    }
    if ((uint16_t)(avail_idx - vq->last_avail_idx) > vq->num) {
        virtio_error(vq->vdev, "queue %u: avail idx %u is %u ahead of %u (size %u)",
                     vq->index, avail_idx, (uint16_t)(avail_idx - vq->last_avail_idx),
                     vq->last_avail_idx, vq->num);
        return NULL;
    }
    if (avail_idx == vq->last_avail_idx) {
        return NULL;
    }
    /* Read the ring entry only after seeing the index (§2.7.13.3). */
    smp_rmb();
    if (!vq_ld16(vq, avail_ring_addr(vq, vq->last_avail_idx % vq->num), &head)) {
        return NULL;
    }
    c = g_new(ChainBuf, 1);
    c->out_num = c->in_num = 0;
    c->in_bytes = 0;
    if (!vq_gather(vq, head, c)) {
        chain_unmap(vq, c);
        g_free(c);
        return NULL;
    }
    elem = elem_new(c, head);
    g_free(c);
    vq->last_avail_idx++;
    vq->inuse++;
    if (virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX) && vq->notification) {
        vq_st16(vq, avail_event_addr(vq), vq->last_avail_idx);
    }
    return elem;
}

void elem_unmap(VirtQueue *vq, VirtQueueElement *elem, unsigned len)
{
    for (unsigned i = 0; i < elem->in_num; i++) {
        size_t l = MIN(len, elem->in_sg[i].iov_len);

        address_space_unmap(vq_as(vq), elem->in_sg[i].iov_base, elem->in_sg[i].iov_len,
                            true, l);
        len -= l;
    }
    for (unsigned i = 0; i < elem->out_num; i++) {
        address_space_unmap(vq_as(vq), elem->out_sg[i].iov_base,
                            elem->out_sg[i].iov_len, false, elem->out_sg[i].iov_len);
    }
}

void virtqueue_unpop(VirtQueue *vq, VirtQueueElement *elem)
{
    elem_unmap(vq, elem, 0);
    if (vq_packed(vq)) {
        /* Step back over the chain's slots, undoing a wrap if it made one. */
        if (vq->last_avail_idx < elem->ndescs) {
            vq->last_avail_idx += vq->num;
            vq->last_avail_wrap = !vq->last_avail_wrap;
        }
        vq->last_avail_idx -= elem->ndescs;
    } else {
        vq->last_avail_idx--;
    }
    vq->inuse--;
}

void virtqueue_detach_element(VirtQueue *vq, VirtQueueElement *elem, unsigned int len)
{
    elem_unmap(vq, elem, len);
}

void virtqueue_fill(VirtQueue *vq, VirtQueueElement *elem, unsigned int len,
                    unsigned int idx)
{
    unsigned slot;

    elem_unmap(vq, elem, len);
    if (!virtio_queue_ready(vq)) {
        return;
    }
    if (vq_packed(vq)) {
        packed_fill(vq, elem, len, idx);
        return;
    }
    slot = (vq->used_idx + idx) % vq->num;
    vq_st32(vq, used_ring_addr(vq, slot), elem->index);
    vq_st32(vq, used_ring_addr(vq, slot) + 4, len);
}

void virtqueue_flush(VirtQueue *vq, unsigned int count)
{
    uint16_t old, new;

    if (!virtio_queue_ready(vq)) {
        vq->inuse -= MIN(count, vq->inuse);
        vq->fill_ndescs = 0;
        return;
    }
    if (vq_packed(vq)) {
        packed_flush(vq, count);
        return;
    }
    /* The entries must be visible before the index that publishes them. */
    smp_wmb();
    old = vq->used_idx;
    new = old + count;
    vq_st16(vq, vq->used + 2, new);
    vq->used_idx = new;
    vq->inuse -= MIN(count, vq->inuse);
    /* Wrapped past the last signalled index: the event idx test is void. */
    if ((uint16_t)(new - vq->signalled_used) < (uint16_t)(new - old)) {
        vq->signalled_used_valid = false;
    }
}

void virtqueue_push(VirtQueue *vq, VirtQueueElement *elem, unsigned int len)
{
    virtqueue_fill(vq, elem, len, 0);
    virtqueue_flush(vq, 1);
}

void virtqueue_element_free(VirtQueueElement *elem)
{
    g_free(elem);
}

/* §2.7.10: notify if used idx crossed the driver's used_event. */
static bool vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old)
{
    return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}

static bool virtio_should_notify(VirtQueue *vq)
{
    uint16_t old, new, v;
    bool valid;

    smp_mb();
    if (vq_packed(vq)) {
        return packed_should_notify(vq);
    }
    if (!virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX)) {
        uint16_t flags;

        return vq_ld16(vq, vq->avail, &flags) && !(flags & VRING_AVAIL_F_NO_INTERRUPT);
    }
    valid = vq->signalled_used_valid;
    vq->signalled_used_valid = true;
    old = vq->signalled_used;
    new = vq->signalled_used = vq->used_idx;
    if (!vq_ld16(vq, used_event_addr(vq), &v)) {
        return false;
    }
    return !valid || vring_need_event(v, new, old);
}

void virtio_notify(VirtIODevice *vdev, VirtQueue *vq)
{
    if (!virtio_queue_ready(vq) || !virtio_should_notify(vq)) {
        return;
    }
    virtio_raise_queue(vdev, vq);
}
