/*
 * The first execution tier of the RISC-V hart: a direct interpreter for
 * blocks that have not yet run often enough to be worth translating
 * (TCGCPUOps.interp_block, called by accel/tcg/cpu-exec.c).
 */
#ifndef TARGET_RISCV_INTERP_TIER_H
#define TARGET_RISCV_INTERP_TIER_H

#include "target/riscv/cpu.h"

/* At most this many instructions per call (then back to the loop). */
#define RISCV_INTERP_MAX_INSNS 64

/*
 * Execute guest code straight from pc (the state of TB flags `flags`)
 * until a control transfer has executed, the page ends, the bound above is
 * reached, or the next instruction is one the tier leaves to the JIT.
 * Returns the number of instructions executed (env->pc is the next one);
 * 0 means the instruction at pc is not interpreted: translate it.  Faults
 * of loads, stores and the first fetch are raised as the JIT raises them
 * (cpu_loop_exit with env->pc at the faulting instruction).
 */
int riscv_interp_block(CPUState *cs, vaddr pc, uint32_t flags);

#endif
