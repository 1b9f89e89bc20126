/*
 * The interpreter tier: RV64I, M, Zba/Zbb/Zbs and their compressed forms,
 * executed directly on CPURISCVState for blocks that have run only a few
 * times (most boot code runs once; translating it costs ~2.5 us a block).
 *
 * Scope is deliberately small: the instructions whose meaning is plain
 * integer arithmetic, loads/stores and control transfers.  Everything else
 * (A, F/D including the compressed FP loads/stores, SYSTEM, fence.i,
 * reserved and illegal encodings, a 32-bit instruction crossing the page,
 * a jump to a misaligned target without C) stops the interpreter *before*
 * the instruction, and the loop translates from there, so the JIT keeps
 * every trap and every state change that ends a block.
 *
 * Equivalence with the translator (translate-rvi.c, -rvm.c, -zb.c,
 * -rvc.c), which this file mirrors decoder by decoder:
 *  - the decode order is the translator's (decode_insn32: I, then M, then
 *    Zb on the shared opcodes), and compressed encodings are expanded by
 *    the translator's own expand_rvc, so both see the same instruction;
 *  - fetches go through the code TLB (execute permission): a clean hit is
 *    read directly, a miss is filled by get_page_addr_code as tb_gen_code
 *    does (raising the fetch fault with env->pc = pc), and only for the
 *    first instruction: later ones stop at a miss;
 *  - loads and stores hit the soft TLB inline exactly as the generated
 *    fast path does ((addr & (page mask | size - 1)) == tag: any flag,
 *    misalignment or miss fails the compare), and otherwise call the same
 *    slow path (cpu_ld_mmu/cpu_st_mmu without MO_ALIGN: page faults,
 *    misaligned splitting, MMIO under the BQL, code invalidation through
 *    the not-dirty path) with env->pc already at the instruction, which is
 *    all cpu_loop_exit needs: registers are written only after an access
 *    succeeds, so a faulting load leaves rd unchanged;
 *  - the counters (cycle/instret) derive from the virtual clock (csr.c),
 *    not from executed instructions, so nothing is counted here.
 * Code is re-read from guest memory at every execution, so stores into
 * code the interpreter runs next are seen at once.
 */
#include "target/riscv/interp-tier.h"
#include "target/riscv/translate-internal.h"
#include "accel/tcg/internal.h"      /* get_page_addr_code, as tb_gen_code */

static inline unsigned tier_tlb_index(uint64_t addr)
{
    return (addr >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1);
}

/* A load as generated code does it: inline TLB hit, else the slow path. */
static inline uint64_t tier_ld(CPUState *cs, CPURISCVState *env, uint64_t pc,
                               uint64_t addr, MemOp op, int mmu_idx)
{
    unsigned size = memop_size(op);
    CPUTLBEntry *e = &cs->tlb.table[mmu_idx][tier_tlb_index(addr)];

    if ((addr & (TARGET_PAGE_MASK | (size - 1))) == e->addr_read) {
        return memop_host_load((const void *)(uintptr_t)(addr + e->addend), op);
    }
    env->pc = pc;       /* the slow path may raise: precise state */
    return cpu_ld_mmu(cs, addr, op | MO_LE, mmu_idx, 0);
}

static inline void tier_st(CPUState *cs, CPURISCVState *env, uint64_t pc, uint64_t addr,
                           uint64_t val, MemOp op, int mmu_idx)
{
    unsigned size = memop_size(op);
    CPUTLBEntry *e = &cs->tlb.table[mmu_idx][tier_tlb_index(addr)];

    if ((addr & (TARGET_PAGE_MASK | (size - 1))) == e->addr_write) {
        memcpy((void *)(uintptr_t)(addr + e->addend), &val, size);  /* little-endian host */
        return;
    }
    env->pc = pc;
    cpu_st_mmu(cs, addr, val, op | MO_LE, mmu_idx, 0);
}

static inline uint64_t sext32(uint64_t v)
{
    return (uint64_t)(int64_t)(int32_t)v;
}

/* The IR's total division (translate-rvm.c): x/0 = -1, x%0 = x,
 * INT64_MIN / -1 = INT64_MIN remainder 0 (unprivileged spec 13.2). */
static inline uint64_t div_s(uint64_t a, uint64_t b)
{
    if (b == 0) {
        return UINT64_MAX;
    }
    if ((int64_t)a == INT64_MIN && (int64_t)b == -1) {
        return a;
    }
    return (uint64_t)((int64_t)a / (int64_t)b);
}

static inline uint64_t rem_s(uint64_t a, uint64_t b)
{
    if (b == 0) {
        return a;
    }
    if ((int64_t)a == INT64_MIN && (int64_t)b == -1) {
        return 0;
    }
    return (uint64_t)((int64_t)a % (int64_t)b);
}

static inline uint64_t rotl64(uint64_t v, unsigned n)
{
    n &= 63;
    return n ? (v << n) | (v >> (64 - n)) : v;
}

static inline uint64_t rotr64(uint64_t v, unsigned n)
{
    n &= 63;
    return n ? (v >> n) | (v << (64 - n)) : v;
}

/* RV64I ALU ops shared by OP and OP-IMM (funct3 0, 2, 3, 4, 6, 7). */
static inline bool alu(int f3, uint64_t a, uint64_t b, uint64_t *r)
{
    switch (f3) {
    case 0: *r = a + b; return true;
    case 2: *r = (int64_t)a < (int64_t)b; return true;
    case 3: *r = a < b; return true;
    case 4: *r = a ^ b; return true;
    case 6: *r = a | b; return true;
    case 7: *r = a & b; return true;
    }
    return false;
}

/* translate-rvi.c gen_op_imm */
static inline bool op_imm_i(uint32_t insn, uint64_t a, bool word, uint64_t *r)
{
    int f3 = insn_funct3(insn);
    unsigned shamt = extract32(insn, 20, word ? 5 : 6);
    unsigned hi = extract32(insn, word ? 25 : 26, word ? 7 : 6);

    uint64_t v;

    /* The W forms compute on the low 32 bits and sign-extend (2.4). */
    switch (f3) {
    case 0:
        if (!word) {
            return alu(f3, a, (uint64_t)imm_i(insn), r);
        }
        v = a + (uint64_t)imm_i(insn);
        break;
    case 1:
        if (hi != 0) {
            return false;
        }
        v = a << shamt;
        break;
    case 5:
        if (hi == 0) {
            v = word ? (uint32_t)a >> shamt : a >> shamt;
        } else if (hi == (word ? 0x20u : 0x10u)) {
            v = word ? (uint64_t)((int64_t)(int32_t)a >> shamt) : (uint64_t)((int64_t)a >> shamt);
        } else {
            return false;
        }
        break;
    default:
        return word ? false : alu(f3, a, (uint64_t)imm_i(insn), r);
    }
    *r = word ? sext32(v) : v;
    return true;
}

/* translate-rvi.c gen_op */
static inline bool op_i(uint32_t insn, uint64_t a, uint64_t b, bool word, uint64_t *r)
{
    int f7 = insn_funct7(insn), f3 = insn_funct3(insn);

    if (f7 != 0 && f7 != 0x20) {
        return false;
    }
    if (f7 == 0x20 && f3 != 0 && f3 != 5) {
        return false;
    }
    if (word) {
        switch (f3) {
        case 0: *r = sext32(f7 ? a - b : a + b); return true;
        case 1: *r = sext32(a << (b & 31)); return true;
        case 5:
            *r = f7 ? sext32((uint64_t)((int64_t)(int32_t)a >> (b & 31)))
                    : sext32((uint32_t)a >> (b & 31));
            return true;
        }
        return false;
    }
    switch (f3) {
    case 0: *r = f7 ? a - b : a + b; return true;
    case 1: *r = a << (b & 63); return true;
    case 5: *r = f7 ? (uint64_t)((int64_t)a >> (b & 63)) : a >> (b & 63); return true;
    }
    return alu(f3, a, b, r);
}

/* translate-rvm.c decode_rvm (funct7 = 1 already checked) */
static inline bool op_m(int f3, uint64_t a, uint64_t b, bool word, uint64_t *r)
{
    if (word) {
        bool is_unsigned = f3 == 5 || f3 == 7;
        uint64_t wa = is_unsigned ? (uint32_t)a : sext32(a);
        uint64_t wb = is_unsigned ? (uint32_t)b : sext32(b);
        switch (f3) {
        case 0: *r = sext32(wa * wb); return true;
        case 4: *r = sext32(div_s(wa, wb)); return true;
        case 5: *r = sext32(wb ? wa / wb : UINT64_MAX); return true;
        case 6: *r = sext32(rem_s(wa, wb)); return true;
        case 7: *r = sext32(wb ? wa % wb : wa); return true;
        }
        return false;
    }
    switch (f3) {
    case 0: *r = a * b; return true;
    case 1: *r = (uint64_t)(((__int128)(int64_t)a * (int64_t)b) >> 64); return true;
    case 2: *r = (uint64_t)(((__int128)(int64_t)a * (unsigned __int128)b) >> 64); return true;
    case 3: *r = (uint64_t)(((unsigned __int128)a * b) >> 64); return true;
    case 4: *r = div_s(a, b); return true;
    case 5: *r = b ? a / b : UINT64_MAX; return true;
    case 6: *r = rem_s(a, b); return true;
    case 7: *r = b ? a % b : a; return true;
    }
    return false;
}

static inline uint64_t orc_b(uint64_t a)
{
    uint64_t r = 0;

    for (int i = 0; i < 64; i += 8) {
        if ((a >> i) & 0xff) {
            r |= 0xffULL << i;
        }
    }
    return r;
}

static inline uint64_t tier_clz(uint64_t a) { return a ? (uint64_t)__builtin_clzll(a) : 64; }
static inline uint64_t tier_ctz(uint64_t a) { return a ? (uint64_t)__builtin_ctzll(a) : 64; }

/* 32-bit rotate of the low word, sign-extended (translate-zb.c gen_rot32). */
static inline uint64_t rot32(uint64_t a, uint64_t n, bool left)
{
    uint32_t w = (uint32_t)a;
    unsigned c = n & 31;

    if (c) {
        w = left ? (w << c) | (w >> (32 - c)) : (w >> c) | (w << (32 - c));
    }
    return sext32(w);
}

/* translate-zb.c, one function per opcode, same order of checks. */
static bool zb_op(const RISCVCPUConfig *cfg, uint32_t insn, uint64_t a, uint64_t b,
                  uint64_t *r)
{
    int f7 = insn_funct7(insn), f3 = insn_funct3(insn);
    bool ext;           /* the extension the encoding belongs to is on */
    uint64_t v;

    switch (f7 << 3 | f3) {
    case 0x10 << 3 | 2: case 0x10 << 3 | 4: case 0x10 << 3 | 6:   /* shNadd */
        ext = cfg->ext_zba;
        v = (a << (f3 >> 1)) + b;
        break;
    case 0x20 << 3 | 7: case 0x20 << 3 | 6: case 0x20 << 3 | 4:   /* andn, orn, xnor */
        ext = cfg->ext_zbb;
        v = f3 == 7 ? a & ~b : f3 == 6 ? a | ~b : ~(a ^ b);
        break;
    case 0x05 << 3 | 4: case 0x05 << 3 | 5:                       /* min, minu */
    case 0x05 << 3 | 6: case 0x05 << 3 | 7: {                     /* max, maxu */
        bool lt = f3 & 1 ? a < b : (int64_t)a < (int64_t)b;
        ext = cfg->ext_zbb;
        v = (f3 & 2) ? (lt ? b : a) : (lt ? a : b);
        break;
    }
    case 0x30 << 3 | 1: case 0x30 << 3 | 5:                       /* rol, ror */
        ext = cfg->ext_zbb;
        v = f3 == 1 ? rotl64(a, (unsigned)b) : rotr64(a, (unsigned)b);
        break;
    case 0x24 << 3 | 1: case 0x14 << 3 | 1:                       /* bclr, bset */
    case 0x34 << 3 | 1: case 0x24 << 3 | 5:                       /* binv, bext */
        ext = cfg->ext_zbs;
        if (f3 == 5) {
            v = (a >> (b & 63)) & 1;
        } else if (f7 == 0x24) {
            v = a & ~(1ULL << (b & 63));
        } else if (f7 == 0x14) {
            v = a | (1ULL << (b & 63));
        } else {
            v = a ^ (1ULL << (b & 63));
        }
        break;
    default:
        return false;
    }
    if (!ext) {
        return false;
    }
    *r = v;
    return true;
}

static bool zb_op32(const RISCVCPUConfig *cfg, uint32_t insn, uint64_t a, uint64_t b,
                    uint64_t *r)
{
    int f7 = insn_funct7(insn), f3 = insn_funct3(insn);

    switch (f7 << 3 | f3) {
    case 0x04 << 3 | 0:
    case 0x10 << 3 | 2: case 0x10 << 3 | 4: case 0x10 << 3 | 6:   /* add.uw, shNadd.uw */
        if (!cfg->ext_zba) {
            return false;
        }
        *r = ((uint64_t)(uint32_t)a << (f3 >> 1)) + b;
        return true;
    case 0x04 << 3 | 4:   /* zext.h */
        if (!cfg->ext_zbb || insn_rs2(insn) != 0) {
            return false;
        }
        *r = (uint16_t)a;
        return true;
    case 0x30 << 3 | 1:
    case 0x30 << 3 | 5:
        if (!cfg->ext_zbb) {
            return false;
        }
        *r = rot32(a, b, f3 == 1);
        return true;
    }
    return false;
}

static bool zb_imm(const RISCVCPUConfig *cfg, uint32_t insn, uint64_t a, uint64_t *r)
{
    int f3 = insn_funct3(insn);
    unsigned imm12 = extract32(insn, 20, 12);
    unsigned f6 = extract32(insn, 26, 6);
    unsigned shamt = extract32(insn, 20, 6);

    if (f3 == 1 && f6 == 0x18) {
        if (!cfg->ext_zbb) {
            return false;
        }
        switch (imm12) {
        case 0x600: *r = tier_clz(a); return true;
        case 0x601: *r = tier_ctz(a); return true;
        case 0x602: *r = (uint64_t)__builtin_popcountll(a); return true;
        case 0x604: *r = (uint64_t)(int64_t)(int8_t)a; return true;
        case 0x605: *r = (uint64_t)(int64_t)(int16_t)a; return true;
        }
        return false;
    }
    if (f3 == 5 && f6 == 0x18) {          /* rori */
        if (!cfg->ext_zbb) {
            return false;
        }
        *r = rotr64(a, shamt);
        return true;
    }
    if (f3 == 5 && imm12 == 0x287) {      /* orc.b */
        if (!cfg->ext_zbb) {
            return false;
        }
        *r = orc_b(a);
        return true;
    }
    if (f3 == 5 && imm12 == 0x6b8) {      /* rev8 */
        if (!cfg->ext_zbb) {
            return false;
        }
        *r = __builtin_bswap64(a);
        return true;
    }
    if (!cfg->ext_zbs) {
        return false;
    }
    switch (f6 << 3 | f3) {
    case 0x12 << 3 | 1: *r = a & ~(1ULL << shamt); return true;   /* bclri */
    case 0x0a << 3 | 1: *r = a | (1ULL << shamt); return true;    /* bseti */
    case 0x1a << 3 | 1: *r = a ^ (1ULL << shamt); return true;    /* binvi */
    case 0x12 << 3 | 5: *r = (a >> shamt) & 1; return true;       /* bexti */
    }
    return false;
}

static bool zb_imm32(const RISCVCPUConfig *cfg, uint32_t insn, uint64_t a, uint64_t *r)
{
    int f3 = insn_funct3(insn);
    unsigned imm12 = extract32(insn, 20, 12);
    unsigned f7 = insn_funct7(insn);

    if (f3 == 1 && extract32(insn, 26, 6) == 0x02) {   /* slli.uw */
        if (!cfg->ext_zba) {
            return false;
        }
        *r = (uint64_t)(uint32_t)a << extract32(insn, 20, 6);
        return true;
    }
    if (!cfg->ext_zbb) {
        return false;
    }
    if (f3 == 1 && f7 == 0x30) {
        switch (imm12) {
        case 0x600: *r = tier_clz((uint32_t)a) - 32; return true;
        case 0x601: *r = tier_ctz(a | (1ULL << 32)); return true;
        case 0x602: *r = (uint64_t)__builtin_popcountll((uint32_t)a); return true;
        }
        return false;
    }
    if (f3 == 5 && f7 == 0x30) {          /* roriw */
        *r = rot32(a, extract32(insn, 20, 5), false);
        return true;
    }
    return false;
}

/*
 * Expansions of 16-bit encodings by the translator's own expand_rvc,
 * memoized: the boot's C instructions are a few thousand distinct
 * halfwords executed over and over, and the expansion is a pure function
 * of the halfword.  0 = not known yet, 1 = reserved (a real expansion is
 * a 32-bit encoding, whose low bits are 11).  Races between vCPU threads
 * are benign: both store the same value.
 */
static uint32_t rvc_memo[1u << 16];

static inline bool tier_expand_rvc(uint16_t c, uint32_t *insn)
{
    uint32_t v = __atomic_load_n(&rvc_memo[c], __ATOMIC_RELAXED);

    if (unlikely(v == 0)) {
        v = expand_rvc(NULL, c, insn) ? *insn : 1;
        __atomic_store_n(&rvc_memo[c], v, __ATOMIC_RELAXED);
    }
    *insn = v;
    return v != 1;
}

/* Jump targets: misaligned only without C (translate-rvi.c target_misaligned). */
static inline bool target_misaligned(const RISCVCPUConfig *cfg, uint64_t dest)
{
    return !cfg->ext_c && (dest & 2);
}

int riscv_interp_block(CPUState *cs, vaddr pc_start, uint32_t flags)
{
    RISCVCPU *cpu = container_of(cs, RISCVCPU, parent_obj);
    CPURISCVState *env = &cpu->env;
    const RISCVCPUConfig *cfg = &cpu->cfg;
    uint64_t *x = env->gpr;
    int mem_idx = extract32(flags, TB_FLAGS_MEM_IDX_SHIFT, 3);
    uint64_t pc = pc_start;
    uint64_t page = pc & TARGET_PAGE_MASK;
    CPUTLBEntry *ce = &cs->tlb.table[riscv_env_mmu_index(env, true)][tier_tlb_index(pc)];
    const uint8_t *host;
    int max = RISCV_INTERP_MAX_INSNS;
    int n = 0;

    if (pc & 1) {
        return 0;               /* cannot happen (targets clear bit 0); the JIT decides */
    }
    if (ce->addr_code == page) {
        host = (const uint8_t *)(uintptr_t)(page + ce->addend);
    } else {
        /* As tb_gen_code: fill the code TLB, raising a fetch fault at pc. */
        void *h = NULL;
        env->pc = pc;
        if (get_page_addr_code(cs, pc, &h) == RAM_ADDR_INVALID || !h) {
            return 0;           /* code outside RAM: the JIT runs it uncached */
        }
        host = h;
        if (ce->addr_code != page) {
            max = 1;            /* an entry good for one access (sub-page PMP) */
        }
    }

    while (n < max) {
        uint64_t off = pc - page;
        uint32_t insn, lo;
        uint64_t next, r;
        int rd;

        if (n > 0 && ce->addr_code != page) {
            break;              /* the code TLB entry changed under us */
        }
        lo = (uint32_t)host[off] | (uint32_t)host[off + 1] << 8;
        if ((lo & 3) != 3) {
            if (!cfg->ext_c || !tier_expand_rvc((uint16_t)lo, &insn)) {
                break;
            }
            next = pc + 2;
        } else {
            if (off + 4 > TARGET_PAGE_SIZE) {
                break;          /* crosses the page: the JIT starts a block there */
            }
            insn = lo | ((uint32_t)host[off + 2] | (uint32_t)host[off + 3] << 8) << 16;
            if ((insn & 0x1f) == 0x1f) {
                break;
            }
            next = pc + 4;
        }
        rd = insn_rd(insn);

        switch (insn & 0x7f) {
        case OPC_LUI:
            r = (uint64_t)imm_u(insn);
            break;
        case OPC_AUIPC:
            r = pc + (uint64_t)imm_u(insn);
            break;
        case OPC_OP_IMM:
            if (!op_imm_i(insn, x[insn_rs1(insn)], false, &r) &&
                !zb_imm(cfg, insn, x[insn_rs1(insn)], &r)) {
                goto stop;
            }
            break;
        case OPC_OP_IMM_32:
            if (!op_imm_i(insn, x[insn_rs1(insn)], true, &r) &&
                !zb_imm32(cfg, insn, x[insn_rs1(insn)], &r)) {
                goto stop;
            }
            break;
        case OPC_OP:
        case OPC_OP_32: {
            bool word = (insn & 0x7f) == OPC_OP_32;
            uint64_t a = x[insn_rs1(insn)], b = x[insn_rs2(insn)];
            if (op_i(insn, a, b, word, &r)) {
                break;
            }
            if (insn_funct7(insn) == 1 && cfg->ext_m) {
                if (!op_m(insn_funct3(insn), a, b, word, &r)) {
                    goto stop;
                }
                break;
            }
            if (!(word ? zb_op32(cfg, insn, a, b, &r) : zb_op(cfg, insn, a, b, &r))) {
                goto stop;
            }
            break;
        }
        case OPC_LOAD: {
            static const MemOp ops[8] = {
                [0] = MO_SB, [1] = MO_SW, [2] = MO_SL, [3] = MO_UQ,
                [4] = MO_UB, [5] = MO_UW, [6] = MO_UL, [7] = MO_UQ,
            };
            int f3 = insn_funct3(insn);
            if (f3 == 7) {
                goto stop;
            }
            r = tier_ld(cs, env, pc, x[insn_rs1(insn)] + (uint64_t)imm_i(insn), ops[f3],
                        mem_idx);
            break;
        }
        case OPC_STORE: {
            int f3 = insn_funct3(insn);
            if (f3 > 3) {
                goto stop;
            }
            tier_st(cs, env, pc, x[insn_rs1(insn)] + (uint64_t)imm_s(insn),
                    x[insn_rs2(insn)], (MemOp)f3, mem_idx);
            rd = 0;
            r = 0;
            break;
        }
        case OPC_MISC_MEM:
            if (insn_funct3(insn) != 0) {
                goto stop;      /* fence.i and reserved: the JIT */
            }
            /* fence, fence.tso, pause: a host barrier where the JIT emits
             * one (translate-rvi.c), a compiler barrier otherwise. */
            if (riscv_fence_needs_host_barrier(insn)) {
                __atomic_thread_fence(__ATOMIC_SEQ_CST);
            } else {
                __atomic_signal_fence(__ATOMIC_SEQ_CST);
            }
            rd = 0;
            r = 0;
            break;
        case OPC_BRANCH: {
            uint64_t a = x[insn_rs1(insn)], b = x[insn_rs2(insn)];
            uint64_t dest = pc + (uint64_t)imm_b(insn);
            bool taken;
            switch (insn_funct3(insn)) {
            case 0: taken = a == b; break;
            case 1: taken = a != b; break;
            case 4: taken = (int64_t)a < (int64_t)b; break;
            case 5: taken = (int64_t)a >= (int64_t)b; break;
            case 6: taken = a < b; break;
            case 7: taken = a >= b; break;
            default: goto stop;
            }
            if (taken && target_misaligned(cfg, dest)) {
                goto stop;      /* the JIT raises the misaligned-target trap */
            }
            pc = taken ? dest : next;
            n++;
            goto done;
        }
        case OPC_JAL: {
            uint64_t dest = pc + (uint64_t)imm_j(insn);
            if (target_misaligned(cfg, dest)) {
                goto stop;
            }
            if (rd) {
                x[rd] = next;
            }
            pc = dest;
            n++;
            goto done;
        }
        case OPC_JALR: {
            uint64_t dest;
            if (insn_funct3(insn) != 0) {
                goto stop;
            }
            /* The target before rd is written: rd may be rs1. */
            dest = (x[insn_rs1(insn)] + (uint64_t)imm_i(insn)) & ~1ULL;
            if (target_misaligned(cfg, dest)) {
                goto stop;
            }
            if (rd) {
                x[rd] = next;
            }
            pc = dest;
            n++;
            goto done;
        }
        default:
            goto stop;          /* A, F/D, SYSTEM, reserved opcodes */
        }
        if (rd) {
            x[rd] = r;
        }
        pc = next;
        n++;
        if (pc - page >= TARGET_PAGE_SIZE) {
            break;              /* the page ends, as a translated block does */
        }
    }
stop:
done:
    env->pc = pc;
    return n;
}
