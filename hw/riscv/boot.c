/*
 * RISC-V boot: firmware, kernel, initrd, FDT and the mask-ROM reset vector.
 * Placement follows QEMU's riscv boards so that OpenSBI, U-Boot and Linux
 * find things where they expect them.
 */
#include "hw/riscv/boot.h"
#include "hw/core/loader.h"

#include <libfdt.h>

#define EM_RISCV 243
#define RISCV_IMAGE_MAGIC2 "RSC\x05"       /* Linux Documentation/riscv/boot-image-header.rst */
#define RISCV_IMAGE_MAGIC2_OFFSET 0x38
#define RISCV_IMAGE_SIZE_OFFSET 0x10
#define RISCV_IMAGE_HEADER_SIZE 64
#define FDT_AREA_RESERVE (1 * MiB)         /* what the FDT may take at the top */

void riscv_boot_info_init(RISCVBootInfo *info, hwaddr ram_base, uint64_t ram_size,
                          AddressSpace *as)
{
    memset(info, 0, sizeof(*info));
    info->ram_base = ram_base;
    info->ram_size = ram_size;
    info->as = as;
    info->blobs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    info->blob_addrs = g_array_new(false, false, sizeof(hwaddr));
}

void riscv_boot_info_cleanup(RISCVBootInfo *info)
{
    if (info->blobs) {
        g_ptr_array_free(info->blobs, true);
        g_array_free(info->blob_addrs, true);
        info->blobs = NULL;
        info->blob_addrs = NULL;
    }
}

static hwaddr ram_end(const RISCVBootInfo *info)
{
    return info->ram_base + info->ram_size;
}

/* Keep a copy of what landed in [start, start+size) for machine resets. */
static void boot_snapshot(RISCVBootInfo *info, hwaddr start, uint64_t size)
{
    void *buf = g_malloc(size);

    address_space_read(info->as, start, MEMTXATTRS_UNSPECIFIED, buf, size);
    g_ptr_array_add(info->blobs, g_bytes_new_take(buf, size));
    g_array_append_val(info->blob_addrs, start);
}

static void boot_keep_blob(RISCVBootInfo *info, hwaddr start, const void *data, size_t len)
{
    g_ptr_array_add(info->blobs, g_bytes_new(data, len));
    g_array_append_val(info->blob_addrs, start);
}

void riscv_boot_reload(RISCVBootInfo *info)
{
    for (unsigned i = 0; info->blobs && i < info->blobs->len; i++) {
        GBytes *b = g_ptr_array_index(info->blobs, i);
        gsize len;
        const void *data = g_bytes_get_data(b, &len);
        address_space_write_rom(info->as, g_array_index(info->blob_addrs, hwaddr, i),
                                MEMTXATTRS_UNSPECIFIED, data, len);
    }
}

/* The first bytes of a file (fewer if it is shorter); false if unreadable. */
static bool read_header(const char *filename, uint8_t *buf, size_t len, size_t *got,
                        const char *what, Error **errp)
{
    FILE *f = fopen(filename, "rb");

    if (!f) {
        error_setg_errno(errp, errno, "could not open %s '%s'", what, filename);
        return false;
    }
    *got = fread(buf, 1, len, f);
    fclose(f);
    return true;
}

static bool is_elf(const uint8_t *hdr, size_t len)
{
    return len >= 4 && hdr[0] == 0x7f && hdr[1] == 'E' && hdr[2] == 'L' && hdr[3] == 'F';
}

static const char *resolve_firmware(const char *firmware, char **to_free)
{
    *to_free = NULL;
    if (!firmware || !strcmp(firmware, "default")) {
        return RISCV_DEFAULT_FIRMWARE;
    }
    if (!strchr(firmware, '/') && !g_file_test(firmware, G_FILE_TEST_EXISTS)) {
        char *p = g_build_filename(RISCV_OPENSBI_DIR, firmware, NULL);
        if (g_file_test(p, G_FILE_TEST_EXISTS)) {
            *to_free = p;
            return p;
        }
        g_free(p);
    }
    return firmware;
}

bool riscv_load_firmware(RISCVBootInfo *info, const char *firmware, Error **errp)
{
    uint8_t hdr[RISCV_IMAGE_HEADER_SIZE];
    size_t got;
    char *to_free;
    const char *path;
    bool ok = false;

    if (firmware && !strcmp(firmware, "none")) {
        info->firmware_loaded = false;
        info->firmware_end = info->ram_base;
        return true;
    }
    path = resolve_firmware(firmware, &to_free);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        error_setg(errp, "could not find firmware '%s'", path);
        if (!firmware || !strcmp(firmware, "default")) {
            error_append_hint(errp, "The default firmware comes from Debian's opensbi "
                              "package; install it or pass -bios none/-bios FILE.\n");
        }
        goto out;
    }
    if (!read_header(path, hdr, sizeof(hdr), &got, "firmware", errp)) {
        goto out;
    }
    if (is_elf(hdr, got)) {
        ElfLoadInfo elf;
        if (load_elf_as(path, NULL, NULL, EM_RISCV, &elf, info->as, errp) < 0) {
            error_prepend(errp, "could not load firmware '%s': ", path);
            goto out;
        }
        info->firmware_entry = elf.entry;
        info->firmware_end = elf.highaddr;
        boot_snapshot(info, elf.lowaddr, elf.highaddr - elf.lowaddr);
    } else {
        int64_t size = load_image_targphys_as(path, info->ram_base, info->ram_size,
                                              info->as, errp);
        if (size < 0) {
            error_prepend(errp, "could not load firmware '%s': ", path);
            goto out;
        }
        info->firmware_entry = info->ram_base;
        info->firmware_end = info->ram_base + size;
        boot_snapshot(info, info->ram_base, size);
    }
    info->firmware_loaded = true;
    ok = true;
out:
    g_free(to_free);
    return ok;
}

/*
 * A vmlinux has virtual link addresses and physical addresses that start at
 * 0 (LOAD_OFFSET = the link address), and the kernel is position
 * independent at entry: addresses that are not in RAM are taken as offsets
 * (below 2 GiB, as QEMU folds them) from the kernel's load address.  The
 * entry point (a virtual address) folds the same way.
 */
static uint64_t kernel_translate(void *opaque, uint64_t addr)
{
    RISCVBootInfo *info = opaque;

    if (addr >= info->ram_base && addr < ram_end(info)) {
        return addr;
    }
    return info->kernel_start + (addr & 0x7fffffff);
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | p[i];
    }
    return v;
}

bool riscv_load_kernel(RISCVBootInfo *info, const char *filename, Error **errp)
{
    uint8_t hdr[RISCV_IMAGE_HEADER_SIZE];
    size_t got;

    if (!read_header(filename, hdr, sizeof(hdr), &got, "kernel", errp)) {
        return false;
    }
    /* 64-bit kernels want a 2 MiB (PMD) aligned load address. */
    info->kernel_start = info->firmware_loaded ?
        QEMU_ALIGN_UP(info->firmware_end, 2 * MiB) : info->ram_base;
    if (info->kernel_start >= ram_end(info)) {
        error_setg(errp, "no room for the kernel: RAM ends at 0x%" HWADDR_PRIx,
                   ram_end(info));
        return false;
    }

    if (is_elf(hdr, got)) {
        ElfLoadInfo elf;
        if (load_elf_as(filename, kernel_translate, info, EM_RISCV, &elf, info->as,
                        errp) < 0) {
            error_prepend(errp, "could not load kernel '%s': ", filename);
            return false;
        }
        info->kernel_start = elf.lowaddr;
        info->kernel_entry = elf.entry;
        info->kernel_end = elf.highaddr;
        boot_snapshot(info, elf.lowaddr, elf.highaddr - elf.lowaddr);
    } else {
        uint64_t room = ram_end(info) - info->kernel_start;
        int64_t size;

        if (got == sizeof(hdr) &&
            !memcmp(hdr + RISCV_IMAGE_MAGIC2_OFFSET, RISCV_IMAGE_MAGIC2, 4)) {
            /* A Linux Image: image_size covers bss too, so it must fit. */
            uint64_t image_size = le64(hdr + RISCV_IMAGE_SIZE_OFFSET);
            if (image_size > room) {
                error_setg(errp, "kernel '%s' needs 0x%" PRIx64 " bytes at 0x%"
                           HWADDR_PRIx " but RAM ends at 0x%" HWADDR_PRIx,
                           filename, image_size, info->kernel_start, ram_end(info));
                return false;
            }
            info->kernel_end = info->kernel_start + image_size;
        }
        size = load_image_targphys_as(filename, info->kernel_start, room, info->as, errp);
        if (size < 0) {
            error_prepend(errp, "could not load kernel '%s': ", filename);
            return false;
        }
        if (info->kernel_end < info->kernel_start + size) {
            info->kernel_end = info->kernel_start + size;
        }
        info->kernel_entry = info->kernel_start;
        boot_snapshot(info, info->kernel_start, size);
    }
    info->kernel_loaded = true;
    return true;
}

hwaddr riscv_compute_fdt_addr(hwaddr ram_base, uint64_t ram_size, uint32_t fdt_size)
{
    hwaddr end = ram_base + ram_size;
    hwaddr top = (ram_base < 3 * GiB) ? MIN(end, 3 * GiB) : end;

    return QEMU_ALIGN_DOWN(top - fdt_size, 2 * MiB);
}

bool riscv_load_initrd(RISCVBootInfo *info, const char *filename, Error **errp)
{
    hwaddr entry = info->kernel_loaded ? info->kernel_entry :
        (info->firmware_loaded ? QEMU_ALIGN_UP(info->firmware_end, 2 * MiB) : info->ram_base);
    hwaddr low = info->kernel_loaded ? info->kernel_end : entry;
    hwaddr limit = riscv_compute_fdt_addr(info->ram_base, info->ram_size, FDT_AREA_RESERVE);
    int64_t size = get_image_size(filename, errp);
    hwaddr start;

    if (size < 0) {
        error_prepend(errp, "could not load initrd '%s': ", filename);
        return false;
    }
    /*
     * QEMU's spot: far enough above the kernel that it can decompress
     * itself, low enough to be in the kernel's linear map.
     */
    start = entry + MIN(info->ram_size / 2, 128 * MiB);
    if (start + size > limit) {
        /* Too big for that: as high as it goes below the FDT. */
        if ((uint64_t)size > limit - low) {
            error_setg(errp, "initrd '%s' (%" PRId64 " bytes) does not fit in RAM "
                       "between the kernel (ends 0x%" HWADDR_PRIx ") and the FDT (0x%"
                       HWADDR_PRIx ")", filename, size, low, limit);
            return false;
        }
        start = QEMU_ALIGN_DOWN(limit - size, 4 * KiB);
    }
    if (start < low) {
        error_setg(errp, "initrd '%s' would overlap the kernel", filename);
        return false;
    }
    if (load_image_targphys_as(filename, start, limit - start, info->as, errp) < 0) {
        error_prepend(errp, "could not load initrd '%s': ", filename);
        return false;
    }
    info->initrd_start = start;
    info->initrd_end = start + size;
    info->initrd_loaded = true;
    boot_snapshot(info, start, size);
    return true;
}

bool riscv_load_fdt(RISCVBootInfo *info, void *fdt, Error **errp)
{
    int err = fdt_pack(fdt);
    uint32_t size;

    if (err) {
        error_setg(errp, "device tree: %s", fdt_strerror(err));
        return false;
    }
    size = fdt_totalsize(fdt);
    if (size > info->ram_size) {
        error_setg(errp, "device tree (%u bytes) does not fit in RAM", size);
        return false;
    }
    info->fdt_addr = riscv_compute_fdt_addr(info->ram_base, info->ram_size, size);
    if (info->fdt_addr < info->ram_base) {
        error_setg(errp, "no room for the device tree below 0x%" HWADDR_PRIx,
                   ram_end(info));
        return false;
    }
    if (!rom_add_blob_fixed_as("fdt", fdt, size, info->fdt_addr, info->as, errp)) {
        return false;
    }
    boot_keep_blob(info, info->fdt_addr, fdt, size);
    return true;
}

/* I-type: imm[11:0] | rs1 | funct3 | rd | opcode (unprivileged ISA §2.2). */
uint32_t riscv_encode_itype(uint32_t opcode, unsigned rd, unsigned funct3, unsigned rs1,
                            int32_t imm)
{
    return ((uint32_t)(imm & 0xfff) << 20) | ((rs1 & 31) << 15) | ((funct3 & 7) << 12) |
           ((rd & 31) << 7) | (opcode & 0x7f);
}

/* U-type: imm[31:12] | rd | opcode. */
uint32_t riscv_encode_utype(uint32_t opcode, unsigned rd, uint32_t imm20)
{
    return ((imm20 & 0xfffff) << 12) | ((rd & 31) << 7) | (opcode & 0x7f);
}

#define OPC_LOAD 0x03
#define OPC_OP_IMM 0x13
#define OPC_AUIPC 0x17
#define OPC_JALR 0x67
#define OPC_SYSTEM 0x73
#define REG_ZERO 0
#define REG_T0 5
#define REG_A0 10
#define REG_A1 11
#define REG_A2 12
#define CSR_MHARTID 0xf14

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = v >> (8 * i);
    }
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = v >> (8 * i);
    }
}

bool riscv_setup_rom_reset_vec(RISCVBootInfo *info, hwaddr rom_base, uint64_t rom_size,
                               hwaddr start_addr, Error **errp)
{
    /*
     * Layout: six instructions (24 bytes), the start address at +24, the
     * FDT address at +32, fw_dynamic_info at +40.  The code is position
     * independent (auipc), so it runs wherever the ROM is.
     */
    enum { OFF_START = 24, OFF_FDT = 32, OFF_INFO = 40, INFO_SIZE = 6 * 8 };
    uint8_t blob[OFF_INFO + INFO_SIZE];
    const uint32_t code[6] = {
        riscv_encode_utype(OPC_AUIPC, REG_T0, 0),                        /* auipc t0, 0 */
        riscv_encode_itype(OPC_OP_IMM, REG_A2, 0, REG_T0, OFF_INFO),     /* addi a2, t0, 40 */
        riscv_encode_itype(OPC_SYSTEM, REG_A0, 2, REG_ZERO, CSR_MHARTID),/* csrr a0, mhartid */
        riscv_encode_itype(OPC_LOAD, REG_A1, 3, REG_T0, OFF_FDT),        /* ld a1, 32(t0) */
        riscv_encode_itype(OPC_LOAD, REG_T0, 3, REG_T0, OFF_START),      /* ld t0, 24(t0) */
        riscv_encode_itype(OPC_JALR, REG_ZERO, 0, REG_T0, 0),            /* jr t0 */
    };

    if (sizeof(blob) > rom_size) {
        error_setg(errp, "reset vector does not fit in the %" PRIu64 "-byte ROM", rom_size);
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(code); i++) {
        put_le32(blob + 4 * i, code[i]);
    }
    put_le64(blob + OFF_START, start_addr);
    put_le64(blob + OFF_FDT, info->fdt_addr);
    /* struct fw_dynamic_info (OpenSBI docs/firmware/fw_dynamic.md) */
    put_le64(blob + OFF_INFO + 0, FW_DYNAMIC_INFO_MAGIC);
    put_le64(blob + OFF_INFO + 8, FW_DYNAMIC_INFO_VERSION);
    put_le64(blob + OFF_INFO + 16, info->kernel_loaded ? info->kernel_entry : 0);
    put_le64(blob + OFF_INFO + 24, FW_DYNAMIC_INFO_NEXT_MODE_S);
    put_le64(blob + OFF_INFO + 32, 0);      /* options */
    put_le64(blob + OFF_INFO + 40, 0);      /* boot_hart */

    if (!rom_add_blob_fixed_as("mrom.reset", blob, sizeof(blob), rom_base, info->as,
                               errp)) {
        return false;
    }
    boot_keep_blob(info, rom_base, blob, sizeof(blob));
    return true;
}
