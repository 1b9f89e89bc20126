/*
 * Scatter/gather lists: host iovec arrays as virtqueues map them and as
 * the block layer reads and writes them (preadv/pwritev, io_uring).
 */
#ifndef BLOCK_IOV_H
#define BLOCK_IOV_H

#include "core/osdep.h"

#include <sys/uio.h>

/* Copy between an iovec array (from byte offset) and a flat buffer;
 * return the bytes copied (short if the array ends first). */
size_t iov_from_buf(const struct iovec *iov, unsigned iov_cnt, size_t offset,
                    const void *buf, size_t bytes);
size_t iov_to_buf(const struct iovec *iov, unsigned iov_cnt, size_t offset, void *buf,
                  size_t bytes);
size_t iov_size(const struct iovec *iov, unsigned iov_cnt);
/* Set bytes of the array to zero from offset. */
size_t iov_memset(const struct iovec *iov, unsigned iov_cnt, size_t offset, int c,
                  size_t bytes);

/* A growable iovec list with its total size (QEMU's QEMUIOVector). */
typedef struct IOVector {
    struct iovec *iov;
    int niov;
    int nalloc;
    size_t size;
} IOVector;

void iovec_init(IOVector *v, int alloc_hint);
void iovec_add(IOVector *v, void *base, size_t len);
/* Append [offset, offset+bytes) of src's buffers. */
void iovec_concat(IOVector *v, const struct iovec *src, unsigned src_cnt, size_t offset,
                  size_t bytes);
void iovec_reset(IOVector *v);
void iovec_destroy(IOVector *v);

#endif
