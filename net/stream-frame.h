/*
 * The framing of -netdev socket streams, as QEMU writes them so that two
 * emulators can be joined: each Ethernet frame is preceded by its length
 * as a 4-byte big-endian number.  The reader is incremental: bytes arrive
 * in any split, frames come out whole.
 */
#ifndef NET_STREAM_FRAME_H
#define NET_STREAM_FRAME_H

#include "core/osdep.h"
#include "core/error.h"

/* Frames longer than this are a broken or hostile peer (QEMU's NET_BUFSIZE). */
#define NET_FRAME_MAX (4096 + 65536)

typedef void NetFrameFunc(void *opaque, const uint8_t *frame, size_t len);

typedef struct NetFrameReader {
    uint8_t hdr[4];
    size_t hdr_got;
    uint32_t len;               /* of the frame being read */
    size_t got;
    uint8_t buf[NET_FRAME_MAX];
} NetFrameReader;

void net_frame_reader_init(NetFrameReader *r);
/*
 * Take n bytes; call cb for every frame completed.  False (with an error)
 * if a length is out of range: the stream cannot be resynchronised.
 */
bool net_frame_reader_feed(NetFrameReader *r, const uint8_t *data, size_t n,
                           NetFrameFunc *cb, void *opaque, Error **errp);
/* The 4-byte header of a frame of len bytes. */
void net_frame_header(uint8_t hdr[4], uint32_t len);

#endif
