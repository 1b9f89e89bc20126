/*
 * QMP commands around the edges of the machine: saving guest memory to a
 * file (memsave, pmemsave), the ringbuf chardevs (ringbuf-write,
 * ringbuf-read, chardev-remove), and type introspection (qom-list-types,
 * device-list-properties, query-current-machine).  Wording as QEMU 7.2.
 */
#include "core/osdep.h"
#include "accel/tcg/cpu.h"
#include "hw/core/machine.h"
#include "hw/core/qdev.h"
#include "monitor/monitor-internal.h"

#include <fcntl.h>

static const char *arg_str(json_object *args, const char *name)
{
    json_object *v = NULL;

    return json_object_object_get_ex(args, name, &v) ? json_object_get_string(v) : NULL;
}

static int64_t arg_int(json_object *args, const char *name, int64_t def)
{
    json_object *v = NULL;

    return json_object_object_get_ex(args, name, &v) ? json_object_get_int64(v) : def;
}

/* -------------------------------------------------------- memory dumps */

/*
 * Copy size bytes of guest memory at addr to filename, 64 KiB at a time
 * (a big dump never needs a big buffer).  Physical holes read as zero, as
 * QEMU's pmemsave writes them; a virtual address that does not translate
 * fails the whole command.
 */
static void save_memory(CPUState *cpu, bool is_phys, uint64_t addr, int64_t size,
                        const char *filename, Error **errp)
{
    uint8_t *buf;
    int fd;
    Error *err = NULL;

    if (size < 0) {
        error_setg(errp, "Parameter 'size' expects a non-negative number");
        return;
    }
    fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", filename);
        return;
    }
    buf = g_malloc(64 * KiB);
    while (size > 0) {
        size_t chunk = (size_t)MIN(size, (int64_t)(64 * KiB));

        if (is_phys) {
            address_space_read(get_address_space_memory(), addr, MEMTXATTRS_UNSPECIFIED,
                               buf, chunk);
        } else if (!monitor_read_memory(cpu, false, addr, buf, chunk, &err)) {
            error_free(err);
            error_setg(errp, "Invalid addr 0x%016" PRIx64 "/size %" PRId64 " specified",
                       addr, size);
            break;
        }
        if (write(fd, buf, chunk) != (ssize_t)chunk) {
            error_setg_errno(errp, errno, "writing memory to '%s'", filename);
            break;
        }
        addr += chunk;
        size -= (int64_t)chunk;
    }
    g_free(buf);
    close(fd);
}

QMP_HANDLER(qmp_memsave)
{
    int64_t idx = arg_int(args, "cpu-index", mon ? mon->cpu_index : 0);
    CPUState *cpu = idx >= 0 && idx <= INT_MAX ? cpu_by_index((int)idx) : NULL;

    if (!cpu) {
        error_setg(errp, "Parameter 'cpu-index' expects a CPU number");
        return NULL;
    }
    save_memory(cpu, false, (uint64_t)arg_int(args, "val", 0), arg_int(args, "size", 0),
                arg_str(args, "filename"), errp);
    return NULL;
}

QMP_HANDLER(qmp_pmemsave)
{
    save_memory(NULL, true, (uint64_t)arg_int(args, "val", 0), arg_int(args, "size", 0),
                arg_str(args, "filename"), errp);
    return NULL;
}

/* ------------------------------------------------------------ chardevs */

static Chardev *find_chardev(const char *id, Error **errp)
{
    Chardev *chr = qemu_chr_find(id);

    if (!chr) {
        error_setg(errp, "Device '%s' not found", id);
    }
    return chr;
}

static bool is_base64(json_object *args)
{
    const char *fmt = arg_str(args, "format");

    return fmt && !strcmp(fmt, "base64");
}

QMP_HANDLER(qmp_ringbuf_write)
{
    Chardev *chr = find_chardev(arg_str(args, "device"), errp);
    const char *data = arg_str(args, "data");
    guchar *bytes;
    gsize len;

    if (!chr) {
        return NULL;
    }
    if (is_base64(args)) {
        bytes = g_base64_decode(data, &len);
    } else {
        bytes = (guchar *)g_strdup(data);
        len = strlen(data);
    }
    qemu_chr_ringbuf_write(chr, bytes, len, errp);
    g_free(bytes);
    return NULL;
}

QMP_HANDLER(qmp_ringbuf_read)
{
    Chardev *chr = find_chardev(arg_str(args, "device"), errp);
    int64_t size = arg_int(args, "size", 0);
    json_object *ret = NULL;
    uint8_t *buf;
    int64_t n;

    if (!chr) {
        return NULL;
    }
    if (size <= 0) {
        error_setg(errp, "size must be greater than zero");
        return NULL;
    }
    /* The ring holds at most 1 GiB (char-ringbuf.c): no more is ever read. */
    size = MIN(size, (int64_t)GiB);
    buf = g_malloc(size);
    n = qemu_chr_ringbuf_read(chr, buf, (size_t)size, errp);
    if (n >= 0) {
        if (is_base64(args)) {
            char *b64 = g_base64_encode(buf, (gsize)n);

            ret = json_object_new_string(b64);
            g_free(b64);
        } else {
            /* Bytes that are not UTF-8 come out as U+FFFD (json-writer.c). */
            ret = json_object_new_string_len((const char *)buf, (int)n);
        }
    }
    g_free(buf);
    return ret;
}

QMP_HANDLER(qmp_chardev_remove)
{
    qemu_chr_delete(arg_str(args, "id"), errp);
    return NULL;
}

/* --------------------------------------------------------------- types */

QMP_HANDLER(qmp_query_current_machine)
{
    json_object *o = json_object_new_object();

    /* No machine here can suspend to RAM and wake up (no ACPI S3). */
    json_object_object_add(o, "wakeup-suspend-support", json_object_new_boolean(false));
    return o;
}

QMP_HANDLER(qmp_qom_list_types)
{
    const char *implements = arg_str(args, "implements");
    json_object *abstract = NULL;
    GSList *list;
    json_object *ret = json_object_new_array();

    json_object_object_get_ex(args, "abstract", &abstract);
    list = object_class_get_list_sorted(implements ? implements : TYPE_OBJECT,
                                        abstract && json_object_get_boolean(abstract));
    for (GSList *l = list; l; l = l->next) {
        ObjectClass *oc = l->data;
        ObjectClass *parent = object_class_get_parent(oc);
        json_object *o = json_object_new_object();

        json_object_object_add(o, "name", json_object_new_string(object_class_get_name(oc)));
        if (object_class_is_abstract(oc)) {
            json_object_object_add(o, "abstract", json_object_new_boolean(true));
        }
        if (parent) {
            json_object_object_add(o, "parent",
                                   json_object_new_string(object_class_get_name(parent)));
        }
        json_object_array_add(ret, o);
    }
    g_slist_free(list);
    return ret;
}

static void prop_info(const Property *prop, void *opaque)
{
    json_object *o = json_object_new_object();
    char *type = object_property_type_name(prop);
    char *def = object_property_default_string(prop);
    const char *desc = prop->desc ? prop->desc : prop->info->desc;

    json_object_object_add(o, "name", json_object_new_string(prop->name));
    json_object_object_add(o, "type", json_object_new_string(type));
    if (desc) {
        json_object_object_add(o, "description", json_object_new_string(desc));
    }
    if (def) {
        /* Typed, as QEMU reports it: booleans and numbers are not strings. */
        json_object *v = NULL;
        bool b;

        if (prop->info == &prop_info_bool && parse_bool(def, &b)) {
            v = json_object_new_boolean(b);
        } else if (prop->info != &prop_info_string && prop->info != &prop_info_link) {
            v = json_tokener_parse(def);
            if (v && !json_object_is_type(v, json_type_int)) {
                json_object_put(v);
                v = NULL;
            }
        }
        json_object_object_add(o, "default-value", v ? v : json_object_new_string(def));
    }
    json_object_array_add(opaque, o);
    g_free(type);
    g_free(def);
}

QMP_HANDLER(qmp_device_list_properties)
{
    const char *name = arg_str(args, "typename");
    ObjectClass *oc = object_class_by_name(name);
    json_object *ret;

    if (!oc) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found", name);
        return NULL;
    }
    if (!object_class_dynamic_cast(oc, TYPE_DEVICE) || object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'typename' expects a non-abstract device type");
        return NULL;
    }
    ret = json_object_new_array();
    object_class_property_foreach(oc, prop_info, ret);
    return ret;
}

/* ------------------------------------------------------- user objects */

static void collect_prop_name(const Property *prop, void *opaque)
{
    g_hash_table_add(opaque, (gpointer)prop->name);
}

QMP_HANDLER(qmp_object_add)
{
    const char *type = arg_str(args, "qom-type");
    const char *id = arg_str(args, "id");
    ObjectClass *oc = object_class_by_name(type);
    GHashTable *names;
    GPtrArray *keys, *values;
    bool ok = true;

    /* qom-type is an enum of the user-creatable types in QEMU's schema. */
    if (!oc || !oc->user_creatable || object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'qom-type' does not accept value '%s'", type);
        return NULL;
    }
    names = g_hash_table_new(g_str_hash, g_str_equal);
    object_class_property_foreach(oc, collect_prop_name, names);
    keys = g_ptr_array_new_with_free_func(g_free);
    values = g_ptr_array_new_with_free_func(g_free);
    json_object_object_foreach(args, key, val) {
        enum json_type jt = json_object_get_type(val);

        if (!strcmp(key, "qom-type") || !strcmp(key, "id")) {
            continue;
        }
        if (!g_hash_table_contains(names, key)) {
            error_setg(errp, "Parameter '%s' is unexpected", key);
            ok = false;
            break;
        }
        if (jt == json_type_boolean) {
            g_ptr_array_add(values, g_strdup(json_object_get_boolean(val) ? "on" : "off"));
        } else if (jt == json_type_string || jt == json_type_int) {
            g_ptr_array_add(values, g_strdup(json_object_get_string(val)));
        } else {
            error_setg(errp, "Invalid parameter type for '%s', expected: string", key);
            ok = false;
            break;
        }
        g_ptr_array_add(keys, g_strdup(key));
    }
    if (ok) {
        user_creatable_add(type, id, keys, values, errp);
    }
    g_ptr_array_unref(keys);
    g_ptr_array_unref(values);
    g_hash_table_unref(names);
    return NULL;
}

QMP_HANDLER(qmp_object_del)
{
    const char *id = arg_str(args, "id");
    Object *obj = object_resolve_path_component(object_get_objects_root(), id);

    if (!obj) {
        error_setg(errp, "object '%s' not found", id);
        return NULL;
    }
    /*
     * /objects holds one reference; any other is a user (a link property).
     * system/ knows the uses that hold none (a backend mapped as guest RAM).
     */
    if (obj->ref > 1 || (monitor_vm_ops() && monitor_vm_ops()->object_in_use &&
                         monitor_vm_ops()->object_in_use(obj))) {
        error_setg(errp, "object '%s' is in use, can not be deleted", id);
        return NULL;
    }
    object_unparent(obj);
    return NULL;
}

QMP_HANDLER(qmp_system_wakeup)
{
    /* No machine here can suspend (no ACPI S3, no SBI system suspend). */
    error_setg(errp, "wake-up from suspend is not supported by this guest");
    return NULL;
}
