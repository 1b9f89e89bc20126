/*
 * Packed virtqueues (virtio 1.2 §2.8), offered when a device has
 * packed=on (QEMU's property; off by default as in QEMU).
 *
 * One descriptor ring serves both directions: the driver marks a
 * descriptor available by setting AVAIL to its wrap counter and USED to
 * the inverse; the device returns a chain by writing one used descriptor
 * (buffer ID, length) at its own position with AVAIL = USED = its wrap
 * counter.  The driver area and the device area hold the event suppression
 * structures (§2.8.10).  Chains are validated as in the split ring: length
 * bounded by the queue size, indirect tables checked, buffers in RAM only.
 */
#include "hw/virtio/virtio-internal.h"

#define VRING_PACKED_DESC_F_AVAIL (1 << 7)
#define VRING_PACKED_DESC_F_USED (1 << 15)
#define RING_EVENT_FLAGS_ENABLE 0
#define RING_EVENT_FLAGS_DISABLE 1
#define RING_EVENT_FLAGS_DESC 2

typedef struct PackedDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t id;
    uint16_t flags;
} PackedDesc;

static bool packed_read_desc(VirtQueue *vq, hwaddr table, unsigned i, PackedDesc *d)
{
    uint8_t raw[VRING_DESC_SIZE];

    if (address_space_read(vq_as(vq), table + (hwaddr)i * VRING_DESC_SIZE,
                           MEMTXATTRS_UNSPECIFIED, raw, sizeof(raw)) != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %u: packed descriptor %u is not readable",
                     vq->index, i);
        return false;
    }
    d->addr = 0;
    for (int b = 7; b >= 0; b--) {
        d->addr = d->addr << 8 | raw[b];
    }
    d->len = raw[8] | raw[9] << 8 | raw[10] << 16 | (uint32_t)raw[11] << 24;
    d->id = raw[12] | raw[13] << 8;
    d->flags = raw[14] | raw[15] << 8;
    return true;
}

/* §2.8.1: available to the device in the round of wrap counter `wrap`. */
static bool desc_avail(uint16_t flags, bool wrap)
{
    bool avail = flags & VRING_PACKED_DESC_F_AVAIL;
    bool used = flags & VRING_PACKED_DESC_F_USED;

    return avail == wrap && used != wrap;
}

bool packed_rings_valid(VirtQueue *vq)
{
    AddressSpace *as = vq_as(vq);
    hwaddr dlen = VRING_DESC_SIZE * (hwaddr)vq->num;

    /* §2.8.2: descriptor ring 16-aligned, event structures 4-aligned. */
    if (!as || vq->desc % 16 || vq->avail % 4 || vq->used % 4) {
        return false;
    }
    return vq_range_ok(vq->desc, dlen) && vq_range_ok(vq->avail, 4) &&
           vq_range_ok(vq->used, 4) &&
           address_space_access_valid(as, vq->desc, dlen, true, MEMTXATTRS_UNSPECIFIED) &&
           address_space_access_valid(as, vq->avail, 4, false, MEMTXATTRS_UNSPECIFIED) &&
           address_space_access_valid(as, vq->used, 4, true, MEMTXATTRS_UNSPECIFIED);
}

bool packed_queue_empty(VirtQueue *vq)
{
    PackedDesc d;

    return !packed_read_desc(vq, vq->desc, vq->last_avail_idx, &d) ||
           !desc_avail(d.flags, vq->last_avail_wrap);
}

/* The device event suppression structure (§2.8.10) in the device area. */
void packed_set_notification(VirtQueue *vq, bool enable)
{
    uint16_t flags = RING_EVENT_FLAGS_DISABLE;

    if (enable && virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX)) {
        vq_st16(vq, vq->used, vq->last_avail_idx | (vq->last_avail_wrap ? 0x8000 : 0));
        flags = RING_EVENT_FLAGS_DESC;
    } else if (enable) {
        flags = RING_EVENT_FLAGS_ENABLE;
    }
    smp_wmb();
    vq_st16(vq, vq->used + 2, flags);
    if (enable) {
        smp_mb();
    }
}

/* An indirect table (§2.8.7): its entries in order, NEXT not used. */
static bool packed_gather_indirect(VirtQueue *vq, const PackedDesc *d, ChainBuf *c)
{
    unsigned n = d->len / VRING_DESC_SIZE;

    if (!virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_INDIRECT_DESC)) {
        virtio_error(vq->vdev, "queue %u: indirect descriptor without "
                     "VIRTIO_F_INDIRECT_DESC", vq->index);
        return false;
    }
    if (d->len == 0 || d->len % VRING_DESC_SIZE || n > VIRTQUEUE_MAX_SIZE ||
        !vq_range_ok(d->addr, d->len) ||
        !address_space_access_valid(vq_as(vq), d->addr, d->len, false,
                                    MEMTXATTRS_UNSPECIFIED)) {
        virtio_error(vq->vdev, "queue %u: indirect table 0x%" PRIx64 "+0x%x invalid",
                     vq->index, d->addr, d->len);
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        PackedDesc e;
        VRingDesc sd;

        if (!packed_read_desc(vq, d->addr, i, &e)) {
            return false;
        }
        if (e.flags & VRING_DESC_F_INDIRECT) {
            virtio_error(vq->vdev, "queue %u: indirect descriptor inside an indirect "
                         "table", vq->index);
            return false;
        }
        sd = (VRingDesc){ .addr = e.addr, .len = e.len, .flags = e.flags };
        if (!chain_add(vq, c, &sd)) {
            return false;
        }
    }
    return true;
}

VirtQueueElement *packed_pop(VirtQueue *vq)
{
    unsigned i = vq->last_avail_idx, ndescs = 0;
    bool wrap = vq->last_avail_wrap;
    VirtQueueElement *elem;
    PackedDesc d;
    ChainBuf *c;

    if (!packed_read_desc(vq, vq->desc, i, &d) || !desc_avail(d.flags, wrap)) {
        return NULL;
    }
    /* Read the rest of the descriptor only after seeing its flags (§2.8.21). */
    smp_rmb();
    if (!packed_read_desc(vq, vq->desc, i, &d)) {
        return NULL;
    }
    c = g_new(ChainBuf, 1);
    c->out_num = c->in_num = 0;
    c->in_bytes = 0;
    for (;;) {
        if (++ndescs > vq->num) {
            virtio_error(vq->vdev, "queue %u: packed chain longer than the queue (%u)",
                         vq->index, vq->num);
            goto fail;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            if ((d.flags & VRING_DESC_F_NEXT) || ndescs > 1) {
                virtio_error(vq->vdev, "queue %u: indirect descriptor inside a chain",
                             vq->index);
                goto fail;
            }
            if (!packed_gather_indirect(vq, &d, c)) {
                goto fail;
            }
            break;
        }
        {
            VRingDesc sd = { .addr = d.addr, .len = d.len, .flags = d.flags };

            if (!chain_add(vq, c, &sd)) {
                goto fail;
            }
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            break;
        }
        if (++i == vq->num) {
            i = 0;
            wrap = !wrap;
        }
        if (!packed_read_desc(vq, vq->desc, i, &d)) {
            goto fail;
        }
    }
    /* The buffer ID of the chain is in its last descriptor (§2.8.6). */
    elem = elem_new(c, d.id);
    elem->ndescs = ndescs;
    g_free(c);
    vq->last_avail_idx += ndescs;
    if (vq->last_avail_idx >= vq->num) {
        vq->last_avail_idx -= vq->num;
        vq->last_avail_wrap = !vq->last_avail_wrap;
    }
    vq->inuse++;
    return elem;

fail:
    chain_unmap(vq, c);
    g_free(c);
    return NULL;
}

void packed_fill(VirtQueue *vq, VirtQueueElement *elem, unsigned len, unsigned idx)
{
    unsigned pos = vq->used_idx + vq->fill_ndescs;
    bool wrap = vq->used_wrap;
    hwaddr d;
    uint16_t flags;

    if (pos >= vq->num) {
        pos -= vq->num;
        wrap = !wrap;
    }
    d = vq->desc + (hwaddr)pos * VRING_DESC_SIZE;
    flags = (wrap ? VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED : 0) |
            (len ? VRING_DESC_F_WRITE : 0);
    vq_st32(vq, d + 8, len);
    vq_st16(vq, d + 12, elem->index);
    if (vq->fill_ndescs == 0) {
        /* The batch's first entry is published last, at flush. */
        vq->first_pos = pos;
        vq->first_flags = flags;
    } else {
        smp_wmb();
        vq_st16(vq, d + 14, flags);
    }
    vq->fill_ndescs += elem->ndescs ? elem->ndescs : 1;
}

void packed_flush(VirtQueue *vq, unsigned count)
{
    if (!vq->fill_ndescs) {
        return;
    }
    smp_wmb();
    vq_st16(vq, vq->desc + (hwaddr)vq->first_pos * VRING_DESC_SIZE + 14, vq->first_flags);
    vq->used_idx += vq->fill_ndescs;
    if (vq->used_idx >= vq->num) {
        vq->used_idx -= vq->num;
        vq->used_wrap = !vq->used_wrap;
        vq->signalled_used_valid = false;
    }
    vq->fill_ndescs = 0;
    vq->inuse -= MIN(count, vq->inuse);
}

/* §2.8.10: the driver's event suppression structure in the driver area. */
bool packed_should_notify(VirtQueue *vq)
{
    uint16_t off_wrap, flags, old, new, off;
    bool valid = vq->signalled_used_valid;

    if (!vq_ld16(vq, vq->avail, &off_wrap) || !vq_ld16(vq, vq->avail + 2, &flags)) {
        return false;
    }
    old = vq->signalled_used;
    new = vq->signalled_used = vq->used_idx;
    vq->signalled_used_valid = true;
    if (flags == RING_EVENT_FLAGS_DISABLE) {
        return false;
    }
    if (flags != RING_EVENT_FLAGS_DESC ||
        !virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX)) {
        return true;
    }
    /* An event offset from the other lap counts one ring size back. */
    off = off_wrap & 0x7fff;
    if ((bool)(off_wrap >> 15) != vq->used_wrap) {
        off -= vq->num;
    }
    return !valid || (uint16_t)(new - off - 1) < (uint16_t)(new - old);
}
