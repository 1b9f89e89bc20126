/*
 * The riscv virt machine built in-process (not run): its device tree, its
 * memory map as the harts see it, and the reset vector / fw_dynamic_info.
 * One machine per process: devices map into the one system memory.
 */
#include "core/osdep.h"
#include "core/main-loop.h"
#include "hw/core/machine.h"
#include "hw/riscv/virt.h"
#include "target/riscv/cpu.h"
#include "tests/unit/unit.h"

#include <libfdt.h>

/* system/ provides the real one; this keeps the test self-contained. */
__attribute__((weak)) Chardev *serial_hd(int i)
{
    return NULL;
}

static MachineState *machine;

static MachineState *virt_get(void)
{
    Error *err = NULL;

    if (machine) {
        return machine;
    }
    machine = MACHINE(object_new(TYPE_RISCV_VIRT_MACHINE));
    machine->ram_size = 256 * MiB;
    machine->smp.cpus = 2;
    machine->firmware = g_strdup("none");
    machine->kernel_cmdline = g_strdup("console=ttyS0 earlycon");
    if (!virt_machine_build(machine, &err)) {
        unit_fail(__FILE__, __LINE__, "virt_machine_build: %s", error_get_pretty(err));
    }
    return machine;
}

static int node(const char *path)
{
    int off = fdt_path_offset(virt_get()->fdt, path);

    if (off < 0) {
        unit_fail(__FILE__, __LINE__, "no node %s: %s", path, fdt_strerror(off));
    }
    return off;
}

static const void *prop(const char *path, const char *name, int *len)
{
    const void *p = fdt_getprop(virt_get()->fdt, node(path), name, len);

    if (!p) {
        unit_fail(__FILE__, __LINE__, "no property %s in %s", name, path);
    }
    return p;
}

static const char *prop_str(const char *path, const char *name)
{
    return prop(path, name, NULL);
}

static uint32_t prop_cell(const char *path, const char *name, int i)
{
    int len;
    const fdt32_t *c = prop(path, name, &len);

    CHECK(len >= (i + 1) * 4);
    return fdt32_to_cpu(c[i]);
}

static bool compat_has(const char *path, const char *compat)
{
    return fdt_node_check_compatible(virt_get()->fdt, node(path), compat) == 0;
}

static uint32_t phandle_of(const char *path)
{
    return fdt_get_phandle(virt_get()->fdt, node(path));
}

UNIT_TEST(virt_fdt_header_and_root)
{
    MachineState *ms = virt_get();

    CHECK_EQ(fdt_check_header(ms->fdt), 0);
    CHECK_EQ(ms->fdt_size, fdt_totalsize(ms->fdt));
    CHECK_STREQ(prop_str("/", "compatible"), "riscv-virtio");
    CHECK_STREQ(prop_str("/", "model"), "riscv-virtio,qemu");
    CHECK_EQ(prop_cell("/", "#address-cells", 0), 2);
    CHECK_EQ(prop_cell("/", "#size-cells", 0), 2);
}

UNIT_TEST(virt_fdt_cpus)
{
    CHECK_EQ(prop_cell("/cpus", "timebase-frequency", 0), 10000000);
    CHECK_EQ(prop_cell("/cpus", "#address-cells", 0), 1);
    CHECK_EQ(prop_cell("/cpus", "#size-cells", 0), 0);
    for (int i = 0; i < 2; i++) {
        g_autofree char *cpu = g_strdup_printf("/cpus/cpu@%d", i);
        g_autofree char *intc = g_strdup_printf("%s/interrupt-controller", cpu);
        g_autofree char *core = g_strdup_printf("/cpus/cpu-map/cluster0/core%d", i);
        RISCVVirtState *s = RISCV_VIRT_MACHINE(virt_get());
        g_autofree char *isa = riscv_isa_string(s->harts[i]);

        CHECK_STREQ(prop_str(cpu, "device_type"), "cpu");
        CHECK_STREQ(prop_str(cpu, "compatible"), "riscv");
        CHECK_STREQ(prop_str(cpu, "status"), "okay");
        CHECK_EQ(prop_cell(cpu, "reg", 0), i);
        CHECK_STREQ(prop_str(cpu, "riscv,isa"), isa);
        CHECK(!strncmp(isa, "rv64imafdc", 10));
        CHECK_STREQ(prop_str(cpu, "mmu-type"), "riscv,sv48");
        CHECK(compat_has(intc, "riscv,cpu-intc"));
        CHECK(fdt_getprop(virt_get()->fdt, node(intc), "interrupt-controller", NULL));
        CHECK_EQ(prop_cell(intc, "#interrupt-cells", 0), 1);
        CHECK(phandle_of(intc) != 0);
        CHECK_EQ(prop_cell(core, "cpu", 0), phandle_of(cpu));
    }
}

UNIT_TEST(virt_fdt_memory_and_chosen)
{
    CHECK_STREQ(prop_str("/memory@80000000", "device_type"), "memory");
    CHECK_EQ(prop_cell("/memory@80000000", "reg", 1), 0x80000000);
    CHECK_EQ(prop_cell("/memory@80000000", "reg", 3), 256 * MiB);
    CHECK_STREQ(prop_str("/chosen", "stdout-path"), "/soc/serial@10000000");
    CHECK_STREQ(prop_str("/chosen", "bootargs"), "console=ttyS0 earlycon");
    int len;
    prop("/chosen", "rng-seed", &len);
    CHECK_EQ(len, 32);
}

UNIT_TEST(virt_fdt_interrupt_controllers)
{
    uint32_t intc0 = phandle_of("/cpus/cpu@0/interrupt-controller");
    uint32_t intc1 = phandle_of("/cpus/cpu@1/interrupt-controller");
    const char *plic = "/soc/plic@c000000", *clint = "/soc/clint@2000000";
    const uint32_t clint_ie[] = {intc0, 3, intc0, 7, intc1, 3, intc1, 7};
    const uint32_t plic_ie[] = {intc0, 11, intc0, 9, intc1, 11, intc1, 9};
    int len;

    CHECK(compat_has(clint, "sifive,clint0"));
    CHECK(compat_has(clint, "riscv,clint0"));
    CHECK_EQ(prop_cell(clint, "reg", 1), 0x2000000);
    CHECK_EQ(prop_cell(clint, "reg", 3), 0x10000);
    prop(clint, "interrupts-extended", &len);
    CHECK_EQ(len, sizeof(clint_ie));
    for (size_t i = 0; i < ARRAY_SIZE(clint_ie); i++) {
        CHECK_EQ(prop_cell(clint, "interrupts-extended", i), clint_ie[i]);
    }

    CHECK(compat_has(plic, "sifive,plic-1.0.0"));
    CHECK(compat_has(plic, "riscv,plic0"));
    CHECK_EQ(prop_cell(plic, "riscv,ndev", 0), 96);
    CHECK_EQ(prop_cell(plic, "reg", 1), 0xc000000);
    CHECK_EQ(prop_cell(plic, "reg", 3), 0x600000);
    CHECK_EQ(prop_cell(plic, "#interrupt-cells", 0), 1);
    CHECK_EQ(prop_cell(plic, "#address-cells", 0), 0);
    prop(plic, "interrupt-controller", &len);
    CHECK_EQ(len, 0);
    prop(plic, "interrupts-extended", &len);
    CHECK_EQ(len, sizeof(plic_ie));
    for (size_t i = 0; i < ARRAY_SIZE(plic_ie); i++) {
        CHECK_EQ(prop_cell(plic, "interrupts-extended", i), plic_ie[i]);
    }
}

UNIT_TEST(virt_fdt_devices)
{
    uint32_t plic = phandle_of("/soc/plic@c000000");
    uint32_t test = phandle_of("/soc/test@100000");

    CHECK(compat_has("/soc", "simple-bus"));
    CHECK(compat_has("/soc/serial@10000000", "ns16550a"));
    CHECK_EQ(prop_cell("/soc/serial@10000000", "clock-frequency", 0), 3686400);
    CHECK_EQ(prop_cell("/soc/serial@10000000", "interrupts", 0), 10);
    CHECK_EQ(prop_cell("/soc/serial@10000000", "interrupt-parent", 0), plic);
    CHECK_EQ(prop_cell("/soc/serial@10000000", "reg", 3), 0x100);
    CHECK(compat_has("/soc/rtc@101000", "google,goldfish-rtc"));
    CHECK_EQ(prop_cell("/soc/rtc@101000", "interrupts", 0), 11);
    for (int i = 0; i < 8; i++) {
        g_autofree char *p = g_strdup_printf("/soc/virtio_mmio@%x", 0x10001000 + i * 0x1000);
        CHECK(compat_has(p, "virtio,mmio"));
        CHECK_EQ(prop_cell(p, "interrupts", 0), 1 + i);
        CHECK_EQ(prop_cell(p, "interrupt-parent", 0), plic);
    }
    CHECK(compat_has("/soc/test@100000", "sifive,test1"));
    CHECK(compat_has("/soc/test@100000", "sifive,test0"));
    CHECK(compat_has("/soc/test@100000", "syscon"));
    CHECK(compat_has("/poweroff", "syscon-poweroff"));
    CHECK_EQ(prop_cell("/poweroff", "regmap", 0), test);
    CHECK_EQ(prop_cell("/poweroff", "value", 0), 0x5555);
    CHECK(compat_has("/reboot", "syscon-reboot"));
    CHECK_EQ(prop_cell("/reboot", "regmap", 0), test);
    CHECK_EQ(prop_cell("/reboot", "value", 0), 0x7777);
}

UNIT_TEST(virt_memory_map)
{
    AddressSpace *as = get_address_space_memory();

    virt_get();
    /* virtio-mmio slots: "virt", version 2, no device (so Linux skips them). */
    for (int i = 0; i < 8; i++) {
        hwaddr base = 0x10001000 + i * 0x1000;
        CHECK_EQ(address_space_ldl_le(as, base, MEMTXATTRS_UNSPECIFIED, NULL), 0x74726976);
        CHECK_EQ(address_space_ldl_le(as, base + 4, MEMTXATTRS_UNSPECIFIED, NULL), 2);
        CHECK_EQ(address_space_ldl_le(as, base + 8, MEMTXATTRS_UNSPECIFIED, NULL), 0);
    }
    /* UART LSR: THRE | TEMT */
    CHECK_EQ(address_space_ldub(as, 0x10000005, MEMTXATTRS_UNSPECIFIED, NULL), 0x60);
    /* RAM is there and writable at both ends. */
    address_space_stq_le(as, 0x80000000, 0x1122334455667788ULL, MEMTXATTRS_UNSPECIFIED, NULL);
    CHECK_EQ(address_space_ldq_le(as, 0x80000000, MEMTXATTRS_UNSPECIFIED, NULL),
             0x1122334455667788ULL);
    MemTxResult r;
    address_space_ldq_le(as, 0x80000000 + 256 * MiB - 8, MEMTXATTRS_UNSPECIFIED, &r);
    CHECK_EQ(r, MEMTX_OK);
    address_space_ldq_le(as, 0x80000000 + 256 * MiB, MEMTXATTRS_UNSPECIFIED, &r);
    CHECK(r != MEMTX_OK);
    /* mtime ticks, msip reads zero. */
    CHECK_EQ(address_space_ldl_le(as, 0x2000000, MEMTXATTRS_UNSPECIFIED, NULL), 0);
    uint64_t t0 = address_space_ldq_le(as, 0x200bff8, MEMTXATTRS_UNSPECIFIED, NULL);
    g_usleep(1000);
    CHECK(address_space_ldq_le(as, 0x200bff8, MEMTXATTRS_UNSPECIFIED, NULL) > t0);
    /* Goldfish RTC: wall-clock nanoseconds. */
    uint64_t lo = address_space_ldl_le(as, 0x101000, MEMTXATTRS_UNSPECIFIED, NULL);
    uint64_t hi = address_space_ldl_le(as, 0x101004, MEMTXATTRS_UNSPECIFIED, NULL);
    int64_t rtc_s = (int64_t)((hi << 32 | lo) / NANOSECONDS_PER_SECOND);
    CHECK(llabs(rtc_s - (int64_t)time(NULL)) <= 2);
}

UNIT_TEST(virt_reset_vector_and_fdt_in_ram)
{
    MachineState *ms = virt_get();
    RISCVVirtState *s = RISCV_VIRT_MACHINE(ms);
    AddressSpace *as = get_address_space_memory();
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;

    /* 256 MiB RAM: FDT in the last 2 MiB-aligned slot. */
    CHECK_EQ(s->boot.fdt_addr, 0x80000000 + 256 * MiB - 2 * MiB);
    g_autofree uint8_t *blob = g_malloc(ms->fdt_size);
    address_space_read(as, s->boot.fdt_addr, a, blob, ms->fdt_size);
    CHECK(memcmp(blob, ms->fdt, ms->fdt_size) == 0);

    /* auipc t0,0; addi a2,t0,40; csrr a0,mhartid; ld a1,32(t0); ld t0,24(t0); jr t0 */
    const uint32_t code[] = {0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283,
                             0x00028067};
    for (size_t i = 0; i < ARRAY_SIZE(code); i++) {
        CHECK_EQ(address_space_ldl_le(as, 0x1000 + 4 * i, a, NULL), code[i]);
    }
    /* -bios none, no kernel: start of RAM. */
    CHECK_EQ(address_space_ldq_le(as, 0x1000 + 24, a, NULL), 0x80000000);
    CHECK_EQ(address_space_ldq_le(as, 0x1000 + 32, a, NULL), s->boot.fdt_addr);
    CHECK_EQ(address_space_ldq_le(as, 0x1000 + 40, a, NULL), 0x4942534f);
    CHECK_EQ(address_space_ldq_le(as, 0x1000 + 48, a, NULL), 2);
    CHECK_EQ(address_space_ldq_le(as, 0x1000 + 64, a, NULL), 1);      /* next_mode S */
    /* The mask ROM ignores guest writes. */
    address_space_stl_le(as, 0x1000, 0, a, NULL);
    CHECK_EQ(address_space_ldl_le(as, 0x1000, a, NULL), 0x00000297);
    /* Harts enter the ROM. */
    CHECK_EQ(s->harts[0]->env.resetvec, 0x1000);
    CHECK_EQ(s->harts[1]->env.mhartid, 1);
}

UNIT_TEST(virt_reset_restores_images)
{
    MachineState *ms = virt_get();
    RISCVVirtState *s = RISCV_VIRT_MACHINE(ms);
    AddressSpace *as = get_address_space_memory();
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;

    /* The guest scribbles over its device tree; a reset brings it back. */
    address_space_stl_le(as, s->boot.fdt_addr, 0, a, NULL);
    CHECK_EQ(address_space_ldl_be(as, s->boot.fdt_addr, a, NULL) == FDT_MAGIC, 0);
    qemu_devices_reset();
    CHECK_EQ(address_space_ldl_be(as, s->boot.fdt_addr, a, NULL), FDT_MAGIC);
}

UNIT_TEST(virt_sifive_test_finisher)
{
    AddressSpace *as = get_address_space_memory();
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;
    int status = -1;

    virt_get();
    /* (code << 16) | 0x3333: exit with that code. */
    address_space_stl_le(as, 0x100000, (7 << 16) | 0x3333, a, NULL);
    CHECK_EQ(qemu_shutdown_requested(&status), SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    CHECK_EQ(status, 7);
    address_space_stl_le(as, 0x100000, 0x5555, a, NULL);
    CHECK_EQ(qemu_shutdown_requested(&status), SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    CHECK_EQ(status, 0);
    address_space_stl_le(as, 0x100000, 0x7777, a, NULL);
    CHECK_EQ(qemu_reset_requested(), SHUTDOWN_CAUSE_GUEST_RESET);
    /* Anything else does nothing. */
    address_space_stl_le(as, 0x100000, 0x1234, a, NULL);
    CHECK_EQ(qemu_shutdown_requested(&status), SHUTDOWN_CAUSE_NONE);
    CHECK_EQ(qemu_reset_requested(), SHUTDOWN_CAUSE_NONE);
}

UNIT_TEST(virt_too_many_cpus_is_an_error)
{
    Error *err = NULL;
    MachineState *ms = MACHINE(object_new(TYPE_RISCV_VIRT_MACHINE));

    ms->smp.cpus = 9;
    CHECK(!virt_machine_build(ms, &err));
    CHECK(strstr(error_get_pretty(err), "max CPUs") != NULL);
    error_free(err);
    object_unref(OBJECT(ms));
}

UNIT_TEST(virt_machine_class)
{
    MachineClass *mc = machine_find_class("virt");

    CHECK(mc != NULL);
    CHECK_STREQ(mc->desc, "RISC-V VirtIO board");
    CHECK(mc->is_default);
    CHECK_EQ(mc->max_cpus, 8);
    CHECK_EQ(mc->default_ram_size, 128 * MiB);
    CHECK_STREQ(mc->default_cpu_type, "rv64-riscv-cpu");
    CHECK_STREQ(mc->default_accel, "tcg");
}
