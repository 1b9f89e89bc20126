/* Entry points of the RISC-V translator (translate*.c), used by cpu.c. */
#ifndef TARGET_RISCV_TRANSLATE_H
#define TARGET_RISCV_TRANSLATE_H

#include "target/riscv/cpu.h"

/* Create the IR globals (x1..x31, f0..f31, pc, ...) once per process. */
void riscv_translate_init(void);
/* TCGCPUOps.translate_code */
void riscv_translate_code(CPUState *cs, TranslationBlock *tb, int max_insns);
/* TCGCPUOps.disas_log: capstone RISC-V disassembly for -d in_asm */
void riscv_disas_log(CPUState *cs, vaddr pc, const uint8_t *code, size_t len);

/*
 * Disassemble one instruction at code[0..len) (guest pc for branch
 * targets) into buf as "mnemonic operands"; returns the bytes consumed
 * (2 or 4).  The fallback of riscv_disas_log when capstone lacks RISC-V,
 * and usable by the gdbstub or monitor.
 */
size_t riscv_disas_insn(uint64_t pc, const uint8_t *code, size_t len, char *buf,
                        size_t size);

#endif
