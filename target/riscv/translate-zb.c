/*
 * Bit manipulation: Zba (address generation), Zbb (basic), Zbs (single
 * bit), as in the ratified "Bit-Manipulation ISA-extensions" 1.0.0,
 * chapter 2 (encodings in 2.1.1, 2.2.x, 2.4.x).
 */
#include "target/riscv/translate-internal.h"

/* 32-bit rotate of the low word, sign-extended: rotate a 64-bit value
 * holding the word twice, whose low half is then the 32-bit rotation. */
static void gen_rot32(TCGv dst, TCGv src, TCGv count, bool left)
{
    TCGv d = tcg_temp_new(), c = tcg_temp_new();

    tcg_gen_ext32u(d, src);
    tcg_gen_deposit(d, d, d, 32, 32);
    tcg_gen_andi(c, count, 31);
    if (left) {
        tcg_gen_rotl(dst, d, c);
    } else {
        tcg_gen_rotr(dst, d, c);
    }
    tcg_gen_ext32s(dst, dst);
}

/* orc.b: each byte becomes 0xff if any bit of it is set, else 0x00. */
static void gen_orc_b(TCGv dst, TCGv src)
{
    TCGv t = tcg_temp_new(), u = tcg_temp_new();

    tcg_gen_shri(u, src, 1);
    tcg_gen_andi(u, u, 0x7f7f7f7f7f7f7f7fLL);
    tcg_gen_or(t, src, u);
    tcg_gen_shri(u, t, 2);
    tcg_gen_andi(u, u, 0x3f3f3f3f3f3f3f3fLL);
    tcg_gen_or(t, t, u);
    tcg_gen_shri(u, t, 4);
    tcg_gen_andi(u, u, 0x0f0f0f0f0f0f0f0fLL);
    tcg_gen_or(t, t, u);
    /* bit 0 of each byte is now the OR of the byte */
    tcg_gen_andi(t, t, 0x0101010101010101LL);
    tcg_gen_muli(dst, t, 0xff);
}

static void gen_bit_mask(TCGv mask, TCGv count)
{
    TCGv c = tcg_temp_new();

    tcg_gen_andi(c, count, 63);
    tcg_gen_shl(mask, tcg_constant(1), c);
}

/* OP: funct7/funct3 space of Zba, Zbb, Zbs */
static bool gen_zb_op(DisasContext *ctx, uint32_t insn, TCGv a, TCGv b, TCGv r)
{
    const RISCVCPUConfig *cfg = ctx->cfg;
    int f7 = insn_funct7(insn), f3 = insn_funct3(insn);
    TCGv t = tcg_temp_new();

    switch (f7 << 3 | f3) {
    case 0x10 << 3 | 2: case 0x10 << 3 | 4: case 0x10 << 3 | 6:   /* shNadd */
        if (!cfg->ext_zba) {
            return false;
        }
        tcg_gen_shli(t, a, f3 >> 1);
        tcg_gen_add(r, t, b);
        return true;
    case 0x20 << 3 | 7:   /* andn */
    case 0x20 << 3 | 6:   /* orn */
    case 0x20 << 3 | 4:   /* xnor */
        if (!cfg->ext_zbb) {
            return false;
        }
        if (f3 == 7) {
            tcg_gen_andc(r, a, b);
        } else if (f3 == 6) {
            tcg_gen_orc(r, a, b);
        } else {
            tcg_gen_eqv(r, a, b);
        }
        return true;
    case 0x05 << 3 | 4: case 0x05 << 3 | 5: case 0x05 << 3 | 6: case 0x05 << 3 | 7: {
        static const TCGCond conds[4] = {   /* min, minu, max, maxu */
            TCG_COND_LT, TCG_COND_LTU, TCG_COND_GT, TCG_COND_GTU,
        };
        if (!cfg->ext_zbb) {
            return false;
        }
        tcg_gen_movcond(conds[f3 - 4], r, a, b, a, b);
        return true;
    }
    case 0x30 << 3 | 1:   /* rol */
    case 0x30 << 3 | 5:   /* ror */
        if (!cfg->ext_zbb) {
            return false;
        }
        if (f3 == 1) {
            tcg_gen_rotl(r, a, b);
        } else {
            tcg_gen_rotr(r, a, b);
        }
        return true;
    case 0x24 << 3 | 1:   /* bclr */
    case 0x14 << 3 | 1:   /* bset */
    case 0x34 << 3 | 1:   /* binv */
    case 0x24 << 3 | 5:   /* bext */
        if (!cfg->ext_zbs) {
            return false;
        }
        if (f3 == 5) {
            TCGv c = tcg_temp_new();
            tcg_gen_andi(c, b, 63);
            tcg_gen_shr(r, a, c);
            tcg_gen_andi(r, r, 1);
            return true;
        }
        gen_bit_mask(t, b);
        if (f7 == 0x24) {
            tcg_gen_andc(r, a, t);
        } else if (f7 == 0x14) {
            tcg_gen_or(r, a, t);
        } else {
            tcg_gen_xor(r, a, t);
        }
        return true;
    }
    return false;
}

/* OP-32: add.uw, shNadd.uw, rolw, rorw, zext.h */
static bool gen_zb_op32(DisasContext *ctx, uint32_t insn, TCGv a, TCGv b, TCGv r)
{
    const RISCVCPUConfig *cfg = ctx->cfg;
    int f7 = insn_funct7(insn), f3 = insn_funct3(insn);
    TCGv t = tcg_temp_new();

    switch (f7 << 3 | f3) {
    case 0x04 << 3 | 0:   /* add.uw */
    case 0x10 << 3 | 2: case 0x10 << 3 | 4: case 0x10 << 3 | 6:   /* shNadd.uw */
        if (!cfg->ext_zba) {
            return false;
        }
        tcg_gen_ext32u(t, a);
        tcg_gen_shli(t, t, f3 >> 1);
        tcg_gen_add(r, t, b);
        return true;
    case 0x04 << 3 | 4:   /* zext.h (RV64 encoding, rs2 = 0) */
        if (!cfg->ext_zbb || insn_rs2(insn) != 0) {
            return false;
        }
        tcg_gen_ext16u(r, a);
        return true;
    case 0x30 << 3 | 1:
    case 0x30 << 3 | 5:
        if (!cfg->ext_zbb) {
            return false;
        }
        gen_rot32(r, a, b, f3 == 1);
        return true;
    }
    return false;
}

/* OP-IMM: Zbb unary ops, rori, Zbs immediates */
static bool gen_zb_imm(DisasContext *ctx, uint32_t insn, TCGv a, TCGv r)
{
    const RISCVCPUConfig *cfg = ctx->cfg;
    int f3 = insn_funct3(insn);
    unsigned imm12 = extract32(insn, 20, 12);
    unsigned f6 = extract32(insn, 26, 6);
    unsigned shamt = extract32(insn, 20, 6);
    TCGv t = tcg_temp_new();

    if (f3 == 1 && f6 == 0x18) {
        if (!cfg->ext_zbb) {
            return false;
        }
        switch (imm12) {
        case 0x600:
            tcg_gen_clz(r, a);
            return true;
        case 0x601:
            tcg_gen_ctz(r, a);
            return true;
        case 0x602:
            tcg_gen_ctpop(r, a);
            return true;
        case 0x604:
            tcg_gen_ext8s(r, a);
            return true;
        case 0x605:
            tcg_gen_ext16s(r, a);
            return true;
        }
        return false;
    }
    if (f3 == 5 && f6 == 0x18) {          /* rori */
        if (!cfg->ext_zbb) {
            return false;
        }
        tcg_gen_rotri(r, a, shamt);
        return true;
    }
    if (f3 == 5 && imm12 == 0x287) {      /* orc.b */
        if (!cfg->ext_zbb) {
            return false;
        }
        gen_orc_b(r, a);
        return true;
    }
    if (f3 == 5 && imm12 == 0x6b8) {      /* rev8 (RV64) */
        if (!cfg->ext_zbb) {
            return false;
        }
        tcg_gen_bswap64(r, a);
        return true;
    }
    if (!cfg->ext_zbs) {
        return false;
    }
    switch (f6 << 3 | f3) {
    case 0x12 << 3 | 1:   /* bclri */
        tcg_gen_andi(r, a, ~(int64_t)(1ULL << shamt));
        return true;
    case 0x0a << 3 | 1:   /* bseti */
        tcg_gen_ori(r, a, (int64_t)(1ULL << shamt));
        return true;
    case 0x1a << 3 | 1:   /* binvi */
        tcg_gen_xori(r, a, (int64_t)(1ULL << shamt));
        return true;
    case 0x12 << 3 | 5:   /* bexti */
        tcg_gen_shri(t, a, shamt);
        tcg_gen_andi(r, t, 1);
        return true;
    }
    return false;
}

/* OP-IMM-32: clzw, ctzw, cpopw, roriw, slli.uw */
static bool gen_zb_imm32(DisasContext *ctx, uint32_t insn, TCGv a, TCGv r)
{
    const RISCVCPUConfig *cfg = ctx->cfg;
    int f3 = insn_funct3(insn);
    unsigned imm12 = extract32(insn, 20, 12);
    unsigned f7 = insn_funct7(insn);
    TCGv t = tcg_temp_new();

    if (f3 == 1 && extract32(insn, 26, 6) == 0x02) {   /* slli.uw, shamt[5:0] */
        if (!cfg->ext_zba) {
            return false;
        }
        tcg_gen_ext32u(t, a);
        tcg_gen_shli(r, t, extract32(insn, 20, 6));
        return true;
    }
    if (!cfg->ext_zbb) {
        return false;
    }
    if (f3 == 1 && f7 == 0x30) {
        switch (imm12) {
        case 0x600:   /* clzw: count in the zero-extended word, minus 32 */
            tcg_gen_ext32u(t, a);
            tcg_gen_clz(t, t);
            tcg_gen_subi(r, t, 32);
            return true;
        case 0x601:   /* ctzw: bit 32 set caps the count at 32 */
            tcg_gen_ori(t, a, 1LL << 32);
            tcg_gen_ctz(r, t);
            return true;
        case 0x602:
            tcg_gen_ext32u(t, a);
            tcg_gen_ctpop(r, t);
            return true;
        }
        return false;
    }
    if (f3 == 5 && f7 == 0x30) {          /* roriw */
        gen_rot32(r, a, tcg_constant(extract32(insn, 20, 5)), false);
        return true;
    }
    return false;
}

bool decode_zb(DisasContext *ctx, uint32_t insn)
{
    TCGv a = get_gpr(ctx, insn_rs1(insn));
    TCGv r = tcg_temp_new();
    bool ok;

    switch (insn & 0x7f) {
    case OPC_OP:
        ok = gen_zb_op(ctx, insn, a, get_gpr(ctx, insn_rs2(insn)), r);
        break;
    case OPC_OP_32:
        ok = gen_zb_op32(ctx, insn, a, get_gpr(ctx, insn_rs2(insn)), r);
        break;
    case OPC_OP_IMM:
        ok = gen_zb_imm(ctx, insn, a, r);
        break;
    case OPC_OP_IMM_32:
        ok = gen_zb_imm32(ctx, insn, a, r);
        break;
    default:
        return false;
    }
    if (ok) {
        gen_set_gpr(ctx, insn_rd(insn), r);
    }
    return ok;
}
