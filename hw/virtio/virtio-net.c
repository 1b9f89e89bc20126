/*
 * virtio-net, the network card (virtio 1.2 §5.1), written once for every
 * transport (virtio-net-device on MMIO, virtio-net-pci on PCI): one receive
 * and one transmit queue, the control queue, a MAC address, link status.
 *
 * The host side is a NetClient (net/net.h) peered with the netdev=ID
 * backend.  Frames from the backend land in the receive queue's buffers
 * (several per frame with MRG_RXBUF); when the guest has posted none, the
 * frame stays queued in the net layer, which stops a flow-controlled
 * backend from reading until the guest kicks the receive queue.  Transmit
 * buffers are copied out and handed to the backend; a backend that cannot
 * take more pauses the transmit queue until it can.
 *
 * Offloads: CSUM only (the device completes partial checksums, §5.1.6.2);
 * no segmentation offloads are offered, so frames stay within one MTU.
 */
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-net.h"
#include "hw/core/qdev-properties-net.h"
#include "core/log.h"
#include "core/main-loop.h"

/* The largest frame a guest may send without segmentation offloads. */
#define VNET_MAX_FRAME 65535
/* Frames sent per kick before yielding to the main loop. */
#define VNET_TX_BURST 256

typedef struct VirtIONet {
    VirtIODevice parent_obj;
    /* properties */
    NetClientState *netdev;      /* netdev=ID: the peer */
    MACAddr mac_prop;            /* mac= (zero: the next default) */
    bool f_csum, f_mrg_rxbuf, f_status, f_ctrl_vq, f_ctrl_rx, f_ctrl_mac_addr;
    uint16_t rx_queue_size, tx_queue_size;

    NetClientState *nic;
    MACAddr mac;                 /* current (the driver may set it) */
    VirtQueue *rx_vq, *tx_vq, *ctrl_vq;
    bool active;                 /* DRIVER_OK, not resetting or unplugging */
    bool tx_waiting;             /* the backend queued a frame: wait for it */
    QEMUBH *tx_bh;
    uint8_t *tx_buf;
    VirtQueueElement **rx_elems; /* the buffers of the frame being received */
    size_t *rx_lens;
    uint16_t status;             /* config status (LINK_UP) */

    /* Receive filter (§5.1.6.5.1-2): the driver's wishes. */
    bool promisc, allmulti;
    bool uni_overflow, multi_overflow;
    unsigned uni_count, multi_count;
    MACAddr uni[VIRTIO_NET_MAC_TABLE_ENTRIES], multi[VIRTIO_NET_MAC_TABLE_ENTRIES];
} VirtIONet;

#define VIRTIO_NET(obj) OBJECT_CHECK(VirtIONet, (obj), TYPE_VIRTIO_NET)

static bool vnet_mrg(VirtIONet *s)
{
    return virtio_vdev_has_feature(VIRTIO_DEVICE(s), VIRTIO_NET_F_MRG_RXBUF);
}

/* ------------------------------------------------------------- receive */

static bool vnet_filter_accepts(VirtIONet *s, const uint8_t *buf, size_t size)
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

    if (s->promisc || size < 6) {
        return true;
    }
    if (!memcmp(buf, bcast, 6)) {
        return true;
    }
    if (buf[0] & 1) {
        if (s->allmulti || s->multi_overflow) {
            return true;
        }
        for (unsigned i = 0; i < s->multi_count; i++) {
            if (!memcmp(buf, s->multi[i].a, 6)) {
                return true;
            }
        }
        return false;
    }
    if (!memcmp(buf, s->mac.a, 6) || s->uni_overflow) {
        return true;
    }
    for (unsigned i = 0; i < s->uni_count; i++) {
        if (!memcmp(buf, s->uni[i].a, 6)) {
            return true;
        }
    }
    return false;
}

static bool vnet_can_receive(NetClientState *nc)
{
    VirtIONet *s = nc->nic_opaque;
    VirtIODevice *vdev = VIRTIO_DEVICE(s);

    return s->active && !vdev->broken && virtio_queue_ready(s->rx_vq);
}

/*
 * Copy [off, off + capacity of e) of the stream "header, then frame" into
 * e's writable buffers.  Returns the bytes written.
 */
static size_t vnet_rx_copy(VirtQueueElement *e, const uint8_t *hdr, const uint8_t *buf,
                           size_t size, size_t off)
{
    size_t cap = iov_size(e->in_sg, e->in_num), done = 0, n;

    if (off < VIRTIO_NET_HDR_SIZE) {
        n = MIN(VIRTIO_NET_HDR_SIZE - off, cap);
        iov_from_buf(e->in_sg, e->in_num, 0, hdr + off, n);
        done += n;
        off += n;
    }
    if (done < cap && off >= VIRTIO_NET_HDR_SIZE) {
        n = MIN(size - (off - VIRTIO_NET_HDR_SIZE), cap - done);
        iov_from_buf(e->in_sg, e->in_num, done, buf + (off - VIRTIO_NET_HDR_SIZE), n);
        done += n;
    }
    return done;
}

static ssize_t vnet_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    VirtIONet *s = nc->nic_opaque;
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    uint8_t hdr[VIRTIO_NET_HDR_SIZE] = { 0 };
    VirtQueueElement **elems;
    size_t *lens;
    size_t total = VIRTIO_NET_HDR_SIZE + size, off = 0;
    unsigned n = 0, max = vnet_mrg(s) ? VIRTQUEUE_MAX_SIZE : 1;
    uint8_t nbuf[2];

    if (!vnet_can_receive(nc)) {
        return 0;
    }
    if (!vnet_filter_accepts(s, buf, size)) {
        return size;
    }
    if (virtio_queue_empty(s->rx_vq)) {
        return 0;
    }
    elems = s->rx_elems;
    lens = s->rx_lens;
    /* flags 0 and GSO_NONE: the frame is whole and its checksums are done. */
    while (off < total) {
        VirtQueueElement *e;
        size_t len;

        if (n == max) {
            /* One buffer without MRG_RXBUF (§5.1.6.3.1): it must hold all. */
            qemu_log_mask(LOG_GUEST_ERROR, "virtio-net: receive buffer of %zu bytes too "
                          "small for a %zu byte frame, dropped\n", off, total);
            goto drop;
        }
        e = virtqueue_pop(s->rx_vq);
        if (!e) {
            if (vdev->broken) {
                goto drop;
            }
            /* Not enough buffers yet: give them back and wait for a kick. */
            while (n) {
                virtqueue_unpop(s->rx_vq, elems[--n]);
                virtqueue_element_free(elems[n]);
            }
            return 0;
        }
        if (e->out_num || !e->in_num) {
            /* §5.1.6.3: receive buffers are device-writable only. */
            virtqueue_detach_element(s->rx_vq, e, 0);
            virtqueue_element_free(e);
            virtio_error(vdev, "virtio-net: receive buffer with readable descriptors");
            goto drop;
        }
        len = vnet_rx_copy(e, hdr, buf, size, off);
        if (n == 0 && len < VIRTIO_NET_HDR_SIZE) {
            virtqueue_detach_element(s->rx_vq, e, 0);
            virtqueue_element_free(e);
            virtio_error(vdev, "virtio-net: receive buffer shorter than the header");
            goto drop;
        }
        elems[n] = e;
        lens[n++] = len;
        off += len;
    }
    /* num_buffers: how many buffers the frame spans (§5.1.6.4). */
    virtio_stw_p(nbuf, (uint16_t)n);
    iov_from_buf(elems[0]->in_sg, elems[0]->in_num, 10, nbuf, 2);
    for (unsigned i = 0; i < n; i++) {
        virtqueue_fill(s->rx_vq, elems[i], lens[i], i);
        virtqueue_element_free(elems[i]);
    }
    virtqueue_flush(s->rx_vq, n);
    virtio_notify(vdev, s->rx_vq);
    return size;

drop:
    /* Return what was taken, unused, so the ring stays consistent. */
    for (unsigned i = 0; i < n; i++) {
        virtqueue_fill(s->rx_vq, elems[i], 0, i);
        virtqueue_element_free(elems[i]);
    }
    if (n) {
        virtqueue_flush(s->rx_vq, n);
        virtio_notify(vdev, s->rx_vq);
    }
    return size;
}

/* The guest posted receive buffers: frames that waited can go now. */
static void vnet_handle_rx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *s = VIRTIO_NET(vdev);

    qemu_flush_queued_packets(s->nic);
}

/* ------------------------------------------------------------ transmit */

/* §5.1.6.2: complete a partial checksum the driver left to the device. */
static bool vnet_tx_csum(uint8_t *frame, size_t len, const uint8_t *hdr)
{
    uint16_t start = hdr[6] | hdr[7] << 8, offset = hdr[8] | hdr[9] << 8;
    uint16_t sum;

    if ((size_t)start + offset + 2 > len) {
        return false;
    }
    /* The driver put the pseudo-header sum in the field; fold over the rest. */
    sum = net_checksum_finish(net_checksum_add(frame + start, len - start, 0));
    frame[start + offset] = sum >> 8;
    frame[start + offset + 1] = sum & 0xff;
    return true;
}

static void vnet_flush_tx(VirtIONet *s);

static void vnet_tx_complete(NetClientState *nc, ssize_t ret)
{
    VirtIONet *s = nc->nic_opaque;

    s->tx_waiting = false;
    vnet_flush_tx(s);
}

static void vnet_flush_tx(VirtIONet *s)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    VirtQueueElement *e;
    unsigned sent = 0;

    if (s->tx_waiting || !s->active || vdev->broken) {
        return;
    }
    while ((e = virtqueue_pop(s->tx_vq))) {
        size_t len = iov_size(e->out_sg, e->out_num);
        uint8_t hdr[VIRTIO_NET_HDR_SIZE];
        size_t flen;
        ssize_t ret;

        if (e->in_num || len < VIRTIO_NET_HDR_SIZE) {
            bool writable = e->in_num;

            /* §5.1.6.2: a header, then the frame, all device-readable. */
            virtqueue_detach_element(s->tx_vq, e, 0);
            virtqueue_element_free(e);
            virtio_error(vdev, "virtio-net: malformed transmit buffer (%zu bytes%s)", len,
                         writable ? ", writable descriptors" : "");
            return;
        }
        flen = len - VIRTIO_NET_HDR_SIZE;
        iov_to_buf(e->out_sg, e->out_num, 0, hdr, VIRTIO_NET_HDR_SIZE);
        if (flen <= VNET_MAX_FRAME) {
            iov_to_buf(e->out_sg, e->out_num, VIRTIO_NET_HDR_SIZE, s->tx_buf, flen);
        }
        virtqueue_push(s->tx_vq, e, 0);
        virtqueue_element_free(e);
        if (flen > VNET_MAX_FRAME || hdr[1] != VIRTIO_NET_HDR_GSO_NONE) {
            /* No segmentation offload was offered: such a frame is bogus. */
            qemu_log_mask(LOG_GUEST_ERROR, "virtio-net: dropped a %zu byte frame "
                          "(gso_type %u)\n", flen, hdr[1]);
            continue;
        }
        if ((hdr[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
            virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CSUM) &&
            !vnet_tx_csum(s->tx_buf, flen, hdr)) {
            qemu_log_mask(LOG_GUEST_ERROR, "virtio-net: checksum offsets outside the "
                          "frame, dropped\n");
            continue;
        }
        ret = qemu_send_packet_async(s->nic, s->tx_buf, flen, vnet_tx_complete);
        if (ret == 0) {
            /* The backend queued it: no more until it is gone. */
            s->tx_waiting = true;
            break;
        }
        if (++sent >= VNET_TX_BURST) {
            qemu_bh_schedule(s->tx_bh);
            break;
        }
    }
    virtio_notify(vdev, s->tx_vq);
}

static void vnet_tx_bh(void *opaque)
{
    vnet_flush_tx(opaque);
}

static void vnet_handle_tx(VirtIODevice *vdev, VirtQueue *vq)
{
    vnet_flush_tx(VIRTIO_NET(vdev));
}

/* ------------------------------------------------------------- control */

static uint8_t vnet_ctrl_rx(VirtIONet *s, uint8_t cmd, const uint8_t *data, size_t len)
{
    if (len != 1 || data[0] > 1) {
        return VIRTIO_NET_ERR;
    }
    switch (cmd) {
    case VIRTIO_NET_CTRL_RX_PROMISC:
        s->promisc = data[0];
        qemu_notify_rx_filter_changed(s->nic);
        return VIRTIO_NET_OK;
    case VIRTIO_NET_CTRL_RX_ALLMULTI:
        s->allmulti = data[0];
        qemu_notify_rx_filter_changed(s->nic);
        return VIRTIO_NET_OK;
    }
    /* ALLUNI, NOMULTI, ... need VIRTIO_NET_F_CTRL_RX_EXTRA, not offered. */
    return VIRTIO_NET_ERR;
}

/* One table of MAC_TABLE_SET: le32 entries, then entries * 6 bytes. */
static bool vnet_mac_table(const uint8_t *data, size_t len, size_t *used, MACAddr *table,
                           unsigned *count, bool *overflow)
{
    uint32_t n;

    if (len < 4) {
        return false;
    }
    n = virtio_ldl_p(data);
    if ((uint64_t)n * 6 > len - 4) {
        return false;
    }
    *overflow = n > VIRTIO_NET_MAC_TABLE_ENTRIES;
    *count = *overflow ? 0 : n;
    memcpy(table, data + 4, (size_t)*count * 6);
    *used = 4 + (size_t)n * 6;
    return true;
}

static uint8_t vnet_ctrl_mac(VirtIONet *s, uint8_t cmd, const uint8_t *data, size_t len)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(s);

    if (cmd == VIRTIO_NET_CTRL_MAC_ADDR_SET &&
        virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_MAC_ADDR)) {
        if (len != 6) {
            return VIRTIO_NET_ERR;
        }
        memcpy(s->mac.a, data, 6);
        qemu_format_nic_info_str(s->nic, &s->mac);
        virtio_notify_config(vdev);
        qemu_notify_rx_filter_changed(s->nic);
        return VIRTIO_NET_OK;
    }
    if (cmd == VIRTIO_NET_CTRL_MAC_TABLE_SET &&
        virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_RX)) {
        MACAddr uni[VIRTIO_NET_MAC_TABLE_ENTRIES], multi[VIRTIO_NET_MAC_TABLE_ENTRIES];
        unsigned nu, nm;
        bool ou, om;
        size_t used1, used2;

        /* §5.1.6.5.2: unicast table, then multicast table, nothing else. */
        if (!vnet_mac_table(data, len, &used1, uni, &nu, &ou) ||
            !vnet_mac_table(data + used1, len - used1, &used2, multi, &nm, &om) ||
            used1 + used2 != len) {
            return VIRTIO_NET_ERR;
        }
        memcpy(s->uni, uni, sizeof(uni));
        memcpy(s->multi, multi, sizeof(multi));
        s->uni_count = nu;
        s->multi_count = nm;
        s->uni_overflow = ou;
        s->multi_overflow = om;
        qemu_notify_rx_filter_changed(s->nic);
        return VIRTIO_NET_OK;
    }
    return VIRTIO_NET_ERR;
}

static void vnet_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *s = VIRTIO_NET(vdev);
    VirtQueueElement *e;

    while ((e = virtqueue_pop(vq))) {
        size_t out = iov_size(e->out_sg, e->out_num);
        size_t in = iov_size(e->in_sg, e->in_num);
        uint8_t *cmd;
        uint8_t ack = VIRTIO_NET_ERR;

        if (out < 2 || in < 1) {
            /* §5.1.6.5: class, command, data readable; the ack writable. */
            virtqueue_detach_element(vq, e, 0);
            virtqueue_element_free(e);
            virtio_error(vdev, "virtio-net: malformed control request");
            return;
        }
        if (out > 65536) {
            /* Tables past 64 entries only mean "accept all": bound the copy. */
            uint8_t err = VIRTIO_NET_ERR;

            iov_from_buf(e->in_sg, e->in_num, in - 1, &err, 1);
            virtqueue_push(vq, e, 1);
            virtqueue_element_free(e);
            continue;
        }
        cmd = g_malloc(out);
        iov_to_buf(e->out_sg, e->out_num, 0, cmd, out);
        if (cmd[0] == VIRTIO_NET_CTRL_RX &&
            virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_RX)) {
            ack = vnet_ctrl_rx(s, cmd[1], cmd + 2, out - 2);
        } else if (cmd[0] == VIRTIO_NET_CTRL_MAC) {
            ack = vnet_ctrl_mac(s, cmd[1], cmd + 2, out - 2);
        }
        g_free(cmd);
        iov_from_buf(e->in_sg, e->in_num, in - 1, &ack, 1);
        virtqueue_push(vq, e, 1);
        virtqueue_element_free(e);
    }
    virtio_notify(vdev, vq);
}

/* ------------------------------------------------------------- device */

static void vnet_link_status_changed(NetClientState *nc)
{
    VirtIONet *s = nc->nic_opaque;
    uint16_t old = s->status;

    s->status = nc->link_down ? 0 : VIRTIO_NET_S_LINK_UP;
    /* §5.1.4.2: a status change is a configuration change (with STATUS). */
    if (s->status != old && s->f_status) {
        virtio_notify_config(VIRTIO_DEVICE(s));
    }
}

static void vnet_query_rx_filter(NetClientState *nc, NetRxFilterInfo *info)
{
    VirtIONet *s = nc->nic_opaque;

    info->promiscuous = s->promisc;
    info->multicast = s->allmulti ? NET_RX_STATE_ALL : NET_RX_STATE_NORMAL;
    info->unicast = NET_RX_STATE_NORMAL;
    /* No VLAN filtering (CTRL_VLAN is not offered): every VLAN passes. */
    info->vlan = NET_RX_STATE_ALL;
    info->broadcast_allowed = true;
    info->multicast_overflow = s->multi_overflow;
    info->unicast_overflow = s->uni_overflow;
    info->main_mac = s->mac;
    info->n_unicast = s->uni_count;
    info->n_multicast = s->multi_count;
    memcpy(info->unicast_table, s->uni, sizeof(s->uni[0]) * s->uni_count);
    memcpy(info->multicast_table, s->multi, sizeof(s->multi[0]) * s->multi_count);
}

static const NetClientInfo vnet_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NetClientState),
    .receive = vnet_receive,
    .can_receive = vnet_can_receive,
    .link_status_changed = vnet_link_status_changed,
    .query_rx_filter = vnet_query_rx_filter,
};

static uint64_t vnet_get_features(VirtIODevice *vdev, uint64_t f)
{
    VirtIONet *s = VIRTIO_NET(vdev);

    f |= 1ull << VIRTIO_NET_F_MAC;
    f |= (uint64_t)s->f_csum << VIRTIO_NET_F_CSUM;
    f |= (uint64_t)s->f_mrg_rxbuf << VIRTIO_NET_F_MRG_RXBUF;
    f |= (uint64_t)s->f_status << VIRTIO_NET_F_STATUS;
    if (s->f_ctrl_vq) {
        f |= 1ull << VIRTIO_NET_F_CTRL_VQ;
        f |= (uint64_t)s->f_ctrl_rx << VIRTIO_NET_F_CTRL_RX;
        f |= (uint64_t)s->f_ctrl_mac_addr << VIRTIO_NET_F_CTRL_MAC_ADDR;
    }
    return f;
}

static void vnet_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIONet *s = VIRTIO_NET(vdev);

    memcpy(config + VIRTIO_NET_CFG_MAC, s->mac.a, 6);
    virtio_stw_p(config + VIRTIO_NET_CFG_STATUS, s->status);
    virtio_stw_p(config + VIRTIO_NET_CFG_MAX_VQ_PAIRS, 1);
}

static void vnet_set_status(VirtIODevice *vdev, uint8_t status)
{
    VirtIONet *s = VIRTIO_NET(vdev);
    bool was = s->active;

    s->active = status & VIRTIO_CONFIG_S_DRIVER_OK;
    if (s->active && !was) {
        /* Frames that arrived before the driver was ready. */
        qemu_flush_queued_packets(s->nic);
        vnet_flush_tx(s);
    }
}

static void vnet_reset(VirtIODevice *vdev)
{
    VirtIONet *s = VIRTIO_NET(vdev);

    s->active = false;
    s->tx_waiting = false;
    qemu_bh_cancel(s->tx_bh);
    /* What waited for the old rings is stale; backends may send again. */
    qemu_net_queue_purge(s->nic->incoming_queue, NULL);
    qemu_purge_queued_packets(s->nic);
    /* §5.1.6.5.1: the filter starts open until the driver narrows it. */
    s->promisc = true;
    s->allmulti = false;
    s->uni_count = s->multi_count = 0;
    s->uni_overflow = s->multi_overflow = false;
    s->mac = s->mac_prop;
    qemu_format_nic_info_str(s->nic, &s->mac);
}

/* The NIC's name and model: the PCI function's when it embeds this device. */
static Object *vnet_nic_identity(VirtIONet *s, const char **model, const char **id)
{
    Object *owner = OBJECT(s)->parent;
    DeviceState *dev = DEVICE(s);

    *model = object_get_typename(OBJECT(s));
    *id = dev->id;
    if (owner && object_dynamic_cast(owner, TYPE_DEVICE) && OBJECT(s)->name &&
        !strcmp(OBJECT(s)->name, "virtio-backend")) {
        *model = object_get_typename(owner);
        *id = DEVICE(owner)->id;
        return owner;
    }
    return OBJECT(s);
}

static void vnet_realize(VirtIODevice *vdev, Error **errp)
{
    VirtIONet *s = VIRTIO_NET(vdev);
    const char *model, *id;
    Object *whole;

    if (s->rx_queue_size < 256 || s->rx_queue_size > VIRTQUEUE_MAX_SIZE ||
        (s->rx_queue_size & (s->rx_queue_size - 1))) {
        error_setg(errp, "Invalid rx_queue_size (= %u), must be a power of 2 between "
                   "256 and %u", s->rx_queue_size, VIRTQUEUE_MAX_SIZE);
        return;
    }
    if (s->tx_queue_size < 256 || s->tx_queue_size > VIRTQUEUE_MAX_SIZE ||
        (s->tx_queue_size & (s->tx_queue_size - 1))) {
        error_setg(errp, "Invalid tx_queue_size (= %u), must be a power of 2 between "
                   "256 and %u", s->tx_queue_size, VIRTQUEUE_MAX_SIZE);
        return;
    }
    qemu_macaddr_default_if_unset(&s->mac_prop);
    s->mac = s->mac_prop;
    whole = vnet_nic_identity(s, &model, &id);
    s->nic = qemu_new_nic(&vnet_info, s->netdev, model, id, s);
    s->nic->qom_path = object_get_canonical_path(whole);
    qemu_format_nic_info_str(s->nic, &s->mac);
    s->status = VIRTIO_NET_S_LINK_UP;
    s->promisc = true;
    s->tx_buf = g_malloc(VNET_MAX_FRAME);
    s->rx_elems = g_new(VirtQueueElement *, VIRTQUEUE_MAX_SIZE);
    s->rx_lens = g_new(size_t, VIRTQUEUE_MAX_SIZE);
    s->tx_bh = qemu_bh_new(vnet_tx_bh, s);
    virtio_init(vdev, VIRTIO_ID_NET, VIRTIO_NET_CFG_SIZE);
    s->rx_vq = virtio_add_queue(vdev, s->rx_queue_size, vnet_handle_rx);
    s->tx_vq = virtio_add_queue(vdev, s->tx_queue_size, vnet_handle_tx);
    if (s->f_ctrl_vq) {
        s->ctrl_vq = virtio_add_queue(vdev, 64, vnet_handle_ctrl);
    }
}

static void vnet_unrealize(VirtIODevice *vdev)
{
    VirtIONet *s = VIRTIO_NET(vdev);

    s->active = false;
    qemu_del_net_client(s->nic);
    s->nic = NULL;
    s->netdev = NULL;
    qemu_bh_delete(s->tx_bh);
    g_free(s->tx_buf);
    g_free(s->rx_elems);
    g_free(s->rx_lens);
}

static const Property virtio_net_props[] = {
    DEFINE_PROP_MACADDR("mac", VirtIONet, mac_prop),
    DEFINE_PROP_NETDEV("netdev", VirtIONet, netdev),
    DEFINE_PROP_BOOL("csum", VirtIONet, f_csum, true),
    DEFINE_PROP_BOOL("mrg_rxbuf", VirtIONet, f_mrg_rxbuf, true),
    DEFINE_PROP_BOOL("status", VirtIONet, f_status, true),
    DEFINE_PROP_BOOL("ctrl_vq", VirtIONet, f_ctrl_vq, true),
    DEFINE_PROP_BOOL("ctrl_rx", VirtIONet, f_ctrl_rx, true),
    DEFINE_PROP_BOOL("ctrl_mac_addr", VirtIONet, f_ctrl_mac_addr, true),
    DEFINE_PROP_UINT16("rx_queue_size", VirtIONet, rx_queue_size, 256),
    DEFINE_PROP_UINT16("tx_queue_size", VirtIONet, tx_queue_size, 256),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_net_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "Virtio network device";
    dc->category = DEVICE_CATEGORY_NETWORK;
    object_class_set_props(oc, virtio_net_props);
    vdc->realize = vnet_realize;
    vdc->unrealize = vnet_unrealize;
    vdc->get_features = vnet_get_features;
    vdc->get_config = vnet_get_config;
    vdc->set_status = vnet_set_status;
    vdc->reset = vnet_reset;
}

static const TypeInfo virtio_net_info = {
    .name = TYPE_VIRTIO_NET,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIONet),
    .desc = "Virtio network device",
    .class_init = virtio_net_class_init,
};

static void virtio_net_register_types(void)
{
    type_register_static(&virtio_net_info);
}
type_init(virtio_net_register_types)
