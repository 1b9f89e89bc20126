/*
 * The incoming frame queue of a NetClient (see net/queue.h).
 */
#include "net/queue.h"

typedef struct NetPacket {
    NetClientState *sender;
    NetQueueSentFunc *sent_cb;
    size_t size;
    uint8_t data[];
} NetPacket;

struct NetQueue {
    NetQueueDeliverFunc *deliver;
    void *opaque;
    GQueue packets;              /* NetPacket *, oldest first */
    unsigned maxlen;
    bool delivering;             /* a delivery is running: keep order */
};

NetQueue *qemu_new_net_queue(NetQueueDeliverFunc *deliver, void *opaque)
{
    NetQueue *q = g_new0(NetQueue, 1);

    q->deliver = deliver;
    q->opaque = opaque;
    q->maxlen = NET_QUEUE_DEFAULT_MAXLEN;
    g_queue_init(&q->packets);
    return q;
}

void qemu_del_net_queue(NetQueue *queue)
{
    if (!queue) {
        return;
    }
    /* The senders are going away with the owner: no callbacks. */
    g_queue_clear_full(&queue->packets, g_free);
    g_free(queue);
}

void qemu_net_queue_set_maxlen(NetQueue *queue, unsigned maxlen)
{
    queue->maxlen = maxlen;
}

unsigned qemu_net_queue_len(NetQueue *queue)
{
    return g_queue_get_length(&queue->packets);
}

void qemu_net_queue_append(NetQueue *queue, NetClientState *sender, const uint8_t *buf,
                           size_t size, NetQueueSentFunc *sent_cb)
{
    NetPacket *p;

    /* A sender without flow control cannot be told to wait: drop. */
    if (!sent_cb && g_queue_get_length(&queue->packets) >= queue->maxlen) {
        return;
    }
    p = g_malloc(sizeof(*p) + size);
    p->sender = sender;
    p->sent_cb = sent_cb;
    p->size = size;
    memcpy(p->data, buf, size);
    g_queue_push_tail(&queue->packets, p);
}

static ssize_t queue_deliver(NetQueue *q, NetClientState *sender, const uint8_t *buf,
                             size_t size)
{
    ssize_t ret;

    q->delivering = true;
    ret = q->deliver(sender, buf, size, q->opaque);
    q->delivering = false;
    return ret;
}

ssize_t qemu_net_queue_send(NetQueue *queue, NetClientState *sender, bool can_deliver,
                            const uint8_t *buf, size_t size, NetQueueSentFunc *sent_cb)
{
    ssize_t ret;

    /* Frames that waited go first; a delivery in progress finishes first. */
    if (queue->delivering || !can_deliver || !g_queue_is_empty(&queue->packets)) {
        if (!sent_cb && g_queue_get_length(&queue->packets) >= queue->maxlen) {
            return size;
        }
        qemu_net_queue_append(queue, sender, buf, size, sent_cb);
        return 0;
    }
    ret = queue_deliver(queue, sender, buf, size);
    if (ret == 0) {
        qemu_net_queue_append(queue, sender, buf, size, sent_cb);
        return 0;
    }
    return ret;
}

bool qemu_net_queue_flush(NetQueue *queue)
{
    if (queue->delivering) {
        return false;
    }
    while (!g_queue_is_empty(&queue->packets)) {
        NetPacket *p = g_queue_pop_head(&queue->packets);
        ssize_t ret = queue_deliver(queue, p->sender, p->data, p->size);

        if (ret == 0) {
            g_queue_push_head(&queue->packets, p);
            return false;
        }
        if (p->sent_cb) {
            p->sent_cb(p->sender, ret);
        }
        g_free(p);
    }
    return true;
}

void qemu_net_queue_purge(NetQueue *queue, NetClientState *sender)
{
    GList *l = queue->packets.head, *dropped = NULL;

    /* Unlink first: a sent_cb may send again and touch the queue. */
    while (l) {
        GList *next = l->next;
        NetPacket *p = l->data;

        if (!sender || p->sender == sender) {
            g_queue_delete_link(&queue->packets, l);
            dropped = g_list_prepend(dropped, p);
        }
        l = next;
    }
    dropped = g_list_reverse(dropped);
    for (l = dropped; l; l = l->next) {
        NetPacket *p = l->data;

        if (p->sent_cb) {
            p->sent_cb(p->sender, 0);
        }
        g_free(p);
    }
    g_list_free(dropped);
}
