/*
 * Device properties of NICs: netdev=ID (the backend the NIC is peered
 * with) and mac=52:54:00:12:34:56.  Kept apart from core/object.h so the
 * object model does not depend on net/.
 */
#ifndef HW_CORE_QDEV_PROPERTIES_NET_H
#define HW_CORE_QDEV_PROPERTIES_NET_H

#include "hw/core/qdev.h"
#include "net/net.h"

/*
 * A NetClientState * field: the netdev with that id, which must exist and
 * not be taken by another NIC.  The device peers with it in realize
 * (qemu_new_nic).
 */
extern const PropertyInfo prop_info_netdev;
/* A MACAddr field; all zero (unset) until given. */
extern const PropertyInfo prop_info_macaddr;

#define DEFINE_PROP_NETDEV(_name, _state, _field)                          \
    {.name = (_name), .info = &prop_info_netdev,                           \
     .offset = offsetof(_state, _field) +                                  \
               0 * sizeof(&((_state *)0)->_field == (NetClientState **)0)}
#define DEFINE_PROP_MACADDR(_name, _state, _field)                         \
    {.name = (_name), .info = &prop_info_macaddr,                          \
     .offset = offsetof(_state, _field) +                                  \
               0 * sizeof(&((_state *)0)->_field == (MACAddr *)0)}

#endif
