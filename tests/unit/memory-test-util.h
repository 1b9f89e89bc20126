/*
 * Shared helpers of the memory unit tests: a recording MMIO device and a
 * compact text form of a FlatView.
 */
#ifndef TESTS_UNIT_MEMORY_TEST_UTIL_H
#define TESTS_UNIT_MEMORY_TEST_UTIL_H

#include "memory/memory.h"
#include "tests/unit/unit.h"

/* A device with 256 bytes of registers, in its own byte order, that logs
 * every callback as "r4@8 " / "w2@6=0x1234 ". */
typedef struct TestDev {
    uint8_t regs[256];
    bool big_endian;
    GString *log;
} TestDev;

static inline uint64_t testdev_get(TestDev *d, hwaddr addr, unsigned size)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        uint64_t b = d->regs[(addr + i) & 0xff];
        v |= b << (8 * (d->big_endian ? size - 1 - i : i));
    }
    return v;
}

static inline uint64_t testdev_read(void *opaque, hwaddr addr, unsigned size)
{
    TestDev *d = opaque;

    g_string_append_printf(d->log, "r%u@%" PRIx64 " ", size, addr);
    return testdev_get(d, addr, size);
}

static inline void testdev_write(void *opaque, hwaddr addr, uint64_t data,
                                 unsigned size)
{
    TestDev *d = opaque;
    unsigned i;

    g_string_append_printf(d->log, "w%u@%" PRIx64 "=0x%" PRIx64 " ", size, addr, data);
    for (i = 0; i < size; i++) {
        unsigned shift = 8 * (d->big_endian ? size - 1 - i : i);
        d->regs[(addr + i) & 0xff] = (uint8_t)(data >> shift);
    }
}

static inline void testdev_init(TestDev *d, bool big_endian)
{
    unsigned i;

    memset(d, 0, sizeof(*d));
    for (i = 0; i < sizeof(d->regs); i++) {
        d->regs[i] = (uint8_t)(0x10 + i);
    }
    d->big_endian = big_endian;
    d->log = g_string_new("");
}

static inline const char *testdev_log(TestDev *d)
{
    return d->log->str;
}

static inline void testdev_clear(TestDev *d)
{
    g_string_truncate(d->log, 0);
}

static inline void testdev_free(TestDev *d)
{
    g_string_free(d->log, true);
}

static inline void flat_str_cb(const MemoryRegionSection *s, void *opaque)
{
    GString *out = opaque;

    g_string_append_printf(out, "%" PRIx64 "-%" PRIx64 ":%s", s->offset_within_address_space,
                           s->offset_within_address_space + s->size - 1,
                           memory_region_name(s->mr));
    if (s->offset_within_region) {
        g_string_append_printf(out, "@%" PRIx64, s->offset_within_region);
    }
    if (s->readonly) {
        g_string_append(out, "(ro)");
    }
    g_string_append(out, " ");
}

/* "0-fff:ram 1000-1fff:io@10 " -- the rendered ranges in order.  The
 * returned string lives until the next call. */
static inline const char *flat_str(AddressSpace *as)
{
    static GString *out;

    if (!out) {
        out = g_string_new("");
    }
    g_string_truncate(out, 0);
    address_space_foreach_range(as, flat_str_cb, out);
    return out->str;
}

#endif
