/*
 * /init of the Machina riscv64 test initramfs.
 *
 * As PID 1 it mounts /proc, /sys and /dev, prints the marker line
 * "MACHINA-INIT-READY run=<workload>" and runs the workload named by the
 * kernel argument machina.run= (default: shell):
 *
 *   shell  busybox sh on the console (with job control); power off when it
 *          exits
 *   test   a deterministic CPU workload; prints "MACHINA-CHECKSUM <hex>",
 *          then powers off
 *   smp    prints "MACHINA-CPUS-ONLINE <count> <list>" from
 *          /sys/devices/system/cpu/online, then powers off
 *
 * Run as an ordinary process (pid != 1: on the build host or under
 * qemu-riscv64) it runs argv[1] (default "test") and exits, which gives the
 * expected checksum for the guest: only exactly rounded IEEE operations are
 * used, so every correct platform prints the same value.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char cmdline[4096];

/* Value of "key=value" on the kernel command line, or NULL. */
static const char *kernel_arg(const char *key, char *out, size_t outsz)
{
    size_t klen = strlen(key);
    const char *p = cmdline;
    const char *found = NULL;

    while (*p) {
        size_t len;

        p += strspn(p, " \n");
        len = strcspn(p, " \n");
        if (len > klen && !strncmp(p, key, klen) && p[klen] == '=') {
            size_t vlen = len - klen - 1;

            if (vlen >= outsz) {
                vlen = outsz - 1;
            }
            memcpy(out, p + klen + 1, vlen);
            out[vlen] = '\0';
            found = out;        /* keep looking: the last one wins, as in Linux */
        }
        p += len;
    }
    return found;
}

/* ------------------------------------------------------------ workloads */

static uint64_t mix64(uint64_t x)
{
    /* splitmix64 finalizer: cheap, full-avalanche 64-bit mixing */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

static uint64_t work_integer(void)
{
    /* multiply, divide, remainder, shifts and data-dependent branches */
    uint64_t acc = 0x243f6a8885a308d3ull, seed = 1;

    for (uint32_t i = 0; i < 400000; i++) {
        uint64_t d;
        int32_t a, b;

        seed = mix64(seed + i);
        d = (seed >> 44) | 1;
        acc += seed / d + seed % d;
        a = (int32_t)seed;
        b = (int32_t)(seed >> 32) | 1;
        acc ^= (uint64_t)(int64_t)(a / b) << (i & 31);
        if (seed & 0x100) {
            acc = (acc << 7) | (acc >> 57);
        } else {
            acc -= (uint64_t)((int64_t)seed >> 13);
        }
    }
    return acc;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

    return (a > b) - (a < b);
}

static uint64_t work_memory(void)
{
    /* 2 MiB: sorting plus a pointer chase touches many pages (TLB, MMU) */
    enum { N = 1 << 18 };
    uint64_t *v = malloc(N * sizeof(*v));
    uint32_t *next = malloc(N * sizeof(*next));
    uint64_t acc = 0;
    uint32_t at = 0;

    if (!v || !next) {
        free(v);
        free(next);
        return 0;
    }
    for (uint32_t i = 0; i < N; i++) {
        v[i] = mix64(i * 0x9e3779b97f4a7c15ull);
    }
    qsort(v, N, sizeof(*v), cmp_u64);
    for (uint32_t i = 0; i < N; i++) {
        next[i] = (uint32_t)(v[i] % N);
        acc = acc * 31 + v[i];
    }
    for (uint32_t i = 0; i < N; i++) {
        at = next[at] ^ (i & 0xff);
        acc += at;
    }
    free(v);
    free(next);
    return acc;
}

static uint64_t bits_of(double d)
{
    uint64_t u;

    memcpy(&u, &d, sizeof(u));
    return u;
}

static uint64_t work_float(void)
{
    /* +, -, *, / and sqrt only: exactly rounded, so platform independent */
    double x = 0.5, y = 1.25, s = 0.0;
    float f = 1.0f;
    uint32_t fbits;
    uint64_t acc = 0;

    for (int i = 1; i <= 200000; i++) {
        x = x * 1.000001 + 1.0 / (double)i;
        y = __builtin_sqrt(y * y + x) - y / 3.0;
        s += (double)(int64_t)(x * 1000.0) / 7.0;
        f = f * 0.9995f + (float)(i & 15) / 16.0f;
        if (i % 50000 == 0) {
            acc = mix64(acc ^ bits_of(x) ^ bits_of(y) ^ bits_of(s));
        }
    }
    memcpy(&fbits, &f, sizeof(fbits));
    return acc ^ fbits;
}

static void run_test(void)
{
    uint64_t sum = mix64(work_integer());

    sum = mix64(sum ^ work_memory());
    sum = mix64(sum ^ work_float());
    printf("MACHINA-CHECKSUM %016llx\n", (unsigned long long)sum);
    fflush(stdout);
}

/* "0-3,5" -> 5 */
static int count_cpu_list(const char *s)
{
    int count = 0;

    while (*s && *s != '\n') {
        char *end;
        long lo = strtol(s, &end, 10), hi = lo;

        if (end == s) {
            return -1;
        }
        if (*end == '-') {
            s = end + 1;
            hi = strtol(s, &end, 10);
            if (end == s || hi < lo) {
                return -1;
            }
        }
        count += (int)(hi - lo + 1);
        s = end;
        if (*s == ',') {
            s++;
        }
    }
    return count;
}

static void run_smp(void)
{
    char buf[256] = "";
    int fd = open("/sys/devices/system/cpu/online", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

    if (fd >= 0) {
        close(fd);
    }
    if (n <= 0) {
        printf("MACHINA-CPUS-ONLINE error %s\n", strerror(errno));
        return;
    }
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    printf("MACHINA-CPUS-ONLINE %d %s\n", count_cpu_list(buf), buf);
    fflush(stdout);
}

/* Busybox sh on the real console device so that job control and ^C work. */
static void run_shell(void)
{
    char console[64] = "console", path[80];
    pid_t pid;

    if (kernel_arg("console", console, sizeof(console))) {
        console[strcspn(console, ",")] = '\0';     /* ttyS0,115200 -> ttyS0 */
    }
    snprintf(path, sizeof(path), "/dev/%s", console);
    pid = fork();
    if (pid == 0) {
        int fd;

        setsid();
        fd = open(path, O_RDWR);
        if (fd < 0) {
            fd = open("/dev/console", O_RDWR);
        }
        if (fd >= 0) {
            ioctl(fd, TIOCSCTTY, 1);
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
            if (fd > 2) {
                close(fd);
            }
        }
        setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
        setenv("HOME", "/", 1);
        setenv("TERM", "vt100", 1);
        setenv("PS1", "machina:\\w# ", 1);
        execl("/bin/sh", "-sh", (char *)NULL);
        perror("exec /bin/sh");
        _exit(127);
    }
    if (pid > 0) {
        /* PID 1 also reaps orphans: wait until the shell itself is gone. */
        for (;;) {
            pid_t done = wait(NULL);

            if (done == pid || (done < 0 && errno == ECHILD)) {
                break;
            }
        }
    } else {
        perror("fork");
    }
}

static void run(const char *what)
{
    if (!strcmp(what, "test")) {
        run_test();
    } else if (!strcmp(what, "smp")) {
        run_smp();
    } else if (!strcmp(what, "shell")) {
        run_shell();
    } else {
        printf("MACHINA-INIT: unknown workload '%s'\n", what);
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    char what[64] = "shell";
    int fd;

    if (getpid() != 1) {
        run(argc > 1 ? argv[1] : "test");
        return 0;
    }

    mkdir("/proc", 0555);
    mkdir("/sys", 0555);
    mkdir("/dev", 0755);
    mkdir("/tmp", 01777);
    if (mount("proc", "/proc", "proc", 0, NULL) != 0) {
        perror("mount /proc");
    }
    if (mount("sysfs", "/sys", "sysfs", 0, NULL) != 0) {
        perror("mount /sys");
    }
    /* DEVTMPFS_MOUNT does not apply to an initramfs root: mount it here. */
    if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0 && errno != EBUSY) {
        perror("mount /dev");
    }
    if (mount("tmpfs", "/tmp", "tmpfs", 0, NULL) != 0) {
        perror("mount /tmp");
    }
    fd = open("/proc/cmdline", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, cmdline, sizeof(cmdline) - 1);

        cmdline[n > 0 ? n : 0] = '\0';
        close(fd);
    }
    kernel_arg("machina.run", what, sizeof(what));

    printf("MACHINA-INIT-READY run=%s\n", what);
    fflush(stdout);
    run(what);
    printf("MACHINA-POWEROFF\n");
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    perror("reboot");
    for (;;) {
        pause();
    }
}
