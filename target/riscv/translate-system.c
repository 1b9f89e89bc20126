/*
 * SYSTEM opcode: Zicsr (unprivileged spec ch. 9), ecall/ebreak (2.8) and
 * the privileged instructions mret/sret/wfi/sfence.vma (privileged spec
 * 3.3, 4.2).  The semantics of each CSR live in csr.c behind helper_csrr /
 * helper_csrrw; here we only choose read-only vs read-modify-write as 9.1
 * requires (csrrs/csrrc with rs1 = x0 and the immediate forms with uimm = 0
 * must not write, so they cannot trap on read-only CSRs).
 *
 * Anything that can change the translation-relevant state (a CSR write,
 * xRET, sfence.vma, wfi) ends the block and returns to the loop, which
 * also lets it notice a newly enabled pending interrupt.
 */
#include "target/riscv/translate-internal.h"

static const TCGHelperInfo info_csrr =
    TCG_HELPER(helper_csrr, 2, true, TCG_CALL_MAY_RAISE);
static const TCGHelperInfo info_csrrw =
    TCG_HELPER(helper_csrrw, 4, true, TCG_CALL_MAY_RAISE);
static const TCGHelperInfo info_mret =
    TCG_HELPER(helper_mret, 1, true, TCG_CALL_MAY_RAISE);
static const TCGHelperInfo info_sret =
    TCG_HELPER(helper_sret, 1, true, TCG_CALL_MAY_RAISE);
static const TCGHelperInfo info_wfi =
    TCG_HELPER(helper_wfi, 1, false, TCG_CALL_MAY_RAISE);
static const TCGHelperInfo info_sfence_vma =
    TCG_HELPER(helper_sfence_vma, 4, false, TCG_CALL_MAY_RAISE);

#define INSN_ECALL 0x00000073u
#define INSN_EBREAK 0x00100073u
#define INSN_SRET 0x10200073u
#define INSN_MRET 0x30200073u
#define INSN_WFI 0x10500073u

static bool gen_csr(DisasContext *ctx, uint32_t insn)
{
    int f3 = insn_funct3(insn), rd = insn_rd(insn), rs1 = insn_rs1(insn);
    TCGv csrno = tcg_constant(extract32(insn, 20, 12));
    TCGv src = (f3 & 4) ? tcg_constant(rs1) : get_gpr(ctx, rs1);
    TCGv old = tcg_temp_new();

    if (!ctx->cfg->ext_zicsr || (insn_funct3(insn) & 3) == 0) {
        return false;
    }
    if (gen_fp_csr(ctx, insn)) {
        return true;
    }
    tcg_gen_movi(cpu_pc, ctx->pc);
    switch (f3 & 3) {
    case 1:     /* csrrw: always writes */
        tcg_gen_call4(&info_csrrw, old, tcg_env, csrno, src, tcg_constant(-1));
        break;
    case 2:     /* csrrs */
        if (rs1 == 0) {
            tcg_gen_call2(&info_csrr, old, tcg_env, csrno);
            gen_set_gpr(ctx, rd, old);
            return true;
        }
        tcg_gen_call4(&info_csrrw, old, tcg_env, csrno, src, src);
        break;
    case 3:     /* csrrc */
        if (rs1 == 0) {
            tcg_gen_call2(&info_csrr, old, tcg_env, csrno);
            gen_set_gpr(ctx, rd, old);
            return true;
        }
        tcg_gen_call4(&info_csrrw, old, tcg_env, csrno, tcg_constant(0), src);
        break;
    default:
        return false;
    }
    gen_set_gpr(ctx, rd, old);
    ctx->is_jmp = DISAS_EXIT;
    return true;
}

static bool gen_xret(DisasContext *ctx, bool is_mret)
{
    /* Privileged spec 3.3.2: xRET above the current privilege is illegal,
     * and so is sret in S-mode with mstatus.TSR set.  The helpers check
     * again; checking here gives the trap its instruction bits in tval. */
    if (is_mret ? ctx->priv != PRV_M
                : (ctx->priv == PRV_U ||
                   (ctx->priv == PRV_S && (ctx->flags & (1u << TB_FLAGS_TSR))))) {
        return false;
    }
    if (!is_mret && !ctx->cfg->ext_s) {
        return false;
    }
    TCGv new_pc = tcg_temp_new();
    tcg_gen_movi(cpu_pc, ctx->pc);
    /* The result goes to a temp first: the call syncs globals around it,
     * so returning straight into the pc global is easy to get wrong. */
    tcg_gen_call1(is_mret ? &info_mret : &info_sret, new_pc, tcg_env);
    tcg_gen_mov(cpu_pc, new_pc);
    tcg_gen_exit_tb(NULL, 0);
    ctx->is_jmp = DISAS_NORETURN;
    return true;
}

static bool gen_wfi(DisasContext *ctx)
{
    /* Privileged spec 3.1.6.5: illegal in U-mode, and in S-mode when
     * mstatus.TW is set (we take the "time limit" to be zero). */
    if (ctx->priv == PRV_U ||
        (ctx->priv == PRV_S && (ctx->flags & (1u << TB_FLAGS_TW)))) {
        return false;
    }
    tcg_gen_movi(cpu_pc, ctx->pc_next);
    tcg_gen_call1(&info_wfi, TCG_NO_RET, tcg_env);
    tcg_gen_exit_tb(NULL, 0);
    ctx->is_jmp = DISAS_NORETURN;
    return true;
}

static bool gen_sfence_vma(DisasContext *ctx, uint32_t insn)
{
    int rs1 = insn_rs1(insn);

    if (!ctx->cfg->ext_s || ctx->priv == PRV_U ||
        (ctx->priv == PRV_S && (ctx->flags & (1u << TB_FLAGS_TVM)))) {
        return false;
    }
    tcg_gen_movi(cpu_pc, ctx->pc);
    tcg_gen_call4(&info_sfence_vma, TCG_NO_RET, tcg_env, get_gpr(ctx, rs1),
                  get_gpr(ctx, insn_rs2(insn)), tcg_constant(rs1 == 0));
    ctx->is_jmp = DISAS_EXIT;
    return true;
}

bool decode_system(DisasContext *ctx, uint32_t insn)
{
    if (insn_funct3(insn) != 0) {
        return insn_funct3(insn) != 4 && gen_csr(ctx, insn);
    }
    switch (insn) {
    case INSN_ECALL:
        /* U/S/M_ECALL are 8, 9, 11: 8 + the privilege level. */
        gen_exception(ctx, RISCV_EXCP_U_ECALL + ctx->priv);
        return true;
    case INSN_EBREAK:
        /* Privileged spec 3.1.16: tval = the address of the ebreak. */
        gen_exception_tval(ctx, RISCV_EXCP_BREAKPOINT, tcg_constant(ctx->pc));
        return true;
    case INSN_MRET:
        return gen_xret(ctx, true);
    case INSN_SRET:
        return gen_xret(ctx, false);
    case INSN_WFI:
        return gen_wfi(ctx);
    }
    if (insn_funct7(insn) == 0x09 && insn_rd(insn) == 0) {
        return gen_sfence_vma(ctx, insn);
    }
    return false;
}
