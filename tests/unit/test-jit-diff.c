/*
 * Differential fuzzing of the TCG back ends: random valid RV64GC (+Zba,
 * Zbb, Zbs) instruction sequences run from the same initial state on the
 * interpreter (the oracle) and on the native x86_64 back end; the
 * architectural state afterwards (x and f registers, fflags, frm, pc,
 * mstatus, trap CSRs, a data area) must be identical.
 *
 * A program: random ALU, M, W-forms, Zb*, loads/stores (x31 points at a
 * data page, misaligned offsets included), short forward branches, jal and
 * auipc+jalr (chained and looked-up block exits), and F/D
 * arithmetic, FMA, conversions, min/max, compares, classify and moves with
 * random static rounding modes (RNE..RMM) and dyn, and fcsr/frm/fflags
 * reads and writes; initial registers come
 * from pools of boundary values (0, +-1, INT64_MIN, +-0.0, +-inf, qNaN,
 * sNaN, subnormals, conversion limits, badly NaN-boxed singles).  Traps
 * (e.g. a misaligned FP access is not one; an unused encoding would be) go
 * to a handler that skips the instruction, so a program always runs to its
 * final wfi.
 *
 * Every program also runs on the native back end with the interpreter tier
 * forced on (-accel tcg,x-tier-threshold= very large: every instruction
 * target/riscv/interp-tier.c supports is interpreted, the rest translated),
 * which must give the same state.  Some instruction slots hold two
 * compressed ALU instructions, and some hold random encodings of the
 * integer opcodes (reserved ones trap on the JIT; the tier must leave them
 * to it).
 *
 * MACHINA_JIT_FUZZ_ITERS sets the number of programs (default 1500, about a
 * second, for make check; `make fuzz-jit` runs many more);
 * MACHINA_JIT_FUZZ_SEED the first seed.  A mismatch prints the seed and the
 * program.
 */
#include "core/osdep.h"
#include "core/error.h"
#include "core/thread.h"
#include "target/riscv/internals.h"
#include "target/riscv/fpu_helper.h"
#include "target/riscv/translate-internal.h"     /* expand_rvc */
#include "tcg/tcg-backend.h"
#include "tests/unit/unit.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (1 * MiB)
#define CODE_OFS 0x1000
#define DATA_OFS 0x8000
#define DATA_SIZE 4096
#define MAX_INSNS 64

static MemoryRegion sysmem, ram;
static AddressSpace as;
static RISCVCPU *cpu;

typedef struct Snapshot {
    uint64_t gpr[32], fpr[32], pc, mstatus, mcause, mepc, mtval;
    uint32_t frm, fflags;
    uint8_t data[DATA_SIZE];
} Snapshot;

typedef struct Program {
    uint32_t insn[MAX_INSNS + 1];
    unsigned n;
    uint64_t gpr[32], fpr[32];
    uint32_t frm, fflags;
    uint8_t data[DATA_SIZE];
} Program;

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64* (Vigna): fast and good enough to pick instructions */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned rn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* ---- encoders (RISC-V unprivileged ISA, chapter 2 "Base Instruction Formats") ---- */
static uint32_t r_type(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
                       unsigned opc)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t i_type(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t s_type(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned opc)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | opc;
}

static uint32_t b_type(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 |
           f3 << 12 | ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

static uint32_t r4_type(unsigned rs3, unsigned fmt, unsigned rs2, unsigned rs1, unsigned rm,
                        unsigned rd, unsigned opc)
{
    return rs3 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | opc;
}

/* x30 belongs to the trap handler, x31 is the data pointer: never written. */
static unsigned xd(void)
{
    return rn(30);
}

static unsigned xs(void)
{
    return rn(32);
}

/* Half of the programs use few f registers, so FP results feed the next
 * FP ops (chains through the native back end's XMM shadows, flags pending
 * across several ops). */
static bool fp_narrow;

static unsigned fr(void)
{
    return fp_narrow ? rn(5) : rn(32);
}

static unsigned rm_any(void)
{
    static const unsigned rms[] = {0, 1, 2, 3, 4, 7, 7};
    return rms[rn(ARRAY_SIZE(rms))];
}

/* x31 points at the middle of the data page: 12-bit offsets reach all of it. */
static int32_t data_ofs(void)
{
    return (int32_t)rn(DATA_SIZE - 8) - DATA_SIZE / 2;
}

static uint32_t gen_int(void)
{
    static const struct { uint8_t f7, f3; } op[] = {
        {0, 0}, {0x20, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {0x20, 5}, {0, 6}, {0, 7},
        {1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7},           /* M */
        {0x10, 2}, {0x10, 4}, {0x10, 6},                                          /* Zba */
        {0x20, 7}, {0x20, 6}, {0x20, 4}, {0x05, 4}, {0x05, 5}, {0x05, 6}, {0x05, 7},
        {0x30, 1}, {0x30, 5},                                                     /* Zbb */
        {0x24, 1}, {0x14, 1}, {0x34, 1}, {0x24, 5},                               /* Zbs */
    };
    static const struct { uint8_t f7, f3; } opw[] = {
        {0, 0}, {0x20, 0}, {0, 1}, {0, 5}, {0x20, 5}, {1, 0}, {1, 4}, {1, 5}, {1, 6}, {1, 7},
        {0x04, 0}, {0x10, 2}, {0x10, 4}, {0x10, 6}, {0x30, 1}, {0x30, 5},
    };
    static const uint16_t unary[] = {0x600, 0x601, 0x602, 0x604, 0x605};   /* clz..sext.h */
    unsigned k = rn(10);
    int32_t imm = (int32_t)(rnd() & 0xfff) - 2048;

    switch (k) {
    case 0: case 1: {
        unsigned i = rn(ARRAY_SIZE(op));
        return r_type(op[i].f7, xs(), xs(), op[i].f3, xd(), 0x33);
    }
    case 2: {
        unsigned i = rn(ARRAY_SIZE(opw));
        return r_type(opw[i].f7, xs(), xs(), opw[i].f3, xd(), 0x3b);
    }
    case 3: {
        static const unsigned f3s[] = {0, 2, 3, 4, 6, 7};
        if (rn(3) == 0) {
            imm = (int32_t)rn(5) - 2;
        }
        return i_type(imm, xs(), f3s[rn(6)], xd(), 0x13);
    }
    case 4: {
        /* slli, srli, srai, rori; bseti, bclri, binvi, bexti */
        static const struct { uint16_t hi; uint8_t f3; } sh[] = {
            {0x000, 1}, {0x000, 5}, {0x400, 5}, {0x600, 5},
            {0x280, 1}, {0x480, 1}, {0x680, 1}, {0x480, 5},
        };
        unsigned i = rn(ARRAY_SIZE(sh));
        return i_type((int32_t)(sh[i].hi | rn(64)), xs(), sh[i].f3, xd(), 0x13);
    }
    case 5:
        if (rn(2)) {
            return i_type(rn(2) ? 0x6b8 : 0x287, xs(), 5, xd(), 0x13);   /* rev8, orc.b */
        }
        return i_type(unary[rn(ARRAY_SIZE(unary))], xs(), 1, xd(), 0x13);
    case 6: {
        /* addiw, slliw, srliw, sraiw, roriw, clzw/ctzw/cpopw, slli.uw */
        switch (rn(7)) {
        case 0: return i_type(imm, xs(), 0, xd(), 0x1b);
        case 1: return i_type((int32_t)rn(32), xs(), 1, xd(), 0x1b);
        case 2: return i_type((int32_t)rn(32), xs(), 5, xd(), 0x1b);
        case 3: return i_type(0x400 | (int32_t)rn(32), xs(), 5, xd(), 0x1b);
        case 4: return i_type(0x600 | (int32_t)rn(32), xs(), 5, xd(), 0x1b);
        case 5: return i_type(0x600 | (int32_t)rn(3), xs(), 1, xd(), 0x1b);
        default: return i_type(0x080 | (int32_t)rn(64), xs(), 1, xd(), 0x1b);
        }
    }
    case 7:
        return (uint32_t)(rnd() & 0xfffff000) | xd() << 7 | (rn(2) ? 0x37 : 0x17);
    case 8: {
        static const unsigned ld_f3[] = {0, 1, 2, 3, 4, 5, 6};
        return i_type(data_ofs(), 31, ld_f3[rn(7)], xd(), 0x03);
    }
    default:
        return s_type(data_ofs(), xs(), 31, rn(4), 0x23);
    }
}

/* Two compressed ALU instructions in one 4-byte slot (unprivileged spec
 * 16.5-16.6): valid expansions only, never writing x30 or x31. */
static uint16_t gen_c_alu(void)
{
    static const uint8_t kinds[][2] = {   /* quadrant, funct3 */
        {1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 4}, {2, 0}, {2, 4}, {0, 0},
    };
    for (;;) {
        unsigned k = rn(ARRAY_SIZE(kinds));
        uint16_t c = (uint16_t)(kinds[k][1] << 13 | (rnd() & 0x1ffc) | kinds[k][0]);
        unsigned rd = c >> 7 & 0x1f;
        uint32_t insn;
        if (kinds[k][0] == 2 && kinds[k][1] == 4 && (c >> 2 & 0x1f) == 0) {
            continue;           /* c.jr, c.jalr, c.ebreak */
        }
        if (kinds[k][0] != 0 && !(kinds[k][0] == 1 && kinds[k][1] == 4) && rd >= 30) {
            continue;
        }
        if (expand_rvc(NULL, c, &insn)) {
            return c;
        }
    }
}

/* A random encoding of an integer opcode: reserved ones trap (the handler
 * skips them), valid ones compute; never writing x30/x31. */
static uint32_t gen_fuzzy_int(void)
{
    static const uint8_t opc[] = {0x13, 0x1b, 0x33, 0x3b, 0x03, 0x23};
    unsigned o = opc[rn(ARRAY_SIZE(opc))];
    uint32_t insn = (uint32_t)(rnd() & 0xfffff000) | xd() << 7 | o;

    if (o == 0x03) {
        /* loads: x31-relative (in the data page), any funct3 */
        insn = (insn & 0x00007fffu) | 31u << 15 | (uint32_t)(data_ofs() & 0xfff) << 20;
    } else if (o == 0x23) {
        insn = s_type(data_ofs(), xs(), 31, rn(8), 0x23);
    }
    return insn;
}

static uint32_t gen_fp(void)
{
    unsigned fmt = rn(2);           /* 0: S, 1: D */
    unsigned k = rn(13);

    switch (k) {
    case 0: case 1: {
        static const unsigned ar[] = {0x00, 0x04, 0x08, 0x0c};      /* add sub mul div */
        return r_type(ar[rn(4)] | fmt, fr(), fr(), rm_any(), fr(), 0x53);
    }
    case 2:
        return r_type(0x2c | fmt, 0, fr(), rm_any(), fr(), 0x53);   /* fsqrt */
    case 3:
        return r_type(0x10 | fmt, fr(), fr(), rn(3), fr(), 0x53);   /* fsgnj* */
    case 4:
        return r_type(0x14 | fmt, fr(), fr(), rn(2), fr(), 0x53);   /* fmin/fmax */
    case 5:
        return r_type(0x50 | fmt, fr(), fr(), rn(3), xd(), 0x53);   /* fle flt feq */
    case 6:
        return r_type(0x60 | fmt, rn(4), fr(), rm_any(), xd(), 0x53);   /* fcvt.{w,wu,l,lu} */
    case 7:
        return r_type(0x68 | fmt, rn(4), xs(), rm_any(), fr(), 0x53);   /* fcvt.fmt.{w..} */
    case 8:
        return fmt ? r_type(0x21, 0, fr(), rm_any(), fr(), 0x53)     /* fcvt.d.s */
                   : r_type(0x20, 1, fr(), rm_any(), fr(), 0x53);    /* fcvt.s.d */
    case 9:
        switch (rn(3)) {
        case 0: return r_type(0x70 | fmt, 0, fr(), 1, xd(), 0x53);  /* fclass */
        case 1: return r_type(0x70 | fmt, 0, fr(), 0, xd(), 0x53);  /* fmv.x.{w,d} */
        default: return r_type(0x78 | fmt, 0, xs(), 0, fr(), 0x53); /* fmv.{w,d}.x */
        }
    case 10: {
        static const unsigned fma[] = {0x43, 0x47, 0x4b, 0x4f};
        return r4_type(fr(), fmt, fr(), fr(), rm_any(), fr(), fma[rn(4)]);
    }
    case 11:
        if (rn(3) == 0) {
            /* fcsr accesses: csrrs rd, csr, x0 (read), csrrw/csrrwi (write) */
            unsigned csr = 1 + rn(3), f3 = rn(3) == 0 ? 2 : rn(2) ? 1 : 5;
            unsigned src = f3 == 5 ? rn(8) : f3 == 2 ? 0 : xs();
            return csr << 20 | src << 15 | f3 << 12 | xd() << 7 | 0x73;
        }
        /* fall through */
    default:
        if (rn(2)) {
            return i_type(data_ofs(), 31, 2 + fmt, fr(), 0x07);   /* flw/fld */
        }
        return s_type(data_ofs(), fr(), 31, 2 + fmt, 0x27);       /* fsw/fsd */
    }
}

static uint64_t int_value(void)
{
    static const uint64_t pool[] = {
        0, 1, 2, 3, UINT64_MAX, 0x8000000000000000ULL, 0x7fffffffffffffffULL,
        0x80000000, 0x7fffffff, 0xffffffff, 0xffffffff80000000ULL, 63, 64, 31, 32,
        0x100000000ULL, 0xfffffffffffff800ULL,
    };
    switch (rn(4)) {
    case 0: return pool[rn(ARRAY_SIZE(pool))];
    case 1: return (uint64_t)(int64_t)(int32_t)rnd();
    case 2: return rnd() & 0xffff;
    default: return rnd();
    }
}

static uint64_t fp_value(void)
{
    static const uint64_t dpool[] = {
        0, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xbff8000000000000ULL,
        0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x7ff8000000000000ULL,
        0x7ff4000000000000ULL, 0xfff8000000000001ULL, 0x0000000000000001ULL,
        0x000fffffffffffffULL, 0x0010000000000000ULL, 0x7fefffffffffffffULL,
        0x43e0000000000000ULL, 0xc3e0000000000000ULL, 0x41e0000000000000ULL,
        0x41dfffffffc00000ULL, 0xc1e0000000200000ULL, 0x3fe0000000000000ULL,
        0x4330000000000001ULL,
        /* unsigned limits: 2^32 - 1, 2^32 - 1/2, 2^32 - 1/4, 2^32, below 2^64, 2^64 */
        0x41efffffffe00000ULL, 0x41effffffff00000ULL, 0x41effffffff80000ULL,
        0x41f0000000000000ULL, 0x43efffffffffffffULL, 0x43f0000000000000ULL,
    };
    static const uint32_t spool[] = {
        0, 0x80000000, 0x3f800000, 0xbfc00000, 0x7f800000, 0xff800000, 0x7fc00000,
        0x7fa00000, 0xffc00001, 1, 0x007fffff, 0x00800000, 0x7f7fffff, 0x5f000000,
        0xdf000000, 0x4f000000, 0xcf000000, 0x3f000000, 0x4b000001,
        0x4f7fffff, 0x4f800000, 0x5f7fffff, 0x5f800000,    /* unsigned limits */
    };
    switch (rn(8)) {
    case 0: case 1: return dpool[rn(ARRAY_SIZE(dpool))];
    case 2: case 3: return 0xffffffff00000000ULL | spool[rn(ARRAY_SIZE(spool))];
    case 4: return 0xffffffff00000000ULL | (uint32_t)rnd();
    case 5:         /* ordinary doubles near 1 (chains stay finite: the fast path) */
        return (rnd() & 0x800fffffffffffffULL) | (uint64_t)(1023 - 8 + rn(16)) << 52;
    case 6:         /* ordinary singles near 1 */
        return 0xffffffff00000000ULL | (rnd() & 0x807fffffu) | (uint32_t)(127 - 8 + rn(16)) << 23;
    default: return rn(8) ? rnd() : (rnd() & 0xffffffffULL);   /* some badly boxed */
    }
}

static void gen_program(Program *p, uint64_t seed)
{
    unsigned n, target[MAX_INSNS + 1] = {0};
    bool pair_second[MAX_INSNS + 1] = {false};

    rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
    fp_narrow = rn(2);
    n = 8 + rn(MAX_INSNS - 8);
    memset(p, 0, sizeof(*p));
    for (unsigned i = 0; i < n; i++) {
        unsigned k = rn(10);
        if (k < 5) {
            switch (rn(8)) {
            case 0:
                p->insn[i] = gen_c_alu() | (uint32_t)gen_c_alu() << 16;
                break;
            case 1:
                p->insn[i] = gen_fuzzy_int();
                break;
            default:
                p->insn[i] = gen_int();
                break;
            }
        } else if (k < 9) {
            p->insn[i] = gen_fp();
        } else if (i + 4 < n) {
            static const unsigned bf3[] = {0, 1, 4, 5, 6, 7};
            unsigned skip = 2 + rn(3), rd = xd();
            switch (rn(4)) {
            case 0:         /* jal rd, +skip*4 (direct jump: goto_tb) */
                p->insn[i] = (uint32_t)(((4 * skip) >> 1) & 0x3ff) << 21 | rd << 7 | 0x6f;
                target[i] = i + skip;
                break;
            case 1:         /* auipc rd, 0; jalr rd2, skip*4(rd) (indirect: lookup) */
                if (rd == 0) {
                    rd = 1;
                }
                p->insn[i] = rd << 7 | 0x17;
                p->insn[++i] = i_type((int32_t)(4 * skip), rd, 0, xd(), 0x67);
                pair_second[i] = true;
                target[i] = i - 1 + skip;
                break;
            default:
                p->insn[i] = b_type((int32_t)(4 * skip), xs(), xs(), bf3[rn(6)]);
                target[i] = i + skip;
                break;
            }
        } else {
            p->insn[i] = gen_int();
        }
    }
    /* A jump into the middle of auipc+jalr would jalr through a random
     * register: such jumps become nops (a pair's own jalr, too). */
    for (unsigned i = 0; i < n; i++) {
        if (target[i] && pair_second[target[i]]) {
            if (pair_second[i]) {
                p->insn[i - 1] = 0x00000013;
            }
            p->insn[i] = 0x00000013;
        }
    }
    p->insn[n] = 0x10500073;        /* wfi */
    p->n = n + 1;
    /* Some registers repeat an earlier one: equal operands (compares,
     * min/max of +-0, x - x) are where implementations tend to differ. */
    for (int r = 1; r < 30; r++) {
        p->gpr[r] = r > 1 && rn(5) == 0 ? p->gpr[rn(r - 1) + 1] : int_value();
    }
    for (int r = 0; r < 32; r++) {
        p->fpr[r] = r > 0 && rn(4) == 0 ? p->fpr[rn(r)] : fp_value();
    }
    p->frm = rn(5);
    p->fflags = rn(4) ? 0 : rn(32);
    for (unsigned i = 0; i < DATA_SIZE; i += 8) {
        uint64_t v = rn(2) ? fp_value() : int_value();
        memcpy(&p->data[i], &v, 8);
    }
}

/* csrr x30, mepc; addi x30, x30, 4; csrw mepc, x30; mret */
static const uint32_t handler[] = {0x34102f73, 0x004f0f13, 0x341f1073, 0x30200073};

static void machine_init(void)
{
    Error *err = NULL;

    if (cpu) {
        return;
    }
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
}

/*
 * A program that loops (a fuzzer bug) must fail, not hang: a watchdog asks
 * the hart to leave generated code now and then, so cpu_exec returns and
 * run_on's bound on cpu_exec calls ends the run.
 */
static volatile bool watchdog_on;

static gpointer watchdog(gpointer unused)
{
    while (watchdog_on) {
        g_usleep(20 * 1000);
        cpu_exit(CPU(cpu));
    }
    return NULL;
}

/* The interpreter tier's threshold for native runs: 0 (off) or forced on. */
#define TIER_OFF 0
#define TIER_ALL 0x10000000u

static bool run_on(const char *backend, unsigned tier, const Program *p, Snapshot *out)
{
    CPURISCVState *env = &cpu->env;
    Error *err = NULL;
    int r = -1;

    tcg_set_tier_threshold(tier);
    tcg_exec_init(16, backend, &err);
    if (err) {
        error_free(err);
        return false;
    }
    address_space_write(&as, RAM_BASE, MEMTXATTRS_UNSPECIFIED, handler, sizeof(handler));
    address_space_write(&as, RAM_BASE + CODE_OFS, MEMTXATTRS_UNSPECIFIED, p->insn,
                        p->n * 4);
    address_space_write(&as, RAM_BASE + DATA_OFS, MEMTXATTRS_UNSPECIFIED, p->data,
                        DATA_SIZE);
    riscv_cpu_reset_env(cpu);
    CPU(cpu)->halted = false;
    memcpy(env->gpr, p->gpr, sizeof(env->gpr));
    env->gpr[0] = 0;
    env->gpr[30] = 0;
    env->gpr[31] = RAM_BASE + DATA_OFS + DATA_SIZE / 2;
    memcpy(env->fpr, p->fpr, sizeof(env->fpr));
    env->frm = p->frm;
    env->fflags = p->fflags;
    env->mstatus |= MSTATUS_FS & (1ULL << MSTATUS_FS_SHIFT);    /* FS = Initial */
    env->mtvec = RAM_BASE;
    env->pc = RAM_BASE + CODE_OFS;
    bql_lock();
    for (int i = 0; i < 200; i++) {
        r = cpu_exec(CPU(cpu));
        if (r == EXCP_HLT || CPU(cpu)->halted) {
            break;
        }
    }
    bql_unlock();
    memset(out, 0, sizeof(*out));
    memcpy(out->gpr, env->gpr, sizeof(out->gpr));
    memcpy(out->fpr, env->fpr, sizeof(out->fpr));
    out->pc = env->pc;
    out->mstatus = env->mstatus;
    out->mcause = env->mcause;
    out->mepc = env->mepc;
    out->mtval = env->mtval;
    out->frm = env->frm;
    out->fflags = env->fflags;
    address_space_read(&as, RAM_BASE + DATA_OFS, MEMTXATTRS_UNSPECIFIED, out->data,
                       DATA_SIZE);
    return CPU(cpu)->halted;
}

/* The native run being compared (for reports and minimize). */
static unsigned cmp_tier;

static void report(const Program *p, uint64_t seed, const char *what, unsigned i,
                   uint64_t want, uint64_t got)
{
    fprintf(stderr, "# jit-diff: seed %" PRIu64 ": %s[%u] interp %016" PRIx64
            " native%s %016" PRIx64 "\n# program:", seed, what, i, want,
            cmp_tier ? "+tier" : "", got);
    for (unsigned k = 0; k < p->n; k++) {
        fprintf(stderr, "%s%08x", k % 8 ? " " : "\n#   ", p->insn[k]);
    }
    fprintf(stderr, "\n");
}

/* 0 if equal, else reports the first difference. */
static int compare(const Program *p, uint64_t seed, const Snapshot *a, const Snapshot *b)
{
    for (unsigned i = 0; i < 32; i++) {
        if (a->gpr[i] != b->gpr[i]) {
            report(p, seed, "x", i, a->gpr[i], b->gpr[i]);
            return 1;
        }
        if (a->fpr[i] != b->fpr[i]) {
            report(p, seed, "f", i, a->fpr[i], b->fpr[i]);
            return 1;
        }
    }
#define CMP(f) if (a->f != b->f) { report(p, seed, #f, 0, a->f, b->f); return 1; }
    CMP(pc) CMP(mstatus) CMP(mcause) CMP(mepc) CMP(mtval) CMP(frm) CMP(fflags)
#undef CMP
    for (unsigned i = 0; i < DATA_SIZE; i += 8) {
        uint64_t x, y;
        memcpy(&x, &a->data[i], 8);
        memcpy(&y, &b->data[i], 8);
        if (x != y) {
            report(p, seed, "data", i, x, y);
            return 1;
        }
    }
    return 0;
}

/*
 * Shrink a failing program for the report: replace instructions by nops
 * while the back ends still disagree.
 */
static void minimize(Program *p, uint64_t seed, Snapshot *a, Snapshot *b)
{
    FILE *saved = stderr;

    for (unsigned i = 0; i + 1 < p->n; i++) {
        uint32_t old = p->insn[i];
        int differs;
        p->insn[i] = 0x00000013;        /* nop */
        run_on("interp", TIER_OFF, p, a);
        run_on("native", cmp_tier, p, b);
        stderr = fopen("/dev/null", "w");
        differs = compare(p, seed, a, b);
        fclose(stderr);
        stderr = saved;
        if (!differs) {
            p->insn[i] = old;
        }
    }
    run_on("interp", TIER_OFF, p, a);
    run_on("native", cmp_tier, p, b);
    fprintf(stderr, "# minimized:\n");
    compare(p, seed, a, b);
}

static unsigned env_uint(const char *name, unsigned dflt)
{
    const char *s = getenv(name);

    return s && *s ? (unsigned)strtoul(s, NULL, 0) : dflt;
}

UNIT_TEST(jit_diff_random_programs_match_interpreter)
{
    unsigned iters = env_uint("MACHINA_JIT_FUZZ_ITERS", 1500);
    uint64_t seed0 = env_uint("MACHINA_JIT_FUZZ_SEED", 1);
    unsigned bad = 0, halted = 0;
    GThread *dog;
    Program *p = g_new(Program, 1);
    Snapshot *a = g_new(Snapshot, 1), *b = g_new(Snapshot, 1);

    machine_init();
    if (!tcg_backend_find("native")) {
        printf("# SKIP native back end not usable on this host\n");
        goto out;
    }
    watchdog_on = true;
    dog = g_thread_new("jit-diff-watchdog", watchdog, NULL);
    for (unsigned i = 0; i < iters && bad < 5; i++) {
        uint64_t seed = seed0 + i;
        bool ha, hb;
        gen_program(p, seed);
        ha = run_on("interp", TIER_OFF, p, a);
        for (int t = 0; t < 2; t++) {
            cmp_tier = t ? TIER_ALL : TIER_OFF;
            hb = run_on("native", cmp_tier, p, b);
            CHECK(ha == hb);
            if (!ha || !hb) {
                fprintf(stderr, "# jit-diff: seed %" PRIu64 ": program did not halt%s\n",
                        seed, cmp_tier ? " (tier)" : "");
                bad++;
            } else if (compare(p, seed, a, b)) {
                bad++;
                minimize(p, seed, a, b);
            }
        }
        halted += ha;
    }
    cmp_tier = TIER_OFF;
    tcg_set_tier_threshold(TCG_TIER_THRESHOLD_DEFAULT);
    watchdog_on = false;
    g_thread_join(dog);
    CHECK_EQ(bad, 0);
    CHECK_EQ(halted, iters);        /* every program ran to its wfi */
out:
    g_free(p);
    g_free(a);
    g_free(b);
}

/* The fuzzer's own sanity: the two runs see a program's effects at all. */
UNIT_TEST(jit_diff_runs_programs)
{
    Program *p = g_new0(Program, 1);
    Snapshot *s = g_new(Snapshot, 1);

    machine_init();
    p->insn[0] = i_type(5, 0, 0, 10, 0x13);           /* addi a0, zero, 5 */
    p->insn[1] = s_type(8, 10, 31, 3, 0x23);          /* sd a0, 8(x31) */
    p->insn[2] = r_type(0x01, 10, 10, 0, 11, 0x33);   /* mul a1, a0, a0 */
    p->insn[3] = 0x10500073;
    p->n = 4;
    for (int k = 0; k < 3; k++) {      /* interp, native, native + tier */
        const char *be = k ? "native" : "interp";
        if (!tcg_backend_find(be)) {
            continue;
        }
        CHECK(run_on(be, k == 2 ? TIER_ALL : TIER_OFF, p, s));
        CHECK_EQ(s->gpr[10], 5);
        CHECK_EQ(s->gpr[11], 25);
        CHECK_EQ(s->data[DATA_SIZE / 2 + 8], 5);
        CHECK_EQ(s->pc, RAM_BASE + CODE_OFS + 16);
    }
    g_free(p);
    g_free(s);
}

/*
 * Lazy FP flags (docs/jit.md): inexact left pending by one block must reach
 * a frflags in the next (after a chained jal), a cleared fflags must not get
 * back flags raised before the clear, and flags raised before a helper call
 * and before the block returns must be in fflags, on both back ends, with
 * the values the spec gives (11.2), not just equal ones.
 */
UNIT_TEST(jit_diff_fp_flags_across_blocks_and_calls)
{
    Program *p = g_new0(Program, 1);
    Snapshot *s = g_new(Snapshot, 1);
    unsigned i = 0;

    machine_init();
    p->fpr[1] = 0x3ff0000000000000ULL;                    /* 1.0 */
    p->fpr[2] = 0x4008000000000000ULL;                    /* 3.0 */
    p->fpr[3] = 0x3fe0000000000000ULL;                    /* 0.5 */
    /* Four times round a loop: from the third the blocks are chained, so the
     * inexact of the first block reaches the second without a return to C. */
    p->insn[i++] = i_type(4, 0, 0, 5, 0x13);              /* li t0, 4 */
    p->insn[i++] = r_type(0x0d, 2, 1, 0, 5, 0x53);        /* loop: fdiv.d f5, f1, f2: NX */
    p->insn[i++] = (uint32_t)((8 >> 1) & 0x3ff) << 21 | 0x6f;    /* jal x0, +8 */
    p->insn[i++] = 0x00000013;                            /* (skipped) */
    p->insn[i++] = r_type(0x01, 3, 3, 0, 6, 0x53);        /* fadd.d f6, f3, f3: exact */
    p->insn[i++] = 1 << 20 | 2 << 12 | 10 << 7 | 0x73;    /* frflags a0 */
    p->insn[i++] = 1 << 20 | 5 << 12 | 0x73;              /* csrwi fflags, 0 */
    p->insn[i++] = r_type(0x09, 3, 3, 7, 7, 0x53);        /* fmul.d f7, f3, f3, dyn: exact */
    p->insn[i++] = 1 << 20 | 2 << 12 | 11 << 7 | 0x73;    /* frflags a1 */
    p->insn[i++] = i_type(-1, 5, 0, 5, 0x13);             /* addi t0, t0, -1 */
    p->insn[i] = b_type(-4 * (int32_t)(i - 1), 0, 5, 1);  /* bnez t0, loop */
    i++;
    p->insn[i++] = r_type(0x0d, 4, 1, 0, 8, 0x53);        /* fdiv.d f8, f1, f4 (0): DZ */
    p->insn[i++] = r_type(0x71, 0, 8, 1, 12, 0x53);       /* fclass.d a2, f8 */
    p->insn[i++] = r4_type(3, 1, 2, 1, 0, 9, 0x43);       /* fmadd.d f9, f1, f2, f3 = 3.5 */
    p->insn[i++] = r_type(0x61, 1, 2, 1, 13, 0x53);       /* fcvt.wu.d a3, f2, rtz = 3 */
    p->insn[i++] = 0x10500073;                            /* wfi */
    p->n = i;
    for (int k = 0; k < 3; k++) {      /* interp, native, native + tier */
        const char *be = k ? "native" : "interp";
        if (!tcg_backend_find(be)) {
            continue;
        }
        CHECK(run_on(be, k == 2 ? TIER_ALL : TIER_OFF, p, s));
        CHECK_EQ(s->gpr[10], FFLAG_NX);
        CHECK_EQ(s->gpr[11], 0);
        CHECK_EQ(s->fflags, FFLAG_DZ);
        CHECK_EQ(s->gpr[12], 1u << 7);                    /* +inf */
        CHECK_EQ(s->fpr[8], 0x7ff0000000000000ULL);
        CHECK_EQ(s->fpr[9], 0x400c000000000000ULL);
        CHECK_EQ(s->gpr[13], 3);
        CHECK_EQ(s->fpr[5], 0x3fd5555555555555ULL);       /* 1/3 rounded to nearest */
    }
    g_free(p);
    g_free(s);
}
