/*
 * MP configuration tables (Intel MultiProcessor Specification 1.4, ch. 4):
 * how a kernel finds the other CPUs (to start with INIT/SIPI through its
 * LAPIC), the IOAPIC and the ISA interrupt wiring.  We chose MP tables over
 * an ACPI MADT: they are one small fixed structure, Linux and simple test
 * kernels parse them, and no ACPI tables are needed for anything else yet.
 *
 * The floating pointer sits in the last KiB of base memory (§4.1: searched
 * there), the configuration table below it in the EBDA, both reserved in
 * the e820 map; the BIOS Data Area says where the EBDA is.
 */
#include "core/osdep.h"
#include "hw/x86/x86.h"
#include "hw/x86/piix3.h"

#define MP_SPEC_REV 4                /* 1.4 */
#define MPC_PROCESSOR 0
#define MPC_BUS 1
#define MPC_IOAPIC 2
#define MPC_INTSRC 3
#define MPC_LINTSRC 4
#define MP_INT 0
#define MP_NMI 1
#define MP_EXTINT 3
#define MP_BUS_ISA 0
#define MP_BUS_PCI 1
/* Interrupt entry flags (§4.3.4 table 4-10): PCI INTx through the PIIX3
 * is level-triggered and, as our PIIX3 drives it, active high -- what
 * QEMU's ACPI says of its LNKA-D links. */
#define MP_IRQ_LEVEL_HIGH 0x0d
#define CPU_ENABLED 1
#define CPU_BOOTPROCESSOR 2

static uint8_t checksum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;

    while (n--) {
        sum += *p++;
    }
    return (uint8_t)-sum;
}

static void put16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static uint8_t *intsrc_bus(uint8_t *p, uint8_t type, uint16_t flags, uint8_t bus,
                           uint8_t irq, uint8_t apic, uint8_t pin)
{
    p[0] = MPC_INTSRC;
    p[1] = type;
    put16(p + 2, flags);
    p[4] = bus;
    p[5] = irq;
    p[6] = apic;
    p[7] = pin;
    return p + 8;
}

static uint8_t *intsrc(uint8_t *p, uint8_t type, uint8_t irq, uint8_t apic, uint8_t pin)
{
    p[0] = MPC_INTSRC;
    p[1] = type;
    put16(p + 2, 0);                 /* polarity/trigger: conform to the bus */
    p[4] = MP_BUS_ISA;               /* source bus: ISA */
    p[5] = irq;
    p[6] = apic;
    p[7] = pin;
    return p + 8;
}

void x86_mptable_build(X86MachineState *x86ms, hwaddr addr, hwaddr size)
{
    MachineState *ms = MACHINE(x86ms);
    uint8_t *area = g_malloc0(size);
    uint8_t *fp = area + size - 1024;        /* floating pointer: last KiB */
    uint8_t *cfg = area, *p = cfg + 44;
    uint8_t ioapic_id = 0;
    uint16_t count = 0;
    uint8_t *bda = g_malloc0(0x20);

    /* Processor entries (§4.3.1): one per CPU, the BSP flagged. */
    for (unsigned i = 0; i < ms->smp.cpus; i++) {
        X86CPU *cpu = x86ms->cpus[i];

        assert(p + 20 <= fp);
        p[0] = MPC_PROCESSOR;
        p[1] = (uint8_t)cpu->apic_id;
        p[2] = 0x14;                         /* LAPIC version (integrated) */
        p[3] = CPU_ENABLED | (i == 0 ? CPU_BOOTPROCESSOR : 0);
        put32(p + 4, 0x600);                 /* family 6 signature */
        put32(p + 8, (1u << 0) | (1u << 9)); /* FPU, APIC */
        p += 20;
        count++;
        ioapic_id = MAX(ioapic_id, (uint8_t)(cpu->apic_id + 1));
    }
    /* Bus entry (§4.3.2): one ISA bus, id 0. */
    p[0] = MPC_BUS;
    p[1] = MP_BUS_ISA;
    memcpy(p + 2, "ISA   ", 6);
    p += 8;
    count++;
    if (x86ms->pci_intx_routed) {
        /* pc: pci.0 as bus 1, so its INTx entries below can name it. */
        p[0] = MPC_BUS;
        p[1] = MP_BUS_PCI;
        memcpy(p + 2, "PCI   ", 6);
        p += 8;
        count++;
    }
    /* I/O APIC (§4.3.3), with an ID no CPU has. */
    p[0] = MPC_IOAPIC;
    p[1] = ioapic_id;
    p[2] = 0x11;
    p[3] = 1;                                /* enabled */
    put32(p + 4, (uint32_t)X86_IOAPIC_BASE);
    p += 8;
    count++;
    /* I/O interrupt assignments (§4.3.4): ISA IRQ n -> pin n, except the
     * PIT's IRQ 0 on pin 2 (pin 0 carries the 8259's ExtINT).  Pins 16-23
     * (microvm's virtio-mmio lines) are listed as bus-0 IRQs 16-23 too, as
     * Firecracker does, so a kernel in MP mode knows how to program them. */
    p = intsrc(p, MP_EXTINT, 0, ioapic_id, 0);
    count++;
    for (int irq = 0; irq < X86_GSI_COUNT; irq++) {
        if (irq == 2) {
            continue;
        }
        p = intsrc(p, MP_INT, (uint8_t)irq, ioapic_id, irq == 0 ? 2 : (uint8_t)irq);
        count++;
    }
    /* Local interrupts (§4.3.5): ExtINT on LINT0, NMI on LINT1 of all CPUs. */
    for (int lint = 0; lint < 2; lint++) {
        p[0] = MPC_LINTSRC;
        p[1] = lint ? MP_NMI : MP_EXTINT;
        put16(p + 2, 0);
        p[4] = 0;
        p[5] = 0;
        p[6] = 0xff;
        p[7] = (uint8_t)lint;
        p += 8;
        count++;
    }
    /*
     * PCI INTx (§D.3): source IRQ = slot << 2 | pin (INTA# = 0), landing on
     * the IOAPIC pin of the ISA IRQ its PIRQ is routed to.  Slots 2-31 take
     * 960 bytes; with many CPUs (each 20 bytes) the last slots are left
     * out rather than overflow the 3 KiB below the floating pointer.
     */
    for (unsigned slot = 2; x86ms->pci_intx_routed && slot < 32; slot++) {
        if (p + 4 * 8 > fp) {
            break;
        }
        for (unsigned pin = 0; pin < 4; pin++) {
            p = intsrc_bus(p, MP_INT, MP_IRQ_LEVEL_HIGH, MP_BUS_PCI,
                           (uint8_t)(slot << 2 | pin), ioapic_id,
                           piix3_firmware_pirq[piix3_slot_pirq(slot, pin)]);
            count++;
        }
    }
    /* 128 CPUs (the machines' limit) need 2.8 KiB of the 3 KiB below fp. */
    assert(p <= fp);
    /* Configuration table header (§4.2). */
    memcpy(cfg, "PCMP", 4);
    put16(cfg + 4, (uint16_t)(p - cfg));
    cfg[6] = MP_SPEC_REV;
    memcpy(cfg + 8, "MACHINA ", 8);
    memcpy(cfg + 16, "KVM VIRT PC ", 12);
    put16(cfg + 34, count);
    put32(cfg + 36, APIC_DEFAULT_ADDRESS);
    cfg[7] = checksum(cfg, p - cfg);
    /* Floating pointer structure (§4.1). */
    memcpy(fp, "_MP_", 4);
    put32(fp + 4, (uint32_t)addr);
    fp[8] = 1;                               /* length in 16-byte units */
    fp[9] = MP_SPEC_REV;
    fp[10] = checksum(fp, 16);
    x86_boot_blob_add(x86ms, addr, area, size);
    /* BIOS Data Area: EBDA segment at 0x40e, base memory KiB at 0x413. */
    put16(bda + 0x0e, (uint16_t)(addr >> 4));
    put16(bda + 0x13, (uint16_t)(addr / KiB));
    x86_boot_blob_add(x86ms, 0x400, bda, 0x20);
}
