/*
 * Shared support for bare-metal RISC-V test programs (M-mode, virt machine).
 *
 * A test is a main() that checks results with the CHECK_* macros and
 * returns test_result().  crt0.S reports the outcome through the sifive_test
 * finisher at 0x100000: 0x5555 = pass (the emulator exits with status 0),
 * (code << 16) | 0x3333 = fail (exit status = code).  Output goes to the
 * 16550 UART at 0x10000000.  Qemu's virt machine behaves the same, so every
 * program also runs on "qemu-system-riscv64 -M virt -bios none -nographic
 * -kernel X.elf".
 *
 * Traps: crt0 installs a vector that calls handle_trap(tf); the default
 * reports an unexpected trap and fails.  A test that expects traps defines
 * its own handle_trap and returns the pc to resume at (e.g. tf->mepc + 4).
 */
#ifndef GUEST_RISCV64_TEST_H
#define GUEST_RISCV64_TEST_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define SIFIVE_TEST_BASE 0x100000UL
#define SIFIVE_TEST_PASS 0x5555
#define SIFIVE_TEST_FAIL 0x3333
#define UART0_BASE 0x10000000UL

/* mcause values (privileged spec 3.1.15) */
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_USER_ECALL 8
#define CAUSE_SUPERVISOR_ECALL 9
#define CAUSE_MACHINE_ECALL 11
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT 13
#define CAUSE_STORE_PAGE_FAULT 15
#define CAUSE_INTERRUPT (1UL << 63)

/* fflags bits (unprivileged spec, "F" chapter, fcsr) */
#define FFLAG_NX 0x01
#define FFLAG_UF 0x02
#define FFLAG_OF 0x04
#define FFLAG_DZ 0x08
#define FFLAG_NV 0x10

/* Rounding modes (frm / rm field) */
#define RM_RNE 0
#define RM_RTZ 1
#define RM_RDN 2
#define RM_RUP 3
#define RM_RMM 4
#define RM_DYN 7

/* What the trap vector saved: x0..x31 then the trap CSRs. */
typedef struct TrapFrame {
    uint64_t regs[32];
    uint64_t mcause;
    uint64_t mepc;
    uint64_t mtval;
    uint64_t pad;
} TrapFrame;

/* Override in a test to handle expected traps; returns the resume pc. */
uintptr_t handle_trap(TrapFrame *tf);

/* CSR access by name: csr_read(mstatus), csr_write(mtvec, x), ... */
#define csr_read(csr) ({                                                  \
    uint64_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, val) \
    __asm__ volatile("csrw " #csr ", %0" :: "rK"((uint64_t)(val)) : "memory")
#define csr_set(csr, val) \
    __asm__ volatile("csrs " #csr ", %0" :: "rK"((uint64_t)(val)) : "memory")
#define csr_clear(csr, val) \
    __asm__ volatile("csrc " #csr ", %0" :: "rK"((uint64_t)(val)) : "memory")
#define csr_swap(csr, val) ({                                             \
    uint64_t v_; __asm__ volatile("csrrw %0, " #csr ", %1"                  \
                                  : "=r"(v_) : "rK"((uint64_t)(val)) : "memory"); v_; })

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
    return *(volatile uint32_t *)addr;
}

/* Finisher: never return. */
void test_pass(void) __attribute__((noreturn));
void test_fail(unsigned code) __attribute__((noreturn));
/* Called by crt0 with main's return value. */
void test_exit(int code) __attribute__((noreturn));

/* UART output (polled 16550). */
void uart_putc(char c);
void uart_puts(const char *s);
void uart_puthex(uint64_t v);            /* 16 hex digits, no prefix */
void uart_putdec(int64_t v);
/* Tiny printf: %s %c %d %u %x (64-bit args with l/ll ignored) %lx %016lx. */
void test_printf(const char *fmt, ...);

/* Failure bookkeeping: CHECK_* record and print, test_result() summarises. */
extern unsigned test_failures;
extern unsigned test_checks;
void test_check_failed(const char *file, int line, const char *expr,
                       uint64_t got, uint64_t want);
/* 0 if every check passed, else a nonzero code in 1..255 (exit status safe). */
int test_result(void);

#define CHECK(cond)                                                       \
    do {                                                                  \
        test_checks++;                                                    \
        if (!(cond)) {                                                    \
            test_check_failed(__FILE__, __LINE__, #cond, 0, 0);           \
        }                                                                 \
    } while (0)

#define CHECK_EQ(got, want)                                               \
    do {                                                                  \
        uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);             \
        test_checks++;                                                    \
        if (g_ != w_) {                                                   \
            test_check_failed(__FILE__, __LINE__, #got " == " #want, g_, w_); \
        }                                                                 \
    } while (0)

/* Bit patterns of FP values. */
static inline uint64_t f64_bits(double d)
{
    union { double d; uint64_t u; } x = { .d = d };
    return x.u;
}

static inline double f64_from(uint64_t u)
{
    union { double d; uint64_t u; } x = { .u = u };
    return x.d;
}

static inline uint32_t f32_bits(float f)
{
    union { float f; uint32_t u; } x = { .f = f };
    return x.u;
}

static inline float f32_from(uint32_t u)
{
    union { float f; uint32_t u; } x = { .u = u };
    return x.f;
}

/* fcsr helpers */
static inline void fflags_clear(void)
{
    __asm__ volatile("csrw fflags, zero" ::: "memory");
}

static inline uint64_t fflags_read(void)
{
    return csr_read(fflags);
}

static inline void frm_write(unsigned rm)
{
    csr_write(frm, rm);
}

#endif
