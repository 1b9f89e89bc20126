/*
 * SiFive PLIC: priorities, thresholds, claim/complete and the per-context
 * outputs, on a realized device through memory_region_dispatch_*.
 */
#include "core/osdep.h"
#include "hw/intc/sifive_plic.h"
#include "tests/unit/unit.h"

#define NCTX 4          /* two harts, "MS" each: M0 S0 M1 S1 */

typedef struct PlicFixture {
    DeviceState *dev;
    MemoryRegion *mr;
    qemu_irq out[NCTX];
    int level[NCTX];
} PlicFixture;

static void record_level(void *opaque, int n, int level)
{
    PlicFixture *f = opaque;

    f->level[n] = level;
}

static void plic_setup(PlicFixture *f, const char *hart_config)
{
    Error *err = NULL;

    memset(f, 0, sizeof(*f));
    f->dev = qdev_new(TYPE_SIFIVE_PLIC);
    if (hart_config) {
        CHECK(object_property_set_str(OBJECT(f->dev), "hart-config", hart_config, &err));
    } else {
        CHECK(object_property_set_uint(OBJECT(f->dev), "num-harts", 2, &err));
    }
    CHECK(object_property_set_uint(OBJECT(f->dev), "aperture-size", 0x600000, &err));
    CHECK(qdev_realize(f->dev, NULL, &err));
    device_cold_reset(f->dev);
    f->mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(f->dev), 0);
    for (int i = 0; i < NCTX; i++) {
        f->out[i] = qemu_allocate_irq(record_level, f, i);
        if ((unsigned)i < SIFIVE_PLIC(f->dev)->num_contexts) {
            qdev_connect_gpio_out(f->dev, i, f->out[i]);
        }
    }
}

static void plic_teardown(PlicFixture *f)
{
    object_unparent(OBJECT(f->dev));
    object_unref(OBJECT(f->dev));
    for (int i = 0; i < NCTX; i++) {
        qemu_free_irq(f->out[i]);
    }
}

static uint32_t rd(PlicFixture *f, hwaddr addr)
{
    uint64_t v = 0;

    CHECK_EQ(memory_region_dispatch_read(f->mr, addr, &v, 4, MEMTXATTRS_UNSPECIFIED),
             MEMTX_OK);
    return v;
}

static void wr(PlicFixture *f, hwaddr addr, uint32_t v)
{
    CHECK_EQ(memory_region_dispatch_write(f->mr, addr, v, 4, MEMTXATTRS_UNSPECIFIED),
             MEMTX_OK);
}

#define PRIO(id) (SIFIVE_PLIC_PRIORITY_BASE + 4 * (id))
#define ENABLE(ctx, word) (SIFIVE_PLIC_ENABLE_BASE + SIFIVE_PLIC_ENABLE_STRIDE * (ctx) + 4 * (word))
#define THRESHOLD(ctx) (SIFIVE_PLIC_CONTEXT_BASE + SIFIVE_PLIC_CONTEXT_STRIDE * (ctx))
#define CLAIM(ctx) (THRESHOLD(ctx) + 4)

static void line(PlicFixture *f, int id, int level)
{
    qemu_set_irq(qdev_get_gpio_in(f->dev, id), level);
}

UNIT_TEST(plic_context_layout)
{
    PlicFixture f;

    plic_setup(&f, NULL);
    SiFivePLICState *s = SIFIVE_PLIC(f.dev);
    CHECK_EQ(s->num_contexts, 4);
    CHECK_EQ(sifive_plic_context(s, 0, PLIC_MODE_M), 0);
    CHECK_EQ(sifive_plic_context(s, 0, PLIC_MODE_S), 1);
    CHECK_EQ(sifive_plic_context(s, 1, PLIC_MODE_M), 2);
    CHECK_EQ(sifive_plic_context(s, 1, PLIC_MODE_S), 3);
    CHECK_EQ(sifive_plic_context(s, 2, PLIC_MODE_S), (uint64_t)-1);
    plic_teardown(&f);
}

UNIT_TEST(plic_priority_is_warl)
{
    PlicFixture f;

    plic_setup(&f, NULL);
    wr(&f, PRIO(5), 0xffffffff);
    CHECK_EQ(rd(&f, PRIO(5)), 7);          /* 7 priorities: 3 bits */
    wr(&f, PRIO(5), 2);
    CHECK_EQ(rd(&f, PRIO(5)), 2);
    wr(&f, PRIO(0), 5);                    /* source 0 does not exist */
    CHECK_EQ(rd(&f, PRIO(0)), 0);
    wr(&f, THRESHOLD(1), 0x1f);
    CHECK_EQ(rd(&f, THRESHOLD(1)), 7);
    /* Source 0 can never be enabled; bits past source 96 read as zero. */
    wr(&f, ENABLE(1, 0), 0xffffffff);
    CHECK_EQ(rd(&f, ENABLE(1, 0)), 0xfffffffe);
    wr(&f, ENABLE(1, 3), 0xffffffff);
    CHECK_EQ(rd(&f, ENABLE(1, 3)), 1);     /* only source 96 in word 3 */
    plic_teardown(&f);
}

UNIT_TEST(plic_claim_complete_one_context)
{
    PlicFixture f;

    plic_setup(&f, NULL);
    wr(&f, PRIO(5), 3);
    wr(&f, ENABLE(1, 0), 1u << 5);         /* hart 0 S-mode */

    line(&f, 5, 1);
    CHECK_EQ(rd(&f, SIFIVE_PLIC_PENDING_BASE), 1u << 5);
    CHECK_EQ(f.level[1], 1);
    CHECK_EQ(f.level[0], 0);               /* not enabled for M */
    CHECK_EQ(f.level[3], 0);

    CHECK_EQ(rd(&f, CLAIM(1)), 5);
    CHECK_EQ(f.level[1], 0);               /* in flight: not presented */
    CHECK_EQ(rd(&f, SIFIVE_PLIC_PENDING_BASE), 0);
    CHECK_EQ(rd(&f, CLAIM(1)), 0);         /* nothing else */

    /* Line still high at completion: the gateway forwards it again. */
    wr(&f, CLAIM(1), 5);
    CHECK_EQ(f.level[1], 1);
    CHECK_EQ(rd(&f, CLAIM(1)), 5);
    line(&f, 5, 0);
    wr(&f, CLAIM(1), 5);
    CHECK_EQ(f.level[1], 0);
    CHECK_EQ(rd(&f, CLAIM(1)), 0);
    plic_teardown(&f);
}

UNIT_TEST(plic_priority_order_and_ties)
{
    PlicFixture f;

    plic_setup(&f, NULL);
    wr(&f, PRIO(3), 1);
    wr(&f, PRIO(9), 6);
    wr(&f, PRIO(40), 6);
    wr(&f, ENABLE(1, 0), (1u << 3) | (1u << 9));
    wr(&f, ENABLE(1, 1), 1u << (40 - 32));
    line(&f, 3, 1);
    line(&f, 40, 1);
    line(&f, 9, 1);
    /* Highest priority first; equal priorities: lowest ID first. */
    CHECK_EQ(rd(&f, CLAIM(1)), 9);
    CHECK_EQ(rd(&f, CLAIM(1)), 40);
    CHECK_EQ(rd(&f, CLAIM(1)), 3);
    CHECK_EQ(rd(&f, CLAIM(1)), 0);
    CHECK_EQ(f.level[1], 0);
    plic_teardown(&f);
}

UNIT_TEST(plic_threshold_masks)
{
    PlicFixture f;

    plic_setup(&f, NULL);
    wr(&f, PRIO(7), 3);
    wr(&f, ENABLE(0, 0), 1u << 7);
    wr(&f, THRESHOLD(0), 3);
    line(&f, 7, 1);
    /* Priority must exceed the threshold (riscv-plic-spec §6). */
    CHECK_EQ(f.level[0], 0);
    CHECK_EQ(rd(&f, CLAIM(0)), 0);
    wr(&f, THRESHOLD(0), 2);
    CHECK_EQ(f.level[0], 1);
    /* Priority 0 means "never interrupt". */
    wr(&f, PRIO(7), 0);
    wr(&f, THRESHOLD(0), 0);
    CHECK_EQ(f.level[0], 0);
    wr(&f, PRIO(7), 1);
    CHECK_EQ(f.level[0], 1);
    plic_teardown(&f);
}

UNIT_TEST(plic_two_contexts_share_a_source)
{
    PlicFixture f;

    plic_setup(&f, NULL);
    wr(&f, PRIO(10), 1);
    wr(&f, ENABLE(1, 0), 1u << 10);        /* hart 0 S */
    wr(&f, ENABLE(3, 0), 1u << 10);        /* hart 1 S */
    line(&f, 10, 1);
    CHECK_EQ(f.level[1], 1);
    CHECK_EQ(f.level[3], 1);
    /* The first claimer wins; the other context sees nothing to claim. */
    CHECK_EQ(rd(&f, CLAIM(3)), 10);
    CHECK_EQ(f.level[1], 0);
    CHECK_EQ(f.level[3], 0);
    CHECK_EQ(rd(&f, CLAIM(1)), 0);
    /* Completion for a source not enabled in that context is ignored. */
    wr(&f, ENABLE(1, 0), 0);
    line(&f, 10, 0);
    wr(&f, CLAIM(1), 10);
    wr(&f, ENABLE(1, 0), 1u << 10);
    line(&f, 10, 1);
    CHECK_EQ(f.level[1], 0);               /* still in flight */
    wr(&f, CLAIM(3), 10);
    CHECK_EQ(f.level[1], 1);
    CHECK_EQ(f.level[3], 1);
    plic_teardown(&f);
}

UNIT_TEST(plic_reserved_and_pending_readonly)
{
    PlicFixture f;

    plic_setup(&f, NULL);
    wr(&f, SIFIVE_PLIC_PENDING_BASE, 0xffffffff);
    CHECK_EQ(rd(&f, SIFIVE_PLIC_PENDING_BASE), 0);
    CHECK_EQ(rd(&f, 0x100000), 0);          /* hole between enables and contexts */
    wr(&f, 0x100000, 1);
    CHECK_EQ(rd(&f, THRESHOLD(3) + 8), 0);  /* reserved word in a context */
    plic_teardown(&f);
}

UNIT_TEST(plic_bad_config_is_an_error)
{
    Error *err = NULL;
    DeviceState *dev = qdev_new(TYPE_SIFIVE_PLIC);

    CHECK(object_property_set_str(OBJECT(dev), "hart-config", "MX", &err));
    CHECK(!qdev_realize(dev, NULL, &err));
    CHECK(err != NULL);
    CHECK(strstr(error_get_pretty(err), "invalid mode 'X'") != NULL);
    error_free(err);
    err = NULL;
    object_unref(OBJECT(dev));

    dev = qdev_new(TYPE_SIFIVE_PLIC);
    CHECK(object_property_set_str(OBJECT(dev), "hart-config", "MSM", &err));
    CHECK(!qdev_realize(dev, NULL, &err));
    CHECK(strstr(error_get_pretty(err), "repeated") != NULL);
    error_free(err);
    err = NULL;
    object_unref(OBJECT(dev));

    dev = qdev_new(TYPE_SIFIVE_PLIC);
    CHECK(object_property_set_uint(OBJECT(dev), "num-harts", 600, &err));
    CHECK(object_property_set_uint(OBJECT(dev), "aperture-size", 0x600000, &err));
    CHECK(!qdev_realize(dev, NULL, &err));   /* 1200 contexts overflow the aperture */
    CHECK(strstr(error_get_pretty(err), "aperture") != NULL);
    error_free(err);
    object_unref(OBJECT(dev));
}

UNIT_TEST(plic_hart_config_m_only_hart)
{
    PlicFixture f;

    /* A monitor-core hart with only an M context, then an "MS" hart. */
    plic_setup(&f, "M,MS");
    SiFivePLICState *s = SIFIVE_PLIC(f.dev);
    CHECK_EQ(s->num_contexts, 3);
    CHECK_EQ(sifive_plic_context(s, 0, PLIC_MODE_S), (uint64_t)-1);
    CHECK_EQ(sifive_plic_context(s, 1, PLIC_MODE_M), 1);
    CHECK_EQ(sifive_plic_context(s, 1, PLIC_MODE_S), 2);
    plic_teardown(&f);
}
