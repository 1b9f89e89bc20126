/*
 * IOThreads: an event loop on a thread of its own, created with
 * -object iothread,id=ID (or object-add).  Handlers registered with its loop
 * run on that thread, without the BQL; the main loop stays free of them.
 */
#include "core/osdep.h"
#include "core/object.h"
#include "core/thread.h"

#include <sys/syscall.h>

typedef struct IOThread {
    Object parent_obj;
    EventLoop *loop;
    QemuThread thread;
    bool running;
    int stopping;                /* atomic */
    long tid;                    /* atomic: the thread's id, once it runs */
    uint64_t bql_takes;          /* atomic: BQL acquisitions by the thread */
} IOThread;

#define IOTHREAD(obj) OBJECT_CHECK(IOThread, (obj), TYPE_IOTHREAD)

static void *iothread_run(void *opaque)
{
    IOThread *t = opaque;

    bql_count_takes(&t->bql_takes);
    __atomic_store_n(&t->tid, (long)syscall(SYS_gettid), __ATOMIC_RELEASE);
    while (!__atomic_load_n(&t->stopping, __ATOMIC_ACQUIRE)) {
        event_loop_run_once(t->loop, true);
    }
    return NULL;
}

static bool iothread_complete(Object *obj, Error **errp)
{
    IOThread *t = IOTHREAD(obj);
    char *name;
    bool ok;

    t->loop = event_loop_new(errp);
    if (!t->loop) {
        return false;
    }
    /* "IO <id>", as ps and gdb show QEMU's iothreads. */
    name = g_strdup_printf("IO %s", obj->name ? obj->name : "iothread");
    ok = qemu_thread_create(&t->thread, name, iothread_run, t, errp);
    g_free(name);
    if (!ok) {
        event_loop_free(t->loop);
        t->loop = NULL;
        return false;
    }
    t->running = true;
    /*
     * query-iothreads reports the id, so it must exist when object-add or
     * -object returns; the thread stores it first thing.
     */
    while (!__atomic_load_n(&t->tid, __ATOMIC_ACQUIRE)) {
        g_usleep(50);
    }
    return true;
}

long iothread_get_thread_id(void *obj)
{
    Object *o = obj ? object_dynamic_cast(OBJECT(obj), TYPE_IOTHREAD) : NULL;

    return o && IOTHREAD(o)->running ? __atomic_load_n(&IOTHREAD(o)->tid, __ATOMIC_ACQUIRE)
                                     : -1;
}

uint64_t iothread_get_bql_takes(void *obj)
{
    Object *o = obj ? object_dynamic_cast(OBJECT(obj), TYPE_IOTHREAD) : NULL;

    return o ? __atomic_load_n(&IOTHREAD(o)->bql_takes, __ATOMIC_RELAXED) : 0;
}

static void iothread_finalize(Object *obj)
{
    IOThread *t = IOTHREAD(obj);

    if (t->running) {
        __atomic_store_n(&t->stopping, 1, __ATOMIC_RELEASE);
        event_loop_kick(t->loop);
        qemu_thread_join(&t->thread);
    }
    event_loop_free(t->loop);
}

EventLoop *iothread_get_event_loop(void *obj, Error **errp)
{
    Object *o = obj ? object_dynamic_cast(OBJECT(obj), TYPE_IOTHREAD) : NULL;

    if (!o || !IOTHREAD(o)->loop) {
        error_setg(errp, "'%s' is not a running iothread",
                   obj && OBJECT(obj)->name ? OBJECT(obj)->name : "?");
        return NULL;
    }
    return IOTHREAD(o)->loop;
}

EventLoop *iothread_find_event_loop(const char *id, Error **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(), id);

    if (!obj || !object_dynamic_cast(obj, TYPE_IOTHREAD)) {
        error_setg(errp, "IOThread '%s' not found", id);
        return NULL;
    }
    return iothread_get_event_loop(obj, errp);
}

static void iothread_class_init(ObjectClass *oc, void *data)
{
    oc->user_creatable = true;
    oc->complete = iothread_complete;
}

static const TypeInfo iothread_info = {
    .name = TYPE_IOTHREAD,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(IOThread),
    .desc = "an event loop on its own thread",
    .class_init = iothread_class_init,
    .instance_finalize = iothread_finalize,
};

static void iothread_register_types(void)
{
    type_register_static(&iothread_info);
}

type_init(iothread_register_types)
