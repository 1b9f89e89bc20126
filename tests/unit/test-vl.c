/*
 * The whole life cycle of machina_main() (system/vl.c) on a fake machine
 * and a fake accelerator defined here.  machina_main() builds one machine
 * per process, so every case runs it in a forked child and checks the exit
 * status and what the child printed.
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "accel/accel.h"
#include "hw/core/machine.h"
#include "hw/core/qdev.h"
#include "system/runstate.h"
#include "system/vl.h"
#include "tests/unit/unit.h"

#include <libfdt.h>
#include <signal.h>
#include <sys/wait.h>

/* ----------------------------------------------------- fake accelerator */

/*
 * What the "guest" does once the vCPUs run, from $VL_SCENARIO:
 *   poweroff  guest shutdown with status 42
 *   poweroff-stay  the same, and SIGTERM once the vCPUs are paused
 *   reset     guest reset, then (after the reset) shutdown with status 7
 *   sigterm   the process gets SIGTERM
 */
static int resumes;

static void guest_acts(void *opaque)
{
    const char *s = getenv("VL_SCENARIO");

    s = s ? s : "poweroff";
    if (!strcmp(s, "poweroff") || !strcmp(s, "poweroff-stay")) {
        qemu_system_shutdown_request_status(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, 42);
    } else if (!strcmp(s, "reset")) {
        if (resumes == 1) {
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        } else {
            printf("after reset: resumes=%d\n", resumes);
            qemu_system_shutdown_request_status(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, 7);
        }
    } else if (!strcmp(s, "sigterm")) {
        kill(getpid(), SIGTERM);
    }
}

static QEMUBH *guest_bh;

static bool fake_init(MachineState *ms, Opts *opts, Error **errp)
{
    const char *v = opts_get(opts, "threads");

    printf("accel init threads=%s\n", v ? v : "-");
    return true;
}

static bool fake_start_vcpus(MachineState *ms, Error **errp)
{
    printf("start_vcpus cpus=%u\n", ms->smp.cpus);
    guest_bh = qemu_bh_new(guest_acts, NULL);
    return true;
}

static void fake_pause(void)
{
    const char *s = getenv("VL_SCENARIO");

    printf("pause\n");
    if (s && !strcmp(s, "poweroff-stay")) {
        /* The host ends what the guest's power-off only stopped. */
        kill(getpid(), SIGTERM);
    }
}

static void fake_resume(void)
{
    resumes++;
    printf("resume\n");
    qemu_bh_schedule(guest_bh);
}

static bool never_available(Error **errp)
{
    error_setg(errp, "fake-off is never available");
    return false;
}

static const OptDesc fake_opts[] = {
    { "threads", OPT_STRING, "thread model", NULL },
    { NULL },
};
static const AccelOps fake_accel = {
    .name = "fake", .desc = "test accelerator", .opts = fake_opts, .init = fake_init,
    .start_vcpus = fake_start_vcpus, .pause_all_vcpus = fake_pause,
    .resume_all_vcpus = fake_resume,
};
static const AccelOps off_accel = {
    .name = "fake-off", .desc = "unavailable", .available = never_available,
};

/* --------------------------------------------------------- fake machine */

static void unit_machine_init(MachineState *ms)
{
    void *fdt = g_malloc0(4096);

    printf("init ram=%" PRIu64 " ram_region=%s cpus=%u max=%u sockets=%u cores=%u\n",
           ms->ram_size, ms->ram ? memory_region_name(ms->ram) : "none",
           ms->smp.cpus, ms->smp.max_cpus, ms->smp.sockets, ms->smp.cores);
    printf("kernel=%s initrd=%s append=%s bios=%s\n",
           ms->kernel_filename ? ms->kernel_filename : "-",
           ms->initrd_filename ? ms->initrd_filename : "-",
           ms->kernel_cmdline ? ms->kernel_cmdline : "-",
           ms->firmware ? ms->firmware : "-");
    fdt_create_empty_tree(fdt, 4096);
    fdt_setprop_string(fdt, 0, "model", "unit-test-board");
    ms->fdt = fdt;
    ms->fdt_size = 4096;
}

static void unit_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "unitm";
    mc->desc = "machine of the system/ unit test";
    mc->init = unit_machine_init;
    mc->max_cpus = 4;
    mc->default_ram_size = 16 * MiB;
    mc->default_accel = "fake";
    mc->valid_accels = "fake:fake-off";
    mc->is_default = true;
}

static const TypeInfo unit_machine_info = {
    .name = MACHINE_TYPE_NAME("unitm"),
    .parent = TYPE_MACHINE,
    .class_init = unit_machine_class_init,
};

static void register_fakes(void)
{
    type_register_static(&unit_machine_info);
    accel_register(&fake_accel);
    accel_register(&off_accel);
}

type_init(register_fakes)

/* ------------------------------------------------------------- runner */

typedef struct Run {
    int status;
    char *out, *err;
} Run;

static char *slurp(int fd)
{
    GString *s = g_string_new(NULL);
    char buf[4096];
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        g_string_append_len(s, buf, n);
    }
    close(fd);
    return g_string_free(s, false);
}

/* machina_main(args...) in a child; NULL-terminated arguments. */
static Run run_main(const char *scenario, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    int out[2], err[2], wstatus;
    Run r = { -1, NULL, NULL };
    const char *a;
    va_list ap;
    pid_t pid;

    g_ptr_array_add(argv, (char *)"machina-system-unit");
    va_start(ap, scenario);
    while ((a = va_arg(ap, const char *))) {
        g_ptr_array_add(argv, (char *)a);
    }
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    fflush(stdout);
    if (pipe(out) || pipe(err)) {
        unit_fail(__FILE__, __LINE__, "pipe: %s", strerror(errno));
    }
    pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        setvbuf(stdout, NULL, _IONBF, 0);
        setenv("VL_SCENARIO", scenario, 1);
        machina_prog_name = "machina-system-unit";
        _exit(machina_main((int)argv->len - 1, (char **)argv->pdata));
    }
    close(out[1]);
    close(err[1]);
    /* stdout first, then stderr: the child writes little to either. */
    r.out = slurp(out[0]);
    r.err = slurp(err[0]);
    waitpid(pid, &wstatus, 0);
    r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    g_ptr_array_free(argv, true);
    return r;
}

static void run_free(Run *r)
{
    g_free(r->out);
    g_free(r->err);
}

#define CHECK_HAS(hay, needle)                                             \
    do {                                                                   \
        if (!strstr((hay), (needle))) {                                    \
            unit_fail(__FILE__, __LINE__, "'%s' not in:\n%s", (needle), (hay)); \
        }                                                                  \
    } while (0)

UNIT_TEST(vl_boot_and_guest_poweroff)
{
    Run r = run_main("poweroff", "-m", "32", "-smp", "2,cores=2", "-kernel", "vmlinux",
                     "-append", "console=ttyS0", "-bios", "none", "-nodefaults", NULL);

    CHECK_EQ(r.status, 42);
    CHECK_HAS(r.out, "accel init threads=-\n");
    CHECK_HAS(r.out, "init ram=33554432 ram_region=ram cpus=2 max=2 sockets=1 cores=2\n");
    CHECK_HAS(r.out, "kernel=vmlinux initrd=- append=console=ttyS0 bios=none\n");
    CHECK_HAS(r.out, "start_vcpus cpus=2\nresume\n");
    CHECK_STREQ(r.err, "");
    run_free(&r);
}

UNIT_TEST(vl_defaults_from_machine_class)
{
    Run r = run_main("poweroff", "-nodefaults", NULL);

    CHECK_EQ(r.status, 42);
    CHECK_HAS(r.out, "init ram=16777216 ram_region=ram cpus=1 max=1");
    run_free(&r);
}

UNIT_TEST(vl_reset_then_poweroff)
{
    Run r = run_main("reset", "-nodefaults", NULL);

    CHECK_EQ(r.status, 7);
    /* The reset paused and resumed the vCPUs once. */
    CHECK_HAS(r.out, "resume\npause\nresume\nafter reset: resumes=2\n");
    run_free(&r);
}

UNIT_TEST(vl_no_reboot)
{
    Run r = run_main("reset", "-nodefaults", "-no-reboot", NULL);

    CHECK_EQ(r.status, 0);
    CHECK(!strstr(r.out, "after reset"));
    run_free(&r);
}

UNIT_TEST(vl_sigterm_is_a_clean_shutdown)
{
    Run r = run_main("sigterm", "-nodefaults", NULL);

    CHECK_EQ(r.status, 0);
    CHECK_STREQ(r.err, "machina-system-unit: terminating on signal 15\n");
    run_free(&r);
}

UNIT_TEST(vl_no_shutdown_keeps_running_until_signal)
{
    /* Power off is only a stop; SIGTERM (sent after the stop) ends it. */
    Run r = run_main("poweroff-stay", "-nodefaults", "-no-shutdown", NULL);

    CHECK_EQ(r.status, 0);
    CHECK_HAS(r.out, "resume\npause\n");
    CHECK_STREQ(r.err, "machina-system-unit: terminating on signal 15\n");
    run_free(&r);
}

UNIT_TEST(vl_dumpdtb)
{
    char path[] = "/tmp/machina-vl-dtb-XXXXXX";
    int fd = mkstemp(path);
    char *arg = g_strdup_printf("unitm,dumpdtb=%s", path);
    Run r = run_main("poweroff", "-M", arg, "-nodefaults", NULL);
    gchar *data = NULL;
    gsize len = 0;

    close(fd);
    CHECK_EQ(r.status, 0);
    CHECK(!strstr(r.out, "resume"));            /* the guest never ran */
    CHECK(g_file_get_contents(path, &data, &len, NULL));
    CHECK_EQ(fdt_check_header(data), 0);
    CHECK_EQ(len, fdt_totalsize(data));
    CHECK_STREQ(fdt_getprop(data, 0, "model", NULL), "unit-test-board");
    g_free(data);
    unlink(path);
    g_free(arg);
    run_free(&r);
}

UNIT_TEST(vl_memory_backend_as_ram)
{
    Run r = run_main("poweroff", "-object", "memory-backend-ram,id=mem0,size=8M",
                     "-M", "unitm,memory-backend=mem0", "-nodefaults", NULL);

    CHECK_EQ(r.status, 42);
    CHECK_HAS(r.out, "init ram=8388608 ram_region=mem0 ");
    run_free(&r);
    r = run_main("poweroff", "-object", "memory-backend-ram,id=mem0,size=8M", "-m", "16",
                 "-M", "unitm,memory-backend=mem0", "-nodefaults", NULL);
    CHECK_EQ(r.status, 1);
    CHECK_STREQ(r.err, "machina-system-unit: -m 16: the memory backend 'mem0' has "
                "8388608 bytes, not 16777216\n");
    run_free(&r);
}

UNIT_TEST(vl_accel_selection)
{
    Run r = run_main("poweroff", "-accel", "fake,threads=single", "-nodefaults", NULL);

    CHECK_EQ(r.status, 42);
    CHECK_HAS(r.out, "accel init threads=single\n");
    run_free(&r);
    /* An unavailable accelerator falls back to the next one, with a warning. */
    r = run_main("poweroff", "-accel", "fake-off", "-accel", "fake", "-nodefaults", NULL);
    CHECK_EQ(r.status, 42);
    CHECK_STREQ(r.err, "machina-system-unit: warning: -accel fake-off: fake-off is "
                "never available\n");
    run_free(&r);
    r = run_main("poweroff", "-M", "unitm,accel=fake-off:fake", "-nodefaults", NULL);
    CHECK_EQ(r.status, 42);
    run_free(&r);
    r = run_main("poweroff", "-accel", "fake-off", "-nodefaults", NULL);
    CHECK_EQ(r.status, 1);
    CHECK_STREQ(r.err, "machina-system-unit: -accel fake-off: fake-off is never "
                "available\n");
    run_free(&r);
    r = run_main("poweroff", "-accel", "fake,bogus=1", "-nodefaults", NULL);
    CHECK_EQ(r.status, 1);
    CHECK_STREQ(r.err, "machina-system-unit: -accel fake,bogus=1: Invalid parameter "
                "'bogus'\n");
    run_free(&r);
    r = run_main("poweroff", "-accel", "nope", "-nodefaults", NULL);
    CHECK_STREQ(r.err, "machina-system-unit: -accel nope: invalid accelerator nope\n");
    run_free(&r);
}

UNIT_TEST(vl_machine_errors)
{
    Run r = run_main("poweroff", "-smp", "8", "-nodefaults", NULL);

    CHECK_EQ(r.status, 1);
    CHECK_STREQ(r.err, "machina-system-unit: -smp 8: Invalid SMP CPUs 8. The max CPUs "
                "supported by machine 'unitm' is 4\n");
    run_free(&r);
    r = run_main("poweroff", "-M", "unitm,nosuch=1", "-nodefaults", NULL);
    CHECK_EQ(r.status, 1);
    CHECK_HAS(r.err, "machina-system-unit: -machine unitm,nosuch=1: ");
    CHECK_HAS(r.err, "nosuch");
    run_free(&r);
    r = run_main("poweroff", "-M", "unitm,memory-backend=none0", "-nodefaults", NULL);
    CHECK_STREQ(r.err, "machina-system-unit: -machine memory-backend=none0: Memory "
                "backend 'none0' not found\n");
    run_free(&r);
    r = run_main("poweroff", "-append", "x", "-nodefaults", NULL);
    CHECK_STREQ(r.err, "machina-system-unit: -append only allowed with -kernel option\n");
    run_free(&r);
    r = run_main("poweroff", "-cpu", "nosuchcpu", "-nodefaults", NULL);
    CHECK_STREQ(r.err, "machina-system-unit: -cpu nosuchcpu: unable to find CPU model "
                "'nosuchcpu'\n");
    run_free(&r);
    r = run_main("poweroff", "-device", "nosuchdev,id=d0", "-nodefaults", NULL);
    CHECK_STREQ(r.err, "machina-system-unit: -device nosuchdev,id=d0: 'nosuchdev' is "
                "not a valid device model name\n");
    run_free(&r);
}

UNIT_TEST(vl_help_requests)
{
    Run r = run_main("poweroff", "-M", "help", NULL);

    CHECK_EQ(r.status, 0);
    CHECK_HAS(r.out, "Supported machines are:\n");
    CHECK_HAS(r.out, "\nunitm                machine of the system/ unit test (default)\n");
    run_free(&r);
    r = run_main("poweroff", "-M", "unitm,help", NULL);
    CHECK_EQ(r.status, 0);
    CHECK_HAS(r.out, "unitm-machine options:\n");
    CHECK_HAS(r.out, "  dumpdtb=<str>");
    run_free(&r);
    r = run_main("poweroff", "-M", "nope,help", NULL);
    CHECK_EQ(r.status, 1);
    CHECK_STREQ(r.err, "machina-system-unit: -machine nope,help: unsupported machine "
                "type 'nope'\n");
    run_free(&r);
    r = run_main("poweroff", "-accel", "help", NULL);
    CHECK_HAS(r.out, "\nfake     test accelerator\n");
    run_free(&r);
    r = run_main("poweroff", "-accel", "fake,help", NULL);
    CHECK_EQ(r.status, 0);
    CHECK_HAS(r.out, "fake options:\n  threads=<str>");
    run_free(&r);
    r = run_main("poweroff", "-object", "memory-backend-ram,help", NULL);
    CHECK_EQ(r.status, 0);
    CHECK_HAS(r.out, "memory-backend-ram options:\n");
    CHECK_HAS(r.out, "  size=<size>");
    CHECK_HAS(r.out, "  share=<bool>");
    run_free(&r);
}

UNIT_TEST(vl_serial_and_chardev)
{
    char path[] = "/tmp/machina-vl-serial-XXXXXX";
    int fd = mkstemp(path);
    char *ser = g_strdup_printf("file:%s", path);
    Run r = run_main("poweroff", "-serial", ser, "-chardev", "null,id=c0", NULL);

    close(fd);
    CHECK_EQ(r.status, 42);
    run_free(&r);
    r = run_main("poweroff", "-chardev", "null,id=c0", "-chardev", "null,id=c0", NULL);
    CHECK_EQ(r.status, 1);
    CHECK_HAS(r.err, "machina-system-unit: -chardev null,id=c0: ");
    run_free(&r);
    unlink(path);
    g_free(ser);
}
