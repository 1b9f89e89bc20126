/*
 * Running a QMP command: find it, check its arguments against the schema,
 * call the handler.  The messages are QEMU's (its QObject input visitor),
 * since clients and test suites match on them:
 *
 *   Parameter 'path' is missing
 *   Parameter 'x' is unexpected
 *   Invalid parameter type for 'path', expected: string
 *   Parameter 'enable[0]' does not accept value 'foo'
 *
 * Members are checked in schema order, then unknown keys, as QEMU does.
 */
#include "core/osdep.h"
#include "monitor/monitor-internal.h"

static bool check_value(const char *where, const char *type, json_object *v,
                        Error **errp);

/* The word QEMU prints for what a type expects. */
static const char *expected_word(const char *type)
{
    const QmpTypeDef *t;

    if (!strcmp(type, "str")) {
        return "string";
    } else if (!strcmp(type, "int")) {
        return "integer";
    } else if (!strcmp(type, "bool")) {
        return "boolean";
    } else if (!strcmp(type, "number")) {
        return "number";
    } else if (type[0] == '[') {
        return "array";
    }
    t = qmp_find_type(type);
    return t && t->meta == QMP_META_ENUM ? "string" : "object";
}

static bool check_members(const char *prefix, const QmpMember *members, json_object *obj,
                          bool any_extra, Error **errp)
{
    for (const QmpMember *m = members; m && m->name; m++) {
        json_object *v;
        char *where = prefix ? g_strdup_printf("%s.%s", prefix, m->name)
                             : g_strdup(m->name);
        bool ok = true;

        if (!json_object_object_get_ex(obj, m->name, &v)) {
            if (!m->optional) {
                error_setg(errp, "Parameter '%s' is missing", where);
                ok = false;
            }
        } else {
            ok = check_value(where, m->type, v, errp);
        }
        g_free(where);
        if (!ok) {
            return false;
        }
    }
    if (any_extra) {
        return true;
    }
    json_object_object_foreach(obj, key, val) {
        bool known = false;

        (void)val;
        for (const QmpMember *m = members; m && m->name && !known; m++) {
            known = !strcmp(m->name, key);
        }
        if (!known) {
            if (prefix) {
                error_setg(errp, "Parameter '%s.%s' is unexpected", prefix, key);
            } else {
                error_setg(errp, "Parameter '%s' is unexpected", key);
            }
            return false;
        }
    }
    return true;
}

static bool check_value(const char *where, const char *type, json_object *v,
                        Error **errp)
{
    enum json_type jt = json_object_get_type(v);
    const QmpTypeDef *t;
    bool ok;

    if (!strcmp(type, "any")) {
        return true;
    } else if (!strcmp(type, "str")) {
        ok = jt == json_type_string;
    } else if (!strcmp(type, "int")) {
        /* QAPI's int is int64: json-c keeps larger numbers as uint64. */
        ok = jt == json_type_int && !(json_object_get_int64(v) == INT64_MAX &&
                                      json_object_get_uint64(v) > INT64_MAX);
    } else if (!strcmp(type, "bool")) {
        ok = jt == json_type_boolean;
    } else if (!strcmp(type, "number")) {
        ok = jt == json_type_int || jt == json_type_double;
    } else if (type[0] == '[') {
        char *elem = g_strndup(type + 1, strlen(type) - 2);

        ok = jt == json_type_array;
        for (size_t i = 0; ok && i < json_object_array_length(v); i++) {
            char *w = g_strdup_printf("%s[%zu]", where, i);

            if (!check_value(w, elem, json_object_array_get_idx(v, i), errp)) {
                g_free(w);
                g_free(elem);
                return false;
            }
            g_free(w);
        }
        g_free(elem);
    } else if ((t = qmp_find_type(type)) && t->meta == QMP_META_ENUM) {
        ok = jt == json_type_string;
        if (ok) {
            const char *s = json_object_get_string(v);

            for (const char *const *val = t->values; *val; val++) {
                if (!strcmp(*val, s)) {
                    return true;
                }
            }
            error_setg(errp, "Parameter '%s' does not accept value '%s'", where, s);
            return false;
        }
    } else if (t) {
        ok = jt == json_type_object;
        if (ok) {
            return check_members(where, t->members, v, false, errp);
        }
    } else {
        /* A schema bug, not the client's: say so rather than crash. */
        error_setg(errp, "Parameter '%s' has an unknown schema type '%s'", where, type);
        return false;
    }
    if (!ok) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s", where,
                   expected_word(type));
    }
    return ok;
}

bool qmp_check_args(const QmpCommandDef *cmd, json_object *args, Error **errp)
{
    return check_members(NULL, cmd->args, args, cmd->any_args, errp);
}

json_object *qmp_dispatch(Monitor *mon, const char *name, json_object *args,
                          Error **errp)
{
    const QmpCommandDef *cmd = qmp_find_command(name);
    json_object *own_args = NULL, *ret;
    Error *err = NULL;

    if (!cmd) {
        error_set_class(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                        "The command %s has not been found", name);
        return NULL;
    }
    if (!args) {
        args = own_args = json_object_new_object();
    }
    if (!qmp_check_args(cmd, args, errp)) {
        json_object_put(own_args);
        return NULL;
    }
    ret = cmd->fn(mon, args, &err);
    json_object_put(own_args);
    if (err) {
        json_object_put(ret);
        error_propagate(errp, err);
        return NULL;
    }
    return ret;
}
