/*
 * -netdev TYPE,id=ID,...       a backend for -device ...,netdev=ID
 * -nic [TYPE][,model=M][,mac=A][,TYPE's options]   backend + card in one
 * -nic none                    no card (accepted for scripts that say so)
 * -net nic[,model=M][,macaddr=A] / -net TYPE,...   the legacy form: every
 *                              card and backend joins hub 0
 *
 * The card model defaults to virtio-net-pci on machines with a PCI bus and
 * virtio-net-device (virtio-mmio) on the others.
 */
#include "system/net-cli.h"
#include "hw/core/qdev.h"
#include "net/hub.h"
#include "net/net.h"

static const OptDesc any_desc[] = { { NULL } };
static const OptsList net_opts = { "netdev", "type", false, any_desc };

/* What the card of a -nic / -net nic will be: created after the machine. */
typedef struct NicSpec {
    char *model;
    char *mac;
    char *netdev;                /* id of its backend (a hub port for -net) */
    char *id;
} NicSpec;

static GHashTable *nic_specs;    /* CliArg * -> NicSpec * */

static void opts_add_str(Opts *o, const char *name, const char *value)
{
    Opt *opt = g_new0(Opt, 1);

    opt->name = g_strdup(name);
    opt->str = g_strdup(value);
    g_ptr_array_add(o->opts, opt);
}

static void opts_take_free(Opts *o, const char *name)
{
    g_free(opts_take(o, name));
}

static void nic_spec_free(gpointer p)
{
    NicSpec *n = p;

    g_free(n->model);
    g_free(n->mac);
    g_free(n->netdev);
    g_free(n->id);
    g_free(n);
}

bool net_cli_arg_is_net(const CliArg *arg)
{
    return !strcmp(arg->opt, "-netdev") || !strcmp(arg->opt, "-nic") ||
           !strcmp(arg->opt, "-net");
}

static void nic_spec_add(const CliArg *arg, char *model, char *mac, const char *netdev,
                         const char *id)
{
    NicSpec *n = g_new0(NicSpec, 1);

    if (!nic_specs) {
        nic_specs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                          nic_spec_free);
    }
    n->model = model;
    n->mac = mac;
    n->netdev = g_strdup(netdev);
    n->id = g_strdup(id);
    g_hash_table_insert(nic_specs, (gpointer)arg, n);
}

/* -nic: the backend now, with id "__org.qemu.nicN" unless given. */
static bool nic_backend(const CliArg *arg, Opts *o, unsigned *index, Error **errp)
{
    char *model = opts_take(o, "model");
    char *mac = opts_take(o, "mac");
    const char *type = opts_get(o, "type");
    char *id;
    bool ok;

    if (type && !strcmp(type, "none")) {
        g_free(model);
        g_free(mac);
        if (o->opts->len > 1 || o->id) {
            error_setg(errp, "-nic none takes no other options");
            return false;
        }
        return true;
    }
    if (!type) {
        /* QEMU's default backend for -nic. */
        opts_add_str(o, "type", "user");
    }
    id = o->id ? g_strdup(o->id) : g_strdup_printf("__org.qemu.nic%u", *index);
    (*index)++;
    if (!o->id) {
        o->id = g_strdup(id);
    }
    ok = netdev_add_opts(o, errp) != NULL;
    if (ok) {
        nic_spec_add(arg, model, mac, id, NULL);
    } else {
        g_free(model);
        g_free(mac);
    }
    g_free(id);
    return ok;
}

/* -net: cards and backends all on hub 0. */
static bool net_legacy(const CliArg *arg, Opts *o, unsigned *index, Error **errp)
{
    const char *type = opts_get(o, "type");
    NetClientState *port, *nd;

    if (!type) {
        error_setg(errp, "Parameter 'type' is missing");
        return false;
    }
    if (!strcmp(type, "none")) {
        return true;
    }
    if (!strcmp(type, "nic")) {
        char *model = opts_take(o, "model");
        char *mac = opts_take(o, "macaddr");

        opts_take_free(o, "type");
        if (o->opts->len) {
            const Opt *bad = g_ptr_array_index(o->opts, 0);

            error_setg(errp, "Invalid parameter '%s'", bad->name);
            g_free(model);
            g_free(mac);
            return false;
        }
        port = net_hub_add_port(0, NULL, NULL);
        port->is_netdev = true;
        nic_spec_add(arg, model, mac, port->name, o->id);
        return true;
    }
    if (!strcmp(type, "hubport")) {
        error_setg(errp, "Parameter 'type' expects a netdev backend type (hubport is "
                   "-netdev only)");
        return false;
    }
    if (!o->id) {
        o->id = g_strdup_printf("%s.%u", type, (*index)++);
    }
    nd = netdev_add_opts(o, errp);
    if (!nd) {
        return false;
    }
    net_hub_add_port(0, NULL, nd);
    return true;
}

bool net_cli_backends_create(GPtrArray *args, Error **errp)
{
    unsigned nic_index = 0, net_index = 0;

    for (guint i = 0; i < args->len; i++) {
        const CliArg *arg = g_ptr_array_index(args, i);
        Opts *o;
        bool ok;

        if (!net_cli_arg_is_net(arg)) {
            continue;
        }
        o = opts_parse(&net_opts, arg->value, errp);
        if (!o) {
            cli_error_prepend(errp, arg);
            return false;
        }
        if (!strcmp(arg->opt, "-netdev")) {
            ok = netdev_add_opts(o, errp) != NULL;
        } else if (!strcmp(arg->opt, "-nic")) {
            ok = nic_backend(arg, o, &nic_index, errp);
        } else {
            ok = net_legacy(arg, o, &net_index, errp);
        }
        opts_free(o);
        if (!ok) {
            cli_error_prepend(errp, arg);
            return false;
        }
    }
    return true;
}

static const char *default_nic_model(void)
{
    /* riscv virt: pcie.0; pc: pci.0.  Without PCI: a virtio-mmio slot. */
    if (qbus_find("pcie.0") || qbus_find("pci.0")) {
        return "virtio-net-pci";
    }
    return "virtio-net-device";
}

bool net_cli_nic_create(const CliArg *arg, Error **errp)
{
    NicSpec *n = nic_specs ? g_hash_table_lookup(nic_specs, arg) : NULL;
    GPtrArray *keys, *values;
    const char *model;
    DeviceState *dev;

    if (!n) {
        return true;
    }
    model = n->model ? n->model : default_nic_model();
    if (strcmp(model, "virtio-net-pci") && strcmp(model, "virtio-net-device") &&
        strcmp(model, "virtio-net")) {
        error_setg(errp, "unsupported NIC model '%s' (virtio-net-pci, virtio-net-device)",
                   model);
        cli_error_prepend(errp, arg);
        return false;
    }
    if (!strcmp(model, "virtio-net")) {
        /* QEMU's short name: the PCI card. */
        model = "virtio-net-pci";
    }
    keys = g_ptr_array_new_with_free_func(g_free);
    values = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(keys, g_strdup("netdev"));
    g_ptr_array_add(values, g_strdup(n->netdev));
    if (n->mac) {
        g_ptr_array_add(keys, g_strdup("mac"));
        g_ptr_array_add(values, g_strdup(n->mac));
    }
    if (n->id) {
        g_ptr_array_add(keys, g_strdup("id"));
        g_ptr_array_add(values, g_strdup(n->id));
    }
    dev = qdev_device_add(model, keys, values, errp);
    g_ptr_array_unref(keys);
    g_ptr_array_unref(values);
    if (!dev) {
        cli_error_prepend(errp, arg);
        return false;
    }
    return true;
}
