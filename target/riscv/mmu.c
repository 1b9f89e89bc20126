/*
 * Virtual-memory translation of the RISC-V hart: Sv39 and Sv48 page walks
 * (privileged spec 1.12 §4.3.2, §4.4, §4.5), the effective privilege of an
 * access (MPRV/MPP, SUM, MXR: §3.1.6.3, §4.1.1.2), PMP on the walk and on
 * the final address (§3.7), and the TLB fill hook of the JIT.
 *
 * A/D bits: when a leaf PTE has A clear, or D clear on a store, the walker
 * sets them in memory (the "update" option of §4.3.2 step 7, QEMU's
 * default) rather than raising a page fault.  The update is a plain
 * read-check-write of the PTE through the address space.
 */
#include "core/osdep.h"
#include "core/log.h"
#include "target/riscv/internals.h"

int riscv_env_mmu_index(CPURISCVState *env, bool ifetch)
{
    uint64_t mode = env->priv;

    if (!ifetch && mode == PRV_M && (env->mstatus & MSTATUS_MPRV)) {
        /* §3.1.6.3: loads and stores use the privilege in MPP */
        mode = extract64(env->mstatus, MSTATUS_MPP_SHIFT, 2);
    }
    switch (mode) {
    case PRV_U:
        return RISCV_MMU_IDX_U;
    case PRV_S:
        /* Instruction fetches ignore SUM: S-mode never executes U pages */
        return (!ifetch && (env->mstatus & MSTATUS_SUM)) ? RISCV_MMU_IDX_S_SUM
                                                         : RISCV_MMU_IDX_S;
    default:
        return RISCV_MMU_IDX_M;
    }
}

static int mmu_idx_priv(int mmu_idx)
{
    switch (mmu_idx) {
    case RISCV_MMU_IDX_U:
        return PRV_U;
    case RISCV_MMU_IDX_S:
    case RISCV_MMU_IDX_S_SUM:
        return PRV_S;
    default:
        return PRV_M;
    }
}

int riscv_translate_fault_cause(RISCVTranslateResult r, MMUAccessType access_type)
{
    if (r == TRANSLATE_PAGE_FAULT) {
        return access_type == MMU_INST_FETCH ? RISCV_EXCP_INST_PAGE_FAULT
               : access_type == MMU_DATA_STORE ? RISCV_EXCP_STORE_PAGE_FAULT
                                               : RISCV_EXCP_LOAD_PAGE_FAULT;
    }
    return access_type == MMU_INST_FETCH ? RISCV_EXCP_INST_ACCESS_FAULT
           : access_type == MMU_DATA_STORE ? RISCV_EXCP_STORE_AMO_ACCESS_FAULT
                                           : RISCV_EXCP_LOAD_ACCESS_FAULT;
}

/* §4.3.1 / §4.1.1.2: may a leaf PTE be used for this access at priv? */
static bool pte_allows(CPURISCVState *env, uint64_t pte, MMUAccessType access_type,
                       int mmu_idx)
{
    int priv = mmu_idx_priv(mmu_idx);
    bool mxr = (env->mstatus & MSTATUS_MXR) != 0;

    if (pte & PTE_U) {
        if (priv == PRV_S &&
            (access_type == MMU_INST_FETCH || mmu_idx != RISCV_MMU_IDX_S_SUM)) {
            return false;
        }
    } else if (priv == PRV_U) {
        return false;
    }
    switch (access_type) {
    case MMU_INST_FETCH:
        return (pte & PTE_X) != 0;
    case MMU_DATA_STORE:
        return (pte & PTE_W) != 0;
    default:
        return (pte & PTE_R) || (mxr && (pte & PTE_X));
    }
}

/* The prot bits a leaf grants at mmu_idx (for the TLB entry). */
static int pte_prot(CPURISCVState *env, uint64_t pte, int mmu_idx)
{
    int prot = 0;

    if (pte_allows(env, pte, MMU_DATA_LOAD, mmu_idx)) {
        prot |= PAGE_READ;
    }
    /* Without D set, a store must walk again so that D gets set */
    if ((pte & PTE_D) && pte_allows(env, pte, MMU_DATA_STORE, mmu_idx)) {
        prot |= PAGE_WRITE;
    }
    if (pte_allows(env, pte, MMU_INST_FETCH, mmu_idx)) {
        prot |= PAGE_EXEC;
    }
    return prot;
}

static RISCVTranslateResult page_walk(CPURISCVState *env, vaddr va,
                                      MMUAccessType access_type, int mmu_idx,
                                      RISCVTranslation *out)
{
    CPUState *cs = riscv_env_cs(env);
    int mode = env->satp >> SATP_MODE_SHIFT;
    int levels = mode == SATP_MODE_SV48 ? 4 : 3;
    int va_bits = 12 + 9 * levels;
    hwaddr base = (env->satp & SATP_PPN) << 12;
    MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;

    /* §4.3.2 / §4.4: bits above the VA width must all equal the top bit */
    if ((uint64_t)sextract64(va, 0, va_bits) != va) {
        return TRANSLATE_PAGE_FAULT;
    }
    for (int level = levels - 1; level >= 0; level--) {
        hwaddr pte_addr = base + extract64(va, 12 + 9 * level, 9) * 8;
        MemTxResult res;
        int allowed;
        uint64_t pte;

        /* Step 2: the PTE access is checked by PMP with effective priv S */
        if (!riscv_pmp_check(env, pte_addr, 8, MMU_DATA_LOAD, PRV_S, &allowed)) {
            return TRANSLATE_ACCESS_FAULT;
        }
        pte = address_space_ldq_le(cs->as, pte_addr, attrs, &res);
        if (res != MEMTX_OK) {
            return TRANSLATE_ACCESS_FAULT;
        }
        /* Step 3 */
        if (!(pte & PTE_V) || ((pte & (PTE_R | PTE_W)) == PTE_W) ||
            (pte & PTE_RESERVED)) {
            return TRANSLATE_PAGE_FAULT;
        }
        uint64_t ppn = (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT;
        if (!(pte & (PTE_R | PTE_X))) {
            /* Step 4: pointer to the next level */
            base = ppn << 12;
            continue;
        }
        /* Step 5: leaf permissions */
        if (!pte_allows(env, pte, access_type, mmu_idx)) {
            return TRANSLATE_PAGE_FAULT;
        }
        /* Step 6: a superpage's low PPN fields must be zero */
        if (level > 0 && extract64(ppn, 0, 9 * level)) {
            return TRANSLATE_PAGE_FAULT;
        }
        /* Step 7: set A, and D on stores, in memory */
        uint64_t want = pte | PTE_A | (access_type == MMU_DATA_STORE ? PTE_D : 0);
        if (want != pte) {
            if (!riscv_pmp_check(env, pte_addr, 8, MMU_DATA_STORE, PRV_S, &allowed)) {
                return TRANSLATE_ACCESS_FAULT;
            }
            address_space_stq_le(cs->as, pte_addr, want, attrs, &res);
            if (res != MEMTX_OK) {
                return TRANSLATE_ACCESS_FAULT;
            }
            pte = want;
        }
        /* Step 8: superpage offsets come from the VA */
        uint64_t page_size = 1ULL << (12 + 9 * level);
        out->paddr = (ppn << 12) | (va & (page_size - 1));
        out->prot = pte_prot(env, pte, mmu_idx);
        out->page_size = page_size;
        return TRANSLATE_SUCCESS;
    }
    /* Step 4: ran out of levels without a leaf */
    return TRANSLATE_PAGE_FAULT;
}

RISCVTranslateResult riscv_cpu_translate(CPURISCVState *env, vaddr va, int size,
                                         MMUAccessType access_type, int mmu_idx,
                                         RISCVTranslation *out)
{
    int priv = mmu_idx_priv(mmu_idx);
    int mode = env->satp >> SATP_MODE_SHIFT;
    RISCVTranslateResult r;
    int pmp_prot;

    if (priv == PRV_M || mode == SATP_MODE_BARE || !riscv_cfg(env)->mmu) {
        out->paddr = va;
        out->prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        out->page_size = TARGET_PAGE_SIZE;
    } else {
        r = page_walk(env, va, access_type, mmu_idx, out);
        if (r != TRANSLATE_SUCCESS) {
            qemu_log_mask(CPU_LOG_MMU, "riscv mmu: va 0x%016" PRIx64 " type %d idx %d: %s\n",
                          va, access_type, mmu_idx,
                          r == TRANSLATE_PAGE_FAULT ? "page fault" : "access fault");
            return r;
        }
    }
    /* §3.7: PMP on the physical address with the access's privilege */
    if (!riscv_pmp_check(env, out->paddr, size, access_type, priv, &pmp_prot)) {
        qemu_log_mask(CPU_LOG_MMU, "riscv pmp: pa 0x%016" PRIx64 " denied\n", out->paddr);
        return TRANSLATE_ACCESS_FAULT;
    }
    out->prot &= pmp_prot;
    if (riscv_pmp_tlb_size(env, out->paddr) < TARGET_PAGE_SIZE) {
        out->page_size = 1;
    }
    return TRANSLATE_SUCCESS;
}

bool riscv_cpu_tlb_fill(CPUState *cs, vaddr addr, int size, MMUAccessType access_type,
                        int mmu_idx, bool probe, uintptr_t retaddr)
{
    CPURISCVState *env = cs->env_ptr;
    RISCVTranslation t;
    RISCVTranslateResult r = riscv_cpu_translate(env, addr, size, access_type, mmu_idx, &t);

    if (r == TRANSLATE_SUCCESS) {
        /* The TLB maps the 4K page of addr (a superpage one page at a time) */
        tlb_set_page(cs, addr & TARGET_PAGE_MASK, t.paddr & TARGET_PAGE_MASK,
                     MEMTXATTRS_UNSPECIFIED, t.prot, mmu_idx, t.page_size);
        return true;
    }
    if (probe) {
        return false;
    }
    riscv_raise_exception(env, riscv_translate_fault_cause(r, access_type), addr, retaddr);
}

void riscv_cpu_do_unaligned_access(CPUState *cs, vaddr addr, MMUAccessType access_type,
                                   int mmu_idx, uintptr_t retaddr)
{
    int cause = access_type == MMU_INST_FETCH ? RISCV_EXCP_INST_ADDR_MIS
                : access_type == MMU_DATA_STORE ? RISCV_EXCP_STORE_AMO_ADDR_MIS
                                                : RISCV_EXCP_LOAD_ADDR_MIS;

    riscv_raise_exception(cs->env_ptr, cause, addr, retaddr);
}

void riscv_cpu_do_transaction_failed(CPUState *cs, hwaddr physaddr, vaddr addr,
                                     unsigned size, MMUAccessType access_type,
                                     int mmu_idx, MemTxResult response,
                                     uintptr_t retaddr)
{
    /* A bus error is an access fault (§3.6) reported with the virtual address */
    riscv_raise_exception(cs->env_ptr,
                          riscv_translate_fault_cause(TRANSLATE_ACCESS_FAULT, access_type),
                          addr, retaddr);
}
