/*
 * The front-end emitters of tcg-op.h: each appends one IR op (or a few) to
 * the current block.  Immediate forms emit interned constants so that the
 * optimizer sees one representation.
 */
#include "tcg/tcg.h"

static void check_out(TCGv t)
{
    TCGContext *s = tcg_ctx;

    /* A front end writing a constant or env is a bug in that front end. */
    assert(t.idx < s->nb_temps);
    assert(s->temps[t.idx].kind == TEMP_TB || s->temps[t.idx].kind == TEMP_GLOBAL);
}

static void check_in(TCGv t)
{
    assert(t.idx < tcg_ctx->nb_temps);
}

/*
 * Emitters that are one op (or the register form on an interned constant)
 * differ only in their names, so they are stamped out here: GEN_OP3(add)
 * defines tcg_gen_add(), GEN_OPI(add) tcg_gen_addi() and so on.
 */
#define GEN_OP3(name)                                                          \
    void tcg_gen_##name(TCGv ret, TCGv a, TCGv b)                              \
    {                                                                          \
        gen_op3(INDEX_op_##name, ret, a, b);                                   \
    }

#define GEN_OP2(name)                                                          \
    void tcg_gen_##name(TCGv ret, TCGv a)                                      \
    {                                                                          \
        gen_op2(INDEX_op_##name, ret, a);                                      \
    }

/* A load's t is its output, a store's its input; gen_ldst tells them apart. */
#define GEN_LDST(name)                                                         \
    void tcg_gen_##name(TCGv t, TCGv base, intptr_t ofs)                       \
    {                                                                          \
        gen_ldst(INDEX_op_##name, t, base, ofs);                               \
    }

#define GEN_OPI(name)                                                          \
    void tcg_gen_##name##i(TCGv ret, TCGv a, int64_t imm)                      \
    {                                                                          \
        tcg_gen_##name(ret, a, tcg_constant(imm));                             \
    }

/* Shift counts are taken modulo 64, as the ops themselves do. */
#define GEN_SHIFTI(name)                                                       \
    void tcg_gen_##name##i(TCGv ret, TCGv a, unsigned sh)                      \
    {                                                                          \
        tcg_gen_##name(ret, a, tcg_constant(sh & 63));                         \
    }

/* Emit opc with output ret and inputs a (and b); callers with constant
 * arguments fill them in after these on the op returned. */
static TCGOp *gen_op2(TCGOpcode opc, TCGv ret, TCGv a)
{
    TCGOp *op;

    check_out(ret);
    check_in(a);
    op = tcg_emit_op(opc);
    op->args[0] = ret.idx;
    op->args[1] = a.idx;
    return op;
}

static TCGOp *gen_op3(TCGOpcode opc, TCGv ret, TCGv a, TCGv b)
{
    TCGOp *op;

    check_out(ret);
    check_in(a);
    check_in(b);
    op = tcg_emit_op(opc);
    op->args[0] = ret.idx;
    op->args[1] = a.idx;
    op->args[2] = b.idx;
    return op;
}

static void gen_ldst(TCGOpcode opc, TCGv t, TCGv base, intptr_t ofs)
{
    TCGOp *op;

    if (tcg_op_defs[opc].nb_oargs) {
        check_out(t);
    } else {
        check_in(t);
    }
    check_in(base);
    op = tcg_emit_op(opc);
    op->args[0] = t.idx;
    op->args[1] = base.idx;
    op->args[2] = (TCGArg)ofs;
}

void gen_set_label(TCGLabel *l)
{
    tcg_emit_op1c(INDEX_op_set_label, l->id);
}

void tcg_gen_mov(TCGv ret, TCGv arg)
{
    if (ret.idx != arg.idx) {
        gen_op2(INDEX_op_mov, ret, arg);
    }
}

void tcg_gen_movi(TCGv ret, int64_t val)
{
    gen_op2(INDEX_op_mov, ret, tcg_constant(val));
}

GEN_OPI(add)
GEN_OPI(sub)
GEN_OPI(mul)
GEN_OPI(and)
GEN_OPI(or)
GEN_OPI(xor)

GEN_SHIFTI(shl)
GEN_SHIFTI(shr)
GEN_SHIFTI(sar)
GEN_SHIFTI(rotl)
GEN_SHIFTI(rotr)

void tcg_gen_deposit(TCGv ret, TCGv a, TCGv b, unsigned ofs, unsigned len)
{
    TCGOp *op;

    assert(len >= 1 && len <= 64 && ofs + len <= 64);
    op = gen_op3(INDEX_op_deposit, ret, a, b);
    op->args[3] = ofs;
    op->args[4] = len;
}

static void gen_extract(TCGOpcode opc, TCGv ret, TCGv a, unsigned ofs, unsigned len)
{
    TCGOp *op;

    assert(len >= 1 && len <= 64 && ofs + len <= 64);
    op = gen_op2(opc, ret, a);
    op->args[2] = ofs;
    op->args[3] = len;
}

void tcg_gen_extract(TCGv ret, TCGv a, unsigned ofs, unsigned len)
{
    gen_extract(INDEX_op_extract, ret, a, ofs, len);
}

void tcg_gen_sextract(TCGv ret, TCGv a, unsigned ofs, unsigned len)
{
    gen_extract(INDEX_op_sextract, ret, a, ofs, len);
}

void tcg_gen_setcond(TCGCond cond, TCGv ret, TCGv a, TCGv b)
{
    gen_op3(INDEX_op_setcond, ret, a, b)->args[3] = cond;
}

void tcg_gen_setcondi(TCGCond cond, TCGv ret, TCGv a, int64_t imm)
{
    tcg_gen_setcond(cond, ret, a, tcg_constant(imm));
}

void tcg_gen_movcond(TCGCond cond, TCGv ret, TCGv c1, TCGv c2, TCGv v1, TCGv v2)
{
    TCGOp *op;

    check_out(ret);
    check_in(c1);
    check_in(c2);
    check_in(v1);
    check_in(v2);
    op = tcg_emit_op(INDEX_op_movcond);
    op->args[0] = ret.idx;
    op->args[1] = c1.idx;
    op->args[2] = c2.idx;
    op->args[3] = v1.idx;
    op->args[4] = v2.idx;
    op->args[5] = cond;
}

void tcg_gen_br(TCGLabel *l)
{
    tcg_emit_op1c(INDEX_op_br, l->id);
}

void tcg_gen_brcond(TCGCond cond, TCGv a, TCGv b, TCGLabel *l)
{
    TCGOp *op;

    check_in(a);
    check_in(b);
    op = tcg_emit_op(INDEX_op_brcond);
    op->args[0] = a.idx;
    op->args[1] = b.idx;
    op->args[2] = cond;
    op->args[3] = l->id;
}

void tcg_gen_brcondi(TCGCond cond, TCGv a, int64_t imm, TCGLabel *l)
{
    tcg_gen_brcond(cond, a, tcg_constant(imm), l);
}

static void gen_qemu_ldst(TCGOpcode opc, TCGv val, TCGv addr, int mmu_idx, MemOp memop)
{
    TCGOp *op;

    assert(mmu_idx >= 0 && mmu_idx < 8);
    if (opc == INDEX_op_qemu_ld) {
        check_out(val);
    } else {
        check_in(val);
    }
    check_in(addr);
    op = tcg_emit_op(opc);
    op->args[0] = val.idx;
    op->args[1] = addr.idx;
    op->args[2] = make_memop_idx(memop, mmu_idx);
}

void tcg_gen_qemu_ld(TCGv val, TCGv addr, int mmu_idx, MemOp op)
{
    gen_qemu_ldst(INDEX_op_qemu_ld, val, addr, mmu_idx, op);
}

void tcg_gen_qemu_st(TCGv val, TCGv addr, int mmu_idx, MemOp op)
{
    gen_qemu_ldst(INDEX_op_qemu_st, val, addr, mmu_idx, op);
}

static void gen_call(const TCGHelperInfo *h, TCGv ret, unsigned nargs, const TCGv *args)
{
    TCGOp *op;
    unsigned n = 0;

    assert(nargs == h->nargs && nargs <= TCG_MAX_HELPER_ARGS);
    op = tcg_emit_op(INDEX_op_call);
    op->nb_oargs = 0;
    if (ret.idx != TCG_NO_RET.idx && h->has_ret) {
        check_out(ret);
        op->args[n++] = ret.idx;
        op->nb_oargs = 1;
    }
    for (unsigned i = 0; i < nargs; i++) {
        check_in(args[i]);
        op->args[n++] = args[i].idx;
    }
    op->nb_iargs = nargs;
    op->nb_cargs = 1;
    op->args[n] = (TCGArg)(uintptr_t)h;
}

void tcg_gen_call0(const TCGHelperInfo *h, TCGv ret)
{
    gen_call(h, ret, 0, NULL);
}

void tcg_gen_call1(const TCGHelperInfo *h, TCGv ret, TCGv a1)
{
    TCGv a[] = {a1};
    gen_call(h, ret, 1, a);
}

void tcg_gen_call2(const TCGHelperInfo *h, TCGv ret, TCGv a1, TCGv a2)
{
    TCGv a[] = {a1, a2};
    gen_call(h, ret, 2, a);
}

void tcg_gen_call3(const TCGHelperInfo *h, TCGv ret, TCGv a1, TCGv a2, TCGv a3)
{
    TCGv a[] = {a1, a2, a3};
    gen_call(h, ret, 3, a);
}

void tcg_gen_call4(const TCGHelperInfo *h, TCGv ret, TCGv a1, TCGv a2, TCGv a3, TCGv a4)
{
    TCGv a[] = {a1, a2, a3, a4};
    gen_call(h, ret, 4, a);
}

void tcg_gen_call5(const TCGHelperInfo *h, TCGv ret, TCGv a1, TCGv a2, TCGv a3, TCGv a4,
                   TCGv a5)
{
    TCGv a[] = {a1, a2, a3, a4, a5};
    gen_call(h, ret, 5, a);
}

void tcg_gen_call6(const TCGHelperInfo *h, TCGv ret, TCGv a1, TCGv a2, TCGv a3, TCGv a4,
                   TCGv a5, TCGv a6)
{
    TCGv a[] = {a1, a2, a3, a4, a5, a6};
    gen_call(h, ret, 6, a);
}

void tcg_gen_mb(void)
{
    tcg_emit_op(INDEX_op_mb);
}

void tcg_gen_insn_start(uint64_t pc, uint64_t data1)
{
    TCGOp *op = tcg_emit_op(INDEX_op_insn_start);

    op->args[0] = pc;
    op->args[1] = data1;
    tcg_ctx->nb_insns++;
}

void tcg_gen_goto_tb(unsigned n)
{
    assert(n < 2);
    tcg_emit_op1c(INDEX_op_goto_tb, n);
}

void tcg_gen_exit_tb(const TranslationBlock *tb, unsigned n)
{
    assert(tb ? n < 2 || n == TB_EXIT_REQUESTED : n == 0);
    tcg_emit_op1c(INDEX_op_exit_tb, (TCGArg)((uintptr_t)tb | n));
}

void tcg_gen_lookup_and_goto_ptr(void)
{
    tcg_emit_op(INDEX_op_lookup_and_goto_ptr);
}

void tcg_gen_lookup_and_goto_pc(TCGv pc, uint32_t flags)
{
    TCGOp *op = tcg_emit_op(INDEX_op_lookup_and_goto_pc);

    op->args[0] = pc.idx;
    op->args[1] = flags;
}

/* ---- the plain one-op emitters ---- */

GEN_OP3(add)
GEN_OP3(sub)
GEN_OP3(mul)
GEN_OP3(mulsh)
GEN_OP3(muluh)
GEN_OP3(and)
GEN_OP3(or)
GEN_OP3(xor)
GEN_OP3(andc)
GEN_OP3(orc)
GEN_OP3(eqv)
GEN_OP3(shl)
GEN_OP3(shr)
GEN_OP3(sar)
GEN_OP3(rotl)
GEN_OP3(rotr)
GEN_OP3(div)
GEN_OP3(divu)
GEN_OP3(rem)
GEN_OP3(remu)

GEN_OP2(neg)
GEN_OP2(not)
GEN_OP2(clz)
GEN_OP2(ctz)
GEN_OP2(ctpop)
GEN_OP2(bswap64)
GEN_OP2(ext8s)
GEN_OP2(ext8u)
GEN_OP2(ext16s)
GEN_OP2(ext16u)
GEN_OP2(ext32s)
GEN_OP2(ext32u)

GEN_LDST(ld8u)
GEN_LDST(ld8s)
GEN_LDST(ld16u)
GEN_LDST(ld16s)
GEN_LDST(ld32u)
GEN_LDST(ld32s)
GEN_LDST(ld)
GEN_LDST(st8)
GEN_LDST(st16)
GEN_LDST(st32)
GEN_LDST(st)
