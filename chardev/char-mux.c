/*
 * The multiplexer: one backend shared by up to MUX_MAX frontends (a UART and
 * the monitor behind "-serial mon:stdio", or -chardev ...,mux=on).
 *
 * Output from every frontend goes to the backend.  Input goes to the
 * frontend with the focus; the user moves the focus and controls the
 * emulator with Ctrl-A sequences typed on the backend:
 *   C-a c    next frontend (MUX_OUT to the old one, MUX_IN to the new one)
 *   C-a x    print "machina: terminated" and request shutdown (host UI)
 *   C-a b    a serial break to the focused frontend
 *   C-a h/?  the help text
 *   C-a C-a  a literal C-a
 * Each frontend has a small buffer so a frontend that is momentarily full
 * loses nothing; while the buffer is full the backend is not read.
 *
 * The backend has one write-watch slot but each frontend may be waiting for
 * it at once (the UART and the monitor both blocked on a full terminal), so
 * the mux keeps one watch per frontend and fans the backend's single
 * callback out to all of them; a frontend cancelling its watch leaves the
 * others' in place.
 */
#include "core/osdep.h"
#include "chardev/char.h"
#include "chardev/char-internal.h"

#define MUX_BUFFER_SIZE 32
#define MUX_ESCAPE 0x01          /* Ctrl-A */

typedef struct MuxChardev {
    Chardev parent_obj;
    Chardev *drv;
    CharBackend drv_be;          /* the mux is the backend's frontend */
    CharBackend *backends[MUX_MAX];
    int mux_cnt;                 /* slots in use or freed; NULL slots were detached */
    int focus;                   /* tag, or -1 */
    bool got_escape;
    uint8_t buf[MUX_MAX][MUX_BUFFER_SIZE];
    int buf_len[MUX_MAX];
    ChrWritableFunc *out_cb[MUX_MAX];   /* per-frontend pending write watch */
    void *out_opaque[MUX_MAX];
    bool drv_watch;                     /* registered on the backend */
} MuxChardev;

#define MUX_CHARDEV(obj) OBJECT_CHECK(MuxChardev, (obj), TYPE_CHARDEV_MUX)

bool chr_is_mux(Chardev *chr)
{
    return object_dynamic_cast(OBJECT(chr), TYPE_CHARDEV_MUX) != NULL;
}

static void mux_send_event_to(CharBackend *b, QEMUChrEvent event)
{
    if (b && b->chr_event) {
        b->chr_event(b->opaque, event);
    }
}

void mux_chr_send_event(Chardev *chr, QEMUChrEvent event)
{
    MuxChardev *d = MUX_CHARDEV(chr);

    if (event == CHR_EVENT_BREAK) {
        if (d->focus >= 0) {
            mux_send_event_to(d->backends[d->focus], event);
        }
        return;
    }
    for (int i = 0; i < d->mux_cnt; i++) {
        mux_send_event_to(d->backends[i], event);
    }
}

void mux_chr_set_focus(Chardev *chr, int tag)
{
    MuxChardev *d = MUX_CHARDEV(chr);

    if (tag < 0 || tag >= d->mux_cnt || !d->backends[tag]) {
        return;
    }
    if (d->focus >= 0 && d->focus != tag) {
        mux_send_event_to(d->backends[d->focus], CHR_EVENT_MUX_OUT);
    }
    d->focus = tag;
    mux_send_event_to(d->backends[tag], CHR_EVENT_MUX_IN);
}

int mux_chr_frontend_count(Chardev *chr)
{
    MuxChardev *d = MUX_CHARDEV(chr);
    int n = 0;

    for (int i = 0; i < d->mux_cnt; i++) {
        n += d->backends[i] != NULL;
    }
    return n;
}

bool mux_chr_attach_frontend(Chardev *chr, CharBackend *b, Error **errp)
{
    MuxChardev *d = MUX_CHARDEV(chr);
    int tag;

    /* A detached frontend's slot is reused before a new one is taken. */
    for (tag = 0; tag < d->mux_cnt && d->backends[tag]; tag++) {
    }
    if (tag == MUX_MAX) {
        error_setg(errp, "too many uses of multiplexed chardev '%s'", chr->label);
        return false;
    }
    if (tag == d->mux_cnt) {
        d->mux_cnt++;
    }
    b->tag = tag;
    d->backends[b->tag] = b;
    d->buf_len[b->tag] = 0;
    /* The newest frontend (the UART after the monitor) starts with the focus. */
    mux_chr_set_focus(chr, b->tag);
    return true;
}

void mux_chr_detach_frontend(Chardev *chr, CharBackend *b)
{
    MuxChardev *d = MUX_CHARDEV(chr);

    if (b->tag < 0 || b->tag >= d->mux_cnt || d->backends[b->tag] != b) {
        return;
    }
    d->backends[b->tag] = NULL;
    mux_chr_add_fe_write_watch(chr, b->tag, NULL, NULL);
    if (d->focus == b->tag) {
        d->focus = -1;
        for (int i = 0; i < d->mux_cnt; i++) {
            if (d->backends[i]) {
                mux_chr_set_focus(chr, i);
                break;
            }
        }
    }
}

static int mux_fe_can_read(CharBackend *b)
{
    return b && b->chr_can_read && b->chr_read ? b->chr_can_read(b->opaque) : 0;
}

/* Hand buffered input of frontend tag to it, as much as it takes. */
static void mux_flush(MuxChardev *d, int tag)
{
    CharBackend *b = d->backends[tag];
    int n = MIN(mux_fe_can_read(b), d->buf_len[tag]);

    if (n <= 0) {
        return;
    }
    b->chr_read(b->opaque, d->buf[tag], n);
    memmove(d->buf[tag], d->buf[tag] + n, d->buf_len[tag] - n);
    d->buf_len[tag] -= n;
}

static void mux_deliver(MuxChardev *d, uint8_t ch)
{
    int tag = d->focus;

    if (tag < 0 || !d->backends[tag]) {
        return;          /* nobody listening: the byte is lost, as on a bare line */
    }
    if (d->buf_len[tag] == MUX_BUFFER_SIZE) {
        mux_flush(d, tag);
    }
    if (d->buf_len[tag] < MUX_BUFFER_SIZE) {
        d->buf[tag][d->buf_len[tag]++] = ch;
    }
}

static void mux_print(MuxChardev *d, const char *s)
{
    qemu_chr_fe_write_all(&d->drv_be, (const uint8_t *)s, strlen(s));
}

static void mux_print_help(MuxChardev *d)
{
    mux_print(d, "\r\n"
                 "C-a h    show this help\r\n"
                 "C-a x    quit the emulator\r\n"
                 "C-a b    send a serial break\r\n"
                 "C-a c    move input to the next frontend (console/monitor)\r\n"
                 "C-a C-a  type C-a itself\r\n");
}

static void mux_next_focus(MuxChardev *d)
{
    for (int i = 1; i <= d->mux_cnt; i++) {
        int tag = (d->focus + i + d->mux_cnt) % d->mux_cnt;
        if (d->backends[tag]) {
            mux_flush(d, d->focus >= 0 ? d->focus : tag);
            mux_chr_set_focus(CHARDEV(d), tag);
            return;
        }
    }
}

static void mux_escape(MuxChardev *d, uint8_t ch)
{
    switch (ch) {
    case MUX_ESCAPE:
        mux_deliver(d, ch);
        break;
    case 'h':
    case '?':
        mux_print_help(d);
        break;
    case 'x':
        mux_print(d, "machina: terminated\r\n");
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_UI);
        break;
    case 'b':
        mux_chr_send_event(CHARDEV(d), CHR_EVENT_BREAK);
        break;
    case 'c':
        mux_next_focus(d);
        break;
    default:
        /* Unknown sequences are swallowed, so a typo does not reach the guest. */
        break;
    }
}

static int mux_can_read(void *opaque)
{
    MuxChardev *d = opaque;
    int tag = d->focus;

    if (tag < 0 || !d->backends[tag]) {
        return 0;
    }
    /* Whatever fits in our buffer plus what the frontend takes right away. */
    return MUX_BUFFER_SIZE - d->buf_len[tag] + mux_fe_can_read(d->backends[tag]);
}

static void mux_read(void *opaque, const uint8_t *buf, int size)
{
    MuxChardev *d = opaque;

    for (int i = 0; i < size; i++) {
        uint8_t ch = buf[i];

        if (d->got_escape) {
            d->got_escape = false;
            /* What was typed before the command reaches the frontend first. */
            if (d->focus >= 0 && d->backends[d->focus]) {
                mux_flush(d, d->focus);
            }
            mux_escape(d, ch);
        } else if (ch == MUX_ESCAPE) {
            d->got_escape = true;
        } else {
            mux_deliver(d, ch);
        }
    }
    if (d->focus >= 0 && d->backends[d->focus]) {
        mux_flush(d, d->focus);
    }
}

static void mux_event(void *opaque, QEMUChrEvent event)
{
    MuxChardev *d = opaque;
    Chardev *chr = CHARDEV(d);

    if (event == CHR_EVENT_OPENED) {
        chr->be_open = true;
    } else if (event == CHR_EVENT_CLOSED) {
        chr->be_open = false;
    }
    mux_chr_send_event(chr, event);
}

static int mux_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return qemu_chr_fe_write(&MUX_CHARDEV(chr)->drv_be, buf, len);
}

static void mux_chr_wait_writable(Chardev *chr)
{
    Chardev *drv = MUX_CHARDEV(chr)->drv;
    ChardevClass *cc = drv ? CHARDEV_GET_CLASS(drv) : NULL;

    if (cc && cc->chr_wait_writable) {
        cc->chr_wait_writable(drv);
    } else {
        g_usleep(1000);
    }
}

static void mux_writable(void *opaque)
{
    MuxChardev *d = opaque;
    ChrWritableFunc *cb[MUX_MAX];
    void *arg[MUX_MAX];
    int n = d->mux_cnt;

    /* One-shot, like the backend's: a frontend still blocked re-arms. */
    d->drv_watch = false;
    for (int i = 0; i < n; i++) {
        cb[i] = d->out_cb[i];
        arg[i] = d->out_opaque[i];
        d->out_cb[i] = NULL;
    }
    for (int i = 0; i < n; i++) {
        if (cb[i]) {
            cb[i](arg[i]);
        }
    }
}

bool mux_chr_add_fe_write_watch(Chardev *chr, int tag, ChrWritableFunc *cb, void *opaque)
{
    MuxChardev *d = MUX_CHARDEV(chr);
    bool any = false;

    if (tag < 0 || tag >= MUX_MAX) {
        return false;
    }
    d->out_cb[tag] = cb;
    d->out_opaque[tag] = opaque;
    for (int i = 0; i < d->mux_cnt; i++) {
        any |= d->out_cb[i] != NULL;
    }
    if (any && !d->drv_watch) {
        if (!qemu_chr_fe_add_write_watch(&d->drv_be, mux_writable, d)) {
            d->out_cb[tag] = NULL;
            return false;      /* the backend never blocks */
        }
        d->drv_watch = true;
    } else if (!any && d->drv_watch) {
        qemu_chr_fe_add_write_watch(&d->drv_be, NULL, NULL);
        d->drv_watch = false;
    }
    return true;
}

/* A frontend set handlers or accepts input again. */
static void mux_chr_update_read_handler(Chardev *chr)
{
    MuxChardev *d = MUX_CHARDEV(chr);

    if (d->focus >= 0 && d->backends[d->focus]) {
        mux_flush(d, d->focus);
    }
    if (d->drv_be.chr && d->drv->loop != chr->loop) {
        qemu_chr_fe_set_handlers(&d->drv_be, mux_can_read, mux_read, mux_event, d,
                                 chr->loop, false);
    } else {
        qemu_chr_fe_accept_input(&d->drv_be);
    }
}

Chardev *mux_chr_new(const char *id, Chardev *drv, Error **errp)
{
    Chardev *chr = CHARDEV(object_new(TYPE_CHARDEV_MUX));
    MuxChardev *d = MUX_CHARDEV(chr);

    chr->label = g_strdup(id);
    chr_set_filename(chr, "mux:%s", drv->label);
    if (!qemu_chr_fe_init(&d->drv_be, drv, errp)) {
        object_unref(OBJECT(chr));
        return NULL;
    }
    d->drv = drv;
    chr->be_open = drv->be_open;
    qemu_chr_fe_set_handlers(&d->drv_be, mux_can_read, mux_read, mux_event, d, NULL,
                             false);
    if (!chr_registry_add(chr, errp)) {
        object_unref(OBJECT(chr));
        return NULL;
    }
    return chr;
}

static void mux_chr_init(Object *obj)
{
    MUX_CHARDEV(obj)->focus = -1;
}

static void mux_chr_finalize(Object *obj)
{
    MuxChardev *d = MUX_CHARDEV(obj);

    for (int i = 0; i < d->mux_cnt; i++) {
        if (d->backends[i]) {
            d->backends[i]->chr = NULL;
        }
    }
    qemu_chr_fe_deinit(&d->drv_be, false);
}

static void mux_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = "mux";
    cc->internal = true;
    cc->chr_write = mux_chr_write;
    cc->chr_wait_writable = mux_chr_wait_writable;
    cc->chr_update_read_handler = mux_chr_update_read_handler;
}

static const TypeInfo mux_chardev_info = {
    .name = TYPE_CHARDEV_MUX,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(MuxChardev),
    .desc = "multiplexer: several frontends on one backend",
    .instance_init = mux_chr_init,
    .class_init = mux_chr_class_init,
    .instance_finalize = mux_chr_finalize,
};

static void mux_chardev_register_types(void)
{
    type_register_static(&mux_chardev_info);
}

type_init(mux_chardev_register_types)
