/*
 * The block layer on real host files: raw over file (read, write, flush,
 * offset=/size= windows and their bounds), read-only backends, -drive and
 * -blockdev option handling (cache modes, errors), image locking between
 * two opens as QEMU does it, error policies, discard/write-zeroes, O_DIRECT
 * with unaligned buffers and the io_uring engine.
 */
#include "core/osdep.h"
#include "block/block.h"
#include "tests/unit/unit.h"

#include <fcntl.h>
#include <sys/stat.h>

#define IMG_SIZE (1 * MiB)

/* Images live in the current directory (the build dir), which, unlike a
 * tmpfs /tmp, normally takes O_DIRECT. */
static char *make_image(const char *tag, uint64_t size, uint8_t fill)
{
    char *path = g_strdup_printf("test-block-%s-%d.img", tag, (int)getpid());
    uint8_t *buf = g_malloc(size);
    int fd;

    for (uint64_t i = 0; i < size; i++) {
        buf[i] = fill ? fill : (uint8_t)(i * 7 + i / 4096);
    }
    fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, buf, size), size);
    close(fd);
    g_free(buf);
    return path;
}

static void host_read(const char *path, uint64_t off, void *buf, size_t len)
{
    int fd = open(path, O_RDONLY);

    CHECK(fd >= 0);
    CHECK_EQ(pread(fd, buf, len, off), len);
    close(fd);
}

typedef struct AioWait {
    bool done;
    int ret;
} AioWait;

static void aio_cb(void *opaque, int ret)
{
    AioWait *w = opaque;

    w->ret = ret;
    w->done = true;
}

static int aio_wait(BlockBackend *blk, AioWait *w)
{
    while (!w->done) {
        event_loop_run_once(blk_get_loop(blk), true);
    }
    w->done = false;
    return w->ret;
}

static BlockBackend *drive(const char *opts, Error **errp)
{
    BlockInterfaceType iface;

    return drive_new(opts, &iface, errp);
}

static BlockBackend *drive_ok(const char *fmt, const char *path)
{
    Error *err = NULL;
    char *opts = g_strdup_printf(fmt, path);
    BlockBackend *blk = drive(opts, &err);

    if (!blk) {
        unit_fail(__FILE__, __LINE__, "%s: %s", opts, error_get_pretty(err));
    }
    g_free(opts);
    return blk;
}

static char *drive_err(const char *fmt, const char *path)
{
    Error *err = NULL;
    char *opts = g_strdup_printf(fmt, path);
    BlockBackend *blk = drive(opts, &err);
    char *msg;

    CHECK(!blk);
    CHECK(err);
    msg = g_strdup(error_get_pretty(err));
    error_free(err);
    g_free(opts);
    return msg;
}

UNIT_TEST(block_raw_read_write_flush)
{
    char *path = make_image("rw", IMG_SIZE, 0);
    BlockBackend *blk = drive_ok("file=%s,format=raw,if=none,id=rw0", path);
    uint8_t buf[4096], host[4096];

    CHECK_EQ(blk_getlength(blk), IMG_SIZE);
    CHECK(blk_by_name("rw0") == blk);
    CHECK_EQ(blk_pread(blk, 8192, buf, sizeof(buf)), 0);
    host_read(path, 8192, host, sizeof(host));
    CHECK(!memcmp(buf, host, sizeof(buf)));

    memset(buf, 0xab, sizeof(buf));
    CHECK_EQ(blk_pwrite(blk, 4096 * 3, buf, sizeof(buf)), 0);
    CHECK_EQ(blk_flush(blk), 0);
    host_read(path, 4096 * 3, host, sizeof(host));
    CHECK(!memcmp(buf, host, sizeof(buf)));

    /* Past the end: -EIO, nothing written. */
    CHECK_EQ(blk_pwrite(blk, IMG_SIZE - 512, buf, 1024), -EIO);
    CHECK_EQ(blk_pread(blk, IMG_SIZE, buf, 1), -EIO);
    CHECK_EQ(blk_pread(blk, -512, buf, 512), -EIO);
    blk_unref(blk);
    unlink(path);
    g_free(path);
}

UNIT_TEST(block_raw_offset_size_window)
{
    char *path = make_image("win", IMG_SIZE, 0);
    BlockBackend *blk = drive_ok("file=%s,format=raw,if=none,id=win0,offset=64K,size=128K",
                                 path);
    uint8_t buf[512], host[512];
    char *msg;

    CHECK_EQ(blk_getlength(blk), 128 * KiB);
    CHECK_EQ(blk_pread(blk, 0, buf, sizeof(buf)), 0);
    host_read(path, 64 * KiB, host, sizeof(host));
    CHECK(!memcmp(buf, host, sizeof(buf)));
    memset(buf, 0x5c, sizeof(buf));
    CHECK_EQ(blk_pwrite(blk, 128 * KiB - 512, buf, 512), 0);
    host_read(path, 192 * KiB - 512, host, sizeof(host));
    CHECK(!memcmp(buf, host, sizeof(buf)));
    /* One byte past the window. */
    CHECK_EQ(blk_pwrite(blk, 128 * KiB - 511, buf, 512), -EIO);
    host_read(path, 192 * KiB, host, 1);
    CHECK(host[0] != 0x5c || (uint8_t)(192 * KiB * 7 + 192 * KiB / 4096) == 0x5c);
    blk_unref(blk);

    msg = drive_err("file=%s,format=raw,if=none,offset=1M,size=4K", path);
    CHECK(strstr(msg, "has to be smaller or equal to the  actual size"));
    g_free(msg);
    msg = drive_err("file=%s,format=raw,if=none,size=1000", path);
    CHECK(strstr(msg, "not a multiple of 512"));
    g_free(msg);
    msg = drive_err("file=%s,format=raw,if=none,offset=12Q", path);
    CHECK(strstr(msg, "raw offset"));
    g_free(msg);
    unlink(path);
    g_free(path);
}

UNIT_TEST(block_drive_option_errors)
{
    char *path = make_image("opt", 64 * KiB, 1);
    char *msg;

    msg = drive_err("file=%s,format=qcow9,if=none", path);
    CHECK_STREQ(msg, "Unknown driver 'qcow9'");
    g_free(msg);
    msg = drive_err("file=%s,if=none,bogus=1", path);
    CHECK_STREQ(msg, "Invalid parameter 'bogus'");
    g_free(msg);
    msg = drive_err("file=%s,if=none,cache=sometimes", path);
    CHECK_STREQ(msg, "invalid cache option");
    g_free(msg);
    msg = drive_err("file=%s,if=none,rerror=enospc", path);
    CHECK(strstr(msg, "invalid read error action"));
    g_free(msg);
    msg = drive_err("file=%s,if=floppy", path);
    CHECK(strstr(msg, "unsupported bus type 'floppy'"));
    g_free(msg);
    msg = drive_err("file=%s.missing,if=none", path);
    CHECK(strstr(msg, "Could not open"));
    CHECK(strstr(msg, "No such file or directory"));
    g_free(msg);
    msg = drive_err("if=none%s", "");
    CHECK(strstr(msg, "must be specified"));
    g_free(msg);
    msg = drive_err("file=%s,if=none,aio=fast", path);
    CHECK(strstr(msg, "'aio' does not accept value 'fast'"));
    g_free(msg);
    unlink(path);
    g_free(path);
}

UNIT_TEST(block_cache_modes_and_readonly)
{
    char *path = make_image("cache", 64 * KiB, 2);
    BlockBackend *blk;
    uint8_t buf[512] = { 0 };

    blk = drive_ok("file=%s,if=none,cache=writethrough,locking=off", path);
    CHECK(!blk_enable_write_cache(blk));
    CHECK_EQ(blk_pwrite(blk, 0, buf, sizeof(buf)), 0);
    blk_unref(blk);
    blk = drive_ok("file=%s,if=none,cache=unsafe,locking=off", path);
    CHECK(blk_enable_write_cache(blk));
    CHECK(blk_bs(blk)->file->open_flags & BDRV_O_NO_FLUSH);
    CHECK_EQ(blk_flush(blk), 0);
    blk_unref(blk);
    blk = drive_ok("file=%s,if=none,readonly=on", path);
    CHECK(blk_is_read_only(blk));
    CHECK_EQ(blk_pwrite(blk, 0, buf, sizeof(buf)), -EPERM);
    CHECK_EQ(blk_pread(blk, 512, buf, sizeof(buf)), 0);
    CHECK_EQ(buf[0], 2);
    blk_unref(blk);
    unlink(path);
    g_free(path);
}

UNIT_TEST(block_direct_io_unaligned_buffer)
{
    char *path = make_image("direct", 64 * KiB, 0);
    Error *err = NULL;
    char *opts = g_strdup_printf("file=%s,if=none,cache=none", path);
    BlockBackend *blk = drive(opts, &err);
    uint8_t *mem = g_malloc(8192 + 3), *buf = mem + 3, host[4096];

    if (!blk) {
        g_free(opts);
        g_free(mem);
        unlink(path);
        g_free(path);
        unit_skip("no O_DIRECT on this filesystem");
    }
    CHECK(blk_bs(blk)->file->open_flags & BDRV_O_NOCACHE);
    memset(buf, 0x77, 4096);
    CHECK_EQ(blk_pwrite(blk, 4096, buf, 4096), 0);
    host_read(path, 4096, host, sizeof(host));
    CHECK(!memcmp(buf, host, sizeof(host)));
    CHECK_EQ(blk_pread(blk, 0, buf, 8192), 0);
    host_read(path, 0, host, sizeof(host));
    CHECK(!memcmp(buf, host, sizeof(host)));
    blk_unref(blk);
    g_free(opts);
    g_free(mem);
    unlink(path);
    g_free(path);
}

UNIT_TEST(block_io_uring)
{
    char *path = make_image("uring", IMG_SIZE, 0);
    Error *err = NULL;
    char *opts = g_strdup_printf("file=%s,if=none,aio=io_uring", path);
    BlockBackend *blk = drive(opts, &err);
    uint8_t a[3000], b[1096], host[4096];
    struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };

    g_free(opts);
    if (!blk) {
        unlink(path);
        g_free(path);
        unit_skip("io_uring unavailable");
    }
    memset(a, 0x11, sizeof(a));
    memset(b, 0x22, sizeof(b));
    {
        AioWait w = { 0 };

        blk_aio_pwritev(blk, 65536, iov, 2, aio_cb, &w);
        CHECK_EQ(aio_wait(blk, &w), 0);
    }
    CHECK_EQ(blk_flush(blk), 0);
    host_read(path, 65536, host, sizeof(host));
    CHECK(!memcmp(host, a, sizeof(a)));
    CHECK(!memcmp(host + sizeof(a), b, sizeof(b)));
    memset(host, 0, sizeof(host));
    CHECK_EQ(blk_pread(blk, 65536 + 100, host, 1000), 0);
    CHECK(!memcmp(host, a, 1000));
    blk_unref(blk);
    unlink(path);
    g_free(path);
}

UNIT_TEST(block_discard_write_zeroes)
{
    char *path = make_image("zero", IMG_SIZE, 0x33);
    BlockBackend *blk = drive_ok("file=%s,if=none,discard=unmap", path);
    uint8_t buf[8192], zero[8192] = { 0 };
    AioWait w = { 0 };

    blk_aio_pwrite_zeroes(blk, 16384, 8192, 0, aio_cb, &w);
    CHECK_EQ(aio_wait(blk, &w), 0);
    host_read(path, 16384, buf, sizeof(buf));
    CHECK(!memcmp(buf, zero, sizeof(buf)));
    host_read(path, 16384 + 8192, buf, 1);
    CHECK_EQ(buf[0], 0x33);

    blk_aio_pdiscard(blk, 65536, 65536, aio_cb, &w);
    CHECK_EQ(aio_wait(blk, &w), 0);
    /* A punched hole reads back as zeroes (or the data, if unsupported). */
    host_read(path, 65536, buf, 1);
    CHECK(buf[0] == 0 || buf[0] == 0x33);
    blk_aio_pdiscard(blk, IMG_SIZE, 512, aio_cb, &w);
    CHECK_EQ(aio_wait(blk, &w), -EIO);
    blk_unref(blk);
    unlink(path);
    g_free(path);
}

/* Open, then take permissions as a device does at realize. */
static char *perm_err(const char *path, bool ro, bool share, BlockBackend **out)
{
    char *opts = g_strdup_printf("file=%s,if=none%s", path, ro ? ",readonly=on" : "");
    Error *err = NULL;
    BlockBackend *blk = drive(opts, &err);
    char *msg = NULL;

    g_free(opts);
    CHECK(blk);
    if (!blk_set_perm(blk, !ro, share, &err)) {
        msg = g_strdup(error_get_pretty(err));
        error_free(err);
        blk_unref(blk);
        blk = NULL;
    }
    *out = blk;
    return msg;
}

UNIT_TEST(block_locking_two_opens)
{
    char *path = make_image("lock", 64 * KiB, 4);
    BlockBackend *a, *b;
    char *msg;

    CHECK(!perm_err(path, false, false, &a));
    /* A second writer (a separate open file description) is refused. */
    msg = perm_err(path, false, false, &b);
    CHECK(msg && strstr(msg, "Failed to get \"write\" lock"));
    g_free(msg);
    /* So is a reader that does not share write. */
    msg = perm_err(path, true, false, &b);
    CHECK(msg && strstr(msg, "Failed to get shared \"write\" lock"));
    g_free(msg);
    /* Even when it shares write itself: the writer does not share. */
    msg = perm_err(path, false, true, &b);
    CHECK(msg);
    g_free(msg);
    /* locking=off skips the protocol. */
    b = drive_ok("file=%s,if=none,locking=off", path);
    CHECK(blk_set_perm(b, true, false, NULL));
    blk_unref(b);
    /* Both sharing write (share-rw=on on both devices) is fine. */
    CHECK(blk_set_perm(a, true, true, NULL));
    CHECK(!perm_err(path, false, true, &b));
    blk_unref(b);
    blk_unref(a);
    /* Once the writer is gone, two readers coexist, and keep writers out. */
    CHECK(!perm_err(path, true, false, &a));
    CHECK(!perm_err(path, true, false, &b));
    {
        BlockBackend *c;

        msg = perm_err(path, false, false, &c);
        CHECK(msg && strstr(msg, "lock"));
        g_free(msg);
    }
    blk_unref(a);
    blk_unref(b);
    /* Read-only backends cannot take write. */
    a = drive_ok("file=%s,if=none,readonly=on", path);
    CHECK(!blk_set_perm(a, true, false, NULL));
    blk_unref(a);
    unlink(path);
    g_free(path);
}

UNIT_TEST(block_error_policies)
{
    char *path = make_image("pol", 64 * KiB, 5);
    BlockBackend *blk = drive_ok("file=%s,if=none,locking=off", path);

    /* QEMU's defaults: werror=enospc, rerror=report. */
    CHECK_EQ(blk_get_error_action(blk, false, ENOSPC), BLOCK_ERROR_ACTION_STOP);
    CHECK_EQ(blk_get_error_action(blk, false, EIO), BLOCK_ERROR_ACTION_REPORT);
    CHECK_EQ(blk_get_error_action(blk, true, ENOSPC), BLOCK_ERROR_ACTION_REPORT);
    blk_unref(blk);
    blk = drive_ok("file=%s,if=none,locking=off,werror=ignore,rerror=stop", path);
    CHECK_EQ(blk_get_error_action(blk, false, EIO), BLOCK_ERROR_ACTION_IGNORE);
    CHECK_EQ(blk_get_error_action(blk, true, EIO), BLOCK_ERROR_ACTION_STOP);
    blk_unref(blk);
    blk = drive_ok("file=%s,if=none,locking=off,werror=report", path);
    CHECK_EQ(blk_get_error_action(blk, false, ENOSPC), BLOCK_ERROR_ACTION_REPORT);
    blk_unref(blk);
    unlink(path);
    g_free(path);
}

UNIT_TEST(block_blockdev_graph)
{
    char *path = make_image("bdev", 64 * KiB, 6);
    Error *err = NULL;
    char *opts = g_strdup_printf("driver=raw,node-name=disk0,offset=4K,"
                                 "file.driver=file,file.filename=%s", path);
    BlockDriverState *bs = blockdev_new(opts, &err);
    BlockBackend *blk;
    uint8_t buf[16];

    CHECK(bs);
    CHECK(bdrv_find_node("disk0") == bs);
    CHECK_EQ(bdrv_getlength(bs), 60 * KiB);
    CHECK(!blockdev_new(opts, &err));
    CHECK_STREQ(error_get_pretty(err), "Duplicate nodes with node-name='disk0'");
    error_free(err);
    err = NULL;
    /* drive=disk0 finds the node through an anonymous backend. */
    blk = blk_find_or_create("disk0", &err);
    CHECK(blk);
    CHECK_EQ(blk_pread(blk, 0, buf, sizeof(buf)), 0);
    CHECK_EQ(buf[0], 6);
    CHECK(!blk_find_or_create("nosuch", &err));
    CHECK_STREQ(error_get_pretty(err), "Property 'drive' can't find value 'nosuch'");
    error_free(err);
    err = NULL;
    blk_unref(blk);
    bdrv_unref(bs);
    CHECK(!bdrv_find_node("disk0"));
    g_free(opts);
    opts = g_strdup_printf("driver=raw,file.driver=file,file.filename=%s", path);
    CHECK(!blockdev_new(opts, &err));
    CHECK_STREQ(error_get_pretty(err), "node-name is required");
    error_free(err);
    g_free(opts);
    unlink(path);
    g_free(path);
}

static unsigned resize_calls;

static void count_resize(void *opaque)
{
    resize_calls++;
}

static const BlockDevOps count_ops = { .resize_cb = count_resize };

UNIT_TEST(block_truncate_and_resize_callback)
{
    char *path = make_image("trunc", 64 * KiB, 7);
    BlockBackend *blk = drive_ok("file=%s,if=none,locking=off,offset=4K", path);
    Error *err = NULL;
    struct stat st;

    blk_set_dev_ops(blk, &count_ops, NULL);
    CHECK(blk_truncate(blk, 128 * KiB, &err));
    CHECK_EQ(blk_getlength(blk), 128 * KiB);
    CHECK_EQ(stat(path, &st), 0);
    CHECK_EQ(st.st_size, 132 * KiB);             /* the window's offset stays */
    CHECK_EQ(resize_calls, 1);
    CHECK(blk_by_root(blk_bs(blk)) == blk);
    blk_unref(blk);
    /* A fixed-size window cannot be resized; neither can a read-only disk. */
    blk = drive_ok("file=%s,if=none,locking=off,size=32K", path);
    CHECK(!blk_truncate(blk, 64 * KiB, &err));
    CHECK_STREQ(error_get_pretty(err), "Cannot resize fixed-size raw disks");
    error_free(err);
    err = NULL;
    blk_unref(blk);
    blk = drive_ok("file=%s,if=none,readonly=on", path);
    CHECK(!blk_truncate(blk, 64 * KiB, &err));
    error_free(err);
    blk_unref(blk);
    unlink(path);
    g_free(path);
}

/* Run loop without blocking for about ms milliseconds. */
static void spin_loop(EventLoop *loop, int ms)
{
    int64_t end = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + ms;

    while (qemu_clock_get_ms(QEMU_CLOCK_REALTIME) < end) {
        event_loop_run_once(loop, false);
        g_usleep(1000);
    }
}

UNIT_TEST(block_set_loop_and_io_plug)
{
    char *path = make_image("loop", IMG_SIZE, 0);
    Error *err = NULL;
    char *opts = g_strdup_printf("file=%s,if=none,aio=io_uring", path);
    BlockBackend *blk = drive(opts, &err);
    EventLoop *other = event_loop_new(&error_abort);
    uint8_t buf[4096], host[4096];
    AioWait w = { 0 };

    g_free(opts);
    if (!blk) {
        error_free(err);
        event_loop_free(other);
        unlink(path);
        g_free(path);
        unit_skip("io_uring unavailable");
    }
    host_read(path, 12288, host, sizeof(host));
    CHECK(blk_set_loop(blk, other, &error_abort));
    CHECK(blk_get_loop(blk) == other);
    /* The ring's completions are now watched by the other loop only. */
    blk_aio_preadv(blk, 12288, &(struct iovec){ buf, sizeof(buf) }, 1, aio_cb, &w);
    spin_loop(main_loop_get(), 100);
    CHECK(!w.done);
    CHECK_EQ(aio_wait(blk, &w), 0);
    CHECK(!memcmp(buf, host, sizeof(buf)));

    /* Plugged, a request waits in the submission queue until the unplug. */
    memset(buf, 0, sizeof(buf));
    blk_io_plug(blk);
    blk_io_plug(blk);
    blk_aio_preadv(blk, 12288, &(struct iovec){ buf, sizeof(buf) }, 1, aio_cb, &w);
    blk_io_unplug(blk);
    spin_loop(other, 100);
    CHECK(!w.done);
    blk_io_unplug(blk);
    CHECK_EQ(aio_wait(blk, &w), 0);
    CHECK(!memcmp(buf, host, sizeof(buf)));

    /* And back: the main loop gets them again. */
    CHECK(blk_set_loop(blk, main_loop_get(), &error_abort));
    CHECK_EQ(blk_pread(blk, 12288, buf, sizeof(buf)), 0);
    CHECK(!memcmp(buf, host, sizeof(buf)));
    blk_unref(blk);
    event_loop_free(other);
    unlink(path);
    g_free(path);
}

UNIT_TEST(block_set_loop_one_iothread_per_node)
{
    char *path = make_image("loop2", 64 * KiB, 9);
    char *opts = g_strdup_printf("driver=raw,node-name=shared0,"
                                 "file.driver=file,file.filename=%s", path);
    BlockDriverState *bs = blockdev_new(opts, &error_abort);
    BlockBackend *a = blk_new(NULL, bs, &error_abort);
    BlockBackend *b = blk_new(NULL, bs, &error_abort);
    EventLoop *l1 = event_loop_new(&error_abort), *l2 = event_loop_new(&error_abort);
    Error *err = NULL;

    CHECK(blk_set_loop(a, l1, &error_abort));
    CHECK(bs->loop == l1 && bs->file->loop == l1);
    CHECK(blk_set_loop(b, l1, &error_abort));
    CHECK(!blk_set_loop(b, l2, &err));
    CHECK_STREQ(error_get_pretty(err), "Node 'shared0' is already in use by another iothread");
    error_free(err);
    CHECK(bs->loop == l1);
    CHECK(blk_set_loop(a, main_loop_get(), &error_abort));
    CHECK(bs->file->loop == main_loop_get());
    blk_unref(a);
    blk_unref(b);
    bdrv_unref(bs);
    event_loop_free(l1);
    event_loop_free(l2);
    g_free(opts);
    unlink(path);
    g_free(path);
}
