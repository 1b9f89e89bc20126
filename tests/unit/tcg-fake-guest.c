/* The fake guest of the execution-loop tests: see tcg-fake-guest.h. */
#include "tests/unit/tcg-fake-guest.h"
#include "core/log.h"
#include "tests/unit/unit.h"

static TCGv cpu_r[8], cpu_pc;
unsigned n_translated, n_fills;

/* ---- helpers ---- */

static void helper_halt(void *envp)
{
    FakeCPU *fc = container_of((FakeEnv *)envp, FakeCPU, env);
    CPUState *cs = &fc->parent_obj;

    cs->halted = true;
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}
static const TCGHelperInfo info_halt = TCG_HELPER(helper_halt, 1, false, TCG_CALL_MAY_RAISE);

/* ---- translator ---- */

static void gen_goto(TranslationBlock *tb, unsigned n, uint64_t dest)
{
    tcg_gen_goto_tb(n);
    tcg_gen_movi(cpu_pc, (int64_t)dest);
    tcg_gen_exit_tb(tb, n);
}

static void fake_translate(CPUState *cs, TranslationBlock *tb, int max_insns)
{
    uint64_t pc = tb->pc;
    int n = 0;
    bool done = false;

    n_translated++;
    while (!done) {
        uint32_t w = cpu_ldl_code(cs, pc);
        int op = w & 0xff, rd = (w >> 8) & 7, rs = (w >> 11) & 7;
        int64_t imm = (int16_t)(w >> 16);
        MemOp mo = (w & (1u << 14)) ? MO_UL : MO_UQ;
        TCGv addr;
        TCGLabel *l;

        tcg_gen_insn_start(pc, 0);
        n++;
        switch (op) {
        case OP_LI:
            tcg_gen_movi(cpu_r[rd], imm);
            break;
        case OP_ADDI:
            tcg_gen_addi(cpu_r[rd], cpu_r[rs], imm);
            break;
        case OP_ADD:
            tcg_gen_add(cpu_r[rd], cpu_r[rd], cpu_r[rs]);
            break;
        case OP_SHLI:
            tcg_gen_shli(cpu_r[rd], cpu_r[rs], imm & 63);
            break;
        case OP_LD:
        case OP_LDA:
        case OP_ST:
            addr = tcg_temp_new();
            tcg_gen_addi(addr, cpu_r[rs], imm);
            if (op == OP_ST) {
                tcg_gen_qemu_st(cpu_r[rd], addr, 0, mo);
            } else {
                tcg_gen_qemu_ld(cpu_r[rd], addr, 0, op == OP_LDA ? MO_UQ | MO_ALIGN : mo);
            }
            break;
        case OP_BNE:
            l = gen_new_label();
            tcg_gen_brcond(TCG_COND_EQ, cpu_r[rd], cpu_r[rs], l);
            gen_goto(tb, 0, pc + imm * 4);
            gen_set_label(l);
            gen_goto(tb, 1, pc + 4);
            done = true;
            break;
        case OP_EXIT:
        default:
            tcg_gen_movi(cpu_pc, (int64_t)pc + 4);
            tcg_gen_call1(&info_halt, TCG_NO_RET, tcg_env);
            done = true;
            break;
        }
        pc += 4;
        if (!done && (n >= max_insns ||
                      ((pc & ~TARGET_PAGE_MASK) == 0 && (pc < CROSS_BASE || n > 2)))) {
            gen_goto(tb, 0, pc);
            done = true;
        }
    }
    tb->size = (uint16_t)(pc - tb->pc);
    tb->icount = (uint16_t)n;
}

/* ---- the other hooks ---- */

static void fake_get_tb_cpu_state(CPUState *cs, vaddr *pc, uint32_t *flags)
{
    *pc = fenv(cs)->pc;
    *flags = 0;
}

static int fake_mmu_index(CPUState *cs, bool ifetch)
{
    return 0;
}

static bool fake_tlb_fill(CPUState *cs, vaddr addr, int size, MMUAccessType type,
                          int mmu_idx, bool probe, uintptr_t ra)
{
    hwaddr pa;

    if (addr < RAM_SIZE || (addr >= IO_BASE && addr < IO_BASE + 0x1000) ||
        (addr >= ROM_BASE && addr < HOLE_BASE + 0x1000) ||
        (addr >= REMAP_BASE && addr < REMAP_BASE + 0x1000)) {
        pa = addr;
    } else if (addr >= ALIAS_BASE && addr < ALIAS_BASE + RAM_SIZE) {
        pa = addr - ALIAS_BASE;
    } else {
        if (probe) {
            return false;
        }
        fenv(cs)->fault_addr = addr;
        cpu_raise_exception_ra(cs, EXCP_FAKE_FAULT, ra);
    }
    n_fills++;
    tlb_set_page(cs, addr, pa, MEMTXATTRS_UNSPECIFIED, PAGE_READ | PAGE_WRITE | PAGE_EXEC,
                 mmu_idx, TARGET_PAGE_SIZE);
    return true;
}

static void fake_do_interrupt(CPUState *cs)
{
    FakeEnv *env = fenv(cs);

    env->excp_pc = env->pc;
    env->excp_cause = (uint64_t)cs->exception_index;
    env->pc = HANDLER_PC;
}

static bool fake_has_work(CPUState *cs)
{
    return __atomic_load_n(&fenv(cs)->irq_pending, __ATOMIC_ACQUIRE) != 0;
}

static bool fake_cpu_exec_interrupt(CPUState *cs, int request)
{
    FakeEnv *env = fenv(cs);

    if ((request & CPU_INTERRUPT_HARD) && env->irq_enabled &&
        __atomic_load_n(&env->irq_pending, __ATOMIC_ACQUIRE)) {
        env->irq_enabled = 0;               /* masked inside the handler */
        cs->exception_index = EXCP_FAKE_IRQ;
        fake_do_interrupt(cs);
        cs->exception_index = EXCP_NONE;
        return true;
    }
    return false;
}

static NORETURN void fake_do_unaligned_access(CPUState *cs, vaddr addr, MMUAccessType type,
                                     int mmu_idx, uintptr_t ra)
{
    fenv(cs)->fault_addr = addr;
    cpu_raise_exception_ra(cs, EXCP_FAKE_UNALIGNED, ra);
}

static void fake_do_transaction_failed(CPUState *cs, hwaddr pa, vaddr addr, unsigned size,
                                       MMUAccessType type, int mmu_idx, MemTxResult r,
                                       uintptr_t ra)
{
    fenv(cs)->fault_addr = addr;
    cpu_raise_exception_ra(cs, EXCP_FAKE_BUS, ra);
}

static void fake_restore_state_to_opc(CPUState *cs, const TranslationBlock *tb,
                                      const uint64_t *data)
{
    fenv(cs)->pc = data[0];
}

static void fake_disas_log(CPUState *cs, vaddr pc, const uint8_t *code, size_t len)
{
    for (size_t i = 0; i + 4 <= len; i += 4) {
        uint32_t w;
        memcpy(&w, code + i, 4);
        qemu_log("0x%08" PRIx64 ":  %08x  fake op %u\n", pc + i, w, w & 0xff);
    }
}

static const TCGCPUOps fake_tcg_ops = {
    .disas_log = fake_disas_log,
    .cpu_exec_interrupt = fake_cpu_exec_interrupt,
    .get_tb_cpu_state = fake_get_tb_cpu_state,
    .translate_code = fake_translate,
    .do_interrupt = fake_do_interrupt,
    .mmu_index = fake_mmu_index,
    .has_work = fake_has_work,
    .tlb_fill = fake_tlb_fill,
    .do_unaligned_access = fake_do_unaligned_access,
    .do_transaction_failed = fake_do_transaction_failed,
    .restore_state_to_opc = fake_restore_state_to_opc,
};

static void fake_cpu_instance_init(Object *obj)
{
    FakeCPU *fc = (FakeCPU *)obj;

    fc->parent_obj.env_ptr = &fc->env;
    fc->parent_obj.tcg_ops = &fake_tcg_ops;
}

static const TypeInfo fake_cpu_info = {
    .name = TYPE_FAKE_CPU,
    .parent = TYPE_CPU,
    .instance_size = sizeof(FakeCPU),
    .instance_init = fake_cpu_instance_init,
};

static void fake_register(void)
{
    type_register_static(&fake_cpu_info);
}
type_init(fake_register)

/* ---- the machine: RAM at 0, a register device at IO_BASE ---- */



static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    FakeDev *d = opaque;

    d->reads++;
    d->bql_held_always &= bql_locked();
    return addr == 0 ? d->reg + 1 : 0xdead;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    FakeDev *d = opaque;

    d->writes++;
    d->bql_held_always &= bql_locked();
    if (addr == 0) {
        d->reg = val;
    }
}

static const MemoryRegionOps dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 1, .max_access_size = 8},
    .impl = {.min_access_size = 1, .max_access_size = 8},
};

MemoryRegion sysmem;
static MemoryRegion ram, io, rom;
AddressSpace as;
FakeDev dev;
CPUState *cs;

FakeEnv *setup(void)
{
    if (!cs) {
        Error *err = NULL;
        memory_region_init(&sysmem, NULL, "sys", UINT64_MAX);
        CHECK(memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &err));
        memory_region_init_io(&io, NULL, &dev_ops, &dev, "dev", 0x1000);
        memory_region_add_subregion(&sysmem, 0, &ram);
        memory_region_add_subregion(&sysmem, IO_BASE, &io);
        CHECK(memory_region_init_rom(&rom, NULL, "rom", 0x1000, &err));
        memory_region_add_subregion(&sysmem, ROM_BASE, &rom);
        address_space_init(&as, &sysmem, "fake");
        tcg_exec_init(1, "interp", &err);
        CHECK(err == NULL);
        for (int i = 0; i < 8; i++) {
            static const char *const names[] = {"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"};
            cpu_r[i] = tcg_global_mem_new(offsetof(FakeEnv, r) + 8 * i, names[i]);
        }
        cpu_pc = tcg_global_mem_new(offsetof(FakeEnv, pc), "pc");
        cs = CPU(object_new(TYPE_FAKE_CPU));
        cs->as = &as;
        cpu_exec_realizefn(cs, &err);
        CHECK(err == NULL);
    }
    memset(fenv(cs), 0, sizeof(FakeEnv));
    cs->halted = false;
    cs->exception_index = EXCP_NONE;
    return fenv(cs);
}

void load_program(hwaddr at, const uint32_t *code, size_t n)
{
    /* Through the address space, as a loader or DMA would write. */
    CHECK_EQ(address_space_write(&as, at, MEMTXATTRS_UNSPECIFIED, code, n * 4), MEMTX_OK);
}

uint64_t ram_q(hwaddr a)
{
    uint64_t v = 0;

    address_space_read(&as, a, MEMTXATTRS_UNSPECIFIED, &v, 8);
    return v;
}

int run_until_exit(void)
{
    int r;

    for (int i = 0; i < 1000; i++) {
        r = cpu_exec(cs);
        if (r != EXCP_INTERRUPT) {
            return r;
        }
    }
    return -1;
}
