/* The netdev=ID and mac= device properties (see qdev-properties-net.h). */
#include "core/osdep.h"
#include "hw/core/qdev-properties-net.h"

static void *prop_field(Object *obj, const Property *prop)
{
    return (char *)obj + prop->offset;
}

static bool prop_netdev_parse(Object *obj, const Property *prop, const char *str,
                              Error **errp)
{
    NetClientState **ptr = prop_field(obj, prop);
    NetClientState *nc = NULL;

    if (*str) {
        if (*ptr && !strcmp((*ptr)->name, str)) {
            return true;
        }
        nc = netdev_claim(str, object_get_typename(obj), errp);
        if (!nc) {
            return false;
        }
    }
    *ptr = nc;
    return true;
}

static char *prop_netdev_print(Object *obj, const Property *prop)
{
    NetClientState **ptr = prop_field(obj, prop);

    return g_strdup(*ptr ? (*ptr)->name : "");
}

const PropertyInfo prop_info_netdev = {
    .type = "str",
    .desc = "ID of a netdev to use as a backend",
    .parse = prop_netdev_parse,
    .print = prop_netdev_print,
};

static bool prop_mac_parse(Object *obj, const Property *prop, const char *str,
                           Error **errp)
{
    MACAddr mac;
    Error *err = NULL;

    if (!net_parse_macaddr(str, &mac, &err)) {
        error_setg(errp, "Property '%s.%s' doesn't take value '%s' (expected a MAC "
                   "address such as 52:54:00:12:34:56)", object_get_typename(obj),
                   prop->name, str);
        error_free(err);
        return false;
    }
    *(MACAddr *)prop_field(obj, prop) = mac;
    return true;
}

static char *prop_mac_print(Object *obj, const Property *prop)
{
    char buf[18];

    net_format_macaddr(prop_field(obj, prop), buf);
    return g_strdup(buf);
}

const PropertyInfo prop_info_macaddr = {
    .type = "str",
    .desc = "Ethernet 6-byte MAC Address, example: 52:54:00:12:34:56",
    .parse = prop_mac_parse,
    .print = prop_mac_print,
};
