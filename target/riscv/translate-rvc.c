/*
 * C extension (unprivileged spec ch. 16, RV64 encodings, tables 16.4-16.6):
 * each 16-bit instruction is expanded to the 32-bit instruction it stands
 * for, which the ordinary decoders then translate.  Reserved encodings
 * (including the all-zero halfword, nzimm = 0 where the spec requires a
 * nonzero immediate, rd = x0 where forbidden) return false and the caller
 * raises illegal instruction with the 16 instruction bits as tval.
 * HINT encodings (e.g. c.addi x0, c.li x0, c.slli with rd = x0) expand to
 * writes of x0 and so execute as no-ops, as the spec intends.
 */
#include "target/riscv/translate-internal.h"

static uint32_t enc_r(int opc, int rd, int f3, int rs1, int rs2, int f7)
{
    return opc | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | (uint32_t)f7 << 25;
}

static uint32_t enc_i(int opc, int rd, int f3, int rs1, int64_t imm)
{
    return opc | rd << 7 | f3 << 12 | rs1 << 15 | ((uint32_t)imm & 0xfff) << 20;
}

static uint32_t enc_s(int opc, int f3, int rs1, int rs2, int64_t imm)
{
    uint32_t u = (uint32_t)imm;
    return opc | (u & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 |
           ((u >> 5) & 0x7f) << 25;
}

static uint32_t enc_b(int f3, int rs1, int rs2, int64_t imm)
{
    uint32_t u = (uint32_t)imm;
    return OPC_BRANCH | ((u >> 11) & 1) << 7 | ((u >> 1) & 0xf) << 8 | f3 << 12 |
           rs1 << 15 | rs2 << 20 | ((u >> 5) & 0x3f) << 25 | ((u >> 12) & 1) << 31;
}

static uint32_t enc_j(int rd, int64_t imm)
{
    uint32_t u = (uint32_t)imm;
    return OPC_JAL | rd << 7 | ((u >> 12) & 0xff) << 12 | ((u >> 11) & 1) << 20 |
           ((u >> 1) & 0x3ff) << 21 | ((u >> 20) & 1) << 31;
}

/* Bit-field gathering: bit b of the halfword to bit position pos. */
static inline uint32_t cbit(uint16_t c, int b, int pos)
{
    return ((c >> b) & 1u) << pos;
}

static inline int creg(uint16_t c, int lsb)   /* rd'/rs1'/rs2' -> x8..x15 */
{
    return 8 + ((c >> lsb) & 7);
}

static int64_t cimm6(uint16_t c)              /* imm[5] = c[12], imm[4:0] = c[6:2] */
{
    return sextract32((c >> 2 & 0x1f) | (c >> 12 & 1) << 5, 0, 6);
}

static bool expand_q0(uint16_t c, uint32_t *out)
{
    int rdp = creg(c, 2), rs1p = creg(c, 7);
    uint32_t off_w = cbit(c, 6, 2) | (c >> 10 & 7) << 3 | cbit(c, 5, 6);
    uint32_t off_d = (c >> 10 & 7) << 3 | (c >> 5 & 3) << 6;

    switch (c >> 13) {
    case 0: {   /* c.addi4spn */
        uint32_t nzuimm = (c >> 11 & 3) << 4 | (c >> 7 & 0xf) << 6 | cbit(c, 6, 2) |
                          cbit(c, 5, 3);
        if (nzuimm == 0) {
            return false;      /* includes the all-zero instruction */
        }
        *out = enc_i(OPC_OP_IMM, rdp, 0, 2, nzuimm);
        return true;
    }
    case 1:     /* c.fld */
        *out = enc_i(OPC_LOAD_FP, rdp, 3, rs1p, off_d);
        return true;
    case 2:     /* c.lw */
        *out = enc_i(OPC_LOAD, rdp, 2, rs1p, off_w);
        return true;
    case 3:     /* c.ld */
        *out = enc_i(OPC_LOAD, rdp, 3, rs1p, off_d);
        return true;
    case 5:     /* c.fsd */
        *out = enc_s(OPC_STORE_FP, 3, rs1p, rdp, off_d);
        return true;
    case 6:     /* c.sw */
        *out = enc_s(OPC_STORE, 2, rs1p, rdp, off_w);
        return true;
    case 7:     /* c.sd */
        *out = enc_s(OPC_STORE, 3, rs1p, rdp, off_d);
        return true;
    }
    return false;
}

static bool expand_q1(uint16_t c, uint32_t *out)
{
    int rd = c >> 7 & 0x1f, rdp = creg(c, 7), rs2p = creg(c, 2);

    switch (c >> 13) {
    case 0:     /* c.addi (c.nop) */
        *out = enc_i(OPC_OP_IMM, rd, 0, rd, cimm6(c));
        return true;
    case 1:     /* c.addiw */
        if (rd == 0) {
            return false;
        }
        *out = enc_i(OPC_OP_IMM_32, rd, 0, rd, cimm6(c));
        return true;
    case 2:     /* c.li */
        *out = enc_i(OPC_OP_IMM, rd, 0, 0, cimm6(c));
        return true;
    case 3:
        if (rd == 2) {   /* c.addi16sp */
            int64_t nzimm = sextract32(cbit(c, 6, 4) | cbit(c, 2, 5) | cbit(c, 5, 6) |
                                       (c >> 3 & 3) << 7 | cbit(c, 12, 9), 0, 10);
            if (nzimm == 0) {
                return false;
            }
            *out = enc_i(OPC_OP_IMM, 2, 0, 2, nzimm);
        } else {         /* c.lui */
            int64_t nzimm = cimm6(c);
            if (nzimm == 0) {
                return false;
            }
            *out = OPC_LUI | rd << 7 | ((uint32_t)nzimm & 0xfffff) << 12;
        }
        return true;
    case 4:
        switch (c >> 10 & 3) {
        case 0:   /* c.srli */
        case 1: { /* c.srai */
            uint32_t shamt = (c >> 2 & 0x1f) | cbit(c, 12, 5);
            *out = enc_i(OPC_OP_IMM, rdp, 5, rdp, shamt | ((c >> 10 & 1) ? 0x400 : 0));
            return true;
        }
        case 2:   /* c.andi */
            *out = enc_i(OPC_OP_IMM, rdp, 7, rdp, cimm6(c));
            return true;
        case 3: {
            static const int f3s[4] = { 0, 4, 6, 7 };   /* sub, xor, or, and */
            int op2 = c >> 5 & 3;
            if (!(c & (1 << 12))) {
                *out = enc_r(OPC_OP, rdp, f3s[op2], rdp, rs2p, op2 == 0 ? 0x20 : 0);
                return true;
            }
            if (op2 == 0) {        /* c.subw */
                *out = enc_r(OPC_OP_32, rdp, 0, rdp, rs2p, 0x20);
                return true;
            }
            if (op2 == 1) {        /* c.addw */
                *out = enc_r(OPC_OP_32, rdp, 0, rdp, rs2p, 0);
                return true;
            }
            return false;
        }
        }
        return false;
    case 5: {   /* c.j */
        int64_t off = sextract32(cbit(c, 3, 1) | cbit(c, 4, 2) | cbit(c, 5, 3) |
                                 cbit(c, 11, 4) | cbit(c, 2, 5) | cbit(c, 7, 6) |
                                 cbit(c, 6, 7) | cbit(c, 9, 8) | cbit(c, 10, 9) |
                                 cbit(c, 8, 10) | cbit(c, 12, 11), 0, 12);
        *out = enc_j(0, off);
        return true;
    }
    case 6:     /* c.beqz */
    case 7: {   /* c.bnez */
        int64_t off = sextract32(cbit(c, 3, 1) | cbit(c, 4, 2) | cbit(c, 10, 3) |
                                 cbit(c, 11, 4) | cbit(c, 2, 5) | cbit(c, 5, 6) |
                                 cbit(c, 6, 7) | cbit(c, 12, 8), 0, 9);
        *out = enc_b((c >> 13) == 6 ? 0 : 1, rdp, 0, off);
        return true;
    }
    }
    return false;
}

static bool expand_q2(uint16_t c, uint32_t *out)
{
    int rd = c >> 7 & 0x1f, rs2 = c >> 2 & 0x1f;
    uint32_t sp_d = cbit(c, 12, 5) | (c >> 5 & 3) << 3 | (c >> 2 & 7) << 6;
    uint32_t sp_w = cbit(c, 12, 5) | (c >> 4 & 7) << 2 | (c >> 2 & 3) << 6;
    uint32_t ss_d = (c >> 10 & 7) << 3 | (c >> 7 & 7) << 6;
    uint32_t ss_w = (c >> 9 & 0xf) << 2 | (c >> 7 & 3) << 6;

    switch (c >> 13) {
    case 0: {   /* c.slli */
        uint32_t shamt = (c >> 2 & 0x1f) | cbit(c, 12, 5);
        *out = enc_i(OPC_OP_IMM, rd, 1, rd, shamt);
        return true;
    }
    case 1:     /* c.fldsp */
        *out = enc_i(OPC_LOAD_FP, rd, 3, 2, sp_d);
        return true;
    case 2:     /* c.lwsp */
        if (rd == 0) {
            return false;
        }
        *out = enc_i(OPC_LOAD, rd, 2, 2, sp_w);
        return true;
    case 3:     /* c.ldsp */
        if (rd == 0) {
            return false;
        }
        *out = enc_i(OPC_LOAD, rd, 3, 2, sp_d);
        return true;
    case 4:
        if (!(c & (1 << 12))) {
            if (rs2 == 0) {      /* c.jr */
                if (rd == 0) {
                    return false;
                }
                *out = enc_i(OPC_JALR, 0, 0, rd, 0);
            } else {             /* c.mv */
                *out = enc_r(OPC_OP, rd, 0, 0, rs2, 0);
            }
            return true;
        }
        if (rs2 == 0) {
            if (rd == 0) {       /* c.ebreak */
                *out = 0x00100073;
            } else {             /* c.jalr */
                *out = enc_i(OPC_JALR, 1, 0, rd, 0);
            }
            return true;
        }
        *out = enc_r(OPC_OP, rd, 0, rd, rs2, 0);   /* c.add */
        return true;
    case 5:     /* c.fsdsp */
        *out = enc_s(OPC_STORE_FP, 3, 2, rs2, ss_d);
        return true;
    case 6:     /* c.swsp */
        *out = enc_s(OPC_STORE, 2, 2, rs2, ss_w);
        return true;
    case 7:     /* c.sdsp */
        *out = enc_s(OPC_STORE, 3, 2, rs2, ss_d);
        return true;
    }
    return false;
}

bool expand_rvc(DisasContext *ctx, uint16_t c, uint32_t *insn)
{
    switch (c & 3) {
    case 0:
        return expand_q0(c, insn);
    case 1:
        return expand_q1(c, insn);
    case 2:
        return expand_q2(c, insn);
    }
    return false;
}
