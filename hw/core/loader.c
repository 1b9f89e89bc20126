/*
 * Loading firmware, kernels, initrds and device trees into guest memory.
 *
 * Every image is checked before a byte is written: it must fit its bound,
 * lie entirely in RAM or ROM of the target address space, and not overlap
 * an image loaded before.  Loaded images are remembered with their bytes
 * and written again at every system reset (the guest may have overwritten
 * them), which is what makes system_reset boot the same firmware again.
 *
 * ELF: System V gABI, "Program Header" (PT_LOAD, p_offset/p_paddr/p_filesz/
 * p_memsz); only little-endian ELF32/ELF64, the byte order of our guests.
 */
#include "core/osdep.h"
#include <elf.h>
#include <sys/stat.h>
#include "hw/core/loader.h"
#include "hw/core/qdev.h"

typedef struct LoadedImage {
    char *name;
    AddressSpace *as;
    hwaddr start;
    uint64_t size;             /* bytes of guest memory covered */
    GBytes *data;              /* first part of the range; the rest is zeros */
} LoadedImage;

static GPtrArray *loaded_images;     /* LoadedImage* */
static bool reset_registered;

static void loaded_image_free(gpointer p)
{
    LoadedImage *li = p;

    g_free(li->name);
    g_bytes_unref(li->data);
    g_free(li);
}

void loader_reset_ranges(void)
{
    if (loaded_images) {
        g_ptr_array_set_size(loaded_images, 0);
    }
}

int64_t get_image_size(const char *filename, Error **errp)
{
    struct stat st;

    if (stat(filename, &st) < 0) {
        error_setg_errno(errp, errno, "could not open '%s'", filename);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        error_setg(errp, "'%s' is not a regular file", filename);
        return -1;
    }
    return st.st_size;
}

static gchar *read_whole_file(const char *filename, gsize *len, Error **errp)
{
    gchar *buf = NULL;
    GError *gerr = NULL;

    if (get_image_size(filename, errp) < 0) {
        return NULL;
    }
    if (!g_file_get_contents(filename, &buf, len, &gerr)) {
        error_setg(errp, "could not read '%s': %s", filename, gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    return buf;
}

/* [addr, addr+size) must be RAM/ROM all the way: a device or a hole is an error. */
static bool range_is_memory(AddressSpace *as, hwaddr addr, uint64_t size)
{
    while (size) {
        hwaddr xlat, len = size;
        MemoryRegion *mr = address_space_translate(as, addr, &xlat, &len, true,
                                                   MEMTXATTRS_UNSPECIFIED);

        if (!mr || !memory_region_is_ram(mr) || len == 0) {
            return false;
        }
        len = MIN(len, size);
        addr += len;
        size -= len;
    }
    return true;
}

static bool ranges_overlap(hwaddr a, uint64_t alen, hwaddr b, uint64_t blen)
{
    return alen && blen && a <= b + (blen - 1) && b <= a + (alen - 1);
}

/*
 * Checks an image about to be placed at [addr, addr+size): no wrap-around,
 * backed by memory, clear of every image loaded before.
 */
static bool loader_check_range(const char *name, AddressSpace *as, hwaddr addr,
                               uint64_t size, Error **errp)
{
    if (size == 0) {
        return true;
    }
    if (addr + (size - 1) < addr) {
        error_setg(errp, "image '%s' at 0x%" HWADDR_PRIx " (size 0x%" PRIx64 ") "
                   "wraps around the end of the address space", name, addr, size);
        return false;
    }
    if (!range_is_memory(as, addr, size)) {
        error_setg(errp, "image '%s' does not fit in RAM/ROM: 0x%" HWADDR_PRIx
                   "-0x%" HWADDR_PRIx " is not all guest memory", name, addr,
                   addr + (size - 1));
        return false;
    }
    for (guint i = 0; loaded_images && i < loaded_images->len; i++) {
        LoadedImage *li = g_ptr_array_index(loaded_images, i);

        if (li->as == as && ranges_overlap(li->start, li->size, addr, size)) {
            error_setg(errp, "image '%s' (0x%" HWADDR_PRIx "-0x%" HWADDR_PRIx ") "
                       "overlaps image '%s' (0x%" HWADDR_PRIx "-0x%" HWADDR_PRIx ")",
                       name, addr, addr + (size - 1), li->name, li->start,
                       li->start + (li->size - 1));
            return false;
        }
    }
    return true;
}

static bool loader_write(LoadedImage *li, Error **errp)
{
    static const uint8_t zeros[4096];
    gsize dlen = 0;
    const void *d = li->data ? g_bytes_get_data(li->data, &dlen) : NULL;
    MemTxResult r = MEMTX_OK;

    if (dlen) {
        r |= address_space_write_rom(li->as, li->start, MEMTXATTRS_UNSPECIFIED, d, dlen);
    }
    /* The bss part: p_memsz beyond p_filesz reads as zero (gABI). */
    for (uint64_t off = dlen; off < li->size && r == MEMTX_OK; off += sizeof(zeros)) {
        r |= address_space_write_rom(li->as, li->start + off, MEMTXATTRS_UNSPECIFIED,
                                     zeros, MIN(sizeof(zeros), li->size - off));
    }
    if (r != MEMTX_OK) {
        error_setg(errp, "writing image '%s' at 0x%" HWADDR_PRIx " failed", li->name,
                   li->start);
        return false;
    }
    return true;
}

/* Reset: put every image back, as it was at load time. */
static void loader_reset(void *opaque)
{
    for (guint i = 0; loaded_images && i < loaded_images->len; i++) {
        loader_write(g_ptr_array_index(loaded_images, i), NULL);
    }
}

/* Takes ownership of data. */
static bool loader_add(const char *name, AddressSpace *as, hwaddr addr, GBytes *data,
                       uint64_t size, Error **errp)
{
    LoadedImage *li = g_new0(LoadedImage, 1);

    li->name = g_strdup(name);
    li->as = as;
    li->start = addr;
    li->size = size;
    li->data = data;
    if (!loader_write(li, errp)) {
        loaded_image_free(li);
        return false;
    }
    if (!loaded_images) {
        loaded_images = g_ptr_array_new_with_free_func(loaded_image_free);
    }
    if (!reset_registered) {
        qemu_register_reset(loader_reset, NULL);
        reset_registered = true;
    }
    g_ptr_array_add(loaded_images, li);
    return true;
}

int64_t load_image_targphys_as(const char *filename, hwaddr addr, uint64_t max_sz,
                               AddressSpace *as, Error **errp)
{
    gsize len;
    gchar *buf;

    buf = read_whole_file(filename, &len, errp);
    if (!buf) {
        return -1;
    }
    if (len > max_sz) {
        error_setg(errp, "image '%s' is %zu bytes, larger than the 0x%" PRIx64
                   " bytes available at 0x%" HWADDR_PRIx, filename, (size_t)len,
                   max_sz, addr);
        g_free(buf);
        return -1;
    }
    if (!loader_check_range(filename, as, addr, len, errp)) {
        g_free(buf);
        return -1;
    }
    if (!loader_add(filename, as, addr, g_bytes_new_take(buf, len), len, errp)) {
        return -1;
    }
    return len;
}

bool rom_add_blob_fixed_as(const char *name, const void *blob, size_t len, hwaddr addr,
                           AddressSpace *as, Error **errp)
{
    if (!loader_check_range(name, as, addr, len, errp)) {
        return false;
    }
    return loader_add(name, as, addr, g_bytes_new(blob, len), len, errp);
}

/* One PT_LOAD segment, normalized from ELF32 or ELF64. */
typedef struct ElfSeg {
    uint64_t offset, paddr, filesz, memsz;
} ElfSeg;

static bool elf_read_header(const uint8_t *buf, gsize len, const char *filename,
                            int *elfclass, Elf64_Ehdr *eh, Error **errp)
{
    if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0) {
        error_setg(errp, "'%s' is not an ELF file", filename);
        return false;
    }
    if (buf[EI_DATA] != ELFDATA2LSB) {
        error_setg(errp, "'%s': only little-endian ELF is supported", filename);
        return false;
    }
    *elfclass = buf[EI_CLASS];
    if (*elfclass == ELFCLASS64 && len >= sizeof(Elf64_Ehdr)) {
        memcpy(eh, buf, sizeof(*eh));
    } else if (*elfclass == ELFCLASS32 && len >= sizeof(Elf32_Ehdr)) {
        Elf32_Ehdr e32;

        memcpy(&e32, buf, sizeof(e32));
        memset(eh, 0, sizeof(*eh));
        eh->e_type = e32.e_type;
        eh->e_machine = e32.e_machine;
        eh->e_version = e32.e_version;
        eh->e_entry = e32.e_entry;
        eh->e_phoff = e32.e_phoff;
        eh->e_phentsize = e32.e_phentsize;
        eh->e_phnum = e32.e_phnum;
    } else {
        error_setg(errp, "'%s': bad ELF class or truncated header", filename);
        return false;
    }
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
        error_setg(errp, "'%s' is not an ELF executable (e_type %u)", filename,
                   eh->e_type);
        return false;
    }
    return true;
}

static bool elf_read_segments(const uint8_t *buf, gsize len, const char *filename,
                              int elfclass, const Elf64_Ehdr *eh, GArray *segs,
                              Error **errp)
{
    size_t phsz = elfclass == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);

    if (eh->e_phnum == 0 || eh->e_phentsize != phsz || eh->e_phoff > len ||
        (len - eh->e_phoff) / phsz < eh->e_phnum) {
        error_setg(errp, "'%s': program headers missing or outside the file", filename);
        return false;
    }
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const uint8_t *p = buf + eh->e_phoff + (uint64_t)i * phsz;
        ElfSeg s;
        uint32_t type;

        if (elfclass == ELFCLASS64) {
            Elf64_Phdr ph;

            memcpy(&ph, p, sizeof(ph));
            type = ph.p_type;
            s = (ElfSeg){ ph.p_offset, ph.p_paddr, ph.p_filesz, ph.p_memsz };
        } else {
            Elf32_Phdr ph;

            memcpy(&ph, p, sizeof(ph));
            type = ph.p_type;
            s = (ElfSeg){ ph.p_offset, ph.p_paddr, ph.p_filesz, ph.p_memsz };
        }
        if (type != PT_LOAD || s.memsz == 0) {
            continue;
        }
        if (s.filesz > s.memsz || s.offset > len || len - s.offset < s.filesz) {
            error_setg(errp, "'%s': segment %u lies outside the file or has "
                       "p_filesz > p_memsz", filename, i);
            return false;
        }
        g_array_append_val(segs, s);
    }
    if (segs->len == 0) {
        error_setg(errp, "'%s' has no loadable segment", filename);
        return false;
    }
    return true;
}

int64_t load_elf_as(const char *filename, uint64_t (*translate_fn)(void *, uint64_t),
                    void *translate_opaque, int expected_machine, ElfLoadInfo *info,
                    AddressSpace *as, Error **errp)
{
    gsize len;
    uint8_t *buf = (uint8_t *)read_whole_file(filename, &len, errp);
    GArray *segs = g_array_new(false, false, sizeof(ElfSeg));
    ElfLoadInfo li = { .lowaddr = UINT64_MAX };
    Elf64_Ehdr eh;
    int64_t total = 0;

    if (!buf) {
        goto fail;
    }
    if (!elf_read_header(buf, len, filename, &li.elfclass, &eh, errp)) {
        goto fail;
    }
    if (expected_machine && eh.e_machine != expected_machine) {
        error_setg(errp, "'%s' is an ELF file for machine %u, expected %d", filename,
                   eh.e_machine, expected_machine);
        goto fail;
    }
    if (!elf_read_segments(buf, len, filename, li.elfclass, &eh, segs, errp)) {
        goto fail;
    }
    /* Translate and check every segment before writing any. */
    for (guint i = 0; i < segs->len; i++) {
        ElfSeg *s = &g_array_index(segs, ElfSeg, i);

        if (translate_fn) {
            s->paddr = translate_fn(translate_opaque, s->paddr);
        }
        if (!loader_check_range(filename, as, s->paddr, s->memsz, errp)) {
            goto fail;
        }
        for (guint j = 0; j < i; j++) {
            ElfSeg *o = &g_array_index(segs, ElfSeg, j);

            if (ranges_overlap(o->paddr, o->memsz, s->paddr, s->memsz)) {
                error_setg(errp, "'%s': segments %u and %u overlap", filename, j, i);
                goto fail;
            }
        }
    }
    for (guint i = 0; i < segs->len; i++) {
        ElfSeg *s = &g_array_index(segs, ElfSeg, i);
        GBytes *data = g_bytes_new(buf + s->offset, s->filesz);

        if (!loader_add(filename, as, s->paddr, data, s->memsz, errp)) {
            goto fail;
        }
        li.lowaddr = MIN(li.lowaddr, s->paddr);
        li.highaddr = MAX(li.highaddr, s->paddr + s->memsz);
        total += s->memsz;
    }
    li.machine = eh.e_machine;
    li.entry = translate_fn ? translate_fn(translate_opaque, eh.e_entry) : eh.e_entry;
    if (info) {
        *info = li;
    }
    g_free(buf);
    g_array_free(segs, true);
    return total;

fail:
    g_free(buf);
    g_array_free(segs, true);
    return -1;
}
