/*
 * The bytecode interpreter: a computed-goto dispatch loop over the words
 * interp-gen.c produced.  Chained blocks are followed in place (goto_tb
 * reads tb->jmp_dest[n]), so a hot loop of chained blocks never returns to
 * the execution loop until an exit is requested.
 *
 * Faults: before a guest memory access or a helper call that may raise,
 * cached globals are written back (SYNC) and the position of the current
 * op is published as the return address (tcg_helper_retaddr / the ra
 * argument), which the back end's find_insn maps to a guest instruction.
 */
#include "tcg/interp/interp.h"

__thread TranslationBlock *tcg_current_tb;
__thread uintptr_t tcg_helper_retaddr;
TCGRuntime tcg_runtime;

typedef uint64_t (*Helper0)(void);
typedef uint64_t (*Helper1)(uint64_t);
typedef uint64_t (*Helper2)(uint64_t, uint64_t);
typedef uint64_t (*Helper3)(uint64_t, uint64_t, uint64_t);
typedef uint64_t (*Helper4)(uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*Helper5)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*Helper6)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

static inline uint64_t rd64(const uint32_t *p)
{
    return (uint64_t)p[0] | ((uint64_t)p[1] << 32);
}

/* Inline soft-TLB hit: page matches, no flag bits, naturally aligned. */
static inline void *tlb_fast(CPUTLBEntry *tlb, uint64_t addr, MemOpIdx oi, bool store)
{
    MemOp op = get_memop(oi);
    CPUTLBEntry *e;
    uint64_t tag;

    if (!tlb || (op & MO_BSWAP)) {
        return NULL;
    }
    e = &tlb[get_mmuidx(oi) * CPU_TLB_SIZE + ((addr >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1))];
    tag = store ? e->addr_write : e->addr_read;
    if ((addr & (TARGET_PAGE_MASK | (memop_size(op) - 1))) != tag) {
        return NULL;
    }
    return (void *)(uintptr_t)(addr + e->addend);
}

uintptr_t interp_exec(void *env, TranslationBlock *tb)
{
    static const void *const dispatch[IOP_COUNT] = {
#define X(n) [IOP_##n] = &&do_##n,
        INTERP_OPS(X)
#undef X
    };
    uint64_t regs[INTERP_MAX_SLOTS];
    const InterpHeader *h;
    const char *base;
    const uint32_t *code, *pc;
    const int64_t *gofs;
    const uint32_t *written;
    CPUTLBEntry *tlb;

#define NEXT(n) do { pc += (n); goto *dispatch[*pc]; } while (0)
#define R(i) regs[pc[i]]

enter:
    h = interp_header(tb);
    base = (const char *)h;
    gofs = (const int64_t *)(base + h->globals_ofs);
    written = (const uint32_t *)(base + h->written_ofs);
    code = (const uint32_t *)(base + h->code_ofs);
    tlb = h->tlb_offset ? (CPUTLBEntry *)((char *)env + h->tlb_offset) : NULL;
    regs[0] = (uint64_t)(uintptr_t)env;
    for (uint32_t i = 0; i < h->nglobals; i++) {
        memcpy(&regs[1 + i], (char *)env + gofs[i], 8);
    }
    memcpy(&regs[1 + h->nglobals], base + h->consts_ofs, 8 * h->nconsts);
    tcg_current_tb = tb;
    pc = code;
    goto *dispatch[*pc];

do_MOV: R(1) = R(2); NEXT(3);
do_ADD: R(1) = R(2) + R(3); NEXT(4);
do_SUB: R(1) = R(2) - R(3); NEXT(4);
do_MUL: R(1) = R(2) * R(3); NEXT(4);
do_MULSH: R(1) = tcg_eval_binop(INDEX_op_mulsh, R(2), R(3)); NEXT(4);
do_MULUH: R(1) = tcg_eval_binop(INDEX_op_muluh, R(2), R(3)); NEXT(4);
do_AND: R(1) = R(2) & R(3); NEXT(4);
do_OR: R(1) = R(2) | R(3); NEXT(4);
do_XOR: R(1) = R(2) ^ R(3); NEXT(4);
do_ANDC: R(1) = R(2) & ~R(3); NEXT(4);
do_ORC: R(1) = R(2) | ~R(3); NEXT(4);
do_EQV: R(1) = ~(R(2) ^ R(3)); NEXT(4);
do_SHL: R(1) = R(2) << (R(3) & 63); NEXT(4);
do_SHR: R(1) = R(2) >> (R(3) & 63); NEXT(4);
do_SAR: R(1) = (uint64_t)((int64_t)R(2) >> (R(3) & 63)); NEXT(4);
do_ROTL: R(1) = tcg_eval_binop(INDEX_op_rotl, R(2), R(3)); NEXT(4);
do_ROTR: R(1) = tcg_eval_binop(INDEX_op_rotr, R(2), R(3)); NEXT(4);
do_DIV: R(1) = tcg_eval_binop(INDEX_op_div, R(2), R(3)); NEXT(4);
do_DIVU: R(1) = tcg_eval_binop(INDEX_op_divu, R(2), R(3)); NEXT(4);
do_REM: R(1) = tcg_eval_binop(INDEX_op_rem, R(2), R(3)); NEXT(4);
do_REMU: R(1) = tcg_eval_binop(INDEX_op_remu, R(2), R(3)); NEXT(4);
do_NEG: R(1) = -R(2); NEXT(3);
do_NOT: R(1) = ~R(2); NEXT(3);
do_CLZ: R(1) = (uint64_t)clz64(R(2)); NEXT(3);
do_CTZ: R(1) = (uint64_t)ctz64(R(2)); NEXT(3);
do_CTPOP: R(1) = (uint64_t)__builtin_popcountll(R(2)); NEXT(3);
do_BSWAP64: R(1) = __builtin_bswap64(R(2)); NEXT(3);
do_EXT8S: R(1) = (uint64_t)(int64_t)(int8_t)R(2); NEXT(3);
do_EXT8U: R(1) = (uint8_t)R(2); NEXT(3);
do_EXT16S: R(1) = (uint64_t)(int64_t)(int16_t)R(2); NEXT(3);
do_EXT16U: R(1) = (uint16_t)R(2); NEXT(3);
do_EXT32S: R(1) = (uint64_t)(int64_t)(int32_t)R(2); NEXT(3);
do_EXT32U: R(1) = (uint32_t)R(2); NEXT(3);
do_DEPOSIT: R(1) = deposit64(R(2), pc[4], pc[5], R(3)); NEXT(6);
do_EXTRACT: R(1) = extract64(R(2), pc[3], pc[4]); NEXT(5);
do_SEXTRACT: R(1) = (uint64_t)sextract64(R(2), pc[3], pc[4]); NEXT(5);
do_SETCOND: R(1) = tcg_eval_cond((TCGCond)pc[4], R(2), R(3)); NEXT(5);
do_MOVCOND: R(1) = tcg_eval_cond((TCGCond)pc[6], R(2), R(3)) ? R(4) : R(5); NEXT(7);
do_BR:
    pc = code + pc[1];
    goto *dispatch[*pc];
do_BRCOND:
    if (tcg_eval_cond((TCGCond)pc[3], R(1), R(2))) {
        pc = code + pc[4];
        goto *dispatch[*pc];
    }
    NEXT(5);

#define HOSTP ((char *)(uintptr_t)R(2) + (int32_t)pc[3])
do_LD8U: R(1) = *(uint8_t *)HOSTP; NEXT(4);
do_LD8S: R(1) = (uint64_t)(int64_t)*(int8_t *)HOSTP; NEXT(4);
do_LD16U: R(1) = memop_host_load(HOSTP, MO_UW); NEXT(4);
do_LD16S: R(1) = memop_host_load(HOSTP, MO_SW); NEXT(4);
do_LD32U: R(1) = memop_host_load(HOSTP, MO_UL); NEXT(4);
do_LD32S: R(1) = memop_host_load(HOSTP, MO_SL); NEXT(4);
do_LD: R(1) = memop_host_load(HOSTP, MO_UQ); NEXT(4);
do_ST8: memop_host_store(HOSTP, R(1), MO_8); NEXT(4);
do_ST16: memop_host_store(HOSTP, R(1), MO_16); NEXT(4);
do_ST32: memop_host_store(HOSTP, R(1), MO_32); NEXT(4);
do_ST: memop_host_store(HOSTP, R(1), MO_64); NEXT(4);
#undef HOSTP

do_QLD: {
    uint64_t addr = R(2);
    void *p = tlb_fast(tlb, addr, pc[3], false);
    if (likely(p)) {
        R(1) = memop_host_load(p, get_memop(pc[3]));
    } else {
        R(1) = tcg_runtime.qemu_ld(env, addr, pc[3], (uintptr_t)pc);
    }
    NEXT(4);
}
do_QST: {
    uint64_t addr = R(2);
    void *p = tlb_fast(tlb, addr, pc[3], true);
    if (likely(p)) {
        memop_host_store(p, R(1), get_memop(pc[3]));
    } else {
        tcg_runtime.qemu_st(env, addr, R(1), pc[3], (uintptr_t)pc);
    }
    NEXT(4);
}
do_CALL: {
    void *fn = (void *)(uintptr_t)rd64(pc + 4);
    const uint32_t *a = pc + 6;
    uint32_t n = pc[2];
    uint64_t r;

    tcg_helper_retaddr = (uintptr_t)pc;
    switch (n) {
    case 0: r = ((Helper0)fn)(); break;
    case 1: r = ((Helper1)fn)(regs[a[0]]); break;
    case 2: r = ((Helper2)fn)(regs[a[0]], regs[a[1]]); break;
    case 3: r = ((Helper3)fn)(regs[a[0]], regs[a[1]], regs[a[2]]); break;
    case 4: r = ((Helper4)fn)(regs[a[0]], regs[a[1]], regs[a[2]], regs[a[3]]); break;
    case 5:
        r = ((Helper5)fn)(regs[a[0]], regs[a[1]], regs[a[2]], regs[a[3]], regs[a[4]]);
        break;
    default:
        r = ((Helper6)fn)(regs[a[0]], regs[a[1]], regs[a[2]], regs[a[3]], regs[a[4]],
                          regs[a[5]]);
        break;
    }
    tcg_helper_retaddr = 0;
    if (pc[3]) {
        for (uint32_t i = 0; i < h->nglobals; i++) {
            memcpy(&regs[1 + i], (char *)env + gofs[i], 8);
        }
    }
    if (pc[1] != UINT32_MAX) {
        regs[pc[1]] = r;
    }
    NEXT(6 + n);
}
do_SYNC:
    for (uint32_t i = 0; i < h->nwritten; i++) {
        uint32_t sl = written[i];
        memcpy((char *)env + gofs[sl - 1], &regs[sl], 8);
    }
    NEXT(1);
do_RELOAD:
    for (uint32_t i = 0; i < h->nglobals; i++) {
        memcpy(&regs[1 + i], (char *)env + gofs[i], 8);
    }
    NEXT(1);
do_MB:
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    NEXT(1);
do_GOTO_TB: {
    TranslationBlock *next = __atomic_load_n(&tb->jmp_dest[pc[1]], __ATOMIC_ACQUIRE);
    if (next && !__atomic_load_n(&tb->invalid, __ATOMIC_RELAXED)) {
        tb = next;
        goto enter;
    }
    NEXT(2);
}
do_EXIT_TB:
    tcg_current_tb = NULL;
    return (uintptr_t)rd64(pc + 1);
do_LOOKUP: {
    TranslationBlock *next = tcg_runtime.lookup_tb ? tcg_runtime.lookup_tb(env) : NULL;
    if (next) {
        tb = next;
        goto enter;
    }
    tcg_current_tb = NULL;
    return 0;
}
#undef R
#undef NEXT
}
