/*
 * RISC-V ACLINT (riscv-aclint spec 1.0-rc4): the machine-level timer
 * (MTIMER: mtime and one mtimecmp per hart, raising MTIP) and the
 * machine-level software interrupt device (MSWI: one msip per hart,
 * raising MSIP).  Placed back to back they form the SiFive CLINT layout:
 * msip at +0, mtimecmp at +0x4000, mtime at +0xbff8.
 *
 * Outputs: GPIO out n is hart (hartid-base + n)'s MTIP (mtimer) or MSIP (mswi).
 */
#ifndef HW_INTC_RISCV_ACLINT_H
#define HW_INTC_RISCV_ACLINT_H

#include "hw/core/sysbus.h"
#include "core/main-loop.h"

#define TYPE_RISCV_ACLINT_MTIMER "riscv.aclint.mtimer"
#define TYPE_RISCV_ACLINT_SWI "riscv.aclint.swi"

#define RISCV_ACLINT_MAX_HARTS 4095
#define RISCV_ACLINT_SWI_SIZE 0x4000
#define RISCV_ACLINT_DEFAULT_MTIMER_SIZE 0x8000
#define RISCV_ACLINT_DEFAULT_MTIMECMP 0x0
#define RISCV_ACLINT_DEFAULT_MTIME 0x7ff8
#define RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ 10000000

typedef struct RISCVAclintMTimerState RISCVAclintMTimerState;

/* Per-hart timer context (the QEMUTimer callback's opaque). */
typedef struct RISCVAclintMTimerHart {
    RISCVAclintMTimerState *mtimer;
    unsigned index;
} RISCVAclintMTimerHart;

struct RISCVAclintMTimerState {
    SysBusDevice parent_obj;
    MemoryRegion mmio;
    /* Properties */
    uint32_t hartid_base;
    uint32_t num_harts;
    uint32_t timecmp_base;
    uint32_t time_base;
    uint32_t aperture_size;
    uint32_t timebase_freq;
    /* State */
    int64_t time_delta;         /* mtime = ticks(QEMU_CLOCK_VIRTUAL) + time_delta */
    uint64_t *timecmp;
    QEMUTimer **timers;
    RISCVAclintMTimerHart *harts;
    qemu_irq *mtip;
};

typedef struct RISCVAclintSwiState {
    SysBusDevice parent_obj;
    MemoryRegion mmio;
    uint32_t hartid_base;
    uint32_t num_harts;
    uint32_t *msip;
    qemu_irq *outputs;
} RISCVAclintSwiState;

#define RISCV_ACLINT_MTIMER(obj)                                           \
    OBJECT_CHECK(RISCVAclintMTimerState, (obj), TYPE_RISCV_ACLINT_MTIMER)
#define RISCV_ACLINT_SWI(obj) OBJECT_CHECK(RISCVAclintSwiState, (obj), TYPE_RISCV_ACLINT_SWI)

/* The current mtime; the shape of riscv_cpu_set_rdtime_fn's callback. */
uint64_t riscv_aclint_mtimer_rdtime(void *opaque);

/* Create, realize and map (outputs are wired by the caller). */
DeviceState *riscv_aclint_mtimer_create(hwaddr addr, hwaddr size, uint32_t hartid_base,
                                        uint32_t num_harts, uint32_t timecmp_base,
                                        uint32_t time_base, uint32_t timebase_freq,
                                        Error **errp);
DeviceState *riscv_aclint_swi_create(hwaddr addr, uint32_t hartid_base,
                                     uint32_t num_harts, Error **errp);

#endif
