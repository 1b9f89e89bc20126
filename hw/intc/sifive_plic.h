/*
 * The SiFive Platform-Level Interrupt Controller, as the RISC-V PLIC
 * specification (riscv-plic-spec 1.0.0) describes it and QEMU's virt board
 * configures it.
 *
 * Inputs: GPIO in 1..num-sources (line 0 exists but is ignored: source 0 is
 * "no interrupt").  Outputs: one GPIO out per context, in context order.
 * Contexts come from "hart-config": comma-separated per hart, each a string
 * of modes in context order, e.g. "MS,MS" for two harts with an M and an S
 * context each (hart h's M context is 2h, its S context 2h+1).  If
 * hart-config is unset, every one of num-harts harts gets "MS".
 */
#ifndef HW_INTC_SIFIVE_PLIC_H
#define HW_INTC_SIFIVE_PLIC_H

#include "hw/core/sysbus.h"

#define TYPE_SIFIVE_PLIC "riscv.sifive.plic"

/* The default register layout (riscv-plic-spec §3). */
#define SIFIVE_PLIC_PRIORITY_BASE 0x0
#define SIFIVE_PLIC_PENDING_BASE 0x1000
#define SIFIVE_PLIC_ENABLE_BASE 0x2000
#define SIFIVE_PLIC_ENABLE_STRIDE 0x80
#define SIFIVE_PLIC_CONTEXT_BASE 0x200000
#define SIFIVE_PLIC_CONTEXT_STRIDE 0x1000

typedef enum PLICMode {
    PLIC_MODE_U = 0,
    PLIC_MODE_S = 1,
    PLIC_MODE_M = 3,
} PLICMode;

typedef struct SiFivePLICState {
    SysBusDevice parent_obj;
    MemoryRegion mmio;

    /* Properties */
    char *hart_config;
    uint32_t num_harts;
    uint32_t hartid_base;
    uint32_t num_sources;       /* sources 1..num_sources ("riscv,ndev") */
    uint32_t num_priorities;
    uint32_t priority_base, pending_base, enable_base, enable_stride;
    uint32_t context_base, context_stride;
    uint32_t aperture_size;

    /* Derived */
    unsigned num_contexts;
    unsigned bitfield_words;    /* 32-bit words covering sources 0..num_sources */
    PLICMode *context_mode;
    uint32_t *context_hartid;

    /* State */
    uint32_t *source_priority;  /* [num_sources + 1] */
    uint32_t *pending;          /* [bitfield_words] */
    uint32_t *claimed;          /* in flight: claimed, not yet completed */
    uint32_t *level;            /* input line levels */
    uint32_t *threshold;        /* [num_contexts] */
    uint32_t *enable;           /* [num_contexts * bitfield_words] */
    qemu_irq *outputs;          /* [num_contexts] */
} SiFivePLICState;

#define SIFIVE_PLIC(obj) OBJECT_CHECK(SiFivePLICState, (obj), TYPE_SIFIVE_PLIC)

/*
 * Create a PLIC with the default layout for num_harts harts ("MS" each),
 * realize it and map it at base.  Outputs are left for the caller to wire.
 */
DeviceState *sifive_plic_create(hwaddr base, uint32_t num_harts, uint32_t hartid_base,
                                uint32_t num_sources, uint32_t num_priorities,
                                uint32_t aperture_size, Error **errp);

/* The context number of (hart index, mode), or -1 if there is none. */
int sifive_plic_context(SiFivePLICState *plic, unsigned hart, PLICMode mode);

#endif
