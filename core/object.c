/*
 * The type registry, classes and instances of the object model.
 *
 * Types register a TypeInfo from a constructor (type_init).  Nothing else
 * happens then: constructors run in link order, so a child type may be
 * registered before its parent.  A class is built on first use, parent
 * first; the parent's class struct is copied into the child's before the
 * child's class_init runs, so class fields (realize, reset, ...) inherit
 * unless the child overrides them.
 */
#include "core/osdep.h"
#include "core/object.h"

typedef struct TypeImpl {
    const TypeInfo *info;
    struct TypeImpl *parent;       /* resolved with the class */
    size_t class_size;
    size_t instance_size;
    ObjectClass *class;
    bool initializing;             /* catches parent loops */
    bool ready;                    /* class_init done (read without the lock) */
} TypeImpl;

static GHashTable *type_table;     /* name -> TypeImpl* */
/* Class creation may race between threads asking for a class first
 * (vCPU threads look classes up too); class_init may recurse. */
static GRecMutex type_lock;

static NORETURN PRINTF_FMT(1, 2) void object_die(const char *fmt, ...)
{
    va_list ap;

    /* Type-system misuse is a programming error, never user input. */
    va_start(ap, fmt);
    fprintf(stderr, "%s: object model: ", machina_prog_name ? machina_prog_name : "machina");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static GHashTable *type_table_get(void)
{
    if (!type_table) {
        type_table = g_hash_table_new(g_str_hash, g_str_equal);
    }
    return type_table;
}

void type_register_static(const TypeInfo *info)
{
    TypeImpl *ti;

    if (!info->name) {
        object_die("TypeInfo without a name");
    }
    if (g_hash_table_lookup(type_table_get(), info->name)) {
        object_die("type '%s' registered twice", info->name);
    }
    ti = g_new0(TypeImpl, 1);
    ti->info = info;
    g_hash_table_insert(type_table_get(), (gpointer)info->name, ti);
}

static TypeImpl *type_get_by_name(const char *name)
{
    return name ? g_hash_table_lookup(type_table_get(), name) : NULL;
}

static void type_initialize(TypeImpl *ti)
{
    const TypeInfo *info = ti->info;
    TypeImpl *parent = NULL;
    ObjectClass *klass;

    if (ti->class) {
        return;
    }
    if (ti->initializing) {
        object_die("type '%s' is its own ancestor", info->name);
    }
    ti->initializing = true;
    if (info->parent) {
        parent = type_get_by_name(info->parent);
        if (!parent) {
            object_die("type '%s' has unknown parent '%s'", info->name, info->parent);
        }
        type_initialize(parent);
    }
    ti->parent = parent;
    ti->class_size = info->class_size ? info->class_size
                     : parent ? parent->class_size : sizeof(ObjectClass);
    ti->instance_size = info->instance_size ? info->instance_size
                        : parent ? parent->instance_size : sizeof(Object);
    if (ti->class_size < sizeof(ObjectClass) || ti->instance_size < sizeof(Object) ||
        (parent && (ti->class_size < parent->class_size ||
                    ti->instance_size < parent->instance_size))) {
        object_die("type '%s' is smaller than its parent", info->name);
    }
    klass = g_malloc0(ti->class_size);
    if (parent) {
        memcpy(klass, parent->class, parent->class_size);
    }
    klass->type = ti;
    /* Property arrays belong to the class that declares them; the
     * property walk visits ancestors itself. */
    klass->props = NULL;
    /* Set before class_init, which may look its own class up. */
    ti->class = klass;
    ti->initializing = false;
    if (info->class_init) {
        info->class_init(klass, info->class_data);
    }
    /* Other threads use the class only once it is complete. */
    __atomic_store_n(&ti->ready, true, __ATOMIC_RELEASE);
}

static void type_initialize_locked(TypeImpl *ti)
{
    if (__atomic_load_n(&ti->ready, __ATOMIC_ACQUIRE)) {
        return;
    }
    g_rec_mutex_lock(&type_lock);
    type_initialize(ti);
    g_rec_mutex_unlock(&type_lock);
}

ObjectClass *object_class_by_name(const char *typename)
{
    TypeImpl *ti = type_get_by_name(typename);

    if (!ti) {
        return NULL;
    }
    type_initialize_locked(ti);
    return ti->class;
}

ObjectClass *object_class_get_parent(ObjectClass *klass)
{
    TypeImpl *ti = klass->type;

    return ti->parent ? ti->parent->class : NULL;
}

const char *object_class_get_name(ObjectClass *klass)
{
    return klass->type->info->name;
}

const char *object_class_get_desc(ObjectClass *klass)
{
    return klass->type->info->desc;
}

bool object_class_is_abstract(ObjectClass *klass)
{
    return klass->type->info->abstract;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *klass, const char *typename)
{
    TypeImpl *target;

    if (!klass || !typename) {
        return NULL;
    }
    target = type_get_by_name(typename);
    if (!target) {
        return NULL;
    }
    for (TypeImpl *ti = klass->type; ti; ti = ti->parent) {
        if (ti == target) {
            return klass;
        }
    }
    return NULL;
}

/* Ancestry by names, for types whose classes are not built yet. */
static bool type_is_ancestor(TypeImpl *ti, TypeImpl *ancestor)
{
    for (int depth = 0; ti && depth < 64; depth++) {
        if (ti == ancestor) {
            return true;
        }
        ti = type_get_by_name(ti->info->parent);
    }
    return false;
}

static gint class_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(object_class_get_name((ObjectClass *)a),
                  object_class_get_name((ObjectClass *)b));
}

GSList *object_class_get_list_sorted(const char *implements_type, bool include_abstract)
{
    TypeImpl *base = implements_type ? type_get_by_name(implements_type) : NULL;
    GSList *list = NULL;
    GHashTableIter it;
    gpointer value;

    if (implements_type && !base) {
        return NULL;
    }
    g_hash_table_iter_init(&it, type_table_get());
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        TypeImpl *ti = value;

        if (base && !type_is_ancestor(ti, base)) {
            continue;
        }
        if (ti->info->abstract && !include_abstract) {
            continue;
        }
        list = g_slist_prepend(list, ti);
    }
    /* Build the classes outside the iteration: class_init may look up types. */
    for (GSList *l = list; l; l = l->next) {
        TypeImpl *ti = l->data;

        type_initialize_locked(ti);
        l->data = ti->class;
    }
    return g_slist_sort(list, class_name_cmp);
}

static void object_init_with_type(Object *obj, TypeImpl *ti)
{
    if (ti->parent) {
        object_init_with_type(obj, ti->parent);
    }
    if (ti->info->instance_init) {
        ti->info->instance_init(obj);
    }
}

static void object_post_init_with_type(Object *obj, TypeImpl *ti)
{
    if (ti->parent) {
        object_post_init_with_type(obj, ti->parent);
    }
    if (ti->info->instance_post_init) {
        ti->info->instance_post_init(obj);
    }
}

static void object_set_defaults(Object *obj, TypeImpl *ti)
{
    /* Ancestors first, so a subclass's default for a field wins. */
    if (ti->parent) {
        object_set_defaults(obj, ti->parent);
    }
    for (const Property *p = ti->class->props; p && p->name; p++) {
        if (p->set_default && p->info->set_default) {
            p->info->set_default(obj, p);
        }
    }
}

Object *object_new(const char *typename)
{
    TypeImpl *ti = type_get_by_name(typename);
    Object *obj;

    if (!ti) {
        object_die("object_new: unknown type '%s'", typename ? typename : "(null)");
    }
    type_initialize_locked(ti);
    if (ti->info->abstract) {
        object_die("object_new: type '%s' is abstract", typename);
    }
    obj = g_malloc0(ti->instance_size);
    obj->class = ti->class;
    obj->ref = 1;
    object_init_with_type(obj, ti);
    object_set_defaults(obj, ti);
    object_post_init_with_type(obj, ti);
    return obj;
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(obj->class, typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line)
{
    if (!obj) {
        return NULL;
    }
    if (!object_class_dynamic_cast(obj->class, typename)) {
        object_die("%s:%d: object %p of type '%s' is not a '%s'", file, line,
                   (void *)obj, object_get_typename(obj), typename);
    }
    return obj;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass, const char *typename,
                                              const char *file, int line)
{
    if (!klass) {
        return NULL;
    }
    if (!object_class_dynamic_cast(klass, typename)) {
        object_die("%s:%d: class '%s' is not a '%s'", file, line,
                   object_class_get_name(klass), typename);
    }
    return klass;
}

const char *object_get_typename(const Object *obj)
{
    return obj->class->type->info->name;
}

void object_ref(Object *obj)
{
    if (obj) {
        __atomic_add_fetch(&obj->ref, 1, __ATOMIC_RELAXED);
    }
}

static void object_release_props(Object *obj, TypeImpl *ti)
{
    for (; ti; ti = ti->parent) {
        for (const Property *p = ti->class->props; p && p->name; p++) {
            if (p->info->release) {
                p->info->release(obj, p);
            }
        }
    }
}

static void object_finalize(Object *obj)
{
    TypeImpl *ti = obj->class->type;

    /* Children first: they may still point into their parent's state. */
    while (obj->children && obj->children->len) {
        Object *child = g_ptr_array_index(obj->children, obj->children->len - 1);

        object_unparent(child);
    }
    for (TypeImpl *t = ti; t; t = t->parent) {
        if (t->info->instance_finalize) {
            t->info->instance_finalize(obj);
        }
    }
    object_release_props(obj, ti);
    if (obj->children) {
        g_ptr_array_free(obj->children, true);
    }
    g_free(obj->name);
    g_free(obj);
}

void object_unref(Object *obj)
{
    if (!obj) {
        return;
    }
    if (obj->ref == 0) {
        object_die("unref of '%s' with no references left", object_get_typename(obj));
    }
    if (__atomic_sub_fetch(&obj->ref, 1, __ATOMIC_ACQ_REL) == 0) {
        object_finalize(obj);
    }
}

static const TypeInfo object_info = {
    .name = TYPE_OBJECT,
    .instance_size = sizeof(Object),
    .class_size = sizeof(ObjectClass),
    .abstract = true,
};

static const TypeInfo container_info = {
    .name = TYPE_CONTAINER,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Object),
};

static void object_register_types(void)
{
    type_register_static(&object_info);
    type_register_static(&container_info);
}

type_init(object_register_types)
