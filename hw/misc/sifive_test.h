/*
 * The SiFive test device ("sifive,test0"/"sifive,test1"): one 32-bit
 * register through which a guest powers off, reboots, or exits with a code.
 */
#ifndef HW_MISC_SIFIVE_TEST_H
#define HW_MISC_SIFIVE_TEST_H

#include "hw/core/sysbus.h"

#define TYPE_SIFIVE_TEST "riscv.sifive.test"

/* Low 16 bits of the written value; the high 16 bits carry an exit code. */
enum {
    FINISHER_FAIL = 0x3333,
    FINISHER_PASS = 0x5555,
    FINISHER_RESET = 0x7777,
};

typedef struct SiFiveTestState {
    SysBusDevice parent_obj;
    MemoryRegion mmio;
} SiFiveTestState;

#define SIFIVE_TEST(obj) OBJECT_CHECK(SiFiveTestState, (obj), TYPE_SIFIVE_TEST)

DeviceState *sifive_test_create(hwaddr addr, Error **errp);

#endif
