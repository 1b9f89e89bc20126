/*
 * The system emulator's command line, parsed into a CliConfig before
 * anything is created.  Parsing checks the syntax of every value (sizes,
 * numbers, option strings); what needs the type registry (machine, CPU,
 * device names) is checked when the machine is built (system/vl.c).
 */
#ifndef SYSTEM_CLI_H
#define SYSTEM_CLI_H

#include "core/osdep.h"
#include "core/error.h"
#include "core/option.h"

/* One occurrence of an option with its argument (for error prefixes). */
typedef struct CliArg {
    const char *opt;          /* "-device" (canonical single-dash spelling) */
    char *value;              /* the argument as given */
} CliArg;

/* What the command line asks to print instead of running. */
typedef enum CliHelp {
    CLI_HELP_NONE = 0,
    CLI_HELP_USAGE,           /* -h */
    CLI_HELP_VERSION,         /* -version */
    CLI_HELP_MACHINE,         /* -M help (or -M NAME,help: help_arg) */
    CLI_HELP_CPU,             /* -cpu help */
    CLI_HELP_ACCEL,           /* -accel help (or -accel NAME,help: help_arg) */
    CLI_HELP_DEVICE,          /* -device help (or NAME,help) */
    CLI_HELP_CHARDEV,         /* -chardev help */
    CLI_HELP_OBJECT,          /* -object help (or TYPE,help) */
    CLI_HELP_LOG,             /* -d help */
    CLI_HELP_NETDEV,          /* -netdev help */
} CliHelp;

typedef struct CliConfig {
    CliHelp help;
    char *help_arg;           /* "virtio-blk" for -device virtio-blk,help */

    GPtrArray *machine;       /* CliArg*: every -M/-machine, merged in order */
    CliArg *mem;              /* last -m */
    uint64_t ram_size;        /* parsed -m size (0: machine default) */
    CliArg *smp;              /* last -smp */
    CliArg *cpu;              /* last -cpu */
    GPtrArray *accel;         /* CliArg*: -accel, tried in order */
    char *kernel, *initrd, *append, *bios, *dtb;
    GPtrArray *chardev;       /* CliArg* */
    GPtrArray *serial;        /* CliArg* */
    GPtrArray *device;        /* CliArg* */
    GPtrArray *object;        /* CliArg* */
    GPtrArray *global;        /* CliArg*: -global, registered by vl.c */
    GPtrArray *monitors;      /* CliArg*: -monitor, -qmp, -qmp-pretty, -mon, in order */
    CliArg *log_items;        /* -d */
    char *log_file;           /* -D */
    char *name;               /* -name guest=NAME */
    bool nographic;
    bool start_paused;        /* -S */
    bool perfmap;             /* -perfmap */
    CliArg *gdb;              /* last -gdb DEV (-s: tcp::1234) */
    bool no_reboot;
    bool no_shutdown;
    bool nodefaults;
} CliConfig;

CliConfig *cli_config_new(void);
void cli_config_free(CliConfig *cfg);

/*
 * Parse argv[1..].  On error returns false with an Error already prefixed
 * by the option ("-m 12Q: invalid size '12Q'", "-foo: invalid option").
 */
bool cli_parse(CliConfig *cfg, int argc, char **argv, Error **errp);

/* "-opt value: " prefix for later (semantic) errors about a CliArg (none if opt is NULL). */
void cli_error_prepend(Error **errp, const CliArg *arg);

/* -h text. */
void cli_print_usage(FILE *f);

/*
 * -smp: CPU topology from "N[,cpus=][,sockets=][,cores=][,threads=][,maxcpus=]"
 * with QEMU's rules for omitted values (sockets first).  max_cpus_limit is
 * the machine's limit (0: none); machine names it in the error.
 */
typedef struct CpuTopology CpuTopology;
bool cli_parse_smp(const char *str, unsigned max_cpus_limit, const char *machine,
                   CpuTopology *topo, Error **errp);

#endif
