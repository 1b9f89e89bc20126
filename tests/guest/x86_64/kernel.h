/*
 * What the test kernel's parts share: port and MMIO accessors, output and
 * check reporting, the interrupt controllers, the MP table and the command
 * line (kernel.c), and the virtio driver's entry points (virtio.c).
 */
#ifndef X86_TEST_KERNEL_H
#define X86_TEST_KERNEL_H

#include <stdint.h>

#define LAPIC 0xfee00000ul
#define IOAPIC 0xfec00000ul

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;

    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t mmio_read(uint64_t addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void mmio_write(uint64_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}

static inline uint16_t mmio_read16(uint64_t addr)
{
    return *(volatile uint16_t *)addr;
}

static inline void mmio_write16(uint64_t addr, uint16_t v)
{
    *(volatile uint16_t *)addr = v;
}

static inline uint8_t mmio_read8(uint64_t addr)
{
    return *(volatile uint8_t *)addr;
}

static inline void mmio_write8(uint64_t addr, uint8_t v)
{
    *(volatile uint8_t *)addr = v;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

void kprintf(const char *fmt, ...);
void check(const char *name, int ok, const char *detail);
int has_arg(const char *word);
extern const char *cmdline;

uint32_t lapic_read(unsigned reg);
void lapic_write(unsigned reg, uint32_t v);
uint32_t ioapic_read(unsigned reg);
void ioapic_write(unsigned reg, uint32_t v);
void set_gate(unsigned vec, void (*fn)(void), unsigned dpl);
/* The MP configuration table ("PCMP"), or 0. */
const uint8_t *mp_config(void);

/* virtio.c: "virtio" on the command line runs these after the other checks. */
void virtio_tests(void);
/* Vectors 0x60-0x65: the driver's interrupts (kernel.c sends the EOI). */
void virtio_interrupt(unsigned vector);

#endif
