/*
 * The privileged side of the RISC-V hart through the real execution loop:
 * hand-encoded RV64 programs in a RAM region run by cpu_exec (interp back
 * end).  Checks precise traps from helpers (CSR, LR/SC alignment), page and
 * PMP faults raised from tlb_fill, A/D updates on the way, LR/SC success
 * and failure, interrupt delivery at block entry, wfi halting and waking,
 * and a U-mode ecall round trip through an M-mode handler and mret.
 *
 * Programs end with wfi in M-mode with mie = 0: the hart halts and
 * cpu_exec returns EXCP_HLT.
 */
#include "core/osdep.h"
#include "core/error.h"
#include "target/riscv/internals.h"
#include "tests/unit/unit.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (4 * MiB)
#define CODE RAM_BASE
#define HANDLER (RAM_BASE + 0x1000)
#define DATA (RAM_BASE + 0x2000)
#define PT_ROOT (RAM_BASE + 0x10000)
#define PT_L1 (RAM_BASE + 0x11000)
#define PT_L0 (RAM_BASE + 0x12000)

/* ---- a few RV64 encodings (unprivileged spec ch. 2, 5, 8; priv. spec 3.3) ---- */
static uint32_t itype(int op, int f3, int rd, int rs1, int imm)
{
    return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
static uint32_t addi(int rd, int rs1, int imm) { return itype(0x13, 0, rd, rs1, imm); }
static uint32_t ld(int rd, int rs1, int imm) { return itype(0x03, 3, rd, rs1, imm); }
static uint32_t csrrs(int rd, int csr, int rs1) { return itype(0x73, 2, rd, rs1, csr); }
static uint32_t csrrw(int rd, int csr, int rs1) { return itype(0x73, 1, rd, rs1, csr); }
static uint32_t sd(int rs2, int rs1, int imm)
{
    return (uint32_t)((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | 3 << 12 |
           (imm & 0x1f) << 7 | 0x23;
}
static uint32_t bne(int rs1, int rs2, int off)
{
    return (uint32_t)((off >> 12) & 1) << 31 | ((off >> 5) & 0x3f) << 25 | rs2 << 20 |
           rs1 << 15 | 1 << 12 | ((off >> 1) & 0xf) << 8 | ((off >> 11) & 1) << 7 | 0x63;
}
static uint32_t lr_d(int rd, int rs1) { return 0x1000302fu | rs1 << 15 | rd << 7; }
static uint32_t sc_d(int rd, int rs2, int rs1)
{
    return 0x1800302fu | rs2 << 20 | rs1 << 15 | rd << 7;
}
#define ECALL 0x00000073u
#define MRET 0x30200073u
#define WFI 0x10500073u

typedef struct Board {
    MemoryRegion sysmem, ram;
    AddressSpace as;
    RISCVCPU *cpu;
    CPURISCVState *env;
    CPUState *cs;
} Board;

static Board board;

static void put(hwaddr at, const uint32_t *code, size_t n)
{
    CHECK_EQ(address_space_write(&board.as, at, MEMTXATTRS_UNSPECIFIED, code, n * 4), MEMTX_OK);
}

static void put_q(hwaddr at, uint64_t v)
{
    address_space_stq_le(&board.as, at, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static uint64_t get_q(hwaddr at)
{
    return address_space_ldq_le(&board.as, at, MEMTXATTRS_UNSPECIFIED, NULL);
}

/*
 * M-mode handler: skip an ecall (mepc += 4, mret), anything else stops.
 *   t0 = mcause; if t0 == 8: mepc += 4; mret.  else: mie = 0; wfi
 */
static void put_handler(void)
{
    const uint32_t h[] = {
        csrrs(5, CSR_MCAUSE, 0),            /* csrr t0, mcause */
        addi(6, 0, 8),                      /* li t1, 8 */
        bne(5, 6, 20),                      /* -> stop */
        csrrs(5, CSR_MEPC, 0),
        addi(5, 5, 4),
        csrrw(0, CSR_MEPC, 5),
        MRET,
        csrrw(0, CSR_MIE, 0),               /* stop: mie = 0 so that... */
        WFI,                                /* ...wfi halts for good */
    };
    put(HANDLER, h, ARRAY_SIZE(h));
}

static Board *setup(void)
{
    Error *err = NULL;

    if (!board.cpu) {
        memory_region_init(&board.sysmem, NULL, "exec-sys", UINT64_MAX);
        CHECK(memory_region_init_ram(&board.ram, NULL, "exec-ram", RAM_SIZE, &err));
        memory_region_add_subregion(&board.sysmem, RAM_BASE, &board.ram);
        address_space_init(&board.as, &board.sysmem, "exec");
        tcg_exec_init(4, "interp", &err);
        CHECK(err == NULL);
        board.cpu = RISCV_CPU(object_new(TYPE_RISCV_CPU_RV64));
        board.cs = CPU(board.cpu);
        board.cs->as = &board.as;
        CHECK(object_property_set_uint(OBJECT(board.cpu), "resetvec", CODE, NULL));
        CHECK(qdev_realize(DEVICE(board.cpu), NULL, &err));
        board.env = &board.cpu->env;
    }
    device_cold_reset(DEVICE(board.cpu));
    tb_flush(board.cs);
    qemu_set_irq(qdev_get_gpio_in(DEVICE(board.cpu), IRQ_M_SOFT), 0);
    qemu_set_irq(qdev_get_gpio_in(DEVICE(board.cpu), IRQ_M_TIMER), 0);
    board.env->mtvec = HANDLER;
    put_handler();
    return &board;
}

static int run(void)
{
    for (int i = 0; i < 100; i++) {
        int r = cpu_exec(board.cs);
        if (r != EXCP_INTERRUPT) {
            return r;
        }
    }
    return -1;
}

UNIT_TEST(riscv_exec_illegal_csr_is_precise)
{
    Board *b = setup();
    const uint32_t p[] = {
        addi(1, 0, 5),
        csrrs(2, 0x7c0, 0),                 /* no such CSR */
        addi(1, 0, 6),
    };

    put(CODE, p, ARRAY_SIZE(p));
    CHECK_EQ(run(), EXCP_HLT);
    CHECK_EQ(b->env->mcause, RISCV_EXCP_ILLEGAL_INST);
    CHECK_EQ(b->env->mepc, CODE + 4);
    CHECK_EQ(b->env->mtval, csrrs(2, 0x7c0, 0));      /* the instruction bits */
    CHECK_EQ(b->env->gpr[1], 5);
    CHECK_EQ(b->env->pc, HANDLER + 8 * 4 + 4);   /* after the stop wfi */
}

UNIT_TEST(riscv_exec_lr_sc)
{
    Board *b = setup();
    const uint32_t p[] = {
        lr_d(1, 10),                        /* x1 = [a0] */
        addi(4, 1, 1),
        sc_d(3, 4, 10),                     /* x3 = 0: stored x1 + 1 */
        sc_d(5, 4, 10),                     /* x5 = 1: no reservation */
        lr_d(1, 10),
        sd(0, 11, 0),                       /* a store elsewhere keeps it */
        sc_d(6, 0, 10),                     /* x6 = 0, [a0] = 0 */
        WFI,
    };

    put(CODE, p, ARRAY_SIZE(p));
    put_q(DATA, 41);
    b->env->gpr[10] = DATA;
    b->env->gpr[11] = DATA + 64;
    CHECK_EQ(run(), EXCP_HLT);
    CHECK_EQ(b->env->gpr[3], 0);
    CHECK_EQ(b->env->gpr[5], 1);
    CHECK_EQ(b->env->gpr[6], 0);
    CHECK_EQ(b->env->gpr[1], 42);
    CHECK_EQ(get_q(DATA), 0);

    /* Misaligned LR: load-address-misaligned with the address in mtval */
    setup();
    put(CODE, (const uint32_t[]){lr_d(1, 10)}, 1);
    b->env->gpr[10] = DATA + 4;
    CHECK_EQ(run(), EXCP_HLT);
    CHECK_EQ(b->env->mcause, RISCV_EXCP_LOAD_ADDR_MIS);
    CHECK_EQ(b->env->mtval, DATA + 4);
    CHECK_EQ(b->env->mepc, CODE);

    setup();
    put(CODE, (const uint32_t[]){sc_d(1, 0, 10)}, 1);
    b->env->gpr[10] = DATA + 2;
    CHECK_EQ(run(), EXCP_HLT);
    CHECK_EQ(b->env->mcause, RISCV_EXCP_STORE_AMO_ADDR_MIS);
}

/* Sv39 tables: VA 0x40000000 -> DATA page (R/W, A=D=0); 1G identity of DRAM */
static void map_sv39(Board *b)
{
    put_q(PT_ROOT + 2 * 8, ((RAM_BASE >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X |
                           PTE_A | PTE_D);
    put_q(PT_ROOT + 1 * 8, ((PT_L1 >> 12) << 10) | PTE_V);
    put_q(PT_L1, ((PT_L0 >> 12) << 10) | PTE_V);
    put_q(PT_L0, ((DATA >> 12) << 10) | PTE_V | PTE_R | PTE_W);
    put_q(PT_L0 + 8, 0);
    b->env->satp = ((uint64_t)SATP_MODE_SV39 << 60) | (PT_ROOT >> 12);
}

UNIT_TEST(riscv_exec_paging_faults_and_dirty)
{
    Board *b = setup();
    const uint32_t p[] = {
        ld(1, 10, 0),                       /* VA 0x40000000: sets A */
        sd(1, 10, 8),                       /* sets D */
        ld(2, 11, 0),                       /* VA 0x40001000: invalid */
        WFI,
    };

    put(CODE, p, ARRAY_SIZE(p));
    map_sv39(b);
    put_q(DATA, 0x1234);
    b->env->gpr[10] = 0x40000000;
    b->env->gpr[11] = 0x40001000;
    b->env->priv = PRV_S;
    CHECK_EQ(run(), EXCP_HLT);
    CHECK_EQ(b->env->gpr[1], 0x1234);
    CHECK_EQ(get_q(DATA + 8), 0x1234);
    CHECK(get_q(PT_L0) & PTE_A);
    CHECK(get_q(PT_L0) & PTE_D);
    CHECK_EQ(b->env->mcause, RISCV_EXCP_LOAD_PAGE_FAULT);
    CHECK_EQ(b->env->mtval, 0x40001000);
    CHECK_EQ(b->env->mepc, CODE + 8);
    CHECK_EQ(extract64(b->env->mstatus, 11, 2), PRV_S);
}

UNIT_TEST(riscv_exec_pmp_denies_s_mode)
{
    Board *b = setup();
    const uint32_t p[] = {
        ld(1, 10, 0),
        WFI,
    };

    put(CODE, p, ARRAY_SIZE(p));
    /* entry 0: the DATA page, no permissions; entry 1: everything */
    riscv_pmpaddr_write(b->env, 0, (DATA >> 2) | 0x1ff);
    riscv_pmpaddr_write(b->env, 1, ~0ULL);
    riscv_pmpcfg_write(b->env, 0, (PMP_A_NAPOT << 3) |
                       (uint64_t)((PMP_A_NAPOT << 3) | PMP_R | PMP_W | PMP_X) << 8);
    b->env->gpr[10] = DATA + 16;
    b->env->priv = PRV_S;
    CHECK_EQ(run(), EXCP_HLT);
    CHECK_EQ(b->env->mcause, RISCV_EXCP_LOAD_ACCESS_FAULT);
    CHECK_EQ(b->env->mtval, DATA + 16);
}

UNIT_TEST(riscv_exec_interrupt_and_wfi)
{
    Board *b = setup();
    const uint32_t p[] = {
        WFI,                                /* halts: MSIP enabled but not pending */
        addi(7, 0, 1),
        csrrw(0, CSR_MIE, 0),               /* mie = 0 */
        WFI,                                /* halts for good */
    };

    put(CODE, p, ARRAY_SIZE(p));
    b->env->mie = MIP_MSIP;
    CHECK_EQ(run(), EXCP_HLT);
    CHECK(b->cs->halted);
    CHECK_EQ(b->env->pc, CODE + 4);
    CHECK_EQ(b->env->gpr[7], 0);
    /* The line wakes it; MIE = 0, so no trap: it continues after wfi */
    qemu_set_irq(qdev_get_gpio_in(DEVICE(b->cpu), IRQ_M_SOFT), 1);
    CHECK(riscv_cpu_has_work(b->cs));
    CHECK_EQ(run(), EXCP_HLT);
    CHECK_EQ(b->env->gpr[7], 1);
    CHECK_EQ(b->env->mcause, 0);

    /* With MIE set the pending interrupt is taken at block entry */
    setup();
    put(CODE, (const uint32_t[]){addi(7, 0, 2), WFI}, 2);
    b->env->mie = MIP_MTIP;
    b->env->mstatus |= MSTATUS_MIE;
    qemu_set_irq(qdev_get_gpio_in(DEVICE(b->cpu), IRQ_M_TIMER), 1);
    CHECK_EQ(run(), EXCP_HLT);
    CHECK_EQ(b->env->mcause, MCAUSE_INTERRUPT | IRQ_M_TIMER);
    CHECK_EQ(b->env->mepc, CODE);
    CHECK_EQ(b->env->gpr[7], 0);
    CHECK_EQ(b->env->mstatus & MSTATUS_MIE, 0);
    CHECK(b->env->mstatus & MSTATUS_MPIE);
}

UNIT_TEST(riscv_exec_user_ecall_round_trip)
{
    Board *b = setup();
    const uint32_t p[] = {
        addi(8, 0, 3),
        ECALL,                              /* to M, handler returns past it */
        addi(9, 0, 4),
        WFI,                                /* illegal in U: the handler stops */
    };

    put(CODE, p, ARRAY_SIZE(p));
    b->env->priv = PRV_U;
    CHECK_EQ(run(), EXCP_HLT);
    CHECK_EQ(b->env->gpr[8], 3);
    CHECK_EQ(b->env->gpr[9], 4);
    CHECK_EQ(b->env->mcause, RISCV_EXCP_ILLEGAL_INST);
    CHECK_EQ(b->env->mepc, CODE + 12);
    CHECK_EQ(b->env->mtval, WFI);
    CHECK_EQ(extract64(b->env->mstatus, 11, 2), PRV_U);
    CHECK_EQ(b->env->priv, PRV_M);
}
