/*
 * The "tcg" accelerator: one vCPU thread runs every CPU round-robin
 * (thread=single).  Each CPU runs cpu_exec until it leaves (a kick at the
 * end of its slice, a halt, an exit request); halted CPUs without work are
 * skipped; when none can run the thread sleeps until cpu_interrupt wakes
 * it.  The thread holds the BQL only between slices, never while guest
 * code runs (MMIO and interrupt delivery take it themselves).
 *
 * Pause/resume follow the run state: pause_all_vcpus (BQL held) asks the
 * thread to park and waits until it has; every CPU starts parked.
 */
#include "accel/tcg/internal.h"
#include "accel/accel.h"
#include "core/log.h"

#define RR_SLICE_NS (10 * 1000 * 1000)   /* a CPU's turn when others wait */
#define RR_IDLE_WAIT_NS (50 * 1000 * 1000)

static QemuThread rr_thread;
static bool rr_thread_started;
static QemuCond rr_wake_cond;        /* work may be available / resume */
static QemuCond rr_parked_cond;      /* the thread parked */
static bool rr_conds_ready;
static CPUState *volatile rr_current_cpu;
/*
 * Set when the running CPU must give up its turn (slice over, or another
 * CPU got a request).  An exit for the running CPU's own interrupt does not
 * end its turn: otherwise every timer interrupt of a busy hart would hand
 * the thread to harts that only spin (e.g. in firmware waiting loops).
 */
static volatile bool rr_yield;

/* Kicker: ends the running CPU's slice so that the next one gets a turn. */
static QemuThread kick_thread;
static pthread_mutex_t kick_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kick_cond = PTHREAD_COND_INITIALIZER;

static void rr_conds_init(void)
{
    if (!rr_conds_ready) {
        qemu_cond_init(&rr_wake_cond);
        qemu_cond_init(&rr_parked_cond);
        rr_conds_ready = true;
    }
}

void tcg_kick_vcpu_thread(CPUState *cpu)
{
    CPUState *running = rr_current_cpu;

    /*
     * One thread runs every CPU: a request for a CPU that is not running
     * now must also end the running one's slice, or it waits for the whole
     * slice of a CPU that may just spin.
     */
    if (running && running != cpu) {
        rr_yield = true;
        cpu_exit(running);
    }
    if (rr_conds_ready) {
        qemu_cond_broadcast(&rr_wake_cond);
    }
}

static int cpu_count(void)
{
    CPUState *cpu;
    int n = 0;

    CPU_FOREACH(cpu) {
        n++;
    }
    return n;
}

static void *kick_thread_fn(void *arg)
{
    pthread_mutex_lock(&kick_lock);
    for (;;) {
        struct timespec ts;
        CPUState *cpu;

        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += RR_SLICE_NS;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&kick_cond, &kick_lock, &ts);
        cpu = rr_current_cpu;
        if (cpu && cpu_count() > 1) {
            rr_yield = true;
            cpu_exit(cpu);
        }
    }
    return NULL;
}

static bool cpu_can_run(CPUState *cpu)
{
    if (cpu->stop || cpu->stopped) {
        return false;
    }
    if (cpu->halted) {
        return cpu->tcg_ops->has_work && cpu->tcg_ops->has_work(cpu);
    }
    return true;
}

static bool any_stop_requested(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (cpu->stop) {
            return true;
        }
    }
    return false;
}

static bool all_stopped(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (!cpu->stopped) {
            return false;
        }
    }
    return true;
}

static void *rr_cpu_thread_fn(void *arg)
{
    CPUState *next = NULL;

    bql_lock();
    for (;;) {
        bool ran = false;

        if (any_stop_requested()) {
            CPUState *cpu;
            CPU_FOREACH(cpu) {
                cpu->stop = false;
                cpu->stopped = true;
            }
            qemu_cond_broadcast(&rr_parked_cond);
        }
        if (all_stopped()) {
            qemu_cond_wait_bql(&rr_wake_cond);
            continue;
        }
        if (!next) {
            next = first_cpu;
        }
        for (CPUState *cpu = next; cpu; cpu = cpu->next_cpu) {
            int r;

            next = cpu->next_cpu;
            if (!cpu_can_run(cpu)) {
                continue;
            }
            rr_yield = false;
            rr_current_cpu = cpu;
            bql_unlock();
            do {
                r = cpu_exec(cpu);
            } while (r == EXCP_INTERRUPT && !rr_yield && !cpu->halted &&
                     !any_stop_requested());
            bql_lock();
            rr_current_cpu = NULL;
            ran = true;
            if (r == EXCP_DEBUG) {
                /* All-stop debugging: every CPU parks, the gdbstub takes over. */
                CPUState *c;
                CPU_FOREACH(c) {
                    c->stopped = true;
                }
                cpu_handle_debug_exit(cpu);
                break;
            }
            if (any_stop_requested()) {
                break;
            }
        }
        if (!ran && !any_stop_requested()) {
            /* Nobody can run: sleep until an interrupt (cpu_interrupt kicks
             * us); the timeout only guards against a lost wakeup. */
            qemu_cond_timedwait_bql(&rr_wake_cond, RR_IDLE_WAIT_NS);
        }
    }
    bql_unlock();
    return NULL;
}

static bool tcg_start_vcpus(MachineState *ms, Error **errp)
{
    CPUState *cpu;

    rr_conds_init();
    CPU_FOREACH(cpu) {
        cpu->stopped = true;
    }
    if (rr_thread_started) {
        return true;
    }
    if (!qemu_thread_create(&kick_thread, "tcg-kick", kick_thread_fn, NULL, errp)) {
        return false;
    }
    if (!qemu_thread_create(&rr_thread, "CPU 0/TCG", rr_cpu_thread_fn, NULL, errp)) {
        return false;
    }
    rr_thread_started = true;
    return true;
}

static void tcg_pause_all_vcpus(void)
{
    CPUState *cpu;

    BQL_ASSERT();
    if (!rr_thread_started || qemu_thread_is_self(&rr_thread)) {
        CPU_FOREACH(cpu) {
            cpu->stop = false;
            cpu->stopped = true;
            cpu_exit(cpu);
        }
        return;
    }
    CPU_FOREACH(cpu) {
        if (!cpu->stopped) {
            cpu->stop = true;
        }
        cpu_exit(cpu);
    }
    qemu_cond_broadcast(&rr_wake_cond);
    while (!all_stopped()) {
        qemu_cond_wait_bql(&rr_parked_cond);
    }
}

static void tcg_resume_all_vcpus(void)
{
    CPUState *cpu;

    BQL_ASSERT();
    CPU_FOREACH(cpu) {
        cpu->stop = false;
        cpu->stopped = false;
    }
    tcg_kick_vcpu_thread(NULL);
}

static void tcg_post_reset(void)
{
    CPUState *cpu;

    /* Reset rewrote memory and CPU state wholesale: no block survives. */
    tb_flush(NULL);
    CPU_FOREACH(cpu) {
        tlb_flush(cpu);
    }
}

static bool tcg_available(Error **errp)
{
    return true;
}

static bool tcg_init(MachineState *ms, Opts *opts, Error **errp)
{
    Error *err = NULL;
    uint64_t tb_size = 0;
    const char *backend = NULL, *thread;

    if (opts) {
        tb_size = opts_get_number(opts, "tb-size", 0, &err);
        if (err) {
            error_propagate(errp, err);
            return false;
        }
        if (opts_get(opts, "x-tier-threshold")) {
            uint64_t t = opts_get_number(opts, "x-tier-threshold", 0, &err);
            if (err) {
                error_propagate(errp, err);
                return false;
            }
            if (t > TCG_TIER_THRESHOLD_MAX) {
                error_setg(errp, "x-tier-threshold=%" PRIu64 " is too large (at most %u)",
                           t, TCG_TIER_THRESHOLD_MAX);
                return false;
            }
            tcg_set_tier_threshold((unsigned)t);
        }
        backend = opts_get(opts, "backend");
        thread = opts_get(opts, "thread");
        if (thread && strcmp(thread, "single") != 0) {
            error_setg(errp, "Invalid thread '%s' for the tcg accelerator "
                       "(only thread=single is supported)", thread);
            return false;
        }
    }
    if (backend && !tcg_backend_find(backend)) {
        error_setg(errp, "Invalid backend '%s' for the tcg accelerator (valid: %s)",
                   backend, tcg_backend_names());
        return false;
    }
    tcg_exec_init((size_t)tb_size, backend, &err);
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    return true;
}

static const OptDesc tcg_opts[] = {
    {"tb-size", OPT_NUMBER, "translation block cache size in MiB (default 64)", NULL},
    {"backend", OPT_STRING, "code generator: interp or native (x86_64)", TCG_BACKEND_DEFAULT},
    {"x-tier-threshold", OPT_NUMBER,
     "interpret a block this many times before translating it (0: always translate)",
     G_STRINGIFY(TCG_TIER_THRESHOLD_DEFAULT)},
    {"thread", OPT_STRING, "vCPU threading: single", "single"},
    {NULL},
};

static const AccelOps tcg_accel_ops = {
    .name = "tcg",
    .desc = "Tiny Code Generator (JIT; native x86_64 or interpreter back end)",
    .opts = tcg_opts,
    .available = tcg_available,
    .init = tcg_init,
    .start_vcpus = tcg_start_vcpus,
    .pause_all_vcpus = tcg_pause_all_vcpus,
    .resume_all_vcpus = tcg_resume_all_vcpus,
    .post_reset = tcg_post_reset,
};

static void __attribute__((constructor)) tcg_accel_register(void)
{
    accel_register(&tcg_accel_ops);
}
