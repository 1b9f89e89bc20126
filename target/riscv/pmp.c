/*
 * Physical memory protection (privileged spec 1.12 §3.7): 16 entries, each
 * a pmpcfg byte and a pmpaddr register, with OFF/TOR/NA4/NAPOT matching,
 * lowest-numbered-entry priority and locking.
 *
 * Policy when no entry matches (§3.7.1): M-mode accesses succeed.  For S/U
 * accesses the spec says they fail as soon as any entry is implemented;
 * like QEMU, we only deny them when at least one entry is active (A != OFF),
 * so that bare-metal code that never programs PMP can still drop to S/U.
 */
#include "core/osdep.h"
#include "core/log.h"
#include "target/riscv/internals.h"

/* The byte range [*start, *end] (inclusive) entry i covers; false if OFF/empty. */
static bool pmp_entry_range(CPURISCVState *env, int i, hwaddr *start, hwaddr *end)
{
    uint8_t cfg = riscv_pmp_cfg(env, i);
    uint64_t addr = env->pmpaddr[i];

    switch ((cfg & PMP_A) >> PMP_A_SHIFT) {
    case PMP_A_TOR: {
        /* §3.7.1.2: pmpaddr[i-1] <= a < pmpaddr[i]; entry 0 uses 0 as bottom */
        uint64_t lo = i ? env->pmpaddr[i - 1] << 2 : 0;
        uint64_t hi = addr << 2;
        if (lo >= hi) {
            return false;
        }
        *start = lo;
        *end = hi - 1;
        return true;
    }
    case PMP_A_NA4:
        *start = addr << 2;
        *end = *start + 3;
        return true;
    case PMP_A_NAPOT: {
        /* Table 3.11: trailing ones in pmpaddr give the size 2^(ones+3) */
        int ones = ctz64(~addr);
        if (ones >= 54) {
            *start = 0;
            *end = UINT64_MAX;
            return true;
        }
        uint64_t size = 1ULL << (ones + 3);
        *start = (addr << 2) & ~(size - 1);
        *end = *start + size - 1;
        return true;
    }
    default:
        return false;
    }
}

static bool pmp_any_active(CPURISCVState *env)
{
    for (int i = 0; i < RISCV_PMP_ENTRIES; i++) {
        if (riscv_pmp_cfg(env, i) & PMP_A) {
            return true;
        }
    }
    return false;
}

static int pmp_prot(uint8_t cfg)
{
    return ((cfg & PMP_R) ? PAGE_READ : 0) | ((cfg & PMP_W) ? PAGE_WRITE : 0) |
           ((cfg & PMP_X) ? PAGE_EXEC : 0);
}

static int access_prot(MMUAccessType access_type)
{
    switch (access_type) {
    case MMU_DATA_STORE:
        return PAGE_WRITE;
    case MMU_INST_FETCH:
        return PAGE_EXEC;
    default:
        return PAGE_READ;
    }
}

bool riscv_pmp_check(CPURISCVState *env, hwaddr addr, int size,
                     MMUAccessType access_type, int priv, int *allowed)
{
    hwaddr last = addr + (size ? size : 1) - 1;
    int full = PAGE_READ | PAGE_WRITE | PAGE_EXEC;

    if (!riscv_cfg(env)->pmp) {
        *allowed = full;
        return true;
    }
    for (int i = 0; i < RISCV_PMP_ENTRIES; i++) {
        hwaddr s, e;
        if (!pmp_entry_range(env, i, &s, &e)) {
            continue;
        }
        bool first_in = addr >= s && addr <= e;
        bool last_in = last >= s && last <= e;
        if (!first_in && !last_in && !(addr < s && last > e)) {
            continue;
        }
        if (!first_in || !last_in) {
            /* §3.7.1.3: a partial match fails regardless of L/R/W/X */
            *allowed = 0;
            return false;
        }
        uint8_t cfg = riscv_pmp_cfg(env, i);
        if (priv == PRV_M && !(cfg & PMP_L)) {
            /* Unlocked entries do not constrain M-mode */
            *allowed = full;
        } else {
            *allowed = pmp_prot(cfg);
        }
        return (*allowed & access_prot(access_type)) != 0;
    }
    if (priv == PRV_M || !pmp_any_active(env)) {
        *allowed = full;
        return true;
    }
    *allowed = 0;
    return false;
}

uint64_t riscv_pmp_tlb_size(CPURISCVState *env, hwaddr addr)
{
    hwaddr page = addr & TARGET_PAGE_MASK;
    hwaddr page_end = page + TARGET_PAGE_SIZE - 1;

    if (!riscv_cfg(env)->pmp) {
        return TARGET_PAGE_SIZE;
    }
    /*
     * The page may be cached only if the first entry that touches it covers
     * all of it: then every byte of the page gets the same decision.
     */
    for (int i = 0; i < RISCV_PMP_ENTRIES; i++) {
        hwaddr s, e;
        if (!pmp_entry_range(env, i, &s, &e)) {
            continue;
        }
        if (e < page || s > page_end) {
            continue;
        }
        return (s <= page && e >= page_end) ? TARGET_PAGE_SIZE : 1;
    }
    return TARGET_PAGE_SIZE;
}

static bool pmp_entry_locked(CPURISCVState *env, int i)
{
    return (riscv_pmp_cfg(env, i) & PMP_L) != 0;
}

uint64_t riscv_pmpcfg_read(CPURISCVState *env, int reg)
{
    return env->pmpcfg[reg / 2];
}

void riscv_pmpcfg_write(CPURISCVState *env, int reg, uint64_t val)
{
    uint64_t old = env->pmpcfg[reg / 2];
    uint64_t cfgs = old;

    for (int b = 0; b < 8; b++) {
        int i = (reg / 2) * 8 + b;
        uint8_t nv = (val >> (b * 8)) & 0xff;
        if (pmp_entry_locked(env, i)) {
            /* §3.7.1.3: writes to a locked entry's pmpcfg are ignored */
            continue;
        }
        nv &= PMP_R | PMP_W | PMP_X | PMP_A | PMP_L;    /* bits 6:5 are zero */
        if ((nv & (PMP_R | PMP_W)) == PMP_W) {
            /* R=0,W=1 is reserved: keep the entry's previous (legal) value */
            nv = (old >> (b * 8)) & 0xff;
        }
        cfgs = deposit64(cfgs, b * 8, 8, nv);
    }
    env->pmpcfg[reg / 2] = cfgs;
    if (cfgs != old) {
        tlb_flush(riscv_env_cs(env));
    }
}

uint64_t riscv_pmpaddr_read(CPURISCVState *env, int idx)
{
    return env->pmpaddr[idx];
}

void riscv_pmpaddr_write(CPURISCVState *env, int idx, uint64_t val)
{
    if (pmp_entry_locked(env, idx)) {
        return;
    }
    /* A locked TOR entry above also locks its bottom address (§3.7.1.3) */
    if (idx + 1 < RISCV_PMP_ENTRIES && pmp_entry_locked(env, idx + 1) &&
        ((riscv_pmp_cfg(env, idx + 1) & PMP_A) >> PMP_A_SHIFT) == PMP_A_TOR) {
        return;
    }
    val &= PMPADDR_MASK;
    if (env->pmpaddr[idx] != val) {
        env->pmpaddr[idx] = val;
        tlb_flush(riscv_env_cs(env));
    }
}
