/*
 * -object TYPE,id=ID,key=value,...: objects the user creates by name
 * (memory backends, rng sources, secrets).  They live under /objects/ID,
 * where links (memory-backend=ID) find them.
 */
#include "core/osdep.h"
#include "core/object.h"

Object *user_creatable_add(const char *type, const char *id, GPtrArray *keys,
                           GPtrArray *values, Error **errp)
{
    ObjectClass *klass = type ? object_class_by_name(type) : NULL;
    Object *obj, *objects;

    if (!klass) {
        error_setg(errp, "invalid object type: %s", type ? type : "");
        return NULL;
    }
    if (!klass->user_creatable) {
        error_setg(errp, "object type '%s' isn't supported by object-add", type);
        return NULL;
    }
    if (object_class_is_abstract(klass)) {
        error_setg(errp, "object type '%s' is abstract", type);
        return NULL;
    }
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return NULL;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, "Identifiers consist of letters, digits, '-', '.', "
                          "'_', starting with a letter.\n");
        return NULL;
    }
    objects = object_get_objects_root();
    if (object_resolve_path_component(objects, id)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type '%s')", id, object_get_typename(objects));
        return NULL;
    }
    if ((keys ? keys->len : 0) != (values ? values->len : 0)) {
        error_setg(errp, "object '%s': %u keys but %u values", id,
                   keys ? keys->len : 0, values ? values->len : 0);
        return NULL;
    }

    obj = object_new(type);
    for (guint i = 0; keys && i < keys->len; i++) {
        if (!object_property_parse(obj, g_ptr_array_index(keys, i),
                                   g_ptr_array_index(values, i), errp)) {
            object_unref(obj);
            return NULL;
        }
    }
    /* In the tree before complete(), so complete may resolve its own path. */
    object_property_add_child(objects, id, obj);
    object_unref(obj);
    if (klass->complete && !klass->complete(obj, errp)) {
        object_unparent(obj);
        return NULL;
    }
    return obj;
}
