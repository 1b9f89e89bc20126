/*
 * -perfmap: /tmp/perf-PID.map, the file Linux perf reads to name code it
 * cannot find in any ELF object (tools/perf/Documentation/jit-interface.txt:
 * one "START SIZE name" line per region, hex without 0x).  Each translated
 * block is named after the guest pc it starts at, so `perf report` on a
 * running guest shows which guest code the generated code belongs to.
 */
#ifndef ACCEL_TCG_PERFMAP_H
#define ACCEL_TCG_PERFMAP_H

#include "core/osdep.h"
#include "core/error.h"

bool perfmap_enable(Error **errp);
bool perfmap_enabled(void);
/* A block of host code at start (its executable address), size bytes. */
void perfmap_add(const void *start, size_t size, uint64_t guest_pc);

#endif
