/*
 * Internals shared by the file driver (file-posix.c) and its io_uring
 * engine (io_uring.c).
 */
#ifndef BLOCK_BLOCK_INT_H
#define BLOCK_BLOCK_INT_H

#include "block/block.h"

typedef struct LuringState LuringState;

typedef struct FileState {
    int fd;
    char *filename;
    bool is_blockdev;
    bool direct;             /* O_DIRECT */
    bool no_flush;           /* cache.no-flush: flush does nothing */
    bool discard;            /* discard=unmap */
    bool locking;
    unsigned perm, unshared; /* permission bits held / denied to others */
    bool use_io_uring;
    LuringState *ring;
} FileState;

/* Synchronous read/write with short-transfer and O_DIRECT handling. */
int file_do_rw(FileState *s, bool write, int64_t offset, const struct iovec *iov,
               int niov, uint64_t bytes);

LuringState *luring_new(EventLoop *loop, Error **errp);
void luring_free(LuringState *ls);
/* Queue without entering the kernel until the last unplug (nests). */
void luring_plug(LuringState *ls);
void luring_unplug(LuringState *ls);
/* Watch the ring's completions from loop instead (nothing in flight). */
void luring_set_loop(LuringState *ls, EventLoop *loop);
/* Queue req on the ring; false if the ring does not take it (use the pool). */
bool luring_submit(LuringState *ls, FileState *s, BlockRequest *req);

#endif
