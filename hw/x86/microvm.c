/*
 * microvm: the smallest x86 machine, for fast-starting guests: RAM, CPUs,
 * the in-kernel PIC/IOAPIC/LAPIC/PIT, COM1, the RTC and eight virtio-mmio
 * transports; no PCI, no i8042.  Boots a -kernel directly (Multiboot,
 * bzImage, PVH) or a -bios.
 *
 * The transports sit where QEMU's microvm puts them (0xfeb00000, 512 bytes
 * each) on IOAPIC pins 16-23; a Linux kernel learns of them from
 * "virtio_mmio.device=512@ADDR:GSI" on its command line, which we append
 * as QEMU does (Documentation/admin-guide/kernel-parameters.txt), or, when
 * it lacks VIRTIO_MMIO_CMDLINE_DEVICES, from the ACPI DSDT (acpi-microvm.c).
 */
#include "core/osdep.h"
#include "hw/x86/x86.h"
#include "hw/x86/pc-isa.h"
#include "hw/core/sysbus.h"
#include "hw/virtio/virtio-mmio.h"

#define MICROVM_VIRTIO_BASE 0xfeb00000ULL
#define MICROVM_VIRTIO_COUNT 8
#define MICROVM_VIRTIO_GSI 16

static void microvm_init_board(X86MachineState *x86ms)
{
    GString *cmd = g_string_new(NULL);

    pc_isa_devices_init(x86ms, false);
    for (unsigned i = 0; i < MICROVM_VIRTIO_COUNT; i++) {
        DeviceState *dev = qdev_new(TYPE_VIRTIO_MMIO);
        hwaddr base = MICROVM_VIRTIO_BASE + i * VIRTIO_MMIO_SIZE;
        Error *err = NULL;

        if (!qdev_realize_and_unref(dev, NULL, &err)) {
            error_report_err(err);
            exit(1);
        }
        sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, base);
        sysbus_connect_irq(SYS_BUS_DEVICE(dev), 0, x86ms->gsi[MICROVM_VIRTIO_GSI + i]);
        g_string_append_printf(cmd, "%svirtio_mmio.device=512@0x%" PRIx64 ":%u",
                               i ? " " : "", base, MICROVM_VIRTIO_GSI + i);
    }
    x86ms->linux_cmdline_extra = g_string_free(cmd, false);
    /* Kernels without VIRTIO_MMIO_CMDLINE_DEVICES find them in ACPI. */
    if (MACHINE(x86ms)->kernel_filename) {
        x86_acpi_microvm_build(x86ms, MICROVM_VIRTIO_COUNT, MICROVM_VIRTIO_BASE,
                               MICROVM_VIRTIO_GSI);
    }
}

static void microvm_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "microvm";
    mc->desc = "microvm (i386)";
    X86_MACHINE_CLASS(oc)->init_board = microvm_init_board;
}

static const TypeInfo microvm_type = {
    .name = MACHINE_TYPE_NAME("microvm"),
    .parent = TYPE_X86_MACHINE,
    .class_init = microvm_class_init,
};

static void microvm_register_types(void)
{
    type_register_static(&microvm_type);
}

type_init(microvm_register_types)
