/*
 * system/: what main() runs, and the pieces of the command line that other
 * system/ files set up (serial ports, memory backends).
 */
#ifndef SYSTEM_VL_H
#define SYSTEM_VL_H

#include "core/osdep.h"
#include "core/error.h"

typedef struct CliConfig CliConfig;

/* The whole life of machina-system-*: returns the process exit status. */
int machina_main(int argc, char **argv);

/* -serial / -nographic: create the serial chardevs (serial.c). */
bool serial_hds_init(const CliConfig *cfg, Error **errp);
int serial_hds_count(void);

#endif
