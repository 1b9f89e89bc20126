/*
 * What the monitor's files share: the Monitor itself, the command table
 * and schema (qmp-schema.c), dispatch (qmp-dispatch.c) and the HMP side.
 */
#ifndef MONITOR_MONITOR_INTERNAL_H
#define MONITOR_MONITOR_INTERNAL_H

#include "chardev/char.h"
#include "monitor/monitor.h"
#include "monitor/qjson.h"

struct Monitor {
    CharBackend chr;
    bool is_qmp;
    bool pretty;                /* QMP: indented output */
    bool attached;              /* chr was initialized (deinit on free) */
    GString *outbuf;            /* output; bytes before outbuf_pos are sent */
    size_t outbuf_pos;
    bool watch_pending;

    /* QMP */
    JsonStream *parser;
    bool commands_enabled;      /* after qmp_capabilities */
    bool oob_enabled;           /* qmp_capabilities enable: ["oob"] */
    bool peer_open;             /* greeting sent, events flow */

    /* HMP */
    GString *line;              /* the line being typed */
    bool prompt_shown;
    bool last_was_cr;           /* a CR LF pair is one Enter */
    int esc_state;              /* inside a terminal escape sequence */
    bool esc_params;            /* ... which has parameter bytes */
    GPtrArray *history;         /* HMP lines entered (char*), oldest first */
    guint history_pos;          /* the entry the arrows are at (len: new line) */
    bool on_mux;                /* shares a mux with the guest's console */
    bool banner_shown;
    int cpu_index;              /* the "cpu N" default for info registers, x */
    GString *capture;           /* human-monitor-command: output goes here */
};

/* ---- monitor.c: output ---- */
/* Queue text for the peer ('\n' becomes "\r\n", as QEMU's monitor sends). */
void monitor_puts(Monitor *mon, const char *str);
void monitor_printf(Monitor *mon, const char *fmt, ...) PRINTF_FMT(2, 3);
/* More than MONITOR_OUTBUF_HIGH bytes wait for the peer: stop reading. */
#define MONITOR_OUTBUF_HIGH (1 * MiB)
bool monitor_output_congested(Monitor *mon);
/* GLib list of every live monitor (Monitor*). */
GPtrArray *monitor_list(void);
const MonitorVMOps *monitor_vm_ops(void);
const char *monitor_guest_name(void);
/* An HMP monitor that only collects output (human-monitor-command). */
Monitor *monitor_new_capture(void);
void monitor_free(Monitor *mon);

/* ---- qmp.c ---- */
void qmp_monitor_setup(Monitor *mon);
/* Handle one request object (takes ownership); answer written to mon. */
void qmp_handle_request(Monitor *mon, json_object *req);
/* Answer for the stream parser's error. */
void qmp_send_error(Monitor *mon, Error *err, json_object *id);
void qmp_send_response(Monitor *mon, json_object *rsp);

/* ---- the schema (qmp-schema.c) ---- */
typedef struct QmpMember {
    const char *name;
    /* "str", "int", "bool", "number", "any", "[T]", or a type's name */
    const char *type;
    bool optional;
} QmpMember;

typedef enum QmpMeta {
    QMP_META_OBJECT,
    QMP_META_ENUM,
} QmpMeta;

typedef struct QmpTypeDef {
    const char *name;
    QmpMeta meta;
    const QmpMember *members;          /* objects: {NULL}-terminated */
    const char *const *values;         /* enums: NULL-terminated */
} QmpTypeDef;

/*
 * A command handler: args is the checked arguments object (never NULL),
 * the result is the "return" value (NULL with no error: {}).
 */
typedef json_object *QmpCommandFunc(Monitor *mon, json_object *args, Error **errp);

typedef struct QmpCommandDef {
    const char *name;
    const QmpMember *args;             /* {NULL}-terminated; NULL: none */
    const char *ret;                   /* return type name ("any", "[T]", ...) */
    bool any_args;                     /* extra keys go to the handler (device_add) */
    bool no_negotiation;               /* allowed before qmp_capabilities */
    QmpCommandFunc *fn;
    const char *doc;                   /* one line (docs/monitor.md) */
} QmpCommandDef;

typedef struct QmpEventDef {
    const char *name;
    const QmpMember *data;             /* {NULL}-terminated; NULL: no data */
    const char *doc;
} QmpEventDef;

const QmpCommandDef *qmp_find_command(const char *name);
const QmpTypeDef *qmp_find_type(const char *name);
/* Iterate in schema order; NULL at the end. */
const QmpCommandDef *qmp_command_at(size_t i);
const QmpEventDef *qmp_event_at(size_t i);
const QmpTypeDef *qmp_type_at(size_t i);
/* query-qmp-schema's value. */
json_object *qmp_schema_introspect(void);

/* ---- qmp-dispatch.c ---- */
/* Check args against cmd's schema (QEMU's messages). */
bool qmp_check_args(const QmpCommandDef *cmd, json_object *args, Error **errp);
/* Check and run: the return value or NULL with errp set. */
json_object *qmp_dispatch(Monitor *mon, const char *name, json_object *args,
                          Error **errp);
/* "Device 'x' not found" and friends: class names as QMP spells them. */
const char *qmp_error_class_name(ErrorClass cls);

/* ---- command handlers (qmp-cmds*.c) ---- */
#define QMP_HANDLER(fn) json_object *fn(Monitor *mon, json_object *args, Error **errp)
QMP_HANDLER(qmp_qmp_capabilities);
QMP_HANDLER(qmp_query_version);
QMP_HANDLER(qmp_query_commands);
QMP_HANDLER(qmp_query_qmp_schema);
QMP_HANDLER(qmp_query_status);
QMP_HANDLER(qmp_balloon);                 /* qmp-cmds-balloon.c (owner: virtio) */
QMP_HANDLER(qmp_query_balloon);
QMP_HANDLER(qmp_query_block);             /* qmp-cmds-block.c (owner: virtio) */
QMP_HANDLER(qmp_block_resize);
QMP_HANDLER(qmp_netdev_add);              /* qmp-cmds-net.c (owner: net) */
QMP_HANDLER(qmp_netdev_del);
QMP_HANDLER(qmp_set_link);
QMP_HANDLER(qmp_query_rx_filter);
QMP_HANDLER(qmp_query_blockstats);
QMP_HANDLER(qmp_eject);
QMP_HANDLER(qmp_blockdev_open_tray);
QMP_HANDLER(qmp_blockdev_close_tray);
QMP_HANDLER(qmp_blockdev_remove_medium);
QMP_HANDLER(qmp_blockdev_insert_medium);
QMP_HANDLER(qmp_blockdev_change_medium);
QMP_HANDLER(qmp_stop);
QMP_HANDLER(qmp_cont);
QMP_HANDLER(qmp_system_reset);
QMP_HANDLER(qmp_system_powerdown);
QMP_HANDLER(qmp_quit);
QMP_HANDLER(qmp_query_cpus_fast);
QMP_HANDLER(qmp_query_machines);
QMP_HANDLER(qmp_query_kvm);
QMP_HANDLER(qmp_query_name);
QMP_HANDLER(qmp_query_uuid);
QMP_HANDLER(qmp_query_target);
QMP_HANDLER(qmp_query_chardev);
QMP_HANDLER(qmp_query_memory_size_summary);
QMP_HANDLER(qmp_query_iothreads);
QMP_HANDLER(qmp_qom_list);
QMP_HANDLER(qmp_qom_get);
QMP_HANDLER(qmp_qom_set);
QMP_HANDLER(qmp_device_add);
QMP_HANDLER(qmp_device_del);
QMP_HANDLER(qmp_human_monitor_command);
QMP_HANDLER(qmp_memsave);
QMP_HANDLER(qmp_pmemsave);
QMP_HANDLER(qmp_ringbuf_write);
QMP_HANDLER(qmp_ringbuf_read);
QMP_HANDLER(qmp_chardev_remove);
QMP_HANDLER(qmp_query_current_machine);
QMP_HANDLER(qmp_qom_list_types);
QMP_HANDLER(qmp_device_list_properties);
QMP_HANDLER(qmp_object_add);
QMP_HANDLER(qmp_object_del);
QMP_HANDLER(qmp_system_wakeup);

/* ---- hmp.c ---- */
void hmp_monitor_setup(Monitor *mon);
/* Run one command line on mon (output via monitor_printf). */
void hmp_handle_command(Monitor *mon, const char *cmdline);

/* Thread id of the host thread named name (/proc), or -1. */
long monitor_thread_id(const char *name);

/* Target hook for HMP "x": guest virtual -> physical on cpu (see hmp-cmds.c). */
typedef struct CPUState CPUState;
typedef bool MonitorVirtToPhys(CPUState *cpu, uint64_t va, uint64_t *pa, Error **errp);
void monitor_register_virt_to_phys(MonitorVirtToPhys *fn);
/* The registered hook (the gdbstub's memory access uses it too). */
bool monitor_virt_to_phys(CPUState *cpu, uint64_t va, uint64_t *pa, Error **errp);
/* Guest memory for the monitor: physical, or virtual as cpu sees it. */
bool monitor_read_memory(CPUState *cpu, bool is_phys, uint64_t addr, uint8_t *buf,
                         size_t len, Error **errp);
/* Target hook for "$name" in HMP expressions: false if there is no such register. */
typedef bool MonitorGetReg(CPUState *cpu, const char *name, uint64_t *value);
void monitor_register_get_reg(MonitorGetReg *fn);
/* Target hook for the "i" format: one instruction into buf; bytes used (0: none). */
typedef size_t MonitorDisasInsn(uint64_t pc, const uint8_t *code, size_t len, char *buf,
                                size_t size);
void monitor_register_disas(MonitorDisasInsn *fn);
/* Target hook for "info mem": the current address translation's mappings. */
typedef bool MonitorInfoMem(CPUState *cpu, GString *out, Error **errp);
void monitor_register_info_mem(MonitorInfoMem *fn);
/* Target hook for "info registers" when the CPU has no tcg_ops->dump_state. */
typedef bool MonitorDumpState(CPUState *cpu, FILE *f, Error **errp);
void monitor_register_dump_state(MonitorDumpState *fn);

#endif
