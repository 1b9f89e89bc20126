/*
 * The host side of the machine's serial ports: -serial DEV (repeatable) and
 * the -nographic default, exposed to machines through serial_hd(i).
 */
#include "core/osdep.h"
#include "chardev/char.h"
#include "hw/core/machine.h"
#include "system/cli.h"
#include "system/vl.h"

/* Chardev* per port; a NULL entry is a port given as "-serial none". */
static GPtrArray *serial_hds;

Chardev *serial_hd(int i)
{
    if (!serial_hds || i < 0 || (guint)i >= serial_hds->len) {
        return NULL;
    }
    return g_ptr_array_index(serial_hds, i);
}

int serial_hds_count(void)
{
    return serial_hds ? (int)serial_hds->len : 0;
}

static bool serial_add(const char *spec, const CliArg *arg, Error **errp)
{
    char *label = g_strdup_printf("serial%u", serial_hds->len);
    Error *err = NULL;
    Chardev *chr = qemu_chr_new(label, spec, &err);

    g_free(label);
    if (err) {
        if (arg) {
            cli_error_prepend(&err, arg);
        }
        error_propagate(errp, err);
        return false;
    }
    g_ptr_array_add(serial_hds, chr);
    if (!system_monitor_on_mux(spec, chr, &err)) {
        if (arg) {
            cli_error_prepend(&err, arg);
        }
        error_propagate(errp, err);
        return false;
    }
    return true;
}

bool serial_hds_init(const CliConfig *cfg, Error **errp)
{
    serial_hds = g_ptr_array_new();
    for (guint i = 0; i < cfg->serial->len; i++) {
        const CliArg *arg = g_ptr_array_index(cfg->serial, i);

        if (!serial_add(arg->value, arg, errp)) {
            return false;
        }
    }
    if (cfg->serial->len || cfg->nodefaults) {
        return true;
    }
    /*
     * QEMU's defaults: with -nographic the first port shares stdio with the
     * monitor through a mux (Ctrl-A c switches) -- unless -monitor, -qmp or
     * -mon replaced the default monitor: then the port has stdio to itself.
     * Otherwise it goes to a virtual console; there is no display here, so
     * that console is null.
     */
    if (cfg->nographic) {
        bool own_monitor = cfg->monitors && cfg->monitors->len;

        return serial_add(own_monitor ? "stdio" : "mon:stdio", NULL, errp);
    }
    return serial_add("null", NULL, errp);
}
