/*
 * The execution loop end to end with a tiny made-up guest (the "fake" ISA
 * of tcg-fake-guest.c), run by cpu_exec over a real MemoryRegion tree.
 * Checks block caching and chaining, self-modifying code, TLB fill/miss and
 * flushes, the MMIO slow path, page-crossing accesses, invalidation by
 * DMA-style writes and map changes, precise pc restore on a fault in the
 * middle of a block, interrupts, the code buffer flush, the -d logs and the
 * accelerator's vCPU thread and options.
 */
#include "tests/unit/tcg-fake-guest.h"
#include "core/log.h"
#include "accel/accel.h"
#include "tests/unit/unit.h"

/* ---- tests ---- */

static unsigned count_lines(const char *text, const char *prefix)
{
    unsigned n = 0;

    for (const char *p = text; p && (p = strstr(p, prefix)); p++) {
        n++;
    }
    return n;
}

UNIT_TEST(tcg_exec_loop_caches_and_chains)
{
    FakeEnv *env = setup();
    const uint32_t prog[] = {
        insn(OP_LI, 0, 0, 0),
        insn(OP_LI, 1, 0, 100),
        insn(OP_LI, 2, 0, 0),
        insn(OP_ADDI, 0, 0, 3),         /* 0x0c: loop */
        insn(OP_ADDI, 1, 1, -1),
        insn(OP_BNE, 1, 2, -2),
        insn(OP_EXIT, 0, 0, 0),
    };
    char *log = NULL;
    size_t loglen = 0;
    FILE *saved = machina_logfile;
    unsigned before;

    load_program(0, prog, ARRAY_SIZE(prog));
    before = n_translated;
    machina_logfile = open_memstream(&log, &loglen);
    machina_loglevel = CPU_LOG_EXEC;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    machina_loglevel = 0;
    fclose(machina_logfile);
    machina_logfile = saved;
    CHECK_EQ(env->r[0], 300);
    CHECK_EQ(env->pc, 0x1c);
    /* Blocks: [0x0,0x14], the loop [0xc,0x14], the exit: each translated once. */
    CHECK_EQ(n_translated - before, 3);
    /* The loop block chains to itself: 100 iterations, only a few trips
     * through the execution loop (each traced with -d exec). */
    CHECK(count_lines(log, "Trace 0:") >= 3);
    CHECK(count_lines(log, "Trace 0:") <= 5);
    CHECK(strstr(log, "/0000000c/") || strstr(log, "000000000000000c/"));
    free(log);

    /* Run again: everything comes from the cache. */
    setup();
    before = n_translated;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(n_translated, before);
    CHECK_EQ(fenv(cs)->r[0], 300);

    /* The loop block chained to itself, and host positions map back to it. */
    {
        TranslationBlock *loop = tb_lookup(cs, 0xc, 0, 0);
        uint64_t data[2];
        CHECK(loop);
        CHECK(loop->jmp_dest[0] == loop);
        CHECK(tb_find_by_host((uintptr_t)loop->tc_ptr + loop->tc_size - 1) == loop);
        CHECK(tb_find_by_host((uintptr_t)&data) == NULL);
        CHECK_EQ(loop->icount, 3);
        CHECK_EQ(loop->size, 12);
        CHECK(tcg_backend->insn_data(loop, 2, data));
        CHECK_EQ(data[0], 0x14);
    }
}

UNIT_TEST(tcg_exec_self_modifying_code)
{
    FakeEnv *env = setup();
    const uint32_t prog[] = {
        insn(OP_LI, 1, 0, 3),           /* 0x00: three iterations */
        insn(OP_LI, 3, 0, 0x1000),      /* 0x04: data page */
        insn_w32(OP_LD, 2, 3, 0),       /* 0x08: r2 = "addi r0, r0, 100" */
        insn(OP_LI, 5, 0, 1),           /* 0x0c */
        insn(OP_SHLI, 5, 5, 16),        /* 0x10: r5 = 1 in the imm field */
        insn(OP_LI, 0, 0, 0),           /* 0x14 */
        insn_w32(OP_ST, 2, 3, 0x1c - 0x1000),  /* 0x18: loop: patch the next insn */
        insn(OP_ADDI, 0, 0, 1),         /* 0x1c: the patched instruction */
        insn(OP_ADD, 2, 5, 0),          /* 0x20: next patch adds one more */
        insn(OP_ADDI, 1, 1, -1),        /* 0x24 */
        insn(OP_BNE, 1, 4, -4),         /* 0x28: r4 = 0 */
        insn(OP_EXIT, 0, 0, 0),         /* 0x2c */
    };
    const uint32_t patch = insn(OP_ADDI, 0, 0, 100);

    load_program(0, prog, ARRAY_SIZE(prog));
    load_program(0x1000, &patch, 1);
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    /*
     * Each store rewrites the instruction right after it in the running
     * block: the block must stop and the new instruction run (100, 101,
     * 102).  Stale code would give 1 + 100 + 101.
     */
    CHECK_EQ(env->r[0], 303);
    CHECK_EQ(env->r[1], 0);
    CHECK_EQ(env->pc, 0x30);
}

UNIT_TEST(tcg_exec_dma_write_invalidates)
{
    FakeEnv *env = setup();
    uint32_t prog[] = {
        insn(OP_LI, 0, 0, 7),
        insn(OP_EXIT, 0, 0, 0),
    };

    load_program(0x2000, prog, ARRAY_SIZE(prog));
    env->pc = 0x2000;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(env->r[0], 7);
    prog[0] = insn(OP_LI, 0, 0, 9);
    load_program(0x2000, prog, 1);         /* the code write hook fires */
    setup()->pc = 0x2000;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(fenv(cs)->r[0], 9);
}

UNIT_TEST(tcg_exec_tlb_fill_and_mmio)
{
    FakeEnv *env = setup();
    const uint32_t prog[] = {
        insn(OP_LI, 3, 0, 2),
        insn(OP_SHLI, 3, 3, 16),        /* r3 = 0x20000 (device) */
        insn(OP_LI, 1, 0, 0x1234),
        insn(OP_ST, 1, 3, 0),           /* device reg = 0x1234 */
        insn(OP_LD, 2, 3, 0),           /* reads reg + 1 */
        insn(OP_LI, 4, 0, 4),
        insn(OP_SHLI, 4, 4, 16),        /* r4 = 0x40000: RAM through the alias window */
        insn(OP_LD, 5, 4, 0x3000),      /* RAM 0x3000 */
        insn(OP_LD, 6, 4, 0x3008),      /* same page: no new fill */
        insn(OP_ST, 2, 4, 0x3010),
        insn(OP_EXIT, 0, 0, 0),
    };
    uint64_t q1 = 0x1111222233334444ULL, q2 = 0x5555666677778888ULL;
    unsigned fills;

    load_program(0x3000 - 0x3000 + 0x4000, prog, ARRAY_SIZE(prog));
    address_space_write(&as, 0x3000, MEMTXATTRS_UNSPECIFIED, &q1, 8);
    address_space_write(&as, 0x3008, MEMTXATTRS_UNSPECIFIED, &q2, 8);
    dev = (FakeDev){.bql_held_always = true};
    tlb_flush(cs);
    n_fills = 0;
    env->pc = 0x4000;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(dev.writes, 1);
    CHECK_EQ(dev.reads, 1);
    CHECK(dev.bql_held_always);
    CHECK(!bql_locked());
    CHECK_EQ(env->r[2], 0x1235);
    CHECK_EQ(env->r[5], q1);
    CHECK_EQ(env->r[6], q2);
    CHECK_EQ(ram_q(0x3010), 0x1235);
    /* Code page (fetch), device page, alias data page (load; the store hits
     * the same entry's write tag, filled by the first access). */
    fills = n_fills;
    CHECK(fills >= 3 && fills <= 4);

    /* Again without a flush: every translation is cached. */
    setup()->pc = 0x4000;
    n_fills = 0;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(n_fills, 0);
    /* After a flush the pages are filled again. */
    tlb_flush(cs);
    setup()->pc = 0x4000;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(n_fills, fills);
}

UNIT_TEST(tcg_exec_precise_fault_mid_block)
{
    FakeEnv *env = setup();
    const uint32_t prog[] = {
        insn(OP_LI, 1, 0, 5),           /* 0x5000 */
        insn(OP_ADDI, 1, 1, 1),         /* 0x5004: done before the fault */
        insn(OP_LI, 3, 0, 3),
        insn(OP_SHLI, 3, 3, 16),        /* r3 = 0x30000: unmapped */
        insn(OP_LD, 2, 3, 8),           /* 0x5010: faults */
        insn(OP_ADDI, 1, 1, 1),         /* never runs */
        insn(OP_EXIT, 0, 0, 0),
    };
    const uint32_t handler[] = {insn(OP_EXIT, 0, 0, 0)};

    load_program(0x5000, prog, ARRAY_SIZE(prog));
    load_program(HANDLER_PC, handler, 1);
    env->pc = 0x5000;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(env->excp_cause, EXCP_FAKE_FAULT);
    CHECK_EQ(env->excp_pc, 0x5010);
    CHECK_EQ(env->fault_addr, 0x30008);
    CHECK_EQ(env->r[1], 6);
    CHECK_EQ(env->pc, HANDLER_PC + 4);
}

UNIT_TEST(tcg_exec_unaligned_and_page_crossing)
{
    FakeEnv *env = setup();
    const uint32_t prog[] = {
        insn(OP_LI, 3, 0, 0x6ffc),
        insn(OP_LD, 1, 3, 0),           /* crosses into the next page */
        insn(OP_ADDI, 1, 1, 1),
        insn(OP_ST, 1, 3, 0x10),        /* 0x700c: misaligned within a page */
        insn(OP_LDA, 2, 3, 0),          /* MO_ALIGN: unaligned fault */
        insn(OP_EXIT, 0, 0, 0),
    };
    const uint32_t handler[] = {insn(OP_EXIT, 0, 0, 0)};
    const uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};

    load_program(0x7f00, prog, ARRAY_SIZE(prog));
    load_program(HANDLER_PC, handler, 1);
    address_space_write(&as, 0x6ffc, MEMTXATTRS_UNSPECIFIED, bytes, 8);
    env->pc = 0x7f00;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(env->r[1], 0x0807060504030202ULL);
    CHECK_EQ(ram_q(0x700c), 0x0807060504030202ULL);
    CHECK_EQ(env->excp_cause, EXCP_FAKE_UNALIGNED);
    CHECK_EQ(env->excp_pc, 0x7f10);
    CHECK_EQ(env->fault_addr, 0x6ffc);
}

UNIT_TEST(tcg_exec_exit_request_and_flush)
{
    FakeEnv *env = setup();
    const uint32_t prog[] = {
        insn(OP_LI, 1, 0, 1),
        insn(OP_LI, 2, 0, 0),
        insn(OP_ADDI, 0, 0, 1),         /* 0x9008: endless loop */
        insn(OP_BNE, 1, 2, -1),
    };

    load_program(0x9000, prog, ARRAY_SIZE(prog));
    env->pc = 0x9000;
    /* An exit request already pending: the first block leaves at entry. */
    cpu_exit(cs);
    CHECK_EQ(cpu_exec(cs), EXCP_INTERRUPT);
    CHECK_EQ(env->pc, 0x9000);
    CHECK_EQ(env->r[0], 0);
    /* A full flush drops every block; the loop still runs afterwards. */
    tb_flush(cs);
    cpu_interrupt(cs, CPU_INTERRUPT_EXITTB);
    CHECK_EQ(cpu_exec(cs), EXCP_INTERRUPT);
    CHECK_EQ(env->pc, 0x9000);
    cpu_reset_interrupt(cs, CPU_INTERRUPT_EXITTB);
}

/* ---- the vCPU thread ---- */

static void *exit_later(void *arg)
{
    usleep(20000);
    cpu_exit(arg);
    return NULL;
}

UNIT_TEST(tcg_exec_exit_from_another_thread)
{
    FakeEnv *env = setup();
    const uint32_t prog[] = {
        insn(OP_LI, 1, 0, 1),
        insn(OP_LI, 2, 0, 0),
        insn(OP_ADDI, 0, 0, 1),         /* 0xa008: endless chained loop */
        insn(OP_BNE, 1, 2, -1),
    };
    pthread_t t;

    load_program(0xa000, prog, ARRAY_SIZE(prog));
    env->pc = 0xa000;
    pthread_create(&t, NULL, exit_later, cs);
    CHECK_EQ(cpu_exec(cs), EXCP_INTERRUPT);
    pthread_join(t, NULL);
    CHECK(env->r[0] > 0);
    CHECK(env->pc == 0xa008);
}

UNIT_TEST(tcg_exec_dumps_ir_with_d_op)
{
    FakeEnv *env = setup();
    const uint32_t prog[] = {
        insn(OP_LI, 0, 0, 5),
        insn(OP_ADDI, 0, 0, 0),         /* x + 0: gone after optimization */
        insn(OP_EXIT, 0, 0, 0),
    };
    char *log = NULL;
    size_t loglen = 0;
    FILE *saved = machina_logfile;
    const char *opt;

    load_program(0xb000, prog, ARRAY_SIZE(prog));
    env->pc = 0xb000;
    machina_logfile = open_memstream(&log, &loglen);
    machina_loglevel = CPU_LOG_TB_IN_ASM | CPU_LOG_TB_OP | CPU_LOG_TB_OP_OPT |
                       CPU_LOG_TB_OUT_ASM;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    machina_loglevel = 0;
    fclose(machina_logfile);
    machina_logfile = saved;
    CHECK_EQ(env->r[0], 5);
    CHECK(strstr(log, "IN: \n0x0000b000:  00050001  fake op 1\n"));
    CHECK(strstr(log, "OP:\n"));
    CHECK(strstr(log, " ---- 000000000000b004 0000000000000000\n"));
    CHECK(strstr(log, " add_i64 r0,r0,$0x0\n"));
    opt = strstr(log, "OP after optimization and liveness analysis:\n");
    CHECK(opt);
    CHECK(!strstr(opt, " add_i64 r0,r0,$0x0\n"));
    CHECK(strstr(opt, " mov_i64 r0,$0x5\n"));
    CHECK(strstr(log, "OUT: [size="));
    free(log);
}

/* The accelerator's vCPU thread: run, pause (parked), resume. */
static unsigned dev_writes_locked(void)
{
    return __atomic_load_n(&dev.writes, __ATOMIC_SEQ_CST);
}

static bool wait_writes_above(unsigned n)
{
    for (int i = 0; i < 2000; i++) {
        if (dev_writes_locked() > n) {
            return true;
        }
        bql_unlock();
        usleep(1000);
        bql_lock();
    }
    return false;
}

UNIT_TEST(tcg_vcpu_thread_runs_pauses_resumes)
{
    FakeEnv *env = setup();
    const AccelOps *ops = accel_find("tcg");
    const uint32_t prog[] = {
        insn(OP_LI, 3, 0, 2),
        insn(OP_SHLI, 3, 3, 16),        /* device */
        insn(OP_LI, 1, 0, 1),
        insn(OP_LI, 2, 0, 0),
        insn(OP_ADDI, 0, 0, 1),         /* 0xc010: loop */
        insn(OP_ST, 0, 3, 0),           /* MMIO write each iteration */
        insn(OP_BNE, 1, 2, -2),
    };
    Error *err = NULL;
    unsigned seen;

    CHECK(ops);
    CHECK(ops->opts);
    load_program(0xc000, prog, ARRAY_SIZE(prog));
    env->pc = 0xc000;
    dev = (FakeDev){.bql_held_always = true};
    bql_lock();
    CHECK(ops->start_vcpus(NULL, &err));
    CHECK(err == NULL);
    CHECK(cs->stopped);                 /* CPUs start parked */
    usleep(20000);
    CHECK_EQ(dev_writes_locked(), 0);
    ops->resume_all_vcpus();
    CHECK(wait_writes_above(1000));
    ops->pause_all_vcpus();
    CHECK(cs->stopped);
    seen = dev_writes_locked();
    bql_unlock();
    usleep(20000);
    bql_lock();
    CHECK_EQ(dev_writes_locked(), seen);    /* really parked */
    ops->resume_all_vcpus();
    CHECK(wait_writes_above(seen + 1000));
    ops->pause_all_vcpus();
    CHECK(dev.bql_held_always);
    CHECK_EQ(dev.reg, fenv(cs)->r[0]);
    bql_unlock();
}

UNIT_TEST(tcg_exec_rom_and_bus_errors)
{
    FakeEnv *env = setup();
    const uint32_t prog[] = {
        insn(OP_LI, 3, 0, 5),
        insn(OP_SHLI, 3, 3, 16),        /* 0x50000: ROM */
        insn(OP_LI, 1, 0, 77),
        insn(OP_ST, 1, 3, 0),           /* dropped */
        insn(OP_LD, 2, 3, 0),
        insn(OP_LI, 3, 0, 6),
        insn(OP_SHLI, 3, 3, 16),        /* 0x60000: nothing there */
        insn(OP_LD, 4, 3, 0),           /* 0xf01c: bus error */
        insn(OP_EXIT, 0, 0, 0),
    };
    const uint32_t handler[] = {insn(OP_EXIT, 0, 0, 0)};
    const uint64_t romval = 0xabcdef;

    CHECK_EQ(address_space_write_rom(&as, ROM_BASE, MEMTXATTRS_UNSPECIFIED, &romval, 8),
             MEMTX_OK);
    load_program(0xf000, prog, ARRAY_SIZE(prog));
    load_program(HANDLER_PC, handler, 1);
    env->pc = 0xf000;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(env->r[2], romval);
    CHECK_EQ(env->excp_cause, EXCP_FAKE_BUS);
    CHECK_EQ(env->excp_pc, 0xf01c);
    CHECK_EQ(env->fault_addr, HOLE_BASE);
}

UNIT_TEST(tcg_exec_block_spanning_two_pages)
{
    FakeEnv *env = setup();
    const uint32_t prog[] = {
        insn(OP_LI, 0, 0, 1),           /* 0xeff8 */
        insn(OP_LI, 1, 0, 2),           /* 0xeffc */
        insn(OP_ADDI, 0, 0, 5),         /* 0xf000: second page */
        insn(OP_EXIT, 0, 0, 0),
    };
    uint32_t patch = insn(OP_ADDI, 0, 0, 7);
    unsigned before;

    load_program(0xeff8, prog, ARRAY_SIZE(prog));
    env->pc = 0xeff8;
    before = n_translated;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(env->r[0], 6);
    CHECK_EQ(n_translated - before, 1);     /* one block over both pages */
    /* A write to the second page drops the block. */
    load_program(0xf000, &patch, 1);
    setup()->pc = 0xeff8;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(fenv(cs)->r[0], 8);
}

UNIT_TEST(tcg_accel_options)
{
    const AccelOps *ops = accel_find("tcg");
    static const OptsList list = {.name = "accel", .implied_key = "accel"};
    Error *err = NULL;
    Opts *o;

    CHECK(ops);
    o = opts_parse(&list, "tcg,backend=llvm", &err);
    CHECK(o);
    CHECK(!ops->init(NULL, o, &err));
    CHECK(err && strstr(error_get_pretty(err), "Invalid backend 'llvm'"));
    error_free(err);
    err = NULL;
    opts_free(o);
    o = opts_parse(&list, "tcg,thread=multi", &err);
    CHECK(!ops->init(NULL, o, &err));
    CHECK(err && strstr(error_get_pretty(err), "thread=single"));
    error_free(err);
    err = NULL;
    opts_free(o);
    o = opts_parse(&list, "tcg,tb-size=2,backend=interp,thread=single", &err);
    CHECK(ops->init(NULL, o, &err));
    CHECK(err == NULL);
    opts_free(o);
    /* The re-sized cache works. */
    {
        FakeEnv *env = setup();
        const uint32_t prog[] = {insn(OP_LI, 0, 0, 42), insn(OP_EXIT, 0, 0, 0)};
        load_program(0xa800, prog, 2);
        env->pc = 0xa800;
        CHECK_EQ(run_until_exit(), EXCP_HLT);
        CHECK_EQ(env->r[0], 42);
    }
}

UNIT_TEST(tcg_exec_code_buffer_full_flushes)
{
    enum { NBLOCKS = 4000 };
    uint32_t *prog = g_new(uint32_t, 2 * NBLOCKS + 3);
    unsigned gen0;
    FakeEnv *env;
    Error *err = NULL;

    /* The smallest cache (1 MiB) and thousands of one-branch blocks. */
    tcg_exec_init(1, "interp", &err);
    CHECK(err == NULL);
    env = setup();
    prog[0] = insn(OP_LI, 1, 0, 1);
    prog[1] = insn(OP_LI, 2, 0, 0);
    for (int i = 0; i < NBLOCKS; i++) {
        prog[2 + 2 * i] = insn(OP_ADDI, 0, 0, 1);
        prog[3 + 2 * i] = insn(OP_BNE, 1, 2, 1);     /* taken: the next insn */
    }
    prog[2 + 2 * NBLOCKS] = insn(OP_EXIT, 0, 0, 0);
    load_program(0x8000, prog, 2 * NBLOCKS + 3);
    gen0 = tb_flush_generation();
    env->pc = 0x8000;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(env->r[0], NBLOCKS);
    CHECK(tb_flush_generation() > gen0);        /* the buffer filled up */
    env = setup();
    env->pc = 0x8000;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(env->r[0], NBLOCKS);
    g_free(prog);
}

UNIT_TEST(tcg_exec_memory_map_change_flushes_tlb)
{
    static MemoryRegion ram_a, ram_b;
    FakeEnv *env = setup();
    const uint32_t prog[] = {
        insn(OP_LI, 3, 0, 7),
        insn(OP_SHLI, 3, 3, 16),        /* 0x70000 */
        insn(OP_LD, 1, 3, 0),
        insn(OP_EXIT, 0, 0, 0),
    };
    Error *err = NULL;
    uint64_t a = 0xaaaa, b = 0xbbbb;

    CHECK(memory_region_init_ram(&ram_a, NULL, "ram-a", 0x1000, &err));
    CHECK(memory_region_init_ram(&ram_b, NULL, "ram-b", 0x1000, &err));
    memcpy(memory_region_get_ram_ptr(&ram_a), &a, 8);
    memcpy(memory_region_get_ram_ptr(&ram_b), &b, 8);
    bql_lock();
    memory_region_add_subregion(&sysmem, REMAP_BASE, &ram_a);
    bql_unlock();
    load_program(0x3800, prog, ARRAY_SIZE(prog));
    env->pc = 0x3800;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(env->r[1], a);
    /* Swap the page's backing: the cached TLB entry must not survive. */
    bql_lock();
    memory_region_del_subregion(&sysmem, &ram_a);
    memory_region_add_subregion(&sysmem, REMAP_BASE, &ram_b);
    bql_unlock();
    setup()->pc = 0x3800;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(fenv(cs)->r[1], b);
    bql_lock();
    memory_region_del_subregion(&sysmem, &ram_b);
    bql_unlock();
}

UNIT_TEST(tcg_exec_tlb_flush_page_and_by_mmuidx)
{
    FakeEnv *env = setup();
    const uint32_t prog[] = {
        insn(OP_LI, 4, 0, 4),
        insn(OP_SHLI, 4, 4, 16),        /* 0x40000: alias window */
        insn(OP_LD, 5, 4, 0x3000),
        insn(OP_LD, 6, 4, 0x2000),
        insn(OP_EXIT, 0, 0, 0),
    };

    load_program(0x3c00, prog, ARRAY_SIZE(prog));
    env->pc = 0x3c00;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    /* Everything cached: no fill. */
    setup()->pc = 0x3c00;
    n_fills = 0;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(n_fills, 0);
    /* One data page dropped: exactly one fill. */
    tlb_flush_page(cs, ALIAS_BASE + 0x3008);
    setup()->pc = 0x3c00;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(n_fills, 1);
    /* Another mmu_idx flushed: nothing to refill for idx 0. */
    tlb_flush_by_mmuidx(cs, 1u << 3);
    setup()->pc = 0x3c00;
    n_fills = 0;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(n_fills, 0);
    /* idx 0 flushed: code page and both data pages again. */
    tlb_flush_by_mmuidx(cs, 1u << 0);
    setup()->pc = 0x3c00;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(n_fills, 3);
}

UNIT_TEST(tcg_exec_code_in_mmio_runs_uncached)
{
    FakeEnv *env = setup();
    const uint32_t jump[] = {
        insn(OP_LI, 3, 0, 2),
        insn(OP_SHLI, 3, 3, 16),        /* 0x20000: the device */
        insn(OP_LI, 1, 0, 1),
        insn(OP_LI, 2, 0, 0),
        /* bne r1, r2 to the device: offset in words from 0x3d10 */
        insn(OP_BNE, 1, 2, (int)((IO_BASE - 0x3d10) / 4)),
    };
    unsigned before;

    CHECK((IO_BASE - 0x3d10) / 4 < 0x8000);
    /* The device answers insn(LI r0, 9) at offset 0 and 0xdead (an
     * unknown opcode: halt) elsewhere. */
    dev = (FakeDev){.reg = insn(OP_LI, 0, 0, 9) - 1, .bql_held_always = true};
    load_program(0x3d00, jump, ARRAY_SIZE(jump));
    env->pc = 0x3d00;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(env->r[0], 9);
    CHECK(dev.reads >= 2);
    CHECK(dev.bql_held_always);
    /* Not cached: running it again translates it again. */
    before = n_translated;
    setup()->pc = IO_BASE;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(fenv(cs)->r[0], 9);
    CHECK(n_translated > before);
}

static void *raise_irq_later(void *arg)
{
    usleep(20000);
    __atomic_store_n(&fenv(arg)->irq_pending, 1, __ATOMIC_RELEASE);
    cpu_interrupt(arg, CPU_INTERRUPT_HARD);
    return NULL;
}

UNIT_TEST(tcg_exec_interrupts_at_block_boundaries_and_wake_halted)
{
    FakeEnv *env = setup();
    const uint32_t loop[] = {
        insn(OP_LI, 1, 0, 1),
        insn(OP_LI, 2, 0, 0),
        insn(OP_ADDI, 0, 0, 1),         /* 0x3e08: endless chained loop */
        insn(OP_BNE, 1, 2, -1),
    };
    const uint32_t idle[] = {insn(OP_EXIT, 0, 0, 0)};
    const uint32_t handler[] = {insn(OP_EXIT, 0, 0, 0)};
    pthread_t t;
    int r;

    load_program(0x3e00, loop, ARRAY_SIZE(loop));
    load_program(0x3e80, idle, 1);
    load_program(HANDLER_PC, handler, 1);

    /* A masked pending interrupt is not taken; the loop keeps running. */
    env->pc = 0x3e00;
    env->irq_pending = 1;
    cpu_interrupt(cs, CPU_INTERRUPT_HARD);
    CHECK_EQ(cpu_exec(cs), EXCP_INTERRUPT);
    CHECK(env->excp_cause != EXCP_FAKE_IRQ);
    env->irq_pending = 0;
    cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);

    /* Enabled, raised by another thread while chained blocks run. */
    env->irq_enabled = 1;
    pthread_create(&t, NULL, raise_irq_later, cs);
    for (r = EXCP_INTERRUPT; r == EXCP_INTERRUPT;) {
        r = cpu_exec(cs);
    }
    pthread_join(t, NULL);
    CHECK_EQ(r, EXCP_HLT);
    CHECK_EQ(env->excp_cause, EXCP_FAKE_IRQ);
    CHECK(env->excp_pc == 0x3e08 || env->excp_pc == 0x3e0c);
    CHECK(env->r[0] > 0);
    cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);

    /* Halted without work: cpu_exec returns at once; an interrupt wakes it. */
    env = setup();
    env->pc = 0x3e80;
    env->irq_enabled = 1;
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK(cs->halted);
    CHECK_EQ(cpu_exec(cs), EXCP_HALTED);
    env->irq_pending = 1;
    cpu_interrupt(cs, CPU_INTERRUPT_HARD);
    CHECK_EQ(run_until_exit(), EXCP_HLT);
    CHECK_EQ(env->excp_cause, EXCP_FAKE_IRQ);
    CHECK_EQ(env->excp_pc, 0x3e84);     /* after the halting instruction */
    CHECK_EQ(env->pc, HANDLER_PC + 4);
    env->irq_pending = 0;
    cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
    cs->halted = false;
}
