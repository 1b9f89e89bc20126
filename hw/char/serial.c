/*
 * 16550A UART core (National Semiconductor PC16550D datasheet, June 1995).
 *
 * Transmission is immediate: a byte written to THR goes to the chardev at
 * once (a real UART would take a character time; guests only need THRE/TEMT
 * to be truthful).  If the backend is busy, the byte stays in the shift
 * register until the backend's write watch (or, for backends without one, a
 * short timer) says it can take more, so nothing is lost and THRE stays
 * clear while the FIFO is full: that is what flow control looks like to the
 * guest.  Reception is paced by the backend through can_read.
 */
#include "hw/char/serial.h"
#include "system/runstate.h"
#include "core/log.h"

/* Register offsets (PC16550D Table II) */
#define UART_RBR 0   /* read, DLAB=0 */
#define UART_THR 0   /* write, DLAB=0 */
#define UART_IER 1
#define UART_IIR 2   /* read */
#define UART_FCR 2   /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI  0x01   /* received data available */
#define UART_IER_THRI 0x02   /* transmitter holding register empty */
#define UART_IER_RLSI 0x04   /* receiver line status */
#define UART_IER_MSI  0x08   /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI    0x00
#define UART_IIR_THRI   0x02
#define UART_IIR_RDI    0x04
#define UART_IIR_RLSI   0x06
#define UART_IIR_CTI    0x0c
#define UART_IIR_FE     0xc0  /* FIFOs enabled */

#define UART_FCR_FE      0x01
#define UART_FCR_RFR     0x02  /* clear receive FIFO */
#define UART_FCR_XFR     0x04  /* clear transmit FIFO */
#define UART_FCR_DMS     0x08
#define UART_FCR_ITL_MASK 0xc0

#define UART_LCR_WLS_MASK 0x03
#define UART_LCR_STB  0x04
#define UART_LCR_PEN  0x08
#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR   0x01
#define UART_LSR_OE   0x02
#define UART_LSR_PE   0x04
#define UART_LSR_FE   0x08
#define UART_LSR_BI   0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_RFE  0x80   /* error somewhere in the receive FIFO */
#define UART_LSR_INT_ANY (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS  0x10
#define UART_MSR_DSR  0x20
#define UART_MSR_RI   0x40
#define UART_MSR_DCD  0x80
#define UART_MSR_DELTA_MASK 0x0f

/* How long to wait before offering a byte to a busy backend again. */
#define SERIAL_RETRY_NS (1 * SCALE_MS)
/* Batched output waits at most this long (see serial_tx_out). */
#define SERIAL_TX_FLUSH_NS (1 * SCALE_MS)

static void fifo_reset(SerialFifo *f)
{
    f->head = 0;
    f->num = 0;
}

static bool fifo_full(const SerialFifo *f)
{
    return f->num == UART_FIFO_LENGTH;
}

static void fifo_push(SerialFifo *f, uint8_t v)
{
    assert(!fifo_full(f));
    f->data[(f->head + f->num) % UART_FIFO_LENGTH] = v;
    f->num++;
}

static uint8_t fifo_pop(SerialFifo *f)
{
    uint8_t v;

    assert(f->num > 0);
    v = f->data[f->head];
    f->head = (f->head + 1) % UART_FIFO_LENGTH;
    f->num--;
    return v;
}

static bool fifo_enabled(const SerialState *s)
{
    return s->fcr & UART_FCR_FE;
}

/*
 * Interrupt identification, in the datasheet's priority order (Table IV):
 * receiver line status, received data / character timeout, THR empty,
 * modem status.
 */
static void serial_update_irq(SerialState *s)
{
    uint8_t iir = UART_IIR_NO_INT;

    if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_INT_ANY)) {
        iir = UART_IIR_RLSI;
    } else if ((s->ier & UART_IER_RDI) && s->timeout_ipending) {
        iir = UART_IIR_CTI;
    } else if ((s->ier & UART_IER_RDI) && (s->lsr & UART_LSR_DR) &&
               (!fifo_enabled(s) || s->recv_fifo.num >= s->recv_fifo_itl)) {
        iir = UART_IIR_RDI;
    } else if ((s->ier & UART_IER_THRI) && s->thr_ipending) {
        iir = UART_IIR_THRI;
    } else if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_DELTA_MASK)) {
        iir = UART_IIR_MSI;
    }
    s->iir = iir | (fifo_enabled(s) ? UART_IIR_FE : 0);

    int level = !(iir & UART_IIR_NO_INT);
    if (level != s->last_irq_level) {
        s->last_irq_level = level;
        qemu_set_irq(s->irq, level);
    }
}

/* Character time: start bit + data bits + parity + stop bits at the set rate. */
static void serial_update_parameters(SerialState *s)
{
    unsigned bits = 1 + 5 + (s->lcr & UART_LCR_WLS_MASK);
    unsigned divider = s->divider ? s->divider : 1;
    uint64_t baud;

    if (s->lcr & UART_LCR_PEN) {
        bits++;
    }
    bits += (s->lcr & UART_LCR_STB) ? 2 : 1;
    baud = s->baudbase / divider;
    if (baud == 0) {
        baud = 1;
    }
    s->char_transmit_time = (int64_t)(NANOSECONDS_PER_SECOND / baud) * bits;
}

/*
 * Modem status in loopback (PC16550D §8.6.4): the outputs feed the inputs,
 * DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD.  Outside loopback the lines of
 * our virtual cable read as carrier, data set ready and clear to send.
 */
static void serial_update_msr(SerialState *s)
{
    uint8_t old = s->msr, lines;

    if (s->mcr & UART_MCR_LOOP) {
        lines = ((s->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
                ((s->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0) |
                ((s->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0) |
                ((s->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0);
    } else {
        lines = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    }
    s->msr = (old & UART_MSR_DELTA_MASK) | lines;
    if ((old ^ lines) & UART_MSR_CTS) {
        s->msr |= UART_MSR_DCTS;
    }
    if ((old ^ lines) & UART_MSR_DSR) {
        s->msr |= UART_MSR_DDSR;
    }
    if ((old ^ lines) & UART_MSR_DCD) {
        s->msr |= UART_MSR_DDCD;
    }
    /* TERI: trailing edge only (RI went from on to off). */
    if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI)) {
        s->msr |= UART_MSR_TERI;
    }
}

/* One received character into RBR or the FIFO (§8.4, §8.10). */
static void serial_receive1(SerialState *s, uint8_t ch)
{
    if (fifo_enabled(s)) {
        if (fifo_full(&s->recv_fifo)) {
            /* Overrun: the FIFO keeps its contents, the new byte is lost. */
            s->lsr |= UART_LSR_OE;
        } else {
            fifo_push(&s->recv_fifo, ch);
        }
        s->timeout_ipending = false;
        /* Character timeout: 4 character times without FIFO activity. */
        timer_mod(s->fifo_timeout_timer,
                  qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + s->char_transmit_time * 4);
    } else {
        if (s->lsr & UART_LSR_DR) {
            s->lsr |= UART_LSR_OE;
        }
        s->rbr = ch;
    }
    s->lsr |= UART_LSR_DR;
    serial_update_irq(s);
}

static void serial_fifo_timeout(void *opaque)
{
    SerialState *s = opaque;

    if (s->recv_fifo.num) {
        s->timeout_ipending = true;
        serial_update_irq(s);
    }
}

static void serial_xmit(SerialState *s);

static void serial_backend_writable(void *opaque);

/* The backend refused output: call serial_xmit again when it can take more. */
static void serial_wait_backend(SerialState *s)
{
    if (!s->watch_pending) {
        if (qemu_chr_fe_add_write_watch(&s->be, serial_backend_writable, s)) {
            s->watch_pending = true;
        } else {
            timer_mod(s->retry_timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + SERIAL_RETRY_NS);
        }
    }
}

/*
 * Write the batch to the backend.  False if the backend is full and bytes
 * remain; an error other than "full" means the line is down and the bytes
 * are lost, as for an unbatched byte.
 */
static bool serial_tx_flush(SerialState *s)
{
    unsigned done = 0;

    while (done < s->tx_batch_len) {
        int r = qemu_chr_fe_write(&s->be, s->tx_batch + done, (int)(s->tx_batch_len - done));

        if (r > 0) {
            done += (unsigned)r;
        } else if (r == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
            break;
        } else {
            done = s->tx_batch_len;
        }
    }
    memmove(s->tx_batch, s->tx_batch + done, s->tx_batch_len - done);
    s->tx_batch_len -= done;
    if (s->tx_batch_len == 0 && s->tx_flush_timer) {
        timer_del(s->tx_flush_timer);
    }
    return s->tx_batch_len == 0;
}

void serial_flush_tx(SerialState *s)
{
    if (s->tx_batch_len && !serial_tx_flush(s)) {
        serial_wait_backend(s);
    }
}

/*
 * A byte leaves the shift register.  Unbatched, it goes straight to the
 * backend.  Batched, it joins tx_batch: Linux writes its console one
 * byte per THR write, and a write(2) per byte was ~7% of the CPU time of
 * a boot to init.  The batch goes out when it is full, when the guest
 * touches any register but THR and LSR (Linux's console write ends by
 * restoring IER; its tty path writes IER to stop the transmitter when its
 * buffer runs dry), at the latest SERIAL_TX_FLUSH_NS after its first byte,
 * and on reset, unrealize and VM stop.  A full batch the backend will not
 * take refuses the byte, which then waits in the shift register: the
 * guest sees the transmitter busy, as before batching.
 */
static bool serial_tx_out(SerialState *s, uint8_t byte)
{
    if (!s->tx_batching) {
        int r = qemu_chr_fe_write(&s->be, &byte, 1);

        /* Any error but "full": the line is down and the byte is lost. */
        return r == 1 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
    }
    if (s->tx_batch_len == SERIAL_TX_BATCH && !serial_tx_flush(s)) {
        return false;
    }
    if (s->tx_batch_len == 0) {
        timer_mod(s->tx_flush_timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + SERIAL_TX_FLUSH_NS);
    }
    s->tx_batch[s->tx_batch_len++] = byte;
    return true;
}

static void serial_tx_flush_timer(void *opaque)
{
    serial_flush_tx(opaque);
}

static void serial_vm_stopped(void *opaque)
{
    serial_flush_tx(opaque);
}

/* The backend may take more: the batch first, then what waits in the UART. */
static void serial_resume_tx(SerialState *s)
{
    if (s->tx_batch_len && !serial_tx_flush(s)) {
        serial_wait_backend(s);
        return;
    }
    serial_xmit(s);
}

static void serial_backend_writable(void *opaque)
{
    SerialState *s = opaque;

    s->watch_pending = false;
    serial_resume_tx(s);
}

static void serial_cancel_watch(SerialState *s)
{
    if (s->watch_pending) {
        qemu_chr_fe_add_write_watch(&s->be, NULL, NULL);
        s->watch_pending = false;
    }
}

static bool serial_tx_empty(const SerialState *s)
{
    return fifo_enabled(s) ? s->xmit_fifo.num == 0 : (s->lsr & UART_LSR_THRE);
}

/*
 * Move bytes from THR/the transmit FIFO through the shift register to the
 * backend (or, in loopback, back into the receiver).  The shift register
 * holds a byte the backend refused until the retry timer fires.
 */
static void serial_xmit(SerialState *s)
{
    for (;;) {
        if (s->lsr & UART_LSR_TEMT) {
            /* Shift register empty: load the next byte, if any. */
            if (serial_tx_empty(s)) {
                return;
            }
            if (fifo_enabled(s)) {
                s->tsr = fifo_pop(&s->xmit_fifo);
            } else {
                s->tsr = s->thr;
            }
            s->lsr &= ~UART_LSR_TEMT;
            if (fifo_enabled(s) ? s->xmit_fifo.num == 0 : true) {
                /* THR (or the FIFO) just became empty: THRE interrupt (§8.5). */
                s->lsr |= UART_LSR_THRE;
                s->thr_ipending = true;
                serial_update_irq(s);
            }
        }

        if (s->mcr & UART_MCR_LOOP) {
            /* Loopback: the transmitter output is wired to the receiver. */
            if (!fifo_enabled(s) || !fifo_full(&s->recv_fifo)) {
                serial_receive1(s, s->tsr);
            } else {
                s->lsr |= UART_LSR_OE;
                serial_update_irq(s);
            }
        } else if (qemu_chr_fe_backend_connected(&s->be)) {
            if (!serial_tx_out(s, s->tsr)) {
                /* Backend full: keep the byte until it can take more. */
                serial_wait_backend(s);
                return;
            }
        }
        s->lsr |= UART_LSR_TEMT;
    }
}

static void serial_retry_xmit(void *opaque)
{
    serial_resume_tx(opaque);
}

/* The receiver got room: let the backend send the rest of its data. */
static void serial_accept_input(SerialState *s)
{
    if (s->realized) {
        qemu_chr_fe_accept_input(&s->be);
    }
}

static void serial_write_fcr(SerialState *s, uint8_t val)
{
    static const unsigned itl[4] = {1, 4, 8, 14};

    /* Changing the FIFO enable bit clears both FIFOs (§8.10, FCR bit 0). */
    if ((val ^ s->fcr) & UART_FCR_FE) {
        val |= UART_FCR_RFR | UART_FCR_XFR;
    }
    if (val & UART_FCR_RFR) {
        fifo_reset(&s->recv_fifo);
        s->lsr &= ~(UART_LSR_DR | UART_LSR_RFE);
        s->timeout_ipending = false;
        timer_del(s->fifo_timeout_timer);
        serial_accept_input(s);
    }
    if (val & UART_FCR_XFR) {
        fifo_reset(&s->xmit_fifo);
        s->lsr |= UART_LSR_THRE;
        s->thr_ipending = true;
    }
    s->fcr = val & (UART_FCR_FE | UART_FCR_DMS | UART_FCR_ITL_MASK);
    s->recv_fifo_itl = itl[(val & UART_FCR_ITL_MASK) >> 6];
    serial_update_irq(s);
}

void serial_ioport_write(SerialState *s, hwaddr addr, uint64_t val64)
{
    uint8_t val = val64;

    if ((addr & 7) != UART_THR || (s->lcr & UART_LCR_DLAB)) {
        serial_flush_tx(s);     /* see serial_tx_out */
    }
    switch (addr & 7) {
    case UART_THR:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | val;
            serial_update_parameters(s);
            break;
        }
        if (fifo_enabled(s)) {
            if (fifo_full(&s->xmit_fifo)) {
                qemu_log_mask(LOG_GUEST_ERROR,
                              "serial: write to a full transmit FIFO, byte dropped\n");
                break;
            }
            fifo_push(&s->xmit_fifo, val);
        } else {
            s->thr = val;
        }
        s->lsr &= ~UART_LSR_THRE;
        s->thr_ipending = false;
        serial_update_irq(s);
        serial_xmit(s);
        break;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0x00ff) | (val << 8);
            serial_update_parameters(s);
            break;
        }
        {
            uint8_t changed = (s->ier ^ val) & 0x0f;
            s->ier = val & 0x0f;
            /*
             * Enabling ETBEI while THR is empty raises the THRE interrupt
             * right away; Linux's 8250 driver probes for exactly this
             * (UART_BUG_TXEN / UART_BUG_THRE checks in serial8250_startup).
             */
            if (changed & UART_IER_THRI) {
                s->thr_ipending = (s->ier & UART_IER_THRI) && (s->lsr & UART_LSR_THRE);
            }
            serial_update_irq(s);
        }
        break;
    case UART_FCR:
        serial_write_fcr(s, val);
        break;
    case UART_LCR:
        s->lcr = val;
        serial_update_parameters(s);
        break;
    case UART_MCR: {
        bool was_loop = s->mcr & UART_MCR_LOOP;
        s->mcr = val & 0x1f;
        serial_update_msr(s);
        serial_update_irq(s);
        if (was_loop && !(s->mcr & UART_MCR_LOOP)) {
            serial_accept_input(s);
        }
        break;
    }
    case UART_LSR:
    case UART_MSR:
        /* Factory test / read-only: writes are ignored. */
        qemu_log_mask(LOG_GUEST_ERROR, "serial: write 0x%02x to read-only register %u\n",
                      val, (unsigned)(addr & 7));
        break;
    case UART_SCR:
        s->scr = val;
        break;
    }
}

uint64_t serial_ioport_read(SerialState *s, hwaddr addr)
{
    uint8_t ret = 0;

    switch (addr & 7) {
    case UART_RBR:
        if (s->lcr & UART_LCR_DLAB) {
            return s->divider & 0xff;
        }
        if (fifo_enabled(s)) {
            if (s->recv_fifo.num) {
                ret = fifo_pop(&s->recv_fifo);
            }
            s->timeout_ipending = false;
            if (s->recv_fifo.num == 0) {
                s->lsr &= ~(UART_LSR_DR | UART_LSR_RFE);
                timer_del(s->fifo_timeout_timer);
            } else {
                timer_mod(s->fifo_timeout_timer,
                          qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                          s->char_transmit_time * 4);
            }
        } else {
            ret = s->rbr;
            s->lsr &= ~(UART_LSR_DR | UART_LSR_BI);
        }
        serial_update_irq(s);
        serial_accept_input(s);
        return ret;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            return s->divider >> 8;
        }
        return s->ier;
    case UART_IIR:
        ret = s->iir;
        /* Reading IIR while it reports THRE clears that interrupt (§8.5). */
        if ((ret & 0x0f) == UART_IIR_THRI) {
            s->thr_ipending = false;
            serial_update_irq(s);
        }
        return ret;
    case UART_LCR:
        return s->lcr;
    case UART_MCR:
        return s->mcr;
    case UART_LSR:
        ret = s->lsr;
        /* Error bits clear on read (§8.4); BI also loses its data-ready. */
        if (s->lsr & UART_LSR_BI) {
            if (!fifo_enabled(s) || s->recv_fifo.num == 0) {
                s->lsr &= ~UART_LSR_DR;
            }
        }
        s->lsr &= ~(UART_LSR_INT_ANY | UART_LSR_RFE);
        serial_update_irq(s);
        return ret;
    case UART_MSR:
        ret = s->msr;
        s->msr &= ~UART_MSR_DELTA_MASK;
        serial_update_irq(s);
        return ret;
    case UART_SCR:
        return s->scr;
    }
    return 0;
}

static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;

    if (s->mcr & UART_MCR_LOOP) {
        /* The serial input is disconnected in loopback; take and drop. */
        return UART_FIFO_LENGTH;
    }
    if (fifo_enabled(s)) {
        return UART_FIFO_LENGTH - s->recv_fifo.num;
    }
    return (s->lsr & UART_LSR_DR) ? 0 : 1;
}

static void serial_receive(void *opaque, const uint8_t *buf, int size)
{
    SerialState *s = opaque;

    if (s->mcr & UART_MCR_LOOP) {
        return;
    }
    for (int i = 0; i < size; i++) {
        serial_receive1(s, buf[i]);
    }
}

static void serial_event(void *opaque, QEMUChrEvent event)
{
    SerialState *s = opaque;

    if (event == CHR_EVENT_BREAK) {
        /* A break loads a zero character and sets BI (§8.4, LSR bit 4). */
        serial_receive1(s, 0);
        s->lsr |= UART_LSR_BI;
        serial_update_irq(s);
    }
}

void serial_reset(SerialState *s)
{
    /* Bytes already transmitted still reach the backend. */
    serial_flush_tx(s);
    s->rbr = 0;
    s->thr = 0;
    s->tsr = 0;
    s->ier = 0;
    s->lcr = 0;
    s->mcr = UART_MCR_OUT2;
    s->lsr = UART_LSR_TEMT | UART_LSR_THRE;
    s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    s->scr = 0;
    s->fcr = 0;
    s->divider = 0;
    s->thr_ipending = false;
    s->timeout_ipending = false;
    s->recv_fifo_itl = 1;
    fifo_reset(&s->recv_fifo);
    fifo_reset(&s->xmit_fifo);
    if (s->fifo_timeout_timer) {
        timer_del(s->fifo_timeout_timer);
    }
    if (s->retry_timer) {
        timer_del(s->retry_timer);
    }
    serial_cancel_watch(s);
    serial_update_parameters(s);
    s->last_irq_level = -1;      /* force the line to a known state */
    serial_update_irq(s);
    serial_accept_input(s);
}

bool serial_realize_core(SerialState *s, Error **errp)
{
    if (s->baudbase == 0) {
        error_setg(errp, "serial: baudbase must be nonzero");
        return false;
    }
    if (!qemu_chr_fe_init(&s->be, s->chr, errp)) {
        return false;
    }
    s->fifo_timeout_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, serial_fifo_timeout, s);
    s->retry_timer = timer_new_ns(QEMU_CLOCK_REALTIME, serial_retry_xmit, s);
    s->tx_flush_timer = timer_new_ns(QEMU_CLOCK_REALTIME, serial_tx_flush_timer, s);
    vm_stop_hook_add(serial_vm_stopped, s);
    qemu_chr_fe_set_handlers(&s->be, serial_can_receive, serial_receive, serial_event,
                             s, NULL, true);
    s->realized = true;
    serial_reset(s);
    return true;
}

void serial_unrealize_core(SerialState *s)
{
    if (!s->realized) {
        return;
    }
    vm_stop_hook_remove(serial_vm_stopped, s);
    if (s->tx_batch_len) {
        serial_tx_flush(s);     /* last chance; a full backend loses the rest */
        s->tx_batch_len = 0;
    }
    serial_cancel_watch(s);
    qemu_chr_fe_deinit(&s->be, false);
    timer_free(s->fifo_timeout_timer);
    timer_free(s->retry_timer);
    timer_free(s->tx_flush_timer);
    s->fifo_timeout_timer = NULL;
    s->retry_timer = NULL;
    s->tx_flush_timer = NULL;
    s->realized = false;
}
