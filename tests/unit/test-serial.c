/*
 * 16550A: register semantics, FIFOs, interrupt identification order, the
 * THRE interrupt as Linux's 8250 driver probes it, loopback, and the
 * chardev path (output with retry, input paced by can_read).
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "hw/char/serial-mm.h"
#include "tests/unit/unit.h"

enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4,
       LSR = 5, MSR = 6, SCR = 7 };

typedef struct SerialFixture {
    DeviceState *dev;
    MemoryRegion *mr;
    unsigned regshift;
    qemu_irq irq;
    int level;
} SerialFixture;

static void record_level(void *opaque, int n, int level)
{
    ((SerialFixture *)opaque)->level = level;
}

static void serial_setup(SerialFixture *f, unsigned regshift, Chardev *chr)
{
    Error *err = NULL;

    memset(f, 0, sizeof(*f));
    f->regshift = regshift;
    f->dev = qdev_new(TYPE_SERIAL_MM);
    CHECK(object_property_set_uint(OBJECT(f->dev), "regshift", regshift, &err));
    if (chr) {
        CHECK(object_property_set_link(OBJECT(f->dev), "chardev", OBJECT(chr), &err));
    }
    CHECK(qdev_realize(f->dev, NULL, &err));
    f->irq = qemu_allocate_irq(record_level, f, 0);
    sysbus_connect_irq(SYS_BUS_DEVICE(f->dev), 0, f->irq);
    device_cold_reset(f->dev);
    f->mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(f->dev), 0);
}

static void serial_teardown(SerialFixture *f)
{
    object_unparent(OBJECT(f->dev));
    object_unref(OBJECT(f->dev));
    qemu_free_irq(f->irq);
}

static uint8_t rd(SerialFixture *f, unsigned reg)
{
    uint64_t v = 0xdead;

    CHECK_EQ(memory_region_dispatch_read(f->mr, reg << f->regshift, &v, 1,
                                         MEMTXATTRS_UNSPECIFIED), MEMTX_OK);
    CHECK(v <= 0xff);
    return v;
}

static void wr(SerialFixture *f, unsigned reg, uint8_t v)
{
    CHECK_EQ(memory_region_dispatch_write(f->mr, reg << f->regshift, v, 1,
                                          MEMTXATTRS_UNSPECIFIED), MEMTX_OK);
}

UNIT_TEST(serial_reset_values)
{
    SerialFixture f;

    serial_setup(&f, 0, NULL);
    CHECK_EQ(rd(&f, LSR), 0x60);           /* THRE | TEMT */
    CHECK_EQ(rd(&f, IIR), 0x01);           /* no interrupt, FIFOs off */
    CHECK_EQ(rd(&f, IER), 0x00);
    CHECK_EQ(rd(&f, LCR), 0x00);
    CHECK_EQ(rd(&f, MCR), 0x08);           /* OUT2 */
    CHECK_EQ(rd(&f, MSR) & 0xf0, 0xb0);    /* DCD | DSR | CTS */
    CHECK_EQ(f.level, 0);
    serial_teardown(&f);
}

UNIT_TEST(serial_divisor_latch_and_scratch)
{
    SerialFixture f;

    serial_setup(&f, 0, NULL);
    wr(&f, LCR, 0x83);                     /* DLAB, 8N1 */
    wr(&f, DLL, 0x0c);
    wr(&f, DLM, 0x01);
    CHECK_EQ(rd(&f, DLL), 0x0c);
    CHECK_EQ(rd(&f, DLM), 0x01);
    wr(&f, LCR, 0x03);
    CHECK_EQ(rd(&f, IER), 0x00);           /* IER, not DLM, with DLAB clear */
    CHECK_EQ(SERIAL_MM(f.dev)->serial.divider, 0x10c);
    wr(&f, SCR, 0x5a);
    CHECK_EQ(rd(&f, SCR), 0x5a);
    wr(&f, LCR, 0x1b);
    CHECK_EQ(rd(&f, LCR), 0x1b);
    serial_teardown(&f);
}

UNIT_TEST(serial_thre_interrupt_as_linux_probes_it)
{
    SerialFixture f;

    serial_setup(&f, 0, NULL);
    /* Enabling ETBEI with THR empty raises THRE at once (UART_BUG_TXEN test). */
    wr(&f, IER, 0x02);
    CHECK_EQ(f.level, 1);
    CHECK_EQ(rd(&f, IIR), 0x02);
    /* Reading IIR while it says THRE clears that interrupt. */
    CHECK_EQ(f.level, 0);
    CHECK_EQ(rd(&f, IIR), 0x01);
    /* Re-enabling re-asserts it (UART_BUG_THRE test). */
    wr(&f, IER, 0x00);
    wr(&f, IER, 0x02);
    CHECK_EQ(rd(&f, IIR), 0x02);
    /* A THR write clears it; the byte leaves at once and THRE comes back. */
    wr(&f, IER, 0x00);
    wr(&f, IER, 0x02);
    CHECK_EQ(f.level, 1);
    wr(&f, THR, 'x');
    CHECK_EQ(rd(&f, LSR) & 0x60, 0x60);
    CHECK_EQ(f.level, 1);
    CHECK_EQ(rd(&f, IIR), 0x02);
    CHECK_EQ(f.level, 0);
    wr(&f, IER, 0x00);
    CHECK_EQ(f.level, 0);
    serial_teardown(&f);
}

UNIT_TEST(serial_loopback_non_fifo)
{
    SerialFixture f;

    serial_setup(&f, 0, NULL);
    /* Loopback wiring (PC16550D §8.6.4) as Linux's autoconfig checks it. */
    wr(&f, MCR, 0x10 | 0x0a);              /* LOOP | RTS | OUT2 */
    CHECK_EQ(rd(&f, MSR) & 0xf0, 0x90);    /* DCD | CTS */
    wr(&f, MCR, 0x10 | 0x05);              /* LOOP | DTR | OUT1 */
    CHECK_EQ(rd(&f, MSR) & 0xf0, 0x60);    /* RI | DSR */

    wr(&f, IER, 0x01);
    wr(&f, THR, 'A');
    CHECK_EQ(rd(&f, LSR), 0x61);           /* DR | THRE | TEMT */
    CHECK_EQ(f.level, 1);
    CHECK_EQ(rd(&f, IIR), 0x04);
    CHECK_EQ(rd(&f, RBR), 'A');
    CHECK_EQ(rd(&f, LSR), 0x60);
    CHECK_EQ(f.level, 0);

    /* Two bytes without reading: overrun, RBR holds the newer one. */
    wr(&f, THR, '1');
    wr(&f, THR, '2');
    wr(&f, IER, 0x05);
    CHECK_EQ(rd(&f, IIR), 0x06);           /* line status beats data */
    CHECK_EQ(rd(&f, LSR), 0x63);           /* OE | DR | THRE | TEMT */
    CHECK_EQ(rd(&f, LSR), 0x61);           /* OE cleared by the read */
    CHECK_EQ(rd(&f, IIR), 0x04);
    CHECK_EQ(rd(&f, RBR), '2');
    CHECK_EQ(f.level, 0);
    serial_teardown(&f);
}

UNIT_TEST(serial_fifo_trigger_level_and_order)
{
    SerialFixture f;

    serial_setup(&f, 0, NULL);
    wr(&f, FCR, 0x47);                     /* enable, clear both, trigger 4 */
    CHECK_EQ(rd(&f, IIR) & 0xc0, 0xc0);    /* "16550A": FIFOs enabled */
    wr(&f, MCR, 0x10);
    wr(&f, IER, 0x01);
    wr(&f, THR, 'a');
    wr(&f, THR, 'b');
    wr(&f, THR, 'c');
    CHECK_EQ(rd(&f, LSR) & 0x01, 0x01);
    CHECK_EQ(rd(&f, IIR), 0xc1);           /* below the trigger level */
    CHECK_EQ(f.level, 0);
    wr(&f, THR, 'd');
    CHECK_EQ(rd(&f, IIR), 0xc4);
    CHECK_EQ(f.level, 1);
    CHECK_EQ(rd(&f, RBR), 'a');
    CHECK_EQ(f.level, 0);                  /* 3 left: below the trigger again */
    CHECK_EQ(rd(&f, RBR), 'b');
    CHECK_EQ(rd(&f, RBR), 'c');
    CHECK_EQ(rd(&f, RBR), 'd');
    CHECK_EQ(rd(&f, LSR) & 0x01, 0);

    /* 17 bytes into a 16-byte FIFO: overrun, the first 16 survive. */
    for (int i = 0; i < 17; i++) {
        wr(&f, THR, 'A' + i);
    }
    CHECK_EQ(rd(&f, LSR) & 0x03, 0x03);
    for (int i = 0; i < 16; i++) {
        CHECK_EQ(rd(&f, RBR), 'A' + i);
    }
    CHECK_EQ(rd(&f, LSR) & 0x01, 0);

    /* FCR bit 1 empties the receive FIFO. */
    wr(&f, THR, 'z');
    CHECK_EQ(rd(&f, LSR) & 0x01, 0x01);
    wr(&f, FCR, 0x43);
    CHECK_EQ(rd(&f, LSR) & 0x01, 0);
    serial_teardown(&f);
}

UNIT_TEST(serial_fifo_character_timeout)
{
    SerialFixture f;

    serial_setup(&f, 0, NULL);
    wr(&f, LCR, 0x83);
    wr(&f, DLL, 1);                        /* fastest rate: short timeout */
    wr(&f, LCR, 0x03);
    wr(&f, FCR, 0xc7);                     /* trigger 14 */
    wr(&f, MCR, 0x10);
    wr(&f, IER, 0x01);
    wr(&f, THR, 'q');
    CHECK_EQ(rd(&f, IIR), 0xc1);
    int64_t deadline = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 5 * NANOSECONDS_PER_SECOND;
    while (!f.level && qemu_clock_get_ns(QEMU_CLOCK_REALTIME) < deadline) {
        event_loop_run_once(main_loop_get(), true);
    }
    CHECK_EQ(f.level, 1);
    CHECK_EQ(rd(&f, IIR), 0xcc);           /* character timeout */
    CHECK_EQ(rd(&f, RBR), 'q');
    CHECK_EQ(rd(&f, IIR), 0xc1);
    CHECK_EQ(f.level, 0);
    serial_teardown(&f);
}

UNIT_TEST(serial_interrupt_priority)
{
    SerialFixture f;

    serial_setup(&f, 0, NULL);
    wr(&f, MCR, 0x10);
    rd(&f, MSR);                           /* entering loopback changed the lines */
    wr(&f, THR, '1');
    wr(&f, THR, '2');                      /* overrun: OE, DR */
    wr(&f, IER, 0x0f);                     /* everything */
    CHECK_EQ(rd(&f, IIR), 0x06);           /* 1: receiver line status */
    rd(&f, LSR);
    CHECK_EQ(rd(&f, IIR), 0x04);           /* 2: received data */
    rd(&f, RBR);
    CHECK_EQ(rd(&f, IIR), 0x02);           /* 3: THR empty (cleared by this read) */
    wr(&f, MCR, 0x11);                     /* DTR on: DSR changes in loopback */
    CHECK_EQ(rd(&f, IIR), 0x00);           /* 4: modem status */
    CHECK_EQ(f.level, 1);
    CHECK_EQ(rd(&f, MSR) & 0x0f, 0x02);    /* DDSR; cleared by the read */
    CHECK_EQ(rd(&f, IIR), 0x01);
    CHECK_EQ(f.level, 0);
    serial_teardown(&f);
}

UNIT_TEST(serial_regshift_and_wide_access)
{
    SerialFixture f;
    uint64_t v = 0;

    serial_setup(&f, 2, NULL);
    CHECK_EQ(memory_region_size(f.mr), 32);
    wr(&f, SCR, 0xa5);                     /* at offset 28 */
    CHECK_EQ(rd(&f, SCR), 0xa5);
    CHECK_EQ(rd(&f, LSR), 0x60);
    /* 32-bit access, as reg-io-width = 4 drivers do. */
    CHECK_EQ(memory_region_dispatch_read(f.mr, LSR << 2, &v, 4, MEMTXATTRS_UNSPECIFIED),
             MEMTX_OK);
    CHECK_EQ(v, 0x60);
    serial_teardown(&f);
}

UNIT_TEST(serial_bad_regshift_is_an_error)
{
    Error *err = NULL;
    DeviceState *dev = qdev_new(TYPE_SERIAL_MM);

    CHECK(object_property_set_uint(OBJECT(dev), "regshift", 4, &err));
    CHECK(!qdev_realize(dev, NULL, &err));
    CHECK(strstr(error_get_pretty(err), "regshift") != NULL);
    error_free(err);
    object_unref(OBJECT(dev));
}
