/*
 * The network client layer: every end of a virtual wire is a NetClientState.
 * A NIC (virtio-net, ...) is one end, a host backend (user/libslirp, socket,
 * tap) the other; the two are peers and hand each other Ethernet frames.
 *
 * Frames travel with qemu_send_packet*: the frame goes straight to the
 * peer's receive() if the peer can take it, otherwise into the peer's
 * incoming queue (net/queue.h).  A sender that passes a sent callback and
 * gets 0 back must stop producing until the callback runs: that is the flow
 * control that makes a backend stop reading its fd while the guest has no
 * receive buffers.  The receiver calls qemu_flush_queued_packets when it
 * can take frames again (the guest posted buffers).
 *
 * Backends never know which device is in front of them, and devices never
 * know which backend is behind them.  Everything here runs under the BQL
 * (backends' fd handlers run in the main loop).
 */
#ifndef NET_NET_H
#define NET_NET_H

#include "core/osdep.h"
#include "core/error.h"
#include "core/option.h"
#include "net/queue.h"

typedef struct MACAddr {
    uint8_t a[6];
} MACAddr;

typedef enum NetClientDriver {
    NET_CLIENT_DRIVER_NONE = 0,
    NET_CLIENT_DRIVER_NIC,
    NET_CLIENT_DRIVER_USER,
    NET_CLIENT_DRIVER_TAP,
    NET_CLIENT_DRIVER_SOCKET,
    NET_CLIENT_DRIVER_HUBPORT,
    NET_CLIENT_DRIVER_MAX,
} NetClientDriver;

typedef struct NetClientState NetClientState;

/* What a NIC's receive filter lets in (QMP query-rx-filter, RxFilterInfo). */
typedef enum NetRxState {
    NET_RX_STATE_NORMAL,         /* the filter tables decide */
    NET_RX_STATE_NONE,
    NET_RX_STATE_ALL,
} NetRxState;

typedef struct NetRxFilterInfo {
    bool promiscuous;
    NetRxState multicast, unicast, vlan;
    bool broadcast_allowed;
    bool multicast_overflow, unicast_overflow;
    MACAddr main_mac;
    unsigned n_unicast, n_multicast;
    MACAddr unicast_table[64], multicast_table[64];
} NetRxFilterInfo;

typedef struct NetClientInfo {
    NetClientDriver type;
    size_t size;                 /* of the structure embedding NetClientState */
    /*
     * Take one frame.  Returns size (or any positive value) when consumed
     * or deliberately dropped, 0 when it cannot take it now (the frame is
     * queued and the client must call qemu_flush_queued_packets later),
     * negative on an error (the frame is dropped).
     */
    ssize_t (*receive)(NetClientState *nc, const uint8_t *buf, size_t size);
    /* Optional: false makes frames queue without calling receive. */
    bool (*can_receive)(NetClientState *nc);
    /* Optional: the peer went away or the link changed (nc->link_down). */
    void (*link_status_changed)(NetClientState *nc);
    /* Optional (NICs): the receive filter as the driver set it. */
    void (*query_rx_filter)(NetClientState *nc, NetRxFilterInfo *info);
    /* Optional: free what the client owns (before the structure goes). */
    void (*cleanup)(NetClientState *nc);
} NetClientInfo;

struct NetClientState {
    const NetClientInfo *info;
    NetClientState *peer;
    NetQueue *incoming_queue;    /* frames for this client that waited */
    char *model;                 /* "user", "virtio-net-pci", ... */
    char *name;                  /* netdev id, or the NIC's id / "model.N" */
    char info_str[256];          /* the rest of the `info network` line */
    bool link_down;
    bool receive_disabled;       /* receive returned 0: wait for a flush */
    bool is_netdev;              /* created by -netdev / netdev_add */
    void *nic_opaque;            /* NICs: the device */
    char *qom_path;              /* NICs: the device's path (events) */
    bool rxfilter_notify_enabled; /* NIC_RX_FILTER_CHANGED not sent since query */
};

/* Names of the drivers as QEMU spells them (NetClientDriver enum). */
const char *net_client_driver_name(NetClientDriver type);

/*
 * A new client.  peer may be NULL (peered later by a NIC).  model is the
 * driver or device name; name is the id (NULL: "model.N").
 */
NetClientState *qemu_new_net_client(const NetClientInfo *info, NetClientState *peer,
                                    const char *model, const char *name);
void qemu_del_net_client(NetClientState *nc);

/*
 * A NIC's client, peered with the netdev peer (may be NULL: no backend,
 * frames are dropped as on an unplugged cable).  peer must be free (see
 * netdev_claim).
 */
NetClientState *qemu_new_nic(const NetClientInfo *info, NetClientState *peer,
                             const char *model, const char *name, void *opaque);
/* "model=virtio-net-pci,macaddr=52:54:00:12:34:56" into nc->info_str. */
void qemu_format_nic_info_str(NetClientState *nc, const MACAddr *mac);

/*
 * Send a frame to nc's peer.  Returns size when delivered (or dropped: no
 * peer, link down, queue full), 0 when it was queued: then sent_cb runs
 * once the peer took it, and the sender should produce nothing until then.
 */
typedef void NetPacketSent(NetClientState *sender, ssize_t ret);
ssize_t qemu_send_packet_async(NetClientState *nc, const uint8_t *buf, size_t size,
                               NetPacketSent *sent_cb);
/* The same without flow control (the frame may still be queued). */
void qemu_send_packet(NetClientState *nc, const uint8_t *buf, size_t size);
/* Whether nc's peer can take a frame now. */
bool qemu_can_send_packet(NetClientState *nc);
/* nc can take frames again: deliver what waited for it.  True if all went. */
bool qemu_flush_queued_packets(NetClientState *nc);
/* Drop what waited for nc (device reset). */
void qemu_purge_queued_packets(NetClientState *nc);
/* Link up/down on the client named name and its peer (QMP set_link). */
bool qemu_set_link(const char *name, bool up, Error **errp);

/*
 * A NIC's driver changed its receive filter: one NIC_RX_FILTER_CHANGED event
 * (through the hook the monitor installs), then none until query-rx-filter
 * asked about that NIC, as QEMU rate-limits it.
 */
void qemu_notify_rx_filter_changed(NetClientState *nc);
void net_set_rx_filter_changed_hook(void (*hook)(NetClientState *nc));
/* query-rx-filter: false if nc is not a NIC (error set). */
bool qemu_query_rx_filter(NetClientState *nc, NetRxFilterInfo *info, Error **errp);
NetClientState *qemu_find_net_client(const char *name);

/* Every client, in creation order (GList of NetClientState *, borrowed). */
GList *net_clients(void);
NetClientState *qemu_find_netdev(const char *id);

/* ---- MAC addresses ---- */
/* "52:54:00:12:34:56" (also '-' separators); false with an error otherwise. */
bool net_parse_macaddr(const char *str, MACAddr *mac, Error **errp);
/* 18 bytes: "52:54:00:12:34:56". */
void net_format_macaddr(const MACAddr *mac, char out[18]);
/* QEMU's default NIC addresses: 52:54:00:12:34:56, then :57, :58, ... */
void qemu_macaddr_default_if_unset(MACAddr *mac);

/* ---- netdevs (-netdev, netdev_add) ---- */
/*
 * Create the netdev described by opts (the implied key is "type"; "id" is
 * required).  Unknown types and keys, duplicate ids and bad values are one
 * line errors.
 */
NetClientState *netdev_add_opts(Opts *opts, Error **errp);
/* "-netdev" syntax: parse str then netdev_add_opts. */
NetClientState *netdev_add_str(const char *str, Error **errp);
/* Remove a netdev (netdev_del): its NIC, if any, sees the link go down. */
bool netdev_del(const char *id, Error **errp);
/*
 * The netdev id for a NIC: it must exist, be a netdev and not be taken by
 * another NIC.  (The property parser of netdev=.)
 */
NetClientState *netdev_claim(const char *id, const char *who, Error **errp);
/* -netdev help: the types, one a line. */
void netdev_print_types(FILE *f);
/* `info network`, in QEMU's layout; g_free the result. */
char *net_info_network(void);
/* Remove every client. */
void net_cleanup(void);
/*
 * At exit: remove the backends (tap's downscript runs, sockets close, slirp
 * lets go of its forwarded ports).  NICs stay, unpeered: their devices
 * still point at them.
 */
void net_exit(void);

/*
 * Backends register one constructor per type (net_register_backend from a
 * constructor function).  desc lists the type's keys (without type and id).
 */
typedef bool NetInitFunc(Opts *opts, const char *id, Error **errp);
void net_register_backend(const char *type, NetClientDriver driver, const OptDesc *desc,
                          NetInitFunc *init);

/* 16-bit ones' complement sum (RFC 1071), for checksum offload. */
uint32_t net_checksum_add(const uint8_t *buf, size_t len, uint32_t sum);
uint16_t net_checksum_finish(uint32_t sum);

#endif
