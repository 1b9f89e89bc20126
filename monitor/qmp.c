/*
 * The QMP session: greeting, capabilities negotiation, requests and
 * responses, events.  Wire format as in QEMU's docs/interop/qmp-spec.txt:
 *
 *   greeting  {"QMP": {"version": {...}, "capabilities": ["oob"]}}
 *   request   {"execute": NAME, "arguments": {...}, "id": ANY}
 *   success   {"return": VALUE, "id": ANY}
 *   error     {"error": {"class": CLASS, "desc": TEXT}, "id": ANY}
 *   event     {"timestamp": {"seconds": S, "microseconds": U}, "event": NAME,
 *              "data": {...}}
 *
 * Each response and event is one line (or an indented block with
 * pretty=on) ending in "\r\n".  Until the client runs qmp_capabilities only
 * that command is accepted, and no events are sent (§4 "Capabilities
 * Negotiation").
 */
#include "core/osdep.h"
#include "monitor/monitor-internal.h"

#include <sys/time.h>

json_object *qmp_version_object(void);

static void qmp_send(Monitor *mon, json_object *obj)
{
    GString *out = g_string_new(NULL);

    qjson_write(out, obj, mon->pretty);
    g_string_append_c(out, '\n');
    monitor_puts(mon, out->str);
    g_string_free(out, true);
}

void qmp_send_response(Monitor *mon, json_object *rsp)
{
    qmp_send(mon, rsp);
    json_object_put(rsp);
}

const char *qmp_error_class_name(ErrorClass cls)
{
    switch (cls) {
    case ERROR_CLASS_COMMAND_NOT_FOUND:
        return "CommandNotFound";
    case ERROR_CLASS_DEVICE_NOT_ACTIVE:
        return "DeviceNotActive";
    case ERROR_CLASS_DEVICE_NOT_FOUND:
        return "DeviceNotFound";
    case ERROR_CLASS_KVM_MISSING_CAP:
        return "KVMMissingCap";
    case ERROR_CLASS_GENERIC_ERROR:
    default:
        return "GenericError";
    }
}

/* {"error": {...}} for err (which it frees). */
static json_object *qmp_error_response(Error *err)
{
    json_object *rsp = json_object_new_object();
    json_object *e = json_object_new_object();

    json_object_object_add(e, "class",
                           json_object_new_string(qmp_error_class_name(error_get_class(err))));
    json_object_object_add(e, "desc", json_object_new_string(error_get_pretty(err)));
    json_object_object_add(rsp, "error", e);
    error_free(err);
    return rsp;
}

/* Takes err and id. */
void qmp_send_error(Monitor *mon, Error *err, json_object *id)
{
    json_object *rsp = qmp_error_response(err);

    if (id) {
        json_object_object_add(rsp, "id", id);
    }
    qmp_send_response(mon, rsp);
}

static void qmp_send_greeting(Monitor *mon)
{
    json_object *g = json_object_new_object();
    json_object *qmp = json_object_new_object();
    json_object *caps = json_object_new_array();

    /* "oob" is offered as QEMU does; requests still run in order. */
    json_object_array_add(caps, json_object_new_string("oob"));
    json_object_object_add(qmp, "version", qmp_version_object());
    json_object_object_add(qmp, "capabilities", caps);
    json_object_object_add(g, "QMP", qmp);
    qmp_send_response(mon, g);
}

/*
 * The id travels back untouched, whatever its type (§2.3); a request that
 * is not even an object has none.
 */
void qmp_handle_request(Monitor *mon, json_object *req)
{
    json_object *id = NULL, *exec = NULL, *args = NULL, *oob = NULL, *ret, *rsp;
    bool has_id = false;
    Error *err = NULL;
    const char *name;

    if (!json_object_is_type(req, json_type_object)) {
        error_setg(&err, "QMP input must be a JSON object");
        goto fail;
    }
    /* json-c holds a JSON null as a NULL value: remember that there was one. */
    has_id = json_object_object_get_ex(req, "id", &id);
    json_object_get(id);
    /* §2.3: only these keys; QEMU names the first other one. */
    json_object_object_foreach(req, key, val) {
        (void)val;
        if (strcmp(key, "execute") && strcmp(key, "arguments") && strcmp(key, "id") &&
            strcmp(key, "exec-oob")) {
            error_setg(&err, "QMP input member '%s' is unexpected", key);
            goto fail;
        }
    }
    if (json_object_object_get_ex(req, "exec-oob", &oob)) {
        /* §2.3.1: only after "oob" was enabled, and only for allow-oob commands. */
        if (!mon->oob_enabled) {
            error_setg(&err, "QMP input member 'exec-oob' is unexpected");
        } else if (json_object_object_get_ex(req, "execute", NULL)) {
            error_setg(&err, "QMP input member 'execute' clashes with 'exec-oob'");
        } else if (!json_object_is_type(oob, json_type_string)) {
            error_setg(&err, "QMP input member 'exec-oob' must be a string");
        } else if (!qmp_find_command(json_object_get_string(oob))) {
            error_set_class(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                            "The command %s has not been found", json_object_get_string(oob));
        } else {
            /* The schema gives no command allow-oob (query-qmp-schema says so). */
            error_setg(&err, "The command %s does not support OOB",
                       json_object_get_string(oob));
        }
        goto fail;
    }
    if (!json_object_object_get_ex(req, "execute", &exec)) {
        error_setg(&err, "QMP input lacks member 'execute'");
        goto fail;
    }
    if (!json_object_is_type(exec, json_type_string)) {
        error_setg(&err, "QMP input member 'execute' must be a string");
        goto fail;
    }
    if (json_object_object_get_ex(req, "arguments", &args) &&
        !json_object_is_type(args, json_type_object)) {
        error_setg(&err, "QMP input member 'arguments' must be an object");
        goto fail;
    }
    name = json_object_get_string(exec);
    if (!mon->commands_enabled && strcmp(name, "qmp_capabilities")) {
        error_set_class(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                        "Expecting capabilities negotiation with 'qmp_capabilities'");
        goto fail;
    }
    ret = qmp_dispatch(mon, name, args, &err);
    if (err) {
        goto fail;
    }
    rsp = json_object_new_object();
    json_object_object_add(rsp, "return", ret ? ret : json_object_new_object());
    goto out;

fail:
    rsp = qmp_error_response(err);
out:
    if (has_id) {
        json_object_object_add(rsp, "id", id);
    }
    qmp_send_response(mon, rsp);
    json_object_put(req);
}

static void qmp_parsed(void *opaque, json_object *obj, Error *err)
{
    Monitor *mon = opaque;

    if (err) {
        qmp_send_error(mon, err, NULL);
        return;
    }
    qmp_handle_request(mon, obj);
}

static int qmp_can_read(void *opaque)
{
    /* One chunk can produce at most a few hundred KiB of error replies. */
    return monitor_output_congested(opaque) ? 0 : 4096;
}

static void qmp_read(void *opaque, const uint8_t *buf, int size)
{
    Monitor *mon = opaque;

    json_stream_feed(mon->parser, buf, (size_t)size);
}

static void qmp_event(void *opaque, QEMUChrEvent event)
{
    Monitor *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        /* A new client: a fresh session (§4). */
        json_stream_reset(mon->parser);
        mon->commands_enabled = false;
        mon->oob_enabled = false;
        mon->peer_open = true;
        qmp_send_greeting(mon);
        break;
    case CHR_EVENT_CLOSED:
        /* Half-sent requests of the old client must not leak into the next. */
        json_stream_reset(mon->parser);
        mon->commands_enabled = false;
        mon->peer_open = false;
        g_string_truncate(mon->outbuf, 0);
        mon->outbuf_pos = 0;
        qemu_chr_fe_accept_input(&mon->chr);
        break;
    default:
        break;
    }
}

void qmp_monitor_setup(Monitor *mon)
{
    mon->parser = json_stream_new(qmp_parsed, mon);
    qemu_chr_fe_set_handlers(&mon->chr, qmp_can_read, qmp_read, qmp_event, mon, NULL,
                             true);
}

/* -------------------------------------------------------------- events */

void monitor_event_emit(const char *name, void *data_)
{
    json_object *data = data_;
    GPtrArray *list = monitor_list();
    struct timeval tv;

    gettimeofday(&tv, NULL);
    for (guint i = 0; i < list->len; i++) {
        Monitor *mon = g_ptr_array_index(list, i);
        json_object *ev, *ts;

        if (!mon->is_qmp || !mon->commands_enabled) {
            continue;
        }
        ev = json_object_new_object();
        ts = json_object_new_object();
        json_object_object_add(ts, "seconds", json_object_new_int64(tv.tv_sec));
        json_object_object_add(ts, "microseconds", json_object_new_int64(tv.tv_usec));
        json_object_object_add(ev, "timestamp", ts);
        json_object_object_add(ev, "event", json_object_new_string(name));
        if (data) {
            json_object_object_add(ev, "data", json_object_get(data));
        }
        qmp_send_response(mon, ev);
    }
    json_object_put(data);
}

const char *shutdown_cause_name(ShutdownCause cause)
{
    /* QEMU's ShutdownCause enum names (qapi/run-state.json). */
    switch (cause) {
    case SHUTDOWN_CAUSE_NONE:
        return "none";
    case SHUTDOWN_CAUSE_HOST_ERROR:
        return "host-error";
    case SHUTDOWN_CAUSE_HOST_QMP_QUIT:
        return "host-qmp-quit";
    case SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET:
        return "host-qmp-system-reset";
    case SHUTDOWN_CAUSE_HOST_SIGNAL:
        return "host-signal";
    case SHUTDOWN_CAUSE_HOST_UI:
        return "host-ui";
    case SHUTDOWN_CAUSE_GUEST_SHUTDOWN:
        return "guest-shutdown";
    case SHUTDOWN_CAUSE_GUEST_RESET:
        return "guest-reset";
    case SHUTDOWN_CAUSE_GUEST_PANIC:
        return "guest-panic";
    }
    return "none";
}

static json_object *cause_data(ShutdownCause cause)
{
    json_object *data = json_object_new_object();

    json_object_object_add(data, "guest",
                           json_object_new_boolean(cause >= SHUTDOWN_CAUSE_GUEST_SHUTDOWN));
    json_object_object_add(data, "reason", json_object_new_string(shutdown_cause_name(cause)));
    return data;
}

void monitor_event_stop(void)
{
    monitor_event_emit("STOP", NULL);
}

void monitor_event_resume(void)
{
    monitor_event_emit("RESUME", NULL);
}

void monitor_event_shutdown(ShutdownCause cause)
{
    monitor_event_emit("SHUTDOWN", cause_data(cause));
}

void monitor_event_reset(ShutdownCause cause)
{
    monitor_event_emit("RESET", cause_data(cause));
}

void monitor_event_powerdown(void)
{
    monitor_event_emit("POWERDOWN", NULL);
}
