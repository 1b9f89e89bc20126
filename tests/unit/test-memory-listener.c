/*
 * Memory listeners: replay on registration, add/del/nop deltas on change,
 * log_start/log_stop, ordering by priority, unregistration.
 */
#include "memory/memory.h"
#include "tests/unit/memory-test-util.h"

#include <pthread.h>

typedef struct RecListener {
    MemoryListener l;
    GString *log;
} RecListener;

static void rec(MemoryListener *l, const char *what, MemoryRegionSection *s)
{
    RecListener *r = container_of(l, RecListener, l);

    g_string_append_printf(r->log, "%s %s@%" PRIx64 "+%" PRIx64, what,
                           memory_region_name(s->mr), s->offset_within_address_space,
                           s->size);
    if (s->offset_within_region) {
        g_string_append_printf(r->log, "/%" PRIx64, s->offset_within_region);
    }
    g_string_append(r->log, "; ");
}

static void rec_begin(MemoryListener *l)
{
    g_string_append(container_of(l, RecListener, l)->log, "begin; ");
}

static void rec_commit(MemoryListener *l)
{
    g_string_append(container_of(l, RecListener, l)->log, "commit; ");
}

static void rec_add(MemoryListener *l, MemoryRegionSection *s)
{
    rec(l, "add", s);
}

static void rec_del(MemoryListener *l, MemoryRegionSection *s)
{
    rec(l, "del", s);
}

static void rec_nop(MemoryListener *l, MemoryRegionSection *s)
{
    rec(l, "nop", s);
}

static void rec_log_start(MemoryListener *l, MemoryRegionSection *s, int old, int new)
{
    g_string_append_printf(container_of(l, RecListener, l)->log,
                           "log_start %s %d->%d; ", memory_region_name(s->mr), old, new);
}

static void rec_log_stop(MemoryListener *l, MemoryRegionSection *s, int old, int new)
{
    g_string_append_printf(container_of(l, RecListener, l)->log,
                           "log_stop %s %d->%d; ", memory_region_name(s->mr), old, new);
}

static void rec_init(RecListener *r, int priority)
{
    memset(r, 0, sizeof(*r));
    r->l = (MemoryListener){
        .begin = rec_begin, .commit = rec_commit,
        .region_add = rec_add, .region_del = rec_del, .region_nop = rec_nop,
        .log_start = rec_log_start, .log_stop = rec_log_stop,
        .priority = priority, .name = "rec",
    };
    r->log = g_string_new("");
}

UNIT_TEST(listener_replay_and_deltas)
{
    MemoryRegion root, a, b, c;
    AddressSpace as;
    RecListener r;

    memory_region_init(&root, NULL, "root", 0x100000);
    memory_region_init_ram(&a, NULL, "a", 0x2000, NULL);
    memory_region_init_ram(&b, NULL, "b", 0x1000, NULL);
    memory_region_init_ram(&c, NULL, "c", 0x1000, NULL);
    memory_region_add_subregion(&root, 0x0, &a);
    address_space_init(&as, &root, "as");

    rec_init(&r, 0);
    memory_listener_register(&r.l, &as);
    CHECK_STREQ(r.log->str, "begin; add a@0+2000; commit; ");

    g_string_truncate(r.log, 0);
    memory_region_add_subregion(&root, 0x4000, &b);
    CHECK_STREQ(r.log->str, "begin; nop a@0+2000; add b@4000+1000; commit; ");

    /* c covers the top half of a: a is cut, so the old range goes, two
     * new ones come (deletions are reported first). */
    g_string_truncate(r.log, 0);
    memory_region_add_subregion_overlap(&root, 0x1000, &c, 1);
    CHECK_STREQ(r.log->str, "begin; del a@0+2000; add a@0+1000; add c@1000+1000; "
                "nop b@4000+1000; commit; ");

    g_string_truncate(r.log, 0);
    memory_region_transaction_begin();
    memory_region_del_subregion(&root, &c);
    memory_region_set_address(&b, 0x8000);
    memory_region_transaction_commit();
    CHECK_STREQ(r.log->str, "begin; del a@0+1000; del c@1000+1000; del b@4000+1000; "
                "add a@0+2000; add b@8000+1000; commit; ");

    /* Dirty logging on b. */
    g_string_truncate(r.log, 0);
    memory_region_set_log(&b, true, DIRTY_MEMORY_VGA);
    CHECK_STREQ(r.log->str, "begin; nop a@0+2000; nop b@8000+1000; "
                "log_start b 0->1; commit; ");
    g_string_truncate(r.log, 0);
    memory_region_set_log(&b, true, DIRTY_MEMORY_MIGRATION);
    CHECK_STREQ(r.log->str, "begin; nop a@0+2000; nop b@8000+1000; "
                "log_start b 1->5; commit; ");
    g_string_truncate(r.log, 0);
    memory_region_set_log(&b, false, DIRTY_MEMORY_VGA);
    CHECK_STREQ(r.log->str, "begin; nop a@0+2000; nop b@8000+1000; "
                "log_stop b 5->4; commit; ");
    /* Setting it again changes nothing: no update at all. */
    g_string_truncate(r.log, 0);
    memory_region_set_log(&b, false, DIRTY_MEMORY_VGA);
    CHECK_STREQ(r.log->str, "");

    /* Unregistering removes everything from the listener's point of view. */
    g_string_truncate(r.log, 0);
    memory_listener_unregister(&r.l);
    CHECK_STREQ(r.log->str, "begin; log_stop b 4->0; del b@8000+1000; del a@0+2000; "
                "commit; ");
    g_string_truncate(r.log, 0);
    memory_region_set_enabled(&a, false);
    CHECK_STREQ(r.log->str, "");

    g_string_free(r.log, true);
    address_space_destroy(&as);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&c);
    memory_region_finalize(&root);
}

static GString *order;

static void order_add(MemoryListener *l, MemoryRegionSection *s)
{
    g_string_append_printf(order, "add%d ", l->priority);
}

static void order_del(MemoryListener *l, MemoryRegionSection *s)
{
    g_string_append_printf(order, "del%d ", l->priority);
}

UNIT_TEST(listener_priority_order)
{
    MemoryRegion root, a;
    AddressSpace as;
    MemoryListener l1 = { .region_add = order_add, .region_del = order_del, .priority = 1 };
    MemoryListener l5 = { .region_add = order_add, .region_del = order_del, .priority = 5 };
    MemoryListener l3 = { .region_add = order_add, .region_del = order_del, .priority = 3 };

    order = g_string_new("");
    memory_region_init(&root, NULL, "root", 0x100000);
    memory_region_init_ram(&a, NULL, "a", 0x1000, NULL);
    address_space_init(&as, &root, "as");
    memory_listener_register(&l5, &as);
    memory_listener_register(&l1, &as);
    memory_listener_register(&l3, &as);
    memory_region_add_subregion(&root, 0, &a);
    /* Additions in ascending priority, removals descending. */
    CHECK_STREQ(order->str, "add1 add3 add5 ");
    g_string_truncate(order, 0);
    memory_region_del_subregion(&root, &a);
    CHECK_STREQ(order->str, "del5 del3 del1 ");
    /* Destroying the address space unregisters the listeners. */
    memory_region_add_subregion(&root, 0, &a);
    g_string_truncate(order, 0);
    address_space_destroy(&as);
    CHECK_STREQ(order->str, "del5 del3 del1 ");
    CHECK(l1.address_space == NULL);

    memory_region_finalize(&a);
    memory_region_finalize(&root);
    g_string_free(order, true);
}

static void count_range(const MemoryRegionSection *s, void *opaque)
{
    (*(unsigned *)opaque)++;
}

UNIT_TEST(listener_shared_views_per_root)
{
    MemoryRegion root, a, b, alias;
    AddressSpace as1, as2, as3;
    unsigned n = 0;

    memory_region_init(&root, NULL, "root", 0x100000);
    memory_region_init_ram(&a, NULL, "a", 0x1000, NULL);
    memory_region_add_subregion(&root, 0x1000, &a);
    memory_region_init_alias(&alias, NULL, "whole", &root, 0, 0x100000);
    address_space_init(&as1, &root, "one");
    address_space_init(&as2, &alias, "two");
    address_space_init(&as3, &root, "three");
    /* Views are shared from the next commit on. */
    memory_region_init_ram(&b, NULL, "b", 0x1000, NULL);
    memory_region_add_subregion(&root, 0x3000, &b);
    CHECK(as1.current_map == as3.current_map);
    CHECK(as1.current_map == as2.current_map);     /* an alias of all of root */
    address_space_foreach_range(&as2, count_range, &n);
    CHECK_EQ(n, 2);
    address_space_destroy(&as1);
    address_space_destroy(&as2);
    address_space_destroy(&as3);
    memory_region_finalize(&alias);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&root);
}

/*
 * A reader thread keeps loading through the address space while the main
 * thread re-renders it: every load must see one consistent view (a, b or
 * the hole), and no view may be freed under the reader (ASan checks that).
 */
typedef struct ReaderCtx {
    AddressSpace *as;
    volatile bool stop;
    volatile unsigned loads, bad;
} ReaderCtx;

static void *reader_thread(void *opaque)
{
    ReaderCtx *c = opaque;

    while (!c->stop) {
        uint32_t v = address_space_ldl_le(c->as, 0x1000, MEMTXATTRS_UNSPECIFIED, NULL);
        if (v != 0xaaaaaaaa && v != 0xbbbbbbbb && v != 0) {
            c->bad++;
        }
        c->loads++;
    }
    return NULL;
}

UNIT_TEST(listener_concurrent_reader_during_commits)
{
    MemoryRegion root, a, b;
    AddressSpace as;
    ReaderCtx c = { .as = &as };
    pthread_t t;
    unsigned i;

    memory_region_init(&root, NULL, "root", 0x100000);
    memory_region_init_ram(&a, NULL, "a", 0x2000, NULL);
    memory_region_init_ram(&b, NULL, "b", 0x2000, NULL);
    memset(memory_region_get_ram_ptr(&a), 0xaa, 0x2000);
    memset(memory_region_get_ram_ptr(&b), 0xbb, 0x2000);
    address_space_init(&as, &root, "as");
    memory_region_add_subregion(&root, 0, &a);
    CHECK(pthread_create(&t, NULL, reader_thread, &c) == 0);
    /* Keep changing the map until the reader has raced it for a while. */
    for (i = 0; i < 3000 || (c.loads < 20000 && i < 3000000); i++) {
        switch (i % 3) {
        case 0:
            memory_region_add_subregion_overlap(&root, 0, &b, 1);
            break;
        case 1:
            memory_region_set_enabled(&a, false);
            break;
        default:
            memory_region_del_subregion(&root, &b);
            memory_region_set_enabled(&a, true);
            break;
        }
    }
    c.stop = true;
    pthread_join(t, NULL);
    CHECK_EQ(c.bad, 0);
    CHECK(c.loads >= 20000);

    address_space_destroy(&as);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&root);
}

/* A listener that maps a second region the first time it sees the first. */
static MemoryRegion *reentrant_root, *reentrant_extra;

static void reentrant_add(MemoryListener *l, MemoryRegionSection *s)
{
    if (reentrant_extra && !reentrant_extra->container) {
        memory_region_add_subregion(reentrant_root, 0x8000, reentrant_extra);
    }
}

UNIT_TEST(listener_changes_map_from_callback)
{
    MemoryRegion root, a, b;
    AddressSpace as;
    MemoryListener l = { .region_add = reentrant_add };

    memory_region_init(&root, NULL, "root", 0x100000);
    memory_region_init_ram(&a, NULL, "a", 0x1000, NULL);
    memory_region_init_ram(&b, NULL, "b", 0x1000, NULL);
    address_space_init(&as, &root, "as");
    memory_listener_register(&l, &as);
    reentrant_root = &root;
    reentrant_extra = &b;
    memory_region_add_subregion(&root, 0, &a);
    /* The nested change was rendered after the first update finished. */
    CHECK_STREQ(flat_str(&as), "0-fff:a 8000-8fff:b ");
    reentrant_extra = NULL;

    memory_listener_unregister(&l);
    address_space_destroy(&as);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&root);
}
