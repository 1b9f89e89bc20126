/*
 * "hotplug" mode of the x86 test kernel: the guest side of ACPI PCI
 * hotplug on the pc machine, done by hand instead of by ACPI tables.  It
 * enables GPE0 bit 1 (the PCI hotplug event), then waits for its status
 * bit (ACPI 6.4 §4.8.1.6), reads the up/down slot bitmaps of the register
 * block at 0xae00 (QEMU docs/specs/acpi_pci_hotplug), enumerates each new
 * device's configuration space through 0xcf8/0xcfc and prints it, and
 * ejects each slot the host asks to remove:
 *
 *   hotplug: ready
 *   hotplug: slot 3 added vendor=1af4 device=1044 class=00ff00
 *   hotplug: slot 3 removal requested
 *   hotplug: slot 3 ejected, config reads ffffffff
 *
 * The status bit is polled (each read is a port I/O exit), so the mode
 * needs no ACPI interpreter and no interrupt routing of its own.
 */
#include "kernel.h"

#define COM1 0x3f8
#define PCIHP_UP 0xae00
#define PCIHP_DOWN 0xae04
#define PCIHP_EJECT 0xae08
#define GPE0_STS 0xafe0
#define GPE0_EN 0xafe2
#define GPE_PCI_HOTPLUG 0x2

void hotplug_main(void);

static void putc_serial(char c)
{
    while (!(inb(COM1 + 5) & 0x20)) {
    }
    outb(COM1, (uint8_t)c);
}

static void puts_serial(const char *s)
{
    while (*s) {
        putc_serial(*s++);
    }
}

static void put_hex(uint32_t v, int digits)
{
    for (int i = digits - 1; i >= 0; i--) {
        putc_serial("0123456789abcdef"[(v >> (i * 4)) & 0xf]);
    }
}

static void put_dec(unsigned v)
{
    char buf[12];
    int n = 0;

    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        putc_serial(buf[--n]);
    }
}

/* Configuration mechanism #1 (PCI Local Bus 3.0 §3.2.2.3.2), bus 0. */
static uint32_t pci_read(unsigned slot, unsigned fn, unsigned off)
{
    outl(0xcf8, 0x80000000u | slot << 11 | fn << 8 | (off & 0xfc));
    return inl(0xcfc);
}

static void slot_added(unsigned slot)
{
    uint32_t id = pci_read(slot, 0, 0), cls = pci_read(slot, 0, 8);

    puts_serial("hotplug: slot ");
    put_dec(slot);
    puts_serial(" added vendor=");
    put_hex(id & 0xffff, 4);
    puts_serial(" device=");
    put_hex(id >> 16, 4);
    puts_serial(" class=");
    put_hex(cls >> 8, 6);
    puts_serial("\n");
}

static void slot_remove(unsigned slot)
{
    puts_serial("hotplug: slot ");
    put_dec(slot);
    puts_serial(" removal requested\n");
    /* What ACPI's _EJ0 does: write the slot's bit to the eject register. */
    outl(PCIHP_EJECT, 1u << slot);
    /* The VMM removes the device from its main loop: wait until it is gone. */
    for (unsigned i = 0; i < 100000000u && pci_read(slot, 0, 0) != 0xffffffffu; i++) {
        __asm__ volatile("pause");
    }
    puts_serial("hotplug: slot ");
    put_dec(slot);
    puts_serial(" ejected, config reads ");
    put_hex(pci_read(slot, 0, 0), 8);
    puts_serial("\n");
}

void hotplug_main(void)
{
    outw(GPE0_STS, 0xffff);              /* clear stale events */
    outw(GPE0_EN, GPE_PCI_HOTPLUG);
    puts_serial("hotplug: ready\n");
    for (;;) {
        uint32_t up, down;

        while (!(inw(GPE0_STS) & GPE_PCI_HOTPLUG)) {
            __asm__ volatile("pause");
        }
        /* Acknowledge first: an event that arrives meanwhile sets it again. */
        outw(GPE0_STS, GPE_PCI_HOTPLUG);
        up = inl(PCIHP_UP);
        down = inl(PCIHP_DOWN);
        for (unsigned slot = 0; slot < 32; slot++) {
            if (up & (1u << slot)) {
                slot_added(slot);
            }
            if (down & (1u << slot)) {
                slot_remove(slot);
            }
        }
    }
}
