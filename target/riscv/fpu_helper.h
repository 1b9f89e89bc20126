/*
 * FP helpers beyond the basic arithmetic declared in helper.h (F and D,
 * unprivileged spec ch. 11-12).  Same conventions: env first, values as
 * uint64_t bit patterns, singles NaN-boxed in and out (an improperly boxed
 * single input reads as the canonical NaN), rm = the instruction's
 * rounding-mode field (7 = dynamic: frm), flags accrue in env->fflags.
 * An invalid rounding mode raises illegal instruction; the translator
 * checks it before calling, so from generated code these never trap.
 */
#ifndef TARGET_RISCV_FPU_HELPER_H
#define TARGET_RISCV_FPU_HELPER_H

#include "target/riscv/cpu.h"

/* fflags bits (fcsr, 11.2) and rounding modes (table 11.1) */
#define FFLAG_NX 0x01
#define FFLAG_UF 0x02
#define FFLAG_OF 0x04
#define FFLAG_DZ 0x08
#define FFLAG_NV 0x10
#define RISCV_FRM_RNE 0
#define RISCV_FRM_RTZ 1
#define RISCV_FRM_RDN 2
#define RISCV_FRM_RUP 3
#define RISCV_FRM_RMM 4
#define RISCV_FRM_DYN 7

#define RISCV_CANONICAL_NAN_S 0x7fc00000ULL
#define RISCV_CANONICAL_NAN_D 0x7ff8000000000000ULL
#define RISCV_NANBOX_MASK 0xffffffff00000000ULL

/* Fused multiply-add family: a*b+c, a*b-c, -(a*b)+c, -(a*b)-c, one rounding. */
uint64_t helper_fmadd_s(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t c, uint64_t rm);
uint64_t helper_fmsub_s(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t c, uint64_t rm);
uint64_t helper_fnmsub_s(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t c, uint64_t rm);
uint64_t helper_fnmadd_s(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t c, uint64_t rm);
uint64_t helper_fmadd_d(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t c, uint64_t rm);
uint64_t helper_fmsub_d(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t c, uint64_t rm);
uint64_t helper_fnmsub_d(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t c, uint64_t rm);
uint64_t helper_fnmadd_d(CPURISCVState *env, uint64_t a, uint64_t b, uint64_t c, uint64_t rm);

/* fmin/fmax (11.6, 2.2 semantics: minimumNumber/maximumNumber) */
uint64_t helper_fmin_s(CPURISCVState *env, uint64_t a, uint64_t b);
uint64_t helper_fmax_s(CPURISCVState *env, uint64_t a, uint64_t b);
uint64_t helper_fmin_d(CPURISCVState *env, uint64_t a, uint64_t b);
uint64_t helper_fmax_d(CPURISCVState *env, uint64_t a, uint64_t b);

/* Compares (11.8): feq quiet, flt/fle signaling; result 0 or 1. */
uint64_t helper_feq_s(CPURISCVState *env, uint64_t a, uint64_t b);
uint64_t helper_flt_s(CPURISCVState *env, uint64_t a, uint64_t b);
uint64_t helper_fle_s(CPURISCVState *env, uint64_t a, uint64_t b);
uint64_t helper_feq_d(CPURISCVState *env, uint64_t a, uint64_t b);
uint64_t helper_flt_d(CPURISCVState *env, uint64_t a, uint64_t b);
uint64_t helper_fle_d(CPURISCVState *env, uint64_t a, uint64_t b);

/* fclass (11.9): one-hot class mask; no flags, no env. */
uint64_t helper_fclass_s(uint64_t a);
uint64_t helper_fclass_d(uint64_t a);

/* fsgnj.s/fsgnjn.s/fsgnjx.s (mode 0/1/2) with NaN-box checking of inputs. */
uint64_t helper_fsgnj_s(uint64_t a, uint64_t b, uint64_t mode);

/* FP -> integer (11.7, table 11.4): saturating, NaN -> largest positive, NV. */
uint64_t helper_fcvt_w_s(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_wu_s(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_l_s(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_lu_s(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_w_d(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_wu_d(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_l_d(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_lu_d(CPURISCVState *env, uint64_t a, uint64_t rm);

/* integer -> FP */
uint64_t helper_fcvt_s_w(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_s_wu(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_s_l(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_s_lu(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_d_w(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_d_wu(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_d_l(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_d_lu(CPURISCVState *env, uint64_t a, uint64_t rm);

/* FP <-> FP (12.5) */
uint64_t helper_fcvt_s_d(CPURISCVState *env, uint64_t a, uint64_t rm);
uint64_t helper_fcvt_d_s(CPURISCVState *env, uint64_t a, uint64_t rm);

#endif
