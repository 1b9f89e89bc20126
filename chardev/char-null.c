/* The null backend: output vanishes, no input ever arrives. */
#include "core/osdep.h"
#include "chardev/char.h"
#include "chardev/char-internal.h"

static bool null_chr_open(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp)
{
    chr_set_filename(chr, "null");
    return true;
}

static int null_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

static void null_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = "null";
    cc->open = null_chr_open;
    cc->chr_write = null_chr_write;
}

static const TypeInfo null_chardev_info = {
    .name = "chardev-null",
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(Chardev),
    .desc = "discard output, never any input",
    .class_init = null_chr_class_init,
};

static void null_chardev_register_types(void)
{
    type_register_static(&null_chardev_info);
}

type_init(null_chardev_register_types)
