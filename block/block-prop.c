/*
 * The "drive" property type (see block-prop.h).
 */
#include "block/block-prop.h"

static BlockBackend **drive_field(Object *obj, const Property *prop)
{
    return (BlockBackend **)((char *)obj + prop->offset);
}

static bool drive_parse(Object *obj, const Property *prop, const char *str, Error **errp)
{
    BlockBackend **field = drive_field(obj, prop);
    BlockBackend *blk;

    if (*field) {
        error_setg(errp, "Property '%s.%s' can't be set twice", object_get_typename(obj),
                   prop->name);
        return false;
    }
    blk = blk_find_or_create(str, errp);
    if (!blk) {
        return false;
    }
    if (!blk_attach_dev(blk, obj, errp)) {
        /* An anonymous backend made just now goes again. */
        if (!blk_get_attached_dev(blk) && !*blk_name(blk)) {
            blk_unref(blk);
        }
        return false;
    }
    /* blk_attach_dev took a reference; an anonymous backend drops its first. */
    if (!*blk_name(blk)) {
        blk_unref(blk);
    }
    *field = blk;
    return true;
}

static char *drive_print(Object *obj, const Property *prop)
{
    BlockBackend *blk = *drive_field(obj, prop);

    if (!blk) {
        return g_strdup("");
    }
    return g_strdup(*blk_name(blk) ? blk_name(blk) : blk_bs(blk)->node_name);
}

static void drive_release(Object *obj, const Property *prop)
{
    BlockBackend **field = drive_field(obj, prop);

    if (*field) {
        blk_detach_dev(*field, obj);
        *field = NULL;
    }
}

const PropertyInfo prop_info_drive = {
    .type = "str",
    .desc = "Node name or ID of a block device to use as a backend",
    .parse = drive_parse,
    .print = drive_print,
    .release = drive_release,
};
