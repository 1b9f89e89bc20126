/*
 * The gdbstub's view of a riscv64 hart: register numbers and the target
 * description gdb reads with qXfer:features:read (GDB manual, "RISC-V
 * Features": org.gnu.gdb.riscv.cpu with x0..x31 and pc, org.gnu.gdb.riscv.fpu
 * with f0..f31, fflags, frm, fcsr).
 *
 * Numbers: 0..31 x0..x31, 32 pc (the 'g' packet), 33..64 f0..f31,
 * 65 fflags, 66 frm, 67 fcsr, then org.gnu.gdb.riscv.csr: every other CSR
 * the hart implements, in CSR-number order, then "priv" (the current
 * privilege level, org.gnu.gdb.riscv.virtual).  All little-endian.
 */
#include "core/osdep.h"
#include "core/object.h"
#include "accel/tcg/cpu.h"
#include "target/riscv/cpu.h"
#include "target/riscv/cpu_bits.h"
#include "target/riscv/internals.h"
#include "gdbstub/gdbstub.h"

#define REG_PC 32
#define REG_F0 33
#define REG_FFLAGS 65
#define REG_FRM 66
#define REG_FCSR 67
#define REG_CSR0 68
#define MAX_CSRS 4096

/* CSR numbers behind REG_CSR0 + i (filled with the target description). */
static int csr_map[MAX_CSRS];
static int num_csrs;

static const char *riscv_gdb_xml(const char *annex);

static int num_regs(void)
{
    riscv_gdb_xml("target.xml");            /* numbers the CSRs */
    return REG_CSR0 + num_csrs + 1;         /* + priv */
}

/*
 * A debugger sees every CSR as M-mode would (privileged spec 2.1: the
 * privilege needed is in csrno[9:8]), whatever mode the hart is in.
 */
static bool csr_rw(CPURISCVState *env, int csrno, uint64_t *val, uint64_t new_val,
                   bool write)
{
    uint64_t priv = env->priv;
    int r;

    env->priv = PRV_M;
    r = riscv_csr_access(env, csrno, val, new_val, write ? ~0ULL : 0, write);
    env->priv = priv;
    return r == 0;
}

static const char *const xreg_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0", "a1", "a2",
    "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
    "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const freg_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

static char *target_xml;

static const char *riscv_gdb_xml(const char *annex)
{
    if (strcmp(annex, "target.xml") != 0) {
        return NULL;
    }
    if (!target_xml) {
        GString *x = g_string_new("<?xml version=\"1.0\"?>\n"
                                  "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                                  "<target>\n<architecture>riscv:rv64</architecture>\n"
                                  "<feature name=\"org.gnu.gdb.riscv.cpu\">\n");

        for (int i = 0; i < 32; i++) {
            g_string_append_printf(x, "<reg name=\"%s\" bitsize=\"64\" regnum=\"%d\" "
                                   "type=\"%s\"/>\n", xreg_names[i], i,
                                   i == 1 ? "code_ptr" : i == 2 || i == 8 ? "data_ptr"
                                   : "int");
        }
        g_string_append_printf(x, "<reg name=\"pc\" bitsize=\"64\" regnum=\"%d\" "
                               "type=\"code_ptr\"/>\n</feature>\n", REG_PC);
        g_string_append(x, "<feature name=\"org.gnu.gdb.riscv.fpu\">\n"
                        "<union id=\"riscv_double\"><field name=\"float\" type=\"ieee_single\"/>"
                        "<field name=\"double\" type=\"ieee_double\"/></union>\n");
        for (int i = 0; i < 32; i++) {
            g_string_append_printf(x, "<reg name=\"%s\" bitsize=\"64\" regnum=\"%d\" "
                                   "type=\"riscv_double\"/>\n", freg_names[i], REG_F0 + i);
        }
        g_string_append_printf(x, "<reg name=\"fflags\" bitsize=\"32\" regnum=\"%d\" "
                               "type=\"int\"/>\n<reg name=\"frm\" bitsize=\"32\" "
                               "regnum=\"%d\" type=\"int\"/>\n<reg name=\"fcsr\" "
                               "bitsize=\"32\" regnum=\"%d\" type=\"int\"/>\n"
                               "</feature>\n", REG_FFLAGS, REG_FRM, REG_FCSR);
        g_string_append(x, "<feature name=\"org.gnu.gdb.riscv.csr\">\n");
        num_csrs = 0;
        for (int csrno = 0; csrno < MAX_CSRS && first_cpu; csrno++) {
            const char *name = riscv_csr_name(csrno);
            uint64_t v;

            /* fflags/frm/fcsr are in the fpu feature; skip what this hart lacks */
            if (!name || csrno == CSR_FFLAGS || csrno == CSR_FRM || csrno == CSR_FCSR ||
                !csr_rw(first_cpu->env_ptr, csrno, &v, 0, false)) {
                continue;
            }
            csr_map[num_csrs] = csrno;
            g_string_append_printf(x, "<reg name=\"%s\" bitsize=\"64\" regnum=\"%d\" "
                                   "type=\"int\" group=\"csr\"/>\n", name,
                                   REG_CSR0 + num_csrs);
            num_csrs++;
        }
        g_string_append_printf(x, "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
                               "<reg name=\"priv\" bitsize=\"64\" regnum=\"%d\" "
                               "type=\"int\" group=\"general\"/>\n</feature>\n</target>\n",
                               REG_CSR0 + num_csrs);
        target_xml = g_string_free(x, false);
    }
    return target_xml;
}

static size_t riscv_gdb_register_size(int n)
{
    if (n < 0 || n >= num_regs()) {
        return 0;
    }
    return n >= REG_FFLAGS && n < REG_CSR0 ? 4 : 8;
}

static void put_le(GByteArray *buf, uint64_t v, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        uint8_t b = (uint8_t)(v >> (8 * i));
        g_byte_array_append(buf, &b, 1);
    }
}

static uint64_t get_le(const uint8_t *buf, size_t size)
{
    uint64_t v = 0;

    for (size_t i = 0; i < size; i++) {
        v |= (uint64_t)buf[i] << (8 * i);
    }
    return v;
}

static bool riscv_gdb_read_register(CPUState *cs, GByteArray *buf, int n)
{
    CPURISCVState *env = cs->env_ptr;
    size_t size = riscv_gdb_register_size(n);
    uint64_t v;

    if (!size) {
        return false;
    }
    if (n < 32) {
        v = n ? env->gpr[n] : 0;
    } else if (n == REG_PC) {
        v = env->pc;
    } else if (n < REG_FFLAGS) {
        v = env->fpr[n - REG_F0];
    } else if (n == REG_FFLAGS) {
        v = env->fflags;
    } else if (n == REG_FRM) {
        v = env->frm;
    } else if (n == REG_FCSR) {
        /* Unprivileged spec 13.2: fcsr = frm[7:5] | fflags[4:0]. */
        v = (uint64_t)env->frm << 5 | env->fflags;
    } else if (n < REG_CSR0 + num_csrs) {
        if (!csr_rw(env, csr_map[n - REG_CSR0], &v, 0, false)) {
            return false;
        }
    } else {
        v = env->priv;
    }
    put_le(buf, v, size);
    return true;
}

static bool riscv_gdb_write_register(CPUState *cs, const uint8_t *buf, size_t len, int n)
{
    CPURISCVState *env = cs->env_ptr;
    size_t size = riscv_gdb_register_size(n);
    uint64_t v;

    if (!size || len != size) {
        return false;
    }
    v = get_le(buf, size);
    if (n < 32) {
        if (n) {
            env->gpr[n] = v;    /* x0 stays zero */
        }
    } else if (n == REG_PC) {
        env->pc = v;
    } else if (n < REG_FFLAGS) {
        env->fpr[n - REG_F0] = v;
    } else if (n == REG_FFLAGS) {
        env->fflags = v & 0x1f;
    } else if (n == REG_FRM) {
        env->frm = v & 7;
    } else if (n == REG_FCSR) {
        env->fflags = v & 0x1f;
        env->frm = (v >> 5) & 7;
    } else if (n < REG_CSR0 + num_csrs) {
        uint64_t old;

        return csr_rw(env, csr_map[n - REG_CSR0], &old, v, true);
    } else {
        /* U, S or M (privileged spec 1.2); the block key includes priv. */
        if (v != PRV_M && v != PRV_S && v != PRV_U) {
            return false;
        }
        env->priv = v;
    }
    return true;
}

static const GdbTargetOps riscv_gdb_ops = {
    .g_regs = REG_PC + 1,
    .num_regs = num_regs,
    .read_register = riscv_gdb_read_register,
    .write_register = riscv_gdb_write_register,
    .register_size = riscv_gdb_register_size,
    .xml = riscv_gdb_xml,
};

static void riscv_gdb_init(void)
{
    gdb_register_target(&riscv_gdb_ops);
}
type_init(riscv_gdb_init)
