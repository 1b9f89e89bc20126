/*
 * The ringbuf (alias memory) backend: output is kept in a ring of size=
 * bytes (a power of two, default 64 KiB), the oldest bytes overwritten;
 * ringbuf-read takes them out.
 */
#include "core/osdep.h"
#include "chardev/char.h"
#include "chardev/char-internal.h"

#define TYPE_CHARDEV_RINGBUF "chardev-ringbuf"

typedef struct RingbufChardev {
    Chardev parent_obj;
    size_t size;
    uint64_t prod, cons;        /* free-running; index = x & (size - 1) */
    uint8_t *cbuf;
} RingbufChardev;

#define RINGBUF_CHARDEV(obj) OBJECT_CHECK(RingbufChardev, (obj), TYPE_CHARDEV_RINGBUF)

static const OptDesc ringbuf_opts[] = {
    { "size", OPT_NUMBER, "ring size in bytes, a power of two (default 65536)" },
    { NULL }
};

static bool ringbuf_chr_open(Chardev *chr, ChardevOpts *opts, bool *be_opened,
                             Error **errp)
{
    RingbufChardev *d = RINGBUF_CHARDEV(chr);
    uint64_t size = chr_opt_get_number(opts, "size", 64 * KiB);

    if (!is_power_of_2(size) || size > 1 * GiB) {
        error_setg(errp, "size of ringbuf chardev must be a power of two "
                   "(up to 1G), not %" PRIu64, size);
        return false;
    }
    d->size = size;
    d->cbuf = g_malloc0(size);
    chr_set_filename(chr, "ringbuf");
    return true;
}

/* Caller holds chr->write_lock. */
static int ringbuf_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    RingbufChardev *d = RINGBUF_CHARDEV(chr);

    for (int i = 0; i < len; i++) {
        d->cbuf[d->prod++ & (d->size - 1)] = buf[i];
        if (d->prod - d->cons > d->size) {
            d->cons = d->prod - d->size;      /* drop the oldest byte */
        }
    }
    return len;
}

int64_t qemu_chr_ringbuf_read(Chardev *chr, uint8_t *buf, size_t size, Error **errp)
{
    RingbufChardev *d;
    size_t n = 0;

    if (!object_dynamic_cast(OBJECT(chr), TYPE_CHARDEV_RINGBUF)) {
        error_setg(errp, "%s is not a ringbuf device", chr->label);
        return -1;
    }
    d = RINGBUF_CHARDEV(chr);
    pthread_mutex_lock(&chr->write_lock);
    while (n < size && d->cons != d->prod) {
        buf[n++] = d->cbuf[d->cons++ & (d->size - 1)];
    }
    pthread_mutex_unlock(&chr->write_lock);
    return n;
}

bool qemu_chr_ringbuf_write(Chardev *chr, const uint8_t *buf, size_t len, Error **errp)
{
    if (!object_dynamic_cast(OBJECT(chr), TYPE_CHARDEV_RINGBUF)) {
        error_setg(errp, "%s is not a ringbuf device", chr->label);
        return false;
    }
    pthread_mutex_lock(&chr->write_lock);
    ringbuf_chr_write(chr, buf, len);
    pthread_mutex_unlock(&chr->write_lock);
    return true;
}

static void ringbuf_chr_finalize(Object *obj)
{
    g_free(RINGBUF_CHARDEV(obj)->cbuf);
}

static void ringbuf_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = "ringbuf";
    cc->opts = ringbuf_opts;
    cc->open = ringbuf_chr_open;
    cc->chr_write = ringbuf_chr_write;
}

static const TypeInfo ringbuf_chardev_info = {
    .name = TYPE_CHARDEV_RINGBUF,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(RingbufChardev),
    .desc = "keep output in a memory ring (size=)",
    .class_init = ringbuf_chr_class_init,
    .instance_finalize = ringbuf_chr_finalize,
};

static void ringbuf_chardev_register_types(void)
{
    type_register_static(&ringbuf_chardev_info);
}

type_init(ringbuf_chardev_register_types)
