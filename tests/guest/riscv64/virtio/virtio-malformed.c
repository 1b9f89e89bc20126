/*
 * A virtio-blk driver in a few lines, over virtio-mmio v2 (virtio 1.2
 * §4.2.3), that first does a good read, then hands the device malformed
 * descriptor chains.  After each, the device must report DEVICE_NEEDS_RESET
 * with a configuration-change interrupt (§2.1.2), complete nothing, and
 * come back after a reset: the emulator stays alive throughout.
 *
 * The disk's first sector starts with "MACHINA-VIRTIO-DISK" (the test
 * writes it).  Machina only: QEMU completes the MMIO-buffer case (it
 * lets DMA reach devices through bounce buffers), which Machina refuses.
 */
#include "test.h"

#define MMIO_BASE 0x10001000UL
#define MMIO_STRIDE 0x1000UL
#define MMIO_SLOTS 8

#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_DEV_FEATURES 0x010
#define R_DEV_FEATURES_SEL 0x014
#define R_DRV_FEATURES 0x020
#define R_DRV_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_INT_STATUS 0x060
#define R_INT_ACK 0x064
#define R_STATUS 0x070
#define R_DESC_LO 0x080
#define R_DESC_HI 0x084
#define R_AVAIL_LO 0x090
#define R_AVAIL_HI 0x094
#define R_USED_LO 0x0a0
#define R_USED_HI 0x0a4

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 0x40

#define QSIZE 8
#define F_NEXT 1
#define F_WRITE 2

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

static struct desc ring_desc[QSIZE] __attribute__((aligned(16)));
static struct {
    uint16_t flags, idx, ring[QSIZE], used_event;
} avail __attribute__((aligned(2)));
static struct {
    uint16_t flags, idx;
    struct { uint32_t id, len; } ring[QSIZE];
    uint16_t avail_event;
} used __attribute__((aligned(4)));

static struct {
    uint32_t type, reserved;
    uint64_t sector;
} hdr;
static uint8_t data[512];
static volatile uint8_t status;
static uintptr_t dev;

static uint32_t rd(unsigned reg)
{
    return mmio_read32(dev + reg);
}

static void wr(unsigned reg, uint32_t v)
{
    mmio_write32(dev + reg, v);
}

static void fence(void)
{
    __asm__ volatile("fence rw, rw" ::: "memory");
}

static void memzero(void *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ((volatile uint8_t *)p)[i] = 0;
    }
}

/* §3.1.1 initialization: VERSION_1 only, one queue of QSIZE. */
static void drv_init(void)
{
    wr(R_STATUS, 0);
    CHECK_EQ(rd(R_STATUS), 0);
    memzero(ring_desc, sizeof(ring_desc));
    memzero(&avail, sizeof(avail));
    memzero(&used, sizeof(used));
    wr(R_STATUS, S_ACK);
    wr(R_STATUS, S_ACK | S_DRIVER);
    wr(R_DEV_FEATURES_SEL, 1);
    CHECK(rd(R_DEV_FEATURES) & 1);                 /* VIRTIO_F_VERSION_1 */
    wr(R_DRV_FEATURES_SEL, 0);
    wr(R_DRV_FEATURES, 0);
    wr(R_DRV_FEATURES_SEL, 1);
    wr(R_DRV_FEATURES, 1);
    wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    CHECK(rd(R_STATUS) & S_FEATURES_OK);
    wr(R_QUEUE_SEL, 0);
    CHECK(rd(R_QUEUE_NUM_MAX) >= QSIZE);
    wr(R_QUEUE_NUM, QSIZE);
    wr(R_DESC_LO, (uint32_t)(uintptr_t)ring_desc);
    wr(R_DESC_HI, 0);
    wr(R_AVAIL_LO, (uint32_t)(uintptr_t)&avail);
    wr(R_AVAIL_HI, 0);
    wr(R_USED_LO, (uint32_t)(uintptr_t)&used);
    wr(R_USED_HI, 0);
    wr(R_QUEUE_READY, 1);
    wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

static void submit(uint16_t head)
{
    avail.ring[avail.idx % QSIZE] = head;
    fence();
    avail.idx++;
    fence();
    wr(R_QUEUE_NOTIFY, 0);
}

/* Poll for the used ring or NEEDS_RESET (the device answers synchronously
 * or soon; bounded so that a silent device fails the test). */
static bool wait_used(uint16_t want)
{
    for (unsigned i = 0; i < 10000000; i++) {
        fence();
        if (*(volatile uint16_t *)&used.idx == want) {
            return true;
        }
        if (rd(R_STATUS) & S_NEEDS_RESET) {
            return false;
        }
    }
    return false;
}

static void good_read(void)
{
    static const char sig[] = "MACHINA-VIRTIO-DISK";

    hdr.type = 0;                   /* VIRTIO_BLK_T_IN */
    hdr.sector = 0;
    status = 0xff;
    memzero(data, sizeof(data));
    ring_desc[0] = (struct desc){ (uintptr_t)&hdr, 16, F_NEXT, 1 };
    ring_desc[1] = (struct desc){ (uintptr_t)data, 512, F_WRITE | F_NEXT, 2 };
    ring_desc[2] = (struct desc){ (uintptr_t)&status, 1, F_WRITE, 0 };
    submit(0);
    CHECK(wait_used(avail.idx));
    CHECK_EQ(status, 0);
    CHECK_EQ(used.ring[0].id, 0);
    CHECK_EQ(used.ring[0].len, 513);
    for (unsigned i = 0; i < sizeof(sig) - 1; i++) {
        CHECK_EQ(data[i], (uint8_t)sig[i]);
    }
    CHECK(!(rd(R_STATUS) & S_NEEDS_RESET));
    wr(R_INT_ACK, rd(R_INT_STATUS));
}

static void expect_needs_reset(const char *what)
{
    uint16_t before = used.idx;

    submit(0);
    CHECK(!wait_used(before + 1));
    CHECK(rd(R_STATUS) & S_NEEDS_RESET);
    CHECK(rd(R_INT_STATUS) & 2);    /* configuration change */
    CHECK_EQ(used.idx, before);
    test_printf("needs reset after %s: ok\n", what);
    drv_init();
    CHECK(!(rd(R_STATUS) & S_NEEDS_RESET));
    good_read();
}

int main(void)
{
    for (unsigned i = 0; i < MMIO_SLOTS && !dev; i++) {
        uintptr_t base = MMIO_BASE + i * MMIO_STRIDE;

        if (mmio_read32(base + R_MAGIC) == 0x74726976 &&
            mmio_read32(base + R_DEVICE_ID) == 2) {
            dev = base;
        }
    }
    CHECK(dev != 0);
    if (!dev) {
        return test_result();
    }
    CHECK_EQ(rd(R_VERSION), 2);
    drv_init();
    good_read();

    /* A chain that loops back on itself. */
    ring_desc[0] = (struct desc){ (uintptr_t)&hdr, 16, F_NEXT, 1 };
    ring_desc[1] = (struct desc){ (uintptr_t)data, 512, F_NEXT, 0 };
    expect_needs_reset("a looping chain");

    /* A next index past the queue. */
    ring_desc[0] = (struct desc){ (uintptr_t)&hdr, 16, F_NEXT, QSIZE + 5 };
    expect_needs_reset("an out-of-range next");

    /* A buffer on a device (the UART) instead of RAM. */
    ring_desc[0] = (struct desc){ (uintptr_t)&hdr, 16, F_NEXT, 1 };
    ring_desc[1] = (struct desc){ UART0_BASE, 512, F_WRITE | F_NEXT, 2 };
    ring_desc[2] = (struct desc){ (uintptr_t)&status, 1, F_WRITE, 0 };
    expect_needs_reset("a buffer in MMIO");

    /* A buffer running off the end of the address space. */
    ring_desc[1] = (struct desc){ 0xfffffffffffffe00ULL, 0x400, F_WRITE | F_NEXT, 2 };
    expect_needs_reset("a wrapping buffer");

    /* A head index beyond the queue. */
    avail.ring[avail.idx % QSIZE] = QSIZE + 1;
    {
        uint16_t before = used.idx;

        fence();
        avail.idx++;
        fence();
        wr(R_QUEUE_NOTIFY, 0);
        CHECK(!wait_used(before + 1));
        CHECK(rd(R_STATUS) & S_NEEDS_RESET);
        test_printf("needs reset after a bad head: ok\n");
    }
    drv_init();
    good_read();
    return test_result();
}
