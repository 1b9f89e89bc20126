/*
 * -netdev, -nic and -net in the system emulator (system/net-cli.c).  Like
 * -drive, the options stay in CliConfig.device in command-line order: the
 * backends are all created before the machine, and the card of a -nic or
 * -net nic is created at its place among the -device options.
 */
#ifndef SYSTEM_NET_CLI_H
#define SYSTEM_NET_CLI_H

#include "core/osdep.h"
#include "core/error.h"
#include "system/cli.h"

bool net_cli_arg_is_net(const CliArg *arg);
/* Every -netdev, the backends of -nic, and -net's backends and hub ports. */
bool net_cli_backends_create(GPtrArray *args, Error **errp);
/* The card of a -nic or -net nic (nothing for the others). */
bool net_cli_nic_create(const CliArg *arg, Error **errp);

#endif
