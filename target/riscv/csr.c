/*
 * Control and status registers of the RISC-V hart: every M/S/U-level CSR of
 * the privileged spec 1.12 (chapter 2 table 2.2-2.5), the F CSRs, the
 * Zicntr counters and Sstc's stimecmp.
 *
 * One table maps a CSR number to a predicate (exists / accessible in this
 * state), a read and a write function.  riscv_csr_access applies the
 * generic rules of §2.1 first: csr[9:8] is the lowest privilege that may
 * access the CSR, csr[11:10] == 3 marks it read-only; any violation is an
 * illegal-instruction exception.
 *
 * Counters: mcycle and minstret (and cycle/instret) count nanoseconds of
 * QEMU_CLOCK_VIRTUAL -- a notional 1 GHz hart retiring one instruction per
 * cycle.  They are monotonic, stop while the VM is stopped and honour
 * mcountinhibit.  time comes from the machine's rdtime source (ACLINT mtime).
 */
#include "core/osdep.h"
#include "core/log.h"
#include "core/main-loop.h"
#include "target/riscv/internals.h"

typedef int CSRPredFn(CPURISCVState *env, int csrno);
typedef int CSRReadFn(CPURISCVState *env, int csrno, uint64_t *val);
typedef int CSRWriteFn(CPURISCVState *env, int csrno, uint64_t val);
/* For CSRs whose read-modify-write does not start from the read value. */
typedef int CSRRmwFn(CPURISCVState *env, int csrno, uint64_t *old, uint64_t val,
                     uint64_t mask);

typedef struct CSROps {
    const char *name;
    CSRPredFn *pred;
    CSRReadFn *read;
    CSRWriteFn *write;          /* NULL: writes are ignored (WARL, read-only value) */
    CSRRmwFn *rmw;
} CSROps;

#define ILLEGAL RISCV_EXCP_ILLEGAL_INST

/* ---- predicates ---- */

static int pred_any(CPURISCVState *env, int csrno)
{
    return 0;
}

static int pred_smode(CPURISCVState *env, int csrno)
{
    return riscv_has_ext(env, RVS) ? 0 : ILLEGAL;
}

static int pred_fs(CPURISCVState *env, int csrno)
{
    /* §3.1.6.6: with FS = Off, FP CSR accesses are illegal */
    if (!riscv_has_ext(env, RVF) ||
        extract64(env->mstatus, MSTATUS_FS_SHIFT, 2) == FS_OFF) {
        return ILLEGAL;
    }
    return 0;
}

/* §3.1.11/§4.1.5: counter visibility below M is gated by x-counteren */
static int pred_counter(CPURISCVState *env, int csrno)
{
    int bit = csrno & 0x1f;

    if (bit < 3 && !riscv_cfg(env)->ext_zicntr) {
        return ILLEGAL;
    }
    if (csrno == CSR_TIME && !env->rdtime_fn) {
        return ILLEGAL;
    }
    if (env->priv < PRV_M && !((env->mcounteren >> bit) & 1)) {
        return ILLEGAL;
    }
    if (env->priv < PRV_S && riscv_has_ext(env, RVS) &&
        !((env->scounteren >> bit) & 1)) {
        return ILLEGAL;
    }
    return 0;
}

static int pred_mcounter(CPURISCVState *env, int csrno)
{
    int bit = csrno & 0x1f;
    return (bit < 3 && !riscv_cfg(env)->ext_zicntr) ? ILLEGAL : 0;
}

static int pred_satp(CPURISCVState *env, int csrno)
{
    if (!riscv_has_ext(env, RVS)) {
        return ILLEGAL;
    }
    /* §3.1.6.5: TVM traps satp accesses in S-mode */
    if (env->priv == PRV_S && (env->mstatus & MSTATUS_TVM)) {
        return ILLEGAL;
    }
    return 0;
}

static int pred_sstc(CPURISCVState *env, int csrno)
{
    if (!riscv_cfg(env)->ext_sstc || !riscv_has_ext(env, RVS)) {
        return ILLEGAL;
    }
    /* Sstc: below M, stimecmp needs menvcfg.STCE and mcounteren.TM */
    if (env->priv < PRV_M &&
        (!(env->menvcfg & MENVCFG_STCE) || !(env->mcounteren & COUNTEREN_TM))) {
        return ILLEGAL;
    }
    return 0;
}

static int pred_pmp(CPURISCVState *env, int csrno)
{
    if (csrno >= CSR_PMPCFG0 && csrno <= CSR_PMPCFG15 && (csrno & 1)) {
        return ILLEGAL;      /* §3.7.1: odd pmpcfg registers do not exist on RV64 */
    }
    return 0;
}

/* ---- FP ---- */

static void mark_fs_dirty(CPURISCVState *env)
{
    env->mstatus = riscv_mstatus_update_sd(env->mstatus | MSTATUS_FS);
}

static int read_fflags(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->fflags & 0x1f;
    return 0;
}

static int write_fflags(CPURISCVState *env, int csrno, uint64_t val)
{
    env->fflags = val & 0x1f;
    mark_fs_dirty(env);
    return 0;
}

static int read_frm(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->frm & 7;
    return 0;
}

static int write_frm(CPURISCVState *env, int csrno, uint64_t val)
{
    env->frm = val & 7;
    mark_fs_dirty(env);
    return 0;
}

static int read_fcsr(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = ((env->frm & 7) << 5) | (env->fflags & 0x1f);
    return 0;
}

static int write_fcsr(CPURISCVState *env, int csrno, uint64_t val)
{
    env->frm = (val >> 5) & 7;
    env->fflags = val & 0x1f;
    mark_fs_dirty(env);
    return 0;
}

/* ---- counters ---- */

static uint64_t counter_clock(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

/* base holds the frozen value while inhibited, value - clock otherwise */
static uint64_t *counter_base(CPURISCVState *env, int bit)
{
    return bit == 0 ? &env->mcycle_base : &env->minstret_base;
}

static int read_counter(CPURISCVState *env, int csrno, uint64_t *val)
{
    int bit = csrno & 0x1f;

    if (bit == 1) {
        return riscv_cpu_get_time(env, val) ? 0 : ILLEGAL;
    }
    if (bit >= 3) {
        *val = 0;                 /* hpmcounter3..31: no events are counted */
        return 0;
    }
    if ((env->mcountinhibit >> bit) & 1) {
        *val = *counter_base(env, bit);
    } else {
        *val = counter_clock() + *counter_base(env, bit);
    }
    return 0;
}

static int write_mcounter(CPURISCVState *env, int csrno, uint64_t val)
{
    int bit = csrno & 0x1f;

    if (bit >= 3) {
        return 0;
    }
    if ((env->mcountinhibit >> bit) & 1) {
        *counter_base(env, bit) = val;
    } else {
        *counter_base(env, bit) = val - counter_clock();
    }
    return 0;
}

static int read_mcountinhibit(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->mcountinhibit;
    return 0;
}

static int write_mcountinhibit(CPURISCVState *env, int csrno, uint64_t val)
{
    uint64_t now = counter_clock();

    val &= ~(uint64_t)COUNTEREN_TM & 0xffffffffULL;   /* bit 1 is read-only zero */
    for (int bit = 0; bit <= 2; bit += 2) {
        bool was = (env->mcountinhibit >> bit) & 1, is = (val >> bit) & 1;
        if (!was && is) {
            *counter_base(env, bit) += now;           /* freeze the value */
        } else if (was && !is) {
            *counter_base(env, bit) -= now;           /* resume from it */
        }
    }
    env->mcountinhibit = val;
    return 0;
}

static int read_zero(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = 0;
    return 0;
}

/* ---- machine information ---- */

static int read_mhartid(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->mhartid;
    return 0;
}

static int read_misa(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->misa;
    return 0;
}

/* ---- status ---- */

uint64_t riscv_mstatus_update_sd(uint64_t s)
{
    bool dirty = extract64(s, MSTATUS_FS_SHIFT, 2) == FS_DIRTY ||
                 extract64(s, 15, 2) == FS_DIRTY;
    return dirty ? s | MSTATUS_SD : s & ~MSTATUS_SD;
}

static int read_mstatus(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->mstatus;
    return 0;
}

static void mstatus_set(CPURISCVState *env, uint64_t val, uint64_t mask)
{
    uint64_t old = env->mstatus;
    uint64_t s;

    if (!riscv_has_ext(env, RVF)) {
        mask &= ~MSTATUS_FS;
    }
    /* MPP is WARL: a mode the hart lacks (2 = H; S or U when disabled)
     * leaves it unchanged */
    if (mask & MSTATUS_MPP) {
        uint64_t mpp = extract64(val, MSTATUS_MPP_SHIFT, 2);
        if (mpp == 2 || (mpp == PRV_S && !riscv_has_ext(env, RVS)) ||
            (mpp == PRV_U && !riscv_has_ext(env, RVU))) {
            mask &= ~MSTATUS_MPP;
        }
    }
    if (!riscv_has_ext(env, RVS)) {
        /* §3.1.6: without S-mode its fields are read-only zero */
        mask &= ~(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM |
                  MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TSR);
    }
    if (!riscv_has_ext(env, RVU)) {
        mask &= ~(MSTATUS_MPRV | MSTATUS_TW);
    }
    s = (old & ~mask) | (val & mask);
    /* UXL/SXL: read-only 64-bit, or zero for a mode the hart lacks */
    s = deposit64(s, 32, 2, riscv_has_ext(env, RVU) ? MXL_RV64 : 0);
    s = deposit64(s, 34, 2, riscv_has_ext(env, RVS) ? MXL_RV64 : 0);
    env->mstatus = riscv_mstatus_update_sd(s);
    /* MXR changes which pages are readable at every mmu_idx */
    if ((old ^ env->mstatus) & MSTATUS_MXR) {
        tlb_flush(riscv_env_cs(env));
    }
}

static int write_mstatus(CPURISCVState *env, int csrno, uint64_t val)
{
    uint64_t mask = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE |
                    MSTATUS_SPP | MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV |
                    MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW |
                    MSTATUS_TSR;
    mstatus_set(env, val, mask);
    return 0;
}

static int read_sstatus(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->mstatus & SSTATUS_READ_MASK;
    return 0;
}

static int write_sstatus(CPURISCVState *env, int csrno, uint64_t val)
{
    uint64_t mask = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS |
                    MSTATUS_SUM | MSTATUS_MXR;
    mstatus_set(env, val, mask);
    return 0;
}

/* ---- delegation and interrupt enables/pending ---- */

static int read_medeleg(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->medeleg;
    return 0;
}

static int write_medeleg(CPURISCVState *env, int csrno, uint64_t val)
{
    /* §3.1.8: medeleg[11] (ecall from M) is read-only zero; 10, 14 reserved */
    uint64_t mask = 0x3ffULL | (1ULL << 12) | (1ULL << 13) | (1ULL << 15);
    env->medeleg = val & mask & ~(1ULL << RISCV_EXCP_M_ECALL);
    return 0;
}

static int read_mideleg(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->mideleg;
    return 0;
}

static int write_mideleg(CPURISCVState *env, int csrno, uint64_t val)
{
    /* §3.1.8: only S-level interrupts may be delegated */
    env->mideleg = val & MIP_ALL_S;
    return 0;
}

static int read_mie(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->mie;
    return 0;
}

static int write_mie(CPURISCVState *env, int csrno, uint64_t val)
{
    env->mie = val & MIP_ALL;
    riscv_cpu_interrupt_update(env);
    return 0;
}

static int read_sie(CPURISCVState *env, int csrno, uint64_t *val)
{
    /* §4.1.3: bits of interrupts not delegated read as zero */
    *val = env->mie & env->mideleg;
    return 0;
}

static int write_sie(CPURISCVState *env, int csrno, uint64_t val)
{
    uint64_t mask = env->mideleg & MIP_ALL_S;
    env->mie = (env->mie & ~mask) | (val & mask);
    riscv_cpu_interrupt_update(env);
    return 0;
}

static int read_mip(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = riscv_cpu_mip_effective(env);
    return 0;
}

/*
 * §3.1.9: M-mode may write SSIP, STIP (unless Sstc's STCE drives it) and the
 * software SEIP bit; csrrs/csrrc on mip operate on that software SEIP, not
 * on the OR with the external line that a plain read returns.
 */
static int rmw_mip(CPURISCVState *env, int csrno, uint64_t *old, uint64_t val,
                   uint64_t mask)
{
    uint64_t wmask = MIP_SSIP | MIP_SEIP;
    uint64_t cur = (env->mip & ~MIP_SEIP) | env->mip_sw_seip;
    uint64_t nv;

    if (!(env->menvcfg & MENVCFG_STCE)) {
        wmask |= MIP_STIP;
    }
    *old = riscv_cpu_mip_effective(env);
    nv = (cur & ~mask) | (val & mask);
    env->mip_sw_seip = nv & MIP_SEIP;
    riscv_cpu_update_mip_local(env, wmask & ~MIP_SEIP, nv);
    return 0;
}

static int read_sip(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = riscv_cpu_mip_effective(env) & env->mideleg;
    return 0;
}

static int rmw_sip(CPURISCVState *env, int csrno, uint64_t *old, uint64_t val,
                   uint64_t mask)
{
    /* §4.1.3: only SSIP is writable in sip, and only when delegated */
    uint64_t wmask = MIP_SSIP & env->mideleg;

    *old = riscv_cpu_mip_effective(env) & env->mideleg;
    if (mask & wmask) {
        uint64_t nv = (env->mip & ~mask) | (val & mask);
        riscv_cpu_update_mip_local(env, wmask & mask, nv);
    }
    return 0;
}

/* ---- trap setup and handling ---- */

static int read_tvec(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = csrno == CSR_MTVEC ? env->mtvec : env->stvec;
    return 0;
}

static int write_tvec(CPURISCVState *env, int csrno, uint64_t val)
{
    /* §3.1.7: MODE >= 2 is reserved; WARL: keep the previous value */
    if ((val & 3) >= 2) {
        qemu_log_mask(LOG_GUEST_ERROR, "riscv: reserved xtvec mode %d ignored\n",
                      (int)(val & 3));
        return 0;
    }
    if (csrno == CSR_MTVEC) {
        env->mtvec = val;
    } else {
        env->stvec = val;
    }
    return 0;
}

static uint64_t *csr_field(CPURISCVState *env, int csrno)
{
    switch (csrno) {
    case CSR_MSCRATCH: return &env->mscratch;
    case CSR_SSCRATCH: return &env->sscratch;
    case CSR_MCAUSE: return &env->mcause;
    case CSR_SCAUSE: return &env->scause;
    case CSR_MTVAL: return &env->mtval;
    case CSR_STVAL: return &env->stval;
    case CSR_MEPC: return &env->mepc;
    case CSR_SEPC: return &env->sepc;
    case CSR_MCOUNTEREN: return &env->mcounteren;
    case CSR_SCOUNTEREN: return &env->scounteren;
    default: return NULL;
    }
}

static int read_plain(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = *csr_field(env, csrno);
    return 0;
}

static int write_plain(CPURISCVState *env, int csrno, uint64_t val)
{
    *csr_field(env, csrno) = val;
    return 0;
}

static int write_counteren(CPURISCVState *env, int csrno, uint64_t val)
{
    *csr_field(env, csrno) = val & 0xffffffffULL;
    return 0;
}

static int read_epc(CPURISCVState *env, int csrno, uint64_t *val)
{
    /* §3.1.14: with IALIGN = 32 (no C), bit 1 reads as zero */
    uint64_t mask = riscv_has_ext(env, RVC) ? ~1ULL : ~3ULL;
    *val = *csr_field(env, csrno) & mask;
    return 0;
}

static int write_epc(CPURISCVState *env, int csrno, uint64_t val)
{
    *csr_field(env, csrno) = val & ~1ULL;
    return 0;
}

/* ---- environment configuration, Sstc ---- */

static int read_menvcfg(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->menvcfg;
    return 0;
}

static int write_menvcfg(CPURISCVState *env, int csrno, uint64_t val)
{
    uint64_t mask = ENVCFG_FIOM | (riscv_cfg(env)->ext_sstc ? MENVCFG_STCE : 0);
    uint64_t old = env->menvcfg;

    env->menvcfg = val & mask;
    if ((old ^ env->menvcfg) & MENVCFG_STCE) {
        if (!(env->menvcfg & MENVCFG_STCE)) {
            /* The comparator stops driving STIP; it becomes M-writable again */
            timer_del(env->stimer);
            riscv_cpu_update_mip_local(env, MIP_STIP, 0);
        } else {
            riscv_stimecmp_update(env, true);
        }
    }
    return 0;
}

static int read_senvcfg(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->senvcfg;
    return 0;
}

static int write_senvcfg(CPURISCVState *env, int csrno, uint64_t val)
{
    env->senvcfg = val & ENVCFG_FIOM;
    return 0;
}

bool riscv_cpu_get_time(CPURISCVState *env, uint64_t *ticks)
{
    if (!env->rdtime_fn) {
        return false;
    }
    *ticks = env->rdtime_fn(env->rdtime_opaque);
    return true;
}

void riscv_stimecmp_update(CPURISCVState *env, bool local)
{
    uint64_t now;

    if (!riscv_cfg(env)->ext_sstc || !(env->menvcfg & MENVCFG_STCE)) {
        return;
    }
    if (!riscv_cpu_get_time(env, &now)) {
        return;
    }
    if (now >= env->stimecmp) {
        /* Sstc: STIP = (time >= stimecmp) */
        if (env->stimer) {
            timer_del(env->stimer);
        }
        (local ? riscv_cpu_update_mip_local : riscv_cpu_update_mip)(env, MIP_STIP, MIP_STIP);
        return;
    }
    (local ? riscv_cpu_update_mip_local : riscv_cpu_update_mip)(env, MIP_STIP, 0);
    if (env->stimer && env->timebase_freq) {
        /* Round up so the timer never fires before time reaches stimecmp */
        unsigned __int128 ns = (unsigned __int128)(env->stimecmp - now) *
                               NANOSECONDS_PER_SECOND;
        ns = (ns + env->timebase_freq - 1) / env->timebase_freq;
        int64_t at = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        at = ns > (unsigned __int128)(INT64_MAX - at) ? INT64_MAX : at + (int64_t)ns;
        timer_mod(env->stimer, at);
    }
}

void riscv_stimer_cb(void *opaque)
{
    riscv_stimecmp_update(opaque, false);
}

static int read_stimecmp(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->stimecmp;
    return 0;
}

static int write_stimecmp(CPURISCVState *env, int csrno, uint64_t val)
{
    env->stimecmp = val;
    riscv_stimecmp_update(env, true);
    return 0;
}

/* ---- address translation and protection ---- */

static int read_satp(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->satp;
    return 0;
}

static int write_satp(CPURISCVState *env, int csrno, uint64_t val)
{
    int mode = val >> SATP_MODE_SHIFT;
    RISCVCPUConfig *cfg = riscv_cfg(env);

    /* §4.1.11: a write with an unsupported MODE has no effect at all */
    if (!cfg->mmu || (mode != SATP_MODE_BARE &&
                      !(mode >= SATP_MODE_SV39 && mode <= cfg->satp_mode_max))) {
        return 0;
    }
    val &= SATP_MODE | SATP_ASID | SATP_PPN;
    if (val != env->satp) {
        env->satp = val;
        /* ASIDs are not tagged in the TLB: a new root means a full flush */
        tlb_flush(riscv_env_cs(env));
    }
    return 0;
}

static int read_pmpcfg(CPURISCVState *env, int csrno, uint64_t *val)
{
    int reg = csrno - CSR_PMPCFG0;
    *val = reg < RISCV_PMP_ENTRIES / 4 ? riscv_pmpcfg_read(env, reg) : 0;
    return 0;
}

static int write_pmpcfg(CPURISCVState *env, int csrno, uint64_t val)
{
    int reg = csrno - CSR_PMPCFG0;
    if (reg < RISCV_PMP_ENTRIES / 4) {
        riscv_pmpcfg_write(env, reg, val);
    }
    return 0;
}

static int read_pmpaddr(CPURISCVState *env, int csrno, uint64_t *val)
{
    int idx = csrno - CSR_PMPADDR0;
    /* Entries beyond the 16 implemented are read-only zero (§3.7) */
    *val = idx < RISCV_PMP_ENTRIES ? riscv_pmpaddr_read(env, idx) : 0;
    return 0;
}

static int write_pmpaddr(CPURISCVState *env, int csrno, uint64_t val)
{
    int idx = csrno - CSR_PMPADDR0;
    if (idx < RISCV_PMP_ENTRIES) {
        riscv_pmpaddr_write(env, idx, val);
    }
    return 0;
}

/* ---- the table ---- */

static const CSROps csr_ops[CSR_TABLE_SIZE] = {
    [CSR_FFLAGS] = {"fflags", pred_fs, read_fflags, write_fflags},
    [CSR_FRM] = {"frm", pred_fs, read_frm, write_frm},
    [CSR_FCSR] = {"fcsr", pred_fs, read_fcsr, write_fcsr},

    [CSR_CYCLE] = {"cycle", pred_counter, read_counter},
    [CSR_TIME] = {"time", pred_counter, read_counter},
    [CSR_INSTRET] = {"instret", pred_counter, read_counter},
    [CSR_HPMCOUNTER3 ... CSR_HPMCOUNTER31] = {"hpmcounter", pred_counter, read_counter},

    [CSR_SSTATUS] = {"sstatus", pred_smode, read_sstatus, write_sstatus},
    [CSR_SIE] = {"sie", pred_smode, read_sie, write_sie},
    [CSR_STVEC] = {"stvec", pred_smode, read_tvec, write_tvec},
    [CSR_SCOUNTEREN] = {"scounteren", pred_smode, read_plain, write_counteren},
    [CSR_SENVCFG] = {"senvcfg", pred_smode, read_senvcfg, write_senvcfg},
    [CSR_SSCRATCH] = {"sscratch", pred_smode, read_plain, write_plain},
    [CSR_SEPC] = {"sepc", pred_smode, read_epc, write_epc},
    [CSR_SCAUSE] = {"scause", pred_smode, read_plain, write_plain},
    [CSR_STVAL] = {"stval", pred_smode, read_plain, write_plain},
    [CSR_SIP] = {"sip", pred_smode, read_sip, NULL, rmw_sip},
    [CSR_STIMECMP] = {"stimecmp", pred_sstc, read_stimecmp, write_stimecmp},
    [CSR_SATP] = {"satp", pred_satp, read_satp, write_satp},

    [CSR_MVENDORID] = {"mvendorid", pred_any, read_zero},
    [CSR_MARCHID] = {"marchid", pred_any, read_zero},
    [CSR_MIMPID] = {"mimpid", pred_any, read_zero},
    [CSR_MHARTID] = {"mhartid", pred_any, read_mhartid},
    [CSR_MCONFIGPTR] = {"mconfigptr", pred_any, read_zero},

    [CSR_MSTATUS] = {"mstatus", pred_any, read_mstatus, write_mstatus},
    [CSR_MISA] = {"misa", pred_any, read_misa, NULL},
    [CSR_MEDELEG] = {"medeleg", pred_smode, read_medeleg, write_medeleg},
    [CSR_MIDELEG] = {"mideleg", pred_smode, read_mideleg, write_mideleg},
    [CSR_MIE] = {"mie", pred_any, read_mie, write_mie},
    [CSR_MTVEC] = {"mtvec", pred_any, read_tvec, write_tvec},
    [CSR_MCOUNTEREN] = {"mcounteren", pred_any, read_plain, write_counteren},
    [CSR_MENVCFG] = {"menvcfg", pred_any, read_menvcfg, write_menvcfg},
    [CSR_MCOUNTINHIBIT] = {"mcountinhibit", pred_any, read_mcountinhibit,
                           write_mcountinhibit},
    [CSR_MHPMEVENT3 ... CSR_MHPMEVENT31] = {"mhpmevent", pred_any, read_zero, NULL},
    [CSR_MSCRATCH] = {"mscratch", pred_any, read_plain, write_plain},
    [CSR_MEPC] = {"mepc", pred_any, read_epc, write_epc},
    [CSR_MCAUSE] = {"mcause", pred_any, read_plain, write_plain},
    [CSR_MTVAL] = {"mtval", pred_any, read_plain, write_plain},
    [CSR_MIP] = {"mip", pred_any, read_mip, NULL, rmw_mip},

    [CSR_PMPCFG0 ... CSR_PMPCFG15] = {"pmpcfg", pred_pmp, read_pmpcfg, write_pmpcfg},
    [CSR_PMPADDR0 ... CSR_PMPADDR63] = {"pmpaddr", pred_pmp, read_pmpaddr, write_pmpaddr},

    [CSR_MCYCLE] = {"mcycle", pred_mcounter, read_counter, write_mcounter},
    [CSR_MINSTRET] = {"minstret", pred_mcounter, read_counter, write_mcounter},
    [CSR_MHPMCOUNTER3 ... CSR_MHPMCOUNTER31] = {"mhpmcounter", pred_any, read_zero, NULL},
};

int riscv_csr_access(CPURISCVState *env, int csrno, uint64_t *ret_value,
                     uint64_t new_value, uint64_t write_mask, bool write)
{
    const CSROps *ops;
    uint64_t old = 0;
    int ret;

    if (csrno < 0 || csrno >= CSR_TABLE_SIZE || !csr_ops[csrno].read) {
        qemu_log_mask(LOG_UNIMP, "riscv: unimplemented CSR 0x%03x\n", csrno & 0xfff);
        return ILLEGAL;
    }
    if (!riscv_cfg(env)->ext_zicsr) {
        return ILLEGAL;
    }
    ops = &csr_ops[csrno];
    /* §2.1: csr[11:10] == 3 is read-only; csr[9:8] is the lowest privilege */
    if (write && extract32(csrno, 10, 2) == 3) {
        return ILLEGAL;
    }
    if (extract32(csrno, 8, 2) > env->priv) {
        return ILLEGAL;
    }
    ret = ops->pred(env, csrno);
    if (ret) {
        return ret;
    }
    if (ops->rmw) {
        if (write) {
            ret = ops->rmw(env, csrno, &old, new_value, write_mask);
        } else {
            ret = ops->read(env, csrno, &old);
        }
    } else {
        ret = ops->read(env, csrno, &old);
        if (!ret && write && ops->write) {
            ret = ops->write(env, csrno, (old & ~write_mask) | (new_value & write_mask));
        }
    }
    if (!ret && ret_value) {
        *ret_value = old;
    }
    return ret;
}

int riscv_csrrw(CPURISCVState *env, int csrno, uint64_t *ret_value, uint64_t new_value,
                uint64_t write_mask)
{
    return riscv_csr_access(env, csrno, ret_value, new_value, write_mask,
                            write_mask != 0);
}

const char *riscv_csr_name(int csrno)
{
    if (csrno < 0 || csrno >= CSR_TABLE_SIZE) {
        return NULL;
    }
    return csr_ops[csrno].name;
}
