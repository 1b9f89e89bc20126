/*
 * The gdbstub: GDB's Remote Serial Protocol over a chardev (-gdb DEV, -s).
 *
 * gdbstub.c is target-neutral: packet framing, run control (continue,
 * step, Ctrl-C, breakpoints through accel/tcg), threads (one per CPU) and
 * memory.  A target lends it its registers and target description XML
 * (GdbTargetOps, e.g. target-riscv.c).  system/ lends it the run state
 * (GdbVMOps), as it does to the monitor.  See docs/gdbstub.md.
 */
#ifndef GDBSTUB_GDBSTUB_H
#define GDBSTUB_GDBSTUB_H

#include "core/osdep.h"
#include "core/error.h"

typedef struct CPUState CPUState;

typedef struct GdbTargetOps {
    /* Registers in the 'g' packet: numbers 0 .. g_regs - 1. */
    int g_regs;
    /* All register numbers: 0 .. num_regs() - 1 ('p'/'P'); may grow once
     * the target description has been built. */
    int (*num_regs)(void);
    /* Append register n (target byte order) to buf; false: no such register. */
    bool (*read_register)(CPUState *cpu, GByteArray *buf, int n);
    /* Set register n from len bytes; false: no such register or bad size. */
    bool (*write_register)(CPUState *cpu, const uint8_t *buf, size_t len, int n);
    /* Size in bytes of register n (0: none). */
    size_t (*register_size)(int n);
    /* Target description document annex ("target.xml", ...), or NULL. */
    const char *(*xml)(const char *annex);
} GdbTargetOps;

void gdb_register_target(const GdbTargetOps *ops);

typedef struct GdbVMOps {
    void (*stop)(void);         /* into the "debug" run state */
    void (*cont)(void);         /* run the guest */
    bool (*is_running)(void);
    bool (*is_debug)(void);     /* in the "debug" state (stopped by the gdbstub) */
    void (*quit)(void);         /* 'k': end the emulator */
} GdbVMOps;

/*
 * -gdb DEV: "tcp::PORT", "tcp:HOST:PORT", "unix:PATH[,...]", "chardev:ID" or
 * "none" (server=on,wait=off are implied).  -s is "tcp::1234".
 */
bool gdbserver_start(const char *dev, const GdbVMOps *vm, Error **errp);

#endif
