/*
 * RV64I base integer instructions (unprivileged spec ch. 2 and 5) and the
 * fences of Zifencei (ch. 3) and the base memory model (2.7).
 *
 * Loads and stores carry no MO_ALIGN: a misaligned access is emulated by
 * the soft-MMU (split into aligned pieces), which the spec permits ("may be
 * handled in hardware or by an invisible trap", 2.6) and which is what
 * Linux user code expects of a hart that supports misaligned accesses.
 */
#include "target/riscv/translate-internal.h"

static const TCGHelperInfo info_fence_i =
    TCG_HELPER(helper_fence_i, 1, false, 0);

static bool gen_load(DisasContext *ctx, uint32_t insn)
{
    static const MemOp ops[8] = {
        [0] = MO_SB, [1] = MO_SW, [2] = MO_SL, [3] = MO_UQ,
        [4] = MO_UB, [5] = MO_UW, [6] = MO_UL, [7] = -1,
    };
    int f3 = insn_funct3(insn);

    if (f3 == 7) {
        return false;
    }
    TCGv addr = tcg_temp_new();
    tcg_gen_addi(addr, get_gpr(ctx, insn_rs1(insn)), imm_i(insn));
    /* Load into a temp: a faulting load must leave rd unchanged. */
    TCGv val = tcg_temp_new();
    tcg_gen_qemu_ld(val, addr, ctx->mem_idx, ops[f3] | MO_LE);
    gen_set_gpr(ctx, insn_rd(insn), val);
    return true;
}

static bool gen_store(DisasContext *ctx, uint32_t insn)
{
    int f3 = insn_funct3(insn);

    if (f3 > 3) {
        return false;
    }
    TCGv addr = tcg_temp_new();
    tcg_gen_addi(addr, get_gpr(ctx, insn_rs1(insn)), imm_s(insn));
    tcg_gen_qemu_st(get_gpr(ctx, insn_rs2(insn)), addr, ctx->mem_idx, (MemOp)f3 | MO_LE);
    return true;
}

/*
 * With C present every jump target is 2-byte aligned by construction
 * (branch/jal offsets are even, jalr clears bit 0), so the
 * instruction-address-misaligned exception can only happen without C.
 */
static bool target_misaligned(DisasContext *ctx, uint64_t dest)
{
    return !ctx->cfg->ext_c && (dest & 2);
}

static bool gen_branch(DisasContext *ctx, uint32_t insn)
{
    static const TCGCond conds[8] = {
        [0] = TCG_COND_EQ, [1] = TCG_COND_NE, [4] = TCG_COND_LT,
        [5] = TCG_COND_GE, [6] = TCG_COND_LTU, [7] = TCG_COND_GEU,
    };
    int f3 = insn_funct3(insn);
    uint64_t dest = ctx->pc + imm_b(insn);

    if (f3 == 2 || f3 == 3) {
        return false;
    }
    TCGLabel *taken = gen_new_label();
    tcg_gen_brcond(conds[f3], get_gpr(ctx, insn_rs1(insn)), get_gpr(ctx, insn_rs2(insn)),
                   taken);
    gen_goto_tb(ctx, 1, ctx->pc_next);
    gen_set_label(taken);
    if (target_misaligned(ctx, dest)) {
        /* Privileged spec 3.1.16: tval = the misaligned target. */
        gen_exception_tval(ctx, RISCV_EXCP_INST_ADDR_MIS, tcg_constant(dest));
    } else {
        gen_goto_tb(ctx, 0, dest);
    }
    return true;
}

static bool gen_jal(DisasContext *ctx, uint32_t insn)
{
    uint64_t dest = ctx->pc + imm_j(insn);

    if (target_misaligned(ctx, dest)) {
        gen_exception_tval(ctx, RISCV_EXCP_INST_ADDR_MIS, tcg_constant(dest));
        return true;
    }
    if (insn_rd(insn)) {
        tcg_gen_movi(cpu_gpr[insn_rd(insn)], ctx->pc_next);
    }
    gen_goto_tb(ctx, 0, dest);
    return true;
}

static bool gen_jalr(DisasContext *ctx, uint32_t insn)
{
    if (insn_funct3(insn) != 0) {
        return false;
    }
    /* Compute the target before writing rd: rd may be rs1. */
    TCGv dest = tcg_temp_new();
    tcg_gen_addi(dest, get_gpr(ctx, insn_rs1(insn)), imm_i(insn));
    tcg_gen_andi(dest, dest, ~1LL);
    if (!ctx->cfg->ext_c) {
        TCGv bit = tcg_temp_new();
        TCGLabel *aligned = gen_new_label();
        tcg_gen_andi(bit, dest, 2);
        tcg_gen_brcondi(TCG_COND_EQ, bit, 0, aligned);
        gen_exception_tval(ctx, RISCV_EXCP_INST_ADDR_MIS, dest);
        gen_set_label(aligned);
    }
    if (insn_rd(insn)) {
        tcg_gen_movi(cpu_gpr[insn_rd(insn)], ctx->pc_next);
    }
    tcg_gen_mov(cpu_pc, dest);
    gen_lookup_and_goto(ctx, dest);
    ctx->is_jmp = DISAS_NORETURN;
    return true;
}

bool riscv_fence_needs_host_barrier(uint32_t insn)
{
    unsigned fm = extract32(insn, 28, 4);
    unsigned pred = extract32(insn, 24, 4), succ = extract32(insn, 20, 4);
    enum { FENCE_W = 1, FENCE_R = 2, FENCE_O = 4, FENCE_I = 8 };

    return fm != 8 && (pred & (FENCE_W | FENCE_O)) && (succ & (FENCE_R | FENCE_I));
}

static bool gen_misc_mem(DisasContext *ctx, uint32_t insn)
{
    switch (insn_funct3(insn)) {
    case 0:
        /* fence, fence.tso, pause (2.7; unused fields are reserved hints,
         * ignored).  Harts never run concurrently (one host thread runs
         * them all, translate-rva.c), so a fence matters only against
         * other host threads touching guest memory (iothreads, DMA).  The
         * host is x86-64, whose only reordering is a later load passing
         * an earlier store (TSO): only a fence that orders earlier writes
         * (W, O) before later reads (R, I) needs the host barrier, and
         * fence.tso (fm = 1000) never asks for that one.  Our generated
         * code keeps guest memory accesses in program order. */
        if (riscv_fence_needs_host_barrier(insn)) {
            tcg_gen_mb();
        }
        return true;
    case 1:
        /* fence.i (Zifencei): the code cache is kept coherent with stores
         * by page invalidation; end the block so the next fetch sees the
         * new code, and let the privileged side do any bookkeeping. */
        if (!ctx->cfg->ext_zifencei) {
            return false;
        }
        tcg_gen_movi(cpu_pc, ctx->pc_next);
        tcg_gen_call1(&info_fence_i, TCG_NO_RET, tcg_env);
        ctx->is_jmp = DISAS_EXIT;
        return true;
    default:
        return false;
    }
}

/*
 * The ALU ops OP and OP-IMM share (unprivileged ISA §2.4: funct3 0 add,
 * 2 slt, 3 sltu, 4 xor, 6 or, 7 and); b is rs2 or the immediate as a
 * constant, which is what the tcg_gen_*i emitters make of it too.  The
 * shifts differ between the two formats and stay with each; OP's funct3 0
 * also has sub (gen_add_sub).
 */
static bool gen_alu(TCGv dst, int f3, TCGv a, TCGv b)
{
    switch (f3) {
    case 0:
        tcg_gen_add(dst, a, b);
        return true;
    case 2:
        tcg_gen_setcond(TCG_COND_LT, dst, a, b);
        return true;
    case 3:
        tcg_gen_setcond(TCG_COND_LTU, dst, a, b);
        return true;
    case 4:
        tcg_gen_xor(dst, a, b);
        return true;
    case 6:
        tcg_gen_or(dst, a, b);
        return true;
    case 7:
        tcg_gen_and(dst, a, b);
        return true;
    }
    return false;
}

/* OP-IMM and OP-IMM-32 with the base-ISA encodings. */
static bool gen_op_imm(DisasContext *ctx, uint32_t insn, bool word)
{
    int rd = insn_rd(insn), f3 = insn_funct3(insn);
    int64_t imm = imm_i(insn);
    TCGv src = get_gpr(ctx, insn_rs1(insn));
    TCGv dst = dest_gpr(ctx, rd);
    unsigned shamt = extract32(insn, 20, word ? 5 : 6);
    unsigned hi = extract32(insn, word ? 25 : 26, word ? 7 : 6);

    if (word) {
        switch (f3) {
        case 0:
            tcg_gen_addi(dst, src, imm);
            tcg_gen_ext32s(dst, dst);
            return true;
        case 1:
            if (hi != 0) {
                return false;
            }
            tcg_gen_shli(dst, src, shamt);
            tcg_gen_ext32s(dst, dst);
            return true;
        case 5:
            if (hi == 0) {
                tcg_gen_ext32u(dst, src);
                tcg_gen_shri(dst, dst, shamt);
            } else if (hi == 0x20) {
                tcg_gen_ext32s(dst, src);
                tcg_gen_sari(dst, dst, shamt);
            } else {
                return false;
            }
            tcg_gen_ext32s(dst, dst);
            return true;
        default:
            return false;
        }
    }

    switch (f3) {
    case 1:
        if (hi != 0) {
            return false;
        }
        tcg_gen_shli(dst, src, shamt);
        return true;
    case 5:
        if (hi == 0) {
            tcg_gen_shri(dst, src, shamt);
        } else if (hi == 0x10) {
            tcg_gen_sari(dst, src, shamt);
        } else {
            return false;
        }
        return true;
    }
    return gen_alu(dst, f3, src, tcg_constant(imm));
}

/* add, or sub when funct7 is 0100000 (OP and OP-32 funct3 0). */
static void gen_add_sub(TCGv dst, TCGv a, TCGv b, int f7)
{
    if (f7) {
        tcg_gen_sub(dst, a, b);
    } else {
        tcg_gen_add(dst, a, b);
    }
}

/* OP and OP-32 with funct7 0000000 / 0100000. */
static bool gen_op(DisasContext *ctx, uint32_t insn, bool word)
{
    int f7 = insn_funct7(insn), f3 = insn_funct3(insn);
    TCGv a = get_gpr(ctx, insn_rs1(insn));
    TCGv b = get_gpr(ctx, insn_rs2(insn));
    TCGv dst = dest_gpr(ctx, insn_rd(insn));

    if (f7 != 0 && f7 != 0x20) {
        return false;
    }
    if (f7 == 0x20 && f3 != 0 && f3 != 5) {
        return false;
    }
    if (word) {
        TCGv t = tcg_temp_new();
        switch (f3) {
        case 0:
            gen_add_sub(dst, a, b, f7);
            break;
        case 1:
            tcg_gen_andi(t, b, 31);
            tcg_gen_shl(dst, a, t);
            break;
        case 5:
            tcg_gen_andi(t, b, 31);
            if (f7) {
                TCGv s = tcg_temp_new();
                tcg_gen_ext32s(s, a);
                tcg_gen_sar(dst, s, t);
            } else {
                TCGv s = tcg_temp_new();
                tcg_gen_ext32u(s, a);
                tcg_gen_shr(dst, s, t);
            }
            break;
        default:
            return false;
        }
        tcg_gen_ext32s(dst, dst);
        return true;
    }

    switch (f3) {
    case 0:
        gen_add_sub(dst, a, b, f7);
        return true;
    case 1:
        tcg_gen_shl(dst, a, b);          /* counts are taken modulo 64 */
        return true;
    case 5:
        if (f7) {
            tcg_gen_sar(dst, a, b);
        } else {
            tcg_gen_shr(dst, a, b);
        }
        return true;
    }
    return gen_alu(dst, f3, a, b);
}

bool decode_rvi(DisasContext *ctx, uint32_t insn)
{
    switch (insn & 0x7f) {
    case OPC_LOAD:
        return gen_load(ctx, insn);
    case OPC_STORE:
        return gen_store(ctx, insn);
    case OPC_LUI:
        if (insn_rd(insn)) {
            tcg_gen_movi(cpu_gpr[insn_rd(insn)], imm_u(insn));
        }
        return true;
    case OPC_AUIPC:
        if (insn_rd(insn)) {
            tcg_gen_movi(cpu_gpr[insn_rd(insn)], ctx->pc + imm_u(insn));
        }
        return true;
    case OPC_BRANCH:
        return gen_branch(ctx, insn);
    case OPC_JAL:
        return gen_jal(ctx, insn);
    case OPC_JALR:
        return gen_jalr(ctx, insn);
    case OPC_MISC_MEM:
        return gen_misc_mem(ctx, insn);
    case OPC_OP_IMM:
        return gen_op_imm(ctx, insn, false);
    case OPC_OP_IMM_32:
        return gen_op_imm(ctx, insn, true);
    case OPC_OP:
        return gen_op(ctx, insn, false);
    case OPC_OP_32:
        return gen_op(ctx, insn, true);
    }
    return false;
}
