/*
 * FP test helpers: run one instruction with a static rounding mode on raw
 * bit patterns and capture fflags.  Singles travel NaN-boxed in the f
 * registers; results are read back with fmv.x.d so the box is visible.
 */
#ifndef GUEST_ISA_FP_H
#define GUEST_ISA_FP_H

#include "insn.h"

#define BOX(x) (0xffffffff00000000UL | (uint32_t)(x))

/* f-op on two f inputs -> f result (64-bit pattern), flags in *fl */
#define FOP2(insn, a, b, fl) ({                                           \
    uint64_t r_, f_;                                                      \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tcsrw fflags, zero\n\t" \
                     insn " ft2, ft0, ft1\n\tfrflags %1\n\tfmv.x.d %0, ft2" \
                     : "=r"(r_), "=r"(f_) : "r"((uint64_t)(a)), "r"((uint64_t)(b)) \
                     : "ft0", "ft1", "ft2");                              \
    *(fl) = f_; r_; })

#define FOP3(insn, a, b, c, fl) ({                                        \
    uint64_t r_, f_;                                                      \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfmv.d.x ft3, %4\n\t" \
                     "csrw fflags, zero\n\t"                              \
                     insn " ft2, ft0, ft1, ft3\n\tfrflags %1\n\tfmv.x.d %0, ft2" \
                     : "=r"(r_), "=r"(f_)                                 \
                     : "r"((uint64_t)(a)), "r"((uint64_t)(b)), "r"((uint64_t)(c)) \
                     : "ft0", "ft1", "ft2", "ft3");                       \
    *(fl) = f_; r_; })

#define FOP1(insn, a, fl) ({                                              \
    uint64_t r_, f_;                                                      \
    __asm__ volatile("fmv.d.x ft0, %2\n\tcsrw fflags, zero\n\t"           \
                     insn " ft2, ft0\n\tfrflags %1\n\tfmv.x.d %0, ft2"    \
                     : "=r"(r_), "=r"(f_) : "r"((uint64_t)(a)) : "ft0", "ft2"); \
    *(fl) = f_; r_; })

/* f input -> x result (compares, fcvt to int, fclass, fmv.x) */
#define FTOX1(insn, a, fl) ({                                             \
    uint64_t r_, f_;                                                      \
    __asm__ volatile("fmv.d.x ft0, %2\n\tcsrw fflags, zero\n\t"           \
                     insn " %0, ft0\n\tfrflags %1"                        \
                     : "=r"(r_), "=r"(f_) : "r"((uint64_t)(a)) : "ft0");  \
    *(fl) = f_; r_; })

#define FTOX2(insn, a, b, fl) ({                                          \
    uint64_t r_, f_;                                                      \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tcsrw fflags, zero\n\t" \
                     insn " %0, ft0, ft1\n\tfrflags %1"                   \
                     : "=r"(r_), "=r"(f_) : "r"((uint64_t)(a)), "r"((uint64_t)(b)) \
                     : "ft0", "ft1");                                     \
    *(fl) = f_; r_; })

/* x input -> f result (fcvt from int, fmv.w.x) */
#define XTOF(insn, a, fl) ({                                              \
    uint64_t r_, f_;                                                      \
    __asm__ volatile("csrw fflags, zero\n\t" insn " ft2, %2\n\t"          \
                     "frflags %1\n\tfmv.x.d %0, ft2"                      \
                     : "=r"(r_), "=r"(f_) : "r"((uint64_t)(a)) : "ft2");  \
    *(fl) = f_; r_; })

/* T(expr, want, want_flags): expr uses &fl for its flags. */
#define T(expr, want, want_fl) do {                                       \
        uint64_t fl = 0;                                                  \
        uint64_t g__ = (expr);                                            \
        CHECK_EQ(g__, want);                                              \
        CHECK_EQ(fl, want_fl);                                            \
    } while (0)

#endif
