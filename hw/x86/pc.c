/*
 * pc: the i440FX/PIIX-style PC: everything microvm has, plus the i8042
 * (reset through port 0x64) and a PCI host bridge with configuration
 * mechanism #1 at 0xcf8/0xcfc and the host bridge at 00.0, where
 * virtio-pci devices plug in, and ACPI PCI hotplug on pci.0 (the PIIX4
 * PM function's register block, piix4-pcihp.c) for device_add/device_del.
 */
#include "core/osdep.h"
#include "hw/x86/x86.h"
#include "hw/x86/pc-isa.h"
#include "hw/pci/pci-host-pc.h"
#include "hw/pci/pci-bus-pc.h"
#include "hw/x86/piix4-pcihp.h"
#include "hw/x86/piix3.h"

/* Direct kernel boot: the machine is the firmware and routes PIRQA-D as
 * the MP table says (a -bios firmware reprograms them anyway). */
static void pc_pirq_reset(void *opaque)
{
    piix3_set_firmware_routing(opaque);
}

static void pc_init_board(X86MachineState *x86ms)
{
    Error *err = NULL;
    DeviceState *host = qdev_new(TYPE_PC_PCI_HOST);
    DeviceState *pcihp = qdev_new(TYPE_PIIX4_PCIHP);
    DeviceState *piix3;
    PCIBus *bus;

    pc_isa_devices_init(x86ms, true);
    if (!qdev_realize_and_unref(host, NULL, &err) ||
        !(bus = pc_pci_bus_create(PC_PCI_HOST(host), &err)) ||
        !qdev_realize_and_unref(pcihp, NULL, &err)) {
        error_report_err(err);
        exit(1);
    }
    /* MSI-X vectors as KVM MSI routes (irqfd); INTx through the PIIX3. */
    pci_bus_set_msi_ops(bus, &x86_pci_msi_route_ops, x86ms);
    piix3 = qdev_new(TYPE_PIIX3);
    if (!object_property_parse(OBJECT(piix3), "addr", "01.0", &err) ||
        !qdev_realize_and_unref(piix3, BUS(bus), &err)) {
        error_report_err(err);
        exit(1);
    }
    qemu_register_reset(pc_pirq_reset, piix3);
    x86ms->pci_intx_routed = true;
    piix4_pcihp_attach(PIIX4_PCIHP(pcihp), bus);
}

static void pc_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "pc-i440fx-7.2";
    mc->alias = "pc";
    mc->desc = "Standard PC (i440FX + PIIX, 1996)";
    mc->is_default = true;
    X86_MACHINE_CLASS(oc)->init_board = pc_init_board;
}

static const TypeInfo pc_type = {
    .name = MACHINE_TYPE_NAME("pc-i440fx-7.2"),
    .parent = TYPE_X86_MACHINE,
    .class_init = pc_class_init,
};

static void pc_register_types(void)
{
    type_register_static(&pc_type);
}

type_init(pc_register_types)
