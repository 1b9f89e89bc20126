/*
 * rng-random: entropy read from a host file or device (/dev/urandom by
 * default, as QEMU's rng-random).  The fd is watched by the main loop, so
 * a blocking source such as /dev/random never stalls the emulator.
 */
#include "backends/rng.h"
#include "core/main-loop.h"

#include <fcntl.h>

static void rng_fd_ready(void *opaque)
{
    RngBackend *s = opaque;
    uint8_t buf[4096];

    while (!g_queue_is_empty(&s->requests)) {
        RngRequest *req = g_queue_peek_head(&s->requests);
        ssize_t n = read(s->fd, buf, MIN(req->size, sizeof(buf)));

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;              /* nothing now (EAGAIN) or EOF: wait */
        }
        g_queue_pop_head(&s->requests);
        req->cb(req->opaque, buf, n);
        g_free(req);
    }
    if (g_queue_is_empty(&s->requests)) {
        event_loop_set_fd_handler(main_loop_get(), s->fd, NULL, NULL, NULL);
    }
}

bool rng_backend_open(RngBackend *s, Error **errp)
{
    const char *path = s->filename ? s->filename : "/dev/urandom";

    if (s->opened) {
        return true;
    }
    s->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (s->fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", path);
        return false;
    }
    s->opened = true;
    return true;
}

void rng_backend_request_entropy(RngBackend *s, size_t size, RngReceiveFunc *cb,
                                 void *opaque)
{
    RngRequest *req = g_new(RngRequest, 1);

    req->size = size;
    req->cb = cb;
    req->opaque = opaque;
    g_queue_push_tail(&s->requests, req);
    if (s->opened && g_queue_get_length(&s->requests) == 1) {
        event_loop_set_fd_handler(main_loop_get(), s->fd, rng_fd_ready, NULL, s);
    }
}

void rng_backend_cancel(RngBackend *s, void *opaque)
{
    for (GList *l = s->requests.head; l;) {
        GList *next = l->next;
        RngRequest *req = l->data;

        if (req->opaque == opaque) {
            g_queue_delete_link(&s->requests, l);
            g_free(req);
        }
        l = next;
    }
    if (s->opened && g_queue_is_empty(&s->requests)) {
        event_loop_set_fd_handler(main_loop_get(), s->fd, NULL, NULL, NULL);
    }
}

static bool rng_complete(Object *obj, Error **errp)
{
    return rng_backend_open(RNG_BACKEND(obj), errp);
}

static void rng_init(Object *obj)
{
    RNG_BACKEND(obj)->fd = -1;
    g_queue_init(&RNG_BACKEND(obj)->requests);
}

static void rng_finalize(Object *obj)
{
    RngBackend *s = RNG_BACKEND(obj);

    if (s->opened) {
        event_loop_set_fd_handler(main_loop_get(), s->fd, NULL, NULL, NULL);
        close(s->fd);
    }
    g_queue_clear_full(&s->requests, g_free);
}

static const Property rng_random_props[] = {
    DEFINE_PROP_STRING("filename", RngBackend, filename),
    DEFINE_PROP_END_OF_LIST(),
};

static void rng_backend_class_init(ObjectClass *oc, void *data)
{
    oc->complete = rng_complete;
}

static void rng_random_class_init(ObjectClass *oc, void *data)
{
    oc->user_creatable = true;
    object_class_set_props(oc, rng_random_props);
}

static const TypeInfo rng_backend_info = {
    .name = TYPE_RNG_BACKEND,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(RngBackend),
    .abstract = true,
    .instance_init = rng_init,
    .instance_finalize = rng_finalize,
    .class_init = rng_backend_class_init,
};

static const TypeInfo rng_random_info = {
    .name = TYPE_RNG_RANDOM,
    .parent = TYPE_RNG_BACKEND,
    .desc = "entropy from a host file (default /dev/urandom)",
    .class_init = rng_random_class_init,
};

static void rng_register_types(void)
{
    type_register_static(&rng_backend_info);
    type_register_static(&rng_random_info);
}
type_init(rng_register_types)
