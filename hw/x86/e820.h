/*
 * The BIOS e820 memory map (ACPI 6.5 §15 "System Address Map Interfaces"):
 * what Multiboot's mmap and Linux's boot_params.e820_table describe.
 */
#ifndef HW_X86_E820_H
#define HW_X86_E820_H

#include "core/osdep.h"

#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3
#define E820_NVS 4
#define E820_MAX_ENTRIES 128       /* boot_params.e820_table size */

typedef struct E820Entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} E820Entry;

typedef struct E820Table {
    unsigned nr;
    E820Entry e[E820_MAX_ENTRIES];
} E820Table;

/*
 * Add a range.  Entries are kept sorted by address; an added range must not
 * overlap an existing one (false if it does, or if the table is full).
 * Touching ranges of the same type merge.
 */
bool e820_add(E820Table *t, uint64_t addr, uint64_t size, uint32_t type);
/* Total bytes of a type. */
uint64_t e820_total(const E820Table *t, uint32_t type);
/* Is [addr, addr+len) entirely inside RAM entries? */
bool e820_is_ram(const E820Table *t, uint64_t addr, uint64_t len);

#endif
