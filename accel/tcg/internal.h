/*
 * Private to accel/tcg/: the pieces the execution loop, the block cache,
 * the soft TLB and the vCPU thread share.
 */
#ifndef ACCEL_TCG_INTERNAL_H
#define ACCEL_TCG_INTERNAL_H

#include "accel/tcg/cpu.h"
#include "tcg/tcg-backend.h"

/* The CPU the calling thread runs (set inside cpu_exec). */
extern __thread CPUState *current_cpu;

/* translate-all.c: the block cache and the code buffer. */
extern const TCGBackend *tcg_backend;
void tcg_exec_ensure_init(void);
TranslationBlock *tb_lookup(CPUState *cpu, vaddr pc, uint32_t flags, uint32_t cflags);
TranslationBlock *tb_gen_code(CPUState *cpu, vaddr pc, uint32_t flags, uint32_t cflags);
void tb_add_jump(TranslationBlock *from, unsigned n, TranslationBlock *to);
/* Block whose code contains host position ra (NULL if none). */
TranslationBlock *tb_find_by_host(uintptr_t ra);
/* Full flush requested while code may run: do it now if one is pending.
 * Returns true if it flushed (any TB pointer held is now stale). */
bool tb_flush_if_pending(void);
/* Number of full flushes so far (to notice one happened). */
unsigned tb_flush_generation(void);
/* Invalidate [start, end); returns true if tb_current was among them. */
bool tb_invalidate_phys_range_cur(ram_addr_t start, ram_addr_t end,
                                  const TranslationBlock *tb_current);
void tb_jmp_cache_clear(CPUState *cpu);
/* Only the entries of blocks that may contain code of this virtual page. */
void tb_jmp_cache_clear_page(CPUState *cpu, vaddr page);
/* May a write of size bytes at addr touch translated code?  Cheap and
 * lock-free for the vCPU thread; false positives allowed. */
bool tb_page_write_hits_code(ram_addr_t addr, unsigned size);

/* cputlb.c */
/* Physical page (ram_addr_t) of the code at addr; RAM_ADDR_INVALID if it is
 * not RAM.  May raise an instruction fault (longjmp) on a TLB miss. */
ram_addr_t get_page_addr_code(CPUState *cpu, vaddr addr, void **hostp);
/* Same without filling the TLB: RAM_ADDR_INVALID on a miss. */
ram_addr_t probe_page_addr_code(CPUState *cpu, vaddr addr);
/* Follow the CPU's address space: map changes flush its TLB. */
void tlb_as_listen(CPUState *cpu);
void tlb_as_unlisten(CPUState *cpu);
void tlb_flush_if_pending(CPUState *cpu);
/* A page now holds code: make writes to it through any TLB take the slow path. */
void tlb_set_notdirty_all(ram_addr_t page);
void tcg_runtime_init(void);

/* cpu-exec.c */
/* The interpreter tier will run (pc, flags), which is known not to be
 * translated: a lookup helper may return "not found" without searching. */
bool tcg_tier_skip_lookup(CPUState *cpu, vaddr pc, uint32_t flags);
/* A lookup of (pc, flags) just missed: let the loop know without searching. */
void tcg_tier_note_miss(CPUState *cpu, vaddr pc, uint32_t flags);
/* Restore the guest state of the instruction at host position ra. */
bool cpu_restore_state(CPUState *cpu, uintptr_t ra);

/* tcg-accel-ops.c: a request for cpu: wake the vCPU thread if it sleeps,
 * end the slice of another CPU it is running. */
void tcg_kick_vcpu_thread(CPUState *cpu);

#endif
