/*
 * A NetClient's incoming queue: frames that arrived while the client could
 * not take them, delivered in order when it can again.
 *
 * The queue copies each frame.  A frame sent with a sent callback is always
 * kept (its sender stops producing until the callback runs, so there are
 * few); one without is dropped when the queue is full, which bounds the
 * memory a sender that ignores flow control can pin.
 */
#ifndef NET_QUEUE_H
#define NET_QUEUE_H

#include "core/osdep.h"

typedef struct NetClientState NetClientState;
typedef struct NetQueue NetQueue;

/*
 * Hands one frame to the queue's owner: as NetClientInfo.receive returns
 * (positive: taken, 0: not now, negative: dropped).
 */
typedef ssize_t NetQueueDeliverFunc(NetClientState *sender, const uint8_t *buf,
                                    size_t size, void *opaque);
typedef void NetQueueSentFunc(NetClientState *sender, ssize_t ret);

#define NET_QUEUE_DEFAULT_MAXLEN 10000

NetQueue *qemu_new_net_queue(NetQueueDeliverFunc *deliver, void *opaque);
void qemu_del_net_queue(NetQueue *queue);
void qemu_net_queue_set_maxlen(NetQueue *queue, unsigned maxlen);

/*
 * Deliver now if nothing waits before it and can_deliver, else (or if the
 * owner returned 0) queue it.  Returns the delivery's result, or 0 when
 * queued (sent_cb runs after the later delivery), or size when dropped
 * because the queue was full.
 */
ssize_t qemu_net_queue_send(NetQueue *queue, NetClientState *sender, bool can_deliver,
                            const uint8_t *buf, size_t size, NetQueueSentFunc *sent_cb);
/* Queue without trying to deliver. */
void qemu_net_queue_append(NetQueue *queue, NetClientState *sender, const uint8_t *buf,
                           size_t size, NetQueueSentFunc *sent_cb);
/*
 * Deliver waiting frames in order until the owner says 0 (that frame stays
 * first).  Each delivered frame's sent_cb runs.  True if the queue emptied.
 */
bool qemu_net_queue_flush(NetQueue *queue);
/* Drop the frames from sender (all if NULL), running their sent_cb with 0. */
void qemu_net_queue_purge(NetQueue *queue, NetClientState *sender);
unsigned qemu_net_queue_len(NetQueue *queue);

#endif
