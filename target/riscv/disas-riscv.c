/*
 * A small text disassembler for RV64GC + Zicsr + Zifencei + Zba/Zbb/Zbs,
 * used by -d in_asm when capstone lacks RISC-V (capstone < 5).  Compressed
 * instructions are shown as the 32-bit instruction they expand to (the
 * same expansion the translator uses), prefixed with "c.".
 */
#include "core/osdep.h"
#include "target/riscv/translate-internal.h"
#include "target/riscv/translate.h"

static const char *const xn[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const fn[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
    "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
    "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

static const char *const rm_names[8] = {
    "rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn",
};

/* CSR names (privileged spec 2.2, tables 2.2-2.5) for the ones we implement. */
static const char *csr_name(unsigned csr, char *buf, size_t size)
{
    static const struct {
        uint16_t num;
        const char *name;
    } names[] = {
        {0x001, "fflags"}, {0x002, "frm"}, {0x003, "fcsr"},
        {0xc00, "cycle"}, {0xc01, "time"}, {0xc02, "instret"},
        {0x100, "sstatus"}, {0x104, "sie"}, {0x105, "stvec"}, {0x106, "scounteren"},
        {0x10a, "senvcfg"}, {0x140, "sscratch"}, {0x141, "sepc"}, {0x142, "scause"},
        {0x143, "stval"}, {0x144, "sip"}, {0x14d, "stimecmp"}, {0x180, "satp"},
        {0x300, "mstatus"}, {0x301, "misa"}, {0x302, "medeleg"}, {0x303, "mideleg"},
        {0x304, "mie"}, {0x305, "mtvec"}, {0x306, "mcounteren"}, {0x30a, "menvcfg"},
        {0x320, "mcountinhibit"}, {0x340, "mscratch"}, {0x341, "mepc"},
        {0x342, "mcause"}, {0x343, "mtval"}, {0x344, "mip"}, {0x3a0, "pmpcfg0"},
        {0x3a2, "pmpcfg2"}, {0xb00, "mcycle"}, {0xb02, "minstret"},
        {0xf11, "mvendorid"}, {0xf12, "marchid"}, {0xf13, "mimpid"}, {0xf14, "mhartid"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (names[i].num == csr) {
            return names[i].name;
        }
    }
    if (csr >= 0x3b0 && csr <= 0x3bf) {
        snprintf(buf, size, "pmpaddr%u", csr - 0x3b0);
    } else {
        snprintf(buf, size, "0x%x", csr);
    }
    return buf;
}

typedef struct Out {
    char *buf;
    size_t size;
} Out;

static void emit(Out *o, const char *fmt, ...) PRINTF_FMT(2, 3);
static void emit(Out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->buf, o->size, fmt, ap);
    va_end(ap);
}

static bool dis_op(Out *o, uint32_t i, bool word)
{
    static const char *const base[8] = { "add", "sll", "slt", "sltu", "xor", "srl", "or", "and" };
    static const char *const mul[8] = { "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem",
                                        "remu" };
    int f7 = insn_funct7(i), f3 = insn_funct3(i);
    const char *m = NULL;
    const char *a = xn[insn_rs1(i)], *b = xn[insn_rs2(i)], *d = xn[insn_rd(i)];

    if (f7 == 0) {
        m = base[f3];
    } else if (f7 == 0x20 && (f3 == 0 || f3 == 5)) {
        m = f3 ? "sra" : "sub";
    } else if (f7 == 1) {
        m = mul[f3];
    } else if (f7 == 0x20 && f3 >= 4) {
        m = f3 == 7 ? "andn" : f3 == 6 ? "orn" : "xnor";
    } else if (f7 == 0x10 && (f3 & 1) == 0 && f3) {
        m = f3 == 2 ? "sh1add" : f3 == 4 ? "sh2add" : "sh3add";
    } else if (f7 == 0x05 && f3 >= 4) {
        static const char *const mm[4] = { "min", "minu", "max", "maxu" };
        m = mm[f3 - 4];
    } else if (f7 == 0x30 && (f3 == 1 || f3 == 5)) {
        m = f3 == 1 ? "rol" : "ror";
    } else if ((f7 == 0x24 || f7 == 0x14 || f7 == 0x34) && f3 == 1) {
        m = f7 == 0x24 ? "bclr" : f7 == 0x14 ? "bset" : "binv";
    } else if (f7 == 0x24 && f3 == 5) {
        m = "bext";
    } else if (f7 == 0x04 && f3 == 0) {
        m = "add.uw";
    } else if (f7 == 0x04 && f3 == 4 && insn_rs2(i) == 0) {
        emit(o, "zext.h %s,%s", d, a);
        return true;
    }
    if (!m) {
        return false;
    }
    if (word && f7 == 0x10) {
        emit(o, "%s.uw %s,%s,%s", m, d, a, b);
    } else {
        emit(o, "%s%s %s,%s,%s", m, word && f7 != 0x04 ? "w" : "", d, a, b);
    }
    return true;
}

static bool dis_op_imm(Out *o, uint32_t i, bool word)
{
    int f3 = insn_funct3(i);
    unsigned imm12 = extract32(i, 20, 12), sh = extract32(i, 20, word ? 5 : 6);
    unsigned f6 = extract32(i, 26, 6);
    const char *a = xn[insn_rs1(i)], *d = xn[insn_rd(i)], *w = word ? "w" : "";
    static const char *const alu[8] = { "addi", NULL, "slti", "sltiu", "xori", NULL, "ori",
                                        "andi" };

    if (f3 != 1 && f3 != 5) {
        if (word && f3 != 0) {
            return false;
        }
        emit(o, "%s%s %s,%s,%" PRId64, alu[f3], w, d, a, imm_i(i));
        return true;
    }
    if (f3 == 1 && (imm12 >> (word ? 5 : 6)) == 0) {
        emit(o, "slli%s %s,%s,%u", w, d, a, sh);
    } else if (f3 == 5 && (imm12 >> (word ? 5 : 6)) == 0) {
        emit(o, "srli%s %s,%s,%u", w, d, a, sh);
    } else if (f3 == 5 && (imm12 >> (word ? 5 : 6)) == (word ? 0x20 : 0x10)) {
        emit(o, "srai%s %s,%s,%u", w, d, a, sh);
    } else if (f3 == 1 && (imm12 & 0xff8) == 0x600 && (imm12 & 7) <= 5 && (imm12 & 7) != 3) {
        static const char *const u[6] = { "clz", "ctz", "cpop", "", "sext.b", "sext.h" };
        if (word && (imm12 & 7) > 2) {
            return false;
        }
        emit(o, "%s%s %s,%s", u[imm12 & 7], w, d, a);
    } else if (f3 == 5 && (word ? insn_funct7(i) == 0x30 : f6 == 0x18)) {
        emit(o, "rori%s %s,%s,%u", w, d, a, sh);
    } else if (!word && f3 == 5 && imm12 == 0x287) {
        emit(o, "orc.b %s,%s", d, a);
    } else if (!word && f3 == 5 && imm12 == 0x6b8) {
        emit(o, "rev8 %s,%s", d, a);
    } else if (word && f3 == 1 && f6 == 0x02) {
        emit(o, "slli.uw %s,%s,%u", d, a, (unsigned)extract32(i, 20, 6));
    } else if (!word && (f6 == 0x12 || f6 == 0x0a || f6 == 0x1a) && f3 == 1) {
        emit(o, "%s %s,%s,%u", f6 == 0x12 ? "bclri" : f6 == 0x0a ? "bseti" : "binvi", d, a, sh);
    } else if (!word && f6 == 0x12 && f3 == 5) {
        emit(o, "bexti %s,%s,%u", d, a, sh);
    } else {
        return false;
    }
    return true;
}

static bool dis_fp(Out *o, uint32_t i)
{
    int f7 = insn_funct7(i), fmt = f7 & 3, op5 = f7 >> 2, rm = insn_funct3(i);
    const char *s = fmt == 0 ? "s" : "d";
    const char *d = fn[insn_rd(i)], *a = fn[insn_rs1(i)], *b = fn[insn_rs2(i)];
    static const char *const ar[4] = { "fadd", "fsub", "fmul", "fdiv" };
    static const char *const ints[4] = { "w", "wu", "l", "lu" };

    if (fmt > 1) {
        return false;
    }
    switch (op5) {
    case 0: case 1: case 2: case 3:
        emit(o, "%s.%s %s,%s,%s,%s", ar[op5], s, d, a, b, rm_names[rm]);
        return true;
    case 0x0b:
        emit(o, "fsqrt.%s %s,%s,%s", s, d, a, rm_names[rm]);
        return true;
    case 0x04:
        if (rm > 2) {
            return false;
        }
        emit(o, "fsgnj%s.%s %s,%s,%s", rm == 0 ? "" : rm == 1 ? "n" : "x", s, d, a, b);
        return true;
    case 0x05:
        if (rm > 1) {
            return false;
        }
        emit(o, "f%s.%s %s,%s,%s", rm ? "max" : "min", s, d, a, b);
        return true;
    case 0x08:
        emit(o, "fcvt.%s.%s %s,%s,%s", s, fmt ? "s" : "d", d, a, rm_names[rm]);
        return true;
    case 0x14:
        if (rm > 2) {
            return false;
        }
        emit(o, "f%s.%s %s,%s,%s", rm == 0 ? "le" : rm == 1 ? "lt" : "eq", s,
             xn[insn_rd(i)], a, b);
        return true;
    case 0x18:
        if (insn_rs2(i) > 3) {
            return false;
        }
        emit(o, "fcvt.%s.%s %s,%s,%s", ints[insn_rs2(i)], s, xn[insn_rd(i)], a, rm_names[rm]);
        return true;
    case 0x1a:
        if (insn_rs2(i) > 3) {
            return false;
        }
        emit(o, "fcvt.%s.%s %s,%s,%s", s, ints[insn_rs2(i)], d, xn[insn_rs1(i)], rm_names[rm]);
        return true;
    case 0x1c:
        emit(o, "%s.%s %s,%s", rm ? "fclass" : "fmv.x", fmt ? "d" : (rm ? "s" : "w"),
             xn[insn_rd(i)], a);
        return true;
    case 0x1e:
        emit(o, "fmv.%s.x %s,%s", fmt ? "d" : "w", d, xn[insn_rs1(i)]);
        return true;
    }
    return false;
}

static bool dis_system(Out *o, uint32_t i)
{
    static const char *const csr[8] = { NULL, "csrrw", "csrrs", "csrrc", NULL, "csrrwi",
                                        "csrrsi", "csrrci" };
    int f3 = insn_funct3(i);
    char num[16];

    if (f3) {
        const char *name = csr_name(extract32(i, 20, 12), num, sizeof(num));
        if (!csr[f3]) {
            return false;
        }
        if (f3 & 4) {
            emit(o, "%s %s,%s,%d", csr[f3], xn[insn_rd(i)], name, insn_rs1(i));
        } else {
            emit(o, "%s %s,%s,%s", csr[f3], xn[insn_rd(i)], name, xn[insn_rs1(i)]);
        }
        return true;
    }
    switch (i) {
    case 0x00000073: emit(o, "ecall"); return true;
    case 0x00100073: emit(o, "ebreak"); return true;
    case 0x10200073: emit(o, "sret"); return true;
    case 0x30200073: emit(o, "mret"); return true;
    case 0x10500073: emit(o, "wfi"); return true;
    }
    if (insn_funct7(i) == 0x09 && insn_rd(i) == 0) {
        emit(o, "sfence.vma %s,%s", xn[insn_rs1(i)], xn[insn_rs2(i)]);
        return true;
    }
    return false;
}

static bool dis_amo(Out *o, uint32_t i)
{
    static const char *const names[32] = {
        [0x00] = "amoadd", [0x01] = "amoswap", [0x02] = "lr", [0x03] = "sc",
        [0x04] = "amoxor", [0x08] = "amoor", [0x0c] = "amoand", [0x10] = "amomin",
        [0x14] = "amomax", [0x18] = "amominu", [0x1c] = "amomaxu",
    };
    int f5 = extract32(i, 27, 5), f3 = insn_funct3(i);
    const char *sfx = extract32(i, 26, 1) ? (extract32(i, 25, 1) ? ".aqrl" : ".aq")
                                          : (extract32(i, 25, 1) ? ".rl" : "");

    if (!names[f5] || (f3 != 2 && f3 != 3)) {
        return false;
    }
    if (f5 == 2) {
        emit(o, "lr.%c%s %s,(%s)", f3 == 2 ? 'w' : 'd', sfx, xn[insn_rd(i)], xn[insn_rs1(i)]);
    } else {
        emit(o, "%s.%c%s %s,%s,(%s)", names[f5], f3 == 2 ? 'w' : 'd', sfx, xn[insn_rd(i)],
             xn[insn_rs2(i)], xn[insn_rs1(i)]);
    }
    return true;
}

static bool dis32(Out *o, uint64_t pc, uint32_t i)
{
    static const char *const ld[8] = { "lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", NULL };
    static const char *const st[8] = { "sb", "sh", "sw", "sd" };
    static const char *const br[8] = { "beq", "bne", NULL, NULL, "blt", "bge", "bltu", "bgeu" };
    int f3 = insn_funct3(i);

    switch (i & 0x7f) {
    case OPC_LUI:
        emit(o, "lui %s,0x%x", xn[insn_rd(i)], i >> 12);
        return true;
    case OPC_AUIPC:
        emit(o, "auipc %s,0x%x", xn[insn_rd(i)], i >> 12);
        return true;
    case OPC_JAL:
        emit(o, "jal %s,0x%" PRIx64, xn[insn_rd(i)], pc + imm_j(i));
        return true;
    case OPC_JALR:
        emit(o, "jalr %s,%" PRId64 "(%s)", xn[insn_rd(i)], imm_i(i), xn[insn_rs1(i)]);
        return f3 == 0;
    case OPC_BRANCH:
        if (!br[f3]) {
            return false;
        }
        emit(o, "%s %s,%s,0x%" PRIx64, br[f3], xn[insn_rs1(i)], xn[insn_rs2(i)],
             pc + imm_b(i));
        return true;
    case OPC_LOAD:
        if (!ld[f3]) {
            return false;
        }
        emit(o, "%s %s,%" PRId64 "(%s)", ld[f3], xn[insn_rd(i)], imm_i(i), xn[insn_rs1(i)]);
        return true;
    case OPC_STORE:
        if (f3 > 3) {
            return false;
        }
        emit(o, "%s %s,%" PRId64 "(%s)", st[f3], xn[insn_rs2(i)], imm_s(i), xn[insn_rs1(i)]);
        return true;
    case OPC_LOAD_FP:
        if (f3 != 2 && f3 != 3) {
            return false;
        }
        emit(o, "fl%c %s,%" PRId64 "(%s)", f3 == 2 ? 'w' : 'd', fn[insn_rd(i)], imm_i(i),
             xn[insn_rs1(i)]);
        return true;
    case OPC_STORE_FP:
        if (f3 != 2 && f3 != 3) {
            return false;
        }
        emit(o, "fs%c %s,%" PRId64 "(%s)", f3 == 2 ? 'w' : 'd', fn[insn_rs2(i)], imm_s(i),
             xn[insn_rs1(i)]);
        return true;
    case OPC_MISC_MEM:
        if (f3 > 1) {
            return false;
        }
        emit(o, f3 ? "fence.i" : "fence");
        return true;
    case OPC_OP_IMM:
        return dis_op_imm(o, i, false);
    case OPC_OP_IMM_32:
        return dis_op_imm(o, i, true);
    case OPC_OP:
        return dis_op(o, i, false);
    case OPC_OP_32:
        return dis_op(o, i, true);
    case OPC_AMO:
        return dis_amo(o, i);
    case OPC_MADD: case OPC_MSUB: case OPC_NMSUB: case OPC_NMADD: {
        static const char *const m[4] = { "fmadd", "fmsub", "fnmsub", "fnmadd" };
        int fmt = extract32(i, 25, 2);
        if (fmt > 1) {
            return false;
        }
        emit(o, "%s.%c %s,%s,%s,%s,%s", m[((i & 0x7f) - OPC_MADD) >> 2], fmt ? 'd' : 's',
             fn[insn_rd(i)], fn[insn_rs1(i)], fn[insn_rs2(i)], fn[insn_rs3(i)],
             rm_names[insn_funct3(i)]);
        return true;
    }
    case OPC_OP_FP:
        return dis_fp(o, i);
    case OPC_SYSTEM:
        return dis_system(o, i);
    }
    return false;
}

size_t riscv_disas_insn(uint64_t pc, const uint8_t *code, size_t len, char *buf,
                        size_t size)
{
    Out o = { buf, size };
    uint16_t lo;

    if (len < 2) {
        snprintf(buf, size, ".byte 0x%02x", len ? code[0] : 0);
        return len;
    }
    lo = code[0] | code[1] << 8;
    if ((lo & 3) != 3) {
        uint32_t x;
        char inner[56];
        Out in = { inner, sizeof(inner) };
        if (expand_rvc(NULL, lo, &x) && dis32(&in, pc, x)) {
            snprintf(buf, size, "c.%s", inner);
        } else {
            snprintf(buf, size, ".insn 0x%04x", lo);
        }
        return 2;
    }
    if (len < 4) {
        snprintf(buf, size, ".insn 0x%04x", lo);
        return 2;
    }
    uint32_t i = lo | (uint32_t)(code[2] | code[3] << 8) << 16;
    if (!dis32(&o, pc, i)) {
        snprintf(buf, size, ".insn 0x%08x", i);
    }
    return 4;
}
