/*
 * -global DRIVER.PROP=VALUE (or driver=D,property=P,value=V), as QEMU's:
 * a default for property PROP of every device that is a DRIVER (its type
 * or a subtype), applied when the device is created, before the
 * properties given with -device or device_add, which win.  A value the
 * property rejects fails that device's realize ("can't apply global ...");
 * a DRIVER that names no type is only warned about, as QEMU does.
 */
#include "hw/core/qdev.h"

typedef struct GlobalProp {
    char *driver, *property, *value;
} GlobalProp;

static GPtrArray *globals;      /* GlobalProp*, in command-line order */

static bool parse_long_form(const char *str, char **d, char **p, char **v)
{
    g_auto(GStrv) parts = g_strsplit(str, ",", -1);

    for (char **it = parts; *it; it++) {
        char **slot = g_str_has_prefix(*it, "driver=") ? d
                      : g_str_has_prefix(*it, "property=") ? p
                      : g_str_has_prefix(*it, "value=") ? v : NULL;
        if (!slot || *slot) {
            return false;
        }
        *slot = g_strdup(strchr(*it, '=') + 1);
    }
    return *d && *p && *v && **d && **p;
}

bool qdev_global_parse(const char *str, char **driver, char **property, char **value,
                       Error **errp)
{
    char *d = NULL, *p = NULL, *v = NULL;
    const char *dot = strchr(str, '.');
    const char *eq = dot ? strchr(dot, '=') : NULL;

    if (g_str_has_prefix(str, "driver=")) {
        if (!parse_long_form(str, &d, &p, &v)) {
            g_free(d);
            g_free(p);
            g_free(v);
            error_setg(errp, "expects driver=DRIVER,property=PROP,value=VALUE");
            return false;
        }
    } else if (!dot || !eq || dot == str || eq == dot + 1) {
        error_setg(errp, "expects DRIVER.PROP=VALUE");
        return false;
    } else {
        d = g_strndup(str, (gsize)(dot - str));
        p = g_strndup(dot + 1, (gsize)(eq - dot - 1));
        v = g_strdup(eq + 1);
    }
#define GIVE(out, x) do { if (out) { *(out) = (x); } else { g_free(x); } } while (0)
    GIVE(driver, d);
    GIVE(property, p);
    GIVE(value, v);
#undef GIVE
    return true;
}

bool qdev_global_add(const char *str, Error **errp)
{
    GlobalProp *g = g_new0(GlobalProp, 1);

    if (!qdev_global_parse(str, &g->driver, &g->property, &g->value, errp)) {
        g_free(g);
        return false;
    }
    if (!globals) {
        globals = g_ptr_array_new();
    }
    g_ptr_array_add(globals, g);
    return true;
}

void qdev_globals_clear(void)
{
    for (guint i = 0; globals && i < globals->len; i++) {
        GlobalProp *g = g_ptr_array_index(globals, i);

        g_free(g->driver);
        g_free(g->property);
        g_free(g->value);
        g_free(g);
    }
    if (globals) {
        g_ptr_array_free(globals, true);
        globals = NULL;
    }
}

void qdev_globals_check(void)
{
    for (guint i = 0; globals && i < globals->len; i++) {
        GlobalProp *g = g_ptr_array_index(globals, i);

        if (!object_class_by_name(g->driver)) {
            warn_report("global %s.%s has invalid class name", g->driver, g->property);
        }
    }
}

bool qdev_apply_globals(DeviceState *dev, Error **errp)
{
    for (guint i = 0; globals && i < globals->len; i++) {
        GlobalProp *g = g_ptr_array_index(globals, i);
        Error *err = NULL;

        if (!object_dynamic_cast(OBJECT(dev), g->driver)) {
            continue;
        }
        if (!object_property_parse(OBJECT(dev), g->property, g->value, &err)) {
            error_setg(errp, "can't apply global %s.%s=%s: %s", g->driver, g->property,
                       g->value, error_get_pretty(err));
            error_free(err);
            return false;
        }
    }
    return true;
}
