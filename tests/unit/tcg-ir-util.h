/*
 * Shared by the IR unit tests: a fake env with eight globals, and running
 * an IR program built by a callback through the optimizer (optionally) and
 * the interpreter.
 */
#ifndef TESTS_UNIT_TCG_IR_UTIL_H
#define TESTS_UNIT_TCG_IR_UTIL_H

#include "tcg/tcg-backend.h"
#include "accel/tcg/cpu.h"

typedef struct FakeEnv {
    uint64_t r[8];
    uint64_t out[64];
    uint8_t bytes[16];
    uint64_t helper_seen;
} FakeEnv;

extern TCGv R[8];            /* the globals r0..r7 */
extern uint8_t codebuf[1 << 18];   /* where run_block puts the code */

typedef void BuildFn(void *opaque);

typedef struct RunResult {
    uintptr_t exit;
    unsigned ops_before, ops_after;
} RunResult;

void setup_globals(void);
TCGv outv(int i);
void store_out(TCGv v, int i);     /* env->out[i] = v */
/* Build with build(opaque), optimize if opt, compile into a buffer, run. */
RunResult run_block(BuildFn *build, void *opaque, FakeEnv *env, bool opt,
                    TranslationBlock *tb);
RunResult run(BuildFn *build, void *opaque, FakeEnv *env, bool opt);

#endif
