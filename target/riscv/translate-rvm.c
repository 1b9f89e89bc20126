/*
 * M extension (unprivileged spec ch. 13): multiply and divide.  The IR's
 * division ops already have RISC-V's total semantics (13.2: x/0 = -1 or
 * all ones, x%0 = x, overflow INT_MIN/-1 = INT_MIN with remainder 0), so
 * no guards are needed; the W forms divide the sign- or zero-extended
 * 32-bit operands in 64 bits, where the same rules give the 32-bit results
 * after sign extension.
 */
#include "target/riscv/translate-internal.h"

bool decode_rvm(DisasContext *ctx, uint32_t insn)
{
    bool word = (insn & 0x7f) == OPC_OP_32;

    if (((insn & 0x7f) != OPC_OP && !word) || insn_funct7(insn) != 1 || !ctx->cfg->ext_m) {
        return false;
    }
    TCGv a = get_gpr(ctx, insn_rs1(insn));
    TCGv b = get_gpr(ctx, insn_rs2(insn));
    TCGv r = tcg_temp_new();
    int f3 = insn_funct3(insn);

    if (word) {
        TCGv wa = tcg_temp_new(), wb = tcg_temp_new();
        bool is_unsigned = f3 == 5 || f3 == 7;
        if (f3 != 0 && f3 < 4) {
            return false;
        }
        if (is_unsigned) {
            tcg_gen_ext32u(wa, a);
            tcg_gen_ext32u(wb, b);
        } else {
            tcg_gen_ext32s(wa, a);
            tcg_gen_ext32s(wb, b);
        }
        switch (f3) {
        case 0:
            tcg_gen_mul(r, wa, wb);
            break;
        case 4:
            tcg_gen_div(r, wa, wb);
            break;
        case 5:
            tcg_gen_divu(r, wa, wb);
            break;
        case 6:
            tcg_gen_rem(r, wa, wb);
            break;
        case 7:
            tcg_gen_remu(r, wa, wb);
            break;
        }
        tcg_gen_ext32s(r, r);
        gen_set_gpr(ctx, insn_rd(insn), r);
        return true;
    }

    switch (f3) {
    case 0:
        tcg_gen_mul(r, a, b);
        break;
    case 1:
        tcg_gen_mulsh(r, a, b);
        break;
    case 2: {
        /* signed x unsigned: the unsigned high product over-counts by b
         * when a is negative (a_unsigned = a + 2^64). */
        TCGv t = tcg_temp_new();
        tcg_gen_muluh(r, a, b);
        tcg_gen_sari(t, a, 63);
        tcg_gen_and(t, t, b);
        tcg_gen_sub(r, r, t);
        break;
    }
    case 3:
        tcg_gen_muluh(r, a, b);
        break;
    case 4:
        tcg_gen_div(r, a, b);
        break;
    case 5:
        tcg_gen_divu(r, a, b);
        break;
    case 6:
        tcg_gen_rem(r, a, b);
        break;
    case 7:
        tcg_gen_remu(r, a, b);
        break;
    }
    gen_set_gpr(ctx, insn_rd(insn), r);
    return true;
}
