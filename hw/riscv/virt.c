/*
 * The RISC-V "virt" machine: up to 8 RV64 harts, an ACLINT (SiFive CLINT
 * layout), a PLIC, a 16550A UART, a Goldfish RTC, the SiFive test finisher,
 * eight virtio-mmio slots and RAM at 0x80000000, at QEMU's addresses.
 */
#include "hw/riscv/virt.h"
#include "hw/char/serial-mm.h"
#include "hw/core/sysbus.h"
#include "hw/intc/riscv_aclint.h"
#include "hw/intc/sifive_plic.h"
#include "hw/misc/sifive_test.h"
#include "hw/pci/pcie-host.h"
#include "hw/rtc/goldfish_rtc.h"
#include "hw/virtio/virtio-mmio.h"
#include "target/riscv/cpu.h"

#include <libfdt.h>

const MemMapEntry virt_memmap[VIRT_MEMMAP_COUNT] = {
    [VIRT_MROM] = {0x1000, 0xf000},
    [VIRT_TEST] = {0x100000, 0x1000},
    [VIRT_RTC] = {0x101000, 0x1000},
    [VIRT_CLINT] = {0x2000000, 0x10000},
    [VIRT_PLIC] = {0xc000000, VIRT_PLIC_SIZE},
    [VIRT_UART0] = {0x10000000, 0x100},
    [VIRT_VIRTIO] = {0x10001000, 0x1000},
    [VIRT_DRAM] = {0x80000000, 0x0},
    [VIRT_PCIE_PIO] = {0x3000000, 0x10000},
    [VIRT_PCIE_ECAM] = {0x30000000, 0x10000000},
    [VIRT_PCIE_MMIO] = {0x40000000, 0x40000000},
};

static bool virt_create_harts(RISCVVirtState *s, MachineState *ms, Error **errp)
{
    const char *cpu_type = ms->cpu_type ? ms->cpu_type
                                        : MACHINE_GET_CLASS(ms)->default_cpu_type;

    if (!object_class_by_name(cpu_type) ||
        !object_class_dynamic_cast(object_class_by_name(cpu_type), TYPE_RISCV_CPU)) {
        error_setg(errp, "CPU type '%s' is not a RISC-V CPU", cpu_type);
        return false;
    }
    for (unsigned i = 0; i < s->num_harts; i++) {
        Object *obj = object_new(cpu_type);
        RISCVCPU *cpu = RISCV_CPU(obj);

        s->harts[i] = cpu;
        if (!object_property_set_uint(obj, "hartid", i, errp)) {
            return false;
        }
        if (ms->cpu_props && *ms->cpu_props &&
            !riscv_cpu_parse_props(cpu, ms->cpu_props, errp)) {
            return false;
        }
        /* Every hart starts in the mask ROM's reset vector. */
        if (object_property_find(obj, "resetvec")) {
            if (!object_property_set_uint(obj, "resetvec", virt_memmap[VIRT_MROM].base,
                                          errp)) {
                return false;
            }
        } else {
            cpu->env.resetvec = virt_memmap[VIRT_MROM].base;
        }
        /* The harts see the whole system memory (CPU-side accesses, page walks). */
        if (!CPU(obj)->as) {
            CPU(obj)->as = get_address_space_memory();
        }
        if (!qdev_realize(DEVICE(obj), NULL, errp)) {
            error_prepend(errp, "hart %u: ", i);
            return false;
        }
    }
    return true;
}

static bool virt_map_sysbus(DeviceState *dev, hwaddr addr, qemu_irq irq, Error **errp)
{
    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        return false;
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, addr);
    if (irq) {
        sysbus_connect_irq(SYS_BUS_DEVICE(dev), 0, irq);
    }
    return true;
}

/*
 * The PCIe host as QEMU's virt has it: ECAM at 0x30000000, a 32-bit MMIO
 * window at 0x40000000, a 64-bit one after RAM (16 GiB aligned), 64 KiB of
 * I/O ports at 0x3000000; INTA..D on PLIC sources 32..35.
 */
static bool virt_create_pcie(RISCVVirtState *s, MachineState *ms, Error **errp)
{
    MemoryRegion *sysmem = get_system_memory();
    const MemMapEntry *mm = virt_memmap;
    SysBusDevice *sbd;

    s->pcie_high_base = QEMU_ALIGN_UP(mm[VIRT_DRAM].base + ms->ram_size,
                                      VIRT_PCIE_HIGH_MMIO_SIZE);
    s->pcie = qdev_new(TYPE_GPEX_HOST);
    qdev_prop_set_uint64(s->pcie, "ecam-size", mm[VIRT_PCIE_ECAM].size);
    if (!qdev_realize_and_unref(s->pcie, NULL, errp)) {
        return false;
    }
    sbd = SYS_BUS_DEVICE(s->pcie);
    sysbus_mmio_map(sbd, 0, mm[VIRT_PCIE_ECAM].base);
    memory_region_init_alias(&s->pcie_mmio_alias, OBJECT(ms), "pcie-mmio",
                             sysbus_mmio_get_region(sbd, 1), mm[VIRT_PCIE_MMIO].base,
                             mm[VIRT_PCIE_MMIO].size);
    memory_region_add_subregion(sysmem, mm[VIRT_PCIE_MMIO].base, &s->pcie_mmio_alias);
    memory_region_init_alias(&s->pcie_high_alias, OBJECT(ms), "pcie-mmio-high",
                             sysbus_mmio_get_region(sbd, 1), s->pcie_high_base,
                             VIRT_PCIE_HIGH_MMIO_SIZE);
    memory_region_add_subregion(sysmem, s->pcie_high_base, &s->pcie_high_alias);
    memory_region_init_alias(&s->pcie_pio_alias, OBJECT(ms), "pcie-pio",
                             sysbus_mmio_get_region(sbd, 2), 0, mm[VIRT_PCIE_PIO].size);
    memory_region_add_subregion(sysmem, mm[VIRT_PCIE_PIO].base, &s->pcie_pio_alias);
    for (int i = 0; i < GPEX_NUM_IRQS; i++) {
        sysbus_connect_irq(sbd, i, qdev_get_gpio_in(s->plic, VIRT_PCIE_IRQ + i));
    }
    return true;
}

static bool virt_create_devices(RISCVVirtState *s, MachineState *ms, Error **errp)
{
    MemoryRegion *sysmem = get_system_memory();
    const MemMapEntry *mm = virt_memmap;
    SiFivePLICState *plic;

    /* RAM (system/ normally provides it; create it for callers that do not). */
    if (!ms->ram) {
        s->ram_alloc = g_new0(MemoryRegion, 1);
        if (!memory_region_init_ram(s->ram_alloc, OBJECT(ms), "riscv_virt_board.ram",
                                    ms->ram_size, errp)) {
            g_free(s->ram_alloc);
            s->ram_alloc = NULL;
            return false;
        }
        ms->ram = s->ram_alloc;
    }
    memory_region_add_subregion(sysmem, mm[VIRT_DRAM].base, ms->ram);

    if (!memory_region_init_rom(&s->mrom, OBJECT(ms), "riscv_virt_board.mrom",
                                mm[VIRT_MROM].size, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, mm[VIRT_MROM].base, &s->mrom);

    /* Interrupt controllers first: the other devices' lines end there. */
    s->swi = riscv_aclint_swi_create(mm[VIRT_CLINT].base, 0, s->num_harts, errp);
    if (!s->swi) {
        return false;
    }
    s->mtimer = riscv_aclint_mtimer_create(mm[VIRT_CLINT].base + RISCV_ACLINT_SWI_SIZE,
                                           RISCV_ACLINT_DEFAULT_MTIMER_SIZE, 0,
                                           s->num_harts, RISCV_ACLINT_DEFAULT_MTIMECMP,
                                           RISCV_ACLINT_DEFAULT_MTIME, VIRT_TIMEBASE_FREQ,
                                           errp);
    if (!s->mtimer) {
        return false;
    }
    s->plic = sifive_plic_create(mm[VIRT_PLIC].base, s->num_harts, 0,
                                 VIRT_IRQCHIP_NUM_SOURCES, VIRT_IRQCHIP_NUM_PRIORITIES,
                                 mm[VIRT_PLIC].size, errp);
    if (!s->plic) {
        return false;
    }
    plic = SIFIVE_PLIC(s->plic);

    for (unsigned i = 0; i < s->num_harts; i++) {
        DeviceState *cpu = DEVICE(s->harts[i]);
        int m_ctx = sifive_plic_context(plic, i, PLIC_MODE_M);
        int s_ctx = sifive_plic_context(plic, i, PLIC_MODE_S);

        qdev_connect_gpio_out(s->swi, i, qdev_get_gpio_in(cpu, IRQ_M_SOFT));
        qdev_connect_gpio_out(s->mtimer, i, qdev_get_gpio_in(cpu, IRQ_M_TIMER));
        qdev_connect_gpio_out(s->plic, m_ctx, qdev_get_gpio_in(cpu, IRQ_M_EXT));
        qdev_connect_gpio_out(s->plic, s_ctx, qdev_get_gpio_in(cpu, IRQ_S_EXT));
        /* The time CSR (and Sstc) read the ACLINT's mtime. */
        riscv_cpu_set_rdtime_fn(&s->harts[i]->env, riscv_aclint_mtimer_rdtime, s->mtimer);
    }

    s->test = qdev_new(TYPE_SIFIVE_TEST);
    if (!virt_map_sysbus(s->test, mm[VIRT_TEST].base, NULL, errp)) {
        return false;
    }
    s->rtc = qdev_new(TYPE_GOLDFISH_RTC);
    if (!virt_map_sysbus(s->rtc, mm[VIRT_RTC].base,
                         qdev_get_gpio_in(s->plic, VIRT_RTC_IRQ), errp)) {
        return false;
    }
    SerialMM *uart = serial_mm_create(mm[VIRT_UART0].base, 0,
                                      qdev_get_gpio_in(s->plic, VIRT_UART0_IRQ),
                                      VIRT_UART_CLOCK / 16, serial_hd(0), errp);
    if (!uart) {
        return false;
    }
    s->uart = DEVICE(uart);
    for (unsigned i = 0; i < VIRT_VIRTIO_COUNT; i++) {
        s->virtio[i] = qdev_new(TYPE_VIRTIO_MMIO);
        if (!virt_map_sysbus(s->virtio[i], mm[VIRT_VIRTIO].base + i * mm[VIRT_VIRTIO].size,
                             qdev_get_gpio_in(s->plic, VIRT_VIRTIO_IRQ + i), errp)) {
            return false;
        }
    }
    return virt_create_pcie(s, ms, errp);
}

/* A machine reset puts firmware, kernel, initrd, FDT and ROM back as loaded. */
static void virt_reset_images(void *opaque)
{
    RISCVVirtState *s = opaque;

    riscv_boot_reload(&s->boot);
}

static bool virt_boot(RISCVVirtState *s, MachineState *ms, Error **errp)
{
    RISCVBootInfo *info = &s->boot;
    hwaddr start;

    riscv_boot_info_init(info, virt_memmap[VIRT_DRAM].base, ms->ram_size,
                         get_address_space_memory());
    if (!riscv_load_firmware(info, ms->firmware, errp)) {
        return false;
    }
    if (ms->kernel_filename && !riscv_load_kernel(info, ms->kernel_filename, errp)) {
        return false;
    }
    if (ms->initrd_filename) {
        if (!ms->kernel_filename) {
            error_setg(errp, "-initrd needs -kernel");
            return false;
        }
        if (!riscv_load_initrd(info, ms->initrd_filename, errp)) {
            return false;
        }
    }
    if (!virt_fdt_update_chosen(s, errp) || !riscv_load_fdt(info, ms->fdt, errp)) {
        return false;
    }
    ms->fdt_size = fdt_totalsize(ms->fdt);

    /*
     * With firmware the harts enter it (it finds the kernel through
     * fw_dynamic_info); with -bios none they enter the kernel directly.
     */
    if (info->firmware_loaded) {
        start = info->firmware_entry;
    } else if (info->kernel_loaded) {
        start = info->kernel_entry;
    } else {
        start = info->ram_base;
    }
    if (!riscv_setup_rom_reset_vec(info, virt_memmap[VIRT_MROM].base,
                                   virt_memmap[VIRT_MROM].size, start, errp)) {
        return false;
    }
    qemu_register_reset(virt_reset_images, s);
    return true;
}

bool virt_machine_build(MachineState *ms, Error **errp)
{
    RISCVVirtState *s = RISCV_VIRT_MACHINE(ms);
    MachineClass *mc = MACHINE_GET_CLASS(ms);

    s->num_harts = ms->smp.cpus ? ms->smp.cpus : 1;
    if (s->num_harts > VIRT_CPUS_MAX || (mc->max_cpus && s->num_harts > (unsigned)mc->max_cpus)) {
        error_setg(errp, "Invalid SMP CPUs %u. The max CPUs supported by machine 'virt' is %d",
                   s->num_harts, VIRT_CPUS_MAX);
        return false;
    }
    if (ms->ram_size == 0) {
        ms->ram_size = mc->default_ram_size;
    }
    if (ms->ram_size > 1 * TiB) {
        error_setg(errp, "RAM size 0x%" PRIx64 " is too large for machine 'virt'",
                   ms->ram_size);
        return false;
    }
    if (ms->ram && memory_region_size(ms->ram) != ms->ram_size) {
        ms->ram_size = memory_region_size(ms->ram);
    }
    if (!virt_create_harts(s, ms, errp) || !virt_create_devices(s, ms, errp)) {
        return false;
    }
    if (ms->dtb) {
        if (!virt_load_dtb(s, ms->dtb, errp)) {
            return false;
        }
    } else if (!virt_create_fdt(s, errp)) {
        return false;
    }
    return virt_boot(s, ms, errp);
}

static void virt_machine_init(MachineState *ms)
{
    Error *err = NULL;

    if (!virt_machine_build(ms, &err)) {
        error_report_err(err);
        exit(1);
    }
}

static void virt_instance_finalize(Object *obj)
{
    RISCVVirtState *s = RISCV_VIRT_MACHINE(obj);

    riscv_boot_info_cleanup(&s->boot);
}

static void virt_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "virt";
    mc->desc = "RISC-V VirtIO board";
    mc->is_default = true;
    mc->init = virt_machine_init;
    mc->max_cpus = VIRT_CPUS_MAX;
    mc->default_ram_size = VIRT_DEFAULT_RAM;
    mc->default_cpu_type = TYPE_RISCV_CPU_RV64;
    mc->default_accel = "tcg";
    mc->valid_accels = "tcg";
}

static const TypeInfo virt_machine_info = {
    .name = TYPE_RISCV_VIRT_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(RISCVVirtState),
    .desc = "RISC-V VirtIO board",
    .class_init = virt_machine_class_init,
    .instance_finalize = virt_instance_finalize,
};

static void virt_machine_register_types(void)
{
    type_register_static(&virt_machine_info);
}
type_init(virt_machine_register_types)
