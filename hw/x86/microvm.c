/*
 * microvm: the smallest x86 machine, for fast-starting guests: RAM, CPUs,
 * the in-kernel PIC/IOAPIC/LAPIC/PIT, COM1 and the RTC; no PCI, no
 * i8042.  Boots a -kernel directly (Multiboot, bzImage, PVH) or a -bios.
 */
#include "core/osdep.h"
#include "hw/x86/x86.h"
#include "hw/x86/pc-isa.h"

static void microvm_init_board(X86MachineState *x86ms)
{
    pc_isa_devices_init(x86ms, false);
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
