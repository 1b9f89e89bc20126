/*
 * HMP memory and arithmetic: x (guest virtual), xp (guest physical) and
 * print, with their "/fmt" argument (count, format x d u o c, size
 * b h w g in any order after the count) and QEMU 7.2's dump layout:
 *
 *   0000000080000000: 0x00000297 0x02828613 0xf1402573 0x0202b583
 *
 * Addresses and print values are expressions (hmp_eval).
 */
#include "core/osdep.h"
#include "accel/tcg/cpu.h"
#include "hw/core/machine.h"
#include "memory/memory.h"
#include "monitor/hmp.h"

CPUState *hmp_current_cpu(Monitor *mon);

static MonitorVirtToPhys *virt_to_phys;
static MonitorGetReg *get_reg;
static MonitorDisasInsn *disas_insn;

void monitor_register_virt_to_phys(MonitorVirtToPhys *fn)
{
    virt_to_phys = fn;
}

bool monitor_virt_to_phys(CPUState *cpu, uint64_t va, uint64_t *pa, Error **errp)
{
    if (!virt_to_phys) {
        error_setg(errp, "this target cannot translate virtual addresses");
        return false;
    }
    return virt_to_phys(cpu, va, pa, errp);
}

void monitor_register_get_reg(MonitorGetReg *fn)
{
    get_reg = fn;
}

void monitor_register_disas(MonitorDisasInsn *fn)
{
    disas_insn = fn;
}

/* ------------------------------------------------------- expressions */

typedef struct Expr {
    const char *p;
    Error **errp;
    bool failed;
    CPUState *cpu;          /* for $register operands; NULL: none */
} Expr;

static uint64_t expr_or(Expr *e);

static void expr_fail(Expr *e, const char *msg)
{
    if (!e->failed) {
        e->failed = true;
        error_setg(e->errp, "%s", msg);
    }
}

static char expr_peek(Expr *e)
{
    e->p = hmp_skip_ws(e->p);
    return *e->p;
}

static uint64_t expr_unary(Expr *e)
{
    char c = expr_peek(e);
    uint64_t v;
    char *end;

    if (e->failed) {
        return 0;
    }
    switch (c) {
    case '-':
        e->p++;
        return -expr_unary(e);
    case '+':
        e->p++;
        return expr_unary(e);
    case '~':
        e->p++;
        return ~expr_unary(e);
    case '(':
        e->p++;
        v = expr_or(e);
        if (expr_peek(e) != ')') {
            expr_fail(e, "')' expected");
            return 0;
        }
        e->p++;
        return v;
    case '\0':
        expr_fail(e, "unexpected end of expression");
        return 0;
    case '$': {
        const char *start = ++e->p;
        char *name;
        bool ok;

        while (g_ascii_isalnum(*e->p) || *e->p == '_') {
            e->p++;
        }
        name = g_strndup(start, (size_t)(e->p - start));
        if (!e->cpu || !get_reg) {
            ok = false;
        } else {
            ok = get_reg(e->cpu, name, &v);
        }
        if (!ok) {
            char *msg = g_strdup_printf("unknown register '%s'", name);

            expr_fail(e, e->cpu && get_reg ? msg : "no CPU registers to read");
            g_free(msg);
        }
        g_free(name);
        return ok ? v : 0;
    }
    }
    if (!g_ascii_isdigit(c)) {
        expr_fail(e, "invalid char in expression");
        return 0;
    }
    errno = 0;
    v = strtoull(e->p, &end, 0);
    if (errno == ERANGE) {
        expr_fail(e, "number too large");
        return 0;
    }
    e->p = end;
    return v;
}

static uint64_t expr_mul(Expr *e)
{
    uint64_t v = expr_unary(e);

    for (;;) {
        char op = expr_peek(e);
        uint64_t r;

        if (e->failed || (op != '*' && op != '/' && op != '%')) {
            return v;
        }
        e->p++;
        r = expr_unary(e);
        if (op == '*') {
            v *= r;
        } else if (r == 0) {
            expr_fail(e, "division by zero");
            return 0;
        } else {
            v = op == '/' ? v / r : v % r;
        }
    }
}

static uint64_t expr_add(Expr *e)
{
    uint64_t v = expr_mul(e);

    for (;;) {
        char op = expr_peek(e);

        if (e->failed || (op != '+' && op != '-')) {
            return v;
        }
        e->p++;
        v = op == '+' ? v + expr_mul(e) : v - expr_mul(e);
    }
}

static uint64_t expr_and(Expr *e)
{
    uint64_t v = expr_add(e);

    while (!e->failed && expr_peek(e) == '&') {
        e->p++;
        v &= expr_add(e);
    }
    return v;
}

static uint64_t expr_xor(Expr *e)
{
    uint64_t v = expr_and(e);

    while (!e->failed && expr_peek(e) == '^') {
        e->p++;
        v ^= expr_and(e);
    }
    return v;
}

static uint64_t expr_or(Expr *e)
{
    uint64_t v = expr_xor(e);

    while (!e->failed && expr_peek(e) == '|') {
        e->p++;
        v |= expr_xor(e);
    }
    return v;
}

static bool eval(CPUState *cpu, const char *expr, uint64_t *value, Error **errp);

bool hmp_eval(const char *expr, uint64_t *value, Error **errp)
{
    return eval(NULL, expr, value, errp);
}

bool hmp_eval_mon(Monitor *mon, const char *expr, uint64_t *value, Error **errp)
{
    return eval(hmp_current_cpu(mon), expr, value, errp);
}

static bool eval(CPUState *cpu, const char *expr, uint64_t *value, Error **errp)
{
    Expr e = { expr, errp, false, cpu };
    uint64_t v = expr_or(&e);

    if (!e.failed && expr_peek(&e) != '\0') {
        expr_fail(&e, "invalid char in expression");
    }
    if (e.failed) {
        return false;
    }
    *value = v;
    return true;
}

/* ------------------------------------------------------------ /fmt */

typedef struct Format {
    unsigned count;
    char format;        /* x d u o c */
    unsigned size;      /* 1 2 4 8 */
} Format;

/* Parse "/fmt" at *p (if present); advance past it. */
static bool format_parse(const char **p, Format *f, char def_format, unsigned def_size,
                         Error **errp)
{
    const char *s = hmp_skip_ws(*p);
    bool size_given = false;

    f->count = 1;
    f->format = def_format;
    f->size = def_size;
    if (*s != '/') {
        *p = s;
        return true;
    }
    s++;
    if (g_ascii_isdigit(*s)) {
        unsigned long n = strtoul(s, (char **)&s, 10);

        if (n == 0 || n > 1 * MiB) {
            error_setg(errp, "invalid count in format");
            return false;
        }
        f->count = (unsigned)n;
    }
    for (; *s && *s != ' ' && *s != '\t'; s++) {
        switch (*s) {
        case 'x': case 'd': case 'u': case 'o': case 'c': case 'i':
            f->format = *s;
            break;
        case 'b':
            f->size = 1, size_given = true;
            break;
        case 'h':
            f->size = 2, size_given = true;
            break;
        case 'w':
            f->size = 4, size_given = true;
            break;
        case 'g':
            f->size = 8, size_given = true;
            break;
        default:
            error_setg(errp, "invalid char in format: '%c'", *s);
            return false;
        }
    }
    if (f->format == 'c' && !size_given) {
        f->size = 1;
    }
    *p = s;
    return true;
}

static uint64_t load_le(const uint8_t *b, unsigned size)
{
    uint64_t v = 0;

    /* Both guests Machina runs are little-endian (RISC-V, x86). */
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)b[i] << (8 * i);
    }
    return v;
}

static void print_value(Monitor *mon, const Format *f, uint64_t v)
{
    int bits = (int)f->size * 8;
    int digits;

    switch (f->format) {
    case 'x':
        monitor_printf(mon, " 0x%0*" PRIx64, (int)f->size * 2, v);
        break;
    case 'o':
        digits = (bits + 2) / 3;
        monitor_printf(mon, " %#*" PRIo64, digits, v);
        break;
    case 'u':
        digits = (bits * 10 + 32) / 33;       /* decimal digits of 2^bits */
        monitor_printf(mon, " %*" PRIu64, digits, v);
        break;
    case 'd':
        digits = (bits * 10 + 32) / 33;
        /* As QEMU: units narrower than 64 bits are loaded zero-extended. */
        monitor_printf(mon, " %*" PRId64, digits, (int64_t)v);
        break;
    case 'c': {
        unsigned char ch = (unsigned char)v;

        if (ch >= 0x20 && ch < 0x7f && ch != '\'' && ch != '\\') {
            monitor_printf(mon, " '%c'", ch);
        } else {
            monitor_printf(mon, " '\\x%02x'", ch);
        }
        break;
    }
    }
}

/*
 * Read len bytes at addr: physical through the system address space, or
 * virtual through cpu's translation, page by page.
 */
bool monitor_read_memory(CPUState *cpu, bool is_phys, uint64_t addr, uint8_t *buf,
                         size_t len, Error **errp)
{
    AddressSpace *as = get_address_space_memory();

    while (len) {
        uint64_t pa = addr;
        size_t chunk = len;

        if (!is_phys) {
            uint64_t page_left = 4096 - (addr & 4095);

            if (!cpu) {
                error_setg(errp, "No CPU available");
                return false;
            }
            if (!virt_to_phys) {
                error_setg(errp, "this target cannot translate virtual addresses: use xp");
                return false;
            }
            if (!virt_to_phys(cpu, addr, &pa, errp)) {
                return false;
            }
            chunk = MIN(len, page_left);
        }
        if (address_space_read(as, pa, MEMTXATTRS_UNSPECIFIED, buf, chunk) != MEMTX_OK) {
            error_setg(errp, "Cannot access memory at 0x%" PRIx64, pa);
            return false;
        }
        buf += chunk;
        addr += chunk;
        len -= chunk;
    }
    return true;
}

static bool memory_fetch(Monitor *mon, bool is_phys, uint64_t addr, uint8_t *buf,
                         size_t len, Error **errp)
{
    return monitor_read_memory(is_phys ? NULL : hmp_current_cpu(mon), is_phys, addr, buf,
                               len, errp);
}

/* The "i" format: count instructions from addr, in QEMU's layout. */
static void disassemble(Monitor *mon, bool is_phys, uint64_t addr, unsigned count)
{
    Error *err = NULL;

    if (!disas_insn) {
        monitor_printf(mon, "Error: this target has no disassembler for the monitor\n");
        return;
    }
    for (unsigned n = 0; n < count; n++) {
        uint8_t code[4];
        char text[128];
        size_t len = 2, used;

        /* The first parcel says how long the instruction is: read no further. */
        if (!memory_fetch(mon, is_phys, addr, code, 2, &err)) {
            hmp_report(mon, err);
            return;
        }
        if ((code[0] & 3) == 3) {
            if (!memory_fetch(mon, is_phys, addr + 2, code + 2, 2, &err)) {
                hmp_report(mon, err);
                return;
            }
            len = 4;
        }
        used = disas_insn(addr, code, len, text, sizeof(text));
        if (used == 4) {
            monitor_printf(mon, "0x%016" PRIx64 ":  %08" PRIx32 "          %s\n", addr,
                           (uint32_t)load_le(code, 4), text);
        } else {
            used = 2;
            monitor_printf(mon, "0x%016" PRIx64 ":  %04x              %s\n", addr,
                           (unsigned)load_le(code, 2), text);
        }
        addr += used;
    }
}

static void memory_dump(Monitor *mon, const char *args, bool is_phys)
{
    Format f;
    Error *err = NULL;
    uint64_t addr;
    size_t len;
    uint8_t *buf;
    unsigned per_line;

    if (!format_parse(&args, &f, 'x', 4, &err) || !hmp_eval_mon(mon, args, &addr, &err)) {
        /* A usage error, worded and followed as QEMU's argument parser does. */
        monitor_printf(mon, "%s\n", error_get_pretty(err));
        error_free(err);
        monitor_printf(mon, "Try \"help %s\" for more information\n", is_phys ? "xp" : "x");
        return;
    }
    if (f.format == 'i') {
        disassemble(mon, is_phys, addr, f.count);
        return;
    }
    len = (size_t)f.count * f.size;
    buf = g_malloc(len);
    if (!memory_fetch(mon, is_phys, addr, buf, len, &err)) {
        hmp_report(mon, err);
        g_free(buf);
        return;
    }
    /* 16 bytes a line, 8 for single bytes. */
    per_line = (f.size == 1 ? 8 : 16) / f.size;
    for (unsigned i = 0; i < f.count; i++) {
        if (i % per_line == 0) {
            if (i) {
                monitor_printf(mon, "\n");
            }
            monitor_printf(mon, "%016" PRIx64 ":", addr + (uint64_t)i * f.size);
        }
        print_value(mon, &f, load_le(buf + (size_t)i * f.size, f.size));
    }
    monitor_printf(mon, "\n");
    g_free(buf);
}

void hmp_x(Monitor *mon, const char *args)
{
    memory_dump(mon, args, false);
}

void hmp_xp(Monitor *mon, const char *args)
{
    memory_dump(mon, args, true);
}

void hmp_print(Monitor *mon, const char *args)
{
    Format f;
    Error *err = NULL;
    uint64_t v;

    if (!format_parse(&args, &f, 'x', 8, &err) || !hmp_eval_mon(mon, args, &v, &err)) {
        hmp_report(mon, err);
        return;
    }
    switch (f.format) {
    case 'd':
        monitor_printf(mon, "%" PRId64 "\n", (int64_t)v);
        break;
    case 'u':
        monitor_printf(mon, "%" PRIu64 "\n", v);
        break;
    case 'o':
        monitor_printf(mon, "%#" PRIo64 "\n", v);
        break;
    case 'c':
        print_value(mon, &f, v);
        monitor_printf(mon, "\n");
        break;
    default:
        monitor_printf(mon, "%#" PRIx64 "\n", v);
        break;
    }
}

/* memsave/pmemsave ADDR SIZE FILE: two expressions, then the file name. */
static void save_cmd(Monitor *mon, const char *args, const char *cmd, bool virt)
{
    gchar **w = g_strsplit_set(hmp_skip_ws(args), " \t", -1);
    GPtrArray *words = g_ptr_array_new();
    uint64_t addr, size;
    Error *err = NULL;

    for (int i = 0; w[i]; i++) {
        if (*w[i]) {
            g_ptr_array_add(words, w[i]);
        }
    }
    if (words->len != 3) {
        monitor_printf(mon, "usage: %s addr size file\n", cmd);
    } else if (hmp_eval_mon(mon, g_ptr_array_index(words, 0), &addr, &err) &&
               hmp_eval_mon(mon, g_ptr_array_index(words, 1), &size, &err)) {
        json_object *qargs = json_object_new_object();
        bool ok;

        json_object_object_add(qargs, "val", json_object_new_int64((int64_t)addr));
        json_object_object_add(qargs, "size", json_object_new_int64((int64_t)size));
        json_object_object_add(qargs, "filename",
                               json_object_new_string(g_ptr_array_index(words, 2)));
        if (virt) {
            json_object_object_add(qargs, "cpu-index", json_object_new_int(mon->cpu_index));
        }
        json_object_put(hmp_qmp(mon, cmd, qargs, &ok));
    } else {
        hmp_report(mon, err);
    }
    g_ptr_array_unref(words);
    g_strfreev(w);
}

void hmp_memsave(Monitor *mon, const char *args)
{
    save_cmd(mon, args, "memsave", true);
}

void hmp_pmemsave(Monitor *mon, const char *args)
{
    save_cmd(mon, args, "pmemsave", false);
}
