/* -d / -D logging: see log.h. */
#include "core/log.h"

unsigned machina_loglevel;
FILE *machina_logfile;

typedef struct LogRange {
    uint64_t lo, hi;            /* inclusive */
} LogRange;

static LogRange *dfilter;       /* NULL: log every address */
static size_t dfilter_len;

static const struct {
    unsigned mask;
    const char *name;
    const char *help;
} log_items[] = {
    {CPU_LOG_TB_OUT_ASM, "out_asm", "show generated host assembly code for each compiled TB"},
    {CPU_LOG_TB_IN_ASM, "in_asm", "show target assembly code for each compiled TB"},
    {CPU_LOG_TB_OP, "op", "show micro ops for each compiled TB"},
    {CPU_LOG_TB_OP_OPT, "op_opt", "show micro ops after optimization"},
    {CPU_LOG_INT, "int", "show interrupts/exceptions in short format"},
    {CPU_LOG_EXEC, "exec", "show trace before each executed TB (lots of logs)"},
    {CPU_LOG_MMU, "mmu", "log MMU-related activities"},
    {LOG_GUEST_ERROR, "guest_errors", "log when the guest OS does something invalid"},
    {LOG_UNIMP, "unimp", "log unimplemented functionality"},
    {CPU_LOG_RESET, "cpu_reset", "show CPU state before CPU resets"},
    {LOG_TRACE, "trace", "show trace events"},
};

static FILE *log_stream(void)
{
    return machina_logfile ? machina_logfile : stderr;
}

void qemu_log(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(log_stream(), fmt, ap);
    va_end(ap);
}

bool qemu_log_parse_items(const char *str, unsigned *mask, Error **errp)
{
    char **items = g_strsplit(str, ",", -1);
    unsigned m = 0;
    bool ok = true;

    for (char **it = items; *it && ok; it++) {
        bool found = false;

        if (!**it) {
            continue;
        }
        if (!strcmp(*it, "all")) {
            for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
                m |= log_items[i].mask;
            }
            continue;
        }
        for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
            if (!strcmp(*it, log_items[i].name)) {
                m |= log_items[i].mask;
                found = true;
            }
        }
        if (!found) {
            error_setg(errp, "unknown log item '%s' (use -d help for a list)", *it);
            ok = false;
        }
    }
    g_strfreev(items);
    if (ok) {
        *mask = m;
    }
    return ok;
}

void qemu_log_print_help(FILE *f)
{
    fprintf(f, "Log items (comma separated):\n");
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
        fprintf(f, "%-15s %s\n", log_items[i].name, log_items[i].help);
    }
    fprintf(f, "%-15s %s\n", "all", "all of the above");
}

bool qemu_log_set_file(const char *path, Error **errp)
{
    FILE *f = fopen(path, "w");

    if (!f) {
        error_setg_errno(errp, errno, "cannot open log file '%s'", path);
        return false;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    if (machina_logfile) {
        fclose(machina_logfile);
    }
    machina_logfile = f;
    return true;
}

void qemu_log_flush(void)
{
    fflush(log_stream());
}

static bool parse_u64(const char *s, const char *end, uint64_t *v)
{
    char buf[32], *e;

    if (end <= s || (size_t)(end - s) >= sizeof(buf) || *s == '-' || *s == '+') {
        return false;
    }
    memcpy(buf, s, (size_t)(end - s));
    buf[end - s] = 0;
    errno = 0;
    *v = strtoull(buf, &e, 0);
    return !errno && *e == 0;
}

static bool parse_range(const char *r, LogRange *out)
{
    const char *op = strstr(r, "..");
    const char *end = r + strlen(r);
    uint64_t a, b;

    if (op) {
        if (!parse_u64(r, op, &a) || !parse_u64(op + 2, end, &b) || b < a) {
            return false;
        }
        out->lo = a;
        out->hi = b;
        return true;
    }
    /* The first '+' or '-' after a digit separates the two numbers. */
    op = r + strcspn(r + 1, "+-") + 1;
    if (op >= end || !parse_u64(r, op, &a) || !parse_u64(op + 1, end, &b) || b == 0) {
        return false;
    }
    if (*op == '+') {
        if (a + (b - 1) < a) {
            return false;
        }
        out->lo = a;
        out->hi = a + (b - 1);
    } else {
        if (b - 1 > a) {
            return false;
        }
        out->lo = a - (b - 1);
        out->hi = a;
    }
    return true;
}

bool qemu_set_dfilter_ranges(const char *str, Error **errp)
{
    char **items;
    GArray *ranges;
    bool ok = true;

    if (!str) {
        g_free(dfilter);
        dfilter = NULL;
        dfilter_len = 0;
        return true;
    }
    items = g_strsplit(str, ",", -1);
    ranges = g_array_new(false, false, sizeof(LogRange));
    for (char **it = items; *it && ok; it++) {
        LogRange r;

        if (!parse_range(*it, &r)) {
            error_setg(errp, "invalid range '%s' (START+LEN, END-LEN or START..END)", *it);
            ok = false;
        } else {
            g_array_append_val(ranges, r);
        }
    }
    g_strfreev(items);
    if (ok && ranges->len == 0) {
        error_setg(errp, "no address range given");
        ok = false;
    }
    if (!ok) {
        g_array_free(ranges, true);
        return false;
    }
    g_free(dfilter);
    dfilter_len = ranges->len;
    dfilter = (LogRange *)g_array_free(ranges, false);
    return true;
}

bool qemu_log_in_addr_range(uint64_t addr)
{
    if (!dfilter) {
        return true;
    }
    for (size_t i = 0; i < dfilter_len; i++) {
        if (addr >= dfilter[i].lo && addr <= dfilter[i].hi) {
            return true;
        }
    }
    return false;
}
