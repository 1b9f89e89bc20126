/*
 * RISC-V translator: the block loop and the pieces every extension shares.
 *
 * A block starts at tb->pc with the state in tb->flags (privilege, data
 * mmu_idx, mstatus.FS) and ends at:
 *  - a control transfer (branch, jal, jalr, xret), or a trap;
 *  - an instruction that changes state the translation depends on (CSR
 *    writes, fence.i, sfence.vma, wfi), after which we return to the loop;
 *  - max_insns, or the end of the page.  A 32-bit instruction that crosses
 *    a page boundary is only translated as the first instruction of a
 *    block, so a fetch fault on its second half is raised with the pc of
 *    that instruction and no earlier instruction of the block is lost.
 *
 * Direct jumps chain (goto_tb/exit_tb) only to targets on the page of the
 * block start: a mapping change of another page must not leave a stale
 * direct link.  Other targets go through lookup_and_goto_ptr.
 */
#include "target/riscv/translate-internal.h"
#include "target/riscv/translate.h"

TCGv cpu_gpr[32];
TCGv cpu_fpr[32];
TCGv cpu_pc;
TCGv cpu_load_res;
TCGv cpu_load_val;

static const char *const gpr_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const fpr_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
    "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
    "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

static const TCGHelperInfo info_raise_exception_tval =
    TCG_HELPER(helper_raise_exception_tval, 3, false, TCG_CALL_MAY_RAISE);

void riscv_translate_init(void)
{
    static bool done;

    if (done) {
        return;
    }
    done = true;
    /* x0 has no global: reads are the constant 0, writes go to a scratch temp. */
    for (int i = 1; i < 32; i++) {
        cpu_gpr[i] = tcg_global_mem_new(offsetof(CPURISCVState, gpr[i]), gpr_names[i]);
    }
    for (int i = 0; i < 32; i++) {
        cpu_fpr[i] = tcg_global_mem_new(offsetof(CPURISCVState, fpr[i]), fpr_names[i]);
    }
    cpu_pc = tcg_global_mem_new(offsetof(CPURISCVState, pc), "pc");
    cpu_load_res = tcg_global_mem_new(offsetof(CPURISCVState, load_res), "load_res");
    cpu_load_val = tcg_global_mem_new(offsetof(CPURISCVState, load_val), "load_val");
}

TCGv get_gpr(DisasContext *ctx, int reg)
{
    return reg == 0 ? tcg_constant(0) : cpu_gpr[reg];
}

TCGv dest_gpr(DisasContext *ctx, int reg)
{
    return reg == 0 ? tcg_temp_new() : cpu_gpr[reg];
}

void gen_set_gpr(DisasContext *ctx, int reg, TCGv val)
{
    if (reg != 0) {
        tcg_gen_mov(cpu_gpr[reg], val);
    }
}

void gen_exception_tval(DisasContext *ctx, int cause, TCGv tval)
{
    /* The helper restores the pc from the insn_start data too; storing it
     * here keeps env->pc right whatever the unwinder does. */
    tcg_gen_movi(cpu_pc, ctx->pc);
    tcg_gen_call3(&info_raise_exception_tval, TCG_NO_RET, tcg_env, tcg_constant(cause),
                  tval);
    ctx->is_jmp = DISAS_NORETURN;
}

void gen_exception(DisasContext *ctx, int cause)
{
    gen_exception_tval(ctx, cause, tcg_constant(0));
}

/* Privileged spec 3.1.16: mtval = the faulting instruction's bits (only the
 * 16 bits of a compressed one). */
void gen_exception_illegal(DisasContext *ctx)
{
    uint32_t bits = ctx->ilen == 2 ? (ctx->insn & 0xffff) : ctx->insn;
    gen_exception_tval(ctx, RISCV_EXCP_ILLEGAL_INST, tcg_constant(bits));
}

/*
 * Indirect jump to the block at the pc in dest (already in cpu_pc).  The
 * block's instructions change no TB flag but mstatus.FS (FP instructions
 * make it Dirty, tracked in ctx->fs); instructions that change the others
 * (CSR writes, xret, sfence.vma...) end the block through the loop.  So the
 * flags of the next lookup are known here, and a back end may probe the
 * jump cache inline (tcg_gen_lookup_and_goto_pc).
 */
void gen_lookup_and_goto(DisasContext *ctx, TCGv dest)
{
    tcg_gen_lookup_and_goto_pc(dest, (uint32_t)deposit64(ctx->flags, TB_FLAGS_FS_SHIFT, 2,
                                               (uint32_t)ctx->fs));
}

void gen_goto_tb(DisasContext *ctx, unsigned n, uint64_t dest)
{
    bool same_page = (dest & TARGET_PAGE_MASK) == (ctx->pc_first & TARGET_PAGE_MASK);

    if (same_page && !(ctx->tb->cflags & CF_SINGLE_STEP)) {
        tcg_gen_goto_tb(n);
        tcg_gen_movi(cpu_pc, dest);
        tcg_gen_exit_tb(ctx->tb, n);
    } else {
        tcg_gen_movi(cpu_pc, dest);
        gen_lookup_and_goto(ctx, tcg_constant((int64_t)dest));
    }
    ctx->is_jmp = DISAS_NORETURN;
}

bool decode_insn32(DisasContext *ctx, uint32_t insn)
{
    switch (insn & 0x7f) {
    case OPC_LOAD:
    case OPC_MISC_MEM:
    case OPC_AUIPC:
    case OPC_STORE:
    case OPC_LUI:
    case OPC_BRANCH:
    case OPC_JALR:
    case OPC_JAL:
        return decode_rvi(ctx, insn);
    case OPC_OP_IMM:
    case OPC_OP_IMM_32:
    case OPC_OP:
    case OPC_OP_32:
        /* M and the bit-manipulation extensions share these opcodes with I;
         * each decoder claims only its own funct7/funct3 space. */
        return decode_rvi(ctx, insn) || decode_rvm(ctx, insn) || decode_zb(ctx, insn);
    case OPC_AMO:
        return decode_rva(ctx, insn);
    case OPC_LOAD_FP:
    case OPC_STORE_FP:
    case OPC_MADD:
    case OPC_MSUB:
    case OPC_NMSUB:
    case OPC_NMADD:
    case OPC_OP_FP:
        return decode_fp(ctx, insn);
    case OPC_SYSTEM:
        return decode_system(ctx, insn);
    default:
        return false;
    }
}

static void translate_one(DisasContext *ctx, CPUState *cs)
{
    uint16_t lo = cpu_lduw_code(cs, ctx->pc);
    uint32_t expanded;

    if ((lo & 3) != 3) {
        ctx->ilen = 2;
        ctx->insn = lo;
        ctx->pc_next = ctx->pc + 2;
        /* The all-zero halfword is defined illegal (unprivileged spec 16.1). */
        if (!ctx->cfg->ext_c || !expand_rvc(ctx, lo, &expanded) ||
            !decode_insn32(ctx, expanded)) {
            gen_exception_illegal(ctx);
        }
        return;
    }
    ctx->ilen = 4;
    ctx->insn = lo | ((uint32_t)cpu_lduw_code(cs, ctx->pc + 2) << 16);
    ctx->pc_next = ctx->pc + 4;
    /* Encodings of 48 bits and longer (low bits 11111) are not supported. */
    if ((ctx->insn & 0x1f) == 0x1f || !decode_insn32(ctx, ctx->insn)) {
        gen_exception_illegal(ctx);
    }
}

void riscv_translate_code(CPUState *cs, TranslationBlock *tb, int max_insns)
{
    RISCVCPU *cpu = container_of(cs, RISCVCPU, parent_obj);
    DisasContext ctx = {
        .tb = tb,
        .cs = cs,
        .cfg = &cpu->cfg,
        .pc_first = tb->pc,
        .pc_next = tb->pc,
        .priv = extract32(tb->flags, TB_FLAGS_PRIV_SHIFT, 2),
        .mem_idx = extract32(tb->flags, TB_FLAGS_MEM_IDX_SHIFT, 3),
        .fs = extract32(tb->flags, TB_FLAGS_FS_SHIFT, 2),
        .flags = tb->flags,
        .is_jmp = DISAS_NEXT,
    };
    uint64_t page_end = (tb->pc & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE;
    int count = 0;

    if (tb->cflags & CF_COUNT_MASK) {
        int limit = tb->cflags & CF_COUNT_MASK;
        max_insns = max_insns > 0 && max_insns < limit ? max_insns : limit;
    }
    if (tb->cflags & CF_SINGLE_STEP) {
        max_insns = 1;
    }
    if (max_insns < 1) {
        max_insns = 1;
    }

    for (;;) {
        ctx.pc = ctx.pc_next;
        if (!(tb->cflags & CF_SINGLE_STEP) && cpu_breakpoint_test(ctx.pc)) {
            if (count > 0) {
                /* A block ends before a debug breakpoint ... */
                ctx.is_jmp = DISAS_TOO_MANY;
                break;
            }
            /* ... and the block at one stops for the debugger (gdbstub). */
            tcg_gen_insn_start(ctx.pc, 0);
            count++;
            gen_exception(&ctx, EXCP_DEBUG);
            ctx.pc_next = ctx.pc + 2;   /* tb->size: cover the breakpoint pc */
            break;
        }
        tcg_gen_insn_start(ctx.pc, 0);
        count++;
        translate_one(&ctx, cs);
        if (ctx.is_jmp != DISAS_NEXT) {
            break;
        }
        if (count >= max_insns || ctx.pc_next >= page_end) {
            ctx.is_jmp = DISAS_TOO_MANY;
            break;
        }
        if (ctx.pc_next == page_end - 2 &&
            (cpu_lduw_code(cs, ctx.pc_next) & 3) == 3) {
            /* The next instruction crosses the page: it starts a block. */
            ctx.is_jmp = DISAS_TOO_MANY;
            break;
        }
    }

    switch (ctx.is_jmp) {
    case DISAS_TOO_MANY:
        gen_goto_tb(&ctx, 0, ctx.pc_next);
        break;
    case DISAS_EXIT:
        tcg_gen_movi(cpu_pc, ctx.pc_next);
        tcg_gen_exit_tb(NULL, 0);
        break;
    case DISAS_NEXT:
    case DISAS_NORETURN:
        break;
    }
    tb->size = ctx.pc_next - tb->pc;
    tb->icount = count;
}
