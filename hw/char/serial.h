/*
 * The 16550A UART core, transport-neutral: registers, 16-byte FIFOs,
 * interrupts and the chardev connection.  A bus wrapper (serial-mm for MMIO,
 * later an ISA/PIO one) embeds a SerialState, maps serial_io_ops (offsets
 * 0..7, one byte per register) and calls serial_realize_core/serial_reset.
 *
 * Register semantics follow the National Semiconductor PC16550D datasheet
 * (the "NS16550A" in device trees), as Linux's 8250 driver expects them.
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "core/osdep.h"
#include "core/error.h"
#include "core/main-loop.h"
#include "chardev/char.h"
#include "hw/core/irq.h"
#include "memory/memory.h"

#define UART_FIFO_LENGTH 16
#define SERIAL_TX_BATCH 256

/* A byte ring for the receive and transmit FIFOs. */
typedef struct SerialFifo {
    uint8_t data[UART_FIFO_LENGTH];
    unsigned head;          /* index of the oldest byte */
    unsigned num;           /* bytes held */
} SerialFifo;

typedef struct SerialState {
    /* Registers (PC16550D §8) */
    uint16_t divider;       /* DLL/DLM */
    uint8_t rbr;            /* receive buffer (non-FIFO mode) */
    uint8_t thr;            /* transmit holding (non-FIFO mode) */
    uint8_t tsr;            /* transmit shift register */
    uint8_t ier;
    uint8_t iir;            /* as last computed */
    uint8_t lcr;
    uint8_t mcr;
    uint8_t lsr;
    uint8_t msr;
    uint8_t scr;
    uint8_t fcr;            /* only the enable and trigger bits persist */

    /* Pending interrupt causes that are not pure functions of the registers. */
    bool thr_ipending;      /* THRE interrupt (cleared by an IIR read or a THR write) */
    bool timeout_ipending;  /* character timeout (FIFO mode) */
    unsigned recv_fifo_itl; /* receive trigger level: 1, 4, 8 or 14 */
    int last_irq_level;

    SerialFifo recv_fifo;
    SerialFifo xmit_fifo;

    /* Host side */
    Chardev *chr;           /* "chardev" property of the wrapper */
    CharBackend be;
    qemu_irq irq;
    uint32_t baudbase;      /* input clock / 16 */
    int64_t char_transmit_time;   /* ns per character at the current setting */
    QEMUTimer *fifo_timeout_timer; /* character timeout interrupt */
    QEMUTimer *retry_timer;        /* busy backend without write watches: poll */
    bool watch_pending;            /* a write watch will call us back */
    bool realized;
    /*
     * Transmitted bytes not yet handed to the backend (tx_batching, the
     * wrappers' "x-tx-batch" property): see serial_tx_batch_add.
     */
    bool tx_batching;
    uint8_t tx_batch[SERIAL_TX_BATCH];
    unsigned tx_batch_len;
    QEMUTimer *tx_flush_timer;
} SerialState;

/* Offsets 0..7; access size 1 (the wrapper scales by regshift). */
uint64_t serial_ioport_read(SerialState *s, hwaddr addr);
void serial_ioport_write(SerialState *s, hwaddr addr, uint64_t val);

/* Attach to s->chr (may be NULL: output vanishes) and create the timers. */
bool serial_realize_core(SerialState *s, Error **errp);
void serial_unrealize_core(SerialState *s);
/* Power-on register values (PC16550D Table IV "Reset" column). */
void serial_reset(SerialState *s);
/* Hand batched output to the backend now (as far as it takes it). */
void serial_flush_tx(SerialState *s);

#endif
