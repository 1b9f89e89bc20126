/*
 * A extension (unprivileged spec ch. 8): LR/SC and the AMOs, W and D.
 *
 * Design.  The JIT runs all harts round-robin on one host thread and a hart
 * only yields between blocks, so the read-modify-write of an AMO emitted
 * inside one block is atomic with respect to the other harts.  LR/SC are
 * inline: LR records the address and the loaded value in load_res/load_val;
 * SC succeeds iff its address equals load_res and memory still holds
 * load_val (an intervening store of the same value is not detected, which
 * the spec's forward-progress rules allow: SC may succeed whenever no
 * other hart could observe the difference).  Every SC, successful or not,
 * clears the reservation (8.2); the trap path leaves it to the privileged
 * code (an xRET need not clear it).
 *
 * Faults: all of them use MO_ALIGN.  LR faults as a load.  SC and AMOs are
 * stores for exception purposes (privileged spec 3.1.15, "Store/AMO"), yet
 * they load before they store: so they first check alignment (raising
 * store/AMO address-misaligned) and then probe the page for writing
 * (helper_amo_probe_write, raising store/AMO page or access faults), and
 * only then load.
 */
#include "target/riscv/translate-internal.h"

/*
 * Translate addr for a store of size bytes: raise the store/AMO fault now
 * if the access cannot complete, so the following load does not report a
 * load fault.  Fills the TLB entry the load and store will then hit.
 */
static void helper_amo_probe_write(CPURISCVState *env, uint64_t addr, uint64_t size,
                                   uint64_t mmu_idx)
{
    probe_write(env_cpu_riscv(env), addr, (int)size, (int)mmu_idx, GETPC());
}

static const TCGHelperInfo info_amo_probe_write =
    TCG_HELPER(helper_amo_probe_write, 4, false, TCG_CALL_MAY_RAISE);

enum {
    AMO_ADD = 0x00, AMO_SWAP = 0x01, AMO_LR = 0x02, AMO_SC = 0x03,
    AMO_XOR = 0x04, AMO_OR = 0x08, AMO_AND = 0x0c, AMO_MIN = 0x10,
    AMO_MAX = 0x14, AMO_MINU = 0x18, AMO_MAXU = 0x1c,
};

/* Alignment, then write permission: the store/AMO faults come first. */
static void gen_check_store(DisasContext *ctx, TCGv addr, unsigned size)
{
    TCGv low = tcg_temp_new();
    TCGLabel *ok = gen_new_label();

    tcg_gen_andi(low, addr, size - 1);
    tcg_gen_brcondi(TCG_COND_EQ, low, 0, ok);
    gen_exception_tval(ctx, RISCV_EXCP_STORE_AMO_ADDR_MIS, addr);
    gen_set_label(ok);
    ctx->is_jmp = DISAS_NEXT;     /* the aligned path continues */
    tcg_gen_movi(cpu_pc, ctx->pc);
    tcg_gen_call4(&info_amo_probe_write, TCG_NO_RET, tcg_env, addr, tcg_constant(size),
                  tcg_constant(ctx->mem_idx));
}

static void gen_lr(DisasContext *ctx, uint32_t insn, MemOp op)
{
    TCGv addr = tcg_temp_new();
    TCGv val = tcg_temp_new();

    tcg_gen_mov(addr, get_gpr(ctx, insn_rs1(insn)));
    tcg_gen_qemu_ld(val, addr, ctx->mem_idx, op | MO_ALIGN);
    tcg_gen_mov(cpu_load_res, addr);
    tcg_gen_mov(cpu_load_val, val);
    gen_set_gpr(ctx, insn_rd(insn), val);
}

static void gen_sc(DisasContext *ctx, uint32_t insn, MemOp op)
{
    TCGv addr = tcg_temp_new();
    TCGv cur = tcg_temp_new();
    TCGv res = tcg_temp_new();
    TCGLabel *fail = gen_new_label();
    TCGLabel *done = gen_new_label();

    tcg_gen_mov(addr, get_gpr(ctx, insn_rs1(insn)));
    gen_check_store(ctx, addr, memop_size(op));
    tcg_gen_brcond(TCG_COND_NE, addr, cpu_load_res, fail);
    tcg_gen_qemu_ld(cur, addr, ctx->mem_idx, op | MO_ALIGN);
    tcg_gen_brcond(TCG_COND_NE, cur, cpu_load_val, fail);
    tcg_gen_qemu_st(get_gpr(ctx, insn_rs2(insn)), addr, ctx->mem_idx,
                    (op & MO_SIZE) | MO_ALIGN);
    tcg_gen_movi(res, 0);
    tcg_gen_br(done);
    gen_set_label(fail);
    tcg_gen_movi(res, 1);
    gen_set_label(done);
    tcg_gen_movi(cpu_load_res, -1);
    gen_set_gpr(ctx, insn_rd(insn), res);
}

static bool amo_known(int funct5)
{
    switch (funct5) {
    case AMO_ADD: case AMO_SWAP: case AMO_XOR: case AMO_OR: case AMO_AND:
    case AMO_MIN: case AMO_MAX: case AMO_MINU: case AMO_MAXU:
    case AMO_LR: case AMO_SC:
        return true;
    default:
        return false;
    }
}

static void gen_amo(DisasContext *ctx, uint32_t insn, int funct5, MemOp op)
{
    TCGv addr = tcg_temp_new();
    TCGv old = tcg_temp_new();
    TCGv val = tcg_temp_new();
    TCGv src = tcg_temp_new();
    bool word = (op & MO_SIZE) == MO_32;

    tcg_gen_mov(addr, get_gpr(ctx, insn_rs1(insn)));
    tcg_gen_mov(src, get_gpr(ctx, insn_rs2(insn)));
    gen_check_store(ctx, addr, memop_size(op));
    tcg_gen_qemu_ld(old, addr, ctx->mem_idx, op | MO_ALIGN);   /* W: sign-extended */
    switch (funct5) {
    case AMO_ADD:
        tcg_gen_add(val, old, src);
        break;
    case AMO_SWAP:
        tcg_gen_mov(val, src);
        break;
    case AMO_XOR:
        tcg_gen_xor(val, old, src);
        break;
    case AMO_OR:
        tcg_gen_or(val, old, src);
        break;
    case AMO_AND:
        tcg_gen_and(val, old, src);
        break;
    case AMO_MIN:
    case AMO_MAX: {
        /* W compares the 32-bit values as signed: both sign-extended. */
        TCGv s = tcg_temp_new();
        if (word) {
            tcg_gen_ext32s(s, src);
        } else {
            tcg_gen_mov(s, src);
        }
        tcg_gen_movcond(funct5 == AMO_MIN ? TCG_COND_LT : TCG_COND_GT, val, old, s, old, s);
        break;
    }
    case AMO_MINU:
    case AMO_MAXU: {
        TCGv o = tcg_temp_new(), s = tcg_temp_new();
        if (word) {
            tcg_gen_ext32u(o, old);
            tcg_gen_ext32u(s, src);
        } else {
            tcg_gen_mov(o, old);
            tcg_gen_mov(s, src);
        }
        tcg_gen_movcond(funct5 == AMO_MINU ? TCG_COND_LTU : TCG_COND_GTU, val, o, s, o, s);
        break;
    }
    }
    tcg_gen_qemu_st(val, addr, ctx->mem_idx, (op & MO_SIZE) | MO_ALIGN);
    gen_set_gpr(ctx, insn_rd(insn), old);
}

bool decode_rva(DisasContext *ctx, uint32_t insn)
{
    int f3 = insn_funct3(insn);
    int funct5 = extract32(insn, 27, 5);
    MemOp op;

    if (!ctx->cfg->ext_a || (f3 != 2 && f3 != 3)) {
        return false;
    }
    op = (f3 == 2 ? MO_SL : MO_UQ) | MO_LE;
    if (!amo_known(funct5) || (funct5 == AMO_LR && insn_rs2(insn) != 0)) {
        return false;
    }
    /*
     * aq/rl order this access with the others of this hart as other harts
     * see them.  No other hart runs while this one does (one host thread
     * runs them all and switches only between blocks), so no host barrier
     * is needed for that; what other host threads (iothreads, DMA) see is
     * ordered by the guest's explicit fences (translate-rvi.c), as Linux's
     * drivers use them (virtio's mb/wmb/rmb are fences, not AMO bits).
     * So the aq and rl bits (26, 25) translate to nothing.
     */
    if (funct5 == AMO_LR) {
        gen_lr(ctx, insn, op);
    } else if (funct5 == AMO_SC) {
        gen_sc(ctx, insn, op);
    } else {
        gen_amo(ctx, insn, funct5, op);
    }
    return true;
}
