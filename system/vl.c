/*
 * The life of machina-system-*: parse the command line, answer help
 * requests, build the machine (chardevs, objects, machine, accelerator,
 * devices), start it and run the main loop until it powers off.
 *
 * The order follows QEMU's system emulator: backends before the machine,
 * the accelerator before machine init (KVM must create the VM first), user
 * devices after it, the first reset after everything exists.
 */
#include "core/osdep.h"
#include "core/error.h"
#include "core/log.h"
#include "core/object.h"
#include "core/option.h"
#include "core/thread.h"
#include "accel/accel.h"
#include "accel/tcg/cpu.h"
#include "accel/tcg/perfmap.h"
#include "chardev/char.h"
#include "gdbstub/gdbstub.h"
#include "hw/core/machine.h"
#include "hw/core/qdev.h"
#include "monitor/monitor.h"
#include "system/cli.h"
#include "system/drive.h"
#include "system/net-cli.h"
#include "net/net.h"
#include "system/memory-backend.h"
#include "system/runstate.h"
#include "system/vl.h"

#include <libfdt.h>

static const OptDesc any_desc[] = { { NULL } };
static const OptsList machine_opts = { "machine", "type", true, any_desc };
static const OptsList driver_opts = { "device", "driver", false, any_desc };
static const OptsList chardev_opts = { "chardev", "backend", false, any_desc };
static const OptsList object_opts = { "object", "qom-type", false, any_desc };
static const OptsList accel_opts = { "accel", "accel", false, any_desc };

/* ---------------------------------------------------------------- help */

/* "rv64-riscv-cpu" -> "rv64": a CPU type without its "-ARCH-cpu" suffix. */
static char *cpu_model_name(const char *type)
{
    size_t len = strlen(type);
    const char *end = type + len;

    if (len > 4 && !strcmp(end - 4, "-cpu")) {
        const char *dash = end - 4;

        while (dash > type && dash[-1] != '-') {
            dash--;
        }
        if (dash > type + 1) {
            return g_strndup(type, (size_t)(dash - 1 - type));
        }
    }
    return g_strdup(type);
}

static void cpu_print_list(FILE *f)
{
    GSList *list = object_class_get_list_sorted(TYPE_CPU, false);

    fprintf(f, "Available CPUs:\n");
    for (GSList *l = list; l; l = l->next) {
        char *model = cpu_model_name(object_class_get_name(l->data));

        fprintf(f, "  %s\n", model);
        g_free(model);
    }
    if (!list) {
        fprintf(f, "  (none: this binary has no CPU models)\n");
    }
    g_slist_free(list);
}

static void print_prop(const Property *prop, void *opaque)
{
    FILE *f = opaque;
    char *left = g_strdup_printf("  %s=<%s>", prop->name, prop->info->type);

    fprintf(f, "%-24s%s%s\n", left, prop->desc ? " - " : "", prop->desc ? prop->desc : "");
    g_free(left);
}

static int object_print_help(FILE *f, const char *type)
{
    ObjectClass *oc;

    if (type) {
        oc = object_class_by_name(type);
        if (!oc || !oc->user_creatable || object_class_is_abstract(oc)) {
            error_report("-object %s,help: invalid object type: %s", type, type);
            return 1;
        }
        fprintf(f, "%s options:\n", type);
        object_class_property_foreach(oc, print_prop, f);
        return 0;
    }
    fprintf(f, "List of user creatable objects:\n");
    {
        GSList *list = object_class_get_list_sorted(TYPE_OBJECT, false);

        for (GSList *l = list; l; l = l->next) {
            ObjectClass *c = l->data;

            if (c->user_creatable) {
                fprintf(f, "  %s\n", object_class_get_name(c));
            }
        }
        g_slist_free(list);
    }
    return 0;
}

/* -M help, or -M NAME,help: the machine's properties. */
static int machine_print_help(FILE *f, const char *name)
{
    MachineClass *mc;

    if (!name) {
        machine_print_list(f);
        return 0;
    }
    mc = machine_find_class(name);
    if (!mc) {
        error_report("-machine %s,help: unsupported machine type '%s'", name, name);
        return 1;
    }
    fprintf(f, "%s options:\n", object_class_get_name(OBJECT_CLASS(mc)));
    object_class_property_foreach(OBJECT_CLASS(mc), print_prop, f);
    return 0;
}

static int accel_print_help(FILE *f, const char *name)
{
    const AccelOps *ops;

    if (!name) {
        accel_print_list(f);
        return 0;
    }
    ops = accel_find(name);
    if (!ops) {
        error_report("-accel %s,help: invalid accelerator %s", name, name);
        return 1;
    }
    if (ops->opts && ops->opts[0].name) {
        OptsList list = { ops->name, NULL, false, ops->opts };

        opts_print_help(&list, f);
    } else {
        fprintf(f, "%s: no options\n", ops->name);
    }
    return 0;
}

/* Answer a help request: the exit status. */
static int print_help(const CliConfig *cfg)
{
    Error *err = NULL;

    switch (cfg->help) {
    case CLI_HELP_NONE:
        break;
    case CLI_HELP_USAGE:
        cli_print_usage(stdout);
        break;
    case CLI_HELP_VERSION:
        printf("%s version %s\n", machina_prog_name, MACHINA_VERSION);
        break;
    case CLI_HELP_MACHINE:
        return machine_print_help(stdout, cfg->help_arg);
    case CLI_HELP_CPU:
        cpu_print_list(stdout);
        break;
    case CLI_HELP_ACCEL:
        return accel_print_help(stdout, cfg->help_arg);
    case CLI_HELP_DEVICE:
        if (!cfg->help_arg) {
            qdev_print_device_list(stdout);
        } else if (!qdev_print_device_props(stdout, cfg->help_arg, &err)) {
            error_prepend(&err, "-device %s,help: ", cfg->help_arg);
            error_report_err(err);
            return 1;
        }
        break;
    case CLI_HELP_CHARDEV:
        qemu_chr_print_backends(stdout);
        break;
    case CLI_HELP_OBJECT:
        return object_print_help(stdout, cfg->help_arg);
    case CLI_HELP_LOG:
        qemu_log_print_help(stdout);
        break;
    case CLI_HELP_NETDEV:
        netdev_print_types(stdout);
        break;
    }
    return 0;
}

/* ----------------------------------------------------------- backends */

/* Makes one backend from its type, id and remaining key=value pairs. */
typedef void (*CliBackendNew)(const char *type, const char *id, GPtrArray *keys,
                              GPtrArray *values, Error **errp);

/*
 * Create one backend for each argument in args (the -chardev or -object
 * list, parsed with list): the type is the list's implied key, type_key.
 * An error names the argument it came from.
 */
static bool backends_create(GPtrArray *args, const OptsList *list, const char *type_key,
                            CliBackendNew backend_new, Error **errp)
{
    for (guint i = 0; i < args->len; i++) {
        const CliArg *arg = g_ptr_array_index(args, i);
        Opts *o = opts_parse(list, arg->value, errp);
        char *type, *id;
        GPtrArray *keys, *values;
        Error *err = NULL;

        if (!o) {
            cli_error_prepend(errp, arg);
            return false;
        }
        type = opts_take(o, type_key);
        id = opts_take(o, "id");
        opts_to_arrays(o, &keys, &values);
        opts_free(o);
        backend_new(type, id, keys, values, &err);
        g_free(type);
        g_free(id);
        g_ptr_array_unref(keys);
        g_ptr_array_unref(values);
        if (err) {
            cli_error_prepend(&err, arg);
            error_propagate(errp, err);
            return false;
        }
    }
    return true;
}

static void chardev_new(const char *backend, const char *id, GPtrArray *keys,
                        GPtrArray *values, Error **errp)
{
    if (!backend || !*backend) {
        error_setg(errp, "chardev: backend type is missing");
    } else if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
    } else {
        qemu_chardev_new(id, backend, keys, values, errp);
    }
}

static void object_new_user(const char *type, const char *id, GPtrArray *keys,
                            GPtrArray *values, Error **errp)
{
    user_creatable_add(type, id, keys, values, errp);
}

static bool chardevs_create(const CliConfig *cfg, Error **errp)
{
    return backends_create(cfg->chardev, &chardev_opts, "backend", chardev_new, errp);
}

static bool objects_create(const CliConfig *cfg, Error **errp)
{
    return backends_create(cfg->object, &object_opts, "qom-type", object_new_user, errp);
}

/* ------------------------------------------------------------ machine */

/* One key=value of -machine, remembering which -machine gave it. */
typedef struct MachineKey {
    char *key, *value;
    const CliArg *arg;
} MachineKey;

static void machine_key_free(gpointer p)
{
    MachineKey *k = p;

    g_free(k->key);
    g_free(k->value);
    g_free(k);
}

/* Merge every -machine into a type and an ordered key list. */
static bool machine_opts_collect(const CliConfig *cfg, char **type, GPtrArray *keys,
                                 Error **errp)
{
    for (guint i = 0; i < cfg->machine->len; i++) {
        const CliArg *arg = g_ptr_array_index(cfg->machine, i);
        Opts *o = opts_parse(&machine_opts, arg->value, errp);
        char *t;

        if (!o) {
            cli_error_prepend(errp, arg);
            return false;
        }
        t = opts_take(o, "type");
        if (t) {
            g_free(*type);
            *type = t;
        }
        for (guint j = 0; j < o->opts->len; j++) {
            Opt *opt = g_ptr_array_index(o->opts, j);
            MachineKey *k = g_new0(MachineKey, 1);

            k->key = g_strdup(opt->name);
            k->value = g_strdup(opt->str);
            k->arg = arg;
            g_ptr_array_add(keys, k);
        }
        opts_free(o);
    }
    return true;
}

static MachineClass *machine_choose(const char *type, const CliArg *arg, Error **errp)
{
    MachineClass *mc;

    if (type) {
        mc = machine_find_class(type);
        if (!mc) {
            error_setg(errp, "unsupported machine type '%s'", type);
            error_append_hint(errp, "Use -machine help to list supported machines\n");
            cli_error_prepend(errp, arg);
        }
        return mc;
    }
    mc = machine_default_class();
    if (!mc) {
        GSList *all = object_class_get_list_sorted(TYPE_MACHINE, false);

        if (!all) {
            error_setg(errp, "this binary has no machine types");
        } else {
            error_setg(errp, "No machine specified, and there is no default");
            error_append_hint(errp, "Use -machine help to list supported machines\n");
        }
        g_slist_free(all);
    }
    return mc;
}

/* Set a -machine key: the fields system/ owns directly, the rest as properties. */
static bool machine_set_key(MachineState *ms, const MachineKey *k, Error **errp)
{
    static const struct {
        const char *key;
        size_t offset;
    } fields[] = {
        { "dumpdtb", offsetof(MachineState, dumpdtb) },
        { "memory-backend", offsetof(MachineState, memory_backend) },
        { "dtb", offsetof(MachineState, dtb) },
        { "kernel", offsetof(MachineState, kernel_filename) },
        { "initrd", offsetof(MachineState, initrd_filename) },
        { "append", offsetof(MachineState, kernel_cmdline) },
        { "firmware", offsetof(MachineState, firmware) },
    };

    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        if (!strcmp(k->key, fields[i].key)) {
            char **field = (char **)((char *)ms + fields[i].offset);

            g_free(*field);
            *field = g_strdup(k->value);
            return true;
        }
    }
    return object_property_parse(OBJECT(ms), k->key, k->value, errp);
}

static void set_string(char **field, const char *value)
{
    if (value) {
        g_free(*field);
        *field = g_strdup(value);
    }
}

typedef struct PropLookup {
    const char *name;
    bool found;
} PropLookup;

static void prop_lookup(const Property *prop, void *opaque)
{
    PropLookup *l = opaque;

    l->found |= !strcmp(prop->name, l->name);
}

/*
 * Every key of "-cpu MODEL,key=val" must name a property of the CPU type:
 * checked here so the error names the option (the machine applies the
 * values when it creates the harts).
 */
static bool cpu_props_check(const char *type, const char *props, Error **errp)
{
    static const OptsList cpu_opts = { "cpu", NULL, false, any_desc };
    ObjectClass *oc = object_class_by_name(type);
    Opts *o = opts_parse(&cpu_opts, props, errp);
    bool ok = o != NULL;

    for (guint i = 0; ok && i < o->opts->len; i++) {
        PropLookup l = { ((Opt *)g_ptr_array_index(o->opts, i))->name, false };

        object_class_property_foreach(oc, prop_lookup, &l);
        if (!l.found) {
            error_setg(errp, "Property '%s.%s' not found", type, l.name);
            ok = false;
        }
    }
    opts_free(o);
    return ok;
}

/* "-cpu rv64,zba=on" -> type "rv64-riscv-cpu", props ",zba=on". */
static bool cpu_resolve(MachineState *ms, MachineClass *mc, const CliArg *arg,
                        Error **errp)
{
    const char *value = arg->value;
    size_t n = strcspn(value, ",");
    char *model = g_strndup(value, n);
    GSList *list = object_class_get_list_sorted(TYPE_CPU, false);
    const char *found = NULL;

    for (GSList *l = list; l && !found; l = l->next) {
        const char *type = object_class_get_name(l->data);
        char *m = cpu_model_name(type);

        if (!strcmp(type, model) || !strcmp(m, model)) {
            found = type;
        }
        g_free(m);
    }
    g_slist_free(list);
    if (!found) {
        error_setg(errp, "unable to find CPU model '%s'", model);
        cli_error_prepend(errp, arg);
        g_free(model);
        return false;
    }
    (void)mc;
    if (value[n] && !cpu_props_check(found, value + n + 1, errp)) {
        cli_error_prepend(errp, arg);
        g_free(model);
        return false;
    }
    g_free(ms->cpu_type);
    ms->cpu_type = g_strdup(found);
    g_free(ms->cpu_props);
    ms->cpu_props = value[n] ? g_strdup(value + n) : NULL;
    g_free(model);
    return true;
}

/* Guest RAM: the -machine memory-backend= object, else a fresh region. */
static bool machine_ram_create(MachineState *ms, const CliConfig *cfg, Error **errp)
{
    if (ms->memory_backend) {
        uint64_t size;
        MemoryRegion *mr = host_memory_backend_claim(ms->memory_backend, &size, errp);

        if (!mr) {
            error_prepend(errp, "-machine memory-backend=%s: ", ms->memory_backend);
            return false;
        }
        if (cfg->mem && size != ms->ram_size) {
            error_setg(errp, "-m %s: the memory backend '%s' has %" PRIu64 " bytes, "
                       "not %" PRIu64, cfg->mem->value, ms->memory_backend, size,
                       ms->ram_size);
            return false;
        }
        ms->ram_size = size;
        ms->ram = mr;
        return true;
    }
    if (!ms->ram_size) {
        return true;            /* a machine without RAM of its own (tests) */
    }
    ms->ram = g_new0(MemoryRegion, 1);
    if (!memory_region_init_ram(ms->ram, OBJECT(ms), "ram", ms->ram_size, errp)) {
        g_free(ms->ram);
        ms->ram = NULL;
        error_prepend(errp, "cannot allocate %" PRIu64 " bytes of guest RAM: ",
                      ms->ram_size);
        return false;
    }
    return true;
}

static bool accel_valid_for(MachineClass *mc, const char *name)
{
    gchar **valid;
    bool ok = false;

    if (!mc->valid_accels) {
        return true;
    }
    valid = g_strsplit(mc->valid_accels, ":", -1);
    for (int i = 0; valid[i]; i++) {
        ok |= !strcmp(valid[i], name);
    }
    g_strfreev(valid);
    return ok;
}

/* Try one accelerator; *fatal when the failure is not "unavailable here". */
static bool accel_try(MachineState *ms, MachineClass *mc, const char *spec,
                      const CliArg *arg, bool *fatal, Error **errp)
{
    Opts *o = opts_parse(&accel_opts, spec, errp);
    char *name;
    const AccelOps *ops;
    bool ok = false;

    *fatal = true;
    if (!o) {
        cli_error_prepend(errp, arg);
        return false;
    }
    name = opts_take(o, "accel");
    ops = name ? accel_find(name) : NULL;
    if (!ops && !arg->opt) {
        error_setg(errp, "the default accelerator '%s' is not built into this binary",
                   name);
        goto out;
    }
    if (!ops) {
        error_setg(errp, "invalid accelerator %s", name ? name : "''");
        goto out;
    }
    if (!accel_valid_for(mc, name)) {
        error_setg(errp, "machine '%s' does not support accelerator '%s'", mc->name, name);
        goto out;
    }
    /* Check the options against the accelerator's own list of keys. */
    for (guint i = 0; i < o->opts->len; i++) {
        Opt *opt = g_ptr_array_index(o->opts, i);
        const OptDesc *d = ops->opts;

        while (d && d->name && strcmp(d->name, opt->name)) {
            d++;
        }
        if (!d || !d->name) {
            error_setg(errp, "Invalid parameter '%s'", opt->name);
            goto out;
        }
    }
    if (ops->available && !ops->available(errp)) {
        *fatal = false;
        goto out;
    }
    if (ops->init && !ops->init(ms, o, errp)) {
        goto out;
    }
    current_accel = ops;
    ok = true;
out:
    if (!ok) {
        cli_error_prepend(errp, arg);
    }
    g_free(name);
    opts_free(o);
    return ok;
}

/*
 * Accelerators to try, in order: every -accel, else -machine accel=a:b,
 * else the machine's default.  specs[i] (owned strings) is tried, args[i]
 * names the option it came from in errors.
 */
static bool accel_choose(MachineState *ms, MachineClass *mc, const CliConfig *cfg,
                         GPtrArray *specs, GPtrArray *args, Error **errp)
{
    CliArg default_arg = { NULL, NULL };    /* no option: the machine's default */
    Error *err = NULL;
    bool ok = false;

    if (cfg->accel->len) {
        g_ptr_array_set_size(specs, 0);
        g_ptr_array_set_size(args, 0);
        for (guint i = 0; i < cfg->accel->len; i++) {
            CliArg *a = g_ptr_array_index(cfg->accel, i);

            g_ptr_array_add(specs, g_strdup(a->value));
            g_ptr_array_add(args, a);
        }
    }
    if (!specs->len) {
        default_arg.value = (char *)(mc->default_accel ? mc->default_accel : "tcg");
        g_ptr_array_add(specs, g_strdup(default_arg.value));
        g_ptr_array_add(args, &default_arg);
    }
    for (guint i = 0; i < specs->len && !ok; i++) {
        bool fatal;

        error_free(err);
        err = NULL;
        ok = accel_try(ms, mc, g_ptr_array_index(specs, i), g_ptr_array_index(args, i),
                       &fatal, &err);
        if (!ok && fatal) {
            break;
        }
        if (!ok && i + 1 < specs->len) {
            /* QEMU tries the next one after saying why this one failed. */
            warn_report("%s", error_get_pretty(err));
        }
    }
    if (!ok) {
        error_propagate(errp, err);
    } else {
        error_free(err);
    }
    return ok;
}

/* -device DRIVER,...: hw/core's qdev_device_add does the work (and the errors). */
static bool device_create(const CliArg *arg, Error **errp)
{
    Opts *o = opts_parse(&driver_opts, arg->value, errp);
    char *driver;
    GPtrArray *keys, *values;
    DeviceState *dev;

    if (!o) {
        cli_error_prepend(errp, arg);
        return false;
    }
    driver = opts_take(o, "driver");
    opts_to_arrays(o, &keys, &values);
    if (o->id) {
        /* id is not a property for the option layer, but qdev takes it as one. */
        g_ptr_array_add(keys, g_strdup("id"));
        g_ptr_array_add(values, g_strdup(o->id));
    }
    opts_free(o);
    dev = qdev_device_add(driver ? driver : "", keys, values, errp);
    g_free(driver);
    g_ptr_array_unref(keys);
    g_ptr_array_unref(values);
    if (!dev) {
        cli_error_prepend(errp, arg);
        return false;
    }
    return true;
}

static bool dumpdtb(MachineState *ms, Error **errp)
{
    FILE *f;
    size_t size;

    if (!ms->fdt) {
        error_setg(errp, "-machine dumpdtb=%s: this machine has no device tree",
                   ms->dumpdtb);
        return false;
    }
    size = fdt_totalsize(ms->fdt);
    f = fopen(ms->dumpdtb, "wb");
    if (!f || fwrite(ms->fdt, 1, size, f) != size) {
        error_setg_errno(errp, errno, "-machine dumpdtb=%s: cannot write the device tree",
                         ms->dumpdtb);
        if (f) {
            fclose(f);
        }
        return false;
    }
    if (fclose(f) != 0) {
        error_setg_errno(errp, errno, "-machine dumpdtb=%s: cannot write the device tree",
                         ms->dumpdtb);
        return false;
    }
    return true;
}

/*
 * Build the machine.  Returns false with errp set; *exit_now is set when
 * the run is complete without starting the guest (dumpdtb).
 */
static bool machine_build(const CliConfig *cfg, bool *exit_now, Error **errp)
{
    char *type = NULL;
    GPtrArray *keys = g_ptr_array_new_with_free_func(machine_key_free);
    GPtrArray *accel_specs = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *accel_args = g_ptr_array_new();      /* const CliArg*, borrowed */
    const CliArg *type_arg = NULL;
    MachineClass *mc;
    MachineState *ms;
    bool ok = false;

    if (!machine_opts_collect(cfg, &type, keys, errp)) {
        goto out;
    }
    for (guint i = 0; i < cfg->machine->len; i++) {
        type_arg = g_ptr_array_index(cfg->machine, i);
    }
    mc = machine_choose(type, type_arg, errp);
    if (!mc) {
        goto out;
    }
    ms = MACHINE(object_new(object_class_get_name(OBJECT_CLASS(mc))));
    object_property_add_child(object_get_root(), "machine", OBJECT(ms));
    object_unref(OBJECT(ms));
    current_machine = ms;

    for (guint i = 0; i < keys->len; i++) {
        MachineKey *k = g_ptr_array_index(keys, i);

        if (!strcmp(k->key, "accel")) {
            /* Legacy -machine accel=kvm:tcg: fallbacks in order. */
            gchar **names = g_strsplit(k->value, ":", -1);

            g_ptr_array_set_size(accel_specs, 0);
            g_ptr_array_set_size(accel_args, 0);
            for (int j = 0; names[j]; j++) {
                g_ptr_array_add(accel_specs, g_strdup(names[j]));
                g_ptr_array_add(accel_args, (gpointer)k->arg);
            }
            g_strfreev(names);
            continue;
        }
        if (!machine_set_key(ms, k, errp)) {
            cli_error_prepend(errp, k->arg);
            goto out;
        }
    }

    ms->ram_size = cfg->ram_size ? cfg->ram_size : mc->default_ram_size;
    if (cfg->smp) {
        if (!cli_parse_smp(cfg->smp->value, mc->max_cpus, mc->name, &ms->smp, errp)) {
            cli_error_prepend(errp, cfg->smp);
            goto out;
        }
    } else {
        ms->smp = (CpuTopology){ .cpus = 1, .max_cpus = 1, .sockets = 1, .cores = 1,
                                 .threads = 1 };
    }
    if (cfg->cpu) {
        if (!cpu_resolve(ms, mc, cfg->cpu, errp)) {
            goto out;
        }
    } else if (mc->default_cpu_type) {
        set_string(&ms->cpu_type, mc->default_cpu_type);
    }
    set_string(&ms->kernel_filename, cfg->kernel);
    set_string(&ms->initrd_filename, cfg->initrd);
    set_string(&ms->kernel_cmdline, cfg->append);
    set_string(&ms->firmware, cfg->bios);
    set_string(&ms->dtb, cfg->dtb);
    ms->no_reboot = cfg->no_reboot;
    if (ms->initrd_filename && !ms->kernel_filename) {
        error_setg(errp, "-initrd only allowed with -kernel option");
        goto out;
    }
    if (ms->kernel_cmdline && !ms->kernel_filename) {
        error_setg(errp, "-append only allowed with -kernel option");
        goto out;
    }

    if (!accel_choose(ms, mc, cfg, accel_specs, accel_args, errp)) {
        goto out;
    }
    if (!machine_ram_create(ms, cfg, errp)) {
        goto out;
    }
    /* Block backends first: -device ...,drive=ID may come before -drive. */
    if (!drives_create(cfg->device, errp)) {
        goto out;
    }
    /* Network backends too: -device ...,netdev=ID may come before -netdev. */
    if (!net_cli_backends_create(cfg->device, errp)) {
        goto out;
    }
    mc->init(ms);

    for (guint i = 0; i < cfg->device->len; i++) {
        const CliArg *arg = g_ptr_array_index(cfg->device, i);

        if (net_cli_arg_is_net(arg)) {
            if (!net_cli_nic_create(arg, errp)) {
                goto out;
            }
            continue;
        }

        if (drive_arg_is_block(arg)) {
            if (!drive_device_create(arg, errp)) {
                goto out;
            }
            continue;
        }
        if (!device_create(arg, errp)) {
            goto out;
        }
    }
    qdev_machine_creation_done();
    if (ms->dumpdtb) {
        ok = dumpdtb(ms, errp);
        *exit_now = true;
        goto out;
    }
    ok = true;
out:
    g_ptr_array_unref(accel_specs);
    g_ptr_array_unref(accel_args);
    g_ptr_array_unref(keys);
    g_free(type);
    return ok;
}

/* --------------------------------------------------------------- main */

static int machina_exit(int status)
{
    /* Stop the guest before the backends it writes to go away. */
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
    monitor_cleanup();
    /* Network backends: tap's downscript, forwarded ports released. */
    net_exit();
    qemu_chr_cleanup();
    qemu_log_flush();
    return status;
}

/* What the gdbstub may do to the run state (see gdbstub.h). */
static void gdb_vm_stop(void)
{
    RunState st = runstate_get();

    /* A powered-off guest kept by -no-shutdown stays "shutdown". */
    if (st != RUN_STATE_SHUTDOWN) {
        vm_stop(RUN_STATE_DEBUG);
    }
}

static void gdb_vm_cont(void)
{
    if (runstate_get() != RUN_STATE_SHUTDOWN) {
        vm_start();
    }
}

static bool gdb_vm_is_debug(void)
{
    return runstate_get() == RUN_STATE_DEBUG;
}

static void gdb_vm_quit(void)
{
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_UI);
}

static const GdbVMOps gdb_vm_ops = {
    .stop = gdb_vm_stop,
    .cont = gdb_vm_cont,
    .is_running = runstate_is_running,
    .is_debug = gdb_vm_is_debug,
    .quit = gdb_vm_quit,
};

int machina_main(int argc, char **argv)
{
    CliConfig *cfg = cli_config_new();
    Error *err = NULL;
    bool exit_now = false;
    int status;

    if (!cli_parse(cfg, argc, argv, &err)) {
        error_report_err(err);
        cli_config_free(cfg);
        return 1;
    }
    if (cfg->help != CLI_HELP_NONE) {
        status = print_help(cfg);
        cli_config_free(cfg);
        return status;
    }

    /* Before any thread exists: the signal mask is inherited. */
    runstate_init_signals();
    bql_lock();
    runstate_set_no_shutdown(cfg->no_shutdown);
    runstate_set_no_reboot(cfg->no_reboot);

    if (cfg->log_file && !qemu_log_set_file(cfg->log_file, &err)) {
        error_prepend(&err, "-D %s: ", cfg->log_file);
        goto fail;
    }
    if (cfg->log_items &&
        !qemu_log_parse_items(cfg->log_items->value, &machina_loglevel, &err)) {
        cli_error_prepend(&err, cfg->log_items);
        goto fail;
    }
    for (guint i = 0; i < cfg->global->len; i++) {
        CliArg *g = g_ptr_array_index(cfg->global, i);

        if (!qdev_global_add(g->value, &err)) {
            cli_error_prepend(&err, g);
            goto fail;
        }
    }
    if (cfg->perfmap && !perfmap_enable(&err)) {
        error_prepend(&err, "-perfmap: ");
        goto fail;
    }
    if (!chardevs_create(cfg, &err) || !serial_hds_init(cfg, &err) ||
        !system_monitors_init(cfg, &err) ||
        !objects_create(cfg, &err)) {
        goto fail;
    }
    /* The guest's clock starts with the guest, not at process start. */
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
    if (!machine_build(cfg, &exit_now, &err)) {
        goto fail;
    }
    qdev_globals_check();
    if (exit_now) {
        cli_config_free(cfg);
        return machina_exit(0);
    }
    if (current_accel->start_vcpus && !current_accel->start_vcpus(current_machine, &err)) {
        goto fail;
    }
    qemu_system_reset(SHUTDOWN_CAUSE_NONE);
    if (cfg->gdb && !gdbserver_start(cfg->gdb->value, &gdb_vm_ops, &err)) {
        cli_error_prepend(&err, cfg->gdb);
        goto fail;
    }
    if (!cfg->start_paused) {
        vm_start();
    }
    cli_config_free(cfg);
    status = main_loop_run();
    return machina_exit(status);

fail:
    error_report_err(err);
    cli_config_free(cfg);
    return machina_exit(1);
}
