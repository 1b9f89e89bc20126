/*
 * Private to chardev/: option access for backends, the mux hooks the
 * frontend layer needs, and small shared helpers.
 */
#ifndef CHARDEV_CHAR_INTERNAL_H
#define CHARDEV_CHAR_INTERNAL_H

#include "chardev/char.h"

/* Options already checked against the backend's OptDesc list (char.c). */
struct ChardevOpts {
    GPtrArray *keys;        /* const char*, borrowed */
    GPtrArray *values;
};

/* Last value given for name, or NULL. */
const char *chr_opt_get(ChardevOpts *o, const char *name);
bool chr_opt_get_bool(ChardevOpts *o, const char *name, bool defval);
uint64_t chr_opt_get_number(ChardevOpts *o, const char *name, uint64_t defval);
/* The path= style key every file-like backend needs. */
const char *chr_opt_require(ChardevOpts *o, const char *name, const char *backend,
                            Error **errp);

void chr_set_filename(Chardev *chr, const char *fmt, ...) PRINTF_FMT(2, 3);
/* The loop frontend handlers run in (main loop unless the frontend chose). */
EventLoop *chr_loop(Chardev *chr);

/* Mux (char-mux.c). */
#define TYPE_CHARDEV_MUX "chardev-mux"
#define MUX_MAX 4
bool chr_is_mux(Chardev *chr);
Chardev *mux_chr_new(const char *id, Chardev *drv, Error **errp);
bool mux_chr_attach_frontend(Chardev *mux, CharBackend *b, Error **errp);
void mux_chr_detach_frontend(Chardev *mux, CharBackend *b);
void mux_chr_set_focus(Chardev *mux, int tag);
int mux_chr_frontend_count(Chardev *mux);
/* Each frontend of a mux has its own write watch; see char-mux.c. */
bool mux_chr_add_fe_write_watch(Chardev *mux, int tag, ChrWritableFunc *cb, void *opaque);
/* Deliver an event to the frontends of a mux (broadcast or focus only). */
void mux_chr_send_event(Chardev *mux, QEMUChrEvent event);

/* Registry (char.c): a chardev made outside qemu_chardev_new (mux). */
bool chr_registry_add(Chardev *chr, Error **errp);
/* A frontend (or a mux over it) is attached. */
bool chr_in_use(Chardev *chr);
/* Unregister and release (the caller checked it is not in use). */
void chr_destroy(Chardev *chr);

/* One non-blocking write under the chardev's lock, logged if it went out. */
int chr_write_locked(Chardev *chr, const uint8_t *buf, int len);

#endif
