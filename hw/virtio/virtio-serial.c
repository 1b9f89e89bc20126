/*
 * virtio-serial (the virtio console device, virtio 1.2 §5.3) with
 * multiport: virtio-serial-device owns a virtio-serial-bus on which
 * virtconsole (a console port, /dev/hvcN in Linux) and virtserialport
 * (a named port, /dev/vportNpM) sit, each with chardev=ID.
 *
 * Queues (§5.3.2): port 0 receive/transmit are 0/1, the control queues
 * 2/3, port n > 0 uses 2n+2 / 2n+3.  Control messages (§5.3.6.2) announce
 * ports (DEVICE_ADD), mark consoles (CONSOLE_PORT), names (PORT_NAME) and
 * carry open/close of either side (PORT_OPEN).
 */
#include "hw/virtio/virtio.h"
#include "core/log.h"
#include "hw/core/qdev-properties-system.h"

#define TYPE_VIRTIO_SERIAL "virtio-serial-device"
#define TYPE_VIRTIO_SERIAL_BUS "virtio-serial-bus"
#define TYPE_VIRTIO_SERIAL_PORT "virtio-serial-port"
#define TYPE_VIRTCONSOLE "virtconsole"
#define TYPE_VIRTSERIALPORT "virtserialport"

#define VIRTIO_CONSOLE_F_SIZE 0
#define VIRTIO_CONSOLE_F_MULTIPORT 1

/* §5.3.6.2 control events */
#define VIRTIO_CONSOLE_DEVICE_READY 0
#define VIRTIO_CONSOLE_DEVICE_ADD 1
#define VIRTIO_CONSOLE_DEVICE_REMOVE 2
#define VIRTIO_CONSOLE_PORT_READY 3
#define VIRTIO_CONSOLE_CONSOLE_PORT 4
#define VIRTIO_CONSOLE_RESIZE 5
#define VIRTIO_CONSOLE_PORT_OPEN 6
#define VIRTIO_CONSOLE_PORT_NAME 7

#define SERIAL_MAX_PORTS 31
#define SERIAL_QUEUE_SIZE 128

typedef struct VirtIOSerial VirtIOSerial;

typedef struct VirtIOSerialPort {
    DeviceState parent_obj;
    CharBackend chr;
    char *name;
    uint32_t nr;
    bool is_console;
    VirtIOSerial *vser;
    VirtQueue *rx, *tx;
    VirtQueueElement *rx_elem;    /* a receive buffer being filled */
    size_t rx_off;
    bool guest_connected;
    bool host_connected;
} VirtIOSerialPort;

struct VirtIOSerial {
    VirtIODevice parent_obj;
    BusState *bus;
    uint32_t max_ports;
    VirtIOSerialPort *ports[SERIAL_MAX_PORTS + 1];
    VirtQueue *c_rx, *c_tx;
    GQueue pending_ctrl;          /* GByteArray*: messages waiting for buffers */
    bool driver_ready;
};

#define VIRTIO_SERIAL(obj) OBJECT_CHECK(VirtIOSerial, (obj), TYPE_VIRTIO_SERIAL)
#define VIRTIO_SERIAL_PORT(obj) \
    OBJECT_CHECK(VirtIOSerialPort, (obj), TYPE_VIRTIO_SERIAL_PORT)

/* Control messages to the driver */

static void ctrl_flush(VirtIOSerial *s)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    bool pushed = false;

    while (!g_queue_is_empty(&s->pending_ctrl)) {
        GByteArray *msg = g_queue_peek_head(&s->pending_ctrl);
        VirtQueueElement *elem = virtqueue_pop(s->c_rx);
        size_t n;

        if (!elem) {
            break;
        }
        g_queue_pop_head(&s->pending_ctrl);
        n = iov_from_buf(elem->in_sg, elem->in_num, 0, msg->data, msg->len);
        virtqueue_push(s->c_rx, elem, n);
        virtqueue_element_free(elem);
        g_byte_array_unref(msg);
        pushed = true;
    }
    if (pushed) {
        virtio_notify(vdev, s->c_rx);
    }
}

static void ctrl_send(VirtIOSerial *s, uint32_t id, uint16_t event, uint16_t value,
                      const char *extra)
{
    GByteArray *msg = g_byte_array_new();
    uint8_t hdr[8];

    virtio_stl_p(hdr, id);
    virtio_stw_p(hdr + 4, event);
    virtio_stw_p(hdr + 6, value);
    g_byte_array_append(msg, hdr, sizeof(hdr));
    if (extra) {
        g_byte_array_append(msg, (const uint8_t *)extra, strlen(extra) + 1);
    }
    g_queue_push_tail(&s->pending_ctrl, msg);
    ctrl_flush(s);
}

static void port_rx_release(VirtIOSerialPort *p)
{
    if (p->rx_elem) {
        virtqueue_detach_element(p->rx, p->rx_elem, 0);
        virtqueue_element_free(p->rx_elem);
        p->rx_elem = NULL;
    }
}

/* Host -> guest: the chardev delivers into the port's receive buffers. */
static int port_can_read(void *opaque)
{
    VirtIOSerialPort *p = opaque;
    VirtIOSerial *s = p->vser;

    if (!s || !p->rx || !p->guest_connected ||
        !(VIRTIO_DEVICE(s)->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return 0;
    }
    if (!p->rx_elem) {
        p->rx_elem = virtqueue_pop(p->rx);
        p->rx_off = 0;
        if (!p->rx_elem) {
            return 0;
        }
    }
    return iov_size(p->rx_elem->in_sg, p->rx_elem->in_num) - p->rx_off;
}

static void port_read(void *opaque, const uint8_t *buf, int size)
{
    VirtIOSerialPort *p = opaque;

    while (size > 0 && port_can_read(p) > 0) {
        size_t n = iov_from_buf(p->rx_elem->in_sg, p->rx_elem->in_num, p->rx_off, buf,
                                size);

        p->rx_off += n;
        buf += n;
        size -= n;
        /* Hand each chunk over at once: a console wants its bytes now. */
        virtqueue_push(p->rx, p->rx_elem, p->rx_off);
        virtqueue_element_free(p->rx_elem);
        p->rx_elem = NULL;
        virtio_notify(VIRTIO_DEVICE(p->vser), p->rx);
    }
}

static void port_event(void *opaque, QEMUChrEvent event)
{
    VirtIOSerialPort *p = opaque;

    if (event != CHR_EVENT_OPENED && event != CHR_EVENT_CLOSED) {
        return;
    }
    p->host_connected = event == CHR_EVENT_OPENED;
    if (p->vser && p->vser->driver_ready && !p->is_console) {
        ctrl_send(p->vser, p->nr, VIRTIO_CONSOLE_PORT_OPEN, p->host_connected, NULL);
    }
}

static VirtIOSerialPort *port_by_queue(VirtIOSerial *s, VirtQueue *vq)
{
    unsigned idx = virtio_queue_index(vq);
    unsigned nr = idx < 2 ? 0 : idx / 2 - 1;

    return nr <= SERIAL_MAX_PORTS ? s->ports[nr] : NULL;
}

static void serial_handle_rx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOSerialPort *p = port_by_queue(VIRTIO_SERIAL(vdev), vq);

    if (p && p->chr.chr) {
        qemu_chr_fe_accept_input(&p->chr);
    }
}

/* Guest -> host: write everything out, then return the buffers. */
static void serial_handle_tx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOSerialPort *p = port_by_queue(VIRTIO_SERIAL(vdev), vq);
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq))) {
        for (unsigned i = 0; p && p->chr.chr && i < elem->out_num; i++) {
            qemu_chr_fe_write_all(&p->chr, elem->out_sg[i].iov_base,
                                  elem->out_sg[i].iov_len);
        }
        virtqueue_push(vq, elem, 0);
        virtqueue_element_free(elem);
    }
    virtio_notify(vdev, vq);
}

static void port_announce(VirtIOSerial *s, VirtIOSerialPort *p)
{
    ctrl_send(s, p->nr, VIRTIO_CONSOLE_DEVICE_ADD, 1, NULL);
}

/* Guest control messages (§5.3.6.2). */
static void serial_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOSerial *s = VIRTIO_SERIAL(vdev);
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq))) {
        uint8_t hdr[8];
        uint32_t id;
        uint16_t event, value;
        VirtIOSerialPort *p;

        if (iov_to_buf(elem->out_sg, elem->out_num, 0, hdr, sizeof(hdr)) < sizeof(hdr)) {
            qemu_log_mask(LOG_GUEST_ERROR, "virtio-serial: short control message\n");
            goto next;
        }
        id = virtio_ldl_p(hdr);
        event = hdr[4] | hdr[5] << 8;
        value = hdr[6] | hdr[7] << 8;
        if (event == VIRTIO_CONSOLE_DEVICE_READY) {
            s->driver_ready = value;
            for (unsigned i = 0; value && i <= SERIAL_MAX_PORTS; i++) {
                if (s->ports[i]) {
                    port_announce(s, s->ports[i]);
                }
            }
            goto next;
        }
        p = id <= SERIAL_MAX_PORTS ? s->ports[id] : NULL;
        if (!p) {
            qemu_log_mask(LOG_GUEST_ERROR, "virtio-serial: control event %u for unknown "
                          "port %u\n", event, id);
            goto next;
        }
        switch (event) {
        case VIRTIO_CONSOLE_PORT_READY:
            if (!value) {
                break;
            }
            if (p->is_console) {
                ctrl_send(s, p->nr, VIRTIO_CONSOLE_CONSOLE_PORT, 1, NULL);
            }
            if (p->name) {
                ctrl_send(s, p->nr, VIRTIO_CONSOLE_PORT_NAME, 1, p->name);
            }
            if (p->is_console || p->host_connected || qemu_chr_fe_backend_open(&p->chr)) {
                ctrl_send(s, p->nr, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL);
            }
            break;
        case VIRTIO_CONSOLE_PORT_OPEN:
            p->guest_connected = value;
            if (value && p->chr.chr) {
                qemu_chr_fe_accept_input(&p->chr);
            }
            break;
        default:
            break;
        }
next:
        virtqueue_push(vq, elem, 0);
        virtqueue_element_free(elem);
    }
    virtio_notify(vdev, vq);
}

static void serial_handle_c_rx(VirtIODevice *vdev, VirtQueue *vq)
{
    ctrl_flush(VIRTIO_SERIAL(vdev));
}

static uint64_t serial_get_features(VirtIODevice *vdev, uint64_t f)
{
    return f | 1ULL << VIRTIO_CONSOLE_F_MULTIPORT;
}

static void serial_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOSerial *s = VIRTIO_SERIAL(vdev);

    memset(config, 0, 12);
    virtio_stl_p(config + 4, s->max_ports);     /* cols, rows 0; max_nr_ports */
}

static void serial_reset(VirtIODevice *vdev)
{
    VirtIOSerial *s = VIRTIO_SERIAL(vdev);

    s->driver_ready = false;
    g_queue_clear_full(&s->pending_ctrl, (GDestroyNotify)g_byte_array_unref);
    for (unsigned i = 0; i <= SERIAL_MAX_PORTS; i++) {
        if (s->ports[i]) {
            port_rx_release(s->ports[i]);
            s->ports[i]->guest_connected = false;
        }
    }
}

static void serial_realize(VirtIODevice *vdev, Error **errp)
{
    VirtIOSerial *s = VIRTIO_SERIAL(vdev);

    /* Two queues per port plus two control queues fill VIRTIO_QUEUE_MAX. */
    if (s->max_ports == 0 || s->max_ports > SERIAL_MAX_PORTS) {
        error_setg(errp, "maximum ports supported: %u", SERIAL_MAX_PORTS);
        return;
    }
    virtio_init(vdev, VIRTIO_ID_CONSOLE, 12);
    for (unsigned n = 0; n < s->max_ports; n++) {
        if (n == 1) {
            s->c_rx = virtio_add_queue(vdev, 32, serial_handle_c_rx);
            s->c_tx = virtio_add_queue(vdev, 32, serial_handle_ctrl);
        }
        virtio_add_queue(vdev, SERIAL_QUEUE_SIZE, serial_handle_rx);
        virtio_add_queue(vdev, SERIAL_QUEUE_SIZE, serial_handle_tx);
    }
    if (s->max_ports == 1) {
        s->c_rx = virtio_add_queue(vdev, 32, serial_handle_c_rx);
        s->c_tx = virtio_add_queue(vdev, 32, serial_handle_ctrl);
    }
    g_queue_init(&s->pending_ctrl);
    s->bus = qbus_new(TYPE_VIRTIO_SERIAL_BUS, DEVICE(vdev), NULL);
}

static void serial_unrealize(VirtIODevice *vdev)
{
    VirtIOSerial *s = VIRTIO_SERIAL(vdev);

    g_queue_clear_full(&s->pending_ctrl, (GDestroyNotify)g_byte_array_unref);
}

/* Ports */

static void port_realize(DeviceState *dev, Error **errp)
{
    VirtIOSerialPort *p = VIRTIO_SERIAL_PORT(dev);
    BusState *bus = dev->parent_bus;
    VirtIOSerial *s;
    VirtIODevice *vdev;

    if (!bus || !bus->parent) {
        error_setg(errp, "%s needs a virtio-serial bus", object_get_typename(OBJECT(dev)));
        return;
    }
    s = VIRTIO_SERIAL(bus->parent);
    vdev = VIRTIO_DEVICE(s);
    if (p->nr == UINT32_MAX) {
        /* Port 0 is for a console, as QEMU assigns it; others take the next free. */
        p->nr = p->is_console && !s->ports[0] ? 0 : 1;
        while (p->nr < s->max_ports && s->ports[p->nr]) {
            p->nr++;
        }
        if (p->nr >= s->max_ports) {
            error_setg(errp, "virtio-serial-bus: Out of port numbers");
            return;
        }
    } else if (p->nr >= s->max_ports) {
        error_setg(errp, "virtio-serial-bus: Out-of-range port id specified, max. "
                   "allowed: %u", s->max_ports - 1);
        return;
    } else if (s->ports[p->nr]) {
        error_setg(errp, "virtio-serial-bus: A port already exists at id %u", p->nr);
        return;
    }
    if (p->nr == 0 && !p->is_console) {
        error_setg(errp, "Port number 0 on virtio-serial devices reserved for "
                   "virtconsole devices for backward compatibility.");
        return;
    }
    p->vser = s;
    p->rx = virtio_get_queue(vdev, p->nr == 0 ? 0 : 2 * p->nr + 2);
    p->tx = virtio_get_queue(vdev, p->nr == 0 ? 1 : 2 * p->nr + 3);
    s->ports[p->nr] = p;
    if (p->chr.chr) {
        qemu_chr_fe_set_handlers(&p->chr, port_can_read, port_read, port_event, p, NULL,
                                 true);
    }
    if (s->driver_ready) {
        port_announce(s, p);
    }
}

static void port_unrealize(DeviceState *dev)
{
    VirtIOSerialPort *p = VIRTIO_SERIAL_PORT(dev);
    VirtIOSerial *s = p->vser;

    if (!s) {
        return;
    }
    port_rx_release(p);
    if (p->chr.chr) {
        qemu_chr_fe_set_handlers(&p->chr, NULL, NULL, NULL, NULL, NULL, false);
    }
    s->ports[p->nr] = NULL;
    if (s->driver_ready) {
        ctrl_send(s, p->nr, VIRTIO_CONSOLE_DEVICE_REMOVE, 1, NULL);
    }
    p->vser = NULL;
}

static const Property port_props[] = {
    DEFINE_PROP_CHR("chardev", VirtIOSerialPort, chr),
    DEFINE_PROP_STRING("name", VirtIOSerialPort, name),
    DEFINE_PROP_UINT32("nr", VirtIOSerialPort, nr, UINT32_MAX),
    DEFINE_PROP_END_OF_LIST(),
};

static void port_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = port_realize;
    dc->unrealize = port_unrealize;
    dc->bus_type = TYPE_VIRTIO_SERIAL_BUS;
    dc->user_creatable = true;
    dc->hotpluggable = true;
    object_class_set_props(oc, port_props);
}

static void console_init(Object *obj)
{
    VIRTIO_SERIAL_PORT(obj)->is_console = true;
}

static void console_class_init(ObjectClass *oc, void *data)
{
    DEVICE_CLASS(oc)->desc = "Virtio console port";
}

static void serialport_class_init(ObjectClass *oc, void *data)
{
    DEVICE_CLASS(oc)->desc = "Virtio serial port";
}

static const Property serial_props[] = {
    DEFINE_PROP_UINT32("max_ports", VirtIOSerial, max_ports, SERIAL_MAX_PORTS),
    DEFINE_PROP_END_OF_LIST(),
};

static void serial_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "Virtio serial bus device";
    object_class_set_props(oc, serial_props);
    vdc->realize = serial_realize;
    vdc->unrealize = serial_unrealize;
    vdc->get_features = serial_get_features;
    vdc->get_config = serial_get_config;
    vdc->reset = serial_reset;
}

static const TypeInfo virtio_serial_types[] = {
    {
        .name = TYPE_VIRTIO_SERIAL,
        .parent = TYPE_VIRTIO_DEVICE,
        .instance_size = sizeof(VirtIOSerial),
        .desc = "Virtio serial bus device",
        .class_init = serial_class_init,
    }, {
        .name = TYPE_VIRTIO_SERIAL_BUS,
        .parent = TYPE_BUS,
    }, {
        .name = TYPE_VIRTIO_SERIAL_PORT,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(VirtIOSerialPort),
        .abstract = true,
        .class_init = port_class_init,
    }, {
        .name = TYPE_VIRTCONSOLE,
        .parent = TYPE_VIRTIO_SERIAL_PORT,
        .desc = "Virtio console port",
        .instance_init = console_init,
        .class_init = console_class_init,
    }, {
        .name = TYPE_VIRTSERIALPORT,
        .parent = TYPE_VIRTIO_SERIAL_PORT,
        .desc = "Virtio serial port",
        .class_init = serialport_class_init,
    },
};

static void virtio_serial_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(virtio_serial_types); i++) {
        type_register_static(&virtio_serial_types[i]);
    }
}
type_init(virtio_serial_register_types)
