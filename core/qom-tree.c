/*
 * The composition tree: every object that belongs to the machine hangs
 * below "/" under a name ("/machine/unattached/device[3]",
 * "/objects/mem0").  A parent owns one reference on each child.  Paths are
 * what qom-list/qom-get and info qom-tree show, and how links name targets.
 */
#include "core/osdep.h"
#include "core/object.h"

static Object *root_object;

Object *object_get_root(void)
{
    if (!root_object) {
        root_object = object_new(TYPE_CONTAINER);
    }
    return root_object;
}

Object *object_get_objects_root(void)
{
    return object_container_get(object_get_root(), "objects");
}

Object *object_resolve_path_component(Object *parent, const char *name)
{
    if (!parent || !parent->children || !name) {
        return NULL;
    }
    for (guint i = 0; i < parent->children->len; i++) {
        Object *child = g_ptr_array_index(parent->children, i);

        if (!strcmp(child->name, name)) {
            return child;
        }
    }
    return NULL;
}

static void object_adopt_children(Object *from, Object *to)
{
    while (from->children && from->children->len) {
        Object *child = g_ptr_array_index(from->children, 0);
        char *name = g_strdup(child->name);

        object_ref(child);
        object_unparent(child);
        object_property_add_child(to, name, child);
        object_unref(child);
        g_free(name);
    }
}

void object_property_add_child(Object *parent, const char *name, Object *child)
{
    Object *old;

    if (!parent || !child || !name || !*name || strchr(name, '/')) {
        fprintf(stderr, "object_property_add_child: bad arguments (name '%s')\n",
                name ? name : "(null)");
        abort();
    }
    if (child->parent) {
        fprintf(stderr, "object_property_add_child: '%s' already has a parent\n",
                child->name);
        abort();
    }
    old = object_resolve_path_component(parent, name);
    if (old) {
        /* A placeholder made on demand (see object.h) yields to the real
         * object; its children move over. */
        if (strcmp(object_get_typename(old), TYPE_CONTAINER) != 0 ||
            !strcmp(object_get_typename(child), TYPE_CONTAINER)) {
            fprintf(stderr, "object_property_add_child: duplicate child '%s'\n", name);
            abort();
        }
        object_ref(old);
        object_unparent(old);
        object_adopt_children(old, child);
        object_unref(old);
    }
    if (!parent->children) {
        parent->children = g_ptr_array_new();
    }
    object_ref(child);
    g_free(child->name);
    child->name = g_strdup(name);
    child->parent = parent;
    g_ptr_array_add(parent->children, child);
}

void object_unparent(Object *obj)
{
    Object *parent;

    if (!obj || !obj->parent) {
        return;
    }
    if (obj->class->unparent) {
        obj->class->unparent(obj);
    }
    parent = obj->parent;
    /* The hook may have unparented the object itself. */
    if (!parent) {
        return;
    }
    g_ptr_array_remove(parent->children, obj);
    obj->parent = NULL;
    object_unref(obj);
}

Object *object_container_get(Object *root, const char *path)
{
    gchar **parts = g_strsplit(path, "/", -1);
    Object *cur = root;

    for (int i = 0; parts[i]; i++) {
        Object *next;

        if (!*parts[i]) {
            continue;
        }
        next = object_resolve_path_component(cur, parts[i]);
        if (!next) {
            next = object_new(TYPE_CONTAINER);
            object_property_add_child(cur, parts[i], next);
            object_unref(next);
        }
        cur = next;
    }
    g_strfreev(parts);
    return cur;
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    if (!obj->children) {
        return 0;
    }
    for (guint i = 0; i < obj->children->len; i++) {
        int ret = fn(g_ptr_array_index(obj->children, i), opaque);

        if (ret) {
            return ret;
        }
    }
    return 0;
}

char *object_get_canonical_path(const Object *obj)
{
    GPtrArray *names = g_ptr_array_new();
    GString *s;

    if (obj == root_object) {
        g_ptr_array_free(names, true);
        return g_strdup("/");
    }
    for (; obj->parent; obj = obj->parent) {
        g_ptr_array_add(names, obj->name);
    }
    if (obj != root_object) {
        /* Not in the tree below "/". */
        g_ptr_array_free(names, true);
        return NULL;
    }
    s = g_string_new("");
    for (guint i = names->len; i > 0; i--) {
        g_string_append_c(s, '/');
        g_string_append(s, g_ptr_array_index(names, i - 1));
    }
    g_ptr_array_free(names, true);
    return g_string_free(s, false);
}

static Object *resolve_absolute(gchar **parts)
{
    Object *cur = object_get_root();

    for (int i = 0; parts[i] && cur; i++) {
        if (!*parts[i]) {
            continue;
        }
        cur = object_resolve_path_component(cur, parts[i]);
    }
    return cur;
}

/* Does obj's path end with parts[0..n)? */
static bool path_suffix_matches(Object *obj, gchar **parts, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        if (!obj || !obj->parent || strcmp(obj->name, parts[i]) != 0) {
            return false;
        }
        obj = obj->parent;
    }
    return true;
}

static void resolve_partial(Object *obj, gchar **parts, int n, Object **found,
                            bool *ambiguous)
{
    if (path_suffix_matches(obj, parts, n)) {
        if (*found && *found != obj) {
            *ambiguous = true;
        }
        *found = obj;
    }
    if (!obj->children) {
        return;
    }
    for (guint i = 0; i < obj->children->len && !*ambiguous; i++) {
        resolve_partial(g_ptr_array_index(obj->children, i), parts, n, found, ambiguous);
    }
}

/*
 * An absolute path walks from "/".  A partial path ("mem0",
 * "unattached/device[0]") matches the end of any object's path and must be
 * unique in the whole tree, as in QEMU's qom commands.
 */
Object *object_resolve_path(const char *path)
{
    gchar **parts;
    Object *found = NULL;
    bool ambiguous = false;
    int n = 0;

    if (!path || !*path) {
        return NULL;
    }
    parts = g_strsplit(path, "/", -1);
    if (path[0] == '/') {
        found = resolve_absolute(parts);
    } else {
        /* Drop empty components ("a//b", trailing '/'). */
        for (int i = 0; parts[i]; i++) {
            if (*parts[i]) {
                parts[n++] = parts[i];
            } else {
                g_free(parts[i]);
            }
        }
        parts[n] = NULL;
        if (n) {
            resolve_partial(object_get_root(), parts, n, &found, &ambiguous);
        }
    }
    g_strfreev(parts);
    return ambiguous ? NULL : found;
}

static gint child_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp((*(Object *const *)a)->name, (*(Object *const *)b)->name);
}

static void qom_tree_print(GString *out, Object *obj, const char *name, int indent)
{
    GPtrArray *kids;

    g_string_append_printf(out, "%*s/%s (%s)\n", indent, "", name,
                           object_get_typename(obj));
    if (!obj->children || !obj->children->len) {
        return;
    }
    kids = g_ptr_array_copy(obj->children, NULL, NULL);
    g_ptr_array_sort(kids, child_name_cmp);
    for (guint i = 0; i < kids->len; i++) {
        Object *child = g_ptr_array_index(kids, i);

        qom_tree_print(out, child, child->name, indent + 2);
    }
    g_ptr_array_free(kids, true);
}

bool qom_tree_info(GString *out, const char *path, Error **errp)
{
    Object *obj = object_resolve_path(path ? path : "/machine");

    if (!obj) {
        error_setg(errp, "Path '%s' could not be resolved", path ? path : "/machine");
        return false;
    }
    if (obj == object_get_root()) {
        qom_tree_print(out, obj, "", 0);
        return true;
    }
    qom_tree_print(out, obj, obj->name, 0);
    return true;
}
