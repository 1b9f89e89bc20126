/* Hubs joining several net clients (net/hub.c). */
#ifndef NET_HUB_H
#define NET_HUB_H

#include "net/net.h"

/* A new port on hub hub_id (created on first use), peered with peer if given. */
NetClientState *net_hub_add_port(int hub_id, const char *name, NetClientState *peer);
/* Whether nc is a hub port or hangs off one; *id gets the hub. */
bool net_hub_id_for_client(NetClientState *nc, int *id);
/* `info network`'s hub section. */
void net_hub_info(GString *s, void (*print)(GString *s, NetClientState *nc));

#endif
