/*
 * Booting a RISC-V machine the way QEMU's riscv boards do: firmware
 * (OpenSBI fw_dynamic by default) at the start of RAM, the kernel after it
 * (or at the start of RAM with -bios none), the initrd and the FDT high in
 * RAM, and a reset vector in the mask ROM that hands the firmware the hart
 * id, the FDT address and a fw_dynamic_info block.
 */
#ifndef HW_RISCV_BOOT_H
#define HW_RISCV_BOOT_H

#include "core/osdep.h"
#include "core/error.h"
#include "memory/memory.h"

#define RISCV_DEFAULT_FIRMWARE "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
#define RISCV_OPENSBI_DIR "/usr/lib/riscv64-linux-gnu/opensbi/generic"

/* OpenSBI docs/firmware/fw_dynamic.md */
#define FW_DYNAMIC_INFO_MAGIC 0x4942534f      /* "OSBI" */
#define FW_DYNAMIC_INFO_VERSION 2
#define FW_DYNAMIC_INFO_NEXT_MODE_U 0
#define FW_DYNAMIC_INFO_NEXT_MODE_S 1
#define FW_DYNAMIC_INFO_NEXT_MODE_M 3

typedef struct RISCVBootRange {
    hwaddr start;
    uint64_t size;
} RISCVBootRange;

typedef struct RISCVBootInfo {
    hwaddr ram_base;
    uint64_t ram_size;
    AddressSpace *as;

    bool firmware_loaded;
    hwaddr firmware_entry;      /* where the reset vector jumps with firmware */
    hwaddr firmware_end;        /* first byte after the firmware image */

    bool kernel_loaded;
    hwaddr kernel_start;        /* where a raw Image/binary went */
    hwaddr kernel_entry;
    hwaddr kernel_end;          /* includes Image's image_size (bss) */

    bool initrd_loaded;
    hwaddr initrd_start, initrd_end;

    hwaddr fdt_addr;

    /* Everything loaded, for re-copying on a machine reset (GBytes *) */
    GPtrArray *blobs;
    GArray *blob_addrs;         /* hwaddr per blob */
} RISCVBootInfo;

void riscv_boot_info_init(RISCVBootInfo *info, hwaddr ram_base, uint64_t ram_size,
                          AddressSpace *as);
void riscv_boot_info_cleanup(RISCVBootInfo *info);

/*
 * -bios: NULL or "default" loads OpenSBI's fw_dynamic.bin, "none" loads
 * nothing, anything else is a file (ELF at its addresses, else raw at the
 * RAM base).  A bare file name is also looked up in OpenSBI's directory.
 */
bool riscv_load_firmware(RISCVBootInfo *info, const char *firmware, Error **errp);

/*
 * -kernel: an ELF loads at its physical addresses when they are in RAM,
 * else (a vmlinux, physical addresses from 0) at the kernel load address
 * below; anything else is a raw image (a Linux
 * Image is recognised by its "RSC\x05" magic at 0x38 and its image_size
 * checked) at the first 2 MiB boundary after the firmware, or the RAM base
 * without firmware.
 */
bool riscv_load_kernel(RISCVBootInfo *info, const char *filename, Error **errp);

/* -initrd: at kernel_entry + min(ram/2, 128 MiB) as QEMU does, or lower if
 * that does not fit below the FDT area. */
bool riscv_load_initrd(RISCVBootInfo *info, const char *filename, Error **errp);

/*
 * FDT address: the 2 MiB-aligned spot ending below the end of RAM or
 * 3 GiB, whichever is lower (so 32-bit code reaches it).
 */
hwaddr riscv_compute_fdt_addr(hwaddr ram_base, uint64_t ram_size, uint32_t fdt_size);

/* Pack fdt, compute its address and copy it into RAM. */
bool riscv_load_fdt(RISCVBootInfo *info, void *fdt, Error **errp);

/*
 * The reset vector at rom_base: a0 = mhartid, a1 = FDT address,
 * a2 = &fw_dynamic_info, then jump to start_addr.  next_addr in the info
 * block is the kernel entry (0 if there is no kernel).
 */
bool riscv_setup_rom_reset_vec(RISCVBootInfo *info, hwaddr rom_base, uint64_t rom_size,
                               hwaddr start_addr, Error **errp);

/* Copy every loaded blob into guest memory again (machine reset). */
void riscv_boot_reload(RISCVBootInfo *info);

/* Instruction encoders for the reset vector (RISC-V unprivileged ISA, ch. 2). */
uint32_t riscv_encode_itype(uint32_t opcode, unsigned rd, unsigned funct3, unsigned rs1,
                            int32_t imm);
uint32_t riscv_encode_utype(uint32_t opcode, unsigned rd, uint32_t imm20);

#endif
