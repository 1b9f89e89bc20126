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
            tb = tb_lookup(cpu, pc, flags, cflags);
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

static GArray *breakpoints;         /* vaddr; changed only with the vCPUs paused */
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
