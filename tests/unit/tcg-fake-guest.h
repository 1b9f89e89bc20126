/*
 * A tiny made-up guest for the execution-loop tests: 32-bit instructions
 * in RAM, translated to IR by its own translate_code, with TCGCPUOps hooks,
 * a software "MMU" (identity map, an alias window, a fault hole) and a
 * machine: RAM at 0, a register device at IO_BASE, a ROM, a hole.
 *
 * Encoding: op[7:0] rd[10:8] rs[13:11] w32[14] imm[31:16] (signed).
 */
#ifndef TESTS_UNIT_TCG_FAKE_GUEST_H
#define TESTS_UNIT_TCG_FAKE_GUEST_H

#include "accel/tcg/internal.h"

enum {
    OP_LI = 1,      /* rd = imm */
    OP_ADDI = 2,    /* rd = rs + imm */
    OP_SHLI = 3,    /* rd = rs << imm */
    OP_LD = 4,      /* rd = mem[rs + imm] (64-bit, or 32 with w32) */
    OP_ST = 5,      /* mem[rs + imm] = rd */
    OP_BNE = 6,     /* if rd != rs: pc += imm * 4 */
    OP_EXIT = 7,    /* halt (cpu_exec returns EXCP_HLT) */
    OP_LDA = 8,     /* 64-bit load that must be aligned (MO_ALIGN) */
    OP_ADD = 9,     /* rd = rd + rs */
};

#define EXCP_FAKE_FAULT 1
#define EXCP_FAKE_UNALIGNED 2
#define EXCP_FAKE_BUS 3
#define EXCP_FAKE_IRQ 4
#define HANDLER_PC 0x800

#define RAM_SIZE 0x10000
#define IO_BASE 0x20000
#define ALIAS_BASE 0x40000       /* virtual window onto RAM */
#define ROM_BASE 0x50000
#define HOLE_BASE 0x60000        /* mapped by the MMU, nothing behind it */
#define CROSS_BASE 0xe000        /* blocks here may span two pages */
#define REMAP_BASE 0x70000       /* a page whose backing the test swaps */

static inline uint32_t insn(int op, int rd, int rs, int imm)
{
    return (uint32_t)op | (uint32_t)rd << 8 | (uint32_t)rs << 11 | (uint32_t)(uint16_t)imm << 16;
}

static inline uint32_t insn_w32(int op, int rd, int rs, int imm)
{
    return insn(op, rd, rs, imm) | 1u << 14;
}

typedef struct FakeEnv {
    uint64_t r[8];
    uint64_t pc;
    uint64_t excp_pc, excp_cause, fault_addr;
    uint64_t irq_pending, irq_enabled;     /* one level-triggered line */
} FakeEnv;

typedef struct FakeCPU {
    CPUState parent_obj;
    FakeEnv env;
} FakeCPU;

#define TYPE_FAKE_CPU "fake-cpu"


typedef struct FakeDev {
    uint64_t reg;
    unsigned reads, writes;
    bool bql_held_always;
} FakeDev;

extern MemoryRegion sysmem;
extern AddressSpace as;
extern FakeDev dev;
extern CPUState *cs;
extern unsigned n_translated, n_fills;

static inline FakeEnv *fenv(CPUState *cpu)
{
    return cpu->env_ptr;
}

/* The CPU and machine (created once), with the guest state cleared. */
FakeEnv *setup(void);
/* Write code through the address space, as a loader or DMA would. */
void load_program(hwaddr at, const uint32_t *code, size_t n);
uint64_t ram_q(hwaddr a);
/* cpu_exec until it returns something else than EXCP_INTERRUPT. */
int run_until_exit(void);

#endif
