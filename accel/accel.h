/*
 * Accelerators: how vCPUs run (tcg: the JIT; kvm: hardware).  system/ picks
 * one with -accel NAME[,props] and drives it through these hooks; an
 * accelerator registers itself from its own file.
 */
#ifndef ACCEL_ACCEL_H
#define ACCEL_ACCEL_H

#include "core/osdep.h"
#include "core/error.h"
#include "core/option.h"

typedef struct MachineState MachineState;
typedef struct CPUState CPUState;

typedef struct AccelOps {
    const char *name;             /* "tcg", "kvm" */
    const char *desc;             /* for -accel help */
    /* Option keys accepted after the name (-accel tcg,tb-size=64). */
    const OptDesc *opts;
    /* Usable on this host/binary? (false: reason in errp) */
    bool (*available)(Error **errp);
    /* Before machine init (e.g. open /dev/kvm, create the VM, size the code cache). */
    bool (*init)(MachineState *ms, Opts *opts, Error **errp);
    /* After machine init: create vCPU thread(s) for every CPU (they start paused). */
    bool (*start_vcpus)(MachineState *ms, Error **errp);
    /* Stop all vCPUs and wait until they are parked (called with the BQL held). */
    void (*pause_all_vcpus)(void);
    void (*resume_all_vcpus)(void);
    /* Reset of the machine happens with vCPUs paused; accel-specific sync after. */
    void (*post_reset)(void);
} AccelOps;

void accel_register(const AccelOps *ops);
const AccelOps *accel_find(const char *name);
/* "-accel help": names and descriptions of the ones built into this binary. */
void accel_print_list(FILE *f);
/* The accelerator in use after system/ chose it (NULL before). */
extern const AccelOps *current_accel;

#endif
