/*
 * RISC-V boot helpers on a private address space: where firmware, kernel,
 * initrd and FDT land, Image header checks, ELF kernels, clear errors for
 * files that do not fit or do not exist, and the reset-vector encoders.
 */
#include "core/osdep.h"
#include "hw/core/loader.h"
#include "hw/core/machine.h"
#include "hw/riscv/boot.h"
#include "tests/unit/unit.h"

#include <libfdt.h>

/* system/ provides the real one (virt.c, linked in, refers to it). */
__attribute__((weak)) Chardev *serial_hd(int i)
{
    return NULL;
}

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (64 * MiB)

typedef struct BootFixture {
    MemoryRegion root, ram;
    AddressSpace as;
    RISCVBootInfo info;
    char *dir;
} BootFixture;

static void boot_setup(BootFixture *f)
{
    Error *err = NULL;

    memset(f, 0, sizeof(*f));
    loader_reset_ranges();
    memory_region_init(&f->root, NULL, "boot-test", UINT64_MAX);
    CHECK(memory_region_init_ram(&f->ram, NULL, "boot-test.ram", RAM_SIZE, &err));
    memory_region_add_subregion(&f->root, RAM_BASE, &f->ram);
    address_space_init(&f->as, &f->root, "boot-test");
    riscv_boot_info_init(&f->info, RAM_BASE, RAM_SIZE, &f->as);
    f->dir = g_dir_make_tmp("machina-boot-XXXXXX", NULL);
    CHECK(f->dir != NULL);
}

static void boot_teardown(BootFixture *f)
{
    GDir *d = g_dir_open(f->dir, 0, NULL);
    const char *name;

    riscv_boot_info_cleanup(&f->info);
    address_space_destroy(&f->as);
    memory_region_del_subregion(&f->root, &f->ram);
    memory_region_finalize(&f->ram);
    memory_region_finalize(&f->root);
    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(f->dir, name, NULL);
        unlink(p);
    }
    if (d) {
        g_dir_close(d);
    }
    rmdir(f->dir);
    g_free(f->dir);
    loader_reset_ranges();
}

static char *write_file(BootFixture *f, const char *name, const void *data, size_t len)
{
    char *p = g_build_filename(f->dir, name, NULL);

    CHECK(g_file_set_contents(p, data, len, NULL));
    return p;
}

static uint8_t *pattern(size_t len, uint8_t seed)
{
    uint8_t *b = g_malloc(len);

    for (size_t i = 0; i < len; i++) {
        b[i] = (uint8_t)(i * 7 + seed);
    }
    return b;
}

static bool mem_equals(BootFixture *f, hwaddr addr, const uint8_t *data, size_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);

    address_space_read(&f->as, addr, MEMTXATTRS_UNSPECIFIED, buf, len);
    return memcmp(buf, data, len) == 0;
}

/* A minimal Linux RISC-V Image: header with magic and image_size, then body. */
static uint8_t *make_image(size_t len, uint64_t image_size)
{
    uint8_t *b = pattern(len, 3);

    memset(b + 8, 0, 56);
    for (int i = 0; i < 8; i++) {
        b[16 + i] = image_size >> (8 * i);
    }
    memcpy(b + 0x30, "RISCV\0\0\0", 8);
    memcpy(b + 0x38, "RSC\x05", 4);
    return b;
}

UNIT_TEST(boot_encoders)
{
    /* Hand-assembled from the ISA manual's encoding tables. */
    CHECK_EQ(riscv_encode_utype(0x17, 5, 0), 0x00000297);            /* auipc t0, 0 */
    CHECK_EQ(riscv_encode_itype(0x13, 12, 0, 5, 40), 0x02828613);    /* addi a2, t0, 40 */
    CHECK_EQ(riscv_encode_itype(0x73, 10, 2, 0, 0xf14), 0xf1402573); /* csrr a0, mhartid */
    CHECK_EQ(riscv_encode_itype(0x03, 11, 3, 5, 32), 0x0202b583);    /* ld a1, 32(t0) */
    CHECK_EQ(riscv_encode_itype(0x67, 0, 0, 5, 0), 0x00028067);      /* jr t0 */
    CHECK_EQ(riscv_encode_itype(0x13, 1, 0, 1, -1), 0xfff08093);     /* addi ra, ra, -1 */
}

UNIT_TEST(boot_fdt_address)
{
    CHECK_EQ(riscv_compute_fdt_addr(RAM_BASE, 128 * MiB, 0x1000), 0x87e00000);
    CHECK_EQ(riscv_compute_fdt_addr(RAM_BASE, 128 * MiB, 3 * MiB), 0x87c00000);
    /* Large RAM: stay below 3 GiB so 32-bit code reaches it. */
    CHECK_EQ(riscv_compute_fdt_addr(RAM_BASE, 8 * GiB, 0x2000), 3 * GiB - 2 * MiB);
    /* RAM entirely above 3 GiB: the end of RAM. */
    CHECK_EQ(riscv_compute_fdt_addr(4 * GiB, 1 * GiB, 0x2000), 5 * GiB - 2 * MiB);
}

UNIT_TEST(boot_firmware_raw_then_image_kernel)
{
    BootFixture f;
    Error *err = NULL;
    g_autofree uint8_t *fw = pattern(300 * KiB, 1);
    g_autofree uint8_t *img = make_image(1 * MiB, 3 * MiB);

    boot_setup(&f);
    g_autofree char *fwp = write_file(&f, "fw.bin", fw, 300 * KiB);
    g_autofree char *kp = write_file(&f, "Image", img, 1 * MiB);
    CHECK(riscv_load_firmware(&f.info, fwp, &err));
    CHECK(f.info.firmware_loaded);
    CHECK_EQ(f.info.firmware_entry, RAM_BASE);
    CHECK_EQ(f.info.firmware_end, RAM_BASE + 300 * KiB);
    CHECK(mem_equals(&f, RAM_BASE, fw, 300 * KiB));

    /* After firmware: the next 2 MiB boundary; image_size (bss) counted. */
    CHECK(riscv_load_kernel(&f.info, kp, &err));
    CHECK_EQ(f.info.kernel_entry, RAM_BASE + 2 * MiB);
    CHECK_EQ(f.info.kernel_end, RAM_BASE + 2 * MiB + 3 * MiB);
    CHECK(mem_equals(&f, RAM_BASE + 2 * MiB, img, 1 * MiB));
    boot_teardown(&f);
}

UNIT_TEST(boot_bios_none_kernel_at_ram_base)
{
    BootFixture f;
    Error *err = NULL;
    g_autofree uint8_t *raw = pattern(4096, 9);

    boot_setup(&f);
    g_autofree char *kp = write_file(&f, "raw.bin", raw, 4096);
    CHECK(riscv_load_firmware(&f.info, "none", &err));
    CHECK(!f.info.firmware_loaded);
    /* Not an Image (no magic): loaded raw all the same, like U-Boot. */
    CHECK(riscv_load_kernel(&f.info, kp, &err));
    CHECK_EQ(f.info.kernel_entry, RAM_BASE);
    CHECK(mem_equals(&f, RAM_BASE, raw, 4096));
    boot_teardown(&f);
}

UNIT_TEST(boot_image_too_big_is_an_error)
{
    BootFixture f;
    Error *err = NULL;
    g_autofree uint8_t *img = make_image(64 * KiB, 200 * MiB);

    boot_setup(&f);
    g_autofree char *kp = write_file(&f, "Image", img, 64 * KiB);
    CHECK(riscv_load_firmware(&f.info, "none", &err));
    CHECK(!riscv_load_kernel(&f.info, kp, &err));
    CHECK(strstr(error_get_pretty(err), "needs 0xc800000 bytes") != NULL);
    error_free(err);
    boot_teardown(&f);
}

UNIT_TEST(boot_missing_files_are_errors)
{
    BootFixture f;
    Error *err = NULL;

    boot_setup(&f);
    CHECK(!riscv_load_firmware(&f.info, "/nonexistent/fw.bin", &err));
    CHECK(strstr(error_get_pretty(err), "could not find firmware '/nonexistent/fw.bin'"));
    error_free(err);
    err = NULL;
    CHECK(!riscv_load_kernel(&f.info, "/nonexistent/Image", &err));
    CHECK(strstr(error_get_pretty(err), "could not open kernel"));
    error_free(err);
    err = NULL;
    CHECK(!riscv_load_initrd(&f.info, "/nonexistent/initrd", &err));
    error_free(err);
    boot_teardown(&f);
}

/* ELF64 little-endian RISC-V executable with one PT_LOAD segment. */
static uint8_t *make_elf(uint64_t vaddr, uint64_t paddr, uint64_t entry, size_t body,
                         size_t *len)
{
    size_t off = 64 + 56;
    uint8_t *b = g_malloc0(off + body);
    uint8_t *ph = b + 64;

#define PUT(p, o, v, n) do { for (int i_ = 0; i_ < (n); i_++) (p)[(o) + i_] = (uint64_t)(v) >> (8 * i_); } while (0)
    memcpy(b, "\x7f" "ELF", 4);
    b[4] = 2;                   /* ELFCLASS64 */
    b[5] = 1;                   /* little-endian */
    b[6] = 1;                   /* EV_CURRENT */
    PUT(b, 16, 2, 2);           /* ET_EXEC */
    PUT(b, 18, 243, 2);         /* EM_RISCV */
    PUT(b, 20, 1, 4);
    PUT(b, 24, entry, 8);
    PUT(b, 32, 64, 8);          /* e_phoff */
    PUT(b, 52, 64, 2);          /* e_ehsize */
    PUT(b, 54, 56, 2);          /* e_phentsize */
    PUT(b, 56, 1, 2);           /* e_phnum */
    PUT(ph, 0, 1, 4);           /* PT_LOAD */
    PUT(ph, 4, 5, 4);           /* R+X */
    PUT(ph, 8, off, 8);
    PUT(ph, 16, vaddr, 8);
    PUT(ph, 24, paddr, 8);
    PUT(ph, 32, body, 8);
    PUT(ph, 40, body, 8);
    PUT(ph, 48, 0x1000, 8);
#undef PUT
    for (size_t i = 0; i < body; i++) {
        b[off + i] = (uint8_t)(i ^ 0x5a);
    }
    *len = off + body;
    return b;
}

UNIT_TEST(boot_elf_firmware_and_kernel)
{
    BootFixture f;
    Error *err = NULL;
    size_t fwlen, klen;
    g_autofree uint8_t *fw = make_elf(RAM_BASE, RAM_BASE, RAM_BASE + 0x40, 8192, &fwlen);
    /* A kernel linked high whose physical addresses are in RAM. */
    g_autofree uint8_t *k = make_elf(0xffffffff80000000ULL, RAM_BASE + 0x400000,
                                     RAM_BASE + 0x400100, 4096, &klen);

    boot_setup(&f);
    g_autofree char *fwp = write_file(&f, "fw.elf", fw, fwlen);
    g_autofree char *kp = write_file(&f, "vmlinux", k, klen);
    CHECK(riscv_load_firmware(&f.info, fwp, &err));
    CHECK_EQ(f.info.firmware_entry, RAM_BASE + 0x40);
    CHECK_EQ(f.info.firmware_end, RAM_BASE + 8192);
    CHECK(mem_equals(&f, RAM_BASE, fw + 120, 8192));
    CHECK(riscv_load_kernel(&f.info, kp, &err));
    CHECK_EQ(f.info.kernel_entry, RAM_BASE + 0x400100);
    CHECK(mem_equals(&f, RAM_BASE + 0x400000, k + 120, 4096));
    boot_teardown(&f);
}

UNIT_TEST(boot_initrd_placement)
{
    BootFixture f;
    Error *err = NULL;
    g_autofree uint8_t *img = make_image(64 * KiB, 64 * KiB);
    g_autofree uint8_t *small = pattern(100 * KiB, 4);
    g_autofree uint8_t *big = pattern(40 * MiB, 5);

    boot_setup(&f);
    g_autofree char *kp = write_file(&f, "Image", img, 64 * KiB);
    g_autofree char *rd1 = write_file(&f, "small.cpio", small, 100 * KiB);
    g_autofree char *rd2 = write_file(&f, "big.cpio", big, 40 * MiB);
    CHECK(riscv_load_firmware(&f.info, "none", &err));
    CHECK(riscv_load_kernel(&f.info, kp, &err));
    /* QEMU's spot: kernel entry + half of a small RAM. */
    CHECK(riscv_load_initrd(&f.info, rd1, &err));
    CHECK_EQ(f.info.initrd_start, RAM_BASE + 32 * MiB);
    CHECK_EQ(f.info.initrd_end, RAM_BASE + 32 * MiB + 100 * KiB);
    CHECK(mem_equals(&f, f.info.initrd_start, small, 100 * KiB));

    /* Too big for that spot: as high as possible below the FDT area. */
    loader_reset_ranges();
    CHECK(riscv_load_initrd(&f.info, rd2, &err));
    CHECK(f.info.initrd_start < RAM_BASE + 32 * MiB);
    CHECK(f.info.initrd_end <= riscv_compute_fdt_addr(RAM_BASE, RAM_SIZE, 1 * MiB));
    CHECK_EQ(f.info.initrd_start % 4096, 0);
    CHECK(mem_equals(&f, f.info.initrd_start, big, 40 * MiB));
    boot_teardown(&f);
}

UNIT_TEST(boot_initrd_too_big_is_an_error)
{
    BootFixture f;
    Error *err = NULL;
    g_autofree uint8_t *img = make_image(64 * KiB, 64 * KiB);
    g_autofree uint8_t *huge = pattern(63 * MiB, 6);

    boot_setup(&f);
    g_autofree char *kp = write_file(&f, "Image", img, 64 * KiB);
    g_autofree char *rd = write_file(&f, "huge.cpio", huge, 63 * MiB);
    CHECK(riscv_load_firmware(&f.info, "none", &err));
    CHECK(riscv_load_kernel(&f.info, kp, &err));
    CHECK(!riscv_load_initrd(&f.info, rd, &err));
    CHECK(strstr(error_get_pretty(err), "does not fit") != NULL);
    error_free(err);
    boot_teardown(&f);
}

UNIT_TEST(boot_fdt_and_reload)
{
    BootFixture f;
    Error *err = NULL;
    void *fdt = g_malloc0(64 * KiB);

    boot_setup(&f);
    CHECK_EQ(fdt_create_empty_tree(fdt, 64 * KiB), 0);
    CHECK_EQ(fdt_setprop_string(fdt, 0, "model", "boot-test"), 0);
    CHECK(riscv_load_fdt(&f.info, fdt, &err));
    CHECK_EQ(f.info.fdt_addr, RAM_BASE + RAM_SIZE - 2 * MiB);
    CHECK(fdt_totalsize(fdt) < 64 * KiB);      /* packed */
    CHECK(mem_equals(&f, f.info.fdt_addr, fdt, fdt_totalsize(fdt)));
    /* A reset copies it back after the guest overwrote it. */
    address_space_stl_le(&f.as, f.info.fdt_addr, 0, MEMTXATTRS_UNSPECIFIED, NULL);
    CHECK(!mem_equals(&f, f.info.fdt_addr, fdt, fdt_totalsize(fdt)));
    riscv_boot_reload(&f.info);
    CHECK(mem_equals(&f, f.info.fdt_addr, fdt, fdt_totalsize(fdt)));
    g_free(fdt);
    boot_teardown(&f);
}

UNIT_TEST(boot_vmlinux_elf_follows_firmware)
{
    BootFixture f;
    Error *err = NULL;
    size_t klen;
    g_autofree uint8_t *fw = pattern(200 * KiB, 7);
    /* Like Linux's vmlinux: virtual link address, physical addresses from 0. */
    g_autofree uint8_t *k = make_elf(0xffffffff80000000ULL, 0, 0xffffffff80000100ULL,
                                     8192, &klen);

    boot_setup(&f);
    g_autofree char *fwp = write_file(&f, "fw.bin", fw, 200 * KiB);
    g_autofree char *kp = write_file(&f, "vmlinux", k, klen);
    CHECK(riscv_load_firmware(&f.info, fwp, &err));
    CHECK(riscv_load_kernel(&f.info, kp, &err));
    CHECK_EQ(f.info.kernel_start, RAM_BASE + 2 * MiB);
    CHECK_EQ(f.info.kernel_entry, RAM_BASE + 2 * MiB + 0x100);
    CHECK(mem_equals(&f, RAM_BASE + 2 * MiB, k + 120, 8192));
    CHECK(mem_equals(&f, RAM_BASE, fw, 200 * KiB));    /* firmware untouched */
    boot_teardown(&f);
}
