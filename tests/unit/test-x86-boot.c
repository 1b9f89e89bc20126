/*
 * x86 machine pieces without KVM: the e820 table, and the PC's port I/O
 * devices driven through the system I/O address space as a guest would:
 * PCI configuration mechanism #1, the CMOS RTC, i8042 reset and
 * isa-debug-exit.
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "hw/core/machine.h"
#include "hw/core/qdev.h"
#include "hw/x86/e820.h"
#include "hw/pci/pci-host-pc.h"
#include "unit.h"

#include <time.h>

UNIT_TEST(e820_sorted_merged_no_overlap)
{
    E820Table t = { 0 };

    CHECK(e820_add(&t, 0x100000, 0x100000, E820_RAM));
    CHECK(e820_add(&t, 0, 0x9f000, E820_RAM));
    CHECK(e820_add(&t, 0x9f000, 0x1000, E820_RESERVED));
    CHECK_EQ(t.nr, 3);
    CHECK_EQ(t.e[0].addr, 0);
    CHECK_EQ(t.e[1].type, E820_RESERVED);
    /* Touching RAM merges; overlap is refused. */
    CHECK(e820_add(&t, 0x200000, 0x100000, E820_RAM));
    CHECK_EQ(t.nr, 3);
    CHECK_EQ(t.e[2].size, 0x200000);
    CHECK(!e820_add(&t, 0x1ff000, 0x2000, E820_RESERVED));
    CHECK(!e820_add(&t, 0x5000, 0, E820_RAM));
    CHECK_EQ(e820_total(&t, E820_RAM), 0x9f000 + 0x200000);
    CHECK(e820_is_ram(&t, 0x100000, 0x200000));
    CHECK(!e820_is_ram(&t, 0x100000, 0x200001));
    CHECK(!e820_is_ram(&t, 0x9f000, 1));
    /* A gap filled between two RAM ranges joins all three. */
    CHECK(e820_add(&t, 0xa0000, 0x60000, E820_RAM));
    CHECK_EQ(t.nr, 3);
    CHECK_EQ(t.e[2].addr, 0xa0000);
    CHECK_EQ(t.e[2].size, 0x260000);
}

static void outl(uint16_t port, uint32_t v)
{
    address_space_write(get_address_space_io(), port, MEMTXATTRS_UNSPECIFIED, &v, 4);
}

static void outb(uint16_t port, uint8_t v)
{
    address_space_write(get_address_space_io(), port, MEMTXATTRS_UNSPECIFIED, &v, 1);
}

static uint32_t inl(uint16_t port)
{
    uint32_t v = 0;

    address_space_read(get_address_space_io(), port, MEMTXATTRS_UNSPECIFIED, &v, 4);
    return v;
}

static uint16_t inw(uint16_t port)
{
    uint16_t v = 0;

    address_space_read(get_address_space_io(), port, MEMTXATTRS_UNSPECIFIED, &v, 2);
    return v;
}

static uint8_t inb(uint16_t port)
{
    uint8_t v = 0;

    address_space_read(get_address_space_io(), port, MEMTXATTRS_UNSPECIFIED, &v, 1);
    return v;
}

static uint32_t fake_read(void *opaque, uint8_t off, unsigned size)
{
    return off == 0 ? 0x10001af4 : 0;
}

static void fake_write(void *opaque, uint8_t off, uint32_t val, unsigned size)
{
    *(uint32_t *)opaque = val;
}

static const PCIConfigOps fake_ops = { fake_read, fake_write };

UNIT_TEST(pci_config_mechanism_1)
{
    DeviceState *dev = qdev_new(TYPE_PC_PCI_HOST);
    Error *err = NULL;
    uint32_t written = 0;

    CHECK(qdev_realize(dev, NULL, &err));
    outl(0xcf8, 0x80000000);                 /* 00.0 register 0 */
    CHECK_EQ(inl(0xcfc), 0x12378086);
    outl(0xcf8, 0x80000008);
    CHECK_EQ(inl(0xcfc) >> 16, 0x0600);      /* class: host bridge */
    CHECK_EQ(inw(0xcfe), 0x0600);            /* sub-dword access at 0xcfe */
    outl(0xcf8, 0x80000800);                 /* 01.0: empty */
    CHECK_EQ(inl(0xcfc), 0xffffffff);
    outl(0xcf8, 0x00000000);                 /* enable bit clear */
    CHECK_EQ(inl(0xcfc), 0xffffffff);
    CHECK_EQ(inl(0xcf8), 0);
    /* A device attached at 02.0 answers; its slot cannot be taken twice. */
    CHECK(pc_pci_host_attach(PC_PCI_HOST(dev), 2 << 3, &fake_ops, &written, &err));
    CHECK(!pc_pci_host_attach(PC_PCI_HOST(dev), 2 << 3, &fake_ops, &written, &err));
    error_free(err);
    err = NULL;
    CHECK(!pc_pci_host_attach(PC_PCI_HOST(dev), 0, &fake_ops, &written, &err));
    error_free(err);
    err = NULL;
    outl(0xcf8, 0x80001000);
    CHECK_EQ(inl(0xcfc), 0x10001af4);
    outl(0xcf8, 0x80001004);
    outl(0xcfc, 0x7);
    CHECK_EQ(written, 7);
    /* Read-only bridge fields ignore writes; the command register takes them. */
    outl(0xcf8, 0x80000000);
    outl(0xcfc, 0);
    CHECK_EQ(inl(0xcfc), 0x12378086);
    outl(0xcf8, 0x80000004);
    outl(0xcfc, 0x0000);
    CHECK_EQ(inl(0xcfc) & 0xffff, 0);
    qdev_unrealize(dev);
    object_unref(OBJECT(dev));
}

static int bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 0xf);
}

UNIT_TEST(rtc_time_bcd_and_binary)
{
    DeviceState *dev = qdev_new("mc146818rtc");
    Error *err = NULL;
    time_t now = time(NULL);
    struct tm tm;
    int year;

    CHECK(qdev_realize(dev, NULL, &err));
    gmtime_r(&now, &tm);
    outb(0x70, 0x0b);
    CHECK_EQ(inb(0x71), 0x02);               /* 24h, BCD */
    outb(0x70, 0x0d);
    CHECK_EQ(inb(0x71), 0x80);               /* valid RAM and time */
    outb(0x70, 0x09);
    year = bcd(inb(0x71));
    outb(0x70, 0x32);
    year += 100 * bcd(inb(0x71));
    CHECK_EQ(year, tm.tm_year + 1900);
    outb(0x70, 0x08);
    CHECK_EQ(bcd(inb(0x71)), tm.tm_mon + 1);
    /* Binary mode, then set the year through SET mode. */
    outb(0x70, 0x0b);
    outb(0x71, 0x86);                        /* SET, binary, 24h */
    outb(0x70, 0x09);
    outb(0x71, 42);
    outb(0x70, 0x0b);
    outb(0x71, 0x06);
    outb(0x70, 0x09);
    CHECK_EQ(inb(0x71), 42);
    /* Ordinary CMOS bytes are storage. */
    outb(0x70, 0x40);
    outb(0x71, 0xa5);
    CHECK_EQ(inb(0x71), 0xa5);
    qdev_unrealize(dev);
    object_unref(OBJECT(dev));
}

UNIT_TEST(i8042_reset_and_debug_exit)
{
    DeviceState *kbd = qdev_new("i8042");
    DeviceState *dbg = qdev_new("isa-debug-exit");
    DeviceState *dbg2 = qdev_new("isa-debug-exit");
    Error *err = NULL;
    int status = -1;

    CHECK(qdev_realize(kbd, NULL, &err));
    outb(0x64, 0xaa);                        /* self test */
    CHECK(inb(0x64) & 0x01);
    CHECK_EQ(inb(0x60), 0x55);
    CHECK(!(inb(0x64) & 0x01));
    CHECK_EQ(qemu_reset_requested(), SHUTDOWN_CAUSE_NONE);
    outb(0x64, 0xfe);                        /* pulse reset */
    CHECK_EQ(qemu_reset_requested(), SHUTDOWN_CAUSE_GUEST_RESET);
    outb(0x64, 0xd1);                        /* write output port, reset low */
    outb(0x60, 0x00);
    CHECK_EQ(qemu_reset_requested(), SHUTDOWN_CAUSE_GUEST_RESET);

    qdev_prop_set_uint32(dbg, "iobase", 0xf4);
    qdev_prop_set_uint32(dbg, "iosize", 4);
    CHECK(qdev_realize(dbg, NULL, &err));
    outl(0xf4, 0x10);
    CHECK_EQ(qemu_shutdown_requested(&status), SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    CHECK_EQ(status, 0x21);
    /* Overlapping ports are refused with an error, not a crash. */
    qdev_prop_set_uint32(dbg2, "iobase", 0xf6);
    CHECK(!qdev_realize(dbg2, NULL, &err));
    CHECK(strstr(error_get_pretty(err), "already in use"));
    error_free(err);
    err = NULL;
    qdev_prop_set_uint32(dbg2, "iobase", 0xfffe);
    qdev_prop_set_uint32(dbg2, "iosize", 4);
    CHECK(!qdev_realize(dbg2, NULL, &err));
    error_free(err);
    object_unref(OBJECT(dbg2));
    qdev_unrealize(dbg);
    object_unref(OBJECT(dbg));
    qdev_unrealize(kbd);
    object_unref(OBJECT(kbd));
}
