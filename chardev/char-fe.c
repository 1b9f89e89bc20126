/*
 * The frontend API: what a UART, a virtio-console or the monitor calls on
 * the CharBackend embedded in its state.
 */
#include "core/osdep.h"
#include "chardev/char.h"
#include "chardev/char-internal.h"

bool qemu_chr_fe_init(CharBackend *b, Chardev *chr, Error **errp)
{
    b->chr = NULL;
    b->chr_can_read = NULL;
    b->chr_read = NULL;
    b->chr_event = NULL;
    b->opaque = NULL;
    b->tag = 0;
    if (!chr) {
        return true;          /* backend-less: output is dropped */
    }
    if (chr_is_mux(chr)) {
        if (!mux_chr_attach_frontend(chr, b, errp)) {
            return false;
        }
    } else {
        if (chr->be) {
            error_setg(errp, "Device '%s' is in use", chr->label);
            return false;
        }
        chr->be = b;
    }
    b->chr = chr;
    return true;
}

void qemu_chr_fe_deinit(CharBackend *b, bool del)
{
    Chardev *chr = b->chr;

    if (!chr) {
        return;
    }
    qemu_chr_fe_set_handlers(b, NULL, NULL, NULL, NULL, NULL, false);
    if (chr_is_mux(chr)) {
        mux_chr_detach_frontend(chr, b);
    } else if (chr->be == b) {
        chr->be = NULL;
    }
    b->chr = NULL;
    if (del && !chr_in_use(chr)) {
        chr_destroy(chr);
    }
}

void qemu_chr_fe_set_handlers(CharBackend *b, IOCanReadHandler *can_read,
                              IOReadHandler *read, IOEventHandler *event, void *opaque,
                              EventLoop *loop, bool set_open)
{
    Chardev *chr = b->chr;
    ChardevClass *cc;

    b->chr_can_read = can_read;
    b->chr_read = read;
    b->chr_event = event;
    b->opaque = opaque;
    if (!chr) {
        return;
    }
    cc = CHARDEV_GET_CLASS(chr);
    chr->loop = loop;
    /* The backend starts or stops watching its input fd in the right loop. */
    if (cc->chr_update_read_handler) {
        cc->chr_update_read_handler(chr);
    }
    /* Joining a peer that is already there: tell this frontend. */
    if (set_open && chr->be_open && event) {
        event(opaque, CHR_EVENT_OPENED);
    }
}

int qemu_chr_fe_write(CharBackend *b, const uint8_t *buf, int len)
{
    int n;

    if (!b->chr) {
        return len;
    }
    do {
        n = chr_write_locked(b->chr, buf, len);
    } while (n < 0 && errno == EINTR);
    return n;
}

int qemu_chr_fe_write_all(CharBackend *b, const uint8_t *buf, int len)
{
    if (!b->chr) {
        return len;
    }
    return qemu_chr_write_all(b->chr, buf, len);
}

void qemu_chr_fe_accept_input(CharBackend *b)
{
    Chardev *chr = b->chr;
    ChardevClass *cc;

    if (!chr) {
        return;
    }
    cc = CHARDEV_GET_CLASS(chr);
    if (cc->chr_update_read_handler) {
        cc->chr_update_read_handler(chr);
    }
}

bool qemu_chr_fe_backend_connected(CharBackend *b)
{
    return b->chr != NULL;
}

bool qemu_chr_fe_backend_open(CharBackend *b)
{
    return b->chr && b->chr->be_open;
}

Chardev *qemu_chr_fe_get_driver(CharBackend *b)
{
    return b->chr;
}

void qemu_chr_fe_printf(CharBackend *b, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qemu_chr_fe_write_all(b, (const uint8_t *)s, strlen(s));
    g_free(s);
}

void qemu_chr_fe_take_focus(CharBackend *b)
{
    if (b->chr && chr_is_mux(b->chr)) {
        mux_chr_set_focus(b->chr, b->tag);
    }
}

bool qemu_chr_fe_add_write_watch(CharBackend *b, ChrWritableFunc *cb, void *opaque)
{
    ChardevClass *cc;

    if (!b->chr) {
        return false;
    }
    if (chr_is_mux(b->chr)) {
        return mux_chr_add_fe_write_watch(b->chr, b->tag, cb, opaque);
    }
    cc = CHARDEV_GET_CLASS(b->chr);
    return cc->chr_add_write_watch && cc->chr_add_write_watch(b->chr, cb, opaque);
}
