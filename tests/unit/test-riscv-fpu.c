#include "core/osdep.h"
#include "target/riscv/fpu_helper.h"
#include "tests/unit/unit.h"
UNIT_TEST(placeholder) { CHECK(1); }
void riscv_raise_exception(CPURISCVState *env, int cause, uint64_t tval, uintptr_t ra) { abort(); }
