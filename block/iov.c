/*
 * Scatter/gather helpers shared by the virtqueue code and the block layer.
 */
#include "block/iov.h"

size_t iov_from_buf(const struct iovec *iov, unsigned iov_cnt, size_t offset,
                    const void *buf, size_t bytes)
{
    size_t done = 0;

    for (unsigned i = 0; i < iov_cnt && done < bytes; i++) {
        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        size_t n = MIN(iov[i].iov_len - offset, bytes - done);
        memcpy((char *)iov[i].iov_base + offset, (const char *)buf + done, n);
        done += n;
        offset = 0;
    }
    return done;
}

size_t iov_to_buf(const struct iovec *iov, unsigned iov_cnt, size_t offset, void *buf,
                  size_t bytes)
{
    size_t done = 0;

    for (unsigned i = 0; i < iov_cnt && done < bytes; i++) {
        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        size_t n = MIN(iov[i].iov_len - offset, bytes - done);
        memcpy((char *)buf + done, (const char *)iov[i].iov_base + offset, n);
        done += n;
        offset = 0;
    }
    return done;
}

size_t iov_memset(const struct iovec *iov, unsigned iov_cnt, size_t offset, int c,
                  size_t bytes)
{
    size_t done = 0;

    for (unsigned i = 0; i < iov_cnt && done < bytes; i++) {
        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        size_t n = MIN(iov[i].iov_len - offset, bytes - done);
        memset((char *)iov[i].iov_base + offset, c, n);
        done += n;
        offset = 0;
    }
    return done;
}

size_t iov_size(const struct iovec *iov, unsigned iov_cnt)
{
    size_t n = 0;

    for (unsigned i = 0; i < iov_cnt; i++) {
        n += iov[i].iov_len;
    }
    return n;
}

void iovec_init(IOVector *v, int alloc_hint)
{
    v->nalloc = alloc_hint > 0 ? alloc_hint : 1;
    v->iov = g_new(struct iovec, v->nalloc);
    v->niov = 0;
    v->size = 0;
}

void iovec_add(IOVector *v, void *base, size_t len)
{
    if (v->niov == v->nalloc) {
        v->nalloc *= 2;
        v->iov = g_renew(struct iovec, v->iov, v->nalloc);
    }
    v->iov[v->niov].iov_base = base;
    v->iov[v->niov].iov_len = len;
    v->niov++;
    v->size += len;
}

void iovec_concat(IOVector *v, const struct iovec *src, unsigned src_cnt, size_t offset,
                  size_t bytes)
{
    for (unsigned i = 0; i < src_cnt && bytes > 0; i++) {
        if (offset >= src[i].iov_len) {
            offset -= src[i].iov_len;
            continue;
        }
        size_t n = MIN(src[i].iov_len - offset, bytes);
        iovec_add(v, (char *)src[i].iov_base + offset, n);
        bytes -= n;
        offset = 0;
    }
}

void iovec_reset(IOVector *v)
{
    v->niov = 0;
    v->size = 0;
}

void iovec_destroy(IOVector *v)
{
    g_free(v->iov);
    v->iov = NULL;
    v->niov = v->nalloc = 0;
    v->size = 0;
}
