/*
 * The RISC-V "virt" board: QEMU's generic virtual platform (memory map,
 * devices and device tree as QEMU builds them), so that firmware, U-Boot and
 * Linux built for QEMU's virt run unchanged.
 */
#ifndef HW_RISCV_VIRT_H
#define HW_RISCV_VIRT_H

#include "hw/core/machine.h"
#include "hw/core/qdev.h"
#include "hw/riscv/boot.h"

#define TYPE_RISCV_VIRT_MACHINE MACHINE_TYPE_NAME("virt")
#define VIRT_CPUS_MAX 8
#define VIRT_DEFAULT_RAM (128 * MiB)

enum {
    VIRT_MROM,
    VIRT_TEST,
    VIRT_RTC,
    VIRT_CLINT,
    VIRT_PLIC,
    VIRT_UART0,
    VIRT_VIRTIO,
    VIRT_DRAM,
    VIRT_PCIE_PIO,
    VIRT_PCIE_ECAM,
    VIRT_PCIE_MMIO,
    VIRT_MEMMAP_COUNT
};

typedef struct MemMapEntry {
    hwaddr base;
    hwaddr size;
} MemMapEntry;

/* QEMU's virt memory map (hw/riscv/virt.c's virt_memmap, same addresses). */
extern const MemMapEntry virt_memmap[VIRT_MEMMAP_COUNT];

/* IRQ numbers at the PLIC */
#define VIRT_UART0_IRQ 10
#define VIRT_RTC_IRQ 11
#define VIRT_VIRTIO_IRQ 1          /* slot i uses VIRT_VIRTIO_IRQ + i */
#define VIRT_VIRTIO_COUNT 8
#define VIRT_PCIE_IRQ 0x20         /* INTA..INTD at 32..35 */
#define VIRT_PCIE_HIGH_MMIO_SIZE (16 * GiB)
#define VIRT_IRQCHIP_NUM_SOURCES 96
#define VIRT_IRQCHIP_NUM_PRIORITIES 7
#define VIRT_PLIC_SIZE 0x600000    /* QEMU sizes it for 512 harts */
#define VIRT_TIMEBASE_FREQ 10000000
#define VIRT_UART_CLOCK 3686400

typedef struct RISCVCPU RISCVCPU;

typedef struct RISCVVirtState {
    MachineState parent_obj;
    unsigned num_harts;
    RISCVCPU *harts[VIRT_CPUS_MAX];
    DeviceState *plic;
    DeviceState *mtimer;
    DeviceState *swi;
    DeviceState *uart;
    DeviceState *rtc;
    DeviceState *test;
    DeviceState *virtio[VIRT_VIRTIO_COUNT];
    MemoryRegion mrom;
    DeviceState *pcie;            /* gpex-pcihost: ECAM, windows, INTx */
    MemoryRegion pcie_mmio_alias, pcie_high_alias, pcie_pio_alias;
    hwaddr pcie_high_base;        /* 64-bit window, after RAM as QEMU places it */
    MemoryRegion *ram_alloc;      /* RAM we allocated when system/ gave none */
    RISCVBootInfo boot;
    /* FDT phandles */
    uint32_t phandle_next;
    uint32_t plic_phandle;
    uint32_t test_phandle;
    uint32_t cpu_phandle[VIRT_CPUS_MAX];
    uint32_t intc_phandle[VIRT_CPUS_MAX];
} RISCVVirtState;

#define RISCV_VIRT_MACHINE(obj) OBJECT_CHECK(RISCVVirtState, (obj), TYPE_RISCV_VIRT_MACHINE)

/*
 * Build the whole machine (what MachineClass.init does), reporting failures
 * as an Error instead of exiting; unit tests call this directly.
 */
bool virt_machine_build(MachineState *ms, Error **errp);

/* hw/riscv/virt-fdt.c: the device tree for the built machine (sets ms->fdt). */
bool virt_create_fdt(RISCVVirtState *s, Error **errp);
/* -dtb FILE: use it instead of the generated tree. */
bool virt_load_dtb(RISCVVirtState *s, const char *path, Error **errp);
/* /chosen: bootargs, initrd range (after the images are loaded). */
bool virt_fdt_update_chosen(RISCVVirtState *s, Error **errp);

#endif
