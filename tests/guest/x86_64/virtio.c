/*
 * A minimal virtio driver of the test kernel's own (virtio 1.2): split
 * rings of 8 descriptors, the modern device initialization of §3.1.1
 * (reset, ACKNOWLEDGE, DRIVER, features with VERSION_1, FEATURES_OK,
 * queue setup, DRIVER_OK), over virtio-mmio (§4.2, microvm) and modern
 * virtio-pci (§4.1, pc) with MSI-X or INTx, interrupt-driven.
 *
 * Command line words:
 *   virtio        run these checks (after the others)
 *   virtio-intx   on PCI, leave MSI-X off and take INTx through the PIIX3
 *                 PIRQ the MP table names for the slot
 *   virtio-acpi   find microvm's transports in the ACPI DSDT ("LNRO0005"
 *                 devices, as a kernel without VIRTIO_MMIO_CMDLINE_DEVICES
 *                 does) instead of the command line
 *   virtio-bench  then time 200 interrupt-driven virtio-rng requests
 *                 (bench/kvm-virtio.sh): a kick and an interrupt each
 *
 * Checks printed:
 *   virtio-blk-rw    write a pattern to sector 1, read it back
 *   virtio-blk-host  read sector 0, which the host wrote; prints its
 *                    FNV-1a checksum for the host to compare
 *   virtio-rng       64 bytes, not all equal
 *   virtio-irq       every request completed with an interrupt (devices on
 *                    lines share one vector and the handler asks them all,
 *                    so one may find its work taken already: "stray")
 *   virtio-msix-mask (MSI-X) a masked vector sets its pending bit instead
 *                    of interrupting and fires when unmasked; a vector
 *                    reprogrammed to another IDT vector arrives there
 *
 * Ring 0 is emulated slowly on KVM-PVM hosts: everything here is a few
 * thousand instructions per request.
 */
#include "kernel.h"

#include <stddef.h>

#define QSIZE 8
#define VEC_LINE 0x60               /* IOAPIC line interrupts of every device */
#define VEC_MSIX_BASE 0x61          /* device k's MSI-X entries 0 (config), 1 (queue 0)
                                     * go to 0x61 + 2k and 0x62 + 2k */
#define VEC_MSIX_ALT 0x65           /* where the reprogrammed vector goes */
#define NO_VECTOR 0xffff
#define WAIT_CYCLES 20000000000ull

/* Status bits (§2.1) */
#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8

/* virtio-mmio registers (§4.2.2) */
#define MMIO_MAGIC 0x000
#define MMIO_VERSION 0x004
#define MMIO_DEVICE_ID 0x008
#define MMIO_DEV_FEATURES 0x010
#define MMIO_DEV_FEATURES_SEL 0x014
#define MMIO_DRV_FEATURES 0x020
#define MMIO_DRV_FEATURES_SEL 0x024
#define MMIO_QUEUE_SEL 0x030
#define MMIO_QUEUE_NUM_MAX 0x034
#define MMIO_QUEUE_NUM 0x038
#define MMIO_QUEUE_READY 0x044
#define MMIO_QUEUE_NOTIFY 0x050
#define MMIO_INT_STATUS 0x060
#define MMIO_INT_ACK 0x064
#define MMIO_STATUS 0x070
#define MMIO_QUEUE_DESC 0x080
#define MMIO_QUEUE_AVAIL 0x090
#define MMIO_QUEUE_USED 0x0a0
#define MMIO_CONFIG 0x100

/* virtio-pci common configuration (§4.1.4.3) */
#define CC_DFSELECT 0
#define CC_DF 4
#define CC_GFSELECT 8
#define CC_GF 12
#define CC_MSIX 16
#define CC_STATUS 20
#define CC_Q_SELECT 22
#define CC_Q_SIZE 24
#define CC_Q_MSIX 26
#define CC_Q_ENABLE 28
#define CC_Q_NOFF 30
#define CC_Q_DESC 32
#define CC_Q_AVAIL 40
#define CC_Q_USED 48

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct vring {
    struct vring_desc desc[QSIZE];
    struct {
        uint16_t flags, idx, ring[QSIZE], used_event;
    } avail;
    uint8_t pad[4096 - 16 * QSIZE - 2 * (QSIZE + 3)];
    struct {
        uint16_t flags, idx;
        struct {
            uint32_t id, len;
        } ring[QSIZE];
        uint16_t avail_event;
    } used;
} __attribute__((aligned(4096)));

struct vdev {
    const char *name;
    int pci;                        /* 0: virtio-mmio */
    uint64_t base;                  /* mmio registers / pci common config */
    uint64_t isr, devcfg, notify;   /* pci: ISR, device config, queue 0 notify */
    unsigned devfn;
    int msix;                       /* MSI-X in use (else a line) */
    unsigned index;                 /* which MSI-X vector pair */
    uint64_t msix_table, msix_pba;
    unsigned line;                  /* IOAPIC pin */
    struct vring *vq;
    uint16_t last_used;
    volatile unsigned irqs;         /* interrupts that found work of ours */
    unsigned requests;
};

static struct vring rings[2];
static struct vdev devs[2];
static unsigned ndevs;
static struct vdev *vec_dev[256];
static volatile unsigned stray_irqs;

static uint8_t sector[512] __attribute__((aligned(512)));
static uint8_t sector2[512] __attribute__((aligned(512)));
static struct {
    uint32_t type, reserved;
    uint64_t sector;
} blk_hdr;
static volatile uint8_t blk_status;
static uint8_t rng_buf[64];

static inline void mb(void)
{
    __asm__ volatile("mfence" : : : "memory");
}

/* ------------------------------------------------------ registers */

static uint32_t dev_read(struct vdev *d, unsigned mmio_off, unsigned cc_off, unsigned size)
{
    if (!d->pci) {
        return mmio_read(d->base + mmio_off);
    }
    return size == 1 ? mmio_read8(d->base + cc_off) :
           size == 2 ? mmio_read16(d->base + cc_off) : mmio_read(d->base + cc_off);
}

static void dev_write(struct vdev *d, unsigned mmio_off, unsigned cc_off, unsigned size,
                      uint32_t v)
{
    if (!d->pci) {
        mmio_write(d->base + mmio_off, v);
    } else if (size == 1) {
        mmio_write8(d->base + cc_off, (uint8_t)v);
    } else if (size == 2) {
        mmio_write16(d->base + cc_off, (uint16_t)v);
    } else {
        mmio_write(d->base + cc_off, v);
    }
}

#define STATUS_R(d) dev_read(d, MMIO_STATUS, CC_STATUS, 1)
#define STATUS_W(d, v) dev_write(d, MMIO_STATUS, CC_STATUS, 1, v)

static void dev_write64(struct vdev *d, unsigned mmio_off, unsigned cc_off, uint64_t v)
{
    dev_write(d, mmio_off, cc_off, 4, (uint32_t)v);
    dev_write(d, mmio_off + 4, cc_off + 4, 4, (uint32_t)(v >> 32));
}

static uint32_t config_read32(struct vdev *d, unsigned off)
{
    return mmio_read((d->pci ? d->devcfg : d->base + MMIO_CONFIG) + off);
}

/* The interrupt status, read (pci: clears it) and acknowledged (mmio). */
static uint32_t isr_take(struct vdev *d)
{
    uint32_t v;

    if (d->pci) {
        return mmio_read8(d->isr);
    }
    v = mmio_read(d->base + MMIO_INT_STATUS);
    if (v) {
        mmio_write(d->base + MMIO_INT_ACK, v);
    }
    return v;
}

static void queue_notify(struct vdev *d)
{
    if (d->pci) {
        mmio_write16(d->notify, 0);          /* §4.1.5.2: the queue index, 16 bits */
    } else {
        mmio_write(d->base + MMIO_QUEUE_NOTIFY, 0);
    }
}

void virtio_interrupt(unsigned vector)
{
    struct vdev *d = vec_dev[vector];

    if (vector == VEC_LINE) {
        /* Lines may be shared: ask each line device whether it was us. */
        unsigned mine = 0;

        for (unsigned i = 0; i < ndevs; i++) {
            if (!devs[i].msix && isr_take(&devs[i])) {
                devs[i].irqs++;
                mine++;
            }
        }
        if (!mine) {
            stray_irqs++;
        }
        return;
    }
    if (d) {
        d->irqs++;
    } else {
        stray_irqs++;
    }
}

/* ----------------------------------------------------- device init */

/* §3.1.1 driver initialization; VERSION_1 is the one feature we take. */
static int dev_init(struct vdev *d)
{
    uint32_t hi;
    struct vring *q = d->vq;
    unsigned max;

    STATUS_W(d, 0);
    if (STATUS_R(d) != 0) {
        return 0;
    }
    STATUS_W(d, S_ACK);
    STATUS_W(d, S_ACK | S_DRIVER);
    dev_write(d, MMIO_DEV_FEATURES_SEL, CC_DFSELECT, 4, 1);
    hi = dev_read(d, MMIO_DEV_FEATURES, CC_DF, 4);
    if (!(hi & 1)) {
        kprintf("%s: no VIRTIO_F_VERSION_1\n", d->name);
        return 0;
    }
    dev_write(d, MMIO_DRV_FEATURES_SEL, CC_GFSELECT, 4, 0);
    dev_write(d, MMIO_DRV_FEATURES, CC_GF, 4, 0);
    dev_write(d, MMIO_DRV_FEATURES_SEL, CC_GFSELECT, 4, 1);
    dev_write(d, MMIO_DRV_FEATURES, CC_GF, 4, 1);
    STATUS_W(d, S_ACK | S_DRIVER | S_FEATURES_OK);
    if (!(STATUS_R(d) & S_FEATURES_OK)) {
        kprintf("%s: FEATURES_OK not kept\n", d->name);
        return 0;
    }
    dev_write(d, MMIO_QUEUE_SEL, CC_Q_SELECT, d->pci ? 2 : 4, 0);
    max = dev_read(d, MMIO_QUEUE_NUM_MAX, CC_Q_SIZE, 2);
    if (max < QSIZE) {
        kprintf("%s: queue 0 holds %u < %u\n", d->name, max, QSIZE);
        return 0;
    }
    dev_write(d, MMIO_QUEUE_NUM, CC_Q_SIZE, d->pci ? 2 : 4, QSIZE);
    dev_write64(d, MMIO_QUEUE_DESC, CC_Q_DESC, (uint64_t)q->desc);
    dev_write64(d, MMIO_QUEUE_AVAIL, CC_Q_AVAIL, (uint64_t)&q->avail);
    dev_write64(d, MMIO_QUEUE_USED, CC_Q_USED, (uint64_t)&q->used);
    if (d->pci && d->msix) {
        /* §4.1.5.1.2: read back; NO_VECTOR means the device refused it. */
        dev_write(d, 0, CC_MSIX, 2, 0);
        dev_write(d, 0, CC_Q_MSIX, 2, 1);
        if (dev_read(d, 0, CC_Q_MSIX, 2) != 1) {
            kprintf("%s: queue MSI-X vector refused\n", d->name);
            return 0;
        }
    }
    dev_write(d, MMIO_QUEUE_READY, CC_Q_ENABLE, d->pci ? 2 : 4, 1);
    STATUS_W(d, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    return STATUS_R(d) == (S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

/*
 * Put a chain on the ring, kick, and wait: for the interrupt (want_irq)
 * or, with the vector masked, for the used ring only.  Returns the used
 * length, or -1 on a timeout.
 */
static long vq_run(struct vdev *d, const struct vring_desc *chain, unsigned n, int want_irq)
{
    struct vring *q = d->vq;
    volatile uint16_t *used_idx = &q->used.idx;
    unsigned before = d->irqs;
    uint64_t end = rdtsc() + WAIT_CYCLES;

    for (unsigned i = 0; i < n; i++) {
        q->desc[i] = chain[i];
        q->desc[i].flags |= i + 1 < n ? VRING_DESC_F_NEXT : 0;
        q->desc[i].next = (uint16_t)(i + 1);
    }
    q->avail.ring[q->avail.idx % QSIZE] = 0;
    mb();
    q->avail.idx++;
    mb();
    d->requests++;
    queue_notify(d);
    while (*used_idx == d->last_used || (want_irq && d->irqs == before)) {
        if (rdtsc() > end) {
            kprintf("%s: timeout (used %u, irqs %u)\n", d->name, *used_idx, d->irqs);
            return -1;
        }
        if (want_irq) {
            __asm__ volatile("sti; hlt; cli");
        } else {
            __asm__ volatile("pause");
        }
    }
    mb();
    d->last_used++;
    return q->used.ring[(d->last_used - 1) % QSIZE].len;
}

static int blk_io(struct vdev *d, int write, uint64_t lba, uint8_t *buf)
{
    struct vring_desc c[3] = {
        { (uint64_t)&blk_hdr, sizeof(blk_hdr), 0, 0 },
        { (uint64_t)buf, 512, write ? 0 : VRING_DESC_F_WRITE, 0 },
        { (uint64_t)&blk_status, 1, VRING_DESC_F_WRITE, 0 },
    };

    blk_hdr.type = write ? 1 : 0;            /* VIRTIO_BLK_T_OUT / _IN (§5.2.6) */
    blk_hdr.sector = lba;
    blk_status = 0xff;
    return vq_run(d, c, 3, 1) >= 0 && blk_status == 0;
}

static uint32_t fnv1a(const uint8_t *p, unsigned n)
{
    uint32_t h = 2166136261u;

    while (n--) {
        h = (h ^ *p++) * 16777619u;
    }
    return h;
}

static void test_blk(struct vdev *d)
{
    int ok = 1;

    kprintf("%s: capacity %u sectors\n", d->name, config_read32(d, 0));
    for (unsigned i = 0; i < 512; i++) {
        sector[i] = (uint8_t)(i * 7 + 1);
    }
    ok &= blk_io(d, 1, 1, sector);
    for (unsigned i = 0; i < 512; i++) {
        sector2[i] = 0;
    }
    ok &= blk_io(d, 0, 1, sector2);
    for (unsigned i = 0; i < 512 && ok; i++) {
        ok &= sector2[i] == (uint8_t)(i * 7 + 1);
    }
    check("virtio-blk-rw", ok, "(sector 1 written and read back)");
    ok = blk_io(d, 0, 0, sector2);
    kprintf("virtio-blk-host: %s checksum=%x\n", ok ? "ok" : "FAIL", fnv1a(sector2, 512));
    if (!ok) {
        check("virtio-blk-host", 0, NULL);
    }
}

static void test_rng(struct vdev *d)
{
    struct vring_desc c = { (uint64_t)rng_buf, sizeof(rng_buf), VRING_DESC_F_WRITE, 0 };
    long n = vq_run(d, &c, 1, 1);
    unsigned same = 0;

    for (unsigned i = 1; n > 1 && i < (unsigned)n; i++) {
        same += rng_buf[i] == rng_buf[0];
    }
    kprintf("virtio-rng: %ld bytes\n", n);
    check("virtio-rng", n > 1 && same < (unsigned)n - 1, NULL);
}

/* One request = one kick + one interrupt: the round trip the fast paths
 * (ioeventfd, irqfd) shorten.  TSC cycles, for bench/kvm-virtio.sh. */
static void bench_rng(struct vdev *d)
{
    struct vring_desc c = { (uint64_t)rng_buf, 8, VRING_DESC_F_WRITE, 0 };
    unsigned n = 200, done = 0;
    uint64_t t0 = rdtsc();

    while (done < n && vq_run(d, &c, 1, 1) > 0) {
        done++;
    }
    kprintf("virtio-bench: %s requests=%u cycles_per_request=%lu\n", d->pci ? "pci" : "mmio",
            done, (rdtsc() - t0) / (done ? done : 1));
}

/* --------------------------------------------------------- MSI-X */

static void msix_entry(struct vdev *d, unsigned v, unsigned vector, int masked)
{
    uint64_t e = d->msix_table + 16 * v;

    /* Mask while changing the entry (PCI 3.0 §6.8.2.9 recommends it). */
    mmio_write(e + 12, 1);
    mmio_write(e, 0xfee00000u | (lapic_read(0x20) >> 24) << 12);
    mmio_write(e + 4, 0);
    mmio_write(e + 8, vector);
    mmio_write(e + 12, masked ? 1 : 0);
}

/*
 * A masked vector must not interrupt; the device sets its pending bit,
 * and unmasking delivers it.  Then the entry moves to another vector.
 */
static void test_msix_mask(struct vdev *d)
{
    unsigned v = 1, vec = VEC_MSIX_BASE + 2 * d->index + 1, before;
    int ok;
    long n;
    struct vring_desc c = { (uint64_t)rng_buf, 16, VRING_DESC_F_WRITE, 0 };
    uint64_t end;

    msix_entry(d, v, vec, 1);
    before = d->irqs;
    n = vq_run(d, &c, 1, 0);
    ok = n > 0 && d->irqs == before && (mmio_read(d->msix_pba) & (1u << v));
    kprintf("virtio-msix-mask: masked request done, irqs +%u, pending %u\n",
            d->irqs - before, (mmio_read(d->msix_pba) >> v) & 1);
    msix_entry(d, v, vec, 0);
    end = rdtsc() + WAIT_CYCLES;
    while (d->irqs == before && rdtsc() < end) {
        __asm__ volatile("sti; hlt; cli");
    }
    ok &= d->irqs == before + 1 && !(mmio_read(d->msix_pba) & (1u << v));
    /* Reprogrammed: the interrupt now arrives on VEC_MSIX_ALT only. */
    vec_dev[VEC_MSIX_ALT] = d;
    vec_dev[vec] = 0;
    msix_entry(d, v, VEC_MSIX_ALT, 0);
    before = stray_irqs;
    ok &= vq_run(d, &c, 1, 1) > 0 && stray_irqs == before;
    vec_dev[vec] = d;
    msix_entry(d, v, vec, 0);
    check("virtio-msix-mask", ok, NULL);
}

/* ----------------------------------------------------------- PCI */

static uint32_t pci_read(unsigned devfn, unsigned off)
{
    outl(0xcf8, 0x80000000u | devfn << 8 | (off & 0xfc));
    return inl(0xcfc) >> (8 * (off & 3));
}

static void pci_write32(unsigned devfn, unsigned off, uint32_t v)
{
    outl(0xcf8, 0x80000000u | devfn << 8 | off);
    outl(0xcfc, v);
}

static void pci_write16(unsigned devfn, unsigned off, uint16_t v)
{
    outl(0xcf8, 0x80000000u | devfn << 8 | (off & 0xfc));
    outw((uint16_t)(0xcfc + (off & 2)), v);
}

static uint64_t bar_addr[2][6];

/* Size and place the memory BARs (PCI 3.0 §6.2.5.1) from 0xfe000000 up. */
static void pci_assign_bars(unsigned devfn, uint64_t *addr)
{
    static uint64_t next = 0xfe000000ull;

    for (unsigned b = 0; b < 6; b++) {
        unsigned off = 0x10 + 4 * b;
        uint32_t orig = pci_read(devfn, off), size;
        int is64 = (orig & 6) == 4;

        addr[b] = 0;
        if (orig & 1) {
            continue;                       /* I/O BAR: not used */
        }
        pci_write32(devfn, off, 0xffffffffu);
        size = ~(pci_read(devfn, off) & ~0xfu) + 1;
        if (size && (pci_read(devfn, off) & ~0xfu)) {
            next = (next + size - 1) & ~(uint64_t)(size - 1);
            addr[b] = next;
            next += size;
            pci_write32(devfn, off, (uint32_t)addr[b]);
        } else {
            pci_write32(devfn, off, 0);
        }
        if (is64) {
            pci_write32(devfn, off + 4, 0);
            b++;
        }
    }
}

/* The MP table's interrupt entry for (slot, pin) on the PCI bus. */
static int mp_pci_irq(unsigned slot, unsigned pin, unsigned *ioapic_pin, unsigned *flags)
{
    const uint8_t *cfg = mp_config(), *e;
    unsigned count, pci_bus = 0xff;

    if (!cfg) {
        return 0;
    }
    count = *(const uint16_t *)(cfg + 34);
    e = cfg + 44;
    for (unsigned i = 0; i < count; i++) {
        if (e[0] == 0) {
            e += 20;
            continue;
        }
        if (e[0] == 1 && e[2] == 'P' && e[3] == 'C' && e[4] == 'I') {
            pci_bus = e[1];
        }
        if (e[0] == 3 && e[1] == 0 && e[4] == pci_bus && e[5] == (slot << 2 | pin)) {
            *ioapic_pin = e[7];
            *flags = *(const uint16_t *)(e + 2);
            return 1;
        }
        e += 8;
    }
    return 0;
}

/* IOAPIC pin -> VEC_LINE on the BSP, level (82093AA §3.2.4). */
static void line_route(unsigned pin, int active_low)
{
    ioapic_write(0x11 + 2 * pin, lapic_read(0x20) & 0xff000000u);
    ioapic_write(0x10 + 2 * pin, VEC_LINE | 1u << 15 | (active_low ? 1u << 13 : 0));
}

static int pci_setup(struct vdev *d, unsigned devfn, int use_msix)
{
    uint64_t *bars = bar_addr[ndevs];
    unsigned cap, notify_mult = 0;
    uint32_t notify_off = 0;
    int have = 0;

    d->pci = 1;
    d->devfn = devfn;
    pci_assign_bars(devfn, bars);
    /* Memory decoding and bus mastering (DMA and MSI writes). */
    pci_write16(devfn, 0x04, 0x0006);
    if (!(pci_read(devfn, 0x06) & 0x10)) {
        return 0;
    }
    for (cap = pci_read(devfn, 0x34) & 0xfc; cap; cap = pci_read(devfn, cap + 1) & 0xfc) {
        unsigned id = pci_read(devfn, cap) & 0xff;

        if (id == 0x09) {                   /* vendor: struct virtio_pci_cap (§4.1.4) */
            unsigned type = pci_read(devfn, cap + 3) & 0xff, bar = pci_read(devfn, cap + 4) & 7;
            uint64_t at = bars[bar] + pci_read(devfn, cap + 8);

            if (bar > 5 || !bars[bar]) {
                continue;
            }
            if (type == 1) {
                d->base = at;
                have |= 1;
            } else if (type == 2) {
                d->notify = at;
                notify_mult = pci_read(devfn, cap + 16);
                have |= 2;
            } else if (type == 3) {
                d->isr = at;
                have |= 4;
            } else if (type == 4) {
                d->devcfg = at;
            }
        } else if (id == 0x11 && use_msix) {  /* MSI-X (PCI 3.0 §6.8.2) */
            uint32_t t = pci_read(devfn, cap + 4), p = pci_read(devfn, cap + 8);

            d->msix_table = bars[t & 7] + (t & ~7u);
            d->msix_pba = bars[p & 7] + (p & ~7u);
            d->msix = bars[t & 7] && bars[p & 7];
            if (d->msix) {
                /* Entries first (masked by reset), then the enable bit. */
                msix_entry(d, 0, VEC_MSIX_BASE + 2 * d->index, 0);
                msix_entry(d, 1, VEC_MSIX_BASE + 2 * d->index + 1, 0);
                pci_write16(devfn, cap + 2, 0x8000);
                vec_dev[VEC_MSIX_BASE + 2 * d->index] = d;
                vec_dev[VEC_MSIX_BASE + 2 * d->index + 1] = d;
            }
        }
    }
    if (have != 7) {
        kprintf("%s: virtio capabilities missing (%x)\n", d->name, have);
        return 0;
    }
    if (!d->msix) {
        unsigned pin = pci_read(devfn, 0x3d) & 0xff, flags = 0;

        if (!pin || !mp_pci_irq(devfn >> 3, pin - 1, &d->line, &flags)) {
            kprintf("%s: no MP table entry for slot %u pin %u\n", d->name, devfn >> 3,
                    pin);
            return 0;
        }
        /* Polarity from the entry (§4.3.4): 3 is active low. */
        line_route(d->line, (flags & 3) == 3);
    }
    /* Queue 0's notify address: cap offset + queue_notify_off * multiplier. */
    mmio_write16(d->base + CC_Q_SELECT, 0);
    notify_off = mmio_read16(d->base + CC_Q_NOFF);
    d->notify += (uint64_t)notify_off * notify_mult;
    return 1;
}

/* ---------------------------------------------------------- MMIO */

/* "virtio_mmio.device=512@0xfeb00e00:23" words, as Linux takes them. */
static int mmio_from_cmdline(unsigned k, uint64_t *base, unsigned *gsi)
{
    static const char key[] = "virtio_mmio.device=";
    unsigned found = 0;

    for (const char *p = cmdline; *p; p++) {
        const char *k2 = key, *a = p;

        while (*k2 && *a == *k2) {
            a++;
            k2++;
        }
        if (*k2 || (p != cmdline && p[-1] != ' ')) {
            continue;
        }
        while (*a && *a != '@') {
            a++;
        }
        if (*a++ != '@' || a[0] != '0' || a[1] != 'x') {
            continue;
        }
        if (found++ != k) {
            continue;
        }
        *base = 0;
        for (a += 2; (*a >= '0' && *a <= '9') || (*a >= 'a' && *a <= 'f'); a++) {
            *base = *base * 16 + (uint64_t)(*a <= '9' ? *a - '0' : *a - 'a' + 10);
        }
        if (*a++ != ':') {
            return 0;
        }
        *gsi = 0;
        while (*a >= '0' && *a <= '9') {
            *gsi = *gsi * 10 + (unsigned)(*a++ - '0');
        }
        return 1;
    }
    return 0;
}

/* ---------------------------------------------------------- ACPI */

static int acpi_sum_ok(const uint8_t *p, unsigned n)
{
    uint8_t sum = 0;

    while (n--) {
        sum += *p++;
    }
    return sum == 0;
}

/* RSDP in the BIOS area (ACPI 6.4 §5.2.5.1), then the XSDT's FADT, DSDT. */
static const uint8_t *acpi_dsdt(unsigned *len)
{
    const uint8_t *rsdp = 0, *xsdt, *t;

    for (uint64_t a = 0xe0000; a < 0x100000 && !rsdp; a += 16) {
        const uint8_t *p = (const uint8_t *)a;

        if (*(const uint64_t *)p == 0x2052545020445352ull && acpi_sum_ok(p, 20)) {
            rsdp = p;                       /* "RSD PTR " */
        }
    }
    if (!rsdp || rsdp[15] < 2 || !acpi_sum_ok(rsdp, 36)) {
        return 0;
    }
    xsdt = (const uint8_t *)*(const uint64_t *)(rsdp + 24);
    if (!acpi_sum_ok(xsdt, *(const uint32_t *)(xsdt + 4))) {
        return 0;
    }
    for (unsigned off = 36; off < *(const uint32_t *)(xsdt + 4); off += 8) {
        t = (const uint8_t *)*(const uint64_t *)(xsdt + off);
        if (*(const uint32_t *)t == 0x50434146u) {        /* "FACP" */
            const uint8_t *d = (const uint8_t *)*(const uint64_t *)(t + 140);

            if (!(*(const uint32_t *)(t + 112) & (1u << 20)) ||
                *(const uint32_t *)d != 0x54445344u ||      /* "DSDT" */
                !acpi_sum_ok(d, *(const uint32_t *)(d + 4))) {
                return 0;
            }
            *len = *(const uint32_t *)(d + 4);
            return d;
        }
    }
    return 0;
}

/*
 * The k-th "LNRO0005" device's registers and GSI: not an AML interpreter,
 * a scan for the _HID string and the Memory32Fixed (0x86) and Extended
 * Interrupt (0x89) descriptors of the _CRS buffer that follows it.
 */
static int mmio_from_acpi(unsigned k, uint64_t *base, unsigned *gsi)
{
    unsigned len = 0, found = 0;
    const uint8_t *d = acpi_dsdt(&len);

    for (unsigned i = 36; d && i + 8 < len; i++) {
        const uint8_t *p = d + i;
        int have = 0;

        if (p[0] != 'L' || p[1] != 'N' || p[2] != 'R' || p[3] != 'O' || p[4] != '0' ||
            p[5] != '0' || p[6] != '0' || p[7] != '5' || found++ != k) {
            continue;
        }
        for (unsigned j = i + 8; j + 9 <= len && have != 3; j++) {
            if (j + 12 <= len && d[j] == 0x86 && d[j + 1] == 0x09 && d[j + 2] == 0 &&
                !(have & 1)) {
                *base = *(const uint32_t *)(d + j + 4);
                have |= 1;
                j += 11;
            } else if (d[j] == 0x89 && d[j + 1] == 0x06 && d[j + 2] == 0 && d[j + 4] == 1 &&
                       !(have & 2)) {
                *gsi = *(const uint32_t *)(d + j + 5);
                have |= 2;
                j += 8;
            }
        }
        return have == 3;
    }
    return 0;
}

/* ---------------------------------------------------------- main */

static void add_device(unsigned id, struct vdev *proto)
{
    struct vdev *d = &devs[ndevs];

    *d = *proto;
    d->name = id == 2 ? "virtio-blk" : "virtio-rng";
    d->vq = &rings[ndevs];
    d->index = ndevs;
}

void virtio_tests(void)
{
    int use_msix = !has_arg("virtio-intx");
    unsigned irqs_expected = 0, irqs = 0;
    uint64_t base = 0;
    unsigned gsi = 0;

    /* microvm: the transports the command line (or ACPI) announces. */
    for (unsigned k = 0; ndevs < 2 && (has_arg("virtio-acpi") ? mmio_from_acpi(k, &base, &gsi)
                                       : mmio_from_cmdline(k, &base, &gsi)); k++) {
        unsigned id = mmio_read(base + MMIO_DEVICE_ID);
        struct vdev p = { .base = base, .line = gsi };

        if (mmio_read(base + MMIO_MAGIC) != 0x74726976u || mmio_read(base + MMIO_VERSION) != 2 ||
            (id != 2 && id != 4)) {
            continue;
        }
        add_device(id, &p);
        kprintf("%s: virtio-mmio at %lx, gsi %u (from %s)\n", devs[ndevs].name, base, gsi,
                has_arg("virtio-acpi") ? "ACPI" : "the command line");
        line_route(gsi, 0);
        ndevs++;
    }
    /* pc: modern virtio-pci functions on bus 0. */
    for (unsigned slot = 1; ndevs < 2 && slot < 32; slot++) {
        uint32_t id = pci_read(slot << 3, 0);
        struct vdev p = { 0 };

        if ((id & 0xffff) != 0x1af4 || ((id >> 16) != 0x1042 && (id >> 16) != 0x1044)) {
            continue;
        }
        add_device((id >> 16) - 0x1040, &p);
        if (!pci_setup(&devs[ndevs], slot << 3, use_msix)) {
            check(devs[ndevs].name, 0, "(PCI setup)");
            continue;
        }
        if (devs[ndevs].msix) {
            kprintf("%s: virtio-pci at 00:%x.0, MSI-X\n", devs[ndevs].name, slot);
        } else {
            kprintf("%s: virtio-pci at 00:%x.0, INTx on IOAPIC pin %u\n", devs[ndevs].name,
                    slot, devs[ndevs].line);
        }
        ndevs++;
    }
    if (!ndevs) {
        check("virtio", 0, "(no virtio-blk or virtio-rng found)");
        return;
    }
    for (unsigned i = 0; i < ndevs; i++) {
        struct vdev *d = &devs[i];

        if (!dev_init(d)) {
            check(d->name, 0, "(initialization)");
            continue;
        }
        if (d->name[7] == 'b') {
            test_blk(d);
        } else {
            test_rng(d);
        }
        if (d->msix && d->name[7] == 'r') {
            test_msix_mask(d);
        }
        if (d->name[7] == 'r' && has_arg("virtio-bench")) {
            bench_rng(d);
            d->requests = d->irqs;          /* counted apart from the checks */
        }
        irqs_expected += d->requests;
        irqs += d->irqs;
    }
    kprintf("virtio-irq: %u requests, %u interrupts, %u stray\n", irqs_expected, irqs,
            stray_irqs);
    check("virtio-irq", irqs >= irqs_expected && irqs_expected > 0, NULL);
}
