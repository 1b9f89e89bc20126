/*
 * ioeventfds (listener deltas and the dispatcher's own signalling) and
 * global dirty logging for migration (log_global_*, log_start on RAM,
 * log_sync).
 */
#include "memory/memory.h"
#include "tests/unit/memory-test-util.h"

#include <sys/eventfd.h>

static GString *events;

static void ev_add(MemoryListener *l, MemoryRegionSection *s, bool match_data,
                   uint64_t data, int fd)
{
    g_string_append_printf(events, "add %" PRIx64 "/%" PRIu64 "%s%" PRIx64 "; ",
                           s->offset_within_address_space, s->size,
                           match_data ? "=" : "~", data);
}

static void ev_del(MemoryListener *l, MemoryRegionSection *s, bool match_data,
                   uint64_t data, int fd)
{
    g_string_append_printf(events, "del %" PRIx64 "/%" PRIu64 "%s%" PRIx64 "; ",
                           s->offset_within_address_space, s->size,
                           match_data ? "=" : "~", data);
}

static const MemoryRegionOps dev_ops = {
    .read = testdev_read,
    .write = testdev_write,
};

static uint64_t eventfd_count(int fd)
{
    uint64_t v = 0;

    if (read(fd, &v, sizeof(v)) != sizeof(v)) {
        return 0;
    }
    return v;
}

UNIT_TEST(ioeventfd_listener_and_dispatch)
{
    MemoryRegion root, io, alias;
    AddressSpace as;
    MemoryListener l = { .eventfd_add = ev_add, .eventfd_del = ev_del };
    TestDev d;
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

    CHECK(fd >= 0);
    events = g_string_new("");
    testdev_init(&d, false);
    memory_region_init(&root, NULL, "root", 0x100000);
    memory_region_init_io(&io, NULL, &dev_ops, &d, "virtio", 0x200);
    address_space_init(&as, &root, "as");
    memory_region_add_subregion(&root, 0x10000, &io);
    memory_region_add_eventfd(&io, 0x50, 4, true, 3, fd);
    memory_listener_register(&l, &as);
    /* Replayed on registration at its address-space address. */
    CHECK_STREQ(events->str, "add 10050/4=3; ");

    /* Moving the region moves the ioeventfd. */
    g_string_truncate(events, 0);
    memory_region_set_address(&io, 0x20000);
    CHECK_STREQ(events->str, "del 10050/4=3; add 20050/4=3; ");
    /* Visible through an alias too. */
    g_string_truncate(events, 0);
    memory_region_init_alias(&alias, NULL, "win", &io, 0x40, 0x20);
    memory_region_add_subregion(&root, 0x30000, &alias);
    CHECK_STREQ(events->str, "add 30010/4=3; ");
    memory_region_finalize(&alias);
    g_string_truncate(events, 0);

    /* Without offload, a matching write signals the fd, not the device. */
    address_space_stl_le(&as, 0x20050, 3, MEMTXATTRS_UNSPECIFIED, NULL);
    CHECK_EQ(eventfd_count(fd), 1);
    CHECK_STREQ(testdev_log(&d), "");
    /* Other data, other sizes reach the device. */
    address_space_stl_le(&as, 0x20050, 4, MEMTXATTRS_UNSPECIFIED, NULL);
    address_space_stw_le(&as, 0x20050, 3, MEMTXATTRS_UNSPECIFIED, NULL);
    CHECK_EQ(eventfd_count(fd), 0);
    CHECK_STREQ(testdev_log(&d), "w4@50=0x4 w2@50=0x3 ");
    /* Offloaded (KVM catches them): the device path is taken. */
    testdev_clear(&d);
    memory_set_ioeventfd_offload(true);
    address_space_stl_le(&as, 0x20050, 3, MEMTXATTRS_UNSPECIFIED, NULL);
    CHECK_EQ(eventfd_count(fd), 0);
    CHECK_STREQ(testdev_log(&d), "w4@50=0x3 ");
    memory_set_ioeventfd_offload(false);

    g_string_truncate(events, 0);
    memory_region_del_eventfd(&io, 0x50, 4, true, 3, fd);
    CHECK_STREQ(events->str, "del 20050/4=3; ");
    memory_region_add_eventfd(&io, 0x60, 2, false, 0, fd);
    g_string_truncate(events, 0);
    memory_listener_unregister(&l);
    CHECK_STREQ(events->str, "del 20060/2~0; ");

    address_space_destroy(&as);
    memory_region_finalize(&io);
    memory_region_finalize(&root);
    testdev_free(&d);
    g_string_free(events, true);
    close(fd);
}

typedef struct KickerCtx {
    AddressSpace *as;
    int stop;                    /* atomic */
    uint64_t hits;
} KickerCtx;

/* A vCPU kicking without the BQL while the map changes under it. */
static void *kicker(void *opaque)
{
    KickerCtx *k = opaque;

    while (!__atomic_load_n(&k->stop, __ATOMIC_ACQUIRE)) {
        k->hits += address_space_ioeventfd_write(k->as, 0x10050, 3, 4);
    }
    return NULL;
}

/*
 * The vCPU's lock-free path (address_space_ioeventfd_write): the same
 * match as the dispatcher, nothing for other addresses, sizes or data or
 * when offloaded; and once memory_region_del_eventfd has returned the old
 * fd is never signalled again, even by a thread in the middle of a lookup.
 */
UNIT_TEST(ioeventfd_write_without_bql)
{
    MemoryRegion root, io;
    AddressSpace as;
    TestDev d;
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    KickerCtx k = { .as = &as };
    pthread_t t;

    CHECK(fd >= 0);
    testdev_init(&d, false);
    memory_region_init(&root, NULL, "root", 0x100000);
    memory_region_init_io(&io, NULL, &dev_ops, &d, "virtio", 0x200);
    address_space_init(&as, &root, "as");
    memory_region_add_subregion(&root, 0x10000, &io);
    CHECK(!address_space_ioeventfd_write(&as, 0x10050, 3, 4));
    memory_region_add_eventfd(&io, 0x50, 4, true, 3, fd);
    CHECK(address_space_ioeventfd_write(&as, 0x10050, 3, 4));
    CHECK_EQ(eventfd_count(fd), 1);
    CHECK(!address_space_ioeventfd_write(&as, 0x10050, 4, 4));
    CHECK(!address_space_ioeventfd_write(&as, 0x10050, 3, 2));
    CHECK(!address_space_ioeventfd_write(&as, 0x10054, 3, 4));
    CHECK_EQ(eventfd_count(fd), 0);
    memory_set_ioeventfd_offload(true);
    CHECK(!address_space_ioeventfd_write(&as, 0x10050, 3, 4));
    memory_set_ioeventfd_offload(false);
    CHECK_STREQ(testdev_log(&d), "");

    /* Removal while another thread kicks: after del, no more signals. */
    CHECK_EQ(pthread_create(&t, NULL, kicker, &k), 0);
    while (!__atomic_load_n(&k.hits, __ATOMIC_RELAXED)) {
        g_usleep(100);
    }
    memory_region_del_eventfd(&io, 0x50, 4, true, 3, fd);
    eventfd_count(fd);
    g_usleep(20000);
    CHECK_EQ(eventfd_count(fd), 0);
    __atomic_store_n(&k.stop, 1, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
    CHECK(k.hits > 0);

    address_space_destroy(&as);
    memory_region_finalize(&io);
    memory_region_finalize(&root);
    testdev_free(&d);
    close(fd);
}

static void lg_global_start(MemoryListener *l)
{
    g_string_append(events, "global_start; ");
}

static void lg_global_stop(MemoryListener *l)
{
    g_string_append(events, "global_stop; ");
}

static void lg_start(MemoryListener *l, MemoryRegionSection *s, int old, int new)
{
    g_string_append_printf(events, "start %s %d->%d; ", memory_region_name(s->mr),
                           old, new);
}

static void lg_stop(MemoryListener *l, MemoryRegionSection *s, int old, int new)
{
    g_string_append_printf(events, "stop %s %d->%d; ", memory_region_name(s->mr),
                           old, new);
}

static void lg_sync(MemoryListener *l, MemoryRegionSection *s)
{
    g_string_append_printf(events, "sync %s; ", memory_region_name(s->mr));
    /* An accelerator folds its own bits in here. */
    memory_region_set_dirty(s->mr, 0, 1);
}

UNIT_TEST(global_dirty_log_for_migration)
{
    MemoryRegion root, ram, vram, io;
    AddressSpace as;
    TestDev d;
    MemoryListener l = {
        .log_global_start = lg_global_start, .log_global_stop = lg_global_stop,
        .log_start = lg_start, .log_stop = lg_stop, .log_sync = lg_sync,
    };

    events = g_string_new("");
    testdev_init(&d, false);
    memory_region_init(&root, NULL, "root", 0x100000);
    memory_region_init_ram(&ram, NULL, "ram", 0x4000, NULL);
    memory_region_init_ram(&vram, NULL, "vram", 0x1000, NULL);
    memory_region_init_io(&io, NULL, &dev_ops, &d, "io", 0x100);
    memory_region_add_subregion(&root, 0, &ram);
    memory_region_add_subregion(&root, 0x8000, &vram);
    memory_region_add_subregion(&root, 0x9000, &io);
    address_space_init(&as, &root, "as");
    memory_listener_register(&l, &as);

    CHECK(!memory_global_dirty_log_active());
    memory_global_dirty_log_start();
    CHECK(memory_global_dirty_log_active());
    /* Every RAM range, no device. */
    CHECK_STREQ(events->str, "global_start; start ram 0->4; start vram 0->4; ");

    g_string_truncate(events, 0);
    memory_region_reset_dirty(&ram, 0, 0x4000, DIRTY_MEMORY_MIGRATION);
    memory_global_dirty_log_sync();
    CHECK_STREQ(events->str, "sync ram; sync vram; ");
    CHECK(memory_region_get_dirty(&ram, 0, 1, DIRTY_MEMORY_MIGRATION));

    /* A display logging VGA on vram keeps syncing only vram after stop. */
    memory_region_set_log(&vram, true, DIRTY_MEMORY_VGA);
    g_string_truncate(events, 0);
    memory_global_dirty_log_stop();
    CHECK_STREQ(events->str, "global_stop; stop ram 4->0; stop vram 5->1; ");
    g_string_truncate(events, 0);
    memory_global_dirty_log_sync();
    CHECK_STREQ(events->str, "sync vram; ");
    g_string_truncate(events, 0);
    memory_region_sync_dirty_bitmap(&ram);
    CHECK_STREQ(events->str, "");
    memory_region_sync_dirty_bitmap(&vram);
    CHECK_STREQ(events->str, "sync vram; ");

    memory_listener_unregister(&l);
    address_space_destroy(&as);
    memory_region_finalize(&ram);
    memory_region_finalize(&vram);
    memory_region_finalize(&io);
    memory_region_finalize(&root);
    testdev_free(&d);
    g_string_free(events, true);
}
