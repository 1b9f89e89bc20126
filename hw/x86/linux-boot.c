/*
 * Direct Linux boot without firmware:
 *  - bzImage by the Linux x86 boot protocol (Documentation/arch/x86/boot.rst):
 *    the setup header at 0x1f1 (protocol >= 2.06), the protected-mode kernel
 *    at 1 MiB, boot_params ("zero page") with the e820 map, the command line
 *    and the initrd below initrd_addr_max; entry at startup_64 (load + 0x200,
 *    64-bit mode, identity-mapped page tables built here) when xloadflags
 *    says XLF_KERNEL_64, else the 32-bit entry at code32_start.
 *  - an uncompressed vmlinux (ELF) by the PVH boot ABI: the
 *    XEN_ELFNOTE_PHYS32_ENTRY note, struct hvm_start_info (version 1, with
 *    the memory map) in EBX, 32-bit protected mode, paging off.
 */
#include "core/osdep.h"
#include "hw/x86/x86.h"

/* Low memory layout used by these loaders. */
#define BOOT_GDT_ADDR 0x500u
#define BOOT_PML4_ADDR 0x1000u       /* + PDPT 0x2000 + 4 PDs 0x3000-0x6fff */
#define BOOT_PARAMS_ADDR 0x7000u     /* boot_params, or hvm_start_info */
#define BOOT_CMDLINE_ADDR 0x20000u
#define BOOT_CMDLINE_MAX 0x10000u
#define KERNEL_LOAD_ADDR 0x100000u

/* setup_header offsets in the image and in boot_params (boot.rst). */
#define HDR_SETUP_SECTS 0x1f1
#define HDR_JUMP 0x200
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_CODE32_START 0x214
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_HEAP_END_PTR 0x224
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_CMDLINE_SIZE 0x238
#define HDR_XLOADFLAGS 0x236
#define HDR_INIT_SIZE 0x260
#define BP_E820_ENTRIES 0x1e8
#define BP_E820_TABLE 0x2d0
#define LOADED_HIGH 0x01
#define CAN_USE_HEAP 0x80
#define XLF_KERNEL_64 0x01

/* PVH (xen/include/public/arch-x86/hvm/start_info.h). */
#define HVM_START_MAGIC 0x336ec578u

static uint16_t rd16(const uint8_t *p)
{
    return p[0] | (uint16_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
    return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static void wr32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

bool x86_linux_probe(const uint8_t *buf, size_t len)
{
    return len > 0x270 && !memcmp(buf + HDR_MAGIC, "HdrS", 4);
}

static bool load_cmdline(X86MachineState *x86ms, uint32_t max, Error **errp)
{
    const char *user = MACHINE(x86ms)->kernel_cmdline;
    const char *extra = x86ms->linux_cmdline_extra;
    char *c = g_strdup_printf("%s%s%s", user ? user : "", user && extra ? " " : "",
                              extra ? extra : "");
    size_t n = strlen(c) + 1;

    if (n > max || n > BOOT_CMDLINE_MAX) {
        error_setg(errp, "kernel command line is too long (%zu bytes, the kernel takes "
                   "%u)", n - 1, MIN(max, BOOT_CMDLINE_MAX) - 1);
        g_free(c);
        return false;
    }
    x86_boot_blob_add(x86ms, BOOT_CMDLINE_ADDR, c, n);
    return true;
}

/* Read -initrd and place it as high as allowed below max_addr. */
static bool load_initrd(X86MachineState *x86ms, uint64_t low, uint64_t max_addr,
                        uint32_t *addr, uint32_t *size, Error **errp)
{
    const char *path = MACHINE(x86ms)->initrd_filename;
    gchar *data = NULL;
    gsize len = 0;
    GError *gerr = NULL;
    uint64_t top, at;

    *addr = *size = 0;
    if (!path) {
        return true;
    }
    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        error_setg(errp, "could not load initrd '%s': %s", path, gerr->message);
        g_error_free(gerr);
        return false;
    }
    top = MIN(max_addr + 1, x86ms->below_4g_mem_size);
    at = len <= top ? QEMU_ALIGN_DOWN(top - len, 4096) : 0;
    if (!len || len > top || at < low) {
        error_setg(errp, "initrd '%s' (%zu bytes) does not fit below 0x%" PRIx64
                   " above the kernel", path, (size_t)len, top);
        g_free(data);
        return false;
    }
    x86_boot_blob_add(x86ms, at, data, len);
    *addr = (uint32_t)at;
    *size = (uint32_t)len;
    return true;
}

/* 4 GiB identity map with 2 MiB pages: PML4 -> PDPT -> 4 page directories. */
static void build_identity_tables(X86MachineState *x86ms)
{
    uint64_t *t = g_new0(uint64_t, 6 * 512);
    uint64_t *pml4 = t, *pdpt = t + 512, *pd = t + 1024;

    pml4[0] = (BOOT_PML4_ADDR + 0x1000) | 0x3;                 /* present, RW */
    for (int i = 0; i < 4; i++) {
        pdpt[i] = (BOOT_PML4_ADDR + 0x2000 + i * 0x1000) | 0x3;
    }
    for (int i = 0; i < 4 * 512; i++) {
        pd[i] = ((uint64_t)i << 21) | 0x83;                    /* PS, RW, P */
    }
    x86_boot_blob_add(x86ms, BOOT_PML4_ADDR, t, 6 * 4096);
    x86ms->boot.cr3 = BOOT_PML4_ADDR;
}

bool x86_linux_load(X86MachineState *x86ms, const uint8_t *buf, size_t len,
                    Error **errp)
{
    uint16_t version = rd16(buf + HDR_VERSION);
    unsigned setup_sects = buf[HDR_SETUP_SECTS] ? buf[HDR_SETUP_SECTS] : 4;
    size_t setup_size = (setup_sects + 1) * 512;
    uint32_t init_size, initrd_max, cmdline_size, initrd_addr, initrd_size;
    uint8_t *bp, *kernel;
    size_t hdr_end;
    size_t ksize;

    if (version < 0x206) {
        error_setg(errp, "Linux boot protocol %u.%02u is too old (2.06 or later needed)",
                   version >> 8, version & 0xff);
        return false;
    }
    if (!(buf[HDR_LOADFLAGS] & LOADED_HIGH)) {
        error_setg(errp, "zImage kernels (loaded below 1 MiB) are not supported");
        return false;
    }
    if (setup_size >= len) {
        error_setg(errp, "bzImage is truncated (setup is %zu bytes, file %zu)",
                   setup_size, len);
        return false;
    }
    ksize = len - setup_size;
    init_size = version >= 0x20a ? rd32(buf + HDR_INIT_SIZE) : 0;
    init_size = MAX(init_size, (uint32_t)ksize);
    if (!e820_is_ram(&x86ms->e820, KERNEL_LOAD_ADDR, init_size)) {
        error_setg(errp, "the kernel needs %u bytes at 1 MiB; give it more memory (-m)",
                   init_size);
        return false;
    }
    x86ms->boot.mode = version >= 0x20c && (rd16(buf + HDR_XLOADFLAGS) & XLF_KERNEL_64)
                       ? X86_BOOT_LM64 : X86_BOOT_PM32;
    cmdline_size = rd32(buf + HDR_CMDLINE_SIZE) + 1;
    initrd_max = rd32(buf + HDR_INITRD_ADDR_MAX);
    if (!load_cmdline(x86ms, cmdline_size, errp) ||
        !load_initrd(x86ms, KERNEL_LOAD_ADDR + init_size, initrd_max, &initrd_addr,
                     &initrd_size, errp)) {
        return false;
    }
    kernel = g_malloc(ksize);
    memcpy(kernel, buf + setup_size, ksize);
    x86_boot_blob_add(x86ms, KERNEL_LOAD_ADDR, kernel, ksize);

    /* boot_params: the image's setup header copied in place, then ours. */
    bp = g_malloc0(4096);
    hdr_end = MIN((size_t)HDR_JUMP + 2 + buf[HDR_JUMP + 1], (size_t)4096);
    hdr_end = MIN(hdr_end, setup_size);
    memcpy(bp + HDR_SETUP_SECTS, buf + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
    bp[HDR_TYPE_OF_LOADER] = 0xff;                  /* "undefined" boot loader */
    bp[HDR_LOADFLAGS] |= CAN_USE_HEAP;
    bp[HDR_HEAP_END_PTR] = 0x00;
    bp[HDR_HEAP_END_PTR + 1] = 0xfe;
    wr32(bp + HDR_CMD_LINE_PTR, BOOT_CMDLINE_ADDR);
    wr32(bp + HDR_RAMDISK_IMAGE, initrd_addr);
    wr32(bp + HDR_RAMDISK_SIZE, initrd_size);
    wr32(bp + HDR_CODE32_START, KERNEL_LOAD_ADDR);
    bp[BP_E820_ENTRIES] = (uint8_t)x86ms->e820.nr;
    for (unsigned i = 0; i < x86ms->e820.nr && BP_E820_TABLE + (i + 1) * 20 <= 4096; i++) {
        memcpy(bp + BP_E820_TABLE + i * 20, &x86ms->e820.e[i].addr, 8);
        memcpy(bp + BP_E820_TABLE + i * 20 + 8, &x86ms->e820.e[i].size, 8);
        memcpy(bp + BP_E820_TABLE + i * 20 + 16, &x86ms->e820.e[i].type, 4);
    }
    x86_boot_blob_add(x86ms, BOOT_PARAMS_ADDR, bp, 4096);

    if (x86ms->boot.mode == X86_BOOT_LM64) {
        build_identity_tables(x86ms);
        x86ms->boot.entry = KERNEL_LOAD_ADDR + 0x200;   /* startup_64 */
    } else {
        x86ms->boot.entry = KERNEL_LOAD_ADDR;           /* startup_32 */
    }
    x86ms->boot.rsi = BOOT_PARAMS_ADDR;
    x86_boot_gdt(x86ms, BOOT_GDT_ADDR);
    return true;
}

bool x86_pvh_load(X86MachineState *x86ms, const uint8_t *buf, size_t len, Error **errp)
{
    X86ElfImage img;
    uint8_t *si;
    uint32_t initrd_addr, initrd_size;
    unsigned nmap = x86ms->e820.nr;

    if (!x86_elf_load(x86ms, buf, len, &img, errp)) {
        return false;
    }
    if (!img.has_pvh_entry) {
        error_setg(errp, "ELF kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
        return false;
    }
    if (!load_cmdline(x86ms, BOOT_CMDLINE_MAX, errp) ||
        !load_initrd(x86ms, img.high, 4 * GiB - 1, &initrd_addr, &initrd_size, errp)) {
        return false;
    }
    /* hvm_start_info (56 bytes), memmap at +0x100, module list at +0x800. */
    si = g_malloc0(4096);
    wr32(si + 0, HVM_START_MAGIC);
    wr32(si + 4, 1);                                 /* version 1: has memmap */
    wr32(si + 12, initrd_size ? 1 : 0);              /* nr_modules */
    wr32(si + 16, initrd_size ? BOOT_PARAMS_ADDR + 0x800 : 0);
    wr32(si + 24, BOOT_CMDLINE_ADDR);                /* cmdline_paddr */
    wr32(si + 40, BOOT_PARAMS_ADDR + 0x100);         /* memmap_paddr */
    wr32(si + 48, nmap);                             /* memmap_entries */
    for (unsigned i = 0; i < nmap && 0x100 + (i + 1) * 24 <= 0x800; i++) {
        memcpy(si + 0x100 + i * 24, &x86ms->e820.e[i].addr, 8);
        memcpy(si + 0x100 + i * 24 + 8, &x86ms->e820.e[i].size, 8);
        memcpy(si + 0x100 + i * 24 + 16, &x86ms->e820.e[i].type, 4);
    }
    if (initrd_size) {
        wr32(si + 0x800, initrd_addr);               /* hvm_modlist_entry */
        wr32(si + 0x808, initrd_size);
    }
    x86_boot_blob_add(x86ms, BOOT_PARAMS_ADDR, si, 4096);
    x86ms->boot.mode = X86_BOOT_PM32;
    x86ms->boot.entry = img.pvh_entry;
    x86ms->boot.rbx = BOOT_PARAMS_ADDR;
    x86_boot_gdt(x86ms, BOOT_GDT_ADDR);
    return true;
}
