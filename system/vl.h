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

/* -qmp/-monitor/-mon (monitor-glue.c): start the monitors, lend them the run state. */
bool system_monitors_init(const CliConfig *cfg, Error **errp);
/* A "mon:" serial spec: attach an HMP monitor to its mux chr. */
typedef struct Chardev Chardev;
bool system_monitor_on_mux(const char *spec, Chardev *chr, Error **errp);

#endif
