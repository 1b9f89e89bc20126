/*
 * The network client layer without a guest: MAC addresses, delivery and
 * flow control through the incoming queue, link state, hubs, the socket
 * framing, the socket backend over a socketpair, checksums, `info network`
 * and netdev errors.
 */
#include "tests/unit/unit.h"
#include "core/main-loop.h"
#include "net/hub.h"
#include "net/net.h"
#include "net/stream-frame.h"

#include <sys/socket.h>

/* ------------------------------------------------------------- fakes */

/* A NIC that takes up to `room` frames, then says "not now". */
typedef struct FakeNic {
    NetClientState nc;
    unsigned room;
    unsigned got;
    uint8_t last[2048];
    size_t last_len;
    GString *log;                /* first byte of every frame, in order */
} FakeNic;

static ssize_t fake_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    FakeNic *f = container_of(nc, FakeNic, nc);

    if (!f->room) {
        return 0;
    }
    f->room--;
    f->got++;
    f->last_len = MIN(size, sizeof(f->last));
    memcpy(f->last, buf, f->last_len);
    g_string_append_c(f->log, (char)buf[0]);
    return size;
}

static void fake_cleanup(NetClientState *nc)
{
    g_string_free(container_of(nc, FakeNic, nc)->log, true);
}

static const NetClientInfo fake_nic_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(FakeNic),
    .receive = fake_receive,
    .cleanup = fake_cleanup,
};

static FakeNic *fake_nic(NetClientState *peer, const char *name, unsigned room)
{
    NetClientState *nc = qemu_new_nic(&fake_nic_info, peer, "test-nic", name, NULL);
    FakeNic *f = container_of(nc, FakeNic, nc);

    f->room = room;
    f->log = g_string_new(NULL);
    return f;
}

/* A backend-like sender that counts its sent callbacks. */
static unsigned sent_calls;

static void count_sent(NetClientState *nc, ssize_t ret)
{
    sent_calls++;
}

static const NetClientInfo fake_backend_info = {
    .type = NET_CLIENT_DRIVER_USER,
    .size = sizeof(FakeNic),
    .receive = fake_receive,
    .cleanup = fake_cleanup,
};

static FakeNic *fake_backend(const char *name, unsigned room)
{
    NetClientState *nc = qemu_new_net_client(&fake_backend_info, NULL, "fake", name);
    FakeNic *f = container_of(nc, FakeNic, nc);

    nc->is_netdev = true;
    f->room = room;
    f->log = g_string_new(NULL);
    snprintf(nc->info_str, sizeof(nc->info_str), "fake=1");
    return f;
}

/* ---------------------------------------------------------------- MAC */

UNIT_TEST(net_macaddr_parse_and_format)
{
    MACAddr m;
    char buf[18];
    Error *err = NULL;

    CHECK(net_parse_macaddr("52:54:00:AB:cd:0f", &m, NULL));
    net_format_macaddr(&m, buf);
    CHECK_STREQ(buf, "52:54:00:ab:cd:0f");
    CHECK(net_parse_macaddr("02-00-00-00-00-01", &m, NULL));
    CHECK_EQ(m.a[5], 1);
    CHECK(!net_parse_macaddr("52:54:00:ab:cd", &m, &err));
    CHECK(strstr(error_get_pretty(err), "invalid MAC address '52:54:00:ab:cd'"));
    error_free(err);
    CHECK(!net_parse_macaddr("52:54:00:ab:cd:0f:", &m, NULL));
    CHECK(!net_parse_macaddr("5g:54:00:ab:cd:0f", &m, NULL));
    CHECK(!net_parse_macaddr("", &m, NULL));
}

UNIT_TEST(net_macaddr_defaults_count_up)
{
    MACAddr a = { { 0 } }, b = { { 0 } }, set = { { 2, 0, 0, 0, 0, 9 } };
    char buf[18];

    qemu_macaddr_default_if_unset(&a);
    qemu_macaddr_default_if_unset(&b);
    qemu_macaddr_default_if_unset(&set);
    net_format_macaddr(&a, buf);
    CHECK(g_str_has_prefix(buf, "52:54:00:12:34:"));
    CHECK_EQ(b.a[5], (uint8_t)(a.a[5] + 1));
    CHECK_EQ(set.a[5], 9);           /* a given address is kept */
}

/* ---------------------------------------------------------- delivery */

UNIT_TEST(net_flow_control_queue_and_flush)
{
    FakeNic *be = fake_backend("be0", 100);
    FakeNic *nic = fake_nic(&be->nc, "nic0", 2);
    uint8_t frame[64] = { 0 };

    sent_calls = 0;
    for (int i = 0; i < 5; i++) {
        frame[0] = 'a' + i;
        ssize_t r = qemu_send_packet_async(&be->nc, frame, sizeof(frame), count_sent);

        /* Two fit; the third is queued (0: stop producing) and so are later ones. */
        CHECK_EQ(r, i < 2 ? (ssize_t)sizeof(frame) : 0);
    }
    CHECK_EQ(nic->got, 2u);
    CHECK_EQ(qemu_net_queue_len(nic->nc.incoming_queue), 3u);
    CHECK(!qemu_can_send_packet(&be->nc));
    /* The guest posts one buffer: exactly one waiting frame goes. */
    nic->room = 1;
    CHECK(!qemu_flush_queued_packets(&nic->nc));
    CHECK_EQ(sent_calls, 1u);
    nic->room = 10;
    CHECK(qemu_flush_queued_packets(&nic->nc));
    CHECK_EQ(sent_calls, 3u);
    CHECK_STREQ(nic->log->str, "abcde");       /* in order */
    CHECK(qemu_can_send_packet(&be->nc));
    qemu_del_net_client(&nic->nc);
    qemu_del_net_client(&be->nc);
}

UNIT_TEST(net_queue_drops_without_flow_control_when_full)
{
    FakeNic *be = fake_backend("be1", 100);
    FakeNic *nic = fake_nic(&be->nc, "nic1", 0);
    uint8_t frame[16] = { 1 };

    qemu_net_queue_set_maxlen(nic->nc.incoming_queue, 4);
    for (int i = 0; i < 10; i++) {
        qemu_send_packet(&be->nc, frame, sizeof(frame));
    }
    CHECK_EQ(qemu_net_queue_len(nic->nc.incoming_queue), 4u);
    /* A flow-controlled sender is never dropped. */
    CHECK_EQ(qemu_send_packet_async(&be->nc, frame, sizeof(frame), count_sent), 0);
    CHECK_EQ(qemu_net_queue_len(nic->nc.incoming_queue), 5u);
    qemu_del_net_client(&nic->nc);
    qemu_del_net_client(&be->nc);
}

UNIT_TEST(net_purge_and_delete_release_the_sender)
{
    FakeNic *be = fake_backend("be2", 100);
    FakeNic *nic = fake_nic(&be->nc, "nic2", 0);
    uint8_t frame[16] = { 1 };

    sent_calls = 0;
    CHECK_EQ(qemu_send_packet_async(&be->nc, frame, sizeof(frame), count_sent), 0);
    CHECK_EQ(qemu_send_packet_async(&be->nc, frame, sizeof(frame), count_sent), 0);
    /* The NIC goes away: the backend must not wait for it forever. */
    qemu_del_net_client(&nic->nc);
    CHECK_EQ(sent_calls, 2u);
    CHECK(be->nc.peer == NULL);
    /* Without a peer, frames are lost on the wire. */
    CHECK_EQ(qemu_send_packet_async(&be->nc, frame, sizeof(frame), count_sent),
             (ssize_t)sizeof(frame));
    qemu_del_net_client(&be->nc);
}

UNIT_TEST(net_link_down_drops_and_set_link_finds_clients)
{
    FakeNic *be = fake_backend("be3", 100);
    FakeNic *nic = fake_nic(&be->nc, "nic3", 10);
    uint8_t frame[16] = { 1 };
    Error *err = NULL;

    CHECK(qemu_set_link("nic3", false, NULL));
    CHECK(nic->nc.link_down);
    CHECK_EQ(qemu_send_packet_async(&be->nc, frame, sizeof(frame), count_sent),
             (ssize_t)sizeof(frame));
    CHECK_EQ(nic->got, 0u);
    /* set_link on the netdev moves the NIC in front of it too. */
    CHECK(qemu_set_link("be3", true, NULL));
    CHECK(!nic->nc.link_down && !be->nc.link_down);
    qemu_send_packet(&be->nc, frame, sizeof(frame));
    CHECK_EQ(nic->got, 1u);
    CHECK(!qemu_set_link("nope", true, &err));
    CHECK_STREQ(error_get_pretty(err), "Device 'nope' not found");
    error_free(err);
    qemu_del_net_client(&nic->nc);
    qemu_del_net_client(&be->nc);
}

UNIT_TEST(net_hub_forwards_to_every_other_port)
{
    FakeNic *a = fake_backend("ha", 10), *b = fake_backend("hb", 10);
    FakeNic *c = fake_backend("hc", 10);
    NetClientState *pa = net_hub_add_port(7, NULL, &a->nc);
    uint8_t frame[16] = { 'x' };
    char *info;
    int id;

    net_hub_add_port(7, NULL, &b->nc);
    net_hub_add_port(7, NULL, &c->nc);
    qemu_send_packet(&a->nc, frame, sizeof(frame));
    CHECK_EQ(a->got, 0u);
    CHECK_EQ(b->got, 1u);
    CHECK_EQ(c->got, 1u);
    CHECK(net_hub_id_for_client(&a->nc, &id));
    CHECK_EQ(id, 7);
    CHECK_STREQ(pa->name, "hub7port0");
    info = net_info_network();
    CHECK(strstr(info, "hub 7\n \\ hub7port0: ha: index=0,type=user,fake=1\n"
                       " \\ hub7port1: hb: index=0,type=user,fake=1\n"));
    g_free(info);
    net_cleanup();
    CHECK(net_clients() == NULL);
}

UNIT_TEST(net_info_network_layout)
{
    FakeNic *be = fake_backend("net0", 10);
    FakeNic *nic = fake_nic(&be->nc, NULL, 10);
    FakeNic *lone = fake_backend("net1", 10);
    MACAddr mac;
    char *info;

    net_parse_macaddr("52:54:00:12:34:56", &mac, NULL);
    qemu_format_nic_info_str(&nic->nc, &mac);
    info = net_info_network();
    /* QEMU's layout: the NIC, its backend under it, then lone netdevs. */
    CHECK_STREQ(info, "test-nic.0: index=0,type=nic,model=test-nic,macaddr=52:54:00:12:34:56\n"
                      " \\ net0: index=0,type=user,fake=1\n"
                      "net1: index=0,type=user,fake=1\n");
    g_free(info);
    qemu_del_net_client(&nic->nc);
    qemu_del_net_client(&be->nc);
    qemu_del_net_client(&lone->nc);
}

/* ------------------------------------------------------------ framing */

static GPtrArray *frames;

static void collect_frame(void *opaque, const uint8_t *frame, size_t len)
{
    g_ptr_array_add(frames, g_bytes_new(frame, len));
}

UNIT_TEST(net_stream_framing_any_split)
{
    NetFrameReader *r = g_new(NetFrameReader, 1);
    uint8_t stream[4 + 3 + 4 + 1500];
    size_t n = 0;
    Error *err = NULL;

    net_frame_header(stream, 3);
    CHECK_EQ(stream[3], 3);
    memcpy(stream + 4, "abc", 3);
    net_frame_header(stream + 7, 1500);
    CHECK_EQ(stream[9], 0x05);
    CHECK_EQ(stream[10], 0xdc);
    for (int i = 0; i < 1500; i++) {
        stream[11 + i] = (uint8_t)i;
    }
    n = sizeof(stream);
    /* Every split point gives the same two frames. */
    for (size_t cut = 0; cut <= n; cut += 7) {
        frames = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
        net_frame_reader_init(r);
        CHECK(net_frame_reader_feed(r, stream, cut, collect_frame, NULL, NULL));
        CHECK(net_frame_reader_feed(r, stream + cut, n - cut, collect_frame, NULL, NULL));
        CHECK_EQ(frames->len, 2u);
        CHECK_EQ(g_bytes_get_size(frames->pdata[0]), 3u);
        CHECK_EQ(g_bytes_get_size(frames->pdata[1]), 1500u);
        CHECK(!memcmp(g_bytes_get_data(frames->pdata[1], NULL), stream + 11, 1500));
        g_ptr_array_unref(frames);
    }
    /* A length the peer cannot mean: an error, not a huge allocation. */
    frames = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    net_frame_reader_init(r);
    net_frame_header(stream, NET_FRAME_MAX + 1);
    CHECK(!net_frame_reader_feed(r, stream, 4, collect_frame, NULL, &err));
    CHECK(strstr(error_get_pretty(err), "out of range"));
    error_free(err);
    net_frame_header(stream, 0);
    CHECK(!net_frame_reader_feed(r, stream, 4, collect_frame, NULL, NULL));
    CHECK_EQ(frames->len, 0u);
    g_ptr_array_unref(frames);
    g_free(r);
}

UNIT_TEST(net_checksum_rfc1071)
{
    /* RFC 1071 §3's example: the sum of these words is ddf2. */
    static const uint8_t data[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
    static const uint8_t odd[] = { 0x12, 0x34, 0x56 };

    CHECK_EQ(net_checksum_finish(net_checksum_add(data, sizeof(data), 0)), 0x220d);
    CHECK_EQ(net_checksum_finish(net_checksum_add(odd, sizeof(odd), 0)),
             (uint16_t)~(0x1234 + 0x5600));
}

/* ---------------------------------------------------- socket backend */

static void run_loop_until(bool (*done)(void *), void *opaque)
{
    for (int i = 0; i < 200 && !done(opaque); i++) {
        event_loop_run_once(main_loop_get(), false);
        g_usleep(1000);
    }
}

static bool nic_got_one(void *opaque)
{
    return ((FakeNic *)opaque)->got > 0;
}

UNIT_TEST(net_socket_backend_over_socketpair)
{
    int sv[2];
    char *spec;
    NetClientState *nd;
    FakeNic *nic;
    uint8_t in[4 + 60], out[64];
    ssize_t n;

    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    spec = g_strdup_printf("socket,id=sp,fd=%d", sv[0]);
    nd = netdev_add_str(spec, NULL);
    g_free(spec);
    CHECK(nd != NULL);
    nic = fake_nic(nd, "spnic", 10);
    /* Peer -> guest: one framed frame. */
    net_frame_header(in, 60);
    memset(in + 4, 0x5a, 60);
    CHECK_EQ(write(sv[1], in, sizeof(in)), (ssize_t)sizeof(in));
    run_loop_until(nic_got_one, nic);
    CHECK_EQ(nic->got, 1u);
    CHECK_EQ(nic->last_len, 60u);
    CHECK_EQ(nic->last[59], 0x5a);
    /* Guest -> peer: the same framing on the wire. */
    qemu_send_packet(&nic->nc, in + 4, 60);
    n = read(sv[1], out, sizeof(out));
    CHECK_EQ(n, 64);
    CHECK_EQ(out[3], 60);
    CHECK_EQ(out[63], 0x5a);
    qemu_del_net_client(&nic->nc);
    CHECK(netdev_del("sp", NULL));
    close(sv[1]);
}

UNIT_TEST(net_netdev_errors)
{
    Error *err = NULL;

    CHECK(!netdev_add_str("nope,id=x", &err));
    CHECK(strstr(error_get_pretty(err), "Parameter 'type' expects a netdev backend type"));
    error_free(err);
    err = NULL;
    CHECK(!netdev_add_str("socket", &err));
    CHECK_STREQ(error_get_pretty(err), "Parameter 'id' is missing");
    error_free(err);
    err = NULL;
    CHECK(!netdev_add_str("socket,id=s1", &err));
    CHECK(strstr(error_get_pretty(err), "exactly one of listen="));
    error_free(err);
    err = NULL;
    CHECK(!netdev_add_str("socket,id=s1,listen=:1,color=red", &err));
    CHECK_STREQ(error_get_pretty(err), "Invalid parameter 'color' for netdev type 'socket'");
    error_free(err);
    err = NULL;
    CHECK(!netdev_add_str("socket,id=s1,udp=1.2.3.4:5", &err));
    CHECK_STREQ(error_get_pretty(err), "udp= requires localaddr=");
    error_free(err);
    err = NULL;
    CHECK(!netdev_claim("absent", "virtio-net-pci", &err));
    CHECK_STREQ(error_get_pretty(err), "Property 'virtio-net-pci.netdev' can't find value "
                                       "'absent'");
    error_free(err);
    err = NULL;
    CHECK(!netdev_del("absent", &err));
    CHECK_STREQ(error_get_pretty(err), "Device 'absent' not found");
    error_free(err);
}
