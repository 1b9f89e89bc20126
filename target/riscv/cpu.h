/*
 * RV64GC hart: architectural state and the interface the machine uses.
 * Shared by the translator (translate*.c), the privileged side (csr.c,
 * cpu_helper.c, pmp.c) and the FP helpers (fpu_helper.c).
 */
#ifndef TARGET_RISCV_CPU_H
#define TARGET_RISCV_CPU_H

#include "accel/tcg/cpu.h"

#define TYPE_RISCV_CPU "riscv-cpu"
#define RISCV_CPU_TYPE_SUFFIX "-" TYPE_RISCV_CPU
#define RISCV_CPU_TYPE_NAME(name) (name RISCV_CPU_TYPE_SUFFIX)
#define TYPE_RISCV_CPU_RV64 RISCV_CPU_TYPE_NAME("rv64")

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* Interrupt numbers (mip/mie bits) */
#define IRQ_S_SOFT 1
#define IRQ_M_SOFT 3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT 9
#define IRQ_M_EXT 11
#define MIP_SSIP (1ULL << IRQ_S_SOFT)
#define MIP_MSIP (1ULL << IRQ_M_SOFT)
#define MIP_STIP (1ULL << IRQ_S_TIMER)
#define MIP_MTIP (1ULL << IRQ_M_TIMER)
#define MIP_SEIP (1ULL << IRQ_S_EXT)
#define MIP_MEIP (1ULL << IRQ_M_EXT)

/* Synchronous exception causes */
#define RISCV_EXCP_INST_ADDR_MIS 0
#define RISCV_EXCP_INST_ACCESS_FAULT 1
#define RISCV_EXCP_ILLEGAL_INST 2
#define RISCV_EXCP_BREAKPOINT 3
#define RISCV_EXCP_LOAD_ADDR_MIS 4
#define RISCV_EXCP_LOAD_ACCESS_FAULT 5
#define RISCV_EXCP_STORE_AMO_ADDR_MIS 6
#define RISCV_EXCP_STORE_AMO_ACCESS_FAULT 7
#define RISCV_EXCP_U_ECALL 8
#define RISCV_EXCP_S_ECALL 9
#define RISCV_EXCP_M_ECALL 11
#define RISCV_EXCP_INST_PAGE_FAULT 12
#define RISCV_EXCP_LOAD_PAGE_FAULT 13
#define RISCV_EXCP_STORE_PAGE_FAULT 15

/* Extension enable bits (cfg), also used for misa */
#define RVA (1ULL << ('A' - 'A'))
#define RVC (1ULL << ('C' - 'A'))
#define RVD (1ULL << ('D' - 'A'))
#define RVF (1ULL << ('F' - 'A'))
#define RVI (1ULL << ('I' - 'A'))
#define RVM (1ULL << ('M' - 'A'))
#define RVS (1ULL << ('S' - 'A'))
#define RVU (1ULL << ('U' - 'A'))

#define RISCV_PMP_ENTRIES 16

typedef struct RISCVCPUConfig {
    bool ext_i, ext_m, ext_a, ext_f, ext_d, ext_c, ext_s, ext_u;
    bool ext_zicsr, ext_zifencei, ext_zicntr;
    bool ext_zba, ext_zbb, ext_zbs, ext_sstc;
    bool mmu, pmp;
    uint8_t satp_mode_max;       /* 8 = Sv39, 9 = Sv48 */
} RISCVCPUConfig;

typedef struct CPURISCVState {
    /* Accessed by generated code as IR globals: keep them first. */
    uint64_t gpr[32];            /* gpr[0] is always 0 */
    uint64_t fpr[32];            /* singles are NaN-boxed */
    uint64_t pc;
    uint64_t load_res;           /* LR reservation address, -1 if none */
    uint64_t load_val;
    uint32_t frm;                /* rounding mode (fcsr[7:5]) */
    uint32_t fflags;             /* accrued exceptions (fcsr[4:0]) */

    uint64_t priv;               /* PRV_U/S/M */
    uint64_t misa;
    uint64_t mstatus;
    uint64_t mip;                /* device-driven bits updated under the BQL */
    uint64_t mie;
    uint64_t mideleg, medeleg;
    uint64_t mtvec, stvec;
    uint64_t mepc, sepc;
    uint64_t mcause, scause;
    uint64_t mtval, stval;
    uint64_t mscratch, sscratch;
    uint64_t satp;
    uint64_t mcounteren, scounteren;
    uint64_t mcountinhibit;
    uint64_t menvcfg, senvcfg;
    uint64_t stimecmp;           /* Sstc */
    uint64_t mhartid;
    uint64_t mcycle_base, minstret_base;   /* counters are derived */
    uint64_t pmpcfg[RISCV_PMP_ENTRIES / 8];   /* RV64: pmpcfg0, pmpcfg2 */
    uint64_t pmpaddr[RISCV_PMP_ENTRIES];
    uint64_t resetvec;

    /* Time source for the time CSR and Sstc (the ACLINT's mtime). */
    uint64_t (*rdtime_fn)(void *opaque);
    void *rdtime_opaque;

    /*
     * Privileged-side state (csr.c, cpu_helper.c), not touched by generated
     * code.  timebase_freq is the tick rate of rdtime_fn (property
     * "timebase-frequency", 10 MHz by default as on the virt machine's
     * ACLINT); the Sstc timer converts stimecmp deltas to ns with it.
     */
    uint64_t timebase_freq;
    uint64_t mip_sw_seip;        /* SEIP as written by M-mode, ORed with the line */
    QEMUTimer *stimer;           /* Sstc: fires when time reaches stimecmp */
} CPURISCVState;

typedef struct RISCVCPU {
    CPUState parent_obj;
    CPURISCVState env;
    RISCVCPUConfig cfg;
} RISCVCPU;

#define RISCV_CPU(obj) OBJECT_CHECK(RISCVCPU, (obj), TYPE_RISCV_CPU)
#define RISCV_CPU_ENV_OFFSET offsetof(RISCVCPU, env)

static inline RISCVCPU *env_archcpu(CPURISCVState *env)
{
    return container_of(env, RISCVCPU, env);
}

static inline CPUState *env_cpu_riscv(CPURISCVState *env)
{
    return &env_archcpu(env)->parent_obj;
}

/*
 * TB flags (get_tb_cpu_state): what the translator specialises on.
 * Changing any of these state bits requires the next block lookup to see it.
 */
#define TB_FLAGS_PRIV_SHIFT 0        /* 2 bits: current privilege */
#define TB_FLAGS_MEM_IDX_SHIFT 2     /* 3 bits: mmu_idx for loads/stores */
#define TB_FLAGS_FS_SHIFT 5          /* 2 bits: mstatus.FS (0 = off -> FP illegal) */
#define TB_FLAGS_TVM 7               /* sfence.vma/satp trap in S */
#define TB_FLAGS_TW 8
#define TB_FLAGS_TSR 9
#define TB_FLAGS_FRM_RNE 10          /* frm = RNE: dynamic rounding is RNE */

/*
 * Interface for machines.  The CPU is a device with GPIO inputs numbered by
 * interrupt (IRQ_M_TIMER, IRQ_M_SOFT, IRQ_M_EXT, IRQ_S_EXT): a level sets or
 * clears that mip bit and kicks the hart.
 */
void riscv_cpu_set_rdtime_fn(CPURISCVState *env, uint64_t (*fn)(void *), void *opaque);
/* Tick rate of the rdtime source in Hz (also the "timebase-frequency" property). */
void riscv_cpu_set_timebase_freq(CPURISCVState *env, uint64_t hz);
/* Set mip bits (mask) to value under the BQL; returns the old mip. */
uint64_t riscv_cpu_update_mip(CPURISCVState *env, uint64_t mask, uint64_t value);
/* "rv64imafdc_zicsr_zifencei..." for the device tree (exactly what is enabled). */
char *riscv_isa_string(RISCVCPU *cpu);
/* Parse "-cpu rv64,zba=on,..." properties onto the CPU (before realize). */
bool riscv_cpu_parse_props(RISCVCPU *cpu, const char *props, Error **errp);

/* Privileged-side functions the translator's helpers call. */
void riscv_raise_exception(CPURISCVState *env, int cause, uint64_t tval,
                           uintptr_t retaddr) NORETURN;
/* CSR access: returns 0 or a RISCV_EXCP_* cause. */
int riscv_csrrw(CPURISCVState *env, int csrno, uint64_t *ret_value, uint64_t new_value,
                uint64_t write_mask);
/*
 * mmu_idx values: the effective privilege of an access, with S-mode split by
 * mstatus.SUM so that toggling SUM needs no TLB flush.
 */
#define RISCV_MMU_IDX_U 0
#define RISCV_MMU_IDX_S 1
#define RISCV_MMU_IDX_S_SUM 2
#define RISCV_MMU_IDX_M 3
/* Current mmu_idx for data accesses (MPRV applied). */
int riscv_env_mmu_index(CPURISCVState *env, bool ifetch);

#endif
