/* Machine registry and properties, system address spaces, sysbus devices. */
#include "core/osdep.h"
#include "hw/core/machine.h"
#include "hw/core/sysbus.h"
#include "tests/unit/unit.h"

/* Two machines; riscv/x86 boards are not linked into common unit tests. */
static void board_a_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "board-a";
    mc->desc = "Test board A";
    mc->is_default = true;
    mc->default_ram_size = 256 * MiB;
    mc->default_cpu_type = "test-cpu";
}

static void board_b_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "Test board B";
    mc->alias = "bb";
}

/* A sysbus device: 0x100 bytes of registers and one IRQ output. */
#define TYPE_TEST_SBD "test-sbd"

typedef struct TestSbd {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    qemu_irq irq;
    uint32_t reg;
} TestSbd;

static uint64_t sbd_read(void *opaque, hwaddr addr, unsigned size)
{
    return addr == 0 ? ((TestSbd *)opaque)->reg : 0x55;
}

static void sbd_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    TestSbd *s = opaque;

    s->reg = val;
    /* Writing raises the interrupt output, as a "doorbell". */
    qemu_set_irq(s->irq, val != 0);
}

static const MemoryRegionOps sbd_ops = {
    .read = sbd_read,
    .write = sbd_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

static void sbd_init(Object *obj)
{
    TestSbd *s = (TestSbd *)obj;

    memory_region_init_io(&s->iomem, obj, &sbd_ops, s, "test-sbd", 0x100);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq);
}

static void sbd_finalize(Object *obj)
{
    /* Unparent has unmapped it already (sysbus does on the way out). */
    memory_region_finalize(&((TestSbd *)obj)->iomem);
}

static const TypeInfo machine_test_types[] = {
    { .name = MACHINE_TYPE_NAME("board-a"), .parent = TYPE_MACHINE,
      .class_init = board_a_class_init },
    { .name = MACHINE_TYPE_NAME("board-b"), .parent = TYPE_MACHINE,
      .class_init = board_b_class_init },
    { .name = TYPE_TEST_SBD, .parent = TYPE_SYS_BUS_DEVICE,
      .instance_size = sizeof(TestSbd), .instance_init = sbd_init,
      .instance_finalize = sbd_finalize },
};

static void machine_test_register(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(machine_test_types); i++) {
        type_register_static(&machine_test_types[i]);
    }
}

type_init(machine_test_register)

UNIT_TEST(machine_registry_and_help)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    CHECK(machine_find_class("board-a") ==
          MACHINE_CLASS(object_class_by_name(MACHINE_TYPE_NAME("board-a"))));
    /* No name set: the type name without "-machine"; and by alias. */
    CHECK(machine_find_class("board-b") != NULL);
    CHECK(machine_find_class("bb") == machine_find_class("board-b"));
    CHECK(machine_find_class("board") == NULL);
    CHECK(machine_find_class(NULL) == NULL);
    CHECK(machine_default_class() == machine_find_class("board-a"));

    f = open_memstream(&buf, &len);
    machine_print_list(f);
    fclose(f);
    CHECK_STREQ(buf, "Supported machines are:\n"
                     "board-a              Test board A (default)\n"
                     "bb                   Test board B (alias of board-b)\n"
                     "board-b              Test board B\n");
    free(buf);
}

UNIT_TEST(machine_props_help)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    Error *err = NULL;
    bool ok = machine_print_props(f, "bb", NULL);
    bool bad;

    fclose(f);
    CHECK(ok);
    CHECK_STREQ(buf, "board-b-machine options:\n"
                "  append=<string>        - Linux kernel command line\n"
                "  dtb=<string>           - Linux kernel device tree file\n"
                "  dumpdtb=<string>       - Dump current dtb to a file and quit\n"
                "  firmware=<string>      - Firmware image\n"
                "  initrd=<string>        - Linux initial ramdisk file\n"
                "  kernel=<string>        - Linux kernel image file\n"
                "  memory-backend=<string> - Set RAM backend. Valid value is ID of "
                "hostmem based backend\n");
    free(buf);
    f = open_memstream(&buf, &len);
    bad = !machine_print_props(f, "nope", &err);
    fclose(f);
    free(buf);
    CHECK(bad);
    CHECK_STREQ(error_get_pretty(err), "unsupported machine type: \"nope\"");
    error_free(err);
}

UNIT_TEST(machine_properties)
{
    MachineState *ms = MACHINE(object_new(MACHINE_TYPE_NAME("board-a")));
    Error *err = NULL;

    CHECK_EQ(ms->ram_size, 256 * MiB);
    CHECK_STREQ(ms->cpu_type, "test-cpu");
    CHECK_EQ(ms->smp.cpus, 1);
    CHECK(object_property_parse(OBJECT(ms), "dumpdtb", "out.dtb", NULL));
    CHECK_STREQ(ms->dumpdtb, "out.dtb");
    CHECK(object_property_parse(OBJECT(ms), "kernel", "Image", NULL));
    CHECK(object_property_parse(OBJECT(ms), "append", "console=ttyS0", NULL));
    CHECK(object_property_parse(OBJECT(ms), "initrd", "rd.cpio", NULL));
    CHECK(object_property_parse(OBJECT(ms), "firmware", "none", NULL));
    CHECK(object_property_parse(OBJECT(ms), "memory-backend", "mem0", NULL));
    CHECK(object_property_parse(OBJECT(ms), "dtb", "in.dtb", NULL));
    CHECK_STREQ(ms->kernel_filename, "Image");
    CHECK_STREQ(ms->kernel_cmdline, "console=ttyS0");
    CHECK_STREQ(ms->initrd_filename, "rd.cpio");
    CHECK_STREQ(ms->firmware, "none");
    CHECK_STREQ(ms->memory_backend, "mem0");
    CHECK_STREQ(ms->dtb, "in.dtb");
    CHECK(!object_property_parse(OBJECT(ms), "bogus", "1", &err));
    CHECK_STREQ(error_get_pretty(err), "Property 'board-a-machine.bogus' not found");
    error_free(err);
    object_unref(OBJECT(ms));
}

UNIT_TEST(machine_system_address_spaces)
{
    MemoryRegion *sys = get_system_memory(), *io = get_system_io();

    CHECK(sys == get_system_memory());
    CHECK_STREQ(memory_region_name(sys), "system");
    CHECK_EQ(memory_region_size(sys), UINT64_MAX);
    CHECK_STREQ(get_address_space_memory()->name, "memory");
    CHECK(get_address_space_memory()->root == sys);
    CHECK_STREQ(memory_region_name(io), "io");
    CHECK_EQ(memory_region_size(io), 64 * KiB);
    CHECK_STREQ(get_address_space_io()->name, "I/O");
    CHECK(get_address_space_io()->root == io);
}

static int irq_level = -1;

static void irq_sink(void *opaque, int n, int level)
{
    irq_level = level;
}

static __attribute__((noinline)) char *qtree_text(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    qdev_print_tree(f);
    fclose(f);
    return buf;
}

UNIT_TEST(sysbus_map_irq_and_qtree)
{
    AddressSpace *as = get_address_space_memory();
    qemu_irq sink = qemu_allocate_irq(irq_sink, NULL, 0);
    DeviceState *dev = sysbus_create_simple(TYPE_TEST_SBD, 0x10000000, sink);
    TestSbd *s = (TestSbd *)dev;
    MemTxResult r;
    char *text;

    CHECK(dev->realized);
    CHECK(dev->parent_bus == sysbus_get_default());
    CHECK(sysbus_mmio_get_region(SYS_BUS_DEVICE(dev), 0) == &s->iomem);
    CHECK_EQ(SYS_BUS_DEVICE(dev)->mmio[0].addr, 0x10000000);

    /* Guest accesses at the mapped address reach the device. */
    address_space_stl_le(as, 0x10000000, 0x1234, MEMTXATTRS_UNSPECIFIED, &r);
    CHECK_EQ(r, MEMTX_OK);
    CHECK_EQ(s->reg, 0x1234);
    CHECK_EQ(irq_level, 1);             /* through the wired output */
    CHECK_EQ(address_space_ldl_le(as, 0x10000000, MEMTXATTRS_UNSPECIFIED, NULL), 0x1234);
    address_space_stl_le(as, 0x10000000, 0, MEMTXATTRS_UNSPECIFIED, NULL);
    CHECK_EQ(irq_level, 0);

    /* Remapping moves the window. */
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, 0x20000000);
    CHECK_EQ(address_space_ldl_le(as, 0x20000004, MEMTXATTRS_UNSPECIFIED, NULL), 0x55);
    address_space_ldl_le(as, 0x10000004, MEMTXATTRS_UNSPECIFIED, &r);
    CHECK(r != MEMTX_OK);

    text = qtree_text();
    CHECK_STREQ(text, "bus: main-system-bus\n"
                      "  type System\n"
                      "  dev: test-sbd, id \"\"\n"
                      "    gpio-out \"sysbus-irq\" 1\n"
                      "    mmio 0000000020000000/0000000000000100\n");
    free(text);

    /* Removing the device unmaps its registers. */
    object_unparent(OBJECT(dev));
    address_space_ldl_le(as, 0x20000004, MEMTXATTRS_UNSPECIFIED, &r);
    CHECK(r != MEMTX_OK);
    qemu_free_irq(sink);
}

/* Last: it tears the /machine subtree down. */
UNIT_TEST(machine_becomes_slash_machine)
{
    MachineState *ms;
    DeviceState *dev;
    char *path;

    /* Before a machine exists, devices go below a placeholder /machine. */
    CHECK(sysbus_get_default() != NULL);
    CHECK(strcmp(object_get_typename(object_resolve_path("/machine")), "container") == 0);
    ms = MACHINE(object_new(MACHINE_TYPE_NAME("board-a")));
    current_machine = ms;
    dev = sysbus_create_simple(TYPE_TEST_SBD, (hwaddr)-1, NULL);
    CHECK(object_resolve_path("/machine") == OBJECT(ms));
    CHECK(qdev_get_machine() == OBJECT(ms));
    path = object_get_canonical_path(OBJECT(dev));
    CHECK(g_str_has_prefix(path, "/machine/unattached/device["));
    g_free(path);
    /* The bus made before the machine moved under it. */
    CHECK(object_resolve_path("/machine/unattached/sysbus") ==
          OBJECT(sysbus_get_default()));
    CHECK(OBJECT(sysbus_get_default())->parent->parent == OBJECT(ms));
    CHECK_EQ(SYS_BUS_DEVICE(dev)->mmio[0].addr, (hwaddr)-1);      /* not mapped */

    object_unparent(OBJECT(ms));
    object_unref(OBJECT(ms));
    CHECK(current_machine == NULL);
    CHECK_EQ(sysbus_get_default()->children->len, 0);
}
