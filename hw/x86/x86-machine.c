/*
 * The x86 machine base: RAM around the legacy hole (640 KiB - 1 MiB) and
 * the PCI hole (lowmem_limit - 4 GiB), the e820 map, CPUs with APIC IDs
 * from the -smp topology, ISA interrupt lines into the in-kernel irqchip,
 * firmware (-bios) or a directly booted kernel (-kernel), and the boot
 * blobs that every reset writes again.
 */
#include "core/osdep.h"
#include "hw/x86/x86.h"
#include "hw/x86/isa.h"
#include "accel/kvm/kvm.h"
#include "core/log.h"

#define MPTABLE_BASE 0x9f000ULL     /* EBDA: MP tables live here */
#define LEGACY_HOLE_START 0xa0000ULL
#define BIOS_OPTROM_START 0xc0000ULL
#define BIOS_AREA_START 0xf0000ULL
#define HIGH_MEMORY 0x100000ULL

static void x86_gsi_handler(void *opaque, int n, int level)
{
    /* The in-kernel PIC/IOAPIC (KVM_CREATE_IRQCHIP) owns the lines. */
    if (kvm_state) {
        kvm_set_irq(kvm_state, n, level);
    }
}

/* KVM_IRQFD on the line's GSI (api.rst §4.75); level lines resample. */
static bool x86_gsi_irqfd(void *opaque, int n, int fd, int resamplefd, bool assign)
{
    if (!kvm_state) {
        return false;
    }
    if (!assign) {
        return kvm_irqchip_remove_irqfd(kvm_state, fd, n) == 0;
    }
    return kvm_irqchip_add_irqfd(kvm_state, fd, resamplefd, n) == 0;
}

/*
 * The MSI window: a bus master's write to 0xfee00000-0xfeefffff is an
 * interrupt message (SDM vol. 3 §11.11), not memory.  The CPUs' own
 * accesses there reach the in-kernel LAPIC and never get here; DMA writes
 * (msix_notify) do, and become KVM_SIGNAL_MSI.
 */
static uint64_t x86_msi_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void x86_msi_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    int ret = kvm_state ? kvm_signal_msi(kvm_state, X86_MSI_BASE + addr, (uint32_t)val)
                        : -ENODEV;

    if (ret < 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "MSI 0x%" PRIx64 " to 0x%" HWADDR_PRIx
                      " not delivered: %s\n", val, (hwaddr)(X86_MSI_BASE + addr),
                      strerror(-ret));
    }
}

static const MemoryRegionOps x86_msi_ops = {
    .read = x86_msi_read,
    .write = x86_msi_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

/* MSI routes for PCI (hw/pci/pci.h PCIMSIRouteOps) in KVM's GSI table. */
static int x86_msi_route_add(void *opaque, uint64_t addr, uint32_t data)
{
    int virq = kvm_irqchip_add_msi_route(kvm_state, addr, data);
    int ret;

    if (virq < 0) {
        return virq;
    }
    ret = kvm_irqchip_commit_routes(kvm_state);
    if (ret < 0) {
        kvm_irqchip_release_virq(kvm_state, virq);
        return ret;
    }
    return virq;
}

static int x86_msi_route_update(void *opaque, int virq, uint64_t addr, uint32_t data)
{
    int ret = kvm_irqchip_update_msi_route(kvm_state, virq, addr, data);

    return ret < 0 ? ret : kvm_irqchip_commit_routes(kvm_state);
}

static void x86_msi_route_release(void *opaque, int virq)
{
    kvm_irqchip_release_virq(kvm_state, virq);
    kvm_irqchip_commit_routes(kvm_state);
}

static bool x86_msi_irqfd(void *opaque, int virq, int fd, bool assign)
{
    return (assign ? kvm_irqchip_add_irqfd(kvm_state, fd, -1, virq)
                   : kvm_irqchip_remove_irqfd(kvm_state, fd, virq)) == 0;
}

const PCIMSIRouteOps x86_pci_msi_route_ops = {
    .add = x86_msi_route_add,
    .update = x86_msi_route_update,
    .release = x86_msi_route_release,
    .irqfd = x86_msi_irqfd,
};

void x86_boot_blob_add(X86MachineState *x86ms, hwaddr addr, void *data, size_t len)
{
    X86BootBlob b = { .addr = addr, .data = data, .len = len };

    g_array_append_val(x86ms->blobs, b);
}

bool x86_boot_blob_overlaps(X86MachineState *x86ms, hwaddr addr, uint64_t len)
{
    for (guint i = 0; i < x86ms->blobs->len; i++) {
        X86BootBlob *b = &g_array_index(x86ms->blobs, X86BootBlob, i);

        if (addr < b->addr + b->len && b->addr < addr + len) {
            return true;
        }
    }
    return false;
}

/* Reset handler: the loaded images as they were before the guest ran. */
static void x86_boot_blobs_reset(void *opaque)
{
    X86MachineState *x86ms = opaque;

    for (guint i = 0; i < x86ms->blobs->len; i++) {
        X86BootBlob *b = &g_array_index(x86ms->blobs, X86BootBlob, i);

        address_space_write_rom(get_address_space_memory(), b->addr,
                                MEMTXATTRS_UNSPECIFIED, b->data, b->len);
    }
}

static void flat_seg(struct kvm_segment *s, uint16_t sel, uint8_t type, bool l)
{
    *s = (struct kvm_segment){
        .base = 0, .limit = 0xffffffff, .selector = sel, .type = type, .present = 1,
        .s = 1, .db = !l, .l = l, .g = 1,
    };
}

/* The BSP's reset hook: put it in the state the boot protocol wants. */
static void x86_bsp_boot_hook(X86CPU *cpu, void *opaque)
{
    X86MachineState *x86ms = opaque;
    X86BootState *b = &x86ms->boot;
    struct kvm_sregs *s = &cpu->env.sregs;
    struct kvm_regs *r = &cpu->env.regs;
    bool lm = b->mode == X86_BOOT_LM64;

    if (b->mode == X86_BOOT_RESET_VECTOR) {
        return;
    }
    /* Multiboot 1 §3.2 / Linux boot.rst "32-bit/64-bit boot protocol":
     * flat 4 GiB segments, interrupts off, protected (or long) mode. */
    flat_seg(&s->cs, 0x10, 0xb, lm);
    flat_seg(&s->ds, 0x18, 0x3, false);
    s->es = s->ss = s->fs = s->gs = s->ds;
    s->gdt.base = b->gdt_base;
    s->gdt.limit = 4 * 8 - 1;
    s->idt.base = 0;
    s->idt.limit = 0;
    s->cr0 = CR0_PE | CR0_ET;
    if (lm) {
        s->cr0 |= CR0_PG;
        s->cr3 = b->cr3;
        s->cr4 = CR4_PAE;
        s->efer = EFER_LME | EFER_LMA;
    }
    s->tr.type = 11;                 /* busy 32-bit TSS: VT-x entry checks */
    r->rflags = 0x2;
    r->rip = b->entry;
    r->rax = b->rax;
    r->rbx = b->rbx;
    r->rsi = b->rsi;
}

void x86_boot_gdt(X86MachineState *x86ms, hwaddr addr)
{
    uint64_t *gdt = g_new0(uint64_t, 4);

    /* 0x08: 64-bit code, 0x10: 32-bit code (or 64-bit for the 64-bit
     * entry), 0x18: data; all base 0, limit 4 GiB (SDM vol. 3 §3.4.5). */
    gdt[1] = 0x00af9b000000ffffULL;
    gdt[2] = x86ms->boot.mode == X86_BOOT_LM64 ? 0x00af9b000000ffffULL
                                                : 0x00cf9b000000ffffULL;
    gdt[3] = 0x00cf93000000ffffULL;
    x86ms->boot.gdt_base = addr;
    x86_boot_blob_add(x86ms, addr, gdt, 4 * sizeof(uint64_t));
}

static void x86_ram_init(X86MachineState *x86ms, MachineState *ms)
{
    MemoryRegion *sysmem = get_system_memory();
    uint64_t below = x86ms->below_4g_mem_size;

    /* 0 - 640 KiB; the VGA window and option/BIOS ROMs sit above it. */
    memory_region_init_alias(&x86ms->ram_low, OBJECT(ms), "ram-below-640k", ms->ram, 0,
                             LEGACY_HOLE_START);
    memory_region_add_subregion(sysmem, 0, &x86ms->ram_low);
    /*
     * From 768 KiB up: the option-ROM/BIOS area is RAM-backed as on a PC
     * whose chipset (PAM) maps it to DRAM; firmware overlays it.  Leaving it
     * unassigned would turn every read of a kernel's BIOS-area scans (the
     * ACPI RSDP search) into an MMIO exit.
     */
    memory_region_init_alias(&x86ms->ram_mid, OBJECT(ms), "ram-below-4g", ms->ram,
                             BIOS_OPTROM_START, below - BIOS_OPTROM_START);
    memory_region_add_subregion(sysmem, BIOS_OPTROM_START, &x86ms->ram_mid);
    if (x86ms->above_4g_mem_size) {
        memory_region_init_alias(&x86ms->ram_high, OBJECT(ms), "ram-above-4g", ms->ram,
                                 below, x86ms->above_4g_mem_size);
        memory_region_add_subregion(sysmem, 4 * GiB, &x86ms->ram_high);
    }
    /* The e820 map (ACPI §15): RAM, the EBDA with our MP tables, the BIOS
     * area, KVM's private pages below the LAPIC/BIOS. */
    e820_add(&x86ms->e820, 0, MPTABLE_BASE, E820_RAM);
    e820_add(&x86ms->e820, MPTABLE_BASE, LEGACY_HOLE_START - MPTABLE_BASE, E820_RESERVED);
    e820_add(&x86ms->e820, BIOS_AREA_START, HIGH_MEMORY - BIOS_AREA_START, E820_RESERVED);
    e820_add(&x86ms->e820, HIGH_MEMORY, below - HIGH_MEMORY, E820_RAM);
    e820_add(&x86ms->e820, X86_KVM_RESERVED_BASE, X86_KVM_RESERVED_SIZE, E820_RESERVED);
    if (x86ms->above_4g_mem_size) {
        e820_add(&x86ms->e820, 4 * GiB, x86ms->above_4g_mem_size, E820_RAM);
    }
}

static void x86_cpus_init(X86MachineState *x86ms, MachineState *ms)
{
    CpuTopology *t = &ms->smp;
    Error *err = NULL;

    x86ms->cpus = g_new0(X86CPU *, t->cpus);
    for (unsigned i = 0; i < t->cpus; i++) {
        Object *obj = object_new(ms->cpu_type);
        X86CPU *cpu = X86_CPU(obj);

        cpu->apic_id = x86_apic_id_from_index(i, t->cores, t->threads);
        cpu->nr_cores = t->cores;
        cpu->nr_threads = t->threads;
        if (i == 0) {
            cpu->boot_hook = x86_bsp_boot_hook;
            cpu->boot_opaque = x86ms;
        }
        if (!qdev_realize(DEVICE(cpu), NULL, &err)) {
            error_report_err(err);
            exit(1);
        }
        x86ms->cpus[i] = cpu;
    }
}

static bool x86_bios_init(X86MachineState *x86ms, const char *path, Error **errp)
{
    gchar *data = NULL;
    gsize size = 0;
    GError *gerr = NULL;
    uint64_t isa_size;

    if (!g_file_get_contents(path, &data, &size, &gerr)) {
        error_setg(errp, "could not load firmware '%s': %s", path, gerr->message);
        g_error_free(gerr);
        return false;
    }
    if (!size || size % (64 * KiB) || size > X86_BIOS_MAX_SIZE) {
        error_setg(errp, "firmware '%s': size %zu is not a multiple of 64 KiB up to "
                   "16 MiB", path, (size_t)size);
        g_free(data);
        return false;
    }
    /* The whole image below 4 GiB (reset vector at FFFFFFF0), and its
     * last 128 KiB also below 1 MiB, as the PC's chipset decodes it. */
    if (!memory_region_init_rom(&x86ms->bios, OBJECT(x86ms), "pc.bios", size, errp)) {
        g_free(data);
        return false;
    }
    memcpy(memory_region_get_ram_ptr(&x86ms->bios), data, size);
    memory_region_add_subregion(get_system_memory(), 4 * GiB - size, &x86ms->bios);
    isa_size = MIN(size, 128 * KiB);
    memory_region_init_alias(&x86ms->isa_bios, OBJECT(x86ms), "isa-bios", &x86ms->bios,
                             size - isa_size, isa_size);
    memory_region_add_subregion_overlap(get_system_memory(), HIGH_MEMORY - isa_size,
                                        &x86ms->isa_bios, 1);
    e820_add(&x86ms->e820, 4 * GiB - size, size, E820_RESERVED);
    g_free(data);
    return true;
}

static bool x86_kernel_init(X86MachineState *x86ms, const char *path, Error **errp)
{
    gchar *data = NULL;
    gsize size = 0;
    GError *gerr = NULL;
    bool ok;

    if (!g_file_get_contents(path, &data, &size, &gerr)) {
        error_setg(errp, "could not load kernel '%s': %s", path, gerr->message);
        g_error_free(gerr);
        return false;
    }
    /* Multiboot first: QEMU's order, and a Multiboot ELF is also an ELF. */
    if (x86_multiboot_probe((uint8_t *)data, size)) {
        ok = x86_multiboot_load(x86ms, (uint8_t *)data, size, errp);
    } else if (x86_linux_probe((uint8_t *)data, size)) {
        ok = x86_linux_load(x86ms, (uint8_t *)data, size, errp);
    } else if (x86_elf_is_elf((uint8_t *)data, size)) {
        ok = x86_pvh_load(x86ms, (uint8_t *)data, size, errp);
    } else {
        error_setg(errp, "kernel '%s' is neither a Multiboot image, a Linux bzImage "
                   "nor an ELF with a PVH entry note", path);
        ok = false;
    }
    g_free(data);
    if (!ok) {
        error_prepend(errp, "-kernel %s: ", path);
    }
    return ok;
}

static const char *x86_default_firmware(MachineClass *mc)
{
    /* Debian's SeaBIOS builds, as QEMU picks them. */
    return !strcmp(mc->name, "microvm") ? "/usr/share/seabios/bios-microvm.bin"
                                        : "/usr/share/seabios/bios-256k.bin";
}

void x86_machine_init_common(MachineState *ms)
{
    X86MachineState *x86ms = X86_MACHINE(ms);
    X86MachineClass *xmc = X86_MACHINE_GET_CLASS(ms);
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    Error *err = NULL;
    const char *fw = ms->firmware;

    if (!kvm_enabled()) {
        error_report("machine '%s' needs the kvm accelerator", mc->name);
        exit(1);
    }
    if (!ms->ram || ms->ram_size < 2 * MiB) {
        error_report("machine '%s' needs at least 2 MiB of RAM (-m)", mc->name);
        exit(1);
    }
    x86ms->lowmem_limit = xmc->lowmem_limit;
    x86ms->below_4g_mem_size = MIN(ms->ram_size, x86ms->lowmem_limit);
    x86ms->above_4g_mem_size = ms->ram_size - x86ms->below_4g_mem_size;
    x86ms->blobs = g_array_new(false, true, sizeof(X86BootBlob));
    /* One FlatView update for the whole board: KVM then sets each memslot
     * once instead of splitting RAM again for every ROM laid over it. */
    memory_region_transaction_begin();
    x86_ram_init(x86ms, ms);

    for (int i = 0; i < X86_GSI_COUNT; i++) {
        x86ms->gsi[i] = qemu_allocate_irq(x86_gsi_handler, x86ms, i);
        qemu_irq_set_irqfd_handler(x86ms->gsi[i], x86_gsi_irqfd);
    }
    memory_region_init_io(&x86ms->msi_window, OBJECT(ms), &x86_msi_ops, x86ms,
                          "kvm-apic-msi", X86_MSI_SIZE);
    memory_region_add_subregion_overlap(get_system_memory(), X86_MSI_BASE,
                                        &x86ms->msi_window, -1);
    isa_bus_set_irqs(x86ms->gsi, X86_GSI_COUNT);
    x86_cpus_init(x86ms, ms);
    if (xmc->init_board) {
        xmc->init_board(x86ms);
    }
    x86_mptable_build(x86ms, MPTABLE_BASE, LEGACY_HOLE_START - MPTABLE_BASE);

    if (ms->kernel_filename) {
        if (!x86_kernel_init(x86ms, ms->kernel_filename, &err)) {
            error_report_err(err);
            exit(1);
        }
    } else if (!fw || !strcmp(fw, "default")) {
        fw = x86_default_firmware(mc);
    }
    if (fw && strcmp(fw, "none") && !ms->kernel_filename &&
        !x86_bios_init(x86ms, fw, &err)) {
        error_report_err(err);
        exit(1);
    }
    memory_region_transaction_commit();
    qemu_register_reset(x86_boot_blobs_reset, x86ms);
}

static void x86_machine_finalize(Object *obj)
{
    X86MachineState *x86ms = X86_MACHINE(obj);

    if (x86ms->blobs) {
        for (guint i = 0; i < x86ms->blobs->len; i++) {
            g_free(g_array_index(x86ms->blobs, X86BootBlob, i).data);
        }
        g_array_free(x86ms->blobs, true);
    }
    g_free(x86ms->cpus);
    g_free(x86ms->linux_cmdline_extra);
}

static void x86_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    X86MachineClass *xmc = X86_MACHINE_CLASS(oc);

    mc->init = x86_machine_init_common;
    mc->max_cpus = 128;             /* what our MP table area holds */
    mc->default_ram_size = 128 * MiB;
    mc->default_cpu_type = X86_CPU_TYPE_NAME("qemu64");
    mc->default_accel = "kvm";
    mc->valid_accels = "kvm";
    /* 3 GiB: RAM above it moves above 4 GiB, leaving room for PCI BARs. */
    xmc->lowmem_limit = 3 * GiB;
}

static const TypeInfo x86_machine_type = {
    .name = TYPE_X86_MACHINE,
    .parent = TYPE_MACHINE,
    .abstract = true,
    .instance_size = sizeof(X86MachineState),
    .class_size = sizeof(X86MachineClass),
    .class_init = x86_machine_class_init,
    .instance_finalize = x86_machine_finalize,
};

static void x86_machine_register_types(void)
{
    type_register_static(&x86_machine_type);
}

type_init(x86_machine_register_types)
