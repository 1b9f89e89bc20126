/*
 * Oracle side of the FP sweep: the real RISC-V instructions, run under
 * Debian's qemu-riscv64 (softfloat).  Regenerate the expected hash in
 * test-riscv-fpu.c with
 *   riscv64-linux-gnu-gcc -O1 -static -o sweep sweep-riscv.c
 *   qemu-riscv64 ./sweep | python3 fnv1a.py
 */
#include <stdint.h>
#include <stdio.h>

static uint64_t box(uint32_t v)
{
    return 0xffffffff00000000ull | v;
}

static uint64_t fl(void)
{
    uint64_t f;
    __asm__ volatile("csrrw %0, fflags, zero" : "=r"(f));
    return f;
}

static void setrm(int rm)
{
    __asm__ volatile("csrw frm, %0" :: "r"(rm));
}

#define SWEEP_OUT(...) printf(__VA_ARGS__)
#include "sweep.h"

#define DEF(name, asmstr, n, kind)                                               \
    static uint64_t do_##name(uint64_t a, uint64_t b, uint64_t c)                \
    {                                                                            \
        double r, fa, fb, fc;                                                    \
        uint64_t x;                                                              \
        __asm__ volatile("fmv.d.x %0,%1" : "=f"(fa) : "r"(a));                   \
        __asm__ volatile("fmv.d.x %0,%1" : "=f"(fb) : "r"(b));                   \
        __asm__ volatile("fmv.d.x %0,%1" : "=f"(fc) : "r"(c));                   \
        __asm__ volatile(asmstr : "=f"(r) : "f"(fa), "f"(fb), "f"(fc));          \
        __asm__ volatile("fmv.x.d %0,%1" : "=r"(x) : "f"(r));                    \
        return x;                                                                \
    }
OPS(DEF)

#define DEFI(name, asmstr, n, kind)                                              \
    static uint64_t do_##name(uint64_t a, uint64_t b, uint64_t c)                \
    {                                                                            \
        uint64_t r;                                                              \
        double fa, fb;                                                           \
        (void)c;                                                                 \
        __asm__ volatile("fmv.d.x %0,%1" : "=f"(fa) : "r"(a));                   \
        __asm__ volatile("fmv.d.x %0,%1" : "=f"(fb) : "r"(b));                   \
        __asm__ volatile(asmstr : "=r"(r) : "f"(fa), "f"(fb));                   \
        return r;                                                                \
    }
IOPS(DEFI)

#define DEFF(name, asmstr)                                                       \
    static uint64_t do_##name(uint64_t a)                                        \
    {                                                                            \
        double r;                                                                \
        uint64_t x;                                                              \
        __asm__ volatile(asmstr : "=f"(r) : "r"(a));                             \
        __asm__ volatile("fmv.x.d %0,%1" : "=r"(x) : "f"(r));                    \
        return x;                                                                \
    }
FROMI(DEFF)

int main(void)
{
    SWEEP_ALL()
    return 0;
}
