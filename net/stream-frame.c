/* Length-prefixed frames on a byte stream (see net/stream-frame.h). */
#include "net/stream-frame.h"

void net_frame_reader_init(NetFrameReader *r)
{
    r->hdr_got = 0;
    r->len = 0;
    r->got = 0;
}

void net_frame_header(uint8_t hdr[4], uint32_t len)
{
    hdr[0] = len >> 24;
    hdr[1] = len >> 16;
    hdr[2] = len >> 8;
    hdr[3] = len;
}

bool net_frame_reader_feed(NetFrameReader *r, const uint8_t *data, size_t n,
                           NetFrameFunc *cb, void *opaque, Error **errp)
{
    while (n) {
        size_t take;

        if (r->hdr_got < 4) {
            r->hdr[r->hdr_got++] = *data++;
            n--;
            if (r->hdr_got < 4) {
                continue;
            }
            r->len = (uint32_t)r->hdr[0] << 24 | r->hdr[1] << 16 | r->hdr[2] << 8 |
                     r->hdr[3];
            r->got = 0;
            if (r->len == 0 || r->len > NET_FRAME_MAX) {
                error_setg(errp, "socket: frame length %u out of range (1..%u)", r->len,
                           NET_FRAME_MAX);
                net_frame_reader_init(r);
                return false;
            }
            continue;
        }
        take = MIN(n, r->len - r->got);
        memcpy(r->buf + r->got, data, take);
        r->got += take;
        data += take;
        n -= take;
        if (r->got == r->len) {
            r->hdr_got = 0;
            cb(opaque, r->buf, r->len);
        }
    }
    return true;
}
