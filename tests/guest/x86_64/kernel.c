/*
 * A small x86_64 test kernel for Machina's KVM machines (and QEMU's
 * "-M pc -accel kvm -kernel"), booted by Multiboot 1.  Ring-0 work is kept
 * tiny because a KVM-PVM host emulates ring 0 (~1.2M instructions/s);
 * the CPU-heavy check runs in ring 3, natively.
 *
 * Checks, each printed as "<name>: ok ..." or "<name>: FAIL ...":
 *   boot   Multiboot magic, memory sizes and the memory map
 *   cpuid  hypervisor bit, initial APIC ID
 *   pio    CMOS scratch byte round trip through ports 0x70/0x71
 *   mmio   IOAPIC and LAPIC version registers (in-kernel MMIO)
 *   mmio-exit  an unassigned address in the PCI hole (an exit to the VMM)
 *   virtio-mmio  microvm's transports: magic, version 2, no device
 *   pci    host bridge at 00.0 through 0xcf8/0xcfc (pc only)
 *   smp    every CPU of the MP table started with INIT/SIPI/SIPI
 *   pit    PIT IRQ 0 through the IOAPIC (pin 2) to the LAPIC
 *   lapic  LAPIC timer interrupts
 *   uart   COM1 THRE interrupt on IRQ 4
 *   ring3  a prime count in user mode, result by a UD2 "system call"
 *   reset  (cmdline "reset") i8042 reset; CMOS byte 0x7e tells the boots apart
 * With "bench", a longer ring-3 prime count is timed (bench/kvm-ring3.sh).
 * With "ticker" on the command line it then prints "tick N" at 10 Hz forever;
 * with "hotplug" it serves ACPI PCI hotplug events instead (hotplug.c).
 * Ends with "ALL TESTS PASSED" and isa-debug-exit 0 (exit status 1), or
 * "TESTS FAILED" and isa-debug-exit 1 (status 3).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"
#include "primes.h"

#define COM1 0x3f8
#define CMOS_SCRATCH 0x7e

extern uint32_t mb_magic, mb_info;
extern volatile uint32_t ap_next;
extern uint64_t gdt[], idt[];
extern uint8_t tss[];
extern char istack_top[];
extern char ap_tramp_start[], ap_tramp_end[];
extern void isr_0(void), isr_3(void), isr_6(void), isr_8(void), isr_13(void),
    isr_14(void), isr_0x40(void), isr_0x44(void), isr_0x50(void), isr_0xff(void),
    isr_0x60(void), isr_0x61(void), isr_0x62(void), isr_0x63(void), isr_0x64(void),
    isr_0x65(void);
void enter_user(void (*fn)(void), void *stack);
void hotplug_main(void);

struct frame {
    uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
    uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

static volatile unsigned pit_ticks, lapic_ticks, uart_irqs, ap_count;
static volatile uint32_t ap_ids[64];
static volatile uint64_t user_result;
static int failures;

/* ------------------------------------------------------------ output */

static void putc_serial(char c)
{
    while (!(inb(COM1 + 5) & 0x20)) {
    }
    outb(COM1, (uint8_t)c);
}

static void puts_serial(const char *s)
{
    while (*s) {
        if (*s == '\n') {
            putc_serial('\r');
        }
        putc_serial(*s++);
    }
}

static void put_num(uint64_t v, unsigned base)
{
    char buf[24];
    int i = 0;

    do {
        buf[i++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (i) {
        putc_serial(buf[--i]);
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            if (*fmt == '\n') {
                putc_serial('\r');
            }
            putc_serial(*fmt);
            continue;
        }
        switch (*++fmt) {
        case 's':
            puts_serial(va_arg(ap, const char *));
            break;
        case 'u':
            put_num(va_arg(ap, unsigned), 10);
            break;
        case 'x':
            put_num(va_arg(ap, unsigned), 16);
            break;
        case 'l':
            fmt++;
            put_num(va_arg(ap, uint64_t), *fmt == 'x' ? 16 : 10);
            break;
        default:
            putc_serial(*fmt);
        }
    }
    va_end(ap);
}

void check(const char *name, int ok, const char *detail)
{
    kprintf("%s: %s%s%s\n", name, ok ? "ok" : "FAIL", detail ? " " : "",
            detail ? detail : "");
    if (!ok) {
        failures++;
    }
}

static void debug_exit(uint8_t v)
{
    outb(0xf4, v);          /* isa-debug-exit,iobase=0xf4: status (v<<1)|1 */
}

/* ---------------------------------------------------------- hardware */

uint32_t lapic_read(unsigned reg)
{
    return mmio_read(LAPIC + reg);
}

void lapic_write(unsigned reg, uint32_t v)
{
    mmio_write(LAPIC + reg, v);
}

uint32_t ioapic_read(unsigned reg)
{
    mmio_write(IOAPIC, reg);
    return mmio_read(IOAPIC + 0x10);
}

void ioapic_write(unsigned reg, uint32_t v)
{
    mmio_write(IOAPIC, reg);
    mmio_write(IOAPIC + 0x10, v);
}

/* IOAPIC pin -> vector on the BSP, edge, active high (82093AA §3.2.4). */
static void ioapic_route(unsigned pin, unsigned vector, int masked)
{
    ioapic_write(0x11 + 2 * pin, lapic_read(0x20) & 0xff000000u);
    ioapic_write(0x10 + 2 * pin, vector | (masked ? 1u << 16 : 0));
}

static uint8_t cmos_read(uint8_t idx)
{
    outb(0x70, idx);
    return inb(0x71);
}

static void cmos_write(uint8_t idx, uint8_t v)
{
    outb(0x70, idx);
    outb(0x71, v);
}

void set_gate(unsigned vec, void (*fn)(void), unsigned dpl)
{
    uint64_t a = (uint64_t)fn;

    idt[2 * vec] = (a & 0xffff) | (0x08ull << 16) | ((uint64_t)(0x8e | dpl << 5) << 40) |
                   ((a >> 16) & 0xffff) << 48;
    idt[2 * vec + 1] = a >> 32;
}

static int wait_until(volatile unsigned *v, unsigned want, uint64_t cycles)
{
    uint64_t end = rdtsc() + cycles;

    while (*v < want) {
        if (rdtsc() > end) {
            return 0;
        }
        __asm__ volatile("sti; hlt; cli");
    }
    return 1;
}

void isr_handler(struct frame *f)
{
    switch (f->vector) {
    case 0x40:
        pit_ticks++;
        break;
    case 0x44:
        /* IIR read acknowledges THRE; stop further ones. */
        if ((inb(COM1 + 2) & 0x0f) == 0x02) {
            uart_irqs++;
        }
        outb(COM1 + 1, 0);
        break;
    case 0x50:
        lapic_ticks++;
        break;
    case 0x60: case 0x61: case 0x62: case 0x63: case 0x64: case 0x65:
        virtio_interrupt((unsigned)f->vector);
        break;
    case 0xff:
        return;             /* spurious: no EOI */
    default:
        kprintf("exception %lu error %lx at rip %lx\nTESTS FAILED\n", f->vector,
                f->error, f->rip);
        debug_exit(1);
        for (;;) {
            __asm__ volatile("cli; hlt");
        }
    }
    lapic_write(0xb0, 0);   /* EOI */
}

/* ------------------------------------------------------------- ring 3 */

void syscall_handler(uint64_t arg, uint64_t num)
{
    if (num == 1) {
        user_result = arg;
    }
}

static inline void sys(uint64_t num, uint64_t arg)
{
    __asm__ volatile("ud2" : : "a"(num), "D"(arg) : "memory");
}

#define PRIME_LIMIT 200000
#define PRIME_COUNT 17984           /* pi(200000) */
#define BENCH_LIMIT 3000000

static volatile uint32_t user_limit = PRIME_LIMIT;

static void user_main(void)
{
    sys(1, count_primes(user_limit));
    sys(2, 0);
}

static uint8_t user_stack[8192] __attribute__((aligned(16)));

/* ---------------------------------------------------------------- SMP */

void ap_main(void)
{
    unsigned n = __atomic_fetch_add(&ap_count, 1, __ATOMIC_SEQ_CST);

    if (n < 64) {
        ap_ids[n] = lapic_read(0x20) >> 24;
    }
}

/* MP floating pointer in the last KiB of base memory or the BIOS area. */
static const uint8_t *mp_find(void)
{
    static const uint64_t ranges[][2] = { { 0x9fc00, 0xa0000 }, { 0xf0000, 0x100000 } };

    for (unsigned r = 0; r < 2; r++) {
        for (uint64_t a = ranges[r][0]; a < ranges[r][1]; a += 16) {
            const uint8_t *p = (const uint8_t *)a;
            uint8_t sum = 0;

            if (p[0] != '_' || p[1] != 'M' || p[2] != 'P' || p[3] != '_') {
                continue;
            }
            for (int i = 0; i < 16; i++) {
                sum += p[i];
            }
            if (!sum) {
                return p;
            }
        }
    }
    return NULL;
}

const uint8_t *mp_config(void)
{
    const uint8_t *fp = mp_find(), *cfg;

    if (!fp) {
        return 0;
    }
    cfg = (const uint8_t *)(uint64_t)(*(const uint32_t *)(fp + 4));
    if (cfg[0] != 'P' || cfg[1] != 'C' || cfg[2] != 'M' || cfg[3] != 'P') {
        return 0;
    }
    return cfg;
}

/* APIC IDs of the enabled non-boot processors; returns their count. */
static unsigned mp_cpus(uint8_t *ids, unsigned max, unsigned *total)
{
    const uint8_t *cfg = mp_config(), *e;
    unsigned n = 0, count;

    *total = 0;
    if (!cfg) {
        return 0;
    }
    count = *(const uint16_t *)(cfg + 34);
    e = cfg + 44;
    for (unsigned i = 0; i < count; i++) {
        if (e[0] == 0) {
            if (e[3] & 1) {
                (*total)++;
                if (!(e[3] & 2) && n < max) {
                    ids[n++] = e[1];
                }
            }
            e += 20;
        } else {
            e += 8;
        }
    }
    return n;
}

static void test_smp(void)
{
    uint8_t ids[64];
    unsigned total, n = mp_cpus(ids, 64, &total);
    const char *t = ap_tramp_start;
    char *dst = (char *)0x8000;

    if (!total) {
        check("smp", 0, "no MP table");
        return;
    }
    for (long i = 0; i < ap_tramp_end - ap_tramp_start; i++) {
        dst[i] = t[i];
    }
    /* MP spec B.4: INIT, then two STARTUP IPIs with the page number. */
    for (unsigned i = 0; i < n; i++) {
        lapic_write(0x310, (uint32_t)ids[i] << 24);
        lapic_write(0x300, 0x00004500);
        lapic_write(0x310, (uint32_t)ids[i] << 24);
        lapic_write(0x300, 0x00004600 | 0x08);
        lapic_write(0x310, (uint32_t)ids[i] << 24);
        lapic_write(0x300, 0x00004600 | 0x08);
    }
    {
        uint64_t end = rdtsc() + 20000000000ull;

        while (ap_count < n && rdtsc() < end) {
            __asm__ volatile("pause");
        }
    }
    kprintf("smp: %u of %u cpus from the MP table answered\n", ap_count + 1, total);
    check("smp", ap_count == n, NULL);
}

/*
 * "ticker": after the checks, print "tick N" ten times a second from PIT
 * interrupts, forever -- something to stop, continue and reset from the
 * monitor.
 */
static void ticker(void)
{
    unsigned next = 10, n = 0;

    pit_ticks = 0;
    outb(0x43, 0x34);                /* 100 Hz: 1193182 / 11932 */
    outb(0x40, 11932 & 0xff);
    outb(0x40, 11932 >> 8);
    ioapic_route(2, 0x40, 0);
    for (;;) {
        __asm__ volatile("sti; hlt; cli");
        if (pit_ticks >= next) {
            next += 10;
            kprintf("tick %u\n", ++n);
        }
    }
}

/* ---------------------------------------------------------------- main */

const char *cmdline = "";

int has_arg(const char *word)
{
    for (const char *p = cmdline; *p; p++) {
        const char *a = p, *w = word;

        while (*w && *a == *w) {
            a++;
            w++;
        }
        if (!*w && (*a == 0 || *a == ' ') && (p == cmdline || p[-1] == ' ')) {
            return 1;
        }
    }
    return 0;
}

static void setup_cpu_tables(void)
{
    uint64_t base = (uint64_t)tss;

    /* 64-bit TSS descriptor (SDM vol. 3 §7.2.3) and RSP0 for ring 3. */
    gdt[6] = 103 | ((base & 0xffffff) << 16) | (0x89ull << 40) |
             ((base >> 24) & 0xff) << 56;
    gdt[7] = base >> 32;
    *(uint64_t *)(tss + 4) = (uint64_t)istack_top;
    __asm__ volatile("ltr %w0" : : "r"(0x30));
    set_gate(0, isr_0, 0);
    set_gate(3, isr_3, 0);
    set_gate(6, isr_6, 0);
    set_gate(8, isr_8, 0);
    set_gate(13, isr_13, 0);
    set_gate(14, isr_14, 0);
    set_gate(0x40, isr_0x40, 0);
    set_gate(0x44, isr_0x44, 0);
    set_gate(0x50, isr_0x50, 0);
    set_gate(0xff, isr_0xff, 0);
    set_gate(0x60, isr_0x60, 0);
    set_gate(0x61, isr_0x61, 0);
    set_gate(0x62, isr_0x62, 0);
    set_gate(0x63, isr_0x63, 0);
    set_gate(0x64, isr_0x64, 0);
    set_gate(0x65, isr_0x65, 0);
}

void kmain(void)
{
    const uint32_t *mbi = (const uint32_t *)(uint64_t)mb_info;
    uint32_t r[4];
    uint8_t boots;

    puts_serial("MACHINA-X86-TEST start\n");
    if (mb_magic != 0x2BADB002u) {
        check("boot", 0, "bad Multiboot magic");
        debug_exit(1);
        return;
    }
    if (mbi[0] & (1u << 2)) {
        cmdline = (const char *)(uint64_t)mbi[4];
    }
    kprintf("cmdline: %s\n", cmdline);
    kprintf("boot: mem_lower=%uK mem_upper=%uK mmap_entries=%u\n", mbi[1], mbi[2],
            (mbi[0] & (1u << 6)) ? mbi[11] / 24 : 0);
    check("boot", (mbi[0] & 1) && mbi[1] >= 600 && mbi[2] >= 1024, NULL);
    setup_cpu_tables();

    cpuid(1, 0, r);
    kprintf("cpuid: apic_id=%u logical=%u hypervisor=%u\n", r[1] >> 24,
            (r[1] >> 16) & 0xff, r[2] >> 31);
    check("cpuid", r[2] >> 31, NULL);

    /* Interrupt controllers: 8259s masked, LAPIC on, spurious vector 0xff. */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    lapic_write(0xf0, 0x1ff);
    lapic_write(0x80, 0);

    boots = cmos_read(CMOS_SCRATCH);
    if (has_arg("reset")) {
        if (boots != 0x5a) {
            cmos_write(CMOS_SCRATCH, 0x5a);
            puts_serial("reset: rebooting through the i8042\n");
            outb(0x64, 0xfe);
            for (;;) {
                __asm__ volatile("cli; hlt");
            }
        }
        puts_serial("reset: second boot after reset\n");
    }
    cmos_write(CMOS_SCRATCH, 0xc3);
    check("pio", cmos_read(CMOS_SCRATCH) == 0xc3, "(CMOS scratch byte)");
    cmos_write(CMOS_SCRATCH, 0);

    {
        uint32_t iov = ioapic_read(1), lv = lapic_read(0x30);

        kprintf("mmio: ioapic version=%x lapic version=%x\n", iov, lv);
        check("mmio", (iov & 0xff) == 0x11 && ((iov >> 16) & 0xff) == 23 &&
                      (lv & 0xf0) == 0x10, NULL);
    }
    {
        /* Nothing decodes this address in the PCI hole: the access leaves
         * KVM as an MMIO exit and the VMM answers as for a hole (writes
         * dropped, reads 0). */
        mmio_write(0xfebff000ul, 0x12345678u);
        check("mmio-exit", mmio_read(0xfebff000ul) == 0, "(unassigned MMIO reads 0)");
    }
    if (mmio_read(0xfeb00000ul) == 0x74726976u) {
        /* microvm's virtio-mmio transports: registers of a device model in
         * the VMM, each read an MMIO exit (virtio 1.2 §4.2.2). */
        unsigned n = 0, empty = 0, v2 = 0;

        while (n < 32 && mmio_read(0xfeb00000ul + n * 0x200) == 0x74726976u) {
            v2 += mmio_read(0xfeb00000ul + n * 0x200 + 4) == 2;
            empty += mmio_read(0xfeb00000ul + n * 0x200 + 8) == 0;
            n++;
        }
        kprintf("virtio-mmio: %u transports, %u empty\n", n, empty);
        check("virtio-mmio", n > 0 && v2 == n, NULL);
    }
    outl(0xcf8, 0x80000000u);
    {
        uint32_t id = inl(0xcfc);

        /* No host bridge (microvm): nothing answers, all-ones or zero. */
        if (id != 0xffffffffu && id != 0) {
            kprintf("pci: 00.0 id=%x\n", id);
            check("pci", (id & 0xffff) == 0x8086, NULL);
        }
    }

    test_smp();

    /* PIT channel 0, mode 2, 1 kHz (1193182 / 1193), IRQ 0 on IOAPIC pin 2. */
    ioapic_route(2, 0x40, 0);
    outb(0x43, 0x34);
    outb(0x40, 1193 & 0xff);
    outb(0x40, 1193 >> 8);
    check("pit", wait_until(&pit_ticks, 3, 20000000000ull), NULL);
    ioapic_route(2, 0x40, 1);

    /* LAPIC timer: periodic, divide by 16. */
    lapic_write(0x3e0, 0x3);
    lapic_write(0x320, 0x50 | (1u << 17));
    lapic_write(0x380, 100000);
    check("lapic", wait_until(&lapic_ticks, 3, 20000000000ull), NULL);
    lapic_write(0x320, 1u << 16);

    /* COM1 THRE interrupt: OUT2 gates the IRQ on a PC; IER bit 1. */
    ioapic_route(4, 0x44, 0);
    outb(COM1 + 4, 0x0b);
    outb(COM1 + 1, 0x02);
    check("uart", wait_until(&uart_irqs, 1, 20000000000ull), "(THRE on IRQ 4)");
    ioapic_route(4, 0x44, 1);

    {
        uint64_t t0 = rdtsc(), t1;

        enter_user(user_main, user_stack + sizeof(user_stack));
        t1 = rdtsc();
        kprintf("ring3: primes below %u = %lu (%lu Mcycles)\n", PRIME_LIMIT, user_result,
                (t1 - t0) / 1000000);
        check("ring3", user_result == PRIME_COUNT, NULL);
    }

    if (has_arg("virtio")) {
        virtio_tests();
    }

    if (failures) {
        kprintf("TESTS FAILED: %u\n", failures);
        debug_exit(1);
        return;
    }
    puts_serial("ALL TESTS PASSED\n");
    if (has_arg("bench")) {
        /* bench/kvm-ring3.sh: a longer ring-3 run, timed by the TSC. */
        uint64_t t0 = rdtsc(), t1;

        user_limit = BENCH_LIMIT;
        enter_user(user_main, user_stack + sizeof(user_stack));
        t1 = rdtsc();
        kprintf("bench: ring3 primes=%lu kcycles=%lu\n", user_result, (t1 - t0) / 1000);
    }
    if (has_arg("ticker")) {
        ticker();
    }
    if (has_arg("hotplug")) {
        hotplug_main();
    }
    if (has_arg("hold")) {
        /* Stay up (interrupts off) so the host can look at device state. */
        puts_serial("holding\n");
        for (;;) {
            __asm__ volatile("cli; hlt");
        }
    }
    debug_exit(0);
}
