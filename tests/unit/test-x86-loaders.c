/*
 * The x86 kernel loaders on synthetic images, without KVM: Multiboot 1
 * (ELF and a.out-kludge), Linux bzImage (boot_params, command line, initrd
 * placement, 64-bit entry) and PVH (ELF note), the MP table, and the
 * errors for malformed or misplaced images.
 */
#include "core/osdep.h"
#include "hw/x86/x86.h"
#include "unit.h"

#include <elf.h>

static X86MachineState *machine_new(uint64_t ram)
{
    X86MachineState *x = X86_MACHINE(object_new(MACHINE_TYPE_NAME("microvm")));
    MachineState *ms = MACHINE(x);

    ms->ram_size = ram;
    x->below_4g_mem_size = MIN(ram, 3 * GiB);
    x->above_4g_mem_size = ram - x->below_4g_mem_size;
    x->blobs = g_array_new(false, true, sizeof(X86BootBlob));
    e820_add(&x->e820, 0, 0x9f000, E820_RAM);
    e820_add(&x->e820, 0x9f000, 0x1000, E820_RESERVED);
    e820_add(&x->e820, 0x100000, x->below_4g_mem_size - 0x100000, E820_RAM);
    return x;
}

static X86BootBlob *blob_at(X86MachineState *x, hwaddr addr)
{
    for (guint i = 0; i < x->blobs->len; i++) {
        X86BootBlob *b = &g_array_index(x->blobs, X86BootBlob, i);

        if (b->addr == addr) {
            return b;
        }
    }
    return NULL;
}

static uint32_t rd32(const void *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

/* ELF32 with one PT_LOAD at paddr and a Multiboot header in its data. */
static size_t make_mb_elf(uint8_t *buf, uint32_t paddr, uint32_t mb_flags, uint32_t memsz)
{
    Elf32_Ehdr *eh = (Elf32_Ehdr *)buf;
    Elf32_Phdr *ph = (Elf32_Phdr *)(buf + sizeof(*eh));
    uint32_t hdr[3] = { 0x1BADB002, mb_flags, -(0x1BADB002 + mb_flags) };

    memset(buf, 0, 0x2000);
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS32;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_386;
    eh->e_entry = paddr + 0x10;
    eh->e_phoff = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 1;
    ph->p_type = PT_LOAD;
    ph->p_offset = 0x1000;
    ph->p_paddr = ph->p_vaddr = paddr;
    ph->p_filesz = 0x1000;
    ph->p_memsz = memsz;
    memcpy(buf + 0x1000, hdr, sizeof(hdr));
    buf[0x1010] = 0xf4;
    return 0x2000;
}

UNIT_TEST(multiboot_elf_boot_info)
{
    X86MachineState *x = machine_new(256 * MiB);
    uint8_t buf[0x2000];
    size_t len = make_mb_elf(buf, 0x100000, 3, 0x3000);
    Error *err = NULL;
    X86BootBlob *k, *mbi;
    const uint8_t *info;

    MACHINE(x)->kernel_filename = g_strdup("kern.elf");
    MACHINE(x)->kernel_cmdline = g_strdup("a=1 b");
    CHECK(x86_multiboot_probe(buf, len));
    CHECK(x86_multiboot_load(x, buf, len, &err));
    CHECK_EQ(x->boot.mode, X86_BOOT_PM32);
    CHECK_EQ(x->boot.entry, 0x100010);
    CHECK_EQ(x->boot.rax, 0x2BADB002);
    k = blob_at(x, 0x100000);
    CHECK(k);
    CHECK_EQ(k->len, 0x3000);                          /* memsz, bss zeroed */
    CHECK_EQ(((uint8_t *)k->data)[0x10], 0xf4);
    CHECK_EQ(((uint8_t *)k->data)[0x2000], 0);
    mbi = blob_at(x, x->boot.rbx);
    CHECK(mbi);
    info = mbi->data;
    CHECK(rd32(info) & (1u << 6));                     /* mmap present */
    CHECK_EQ(rd32(info + 4), 636);                     /* mem_lower KiB */
    CHECK_EQ(rd32(info + 8), 255 * 1024);              /* mem_upper KiB */
    CHECK_STREQ((const char *)info + (rd32(info + 16) - x->boot.rbx), "kern.elf a=1 b");
    CHECK_EQ(rd32(info + 44), 3 * 24);                 /* three e820 entries */
    {
        const uint8_t *mm = info + (rd32(info + 48) - x->boot.rbx);
        uint64_t base, size;

        CHECK_EQ(rd32(mm), 20);
        memcpy(&base, mm + 24 * 2 + 4, 8);
        memcpy(&size, mm + 24 * 2 + 12, 8);
        CHECK_EQ(base, 0x100000);
        CHECK_EQ(size, 255 * MiB);
        CHECK_EQ(rd32(mm + 24 * 2 + 20), E820_RAM);
    }
    CHECK(blob_at(x, 0x500));                          /* the flat GDT */
    object_unref(OBJECT(x));
}

UNIT_TEST(multiboot_modules_from_initrd)
{
    X86MachineState *x = machine_new(64 * MiB);
    uint8_t buf[0x2000];
    size_t len = make_mb_elf(buf, 0x100000, 3, 0x1800);
    char m1[] = "/tmp/machina-mod-XXXXXX", m2[] = "/tmp/machina-mod-XXXXXX";
    int f1 = mkstemp(m1), f2 = mkstemp(m2);
    Error *err = NULL;
    const uint8_t *info, *mods;

    CHECK(f1 >= 0 && f2 >= 0);
    CHECK_EQ(write(f1, "first", 5), 5);
    CHECK_EQ(write(f2, "second!", 7), 7);
    close(f1);
    close(f2);
    MACHINE(x)->kernel_filename = g_strdup("k");
    MACHINE(x)->initrd_filename = g_strdup_printf("%s arg1 arg2,%s", m1, m2);
    CHECK(x86_multiboot_load(x, buf, len, &err));
    info = blob_at(x, x->boot.rbx)->data;
    CHECK(rd32(info) & (1u << 3));                     /* mods present */
    CHECK_EQ(rd32(info + 20), 2);
    mods = info + (rd32(info + 24) - x->boot.rbx);
    /* Page-aligned after the kernel's memsz, one after the other. */
    CHECK_EQ(rd32(mods), 0x102000);
    CHECK_EQ(rd32(mods + 4), 0x102005);
    {
        char *want = g_strdup_printf("%s arg1 arg2", m1);

        CHECK_STREQ((const char *)info + (rd32(mods + 8) - x->boot.rbx), want);
        g_free(want);
    }
    CHECK_EQ(rd32(mods + 16), 0x103000);
    CHECK(!memcmp(blob_at(x, 0x103000)->data, "second!", 7));
    object_unref(OBJECT(x));
    /* A missing module file is an error naming it. */
    x = machine_new(64 * MiB);
    MACHINE(x)->kernel_filename = g_strdup("k");
    MACHINE(x)->initrd_filename = g_strdup("/nonexistent-module");
    CHECK(!x86_multiboot_load(x, buf, len, &err));
    CHECK(strstr(error_get_pretty(err), "/nonexistent-module"));
    error_free(err);
    object_unref(OBJECT(x));
    unlink(m1);
    unlink(m2);
}

UNIT_TEST(multiboot_bad_images_are_errors)
{
    X86MachineState *x = machine_new(16 * MiB);
    uint8_t buf[0x2000];
    size_t len;
    Error *err = NULL;

    MACHINE(x)->kernel_filename = g_strdup("k");
    /* A required flag we do not support (bit 3). */
    len = make_mb_elf(buf, 0x100000, 0x8, 0x1000);
    CHECK(!x86_multiboot_load(x, buf, len, &err));
    CHECK(strstr(error_get_pretty(err), "flags"));
    error_free(err);
    err = NULL;
    /* A segment outside RAM. */
    len = make_mb_elf(buf, 0x2000000, 3, 0x1000);
    CHECK(!x86_multiboot_load(x, buf, len, &err));
    CHECK(strstr(error_get_pretty(err), "does not fit"));
    error_free(err);
    err = NULL;
    /* A segment over the legacy hole. */
    len = make_mb_elf(buf, 0x9e000, 3, 0x4000);
    CHECK(!x86_multiboot_load(x, buf, len, &err));
    error_free(err);
    err = NULL;
    /* Truncated program headers. */
    len = make_mb_elf(buf, 0x100000, 3, 0x1000);
    ((Elf32_Ehdr *)buf)->e_phoff = 0x1ff0;
    CHECK(!x86_multiboot_load(x, buf, len, &err));
    error_free(err);
    err = NULL;
    /* No header at all. */
    memset(buf, 0, sizeof(buf));
    CHECK(!x86_multiboot_probe(buf, sizeof(buf)));
    object_unref(OBJECT(x));
}

UNIT_TEST(multiboot_aout_kludge)
{
    X86MachineState *x = machine_new(16 * MiB);
    uint8_t buf[0x400] = { 0 };
    uint32_t h[8] = { 0x1BADB002, 0x10003, -(0x1BADB002 + 0x10003),
                      0x200040, 0x200000, 0x200400, 0x201000, 0x200100 };
    Error *err = NULL;

    MACHINE(x)->kernel_filename = g_strdup("k");
    memcpy(buf + 0x40, h, sizeof(h));
    CHECK(x86_multiboot_load(x, buf, sizeof(buf), &err));
    CHECK_EQ(x->boot.entry, 0x200100);
    CHECK_EQ(blob_at(x, 0x200000)->len, 0x1000);       /* up to bss_end_addr */
    object_unref(OBJECT(x));
    /* load_end_addr beyond the file. */
    x = machine_new(16 * MiB);
    MACHINE(x)->kernel_filename = g_strdup("k");
    h[5] = 0x210000;
    h[6] = 0;
    memcpy(buf + 0x40, h, sizeof(h));
    CHECK(!x86_multiboot_load(x, buf, sizeof(buf), &err));
    error_free(err);
    object_unref(OBJECT(x));
}

static uint8_t *make_bzimage(size_t *len, uint16_t version, bool is64)
{
    size_t n = 5 * 512 + 0x1000;
    uint8_t *b = g_malloc0(n);

    b[0x1f1] = 4;                                      /* setup_sects */
    b[0x201] = 0x6a;                                   /* jump: header to 0x26c */
    memcpy(b + 0x202, "HdrS", 4);
    memcpy(b + 0x206, &version, 2);
    b[0x211] = 0x01;                                   /* LOADED_HIGH */
    *(uint32_t *)(b + 0x22c) = 0x37ffffff;             /* initrd_addr_max */
    *(uint32_t *)(b + 0x238) = 255;                    /* cmdline_size */
    *(uint16_t *)(b + 0x236) = is64 ? 1 : 0;           /* XLF_KERNEL_64 */
    *(uint32_t *)(b + 0x260) = 0x200000;               /* init_size */
    b[5 * 512] = 0xf4;
    *len = n;
    return b;
}

UNIT_TEST(linux_bzimage_boot_params)
{
    X86MachineState *x = machine_new(64 * MiB);
    size_t len;
    uint8_t *bz = make_bzimage(&len, 0x20f, true);
    char initrd[] = "/tmp/machina-initrd-XXXXXX";
    int fd = mkstemp(initrd);
    Error *err = NULL;
    X86BootBlob *bp, *rd;

    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "INITRD!!", 8), 8);
    close(fd);
    MACHINE(x)->kernel_cmdline = g_strdup("console=ttyS0");
    MACHINE(x)->initrd_filename = g_strdup(initrd);
    CHECK(x86_linux_probe(bz, len));
    CHECK(x86_linux_load(x, bz, len, &err));
    CHECK_EQ(x->boot.mode, X86_BOOT_LM64);
    CHECK_EQ(x->boot.entry, 0x100200);
    CHECK_EQ(x->boot.cr3, 0x1000);
    CHECK_EQ(((uint8_t *)blob_at(x, 0x100000)->data)[0], 0xf4);
    bp = blob_at(x, x->boot.rsi);
    CHECK(bp);
    CHECK_EQ(((uint8_t *)bp->data)[0x210], 0xff);      /* type_of_loader */
    CHECK_EQ(rd32((uint8_t *)bp->data + 0x228), 0x20000);
    CHECK_EQ(((uint8_t *)bp->data)[0x1e8], 3);         /* e820 entries */
    CHECK_STREQ(blob_at(x, 0x20000)->data, "console=ttyS0");
    /* initrd: as high as possible below RAM's end, page-aligned. */
    rd = blob_at(x, rd32((uint8_t *)bp->data + 0x218));
    CHECK(rd);
    CHECK_EQ(rd->addr, 64 * MiB - 4096);
    CHECK_EQ(rd32((uint8_t *)bp->data + 0x21c), 8);
    CHECK(!memcmp(rd->data, "INITRD!!", 8));
    /* The identity map: 2 MiB pages up to 4 GiB. */
    {
        uint64_t *pt = blob_at(x, 0x1000)->data;

        CHECK_EQ(pt[0], 0x2003);
        CHECK_EQ(pt[1024 + 2047], (2047ull << 21) | 0x83);
    }
    object_unref(OBJECT(x));
    g_free(bz);

    /* 32-bit entry for a kernel without XLF_KERNEL_64 (and the machine's
     * own command-line words, as microvm adds for virtio-mmio); too old;
     * too long. */
    x = machine_new(64 * MiB);
    x->linux_cmdline_extra = g_strdup("virtio_mmio.device=512@0xfeb00000:16");
    MACHINE(x)->kernel_cmdline = g_strdup("quiet");
    bz = make_bzimage(&len, 0x20a, false);
    CHECK(x86_linux_load(x, bz, len, &err));
    CHECK_EQ(x->boot.mode, X86_BOOT_PM32);
    CHECK_EQ(x->boot.entry, 0x100000);
    CHECK_STREQ(blob_at(x, 0x20000)->data, "quiet virtio_mmio.device=512@0xfeb00000:16");
    object_unref(OBJECT(x));
    g_free(bz);
    x = machine_new(64 * MiB);
    bz = make_bzimage(&len, 0x204, true);
    CHECK(!x86_linux_load(x, bz, len, &err));
    CHECK(strstr(error_get_pretty(err), "too old"));
    error_free(err);
    err = NULL;
    object_unref(OBJECT(x));
    g_free(bz);
    x = machine_new(64 * MiB);
    bz = make_bzimage(&len, 0x20f, true);
    MACHINE(x)->kernel_cmdline = g_strnfill(300, 'x');
    CHECK(!x86_linux_load(x, bz, len, &err));
    CHECK(strstr(error_get_pretty(err), "too long"));
    error_free(err);
    err = NULL;
    object_unref(OBJECT(x));
    /* An initrd that does not fit. */
    x = machine_new(3 * MiB);
    MACHINE(x)->initrd_filename = g_strdup(initrd);
    CHECK(!x86_linux_load(x, bz, len, &err));
    error_free(err);
    object_unref(OBJECT(x));
    g_free(bz);
    unlink(initrd);
}

UNIT_TEST(pvh_note_entry_and_start_info)
{
    X86MachineState *x = machine_new(64 * MiB);
    uint8_t buf[0x2000] = { 0 };
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
    uint32_t note[3 + 1 + 1] = { 4, 4, 18, 0, 0x1000040 };
    Error *err = NULL;
    uint8_t *si;

    memcpy(note + 3, "Xen", 4);
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_machine = EM_X86_64;
    eh->e_entry = 0xffffffff81000000ull;
    eh->e_phoff = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 2;
    ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0x1000, .p_paddr = 0x1000000,
                          .p_filesz = 0x100, .p_memsz = 0x2000 };
    ph[1] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = 0x800, .p_filesz = sizeof(note) };
    memcpy(buf + 0x800, note, sizeof(note));
    CHECK(!x86_multiboot_probe(buf, sizeof(buf)));
    CHECK(!x86_linux_probe(buf, sizeof(buf)));
    CHECK(x86_pvh_load(x, buf, sizeof(buf), &err));
    CHECK_EQ(x->boot.entry, 0x1000040);
    CHECK_EQ(x->boot.mode, X86_BOOT_PM32);
    si = blob_at(x, x->boot.rbx)->data;
    CHECK_EQ(rd32(si), 0x336ec578);
    CHECK_EQ(rd32(si + 48), 3);                        /* memmap entries */
    object_unref(OBJECT(x));
    /* Without the note: a clear error. */
    x = machine_new(64 * MiB);
    eh->e_phnum = 1;
    CHECK(!x86_pvh_load(x, buf, sizeof(buf), &err));
    CHECK(strstr(error_get_pretty(err), "PVH"));
    error_free(err);
    object_unref(OBJECT(x));
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while (n--) {
        s += *p++;
    }
    return s;
}

UNIT_TEST(mptable_lists_cpus_and_ioapic)
{
    X86MachineState *x = machine_new(64 * MiB);
    MachineState *ms = MACHINE(x);
    X86CPU cpus[3];
    X86CPU *ptrs[3] = { &cpus[0], &cpus[1], &cpus[2] };
    const uint8_t *area, *fp, *cfg;

    ms->smp.cpus = 3;
    for (int i = 0; i < 3; i++) {
        cpus[i].apic_id = x86_apic_id_from_index(i, 2, 1);
    }
    x->cpus = g_memdup2(ptrs, sizeof(ptrs));
    x86_mptable_build(x, 0x9f000, 0x1000);
    area = blob_at(x, 0x9f000)->data;
    fp = area + 0xc00;
    CHECK(!memcmp(fp, "_MP_", 4));
    CHECK_EQ(sum8(fp, 16), 0);
    CHECK_EQ(rd32(fp + 4), 0x9f000);
    cfg = area;
    CHECK(!memcmp(cfg, "PCMP", 4));
    CHECK_EQ(sum8(cfg, *(uint16_t *)(cfg + 4)), 0);
    CHECK_EQ(cfg[44], 0);                              /* processor */
    CHECK_EQ(cfg[44 + 3], 3);                          /* enabled, BSP */
    CHECK_EQ(cfg[64 + 1], 1);                          /* APIC ID 1 */
    CHECK_EQ(cfg[84 + 1], 2);                          /* next package: 2 */
    CHECK_EQ(cfg[84 + 3], 1);
    CHECK_EQ(cfg[104], 1);                             /* bus ISA */
    CHECK_EQ(cfg[112], 2);                             /* IOAPIC */
    CHECK_EQ(cfg[112 + 1], 3);                         /* id after the CPUs */
    CHECK_EQ(rd32(cfg + 116), 0xfec00000);
    /* BDA: EBDA segment. */
    CHECK_EQ(*(uint16_t *)((uint8_t *)blob_at(x, 0x400)->data + 0xe), 0x9f00);
    object_unref(OBJECT(x));
}

/* The PCI INTx entries of pc's MP table (bus 1 "PCI"): slot << 2 | pin lands
 * on the IOAPIC pin of the ISA IRQ its PIIX3 PIRQ is routed to. */
static unsigned mp_pci_entries(const uint8_t *cfg, uint8_t pins[32][4], uint16_t *flags)
{
    unsigned n = 0, count = *(const uint16_t *)(cfg + 34);
    const uint8_t *e = cfg + 44;

    for (unsigned i = 0; i < count; i++) {
        if (e[0] == 0) {
            e += 20;
            continue;
        }
        if (e[0] == 3 && e[4] == 1) {
            pins[e[5] >> 2][e[5] & 3] = e[7];
            *flags = *(const uint16_t *)(e + 2);
            n++;
        }
        e += 8;
    }
    return n;
}

UNIT_TEST(mptable_pci_intx_entries)
{
    for (unsigned ncpu = 1; ncpu <= 128; ncpu += 127) {
        X86MachineState *x = machine_new(64 * MiB);
        MachineState *ms = MACHINE(x);
        X86CPU *cpus = g_new0(X86CPU, ncpu);
        uint8_t pins[32][4] = { { 0 } };
        uint16_t flags = 0;
        const uint8_t *cfg;
        unsigned n;

        ms->smp.cpus = ncpu;
        x->cpus = g_new(X86CPU *, ncpu);
        for (unsigned i = 0; i < ncpu; i++) {
            cpus[i].apic_id = i;
            x->cpus[i] = &cpus[i];
        }
        x->pci_intx_routed = true;
        x86_mptable_build(x, 0x9f000, 0x1000);
        cfg = blob_at(x, 0x9f000)->data;
        CHECK_EQ(sum8(cfg, *(uint16_t *)(cfg + 4)), 0);
        /* The table stays below the floating pointer in the last KiB. */
        CHECK(*(uint16_t *)(cfg + 4) <= 0xc00);
        n = mp_pci_entries(cfg, pins, &flags);
        /* 1 CPU: slots 2-31, four pins each; 128 CPUs: as many as fit. */
        if (ncpu == 1) {
            CHECK_EQ(n, 120);
        } else {
            CHECK(n > 0 && n < 120 && n % 4 == 0);
        }
        CHECK_EQ(flags, 0x0d);                 /* level, active high */
        CHECK_EQ(pins[2][0], 10);              /* INTA# of slot 2: PIRQB -> 10 */
        CHECK_EQ(pins[2][1], 11);              /* INTB#: PIRQC -> 11 */
        CHECK_EQ(pins[3][0], 11);              /* PIRQC */
        CHECK_EQ(pins[4][0], 11);              /* PIRQD */
        CHECK_EQ(pins[5][0], 10);              /* PIRQA */
        /* A "PCI   " bus entry with id 1 next to ISA's 0. */
        {
            const uint8_t *e = cfg + 44 + 20 * ncpu;

            CHECK_EQ(e[0], 1);
            CHECK(!memcmp(e + 2, "ISA   ", 6));
            CHECK_EQ(e[8], 1);
            CHECK_EQ(e[9], 1);
            CHECK(!memcmp(e + 10, "PCI   ", 6));
        }
        g_free(x->cpus);
        x->cpus = NULL;
        g_free(cpus);
        object_unref(OBJECT(x));
    }
}
