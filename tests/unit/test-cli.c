/* The system emulator's command-line parser (system/cli.c). */
#include "core/osdep.h"
#include "hw/core/machine.h"
#include "core/log.h"
#include "system/cli.h"
#include "tests/unit/unit.h"

/* Parse a NULL-terminated argument list (argv[0] is added). */
static CliConfig *parse(Error **errp, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    CliConfig *cfg = cli_config_new();
    va_list ap;
    const char *a;
    bool ok;

    g_ptr_array_add(argv, (char *)"machina-system-riscv64");
    va_start(ap, errp);
    while ((a = va_arg(ap, const char *))) {
        g_ptr_array_add(argv, (char *)a);
    }
    va_end(ap);
    ok = cli_parse(cfg, (int)argv->len, (char **)argv->pdata, errp);
    g_ptr_array_free(argv, true);
    if (!ok) {
        cli_config_free(cfg);
        return NULL;
    }
    return cfg;
}

#define FAILS_WITH(msg, ...)                                               \
    do {                                                                   \
        Error *err_ = NULL;                                                \
        CliConfig *c_ = parse(&err_, __VA_ARGS__, NULL);                   \
        CHECK(c_ == NULL);                                                 \
        CHECK(err_ != NULL);                                               \
        CHECK_STREQ(error_get_pretty(err_), msg);                          \
        error_free(err_);                                                  \
    } while (0)

UNIT_TEST(cli_collects_options)
{
    CliConfig *cfg = parse(NULL, "-M", "virt,dumpdtb=x.dtb", "--m", "1G", "-smp", "2",
                           "-kernel", "Image", "-append", "console=ttyS0 quiet",
                           "-serial", "stdio", "-serial", "null", "-nographic", "-S",
                           "-no-reboot", "-device", "foo,id=d0", "-name", "vm1",
                           "-accel", "tcg", "-enable-kvm", "-L", "/usr/share", NULL);

    CHECK(cfg != NULL);
    CHECK_EQ(cfg->machine->len, 1);
    CHECK_STREQ(((CliArg *)cfg->machine->pdata[0])->value, "virt,dumpdtb=x.dtb");
    CHECK_STREQ(((CliArg *)cfg->machine->pdata[0])->opt, "-machine");
    CHECK_EQ(cfg->ram_size, GiB);
    CHECK_STREQ(cfg->smp->value, "2");
    CHECK_STREQ(cfg->kernel, "Image");
    CHECK_STREQ(cfg->append, "console=ttyS0 quiet");
    CHECK_EQ(cfg->serial->len, 2);
    CHECK(cfg->nographic && cfg->start_paused && cfg->no_reboot && !cfg->no_shutdown);
    CHECK_EQ(cfg->device->len, 1);
    CHECK_STREQ(cfg->name, "vm1");
    CHECK_EQ(cfg->accel->len, 2);
    CHECK_STREQ(((CliArg *)cfg->accel->pdata[1])->value, "kvm");
    CHECK_EQ(cfg->help, CLI_HELP_NONE);
    cli_config_free(cfg);
}

UNIT_TEST(cli_collects_monitors)
{
    CliConfig *cfg = parse(NULL, "-qmp", "tcp:127.0.0.1:4444,server=on,wait=off",
                           "-monitor", "stdio", "-mon", "chardev=c,mode=control",
                           "-qmp-pretty", "unix:/tmp/q.sock,server=on", NULL);

    CHECK(cfg != NULL);
    /* In command-line order, each with its option's name. */
    CHECK_EQ(cfg->monitors->len, 4);
    CHECK_STREQ(((CliArg *)cfg->monitors->pdata[0])->opt, "-qmp");
    CHECK_STREQ(((CliArg *)cfg->monitors->pdata[1])->opt, "-monitor");
    CHECK_STREQ(((CliArg *)cfg->monitors->pdata[1])->value, "stdio");
    CHECK_STREQ(((CliArg *)cfg->monitors->pdata[2])->opt, "-mon");
    CHECK_STREQ(((CliArg *)cfg->monitors->pdata[3])->opt, "-qmp-pretty");
    cli_config_free(cfg);
}

UNIT_TEST(cli_gdb_options)
{
    CliConfig *cfg = parse(NULL, "-gdb", "unix:/tmp/g.sock,server=on", NULL);

    CHECK(cfg != NULL);
    CHECK_STREQ(cfg->gdb->opt, "-gdb");
    CHECK_STREQ(cfg->gdb->value, "unix:/tmp/g.sock,server=on");
    cli_config_free(cfg);
    /* -s is -gdb tcp::1234; the last one wins */
    cfg = parse(NULL, "-gdb", "tcp::4321", "-s", NULL);
    CHECK(cfg != NULL);
    CHECK_STREQ(cfg->gdb->opt, "-gdb");
    CHECK_STREQ(cfg->gdb->value, "tcp::1234");
    cli_config_free(cfg);
    cfg = parse(NULL, NULL);
    CHECK(cfg != NULL && cfg->gdb == NULL);
    cli_config_free(cfg);
    FAILS_WITH("-gdb: requires an argument", "-gdb");
}

UNIT_TEST(cli_memory_sizes)
{
    CliConfig *cfg = parse(NULL, "-m", "512", NULL);

    CHECK_EQ(cfg->ram_size, 512 * MiB);        /* MiB without a suffix */
    cli_config_free(cfg);
    cfg = parse(NULL, "-m", "size=2G", NULL);
    CHECK_EQ(cfg->ram_size, 2 * GiB);
    cli_config_free(cfg);
    cfg = parse(NULL, "-m", "1000K", NULL);
    CHECK_EQ(cfg->ram_size, 1000 * KiB);       /* already a multiple of 8K */
    cli_config_free(cfg);
    cfg = parse(NULL, "-m", "1001K", NULL);
    CHECK_EQ(cfg->ram_size, 1008 * KiB);       /* rounded up to 8K as QEMU */
    cli_config_free(cfg);
    FAILS_WITH("-m 12Q: invalid size '12Q'", "-m", "12Q");
    FAILS_WITH("-m 0: memory size must not be zero", "-m", "0");
    FAILS_WITH("-m slots=2: Invalid parameter 'slots'", "-m", "slots=2");
    FAILS_WITH("-m: requires an argument", "-m");
}

UNIT_TEST(cli_bad_options)
{
    FAILS_WITH("-foo: invalid option", "-foo");
    FAILS_WITH("--bar: invalid option", "--bar");
    FAILS_WITH("disk.img: disk images without an option are not supported", "disk.img");
    FAILS_WITH("-kernel: requires an argument", "-kernel");
    FAILS_WITH("-display gtk: display 'gtk' is not available (only 'none')",
               "-display", "gtk");
    FAILS_WITH("-d bogus: unknown log item 'bogus' (use -d help for a list)", "-d", "bogus");
    FAILS_WITH("-cpu ,x=1: a CPU model name is required", "-cpu", ",x=1");
    FAILS_WITH("-device foo,id=1x: Parameter 'id' expects an identifier (letters, "
               "digits, '-', '.', '_', starting with a letter)", "-device", "foo,id=1x");
    FAILS_WITH("-name vm,bad=1: Invalid parameter 'bad'", "-name", "vm,bad=1");
}

UNIT_TEST(cli_dfilter_ranges)
{
    CliConfig *cfg = parse(NULL, "-dfilter", "0x1000+0x100,0x3000-0x10,0x8000..0x8fff", NULL);

    CHECK(!qemu_log_in_addr_range(0xfff));
    CHECK(qemu_log_in_addr_range(0x1000));
    CHECK(qemu_log_in_addr_range(0x10ff));
    CHECK(!qemu_log_in_addr_range(0x1100));
    CHECK(!qemu_log_in_addr_range(0x2ff0));
    CHECK(qemu_log_in_addr_range(0x2ff1));      /* the 16 bytes ending at 0x3000 */
    CHECK(qemu_log_in_addr_range(0x3000));
    CHECK(!qemu_log_in_addr_range(0x3001));
    CHECK(qemu_log_in_addr_range(0x8000));
    CHECK(qemu_log_in_addr_range(0x8fff));
    CHECK(!qemu_log_in_addr_range(0x9000));
    cli_config_free(cfg);
    FAILS_WITH("-dfilter 0x1000: invalid range '0x1000' (START+LEN, END-LEN or START..END)",
               "-dfilter", "0x1000");
    FAILS_WITH("-dfilter 0x10+0: invalid range '0x10+0' (START+LEN, END-LEN or START..END)",
               "-dfilter", "0x10+0");
    FAILS_WITH("-dfilter 0x2000..0x1000: invalid range '0x2000..0x1000' (START+LEN, END-LEN or "
               "START..END)", "-dfilter", "0x2000..0x1000");
    FAILS_WITH("-dfilter 0x10-0x20: invalid range '0x10-0x20' (START+LEN, END-LEN or START..END)",
               "-dfilter", "0x10-0x20");
    /* A failed -dfilter leaves the last good one in place; NULL clears. */
    CHECK(!qemu_log_in_addr_range(0x9000));
    CHECK(qemu_set_dfilter_ranges(NULL, NULL));
    CHECK(qemu_log_in_addr_range(0x9000));
}

UNIT_TEST(cli_help_requests)
{
    CliConfig *cfg = parse(NULL, "-M", "help", "-cpu", "help", NULL);

    CHECK_EQ(cfg->help, CLI_HELP_MACHINE);      /* the first one wins */
    cli_config_free(cfg);
    cfg = parse(NULL, "-device", "serial-mm,help", NULL);
    CHECK_EQ(cfg->help, CLI_HELP_DEVICE);
    CHECK_STREQ(cfg->help_arg, "serial-mm");
    cli_config_free(cfg);
    cfg = parse(NULL, "-device", "?", NULL);
    CHECK_EQ(cfg->help, CLI_HELP_DEVICE);
    CHECK(cfg->help_arg == NULL);
    cli_config_free(cfg);
    cfg = parse(NULL, "-d", "help", NULL);
    CHECK_EQ(cfg->help, CLI_HELP_LOG);
    cli_config_free(cfg);
    cfg = parse(NULL, "-version", NULL);
    CHECK_EQ(cfg->help, CLI_HELP_VERSION);
    cli_config_free(cfg);
    cfg = parse(NULL, "--help", NULL);
    CHECK_EQ(cfg->help, CLI_HELP_USAGE);
    cli_config_free(cfg);
    cfg = parse(NULL, "-accel", "tcg,help", NULL);
    CHECK_EQ(cfg->help, CLI_HELP_ACCEL);
    CHECK_STREQ(cfg->help_arg, "tcg");
    cli_config_free(cfg);
}

UNIT_TEST(cli_smp_topology)
{
    CpuTopology t;
    Error *err = NULL;

    CHECK(cli_parse_smp("4", 8, "virt", &t, NULL));
    CHECK(t.cpus == 4 && t.max_cpus == 4 && t.sockets == 4 && t.cores == 1 &&
          t.threads == 1);
    CHECK(cli_parse_smp("cpus=4,cores=2", 8, "virt", &t, NULL));
    CHECK(t.sockets == 2 && t.cores == 2 && t.threads == 1);
    CHECK(cli_parse_smp("2,maxcpus=4", 8, "virt", &t, NULL));
    CHECK(t.cpus == 2 && t.max_cpus == 4 && t.sockets == 4);
    CHECK(cli_parse_smp("sockets=2,cores=2,threads=2", 8, "virt", &t, NULL));
    CHECK(t.cpus == 8 && t.max_cpus == 8);
    CHECK(cli_parse_smp("sockets=1,cores=3", 0, NULL, &t, NULL));
    CHECK(t.cpus == 3);

    CHECK(!cli_parse_smp("16", 8, "virt", &t, &err));
    CHECK_STREQ(error_get_pretty(err),
                "Invalid SMP CPUs 16. The max CPUs supported by machine 'virt' is 8");
    error_free(err);
    err = NULL;
    CHECK(!cli_parse_smp("4,sockets=3", 0, NULL, &t, &err));
    CHECK_STREQ(error_get_pretty(err), "Invalid CPU topology: product of the hierarchy "
                "must match maxcpus: sockets (3) * cores (1) * threads (1) != maxcpus (4)");
    error_free(err);
    err = NULL;
    CHECK(!cli_parse_smp("4,maxcpus=2", 0, NULL, &t, &err));
    CHECK(strstr(error_get_pretty(err), "maxcpus must be equal to or greater") != NULL);
    error_free(err);
    err = NULL;
    CHECK(!cli_parse_smp("0", 0, NULL, &t, &err));
    CHECK_STREQ(error_get_pretty(err),
                "Invalid CPU topology: 'cpus' must be between 1 and 4096");
    error_free(err);
    CHECK(!cli_parse_smp("two", 0, NULL, &t, NULL));
    CHECK(!cli_parse_smp("2,dies=1", 0, NULL, &t, NULL));
    CHECK(cli_parse_smp("", 0, NULL, &t, NULL) && t.cpus == 1);
}

UNIT_TEST(cli_usage_lists_options)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    cli_print_usage(f);
    fclose(f);
    CHECK(strstr(buf, "usage: ") == buf);
    CHECK(strstr(buf, "\n-machine TYPE") != NULL);
    CHECK(strstr(buf, "\n-nographic ") != NULL);
    CHECK(strstr(buf, "\n-device DRIVER") != NULL);
    free(buf);
}
