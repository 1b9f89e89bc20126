/*
 * Included first by every Machina source file: the standard headers, the
 * address types and the small helpers everyone uses.
 *
 * GLib is available for containers and strings (GHashTable, GPtrArray,
 * GString, g_new0/g_free, g_strdup_printf).  The event loop is our own.
 */
#ifndef CORE_OSDEP_H
#define CORE_OSDEP_H

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib.h>

#include "machina-config.h"

typedef uint64_t hwaddr;      /* guest physical address */
typedef uint64_t vaddr;       /* guest virtual address */
typedef uint64_t ram_addr_t;  /* offset in the global RAM address space */

#define HWADDR_MAX UINT64_MAX
#define HWADDR_PRIx PRIx64
#define VADDR_PRIx PRIx64
#define RAM_ADDR_INVALID (~(ram_addr_t)0)

#ifndef container_of
#define container_of(ptr, type, member)                                    \
    ((type *)((char *)(ptr) - offsetof(type, member)))
#endif

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define QEMU_ALIGN_DOWN(n, m) ((n) / (m) * (m))
#define QEMU_ALIGN_UP(n, m) QEMU_ALIGN_DOWN((n) + (m) - 1, (m))
#define QEMU_IS_ALIGNED(n, m) (((n) % (m)) == 0)
#define NORETURN __attribute__((noreturn))
#define PRINTF_FMT(a, b) __attribute__((format(printf, a, b)))

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)

/* Bit-field helpers (the RISC-V decoder and the CSRs live on them). */
static inline uint64_t extract64(uint64_t v, int start, int len)
{
    return (v >> start) & (~0ULL >> (64 - len));
}

static inline int64_t sextract64(uint64_t v, int start, int len)
{
    return ((int64_t)(v << (64 - len - start))) >> (64 - len);
}

static inline uint32_t extract32(uint32_t v, int start, int len)
{
    return (v >> start) & (~0U >> (32 - len));
}

static inline int32_t sextract32(uint32_t v, int start, int len)
{
    return ((int32_t)(v << (32 - len - start))) >> (32 - len);
}

static inline uint64_t deposit64(uint64_t v, int start, int len, uint64_t field)
{
    uint64_t mask = (~0ULL >> (64 - len)) << start;
    return (v & ~mask) | ((field << start) & mask);
}

static inline int ctz64(uint64_t v)
{
    return v ? __builtin_ctzll(v) : 64;
}

static inline int clz64(uint64_t v)
{
    return v ? __builtin_clzll(v) : 64;
}

static inline bool is_power_of_2(uint64_t v)
{
    return v && !(v & (v - 1));
}

/* The program's name for user-facing messages ("machina-system-riscv64"). */
extern const char *machina_prog_name;

#endif
