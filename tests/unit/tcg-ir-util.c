/* Helpers of the IR unit tests: see tcg-ir-util.h. */
#include "tests/unit/tcg-ir-util.h"
#include "tests/unit/unit.h"

TCGv R[8];
uint8_t codebuf[1 << 18] __attribute__((aligned(16)));

void setup_globals(void)
{
    static const char *const names[8] = {"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"};

    for (int i = 0; i < 8; i++) {
        R[i] = tcg_global_mem_new(offsetof(FakeEnv, r) + 8 * i, names[i]);
    }
}

TCGv outv(int i)
{
    (void)i;
    return tcg_temp_new();
}

void store_out(TCGv v, int i)
{
    tcg_gen_st(v, tcg_env, offsetof(FakeEnv, out) + 8 * i);
}

RunResult run_block(BuildFn *build, void *opaque, FakeEnv *env, bool opt,
                    TranslationBlock *tb)
{
    RunResult rr = {0};
    ptrdiff_t n;

    setup_globals();
    tcg_func_start();
    build(opaque);
    rr.ops_before = tcg_ctx->nb_ops;
    if (opt) {
        tcg_optimize(tcg_ctx);
        tcg_liveness(tcg_ctx);
    }
    rr.ops_after = tcg_ctx->nb_ops;
    tb->tc_ptr = codebuf;
    n = tcg_backend_interp.gen_code(tcg_ctx, tb, codebuf, sizeof(codebuf));
    CHECK(n > 0);
    tb->tc_size = (size_t)n;
    rr.exit = tcg_backend_interp.exec(env, tb);
    return rr;
}

RunResult run(BuildFn *build, void *opaque, FakeEnv *env, bool opt)
{
    static TranslationBlock tb;

    memset(&tb, 0, sizeof(tb));
    return run_block(build, opaque, env, opt, &tb);
}
