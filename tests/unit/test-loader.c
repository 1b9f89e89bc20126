/* Image loaders: ELF32/ELF64 and raw images into RAM, with every check. */
#include "core/osdep.h"
#include <elf.h>
#include "hw/core/loader.h"
#include "hw/core/qdev.h"
#include "tests/unit/unit.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (64 * KiB)
#define MMIO_BASE 0x10000000ULL

static AddressSpace *test_as;

static uint64_t mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
}

static const MemoryRegionOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

/* A private address space: 64 KiB of RAM and one MMIO page; RAM is 0xAA. */
static AddressSpace *setup(void)
{
    static uint8_t fill[RAM_SIZE];

    loader_reset_ranges();
    if (!test_as) {
        MemoryRegion *root = g_new0(MemoryRegion, 1);
        MemoryRegion *ram = g_new0(MemoryRegion, 1);
        MemoryRegion *io = g_new0(MemoryRegion, 1);

        memory_region_init(root, NULL, "loader-root", UINT64_MAX);
        CHECK(memory_region_init_ram(ram, NULL, "loader-ram", RAM_SIZE, NULL));
        memory_region_init_io(io, NULL, &mmio_ops, NULL, "loader-mmio", 0x1000);
        memory_region_add_subregion(root, RAM_BASE, ram);
        memory_region_add_subregion(root, MMIO_BASE, io);
        test_as = g_new0(AddressSpace, 1);
        address_space_init(test_as, root, "loader-test");
    }
    memset(fill, 0xaa, sizeof(fill));
    CHECK_EQ(address_space_write(test_as, RAM_BASE, MEMTXATTRS_UNSPECIFIED, fill,
                                 sizeof(fill)), MEMTX_OK);
    return test_as;
}

static char *write_temp(const void *data, size_t len)
{
    /* tmpfs when there is one: the mutation test rewrites the file often. */
    const char *dir = g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : "/tmp";
    char *path = g_strdup_printf("%s/machina-test-loader-XXXXXX", dir);
    int fd = g_mkstemp(path);

    CHECK(fd >= 0);
    CHECK_EQ(write(fd, data, len), len);
    close(fd);
    return path;
}

typedef struct TestSeg {
    uint64_t paddr, vaddr;
    const void *data;
    uint64_t filesz, memsz;
} TestSeg;

/* An ELF64 LE executable written by hand: header, phdrs, then segment data. */
static char *make_elf64(uint16_t machine, uint64_t entry, const TestSeg *segs, int n)
{
    GByteArray *b = g_byte_array_new();
    Elf64_Ehdr eh = { 0 };
    uint64_t off = sizeof(eh) + n * sizeof(Elf64_Phdr);
    char *path;

    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = machine;
    eh.e_version = EV_CURRENT;
    eh.e_entry = entry;
    eh.e_phoff = sizeof(eh);
    eh.e_ehsize = sizeof(eh);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = n;
    g_byte_array_append(b, (const guint8 *)&eh, sizeof(eh));
    for (int i = 0; i < n; i++) {
        Elf64_Phdr ph = {
            .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = off,
            .p_vaddr = segs[i].vaddr, .p_paddr = segs[i].paddr,
            .p_filesz = segs[i].filesz, .p_memsz = segs[i].memsz, .p_align = 8,
        };

        g_byte_array_append(b, (const guint8 *)&ph, sizeof(ph));
        off += segs[i].filesz;
    }
    for (int i = 0; i < n; i++) {
        g_byte_array_append(b, segs[i].data, segs[i].filesz);
    }
    path = write_temp(b->data, b->len);
    g_byte_array_free(b, true);
    return path;
}

static const uint8_t text[16] = { 0x13, 0, 0, 0, 0x6f, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t data[8] = { 0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe };

static void check_bytes(AddressSpace *as, hwaddr addr, const void *want, size_t len)
{
    uint8_t got[256];

    CHECK(len <= sizeof(got));
    CHECK_EQ(address_space_read(as, addr, MEMTXATTRS_UNSPECIFIED, got, len), MEMTX_OK);
    CHECK(memcmp(got, want, len) == 0);
}

UNIT_TEST(loader_elf64_at_paddr_with_bss)
{
    AddressSpace *as = setup();
    uint8_t zeros[56] = { 0 }, aa[8];
    TestSeg segs[] = {
        /* vaddr differs from paddr: system emulation loads at p_paddr. */
        { RAM_BASE + 0x100, 0xffffffff80000100ULL, text, sizeof(text), sizeof(text) },
        { RAM_BASE + 0x2000, 0xffffffff80002000ULL, data, sizeof(data), 64 },
    };
    char *path = make_elf64(EM_RISCV, 0xffffffff80000100ULL, segs, 2);
    ElfLoadInfo info;
    Error *err = NULL;

    CHECK_EQ(load_elf_as(path, NULL, NULL, EM_RISCV, &info, as, &err), 16 + 64);
    CHECK(err == NULL);
    CHECK_EQ(info.entry, 0xffffffff80000100ULL);
    CHECK_EQ(info.lowaddr, RAM_BASE + 0x100);
    CHECK_EQ(info.highaddr, RAM_BASE + 0x2000 + 64);
    CHECK_EQ(info.machine, EM_RISCV);
    CHECK_EQ(info.elfclass, ELFCLASS64);
    check_bytes(as, RAM_BASE + 0x100, text, sizeof(text));
    check_bytes(as, RAM_BASE + 0x2000, data, sizeof(data));
    check_bytes(as, RAM_BASE + 0x2008, zeros, sizeof(zeros));     /* bss zeroed */
    memset(aa, 0xaa, sizeof(aa));
    check_bytes(as, RAM_BASE + 0x2040, aa, sizeof(aa));           /* untouched */
    check_bytes(as, RAM_BASE + 0xf8, aa, sizeof(aa));

    /* A system reset puts the image back after the guest scribbled on it. */
    CHECK_EQ(address_space_write(as, RAM_BASE + 0x100, MEMTXATTRS_UNSPECIFIED, aa, 8),
             MEMTX_OK);
    qemu_devices_reset();
    check_bytes(as, RAM_BASE + 0x100, text, sizeof(text));

    /* Loading the same file again overlaps the first copy. */
    CHECK(load_elf_as(path, NULL, NULL, EM_RISCV, NULL, as, &err) < 0);
    CHECK(strstr(error_get_pretty(err), "overlaps image") != NULL);
    error_free(err);
    unlink(path);
    g_free(path);
    loader_reset_ranges();
}

static uint64_t minus_offset(void *opaque, uint64_t addr)
{
    return addr - *(uint64_t *)opaque;
}

UNIT_TEST(loader_elf_translate_and_elf32)
{
    AddressSpace *as = setup();
    uint64_t delta = 0x7fff0000ULL;
    TestSeg seg = { RAM_BASE + 0x300 + 0x7fff0000ULL, 0, text, 16, 16 };
    char *path;
    ElfLoadInfo info;
    GByteArray *b;
    Elf32_Ehdr eh = { 0 };
    Elf32_Phdr ph = { 0 };

    /* translate_fn maps both the segments and the entry point. */
    path = make_elf64(EM_RISCV, seg.paddr, &seg, 1);
    CHECK_EQ(load_elf_as(path, minus_offset, &delta, 0, &info, as, NULL), 16);
    CHECK_EQ(info.entry, RAM_BASE + 0x300);
    check_bytes(as, RAM_BASE + 0x300, text, 16);
    unlink(path);
    g_free(path);

    /* ELF32 little-endian. */
    b = g_byte_array_new();
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_RISCV;
    eh.e_entry = 0x80004000;
    eh.e_phoff = sizeof(eh);
    eh.e_phentsize = sizeof(ph);
    eh.e_phnum = 1;
    ph.p_type = PT_LOAD;
    ph.p_offset = sizeof(eh) + sizeof(ph);
    ph.p_paddr = 0x80004000;
    ph.p_filesz = sizeof(data);
    ph.p_memsz = sizeof(data);
    g_byte_array_append(b, (guint8 *)&eh, sizeof(eh));
    g_byte_array_append(b, (guint8 *)&ph, sizeof(ph));
    g_byte_array_append(b, data, sizeof(data));
    path = write_temp(b->data, b->len);
    g_byte_array_free(b, true);
    CHECK_EQ(load_elf_as(path, NULL, NULL, EM_RISCV, &info, as, NULL), sizeof(data));
    CHECK_EQ(info.elfclass, ELFCLASS32);
    CHECK_EQ(info.entry, 0x80004000);
    check_bytes(as, 0x80004000, data, sizeof(data));
    unlink(path);
    g_free(path);
    loader_reset_ranges();
}

UNIT_TEST(loader_elf_rejects_bad_files)
{
    AddressSpace *as = setup();
    TestSeg seg = { RAM_BASE, RAM_BASE, text, 16, 16 };
    TestSeg outside = { MMIO_BASE, MMIO_BASE, text, 16, 16 };
    TestSeg too_big = { RAM_BASE + RAM_SIZE - 8, 0, text, 16, 16 };
    char *path = make_elf64(EM_X86_64, RAM_BASE, &seg, 1);
    uint8_t aa[16];
    Error *err = NULL;
    char *msg;
    gchar *content;
    gsize len;

    CHECK(load_elf_as(path, NULL, NULL, EM_RISCV, NULL, as, &err) < 0);
    msg = g_strdup_printf("'%s' is an ELF file for machine %d, expected %d", path,
                          EM_X86_64, EM_RISCV);
    CHECK_STREQ(error_get_pretty(err), msg);
    g_free(msg);
    error_free(err);
    err = NULL;
    memset(aa, 0xaa, sizeof(aa));
    check_bytes(as, RAM_BASE, aa, 16);       /* nothing written */

    /* Truncated: the program header table lies past the end. */
    CHECK(g_file_get_contents(path, &content, &len, NULL));
    CHECK(g_file_set_contents(path, content, sizeof(Elf64_Ehdr) + 10, NULL));
    g_free(content);
    CHECK(load_elf_as(path, NULL, NULL, 0, NULL, as, &err) < 0);
    CHECK(strstr(error_get_pretty(err), "program headers missing or outside") != NULL);
    error_free(err);
    err = NULL;
    unlink(path);
    g_free(path);

    /* Not ELF at all. */
    path = write_temp("hello world, not elf", 20);
    CHECK(load_elf_as(path, NULL, NULL, 0, NULL, as, &err) < 0);
    CHECK(strstr(error_get_pretty(err), "is not an ELF file") != NULL);
    error_free(err);
    err = NULL;
    unlink(path);
    g_free(path);

    /* A segment on a device, and one running off the end of RAM. */
    path = make_elf64(EM_RISCV, MMIO_BASE, &outside, 1);
    CHECK(load_elf_as(path, NULL, NULL, EM_RISCV, NULL, as, &err) < 0);
    CHECK(strstr(error_get_pretty(err), "does not fit in RAM/ROM") != NULL);
    error_free(err);
    err = NULL;
    unlink(path);
    g_free(path);
    path = make_elf64(EM_RISCV, RAM_BASE, &too_big, 1);
    CHECK(load_elf_as(path, NULL, NULL, EM_RISCV, NULL, as, &err) < 0);
    CHECK(strstr(error_get_pretty(err), "does not fit in RAM/ROM") != NULL);
    error_free(err);
    err = NULL;
    unlink(path);
    g_free(path);

    CHECK(load_elf_as("/nonexistent/kernel", NULL, NULL, 0, NULL, as, &err) < 0);
    CHECK_STREQ(error_get_pretty(err),
                "could not open '/nonexistent/kernel': No such file or directory");
    error_free(err);
}

UNIT_TEST(loader_raw_images_size_and_overlap)
{
    AddressSpace *as = setup();
    uint8_t img[100];
    char *path, *msg;
    Error *err = NULL;

    for (size_t i = 0; i < sizeof(img); i++) {
        img[i] = i;
    }
    path = write_temp(img, sizeof(img));
    CHECK_EQ(get_image_size(path, NULL), 100);
    CHECK_EQ(get_image_size("/nonexistent", NULL), -1);
    CHECK_EQ(get_image_size("/tmp", &err), -1);
    CHECK_STREQ(error_get_pretty(err), "'/tmp' is not a regular file");
    error_free(err);
    err = NULL;

    /* Larger than the space the board allows. */
    CHECK_EQ(load_image_targphys_as(path, RAM_BASE, 64, as, &err), -1);
    msg = g_strdup_printf("image '%s' is 100 bytes, larger than the 0x40 bytes "
                          "available at 0x80000000", path);
    CHECK_STREQ(error_get_pretty(err), msg);
    g_free(msg);
    error_free(err);
    err = NULL;

    CHECK_EQ(load_image_targphys_as(path, RAM_BASE + 0x1000, 4096, as, &err), 100);
    check_bytes(as, RAM_BASE + 0x1000, img, sizeof(img));

    /* A blob landing inside the image is refused, naming both. */
    CHECK(!rom_add_blob_fixed_as("fdt", data, sizeof(data), RAM_BASE + 0x1060, as, &err));
    msg = g_strdup_printf("image 'fdt' (0x80001060-0x80001067) overlaps image '%s' "
                          "(0x80001000-0x80001063)", path);
    CHECK_STREQ(error_get_pretty(err), msg);
    g_free(msg);
    error_free(err);
    err = NULL;
    /* Right after it is fine. */
    CHECK(rom_add_blob_fixed_as("fdt", data, sizeof(data), RAM_BASE + 0x1064, as, &err));
    check_bytes(as, RAM_BASE + 0x1064, data, sizeof(data));

    /* A raw image in a hole of the address space. */
    CHECK_EQ(load_image_targphys_as(path, 0x40000000, 4096, as, &err), -1);
    CHECK(strstr(error_get_pretty(err), "does not fit in RAM/ROM") != NULL);
    error_free(err);
    err = NULL;

    /* After forgetting the ranges the same place may be loaded again. */
    loader_reset_ranges();
    CHECK_EQ(load_image_targphys_as(path, RAM_BASE + 0x1000, 4096, as, NULL), 100);
    unlink(path);
    g_free(path);
    loader_reset_ranges();
}

/* Rewrite in place without g_file_set_contents's fsync (3000 times). */
static void rewrite(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");

    CHECK(f != NULL);
    CHECK_EQ(fwrite(buf, 1, len, f), len);
    fclose(f);
}

/*
 * Mutated ELF headers (a deterministic fuzz pass): every outcome must be a
 * successful load inside RAM or an Error, never a crash or a write outside
 * the image's checked range (ASan/UBSan builds watch for both).
 */
UNIT_TEST(loader_elf_mutations_never_crash)
{
    AddressSpace *as = setup();
    TestSeg segs[] = {
        { RAM_BASE + 0x100, RAM_BASE + 0x100, text, sizeof(text), sizeof(text) },
        { RAM_BASE + 0x2000, RAM_BASE + 0x2000, data, sizeof(data), 64 },
    };
    char *path = make_elf64(EM_RISCV, RAM_BASE + 0x100, segs, 2);
    gchar *orig;
    gsize len;
    uint32_t seed = 12345;
    int loaded = 0, refused = 0;

    CHECK(g_file_get_contents(path, &orig, &len, NULL));
    for (int iter = 0; iter < 3000; iter++) {
        guint8 *buf = g_memdup2(orig, len);
        gsize cut = len;
        int flips = 1 + iter % 4;
        Error *err = NULL;
        int64_t r;

        /* Flip bytes in the headers (where the loader's decisions are made). */
        for (int i = 0; i < flips; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[(seed >> 8) % (sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr))] ^=
                (guint8)(1u << ((seed >> 4) & 7)) | (iter & 0x80 ? 0xf0 : 0);
        }
        if (iter % 7 == 0) {
            seed = seed * 1103515245u + 12345u;
            cut = (seed >> 8) % len;               /* truncated file too */
        }
        rewrite(path, buf, cut);
        r = load_elf_as(path, NULL, NULL, 0, NULL, as, &err);
        if (r < 0) {
            CHECK(err != NULL);
            error_free(err);
            refused++;
        } else {
            CHECK(err == NULL);
            loaded++;
        }
        loader_reset_ranges();
        g_free(buf);
    }
    /* Both outcomes happened: the mutations reached real decisions. */
    CHECK(loaded > 0);
    CHECK(refused > 0);
    g_free(orig);
    unlink(path);
    g_free(path);
}
