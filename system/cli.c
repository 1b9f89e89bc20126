/*
 * Command-line parsing for machina-system-*.  The option names, their
 * arguments and the "-opt value: reason" error style follow QEMU's
 * documented invocation (qemu-system(1)), so scripts can swap binaries.
 */
#include "core/osdep.h"
#include "core/log.h"
#include "hw/core/machine.h"
#include "system/cli.h"
#include "hw/core/qdev.h"

typedef enum CliIndex {
    CLI_MACHINE, CLI_MEM, CLI_SMP, CLI_CPU, CLI_ACCEL, CLI_ENABLE_KVM,
    CLI_KERNEL, CLI_INITRD, CLI_APPEND, CLI_BIOS, CLI_DTB, CLI_CHARDEV,
    CLI_SERIAL, CLI_MONITOR, CLI_QMP, CLI_QMP_PRETTY, CLI_MON, CLI_NOGRAPHIC, CLI_DISPLAY, CLI_OBJECT,
    CLI_DEVICE, CLI_LOG, CLI_LOGFILE, CLI_DFILTER, CLI_PERFMAP, CLI_GLOBAL, CLI_PAUSED, CLI_GDB, CLI_GDB_DEFAULT, CLI_NO_REBOOT,
    CLI_NO_SHUTDOWN, CLI_NAME, CLI_VERSION, CLI_HELP, CLI_DATADIR,
    CLI_NODEFAULTS, CLI_NO_USER_CONFIG, CLI_DRIVE, CLI_BLOCKDEV,
    CLI_NETDEV, CLI_NIC, CLI_NET,
} CliIndex;

typedef struct CliOption {
    const char *name;         /* without the leading dash */
    bool has_arg;
    CliIndex index;
    const char *arg_help;     /* for -h */
    const char *help;
} CliOption;

static const CliOption cli_options[] = {
    { "machine", true, CLI_MACHINE, "TYPE[,prop=value...]",
      "select the machine (-machine help lists them); dumpdtb=FILE, "
      "memory-backend=ID" },
    { "M", true, CLI_MACHINE, NULL, NULL },
    { "m", true, CLI_MEM, "[size=]SIZE", "guest RAM (MiB without a suffix; K, M, G, T)" },
    { "smp", true, CLI_SMP, "[cpus=]N[,sockets=S][,cores=C][,threads=T][,maxcpus=M]",
      "number of CPUs and their topology" },
    { "cpu", true, CLI_CPU, "MODEL[,prop=value...]", "CPU model (-cpu help lists them)" },
    { "accel", true, CLI_ACCEL, "NAME[,prop=value...]",
      "accelerator (-accel help lists them); repeat to give fallbacks" },
    { "enable-kvm", false, CLI_ENABLE_KVM, NULL, "same as -accel kvm" },
    { "kernel", true, CLI_KERNEL, "FILE", "kernel image (Linux Image or ELF)" },
    { "initrd", true, CLI_INITRD, "FILE", "initial ram disk" },
    { "append", true, CLI_APPEND, "CMDLINE", "kernel command line" },
    { "bios", true, CLI_BIOS, "FILE", "firmware: default, none or a file" },
    { "dtb", true, CLI_DTB, "FILE", "use this device tree instead of the machine's" },
    { "chardev", true, CLI_CHARDEV, "BACKEND,id=ID[,...]",
      "character device backend (-chardev help lists them)" },
    { "serial", true, CLI_SERIAL, "DEV",
      "next serial port to DEV: stdio, null, file:PATH, pty, tcp:..., "
      "unix:..., mon:stdio, chardev:ID, none" },
    { "monitor", true, CLI_MONITOR, "DEV", "HMP monitor on DEV (stdio, tcp:..., unix:..., "
      "mon:stdio, chardev:ID, none)" },
    { "qmp", true, CLI_QMP, "DEV", "QMP monitor on DEV" },
    { "qmp-pretty", true, CLI_QMP_PRETTY, "DEV", "QMP monitor on DEV, indented JSON" },
    { "mon", true, CLI_MON, "[chardev=]ID[,mode=readline|control][,pretty=on|off]",
      "monitor on the chardev ID" },
    { "nographic", false, CLI_NOGRAPHIC, NULL,
      "no display; serial port on a mux over stdio (Ctrl-A h for help)" },
    { "display", true, CLI_DISPLAY, "none", "display backend (only none)" },
    { "object", true, CLI_OBJECT, "TYPE,id=ID[,prop=value...]",
      "create a user object, e.g. memory-backend-ram,id=m0,size=256M" },
    { "device", true, CLI_DEVICE, "DRIVER[,prop=value...][,id=ID]",
      "add a device (-device help lists them; -device NAME,help its properties)" },
    { "drive", true, CLI_DRIVE, "file=PATH[,format=raw][,if=virtio|none][,id=ID][,cache=MODE]"
      "[,aio=threads|io_uring|native][,readonly=on][,discard=unmap][,werror=][,rerror=]",
      "a disk image and its backend (if=virtio adds a virtio-blk device)" },
    { "blockdev", true, CLI_BLOCKDEV, "driver=raw,node-name=N,file.driver=file,"
      "file.filename=PATH[,...]", "a block node graph (use with -device ...,drive=N)" },
    { "netdev", true, CLI_NETDEV, "user|socket|tap|hubport,id=ID[,...]",
      "a network backend (use with -device virtio-net-pci,netdev=ID; -netdev help)" },
    { "nic", true, CLI_NIC, "[TYPE][,model=NAME][,mac=ADDR][,...] or none",
      "a network card with its backend (TYPE's options as for -netdev)" },
    { "net", true, CLI_NET, "nic[,model=NAME][,macaddr=ADDR] or user|socket|tap[,...]",
      "legacy: cards and backends joined by hub 0" },
    { "d", true, CLI_LOG, "ITEM[,...]", "debug log items (-d help lists them)" },
    { "D", true, CLI_LOGFILE, "FILE", "write the debug log to FILE" },
    { "dfilter", true, CLI_DFILTER, "RANGE[,...]", "log only blocks in these address ranges "
      "(START+LEN, END-LEN, START..END)" },
    { "global", true, CLI_GLOBAL, "DRIVER.PROP=VALUE", "default PROP of every DRIVER device "
      "(also driver=,property=,value=)" },
    { "perfmap", false, CLI_PERFMAP, NULL, "write /tmp/perf-PID.map naming each translated "
      "block by its guest pc, for perf" },
    { "S", false, CLI_PAUSED, NULL, "do not start the CPUs" },
    { "gdb", true, CLI_GDB, "DEV", "gdbstub on DEV (tcp::PORT, tcp:HOST:PORT, unix:PATH, "
      "chardev:ID, none)" },
    { "s", false, CLI_GDB_DEFAULT, NULL, "shorthand for -gdb tcp::1234" },
    { "no-reboot", false, CLI_NO_REBOOT, NULL, "exit instead of rebooting" },
    { "no-shutdown", false, CLI_NO_SHUTDOWN, NULL,
      "stop (not exit) when the guest powers off" },
    { "name", true, CLI_NAME, "[guest=]NAME[,process=NAME]", "name of the guest" },
    { "version", false, CLI_VERSION, NULL, "print the version and exit" },
    { "h", false, CLI_HELP, NULL, "print this help and exit" },
    { "help", false, CLI_HELP, NULL, NULL },
    { "L", true, CLI_DATADIR, "PATH", "firmware directory (accepted, not used)" },
    { "nodefaults", false, CLI_NODEFAULTS, NULL, "no default devices (no serial port)" },
    { "no-user-config", false, CLI_NO_USER_CONFIG, NULL, "accepted for compatibility" },
};

static const CliOption *cli_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(cli_options); i++) {
        if (!strcmp(cli_options[i].name, name)) {
            return &cli_options[i];
        }
    }
    return NULL;
}

static CliArg *cli_arg_new(const CliOption *o, const char *value)
{
    CliArg *a = g_new0(CliArg, 1);

    /* The canonical spelling for messages: -machine for -M, -h for -help. */
    for (size_t i = 0; i < ARRAY_SIZE(cli_options); i++) {
        if (cli_options[i].index == o->index) {
            a->opt = g_strdup_printf("-%s", cli_options[i].name);
            break;
        }
    }
    a->value = g_strdup(value ? value : "");
    return a;
}

static void cli_arg_free(gpointer p)
{
    CliArg *a = p;

    if (a) {
        g_free((char *)a->opt);
        g_free(a->value);
        g_free(a);
    }
}

CliConfig *cli_config_new(void)
{
    CliConfig *cfg = g_new0(CliConfig, 1);

    cfg->machine = g_ptr_array_new_with_free_func(cli_arg_free);
    cfg->accel = g_ptr_array_new_with_free_func(cli_arg_free);
    cfg->chardev = g_ptr_array_new_with_free_func(cli_arg_free);
    cfg->serial = g_ptr_array_new_with_free_func(cli_arg_free);
    cfg->monitors = g_ptr_array_new_with_free_func(cli_arg_free);
    cfg->device = g_ptr_array_new_with_free_func(cli_arg_free);
    cfg->object = g_ptr_array_new_with_free_func(cli_arg_free);
    cfg->global = g_ptr_array_new_with_free_func(cli_arg_free);
    return cfg;
}

void cli_config_free(CliConfig *cfg)
{
    if (!cfg) {
        return;
    }
    g_ptr_array_unref(cfg->machine);
    g_ptr_array_unref(cfg->accel);
    g_ptr_array_unref(cfg->chardev);
    g_ptr_array_unref(cfg->serial);
    g_ptr_array_unref(cfg->monitors);
    g_ptr_array_unref(cfg->device);
    g_ptr_array_unref(cfg->object);
    g_ptr_array_unref(cfg->global);
    cli_arg_free(cfg->mem);
    cli_arg_free(cfg->smp);
    cli_arg_free(cfg->cpu);
    cli_arg_free(cfg->log_items);
    cli_arg_free(cfg->gdb);
    g_free(cfg->help_arg);
    g_free(cfg->kernel);
    g_free(cfg->initrd);
    g_free(cfg->append);
    g_free(cfg->bios);
    g_free(cfg->dtb);
    g_free(cfg->log_file);
    g_free(cfg->name);
    g_free(cfg);
}

void cli_error_prepend(Error **errp, const CliArg *arg)
{
    if (arg && arg->opt) {
        error_prepend(errp, "%s %s: ", arg->opt, arg->value);
    }
}

static void set_str(char **dst, const char *v)
{
    g_free(*dst);
    *dst = g_strdup(v);
}

static void set_arg(CliArg **dst, CliArg *a)
{
    cli_arg_free(*dst);
    *dst = a;
}

/* First help request wins, as each would print and exit in QEMU. */
static void want_help(CliConfig *cfg, CliHelp what, const char *arg)
{
    if (cfg->help == CLI_HELP_NONE) {
        cfg->help = what;
        cfg->help_arg = arg ? g_strdup(arg) : NULL;
    }
}

/* "NAME,help" -> "NAME"; "help" -> NULL. */
static char *help_subject(const char *value)
{
    size_t n = strcspn(value, ",");
    char *s = g_strndup(value, n);

    if (!strcmp(s, "help") || !strcmp(s, "?")) {
        g_free(s);
        return NULL;
    }
    return s;
}

/* ------------------------------------------------------- value checks */

static const OptDesc mem_desc[] = {
    { "size", OPT_STRING, "RAM size (MiB without a suffix)", NULL },
    { NULL },
};
static const OptsList mem_list = { "memory", "size", true, mem_desc };

static bool parse_mem(CliConfig *cfg, const char *value, Error **errp)
{
    Opts *o = opts_parse(&mem_list, value, errp);
    const char *s;
    uint64_t sz;

    if (!o) {
        return false;
    }
    s = opts_get(o, "size");
    if (!s) {
        opts_free(o);
        error_setg(errp, "missing 'size' option value");
        return false;
    }
    /* QEMU: a bare number is MiB; sizes are rounded up to 8 KiB. */
    if (!parse_size_unit(s, MiB, &sz, errp)) {
        opts_free(o);
        return false;
    }
    opts_free(o);
    if (sz == 0) {
        error_setg(errp, "memory size must not be zero");
        return false;
    }
    if (sz > UINT64_MAX - 8 * KiB) {
        error_setg(errp, "memory size is too large");
        return false;
    }
    cfg->ram_size = QEMU_ALIGN_UP(sz, 8 * KiB);
    return true;
}

static const OptDesc smp_desc[] = {
    { "cpus", OPT_NUMBER, "number of CPUs at start", NULL },
    { "sockets", OPT_NUMBER, NULL, NULL },
    { "cores", OPT_NUMBER, NULL, NULL },
    { "threads", OPT_NUMBER, NULL, NULL },
    { "maxcpus", OPT_NUMBER, "maximum number of CPUs", NULL },
    { NULL },
};
static const OptsList smp_list = { "smp-opts", "cpus", true, smp_desc };

bool cli_parse_smp(const char *str, unsigned max_cpus_limit, const char *machine,
                   CpuTopology *topo, Error **errp)
{
    static const char *const keys[] = { "cpus", "sockets", "cores", "threads", "maxcpus" };
    uint64_t v[5];
    uint64_t cpus, sockets, cores, threads, maxcpus, total;
    Opts *o = opts_parse(&smp_list, str, errp);

    if (!o) {
        return false;
    }
    for (int i = 0; i < 5; i++) {
        v[i] = opts_get_number(o, keys[i], 0, NULL);
        if (opts_has(o, keys[i]) && (v[i] == 0 || v[i] > 4096)) {
            error_setg(errp, "Invalid CPU topology: '%s' must be between 1 and 4096",
                       keys[i]);
            opts_free(o);
            return false;
        }
    }
    opts_free(o);
    cpus = v[0], sockets = v[1], cores = v[2], threads = v[3], maxcpus = v[4];

    /* Omitted values: sockets are computed first, then cores, then threads. */
    if (cpus == 0 && maxcpus == 0) {
        sockets = sockets ? sockets : 1;
        cores = cores ? cores : 1;
        threads = threads ? threads : 1;
    } else {
        maxcpus = maxcpus ? maxcpus : cpus;
        if (sockets == 0) {
            cores = cores ? cores : 1;
            threads = threads ? threads : 1;
            sockets = maxcpus / (cores * threads);
        } else if (cores == 0) {
            threads = threads ? threads : 1;
            cores = maxcpus / (sockets * threads);
        } else if (threads == 0) {
            threads = maxcpus / (sockets * cores);
        }
    }
    total = sockets * cores * threads;
    maxcpus = maxcpus ? maxcpus : total;
    cpus = cpus ? cpus : maxcpus;
    if (total != maxcpus) {
        error_setg(errp, "Invalid CPU topology: product of the hierarchy must match "
                   "maxcpus: sockets (%" PRIu64 ") * cores (%" PRIu64 ") * threads (%"
                   PRIu64 ") != maxcpus (%" PRIu64 ")", sockets, cores, threads, maxcpus);
        return false;
    }
    if (maxcpus < cpus) {
        error_setg(errp, "Invalid CPU topology: maxcpus must be equal to or greater "
                   "than smp: maxcpus (%" PRIu64 ") < smp_cpus (%" PRIu64 ")",
                   maxcpus, cpus);
        return false;
    }
    if (max_cpus_limit && maxcpus > max_cpus_limit) {
        error_setg(errp, "Invalid SMP CPUs %" PRIu64 ". The max CPUs supported by "
                   "machine '%s' is %u", maxcpus, machine ? machine : "?", max_cpus_limit);
        return false;
    }
    topo->cpus = (unsigned)cpus;
    topo->max_cpus = (unsigned)maxcpus;
    topo->sockets = (unsigned)sockets;
    topo->cores = (unsigned)cores;
    topo->threads = (unsigned)threads;
    return true;
}

static const OptDesc name_desc[] = {
    { "guest", OPT_STRING, "guest name", NULL },
    { "process", OPT_STRING, "process name", NULL },
    { "debug-threads", OPT_BOOL, "name threads", NULL },
    { NULL },
};
static const OptsList name_list = { "name", "guest", false, name_desc };
static const OptDesc any_desc[] = { { NULL } };
static const OptsList machine_syntax = { "machine", "type", true, any_desc };
static const OptsList driver_syntax = { "device", "driver", false, any_desc };

/* Check that an option string parses; the keys are checked later. */
static bool check_syntax(const OptsList *list, const char *value, Error **errp)
{
    Opts *o = opts_parse(list, value, errp);

    opts_free(o);
    return o != NULL;
}

/*
 * One -machine/-accel/-chardev/-object/-device: "help" (or "NAME,help",
 * when with_subject) asks for help; anything else must parse with syntax
 * and is kept in list for later.
 */
static bool add_list_arg(CliConfig *cfg, GPtrArray *list, const OptsList *syntax,
                         CliHelp help, bool with_subject, const CliOption *o,
                         const char *value, Error **errp)
{
    if (opts_is_help(value)) {
        want_help(cfg, help, NULL);
        if (with_subject) {
            g_free(cfg->help_arg);
            cfg->help_arg = help_subject(value);
        }
        return true;
    }
    if (!check_syntax(syntax, value, errp)) {
        return false;
    }
    g_ptr_array_add(list, cli_arg_new(o, value));
    return true;
}

static bool cli_handle(CliConfig *cfg, const CliOption *o, const char *value,
                       Error **errp)
{
    switch (o->index) {
    case CLI_MACHINE:
        return add_list_arg(cfg, cfg->machine, &machine_syntax, CLI_HELP_MACHINE, true,
                            o, value, errp);
    case CLI_MEM:
        if (!parse_mem(cfg, value, errp)) {
            return false;
        }
        set_arg(&cfg->mem, cli_arg_new(o, value));
        return true;
    case CLI_SMP: {
        CpuTopology topo;

        /* Syntax and topology now; the machine's limit once it is known. */
        if (!cli_parse_smp(value, 0, NULL, &topo, errp)) {
            return false;
        }
        set_arg(&cfg->smp, cli_arg_new(o, value));
        return true;
    }
    case CLI_CPU:
        if (opts_is_help(value)) {
            want_help(cfg, CLI_HELP_CPU, NULL);
            return true;
        }
        if (!*value || *value == ',') {
            error_setg(errp, "a CPU model name is required");
            return false;
        }
        set_arg(&cfg->cpu, cli_arg_new(o, value));
        return true;
    case CLI_ACCEL:
        return add_list_arg(cfg, cfg->accel, &driver_syntax, CLI_HELP_ACCEL, true,
                            o, value, errp);
    case CLI_ENABLE_KVM:
        g_ptr_array_add(cfg->accel, cli_arg_new(cli_find("accel"), "kvm"));
        return true;
    case CLI_KERNEL:
        set_str(&cfg->kernel, value);
        return true;
    case CLI_INITRD:
        set_str(&cfg->initrd, value);
        return true;
    case CLI_APPEND:
        set_str(&cfg->append, value);
        return true;
    case CLI_BIOS:
        set_str(&cfg->bios, value);
        return true;
    case CLI_DTB:
        set_str(&cfg->dtb, value);
        return true;
    case CLI_CHARDEV:
        return add_list_arg(cfg, cfg->chardev, &driver_syntax, CLI_HELP_CHARDEV, false,
                            o, value, errp);
    case CLI_SERIAL:
        g_ptr_array_add(cfg->serial, cli_arg_new(o, value));
        return true;
    case CLI_MONITOR:
    case CLI_QMP:
    case CLI_QMP_PRETTY:
    case CLI_MON:
        /* Created after the chardevs (system/monitor-glue.c). */
        g_ptr_array_add(cfg->monitors, cli_arg_new(o, value));
        return true;
    case CLI_NOGRAPHIC:
        cfg->nographic = true;
        return true;
    case CLI_DISPLAY:
        if (strcmp(value, "none") != 0 && strncmp(value, "none,", 5) != 0) {
            error_setg(errp, "display '%.*s' is not available (only 'none')",
                       (int)strcspn(value, ","), value);
            return false;
        }
        return true;
    case CLI_OBJECT:
        return add_list_arg(cfg, cfg->object, &driver_syntax, CLI_HELP_OBJECT, true,
                            o, value, errp);
    case CLI_DEVICE:
        return add_list_arg(cfg, cfg->device, &driver_syntax, CLI_HELP_DEVICE, true,
                            o, value, errp);
    case CLI_LOG: {
        unsigned mask;

        if (!strcmp(value, "help") || !strcmp(value, "?")) {
            want_help(cfg, CLI_HELP_LOG, NULL);
            return true;
        }
        if (!qemu_log_parse_items(value, &mask, errp)) {
            return false;
        }
        set_arg(&cfg->log_items, cli_arg_new(o, value));
        return true;
    }
    case CLI_LOGFILE:
        set_str(&cfg->log_file, value);
        return true;
    case CLI_DFILTER:
        return qemu_set_dfilter_ranges(value, errp);
    case CLI_GLOBAL:
        if (!qdev_global_parse(value, NULL, NULL, NULL, errp)) {
            return false;
        }
        g_ptr_array_add(cfg->global, cli_arg_new(o, value));
        return true;
    case CLI_PERFMAP:
        cfg->perfmap = true;
        return true;
    case CLI_PAUSED:
        cfg->start_paused = true;
        return true;
    case CLI_GDB:
        set_arg(&cfg->gdb, cli_arg_new(o, value));
        return true;
    case CLI_GDB_DEFAULT:
        set_arg(&cfg->gdb, cli_arg_new(cli_find("gdb"), "tcp::1234"));
        return true;
    case CLI_NO_REBOOT:
        cfg->no_reboot = true;
        return true;
    case CLI_NO_SHUTDOWN:
        cfg->no_shutdown = true;
        return true;
    case CLI_NAME: {
        Opts *n = opts_parse(&name_list, value, errp);

        if (!n) {
            return false;
        }
        set_str(&cfg->name, opts_get(n, "guest"));
        opts_free(n);
        return true;
    }
    case CLI_VERSION:
        want_help(cfg, CLI_HELP_VERSION, NULL);
        return true;
    case CLI_HELP:
        want_help(cfg, CLI_HELP_USAGE, NULL);
        return true;
    case CLI_NETDEV:
        if (opts_is_help(value)) {
            want_help(cfg, CLI_HELP_NETDEV, NULL);
            return true;
        }
        if (!check_syntax(&driver_syntax, value, errp)) {
            return false;
        }
        g_ptr_array_add(cfg->device, cli_arg_new(o, value));
        return true;
    case CLI_NIC:
    case CLI_NET:
    case CLI_DRIVE:
    case CLI_BLOCKDEV:
        /* Kept among the -device options: if=virtio devices take their place. */
        if (!check_syntax(&driver_syntax, value, errp)) {
            return false;
        }
        g_ptr_array_add(cfg->device, cli_arg_new(o, value));
        return true;
    case CLI_DATADIR:
    case CLI_NODEFAULTS:
    case CLI_NO_USER_CONFIG:
        if (o->index == CLI_NODEFAULTS) {
            cfg->nodefaults = true;
        }
        return true;
    }
    return true;
}

bool cli_parse(CliConfig *cfg, int argc, char **argv, Error **errp)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *name;
        const CliOption *o;
        const char *value = NULL;
        Error *err = NULL;

        if (arg[0] != '-' || arg[1] == '\0') {
            /* QEMU would take a bare argument as a disk image (-hda). */
            error_setg(errp, "%s: disk images without an option are not supported", arg);
            return false;
        }
        /* "--opt" is the same as "-opt". */
        name = arg + 1 + (arg[1] == '-');
        o = cli_find(name);
        if (!o) {
            error_setg(errp, "%s: invalid option", arg);
            return false;
        }
        if (o->has_arg) {
            if (i + 1 >= argc) {
                error_setg(errp, "%s: requires an argument", arg);
                return false;
            }
            value = argv[++i];
        }
        if (!cli_handle(cfg, o, value, &err)) {
            if (value) {
                error_prepend(&err, "%s %s: ", arg, value);
            } else {
                error_prepend(&err, "%s: ", arg);
            }
            error_propagate(errp, err);
            return false;
        }
    }
    return true;
}

void cli_print_usage(FILE *f)
{
    fprintf(f, "usage: %s [options]\n\n", machina_prog_name);
    for (size_t i = 0; i < ARRAY_SIZE(cli_options); i++) {
        const CliOption *o = &cli_options[i];
        char *left;

        if (!o->help) {
            continue;           /* an alias, listed under its main name */
        }
        left = g_strdup_printf("-%s%s%s", o->name, o->arg_help ? " " : "",
                               o->arg_help ? o->arg_help : "");
        if (strlen(left) > 30) {
            fprintf(f, "%s\n%32s%s\n", left, "", o->help);
        } else {
            fprintf(f, "%-30s  %s\n", left, o->help);
        }
        g_free(left);
    }
    fprintf(f, "\nAliases: -M for -machine, -help for -h; every option may also be "
            "spelled with two dashes.\n");
    fprintf(f, "Example: %s -M virt -m 256 -nographic -bios default "
            "-kernel Image -initrd initramfs.cpio.gz -append console=ttyS0\n",
            machina_prog_name);
}
