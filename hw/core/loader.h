/*
 * Loading images into guest memory (through an AddressSpace, so ROM and RAM
 * alike).  Every loader checks that the image fits: an image that does not
 * fit in RAM/ROM or overlaps another loaded image is an Error, not a crash.
 */
#ifndef HW_CORE_LOADER_H
#define HW_CORE_LOADER_H

#include "core/osdep.h"
#include "core/error.h"
#include "memory/memory.h"

/* Returns the file size, or -1 with errp set. */
int64_t get_image_size(const char *filename, Error **errp);

/* Raw image at addr; max_sz bounds it.  Returns bytes loaded or -1. */
int64_t load_image_targphys_as(const char *filename, hwaddr addr, uint64_t max_sz,
                               AddressSpace *as, Error **errp);

typedef struct ElfLoadInfo {
    uint64_t entry;          /* translated like the segments */
    uint64_t lowaddr;        /* lowest loaded physical address */
    uint64_t highaddr;       /* end (exclusive) of the highest loaded segment */
    int machine;             /* e_machine */
    int elfclass;            /* ELFCLASS32 / ELFCLASS64 */
} ElfLoadInfo;

/*
 * ELF32/ELF64 little-endian executables.  Segments load at p_paddr (QEMU's
 * choice for system emulation) unless translate_fn maps them; expected_machine
 * (EM_RISCV, EM_X86_64, ...; 0 = any) is checked.  Returns bytes loaded or -1.
 */
int64_t load_elf_as(const char *filename, uint64_t (*translate_fn)(void *, uint64_t),
                    void *translate_opaque, int expected_machine, ElfLoadInfo *info,
                    AddressSpace *as, Error **errp);

/* Copy a buffer into guest memory (FDT, boot stubs), with the same checks. */
bool rom_add_blob_fixed_as(const char *name, const void *blob, size_t len, hwaddr addr,
                           AddressSpace *as, Error **errp);

/* Forget every loaded-image range (machine teardown, tests). */
void loader_reset_ranges(void);

#endif
