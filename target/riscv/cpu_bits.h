/*
 * RISC-V privileged architecture constants: CSR numbers and the bit fields
 * of the CSRs this hart implements.  Numbers and layouts are from the
 * RISC-V Privileged Architecture 1.12 (chapter 2, table 2.2-2.5 for CSR
 * numbers; chapter 3 for the machine-level registers; chapter 4 for the
 * supervisor-level ones) and the Sstc extension.
 */
#ifndef TARGET_RISCV_CPU_BITS_H
#define TARGET_RISCV_CPU_BITS_H

/* Unprivileged floating-point CSRs */
#define CSR_FFLAGS 0x001
#define CSR_FRM 0x002
#define CSR_FCSR 0x003

/* Unprivileged counters (Zicntr) and hpmcounters */
#define CSR_CYCLE 0xc00
#define CSR_TIME 0xc01
#define CSR_INSTRET 0xc02
#define CSR_HPMCOUNTER3 0xc03
#define CSR_HPMCOUNTER31 0xc1f

/* Supervisor */
#define CSR_SSTATUS 0x100
#define CSR_SIE 0x104
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG 0x10a
#define CSR_SSCRATCH 0x140
#define CSR_SEPC 0x141
#define CSR_SCAUSE 0x142
#define CSR_STVAL 0x143
#define CSR_SIP 0x144
#define CSR_STIMECMP 0x14d
#define CSR_SATP 0x180

/* Machine information */
#define CSR_MVENDORID 0xf11
#define CSR_MARCHID 0xf12
#define CSR_MIMPID 0xf13
#define CSR_MHARTID 0xf14
#define CSR_MCONFIGPTR 0xf15

/* Machine trap setup and handling */
#define CSR_MSTATUS 0x300
#define CSR_MISA 0x301
#define CSR_MEDELEG 0x302
#define CSR_MIDELEG 0x303
#define CSR_MIE 0x304
#define CSR_MTVEC 0x305
#define CSR_MCOUNTEREN 0x306
#define CSR_MENVCFG 0x30a
#define CSR_MCOUNTINHIBIT 0x320
#define CSR_MHPMEVENT3 0x323
#define CSR_MHPMEVENT31 0x33f
#define CSR_MSCRATCH 0x340
#define CSR_MEPC 0x341
#define CSR_MCAUSE 0x342
#define CSR_MTVAL 0x343
#define CSR_MIP 0x344

/* Machine memory protection */
#define CSR_PMPCFG0 0x3a0
#define CSR_PMPCFG15 0x3af
#define CSR_PMPADDR0 0x3b0
#define CSR_PMPADDR63 0x3ef

/* Machine counters */
#define CSR_MCYCLE 0xb00
#define CSR_MINSTRET 0xb02
#define CSR_MHPMCOUNTER3 0xb03
#define CSR_MHPMCOUNTER31 0xb1f

#define CSR_TABLE_SIZE 0x1000

/* mstatus (RV64 layout, privileged spec 1.12 §3.1.6) */
#define MSTATUS_SIE (1ULL << 1)
#define MSTATUS_MIE (1ULL << 3)
#define MSTATUS_SPIE (1ULL << 5)
#define MSTATUS_UBE (1ULL << 6)
#define MSTATUS_MPIE (1ULL << 7)
#define MSTATUS_SPP (1ULL << 8)
#define MSTATUS_VS (3ULL << 9)
#define MSTATUS_MPP (3ULL << 11)
#define MSTATUS_FS (3ULL << 13)
#define MSTATUS_XS (3ULL << 15)
#define MSTATUS_MPRV (1ULL << 17)
#define MSTATUS_SUM (1ULL << 18)
#define MSTATUS_MXR (1ULL << 19)
#define MSTATUS_TVM (1ULL << 20)
#define MSTATUS_TW (1ULL << 21)
#define MSTATUS_TSR (1ULL << 22)
#define MSTATUS_UXL (3ULL << 32)
#define MSTATUS_SXL (3ULL << 34)
#define MSTATUS_SBE (1ULL << 36)
#define MSTATUS_MBE (1ULL << 37)
#define MSTATUS_SD (1ULL << 63)

#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_SPP_SHIFT 8

/* FS/XS encodings (§3.1.6.6) */
#define FS_OFF 0
#define FS_INITIAL 1
#define FS_CLEAN 2
#define FS_DIRTY 3

/* XLEN encoding in misa.MXL and mstatus.UXL/SXL: 2 = 64 bits */
#define MXL_RV64 2ULL

/* sstatus is a restricted view of mstatus (§4.1.1) */
#define SSTATUS_READ_MASK                                                    \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS |   \
     MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL |     \
     MSTATUS_SD)

/* mcounteren/scounteren/mcountinhibit bits (§3.1.11, §3.1.12) */
#define COUNTEREN_CY (1U << 0)
#define COUNTEREN_TM (1U << 1)
#define COUNTEREN_IR (1U << 2)

/* menvcfg / senvcfg (§3.1.18, §4.1.9; STCE from Sstc) */
#define ENVCFG_FIOM (1ULL << 0)
#define MENVCFG_STCE (1ULL << 63)

/* satp (§4.1.11) */
#define SATP_MODE_SHIFT 60
#define SATP_MODE (0xfULL << 60)
#define SATP_ASID (0xffffULL << 44)
#define SATP_PPN ((1ULL << 44) - 1)
#define SATP_MODE_BARE 0
#define SATP_MODE_SV39 8
#define SATP_MODE_SV48 9

/* Page table entries (§4.3.1, §4.4.1) */
#define PTE_V (1ULL << 0)
#define PTE_R (1ULL << 1)
#define PTE_W (1ULL << 2)
#define PTE_X (1ULL << 3)
#define PTE_U (1ULL << 4)
#define PTE_G (1ULL << 5)
#define PTE_A (1ULL << 6)
#define PTE_D (1ULL << 7)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK (((1ULL << 44) - 1) << PTE_PPN_SHIFT)
/* Bits 63:54: reserved (Svnapot N, Svpbmt PBMT) -- neither is implemented */
#define PTE_RESERVED (0x3ffULL << 54)

/* pmpcfg entry byte (§3.7.1) */
#define PMP_R (1U << 0)
#define PMP_W (1U << 1)
#define PMP_X (1U << 2)
#define PMP_A_SHIFT 3
#define PMP_A (3U << 3)
#define PMP_L (1U << 7)
#define PMP_A_OFF 0
#define PMP_A_TOR 1
#define PMP_A_NA4 2
#define PMP_A_NAPOT 3
/* pmpaddr holds bits 55:2 of a 56-bit physical address */
#define PMPADDR_MASK ((1ULL << 54) - 1)

/* Interrupt flag in exception_index / mcause */
#define RISCV_EXCP_INT_FLAG 0x4000
#define MCAUSE_INTERRUPT (1ULL << 63)

/* The interrupts this hart implements (§3.1.9) */
#define MIP_ALL_S (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIP_ALL (MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP | MIP_MEIP)

#endif
