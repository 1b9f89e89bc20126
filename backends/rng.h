/*
 * Entropy sources for virtio-rng: -object rng-random,id=ID,filename=PATH
 * (default /dev/urandom).  A request asks for up to size bytes; the
 * callback runs in the main loop with what the source had (maybe fewer).
 */
#ifndef BACKENDS_RNG_H
#define BACKENDS_RNG_H

#include "core/object.h"

#define TYPE_RNG_BACKEND "rng-backend"
#define TYPE_RNG_RANDOM "rng-random"

typedef void RngReceiveFunc(void *opaque, const void *data, size_t size);

typedef struct RngRequest {
    size_t size;
    RngReceiveFunc *cb;
    void *opaque;
} RngRequest;

typedef struct RngBackend {
    Object parent_obj;
    char *filename;
    int fd;
    bool opened;
    GQueue requests;            /* RngRequest*, served in order */
} RngBackend;

#define RNG_BACKEND(obj) OBJECT_CHECK(RngBackend, (obj), TYPE_RNG_BACKEND)

/* Open the source now (complete() does it for -object). */
bool rng_backend_open(RngBackend *s, Error **errp);
void rng_backend_request_entropy(RngBackend *s, size_t size, RngReceiveFunc *cb,
                                 void *opaque);
/* Drop the requests of opaque (its device is going away or resetting). */
void rng_backend_cancel(RngBackend *s, void *opaque);

#endif
