/*
 * Host memory backends: -object memory-backend-ram,id=ID,size=SIZE and
 * -object memory-backend-file,id=ID,size=SIZE,mem-path=PATH[,share=on].
 * The RAM is allocated when the object is completed; a machine given
 * -machine memory-backend=ID uses the backend's region as its RAM.
 */
#ifndef SYSTEM_MEMORY_BACKEND_H
#define SYSTEM_MEMORY_BACKEND_H

#include "core/object.h"
#include "memory/memory.h"

#define TYPE_MEMORY_BACKEND "memory-backend"
#define TYPE_MEMORY_BACKEND_RAM "memory-backend-ram"
#define TYPE_MEMORY_BACKEND_FILE "memory-backend-file"

typedef struct HostMemoryBackend {
    Object parent_obj;
    uint64_t size;
    bool share;
    char *mem_path;              /* memory-backend-file only */
    MemoryRegion mr;
    bool allocated;
    bool in_use;                 /* mapped as some machine's RAM */
} HostMemoryBackend;

typedef struct HostMemoryBackendClass {
    ObjectClass parent_class;
    bool (*alloc)(HostMemoryBackend *backend, const char *name, Error **errp);
} HostMemoryBackendClass;

#define MEMORY_BACKEND(obj) OBJECT_CHECK(HostMemoryBackend, (obj), TYPE_MEMORY_BACKEND)
#define MEMORY_BACKEND_GET_CLASS(obj)                                      \
    OBJECT_GET_CLASS(HostMemoryBackendClass, (obj), TYPE_MEMORY_BACKEND)

/*
 * The backend named id (under /objects) for use as a machine's RAM: checks
 * that it is a memory backend, allocated and not used already, and marks it
 * used.
 */
MemoryRegion *host_memory_backend_claim(const char *id, uint64_t *size, Error **errp);

#endif
