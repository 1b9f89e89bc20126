/*
 * The interpreter tier (target/riscv/interp-tier.c) on a real hart over
 * RAM and an MMIO device, native back end: each program runs once with
 * the tier off (every block translated) and once with it forced on (a
 * threshold no block reaches, or 1 where a block must be translated
 * first); both runs must end in the same architectural state, the tier
 * must really have executed instructions, and the state must be the one
 * the spec gives: precise page and access faults from interpreted loads,
 * stores and jumps (mcause, mtval, mepc, registers before/after), stores
 * into translated code and into the code the interpreter runs next, x0,
 * compressed forms, misaligned and page-crossing accesses, MMIO.
 * Programs assembled with binutils (source above each array).
 */
#include "core/osdep.h"
#include "core/error.h"
#include "core/thread.h"
#include "target/riscv/internals.h"
#include "core/log.h"
#include "tcg/tcg-backend.h"
#include "tests/unit/unit.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (4 * MiB)
#define CODE (RAM_BASE + 0x1000)
#define STACK (RAM_BASE + 0x2000)
#define DATA (RAM_BASE + 0x3000 - 8)       /* 8 bytes before a page boundary */
#define PT_ROOT (RAM_BASE + 0x100000)
#define MMIO_BASE 0x10000000ULL
#define TIER_OFF 0
#define TIER_ALL 0x10000000u

/* li t0, 0x2000; csrs mstatus, t0; c.li a3, 7; c.sdsp a3, 0(sp); c.li a0, 5; c.fldsp fa0, 0(sp); c.li a1, 6; c.fsdsp fa0, 8(sp); c.ldsp a2, 8(sp); c.mv s0, sp; c.fld fa1, 8(s0); c.fsd fa1, 16(s0); c.ld a4, 16(s0); wfi */
static const uint16_t code_rvc_fp[] = {
    0x6289, 0xa073, 0x3002, 0x469d, 0xe036, 0x4515, 0x2502, 0x4599,
    0xa42a, 0x6622, 0x840a, 0x240c, 0xa80c, 0x6818, 0x0073, 0x1050,
};

/* c.li a0, 1; c.li a1, 2; c.li a2, 3; .option push; .option norvc; addi a3, zero, 4; .option pop; wfi */
static const uint16_t code_cross_page[] = {
    0x4505, 0x4589, 0x460d, 0x0693, 0x0040, 0x0073, 0x1050,
};

/* csrr a2, mcause; csrr a3, mtval; csrr a4, mepc; wfi */
static const uint16_t code_handler[] = {
    0x2673, 0x3420, 0x26f3, 0x3430, 0x2773, 0x3410, 0x0073, 0x1050,
};

/* li a0, 1; lui t0, 0x40000; ld a1, 16(t0); li a0, 2; wfi */
static const uint16_t code_fault_load[] = {
    0x4505, 0x02b7, 0x4000, 0xb583, 0x0102, 0x4509, 0x0073, 0x1050,
};

/* li a0, 1; lui t0, 0x40000; sd a0, 32(t0); li a0, 2; wfi */
static const uint16_t code_fault_store[] = {
    0x4505, 0x02b7, 0x4000, 0xb023, 0x02a2, 0x4509, 0x0073, 0x1050,
};

/* li a0, 1; lui t0, 0x40000; addi t0, t0, 0x100; jalr a1, 0(t0); li a0, 2; wfi */
static const uint16_t code_fault_fetch[] = {
    0x4505, 0x02b7, 0x4000, 0x8293, 0x1002, 0x85e7, 0x0002, 0x4509,
    0x0073, 0x1050,
};

/* li a0, 1; li t0, 0x1000; lw a1, 8(t0); li a0, 2; wfi */
static const uint16_t code_access_fault[] = {
    0x4505, 0x6285, 0xa583, 0x0082, 0x4509, 0x0073, 0x1050,
};

/* li a0, 0; la t0, f; li t1, 0x00150513; jal f; jal f; jal f; sw t1, 0(t0); jal f; wfi; .balign 4; f:; .option push; .option norvc; addi a0, a0, 100; .option pop; ret */
static const uint16_t code_smc_translated[] = {
    0x4501, 0x0297, 0x0000, 0x8293, 0x02a2, 0x0337, 0x0015, 0x031b,
    0x5133, 0x00ef, 0x01a0, 0x00ef, 0x0160, 0x00ef, 0x0120, 0xa023,
    0x0062, 0x00ef, 0x00a0, 0x0073, 0x1050, 0x0001, 0x0513, 0x0645,
    0x8082, 0x0000,
};

/* la t0, target; li t1, 0x00700513; sw t1, 0(t0); .option push; .option norvc; target:; addi a0, zero, 5; .option pop; wfi */
static const uint16_t code_smc_next[] = {
    0x0297, 0x0000, 0x8293, 0x0142, 0x0337, 0x0070, 0x031b, 0x5133,
    0xa023, 0x0062, 0x0513, 0x0050, 0x0073, 0x1050,
};

/* li a0, 9; addi x0, a0, 5; lui x0, 0x12345; add x0, a0, a0; ld x0, 0(t2); .hword 0x400d; mul x0, a0, a0; sh2add x0, a0, a0; jal x0, 1f; li a0, 100; 1:; add a1, x0, x0; addi a2, x0, 0; or a3, x0, a0; wfi */
static const uint16_t code_x0[] = {
    0x4525, 0x0013, 0x0055, 0x5037, 0x1234, 0x0033, 0x00a5, 0xb003,
    0x0003, 0x400d, 0x0033, 0x02a5, 0x4033, 0x20a5, 0x006f, 0x0080,
    0x0513, 0x0640, 0x05b3, 0x0000, 0x4601, 0x66b3, 0x00a0, 0x0073,
    0x1050,
};

/* c.li a0, 7; c.addi a0, -2; c.slli a0, 3; c.mv a1, a0; c.add a1, a0; c.lui a2, 1; c.srai a1, 1; c.mv s0, t2; c.sd a1, 8(s0); c.ld a3, 8(s0); c.sw a0, 16(s0); c.lw a4, 16(s0); c.addiw a4, 1; c.addi16sp sp, 64; c.sdsp a3, 0(sp); c.ldsp a5, 0(sp); c.swsp a4, 8(sp); c.lwsp a6, 8(sp); c.addi4spn s1, sp, 16; c.andi a2, 0x1f; c.sub a2, a0; c.beqz a0, 9f; c.bnez a0, 1f; 9: c.li a7, 1; 1: c.j 2f; c.li a7, 2; 2: auipc t1, 0; c.addi t1, 10; c.jr t1; c.li a7, 3; c.li a7, 4; 3: auipc t1, 0; c.addi t1, 14; c.jalr t1; c.li s1, 5; c.j 4f; c.li a7, 6; c.li a7, 7; c.mv t3, ra; c.jr ra; 4: wfi */
static const uint16_t code_rvc[] = {
    0x451d, 0x1579, 0x050e, 0x85aa, 0x95aa, 0x6605, 0x8585, 0x841e,
    0xe40c, 0x6414, 0xc808, 0x4818, 0x2705, 0x6121, 0xe036, 0x6782,
    0xc43a, 0x4822, 0x0804, 0x8a7d, 0x8e09, 0xc111, 0xe111, 0x4885,
    0xa011, 0x4889, 0x0317, 0x0000, 0x0329, 0x8302, 0x488d, 0x4891,
    0x0317, 0x0000, 0x0339, 0x9302, 0x4495, 0xa029, 0x4899, 0x489d,
    0x8e06, 0x8082, 0x0073, 0x1050,
};

/* li t1, 0x1122334455667788; sd t1, 0(t2); lw a1, 1(t2); sd t1, 5(t2); ld a0, 5(t2); lh a2, 7(t2); lhu a3, 3(t2); sw t1, 2(t2); ld a4, 0(t2); wfi */
static const uint16_t code_misaligned[] = {
    0x9337, 0x0044, 0x031b, 0x8cd3, 0x033a, 0x0313, 0x4553, 0x0332,
    0x0313, 0x6673, 0x0332, 0x0313, 0x7883, 0xb023, 0x0063, 0xa583,
    0x0013, 0xb2a3, 0x0063, 0xb503, 0x0053, 0x9603, 0x0073, 0xd683,
    0x0033, 0xa123, 0x0063, 0xb703, 0x0003, 0x0073, 0x1050,
};

/* li t0, 0x10000000; li t1, 0x5a5a; sw t1, 8(t0); lw a0, 4(t0); lbu a1, 0x10(t0); sd a0, 0(t2); ld a2, 0(t2); wfi */
static const uint16_t code_mmio[] = {
    0x02b7, 0x1000, 0x6319, 0x031b, 0xa5a3, 0xa423, 0x0062, 0xa503,
    0x0042, 0xc583, 0x0102, 0xb023, 0x00a3, 0xb603, 0x0003, 0x0073,
    0x1050,
};

static MemoryRegion sysmem, ram, mmio;
static AddressSpace as;
static RISCVCPU *cpu;

/* The MMIO device: reads return a pattern of the offset, writes are logged. */
static struct {
    hwaddr addr;
    uint64_t val;
    unsigned size, writes, reads;
} dev;

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    dev.reads++;
    return (0xc0de0000ULL | addr) & (size == 8 ? UINT64_MAX : (1ULL << (8 * size)) - 1);
}

static void dev_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    dev.writes++;
    dev.addr = addr;
    dev.val = val;
    dev.size = size;
}

static const MemoryRegionOps dev_ops = {
    .read = dev_read,
    .write = dev_write,
};

typedef struct Result {
    uint64_t x[32], pc, mcause, mtval, mepc, tier_insns, tier_blocks;
} Result;

static bool machine_init(void)
{
    Error *err = NULL;

    if (!tcg_backend_find("native")) {
        printf("# SKIP native back end not usable on this host\n");
        return false;
    }
    if (cpu) {
        return true;
    }
    memory_region_init(&sysmem, NULL, "sys", UINT64_MAX);
    CHECK(memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &err));
    memory_region_add_subregion(&sysmem, RAM_BASE, &ram);
    memory_region_init_io(&mmio, NULL, &dev_ops, NULL, "dev", 0x1000);
    memory_region_add_subregion(&sysmem, MMIO_BASE, &mmio);
    address_space_init(&as, &sysmem, "as");
    tcg_exec_init(16, "native", &err);
    CHECK(err == NULL);
    cpu = RISCV_CPU(object_new(TYPE_RISCV_CPU_RV64));
    CPU(cpu)->as = &as;
    CHECK(qdev_realize(DEVICE(cpu), NULL, &err));
    CHECK(err == NULL);
    return true;
}

/*
 * Run code at CODE (the trap handler at RAM_BASE) until wfi halts the
 * hart, with the given tier threshold.  paging: S-mode under Sv39 with
 * one identity gigapage for RAM, nothing else mapped.
 */
static hwaddr code_at = CODE;               /* where run_prog loads and starts */

static void run_prog(const uint16_t *code, size_t bytes, bool paging, unsigned tier,
                     Result *r)
{
    static uint8_t zero[64 * 1024];
    CPURISCVState *env = &cpu->env;
    uint64_t root[512] = {0}, before, before_blocks, blocks, insns;
    Error *err = NULL;

    tcg_set_tier_threshold(tier);
    tcg_exec_init(16, "native", &err);      /* a fresh code buffer: no old blocks */
    CHECK(err == NULL);
    for (hwaddr a = 0; a < 0x110000; a += sizeof(zero)) {
        address_space_write(&as, RAM_BASE + a, MEMTXATTRS_UNSPECIFIED, zero, sizeof(zero));
    }
    address_space_write(&as, RAM_BASE, MEMTXATTRS_UNSPECIFIED, code_handler,
                        sizeof(code_handler));
    CHECK_EQ(address_space_write(&as, code_at, MEMTXATTRS_UNSPECIFIED, code, bytes),
             MEMTX_OK);
    riscv_cpu_reset_env(cpu);
    CPU(cpu)->halted = false;
    memset(&dev, 0, sizeof(dev));
    env->mtvec = RAM_BASE;
    env->gpr[2] = STACK;
    env->gpr[7] = DATA;
    env->gpr[11] = 0x5e5e;                  /* a1: must survive a faulting load */
    env->pc = code_at;
    if (paging) {
        /* Privileged spec 4.4: a level-2 leaf maps a 1 GiB page. */
        root[2] = ((RAM_BASE >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
        address_space_write(&as, PT_ROOT, MEMTXATTRS_UNSPECIFIED, root, sizeof(root));
        env->satp = ((uint64_t)SATP_MODE_SV39 << 60) | (PT_ROOT >> 12);
        env->priv = PRV_S;
    }
    tlb_flush(CPU(cpu));
    tcg_tier_stats(CPU(cpu), &before_blocks, &before);
    bql_lock();
    for (int i = 0; i < 1000 && !CPU(cpu)->halted; i++) {
        cpu_exec(CPU(cpu));
    }
    bql_unlock();
    CHECK(CPU(cpu)->halted);
    memcpy(r->x, env->gpr, sizeof(r->x));
    r->pc = env->pc;
    r->mcause = env->mcause;
    r->mtval = env->mtval;
    r->mepc = env->mepc;
    tcg_tier_stats(CPU(cpu), &blocks, &insns);
    r->tier_insns = insns - before;
    r->tier_blocks = blocks - before_blocks;
    tcg_set_tier_threshold(TCG_TIER_THRESHOLD_DEFAULT);
}

/* Both runs; the tier one must have interpreted something and agree. */
static void run_both(const uint16_t *code, size_t bytes, bool paging, unsigned tier,
                     Result *jit, Result *t)
{
    run_prog(code, bytes, paging, TIER_OFF, jit);
    run_prog(code, bytes, paging, tier, t);
    CHECK_EQ(jit->tier_blocks, 0);
    CHECK(t->tier_blocks > 0);
    for (int i = 0; i < 32; i++) {
        CHECK_EQ(t->x[i], jit->x[i]);
    }
    CHECK_EQ(t->pc, jit->pc);
    CHECK_EQ(t->mcause, jit->mcause);
    CHECK_EQ(t->mtval, jit->mtval);
    CHECK_EQ(t->mepc, jit->mepc);
}

#define RUN_BOTH(name, paging, tier) \
    run_both(code_##name, sizeof(code_##name), paging, tier, &jit, &t)
enum { RA = 1, SP, T0 = 5, T1, T2, S0, S1, A0, A1, A2, A3, A4, A5, A6, A7, T3 = 28 };

UNIT_TEST(tier_page_fault_in_interpreted_load)
{
    Result jit, t;

    if (!machine_init()) {
        return;
    }
    RUN_BOTH(fault_load, true, TIER_ALL);
    CHECK_EQ(t.x[A0], 1);                   /* the instruction before ran */
    CHECK_EQ(t.tier_insns, 0);              /* the block ended in the fault */
    CHECK_EQ(t.x[A1], 0x5e5e);              /* rd of the faulting load unchanged */
    CHECK_EQ(t.x[A2], RISCV_EXCP_LOAD_PAGE_FAULT);
    CHECK_EQ(t.x[A3], 0x40000010);          /* mtval = the virtual address */
    CHECK_EQ(t.x[A4], CODE + 6);            /* mepc = the load */
}

UNIT_TEST(tier_page_fault_in_interpreted_store)
{
    Result jit, t;

    if (!machine_init()) {
        return;
    }
    RUN_BOTH(fault_store, true, TIER_ALL);
    CHECK_EQ(t.x[A0], 1);
    CHECK_EQ(t.x[A2], RISCV_EXCP_STORE_PAGE_FAULT);
    CHECK_EQ(t.x[A3], 0x40000020);
    CHECK_EQ(t.x[A4], CODE + 6);
}

UNIT_TEST(tier_fetch_fault_after_interpreted_jump)
{
    Result jit, t;

    if (!machine_init()) {
        return;
    }
    RUN_BOTH(fault_fetch, true, TIER_ALL);
    CHECK_EQ(t.x[A1], CODE + 14);           /* jalr wrote the link */
    CHECK_EQ(t.x[A2], RISCV_EXCP_INST_PAGE_FAULT);
    CHECK_EQ(t.x[A3], 0x40000100);
    CHECK_EQ(t.x[A4], 0x40000100);
}

UNIT_TEST(tier_access_fault_on_unbacked_address)
{
    Result jit, t;

    if (!machine_init()) {
        return;
    }
    RUN_BOTH(access_fault, false, TIER_ALL);
    CHECK_EQ(t.x[A0], 1);
    CHECK_EQ(t.x[A1], 0x5e5e);
    CHECK_EQ(t.x[A2], RISCV_EXCP_LOAD_ACCESS_FAULT);
    CHECK_EQ(t.x[A3], 0x1008);
    CHECK_EQ(t.x[A4], CODE + 4);
}

UNIT_TEST(tier_store_into_translated_code)
{
    Result jit, t;

    if (!machine_init()) {
        return;
    }
    /* Threshold 1: f is translated at its second call; the store runs
     * once (interpreted) and must drop f's translation. */
    RUN_BOTH(smc_translated, false, 1);
    CHECK_EQ(t.x[A0], 301);
    CHECK_EQ(jit.x[A0], 301);
}

UNIT_TEST(tier_store_into_the_next_instruction)
{
    Result jit, t;

    if (!machine_init()) {
        return;
    }
    RUN_BOTH(smc_next, false, TIER_ALL);
    CHECK_EQ(t.x[A0], 7);                   /* the new instruction ran */
}

UNIT_TEST(tier_x0_stays_zero)
{
    Result jit, t;

    if (!machine_init()) {
        return;
    }
    RUN_BOTH(x0, false, TIER_ALL);
    CHECK_EQ(t.x[0], 0);
    CHECK_EQ(t.x[A0], 9);                   /* jal x0 skipped "li a0, 100" */
    CHECK_EQ(t.x[A1], 0);
    CHECK_EQ(t.x[A2], 0);
    CHECK_EQ(t.x[A3], 9);
}

UNIT_TEST(tier_compressed_forms)
{
    Result jit, t;

    if (!machine_init()) {
        return;
    }
    RUN_BOTH(rvc, false, TIER_ALL);
    CHECK_EQ(t.x[A0], 40);
    CHECK_EQ(t.x[A1], 40);
    CHECK_EQ(t.x[A3], 40);                  /* c.sd / c.ld */
    CHECK_EQ(t.x[A4], 41);                  /* c.sw / c.lw / c.addiw */
    CHECK_EQ(t.x[A5], 40);                  /* c.sdsp / c.ldsp */
    CHECK_EQ(t.x[A6], 41);                  /* c.swsp / c.lwsp */
    CHECK_EQ(t.x[SP], STACK + 64);          /* c.addi16sp */
    CHECK_EQ(t.x[A2], (uint64_t)-40);       /* c.lui 0x1000, c.andi 31 -> 0, c.sub */
    CHECK_EQ(t.x[S1], 5);                   /* c.addi4spn, then c.li after return */
    CHECK_EQ(t.x[A7], 7);                   /* c.beqz/c.bnez/c.j/c.jr/c.jalr path */
    CHECK_EQ(t.x[T3], CODE + 0x48);         /* c.jalr's link */
}

UNIT_TEST(tier_misaligned_and_page_crossing_accesses)
{
    Result jit, t;
    uint8_t bytes[16];

    if (!machine_init()) {
        return;
    }
    RUN_BOTH(misaligned, false, TIER_ALL);
    CHECK_EQ(t.x[A1], 0x44556677);
    CHECK_EQ(t.x[A0], 0x1122334455667788ULL);
    CHECK_EQ(t.x[A2], 0x5566);
    CHECK_EQ(t.x[A3], 0x4455);
    CHECK_EQ(t.x[A4], 0x6677556677887788ULL);   /* sw at +2 over both sd */
    address_space_read(&as, DATA, MEMTXATTRS_UNSPECIFIED, bytes, sizeof(bytes));
    CHECK_EQ(bytes[12], 0x11);              /* the crossing store's last byte */
}

UNIT_TEST(tier_mmio_load_and_store)
{
    Result jit, t;

    if (!machine_init()) {
        return;
    }
    RUN_BOTH(mmio, false, TIER_ALL);
    CHECK_EQ(dev.writes, 1);
    CHECK_EQ(dev.addr, 8);
    CHECK_EQ(dev.val, 0x5a5a);
    CHECK_EQ(dev.size, 4);
    CHECK_EQ(dev.reads, 2);
    CHECK_EQ(t.x[A0], 0xffffffffc0de0004ULL);   /* lw sign-extends */
    CHECK_EQ(t.x[A1], 0x10);                    /* lbu of 0xc0de0010 */
    CHECK_EQ(t.x[A2], 0xffffffffc0de0004ULL);
}

UNIT_TEST(tier_threshold_counts_executions)
{
    /* code_x0 runs straight through once: with threshold 1 each of its
     * blocks is interpreted, with 0 none is. */
    Result r;

    if (!machine_init()) {
        return;
    }
    run_prog(code_x0, sizeof(code_x0), false, 1, &r);
    CHECK_EQ(r.tier_insns, 12);             /* 9 + the 3 after the jump; not wfi */
    CHECK_EQ(r.tier_blocks, 2);
    run_prog(code_x0, sizeof(code_x0), false, 0, &r);
    CHECK_EQ(r.tier_insns, 0);
    CHECK_EQ(r.tier_blocks, 0);
}

UNIT_TEST(tier_leaves_compressed_fp_loads_and_stores_to_the_jit)
{
    Result jit, t;

    if (!machine_init()) {
        return;
    }
    /* c.fldsp/c.fsdsp/c.fld/c.fsd between integer C instructions: the
     * tier stops before each, the JIT runs it, the results agree. */
    RUN_BOTH(rvc_fp, false, TIER_ALL);
    CHECK_EQ(t.x[A0], 5);
    CHECK_EQ(t.x[A1], 6);
    CHECK_EQ(t.x[A2], 7);
    CHECK_EQ(t.x[A4], 7);
    CHECK_EQ(t.mcause, 0);                  /* no trap */
}

UNIT_TEST(tier_instruction_across_a_page_boundary)
{
    Result jit, t;

    if (!machine_init()) {
        return;
    }
    /* Three c.li, then addi a3 in the last two bytes of the page and the
     * first two of the next: the tier stops before it, the JIT starts a
     * block there. */
    code_at = RAM_BASE + 0x1ff8;
    RUN_BOTH(cross_page, false, TIER_ALL);
    code_at = CODE;
    CHECK_EQ(t.x[A0], 1);
    CHECK_EQ(t.x[A3], 4);
    CHECK_EQ(t.tier_insns, 3);
    CHECK_EQ(t.pc, RAM_BASE + 0x1ff8 + sizeof(code_cross_page));
}

UNIT_TEST(tier_off_under_logging_and_breakpoints)
{
    /* -d in_asm/exec/... must see every block, and the translator stops
     * at debug breakpoints: the tier stays out of the way of both. */
    Result r;
    FILE *saved = machina_logfile;

    if (!machine_init()) {
        return;
    }
    machina_logfile = fopen("/dev/null", "w");
    machina_loglevel = CPU_LOG_TB_IN_ASM;
    run_prog(code_x0, sizeof(code_x0), false, TIER_ALL, &r);
    machina_loglevel = CPU_LOG_EXEC;
    CHECK_EQ(r.tier_blocks, 0);
    run_prog(code_x0, sizeof(code_x0), false, TIER_ALL, &r);
    machina_loglevel = 0;
    fclose(machina_logfile);
    machina_logfile = saved;
    CHECK_EQ(r.tier_blocks, 0);
    CHECK_EQ(r.x[A3], 9);

    CHECK(cpu_breakpoint_insert(RAM_BASE + 0x100000));     /* never reached */
    run_prog(code_x0, sizeof(code_x0), false, TIER_ALL, &r);
    cpu_breakpoint_remove_all();
    CHECK_EQ(r.tier_blocks, 0);
    CHECK_EQ(r.x[A3], 9);
    run_prog(code_x0, sizeof(code_x0), false, TIER_ALL, &r);
    CHECK(r.tier_blocks > 0);               /* and back on without them */
}

/* jal x0, off (J-type, unprivileged spec 2.5.1). */
static uint32_t enc_jal0(int32_t off)
{
    uint32_t u = (uint32_t)off;

    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
           ((u >> 12) & 0xff) << 12 | 0x6f;
}

/*
 * A loop over more distinct blocks than the count table has slots, so
 * blocks share slots.  After enough iterations every block must be
 * translated: 60 more iterations interpret nothing.  (Two cold blocks
 * alternating in one slot once reset each other's count for ever and
 * were interpreted on every iteration: a disk benchmark ran at half
 * speed.)
 */
UNIT_TEST(tier_colliding_blocks_still_get_translated)
{
    enum { N = 6000 };
    static uint32_t prog[2 * N + 8];
    uint64_t interpreted[2];
    Result r;
    unsigned n = 0;

    if (!machine_init()) {
        return;
    }
    for (int pass = 0; pass < 2; pass++) {
        unsigned iters = pass ? 120 : 60;

        n = 0;
        prog[n++] = 0x00000593 | iters << 20;          /* li a1, iters */
        for (int i = 0; i < N; i++) {
            prog[n++] = 0x00150513;                     /* addi a0, a0, 1 */
            prog[n++] = enc_jal0(4);                    /* j .+4: ends the block */
        }
        prog[n++] = 0xfff58593;                         /* addi a1, a1, -1 */
        prog[n++] = 0x00058463;                         /* beqz a1, .+8 */
        prog[n] = enc_jal0(-(int32_t)(4 * (n - 1)));    /* j back to the first block */
        n++;
        prog[n++] = 0x10500073;                         /* wfi */
        run_prog((const uint16_t *)prog, 4 * n, false, TCG_TIER_THRESHOLD_DEFAULT, &r);
        CHECK_EQ(r.x[A0], (uint64_t)N * iters);
        CHECK_EQ(r.x[A1], 0);
        interpreted[pass] = r.tier_blocks;
    }
    CHECK(interpreted[0] > 0);
    CHECK_EQ(interpreted[1], interpreted[0]);
}
