/*
 * Debug logging: -d item[,item] selects categories, -D FILE redirects.
 * qemu_log_mask(LOG_GUEST_ERROR, "...") costs one test when disabled.
 */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include "core/osdep.h"
#include "core/error.h"

#define CPU_LOG_TB_OUT_ASM  (1u << 0)   /* out_asm */
#define CPU_LOG_TB_IN_ASM   (1u << 1)   /* in_asm */
#define CPU_LOG_TB_OP       (1u << 2)   /* op */
#define CPU_LOG_TB_OP_OPT   (1u << 3)   /* op_opt */
#define CPU_LOG_INT         (1u << 4)   /* int */
#define CPU_LOG_EXEC        (1u << 5)   /* exec */
#define CPU_LOG_MMU         (1u << 6)   /* mmu */
#define LOG_GUEST_ERROR     (1u << 7)   /* guest_errors */
#define LOG_UNIMP           (1u << 8)   /* unimp */
#define CPU_LOG_RESET       (1u << 9)   /* cpu_reset */
#define LOG_TRACE           (1u << 10)  /* trace */

extern unsigned machina_loglevel;
extern FILE *machina_logfile;        /* stderr unless -D */

static inline bool qemu_loglevel_mask(unsigned mask)
{
    return (machina_loglevel & mask) != 0;
}

void qemu_log(const char *fmt, ...) PRINTF_FMT(1, 2);
#define qemu_log_mask(mask, ...)                                           \
    do {                                                                   \
        if (unlikely(qemu_loglevel_mask(mask))) {                          \
            qemu_log(__VA_ARGS__);                                         \
        }                                                                  \
    } while (0)

/* "in_asm,int" -> mask; unknown item -> error naming it. */
bool qemu_log_parse_items(const char *str, unsigned *mask, Error **errp);
/* The "-d help" text: one item per line with its meaning. */
void qemu_log_print_help(FILE *f);
bool qemu_log_set_file(const char *path, Error **errp);
/*
 * -dfilter RANGE[,...]: per-address logs (in_asm, out_asm, op, op_opt,
 * exec) only for blocks starting in one of the ranges.  A range is
 * START+LEN, END-LEN (the LEN bytes ending at END) or START..END
 * (inclusive), numbers in C syntax, as QEMU's -dfilter.  NULL clears.
 */
bool qemu_set_dfilter_ranges(const char *str, Error **errp);
bool qemu_log_in_addr_range(uint64_t addr);
void qemu_log_flush(void);

#endif
