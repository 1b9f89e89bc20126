/* The e820 map: a small sorted table of non-overlapping typed ranges. */
#include "core/osdep.h"
#include "hw/x86/e820.h"

bool e820_add(E820Table *t, uint64_t addr, uint64_t size, uint32_t type)
{
    unsigned i;

    if (!size || addr + size < addr) {
        return false;
    }
    for (i = 0; i < t->nr; i++) {
        E820Entry *e = &t->e[i];

        if (addr < e->addr + e->size && e->addr < addr + size) {
            return false;                   /* overlap */
        }
        if (e->addr > addr) {
            break;
        }
    }
    /* Merge with the neighbour before and/or after when they touch. */
    if (i > 0 && t->e[i - 1].type == type && t->e[i - 1].addr + t->e[i - 1].size == addr) {
        t->e[i - 1].size += size;
        if (i < t->nr && t->e[i].type == type && addr + size == t->e[i].addr) {
            t->e[i - 1].size += t->e[i].size;
            memmove(&t->e[i], &t->e[i + 1], (t->nr - i - 1) * sizeof(E820Entry));
            t->nr--;
        }
        return true;
    }
    if (i < t->nr && t->e[i].type == type && addr + size == t->e[i].addr) {
        t->e[i].addr = addr;
        t->e[i].size += size;
        return true;
    }
    if (t->nr == E820_MAX_ENTRIES) {
        return false;
    }
    memmove(&t->e[i + 1], &t->e[i], (t->nr - i) * sizeof(E820Entry));
    t->e[i] = (E820Entry){ .addr = addr, .size = size, .type = type };
    t->nr++;
    return true;
}

uint64_t e820_total(const E820Table *t, uint32_t type)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < t->nr; i++) {
        if (t->e[i].type == type) {
            sum += t->e[i].size;
        }
    }
    return sum;
}

bool e820_is_ram(const E820Table *t, uint64_t addr, uint64_t len)
{
    for (unsigned i = 0; i < t->nr; i++) {
        const E820Entry *e = &t->e[i];

        if (e->type == E820_RAM && addr >= e->addr && addr - e->addr < e->size) {
            return len <= e->size - (addr - e->addr);
        }
    }
    return false;
}
