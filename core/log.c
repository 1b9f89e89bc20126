/* -d / -D logging: see log.h. */
#include "core/log.h"

unsigned machina_loglevel;
FILE *machina_logfile;

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
