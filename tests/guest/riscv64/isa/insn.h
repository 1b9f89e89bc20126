/*
 * Inline-assembly wrappers that run exactly one instruction on register
 * operands, so the compiler cannot fold the computation away.
 */
#ifndef GUEST_ISA_INSN_H
#define GUEST_ISA_INSN_H

#include "test.h"

#define RR(insn, a, b) ({                                                 \
    uint64_t r_;                                                          \
    __asm__ volatile(insn " %0, %1, %2"                                   \
                     : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b)));\
    r_; })

#define RI(insn, a, imm) ({                                               \
    uint64_t r_;                                                          \
    __asm__ volatile(insn " %0, %1, %2"                                   \
                     : "=r"(r_) : "r"((uint64_t)(a)), "i"(imm));          \
    r_; })

#define R1(insn, a) ({                                                    \
    uint64_t r_;                                                          \
    __asm__ volatile(insn " %0, %1" : "=r"(r_) : "r"((uint64_t)(a)));     \
    r_; })

/* FP: operands and results as raw bit patterns in f registers. */
#define FRR_D(insn, a, b) ({                                              \
    uint64_t r_;                                                          \
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t"             \
                     insn " ft2, ft0, ft1\n\tfmv.x.d %0, ft2"             \
                     : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b))  \
                     : "ft0", "ft1", "ft2");                              \
    r_; })

#endif
