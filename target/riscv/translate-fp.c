/*
 * F and D extensions (unprivileged spec ch. 11, 12): decode and emit.
 * The arithmetic is in fpu_helper.c; loads, stores, moves, NaN boxing,
 * sign injections and the FP CSRs are inline.
 *
 * mstatus.FS (privileged spec 3.1.6.6): with FS = Off every FP instruction
 * is illegal.  Any instruction that writes an f register or may set fflags
 * makes FS Dirty (and SD); the TB flags tell whether it already is, so the
 * update is emitted at most once per block.
 *
 * Rounding modes: rm 5 and 6 are reserved (illegal at translation); rm 7
 * uses frm, whose validity is checked at run time before the first
 * dynamic-rm instruction of the block (frm only changes through CSR writes,
 * which end the block), or, when the TB flags say frm = RNE, is RNE.
 */
#include "target/riscv/translate-internal.h"

#define H(fn, n) TCG_HELPER(fn, n, true, TCG_CALL_NO_RWG)

static const TCGHelperInfo info_arith[2][4] = {
    { H(helper_fadd_s, 4), H(helper_fsub_s, 4), H(helper_fmul_s, 4), H(helper_fdiv_s, 4) },
    { H(helper_fadd_d, 4), H(helper_fsub_d, 4), H(helper_fmul_d, 4), H(helper_fdiv_d, 4) },
};
static const TCGHelperInfo info_sqrt[2] = { H(helper_fsqrt_s, 3), H(helper_fsqrt_d, 3) };
static const TCGHelperInfo info_fma[2][4] = {
    { H(helper_fmadd_s, 5), H(helper_fmsub_s, 5), H(helper_fnmsub_s, 5), H(helper_fnmadd_s, 5) },
    { H(helper_fmadd_d, 5), H(helper_fmsub_d, 5), H(helper_fnmsub_d, 5), H(helper_fnmadd_d, 5) },
};
static const TCGHelperInfo info_minmax[2][2] = {
    { H(helper_fmin_s, 3), H(helper_fmax_s, 3) },
    { H(helper_fmin_d, 3), H(helper_fmax_d, 3) },
};
static const TCGHelperInfo info_cmp[2][3] = {     /* fle, flt, feq by funct3 */
    { H(helper_fle_s, 3), H(helper_flt_s, 3), H(helper_feq_s, 3) },
    { H(helper_fle_d, 3), H(helper_flt_d, 3), H(helper_feq_d, 3) },
};
static const TCGHelperInfo info_to_int[2][4] = {  /* w, wu, l, lu */
    { H(helper_fcvt_w_s, 3), H(helper_fcvt_wu_s, 3), H(helper_fcvt_l_s, 3),
      H(helper_fcvt_lu_s, 3) },
    { H(helper_fcvt_w_d, 3), H(helper_fcvt_wu_d, 3), H(helper_fcvt_l_d, 3),
      H(helper_fcvt_lu_d, 3) },
};
static const TCGHelperInfo info_from_int[2][4] = {
    { H(helper_fcvt_s_w, 3), H(helper_fcvt_s_wu, 3), H(helper_fcvt_s_l, 3),
      H(helper_fcvt_s_lu, 3) },
    { H(helper_fcvt_d_w, 3), H(helper_fcvt_d_wu, 3), H(helper_fcvt_d_l, 3),
      H(helper_fcvt_d_lu, 3) },
};
static const TCGHelperInfo info_fcvt_s_d = H(helper_fcvt_s_d, 3);
static const TCGHelperInfo info_fcvt_d_s = H(helper_fcvt_d_s, 3);
static const TCGHelperInfo info_fclass[2] = {
    TCG_HELPER(helper_fclass_s, 1, true, TCG_CALL_PURE),
    TCG_HELPER(helper_fclass_d, 1, true, TCG_CALL_PURE),
};

static void gen_mark_fs_dirty(DisasContext *ctx)
{
    if (ctx->fs == FS_DIRTY) {
        return;
    }
    TCGv t = tcg_temp_new();
    tcg_gen_ld(t, tcg_env, offsetof(CPURISCVState, mstatus));
    tcg_gen_ori(t, t, (int64_t)(MSTATUS_FS_MASK | MSTATUS_SD));
    tcg_gen_st(t, tcg_env, offsetof(CPURISCVState, mstatus));
    ctx->fs = FS_DIRTY;
}

/* Validate the rm field; false = illegal (reserved static mode). */
static bool gen_check_rm(DisasContext *ctx, int rm)
{
    if (rm == 5 || rm == 6) {
        return false;
    }
    if (rm == RISCV_FRM_DYN && !ctx->frm_checked && !(ctx->flags & (1u << TB_FLAGS_FRM_RNE))) {
        TCGv frm = tcg_temp_new();
        TCGLabel *ok = gen_new_label();
        tcg_gen_ld32u(frm, tcg_env, offsetof(CPURISCVState, frm));
        tcg_gen_brcondi(TCG_COND_LEU, frm, RISCV_FRM_RMM, ok);
        gen_exception_illegal(ctx);
        gen_set_label(ok);
        ctx->is_jmp = DISAS_NEXT;
        ctx->frm_checked = true;
    }
    return true;
}

/* The rm argument for a helper: dyn is RNE for the whole block when the TB
 * flags say frm = RNE (frm writes end the block), which lets a native back
 * end skip its run-time frm test. */
static TCGv fp_rm(DisasContext *ctx, int rm)
{
    if (rm == RISCV_FRM_DYN && (ctx->flags & (1u << TB_FLAGS_FRM_RNE))) {
        rm = RISCV_FRM_RNE;
    }
    return tcg_constant(rm);
}

static bool fmt_ok(DisasContext *ctx, int fmt)
{
    return fmt == 0 ? ctx->cfg->ext_f : fmt == 1 ? ctx->cfg->ext_d : false;
}

static bool gen_fp_load_store(DisasContext *ctx, uint32_t insn, bool store)
{
    int f3 = insn_funct3(insn);
    TCGv addr = tcg_temp_new();

    if (!(f3 == 2 && ctx->cfg->ext_f) && !(f3 == 3 && ctx->cfg->ext_d)) {
        return false;
    }
    tcg_gen_addi(addr, get_gpr(ctx, insn_rs1(insn)), store ? imm_s(insn) : imm_i(insn));
    if (store) {
        tcg_gen_qemu_st(cpu_fpr[insn_rs2(insn)], addr, ctx->mem_idx,
                        (f3 == 2 ? MO_UL : MO_UQ) | MO_LE);
        return true;
    }
    TCGv val = tcg_temp_new();
    tcg_gen_qemu_ld(val, addr, ctx->mem_idx, (f3 == 2 ? MO_UL : MO_UQ) | MO_LE);
    if (f3 == 2) {
        tcg_gen_ori(val, val, (int64_t)RISCV_NANBOX_MASK);   /* NaN-box (11.2) */
    }
    gen_mark_fs_dirty(ctx);
    tcg_gen_mov(cpu_fpr[insn_rd(insn)], val);
    return true;
}

static bool gen_fma(DisasContext *ctx, uint32_t insn)
{
    int fmt = extract32(insn, 25, 2), rm = insn_funct3(insn);
    int kind = ((insn & 0x7f) - OPC_MADD) >> 2;   /* madd, msub, nmsub, nmadd */
    TCGv r = tcg_temp_new();

    if (!fmt_ok(ctx, fmt) || !gen_check_rm(ctx, rm)) {
        return false;
    }
    tcg_gen_call5(&info_fma[fmt][kind], r, tcg_env, cpu_fpr[insn_rs1(insn)],
                  cpu_fpr[insn_rs2(insn)], cpu_fpr[insn_rs3(insn)], fp_rm(ctx, rm));
    gen_mark_fs_dirty(ctx);
    tcg_gen_mov(cpu_fpr[insn_rd(insn)], r);
    return true;
}

/* fsgnj.d family inline: the result is rs1 with a new sign bit. */
static void gen_fsgnj_d(TCGv r, TCGv a, TCGv b, int mode)
{
    TCGv t = tcg_temp_new();

    switch (mode) {
    case 0:
        tcg_gen_deposit(r, b, a, 0, 63);
        break;
    case 1:
        tcg_gen_not(t, b);
        tcg_gen_deposit(r, t, a, 0, 63);
        break;
    default:
        tcg_gen_andi(t, b, INT64_MIN);
        tcg_gen_xor(r, a, t);
        break;
    }
}

/* A single as read by an instruction (11.2): itself if NaN-boxed, else the
 * canonical NaN; either way returned boxed. */
static TCGv gen_unbox_s(TCGv x)
{
    TCGv hi = tcg_temp_new(), r = tcg_temp_new();

    tcg_gen_shri(hi, x, 32);
    tcg_gen_movcond(TCG_COND_EQ, r, hi, tcg_constant(0xffffffff), x,
                    tcg_constant((int64_t)(RISCV_NANBOX_MASK | 0x7fc00000)));
    return r;
}

/* fsgnj.s family inline (11.6): no helper call for fmv.s / fneg.s / fabs.s. */
static void gen_fsgnj_s(TCGv r, TCGv a, TCGv b, bool same, int mode)
{
    TCGv ua = gen_unbox_s(a), ub = same ? ua : gen_unbox_s(b);
    TCGv t = tcg_temp_new();

    switch (mode) {
    case 0:
        tcg_gen_deposit(r, ub, ua, 0, 31);      /* ub's sign and box */
        break;
    case 1:
        tcg_gen_not(t, ub);
        tcg_gen_deposit(r, t, ua, 0, 31);
        tcg_gen_ori(r, r, (int64_t)RISCV_NANBOX_MASK);
        break;
    default:
        tcg_gen_andi(t, ub, 0x80000000);
        tcg_gen_xor(r, ua, t);
        break;
    }
}

static bool gen_op_fp(DisasContext *ctx, uint32_t insn)
{
    int f7 = insn_funct7(insn), fmt = f7 & 3, op5 = f7 >> 2;
    int rm = insn_funct3(insn), rd = insn_rd(insn), rs2 = insn_rs2(insn);
    TCGv a = cpu_fpr[insn_rs1(insn)], b = cpu_fpr[rs2];
    TCGv r = tcg_temp_new();
    bool to_gpr = false;

    if (!fmt_ok(ctx, fmt)) {
        return false;
    }
    switch (op5) {
    case 0x00: case 0x01: case 0x02: case 0x03:   /* fadd fsub fmul fdiv */
        if (!gen_check_rm(ctx, rm)) {
            return false;
        }
        tcg_gen_call4(&info_arith[fmt][op5], r, tcg_env, a, b, fp_rm(ctx, rm));
        break;
    case 0x0b:                                     /* fsqrt */
        if (rs2 != 0 || !gen_check_rm(ctx, rm)) {
            return false;
        }
        tcg_gen_call3(&info_sqrt[fmt], r, tcg_env, a, fp_rm(ctx, rm));
        break;
    case 0x04:                                     /* fsgnj[n|x] */
        if (rm > 2) {
            return false;
        }
        if (fmt == 0) {
            gen_fsgnj_s(r, a, b, insn_rs1(insn) == rs2, rm);
        } else {
            gen_fsgnj_d(r, a, b, rm);
        }
        break;
    case 0x05:                                     /* fmin fmax */
        if (rm > 1) {
            return false;
        }
        tcg_gen_call3(&info_minmax[fmt][rm], r, tcg_env, a, b);
        break;
    case 0x08:                                     /* fcvt.s.d / fcvt.d.s */
        if (rs2 != (fmt ^ 1) || !ctx->cfg->ext_d || !gen_check_rm(ctx, rm)) {
            return false;
        }
        tcg_gen_call3(fmt == 0 ? &info_fcvt_s_d : &info_fcvt_d_s, r, tcg_env, a,
                      fp_rm(ctx, rm));
        break;
    case 0x14:                                     /* fle flt feq */
        if (rm > 2) {
            return false;
        }
        tcg_gen_call3(&info_cmp[fmt][rm], r, tcg_env, a, b);
        to_gpr = true;
        break;
    case 0x18:                                     /* fcvt.{w,wu,l,lu}.fmt */
        if (rs2 > 3 || !gen_check_rm(ctx, rm)) {
            return false;
        }
        tcg_gen_call3(&info_to_int[fmt][rs2], r, tcg_env, a, fp_rm(ctx, rm));
        to_gpr = true;
        break;
    case 0x1a:                                     /* fcvt.fmt.{w,wu,l,lu} */
        if (rs2 > 3 || !gen_check_rm(ctx, rm)) {
            return false;
        }
        tcg_gen_call3(&info_from_int[fmt][rs2], r, tcg_env,
                      get_gpr(ctx, insn_rs1(insn)), fp_rm(ctx, rm));
        break;
    case 0x1c:                                     /* fmv.x.{w,d}, fclass */
        if (rs2 != 0 || rm > 1) {
            return false;
        }
        if (rm == 1) {
            tcg_gen_call1(&info_fclass[fmt], r, a);
        } else if (fmt == 0) {
            tcg_gen_ext32s(r, a);       /* fmv.x.w: bits as-is, sign-extended */
        } else {
            tcg_gen_mov(r, a);
        }
        /* Pure reads of FP state: FS stays as it is. */
        gen_set_gpr(ctx, rd, r);
        return true;
    case 0x1e:                                     /* fmv.{w,d}.x */
        if (rs2 != 0 || rm != 0) {
            return false;
        }
        if (fmt == 0) {
            tcg_gen_ori(r, get_gpr(ctx, insn_rs1(insn)), (int64_t)RISCV_NANBOX_MASK);
        } else {
            tcg_gen_mov(r, get_gpr(ctx, insn_rs1(insn)));
        }
        break;
    default:
        return false;
    }
    gen_mark_fs_dirty(ctx);
    if (to_gpr) {
        gen_set_gpr(ctx, rd, r);
    } else {
        tcg_gen_mov(cpu_fpr[rd], r);
    }
    return true;
}

static const TCGHelperInfo info_fflags_sync =
    TCG_HELPER(helper_fflags_sync, 1, false, TCG_CALL_NO_RWG);
static const TCGHelperInfo info_fflags_discard =
    TCG_HELPER(helper_fflags_discard, 1, false, TCG_CALL_NO_RWG);

/*
 * fflags (0x001), frm (0x002), fcsr (0x003) (11.2) with the F extension
 * and mstatus.FS != Off known from the TB flags: legal at every privilege
 * (privileged spec 3.1.6.6), so inline loads and stores with no trap, and
 * fflags is no translation state, so unlike other CSR writes its accesses
 * do not end the block (compiled FP code brackets quiet compares with
 * frflags / fsflags); frm and fcsr writes do (TB_FLAGS_FRM_RNE).  fflags
 * goes through the sync/discard markers (helper.h) for a back end that
 * keeps flags pending.
 */
bool gen_fp_csr(DisasContext *ctx, uint32_t insn)
{
    int csr = (int)extract32(insn, 20, 12), f3 = insn_funct3(insn) & 3;
    int rd = insn_rd(insn), rs1 = insn_rs1(insn);
    bool imm = insn_funct3(insn) & 4;
    bool writes = f3 == 1 || rs1 != 0;      /* csrrs/csrrc with x0 / uimm 0 only read */
    bool reads = rd != 0 || f3 != 1;        /* csrrw with rd = x0 does not read */
    TCGv old = tcg_temp_new(), val = tcg_temp_new(), src;

    if (csr < 1 || csr > 3 || f3 == 0 || !ctx->cfg->ext_f || ctx->fs == FS_OFF) {
        return false;
    }
    src = imm ? tcg_constant(rs1) : get_gpr(ctx, rs1);
    if (reads) {
        if (csr != 2) {
            tcg_gen_call1(&info_fflags_sync, TCG_NO_RET, tcg_env);
            tcg_gen_ld32u(old, tcg_env, offsetof(CPURISCVState, fflags));
            tcg_gen_andi(old, old, 0x1f);
        }
        if (csr != 1) {
            tcg_gen_ld32u(val, tcg_env, offsetof(CPURISCVState, frm));
            tcg_gen_andi(val, val, 7);
            if (csr == 3) {
                tcg_gen_shli(val, val, 5);
                tcg_gen_or(old, old, val);
            } else {
                tcg_gen_mov(old, val);
            }
        }
    } else {
        tcg_gen_movi(old, 0);
    }
    if (writes) {
        if (f3 == 1) {
            tcg_gen_mov(val, src);
        } else if (f3 == 2) {
            tcg_gen_or(val, old, src);
        } else {
            tcg_gen_andc(val, old, src);
        }
        if (csr != 2) {
            TCGv fl = tcg_temp_new();
            tcg_gen_call1(&info_fflags_discard, TCG_NO_RET, tcg_env);
            tcg_gen_andi(fl, val, 0x1f);
            tcg_gen_st32(fl, tcg_env, offsetof(CPURISCVState, fflags));
        }
        if (csr != 1) {
            /* frm is part of the TB flags (TB_FLAGS_FRM_RNE): end the block. */
            TCGv rm = tcg_temp_new();
            tcg_gen_extract(rm, val, csr == 3 ? 5 : 0, 3);
            tcg_gen_st32(rm, tcg_env, offsetof(CPURISCVState, frm));
            ctx->frm_checked = false;
            ctx->is_jmp = DISAS_EXIT;
        }
        gen_mark_fs_dirty(ctx);     /* a write makes the FP state Dirty */
    }
    gen_set_gpr(ctx, rd, old);
    return true;
}

bool decode_fp(DisasContext *ctx, uint32_t insn)
{
    if (ctx->fs == FS_OFF || !ctx->cfg->ext_f) {
        return false;
    }
    switch (insn & 0x7f) {
    case OPC_LOAD_FP:
        return gen_fp_load_store(ctx, insn, false);
    case OPC_STORE_FP:
        return gen_fp_load_store(ctx, insn, true);
    case OPC_MADD:
    case OPC_MSUB:
    case OPC_NMSUB:
    case OPC_NMADD:
        return gen_fma(ctx, insn);
    case OPC_OP_FP:
        return gen_op_fp(ctx, insn);
    }
    return false;
}
