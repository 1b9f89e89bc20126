/*
 * Multiboot 1 (Multiboot Specification version 0.6.96): the header in the
 * first 8 KiB of the image (§3.1), loading by ELF program headers or by the
 * header's address fields (§3.1.3 flag 16), the boot information structure
 * with memory sizes, command line, modules and the e820-style memory map
 * (§3.3), and the machine state at entry (§3.2): EAX = 0x2BADB002,
 * EBX = info, 32-bit protected mode with flat segments, paging off.
 *
 * -initrd "file1 args,file2" gives modules (QEMU's convention).
 */
#include "core/osdep.h"
#include "hw/x86/x86.h"

#define MB_HEADER_MAGIC 0x1BADB002u
#define MB_BOOT_MAGIC 0x2BADB002u
#define MB_SEARCH 8192
#define MB_FLAG_PAGE_ALIGN (1u << 0)
#define MB_FLAG_MEMORY_INFO (1u << 1)
#define MB_FLAG_VIDEO_MODE (1u << 2)
#define MB_FLAG_AOUT_KLUDGE (1u << 16)

/* boot information flags (§3.3) */
#define MBI_MEMORY (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)

/* Where the boot information goes: below the EBDA, above the boot GDT. */
#define MBI_ADDR 0x9000u
#define MBI_GDT_ADDR 0x500u
#define MBI_AREA_SIZE 0x6000u      /* 0x9000 - 0xf000: info, mmap, strings */

typedef struct MultibootHeader {
    uint32_t magic, flags, checksum;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
} MultibootHeader;

/* Offset of a valid header in the first 8 KiB, or -1. */
static long mb_find_header(const uint8_t *buf, size_t len, MultibootHeader *h)
{
    size_t lim = MIN(len, (size_t)MB_SEARCH);

    for (size_t off = 0; off + 12 <= lim; off += 4) {
        uint32_t w[3];

        memcpy(w, buf + off, 12);
        if (w[0] == MB_HEADER_MAGIC && (uint32_t)(w[0] + w[1] + w[2]) == 0) {
            memset(h, 0, sizeof(*h));
            memcpy(h, buf + off, MIN(sizeof(*h), len - off));
            return (long)off;
        }
    }
    return -1;
}

bool x86_multiboot_probe(const uint8_t *buf, size_t len)
{
    MultibootHeader h;

    return mb_find_header(buf, len, &h) >= 0;
}

/* Append to the info area; returns the guest address of the copy. */
typedef struct MbiBuilder {
    uint8_t *area;
    uint32_t used;
} MbiBuilder;

static uint32_t mbi_put(MbiBuilder *b, const void *data, uint32_t len, Error **errp)
{
    uint32_t at = QEMU_ALIGN_UP(b->used, 8);

    if (len > MBI_AREA_SIZE || at > MBI_AREA_SIZE - len) {
        error_setg(errp, "Multiboot command line and module strings are too long");
        return 0;
    }
    memcpy(b->area + at, data, len);
    b->used = at + len;
    return MBI_ADDR + at;
}

/* Load the kernel by the a.out kludge address fields (§3.1.3). */
static bool mb_load_kludge(X86MachineState *x86ms, const uint8_t *buf, size_t len,
                           long hoff, const MultibootHeader *h, uint64_t *end,
                           Error **errp)
{
    uint64_t file_off, load_len, mem_len;
    uint8_t *data;

    if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > (uint64_t)hoff) {
        error_setg(errp, "Multiboot header_addr/load_addr are inconsistent");
        return false;
    }
    file_off = hoff - (h->header_addr - h->load_addr);
    load_len = h->load_end_addr ? (uint64_t)h->load_end_addr - h->load_addr
                                : len - file_off;
    if (h->load_end_addr && h->load_end_addr < h->load_addr) {
        error_setg(errp, "Multiboot load_end_addr is below load_addr");
        return false;
    }
    if (load_len > len - file_off) {
        error_setg(errp, "Multiboot load range is larger than the file");
        return false;
    }
    mem_len = load_len;
    if (h->bss_end_addr) {
        if (h->bss_end_addr < h->load_addr + load_len) {
            error_setg(errp, "Multiboot bss_end_addr is below the loaded image");
            return false;
        }
        mem_len = (uint64_t)h->bss_end_addr - h->load_addr;
    }
    if (!mem_len || !e820_is_ram(&x86ms->e820, h->load_addr, mem_len) ||
        x86_boot_blob_overlaps(x86ms, h->load_addr, mem_len)) {
        error_setg(errp, "Multiboot image at 0x%x (%" PRIu64 " bytes) does not fit in "
                   "guest RAM", h->load_addr, mem_len);
        return false;
    }
    data = g_malloc0(mem_len);
    memcpy(data, buf + file_off, load_len);
    x86_boot_blob_add(x86ms, h->load_addr, data, mem_len);
    *end = h->load_addr + mem_len;
    x86ms->boot.entry = h->entry_addr;
    return true;
}

/* Modules after the kernel, page-aligned (§3.3 mods_addr). */
static bool mb_load_modules(X86MachineState *x86ms, MbiBuilder *b, uint64_t end,
                            uint32_t *mods_addr, uint32_t *count, Error **errp)
{
    MachineState *ms = MACHINE(x86ms);
    gchar **mods;
    uint32_t table[4 * 16];
    uint32_t n = 0;
    bool ok = true;

    *count = 0;
    if (!ms->initrd_filename) {
        return true;
    }
    mods = g_strsplit(ms->initrd_filename, ",", -1);
    for (int i = 0; mods[i] && ok; i++) {
        gchar **parts = g_strsplit(mods[i], " ", 2);
        gchar *data = NULL;
        gsize size = 0;
        GError *gerr = NULL;
        uint64_t at = QEMU_ALIGN_UP(end, 4096);

        if (n == 16) {
            error_setg(errp, "at most 16 Multiboot modules are supported");
            ok = false;
        } else if (!g_file_get_contents(parts[0], &data, &size, &gerr)) {
            error_setg(errp, "could not load module '%s': %s", parts[0], gerr->message);
            g_error_free(gerr);
            ok = false;
        } else if (!size || !e820_is_ram(&x86ms->e820, at, size) || at + size > 4 * GiB) {
            error_setg(errp, "module '%s' does not fit in guest RAM", parts[0]);
            g_free(data);
            ok = false;
        } else {
            table[4 * n] = (uint32_t)at;
            table[4 * n + 1] = (uint32_t)(at + size);
            table[4 * n + 2] = mbi_put(b, mods[i], strlen(mods[i]) + 1, errp);
            table[4 * n + 3] = 0;
            ok = table[4 * n + 2] != 0;
            x86_boot_blob_add(x86ms, at, data, size);
            end = at + size;
            n++;
        }
        g_strfreev(parts);
    }
    g_strfreev(mods);
    if (ok && n) {
        *mods_addr = mbi_put(b, table, n * 16, errp);
        ok = *mods_addr != 0;
        *count = n;
    }
    return ok;
}

bool x86_multiboot_load(X86MachineState *x86ms, const uint8_t *buf, size_t len,
                        Error **errp)
{
    MachineState *ms = MACHINE(x86ms);
    MultibootHeader h;
    long hoff = mb_find_header(buf, len, &h);
    MbiBuilder b = { .area = g_malloc0(MBI_AREA_SIZE), .used = 22 * 4 };
    uint32_t info[22] = { 0 };       /* §3.3 fields up to boot_loader_name */
    uint32_t mods_addr = 0, mods_count = 0, mmap_addr;
    uint8_t *mmap;
    uint64_t end = 0;
    gchar *cmdline;

    if (hoff < 0) {
        error_setg(errp, "no Multiboot header");
        goto fail;
    }
    /* Bits 0-15 are requirements: refuse the ones we cannot honour (§3.1.2). */
    if (h.flags & 0xfff8u) {
        error_setg(errp, "unsupported Multiboot header flags 0x%x", h.flags);
        goto fail;
    }
    x86ms->boot.mode = X86_BOOT_PM32;
    if (h.flags & MB_FLAG_AOUT_KLUDGE) {
        if (!mb_load_kludge(x86ms, buf, len, hoff, &h, &end, errp)) {
            goto fail;
        }
    } else {
        X86ElfImage img;

        if (!x86_elf_is_elf(buf, len)) {
            error_setg(errp, "Multiboot image is not ELF and has no address fields");
            goto fail;
        }
        if (!x86_elf_load(x86ms, buf, len, &img, errp)) {
            goto fail;
        }
        if (img.entry >= 4 * GiB) {
            error_setg(errp, "Multiboot ELF entry 0x%" PRIx64 " is above 4 GiB", img.entry);
            goto fail;
        }
        x86ms->boot.entry = img.entry;
        end = img.high;
    }
    if (!mb_load_modules(x86ms, &b, end, &mods_addr, &mods_count, errp)) {
        goto fail;
    }
    /* QEMU passes the kernel's file name first, then -append; microvm adds
     * its virtio-mmio transports (virtio_mmio.device=SIZE@ADDR:GSI) as it
     * does for Linux, the one place a Multiboot kernel can learn them. */
    cmdline = g_strdup_printf("%s%s%s%s%s", ms->kernel_filename,
                              ms->kernel_cmdline ? " " : "",
                              ms->kernel_cmdline ? ms->kernel_cmdline : "",
                              x86ms->linux_cmdline_extra ? " " : "",
                              x86ms->linux_cmdline_extra ? x86ms->linux_cmdline_extra : "");
    info[4] = mbi_put(&b, cmdline, strlen(cmdline) + 1, errp);
    g_free(cmdline);
    if (!info[4]) {
        goto fail;
    }
    /* mmap entries: size (of the rest, 20), base, length, type (§3.3). */
    mmap = g_malloc0(x86ms->e820.nr * 24);
    for (unsigned i = 0; i < x86ms->e820.nr; i++) {
        uint32_t size = 20;

        memcpy(mmap + i * 24, &size, 4);
        memcpy(mmap + i * 24 + 4, &x86ms->e820.e[i].addr, 8);
        memcpy(mmap + i * 24 + 12, &x86ms->e820.e[i].size, 8);
        memcpy(mmap + i * 24 + 20, &x86ms->e820.e[i].type, 4);
    }
    mmap_addr = mbi_put(&b, mmap, x86ms->e820.nr * 24, errp);
    g_free(mmap);
    info[0] = MBI_MEMORY | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME |
              (mods_count ? MBI_MODS : 0);
    info[1] = 0x9f000 / KiB;                                /* mem_lower */
    info[2] = (x86ms->below_4g_mem_size - 1 * MiB) / KiB;  /* mem_upper */
    info[5] = mods_count;
    info[6] = mods_addr;
    info[11] = x86ms->e820.nr * 24;                         /* mmap_length */
    info[12] = mmap_addr;
    info[16] = mbi_put(&b, "machina", 8, errp);             /* boot_loader_name */
    if (!mmap_addr || !info[16]) {
        goto fail;
    }
    memcpy(b.area, info, sizeof(info));
    if (x86_boot_blob_overlaps(x86ms, MBI_ADDR, MBI_AREA_SIZE)) {
        error_setg(errp, "the kernel overlaps the Multiboot information at 0x%x",
                   MBI_ADDR);
        goto fail;
    }
    x86_boot_blob_add(x86ms, MBI_ADDR, b.area, MBI_AREA_SIZE);
    x86ms->boot.rax = MB_BOOT_MAGIC;
    x86ms->boot.rbx = MBI_ADDR;
    x86_boot_gdt(x86ms, MBI_GDT_ADDR);
    return true;

fail:
    g_free(b.area);
    return false;
}
