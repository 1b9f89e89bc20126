/*
 * virtio-net on fake guest memory behind virtio-mmio, the test playing the
 * driver and a fake netdev playing the host: transmit (with checksum
 * completion), receive with and without mergeable buffers, flow control
 * when the guest has no buffers, the control queue's filter commands, link
 * status in the config space, and malformed buffers (NEEDS_RESET, never a
 * crash).
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "hw/virtio/virtio-mmio.h"
#include "hw/virtio/virtio-net.h"
#include "net/net.h"
#include "tests/unit/unit.h"

#include "tests/unit/virtio-mmio-driver.h"

/* ------------------------------------------------------- the host side */

typedef struct FakeHost {
    NetClientState nc;
    bool full;                   /* "not now" to every frame */
    unsigned got;
    uint8_t last[2048];
    size_t last_len;
} FakeHost;

static ssize_t host_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    FakeHost *h = container_of(nc, FakeHost, nc);

    if (h->full) {
        return 0;
    }
    h->got++;
    h->last_len = MIN(size, sizeof(h->last));
    memcpy(h->last, buf, h->last_len);
    return size;
}

static const NetClientInfo host_info = {
    .type = NET_CLIENT_DRIVER_SOCKET,
    .size = sizeof(FakeHost),
    .receive = host_receive,
};

static unsigned host_sent_cb_calls;

static void host_sent(NetClientState *nc, ssize_t ret)
{
    host_sent_cb_calls++;
}

static FakeHost *host_new(const char *id)
{
    NetClientState *nc = qemu_new_net_client(&host_info, NULL, "fake", id);

    nc->is_netdev = true;
    return container_of(nc, FakeHost, nc);
}

#define V1 (1ULL << VIRTIO_F_VERSION_1)
#define F(b) (1ULL << (b))
#define RXQ 0
#define TXQ 1
#define CTRLQ 2
#define TXBUF 0x20000
#define RXBUF 0x22000
#define CTRLBUF 0x24000

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };

static void net_setup(T *t, FakeHost **h, const char *id, uint64_t features)
{
    *h = host_new(id);
    /* Every test NIC has this address (guest_mac below). */
    setup(t, TYPE_VIRTIO_NET, "netdev", id, "mac", "52:54:00:aa:bb:cc", NULL);
    drv_init(t, features, 3);
}

static void net_teardown(T *t, FakeHost *h)
{
    teardown(t);
    qemu_del_net_client(&h->nc);
}

/* A 60-byte frame to dst from the host. */
static void make_frame(uint8_t *f, const uint8_t *dst, uint8_t fill)
{
    memset(f, fill, 60);
    memcpy(f, dst, 6);
    memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
    f[12] = 0x08;
    f[13] = 0x00;
}

UNIT_TEST(virtio_net_config_features_and_link)
{
    T t;
    FakeHost *h = host_new("cfg0");
    Error *err = NULL;
    uint8_t cfg[10];

    memset(&t, 0, sizeof(t));
    setup(&t, TYPE_VIRTIO_NET, "netdev", "cfg0", "mac", "52:54:00:aa:bb:cc", NULL);
    wr(&t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t f = rd(&t, VIRTIO_MMIO_DEVICE_FEATURES);
    CHECK(f & F(VIRTIO_NET_F_MAC));
    CHECK(f & F(VIRTIO_NET_F_STATUS));
    CHECK(f & F(VIRTIO_NET_F_MRG_RXBUF));
    CHECK(f & F(VIRTIO_NET_F_CTRL_VQ));
    CHECK(f & F(VIRTIO_NET_F_CSUM));
    CHECK(!(f & F(VIRTIO_NET_F_GUEST_CSUM)));   /* never claimed without use */
    CHECK_EQ(rd(&t, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
    drv_init(&t, V1 | F(VIRTIO_NET_F_MAC) | F(VIRTIO_NET_F_STATUS), 3);
    for (int i = 0; i < 10; i++) {
        uint64_t v = 0;

        memory_region_dispatch_read(t.regs, VIRTIO_MMIO_CONFIG + i, &v, 1,
                                    MEMTXATTRS_UNSPECIFIED);
        cfg[i] = v;
    }
    CHECK_EQ(cfg[0], 0x52);
    CHECK_EQ(cfg[1], 0x54);
    CHECK_EQ(cfg[6], VIRTIO_NET_S_LINK_UP);
    CHECK_EQ(cfg[8], 1);                         /* one queue pair */
    wr(&t, VIRTIO_MMIO_INTERRUPT_ACK, 3);
    CHECK(qemu_set_link("cfg0", false, &err));
    /* §5.1.4.2: the status change comes as a configuration interrupt. */
    CHECK(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_ISR_CONFIG);
    CHECK_EQ(rd(&t, VIRTIO_MMIO_CONFIG + 4) >> 16 & 0xffff, 0);
    CHECK(qemu_set_link("cfg0", true, &err));
    CHECK_EQ(rd(&t, VIRTIO_MMIO_CONFIG + 4) >> 16 & 0xffff, VIRTIO_NET_S_LINK_UP);
    teardown(&t);
    qemu_del_net_client(&h->nc);
}

UNIT_TEST(virtio_net_transmit_and_checksum)
{
    T t;
    FakeHost *h;
    uint8_t hdr[12] = { 0 }, frame[60];
    uint32_t sum;

    net_setup(&t, &h, "tx0", V1 | F(VIRTIO_NET_F_CSUM));
    /* Header and frame in two descriptors. */
    make_frame(frame, guest_mac, 0x11);
    put(&t, TXBUF, hdr, 12);
    put(&t, TXBUF + 0x100, frame, 60);
    desc(&t, TXQ, 0, TXBUF, 12, F_NEXT, 1);
    desc(&t, TXQ, 1, TXBUF + 0x100, 60, 0, 0);
    submit(&t, TXQ, 0);
    CHECK_EQ(h->got, 1u);
    CHECK_EQ(h->last_len, 60u);
    CHECK(!memcmp(h->last, frame, 60));
    CHECK_EQ(l16(&t, USED(TXQ) + 2), 1);
    /* NEEDS_CSUM: the device sums from csum_start and stores at +offset. */
    hdr[0] = 1;                                   /* VIRTIO_NET_HDR_F_NEEDS_CSUM */
    hdr[6] = 20;                                  /* csum_start */
    hdr[8] = 4;                                   /* csum_offset */
    memset(frame + 20, 0, 40);
    frame[30] = 0x12;
    frame[31] = 0x34;
    put(&t, TXBUF, hdr, 12);
    put(&t, TXBUF + 0x100, frame, 60);
    submit(&t, TXQ, 0);
    CHECK_EQ(h->got, 2u);
    sum = (uint32_t)h->last[24] << 8 | h->last[25];
    CHECK_EQ(sum, (uint16_t)~0x1234);
    /* Offsets past the frame: dropped, the queue keeps going. */
    hdr[6] = 59;
    put(&t, TXBUF, hdr, 12);
    submit(&t, TXQ, 0);
    CHECK_EQ(h->got, 2u);
    CHECK_EQ(l16(&t, USED(TXQ) + 2), 3);
    CHECK(!(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET));
    net_teardown(&t, h);
}

UNIT_TEST(virtio_net_receive_waits_for_buffers)
{
    T t;
    FakeHost *h;
    uint8_t frame[60], got[12 + 60];

    net_setup(&t, &h, "rx0", V1);
    make_frame(frame, guest_mac, 0x22);
    host_sent_cb_calls = 0;
    /* No buffers yet: the frame waits and the host is told to wait. */
    CHECK_EQ(qemu_send_packet_async(&h->nc, frame, 60, host_sent), 0);
    CHECK_EQ(host_sent_cb_calls, 0u);
    desc(&t, RXQ, 0, RXBUF, 1526, F_WRITE, 0);
    submit(&t, RXQ, 0);
    CHECK_EQ(host_sent_cb_calls, 1u);
    CHECK_EQ(l16(&t, USED(RXQ) + 2), 1);
    CHECK_EQ(address_space_ldl_le(&t.as, USED(RXQ) + 8, MEMTXATTRS_UNSPECIFIED, NULL),
             12u + 60u);
    get(&t, RXBUF, got, sizeof(got));
    CHECK_EQ(got[0], 0);                          /* flags */
    CHECK_EQ(got[10], 1);                         /* num_buffers */
    CHECK(!memcmp(got + 12, frame, 60));
    net_teardown(&t, h);
}

UNIT_TEST(virtio_net_receive_mergeable_buffers)
{
    T t;
    FakeHost *h;
    uint8_t frame[60], a[40], b[32];

    net_setup(&t, &h, "rx1", V1 | F(VIRTIO_NET_F_MRG_RXBUF));
    make_frame(frame, guest_mac, 0x33);
    desc(&t, RXQ, 0, RXBUF, 40, F_WRITE, 0);
    desc(&t, RXQ, 1, RXBUF + 0x100, 40, F_WRITE, 0);
    submit(&t, RXQ, 0);
    submit(&t, RXQ, 1);
    qemu_send_packet(&h->nc, frame, 60);
    /* 72 bytes over two 40-byte buffers: 40 + 32, num_buffers 2. */
    CHECK_EQ(l16(&t, USED(RXQ) + 2), 2);
    CHECK_EQ(address_space_ldl_le(&t.as, USED(RXQ) + 8, MEMTXATTRS_UNSPECIFIED, NULL), 40u);
    CHECK_EQ(address_space_ldl_le(&t.as, USED(RXQ) + 16, MEMTXATTRS_UNSPECIFIED, NULL), 32u);
    get(&t, RXBUF, a, sizeof(a));
    get(&t, RXBUF + 0x100, b, sizeof(b));
    CHECK_EQ(a[10], 2);
    CHECK(!memcmp(a + 12, frame, 28));
    CHECK(!memcmp(b, frame + 28, 32));
    net_teardown(&t, h);
}

static unsigned filter_events;

static void count_filter_event(NetClientState *nc)
{
    filter_events++;
}

static uint8_t ctrl_cmd(T *t, const uint8_t *cmd, size_t len)
{
    put(t, CTRLBUF, cmd, len);
    address_space_stb(&t->as, CTRLBUF + 0x100, 0xee, MEMTXATTRS_UNSPECIFIED, NULL);
    desc(t, CTRLQ, 0, CTRLBUF, len, F_NEXT, 1);
    desc(t, CTRLQ, 1, CTRLBUF + 0x100, 1, F_WRITE, 0);
    submit(t, CTRLQ, 0);
    return address_space_ldub(&t->as, CTRLBUF + 0x100, MEMTXATTRS_UNSPECIFIED, NULL);
}

UNIT_TEST(virtio_net_control_queue_filters)
{
    T t;
    FakeHost *h;
    uint8_t frame[60];
    static const uint8_t promisc_off[] = { 0, 0, 0 };
    static const uint8_t bogus[] = { 9, 9, 0 };
    static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x77 };
    uint8_t table[2 + 4 + 6 + 4] = { 1, 0 };

    net_setup(&t, &h, "ctl0", V1 | F(VIRTIO_NET_F_CTRL_VQ) | F(VIRTIO_NET_F_CTRL_RX));
    for (int i = 0; i < 4; i++) {
        desc(&t, RXQ, i, RXBUF + 0x100 * i, 256, F_WRITE, 0);
        submit(&t, RXQ, i);
    }
    /* Promiscuous at first (§5.1.6.5.1): another host's frame gets in. */
    make_frame(frame, other, 1);
    qemu_send_packet(&h->nc, frame, 60);
    CHECK_EQ(l16(&t, USED(RXQ) + 2), 1);
    net_set_rx_filter_changed_hook(count_filter_event);
    filter_events = 0;
    CHECK_EQ(ctrl_cmd(&t, promisc_off, sizeof(promisc_off)), VIRTIO_NET_OK);
    CHECK_EQ(filter_events, 1u);
    qemu_send_packet(&h->nc, frame, 60);
    CHECK_EQ(l16(&t, USED(RXQ) + 2), 1);          /* filtered out */
    make_frame(frame, guest_mac, 2);
    qemu_send_packet(&h->nc, frame, 60);
    CHECK_EQ(l16(&t, USED(RXQ) + 2), 2);          /* ours */
    /* MAC_TABLE_SET: one unicast entry (other), no multicast. */
    table[2] = 1;
    memcpy(table + 6, other, 6);
    CHECK_EQ(ctrl_cmd(&t, table, sizeof(table)), VIRTIO_NET_OK);
    make_frame(frame, other, 3);
    qemu_send_packet(&h->nc, frame, 60);
    CHECK_EQ(l16(&t, USED(RXQ) + 2), 3);
    /* One event until someone asks; the query shows the driver's filter. */
    CHECK_EQ(filter_events, 1u);
    {
        NetRxFilterInfo info;
        NetClientState *nic = h->nc.peer;

        CHECK(qemu_query_rx_filter(nic, &info, NULL));
        CHECK(!info.promiscuous);
        CHECK_EQ(info.n_unicast, 1u);
        CHECK(!memcmp(info.unicast_table[0].a, other, 6));
        CHECK(!memcmp(info.main_mac.a, guest_mac, 6));
        CHECK(!qemu_query_rx_filter(&h->nc, &info, NULL));   /* not a NIC */
    }
    CHECK_EQ(ctrl_cmd(&t, table, sizeof(table)), VIRTIO_NET_OK);
    CHECK_EQ(filter_events, 2u);
    net_set_rx_filter_changed_hook(NULL);
    /* A table longer than its data, and an unknown class: ERR, no reset. */
    table[2] = 5;
    CHECK_EQ(ctrl_cmd(&t, table, sizeof(table)), VIRTIO_NET_ERR);
    CHECK_EQ(ctrl_cmd(&t, bogus, sizeof(bogus)), VIRTIO_NET_ERR);
    CHECK(!(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET));
    net_teardown(&t, h);
}

UNIT_TEST(virtio_net_malformed_buffers_need_reset)
{
    T t;
    FakeHost *h;
    uint8_t frame[60];

    /* Transmit buffer with a writable descriptor. */
    net_setup(&t, &h, "bad0", V1);
    desc(&t, TXQ, 0, TXBUF, 80, F_WRITE, 0);
    submit(&t, TXQ, 0);
    CHECK(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
    CHECK_EQ(h->got, 0u);
    /* After a reset the device works again. */
    drv_init(&t, V1, 3);
    CHECK(!(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET));
    /* Transmit buffer shorter than the header. */
    desc(&t, TXQ, 0, TXBUF, 5, 0, 0);
    submit(&t, TXQ, 0);
    CHECK(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
    drv_init(&t, V1, 3);
    /* Receive buffer the device may not write. */
    desc(&t, RXQ, 0, RXBUF, 256, 0, 0);
    submit(&t, RXQ, 0);
    make_frame(frame, guest_mac, 4);
    qemu_send_packet(&h->nc, frame, 60);
    CHECK(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
    /* Broken: frames are not taken, and nothing crashes. */
    qemu_send_packet(&h->nc, frame, 60);
    drv_init(&t, V1, 3);
    /* Receive buffer too small for header + frame without MRG_RXBUF: dropped. */
    desc(&t, RXQ, 0, RXBUF, 30, F_WRITE, 0);
    submit(&t, RXQ, 0);
    qemu_send_packet(&h->nc, frame, 60);
    CHECK(!(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET));
    CHECK_EQ(l16(&t, USED(RXQ) + 2), 1);
    CHECK_EQ(address_space_ldl_le(&t.as, USED(RXQ) + 8, MEMTXATTRS_UNSPECIFIED, NULL), 0u);
    net_teardown(&t, h);
}

UNIT_TEST(virtio_net_backend_full_pauses_transmit)
{
    T t;
    FakeHost *h;
    uint8_t hdr[12] = { 0 }, frame[60];

    net_setup(&t, &h, "full0", V1);
    make_frame(frame, guest_mac, 0x44);
    put(&t, TXBUF, hdr, 12);
    put(&t, TXBUF + 12, frame, 60);
    for (int i = 0; i < 3; i++) {
        desc(&t, TXQ, i, TXBUF, 72, 0, 0);
    }
    h->full = true;
    submit(&t, TXQ, 0);
    submit(&t, TXQ, 1);
    submit(&t, TXQ, 2);
    /* The first frame waits in the host's queue; the others stay in the ring. */
    CHECK_EQ(l16(&t, USED(TXQ) + 2), 1);
    CHECK_EQ(qemu_net_queue_len(h->nc.incoming_queue), 1u);
    h->full = false;
    CHECK(qemu_flush_queued_packets(&h->nc));
    CHECK_EQ(h->got, 3u);
    CHECK_EQ(l16(&t, USED(TXQ) + 2), 3);
    /* Waiting again, then a reset: the stale frame is dropped, not sent. */
    h->full = true;
    submit(&t, TXQ, 0);
    submit(&t, TXQ, 1);
    CHECK_EQ(qemu_net_queue_len(h->nc.incoming_queue), 1u);
    drv_init(&t, V1, 3);
    CHECK_EQ(qemu_net_queue_len(h->nc.incoming_queue), 0u);
    h->full = false;
    qemu_flush_queued_packets(&h->nc);
    CHECK_EQ(h->got, 3u);
    /* Unplugged while a frame waits: the host's queue lets go of it. */
    h->full = true;
    desc(&t, TXQ, 0, TXBUF, 72, 0, 0);
    submit(&t, TXQ, 0);
    CHECK_EQ(qemu_net_queue_len(h->nc.incoming_queue), 1u);
    teardown(&t);
    CHECK_EQ(qemu_net_queue_len(h->nc.incoming_queue), 0u);
    CHECK(h->nc.peer == NULL);
    CHECK(h->nc.link_down == false);
    qemu_del_net_client(&h->nc);
}

UNIT_TEST(virtio_net_control_oversized_and_unnegotiated)
{
    T t;
    FakeHost *h;
    static const uint8_t addr_set[] = { 1, 1, 2, 0, 0, 0, 0, 9 };

    /* CTRL_VQ without CTRL_MAC_ADDR: ADDR_SET is refused. */
    net_setup(&t, &h, "ctl1", V1 | F(VIRTIO_NET_F_CTRL_VQ));
    CHECK_EQ(ctrl_cmd(&t, addr_set, sizeof(addr_set)), VIRTIO_NET_ERR);
    /* A 100 KiB command is answered ERR without being copied. */
    address_space_stb(&t.as, CTRLBUF + 0x100, 0xee, MEMTXATTRS_UNSPECIFIED, NULL);
    desc(&t, CTRLQ, 0, 0, 100 * 1024, F_NEXT, 1);
    desc(&t, CTRLQ, 1, CTRLBUF + 0x100, 1, F_WRITE, 0);
    submit(&t, CTRLQ, 0);
    CHECK_EQ(address_space_ldub(&t.as, CTRLBUF + 0x100, MEMTXATTRS_UNSPECIFIED, NULL),
             VIRTIO_NET_ERR);
    /* No writable ack byte: the request is malformed. */
    desc(&t, CTRLQ, 0, CTRLBUF, 8, 0, 0);
    submit(&t, CTRLQ, 0);
    CHECK(rd(&t, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
    net_teardown(&t, h);
}
