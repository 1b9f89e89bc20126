/*
 * The virt machine's flattened device tree, node for node what QEMU's virt
 * board generates for the devices we have (Documentation/devicetree
 * bindings: riscv/cpus.yaml, sifive,plic-1.0.0.yaml, sifive,clint.yaml,
 * serial/8250.yaml, virtio/mmio.yaml, power/reset/syscon-*.yaml).
 *
 * libfdt inserts a new node before its parent's existing subnodes, so nodes
 * are created in reverse of the order they appear in the blob.
 */
#include "hw/riscv/virt.h"
#include "hw/intc/sifive_plic.h"
#include "target/riscv/cpu.h"

#include <libfdt.h>
#include <sys/random.h>

#define FDT_MAX_SIZE (1 * MiB)

/* Path-based libfdt calls that remember the first error. */
typedef struct FdtBuilder {
    void *fdt;
    int err;
    const char *what;           /* path of the first failure */
} FdtBuilder;

static int fb_offset(FdtBuilder *b, const char *path)
{
    int off;

    if (b->err) {
        return -1;
    }
    off = fdt_path_offset(b->fdt, path);
    if (off < 0) {
        b->err = off;
        b->what = path;
    }
    return off;
}

static void fb_check(FdtBuilder *b, int r, const char *path)
{
    if (r < 0 && !b->err) {
        b->err = r;
        b->what = path;
    }
}

static void fb_node(FdtBuilder *b, const char *path)
{
    g_autofree char *parent = g_path_get_dirname(path);
    const char *name = strrchr(path, '/') + 1;
    int off = fb_offset(b, parent);

    if (off >= 0) {
        fb_check(b, fdt_add_subnode(b->fdt, off, name), path);
    }
}

static void fb_prop(FdtBuilder *b, const char *path, const char *name, const void *val,
                    int len)
{
    int off = fb_offset(b, path);

    if (off >= 0) {
        fb_check(b, fdt_setprop(b->fdt, off, name, val, len), path);
    }
}

static void fb_str(FdtBuilder *b, const char *path, const char *name, const char *val)
{
    fb_prop(b, path, name, val, strlen(val) + 1);
}

/* A string list: strs separated by NULs, total length len (with the last NUL). */
static void fb_strlist(FdtBuilder *b, const char *path, const char *name, const char *strs,
                       int len)
{
    fb_prop(b, path, name, strs, len);
}

static void fb_cell(FdtBuilder *b, const char *path, const char *name, uint32_t v)
{
    fdt32_t c = cpu_to_fdt32(v);

    fb_prop(b, path, name, &c, sizeof(c));
}

static void fb_cells(FdtBuilder *b, const char *path, const char *name,
                     const uint32_t *v, int n)
{
    fdt32_t *c = g_new(fdt32_t, n);

    for (int i = 0; i < n; i++) {
        c[i] = cpu_to_fdt32(v[i]);
    }
    fb_prop(b, path, name, c, n * sizeof(*c));
    g_free(c);
}

static void fb_empty(FdtBuilder *b, const char *path, const char *name)
{
    fb_prop(b, path, name, NULL, 0);
}

/* reg = <addr-hi addr-lo size-hi size-lo> with #address-cells = #size-cells = 2 */
static void fb_reg2(FdtBuilder *b, const char *path, uint64_t addr, uint64_t size)
{
    uint32_t reg[4] = {addr >> 32, (uint32_t)addr, size >> 32, (uint32_t)size};

    fb_cells(b, path, "reg", reg, 4);
}

static bool fb_finish(FdtBuilder *b, Error **errp)
{
    if (b->err) {
        error_setg(errp, "device tree: %s at '%s'", fdt_strerror(b->err),
                   b->what ? b->what : "?");
        return false;
    }
    return true;
}

static uint32_t alloc_phandle(RISCVVirtState *s)
{
    return s->phandle_next++;
}

static const char *mmu_type(RISCVCPU *cpu)
{
    if (!cpu->cfg.mmu) {
        return NULL;
    }
    switch (cpu->cfg.satp_mode_max) {
    case 8:
        return "riscv,sv39";
    case 9:
        return "riscv,sv48";
    case 10:
        return "riscv,sv57";
    default:
        return "riscv,none";
    }
}

static void virt_fdt_cpus(RISCVVirtState *s, FdtBuilder *b)
{
    fb_node(b, "/cpus");
    fb_cell(b, "/cpus", "timebase-frequency", VIRT_TIMEBASE_FREQ);
    fb_cell(b, "/cpus", "#size-cells", 0);
    fb_cell(b, "/cpus", "#address-cells", 1);

    fb_node(b, "/cpus/cpu-map");
    fb_node(b, "/cpus/cpu-map/cluster0");
    for (int i = s->num_harts - 1; i >= 0; i--) {
        g_autofree char *core = g_strdup_printf("/cpus/cpu-map/cluster0/core%d", i);
        fb_node(b, core);
        fb_cell(b, core, "cpu", s->cpu_phandle[i]);
    }

    for (int i = s->num_harts - 1; i >= 0; i--) {
        RISCVCPU *cpu = s->harts[i];
        g_autofree char *path = g_strdup_printf("/cpus/cpu@%d", i);
        g_autofree char *intc = g_strdup_printf("%s/interrupt-controller", path);
        g_autofree char *isa = riscv_isa_string(cpu);
        const char *mmu = mmu_type(cpu);

        fb_node(b, path);
        if (mmu) {
            fb_str(b, path, "mmu-type", mmu);
        }
        fb_str(b, path, "riscv,isa", isa ? isa : "rv64");
        fb_str(b, path, "compatible", "riscv");
        fb_str(b, path, "status", "okay");
        fb_cell(b, path, "reg", (uint32_t)cpu->env.mhartid);
        fb_str(b, path, "device_type", "cpu");
        fb_cell(b, path, "phandle", s->cpu_phandle[i]);

        fb_node(b, intc);
        fb_cell(b, intc, "phandle", s->intc_phandle[i]);
        fb_str(b, intc, "compatible", "riscv,cpu-intc");
        fb_empty(b, intc, "interrupt-controller");
        fb_cell(b, intc, "#interrupt-cells", 1);
    }
}

/*
 * The ECAM host as QEMU describes it (Documentation/devicetree/bindings/pci/
 * host-generic-pci.yaml): windows in "ranges" (I/O, 32-bit and 64-bit
 * memory), and INTx of slots 0..3 through the standard swizzle onto PLIC
 * sources VIRT_PCIE_IRQ + (pin + slot) % 4; the mask folds other slots.
 */
static void virt_fdt_pcie(RISCVVirtState *s, FdtBuilder *b)
{
    const MemMapEntry *mm = virt_memmap;
    g_autofree char *path = g_strdup_printf("/soc/pci@%" PRIx64, mm[VIRT_PCIE_ECAM].base);
    uint64_t hb = s->pcie_high_base, hs = VIRT_PCIE_HIGH_MMIO_SIZE;
    uint32_t ranges[] = {
        0x01000000, 0, 0, mm[VIRT_PCIE_PIO].base >> 32, (uint32_t)mm[VIRT_PCIE_PIO].base,
        0, (uint32_t)mm[VIRT_PCIE_PIO].size,
        0x02000000, mm[VIRT_PCIE_MMIO].base >> 32, (uint32_t)mm[VIRT_PCIE_MMIO].base,
        mm[VIRT_PCIE_MMIO].base >> 32, (uint32_t)mm[VIRT_PCIE_MMIO].base,
        mm[VIRT_PCIE_MMIO].size >> 32, (uint32_t)mm[VIRT_PCIE_MMIO].size,
        0x03000000, hb >> 32, (uint32_t)hb, hb >> 32, (uint32_t)hb, hs >> 32, (uint32_t)hs,
    };
    uint32_t map[4 * 4 * 6], mask[4] = {0x1800, 0, 0, 7};
    uint32_t bus_range[2] = {0, mm[VIRT_PCIE_ECAM].size / MiB - 1};
    uint32_t reg[4] = {0, mm[VIRT_PCIE_ECAM].base, 0, mm[VIRT_PCIE_ECAM].size};
    unsigned n = 0;

    for (unsigned slot = 0; slot < 4; slot++) {
        for (unsigned pin = 0; pin < 4; pin++) {
            map[n++] = (slot << 3) << 8;       /* phys.hi: devfn << 8 */
            map[n++] = 0;
            map[n++] = 0;
            map[n++] = pin + 1;                /* INTA = 1 */
            map[n++] = s->plic_phandle;
            map[n++] = VIRT_PCIE_IRQ + (pin + slot) % 4;
        }
    }
    fb_node(b, path);
    fb_cell(b, path, "#address-cells", 3);
    fb_cell(b, path, "#interrupt-cells", 1);
    fb_cell(b, path, "#size-cells", 2);
    fb_str(b, path, "compatible", "pci-host-ecam-generic");
    fb_str(b, path, "device_type", "pci");
    fb_cell(b, path, "linux,pci-domain", 0);
    fb_cells(b, path, "bus-range", bus_range, 2);
    fb_empty(b, path, "dma-coherent");
    fb_cells(b, path, "reg", reg, 4);
    fb_cells(b, path, "ranges", ranges, ARRAY_SIZE(ranges));
    fb_cells(b, path, "interrupt-map", map, n);
    fb_cells(b, path, "interrupt-map-mask", mask, 4);
}

static void virt_fdt_soc(RISCVVirtState *s, FdtBuilder *b)
{
    const MemMapEntry *mm = virt_memmap;
    static const char clint_compat[] = "sifive,clint0\0riscv,clint0";
    static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";
    static const char test_compat[] = "sifive,test1\0sifive,test0\0syscon";
    g_autofree char *clint = g_strdup_printf("/soc/clint@%" PRIx64, mm[VIRT_CLINT].base);
    g_autofree char *plic = g_strdup_printf("/soc/plic@%" PRIx64, mm[VIRT_PLIC].base);
    g_autofree char *test = g_strdup_printf("/soc/test@%" PRIx64, mm[VIRT_TEST].base);
    g_autofree char *uart = g_strdup_printf("/soc/serial@%" PRIx64, mm[VIRT_UART0].base);
    g_autofree char *rtc = g_strdup_printf("/soc/rtc@%" PRIx64, mm[VIRT_RTC].base);
    g_autofree uint32_t *clint_irqs = g_new(uint32_t, s->num_harts * 4);
    g_autofree uint32_t *plic_irqs = g_new(uint32_t, s->num_harts * 4);

    fb_node(b, "/soc");
    fb_empty(b, "/soc", "ranges");
    fb_str(b, "/soc", "compatible", "simple-bus");
    fb_cell(b, "/soc", "#size-cells", 2);
    fb_cell(b, "/soc", "#address-cells", 2);

    /* CLINT: per hart, MSIP then MTIP at that hart's intc. */
    for (unsigned i = 0; i < s->num_harts; i++) {
        clint_irqs[i * 4 + 0] = s->intc_phandle[i];
        clint_irqs[i * 4 + 1] = IRQ_M_SOFT;
        clint_irqs[i * 4 + 2] = s->intc_phandle[i];
        clint_irqs[i * 4 + 3] = IRQ_M_TIMER;
        /* PLIC contexts in order: M external, S external. */
        plic_irqs[i * 4 + 0] = s->intc_phandle[i];
        plic_irqs[i * 4 + 1] = IRQ_M_EXT;
        plic_irqs[i * 4 + 2] = s->intc_phandle[i];
        plic_irqs[i * 4 + 3] = IRQ_S_EXT;
    }
    fb_node(b, clint);
    fb_strlist(b, clint, "compatible", clint_compat, sizeof(clint_compat));
    fb_reg2(b, clint, mm[VIRT_CLINT].base, mm[VIRT_CLINT].size);
    fb_cells(b, clint, "interrupts-extended", clint_irqs, s->num_harts * 4);

    fb_node(b, plic);
    fb_cell(b, plic, "#interrupt-cells", 1);
    fb_cell(b, plic, "#address-cells", 0);
    fb_strlist(b, plic, "compatible", plic_compat, sizeof(plic_compat));
    fb_empty(b, plic, "interrupt-controller");
    fb_cells(b, plic, "interrupts-extended", plic_irqs, s->num_harts * 4);
    fb_reg2(b, plic, mm[VIRT_PLIC].base, mm[VIRT_PLIC].size);
    fb_cell(b, plic, "riscv,ndev", VIRT_IRQCHIP_NUM_SOURCES);
    fb_cell(b, plic, "phandle", s->plic_phandle);

    for (unsigned i = 0; i < VIRT_VIRTIO_COUNT; i++) {
        hwaddr base = mm[VIRT_VIRTIO].base + i * mm[VIRT_VIRTIO].size;
        g_autofree char *path = g_strdup_printf("/soc/virtio_mmio@%" PRIx64, base);
        fb_node(b, path);
        fb_str(b, path, "compatible", "virtio,mmio");
        fb_reg2(b, path, base, mm[VIRT_VIRTIO].size);
        fb_cell(b, path, "interrupt-parent", s->plic_phandle);
        fb_cell(b, path, "interrupts", VIRT_VIRTIO_IRQ + i);
    }

    virt_fdt_pcie(s, b);

    fb_node(b, test);
    fb_strlist(b, test, "compatible", test_compat, sizeof(test_compat));
    fb_reg2(b, test, mm[VIRT_TEST].base, mm[VIRT_TEST].size);
    fb_cell(b, test, "phandle", s->test_phandle);

    fb_node(b, uart);
    fb_str(b, uart, "compatible", "ns16550a");
    fb_reg2(b, uart, mm[VIRT_UART0].base, mm[VIRT_UART0].size);
    fb_cell(b, uart, "clock-frequency", VIRT_UART_CLOCK);
    fb_cell(b, uart, "interrupt-parent", s->plic_phandle);
    fb_cell(b, uart, "interrupts", VIRT_UART0_IRQ);

    fb_node(b, rtc);
    fb_str(b, rtc, "compatible", "google,goldfish-rtc");
    fb_reg2(b, rtc, mm[VIRT_RTC].base, mm[VIRT_RTC].size);
    fb_cell(b, rtc, "interrupt-parent", s->plic_phandle);
    fb_cell(b, rtc, "interrupts", VIRT_RTC_IRQ);
}

/* syscon-poweroff / syscon-reboot through the test device (0x5555 / 0x7777). */
static void virt_fdt_syscon(RISCVVirtState *s, FdtBuilder *b, const char *path,
                            const char *compat, uint32_t value)
{
    fb_node(b, path);
    fb_str(b, path, "compatible", compat);
    fb_cell(b, path, "regmap", s->test_phandle);
    fb_cell(b, path, "offset", 0);
    fb_cell(b, path, "value", value);
}

bool virt_create_fdt(RISCVVirtState *s, Error **errp)
{
    MachineState *ms = MACHINE(s);
    FdtBuilder b = {.fdt = g_malloc0(FDT_MAX_SIZE)};
    g_autofree char *mem = g_strdup_printf("/memory@%" PRIx64, virt_memmap[VIRT_DRAM].base);
    g_autofree char *uart = g_strdup_printf("/soc/serial@%" PRIx64,
                                            virt_memmap[VIRT_UART0].base);
    uint8_t seed[32];

    s->phandle_next = 1;
    fb_check(&b, fdt_create_empty_tree(b.fdt, FDT_MAX_SIZE), "/");
    fb_str(&b, "/", "model", "riscv-virtio,qemu");
    fb_str(&b, "/", "compatible", "riscv-virtio");
    fb_cell(&b, "/", "#size-cells", 2);
    fb_cell(&b, "/", "#address-cells", 2);

    /* Phandles first: nodes refer to nodes created after them. */
    for (unsigned i = 0; i < s->num_harts; i++) {
        s->cpu_phandle[i] = alloc_phandle(s);
        s->intc_phandle[i] = alloc_phandle(s);
    }
    s->plic_phandle = alloc_phandle(s);
    s->test_phandle = alloc_phandle(s);

    /* In reverse of their order in the blob (see the top of the file). */
    virt_fdt_soc(s, &b);
    virt_fdt_cpus(s, &b);

    fb_node(&b, mem);
    fb_reg2(&b, mem, virt_memmap[VIRT_DRAM].base, ms->ram_size);
    fb_str(&b, mem, "device_type", "memory");

    virt_fdt_syscon(s, &b, "/reboot", "syscon-reboot", 0x7777);
    virt_fdt_syscon(s, &b, "/poweroff", "syscon-poweroff", 0x5555);

    fb_node(&b, "/chosen");
    fb_str(&b, "/chosen", "stdout-path", uart);
    /* Entropy for the kernel's early RNG (Documentation: chosen.yaml). */
    if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed)) {
        for (size_t i = 0; i < sizeof(seed); i++) {
            seed[i] = g_random_int();
        }
    }
    fb_prop(&b, "/chosen", "rng-seed", seed, sizeof(seed));

    if (!fb_finish(&b, errp)) {
        g_free(b.fdt);
        return false;
    }
    g_free(ms->fdt);
    ms->fdt = b.fdt;
    ms->fdt_size = fdt_totalsize(b.fdt);
    return true;
}

bool virt_load_dtb(RISCVVirtState *s, const char *path, Error **errp)
{
    MachineState *ms = MACHINE(s);
    g_autofree char *data = NULL;
    gsize len;
    GError *gerr = NULL;
    void *fdt;
    int err;

    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        error_setg(errp, "could not read device tree '%s': %s", path, gerr->message);
        g_error_free(gerr);
        return false;
    }
    if (len < sizeof(struct fdt_header) || (err = fdt_check_header(data)) != 0 ||
        fdt_totalsize(data) > len) {
        error_setg(errp, "'%s' is not a valid device tree blob%s%s", path,
                   len < sizeof(struct fdt_header) ? "" : ": ",
                   len < sizeof(struct fdt_header) ? "" :
                   (fdt_totalsize(data) > len ? "truncated" : fdt_strerror(err)));
        return false;
    }
    /* Room for /chosen additions. */
    gsize size = fdt_totalsize(data) + 64 * KiB;
    fdt = g_malloc0(size);
    err = fdt_open_into(data, fdt, size);
    if (err) {
        error_setg(errp, "device tree '%s': %s", path, fdt_strerror(err));
        g_free(fdt);
        return false;
    }
    g_free(ms->fdt);
    ms->fdt = fdt;
    ms->fdt_size = fdt_totalsize(fdt);
    return true;
}

/* linux,initrd-* as one cell when it fits (as QEMU writes them), else two. */
static void fb_addr(FdtBuilder *b, const char *path, const char *name, uint64_t v)
{
    if (v <= UINT32_MAX) {
        fb_cell(b, path, name, v);
    } else {
        fdt64_t c = cpu_to_fdt64(v);
        fb_prop(b, path, name, &c, sizeof(c));
    }
}

bool virt_fdt_update_chosen(RISCVVirtState *s, Error **errp)
{
    MachineState *ms = MACHINE(s);
    FdtBuilder b = {.fdt = ms->fdt};

    if (fdt_path_offset(ms->fdt, "/chosen") < 0) {
        fb_node(&b, "/chosen");
    }
    if (ms->kernel_cmdline && *ms->kernel_cmdline) {
        fb_str(&b, "/chosen", "bootargs", ms->kernel_cmdline);
    }
    if (s->boot.initrd_loaded) {
        fb_addr(&b, "/chosen", "linux,initrd-start", s->boot.initrd_start);
        fb_addr(&b, "/chosen", "linux,initrd-end", s->boot.initrd_end);
    }
    return fb_finish(&b, errp);
}
