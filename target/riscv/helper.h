/*
 * Helpers that generated RISC-V code calls.  The translator (translate*.c)
 * emits the calls; the privileged side (op_helper.c, csr.c) and the FP side
 * (fpu_helper.c) implement them.  All take env first; values are uint64_t.
 * Helpers that can trap use GETPC() to restore the faulting pc precisely.
 */
#ifndef TARGET_RISCV_HELPER_H
#define TARGET_RISCV_HELPER_H

#include "target/riscv/cpu.h"

/* Privileged side (op_helper.c). */
void helper_raise_exception(CPURISCVState *env, uint64_t cause);   /* ecall, ebreak, illegal */
/* tval variant: e.g. illegal instruction with the encoding as tval */
void helper_raise_exception_tval(CPURISCVState *env, uint64_t cause, uint64_t tval);
/* CSR read (csrrs/csrrc with rs1 = x0 and csrrsi/csrrci with uimm = 0). */
uint64_t helper_csrr(CPURISCVState *env, uint64_t csrno);
/* CSR read-modify-write: new = (old & ~mask) | (src & mask); returns old. */
uint64_t helper_csrrw(CPURISCVState *env, uint64_t csrno, uint64_t src, uint64_t mask);
uint64_t helper_mret(CPURISCVState *env);    /* returns the new pc */
uint64_t helper_sret(CPURISCVState *env);    /* returns the new pc */
void helper_wfi(CPURISCVState *env);         /* pc already advanced; may halt */
void helper_sfence_vma(CPURISCVState *env, uint64_t addr, uint64_t asid,
                       uint64_t rs1_is_x0);
void helper_fence_i(CPURISCVState *env);
/* LR/SC and AMOs go through these so reservations and alignment are uniform. */
uint64_t helper_lr(CPURISCVState *env, uint64_t addr, uint64_t memop);
uint64_t helper_sc(CPURISCVState *env, uint64_t addr, uint64_t val, uint64_t memop);

/*
 * FP side (fpu_helper.c).  rm is the instruction's rounding-mode field
 * (7 = dynamic: use frm; an invalid mode raises illegal instruction).
 * Singles are NaN-boxed in and out; flags accumulate into env->fflags.
 */
/*
 * Markers for a native back end that keeps FP flags pending in the host
 * FPU (tcg-backend.h, TCGInlineFPFlags): before reading env->fflags,
 * sync folds them in; before writing it, discard drops them.  Called
 * (by a back end without pending flags) they have nothing to do.
 */
void helper_fflags_sync(CPURISCVState *env);
void helper_fflags_discard(CPURISCVState *env);
uint64_t helper_fadd_s(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fsub_s(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fmul_s(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fdiv_s(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fsqrt_s(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fadd_d(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fsub_d(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fmul_d(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fdiv_d(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t rm);
uint64_t helper_fsqrt_d(CPURISCVState *env, uint64_t a, uint64_t rm);
/* The translator owns the remaining FP helper declarations (fma, min/max,
 * compares, conversions, fclass, sign injection) in fpu_helper.h. */

#endif
