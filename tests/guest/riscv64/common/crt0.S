/*
 * Entry of every bare-metal test: M-mode at 0x80000000 (the virt machine's
 * DRAM base, "-bios none").  Hart 0 runs the test; any other hart parks in
 * wfi.  Sets up gp/sp, zeroes .bss, turns the FPU on (mstatus.FS = Initial,
 * privileged spec 3.1.6.6) so FP tests need no setup, installs the trap
 * vector, calls main() and reports its return value through sifive_test:
 * 0 = pass, anything else = fail with that code.
 */
#define MSTATUS_FS_INITIAL (1 << 13)

    .section .text.init, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    csrr t0, mhartid
    bnez t0, park
    la sp, __stack_top
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  li t0, MSTATUS_FS_INITIAL
    csrs mstatus, t0
    csrwi fcsr, 0
    la t0, trap_entry
    csrw mtvec, t0
    call main
    call test_exit
park:
    wfi
    j park

/*
 * Trap vector (direct mode, 4-byte aligned).  Saves all integer registers
 * in a TrapFrame on the stack, calls
 *     uintptr_t handle_trap(TrapFrame *tf)
 * with tf->mcause/mepc/mtval filled in, and returns (mret) to the pc it
 * returns, with the integer registers reloaded from the frame (so a
 * handler may change them).  The default handle_trap (test.c) reports an
 * unexpected trap and fails; tests override it by defining their own.
 */
    .text
    .balign 4
    .globl trap_entry
trap_entry:
    addi sp, sp, -36*8
    sd x1, 1*8(sp)
    sd x3, 3*8(sp)
    sd x4, 4*8(sp)
    sd x5, 5*8(sp)
    sd x6, 6*8(sp)
    sd x7, 7*8(sp)
    sd x8, 8*8(sp)
    sd x9, 9*8(sp)
    sd x10, 10*8(sp)
    sd x11, 11*8(sp)
    sd x12, 12*8(sp)
    sd x13, 13*8(sp)
    sd x14, 14*8(sp)
    sd x15, 15*8(sp)
    sd x16, 16*8(sp)
    sd x17, 17*8(sp)
    sd x18, 18*8(sp)
    sd x19, 19*8(sp)
    sd x20, 20*8(sp)
    sd x21, 21*8(sp)
    sd x22, 22*8(sp)
    sd x23, 23*8(sp)
    sd x24, 24*8(sp)
    sd x25, 25*8(sp)
    sd x26, 26*8(sp)
    sd x27, 27*8(sp)
    sd x28, 28*8(sp)
    sd x29, 29*8(sp)
    sd x30, 30*8(sp)
    sd x31, 31*8(sp)
    addi t0, sp, 36*8
    sd t0, 2*8(sp)              /* the interrupted sp */
    sd zero, 0(sp)
    csrr t0, mcause
    sd t0, 32*8(sp)
    csrr t0, mepc
    sd t0, 33*8(sp)
    csrr t0, mtval
    sd t0, 34*8(sp)
    mv a0, sp
    call handle_trap
    csrw mepc, a0
    ld x1, 1*8(sp)
    ld x3, 3*8(sp)
    ld x4, 4*8(sp)
    ld x5, 5*8(sp)
    ld x6, 6*8(sp)
    ld x7, 7*8(sp)
    ld x8, 8*8(sp)
    ld x9, 9*8(sp)
    ld x10, 10*8(sp)
    ld x11, 11*8(sp)
    ld x12, 12*8(sp)
    ld x13, 13*8(sp)
    ld x14, 14*8(sp)
    ld x15, 15*8(sp)
    ld x16, 16*8(sp)
    ld x17, 17*8(sp)
    ld x18, 18*8(sp)
    ld x19, 19*8(sp)
    ld x20, 20*8(sp)
    ld x21, 21*8(sp)
    ld x22, 22*8(sp)
    ld x23, 23*8(sp)
    ld x24, 24*8(sp)
    ld x25, 25*8(sp)
    ld x26, 26*8(sp)
    ld x27, 27*8(sp)
    ld x28, 28*8(sp)
    ld x29, 29*8(sp)
    ld x30, 30*8(sp)
    ld x31, 31*8(sp)
    ld x2, 2*8(sp)
    mret
