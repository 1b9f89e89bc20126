/*
 * Privileged helpers called from generated RISC-V code (target/riscv/helper.h):
 * exceptions, CSR instructions, xRET, WFI, SFENCE.VMA, FENCE.I, LR/SC.
 *
 * Every helper that can trap passes GETPC() down so that the faulting
 * instruction's pc is restored from the translation block.
 *
 * Illegal-instruction tval: for mret/sret/wfi the instruction has a single
 * encoding, so xtval gets those bits.  A CSR helper does not receive the
 * instruction word: it reads it back at env->pc (the translator stores the
 * pc before calling it) and uses it only if it is a CSR instruction naming
 * that CSR; otherwise, and for sfence.vma, tval is 0, which §3.1.16 permits.
 */
#include "core/osdep.h"
#include "core/log.h"
#include "target/riscv/helper.h"
#include "target/riscv/internals.h"

#define INSN_MRET 0x30200073
#define INSN_SRET 0x10200073
#define INSN_WFI 0x10500073

void helper_raise_exception(CPURISCVState *env, uint64_t cause)
{
    riscv_raise_exception(env, cause, 0, GETPC());
}

void helper_raise_exception_tval(CPURISCVState *env, uint64_t cause, uint64_t tval)
{
    riscv_raise_exception(env, cause, tval, GETPC());
}

/* The faulting CSR instruction's bits, or 0 if they cannot be confirmed. */
static uint64_t csr_insn_bits(CPURISCVState *env, uint64_t csrno)
{
    CPUState *cs = riscv_env_cs(env);
    RISCVTranslation t;
    MemTxResult res;
    uint32_t insn;

    /* 2-byte aligned with C; one crossing a page is left at 0 */
    if ((env->pc & 1) || (env->pc & ~TARGET_PAGE_MASK) > TARGET_PAGE_SIZE - 4 ||
        riscv_cpu_translate(env, env->pc, 4, MMU_INST_FETCH,
                            riscv_env_mmu_index(env, true), &t) != TRANSLATE_SUCCESS) {
        return 0;
    }
    insn = address_space_ldl_le(cs->as, t.paddr, MEMTXATTRS_UNSPECIFIED, &res);
    if (res != MEMTX_OK || (insn & 0x7f) != 0x73 || (insn >> 20) != csrno ||
        (insn & 0x3000) == 0) {
        return 0;
    }
    return insn;
}

uint64_t helper_csrr(CPURISCVState *env, uint64_t csrno)
{
    uint64_t val = 0;
    int ret = riscv_csr_access(env, csrno, &val, 0, 0, false);

    if (ret) {
        riscv_raise_exception(env, ret, csr_insn_bits(env, csrno), GETPC());
    }
    return val;
}

uint64_t helper_csrrw(CPURISCVState *env, uint64_t csrno, uint64_t src, uint64_t mask)
{
    uint64_t val = 0;
    int ret = riscv_csr_access(env, csrno, &val, src, mask, true);

    if (ret) {
        riscv_raise_exception(env, ret, csr_insn_bits(env, csrno), GETPC());
    }
    return val;
}

/* §3.3.2 (1.12): xRET pops the privilege stack; leaving M clears MPRV */
uint64_t helper_mret(CPURISCVState *env)
{
    uint64_t s = env->mstatus;
    uint64_t prev;

    if (env->priv < PRV_M) {
        riscv_raise_exception(env, RISCV_EXCP_ILLEGAL_INST, INSN_MRET, GETPC());
    }
    prev = extract64(s, MSTATUS_MPP_SHIFT, 2);
    s = deposit64(s, 3, 1, extract64(s, 7, 1));         /* MIE = MPIE */
    s |= MSTATUS_MPIE;
    /* MPP <- the least-privileged mode the hart has */
    s = deposit64(s, MSTATUS_MPP_SHIFT, 2, riscv_has_ext(env, RVU) ? PRV_U : PRV_M);
    if (prev != PRV_M) {
        s &= ~MSTATUS_MPRV;
    }
    env->mstatus = s;
    env->load_res = -1;
    riscv_cpu_set_mode(env, prev);
    /* Also in env->pc: the caller may re-read its globals from env after us */
    env->pc = env->mepc & (riscv_has_ext(env, RVC) ? ~1ULL : ~3ULL);
    return env->pc;
}

uint64_t helper_sret(CPURISCVState *env)
{
    uint64_t s = env->mstatus;
    uint64_t prev;

    /* §3.1.6.5: TSR makes sret illegal in S-mode; it never exists in U-mode */
    if (env->priv < PRV_S || (env->priv == PRV_S && (s & MSTATUS_TSR)) ||
        !riscv_has_ext(env, RVS)) {
        riscv_raise_exception(env, RISCV_EXCP_ILLEGAL_INST, INSN_SRET, GETPC());
    }
    prev = extract64(s, MSTATUS_SPP_SHIFT, 1);
    s = deposit64(s, 1, 1, extract64(s, 5, 1));          /* SIE = SPIE */
    s |= MSTATUS_SPIE;
    s &= ~MSTATUS_SPP;                                   /* SPP = U */
    s &= ~MSTATUS_MPRV;                                  /* SPP is never M */
    env->mstatus = s;
    env->load_res = -1;
    riscv_cpu_set_mode(env, prev);
    env->pc = env->sepc & (riscv_has_ext(env, RVC) ? ~1ULL : ~3ULL);
    return env->pc;
}

void helper_wfi(CPURISCVState *env)
{
    CPUState *cs = riscv_env_cs(env);

    /*
     * §3.3.3, §3.1.6.5: WFI is illegal in U-mode (S is implemented) and in
     * S-mode when TW=1 (we use a time limit of zero).
     */
    if (env->priv == PRV_U ||
        (env->priv < PRV_M && (env->mstatus & MSTATUS_TW))) {
        riscv_raise_exception(env, RISCV_EXCP_ILLEGAL_INST, INSN_WFI, GETPC());
    }
    /*
     * Halt even when an enabled interrupt is already pending: the loop
     * resumes the hart at once (has_work), but the exit hands the rest of
     * the time slice to the other harts.  Firmware that spins on wfi with a
     * stale IPI pending (OpenSBI's HSM wait) then no longer starves the
     * hart doing real work.
     */
    cs->halted = true;
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}

void helper_sfence_vma(CPURISCVState *env, uint64_t addr, uint64_t asid,
                       uint64_t rs1_is_x0)
{
    CPUState *cs = riscv_env_cs(env);

    /* §4.2.1, §3.1.6.5: illegal in U-mode, and in S-mode with TVM=1 */
    if (env->priv == PRV_U ||
        (env->priv == PRV_S && (env->mstatus & MSTATUS_TVM))) {
        riscv_raise_exception(env, RISCV_EXCP_ILLEGAL_INST, 0, GETPC());
    }
    /*
     * ASIDs are not tagged in the TLB: any asid flushes the address in every
     * address space.  tlb_flush_page also drops a superpage cached around
     * the address (the soft TLB tracks large mappings).
     */
    if (rs1_is_x0) {
        tlb_flush(cs);
    } else {
        tlb_flush_page(cs, addr);
    }
}

void helper_fence_i(CPURISCVState *env)
{
    /*
     * Zifencei: stores to pages holding translated code already invalidate
     * that code (dirty tracking in memory/), and the translator ends the
     * block at fence.i, so the next fetch sees the new instructions.  There
     * is no instruction cache to synchronise beyond that.
     */
}

uint64_t helper_lr(CPURISCVState *env, uint64_t addr, uint64_t memop)
{
    CPUState *cs = riscv_env_cs(env);
    int idx = riscv_env_mmu_index(env, false);
    /* A misaligned LR raises load-address-misaligned via MO_ALIGN */
    uint64_t val = cpu_ld_mmu(cs, addr, (MemOp)memop | MO_ALIGN, idx, GETPC());

    env->load_res = addr;
    env->load_val = val;
    return val;
}

/*
 * SC succeeds (returns 0) iff the reservation is for this address and the
 * memory still holds the value LR read -- the latter catches another hart's
 * store in between, since harts do not snoop each other's reservations.
 * The reservation is gone afterwards either way.
 */
uint64_t helper_sc(CPURISCVState *env, uint64_t addr, uint64_t val, uint64_t memop)
{
    CPUState *cs = riscv_env_cs(env);
    int idx = riscv_env_mmu_index(env, false);
    MemOp op = (MemOp)memop;
    uintptr_t ra = GETPC();
    uint64_t cur;

    if (addr & (memop_size(op) - 1)) {
        riscv_raise_exception(env, RISCV_EXCP_STORE_AMO_ADDR_MIS, addr, ra);
    }
    if (env->load_res != addr) {
        env->load_res = -1;
        return 1;
    }
    env->load_res = -1;
    cur = cpu_ld_mmu(cs, addr, op | MO_ALIGN, idx, ra);
    if (cur != env->load_val) {
        return 1;
    }
    cpu_st_mmu(cs, addr, val, op | MO_ALIGN, idx, ra);
    return 0;
}
