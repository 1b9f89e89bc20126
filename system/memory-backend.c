/*
 * memory-backend-ram and memory-backend-file (see memory-backend.h).
 * The properties and their meaning follow QEMU's -object documentation:
 * size= (required), share=on|off, mem-path= (a file, or a directory in which
 * a temporary file is created) for the file backend.
 */
#include "core/osdep.h"
#include "core/object.h"
#include "system/memory-backend.h"

static bool backend_complete(Object *obj, Error **errp)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);
    HostMemoryBackendClass *bc = MEMORY_BACKEND_GET_CLASS(obj);
    const char *id = obj->name ? obj->name : object_get_typename(obj);

    if (b->size == 0) {
        error_setg(errp, "%s '%s': property 'size' is required and must not be zero",
                   object_get_typename(obj), id);
        return false;
    }
    if (b->size % TARGET_PAGE_SIZE) {
        error_setg(errp, "%s '%s': size must be a multiple of %llu bytes",
                   object_get_typename(obj), id, (unsigned long long)TARGET_PAGE_SIZE);
        return false;
    }
    /* The RAM block is named after the object id, as QEMU does. */
    if (!bc->alloc(b, id, errp)) {
        return false;
    }
    b->allocated = true;
    return true;
}

static void backend_finalize(Object *obj)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    if (b->allocated) {
        memory_region_finalize(&b->mr);
        b->allocated = false;
    }
}

static bool ram_alloc(HostMemoryBackend *b, const char *name, Error **errp)
{
    return memory_region_init_ram(&b->mr, OBJECT(b), name, b->size, errp);
}

static bool file_alloc(HostMemoryBackend *b, const char *name, Error **errp)
{
    if (!b->mem_path || !*b->mem_path) {
        error_setg(errp, "memory-backend-file '%s': property 'mem-path' is required",
                   name);
        return false;
    }
    return memory_region_init_ram_from_file(&b->mr, OBJECT(b), name, b->size,
                                            b->mem_path, b->share, errp);
}

MemoryRegion *host_memory_backend_claim(const char *id, uint64_t *size, Error **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(), id);
    HostMemoryBackend *b;

    if (!obj) {
        error_setg(errp, "Memory backend '%s' not found", id);
        return NULL;
    }
    if (!object_dynamic_cast(obj, TYPE_MEMORY_BACKEND)) {
        error_setg(errp, "'%s' is not a memory backend (it is a %s)", id,
                   object_get_typename(obj));
        return NULL;
    }
    b = MEMORY_BACKEND(obj);
    if (!b->allocated) {
        error_setg(errp, "Memory backend '%s' has no memory", id);
        return NULL;
    }
    if (b->in_use) {
        error_setg(errp, "Memory backend '%s' is already in use", id);
        return NULL;
    }
    b->in_use = true;
    *size = b->size;
    return &b->mr;
}

static const Property backend_props[] = {
    DEFINE_PROP_SIZE("size", HostMemoryBackend, size, 0),
    DEFINE_PROP_BOOL("share", HostMemoryBackend, share, false),
    DEFINE_PROP_END_OF_LIST(),
};

static const Property file_props[] = {
    DEFINE_PROP_STRING("mem-path", HostMemoryBackend, mem_path),
    DEFINE_PROP_END_OF_LIST(),
};

static void backend_class_init(ObjectClass *oc, void *data)
{
    oc->complete = backend_complete;
    object_class_set_props(oc, backend_props);
}

static void ram_class_init(ObjectClass *oc, void *data)
{
    HostMemoryBackendClass *bc = (HostMemoryBackendClass *)oc;

    oc->user_creatable = true;
    bc->alloc = ram_alloc;
}

static void file_class_init(ObjectClass *oc, void *data)
{
    HostMemoryBackendClass *bc = (HostMemoryBackendClass *)oc;

    oc->user_creatable = true;
    bc->alloc = file_alloc;
    object_class_set_props(oc, file_props);
}

static const TypeInfo backend_info = {
    .name = TYPE_MEMORY_BACKEND,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .instance_size = sizeof(HostMemoryBackend),
    .class_size = sizeof(HostMemoryBackendClass),
    .class_init = backend_class_init,
    .instance_finalize = backend_finalize,
    .desc = "host memory for guest RAM",
};

static const TypeInfo ram_info = {
    .name = TYPE_MEMORY_BACKEND_RAM,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = ram_class_init,
    .desc = "anonymous host memory",
};

static const TypeInfo file_info = {
    .name = TYPE_MEMORY_BACKEND_FILE,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = file_class_init,
    .desc = "host memory mapped from a file (mem-path=)",
};

static void memory_backend_register_types(void)
{
    type_register_static(&backend_info);
    type_register_static(&ram_info);
    type_register_static(&file_info);
}

type_init(memory_backend_register_types)
