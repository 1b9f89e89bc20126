/*
 * HMP internals shared by the session (hmp.c) and the commands
 * (hmp-cmds.c, hmp-memory.c).
 */
#ifndef MONITOR_HMP_H
#define MONITOR_HMP_H

#include "monitor/monitor-internal.h"

/* args: the text after the command word (may start with blanks). */
typedef void HmpFunc(Monitor *mon, const char *args);

typedef struct HmpCommand {
    const char *name;          /* "cont|c": aliases separated by '|' */
    const char *params;
    const char *help;
    HmpFunc *fn;
} HmpCommand;

const char *hmp_skip_ws(const char *s);
/* Print "Error: ..." for err (freeing it); true if there was none. */
bool hmp_report(Monitor *mon, Error *err);
/* Run a QMP command (takes args, may be NULL); prints errors. */
json_object *hmp_qmp(Monitor *mon, const char *name, json_object *args, bool *ok);
/* Evaluate an HMP expression: numbers, ( ), unary - ~, * / % + - & ^ |. */
bool hmp_eval(const char *expr, uint64_t *value, Error **errp);
/* The same with $register operands of mon's current CPU. */
bool hmp_eval_mon(Monitor *mon, const char *expr, uint64_t *value, Error **errp);

HmpFunc hmp_stop, hmp_cont, hmp_quit, hmp_system_reset, hmp_system_powerdown;
HmpFunc hmp_x, hmp_xp, hmp_print, hmp_cpu;
HmpFunc hmp_device_add, hmp_device_del, hmp_log, hmp_logfile;
HmpFunc hmp_qom_list, hmp_qom_get, hmp_qom_set;
HmpFunc hmp_object_add, hmp_object_del;
HmpFunc hmp_memsave, hmp_pmemsave, hmp_ringbuf_write, hmp_ringbuf_read, hmp_chardev_remove;
HmpFunc hmp_info_status, hmp_info_version, hmp_info_name, hmp_info_uuid;
HmpFunc hmp_info_mtree, hmp_info_qtree, hmp_info_registers, hmp_info_cpus;
HmpFunc hmp_info_mem;
HmpFunc hmp_info_block, hmp_info_blockstats, hmp_eject, hmp_change;
HmpFunc hmp_info_balloon;
HmpFunc hmp_info_chardev, hmp_info_kvm, hmp_info_iothreads, hmp_info_qom_tree;
/* qmp-cmds-net.c */
HmpFunc hmp_info_network, hmp_netdev_add, hmp_netdev_del, hmp_set_link;

#endif
