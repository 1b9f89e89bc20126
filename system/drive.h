/*
 * -drive and -blockdev in the system emulator (system/drive.c).  The
 * options stay in CliConfig.device in command-line order: backends are all
 * created before the machine, and an if=virtio drive's device is created
 * at its place among the -device options, as QEMU orders them.
 */
#ifndef SYSTEM_DRIVE_H
#define SYSTEM_DRIVE_H

#include "core/osdep.h"
#include "core/error.h"
#include "system/cli.h"

bool drive_arg_is_block(const CliArg *arg);
/* Every -blockdev and -drive in args (a CliArg* array), in order. */
bool drives_create(GPtrArray *args, Error **errp);
/* The device of an if=virtio -drive (nothing for if=none and -blockdev). */
bool drive_device_create(const CliArg *arg, Error **errp);

#endif
