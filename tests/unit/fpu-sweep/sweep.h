/*
 * The FP sweep shared by the host unit test (test-riscv-fpu.c, calling the
 * helpers) and the oracle program (sweep-riscv.c, running the real
 * instructions under qemu-riscv64).  Both print one line per operation,
 *   "<op> <rm> <a> <b> <c> -> <result> <fflags>",
 * for every rounding mode RNE..RMM (through frm / rm = dyn) over special
 * values: signed zeros, infinities, quiet and signaling NaNs (and a NaN
 * with payload), subnormals, min/max normals, halfway cases and the
 * boundaries of the integer conversions.  The unit test compares a hash of
 * its lines with the hash of the oracle's output.
 *
 * The includer defines SWEEP_OUT(fmt, ...), setrm(rm), fl() (read and clear
 * fflags), box(), and a do_<op> function for every op in the lists.
 */
#ifndef FPU_SWEEP_H
#define FPU_SWEEP_H

/* shared list: name, nsrc(f), kind */
#define OPS(X) \
 X(fadd_s, "fadd.s %0,%1,%2", 2, F32) X(fsub_s, "fsub.s %0,%1,%2", 2, F32) \
 X(fmul_s, "fmul.s %0,%1,%2", 2, F32) X(fdiv_s, "fdiv.s %0,%1,%2", 2, F32) \
 X(fsqrt_s, "fsqrt.s %0,%1", 1, F32) \
 X(fadd_d, "fadd.d %0,%1,%2", 2, F64) X(fsub_d, "fsub.d %0,%1,%2", 2, F64) \
 X(fmul_d, "fmul.d %0,%1,%2", 2, F64) X(fdiv_d, "fdiv.d %0,%1,%2", 2, F64) \
 X(fsqrt_d, "fsqrt.d %0,%1", 1, F64) \
 X(fmadd_s, "fmadd.s %0,%1,%2,%3", 3, F32) X(fmsub_s, "fmsub.s %0,%1,%2,%3", 3, F32) \
 X(fnmsub_s, "fnmsub.s %0,%1,%2,%3", 3, F32) X(fnmadd_s, "fnmadd.s %0,%1,%2,%3", 3, F32) \
 X(fmadd_d, "fmadd.d %0,%1,%2,%3", 3, F64) X(fmsub_d, "fmsub.d %0,%1,%2,%3", 3, F64) \
 X(fnmsub_d, "fnmsub.d %0,%1,%2,%3", 3, F64) X(fnmadd_d, "fnmadd.d %0,%1,%2,%3", 3, F64) \
 X(fmin_s, "fmin.s %0,%1,%2", 2, F32) X(fmax_s, "fmax.s %0,%1,%2", 2, F32) \
 X(fmin_d, "fmin.d %0,%1,%2", 2, F64) X(fmax_d, "fmax.d %0,%1,%2", 2, F64) \
 X(fcvt_s_d, "fcvt.s.d %0,%1", 1, F64) X(fcvt_d_s, "fcvt.d.s %0,%1", 1, F32)
#define IOPS(X) \
 X(feq_s, "feq.s %0,%1,%2", 2, F32) X(flt_s, "flt.s %0,%1,%2", 2, F32) X(fle_s, "fle.s %0,%1,%2", 2, F32) \
 X(feq_d, "feq.d %0,%1,%2", 2, F64) X(flt_d, "flt.d %0,%1,%2", 2, F64) X(fle_d, "fle.d %0,%1,%2", 2, F64) \
 X(fcvt_w_s, "fcvt.w.s %0,%1", 1, F32) X(fcvt_wu_s, "fcvt.wu.s %0,%1", 1, F32) \
 X(fcvt_l_s, "fcvt.l.s %0,%1", 1, F32) X(fcvt_lu_s, "fcvt.lu.s %0,%1", 1, F32) \
 X(fcvt_w_d, "fcvt.w.d %0,%1", 1, F64) X(fcvt_wu_d, "fcvt.wu.d %0,%1", 1, F64) \
 X(fcvt_l_d, "fcvt.l.d %0,%1", 1, F64) X(fcvt_lu_d, "fcvt.lu.d %0,%1", 1, F64) \
 X(fclass_s, "fclass.s %0,%1", 1, F32) X(fclass_d, "fclass.d %0,%1", 1, F64)
#define FROMI(X) \
 X(fcvt_s_w, "fcvt.s.w %0,%1") X(fcvt_s_wu, "fcvt.s.wu %0,%1") X(fcvt_s_l, "fcvt.s.l %0,%1") X(fcvt_s_lu, "fcvt.s.lu %0,%1") \
 X(fcvt_d_w, "fcvt.d.w %0,%1") X(fcvt_d_wu, "fcvt.d.wu %0,%1") X(fcvt_d_l, "fcvt.d.l %0,%1") X(fcvt_d_lu, "fcvt.d.lu %0,%1")

static const uint64_t vd[] = {
 0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
 0x7ff8000000000000ull, 0x7ff0000000000001ull, 0xfff8000000000123ull, 0x0000000000000001ull, 0x800fffffffffffffull,
 0x0010000000000000ull, 0x7fefffffffffffffull, 0x3ff8000000000000ull, 0x4004000000000000ull, 0xc00c000000000000ull,
 0x41dfffffffc00000ull, 0x41e0000000000000ull, 0xc1e0000000000000ull, 0xc1e0000000200000ull, 0x43e0000000000000ull,
 0x43f0000000000000ull, 0x3ff0000000000001ull, 0x3fe0000000000000ull, 0xbfe8000000000000ull, 0x4330000000000001ull,
 0x3cb0000000000000ull, 0x000fffffffffffffull, 0x3fd5555555555555ull, 0x47efffffe0000000ull, 0x36a0000000000000ull,
 0x3810000000000000ull, 0x380fffffffffffffull, 0x4000000000000000ull, 0x41efffffffe00000ull, 0x43dfffffffffffffull,
};
static const uint32_t vs[] = {
 0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffc00123, 0x00000001,
 0x807fffff, 0x00800000, 0x7f7fffff, 0x3fc00000, 0x40200000, 0xc0600000, 0x4effffff, 0x4f000000, 0xcf000000,
 0xcf000001, 0x5f000000, 0x5f800000, 0x3f800001, 0x3f000000, 0xbf400000, 0x4b000001, 0x34000000, 0x007fffff,
 0x3eaaaaab, 0x4f7fffff, 0x7effffff, 0x00400000, 0x40000000, 0x3fffffff, 0x5effffff,
};
static const uint64_t vi[] = {
 0, 1, 0xffffffffffffffffull, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000001ull, 0x7fffffffffffffffull,
 0x8000000000000000ull, 0x20000001ull, 0x1000001ull, 0x1000003ull, 0xfffffffffefffffeull, 0x10000000000001ull,
 0x20000000000003ull, 0xffffffffffffff7full, 0x8000008000000001ull, 0x00ffffffffffffffull, 0x123456789abcdefull,
};
#define NVD (sizeof(vd)/8)
#define NVS (sizeof(vs)/4)
#define NVI (sizeof(vi)/8)

static uint64_t sweep_val(int kind, unsigned i)
{
    return kind == 1 ? vd[i % NVD] : box(vs[i % NVS]);
}

static unsigned sweep_nval(int kind)
{
    return kind == 1 ? NVD : NVS;
}

#define F32 0
#define F64 1

#define SWEEP_RUN(name, asmstr, n, kind)                                         \
    for (unsigned i = 0; i < sweep_nval(kind); i++)                              \
        for (unsigned j = 0; j < (n > 1 ? sweep_nval(kind) : 1); j++)            \
            for (unsigned k = 0; k < (n > 2 ? sweep_nval(kind) : 1);             \
                 k += (n > 2 ? 3 : 1)) {                                         \
                uint64_t a = sweep_val(kind, i), b = sweep_val(kind, j);         \
                uint64_t c = sweep_val(kind, k + (i % 3));                       \
                fl();                                                            \
                uint64_t r = do_##name(a, b, c);                                 \
                uint64_t f = fl();                                               \
                SWEEP_OUT(#name " %d %016llx %016llx %016llx -> %016llx %02llx\n", \
                          rm, (unsigned long long)a,                             \
                          (unsigned long long)(n > 1 ? b : 0),                   \
                          (unsigned long long)(n > 2 ? c : 0),                   \
                          (unsigned long long)r, (unsigned long long)f);         \
            }

#define SWEEP_RUNI(name, asmstr)                                                 \
    for (unsigned i = 0; i < NVI; i++) {                                         \
        fl();                                                                    \
        uint64_t r = do_##name(vi[i]);                                           \
        uint64_t f = fl();                                                       \
        SWEEP_OUT(#name " %d %016llx -> %016llx %02llx\n", rm,                   \
                  (unsigned long long)vi[i], (unsigned long long)r,              \
                  (unsigned long long)f);                                        \
    }

/* The whole sweep, in a fixed order. */
#define SWEEP_ALL()                                                              \
    for (int rm = 0; rm < 5; rm++) {                                             \
        setrm(rm);                                                               \
        OPS(SWEEP_RUN)                                                           \
        IOPS(SWEEP_RUN)                                                          \
        FROMI(SWEEP_RUNI)                                                        \
    }

#endif
