/*
 * The PCI core through the ECAM host, with virtio-rng-pci plugged in:
 * configuration reads of present and absent functions, the capability
 * list a virtio driver walks, BAR sizing and decoding, INTx through the
 * swizzle, MSI-X delivery (masked -> pending -> delivered on unmask), and
 * the virtio common configuration reached through the BAR.
 */
#include "core/osdep.h"
#include "hw/core/machine.h"
#include "hw/pci/pcie-host.h"
#include "tests/unit/unit.h"

#define MSI_RAM 0x7000000ULL        /* a page of RAM in system memory for MSI writes */
#define BAR4_ADDR 0x40000000ULL
#define BAR1_ADDR 0x40010000ULL

typedef struct T {
    DeviceState *host;
    GPEXHost *h;
    DeviceState *dev;
    PCIDevice *pd;
    MemoryRegion *ecam;
    AddressSpace mmio_as;
    MemoryRegion msi_ram;
    qemu_irq lines[GPEX_NUM_IRQS];
    int level[GPEX_NUM_IRQS];
} T;

static void line_set(void *opaque, int n, int level)
{
    ((T *)opaque)->level[n] = level;
}

static uint32_t cfg_rd(T *t, unsigned devfn, unsigned reg, unsigned size)
{
    uint64_t v = 0;

    memory_region_dispatch_read(t->ecam, (devfn << 12) | reg, &v, size,
                                MEMTXATTRS_UNSPECIFIED);
    return v;
}

static void cfg_wr(T *t, unsigned devfn, unsigned reg, uint32_t v, unsigned size)
{
    memory_region_dispatch_write(t->ecam, (devfn << 12) | reg, v, size,
                                 MEMTXATTRS_UNSPECIFIED);
}

static void setup(T *t)
{
    Error *err = NULL;

    memset(t, 0, sizeof(*t));
    t->host = qdev_new(TYPE_GPEX_HOST);
    CHECK(qdev_realize(t->host, NULL, &err));
    t->h = GPEX_HOST(t->host);
    t->ecam = sysbus_mmio_get_region(SYS_BUS_DEVICE(t->host), 0);
    for (int i = 0; i < GPEX_NUM_IRQS; i++) {
        t->lines[i] = qemu_allocate_irq(line_set, t, i);
        sysbus_connect_irq(SYS_BUS_DEVICE(t->host), i, t->lines[i]);
    }
    address_space_init(&t->mmio_as, sysbus_mmio_get_region(SYS_BUS_DEVICE(t->host), 1),
                       "pci-test-mmio");
    CHECK(memory_region_init_ram(&t->msi_ram, NULL, "msi-ram", 4096, &err));
    memory_region_add_subregion(get_system_memory(), MSI_RAM, &t->msi_ram);
    t->dev = qdev_new("virtio-rng-pci");
    CHECK(qdev_realize(t->dev, BUS(t->h->bus), &err));
    CHECK(!err);
    t->pd = PCI_DEVICE(t->dev);
}

static void teardown(T *t)
{
    object_unparent(OBJECT(t->dev));
    object_unref(OBJECT(t->dev));
    object_unparent(OBJECT(t->host));
    object_unref(OBJECT(t->host));
    for (int i = 0; i < GPEX_NUM_IRQS; i++) {
        qemu_free_irq(t->lines[i]);
    }
    address_space_destroy(&t->mmio_as);
    memory_region_del_subregion(get_system_memory(), &t->msi_ram);
    memory_region_finalize(&t->msi_ram);
}

/* Find the vendor capability of a cfg_type (virtio 1.2 §4.1.4). */
static unsigned find_vcap(T *t, unsigned devfn, uint8_t type)
{
    for (unsigned c = cfg_rd(t, devfn, PCI_CAPABILITY_LIST, 1), n = 0; c && n < 48;
         c = cfg_rd(t, devfn, c + 1, 1), n++) {
        if (cfg_rd(t, devfn, c, 1) == PCI_CAP_ID_VNDR && cfg_rd(t, devfn, c + 3, 1) == type) {
            return c;
        }
    }
    return 0;
}

static unsigned find_cap(T *t, unsigned devfn, uint8_t id)
{
    for (unsigned c = cfg_rd(t, devfn, PCI_CAPABILITY_LIST, 1), n = 0; c && n < 48;
         c = cfg_rd(t, devfn, c + 1, 1), n++) {
        if (cfg_rd(t, devfn, c, 1) == id) {
            return c;
        }
    }
    return 0;
}

static void map_bars(T *t)
{
    unsigned d = t->pd->devfn;

    cfg_wr(t, d, PCI_BASE_ADDRESS_0 + 16, (uint32_t)BAR4_ADDR, 4);
    cfg_wr(t, d, PCI_BASE_ADDRESS_0 + 20, BAR4_ADDR >> 32, 4);
    cfg_wr(t, d, PCI_BASE_ADDRESS_0 + 4, (uint32_t)BAR1_ADDR, 4);
    cfg_wr(t, d, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
}

UNIT_TEST(pci_ecam_identifies_functions)
{
    T t;

    setup(&t);
    CHECK_EQ(cfg_rd(&t, 0, PCI_VENDOR_ID, 4), 0x00081b36);
    CHECK_EQ(cfg_rd(&t, 0, PCI_CLASS_DEVICE, 2), 0x0600);
    CHECK_EQ(t.pd->devfn, PCI_DEVFN(1, 0));
    CHECK_EQ(cfg_rd(&t, 8, PCI_VENDOR_ID, 2), 0x1af4);
    CHECK_EQ(cfg_rd(&t, 8, PCI_DEVICE_ID, 2), 0x1044);      /* 0x1040 + rng (4) */
    CHECK_EQ(cfg_rd(&t, 8, PCI_REVISION_ID, 1), 1);
    CHECK_EQ(cfg_rd(&t, 8, PCI_SUBSYSTEM_VENDOR_ID, 2), 0x1af4);
    CHECK(cfg_rd(&t, 8, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
    CHECK_EQ(cfg_rd(&t, 8, PCI_INTERRUPT_PIN, 1), 1);
    /* Absent function, other bus, misaligned: all ones, no crash. */
    CHECK_EQ(cfg_rd(&t, 9, PCI_VENDOR_ID, 4), 0xffffffff);
    CHECK_EQ(cfg_rd(&t, 0x100 | 8, PCI_VENDOR_ID, 2), 0xffff);
    {
        uint64_t v;

        /* Misaligned: refused by the region's access rules. */
        CHECK(memory_region_dispatch_read(t.ecam, (8 << 12) | 1, &v, 2,
                                          MEMTXATTRS_UNSPECIFIED) != MEMTX_OK);
    }
    /* Read-only fields stay. */
    cfg_wr(&t, 8, PCI_VENDOR_ID, 0x12345678, 4);
    CHECK_EQ(cfg_rd(&t, 8, PCI_VENDOR_ID, 2), 0x1af4);
    teardown(&t);
}

UNIT_TEST(pci_virtio_capabilities)
{
    T t;
    unsigned common, notify, isr, pcicfg, msix;

    setup(&t);
    common = find_vcap(&t, 8, 1);
    notify = find_vcap(&t, 8, 2);
    isr = find_vcap(&t, 8, 3);
    pcicfg = find_vcap(&t, 8, 5);
    msix = find_cap(&t, 8, PCI_CAP_ID_MSIX);
    CHECK(common && notify && isr && pcicfg && msix);
    CHECK_EQ(find_vcap(&t, 8, 4), 0);                /* rng has no config space */
    CHECK_EQ(cfg_rd(&t, 8, common + 4, 1), 4);       /* bar */
    CHECK_EQ(cfg_rd(&t, 8, common + 8, 4), 0);       /* offset */
    CHECK_EQ(cfg_rd(&t, 8, isr + 8, 4), 0x1000);
    CHECK_EQ(cfg_rd(&t, 8, notify + 2, 1), 20);      /* cap_len with the multiplier */
    CHECK_EQ(cfg_rd(&t, 8, notify + 16, 4), 4);
    /* MSI-X: 2 vectors (1 queue + config), table and PBA in BAR 1. */
    CHECK_EQ(cfg_rd(&t, 8, msix + 2, 2) & 0x7ff, 1);
    CHECK_EQ(cfg_rd(&t, 8, msix + 4, 4), 0x000 | 1);
    CHECK_EQ(cfg_rd(&t, 8, msix + 8, 4), 0x800 | 1);
    teardown(&t);
}

UNIT_TEST(pci_bar_sizing_and_decoding)
{
    T t;
    uint32_t v = 0;
    unsigned d;

    setup(&t);
    d = t.pd->devfn;
    /* §6.2.5.1: all ones in, size mask and type bits out. */
    cfg_wr(&t, d, PCI_BASE_ADDRESS_0 + 16, 0xffffffff, 4);
    cfg_wr(&t, d, PCI_BASE_ADDRESS_0 + 20, 0xffffffff, 4);
    CHECK_EQ(cfg_rd(&t, d, PCI_BASE_ADDRESS_0 + 16, 4), 0xffffc00c);   /* 16K, 64-bit pref */
    CHECK_EQ(cfg_rd(&t, d, PCI_BASE_ADDRESS_0 + 20, 4), 0xffffffff);
    cfg_wr(&t, d, PCI_BASE_ADDRESS_0 + 4, 0xffffffff, 4);
    CHECK_EQ(cfg_rd(&t, d, PCI_BASE_ADDRESS_0 + 4, 4), 0xfffff000);
    CHECK_EQ(cfg_rd(&t, d, PCI_BASE_ADDRESS_0, 4), 0);                 /* no BAR 0 */
    map_bars(&t);
    CHECK_EQ(t.pd->io_regions[4].addr, BAR4_ADDR);
    /* num_queues in the common configuration, through the BAR. */
    CHECK_EQ(address_space_read(&t.mmio_as, BAR4_ADDR + 18, MEMTXATTRS_UNSPECIFIED, &v, 2),
             MEMTX_OK);
    CHECK_EQ(v, 1);
    /* Memory decoding off: the BAR is gone. */
    cfg_wr(&t, d, PCI_COMMAND, 0, 2);
    CHECK_EQ(t.pd->io_regions[4].addr, PCI_BAR_UNMAPPED);
    CHECK(address_space_read(&t.mmio_as, BAR4_ADDR + 18, MEMTXATTRS_UNSPECIFIED, &v, 2)
          != MEMTX_OK);
    /* A reset clears the command register and the BARs. */
    map_bars(&t);
    device_cold_reset(t.dev);
    CHECK_EQ(cfg_rd(&t, d, PCI_COMMAND, 2), 0);
    CHECK_EQ(cfg_rd(&t, d, PCI_BASE_ADDRESS_0 + 16, 4), 0xc);
    CHECK_EQ(t.pd->io_regions[4].addr, PCI_BAR_UNMAPPED);
    teardown(&t);
}

UNIT_TEST(pci_intx_swizzle_and_disable)
{
    T t;
    unsigned d;

    setup(&t);
    d = t.pd->devfn;
    pci_set_irq(t.pd, 1);
    /* Slot 1, INTA -> line (0 + 1) % 4. */
    CHECK_EQ(t.level[1], 1);
    CHECK(cfg_rd(&t, d, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    cfg_wr(&t, d, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
    CHECK_EQ(t.level[1], 0);
    CHECK(cfg_rd(&t, d, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    cfg_wr(&t, d, PCI_COMMAND, 0, 2);
    CHECK_EQ(t.level[1], 1);
    pci_set_irq(t.pd, 0);
    CHECK_EQ(t.level[1], 0);
    teardown(&t);
}

UNIT_TEST(pci_msix_pending_then_delivered)
{
    T t;
    unsigned d, msix;
    uint32_t got = 0, pba = 0;
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;

    setup(&t);
    d = t.pd->devfn;
    msix = find_cap(&t, d, PCI_CAP_ID_MSIX);
    map_bars(&t);
    /* Vector 0 -> MSI_RAM, data 0x4321, still masked. */
    address_space_stl_le(&t.mmio_as, BAR1_ADDR + 0, (uint32_t)MSI_RAM, a, NULL);
    address_space_stl_le(&t.mmio_as, BAR1_ADDR + 4, 0, a, NULL);
    address_space_stl_le(&t.mmio_as, BAR1_ADDR + 8, 0x4321, a, NULL);
    cfg_wr(&t, d, msix + 2, 0x8000 | 1, 2);                   /* enable */
    CHECK(msix_enabled(t.pd));
    msix_notify(t.pd, 0);
    address_space_read(get_address_space_memory(), MSI_RAM, a, &got, 4);
    CHECK_EQ(got, 0);
    address_space_read(&t.mmio_as, BAR1_ADDR + 0x800, a, &pba, 4);
    CHECK_EQ(pba & 1, 1);
    /* Unmasking delivers the pending message. */
    address_space_stl_le(&t.mmio_as, BAR1_ADDR + 12, 0, a, NULL);
    address_space_read(get_address_space_memory(), MSI_RAM, a, &got, 4);
    CHECK_EQ(got, 0x4321);
    address_space_read(&t.mmio_as, BAR1_ADDR + 0x800, a, &pba, 4);
    CHECK_EQ(pba & 1, 0);
    /* With MSI-X on, INTx stays quiet; out-of-range vectors are ignored. */
    pci_set_irq(t.pd, 1);
    CHECK_EQ(t.level[1], 0);
    pci_set_irq(t.pd, 0);
    msix_notify(t.pd, 99);
    teardown(&t);
}

/* MSI routes as a fake interrupt controller keeps them (PCIMSIRouteOps). */
typedef struct FakeRoutes {
    int next_virq;
    int adds, updates, releases, attaches, detaches;
    uint64_t addr;
    uint32_t data;
    int live_fd;                    /* the attached irqfd, -1: none */
    bool fail_update;               /* the controller refuses the next update */
} FakeRoutes;

static int fake_add(void *opaque, uint64_t addr, uint32_t data)
{
    FakeRoutes *f = opaque;

    f->adds++;
    f->addr = addr;
    f->data = data;
    return f->next_virq++;
}

static int fake_update(void *opaque, int virq, uint64_t addr, uint32_t data)
{
    FakeRoutes *f = opaque;

    f->updates++;
    if (f->fail_update) {
        f->fail_update = false;
        return -EINVAL;
    }
    f->addr = addr;
    f->data = data;
    return 0;
}

static void fake_release(void *opaque, int virq)
{
    ((FakeRoutes *)opaque)->releases++;
}

static bool fake_irqfd(void *opaque, int virq, int fd, bool assign)
{
    FakeRoutes *f = opaque;

    if (assign) {
        f->attaches++;
        f->live_fd = fd;
    } else {
        f->detaches++;
        f->live_fd = -1;
    }
    return true;
}

static const PCIMSIRouteOps fake_ops = {
    .add = fake_add, .update = fake_update, .release = fake_release, .irqfd = fake_irqfd,
};

/*
 * A vector with an irqfd gets a route only while it can fire (MSI-X on,
 * function and vector unmasked, bus master); the route follows the table
 * entry; masking detaches the irqfd so the device falls back to the
 * pending bit; taking the irqfd away releases the route.
 */
UNIT_TEST(pci_msix_irqfd_route_follows_table_and_masks)
{
    T t;
    FakeRoutes f = { .next_virq = 24, .live_fd = -1 };
    unsigned d, msix;
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;

    setup(&t);
    pci_bus_set_msi_ops(t.h->bus, &fake_ops, &f);
    d = t.pd->devfn;
    msix = find_cap(&t, d, PCI_CAP_ID_MSIX);
    map_bars(&t);
    CHECK(msix_vector_set_irqfd(t.pd, 0, 42));
    CHECK(!msix_vector_irqfd_active(t.pd, 0));       /* MSI-X still off */
    CHECK_EQ(f.adds, 0);
    address_space_stl_le(&t.mmio_as, BAR1_ADDR + 0, 0xfee01000, a, NULL);
    address_space_stl_le(&t.mmio_as, BAR1_ADDR + 4, 0, a, NULL);
    address_space_stl_le(&t.mmio_as, BAR1_ADDR + 8, 0x41, a, NULL);
    cfg_wr(&t, d, msix + 2, 0x8000 | 1, 2);
    CHECK(!msix_vector_irqfd_active(t.pd, 0));       /* vector masked (reset state) */
    address_space_stl_le(&t.mmio_as, BAR1_ADDR + 12, 0, a, NULL);
    CHECK(msix_vector_irqfd_active(t.pd, 0));
    CHECK_EQ(f.adds, 1);
    CHECK_EQ(f.addr, 0xfee01000);
    CHECK_EQ(f.data, 0x41);
    CHECK_EQ(f.live_fd, 42);
    /* The guest points the vector elsewhere: the route is updated in place. */
    address_space_stl_le(&t.mmio_as, BAR1_ADDR + 8, 0x52, a, NULL);
    CHECK_EQ(f.updates, 1);
    CHECK_EQ(f.data, 0x52);
    CHECK_EQ(f.adds, 1);
    /* Masking the vector, then the function, then bus mastering: detached. */
    address_space_stl_le(&t.mmio_as, BAR1_ADDR + 12, 1, a, NULL);
    CHECK(!msix_vector_irqfd_active(t.pd, 0));
    CHECK_EQ(f.live_fd, -1);
    address_space_stl_le(&t.mmio_as, BAR1_ADDR + 12, 0, a, NULL);
    CHECK(msix_vector_irqfd_active(t.pd, 0));
    cfg_wr(&t, d, msix + 2, 0x8000 | 0x4000 | 1, 2);
    CHECK(!msix_vector_irqfd_active(t.pd, 0));
    cfg_wr(&t, d, msix + 2, 0x8000 | 1, 2);
    CHECK(msix_vector_irqfd_active(t.pd, 0));
    cfg_wr(&t, d, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    CHECK(!msix_vector_irqfd_active(t.pd, 0));
    cfg_wr(&t, d, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    CHECK(msix_vector_irqfd_active(t.pd, 0));
    CHECK_EQ(f.adds, 1);                              /* one route all along */
    /* A route the controller will not update must not fire stale: the
     * irqfd detaches and the route goes; the next change tries afresh. */
    f.fail_update = true;
    address_space_stl_le(&t.mmio_as, BAR1_ADDR + 8, 0x63, a, NULL);
    CHECK(!msix_vector_irqfd_active(t.pd, 0));
    CHECK_EQ(f.releases, 1);
    address_space_stl_le(&t.mmio_as, BAR1_ADDR + 8, 0x64, a, NULL);
    CHECK(msix_vector_irqfd_active(t.pd, 0));
    CHECK_EQ(f.adds, 2);
    CHECK_EQ(f.data, 0x64);
    /* Withdrawn: detached and released. */
    CHECK(msix_vector_set_irqfd(t.pd, 0, -1));
    CHECK(!msix_vector_irqfd_active(t.pd, 0));
    CHECK_EQ(f.releases, 2);
    CHECK_EQ(f.attaches, f.detaches);
    /* Without routes on the bus, no irqfd. */
    pci_bus_set_msi_ops(t.h->bus, NULL, NULL);
    CHECK(!msix_vector_set_irqfd(t.pd, 1, 43));
    teardown(&t);
}
