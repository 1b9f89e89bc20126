/*
 * Zicntr through the translator's CSR path (unprivileged ch. 10, 9.1):
 * cycle, time and instret read as nondecreasing counters that advance
 * while code runs; read-only forms (csrrs/csrrc with x0, the immediate
 * forms with 0) must not trap on these read-only CSRs; a write to them is
 * illegal; csrrw/csrrs/csrrc/csrr*i read-modify-write mscratch exactly.
 */
#include "insn.h"

static volatile uint64_t t_cause, t_tval, t_count;

uintptr_t handle_trap(TrapFrame *tf)
{
    t_count++;
    t_cause = tf->mcause;
    t_tval = tf->mtval;
    return tf->mepc + 4;
}

static void test_counters(void)
{
    uint64_t c0 = csr_read(cycle), i0 = csr_read(instret), t0 = csr_read(time);
    volatile uint64_t sink = 0;
    for (int i = 0; i < 20000; i++) {
        sink += i;
    }
    uint64_t c1 = csr_read(cycle), i1 = csr_read(instret), t1 = csr_read(time);
    CHECK(c1 > c0);
    CHECK(i1 - i0 >= 20000);                /* at least one per loop iteration */
    CHECK(t1 >= t0);
    /* csrrc/csrrsi/csrrci with 0 are reads too */
    uint64_t r;
    __asm__ volatile("csrrc %0, instret, zero" : "=r"(r));
    CHECK(r >= i1);
    __asm__ volatile("csrrsi %0, cycle, 0" : "=r"(r));
    CHECK(r >= c1);
    CHECK_EQ(t_count, 0);
    /* writing a read-only CSR is illegal (the instruction bits in mtval) */
    __asm__ volatile(".option push\n\t.option norvc\n\tcsrw cycle, %0\n\t.option pop"
                     :: "r"(1UL));
    CHECK_EQ(t_count, 1);
    CHECK_EQ(t_cause, CAUSE_ILLEGAL_INSTRUCTION);
}

static void test_read_modify_write(void)
{
    uint64_t old;
    csr_write(mscratch, 0xf0f0);
    __asm__ volatile("csrrs %0, mscratch, %1" : "=r"(old) : "r"(0x0f00UL));
    CHECK_EQ(old, 0xf0f0);
    CHECK_EQ(csr_read(mscratch), 0xfff0);
    __asm__ volatile("csrrc %0, mscratch, %1" : "=r"(old) : "r"(0xf000UL));
    CHECK_EQ(old, 0xfff0);
    CHECK_EQ(csr_read(mscratch), 0x0ff0);
    __asm__ volatile("csrrwi %0, mscratch, 17" : "=r"(old));
    CHECK_EQ(old, 0x0ff0);
    __asm__ volatile("csrrsi %0, mscratch, 8" : "=r"(old));
    CHECK_EQ(old, 17);
    __asm__ volatile("csrrci %0, mscratch, 1" : "=r"(old));
    CHECK_EQ(old, 25);
    CHECK_EQ(csr_read(mscratch), 24);
    /* rd = rs1: the old value lands in rd after rs1 was used */
    uint64_t x = 0x55;
    __asm__ volatile("csrrw %0, mscratch, %0" : "+r"(x));
    CHECK_EQ(x, 24);
    CHECK_EQ(csr_read(mscratch), 0x55);
}

int main(void)
{
    test_counters();
    test_read_modify_write();
    return test_result();
}
