/*
 * What the x86 machines (microvm, pc) share: the RAM layout around the
 * legacy and PCI holes, the e820 map, the CPUs, the ISA interrupt lines
 * into the in-kernel irqchip, firmware (-bios) and the kernel loaders
 * (Multiboot 1, Linux bzImage, PVH).
 */
#ifndef HW_X86_X86_H
#define HW_X86_X86_H

#include "core/osdep.h"
#include "hw/core/machine.h"
#include "hw/core/irq.h"
#include "hw/x86/e820.h"
#include "target/x86/cpu.h"
#include "hw/pci/pci.h"

#define TYPE_X86_MACHINE "x86-machine"
#define X86_MACHINE(obj) OBJECT_CHECK(X86MachineState, (obj), TYPE_X86_MACHINE)
#define X86_MACHINE_CLASS(k) OBJECT_CLASS_CHECK(X86MachineClass, (k), TYPE_X86_MACHINE)
#define X86_MACHINE_GET_CLASS(o) OBJECT_GET_CLASS(X86MachineClass, (o), TYPE_X86_MACHINE)

#define X86_GSI_COUNT 24             /* IOAPIC pins */
#define X86_MAX_CPUS 255             /* xAPIC IDs, 0xff is broadcast */
#define X86_BIOS_MAX_SIZE (16 * MiB)
#define X86_KVM_RESERVED_BASE 0xfeffc000ULL   /* KVM identity map + TSS */
#define X86_KVM_RESERVED_SIZE 0x4000ULL
#define X86_IOAPIC_BASE 0xfec00000ULL
#define X86_MSI_BASE 0xfee00000ULL   /* MSI address window (SDM vol. 3 §11.11.1) */
#define X86_MSI_SIZE 0x100000ULL

/* A piece of guest memory the boot code fills again at every reset. */
typedef struct X86BootBlob {
    hwaddr addr;
    void *data;
    size_t len;
} X86BootBlob;

/* How the BSP starts: from the reset vector, or in a loader's mode. */
typedef enum X86BootMode {
    X86_BOOT_RESET_VECTOR = 0,       /* firmware */
    X86_BOOT_PM32,                   /* Multiboot, PVH, bzImage 32-bit entry */
    X86_BOOT_LM64,                   /* bzImage 64-bit entry */
} X86BootMode;

typedef struct X86BootState {
    X86BootMode mode;
    uint64_t entry;
    uint64_t rax, rbx, rsi;          /* boot protocol registers */
    hwaddr gdt_base;                 /* flat GDT written by the loader */
    hwaddr cr3;                      /* LM64: identity page tables */
} X86BootState;

typedef struct X86MachineState {
    MachineState parent_obj;
    uint64_t below_4g_mem_size, above_4g_mem_size;
    hwaddr lowmem_limit;             /* start of the PCI hole */
    MemoryRegion ram_low, ram_mid, ram_high;    /* aliases of ms->ram */
    MemoryRegion bios, isa_bios;
    MemoryRegion msi_window;         /* bus-master writes -> KVM_SIGNAL_MSI */
    qemu_irq gsi[X86_GSI_COUNT];
    X86CPU **cpus;
    E820Table e820;
    GArray *blobs;                   /* X86BootBlob */
    /* Appended to a Linux kernel's command line (microvm: virtio-mmio). */
    char *linux_cmdline_extra;
    /* pc: PCI INTx goes through the PIIX3's PIRQs (the MP table lists them). */
    bool pci_intx_routed;
    X86BootState boot;
} X86MachineState;

typedef struct X86MachineClass {
    MachineClass parent_class;
    /* Where the PCI hole starts (below 4 GiB RAM ends there). */
    hwaddr lowmem_limit;
    /* Board devices after RAM, CPUs, interrupts (pc adds the PCI host). */
    void (*init_board)(X86MachineState *x86ms);
} X86MachineClass;

/* x86-machine.c */
/* MSI routes and irqfds in KVM's GSI routing table, for pc's pci.0. */
extern const PCIMSIRouteOps x86_pci_msi_route_ops;
void x86_machine_init_common(MachineState *ms);
/* Register a blob to (re)write at every reset; takes ownership of data. */
void x86_boot_blob_add(X86MachineState *x86ms, hwaddr addr, void *data, size_t len);
bool x86_boot_blob_overlaps(X86MachineState *x86ms, hwaddr addr, uint64_t len);

/* boot-elf.c: ELF images (Multiboot kernels, PVH vmlinux). */
typedef struct X86ElfImage {
    uint64_t entry;
    uint64_t low, high;              /* loaded physical range */
    bool is64;
    bool has_pvh_entry;
    uint32_t pvh_entry;              /* XEN_ELFNOTE_PHYS32_ENTRY */
} X86ElfImage;
bool x86_elf_is_elf(const uint8_t *buf, size_t len);
bool x86_elf_load(X86MachineState *x86ms, const uint8_t *buf, size_t len,
                  X86ElfImage *img, Error **errp);

/* multiboot.c: true if the image has a Multiboot 1 header (*errp on a bad one). */
bool x86_multiboot_probe(const uint8_t *buf, size_t len);
bool x86_multiboot_load(X86MachineState *x86ms, const uint8_t *buf, size_t len,
                        Error **errp);

/* linux-boot.c: bzImage (boot protocol 2.06+) and PVH vmlinux. */
bool x86_linux_probe(const uint8_t *buf, size_t len);
bool x86_linux_load(X86MachineState *x86ms, const uint8_t *buf, size_t len,
                    Error **errp);
bool x86_pvh_load(X86MachineState *x86ms, const uint8_t *buf, size_t len,
                  Error **errp);
/* Flat 4 GiB code/data GDT at addr; selectors 0x10 (code32), 0x18 (data),
 * 0x08 (code64), as the Linux boot protocol expects. */
void x86_boot_gdt(X86MachineState *x86ms, hwaddr addr);

/* acpi-microvm.c: RSDP/RSDT/XSDT, FADT (hardware-reduced), MADT and a DSDT
 * with count virtio-mmio transports (LNRO0005) from base on GSIs gsi_base+,
 * at 0xf0000 (direct kernel boot only: firmware brings its own). */
void x86_acpi_microvm_build(X86MachineState *x86ms, unsigned count, hwaddr base,
                            unsigned gsi_base);

/* mptable.c: MP spec 1.4 tables describing the CPUs, IOAPIC and ISA IRQs. */
void x86_mptable_build(X86MachineState *x86ms, hwaddr addr, hwaddr size);

#endif
