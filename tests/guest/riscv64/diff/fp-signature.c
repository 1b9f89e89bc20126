/*
 * Differential FP test: every F/D arithmetic, fused, conversion, compare,
 * min/max, sign-injection and classify instruction over pairs of special
 * and pseudo-random operands in all five rounding modes (through frm and
 * rm = dyn), with singles moving through flw/fsw and fmv.w.x so NaN boxing
 * is exercised.  Prints one FNV-1a hash of (result, fflags) per
 * instruction; test_riscv_isa.py requires Machina's lines to equal QEMU's.
 */
#include "test.h"

static const uint64_t dvals[] = {
    0, 0x8000000000000000UL, 0x3ff0000000000000UL, 0xbff0000000000000UL,
    0x7ff0000000000000UL, 0xfff0000000000000UL, 0x7ff8000000000000UL,
    0x7ff4000000000000UL, 0x0000000000000001UL, 0x800fffffffffffffUL,
    0x0010000000000000UL, 0x7fefffffffffffffUL, 0x3ff8000000000000UL,
    0x41e0000000000000UL, 0xc3e0000000000000UL, 0x43f0000000000000UL,
    0x3ca0000000000000UL, 0x4330000000000001UL,
};
static const uint32_t svals[] = {
    0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000,
    0x7fa00000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0x3fc00000,
    0x4f000000, 0xdf000000, 0x5f800000, 0x33800000, 0x4b000001,
};
#define ND (sizeof(dvals) / 8)
#define NS (sizeof(svals) / 4)
#define NRAND 14

static uint64_t lcg = 0x9e3779b97f4a7c15UL;

static uint64_t rnd(void)
{
    lcg = lcg * 6364136223846793005UL + 1442695040888963407UL;
    return lcg ^ (lcg >> 29);
}

static uint64_t dv[ND + NRAND];
static uint32_t sv[NS + NRAND];

typedef struct Acc {
    const char *name;
    uint64_t h;
} Acc;

static void mix(Acc *a, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        a->h = (a->h ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3UL;
    }
}

static uint64_t take_fflags(void)
{
    uint64_t f;
    __asm__ volatile("csrrw %0, fflags, zero" : "=r"(f));
    return f;
}

#define D2(insn) ({ uint64_t r_; __asm__ volatile(                              \
    "fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " ft2, ft0, ft1\n\tfmv.x.d %0, ft2" \
    : "=r"(r_) : "r"(a), "r"(b) : "ft0", "ft1", "ft2"); r_; })
#define D3(insn) ({ uint64_t r_; __asm__ volatile(                              \
    "fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\tfmv.d.x ft3, %3\n\t" insn " ft2, ft0, ft1, ft3\n\t" \
    "fmv.x.d %0, ft2" : "=r"(r_) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3"); r_; })
#define D1(insn) ({ uint64_t r_; __asm__ volatile(                              \
    "fmv.d.x ft0, %1\n\t" insn " ft2, ft0\n\tfmv.x.d %0, ft2" : "=r"(r_) : "r"(a) : "ft0", "ft2"); r_; })
#define DX(insn) ({ uint64_t r_; __asm__ volatile(                              \
    "fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " %0, ft0, ft1" : "=r"(r_) : "r"(a), "r"(b) \
    : "ft0", "ft1"); r_; })
#define DX1(insn) ({ uint64_t r_; __asm__ volatile(                             \
    "fmv.d.x ft0, %1\n\t" insn " %0, ft0" : "=r"(r_) : "r"(a) : "ft0"); r_; })
#define XD(insn) ({ uint64_t r_; __asm__ volatile(                              \
    insn " ft2, %1\n\tfmv.x.d %0, ft2" : "=r"(r_) : "r"(a) : "ft2"); r_; })
/* singles: operands arrive through fmv.w.x (boxed) or flw from memory */
#define S2(insn) ({ uint64_t r_; __asm__ volatile(                              \
    "fmv.w.x ft0, %1\n\tflw ft1, 0(%2)\n\t" insn " ft2, ft0, ft1\n\tfmv.x.d %0, ft2" \
    : "=r"(r_) : "r"(sa), "r"(&sb) : "ft0", "ft1", "ft2", "memory"); r_; })
#define S3(insn) ({ uint64_t r_; __asm__ volatile(                              \
    "fmv.w.x ft0, %1\n\tfmv.w.x ft1, %2\n\tfmv.w.x ft3, %3\n\t" insn " ft2, ft0, ft1, ft3\n\t" \
    "fsw ft2, 0(%4)\n\tfmv.x.d %0, ft2"                                           \
    : "=r"(r_) : "r"(sa), "r"(sb), "r"(sc), "r"(&spill) : "ft0", "ft1", "ft2", "ft3", "memory"); r_; })
#define S1(insn) ({ uint64_t r_; __asm__ volatile(                              \
    "fmv.w.x ft0, %1\n\t" insn " ft2, ft0\n\tfmv.x.d %0, ft2" : "=r"(r_) : "r"(sa) : "ft0", "ft2"); r_; })
#define SX(insn) ({ uint64_t r_; __asm__ volatile(                              \
    "fmv.w.x ft0, %1\n\tfmv.w.x ft1, %2\n\t" insn " %0, ft0, ft1" : "=r"(r_) : "r"(sa), "r"(sb) \
    : "ft0", "ft1"); r_; })
#define SX1(insn) ({ uint64_t r_; __asm__ volatile(                             \
    "fmv.w.x ft0, %1\n\t" insn " %0, ft0" : "=r"(r_) : "r"(sa) : "ft0"); r_; })
#define XS(insn) ({ uint64_t r_; __asm__ volatile(                              \
    insn " ft2, %1\n\tfmv.x.d %0, ft2" : "=r"(r_) : "r"(a) : "ft2"); r_; })

#define OPS(X) \
    X(fadd_d, D2("fadd.d")) X(fsub_d, D2("fsub.d")) X(fmul_d, D2("fmul.d"))           \
    X(fdiv_d, D2("fdiv.d")) X(fsqrt_d, D1("fsqrt.d")) X(fmadd_d, D3("fmadd.d"))       \
    X(fnmsub_d, D3("fnmsub.d")) X(fmin_d, D2("fmin.d")) X(fmax_d, D2("fmax.d"))       \
    X(fsgnjx_d, D2("fsgnjx.d")) X(feq_d, DX("feq.d")) X(flt_d, DX("flt.d"))           \
    X(fle_d, DX("fle.d")) X(fclass_d, DX1("fclass.d")) X(fcvt_w_d, DX1("fcvt.w.d"))   \
    X(fcvt_lu_d, DX1("fcvt.lu.d")) X(fcvt_d_l, XD("fcvt.d.l")) X(fcvt_d_wu, XD("fcvt.d.wu")) \
    X(fcvt_s_d, D1("fcvt.s.d")) X(fcvt_s_lu, XS("fcvt.s.lu")) X(fcvt_s_w, XS("fcvt.s.w")) \
    X(fadd_s, S2("fadd.s")) X(fmul_s, S2("fmul.s")) X(fdiv_s, S2("fdiv.s"))           \
    X(fsqrt_s, S1("fsqrt.s")) X(fmsub_s, S3("fmsub.s")) X(fnmadd_s, S3("fnmadd.s"))   \
    X(fmax_s, S2("fmax.s")) X(fsgnjn_s, S2("fsgnjn.s")) X(flt_s, SX("flt.s"))         \
    X(fclass_s, SX1("fclass.s")) X(fcvt_l_s, SX1("fcvt.l.s")) X(fcvt_wu_s, SX1("fcvt.wu.s")) \
    X(fcvt_d_s, S1("fcvt.d.s")) X(fmv_x_w, SX1("fmv.x.w"))

int main(void)
{
#define ACC(name, expr) { #name, 0xcbf29ce484222325UL },
    static Acc acc[] = { OPS(ACC) };
    uint64_t all_flags = 0;
    static volatile uint32_t spill;

    for (unsigned i = 0; i < ND; i++) {
        dv[i] = dvals[i];
    }
    for (unsigned i = 0; i < NS; i++) {
        sv[i] = svals[i];
    }
    for (unsigned i = 0; i < NRAND; i++) {
        dv[ND + i] = rnd();
        sv[NS + i] = (uint32_t)rnd();
    }
    for (unsigned rm = 0; rm < 5; rm++) {
        frm_write(rm);
        for (unsigned i = 0; i < ND + NRAND; i++) {
            for (unsigned j = 0; j < ND + NRAND; j++) {
                uint64_t a = dv[i], b = dv[j], c = dv[(i * 7 + j) % (ND + NRAND)];
                uint32_t sa = sv[i % (NS + NRAND)], sc = sv[(i + j) % (NS + NRAND)];
                volatile uint32_t sb = sv[j % (NS + NRAND)];
                unsigned k = 0;
                (void)c;
                (void)sc;
                take_fflags();
#define RUN(name, expr) { uint64_t r = expr; uint64_t f = take_fflags();              \
                          all_flags |= f; mix(&acc[k], r); mix(&acc[k], f); k++; }
                OPS(RUN)
            }
        }
    }
    frm_write(0);
    test_printf("SIGNATURE BEGIN\n");
    for (unsigned k = 0; k < sizeof(acc) / sizeof(acc[0]); k++) {
        test_printf("%s %016lx\n", acc[k].name, acc[k].h);
    }
    test_printf("fflags %02lx\n", all_flags);
    test_printf("SIGNATURE END\n");
    return 0;
}
