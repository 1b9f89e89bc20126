/*
 * FP state and illegal FP instructions (unprivileged 11.2, privileged
 * 3.1.6.6): with mstatus.FS = Off every FP instruction is illegal; a
 * reserved static rounding mode (5, 6) or a dynamic one with frm > 4 is
 * illegal, with the instruction bits in mtval; an FP register write turns
 * FS Initial/Clean into Dirty and sets SD.
 */
#include "fp.h"

#define MSTATUS_FS (3UL << 13)
#define MSTATUS_SD (1UL << 63)

static volatile uint64_t t_cause, t_tval, t_count;

uintptr_t handle_trap(TrapFrame *tf)
{
    t_count++;
    t_cause = tf->mcause;
    t_tval = tf->mtval;
    uint16_t low = *(volatile uint16_t *)tf->mepc;
    return tf->mepc + ((low & 3) == 3 ? 4 : 2);
}

static void set_fs(uint64_t fs)
{
    csr_clear(mstatus, MSTATUS_FS);
    csr_set(mstatus, fs << 13);
}

static void test_fs_off(void)
{
    static volatile uint32_t word = 0x3f800000;
    uint64_t n = t_count, r = 77;

    set_fs(0);
    __asm__ volatile(".option push\n\t.option norvc\n\t"
                     "fadd.s ft0, ft1, ft2\n\t.option pop" ::: "ft0");
    CHECK_EQ(t_count, n + 1);
    CHECK_EQ(t_cause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(t_tval, 0x0020f053);               /* fadd.s ft0, ft1, ft2 (rm = dyn) */
    __asm__ volatile("flw ft0, 0(%0)" :: "r"(&word) : "ft0");
    CHECK_EQ(t_count, n + 2);
    __asm__ volatile("fmv.x.w %0, ft0" : "+r"(r));
    CHECK_EQ(t_count, n + 3);
    CHECK_EQ(r, 77);                            /* rd untouched */
    __asm__ volatile("c.fldsp ft0, 0(sp)" ::: "ft0");
    CHECK_EQ(t_count, n + 4);
    CHECK_EQ(t_tval, 0x2002);                   /* the 16 compressed bits */
    __asm__ volatile("csrr %0, fcsr" : "+r"(r));     /* fcsr is FP state too */
    CHECK_EQ(t_count, n + 5);
    set_fs(1);
}

static void test_bad_rounding_modes(void)
{
    uint64_t n = t_count;

    /* fadd.d ft0, ft1, ft2 with rm = 5 and rm = 6 (reserved) */
    __asm__ volatile(".word 0x0220d053" ::: "ft0");
    CHECK_EQ(t_count, n + 1);
    CHECK_EQ(t_cause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(t_tval, 0x0220d053);
    __asm__ volatile(".word 0x0220e053" ::: "ft0");
    CHECK_EQ(t_count, n + 2);
    /* dynamic rm with frm = 5, 6, 7 */
    for (unsigned bad = 5; bad <= 7; bad++) {
        frm_write(bad);
        __asm__ volatile("fsqrt.d ft0, ft1, dyn" ::: "ft0");
        CHECK_EQ(t_cause, CAUSE_ILLEGAL_INSTRUCTION);
        CHECK_EQ(t_tval, 0x5a00f053);
    }
    CHECK_EQ(t_count, n + 5);
    /* instructions without a rounding mode do not care about frm */
    uint64_t fl = 0;
    CHECK_EQ(FOP2("fmin.d", 0x3ff0000000000000UL, 0, &fl), 0);
    CHECK_EQ(t_count, n + 5);
    frm_write(RM_RNE);
    T(FOP2("fadd.d ft2, ft0, ft1, dyn #", 0x3ff0000000000000UL, 0x3ff0000000000000UL, &fl),
      0x4000000000000000UL, 0);
    CHECK_EQ(t_count, n + 5);
}

static void test_dirty(void)
{
    set_fs(1);                                  /* Initial */
    CHECK_EQ(csr_read(mstatus) & MSTATUS_SD, 0);
    __asm__ volatile("fmv.d.x ft0, zero" ::: "ft0");
    CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, MSTATUS_FS);
    CHECK(csr_read(mstatus) & MSTATUS_SD);
    set_fs(2);                                  /* Clean */
    CHECK_EQ(csr_read(mstatus) & MSTATUS_SD, 0);
    __asm__ volatile("fadd.d ft0, ft0, ft0" ::: "ft0");
    CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, MSTATUS_FS);
    CHECK(csr_read(mstatus) & MSTATUS_SD);
    set_fs(1);
}

int main(void)
{
    test_fs_off();
    test_bad_rounding_modes();
    test_dirty();
    return test_result();
}
