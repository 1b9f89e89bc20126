/*
 * blkbench - a small fio-like block benchmark for the riscv64 test guest.
 *
 *   blkbench [-r|-w] [-R] [-b BYTES] [-q DEPTH] [-s MIB] [-n OPS] DEVICE
 *
 *   -r / -w   read (default) or write
 *   -R        random offsets (block-aligned, uniform over the first MIB)
 *   -b        block size in bytes (default 4096; a multiple of 512)
 *   -q        queue depth: that many threads, each with one request in
 *             flight (the guest has no libaio; threads give the same
 *             concurrency at the device)
 *   -s        the span of the device to use, MiB (default: the whole device)
 *   -n        number of requests (default: span / block size, i.e. one pass)
 *
 * Every request is O_DIRECT, so it reaches the virtio queue instead of the
 * page cache.  Sequential runs hand out consecutive blocks from one shared
 * cursor, so with -q N the device sees N neighbouring requests at a time.
 * The result line is parsed by bench/virtio-blk.py:
 *
 *   BLKBENCH op=read pattern=seq bs=4096 qd=1 ops=32768 bytes=134217728
 *            usecs=812345 MiBps=157.6 IOPS=40339
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#define MAX_DEPTH 64
#define ALIGN 4096

static int fd;
static int do_write;
static int random_pattern;
static uint64_t block_size = 4096;
static uint64_t span_blocks;
static uint64_t total_ops;
static uint64_t next_op;          /* atomic: the shared cursor */
static int failed;                /* atomic */

static uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static void *worker(void *arg)
{
    uint64_t seed = 0x9e3779b97f4a7c15ull * ((uintptr_t)arg + 1);
    void *buf;

    if (posix_memalign(&buf, ALIGN, block_size)) {
        __atomic_store_n(&failed, ENOMEM, __ATOMIC_RELAXED);
        return NULL;
    }
    memset(buf, 0x5a ^ (int)(uintptr_t)arg, block_size);
    for (;;) {
        uint64_t op = __atomic_fetch_add(&next_op, 1, __ATOMIC_RELAXED);
        uint64_t blk;
        ssize_t n;

        if (op >= total_ops || __atomic_load_n(&failed, __ATOMIC_RELAXED)) {
            break;
        }
        blk = random_pattern ? xorshift64(&seed) % span_blocks : op % span_blocks;
        n = do_write ? pwrite(fd, buf, block_size, blk * block_size)
                     : pread(fd, buf, block_size, blk * block_size);
        if (n != (ssize_t)block_size) {
            __atomic_store_n(&failed, n < 0 ? errno : EIO, __ATOMIC_RELAXED);
            break;
        }
    }
    free(buf);
    return NULL;
}

static void usage(void)
{
    fprintf(stderr, "usage: blkbench [-r|-w] [-R] [-b BYTES] [-q DEPTH] [-s MIB] "
                    "[-n OPS] DEVICE\n");
    exit(2);
}

int main(int argc, char **argv)
{
    pthread_t threads[MAX_DEPTH];
    uint64_t span_mib = 0, dev_bytes = 0, t0, us;
    int depth = 1, c;
    double secs;

    while ((c = getopt(argc, argv, "rwRb:q:s:n:")) != -1) {
        switch (c) {
        case 'r': do_write = 0; break;
        case 'w': do_write = 1; break;
        case 'R': random_pattern = 1; break;
        case 'b': block_size = strtoull(optarg, NULL, 0); break;
        case 'q': depth = atoi(optarg); break;
        case 's': span_mib = strtoull(optarg, NULL, 0); break;
        case 'n': total_ops = strtoull(optarg, NULL, 0); break;
        default: usage();
        }
    }
    if (optind != argc - 1 || !block_size || block_size % 512 || depth < 1 ||
        depth > MAX_DEPTH) {
        usage();
    }
    fd = open(argv[optind], (do_write ? O_WRONLY : O_RDONLY) | O_DIRECT);
    if (fd >= 0 && ioctl(fd, BLKGETSIZE64, &dev_bytes) < 0) {
        /* A regular file (a host-side check of the program itself). */
        struct stat st;

        dev_bytes = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
    }
    if (fd < 0 || !dev_bytes) {
        fprintf(stderr, "blkbench: %s: %s\n", argv[optind], strerror(errno));
        return 1;
    }
    if (span_mib && span_mib * 1048576 < dev_bytes) {
        dev_bytes = span_mib * 1048576;
    }
    span_blocks = dev_bytes / block_size;
    if (!span_blocks) {
        fprintf(stderr, "blkbench: device smaller than one block\n");
        return 1;
    }
    if (!total_ops) {
        total_ops = span_blocks;
    }
    t0 = now_us();
    for (int i = 0; i < depth; i++) {
        if (pthread_create(&threads[i], NULL, worker, (void *)(uintptr_t)i)) {
            fprintf(stderr, "blkbench: cannot create thread %d\n", i);
            return 1;
        }
    }
    for (int i = 0; i < depth; i++) {
        pthread_join(threads[i], NULL);
    }
    if (do_write && fdatasync(fd) < 0) {
        failed = errno;
    }
    us = now_us() - t0;
    if (failed) {
        fprintf(stderr, "blkbench: I/O error: %s\n", strerror(failed));
        return 1;
    }
    secs = us ? us / 1e6 : 1e-6;
    printf("BLKBENCH op=%s pattern=%s bs=%" PRIu64 " qd=%d ops=%" PRIu64 " bytes=%" PRIu64
           " usecs=%" PRIu64 " MiBps=%.1f IOPS=%.0f\n",
           do_write ? "write" : "read", random_pattern ? "rand" : "seq", block_size, depth,
           total_ops, total_ops * block_size, us,
           total_ops * block_size / 1048576.0 / secs, total_ops / secs);
    close(fd);
    return 0;
}
