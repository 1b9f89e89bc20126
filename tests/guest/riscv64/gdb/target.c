/*
 * The program tests/functional/test_gdbstub.py debugs with gdb-multiarch:
 * it fills gdb_data (gdb reads it back with x/4xw), calls gdb_marker (a
 * breakpoint), prints gdb_value (gdb may change it with "set var") and
 * exits with 0 if gdb_value kept its initial 7, else with 3, so a write
 * from gdb shows both in the serial output and in the exit status.
 * Hart 1 (with -smp 2) parks in crt0's wfi loop.
 */
#include "test.h"

volatile uint32_t gdb_data[4];
volatile uint64_t gdb_value = 7;

void __attribute__((noinline)) gdb_marker(void)
{
    __asm__ volatile("" ::: "memory");
}

int main(void)
{
    gdb_data[0] = 0x11223344;
    gdb_data[1] = 0x55667788;
    gdb_data[2] = 0x99aabbcc;
    gdb_data[3] = 0xddeeff00;
    gdb_marker();
    test_printf("gdb_value=%d\n", (int)gdb_value);
    return gdb_value == 7 ? 0 : 3;
}
