/*
 * Runtime of the bare-metal tests: finisher, polled UART output, a tiny
 * printf, failure bookkeeping and the default trap handler.
 */
#include "test.h"
#include <stdarg.h>

unsigned test_failures;
unsigned test_checks;

/* 16550 registers (byte offsets, reg-shift 0 as on the virt machine) */
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20

void test_pass(void)
{
    for (;;) {
        mmio_write32(SIFIVE_TEST_BASE, SIFIVE_TEST_PASS);
    }
}

void test_fail(unsigned code)
{
    /* An exit status is 8 bits: keep the code in 1..255 so a failure can
     * never read as success. */
    code = code % 255 + (code % 255 == 0 ? 255 : 0);
    for (;;) {
        mmio_write32(SIFIVE_TEST_BASE, (code << 16) | SIFIVE_TEST_FAIL);
    }
}

void test_exit(int code)
{
    if (code == 0) {
        test_printf("PASS (%u checks)\n", test_checks);
        test_pass();
    }
    test_printf("FAIL (%u of %u checks failed, code %d)\n", test_failures,
                test_checks, code);
    test_fail((unsigned)code);
}

void uart_putc(char c)
{
    volatile uint8_t *uart = (volatile uint8_t *)UART0_BASE;
    if (c == '\n') {
        uart_putc('\r');
    }
    while (!(uart[UART_LSR] & UART_LSR_THRE)) {
        /* wait for the transmitter */
    }
    uart[UART_THR] = (uint8_t)c;
}

void uart_puts(const char *s)
{
    while (*s) {
        uart_putc(*s++);
    }
}

static void put_hex(uint64_t v, int width)
{
    char buf[17];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v && n < 16);
    while (n < width) {
        buf[n++] = '0';
    }
    while (n) {
        uart_putc(buf[--n]);
    }
}

void uart_puthex(uint64_t v)
{
    put_hex(v, 16);
}

static void put_udec(uint64_t v)
{
    char buf[21];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        uart_putc(buf[--n]);
    }
}

void uart_putdec(int64_t v)
{
    if (v < 0) {
        uart_putc('-');
        put_udec(-(uint64_t)v);
    } else {
        put_udec((uint64_t)v);
    }
}

void test_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            uart_putc(*fmt);
            continue;
        }
        fmt++;
        int width = 0;
        if (*fmt == '0') {
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        int longs = 0;
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 's':
            uart_puts(va_arg(ap, const char *));
            break;
        case 'c':
            uart_putc((char)va_arg(ap, int));
            break;
        case 'd':
            uart_putdec(longs ? va_arg(ap, int64_t) : va_arg(ap, int));
            break;
        case 'u':
            put_udec(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned));
            break;
        case 'x':
            put_hex(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), width);
            break;
        case '%':
            uart_putc('%');
            break;
        case '\0':
            fmt--;
            break;
        default:
            uart_putc(*fmt);
            break;
        }
    }
    va_end(ap);
}

void test_check_failed(const char *file, int line, const char *expr,
                       uint64_t got, uint64_t want)
{
    test_failures++;
    test_printf("FAIL %s:%d: %s (got 0x%lx, want 0x%lx)\n", file, line, expr,
                got, want);
}

int test_result(void)
{
    if (test_failures == 0) {
        return 0;
    }
    return (int)(test_failures > 255 ? 255 : test_failures);
}

__attribute__((weak)) uintptr_t handle_trap(TrapFrame *tf)
{
    test_printf("unexpected trap: mcause 0x%lx mepc 0x%lx mtval 0x%lx\n",
                tf->mcause, tf->mepc, tf->mtval);
    test_fail(0xee);
}
