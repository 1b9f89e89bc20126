/*
 * Backend I/O accounting (what query-blockstats reports) and removable
 * media at the block layer: counters per request type, invalid and failed
 * requests, wr_highest_offset, generated node names, eject/insert of a medium and a device with a tray (the tray hook that
 * becomes DEVICE_TRAY_MOVED).
 */
#include "core/osdep.h"
#include "block/block.h"
#include "tests/unit/unit.h"

#include <fcntl.h>

#define IMG_SIZE (256 * KiB)

static char *make_image(const char *tag)
{
    char *path = g_strdup_printf("test-block-acct-%s-%d.img", tag, (int)getpid());
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);

    CHECK(fd >= 0);
    CHECK_EQ(ftruncate(fd, IMG_SIZE), 0);
    close(fd);
    return path;
}

static BlockBackend *open_drive(const char *fmt, const char *path)
{
    BlockInterfaceType iface;
    Error *err = NULL;
    char *opts = g_strdup_printf(fmt, path);
    BlockBackend *blk = drive_new(opts, &iface, &err);

    if (!blk) {
        unit_fail(__FILE__, __LINE__, "%s: %s", opts, error_get_pretty(err));
    }
    g_free(opts);
    return blk;
}

UNIT_TEST(acct_counts_each_request_type)
{
    char *path = make_image("count");
    BlockBackend *blk = open_drive("file=%s,format=raw,if=none,id=acct0,locking=off", path);
    uint8_t buf[8192] = { 1 };
    BlockAcctStats st;

    blk_get_stats(blk, &st);
    CHECK_EQ(st.nr_ops[BLOCK_ACCT_READ], 0);
    CHECK_EQ(st.last_access_ns, 0);             /* no idle_time_ns yet */
    CHECK(st.account_invalid && st.account_failed);

    CHECK_EQ(blk_pread(blk, 0, buf, 4096), 0);
    CHECK_EQ(blk_pread(blk, 4096, buf, 512), 0);
    CHECK_EQ(blk_pwrite(blk, 65536, buf, 8192), 0);
    CHECK_EQ(blk_flush(blk), 0);
    blk_get_stats(blk, &st);
    CHECK_EQ(st.nr_ops[BLOCK_ACCT_READ], 2);
    CHECK_EQ(st.nr_bytes[BLOCK_ACCT_READ], 4096 + 512);
    CHECK_EQ(st.nr_ops[BLOCK_ACCT_WRITE], 1);
    CHECK_EQ(st.nr_bytes[BLOCK_ACCT_WRITE], 8192);
    CHECK_EQ(st.nr_ops[BLOCK_ACCT_FLUSH], 1);
    CHECK(st.last_access_ns > 0);
    CHECK_EQ(__atomic_load_n(&blk_bs(blk)->wr_highest_offset, __ATOMIC_RELAXED),
             65536 + 8192);
    /* The protocol node below saw the same write. */
    CHECK_EQ(blk_bs(blk)->file->wr_highest_offset, 65536 + 8192);

    /* Out of range: invalid, never reaches a driver, counts no bytes. */
    CHECK_EQ(blk_pread(blk, IMG_SIZE, buf, 512), -EIO);
    CHECK_EQ(blk_pwrite(blk, IMG_SIZE - 512, buf, 1024), -EIO);
    blk_get_stats(blk, &st);
    CHECK_EQ(st.invalid_ops[BLOCK_ACCT_READ], 1);
    CHECK_EQ(st.invalid_ops[BLOCK_ACCT_WRITE], 1);
    CHECK_EQ(st.nr_ops[BLOCK_ACCT_READ], 2);
    CHECK_EQ(st.nr_bytes[BLOCK_ACCT_WRITE], 8192);
    CHECK_EQ(st.failed_ops[BLOCK_ACCT_WRITE], 0);
    blk_unref(blk);

    /* A write to a read-only drive fails (and is not a write done). */
    blk = open_drive("file=%s,format=raw,if=none,id=acct1,readonly=on,locking=off", path);
    CHECK_EQ(blk_pwrite(blk, 0, buf, 512), -EPERM);
    blk_get_stats(blk, &st);
    CHECK_EQ(st.failed_ops[BLOCK_ACCT_WRITE], 1);
    CHECK_EQ(st.nr_ops[BLOCK_ACCT_WRITE], 0);
    blk_unref(blk);
    unlink(path);
    g_free(path);
}

UNIT_TEST(media_remove_and_insert_without_device)
{
    char *path = make_image("media");
    BlockBackend *blk = open_drive("file=%s,format=raw,if=none,id=cd0,locking=off", path);
    BlockDriverState *bs = blk_bs(blk);
    uint8_t buf[512];
    Error *err = NULL;

    /* No device: removable, no tray. */
    CHECK(blk_dev_has_removable_media(blk));
    CHECK(!blk_dev_has_tray(blk));
    CHECK(blk_is_inserted(blk));
    bdrv_ref(bs);
    blk_remove_bs(blk);
    CHECK(!blk_is_inserted(blk));
    CHECK_EQ(blk_getlength(blk), -ENOMEDIUM);
    CHECK_EQ(blk_pread(blk, 0, buf, sizeof(buf)), -ENOMEDIUM);
    CHECK(blk_insert_bs(blk, bs, &err));
    CHECK(!blk_insert_bs(blk, bs, &err));
    CHECK_STREQ(error_get_pretty(err), "There already is a medium in the device");
    error_free(err);
    bdrv_unref(bs);
    CHECK_EQ(blk_pread(blk, 0, buf, sizeof(buf)), 0);
    CHECK_EQ(blk_getlength(blk), IMG_SIZE);
    blk_unref(blk);
    unlink(path);
    g_free(path);
}

/* A device with a tray, as an ide-cd would declare it. */
typedef struct FakeCd {
    bool tray_open, locked;
    int changes, eject_requests;
} FakeCd;

static void cd_change(void *opaque, bool load)
{
    FakeCd *cd = opaque;

    cd->tray_open = !load;
    cd->changes++;
}

static bool cd_tray_open(void *opaque)
{
    return ((FakeCd *)opaque)->tray_open;
}

static bool cd_locked(void *opaque)
{
    return ((FakeCd *)opaque)->locked;
}

static void cd_eject_request(void *opaque, bool force)
{
    ((FakeCd *)opaque)->eject_requests++;
}

static const BlockDevOps cd_ops = {
    .change_media_cb = cd_change,
    .is_tray_open = cd_tray_open,
    .is_medium_locked = cd_locked,
    .eject_request_cb = cd_eject_request,
};

static int tray_events;
static bool last_tray_open;

static void tray_hook(BlockBackend *blk, bool open)
{
    tray_events++;
    last_tray_open = open;
}

UNIT_TEST(media_tray_moves_are_reported)
{
    char *path = make_image("tray");
    BlockBackend *blk = open_drive("file=%s,format=raw,if=none,id=cd1,locking=off", path);
    FakeCd cd = { 0 };
    Error *err = NULL;

    block_set_tray_hook(tray_hook);
    CHECK(blk_attach_dev(blk, &cd, &err));
    blk_set_dev_ops(blk, &cd_ops, &cd);
    CHECK(blk_dev_has_removable_media(blk));
    CHECK(blk_dev_has_tray(blk));
    CHECK(!blk_dev_is_tray_open(blk));
    blk_dev_change_media_cb(blk, false);          /* open */
    CHECK(blk_dev_is_tray_open(blk));
    CHECK_EQ(tray_events, 1);
    CHECK(last_tray_open);
    blk_dev_change_media_cb(blk, false);          /* already open: no event */
    CHECK_EQ(tray_events, 1);
    blk_dev_change_media_cb(blk, true);           /* close */
    CHECK_EQ(tray_events, 2);
    CHECK(!last_tray_open);
    cd.locked = true;
    CHECK(blk_dev_is_medium_locked(blk));
    blk_dev_eject_request(blk, false);
    CHECK_EQ(cd.eject_requests, 1);
    block_set_tray_hook(NULL);
    blk_detach_dev(blk, &cd);
    /* Detached: removable again, but no tray. */
    CHECK(blk_dev_has_removable_media(blk));
    CHECK(!blk_dev_has_tray(blk));
    blk_unref(blk);
    unlink(path);
    g_free(path);
}

UNIT_TEST(nodes_get_generated_names)
{
    char *path = make_image("names");
    BlockBackend *blk = open_drive("file=%s,format=raw,if=none,id=nm0,locking=off", path);
    BlockDriverState *bs = blk_bs(blk);
    int n = 0;

    CHECK(g_str_has_prefix(bs->node_name, "#block"));
    CHECK(bs->auto_named);
    CHECK(g_str_has_prefix(bs->file->node_name, "#block"));
    CHECK(strcmp(bs->node_name, bs->file->node_name));
    CHECK(bdrv_find_node(bs->node_name) == bs);
    for (BlockDriverState *b = bdrv_next_node(NULL); b; b = bdrv_next_node(b)) {
        n += b == bs || b == bs->file;
    }
    CHECK_EQ(n, 2);
    blk_unref(blk);
    unlink(path);
    g_free(path);
}
