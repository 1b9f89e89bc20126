/*
 * The RISC-V translator end to end: small programs (assembled with
 * binutils; the disassembly is above each array) run through the JIT on a
 * real hart (target/riscv/cpu.c) over RAM, until they execute wfi with no
 * interrupt pending (cpu_exec returns EXCP_HLT).  Checks architectural
 * results, traps (cause, tval, epc), FS tracking, LR/SC, page-crossing
 * accesses, chaining loops and self-modifying code with fence.i.
 */
#include "core/osdep.h"
#include "core/error.h"
#include "core/thread.h"
#include "target/riscv/internals.h"
#include "tests/unit/unit.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (4 * MiB)

/* li	a0,5; li	a1,-3; add	a2,a0,a1; mul	a3,a0,a1; divu	a4,a0,zero; add	zero,a0,1; add	a5,zero,zero; lui	a6,0x80000; addw	a7,a6,-1 # 7fffffff <_start-0x1>; sh2add	t0,a0,a1; clz	t1,a0; wfi */
static const uint16_t code_alu[] = {
    0x4515, 0x55f5, 0x0633, 0x00b5, 0x06b3, 0x02b5, 0x5733, 0x0205,
    0x0013, 0x0015, 0x07b3, 0x0000, 0x0837, 0x8000, 0x089b, 0xfff8,
    0x42b3, 0x20b5, 0x1313, 0x6005, 0x0073, 0x1050
};

/* li	a0,0; li	a1,1000; add	a0,a0,3; add	a1,a1,-1; bnez	a1,80000006 <_start+0x6>; wfi */
static const uint16_t code_loop[] = {
    0x4501, 0x0593, 0x3e80, 0x050d, 0x15fd, 0xfdf5, 0x0073, 0x1050
};

/* lui	t0,0x1; addw	t0,t0,-2047 # 801 <_start-0x7ffff7ff>; sll	t0,t0,0x14; lui	t1,0x449; addw	t1,t1,-1843 # 4488cd <_start-0x7fbb7733>; sll	t1,t1,0xe; add	t1,t1,1109; sll	t1,t1,0xc; add	t1,t1,1639; sll	t1,t1,0xc; add	t1,t1,1928; sd	t1,0(t0); ld	a0,0(t0); lw	a1,4(t0); lbu	a2,7(t0); sd	t1,3(t0); ld	a3,3(t0); lui	t2,0x40; addw	t2,t2,129 # 40081 <_start-0x7ffbff7f>; sll	t2,t2,0xd; add	t2,t2,-3; sd	t1,0(t2); ld	a4,0(t2); lh	a5,2(t2); wfi */
static const uint16_t code_mem[] = {
    0x6285, 0x829b, 0x8012, 0x02d2, 0x9337, 0x0044, 0x031b, 0x8cd3,
    0x033a, 0x0313, 0x4553, 0x0332, 0x0313, 0x6673, 0x0332, 0x0313,
    0x7883, 0xb023, 0x0062, 0xb503, 0x0002, 0xa583, 0x0042, 0xc603,
    0x0072, 0xb1a3, 0x0062, 0xb683, 0x0032, 0x03b7, 0x0004, 0x839b,
    0x0813, 0x03b6, 0x13f5, 0xb023, 0x0063, 0xb703, 0x0003, 0x9783,
    0x0023, 0x0073, 0x1050
};

/* li	a0,7; add	a0,a0,-2; sll	a0,a0,0x3; mv	a1,a0; add	a1,a1,a0; lui	a2,0x1; sra	a1,a1,0x1; wfi */
static const uint16_t code_rvc[] = {
    0x451d, 0x1579, 0x050e, 0x85aa, 0x95aa, 0x6605, 0x8585, 0x0073,
    0x1050
};

/* auipc	t0,0x0; add	t0,t0,24 # 80000018 <_start+0x18>; csrw	mtvec,t0; li	a0,42; .word	0x0000200b; li	a0,43; csrr	a1,mcause; csrr	a2,mtval; csrr	a3,mepc; wfi */
static const uint16_t code_trap[] = {
    0x0297, 0x0000, 0x8293, 0x0182, 0x9073, 0x3052, 0x0513, 0x02a0,
    0x200b, 0x0000, 0x0513, 0x02b0, 0x25f3, 0x3420, 0x2673, 0x3430,
    0x26f3, 0x3410, 0x0073, 0x1050
};

/* auipc	t0,0x0; add	t0,t0,16 # 80000010 <_start+0x10>; csrw	mtvec,t0; ecall; csrr	a1,mcause; csrr	a2,mtval; wfi */
static const uint16_t code_ecall[] = {
    0x0297, 0x0000, 0x8293, 0x0102, 0x9073, 0x3052, 0x0073, 0x0000,
    0x25f3, 0x3420, 0x2673, 0x3430, 0x0073, 0x1050
};

/* auipc	t0,0x0; add	t0,t0,56 # 80000038 <_start+0x38>; csrw	mtvec,t0; lui	t1,0x2; csrs	mstatus,t1; addw	t1,zero,1023; sll	t1,t1,0x34; fmv.d.x	ft0,t1; fadd.d	ft1,ft0,ft0; fmv.x.d	a0,ft1; csrr	a4,mstatus; li	t1,5; fsrm	t1; fadd.d	ft2,ft0,ft0; li	a0,99; nop; csrr	a1,mcause; csrr	a2,mtval; wfi */
static const uint16_t code_fp[] = {
    0x0297, 0x0000, 0x8293, 0x0382, 0x9073, 0x3052, 0x6309, 0x2073,
    0x3003, 0x031b, 0x3ff0, 0x1352, 0x0053, 0xf203, 0x70d3, 0x0200,
    0x8553, 0xe200, 0x2773, 0x3000, 0x4315, 0x1073, 0x0023, 0x7153,
    0x0200, 0x0513, 0x0630, 0x0001, 0x25f3, 0x3420, 0x2673, 0x3430,
    0x0073, 0x1050
};

/* lui	t0,0x1; addw	t0,t0,-2047 # 801 <_start-0x7ffff7ff>; sll	t0,t0,0x14; li	t1,10; sd	t1,0(t0); li	t2,5; amoadd.d	a0,t2,(t0); lr.d	a1,(t0); sc.d	a2,t2,(t0); sc.d	a3,t1,(t0); ld	a4,0(t0); wfi */
static const uint16_t code_amo[] = {
    0x6285, 0x829b, 0x8012, 0x02d2, 0x4329, 0xb023, 0x0062, 0x4395,
    0xb52f, 0x0072, 0xb5af, 0x1002, 0xb62f, 0x1872, 0xb6af, 0x1862,
    0xb703, 0x0002, 0x0073, 0x1050
};

/* auipc	t0,0x0; add	t0,t0,40 # 80000028 <_start+0x28>; li	a0,0; li	s0,2; jal	80000028 <_start+0x28>; lui	t1,0x150; addw	t1,t1,1299 # 150513 <_start-0x7feafaed>; sw	t1,0(t0); fence.i; add	s0,s0,-1; bnez	s0,8000000c <_start+0xc>; wfi; add	a0,a0,100; ret */
static const uint16_t code_smc[] = {
    0x0297, 0x0000, 0x8293, 0x0282, 0x4501, 0x4409, 0x00ef, 0x01c0,
    0x0337, 0x0015, 0x031b, 0x5133, 0xa023, 0x0062, 0x100f, 0x0000,
    0x147d, 0xf46d, 0x0073, 0x1050, 0x0513, 0x0645, 0x8082
};

/* auipc	t0,0x0; add	t0,t0,108; csrw	mtvec,t0; li	t0,-1; csrw	pmpaddr0,t0; li	t0,31; csrw	pmpcfg0,t0; auipc	t0,0x0; add	t0,t0,42; csrw	mepc,t0; lui	t1,0x2; addw	t1,t1,-2048; csrc	mstatus,t1; lui	t1,0x1; addw	t1,t1,-2048; csrs	mstatus,t1; li	a0,1; mret; li	a0,99; li	a1,2; auipc	t0,0x0; add	t0,t0,28; csrw	sepc,t0; li	t1,256; csrc	sstatus,t1; sret; li	a0,98; li	a2,3; ecall; li	a0,97; nop; csrr	a4,mcause; csrr	a5,mepc; wfi */
static const uint16_t code_xret[] = {
    0x0297, 0x0000, 0x8293, 0x06c2, 0x9073, 0x3052, 0x52fd, 0x9073,
    0x3b02, 0x42fd, 0x9073, 0x3a02, 0x0297, 0x0000, 0x8293, 0x02a2,
    0x9073, 0x3412, 0x6309, 0x031b, 0x8003, 0x3073, 0x3003, 0x6305,
    0x031b, 0x8003, 0x2073, 0x3003, 0x4505, 0x0073, 0x3020, 0x0513,
    0x0630, 0x4589, 0x0297, 0x0000, 0x8293, 0x01c2, 0x9073, 0x1412,
    0x0313, 0x1000, 0x3073, 0x1003, 0x0073, 0x1020, 0x0513, 0x0620,
    0x460d, 0x0073, 0x0000, 0x0513, 0x0610, 0x0001, 0x2773, 0x3420,
    0x27f3, 0x3410, 0x0073, 0x1050
};

static MemoryRegion sysmem, ram;
static AddressSpace as;
static RISCVCPU *cpu;

static CPURISCVState *setup(const uint16_t *code, size_t bytes)
{
    Error *err = NULL;
    static uint8_t zero[64 * 1024];

    if (!cpu) {
        memory_region_init(&sysmem, NULL, "sys", UINT64_MAX);
        CHECK(memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &err));
        memory_region_add_subregion(&sysmem, RAM_BASE, &ram);
        address_space_init(&as, &sysmem, "as");
        tcg_exec_init(16, "interp", &err);
        CHECK(err == NULL);
        cpu = RISCV_CPU(object_new(TYPE_RISCV_CPU_RV64));
        CPU(cpu)->as = &as;
        CHECK(qdev_realize(DEVICE(cpu), NULL, &err));
        CHECK(err == NULL);
        CPU(cpu)->as = &as;
    }
    for (hwaddr a = 0; a < 0x110000; a += sizeof(zero)) {
        address_space_write(&as, RAM_BASE + a, MEMTXATTRS_UNSPECIFIED, zero, sizeof(zero));
    }
    CHECK_EQ(address_space_write(&as, RAM_BASE, MEMTXATTRS_UNSPECIFIED, code, bytes),
             MEMTX_OK);
    riscv_cpu_reset_env(cpu);
    cpu->env.pc = RAM_BASE;
    return &cpu->env;
}

/* Load code at RAM_BASE + offset and start there. */
static CPURISCVState *setup_at(hwaddr offset, const uint16_t *code, size_t bytes)
{
    static const uint16_t nothing[1];
    CPURISCVState *env = setup(nothing, sizeof(nothing));

    CHECK_EQ(address_space_write(&as, RAM_BASE + offset, MEMTXATTRS_UNSPECIFIED, code,
                                 bytes), MEMTX_OK);
    env->pc = RAM_BASE + offset;
    return env;
}

/* Run until the program's wfi halts the hart. */
static void run(void)
{
    int r = -1;

    bql_lock();
    for (int i = 0; i < 10000; i++) {
        r = cpu_exec(CPU(cpu));
        if (r == EXCP_HLT || CPU(cpu)->halted) {
            break;
        }
    }
    bql_unlock();
    CHECK(CPU(cpu)->halted);
}

#define RUN(name) do { env = setup(code_##name, sizeof(code_##name)); run(); } while (0)
#define X(n) (env->gpr[n])
enum { T0 = 5, T1 = 6, T2 = 7, S0 = 8, A0 = 10, A1, A2, A3, A4, A5, A6, A7 };

UNIT_TEST(translate_alu_and_x0)
{
    CPURISCVState *env;
    RUN(alu);
    CHECK_EQ(X(A2), 2);
    CHECK_EQ(X(A3), (uint64_t)-15);
    CHECK_EQ(X(A4), UINT64_MAX);            /* divu by zero */
    CHECK_EQ(X(0), 0);                      /* addi x0 discarded */
    CHECK_EQ(X(A5), 0);
    CHECK_EQ(X(A6), 0xffffffff80000000ULL);
    CHECK_EQ(X(A7), 0x7fffffff);            /* addiw wraps and sign-extends */
    CHECK_EQ(X(T0), 17);                    /* sh2add: (5 << 2) + -3 */
    CHECK_EQ(X(T1), 61);                    /* clz 5 */
    CHECK_EQ(env->pc, RAM_BASE + sizeof(code_alu));   /* wfi advanced the pc */
}

UNIT_TEST(translate_backward_branch_loop)
{
    CPURISCVState *env;
    RUN(loop);
    CHECK_EQ(X(A0), 3000);
    CHECK_EQ(X(A1), 0);
}

UNIT_TEST(translate_loads_stores_misaligned_and_page_crossing)
{
    CPURISCVState *env;
    RUN(mem);
    CHECK_EQ(X(A0), 0x1122334455667788ULL);
    CHECK_EQ(X(A1), 0x11223344);
    CHECK_EQ(X(A2), 0x11);
    CHECK_EQ(X(A3), 0x1122334455667788ULL); /* misaligned */
    CHECK_EQ(X(A4), 0x1122334455667788ULL); /* across 0x80102000 */
    CHECK_EQ(X(A5), 0x5566);
}

UNIT_TEST(translate_compressed)
{
    CPURISCVState *env;
    RUN(rvc);
    CHECK_EQ(X(A0), 40);
    CHECK_EQ(X(A1), 40);
    CHECK_EQ(X(A2), 0x1000);
}

UNIT_TEST(translate_illegal_instruction_trap)
{
    CPURISCVState *env;
    RUN(trap);
    CHECK_EQ(X(A0), 42);                    /* the instruction after never ran */
    CHECK_EQ(X(A1), RISCV_EXCP_ILLEGAL_INST);
    CHECK_EQ(X(A2), 0x200b);                /* mtval = the instruction bits */
    CHECK_EQ(X(A3), RAM_BASE + 16);         /* mepc = its address */
}

UNIT_TEST(translate_ecall)
{
    CPURISCVState *env;
    RUN(ecall);
    CHECK_EQ(X(A1), RISCV_EXCP_M_ECALL);
    CHECK_EQ(X(A2), 0);
}

UNIT_TEST(translate_fp_dirty_and_invalid_frm)
{
    CPURISCVState *env;
    RUN(fp);
    CHECK_EQ(X(A0), 0x4000000000000000ULL); /* 1 + 1 */
    CHECK_EQ((X(A4) >> 13) & 3, 3);         /* FS Initial -> Dirty */
    CHECK(X(A4) >> 63);                     /* SD */
    CHECK_EQ(X(A1), RISCV_EXCP_ILLEGAL_INST);   /* dyn rm with frm = 5 */
    CHECK_EQ(X(A2), 0x02007153);
}

UNIT_TEST(translate_amo_lr_sc)
{
    CPURISCVState *env;
    RUN(amo);
    CHECK_EQ(X(A0), 10);                    /* amoadd returns the old value */
    CHECK_EQ(X(A1), 15);
    CHECK_EQ(X(A2), 0);                     /* sc after lr succeeds */
    CHECK_EQ(X(A3), 1);                     /* the reservation is gone */
    CHECK_EQ(X(A4), 5);
}

UNIT_TEST(translate_self_modifying_code_with_fence_i)
{
    CPURISCVState *env;
    /* The callee adds 100, is then patched to "addi a0, a0, 1". */
    RUN(smc);
    CHECK_EQ(X(A0), 101);
}

UNIT_TEST(translate_mret_sret_ecall_from_user)
{
    CPURISCVState *env;
    /* M --mret--> S --sret--> U --ecall--> M: each xRET lands on its target
     * pc, the instruction after it never runs. */
    RUN(xret);
    CHECK_EQ(X(A0), 1);
    CHECK_EQ(X(A1), 2);
    CHECK_EQ(X(A2), 3);
    CHECK_EQ(X(A4), RISCV_EXCP_U_ECALL);
    CHECK_EQ(X(A5), RAM_BASE + 0x62);
    CHECK_EQ(env->priv, PRV_M);
}

UNIT_TEST(translate_instruction_across_a_page_boundary)
{
    /* c.li a0,1; c.li a1,2; c.li a2,3; then "addi a3,zero,4" in the last
     * two bytes of the page and the first two of the next; wfi. */
    static const uint16_t code[] = { 0x4505, 0x4589, 0x460d, 0x0693, 0x0040, 0x0073, 0x1050 };
    CPURISCVState *env = setup_at(0xff8, code, sizeof(code));

    run();
    CHECK_EQ(X(A0), 1);
    CHECK_EQ(X(A1), 2);
    CHECK_EQ(X(A2), 3);
    CHECK_EQ(X(A3), 4);
    CHECK_EQ(env->pc, RAM_BASE + 0x1006);
}

UNIT_TEST(translate_long_straight_line_over_pages)
{
    /* 5000 x c.addi a0,1 (10000 bytes: several blocks by max_insns and
     * by page ends), then wfi. */
    enum { N = 5000 };
    static uint16_t code[N + 2];
    CPURISCVState *env;

    for (int i = 0; i < N; i++) {
        code[i] = 0x0505;
    }
    code[N] = 0x0073;
    code[N + 1] = 0x1050;
    env = setup_at(0x10, code, sizeof(code));
    run();
    CHECK_EQ(X(A0), N);
    CHECK_EQ(env->pc, RAM_BASE + 0x10 + sizeof(code));
}
