/*
 * The object model: a type registry with single inheritance, classes,
 * instances, typed properties and a composition tree (for qom-list and
 * info qtree / qom-tree).
 *
 * A type registers itself from its own file:
 *
 *   static const TypeInfo pl011_info = { .name = TYPE_PL011, .parent =
 *       TYPE_SYS_BUS_DEVICE, .instance_size = sizeof(PL011State), ... };
 *   static void pl011_register_types(void) { type_register_static(&pl011_info); }
 *   type_init(pl011_register_types)
 */
#ifndef CORE_OBJECT_H
#define CORE_OBJECT_H

#include "core/osdep.h"
#include "core/error.h"

typedef struct Object Object;
typedef struct ObjectClass ObjectClass;
typedef struct TypeImpl *Type;
typedef struct Property Property;

#define TYPE_OBJECT "object"
/* A plain node of the composition tree ("/machine/unattached", "/objects"). */
#define TYPE_CONTAINER "container"

struct ObjectClass {
    Type type;
    /* Properties declared with DEFINE_PROP_*; NULL-terminated arrays, one per class. */
    const Property *props;
    /* -object TYPE,...: may be created by the user; complete() runs after
     * the properties are set (e.g. a memory backend allocates here). */
    bool user_creatable;
    bool (*complete)(Object *obj, Error **errp);
    /* Called by object_unparent before the object leaves its parent (a
     * device unrealizes itself here).  Inherited like any class field. */
    void (*unparent)(Object *obj);
};

struct Object {
    ObjectClass *class;
    Object *parent;           /* composition parent, NULL at the root */
    char *name;               /* name in the parent's children */
    GPtrArray *children;      /* Object* (owned references) */
    unsigned ref;
};

typedef struct TypeInfo {
    const char *name;
    const char *parent;
    size_t instance_size;
    size_t class_size;             /* 0: same as the parent's */
    bool abstract;
    const char *desc;              /* one line for "-device help" etc. */
    void (*class_init)(ObjectClass *klass, void *data);
    void *class_data;
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
} TypeInfo;

void type_register_static(const TypeInfo *info);

#define type_init(fn)                                                      \
    static void __attribute__((constructor)) fn##_ctor(void)               \
    {                                                                      \
        fn();                                                              \
    }

ObjectClass *object_class_by_name(const char *typename);
ObjectClass *object_class_get_parent(ObjectClass *klass);
const char *object_class_get_name(ObjectClass *klass);
const char *object_class_get_desc(ObjectClass *klass);
bool object_class_is_abstract(ObjectClass *klass);
/* NULL if klass is not typename or a subtype of it. */
ObjectClass *object_class_dynamic_cast(ObjectClass *klass, const char *typename);
/* All non-abstract (unless include_abstract) subtypes of implements_type, sorted by name. */
GSList *object_class_get_list_sorted(const char *implements_type, bool include_abstract);

Object *object_new(const char *typename);
Object *object_dynamic_cast(Object *obj, const char *typename);
/* Checked casts: abort with a message if obj is not of the type. */
Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line);
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass, const char *typename,
                                              const char *file, int line);
const char *object_get_typename(const Object *obj);
void object_ref(Object *obj);
void object_unref(Object *obj);     /* finalizes and frees at zero */

#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(klass) ((ObjectClass *)(klass))
#define OBJECT_GET_CLASS(class_type, obj, name)                            \
    ((class_type *)object_class_dynamic_cast_assert(OBJECT(obj)->class, (name), \
                                                    __FILE__, __LINE__))
#define OBJECT_CHECK(type, obj, name)                                      \
    ((type *)object_dynamic_cast_assert(OBJECT(obj), (name), __FILE__, __LINE__))
#define OBJECT_CLASS_CHECK(class_type, klass, name)                        \
    ((class_type *)object_class_dynamic_cast_assert(OBJECT_CLASS(klass), (name), \
                                                    __FILE__, __LINE__))

/* Composition tree.  The parent holds a reference on each child. */
/*
 * Adding a child under a name taken by a TYPE_CONTAINER placeholder (for
 * example "/machine", created on demand before the machine object exists)
 * moves the placeholder's children into the new child.  Any other name
 * clash aborts: names in the tree are chosen by code, not by users
 * (user-supplied ids are checked by user_creatable_add and qdev).
 */
void object_property_add_child(Object *parent, const char *name, Object *child);
void object_unparent(Object *obj);
Object *object_resolve_path(const char *path);     /* "/machine/unattached/device[0]" */
Object *object_get_root(void);                     /* "/" */
Object *object_get_objects_root(void);             /* "/objects" (-object ...) */
char *object_get_canonical_path(const Object *obj);
/* The child called name of parent, or NULL. */
Object *object_resolve_path_component(Object *parent, const char *name);
/*
 * The container at path below root ("unattached", "peripheral/x"),
 * creating TYPE_CONTAINER objects for missing components.
 */
Object *object_container_get(Object *root, const char *path);
/*
 * "info qom-tree [PATH]" text (default /machine), children sorted by name:
 *   /machine (virt-machine)
 *     /unattached (container)
 *       /device[0] (rv64-riscv-cpu)
 */
bool qom_tree_info(GString *out, const char *path, Error **errp);
/* Calls fn on every child in insertion order; stops at the first non-zero return. */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque);

/*
 * Properties.  Every property has a type name ("bool", "uint32", "size",
 * "str", "chr", "link<memory-backend>", ...), a getter and a setter over
 * strings (the command line) and typed accessors.
 */
typedef struct PropertyInfo {
    const char *type;      /* "bool", "uint8", ..., "int64", "size", "str", "chr", "link" */
    const char *desc;      /* e.g. "on/off" */
    /* Parse str and store into the instance field at prop->offset. */
    bool (*parse)(Object *obj, const Property *prop, const char *str, Error **errp);
    /* Render the field as a string (g_free the result). */
    char *(*print)(Object *obj, const Property *prop);
    void (*set_default)(Object *obj, const Property *prop);
    void (*release)(Object *obj, const Property *prop);
} PropertyInfo;

struct Property {
    const char *name;
    const PropertyInfo *info;
    ptrdiff_t offset;
    union {
        int64_t i;
        uint64_t u;
        const char *s;
    } defval;
    bool set_default;        /* apply defval at object_new (strings: defval.s) */
    const char *link_type;   /* for "link": required type of the target */
    const char *desc;
};

extern const PropertyInfo prop_info_bool, prop_info_uint8, prop_info_uint16,
    prop_info_uint32, prop_info_uint64, prop_info_int32, prop_info_int64,
    prop_info_size, prop_info_string, prop_info_link;

#define DEFINE_PROP(_name, _state, _field, _info, _type, ...)              \
    {.name = (_name), .info = &(_info),                                    \
     .offset = offsetof(_state, _field) +                                  \
               0 * sizeof(((_state *)0)->_field == (_type)0), __VA_ARGS__}
#define DEFINE_PROP_BOOL(n, s, f, d)                                       \
    DEFINE_PROP(n, s, f, prop_info_bool, bool, .set_default = true, .defval.u = (d))
#define DEFINE_PROP_UINT8(n, s, f, d)                                      \
    DEFINE_PROP(n, s, f, prop_info_uint8, uint8_t, .set_default = true, .defval.u = (d))
#define DEFINE_PROP_UINT16(n, s, f, d)                                     \
    DEFINE_PROP(n, s, f, prop_info_uint16, uint16_t, .set_default = true, .defval.u = (d))
#define DEFINE_PROP_UINT32(n, s, f, d)                                     \
    DEFINE_PROP(n, s, f, prop_info_uint32, uint32_t, .set_default = true, .defval.u = (d))
#define DEFINE_PROP_UINT64(n, s, f, d)                                     \
    DEFINE_PROP(n, s, f, prop_info_uint64, uint64_t, .set_default = true, .defval.u = (d))
#define DEFINE_PROP_INT32(n, s, f, d)                                      \
    DEFINE_PROP(n, s, f, prop_info_int32, int32_t, .set_default = true, .defval.i = (d))
#define DEFINE_PROP_INT64(n, s, f, d)                                      \
    DEFINE_PROP(n, s, f, prop_info_int64, int64_t, .set_default = true, .defval.i = (d))
/* uint64_t field; accepts K/M/G/T suffixes */
#define DEFINE_PROP_SIZE(n, s, f, d)                                       \
    DEFINE_PROP(n, s, f, prop_info_size, uint64_t, .set_default = true, .defval.u = (d))
/* char * field, g_strdup'ed, NULL by default */
#define DEFINE_PROP_STRING(n, s, f) DEFINE_PROP(n, s, f, prop_info_string, char *)
/* Object * field: the value names an object by id under /objects (or a path) */
#define DEFINE_PROP_LINK(n, s, f, linktype, ptr_type)                      \
    DEFINE_PROP(n, s, f, prop_info_link, ptr_type, .link_type = (linktype))
#define DEFINE_PROP_END_OF_LIST() {}

/* Attach a NULL-name-terminated property array to a class. */
void object_class_set_props(ObjectClass *klass, const Property *props);
/* Find a property on obj's class or any ancestor; NULL if none. */
const Property *object_property_find(Object *obj, const char *name);
/* Iterate over all properties of a class and its ancestors. */
void object_class_property_foreach(ObjectClass *klass,
                                   void (*fn)(const Property *prop, void *opaque),
                                   void *opaque);

/* "Property 'virtio-blk-device.foo' not found" / "... doesn't take value 'x'" errors. */
bool object_property_parse(Object *obj, const char *name, const char *value,
                           Error **errp);
char *object_property_print(Object *obj, const char *name, Error **errp);
bool object_property_set_bool(Object *obj, const char *name, bool v, Error **errp);
bool object_property_set_int(Object *obj, const char *name, int64_t v, Error **errp);
bool object_property_set_uint(Object *obj, const char *name, uint64_t v, Error **errp);
bool object_property_set_str(Object *obj, const char *name, const char *v,
                             Error **errp);
bool object_property_set_link(Object *obj, const char *name, Object *target,
                              Error **errp);
bool object_property_get_bool(Object *obj, const char *name, Error **errp);
int64_t object_property_get_int(Object *obj, const char *name, Error **errp);
uint64_t object_property_get_uint(Object *obj, const char *name, Error **errp);
/* g_strdup'ed value of a "str" property (NULL if unset or on error). */
char *object_property_get_str(Object *obj, const char *name, Error **errp);
Object *object_property_get_link(Object *obj, const char *name, Error **errp);
/*
 * qom-list: every property of obj as (name, type): "type" (string, the
 * type name, as every QEMU object has), the class properties ("uint32",
 * "link<memory-backend>", ...) and the children ("child<virtio-mmio>").
 * object_property_print also answers "type".
 */
void object_property_list(Object *obj,
                          void (*fn)(const char *name, const char *type, void *opaque),
                          void *opaque);
/* "bool", "uint32", "size", "str", "link<memory-backend>"; g_free the result. */
char *object_property_type_name(const Property *prop);
/*
 * Help lines for a class's properties (and its ancestors'), sorted, in the
 * layout of QEMU's -device NAME,help and -machine TYPE,help:
 *   "  size=<size>            - desc (default: 1048576)\n"
 * skip (may be NULL) names a property to leave out;
 * qom_type_names: QOM spelling ("string" for "str"), as -M NAME,help shows.
 */
void object_class_props_help(GString *out, ObjectClass *klass, const char *skip,
                             bool qom_type_names);
/* Default value as -device NAME,help prints it, or NULL if there is none. */
char *object_property_default_string(const Property *prop);

/* Parsers shared with the option layer. */
bool parse_bool(const char *str, bool *v);                  /* on/off/yes/no/true/false */
bool parse_size(const char *str, uint64_t *v, Error **errp); /* 512, 4K, 1.5G, 2T */
/* An id users may give (-object/-device/-chardev id=): a letter, then
 * letters, digits, '-', '.', '_'. */
bool id_wellformed(const char *id);

/* User-creatable objects (-object TYPE,id=ID,...): children of /objects. */
Object *user_creatable_add(const char *type, const char *id,
                           /* key/value pairs */ GPtrArray *keys, GPtrArray *values,
                           Error **errp);

#endif
