/*
 * Character devices: host-side backends (stdio, file, socket, pty, ...) and
 * the frontend API a UART or a monitor uses (CharBackend).
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include "core/object.h"
#include "core/option.h"
#include "core/main-loop.h"

#include <pthread.h>

#define TYPE_CHARDEV "chardev"

typedef enum QEMUChrEvent {
    CHR_EVENT_BREAK,        /* serial break */
    CHR_EVENT_OPENED,       /* peer connected / backend ready */
    CHR_EVENT_MUX_IN,       /* mux focus moved to this frontend */
    CHR_EVENT_MUX_OUT,      /* mux focus moved away */
    CHR_EVENT_CLOSED,       /* peer disconnected */
} QEMUChrEvent;

typedef int IOCanReadHandler(void *opaque);   /* how many bytes it can take now */
typedef void IOReadHandler(void *opaque, const uint8_t *buf, int size);
typedef void IOEventHandler(void *opaque, QEMUChrEvent event);

typedef struct Chardev Chardev;

/* The frontend's handle on a backend (embedded in the device state). */
typedef struct CharBackend {
    Chardev *chr;
    IOCanReadHandler *chr_can_read;
    IOReadHandler *chr_read;
    IOEventHandler *chr_event;
    void *opaque;
    int tag;                /* index in a mux */
} CharBackend;

/* Attach a frontend to chr (NULL chr: a backend-less frontend, writes vanish). */
bool qemu_chr_fe_init(CharBackend *b, Chardev *chr, Error **errp);
void qemu_chr_fe_deinit(CharBackend *b, bool del);
/*
 * Handlers run in `loop` (NULL: the main loop).  If set_open, an OPENED event
 * is delivered now when the backend is already open.
 */
void qemu_chr_fe_set_handlers(CharBackend *b, IOCanReadHandler *can_read,
                              IOReadHandler *read, IOEventHandler *event, void *opaque,
                              EventLoop *loop, bool set_open);
/* Non-blocking: returns bytes written (possibly fewer), or -1 with errno. */
int qemu_chr_fe_write(CharBackend *b, const uint8_t *buf, int len);
/* Blocking until all is written or the backend fails; returns len or -1. */
int qemu_chr_fe_write_all(CharBackend *b, const uint8_t *buf, int len);
/* The frontend can take input again (after returning 0 from can_read). */
void qemu_chr_fe_accept_input(CharBackend *b);
bool qemu_chr_fe_backend_connected(CharBackend *b);
bool qemu_chr_fe_backend_open(CharBackend *b);   /* peer there (socket connected) */
Chardev *qemu_chr_fe_get_driver(CharBackend *b);
/* printf to the backend (monitor output). */
void qemu_chr_fe_printf(CharBackend *b, const char *fmt, ...) PRINTF_FMT(2, 3);

/* A mux frontend asks for the focus (the monitor does at start). */
void qemu_chr_fe_take_focus(CharBackend *b);

/*
 * After a short qemu_chr_fe_write: call cb(opaque) once, in the frontend's
 * loop, when the backend can take output again (a UART then raises its
 * transmitter-empty interrupt).  One watch per chardev; NULL cb cancels.
 * Returns false if the backend never blocks on output (retry at will).
 */
typedef void ChrWritableFunc(void *opaque);
bool qemu_chr_fe_add_write_watch(CharBackend *b, ChrWritableFunc *cb, void *opaque);

/* Backends. */
typedef struct ChardevOpts ChardevOpts;   /* validated key/value options */

typedef struct ChardevClass {
    ObjectClass parent_class;
    const char *backend_name;     /* "socket", "stdio", ... (for -chardev TYPE) */
    /* --- backend implementation (chardev/ only) --- */
    /* Keys this backend accepts besides id/mux/logfile/logappend; {NULL}-terminated. */
    const OptDesc *opts;
    /*
     * Open the backend.  *be_opened starts true; a backend whose peer is not
     * there yet (a socket) clears it and sends CHR_EVENT_OPENED later.
     */
    bool (*open)(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp);
    /* Non-blocking write: bytes taken (possibly fewer), or -1 with errno. */
    int (*chr_write)(Chardev *chr, const uint8_t *buf, int len);
    /* Sleep until a write may make progress (optional; default 1 ms). */
    void (*chr_wait_writable)(Chardev *chr);
    /* The frontend's handlers, loop, or readiness (accept_input) changed. */
    void (*chr_update_read_handler)(Chardev *chr);
    /* See qemu_chr_fe_add_write_watch; NULL: output never blocks. */
    bool (*chr_add_write_watch)(Chardev *chr, ChrWritableFunc *cb, void *opaque);
    bool internal;                /* not offered by -chardev (mux) */
} ChardevClass;

struct Chardev {
    Object parent_obj;
    char *label;                  /* id */
    char *filename;               /* "pty:/dev/pts/3", "tcp:127.0.0.1:4444,server" */
    CharBackend *be;              /* single frontend (mux has its own table) */
    bool be_open;
    EventLoop *loop;
    /* --- added --- */
    pthread_mutex_t write_lock;   /* serializes writers (vCPU threads, loop) */
    int logfd;                    /* logfile=: copy of the output, or -1 */
};

#define CHARDEV_CLASS(klass) OBJECT_CLASS_CHECK(ChardevClass, (klass), TYPE_CHARDEV)
#define CHARDEV_GET_CLASS(obj) OBJECT_GET_CLASS(ChardevClass, (obj), TYPE_CHARDEV)

/*
 * The backend side, used by backends (and tests that inject input): how many
 * bytes the frontend takes now, deliver input, deliver an event.  They run
 * in the chardev's loop thread.
 */
int qemu_chr_be_can_write(Chardev *chr);
void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len);
void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event);

/* Write to the backend directly (no frontend needed): returns len or -1. */
int qemu_chr_write_all(Chardev *chr, const uint8_t *buf, int len);

/* Remove a chardev (chardev-remove): fails while a frontend uses it. */
bool qemu_chr_delete(const char *id, Error **errp);

/*
 * ringbuf/memory backends (ringbuf-read / ringbuf-write): read up to size
 * bytes of the captured output, oldest first (returns the count, -1 on
 * error); write bytes into the ring as if the frontend had written them.
 */
int64_t qemu_chr_ringbuf_read(Chardev *chr, uint8_t *buf, size_t size, Error **errp);
bool qemu_chr_ringbuf_write(Chardev *chr, const uint8_t *buf, size_t len,
                            Error **errp);

#define CHARDEV(obj) OBJECT_CHECK(Chardev, (obj), TYPE_CHARDEV)

/*
 * -chardev TYPE,id=ID,key=val,...: keys/values as parsed by the option layer
 * (keys[0] == "backend" is not used; type is given separately).
 */
Chardev *qemu_chardev_new(const char *id, const char *type, GPtrArray *keys,
                          GPtrArray *values, Error **errp);
/*
 * The -serial/-monitor/-qmp shorthands: "stdio", "null", "file:PATH",
 * "tcp:HOST:PORT,server=on,wait=off", "unix:PATH,server=on", "pty",
 * "mon:stdio", "chardev:ID", "none" (returns NULL without error).
 */
Chardev *qemu_chr_new(const char *label, const char *filename, Error **errp);
Chardev *qemu_chr_find(const char *id);
void qemu_chr_print_backends(FILE *f);      /* -chardev help */
/* Iterate over all chardevs (query-chardev, info chardev). */
void qemu_chr_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque);
/* Restore terminals, close sockets: called on every exit path. */
void qemu_chr_cleanup(void);

#endif
