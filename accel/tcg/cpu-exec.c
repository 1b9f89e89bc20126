/*
 * The execution loop: find or translate the block for the current guest
 * state, chain it to the previous one, run it; between blocks, deliver
 * exceptions (do_interrupt), take pending interrupts (cpu_exec_interrupt)
 * and honour exit requests.  Exceptions raised deep inside generated code
 * or helpers come back here through siglongjmp (cpu_loop_exit*), after the
 * guest state of the faulting instruction was restored from the block's
 * instruction map.
 */
#include "accel/tcg/internal.h"
#include "core/log.h"

__thread CPUState *current_cpu;
static GArray *breakpoints;         /* vaddr; changed only with the vCPUs paused */
static __thread bool exec_entered_with_bql;

bool cpu_restore_state(CPUState *cpu, uintptr_t ra)
{
    TranslationBlock *tb;
    uint64_t data[2];

    if (!ra || !tcg_backend) {
        return false;
    }
    tb = tb_find_by_host(ra);
    if (!tb || tcg_backend->find_insn(tb, ra, data) < 0) {
        return false;
    }
    cpu->tcg_ops->restore_state_to_opc(cpu, tb, data);
    return true;
}

void cpu_loop_exit(CPUState *cpu)
{
    tcg_current_tb = NULL;
    tcg_helper_retaddr = 0;
    siglongjmp(cpu->jmp_env, 1);
}

void cpu_loop_exit_restore(CPUState *cpu, uintptr_t retaddr)
{
    cpu_restore_state(cpu, retaddr);
    cpu_loop_exit(cpu);
}

void cpu_raise_exception_ra(CPUState *cpu, int excp, uintptr_t retaddr)
{
    cpu->exception_index = excp;
    cpu_loop_exit_restore(cpu, retaddr);
}

/* Run fn with the BQL held, whether or not the caller holds it. */
static bool bql_enter(void)
{
    if (bql_locked()) {
        return false;
    }
    bql_lock();
    return true;
}

static bool cpu_has_work(CPUState *cpu)
{
    bool took = bql_enter();
    bool work = cpu->tcg_ops->has_work && cpu->tcg_ops->has_work(cpu);

    if (took) {
        bql_unlock();
    }
    return work;
}

static bool cpu_handle_halt(CPUState *cpu)
{
    if (cpu->halted) {
        if (!cpu_has_work(cpu)) {
            return true;
        }
        cpu->halted = false;
    }
    return false;
}

/* true: leave cpu_exec with *ret; false: keep executing. */
static bool cpu_handle_exception(CPUState *cpu, int *ret)
{
    if (cpu->exception_index < 0) {
        return false;
    }
    if (cpu->exception_index >= EXCP_INTERRUPT) {
        *ret = cpu->exception_index;
        cpu->exception_index = EXCP_NONE;
        return true;
    }
    /* The CPU's own state only: no BQL (see TCGCPUOps). */
    cpu->tcg_ops->do_interrupt(cpu);
    cpu->exception_index = EXCP_NONE;
    if (unlikely(cpu->singlestep_enabled)) {
        /* A step that trapped stops at the first instruction of the handler. */
        *ret = EXCP_DEBUG;
        return true;
    }
    return false;
}

/* true: an exit was requested (exception_index says why). */
static bool cpu_handle_interrupt(CPUState *cpu, TranslationBlock **last_tb)
{
    uint32_t req = __atomic_load_n(&cpu->interrupt_request, __ATOMIC_ACQUIRE);

    if (unlikely(req)) {
        if (req & CPU_INTERRUPT_HALT) {
            cpu_reset_interrupt(cpu, CPU_INTERRUPT_HALT);
            cpu->halted = true;
            cpu->exception_index = EXCP_HLT;
            return true;
        }
        /*
         * Without the BQL: a level interrupt that stays pending while masked
         * is checked at every return to this loop, and taking the lock that
         * often would starve the main loop (its timers) of it.
         */
        if (cpu->tcg_ops->cpu_exec_interrupt &&
            cpu->tcg_ops->cpu_exec_interrupt(cpu, (int)req)) {
            /* The target entered its trap handler: state changed. */
            *last_tb = NULL;
        }
        if (__atomic_load_n(&cpu->interrupt_request, __ATOMIC_ACQUIRE) &
            CPU_INTERRUPT_EXITTB) {
            cpu_reset_interrupt(cpu, CPU_INTERRUPT_EXITTB);
            *last_tb = NULL;
        }
        if (cpu->exception_index >= 0 && cpu->exception_index < EXCP_INTERRUPT) {
            return true;        /* the target raised an exception instead */
        }
    }
    if (unlikely(__atomic_load_n(&cpu->exit_request, __ATOMIC_ACQUIRE))) {
        __atomic_store_n(&cpu->exit_request, 0, __ATOMIC_RELEASE);
        if (cpu->exception_index == EXCP_NONE) {
            cpu->exception_index = EXCP_INTERRUPT;
        }
        return true;
    }
    return false;
}

static void cpu_exec_tb(CPUState *cpu, TranslationBlock *tb, TranslationBlock **last_tb,
                        unsigned *tb_exit)
{
    uintptr_t ret;
    TranslationBlock *last;

    if (qemu_loglevel_mask(CPU_LOG_EXEC) && qemu_log_in_addr_range(tb->pc)) {
        qemu_log("Trace %d: %p [%016" PRIx64 "/%08x/%08x]\n", cpu->cpu_index, tb->tc_ptr,
                 (uint64_t)tb->pc, tb->flags, tb->cflags);
    }
    ret = tcg_backend->exec(cpu->env_ptr, tb);
    last = (TranslationBlock *)(ret & ~(uintptr_t)TB_EXIT_MASK);
    *tb_exit = ret & TB_EXIT_MASK;
    if (*tb_exit == TB_EXIT_REQUESTED) {
        /* Left at the entry of `last`, possibly reached by a chained jump
         * that skipped the pc update: point the guest at that block. */
        uint64_t data[2];
        if (last && tcg_backend->insn_data(last, 0, data)) {
            cpu->tcg_ops->restore_state_to_opc(cpu, last, data);
        }
        *last_tb = NULL;
        return;
    }
    *last_tb = last;
}

/* ------------------------------------------------------------ tier */

/*
 * The interpreter tier: most blocks of a boot run only a few times
 * (measured: 39% once, 57% at most 4 times), and translating one costs
 * more than interpreting it a few times.  A block missing from the block
 * cache is interpreted (TCGCPUOps.interp_block) while its execution count
 * is at most the threshold, and translated at the next execution.  The
 * counts live in a small per-vCPU direct-mapped table tagged with (pc,
 * flags): blocks that collide share a count until one is translated
 * (tier_slot_take), and a block that is interpreted although already
 * translated (by another vCPU) is run with the same semantics, only
 * slower.  The
 * table is emptied when the code buffer is flushed (translations are gone).
 */
#define TIER_BITS 12

typedef struct TierSlot {
    vaddr pc;
    uint32_t flags;
    uint32_t count;
} TierSlot;

typedef struct TierCounts {
    unsigned gen;                   /* tb_flush_generation of the counts */
    uint64_t blocks;                /* interp_block calls that ran (or faulted) */
    uint64_t insns;                 /* instructions of those that returned */
    TierSlot slot[1 << TIER_BITS];
} TierCounts;

static unsigned tier_threshold = TCG_TIER_THRESHOLD_DEFAULT;

void tcg_set_tier_threshold(unsigned n)
{
    tier_threshold = MIN(n, TCG_TIER_THRESHOLD_MAX);
}

unsigned tcg_get_tier_threshold(void)
{
    return tier_threshold;
}

void tcg_tier_stats(CPUState *cpu, uint64_t *blocks, uint64_t *insns)
{
    const TierCounts *t = cpu->tier_counts;

    *blocks = t ? t->blocks : 0;
    *insns = t ? t->insns : 0;
}

/*
 * Is the tier usable for this lookup?  Not for special blocks (cflags:
 * single-step, one instruction after self-modifying code), with debug
 * breakpoints (the translator stops at them), when the log shows
 * translations or executed blocks (it would miss the interpreted ones),
 * or on the interp back end (which is itself the reference interpreter).
 */
static bool tier_enabled(CPUState *cpu, uint32_t cflags)
{
    return tier_threshold && cflags == 0 && cpu->tcg_ops->interp_block &&
           tcg_backend != &tcg_backend_interp &&
           !(breakpoints && breakpoints->len) &&
           !qemu_loglevel_mask(CPU_LOG_EXEC | CPU_LOG_TB_IN_ASM | CPU_LOG_TB_OP |
                               CPU_LOG_TB_OP_OPT | CPU_LOG_TB_OUT_ASM);
}

static TierSlot *tier_slot(CPUState *cpu, vaddr pc, uint32_t flags)
{
    TierCounts *t = cpu->tier_counts;
    unsigned gen = tb_flush_generation();
    uint64_t h;

    if (unlikely(!t)) {
        t = cpu->tier_counts = g_new0(TierCounts, 1);
        t->gen = gen;
    }
    if (unlikely(t->gen != gen)) {
        memset(t->slot, 0, sizeof(t->slot));
        t->gen = gen;
    }
    h = (pc >> 1) ^ (pc >> (TIER_BITS + 1)) ^ ((uint64_t)flags * 0x9E3779B1u);
    return &t->slot[h & ((1u << TIER_BITS) - 1)];
}

/*
 * A slot that names (pc, flags) with a count below the threshold is a
 * block this vCPU looked up and did not find, and has not translated since
 * (translating happens only once the count reached the threshold): the
 * block cache need not be searched again until then.  So the miss path of
 * an interpreted block is one probe of this table, instead of the jump
 * cache, the physical-pc cache and the hash table under tb_lock, twice
 * (once in the JIT's lookup helper, once in the loop).
 */
static inline bool tier_slot_cold(const TierSlot *s, vaddr pc, uint32_t flags)
{
    return s->pc == pc && s->flags == flags && s->count < tier_threshold;
}

/* A slot whose owner the loop has translated: free for the next block. */
#define TIER_TRANSLATED UINT32_MAX

/*
 * A block not in the block cache claims its slot.  If the slot's owner
 * has been translated, the count starts afresh; otherwise (still cold, or
 * due for translation at its next run) the two share the owner's count.
 * Resetting it would let two blocks that alternate in one slot (two
 * paths of a loop, say) reset each other for ever, each interpreted and
 * never translated: a disk benchmark ran at half speed that way.  Shared,
 * the count reaches the threshold, the next of them is translated (and
 * frees the slot), then the other.
 */
static void tier_slot_take(TierSlot *s, vaddr pc, uint32_t flags)
{
    if (s->count == TIER_TRANSLATED) {
        s->count = 0;
    }
    s->pc = pc;
    s->flags = flags;
}

bool tcg_tier_skip_lookup(CPUState *cpu, vaddr pc, uint32_t flags)
{
    return tier_enabled(cpu, 0) && tier_slot_cold(tier_slot(cpu, pc, flags), pc, flags);
}

void tcg_tier_note_miss(CPUState *cpu, vaddr pc, uint32_t flags)
{
    TierSlot *s;

    if (!tier_enabled(cpu, 0)) {
        return;
    }
    s = tier_slot(cpu, pc, flags);
    if (s->pc != pc || s->flags != flags) {
        tier_slot_take(s, pc, flags);
    }
}

/*
 * Interpret the block of slot s (cold: its count is below the threshold).
 * false: the interpreter does not start there; it is translated from now on.
 */
static bool tier_run(CPUState *cpu, TierSlot *s, vaddr pc, uint32_t flags)
{
    TierCounts *t = cpu->tier_counts;
    int n;

    s->count++;
    t->blocks++;                /* before: the block may end in a fault */
    n = cpu->tcg_ops->interp_block(cpu, pc, flags);
    if (n == 0) {
        t->blocks--;
        s->count = TCG_TIER_THRESHOLD_MAX;     /* left to the JIT from now on */
        return false;
    }
    t->insns += (unsigned)n;
    return true;
}

/* The jump-cache half of tb_lookup (cflags 0): a hit needs no count. */
static inline TranslationBlock *tb_jmp_cache_probe(CPUState *cpu, vaddr pc, uint32_t flags)
{
    TranslationBlock *tb =
        __atomic_load_n(&cpu->tb_jmp_cache[tb_jmp_cache_hash(pc)], __ATOMIC_ACQUIRE);

    if (tb && tb->pc == pc && tb->flags == flags && tb->cflags == 0 &&
        !__atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
        return tb;
    }
    return NULL;
}

static int cpu_exec_loop(CPUState *cpu)
{
    int ret = EXCP_INTERRUPT;

    while (!cpu_handle_exception(cpu, &ret)) {
        TranslationBlock *last_tb = NULL;
        unsigned tb_exit = 0;

        while (!cpu_handle_interrupt(cpu, &last_tb)) {
            TranslationBlock *tb;
            vaddr pc;
            uint32_t flags, cflags;
            unsigned gen;
            bool tier;

            if (tb_flush_if_pending()) {
                last_tb = NULL;
            }
            tlb_flush_if_pending(cpu);
            cpu->tcg_ops->get_tb_cpu_state(cpu, &pc, &flags);
            cflags = cpu->singlestep_enabled ? 1 | CF_SINGLE_STEP : 0;
            if (cpu->cflags_next_tb) {
                cflags = cpu->cflags_next_tb;
                cpu->cflags_next_tb = 0;
                last_tb = NULL;
            }
            gen = tb_flush_generation();
            tier = tier_enabled(cpu, cflags);
            /* With the tier, a jump-cache hit (the common case) needs no count. */
            tb = tier ? tb_jmp_cache_probe(cpu, pc, flags) : NULL;
            if (!tb && tier) {
                TierSlot *s = tier_slot(cpu, pc, flags);
                if (tier_slot_cold(s, pc, flags) && tier_run(cpu, s, pc, flags)) {
                    last_tb = NULL;     /* nothing to chain from */
                    continue;
                }
                tb = tb_lookup(cpu, pc, flags, cflags);
                if (!tb) {
                    if (s->pc != pc || s->flags != flags) {
                        /* First sight (or the slot was taken over): count it. */
                        tier_slot_take(s, pc, flags);
                        if (tier_slot_cold(s, pc, flags) && tier_run(cpu, s, pc, flags)) {
                            last_tb = NULL;
                            continue;
                        }
                    }
                    s->count = TIER_TRANSLATED;     /* just below */
                }
            } else if (!tb) {
                tb = tb_lookup(cpu, pc, flags, cflags);
            }
            if (!tb) {
                tb = tb_gen_code(cpu, pc, flags, cflags);
                if (tb_flush_generation() != gen) {
                    last_tb = NULL;     /* the buffer was reclaimed */
                }
            }
            if (last_tb) {
                tb_add_jump(last_tb, tb_exit, tb);
            }
            cpu_exec_tb(cpu, tb, &last_tb, &tb_exit);
            if (unlikely(cpu->singlestep_enabled)) {
                /* One instruction done (CF_SINGLE_STEP blocks never chain). */
                cpu->exception_index = EXCP_DEBUG;
                break;
            }
        }
    }
    return ret;
}

int cpu_exec(CPUState *cpu)
{
    int ret;

    tcg_exec_ensure_init();
    if (cpu_handle_halt(cpu)) {
        return EXCP_HALTED;
    }
    current_cpu = cpu;
    exec_entered_with_bql = bql_locked();
    if (!cpu->tcg_as_listener && cpu->as) {
        bool took = bql_enter();    /* the listener lists change under the BQL */
        tlb_as_listen(cpu);         /* as was set after realize */
        if (took) {
            bql_unlock();
        }
    }
    if (sigsetjmp(cpu->jmp_env, 0) != 0) {
        /* Back from cpu_loop_exit: generated code and helpers are gone. */
        current_cpu = cpu;
        tcg_current_tb = NULL;
        tcg_helper_retaddr = 0;
        if (!exec_entered_with_bql && bql_locked()) {
            bql_unlock();
        }
    }
    ret = cpu_exec_loop(cpu);
    current_cpu = NULL;
    return ret;
}

/* ------------------------------------------------------------ debug */

static void (*debug_handler)(CPUState *cpu);

bool cpu_breakpoint_test(vaddr pc)
{
    if (!breakpoints) {
        return false;
    }
    for (guint i = 0; i < breakpoints->len; i++) {
        if (g_array_index(breakpoints, vaddr, i) == pc) {
            return true;
        }
    }
    return false;
}

bool cpu_breakpoint_insert(vaddr pc)
{
    if (cpu_breakpoint_test(pc)) {
        return false;
    }
    if (!breakpoints) {
        breakpoints = g_array_new(false, false, sizeof(vaddr));
    }
    g_array_append_val(breakpoints, pc);
    /* Blocks translated before may run past pc: translate them again. */
    tb_flush(NULL);
    return true;
}

bool cpu_breakpoint_remove(vaddr pc)
{
    if (!breakpoints) {
        return false;
    }
    for (guint i = 0; i < breakpoints->len; i++) {
        if (g_array_index(breakpoints, vaddr, i) == pc) {
            g_array_remove_index_fast(breakpoints, i);
            tb_flush(NULL);
            return true;
        }
    }
    return false;
}

void cpu_breakpoint_remove_all(void)
{
    if (breakpoints && breakpoints->len) {
        g_array_set_size(breakpoints, 0);
        tb_flush(NULL);
    }
}

void cpu_set_debug_handler(void (*fn)(CPUState *cpu))
{
    debug_handler = fn;
}

void cpu_handle_debug_exit(CPUState *cpu)
{
    if (debug_handler) {
        debug_handler(cpu);
    }
}
