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

/* batch: the device's x-tx-batch (output reaches the chardev in batches). */
static void serial_setup_batch(SerialFixture *f, unsigned regshift, Chardev *chr, bool batch)
{
    Error *err = NULL;

    memset(f, 0, sizeof(*f));
    f->regshift = regshift;
    f->dev = qdev_new(TYPE_SERIAL_MM);
    CHECK(object_property_set_uint(OBJECT(f->dev), "regshift", regshift, &err));
    CHECK(object_property_set_bool(OBJECT(f->dev), "x-tx-batch", batch, &err));
    if (chr) {
        CHECK(object_property_set_link(OBJECT(f->dev), "chardev", OBJECT(chr), &err));
    }
    CHECK(qdev_realize(f->dev, NULL, &err));
    f->irq = qemu_allocate_irq(record_level, f, 0);
    sysbus_connect_irq(SYS_BUS_DEVICE(f->dev), 0, f->irq);
    device_cold_reset(f->dev);
    f->mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(f->dev), 0);
}

static void serial_setup(SerialFixture *f, unsigned regshift, Chardev *chr)
{
    serial_setup_batch(f, regshift, chr, false);
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

/* ---- through a chardev ---- */

static Chardev *chardev_new(const char *id, const char *backend)
{
    Error *err = NULL;
    GPtrArray *keys = g_ptr_array_new(), *values = g_ptr_array_new();
    Chardev *chr = qemu_chardev_new(id, backend, keys, values, &err);

    if (!chr) {
        unit_fail(__FILE__, __LINE__, "chardev %s: %s", backend, error_get_pretty(err));
    }
    g_ptr_array_free(keys, true);
    g_ptr_array_free(values, true);
    return chr;
}

static void chardev_delete(const char *id)
{
    Error *err = NULL;

    CHECK(qemu_chr_delete(id, &err));
}

static GString *ringbuf_take(Chardev *chr)
{
    uint8_t buf[256];
    int64_t n = qemu_chr_ringbuf_read(chr, buf, sizeof(buf), NULL);
    GString *s = g_string_new(NULL);

    CHECK(n >= 0);
    g_string_append_len(s, (const char *)buf, n);
    return s;
}

UNIT_TEST(serial_output_reaches_the_chardev)
{
    SerialFixture f;
    Chardev *chr = chardev_new("ser-out", "ringbuf");

    serial_setup(&f, 0, chr);
    wr(&f, THR, 'h');                      /* non-FIFO mode */
    wr(&f, FCR, 0x07);                     /* FIFO mode */
    wr(&f, THR, 'i');
    wr(&f, THR, '!');
    CHECK_EQ(rd(&f, LSR) & 0x60, 0x60);
    g_autoptr(GString) got = ringbuf_take(chr);
    CHECK_STREQ(got->str, "hi!");
    /* Loopback output stays inside the UART. */
    wr(&f, MCR, 0x10);
    wr(&f, THR, 'x');
    g_autoptr(GString) none = ringbuf_take(chr);
    CHECK_EQ(none->len, 0);
    CHECK_EQ(rd(&f, RBR), 'x');
    serial_teardown(&f);
    chardev_delete("ser-out");
}

UNIT_TEST(serial_input_is_paced_by_can_read)
{
    SerialFixture f;
    Chardev *chr = chardev_new("ser-in", "ringbuf");

    serial_setup(&f, 0, chr);
    wr(&f, IER, 0x01);
    /* Non-FIFO: one byte at a time. */
    CHECK_EQ(qemu_chr_be_can_write(chr), 1);
    qemu_chr_be_write(chr, (const uint8_t *)"k", 1);
    CHECK_EQ(qemu_chr_be_can_write(chr), 0);
    CHECK_EQ(f.level, 1);
    CHECK_EQ(rd(&f, RBR), 'k');
    CHECK_EQ(qemu_chr_be_can_write(chr), 1);
    CHECK_EQ(f.level, 0);

    /* FIFO: room for 16; reading makes room again. */
    wr(&f, FCR, 0xc7);
    CHECK_EQ(qemu_chr_be_can_write(chr), 16);
    qemu_chr_be_write(chr, (const uint8_t *)"0123456789abcdef", 16);
    CHECK_EQ(qemu_chr_be_can_write(chr), 0);
    CHECK_EQ(rd(&f, LSR) & 0x03, 0x01);    /* data, no overrun */
    CHECK_EQ(rd(&f, IIR), 0xc4);           /* 16 >= trigger level 14 */
    CHECK_EQ(rd(&f, RBR), '0');
    CHECK_EQ(qemu_chr_be_can_write(chr), 1);
    for (const char *p = "123456789abcdef"; *p; p++) {
        CHECK_EQ(rd(&f, RBR), *p);
    }
    CHECK_EQ(qemu_chr_be_can_write(chr), 16);
    CHECK_EQ(rd(&f, LSR) & 0x01, 0);

    /* A break: BI with a zero character, reported as line status. */
    wr(&f, IER, 0x05);
    qemu_chr_be_event(chr, CHR_EVENT_BREAK);
    CHECK_EQ(rd(&f, IIR), 0xc6);
    CHECK_EQ(rd(&f, LSR) & 0x11, 0x11);
    CHECK_EQ(rd(&f, RBR), 0);
    serial_teardown(&f);
    chardev_delete("ser-in");
}

/*
 * A backend that refuses output until it is given a budget: the UART must
 * hold the bytes (THRE/TEMT clear) and deliver them, in order, later.
 */
typedef struct BusyChardev {
    Chardev parent_obj;
    int budget;
    GString *got;
} BusyChardev;

#define TYPE_CHARDEV_BUSYTEST "chardev-busytest"

static bool busy_open(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp)
{
    ((BusyChardev *)chr)->got = g_string_new(NULL);
    return true;
}

static int busy_write(Chardev *chr, const uint8_t *buf, int len)
{
    BusyChardev *b = (BusyChardev *)chr;
    int n = MIN(len, b->budget);

    if (n == 0) {
        errno = EAGAIN;
        return -1;
    }
    b->budget -= n;
    g_string_append_len(b->got, (const char *)buf, n);
    return n;
}

static void busy_finalize(Object *obj)
{
    BusyChardev *b = (BusyChardev *)obj;

    if (b->got) {
        g_string_free(b->got, true);
    }
}

static void busy_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend_name = "busytest";
    cc->open = busy_open;
    cc->chr_write = busy_write;
}

static const TypeInfo busy_info = {
    .name = TYPE_CHARDEV_BUSYTEST,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(BusyChardev),
    .class_init = busy_class_init,
    .instance_finalize = busy_finalize,
};

static void busy_register(void)
{
    type_register_static(&busy_info);
}
type_init(busy_register)

UNIT_TEST(serial_busy_backend_loses_nothing)
{
    SerialFixture f;
    Chardev *chr = chardev_new("ser-busy", "busytest");
    BusyChardev *b = (BusyChardev *)chr;

    serial_setup(&f, 0, chr);
    wr(&f, FCR, 0x07);
    wr(&f, IER, 0x02);
    rd(&f, IIR);                           /* take the initial THRE */
    wr(&f, THR, 'a');                      /* into the shift register, stuck */
    wr(&f, THR, 'b');
    wr(&f, THR, 'c');
    CHECK_EQ(rd(&f, LSR) & 0x60, 0);       /* neither THR nor shifter empty */
    CHECK_EQ(f.level, 0);
    CHECK_EQ(b->got->len, 0);

    b->budget = 100;
    int64_t deadline = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 5 * NANOSECONDS_PER_SECOND;
    while ((rd(&f, LSR) & 0x40) == 0 && qemu_clock_get_ns(QEMU_CLOCK_REALTIME) < deadline) {
        event_loop_run_once(main_loop_get(), true);
    }
    CHECK_EQ(rd(&f, LSR) & 0x60, 0x60);
    CHECK_STREQ(b->got->str, "abc");
    CHECK_EQ(f.level, 1);                  /* THRE once the FIFO drained */
    CHECK_EQ(rd(&f, IIR), 0xc2);
    serial_teardown(&f);
    chardev_delete("ser-busy");
}

/* Run the main loop until LSR has all of mask set (or 5 s pass). */
static void wait_lsr(SerialFixture *f, uint8_t mask)
{
    int64_t deadline = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 5 * NANOSECONDS_PER_SECOND;

    while ((rd(f, LSR) & mask) != mask && qemu_clock_get_ns(QEMU_CLOCK_REALTIME) < deadline) {
        event_loop_run_once(main_loop_get(), true);
    }
}

UNIT_TEST(serial_batched_output_flushes_on_register_writes_and_timer)
{
    SerialFixture f;
    Chardev *chr = chardev_new("ser-batch", "ringbuf");

    serial_setup_batch(&f, 0, chr, true);
    wr(&f, FCR, 0x07);
    wr(&f, THR, 'o');
    wr(&f, THR, 'k');
    /* Transmitted as far as the guest can tell, held back from the chardev. */
    CHECK_EQ(rd(&f, LSR) & 0x60, 0x60);
    g_autoptr(GString) held = ringbuf_take(chr);
    CHECK_EQ(held->len, 0);
    /* Linux's console write ends by restoring IER: that sends the batch. */
    wr(&f, IER, 0x00);
    g_autoptr(GString) line = ringbuf_take(chr);
    CHECK_STREQ(line->str, "ok");
    /* Without another register write the timer sends it (~1 ms). */
    wr(&f, THR, '!');
    int64_t deadline = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 5 * NANOSECONDS_PER_SECOND;
    GString *late = g_string_new(NULL);
    while (late->len == 0 && qemu_clock_get_ns(QEMU_CLOCK_REALTIME) < deadline) {
        event_loop_run_once(main_loop_get(), true);
        g_autoptr(GString) got = ringbuf_take(chr);
        g_string_append(late, got->str);
    }
    CHECK_STREQ(late->str, "!");
    g_string_free(late, true);
    /* Reset sends what was transmitted before it. */
    wr(&f, THR, 'r');
    device_cold_reset(f.dev);
    g_autoptr(GString) before_reset = ringbuf_take(chr);
    CHECK_STREQ(before_reset->str, "r");
    serial_teardown(&f);
    chardev_delete("ser-batch");
}

UNIT_TEST(serial_batched_output_keeps_order_and_flow_control_when_busy)
{
    SerialFixture f;
    Chardev *chr = chardev_new("ser-busy2", "busytest");
    BusyChardev *b = (BusyChardev *)chr;
    GString *want = g_string_new(NULL);
    unsigned sent = 0;

    serial_setup_batch(&f, 0, chr, true);
    wr(&f, FCR, 0x07);
    /* Fill the batch, the shift register and the FIFO of a backend that
     * takes nothing: the UART must end up busy, never dropping a byte. */
    for (unsigned i = 0; i < SERIAL_TX_BATCH + 40; i++) {
        if ((rd(&f, LSR) & 0x20) == 0) {
            break;                          /* FIFO full: the guest waits */
        }
        uint8_t c = 'a' + i % 26;
        wr(&f, THR, c);
        g_string_append_c(want, (char)c);
        sent++;
    }
    CHECK(sent > SERIAL_TX_BATCH);
    CHECK(sent < SERIAL_TX_BATCH + 40);
    CHECK_EQ(rd(&f, LSR) & 0x60, 0);       /* transmitter busy */
    CHECK_EQ(b->got->len, 0);
    /* Budget for part of it at a time: everything arrives, in order. */
    for (int round = 0; round < 100 && b->got->len < want->len; round++) {
        b->budget = 50;
        int64_t deadline = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + NANOSECONDS_PER_SECOND;
        while (b->budget && b->got->len < want->len &&
               qemu_clock_get_ns(QEMU_CLOCK_REALTIME) < deadline) {
            event_loop_run_once(main_loop_get(), true);
        }
    }
    wait_lsr(&f, 0x60);
    CHECK_EQ(rd(&f, LSR) & 0x60, 0x60);
    CHECK_STREQ(b->got->str, want->str);
    g_string_free(want, true);
    serial_teardown(&f);
    chardev_delete("ser-busy2");
}
