/*
 * Which RISC-V FP helpers a native JIT back end may run on the host FPU
 * (tcg-backend.h, TCGInlineFP).  fadd/fsub/fmul/fdiv/fsqrt and the fused
 * multiply-adds in S and D, the conversions fcvt.{w,wu,l,lu}.{s,d} and
 * fcvt.{s,d}.{w,wu,l,lu}, plus feq/flt/fle and fmin/fmax for ordered
 * inputs compute the IEEE 754 result (unprivileged spec 11.3, 11.6, 11.7),
 * so under RNE (static, or dyn with frm = RNE) with a non-NaN result (an
 * in-range integer) they only accrue the IEEE flags of the operation into
 * fflags (11.2), which the back end may do lazily (riscv_fflags below).
 * NaN results (canonical NaN, 11.3), saturating conversions (table 11.4),
 * badly NaN-boxed singles (11.2) and the other rounding modes stay with
 * the helpers in fpu_helper.c; fflags reads and writes go through the
 * sync/discard markers.
 */
#include "target/riscv/cpu.h"
#include "target/riscv/helper.h"
#include "target/riscv/fpu_helper.h"
#include "tcg/tcg-backend.h"

#define D(fn, o, b)                                                        \
    {.helper = (const void *)(fn), .op = (o), .bits = (b), .nan_boxed = true,\
     .rm_nearest = RISCV_FRM_RNE, .rm_dynamic = RISCV_FRM_DYN,             \
     .dyn_nearest = RISCV_FRM_RNE,                                         \
     .dyn_rm_offset = offsetof(CPURISCVState, frm),                        \
     .flags_offset = offsetof(CPURISCVState, fflags), .inexact_flag = FFLAG_NX}

/* Fused multiply-add (11.6): fmsub = a*b - c, fnmsub = -(a*b) + c,
 * fnmadd = -(a*b) - c; one rounding, like IEEE 754 fusedMultiplyAdd. */
#define F(fn, b, neg) {.helper = (const void *)(fn), .op = TCG_FP_FMA, .bits = (b),   \
    .nan_boxed = true, .rm_nearest = RISCV_FRM_RNE, .rm_dynamic = RISCV_FRM_DYN,       \
    .dyn_nearest = RISCV_FRM_RNE, .dyn_rm_offset = offsetof(CPURISCVState, frm),       \
    .flags_offset = offsetof(CPURISCVState, fflags), .inexact_flag = FFLAG_NX,        \
    .fma_neg = (neg)}

/* Conversions (11.7): in range they are exact or inexact, never NaN. */
#define C(fn, o, b, ib) {.helper = (const void *)(fn), .op = (o), .bits = (b),         \
    .nan_boxed = true, .rm_nearest = RISCV_FRM_RNE, .rm_dynamic = RISCV_FRM_DYN,      \
    .dyn_nearest = RISCV_FRM_RNE, .dyn_rm_offset = offsetof(CPURISCVState, frm),      \
    .flags_offset = offsetof(CPURISCVState, fflags), .inexact_flag = FFLAG_NX,       \
    .int_bits = (ib), .has_rm_trunc = true, .rm_trunc = RISCV_FRM_RTZ}
#define CU(fn, o, b, ib) {.helper = (const void *)(fn), .op = (o), .bits = (b),        \
    .nan_boxed = true, .rm_nearest = RISCV_FRM_RNE, .rm_dynamic = RISCV_FRM_DYN,      \
    .dyn_nearest = RISCV_FRM_RNE, .dyn_rm_offset = offsetof(CPURISCVState, frm),      \
    .flags_offset = offsetof(CPURISCVState, fflags), .inexact_flag = FFLAG_NX,       \
    .int_bits = (ib), .int_unsigned = true, .has_rm_trunc = true,                    \
    .rm_trunc = RISCV_FRM_RTZ}

/* Compares and min/max (11.6, 11.8): no rm; NaN inputs stay with the helper. */
#define O(fn, o, b) {.helper = (const void *)(fn), .op = (o), .bits = (b),             \
    .nan_boxed = true}

static const TCGInlineFP riscv_inline_fp[] = {
    {.helper = (const void *)helper_fflags_sync, .op = TCG_FP_SYNC_FLAGS},
    {.helper = (const void *)helper_fflags_discard, .op = TCG_FP_DISCARD_FLAGS},
    O(helper_feq_s, TCG_FP_EQ, 32), O(helper_flt_s, TCG_FP_LT, 32),
    O(helper_fle_s, TCG_FP_LE, 32), O(helper_fmin_s, TCG_FP_MIN, 32),
    O(helper_fmax_s, TCG_FP_MAX, 32),
    O(helper_feq_d, TCG_FP_EQ, 64), O(helper_flt_d, TCG_FP_LT, 64),
    O(helper_fle_d, TCG_FP_LE, 64), O(helper_fmin_d, TCG_FP_MIN, 64),
    O(helper_fmax_d, TCG_FP_MAX, 64),
    C(helper_fcvt_w_s, TCG_FP_TO_INT, 32, 32), C(helper_fcvt_l_s, TCG_FP_TO_INT, 32, 64),
    C(helper_fcvt_w_d, TCG_FP_TO_INT, 64, 32), C(helper_fcvt_l_d, TCG_FP_TO_INT, 64, 64),
    C(helper_fcvt_s_w, TCG_FP_FROM_INT, 32, 32), C(helper_fcvt_s_l, TCG_FP_FROM_INT, 32, 64),
    C(helper_fcvt_d_w, TCG_FP_FROM_INT, 64, 32), C(helper_fcvt_d_l, TCG_FP_FROM_INT, 64, 64),
    CU(helper_fcvt_wu_s, TCG_FP_TO_INT, 32, 32), CU(helper_fcvt_lu_s, TCG_FP_TO_INT, 32, 64),
    CU(helper_fcvt_wu_d, TCG_FP_TO_INT, 64, 32), CU(helper_fcvt_lu_d, TCG_FP_TO_INT, 64, 64),
    CU(helper_fcvt_s_wu, TCG_FP_FROM_INT, 32, 32), CU(helper_fcvt_s_lu, TCG_FP_FROM_INT, 32, 64),
    CU(helper_fcvt_d_wu, TCG_FP_FROM_INT, 64, 32), CU(helper_fcvt_d_lu, TCG_FP_FROM_INT, 64, 64),
    D(helper_fadd_s, TCG_FP_ADD, 32), D(helper_fsub_s, TCG_FP_SUB, 32),
    D(helper_fmul_s, TCG_FP_MUL, 32), D(helper_fdiv_s, TCG_FP_DIV, 32),
    D(helper_fsqrt_s, TCG_FP_SQRT, 32),
    D(helper_fadd_d, TCG_FP_ADD, 64), D(helper_fsub_d, TCG_FP_SUB, 64),
    D(helper_fmul_d, TCG_FP_MUL, 64), D(helper_fdiv_d, TCG_FP_DIV, 64),
    D(helper_fsqrt_d, TCG_FP_SQRT, 64),
    F(helper_fmadd_s, 32, 0), F(helper_fmsub_s, 32, 2), F(helper_fnmsub_s, 32, 1),
    F(helper_fnmadd_s, 32, 3),
    F(helper_fmadd_d, 64, 0), F(helper_fmsub_d, 64, 2), F(helper_fnmsub_d, 64, 1),
    F(helper_fnmadd_d, 64, 3),
};

/* fflags (11.2): the five IEEE 754 flags, accrued as IEEE 754 defines them
 * (underflow: tininess after rounding, 11.2's last paragraph). */
static const TCGInlineFPFlags riscv_fflags = {
    .offset = offsetof(CPURISCVState, fflags), .invalid = FFLAG_NV,
    .divbyzero = FFLAG_DZ, .overflow = FFLAG_OF, .underflow = FFLAG_UF,
    .inexact = FFLAG_NX,
};

static void __attribute__((constructor)) riscv_jit_inline_init(void)
{
    tcg_inline_fp_flags_register(&riscv_fflags);
    for (size_t i = 0; i < ARRAY_SIZE(riscv_inline_fp); i++) {
        tcg_inline_fp_register(&riscv_inline_fp[i]);
    }
}
