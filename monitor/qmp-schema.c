/*
 * The QMP schema: every type, command and event the monitor speaks, in
 * one declarative table.  It drives argument checking (qmp-dispatch.c),
 * query-commands, query-qmp-schema and the list in docs/monitor.md (a unit
 * test keeps the two in step).
 *
 * Names and members follow QEMU's QAPI schema (the qapi/ JSON files) so that
 * clients written for QEMU find what they expect.  Type names in
 * query-qmp-schema are the readable ones: QEMU's introspection says they
 * are opaque, so clients must not depend on them either way.
 */
#include "core/osdep.h"
#include "monitor/monitor-internal.h"

#define END { NULL, NULL, false }

/* ---------------------------------------------------------------- types */

static const QmpMember version_triple[] = {
    { "major", "int" }, { "minor", "int" }, { "micro", "int" }, END,
};
static const QmpMember version_info[] = {
    { "qemu", "VersionTriple" }, { "package", "str" }, END,
};
static const QmpMember command_info[] = { { "name", "str" }, END };
static const QmpMember status_info[] = {
    { "running", "bool" }, { "singlestep", "bool" }, { "status", "RunState" }, END,
};
static const QmpMember cpu_instance_properties[] = {
    { "node-id", "int", true }, { "socket-id", "int", true }, { "die-id", "int", true },
    { "cluster-id", "int", true }, { "core-id", "int", true }, { "thread-id", "int", true },
    END,
};
static const QmpMember cpu_info_fast[] = {
    { "cpu-index", "int" }, { "qom-path", "str" }, { "thread-id", "int", true },
    { "props", "CpuInstanceProperties", true }, { "target", "str" }, END,
};
static const QmpMember machine_info[] = {
    { "name", "str" }, { "alias", "str", true }, { "is-default", "bool", true },
    { "cpu-max", "int" }, { "hotpluggable-cpus", "bool" },
    { "numa-mem-supported", "bool" }, { "deprecated", "bool" },
    { "default-cpu-type", "str", true }, { "default-ram-id", "str", true }, END,
};
static const QmpMember kvm_info[] = { { "enabled", "bool" }, { "present", "bool" }, END };
static const QmpMember name_info[] = { { "name", "str", true }, END };
static const QmpMember uuid_info[] = { { "UUID", "str" }, END };
static const QmpMember target_info[] = { { "arch", "str" }, END };
static const QmpMember chardev_info[] = {
    { "label", "str" }, { "filename", "str" }, { "frontend-open", "bool" }, END,
};
static const QmpMember memory_info[] = {
    { "base-memory", "int" }, { "plugged-memory", "int", true }, END,
};
static const QmpMember iothread_info[] = {
    { "id", "str" }, { "thread-id", "int", true }, END,
};
static const QmpMember object_property_info[] = {
    { "name", "str" }, { "type", "str" }, { "description", "str", true },
    { "default-value", "any", true }, END,
};
static const QmpMember schema_info[] = {
    { "name", "str" }, { "meta-type", "SchemaMetaType" }, END,
};
static const QmpMember current_machine_params[] = {
    { "wakeup-suspend-support", "bool" }, END,
};
static const QmpMember object_type_info[] = {
    { "name", "str" }, { "abstract", "bool", true }, { "parent", "str", true }, END,
};
static const QmpMember shutdown_data[] = {
    { "guest", "bool" }, { "reason", "ShutdownCause" }, END,
};
static const QmpMember device_deleted_data[] = {
    { "device", "str", true }, { "path", "str" }, END,
};
/* virtio-balloon and the block layer (owner: virtio) */
static const QmpMember balloon_info[] = { { "actual", "int" }, END };
static const QmpMember block_cache_info[] = {
    { "writeback", "bool" }, { "direct", "bool" }, { "no-flush", "bool" }, END,
};
static const QmpMember image_info[] = {
    { "filename", "str" }, { "format", "str" }, { "virtual-size", "int" }, END,
};
static const QmpMember block_device_info[] = {
    { "file", "str" }, { "node-name", "str", true }, { "ro", "bool" }, { "drv", "str" },
    { "encrypted", "bool" }, { "cache", "BlockdevCacheInfo" }, { "image", "ImageInfo" },
    END,
};
static const QmpMember block_info[] = {
    { "device", "str" }, { "qdev", "str", true }, { "type", "str" }, { "removable", "bool" },
    { "locked", "bool" }, { "tray_open", "bool", true },
    { "inserted", "BlockDeviceInfo", true }, END,
};
static const QmpMember block_device_stats[] = {
    { "rd_bytes", "int" }, { "wr_bytes", "int" }, { "unmap_bytes", "int" },
    { "rd_operations", "int" }, { "wr_operations", "int" }, { "flush_operations", "int" },
    { "unmap_operations", "int" }, { "rd_total_time_ns", "int" },
    { "wr_total_time_ns", "int" }, { "flush_total_time_ns", "int" },
    { "unmap_total_time_ns", "int" }, { "wr_highest_offset", "int" },
    { "rd_merged", "int" }, { "wr_merged", "int" }, { "unmap_merged", "int" },
    { "idle_time_ns", "int", true }, { "failed_rd_operations", "int" },
    { "failed_wr_operations", "int" }, { "failed_flush_operations", "int" },
    { "failed_unmap_operations", "int" }, { "invalid_rd_operations", "int" },
    { "invalid_wr_operations", "int" }, { "invalid_flush_operations", "int" },
    { "invalid_unmap_operations", "int" }, { "account_invalid", "bool" },
    { "account_failed", "bool" }, { "timed_stats", "[any]" }, END,
};
static const QmpMember block_stats[] = {
    { "device", "str", true }, { "qdev", "str", true }, { "node-name", "str", true },
    { "stats", "BlockDeviceStats" }, { "parent", "BlockStats", true }, END,
};
static const QmpMember device_tray_moved_data[] = {
    { "device", "str" }, { "id", "str" }, { "tray-open", "bool" }, END,
};
static const QmpMember block_io_error_data[] = {
    { "device", "str" }, { "node-name", "str", true }, { "operation", "str" },
    { "action", "str" }, { "nospace", "bool", true }, { "reason", "str" }, END,
};

/* networking (owner: net) */
static const QmpMember rx_filter_info[] = {
    { "name", "str" }, { "promiscuous", "bool" }, { "multicast", "RxState" },
    { "unicast", "RxState" }, { "vlan", "RxState" }, { "broadcast-allowed", "bool" },
    { "multicast-overflow", "bool" }, { "unicast-overflow", "bool" }, { "main-mac", "str" },
    { "vlan-table", "[int]" }, { "unicast-table", "[str]" }, { "multicast-table", "[str]" },
    END,
};
static const QmpMember nic_rx_filter_changed_data[] = {
    { "name", "str", true }, { "path", "str" }, END,
};
static const char *const rx_state_values[] = { "normal", "none", "all", NULL };

static const char *const run_state_values[] = {
    "debug", "inmigrate", "internal-error", "io-error", "paused", "postmigrate",
    "prelaunch", "finish-migrate", "restore-vm", "running", "save-vm", "shutdown",
    "suspended", "watchdog", "guest-panicked", "colo", NULL,
};
static const char *const shutdown_cause_values[] = {
    "none", "host-error", "host-qmp-quit", "host-qmp-system-reset", "host-signal",
    "host-ui", "guest-shutdown", "guest-reset", "guest-panic", "subsystem-reset", NULL,
};
static const char *const change_ro_mode_values[] = {
    "retain", "read-only", "read-write", NULL,
};
static const char *const qmp_capability_values[] = { "oob", NULL };
static const char *const data_format_values[] = { "utf8", "base64", NULL };
static const char *const schema_meta_type_values[] = {
    "builtin", "enum", "array", "object", "alternate", "command", "event", NULL,
};

static const QmpTypeDef types[] = {
    { "VersionTriple", QMP_META_OBJECT, version_triple },
    { "VersionInfo", QMP_META_OBJECT, version_info },
    { "CommandInfo", QMP_META_OBJECT, command_info },
    { "StatusInfo", QMP_META_OBJECT, status_info },
    { "CpuInstanceProperties", QMP_META_OBJECT, cpu_instance_properties },
    { "CpuInfoFast", QMP_META_OBJECT, cpu_info_fast },
    { "MachineInfo", QMP_META_OBJECT, machine_info },
    { "KvmInfo", QMP_META_OBJECT, kvm_info },
    { "NameInfo", QMP_META_OBJECT, name_info },
    { "UuidInfo", QMP_META_OBJECT, uuid_info },
    { "TargetInfo", QMP_META_OBJECT, target_info },
    { "ChardevInfo", QMP_META_OBJECT, chardev_info },
    { "MemoryInfo", QMP_META_OBJECT, memory_info },
    { "BalloonInfo", QMP_META_OBJECT, balloon_info },
    { "BlockdevCacheInfo", QMP_META_OBJECT, block_cache_info },
    { "ImageInfo", QMP_META_OBJECT, image_info },
    { "BlockDeviceInfo", QMP_META_OBJECT, block_device_info },
    { "BlockInfo", QMP_META_OBJECT, block_info },
    { "BlockDeviceStats", QMP_META_OBJECT, block_device_stats },
    { "BlockStats", QMP_META_OBJECT, block_stats },
    { "BlockdevChangeReadOnlyMode", QMP_META_ENUM, NULL, change_ro_mode_values },
    { "IOThreadInfo", QMP_META_OBJECT, iothread_info },
    { "ObjectPropertyInfo", QMP_META_OBJECT, object_property_info },
    { "SchemaInfo", QMP_META_OBJECT, schema_info },
    { "CurrentMachineParams", QMP_META_OBJECT, current_machine_params },
    { "ObjectTypeInfo", QMP_META_OBJECT, object_type_info },
    { "RxFilterInfo", QMP_META_OBJECT, rx_filter_info },
    { "RxState", QMP_META_ENUM, NULL, rx_state_values },
    { "RunState", QMP_META_ENUM, NULL, run_state_values },
    { "ShutdownCause", QMP_META_ENUM, NULL, shutdown_cause_values },
    { "QMPCapability", QMP_META_ENUM, NULL, qmp_capability_values },
    { "SchemaMetaType", QMP_META_ENUM, NULL, schema_meta_type_values },
    { "DataFormat", QMP_META_ENUM, NULL, data_format_values },
    { NULL },
};

/* ------------------------------------------------------------- commands */

static const QmpMember args_capabilities[] = { { "enable", "[QMPCapability]", true }, END };
static const QmpMember args_query_machines[] = { { "compat-props", "bool", true }, END };
static const QmpMember args_qom_list[] = { { "path", "str" }, END };
static const QmpMember args_qom_get[] = { { "path", "str" }, { "property", "str" }, END };
static const QmpMember args_qom_set[] = {
    { "path", "str" }, { "property", "str" }, { "value", "any" }, END,
};
static const QmpMember args_device_add[] = {
    { "driver", "str" }, { "bus", "str", true }, { "id", "str", true }, END,
};
static const QmpMember args_device_del[] = { { "id", "str" }, END };
static const QmpMember args_balloon[] = { { "value", "int" }, END };
static const QmpMember args_block_resize[] = {
    { "device", "str", true }, { "node-name", "str", true }, { "size", "int" }, END,
};
/* networking (owner: net) */
static const QmpMember args_netdev_add[] = { { "type", "str" }, { "id", "str" }, END };
static const QmpMember args_netdev_del[] = { { "id", "str" }, END };
static const QmpMember args_set_link[] = { { "name", "str" }, { "up", "bool" }, END };
static const QmpMember args_query_rx_filter[] = { { "name", "str", true }, END };
static const QmpMember args_query_blockstats[] = { { "query-nodes", "bool", true }, END };
static const QmpMember args_eject[] = {
    { "device", "str", true }, { "id", "str", true }, { "force", "bool", true }, END,
};
static const QmpMember args_close_tray[] = {
    { "device", "str", true }, { "id", "str", true }, END,
};
static const QmpMember args_remove_medium[] = { { "id", "str" }, END };
static const QmpMember args_insert_medium[] = { { "id", "str" }, { "node-name", "str" }, END };
static const QmpMember args_change_medium[] = {
    { "device", "str", true }, { "id", "str", true }, { "filename", "str" },
    { "format", "str", true }, { "force", "bool", true },
    { "read-only-mode", "BlockdevChangeReadOnlyMode", true }, END,
};
static const QmpMember args_hmc[] = {
    { "command-line", "str" }, { "cpu-index", "int", true }, END,
};

static const QmpMember args_memsave[] = {
    { "val", "int" }, { "size", "int" }, { "filename", "str" }, { "cpu-index", "int", true },
    END,
};
static const QmpMember args_pmemsave[] = {
    { "val", "int" }, { "size", "int" }, { "filename", "str" }, END,
};
static const QmpMember args_ringbuf_write[] = {
    { "device", "str" }, { "data", "str" }, { "format", "DataFormat", true }, END,
};
static const QmpMember args_ringbuf_read[] = {
    { "device", "str" }, { "size", "int" }, { "format", "DataFormat", true }, END,
};
static const QmpMember args_chardev_remove[] = { { "id", "str" }, END };
static const QmpMember args_qom_list_types[] = {
    { "implements", "str", true }, { "abstract", "bool", true }, END,
};
static const QmpMember args_device_list_properties[] = { { "typename", "str" }, END };
static const QmpMember args_object_add[] = { { "qom-type", "str" }, { "id", "str" }, END };
static const QmpMember args_object_del[] = { { "id", "str" }, END };

static const QmpCommandDef commands[] = {
    { "qmp_capabilities", args_capabilities, "any", false, true, qmp_qmp_capabilities,
      "leave capabilities negotiation and enter command mode" },
    { "query-version", NULL, "VersionInfo", false, false, qmp_query_version,
      "the emulator's version" },
    { "query-commands", NULL, "[CommandInfo]", false, false, qmp_query_commands,
      "the commands this monitor accepts" },
    { "query-qmp-schema", NULL, "[SchemaInfo]", false, false, qmp_query_qmp_schema,
      "the whole schema: types, commands, events" },
    { "query-status", NULL, "StatusInfo", false, false, qmp_query_status,
      "the run state of the virtual machine" },
    { "stop", NULL, "any", false, false, qmp_stop, "pause the guest (event STOP)" },
    { "cont", NULL, "any", false, false, qmp_cont, "start or resume the guest (event RESUME)" },
    { "system_reset", NULL, "any", false, false, qmp_system_reset,
      "reset the machine (event RESET)" },
    { "system_powerdown", NULL, "any", false, false, qmp_system_powerdown,
      "press the power button (event POWERDOWN)" },
    { "quit", NULL, "any", false, false, qmp_quit, "exit the emulator (event SHUTDOWN)" },
    { "query-cpus-fast", NULL, "[CpuInfoFast]", false, false, qmp_query_cpus_fast,
      "the virtual CPUs" },
    { "query-machines", args_query_machines, "[MachineInfo]", false, false,
      qmp_query_machines, "the machine types this binary offers" },
    { "query-kvm", NULL, "KvmInfo", false, false, qmp_query_kvm,
      "whether KVM is present and in use" },
    { "query-name", NULL, "NameInfo", false, false, qmp_query_name,
      "the guest name given with -name" },
    { "query-uuid", NULL, "UuidInfo", false, false, qmp_query_uuid, "the guest UUID" },
    { "query-target", NULL, "TargetInfo", false, false, qmp_query_target,
      "the guest architecture" },
    { "query-chardev", NULL, "[ChardevInfo]", false, false, qmp_query_chardev,
      "the character devices" },
    { "query-memory-size-summary", NULL, "MemoryInfo", false, false,
      qmp_query_memory_size_summary, "the guest RAM size" },
    { "query-iothreads", NULL, "[IOThreadInfo]", false, false, qmp_query_iothreads,
      "the iothread objects" },
    { "qom-list", args_qom_list, "[ObjectPropertyInfo]", false, false, qmp_qom_list,
      "the properties and children of an object" },
    { "qom-get", args_qom_get, "any", false, false, qmp_qom_get,
      "read a property of an object" },
    { "qom-set", args_qom_set, "any", false, false, qmp_qom_set,
      "write a property of an object" },
    { "balloon", args_balloon, "any", false, false, qmp_balloon,
      "ask the guest to keep value bytes of RAM (virtio-balloon)" },
    { "query-balloon", NULL, "BalloonInfo", false, false, qmp_query_balloon,
      "the guest RAM the balloon driver says it left" },
    { "query-block", NULL, "[BlockInfo]", false, false, qmp_query_block,
      "the -drive backends and what is inserted in them" },
    { "block_resize", args_block_resize, "any", false, false, qmp_block_resize,
      "grow or shrink a disk image; the device tells the guest" },
    { "netdev_add", args_netdev_add, "any", true, false, qmp_netdev_add,
      "add a network backend, as -netdev (further keys are its options)" },
    { "netdev_del", args_netdev_del, "any", false, false, qmp_netdev_del,
      "remove a network backend" },
    { "set_link", args_set_link, "any", false, false, qmp_set_link,
      "bring a NIC's or netdev's link up or down" },
    { "query-rx-filter", args_query_rx_filter, "[RxFilterInfo]", false, false,
      qmp_query_rx_filter, "the receive filter of every NIC (or the named one)" },
    { "query-blockstats", args_query_blockstats, "[BlockStats]", false, false,
      qmp_query_blockstats, "I/O counters of each backend (or each node)" },
    { "eject", args_eject, "any", false, false, qmp_eject,
      "open the tray (if any) and remove the medium of a removable drive" },
    { "blockdev-open-tray", args_eject, "any", false, false, qmp_blockdev_open_tray,
      "open a removable device's tray (event DEVICE_TRAY_MOVED)" },
    { "blockdev-close-tray", args_close_tray, "any", false, false, qmp_blockdev_close_tray,
      "close a removable device's tray (event DEVICE_TRAY_MOVED)" },
    { "blockdev-remove-medium", args_remove_medium, "any", false, false,
      qmp_blockdev_remove_medium, "take the medium out of an open tray" },
    { "blockdev-insert-medium", args_insert_medium, "any", false, false,
      qmp_blockdev_insert_medium, "put a -blockdev node into an empty drive" },
    { "blockdev-change-medium", args_change_medium, "any", false, false,
      qmp_blockdev_change_medium, "open a file and make it the drive's medium" },
    { "device_add", args_device_add, "any", true, false, qmp_device_add,
      "add a device (further keys are its properties)" },
    { "device_del", args_device_del, "any", false, false, qmp_device_del,
      "remove a device added by the user (event DEVICE_DELETED)" },
    { "human-monitor-command", args_hmc, "str", false, false, qmp_human_monitor_command,
      "run an HMP command, return its output" },
    { "memsave", args_memsave, "any", false, false, qmp_memsave,
      "save guest virtual memory to a file" },
    { "pmemsave", args_pmemsave, "any", false, false, qmp_pmemsave,
      "save guest physical memory to a file" },
    { "ringbuf-write", args_ringbuf_write, "any", false, false, qmp_ringbuf_write,
      "write into a ringbuf chardev" },
    { "ringbuf-read", args_ringbuf_read, "str", false, false, qmp_ringbuf_read,
      "read from a ringbuf chardev" },
    { "chardev-remove", args_chardev_remove, "any", false, false, qmp_chardev_remove,
      "remove a chardev no frontend uses" },
    { "query-current-machine", NULL, "CurrentMachineParams", false, false,
      qmp_query_current_machine, "properties of the running machine" },
    { "qom-list-types", args_qom_list_types, "[ObjectTypeInfo]", false, false,
      qmp_qom_list_types, "the object types (optionally those implementing one)" },
    { "device-list-properties", args_device_list_properties, "[ObjectPropertyInfo]", false,
      false, qmp_device_list_properties, "the properties of a device type" },
    { "object-add", args_object_add, "any", true, false, qmp_object_add,
      "create a user object, as -object (further keys are its properties)" },
    { "object-del", args_object_del, "any", false, false, qmp_object_del,
      "remove a user object nothing uses" },
    { "system_wakeup", NULL, "any", false, false, qmp_system_wakeup,
      "wake a suspended guest (none can suspend yet)" },
    { NULL },
};

/* --------------------------------------------------------------- events */

static const QmpEventDef events[] = {
    { "SHUTDOWN", shutdown_data, "the emulator is exiting (or, with -no-shutdown, the guest stopped)" },
    { "POWERDOWN", NULL, "system_powerdown pressed the power button" },
    { "RESET", shutdown_data, "the machine was reset" },
    { "STOP", NULL, "the guest was paused" },
    { "RESUME", NULL, "the guest resumed" },
    { "DEVICE_DELETED", device_deleted_data, "a device was removed" },
    { "BALLOON_CHANGE", balloon_info, "the guest's balloon driver reported new RAM" },
    { "DEVICE_TRAY_MOVED", device_tray_moved_data,
      "a removable device's tray opened or closed" },
    { "NIC_RX_FILTER_CHANGED", nic_rx_filter_changed_data,
      "a guest changed its NIC's receive filter (again after query-rx-filter)" },
    { "BLOCK_IO_ERROR", block_io_error_data,
      "a disk request failed on the host; action says what the device did" },
    { NULL },
};

const QmpCommandDef *qmp_command_at(size_t i)
{
    return i < ARRAY_SIZE(commands) - 1 ? &commands[i] : NULL;
}

const QmpEventDef *qmp_event_at(size_t i)
{
    return i < ARRAY_SIZE(events) - 1 ? &events[i] : NULL;
}

const QmpTypeDef *qmp_type_at(size_t i)
{
    return i < ARRAY_SIZE(types) - 1 ? &types[i] : NULL;
}

const QmpCommandDef *qmp_find_command(const char *name)
{
    for (const QmpCommandDef *c = commands; c->name; c++) {
        if (!strcmp(c->name, name)) {
            return c;
        }
    }
    return NULL;
}

const QmpTypeDef *qmp_find_type(const char *name)
{
    for (const QmpTypeDef *t = types; t->name; t++) {
        if (!strcmp(t->name, name)) {
            return t;
        }
    }
    return NULL;
}

/* ------------------------------------------------------ introspection */

/* The JSON types of QEMU's builtins (qapi/introspect.json JSONType). */
static const struct {
    const char *name, *json_type;
} builtins[] = {
    { "str", "string" }, { "int", "int" }, { "bool", "boolean" },
    { "number", "number" }, { "any", "value" },
};

static json_object *schema_entry(const char *name, const char *meta)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "meta-type", json_object_new_string(meta));
    return o;
}

static json_object *members_json(const QmpMember *m)
{
    json_object *arr = json_object_new_array();

    for (; m && m->name; m++) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "name", json_object_new_string(m->name));
        json_object_object_add(o, "type", json_object_new_string(m->type));
        if (m->optional) {
            /* introspect.json: "default": null marks an optional member. */
            json_object_object_add(o, "default", NULL);
        }
        json_object_array_add(arr, o);
    }
    return arr;
}

/* An object type for a member list (a command's arguments, an event's data). */
static void add_object(json_object *list, const char *name, const QmpMember *m)
{
    json_object *o = schema_entry(name, "object");

    json_object_object_add(o, "members", members_json(m));
    json_object_array_add(list, o);
}

/* "[T]" types used anywhere get an "array" entry of their own. */
static void note_array(GHashTable *arrays, const char *type)
{
    if (type[0] == '[') {
        g_hash_table_add(arrays, (gpointer)type);
    }
}

static void note_members(GHashTable *arrays, const QmpMember *m)
{
    for (; m && m->name; m++) {
        note_array(arrays, m->type);
    }
}

json_object *qmp_schema_introspect(void)
{
    json_object *list = json_object_new_array();
    GHashTable *arrays = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTableIter it;
    gpointer key;

    for (const QmpCommandDef *c = commands; c->name; c++) {
        json_object *o = schema_entry(c->name, "command");
        char *argtype = g_strdup_printf("%s-args", c->name);

        json_object_object_add(o, "arg-type", json_object_new_string(argtype));
        json_object_object_add(o, "ret-type", json_object_new_string(c->ret));
        json_object_object_add(o, "allow-oob", json_object_new_boolean(false));
        json_object_array_add(list, o);
        add_object(list, argtype, c->args);
        note_members(arrays, c->args);
        note_array(arrays, c->ret);
        g_free(argtype);
    }
    for (const QmpEventDef *e = events; e->name; e++) {
        json_object *o = schema_entry(e->name, "event");
        char *argtype = g_strdup_printf("%s-data", e->name);

        json_object_object_add(o, "arg-type", json_object_new_string(argtype));
        json_object_array_add(list, o);
        add_object(list, argtype, e->data);
        note_members(arrays, e->data);
        g_free(argtype);
    }
    for (const QmpTypeDef *t = types; t->name; t++) {
        if (t->meta == QMP_META_OBJECT) {
            add_object(list, t->name, t->members);
            note_members(arrays, t->members);
        } else {
            json_object *o = schema_entry(t->name, "enum");
            json_object *vals = json_object_new_array();

            for (const char *const *v = t->values; *v; v++) {
                json_object_array_add(vals, json_object_new_string(*v));
            }
            json_object_object_add(o, "values", vals);
            json_object_array_add(list, o);
        }
    }
    g_hash_table_iter_init(&it, arrays);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        const char *name = key;
        json_object *o = schema_entry(name, "array");

        json_object_object_add(o, "element-type",
                               json_object_new_string_len(name + 1, (int)strlen(name) - 2));
        json_object_array_add(list, o);
    }
    for (size_t i = 0; i < ARRAY_SIZE(builtins); i++) {
        json_object *o = schema_entry(builtins[i].name, "builtin");

        json_object_object_add(o, "json-type", json_object_new_string(builtins[i].json_type));
        json_object_array_add(list, o);
    }
    g_hash_table_unref(arrays);
    return list;
}
