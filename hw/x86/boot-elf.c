/*
 * ELF kernels for the x86 machines: PT_LOAD segments at their physical
 * addresses (p_paddr) and the PVH entry note.  Every field is bounds-checked
 * against the file: a malformed image is an Error, never a crash.
 *
 * ELF: System V gABI ch. 4-5; PVH: Xen's "x86/HVM direct boot ABI"
 * (XEN_ELFNOTE_PHYS32_ENTRY = 18 in a note named "Xen").
 */
#include "core/osdep.h"
#include "hw/x86/x86.h"

#include <elf.h>

#define XEN_ELFNOTE_PHYS32_ENTRY 18

bool x86_elf_is_elf(const uint8_t *buf, size_t len)
{
    return len >= EI_NIDENT && !memcmp(buf, ELFMAG, SELFMAG);
}

/* Values of either class, widened to 64 bits. */
typedef struct Phdr {
    uint32_t type;
    uint64_t offset, paddr, filesz, memsz;
} Phdr;

static bool read_phdr(const uint8_t *buf, size_t len, bool is64, uint64_t phoff,
                      unsigned i, unsigned phentsize, Phdr *p)
{
    uint64_t off = phoff + (uint64_t)i * phentsize;

    if (phoff > len || off > len || len - off < (is64 ? sizeof(Elf64_Phdr)
                                                      : sizeof(Elf32_Phdr))) {
        return false;
    }
    if (is64) {
        Elf64_Phdr ph;

        memcpy(&ph, buf + off, sizeof(ph));
        *p = (Phdr){ ph.p_type, ph.p_offset, ph.p_paddr, ph.p_filesz, ph.p_memsz };
    } else {
        Elf32_Phdr ph;

        memcpy(&ph, buf + off, sizeof(ph));
        *p = (Phdr){ ph.p_type, ph.p_offset, ph.p_paddr, ph.p_filesz, ph.p_memsz };
    }
    return true;
}

/* Walk the notes of one PT_NOTE segment looking for the PVH entry. */
static void scan_notes(const uint8_t *buf, size_t len, const Phdr *p, X86ElfImage *img)
{
    uint64_t off = p->offset, end;

    if (off > len || p->filesz > len - off) {
        return;
    }
    end = off + p->filesz;
    while (end - off >= 12) {
        uint32_t namesz, descsz, type;
        uint64_t name_off, desc_off;

        memcpy(&namesz, buf + off, 4);
        memcpy(&descsz, buf + off + 4, 4);
        memcpy(&type, buf + off + 8, 4);
        name_off = off + 12;
        desc_off = name_off + QEMU_ALIGN_UP((uint64_t)namesz, 4);
        if (desc_off > end || QEMU_ALIGN_UP((uint64_t)descsz, 4) > end - desc_off) {
            return;
        }
        if (namesz == 4 && !memcmp(buf + name_off, "Xen", 4) &&
            type == XEN_ELFNOTE_PHYS32_ENTRY && descsz >= 4) {
            memcpy(&img->pvh_entry, buf + desc_off, 4);
            img->has_pvh_entry = true;
        }
        off = desc_off + QEMU_ALIGN_UP((uint64_t)descsz, 4);
    }
}

bool x86_elf_load(X86MachineState *x86ms, const uint8_t *buf, size_t len,
                  X86ElfImage *img, Error **errp)
{
    unsigned phnum, phentsize, machine, nload = 0;
    uint64_t phoff;
    bool is64;

    memset(img, 0, sizeof(*img));
    if (!x86_elf_is_elf(buf, len) || buf[EI_DATA] != ELFDATA2LSB ||
        (buf[EI_CLASS] != ELFCLASS32 && buf[EI_CLASS] != ELFCLASS64)) {
        error_setg(errp, "not a little-endian ELF32/ELF64 file");
        return false;
    }
    is64 = buf[EI_CLASS] == ELFCLASS64;
    if (len < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))) {
        error_setg(errp, "truncated ELF header");
        return false;
    }
    if (is64) {
        Elf64_Ehdr eh;

        memcpy(&eh, buf, sizeof(eh));
        phoff = eh.e_phoff;
        phnum = eh.e_phnum;
        phentsize = eh.e_phentsize;
        machine = eh.e_machine;
        img->entry = eh.e_entry;
    } else {
        Elf32_Ehdr eh;

        memcpy(&eh, buf, sizeof(eh));
        phoff = eh.e_phoff;
        phnum = eh.e_phnum;
        phentsize = eh.e_phentsize;
        machine = eh.e_machine;
        img->entry = eh.e_entry;
    }
    img->is64 = is64;
    if (machine != EM_386 && machine != EM_X86_64) {
        error_setg(errp, "ELF machine %u is not x86", machine);
        return false;
    }
    if (phentsize < (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) || !phnum) {
        error_setg(errp, "ELF file has no usable program headers");
        return false;
    }
    img->low = UINT64_MAX;
    for (unsigned i = 0; i < phnum; i++) {
        Phdr p;
        uint8_t *data;

        if (!read_phdr(buf, len, is64, phoff, i, phentsize, &p)) {
            error_setg(errp, "program header %u is outside the file", i);
            return false;
        }
        if (p.type == PT_NOTE) {
            scan_notes(buf, len, &p, img);
            continue;
        }
        if (p.type != PT_LOAD || !p.memsz) {
            continue;
        }
        if (p.filesz > p.memsz || p.offset > len || p.filesz > len - p.offset) {
            error_setg(errp, "segment %u is outside the file", i);
            return false;
        }
        if (p.memsz > 1 * GiB || !e820_is_ram(&x86ms->e820, p.paddr, p.memsz)) {
            error_setg(errp, "segment %u (0x%" PRIx64 "-0x%" PRIx64 ") does not fit in "
                       "guest RAM", i, p.paddr, p.paddr + p.memsz - 1);
            return false;
        }
        if (x86_boot_blob_overlaps(x86ms, p.paddr, p.memsz)) {
            error_setg(errp, "segment %u (0x%" PRIx64 ") overlaps another loaded image",
                       i, p.paddr);
            return false;
        }
        data = g_malloc0(p.memsz);
        memcpy(data, buf + p.offset, p.filesz);
        x86_boot_blob_add(x86ms, p.paddr, data, p.memsz);
        img->low = MIN(img->low, p.paddr);
        img->high = MAX(img->high, p.paddr + p.memsz);
        nload++;
    }
    if (!nload) {
        error_setg(errp, "ELF file has no loadable segment");
        return false;
    }
    return true;
}
