/*
 * Text views of the device model, in the layouts QEMU users and scripts
 * know: "info qtree", "-device help" and "-device NAME,help".
 */
#include "core/osdep.h"
#include "hw/core/qdev.h"

/* A value as "info qtree" shows it ("1 (0x1)", "true", "\"serial0\""). */
static char *qtree_format_size(uint64_t v)
{
    static const char *const units[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
    int u = 0;
    long double x = v;

    /* Switch unit from 1000 of the smaller one, so at most 3 integer digits. */
    while (u < 6 && x >= 1000.0L) {
        x /= 1024.0L;
        u++;
    }
    return g_strdup_printf("%" PRIu64 " (%0.3Lg %sB)", v, x, units[u]);
}

static char *qtree_prop_value(DeviceState *dev, const Property *prop)
{
    Object *obj = OBJECT(dev);
    char *raw, *out;

    if (prop->info == &prop_info_bool) {
        return g_strdup(object_property_get_bool(obj, prop->name, NULL) ? "true" : "false");
    }
    if (prop->info == &prop_info_size) {
        return qtree_format_size(object_property_get_uint(obj, prop->name, NULL));
    }
    if (prop->info == &prop_info_int32 || prop->info == &prop_info_int64) {
        int64_t v = object_property_get_int(obj, prop->name, NULL);

        return g_strdup_printf("%" PRId64 " (0x%" PRIx64 ")", v, (uint64_t)v);
    }
    if (prop->info == &prop_info_uint8 || prop->info == &prop_info_uint16 ||
        prop->info == &prop_info_uint32 || prop->info == &prop_info_uint64) {
        uint64_t v = object_property_get_uint(obj, prop->name, NULL);

        return g_strdup_printf("%" PRIu64 " (0x%" PRIx64 ")", v, v);
    }
    /* Strings, links, chardevs and other string-shaped kinds: quoted. */
    raw = prop->info->print(obj, prop);
    out = g_strdup_printf("\"%s\"", raw);
    g_free(raw);
    return out;
}

static void qtree_print_bus(FILE *f, BusState *bus, int indent);

static void qtree_print_dev(FILE *f, DeviceState *dev, int indent)
{
    BusState *bus = dev->parent_bus;

    fprintf(f, "%*sdev: %s, id \"%s\"\n", indent, "", object_get_typename(OBJECT(dev)),
            dev->id ? dev->id : "");
    indent += 2;
    /* QEMU lists the most recently declared GPIO group first. */
    for (guint i = dev->gpios->len; i > 0; i--) {
        NamedGPIOList *l = g_ptr_array_index(dev->gpios, i - 1);

        if (l->num_in) {
            fprintf(f, "%*sgpio-in \"%s\" %d\n", indent, "", l->name ? l->name : "",
                    l->num_in);
        }
        if (l->num_out) {
            fprintf(f, "%*sgpio-out \"%s\" %d\n", indent, "", l->name ? l->name : "",
                    l->num_out);
        }
    }
    /* Properties of the type itself first, then of each ancestor below device. */
    for (ObjectClass *k = OBJECT(dev)->class;
         k && strcmp(object_class_get_name(k), TYPE_DEVICE) != 0;
         k = object_class_get_parent(k)) {
        for (const Property *p = k->props; p && p->name; p++) {
            char *v = qtree_prop_value(dev, p);

            fprintf(f, "%*s%s = %s\n", indent, "", p->name, v);
            g_free(v);
        }
    }
    if (bus) {
        BusClass *bc = BUS_GET_CLASS(bus);

        if (bc->print_dev) {
            bc->print_dev(f, dev, indent);
        }
    }
    for (guint i = 0; i < dev->child_buses->len; i++) {
        qtree_print_bus(f, g_ptr_array_index(dev->child_buses, i), indent);
    }
}

static void qtree_print_bus(FILE *f, BusState *bus, int indent)
{
    fprintf(f, "%*sbus: %s\n", indent, "", bus->name);
    indent += 2;
    fprintf(f, "%*stype %s\n", indent, "", object_get_typename(OBJECT(bus)));
    /* Newest first, as QEMU's bus child list is built by head insertion. */
    for (guint i = bus->children->len; i > 0; i--) {
        qtree_print_dev(f, g_ptr_array_index(bus->children, i - 1), indent);
    }
}

void qdev_print_tree(FILE *f)
{
    qtree_print_bus(f, sysbus_get_default(), 0);
}

/* -device help: QEMU's category headings, in QEMU's order. */
static const struct {
    DeviceCategory cat;
    const char *title;
} device_categories[] = {
    { DEVICE_CATEGORY_BRIDGE, "Controller/Bridge/Hub" },
    { DEVICE_CATEGORY_STORAGE, "Storage" },
    { DEVICE_CATEGORY_NETWORK, "Network" },
    { DEVICE_CATEGORY_INPUT, "Input" },
    { DEVICE_CATEGORY_DISPLAY, "Display" },
    { DEVICE_CATEGORY_MISC, "Misc" },
    { DEVICE_CATEGORY_CPU, "CPU" },
};

static void print_devinfo(FILE *f, DeviceClass *dc)
{
    const char *desc = dc->desc ? dc->desc : object_class_get_desc(OBJECT_CLASS(dc));

    fprintf(f, "name \"%s\"", object_class_get_name(OBJECT_CLASS(dc)));
    if (dc->bus_type) {
        fprintf(f, ", bus %s", dc->bus_type);
    }
    if (desc) {
        fprintf(f, ", desc \"%s\"", desc);
    }
    if (!dc->user_creatable) {
        fprintf(f, ", no-user");
    }
    fputc('\n', f);
}

void qdev_print_device_list(FILE *f)
{
    GSList *list = object_class_get_list_sorted(TYPE_DEVICE, false);

    for (size_t c = 0; c < ARRAY_SIZE(device_categories); c++) {
        bool printed = false;

        for (GSList *l = list; l; l = l->next) {
            DeviceClass *dc = DEVICE_CLASS(l->data);

            if (!dc->user_creatable || dc->category != device_categories[c].cat) {
                continue;
            }
            if (!printed) {
                /* A blank line separates every heading but the first kind. */
                fprintf(f, "%s%s devices:\n", c ? "\n" : "", device_categories[c].title);
                printed = true;
            }
            print_devinfo(f, dc);
        }
    }
    g_slist_free(list);
}

bool qdev_print_device_props(FILE *f, const char *typename, Error **errp)
{
    ObjectClass *oc = typename ? object_class_by_name(typename) : NULL;
    GString *lines;

    /* QEMU's wording for -device NAME,help (it differs from -device NAME's). */
    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "Device '%s' not found", typename ? typename : "");
        return false;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'typename' expects a non-abstract device type");
        return false;
    }
    /* id is a -device option of every device, not a property of this one. */
    lines = g_string_new("");
    object_class_props_help(lines, oc, "id", false);
    if (!lines->len) {
        fprintf(f, "There are no options for %s.\n", typename);
    } else {
        fprintf(f, "%s options:\n%s", typename, lines->str);
    }
    g_string_free(lines, true);
    return true;
}
