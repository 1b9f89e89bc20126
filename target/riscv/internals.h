/*
 * Declarations shared by the privileged-side files of the RISC-V hart
 * (cpu.c, csr.c, cpu_helper.c, mmu.c, pmp.c, op_helper.c) and their unit
 * tests.  Not part of the contract with other subsystems.
 */
#ifndef TARGET_RISCV_INTERNALS_H
#define TARGET_RISCV_INTERNALS_H

#include "target/riscv/cpu.h"
#include "target/riscv/cpu_bits.h"

static inline bool riscv_has_ext(CPURISCVState *env, uint64_t ext)
{
    return (env->misa & ext) != 0;
}

static inline RISCVCPUConfig *riscv_cfg(CPURISCVState *env)
{
    return &env_archcpu(env)->cfg;
}

static inline CPUState *riscv_env_cs(CPURISCVState *env)
{
    return env_cpu_riscv(env);
}

/* ---- cpu.c ---- */
/* Reset the architectural state to the privileged spec's reset values. */
void riscv_cpu_reset_env(RISCVCPU *cpu);
/* misa value (MXL and extension letters) for cfg. */
uint64_t riscv_cfg_to_misa(const RISCVCPUConfig *cfg);

/* ---- csr.c ---- */
/*
 * The one CSR access path.  write says whether the instruction writes the
 * CSR at all (csrrw, or csrrs/csrrc with rs1 != x0), which decides the
 * read-only check even when write_mask happens to be zero.
 */
int riscv_csr_access(CPURISCVState *env, int csrno, uint64_t *ret_value,
                     uint64_t new_value, uint64_t write_mask, bool write);
/* Name of a CSR for logs and dumps (NULL if not implemented). */
const char *riscv_csr_name(int csrno);
/* Current value of the time CSR; false if the hart has no time source. */
bool riscv_cpu_get_time(CPURISCVState *env, uint64_t *ticks);
/* Re-evaluate STIP against stimecmp (Sstc) and re-arm the timer; local as
 * for riscv_cpu_update_mip_local (true from CSR writes, false from the timer). */
void riscv_stimecmp_update(CPURISCVState *env, bool local);
/* Timer callback (QEMU_CLOCK_VIRTUAL). */
void riscv_stimer_cb(void *opaque);
/* Fold FS into mstatus.SD after FS/XS changed. */
uint64_t riscv_mstatus_update_sd(uint64_t mstatus);

/* ---- cpu_helper.c: interrupts and traps ---- */
/* mip as the hart sees it: device lines plus the M-mode written SEIP. */
uint64_t riscv_cpu_mip_effective(CPURISCVState *env);
/* Interrupt to take now (IRQ_* number), or -1 if none is deliverable. */
int riscv_cpu_local_irq_pending(CPURISCVState *env);
/* Raise/clear CPU_INTERRUPT_HARD to match mip & mie, from the hart itself. */
void riscv_cpu_interrupt_update(CPURISCVState *env);
/* riscv_cpu_update_mip for the hart's own writes (CSRs): no time-slice cut. */
uint64_t riscv_cpu_update_mip_local(CPURISCVState *env, uint64_t mask, uint64_t value);
bool riscv_cpu_has_work(CPUState *cs);
bool riscv_cpu_exec_interrupt(CPUState *cs, int interrupt_request);
void riscv_cpu_do_interrupt(CPUState *cs);
const char *riscv_cpu_trap_name(uint64_t cause, bool async);
/* Switch privilege (flushes nothing: mmu_idx differs per privilege). */
void riscv_cpu_set_mode(CPURISCVState *env, uint64_t priv);

/* ---- mmu.c: address translation ---- */
typedef enum RISCVTranslateResult {
    TRANSLATE_SUCCESS = 0,
    TRANSLATE_PAGE_FAULT,
    TRANSLATE_ACCESS_FAULT,      /* PMP or bus error, on the PTE or the data */
} RISCVTranslateResult;

typedef struct RISCVTranslation {
    hwaddr paddr;
    int prot;                    /* PAGE_READ/WRITE/EXEC allowed for the mapping */
    uint64_t page_size;          /* granule usable in the TLB (may be < 4K for PMP) */
} RISCVTranslation;

/*
 * Translate va for access_type at mmu_idx, including PMP on the page walk
 * and on the result.  Updates A/D bits in memory (spec §4.3.2 step 7, the
 * "update in hardware" option, as QEMU does by default).
 */
RISCVTranslateResult riscv_cpu_translate(CPURISCVState *env, vaddr va, int size,
                                         MMUAccessType access_type, int mmu_idx,
                                         RISCVTranslation *out);
bool riscv_cpu_tlb_fill(CPUState *cs, vaddr addr, int size, MMUAccessType access_type,
                        int mmu_idx, bool probe, uintptr_t retaddr);
void riscv_cpu_do_unaligned_access(CPUState *cs, vaddr addr, MMUAccessType access_type,
                                   int mmu_idx, uintptr_t retaddr) NORETURN;
void riscv_cpu_do_transaction_failed(CPUState *cs, hwaddr physaddr, vaddr addr,
                                     unsigned size, MMUAccessType access_type,
                                     int mmu_idx, MemTxResult response,
                                     uintptr_t retaddr);
/* Exception cause for a failed translation of access_type. */
int riscv_translate_fault_cause(RISCVTranslateResult r, MMUAccessType access_type);

/* ---- pmp.c ---- */
/*
 * May an access of size bytes at addr by privilege priv use access_type?
 * *allowed gets PAGE_* bits the matching rule grants (for the TLB).
 */
bool riscv_pmp_check(CPURISCVState *env, hwaddr addr, int size,
                     MMUAccessType access_type, int priv, int *allowed);
/* Largest TLB granule (TARGET_PAGE_SIZE or 1) for which the rule is uniform. */
uint64_t riscv_pmp_tlb_size(CPURISCVState *env, hwaddr addr);
uint64_t riscv_pmpcfg_read(CPURISCVState *env, int reg);          /* reg 0 or 2 */
void riscv_pmpcfg_write(CPURISCVState *env, int reg, uint64_t val);
uint64_t riscv_pmpaddr_read(CPURISCVState *env, int idx);
void riscv_pmpaddr_write(CPURISCVState *env, int idx, uint64_t val);
/* Entry byte i of the pmpcfg registers. */
static inline uint8_t riscv_pmp_cfg(CPURISCVState *env, int i)
{
    return (env->pmpcfg[i / 8] >> ((i % 8) * 8)) & 0xff;
}

#endif
