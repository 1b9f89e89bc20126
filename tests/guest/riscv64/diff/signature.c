/*
 * Differential test: a fixed pseudo-random workload over I, M, A, F, D, C,
 * Zba/Zbb/Zbs that ends by printing the architectural state as a
 * signature (x1..x31, f0..f31, fcsr, and a checksum of the memory the
 * workload wrote).  tests/functional/test_riscv_isa.py runs it on Machina
 * and on qemu-system-riscv64 and requires identical signatures; the
 * program itself always "passes".
 *
 * The workload avoids the few places where the spec leaves a choice and
 * peers differ (misaligned AMOs, ebreak's mtval, reserved encodings).
 */
#include "test.h"

#define ITER 200

uint64_t sig_x[32], sig_f[32], sig_fcsr;
uint8_t sig_mem[512] __attribute__((aligned(64)));

/*
 * sig_kernel(iterations): one block of assembly so the compiler cannot
 * reorder or fold anything.  Working registers: t0-t6, a1-a7, s2-s11;
 * a0 is the LCG state.  Callee-saved registers are saved on the stack and
 * restored after the dump.
 */
void sig_kernel(uint64_t iterations);
__asm__(
    ".text\n"
    ".balign 4\n"
    ".globl sig_kernel\n"
    "sig_kernel:\n"
    "  addi sp, sp, -128\n"
    "  sd ra, 0(sp)\n  sd s0, 8(sp)\n  sd s1, 16(sp)\n  sd s2, 24(sp)\n"
    "  sd s3, 32(sp)\n  sd s4, 40(sp)\n  sd s5, 48(sp)\n  sd s6, 56(sp)\n"
    "  sd s7, 64(sp)\n  sd s8, 72(sp)\n  sd s9, 80(sp)\n  sd s10, 88(sp)\n"
    "  sd s11, 96(sp)\n  sd gp, 104(sp)\n  sd tp, 112(sp)\n"
    "  mv s1, a0\n"                       /* iteration counter */
    "  li a0, 0x243f6a8885a308d3\n"       /* LCG state */
    "  li s2, 0\n li s3, 0\n li s4, 0\n li s5, 0\n li s6, 0\n"
    "  li s7, 0\n li s8, 0\n li s9, 0\n li s10, 0\n li s11, 0\n"
    "  la s0, sig_mem\n"
    "  fcvt.d.l fs0, zero\n fmv.d fs1, fs0\n fmv.d fs2, fs0\n fmv.d fs3, fs0\n"
    "1:\n"
    /* LCG: a0 = a0 * 6364136223846793005 + 1442695040888963407 */
    "  li t0, 6364136223846793005\n"
    "  mul a0, a0, t0\n"
    "  li t0, 1442695040888963407\n"
    "  add a0, a0, t0\n"
    "  srli a1, a0, 17\n"
    "  rori a2, a0, 29\n"
    "  andi a3, a0, 0xff\n"               /* sometimes 0: division by zero */
    "  srai a4, a0, 40\n"
    "  xori a5, a2, -1\n"
    /* I and M */
    "  add t1, a1, a2\n  sub t2, a1, a2\n  sll t3, a2, a1\n  srl t4, a0, a3\n"
    "  sra t5, a4, a1\n  slt t6, a4, a1\n  sltu a6, a4, a1\n"
    "  addw a7, a1, a2\n  subw t0, a2, a4\n  sllw t1, a1, a0\n  srlw t2, a5, a3\n"
    "  sraw t3, a5, a1\n  addiw t4, a4, -1234\n  slliw t5, a2, 7\n  sraiw t6, a5, 19\n"
    "  xor s2, s2, t1\n  add s3, s3, t2\n  xor s2, s2, t3\n  add s3, s3, t4\n"
    "  xor s4, s4, t5\n  add s4, s4, t6\n  add s5, s5, a6\n  xor s5, s5, a7\n"
    "  add s6, s6, t0\n  xor s6, s6, t1\n  add s6, s6, t2\n  xor s6, s6, t3\n"
    "  mul t0, a1, a2\n  mulh t1, a4, a5\n  mulhsu t2, a4, a2\n  mulhu t3, a2, a5\n"
    "  div t4, a4, a3\n  divu t5, a2, a3\n  rem t6, a4, a3\n  remu a6, a5, a3\n"
    "  mulw a7, a1, a4\n  add s7, s7, t0\n  xor s7, s7, t1\n  add s7, s7, t2\n"
    "  xor s8, s8, t3\n  add s8, s8, t4\n  xor s8, s8, t5\n  add s8, s8, t6\n"
    "  xor s8, s8, a6\n  add s8, s8, a7\n"
    "  divw t0, a4, a3\n  divuw t1, a5, a3\n  remw t2, a4, a3\n  remuw t3, a5, a3\n"
    "  li t4, -1\n  li t5, 0x8000000000000000\n  div t6, t5, t4\n  rem a6, t5, t4\n"
    "  add s9, s9, t0\n  xor s9, s9, t1\n  add s9, s9, t2\n  xor s9, s9, t3\n"
    "  add s9, s9, t6\n  xor s9, s9, a6\n"
    /* Zba, Zbb, Zbs */
    "  sh1add t0, a1, a2\n  sh2add.uw t1, a4, a2\n  sh3add t2, a5, a1\n  add.uw t3, a4, a1\n"
    "  slli.uw t4, a5, 9\n  andn t5, a1, a2\n  orn t6, a4, a5\n  xnor a6, a1, a4\n"
    "  add s10, s10, t0\n  xor s10, s10, t1\n  add s10, s10, t2\n  xor s10, s10, t3\n"
    "  add s10, s10, t4\n  xor s10, s10, t5\n  add s10, s10, t6\n  xor s10, s10, a6\n"
    "  clz t0, a4\n  ctz t1, a2\n  cpop t2, a0\n  clzw t3, a3\n  ctzw t4, a3\n  cpopw t5, a5\n"
    "  max t6, a4, a1\n  minu a6, a4, a1\n  sext.b a7, a0\n"
    "  add s11, s11, t0\n  xor s11, s11, t1\n  add s11, s11, t2\n  xor s11, s11, t3\n"
    "  add s11, s11, t4\n  xor s11, s11, t5\n  add s11, s11, t6\n  xor s11, s11, a6\n"
    "  add s11, s11, a7\n"
    "  sext.h t0, a2\n  zext.h t1, a5\n  rol t2, a0, a1\n  ror t3, a4, a2\n  rolw t4, a5, a1\n"
    "  roriw t5, a2, 11\n  orc.b t6, a3\n  rev8 a6, a0\n"
    "  bclr a7, a0, a1\n  bset t0, t0, a2\n  binv t1, t1, a4\n  bext t2, a5, a1\n"
    "  bexti t3, a0, 37\n  bseti t4, t4, 63\n"
    "  add s2, s2, t0\n  xor s3, s3, t1\n  add s4, s4, t2\n  xor s5, s5, t3\n"
    "  add s6, s6, t4\n  xor s7, s7, t5\n  add s8, s8, t6\n  xor s9, s9, a6\n  add s10, s10, a7\n"
    /* memory: misaligned stores and loads, sub-word sign extension */
    "  andi t0, a1, 0x1f7\n  add t0, t0, s0\n"
    "  sd a2, 0(t0)\n  sw a4, 3(t0)\n  sh a5, 9(t0)\n  sb a0, 12(t0)\n"
    "  ld t1, 1(t0)\n  lw t2, 2(t0)\n  lhu t3, 5(t0)\n  lb t4, 12(t0)\n  lwu t5, 7(t0)\n"
    "  add s2, s2, t1\n  xor s3, s3, t2\n  add s4, s4, t3\n  xor s5, s5, t4\n  add s6, s6, t5\n"
    /* A: AMOs on aligned words, LR/SC */
    "  andi t0, a2, 0x1f8\n  add t0, t0, s0\n"
    "  amoadd.d t1, a1, (t0)\n  amoxor.w t2, a4, (t0)\n  amomax.d t3, a4, (t0)\n"
    "  amominu.w t4, a5, (t0)\n  amoswap.d.aqrl t5, a2, (t0)\n  amoor.w t6, a0, (t0)\n"
    "  lr.d a6, (t0)\n  sc.d a7, a1, (t0)\n  sc.d a6, a2, (t0)\n"
    "  add s7, s7, t1\n  xor s8, s8, t2\n  add s9, s9, t3\n  xor s10, s10, t4\n"
    "  add s11, s11, t5\n  xor s2, s2, t6\n  add s3, s3, a7\n  xor s4, s4, a6\n"
    /* F and D with the rounding mode cycling through frm = iteration % 5 */
    "  li t0, 5\n  remu t0, s1, t0\n  fsrm t0\n"
    "  fmv.d.x ft0, a0\n  fmv.d.x ft1, a2\n  fcvt.d.l ft2, a4\n  fcvt.d.lu ft3, a5\n"
    "  fadd.d ft4, ft2, ft3\n  fmul.d ft5, ft2, ft3\n  fdiv.d ft6, ft3, ft2\n"
    "  fsqrt.d ft7, ft3\n  fmadd.d ft8, ft2, ft3, ft0\n  fnmsub.d ft9, ft0, ft1, ft2\n"
    "  fsub.d ft10, ft0, ft1\n  fmin.d ft11, ft0, ft1\n  fmax.d fa0, ft4, ft1\n"
    "  fdiv.d fa1, ft0, ft1\n  fmsub.d fa2, ft5, ft6, ft4\n"
    "  fcvt.s.d fa3, ft5\n  fcvt.s.l fa4, a1\n  fcvt.s.wu fa5, a5\n  fmv.w.x fa6, a2\n"
    "  fadd.s fa7, fa3, fa4\n  fmul.s fs4, fa4, fa5\n  fdiv.s fs5, fa4, fa3\n"
    "  fsqrt.s fs6, fa5\n  fnmadd.s fs7, fa3, fa4, fa6\n  fmax.s fs8, fa6, fa4\n"
    "  fcvt.d.s fs9, fa4\n  fsgnjx.d fs10, ft2, ft0\n  fsgnjn.s fs11, fa6, fa4\n"
    "  fadd.d fs0, fs0, ft4\n  fadd.d fs1, fs1, ft6\n  fadd.s fs2, fs2, fa7\n"
    "  fsub.d fs3, fs3, ft7\n"
    "  fcvt.w.d t1, ft0\n  fcvt.lu.d t2, ft6\n  fcvt.l.s t3, fa6\n  fcvt.wu.s t4, fs5\n"
    "  feq.d t5, ft0, ft0\n  flt.d t6, ft2, ft3\n  fle.s a6, fa6, fa4\n  fclass.d a7, ft0\n"
    "  add s5, s5, t1\n  xor s6, s6, t2\n  add s7, s7, t3\n  xor s8, s8, t4\n"
    "  add s9, s9, t5\n  xor s10, s10, t6\n  add s11, s11, a6\n  xor s2, s2, a7\n"
    "  fclass.s t1, fa6\n  fmv.x.w t2, fa3\n  fmv.x.d t3, ft9\n  add s3, s3, t1\n"
    "  xor s4, s4, t2\n  add s5, s5, t3\n"
    "  andi t0, a1, 0x1f0\n  add t0, t0, s0\n  fsd ft8, 0(t0)\n  fsw fa7, 9(t0)\n"
    "  fld ft1, 4(t0)\n  flw fa6, 1(t0)\n"
    /* C: a few compressed forms in the hot loop */
    "  c.mv t0, a1\n  c.add t0, a2\n  c.addi s3, -7\n  c.slli t0, 5\n"
    "  c.srai a1, 3\n  c.xor a2, a5\n  c.addw a3, a4\n  c.andi a4, -17\n  add s7, s7, t0\n"
    "  add s2, s2, a1\n  xor s3, s3, a2\n  add s4, s4, a3\n  xor s5, s5, a4\n"
    "  addi s1, s1, -1\n"
    "  bnez s1, 1b\n"
    /* dump */
    "  la t0, sig_x\n"
    "  sd x1, 8(t0)\n  sd x2, 16(t0)\n  sd x3, 24(t0)\n  sd x4, 32(t0)\n"
    "  sd x5, 40(t0)\n  sd x6, 48(t0)\n  sd x7, 56(t0)\n  sd x8, 64(t0)\n"
    "  sd x9, 72(t0)\n  sd x10, 80(t0)\n  sd x11, 88(t0)\n  sd x12, 96(t0)\n"
    "  sd x13, 104(t0)\n  sd x14, 112(t0)\n  sd x15, 120(t0)\n  sd x16, 128(t0)\n"
    "  sd x17, 136(t0)\n  sd x18, 144(t0)\n  sd x19, 152(t0)\n  sd x20, 160(t0)\n"
    "  sd x21, 168(t0)\n  sd x22, 176(t0)\n  sd x23, 184(t0)\n  sd x24, 192(t0)\n"
    "  sd x25, 200(t0)\n  sd x26, 208(t0)\n  sd x27, 216(t0)\n  sd x28, 224(t0)\n"
    "  sd x29, 232(t0)\n  sd x30, 240(t0)\n  sd x31, 248(t0)\n"
    "  la t0, sig_f\n"
    "  fsd f0, 0(t0)\n  fsd f1, 8(t0)\n  fsd f2, 16(t0)\n  fsd f3, 24(t0)\n"
    "  fsd f4, 32(t0)\n  fsd f5, 40(t0)\n  fsd f6, 48(t0)\n  fsd f7, 56(t0)\n"
    "  fsd f8, 64(t0)\n  fsd f9, 72(t0)\n  fsd f10, 80(t0)\n  fsd f11, 88(t0)\n"
    "  fsd f12, 96(t0)\n  fsd f13, 104(t0)\n  fsd f14, 112(t0)\n  fsd f15, 120(t0)\n"
    "  fsd f16, 128(t0)\n  fsd f17, 136(t0)\n  fsd f18, 144(t0)\n  fsd f19, 152(t0)\n"
    "  fsd f20, 160(t0)\n  fsd f21, 168(t0)\n  fsd f22, 176(t0)\n  fsd f23, 184(t0)\n"
    "  fsd f24, 192(t0)\n  fsd f25, 200(t0)\n  fsd f26, 208(t0)\n  fsd f27, 216(t0)\n"
    "  fsd f28, 224(t0)\n  fsd f29, 232(t0)\n  fsd f30, 240(t0)\n  fsd f31, 248(t0)\n"
    "  la t0, sig_fcsr\n  frcsr t1\n  sd t1, 0(t0)\n"
    "  ld ra, 0(sp)\n  ld s0, 8(sp)\n  ld s1, 16(sp)\n  ld s2, 24(sp)\n"
    "  ld s3, 32(sp)\n  ld s4, 40(sp)\n  ld s5, 48(sp)\n  ld s6, 56(sp)\n"
    "  ld s7, 64(sp)\n  ld s8, 72(sp)\n  ld s9, 80(sp)\n  ld s10, 88(sp)\n"
    "  ld s11, 96(sp)\n  ld gp, 104(sp)\n  ld tp, 112(sp)\n"
    "  addi sp, sp, 128\n"
    "  ret\n");

int main(void)
{
    uint64_t sum = 0xcbf29ce484222325UL;

    sig_kernel(ITER);
    for (size_t i = 0; i < sizeof(sig_mem); i++) {
        sum = (sum ^ sig_mem[i]) * 0x100000001b3UL;
    }
    test_printf("SIGNATURE BEGIN\n");
    for (int i = 1; i < 32; i++) {
        test_printf("x%d %016lx\n", i, sig_x[i]);
    }
    for (int i = 0; i < 32; i++) {
        test_printf("f%d %016lx\n", i, sig_f[i]);
    }
    test_printf("fcsr %02lx\n", sig_fcsr);
    test_printf("mem %016lx\n", sum);
    test_printf("SIGNATURE END\n");
    return 0;
}
