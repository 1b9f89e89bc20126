/* The chardev=ID device property (see qdev-properties-system.h). */
#include "core/osdep.h"
#include "hw/core/qdev-properties-system.h"

static CharBackend *prop_chr_field(Object *obj, const Property *prop)
{
    return (CharBackend *)((char *)obj + prop->offset);
}

static bool prop_chr_parse(Object *obj, const Property *prop, const char *str,
                           Error **errp)
{
    CharBackend *be = prop_chr_field(obj, prop);
    Chardev *chr = NULL;

    if (*str) {
        chr = qemu_chr_find(str);
        if (!chr) {
            error_setg(errp, "Property '%s.%s' can't find value '%s'",
                       object_get_typename(obj), prop->name, str);
            return false;
        }
    }
    /* Changing the backend: let go of the old one first. */
    if (be->chr == chr) {
        return true;
    }
    if (be->chr) {
        qemu_chr_fe_deinit(be, false);
    }
    return qemu_chr_fe_init(be, chr, errp);
}

static char *prop_chr_print(Object *obj, const Property *prop)
{
    CharBackend *be = prop_chr_field(obj, prop);

    return g_strdup(be->chr && be->chr->label ? be->chr->label : "");
}

static void prop_chr_release(Object *obj, const Property *prop)
{
    CharBackend *be = prop_chr_field(obj, prop);

    if (be->chr) {
        qemu_chr_fe_deinit(be, false);
    }
}

const PropertyInfo prop_info_chr = {
    .type = "str",
    .desc = "ID of a chardev to use as a backend",
    .parse = prop_chr_parse,
    .print = prop_chr_print,
    .release = prop_chr_release,
};
