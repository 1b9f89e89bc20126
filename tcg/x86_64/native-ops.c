/*
 * Native code for the IR's arithmetic, logic, shifts, division with total
 * semantics, bit fields, compares and selects, and host loads/stores.
 */
#include "tcg/x86_64/native-gen.h"

/* ---- op emitters ---- */

void nat_gen_mov(Gen *g, unsigned d, unsigned a)
{
    int64_t v;
    int rd;

    if (d == a) {
        return;
    }
    if (nat_is_const(g, a, &v) && nat_is_global(g, d) && fits_i32(v) &&
        g->arg_next[(size_t)g->cur * TCG_MAX_OP_ARGS] == INT_MAX) {
        /*
         * A global set to a constant and not used again in the block (the
         * pc before an exit, mostly): straight home, "mov qword [env +
         * ofs], simm32" (11 bytes), instead of a register load now and its
         * write-back at the exit.  A register still holding the old value
         * is dropped (stale).
         */
        if (g->treg[d] >= 0) {
            nat_detach(g, g->treg[d]);
        }
        x_rm(&g->e, OPC_W | OP_MOV_EvIz, 0, RBP, -1, (int32_t)g->s->temps[d].mem_offset);
        x_d(&g->e, (uint32_t)(int32_t)v);
        return;
    }
    if (nat_is_const(g, a, &v)) {
        rd = g->treg[d] >= 0 ? g->treg[d] : nat_alloc_reg(g);
        x_movi(&g->e, rd, (uint64_t)v);
        nat_set_out(g, d, rd);
        return;
    }
    if (nat_is_tb(g, a) && g->treg[a] >= 0 && g->last_use[a] <= g->cur) {
        nat_set_out(g, d, g->treg[a]);          /* a dies: d takes its register */
        return;
    }
    {
        int ra = nat_in_reg(g, a);
        rd = nat_alloc_reg(g);
        x_mov_rr(&g->e, rd, ra);
        nat_set_out(g, d, rd);
    }
}

/* add, sub, and, or, xor with an immediate form; mul. */
void nat_gen_arith(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b)
{
    static const struct { uint8_t rr, ext; bool commutes; } tab[NB_OPS] = {
        [INDEX_op_add] = {OP_ADD_GvEv, ARITH_ADD, true},
        [INDEX_op_sub] = {OP_SUB_GvEv, ARITH_SUB, false},
        [INDEX_op_and] = {OP_AND_GvEv, ARITH_AND, true},
        [INDEX_op_or] = {OP_OR_GvEv, ARITH_OR, true},
        [INDEX_op_xor] = {OP_XOR_GvEv, ARITH_XOR, true},
    };
    bool mul = opc == INDEX_op_mul;
    bool commutes = mul || tab[opc].commutes;
    int64_t v;
    int ra, rd;

    if (commutes && nat_is_const(g, a, NULL) && !nat_is_const(g, b, NULL)) {
        unsigned t = a;
        a = b;
        b = t;
    }
    if (commutes && b == d && a != d) {
        unsigned t = a;         /* compute in place into d's register */
        a = b;
        b = t;
    }
    ra = nat_in_reg(g, a);
    if (opc == INDEX_op_add && !nat_dest_in_place(g, d, a, ra)) {
        /* d = a + b into a third register: lea, not mov + add. */
        int rb = -1;
        int32_t disp = 0;
        if (nat_is_const(g, b, &v) && fits_i32(v)) {
            disp = (int32_t)v;
        } else {
            rb = nat_in_reg(g, b);
        }
        rd = nat_alloc_reg(g);
        x_rm(&g->e, OPC_W | OP_LEA, rd, ra, rb, disp);
        nat_set_out(g, d, rd);
        return;
    }
    if (nat_is_const(g, b, &v) && fits_i32(v)) {
        rd = nat_dest_from(g, d, a, ra);
        if (mul) {
            x_rr(&g->e, OPC_W | OP_IMUL_GvEvIz, rd, rd);
            x_d(&g->e, (uint32_t)v);
        } else {
            x_arith_ri(&g->e, tab[opc].ext, rd, (int32_t)v);
        }
    } else {
        int rb = nat_in_reg(g, b);
        rd = nat_dest_from(g, d, a, ra);
        x_rr(&g->e, OPC_W | (mul ? OP_IMUL_GvEv : tab[opc].rr), rd, rb);
    }
    nat_set_out(g, d, rd);
}

/* andc, orc, eqv: r11 = f(b), then combine. */
void nat_gen_logic_not(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b)
{
    int ra = nat_in_reg(g, a), rb = nat_in_reg(g, b), rd;

    x_mov_rr(&g->e, R11, rb);
    if (opc != INDEX_op_eqv) {
        x_rr(&g->e, OPC_W | OP_GRP3_Ev, EXT3_NOT, R11);
    }
    rd = nat_dest_from(g, d, a, ra);
    x_rr(&g->e, OPC_W | (opc == INDEX_op_orc ? OP_OR_GvEv :
                         opc == INDEX_op_andc ? OP_AND_GvEv : OP_XOR_GvEv), rd, R11);
    if (opc == INDEX_op_eqv) {
        x_rr(&g->e, OPC_W | OP_GRP3_Ev, EXT3_NOT, rd);
    }
    nat_set_out(g, d, rd);
}

void nat_gen_shift(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b)
{
    int ext = opc == INDEX_op_shl ? SHIFT_SHL : opc == INDEX_op_shr ? SHIFT_SHR :
              opc == INDEX_op_sar ? SHIFT_SAR : opc == INDEX_op_rotl ? SHIFT_ROL : SHIFT_ROR;
    int64_t v;
    int ra, rd;

    if (nat_is_const(g, b, &v)) {
        ra = nat_in_reg(g, a);
        rd = nat_dest_from(g, d, a, ra);
        if (v & 63) {
            x_shift_ri(&g->e, ext, rd, (unsigned)v & 63);
        }
        nat_set_out(g, d, rd);
        return;
    }
    /* Variable counts live in CL; x86 masks them to 6 bits as the IR wants. */
    nat_reserve(g, RCX);
    x_mov_rr(&g->e, RCX, nat_in_reg(g, b));
    ra = nat_in_reg(g, a);
    rd = nat_dest_from(g, d, a, ra);
    x_rr(&g->e, OPC_W | OP_SHIFT_EvCL, ext, rd);
    nat_set_out(g, d, rd);
}

/*
 * Division with the IR's total semantics (tcg-op.h, the RISC-V "M" table):
 * x/0 = -1 (all ones), x%0 = x, INT64_MIN/-1 = INT64_MIN, INT64_MIN%-1 = 0.
 * The cases that would trap on x86 (#DE) are branched around.
 */
void nat_gen_div(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b)
{
    X86Emit *e = &g->e;
    bool sign = opc == INDEX_op_div || opc == INDEX_op_rem;
    bool rem = opc == INDEX_op_rem || opc == INDEX_op_remu;
    size_t to_m1 = 0, to_zero, to_div, done2 = 0;
    int rd;

    nat_reserve(g, RDX);
    x_mov_rr(e, RAX, nat_in_reg(g, a));
    x_mov_rr(e, R11, nat_in_reg(g, b));
    if (sign) {
        x_arith_ri(e, ARITH_CMP, R11, -1);
        to_m1 = x_jcc8(e, CC_NE);
        if (rem) {
            x_movi(e, RAX, 0);
        } else {
            x_rr(e, OPC_W | OP_GRP3_Ev, EXT3_NEG, RAX);   /* INT64_MIN stays */
        }
        done2 = x_jmp8(e);
        x_bind8(e, to_m1);
    }
    x_rr(e, OPC_W | OP_TEST_EvGv, R11, R11);
    to_div = x_jcc8(e, CC_NE);
    if (!rem) {
        x_movi(e, RAX, UINT64_MAX);         /* x / 0 */
    }                                       /* x % 0 = x: RAX already */
    to_zero = x_jmp8(e);
    x_bind8(e, to_div);
    if (sign) {
        x_b(e, 0x48);
        x_b(e, 0x99);                       /* cqo */
    } else {
        x_movi(e, RDX, 0);
    }
    x_rr(e, OPC_W | OP_GRP3_Ev, sign ? EXT3_IDIV : EXT3_DIV, R11);
    if (rem) {
        x_mov_rr(e, RAX, RDX);
    }
    x_bind8(e, to_zero);
    if (sign) {
        x_bind8(e, done2);
    }
    rd = nat_alloc_reg(g);
    x_mov_rr(e, rd, RAX);
    nat_set_out(g, d, rd);
}

void nat_gen_mulh(Gen *g, TCGOpcode opc, unsigned d, unsigned a, unsigned b)
{
    int rb, rd;

    nat_reserve(g, RDX);
    rb = nat_in_reg(g, b);
    x_mov_rr(&g->e, RAX, nat_in_reg(g, a));
    x_rr(&g->e, OPC_W | OP_GRP3_Ev, opc == INDEX_op_mulsh ? EXT3_IMUL : EXT3_MUL, rb);
    rd = nat_alloc_reg(g);
    x_mov_rr(&g->e, rd, RDX);
    nat_set_out(g, d, rd);
}

void nat_gen_unop(Gen *g, TCGOpcode opc, unsigned d, unsigned a)
{
    X86Emit *e = &g->e;
    int ra = nat_in_reg(g, a), rd;

    switch (opc) {
    case INDEX_op_neg:
    case INDEX_op_not:
        rd = nat_dest_from(g, d, a, ra);
        x_rr(e, OPC_W | OP_GRP3_Ev, opc == INDEX_op_neg ? EXT3_NEG : EXT3_NOT, rd);
        break;
    case INDEX_op_bswap64:
        rd = nat_dest_from(g, d, a, ra);
        x_opc(e, OPC_W | OPC_0F | (0xc8 + (rd & 7)), 0, 0, rd);
        break;
    case INDEX_op_clz:
        /* bsr leaves ZF set for 0: then -1, so that 63 - (-1) = 64. */
        x_rr(e, OPC_W | OP_BSR, R11, ra);
        x_movi(e, RAX, UINT64_MAX);
        x_rr(e, OPC_W | OP_CMOVCC | CC_E, R11, RAX);
        rd = nat_alloc_reg(g);
        x_movi(e, rd, 63);
        x_rr(e, OPC_W | OP_SUB_GvEv, rd, R11);
        break;
    case INDEX_op_ctz:
        x_rr(e, OPC_W | OP_BSF, R11, ra);
        x_movi(e, RAX, 64);
        x_rr(e, OPC_W | OP_CMOVCC | CC_E, R11, RAX);
        rd = nat_alloc_reg(g);
        x_mov_rr(e, rd, R11);
        break;
    case INDEX_op_ctpop:
        rd = nat_dest_reuse(g, d, a, ra);
        x_rr(e, OPC_W | OP_POPCNT, rd, ra);
        break;
    case INDEX_op_ext8s:
    case INDEX_op_ext8u:
        rd = nat_dest_reuse(g, d, a, ra);
        x_rr(e, OPC_BYTE | (opc == INDEX_op_ext8s ? OPC_W | OP_MOVSBL : OP_MOVZBL), rd, ra);
        break;
    case INDEX_op_ext16s:
    case INDEX_op_ext16u:
        rd = nat_dest_reuse(g, d, a, ra);
        x_rr(e, opc == INDEX_op_ext16s ? OPC_W | OP_MOVSWL : OP_MOVZWL, rd, ra);
        break;
    case INDEX_op_ext32s:
        rd = nat_dest_reuse(g, d, a, ra);
        x_rr(e, OPC_W | OP_MOVSXD, rd, ra);
        break;
    case INDEX_op_ext32u:
        rd = nat_dest_reuse(g, d, a, ra);
        x_rr(e, OP_MOV_GvEv, rd, ra);       /* 32-bit mov zero-extends */
        break;
    default:
        g_assert_not_reached();
    }
    nat_set_out(g, d, rd);
}

/* deposit d, a, b, ofs, len: d = (a & ~(mask << ofs)) | ((b & mask) << ofs) */
void nat_gen_deposit(Gen *g, unsigned d, unsigned a, unsigned b, unsigned ofs, unsigned len)
{
    X86Emit *e = &g->e;
    uint64_t mask = len >= 64 ? UINT64_MAX : (1ULL << len) - 1;
    int ra = nat_in_reg(g, a), rb = nat_in_reg(g, b), rd;

    x_mov_rr(e, R11, rb);
    if (len < 64) {
        x_shift_ri(e, SHIFT_SHL, R11, 64 - len);        /* keep len bits, at the top */
        x_shift_ri(e, SHIFT_SHR, R11, 64 - len - ofs);  /* then down to ofs */
    }
    x_movi(e, RAX, ~(mask << ofs));
    x_rr(e, OPC_W | OP_AND_GvEv, RAX, ra);
    x_rr(e, OPC_W | OP_OR_GvEv, RAX, R11);
    rd = nat_alloc_reg(g);
    x_mov_rr(e, rd, RAX);
    nat_set_out(g, d, rd);
}

void nat_gen_extract(Gen *g, bool sign, unsigned d, unsigned a, unsigned ofs, unsigned len)
{
    int ra = nat_in_reg(g, a);
    int rd = nat_dest_from(g, d, a, ra);

    if (ofs + len < 64) {
        x_shift_ri(&g->e, SHIFT_SHL, rd, 64 - ofs - len);
    }
    if (len < 64) {
        x_shift_ri(&g->e, sign ? SHIFT_SAR : SHIFT_SHR, rd, 64 - len);
    }
    nat_set_out(g, d, rd);
}

void nat_gen_setcond(Gen *g, unsigned d, unsigned a, unsigned b, TCGCond cond)
{
    CmpOps c;
    int rd;

    if (cond == TCG_COND_NEVER || cond == TCG_COND_ALWAYS) {
        rd = nat_alloc_reg(g);
        x_movi(&g->e, rd, cond == TCG_COND_ALWAYS);
        nat_set_out(g, d, rd);
        return;
    }
    c = nat_cmp_prepare(g, a, b, cond);
    rd = nat_alloc_reg(g);
    nat_cmp_emit(g, &c);
    x_rr(&g->e, OP_SETCC | nat_x86_cond(c.cond), 0, R11);
    x_rr(&g->e, OP_MOVZBL, rd, R11);
    nat_set_out(g, d, rd);
}

void nat_gen_movcond(Gen *g, unsigned d, unsigned c1, unsigned c2, unsigned v1,
                        unsigned v2, TCGCond cond)
{
    CmpOps c;
    int r1, rd;

    if (cond == TCG_COND_NEVER || cond == TCG_COND_ALWAYS) {
        nat_gen_mov(g, d, cond == TCG_COND_ALWAYS ? v1 : v2);
        return;
    }
    c = nat_cmp_prepare(g, c1, c2, cond);
    r1 = nat_in_reg(g, v1);
    x_mov_rr(&g->e, R11, nat_in_reg(g, v2));
    rd = nat_alloc_reg(g);
    nat_cmp_emit(g, &c);
    x_rr(&g->e, OPC_W | OP_CMOVCC | nat_x86_cond(c.cond), R11, r1);
    x_mov_rr(&g->e, rd, R11);
    nat_set_out(g, d, rd);
}

/* Host loads and stores relative to a pointer temp. */
void nat_gen_ldst(Gen *g, const TCGOp *op)
{
    X86Emit *e = &g->e;
    bool store = op->nb_oargs == 0;
    unsigned base = (unsigned)op->args[1];
    int64_t ofs = (int64_t)op->args[2];
    int rb, rd;
    unsigned size;

    switch (op->opc) {
    case INDEX_op_ld8u: case INDEX_op_ld8s: case INDEX_op_st8: size = 1; break;
    case INDEX_op_ld16u: case INDEX_op_ld16s: case INDEX_op_st16: size = 2; break;
    case INDEX_op_ld32u: case INDEX_op_ld32s: case INDEX_op_st32: size = 4; break;
    default: size = 8; break;
    }
    if (base == 0) {
        /* The field may be a global cached in a register. */
        for (int r = 0; r < 16; r++) {
            int t = g->reg_temp[r];
            if (t >= 0 && nat_is_global(g, t)) {
                int64_t go = g->s->temps[t].mem_offset;
                if (ofs < go + 8 && go < ofs + (int64_t)size) {
                    if (store) {
                        nat_evict(g, r);
                    } else {
                        nat_writeback(g, r);
                    }
                }
            }
        }
    }
    rb = nat_in_reg(g, base);
    if (!fits_i32(ofs)) {
        x_movi(e, R11, (uint64_t)ofs);
        x_rr(e, OPC_W | OP_ADD_GvEv, R11, rb);
        rb = R11;
        ofs = 0;
    }
    if (store) {
        int rv = nat_in_reg(g, (unsigned)op->args[0]);
        static const unsigned st_opc[] = {
            [1] = OPC_BYTE | OP_MOV_EbGb, [2] = OPC_66 | OP_MOV_EvGv,
            [4] = OP_MOV_EvGv, [8] = OPC_W | OP_MOV_EvGv,
        };
        x_rm(e, st_opc[size], rv, rb, -1, (int32_t)ofs);
        return;
    }
    rd = nat_alloc_reg(g);
    switch (op->opc) {
    case INDEX_op_ld8u: x_rm(e, OP_MOVZBL, rd, rb, -1, (int32_t)ofs); break;
    case INDEX_op_ld8s: x_rm(e, OPC_W | OP_MOVSBL, rd, rb, -1, (int32_t)ofs); break;
    case INDEX_op_ld16u: x_rm(e, OP_MOVZWL, rd, rb, -1, (int32_t)ofs); break;
    case INDEX_op_ld16s: x_rm(e, OPC_W | OP_MOVSWL, rd, rb, -1, (int32_t)ofs); break;
    case INDEX_op_ld32u: x_rm(e, OP_MOV_GvEv, rd, rb, -1, (int32_t)ofs); break;
    case INDEX_op_ld32s: x_rm(e, OPC_W | OP_MOVSXD, rd, rb, -1, (int32_t)ofs); break;
    default: x_rm(e, OPC_W | OP_MOV_GvEv, rd, rb, -1, (int32_t)ofs); break;
    }
    nat_set_out(g, (unsigned)op->args[0], rd);
}

