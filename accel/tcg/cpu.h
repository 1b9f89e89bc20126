/*
 * The target-neutral CPU as the JIT's execution loop sees it: CPUState, the
 * target's hooks (TCGCPUOps), translation blocks, the soft TLB and the ways
 * guest code leaves generated code (exceptions, interrupts, exit requests).
 *
 * A target embeds CPUState first in its CPU object and keeps its
 * architectural state (env) in the same object:
 *
 *   typedef struct RISCVCPU { CPUState parent_obj; CPURISCVState env; ... } RISCVCPU;
 *
 * and sets cpu->env_ptr = &cpu->env.  IR globals are offsets into env.
 */
#ifndef ACCEL_TCG_CPU_H
#define ACCEL_TCG_CPU_H

#include "core/osdep.h"
#include "core/thread.h"
#include "hw/core/qdev.h"
#include "memory/memory.h"
#include "tcg/tcg-op.h"
#include <setjmp.h>

#define TYPE_CPU "cpu"

typedef struct CPUState CPUState;
typedef struct TranslationBlock TranslationBlock;

/* interrupt_request bits (the target maps its pending interrupts onto these) */
#define CPU_INTERRUPT_HARD 0x0002      /* a level-triggered interrupt is pending */
#define CPU_INTERRUPT_EXITTB 0x0004    /* leave the current block (state changed) */
#define CPU_INTERRUPT_HALT 0x0020
#define CPU_INTERRUPT_RESET 0x0400

/* exception_index values below 0 are the loop's own */
#define EXCP_INTERRUPT 0x10000   /* async exit: check interrupts */
#define EXCP_HLT 0x10001         /* cpu halted (wfi) */
#define EXCP_DEBUG 0x10002       /* breakpoint / single-step for the gdbstub */
#define EXCP_HALTED 0x10003
#define EXCP_YIELD 0x10004       /* give the other vCPUs a turn */
#define EXCP_NONE -1

typedef enum MMUAccessType {
    MMU_DATA_LOAD = 0,
    MMU_DATA_STORE = 1,
    MMU_INST_FETCH = 2,
} MMUAccessType;

/* Page protection bits for tlb_set_page */
#define PAGE_READ 1
#define PAGE_WRITE 2
#define PAGE_EXEC 4

#define NB_MMU_MODES 8
#define CPU_TLB_BITS 12     /* 16 MiB of 4K pages per mmu_idx: working sets of real programs */
#define CPU_TLB_SIZE (1 << CPU_TLB_BITS)
#define TB_JMP_CACHE_BITS 12
#define TB_JMP_CACHE_SIZE (1 << TB_JMP_CACHE_BITS)
/*
 * Jump cache index of a guest pc: the page picks a group of
 * TB_JMP_PAGE_SLOTS slots (so flushing one page's translation clears one
 * group), bits of the offset a slot in it.  Native code computes the same
 * function inline (tcg/x86_64/native-gen.c, lookup_and_goto_pc): change
 * both together.
 */
#define TB_JMP_PAGE_BITS (TB_JMP_CACHE_BITS / 2)
#define TB_JMP_PAGE_SLOTS (1u << (TB_JMP_CACHE_BITS - TB_JMP_PAGE_BITS))
static inline unsigned tb_jmp_cache_page_block(uint64_t pc)
{
    return (unsigned)((pc >> TARGET_PAGE_BITS) & ((1u << TB_JMP_PAGE_BITS) - 1)) *
           TB_JMP_PAGE_SLOTS;
}
static inline unsigned tb_jmp_cache_hash(uint64_t pc)
{
    return tb_jmp_cache_page_block(pc) |
           (unsigned)(((pc >> 1) ^ (pc >> 7)) & (TB_JMP_PAGE_SLOTS - 1));
}

/*
 * One soft-TLB entry: page-aligned guest virtual tags with flag bits in the
 * low bits (TLB_INVALID, TLB_MMIO, TLB_NOTDIRTY), and the addend that turns a
 * guest virtual address into a host pointer for RAM pages.  The flags sit at
 * the top of the page offset, above any alignment bits, so that one compare
 * of (addr & (page mask | size - 1)) with the tag checks page, flags and
 * natural alignment at once (the inline fast path).  An empty entry is -1.
 */
#define TLB_INVALID_MASK (1 << 11)
#define TLB_MMIO (1 << 10)          /* go through the slow path to the device */
#define TLB_NOTDIRTY (1 << 9)       /* page has translated code: writes invalidate */
#define TLB_FLAGS_MASK (TLB_INVALID_MASK | TLB_MMIO | TLB_NOTDIRTY)
typedef struct CPUTLBEntry {
    uint64_t addr_read;
    uint64_t addr_write;
    uint64_t addr_code;
    uintptr_t addend;               /* host = guest vaddr + addend (RAM pages) */
} CPUTLBEntry;

typedef struct CPUTLBEntryFull {
    hwaddr phys_addr;               /* of the page */
    MemoryRegion *mr;               /* leaf region behind the page */
    hwaddr mr_offset;               /* offset of the page within mr */
    MemTxAttrs attrs;
    uint8_t prot;
    uint8_t lg_page_size;
    ram_addr_t ram_addr;            /* of the page, RAM_ADDR_INVALID if not RAM */
} CPUTLBEntryFull;

typedef struct CPUTLB {
    CPUTLBEntry table[NB_MMU_MODES][CPU_TLB_SIZE];
    CPUTLBEntryFull full[NB_MMU_MODES][CPU_TLB_SIZE];
    /* Region covered by mappings larger than a page (flush_page flushes all). */
    vaddr large_page_addr[NB_MMU_MODES];
    vaddr large_page_mask[NB_MMU_MODES];
    /* Bit i: mode i was filled since its last full flush (may hold entries). */
    uint32_t used_modes;
} CPUTLB;

/*
 * The hooks a guest architecture provides.  They run on the vCPU thread
 * without the BQL (cpu_exec_interrupt and do_interrupt change only the
 * CPU's own state; read device-driven state such as a pending-interrupt
 * register atomically), except has_work, which is called with it.
 */
typedef struct TCGCPUOps {
    /* Key of the block to run next: pc and target flags (privilege, MMU mode, FS...). */
    void (*get_tb_cpu_state)(CPUState *cpu, vaddr *pc, uint32_t *flags);
    /* Emit IR for the block at tb->pc / tb->flags; set tb->size and tb->icount. */
    void (*translate_code)(CPUState *cpu, TranslationBlock *tb, int max_insns);
    /* Take a pending interrupt if deliverable; true if one was taken. */
    bool (*cpu_exec_interrupt)(CPUState *cpu, int interrupt_request);
    /* Enter the trap handler for cpu->exception_index. */
    void (*do_interrupt)(CPUState *cpu);
    /* mmu_idx for instruction fetch (ifetch) or data accesses in the current state. */
    int (*mmu_index)(CPUState *cpu, bool ifetch);
    /* Does a halted CPU have something to do (pending enabled interrupt)? */
    bool (*has_work)(CPUState *cpu);
    /*
     * Translate addr for access_type/mmu_idx; on success call tlb_set_page
     * and return true.  On failure: if probe, return false; else raise the
     * guest exception with cpu_loop_exit_restore(cpu, retaddr).
     */
    bool (*tlb_fill)(CPUState *cpu, vaddr addr, int size, MMUAccessType access_type,
                     int mmu_idx, bool probe, uintptr_t retaddr);
    /* Misaligned access with MO_ALIGN: raise (does not return). */
    void (*do_unaligned_access)(CPUState *cpu, vaddr addr, MMUAccessType access_type,
                                int mmu_idx, uintptr_t retaddr) NORETURN;
    /* Failed physical access (bus error): raise an access fault (does not return). */
    void (*do_transaction_failed)(CPUState *cpu, hwaddr physaddr, vaddr addr,
                                  unsigned size, MMUAccessType access_type, int mmu_idx,
                                  MemTxResult response, uintptr_t retaddr);
    /* Restore the guest pc (and data1) of the faulting instruction. */
    void (*restore_state_to_opc)(CPUState *cpu, const TranslationBlock *tb,
                                 const uint64_t *data);
    /*
     * Optional first execution tier (cpu-exec.c): execute guest code from
     * pc (state `flags`) without translating it, up to and including a
     * control transfer; return the number of instructions executed, 0 if
     * the first one is left to the JIT.  Faults are raised as the
     * translated code would raise them.
     */
    int (*interp_block)(CPUState *cpu, vaddr pc, uint32_t flags);
    /* -d in_asm: disassemble guest code (capstone arch/mode chosen by the target). */
    void (*disas_log)(CPUState *cpu, vaddr pc, const uint8_t *code, size_t len);
    /* -d cpu / info registers */
    void (*dump_state)(CPUState *cpu, FILE *f);
} TCGCPUOps;

typedef struct CPUClass {
    DeviceClass parent_class;
    const TCGCPUOps *tcg_ops;
    /* gdbstub, migration and monitor hooks are added by their issues */
} CPUClass;

struct CPUState {
    DeviceState parent_obj;
    int cpu_index;
    void *env_ptr;                  /* target architectural state */
    AddressSpace *as;               /* what the CPU's physical accesses see */
    const TCGCPUOps *tcg_ops;
    CPUState *next_cpu;             /* global list, in index order */

    /* Execution control: written by other threads, read at block entry. */
    volatile int exit_request;      /* nonzero: leave generated code at the next block */
    volatile uint32_t interrupt_request;
    bool halted;                    /* wfi: sleeps until has_work */
    bool stopped;                   /* paused by the run state (stop/cont) */
    bool stop;                      /* a pause has been requested */
    int exception_index;
    uint64_t exception_data;        /* target-defined (e.g. tval) */
    sigjmp_buf jmp_env;
    bool can_do_io;

    CPUTLB tlb;
    TranslationBlock *tb_jmp_cache[TB_JMP_CACHE_SIZE];
    uint64_t singlestep_enabled;
    void *accel_data;               /* per-accelerator state */
    /* cflags for the next block only (e.g. 1 insn after self-modifying code) */
    uint32_t cflags_next_tb;
    /* The memory map of `as` changed: flush the TLB before the next block. */
    volatile int tlb_flush_pending;
    void *tcg_as_listener;          /* private to accel/tcg */
    void *tier_counts;              /* private to accel/tcg (cpu-exec.c) */
};

#define CPU(obj) OBJECT_CHECK(CPUState, (obj), TYPE_CPU)
#define CPU_CLASS(k) OBJECT_CLASS_CHECK(CPUClass, (k), TYPE_CPU)
#define CPU_GET_CLASS(obj) OBJECT_GET_CLASS(CPUClass, (obj), TYPE_CPU)

extern CPUState *first_cpu;
#define CPU_FOREACH(cpu) for ((cpu) = first_cpu; (cpu); (cpu) = (cpu)->next_cpu)
/* Called by the target's realize: appends to the CPU list, sets cpu_index. */
void cpu_exec_realizefn(CPUState *cpu, Error **errp);
CPUState *cpu_by_index(int index);
static inline CPUState *env_cpu(void *env, ptrdiff_t env_offset_in_cpu)
{
    return (CPUState *)((char *)env - env_offset_in_cpu);
}

/* Translation blocks. */
#define CF_COUNT_MASK 0x000001ff     /* max insns in the block (0 = default) */
#define CF_SINGLE_STEP 0x00000200
#define CF_NOIRQ 0x00000400          /* do not check for interrupts at entry */

struct TranslationBlock {
    vaddr pc;                   /* guest virtual pc of the first instruction */
    uint32_t flags;             /* target flags from get_tb_cpu_state */
    uint32_t cflags;
    uint16_t size;              /* bytes of guest code (set by translate_code) */
    uint16_t icount;            /* guest instructions (set by translate_code) */
    ram_addr_t page_addr[2];    /* physical pages the guest code spans (-1: none) */
    void *tc_ptr;               /* generated code (or bytecode) */
    size_t tc_size;
    /* Chaining: slot n jumps to jmp_dest[n] when set. */
    TranslationBlock *jmp_dest[2];
    GSList *jmp_incoming;       /* (tb | n) of blocks chained to this one */
    bool invalid;
    /* Back-end private.  native: the RX address of the block's code, which
     * the inline jump-cache probe of lookup_and_goto_pc jumps to. */
    void *backend_data;
};

/* The execution loop: run cpu until it leaves for a reason the caller handles.
 * Returns an EXCP_* code (EXCP_INTERRUPT, EXCP_HLT, EXCP_DEBUG, EXCP_YIELD). */
int cpu_exec(CPUState *cpu);

/* Leave generated code / a helper immediately (longjmp to cpu_exec). */
void cpu_loop_exit(CPUState *cpu) NORETURN;
/* Same, after restoring the guest pc from host return address retaddr. */
void cpu_loop_exit_restore(CPUState *cpu, uintptr_t retaddr) NORETURN;
/* Raise exception excp (target number) from a helper. */
void cpu_raise_exception_ra(CPUState *cpu, int excp, uintptr_t retaddr) NORETURN;
/*
 * The retaddr a helper passes down: identifies the generated code calling it.
 * The interpreter publishes its position in tcg_helper_retaddr around helper
 * calls; native code is identified by the host return address.  0 (outside
 * generated code) means "no state to restore".
 */
extern __thread uintptr_t tcg_helper_retaddr;
static inline uintptr_t tcg_getpc(uintptr_t host_ra)
{
    return tcg_helper_retaddr ? tcg_helper_retaddr : host_ra;
}
#define GETPC() tcg_getpc((uintptr_t)__builtin_return_address(0))

/* Request an interrupt check / exit from any thread (with or without the BQL). */
void cpu_interrupt(CPUState *cpu, uint32_t mask);
void cpu_reset_interrupt(CPUState *cpu, uint32_t mask);
void cpu_exit(CPUState *cpu);

/* Soft TLB. */
/*
 * Map the page of addr.  size is the translation's granule (4K, 2M, 1G...);
 * a size below TARGET_PAGE_SIZE (e.g. a small PMP region) makes the entry
 * good for the current access only: the next access to the page refills.
 */
void tlb_set_page(CPUState *cpu, vaddr addr, hwaddr paddr, MemTxAttrs attrs, int prot,
                  int mmu_idx, uint64_t size);
void tlb_flush(CPUState *cpu);
void tlb_flush_page(CPUState *cpu, vaddr addr);
void tlb_flush_by_mmuidx(CPUState *cpu, uint16_t idxmap);
void tlb_flush_all_cpus(void);

/*
 * Guest memory access from helpers (AMOs, page walks through virtual
 * addresses, ...), with the same TLB and faults as generated code.
 */
uint64_t cpu_ld_mmu(CPUState *cpu, vaddr addr, MemOp op, int mmu_idx, uintptr_t ra);
void cpu_st_mmu(CPUState *cpu, vaddr addr, uint64_t val, MemOp op, int mmu_idx,
                uintptr_t ra);
/*
 * Raise now the fault a store of size bytes at addr would raise (without
 * storing); on success the TLB entry the store needs is filled.  Cheap
 * when it already is (no page walk).
 */
void probe_write(CPUState *cpu, vaddr addr, int size, int mmu_idx, uintptr_t ra);
/* Instruction fetch for the translator (faults are raised precisely). */
uint32_t cpu_ldl_code(CPUState *cpu, vaddr addr);
uint16_t cpu_lduw_code(CPUState *cpu, vaddr addr);

/*
 * Debug breakpoints (the gdbstub's Z0/Z1), shared by all CPUs.  The
 * translator ends a block before a breakpoint pc and translates a block
 * that starts at one as "raise EXCP_DEBUG" (unless single-stepping, which
 * executes the instruction).  Insert and remove only while the vCPUs are
 * paused: they flush the translations so that no block spans a change.
 */
bool cpu_breakpoint_insert(vaddr pc);      /* false: already there */
bool cpu_breakpoint_remove(vaddr pc);      /* false: none there */
void cpu_breakpoint_remove_all(void);
bool cpu_breakpoint_test(vaddr pc);
/*
 * Who handles a CPU that left cpu_exec with EXCP_DEBUG.  The vCPU thread
 * calls fn with the BQL held after parking every CPU; fn must not block
 * (the gdbstub schedules a bottom half that stops the VM).
 */
void cpu_set_debug_handler(void (*fn)(CPUState *cpu));
void cpu_handle_debug_exit(CPUState *cpu);

/* Invalidate translated code. */
void tb_flush(CPUState *cpu);                              /* everything */
void tb_invalidate_phys_range(ram_addr_t start, ram_addr_t end);

/* Run-time knobs (-accel tcg,tb-size=,backend=; -d exec ...). */
void tcg_exec_init(size_t tb_size_mb, const char *backend, Error **errp);
/*
 * -accel tcg,x-tier-threshold=N: a block is interpreted (interp_block) for
 * its first N executions and translated at the next; 0 turns the tier off.
 */
#define TCG_TIER_THRESHOLD_DEFAULT 4
#define TCG_TIER_THRESHOLD_MAX 0x7fffffffu
void tcg_set_tier_threshold(unsigned n);
unsigned tcg_get_tier_threshold(void);
/* Interpreter-tier statistics of cpu: blocks entered (including those
 * that ended in a fault), instructions of the blocks that returned. */
void tcg_tier_stats(CPUState *cpu, uint64_t *blocks, uint64_t *insns);

#endif
