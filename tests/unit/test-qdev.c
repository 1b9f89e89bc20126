/* Devices and buses: realize, tree names, GPIOs, reset, qtree and help text. */
#include "core/osdep.h"
#include "hw/core/sysbus.h"
#include "hw/core/qdev-properties-system.h"
#include "tests/unit/unit.h"

#define TYPE_TEST_DEV "test-dev"
#define TYPE_TEST_LEAF "test-leaf"
#define TYPE_TEST_CTRL "test-ctrl"
#define TYPE_TEST_BUS "test-bus"
#define TYPE_TEST_DISK "test-disk"

typedef struct TestDev {
    DeviceState parent_obj;
    uint32_t num;
    bool fail;
    char *label;
    uint64_t size;
    qemu_irq out[2];
    qemu_irq alarm;
    int level[4];
    int events;
} TestDev;

static GString *log_buf;

static void log_add(const char *fmt, ...) PRINTF_FMT(1, 2);
static void log_add(const char *fmt, ...)
{
    va_list ap;

    if (!log_buf) {
        log_buf = g_string_new("");
    }
    va_start(ap, fmt);
    g_string_append_vprintf(log_buf, fmt, ap);
    va_end(ap);
    g_string_append_c(log_buf, ' ');
}

static const char *log_take(void)
{
    static char *last;

    g_free(last);
    last = g_strdup(log_buf ? log_buf->str : "");
    if (log_buf) {
        g_string_truncate(log_buf, 0);
    }
    return last;
}

static void test_dev_in(void *opaque, int n, int level)
{
    TestDev *t = opaque;

    t->level[n] = level;
    t->events++;
}

static void test_dev_init(Object *obj)
{
    TestDev *t = (TestDev *)obj;

    qdev_init_gpio_in(DEVICE(obj), test_dev_in, 2);
    qdev_init_gpio_in_named(DEVICE(obj), test_dev_in, "wake", 1);
    qdev_init_gpio_out(DEVICE(obj), t->out, 2);
    qdev_init_gpio_out_named(DEVICE(obj), &t->alarm, "alarm", 1);
}

static void test_dev_realize(DeviceState *dev, Error **errp)
{
    TestDev *t = (TestDev *)dev;

    if (t->fail) {
        error_setg(errp, "test-dev %u: refusing to realize", t->num);
        return;
    }
    log_add("realize%u", t->num);
}

static void test_dev_unrealize(DeviceState *dev)
{
    log_add("unrealize%u", ((TestDev *)dev)->num);
}

static void test_dev_reset(DeviceState *dev)
{
    log_add("reset%u", ((TestDev *)dev)->num);
}

static const Property test_dev_props[] = {
    DEFINE_PROP_UINT32("num", TestDev, num, 0),
    DEFINE_PROP_BOOL("fail", TestDev, fail, false),
    DEFINE_PROP_STRING("label", TestDev, label),
    DEFINE_PROP_SIZE("size", TestDev, size, 1 * MiB),
    DEFINE_PROP_END_OF_LIST(),
};

static void test_dev_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = test_dev_realize;
    dc->unrealize = test_dev_unrealize;
    dc->reset = test_dev_reset;
    dc->user_creatable = true;
    dc->category = DEVICE_CATEGORY_MISC;
    dc->desc = "a test device";
    object_class_set_props(oc, test_dev_props);
}

/* A sysbus-style device and a controller with a child bus. */
static void test_leaf_class_init(ObjectClass *oc, void *data)
{
    DEVICE_CLASS(oc)->bus_type = TYPE_SYSTEM_BUS;
    DEVICE_CLASS(oc)->user_creatable = false;
}

static void test_ctrl_realize(DeviceState *dev, Error **errp)
{
    test_dev_realize(dev, errp);
    qbus_new(TYPE_TEST_BUS, dev, NULL);
}

static void test_ctrl_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->bus_type = TYPE_SYSTEM_BUS;
    dc->realize = test_ctrl_realize;
    dc->user_creatable = false;     /* would be inherited from test-dev */
    dc->category = DEVICE_CATEGORY_BRIDGE;
}

static const Property test_disk_props[] = {
    DEFINE_PROP_INT32("bootindex", TestDev, level[0], -1),
    DEFINE_PROP_END_OF_LIST(),
};

static void test_disk_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->bus_type = TYPE_TEST_BUS;
    dc->category = DEVICE_CATEGORY_STORAGE;
    dc->user_creatable = true;
    dc->desc = "a test disk";
    dc->hotpluggable = true;
    object_class_set_props(oc, test_disk_props);
}

static void test_bus_print_dev(FILE *f, DeviceState *dev, int indent)
{
    fprintf(f, "%*sslot %u\n", indent, "", ((TestDev *)dev)->num);
}

static void test_bus_class_init(ObjectClass *oc, void *data)
{
    ((BusClass *)oc)->print_dev = test_bus_print_dev;
    ((BusClass *)oc)->max_dev = 1;      /* one disk per controller */
}

static const TypeInfo qdev_test_types[] = {
    { .name = TYPE_TEST_DEV, .parent = TYPE_DEVICE, .instance_size = sizeof(TestDev),
      .instance_init = test_dev_init, .class_init = test_dev_class_init },
    { .name = TYPE_TEST_LEAF, .parent = TYPE_TEST_DEV, .class_init = test_leaf_class_init },
    { .name = TYPE_TEST_CTRL, .parent = TYPE_TEST_DEV, .class_init = test_ctrl_class_init },
    { .name = TYPE_TEST_DISK, .parent = TYPE_TEST_DEV, .class_init = test_disk_class_init },
    { .name = TYPE_TEST_BUS, .parent = TYPE_BUS, .class_init = test_bus_class_init },
};

static void qdev_test_register(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(qdev_test_types); i++) {
        type_register_static(&qdev_test_types[i]);
    }
}

type_init(qdev_test_register)

static DeviceState *new_dev(const char *type, unsigned num)
{
    DeviceState *dev = qdev_new(type);

    qdev_prop_set_uint32(dev, "num", num);
    return dev;
}

static __attribute__((noinline)) char *print_to_string(void (*fn)(FILE *f))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    fn(f);
    fclose(f);
    return buf;
}

UNIT_TEST(qdev_realize_names_and_ids)
{
    DeviceState *a = new_dev(TYPE_TEST_DEV, 1);
    DeviceState *b = new_dev(TYPE_TEST_LEAF, 2);
    DeviceState *c = new_dev(TYPE_TEST_DEV, 3);
    char *pa, *pb;
    Error *err = NULL;

    log_take();
    CHECK(qdev_realize(a, NULL, &err));
    CHECK(err == NULL);
    CHECK(a->realized);
    CHECK(a->parent_bus == NULL);               /* bus-less, like a CPU */
    CHECK(qdev_realize_and_unref(b, NULL, NULL));
    CHECK(b->parent_bus == sysbus_get_default());
    CHECK(object_property_parse(OBJECT(c), "id", "mydev", NULL));
    CHECK(qdev_realize(c, NULL, NULL));
    CHECK(qdev_realize(c, NULL, NULL));         /* idempotent */
    CHECK_STREQ(log_take(), "realize1 realize2 realize3 ");

    pa = object_get_canonical_path(OBJECT(a));
    pb = object_get_canonical_path(OBJECT(b));
    CHECK(g_str_has_prefix(pa, "/machine/unattached/device["));
    CHECK(g_str_has_prefix(pb, "/machine/unattached/device["));
    CHECK(strcmp(pa, pb) != 0);
    CHECK(object_resolve_path(pa) == OBJECT(a));
    g_free(pa);
    g_free(pb);
    CHECK(object_resolve_path("/machine/peripheral/mydev") == OBJECT(c));
    CHECK(qdev_find_by_id("mydev") == c);
    CHECK(qdev_find_by_id("nope") == NULL);
    CHECK(object_resolve_path("/machine/unattached/sysbus") ==
          OBJECT(sysbus_get_default()));

    /* The same id twice is refused. */
    DeviceState *d = new_dev(TYPE_TEST_DEV, 4);
    CHECK(object_property_parse(OBJECT(d), "id", "mydev", NULL));
    CHECK(!qdev_realize(d, NULL, &err));
    CHECK_STREQ(error_get_pretty(err), "Duplicate ID 'mydev' for device");
    error_free(err);
    err = NULL;
    object_unref(OBJECT(d));

    /* Unparenting unrealizes and frees; the bus lets go of it too. */
    object_unparent(OBJECT(b));
    CHECK_EQ(sysbus_get_default()->children->len, 0);
    object_unparent(OBJECT(c));
    CHECK(qdev_find_by_id("mydev") == NULL);
    CHECK_STREQ(log_take(), "unrealize2 unrealize3 ");
    object_unparent(OBJECT(a));
    object_unref(OBJECT(a));
    object_unref(OBJECT(c));
}

UNIT_TEST(qdev_realize_failure_and_bus_checks)
{
    DeviceState *dev = new_dev(TYPE_TEST_LEAF, 7);
    DeviceState *disk = new_dev(TYPE_TEST_DISK, 8);
    Error *err = NULL;

    qdev_prop_set_bit(dev, "fail", true);
    CHECK(!qdev_realize(dev, NULL, &err));
    CHECK(err != NULL);
    CHECK_STREQ(error_get_pretty(err), "test-dev 7: refusing to realize");
    error_free(err);
    err = NULL;
    CHECK(!dev->realized);
    CHECK(dev->parent_bus == NULL);
    CHECK(OBJECT(dev)->parent == NULL);
    CHECK_EQ(sysbus_get_default()->children->len, 0);
    /* Fixing the property makes the next attempt succeed. */
    qdev_prop_set_bit(dev, "fail", false);
    CHECK(qdev_realize(dev, NULL, &err));

    /* A disk needs a test-bus: none given, and the wrong one given. */
    CHECK(!qdev_realize(disk, NULL, &err));
    CHECK_STREQ(error_get_pretty(err), "No 'test-bus' bus found for device 'test-disk'");
    error_free(err);
    err = NULL;
    CHECK(!qdev_realize(disk, sysbus_get_default(), &err));
    CHECK_STREQ(error_get_pretty(err), "Device 'test-disk' can't go on System bus");
    error_free(err);
    CHECK(!disk->realized);
    object_unref(OBJECT(disk));
    object_unparent(OBJECT(dev));
    object_unref(OBJECT(dev));
    log_take();
}

UNIT_TEST(qdev_gpio_wiring)
{
    DeviceState *src = new_dev(TYPE_TEST_DEV, 1);
    DeviceState *dst = new_dev(TYPE_TEST_DEV, 2);
    TestDev *s = (TestDev *)src, *d = (TestDev *)dst;

    qdev_connect_gpio_out(src, 1, qdev_get_gpio_in(dst, 0));
    qdev_connect_gpio_out_named(src, "alarm", 0, qdev_get_gpio_in_named(dst, "wake", 0));
    /* The device raises its own field and the target's handler runs. */
    qemu_irq_raise(s->out[1]);
    CHECK_EQ(d->level[0], 1);
    CHECK_EQ(d->events, 1);
    qemu_irq_lower(s->out[1]);
    CHECK_EQ(d->level[0], 0);
    qemu_set_irq(s->alarm, 5);
    CHECK_EQ(d->level[0], 5);       /* "wake" line 0 is its own list's line 0 */
    CHECK_EQ(d->events, 3);
    /* Unconnected outputs are silent. */
    qemu_irq_pulse(s->out[0]);
    CHECK_EQ(d->events, 3);
    qemu_set_irq(qdev_get_gpio_in(dst, 1), 1);
    CHECK_EQ(d->level[1], 1);
    object_unref(OBJECT(src));
    object_unref(OBJECT(dst));
}

static void reset_handler(void *opaque)
{
    log_add("handler-%s", (const char *)opaque);
}

UNIT_TEST(qdev_reset_order)
{
    DeviceState *d3 = new_dev(TYPE_TEST_DEV, 3);
    DeviceState *d1 = new_dev(TYPE_TEST_LEAF, 1);
    DeviceState *d2 = new_dev(TYPE_TEST_DEV, 2);
    DeviceState *unrealized = new_dev(TYPE_TEST_DEV, 9);

    qemu_register_reset(reset_handler, "a");
    qemu_register_reset(reset_handler, "b");
    /* Realized in another order than created: reset follows creation. */
    CHECK(qdev_realize(d1, NULL, NULL));
    CHECK(qdev_realize(d2, NULL, NULL));
    CHECK(qdev_realize(d3, NULL, NULL));
    log_take();
    qemu_devices_reset();
    CHECK_STREQ(log_take(), "reset3 reset1 reset2 handler-a handler-b ");
    qemu_unregister_reset(reset_handler, "a");
    device_cold_reset(d2);
    CHECK_STREQ(log_take(), "reset2 ");
    qemu_devices_reset();
    CHECK_STREQ(log_take(), "reset3 reset1 reset2 handler-b ");
    qemu_unregister_reset(reset_handler, "b");
    for (DeviceState **p = (DeviceState *[]){ d1, d2, d3, NULL }; *p; p++) {
        object_unparent(OBJECT(*p));
        object_unref(OBJECT(*p));
    }
    object_unref(OBJECT(unrealized));
    log_take();
}

UNIT_TEST(qdev_qtree_text_and_child_buses)
{
    DeviceState *leaf = new_dev(TYPE_TEST_LEAF, 1);
    DeviceState *ctrl = new_dev(TYPE_TEST_CTRL, 2);
    DeviceState *disk = new_dev(TYPE_TEST_DISK, 5);
    BusState *bus;
    char *text;

    qdev_prop_set_string(leaf, "label", "hello");
    CHECK(object_property_parse(OBJECT(ctrl), "id", "ctl", NULL));
    CHECK(object_property_parse(OBJECT(ctrl), "size", "1.5G", NULL));
    CHECK(qdev_realize_and_unref(leaf, NULL, NULL));
    CHECK(qdev_realize_and_unref(ctrl, NULL, NULL));
    bus = qdev_get_child_bus(ctrl, "ctl.0");
    CHECK(bus != NULL);
    CHECK(bus->realized);
    CHECK(object_resolve_path("/machine/peripheral/ctl/ctl.0") == OBJECT(bus));
    CHECK(qdev_realize_and_unref(disk, bus, NULL));
    /* Without a parent id: the type and a counter per bus type. */
    bus = qbus_new(TYPE_TEST_BUS, NULL, NULL);      /* not in the qtree */
    CHECK_STREQ(bus->name, "test-bus.0");
    object_unref(OBJECT(bus));
    bus = qbus_new(TYPE_TEST_BUS, disk, NULL);
    CHECK_STREQ(bus->name, "test-bus.1");
    bus = qbus_new(TYPE_TEST_BUS, disk, NULL);
    CHECK_STREQ(bus->name, "test-bus.2");
    CHECK(qdev_get_child_bus(disk, "test-bus.2") == bus);

    text = print_to_string(qdev_print_tree);
    CHECK_STREQ(text,
        "bus: main-system-bus\n"
        "  type System\n"
        "  dev: test-ctrl, id \"ctl\"\n"
        "    gpio-out \"alarm\" 1\n"
        "    gpio-in \"wake\" 1\n"
        "    gpio-in \"\" 2\n"
        "    gpio-out \"\" 2\n"
        "    num = 2 (0x2)\n"
        "    fail = false\n"
        "    label = \"\"\n"
        "    size = 1610612736 (1.5 GiB)\n"
        "    bus: ctl.0\n"
        "      type test-bus\n"
        "      dev: test-disk, id \"\"\n"
        "        gpio-out \"alarm\" 1\n"
        "        gpio-in \"wake\" 1\n"
        "        gpio-in \"\" 2\n"
        "        gpio-out \"\" 2\n"
        "        bootindex = -1 (0xffffffffffffffff)\n"
        "        num = 5 (0x5)\n"
        "        fail = false\n"
        "        label = \"\"\n"
        "        size = 1048576 (1 MiB)\n"
        "        slot 5\n"
        "        bus: test-bus.1\n"
        "          type test-bus\n"
        "        bus: test-bus.2\n"
        "          type test-bus\n"
        "  dev: test-leaf, id \"\"\n"
        "    gpio-out \"alarm\" 1\n"
        "    gpio-in \"wake\" 1\n"
        "    gpio-in \"\" 2\n"
        "    gpio-out \"\" 2\n"
        "    num = 1 (0x1)\n"
        "    fail = false\n"
        "    label = \"hello\"\n"
        "    size = 1048576 (1 MiB)\n");
    free(text);

    /* Removing the controller takes the disk on its bus with it. */
    log_take();
    object_unparent(OBJECT(ctrl));
    CHECK_STREQ(log_take(), "unrealize5 unrealize2 ");
    object_unparent(OBJECT(leaf));
    CHECK_EQ(sysbus_get_default()->children->len, 0);
    log_take();
}

/* -device NAME,help output, or NULL with *errp on error (nothing printed). */
static __attribute__((noinline)) char *props_text(const char *type, Error **errp)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    bool ok = qdev_print_device_props(f, type, errp);

    fclose(f);
    if (!ok) {
        if (len) {
            unit_fail(__FILE__, __LINE__, "printed on error: %s", buf);
        }
        free(buf);
        return NULL;
    }
    return buf;
}

UNIT_TEST(qdev_device_help_texts)
{
    char *text = print_to_string(qdev_print_device_list);
    Error *err = NULL;

    /* Only user-creatable types; headings in QEMU's order. */
    CHECK(strstr(text, "Storage devices:\nname \"test-disk\", bus test-bus, "
                      "desc \"a test disk\"\n") != NULL);
    CHECK(strstr(text, "\nMisc devices:\n") != NULL);
    CHECK(strstr(text, "name \"test-dev\", desc \"a test device\"\n") != NULL);
    CHECK(strstr(text, "test-leaf") == NULL);
    CHECK(strstr(text, "test-ctrl") == NULL);
    CHECK(strstr(text, "Storage devices:") < strstr(text, "Misc devices:"));
    free(text);

    text = props_text(TYPE_TEST_DISK, NULL);
    CHECK_STREQ(text,
        "test-disk options:\n"
        "  bootindex=<int32>      -  (default: -1)\n"
        "  fail=<bool>            - on/off (default: false)\n"
        "  label=<str>\n"
        "  num=<uint32>           -  (default: 0)\n"
        "  size=<size>            -  (default: 1048576)\n");
    free(text);

    CHECK(props_text("foo", &err) == NULL);
    CHECK_STREQ(error_get_pretty(err), "Device 'foo' not found");
    error_free(err);
    err = NULL;
    CHECK(props_text(TYPE_OBJECT, &err) == NULL);
    CHECK_STREQ(error_get_pretty(err), "Device 'object' not found");
    error_free(err);
    err = NULL;
    CHECK(props_text(TYPE_DEVICE, &err) == NULL);
    CHECK_STREQ(error_get_pretty(err),
                "Parameter 'typename' expects a non-abstract device type");
    error_free(err);
}

static DeviceState *add(const char *driver, const char *opts, Error **errp)
{
    GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
    gchar **kv = g_strsplit(opts, ",", -1);
    DeviceState *dev;

    for (int i = 0; kv[i] && *kv[i]; i++) {
        char *eq = strchr(kv[i], '=');

        g_ptr_array_add(keys, g_strndup(kv[i], eq - kv[i]));
        g_ptr_array_add(vals, g_strdup(eq + 1));
    }
    g_strfreev(kv);
    dev = qdev_device_add(driver, keys, vals, errp);
    g_ptr_array_free(keys, true);
    g_ptr_array_free(vals, true);
    return dev;
}

static void check_add_error(const char *driver, const char *opts, const char *msg)
{
    Error *err = NULL;

    CHECK(add(driver, opts, &err) == NULL);
    CHECK(err != NULL);
    CHECK_STREQ(error_get_pretty(err), msg);
    error_free(err);
}

UNIT_TEST(qdev_device_add_and_del)
{
    DeviceState *a = new_dev(TYPE_TEST_CTRL, 1), *b = new_dev(TYPE_TEST_CTRL, 2);
    DeviceState *d1, *d2, *d3;
    Error *err = NULL;
    char *pa;

    CHECK(object_property_parse(OBJECT(a), "id", "ctlA", NULL));
    CHECK(object_property_parse(OBJECT(b), "id", "ctlB", NULL));
    CHECK(qdev_realize_and_unref(a, NULL, NULL));
    CHECK(qdev_realize_and_unref(b, NULL, NULL));
    CHECK(qbus_find("ctlA.0") == qdev_get_child_bus(a, "ctlA.0"));
    CHECK(qbus_find("ctlB/ctlB.0") == qdev_get_child_bus(b, "ctlB.0"));
    CHECK(qbus_find("/machine/peripheral/ctlA/ctlA.0") == qdev_get_child_bus(a, "ctlA.0"));
    CHECK(qbus_find("main-system-bus") == sysbus_get_default());
    CHECK(qbus_find("nope") == NULL);

    /* No bus given: the newest bus of the right type with room. */
    d1 = add(TYPE_TEST_DISK, "id=disk1,num=3", &err);
    CHECK(err == NULL);
    CHECK(d1 && d1->parent_bus == qdev_get_child_bus(b, "ctlB.0"));
    CHECK_EQ(((TestDev *)d1)->num, 3);
    CHECK(qdev_find_by_id("disk1") == d1);
    d2 = add(TYPE_TEST_DISK, "", NULL);
    CHECK(d2 && d2->parent_bus == qdev_get_child_bus(a, "ctlA.0"));
    pa = object_get_canonical_path(OBJECT(d2));
    CHECK(g_str_has_prefix(pa, "/machine/peripheral-anon/device["));
    g_free(pa);
    pa = object_get_canonical_path(OBJECT(d1));
    CHECK_STREQ(pa, "/machine/peripheral/disk1");
    g_free(pa);
    check_add_error(TYPE_TEST_DISK, "", "No 'test-bus' bus found for device 'test-disk'");
    check_add_error(TYPE_TEST_DISK, "bus=ctlA.0", "Bus 'ctlA.0' is full");

    check_add_error("foo", "", "'foo' is not a valid device model name");
    check_add_error(TYPE_DEVICE, "", "Parameter 'driver' expects a non-abstract device type");
    check_add_error(TYPE_TEST_LEAF, "", "Parameter 'driver' expects a pluggable device type");
    check_add_error(TYPE_TEST_DEV, "colour=red", "Property 'test-dev.colour' not found");
    check_add_error(TYPE_TEST_DEV, "num=x", "Property 'test-dev.num' doesn't take value 'x'");
    check_add_error(TYPE_TEST_DISK, "bus=nope", "Bus 'nope' not found");
    check_add_error(TYPE_TEST_DISK, "bus=main-system-bus",
                    "Device 'test-disk' can't go on System bus");
    check_add_error(TYPE_TEST_DEV, "id=disk1", "Duplicate ID 'disk1' for device");
    check_add_error(TYPE_TEST_DEV, "id=1bad", "Parameter 'id' expects an identifier");
    check_add_error(TYPE_TEST_DEV, "fail=on", "test-dev 0: refusing to realize");

    /* device_del frees the slot; the next disk takes it. */
    log_take();
    CHECK(qdev_device_del("disk1", &err));
    CHECK_STREQ(log_take(), "unrealize3 ");
    CHECK(qdev_find_by_id("disk1") == NULL);
    d3 = add(TYPE_TEST_DISK, "", NULL);
    CHECK(d3 && d3->parent_bus == qdev_get_child_bus(b, "ctlB.0"));
    CHECK(!qdev_device_del("disk1", &err));
    CHECK_STREQ(error_get_pretty(err), "Device 'disk1' not found");
    CHECK_EQ(error_get_class(err), ERROR_CLASS_DEVICE_NOT_FOUND);
    error_free(err);
    err = NULL;
    CHECK(!qdev_device_del("ctlA", &err));
    CHECK_STREQ(error_get_pretty(err), "Device 'test-ctrl' does not support hotplugging");
    error_free(err);
    object_unparent(OBJECT(a));
    object_unparent(OBJECT(b));
    CHECK_EQ(sysbus_get_default()->children->len, 0);
    log_take();
}

#define TYPE_TEST_UART "test-uart"

typedef struct TestUart {
    DeviceState parent_obj;
    CharBackend chr;
} TestUart;

static const Property test_uart_props[] = {
    DEFINE_PROP_CHR("chardev", TestUart, chr),
    DEFINE_PROP_END_OF_LIST(),
};

static void test_uart_class_init(ObjectClass *oc, void *data)
{
    DEVICE_CLASS(oc)->user_creatable = true;
    object_class_set_props(oc, test_uart_props);
}

static const TypeInfo test_uart_info = {
    .name = TYPE_TEST_UART, .parent = TYPE_DEVICE, .instance_size = sizeof(TestUart),
    .class_init = test_uart_class_init,
};

static void test_uart_register(void)
{
    type_register_static(&test_uart_info);
}

type_init(test_uart_register)

UNIT_TEST(qdev_chardev_property)
{
    Error *err = NULL;
    Chardev *chr = qemu_chr_new("tc0", "null", &err);
    DeviceState *u1, *u2;
    char *s;

    CHECK(chr != NULL);
    u1 = add(TYPE_TEST_UART, "chardev=tc0,id=uart1", &err);
    CHECK(err == NULL);
    CHECK(((TestUart *)u1)->chr.chr == chr);
    s = object_property_print(OBJECT(u1), "chardev", NULL);
    CHECK_STREQ(s, "tc0");
    g_free(s);
    /* One frontend per chardev; unknown ids are refused. */
    check_add_error(TYPE_TEST_UART, "chardev=tc0", "Device 'tc0' is in use");
    check_add_error(TYPE_TEST_UART, "chardev=ghost",
                    "Property 'test-uart.chardev' can't find value 'ghost'");
    s = props_text(TYPE_TEST_UART, NULL);
    CHECK_STREQ(s, "test-uart options:\n"
                   "  chardev=<str>          - ID of a chardev to use as a backend\n");
    free(s);
    /* Removing the device frees the chardev for the next one. */
    object_unparent(OBJECT(u1));
    CHECK(chr->be == NULL);
    u2 = add(TYPE_TEST_UART, "chardev=tc0", &err);
    CHECK(u2 && ((TestUart *)u2)->chr.chr == chr);
    object_unparent(OBJECT(u2));
    CHECK(qemu_chr_delete("tc0", NULL));
}

UNIT_TEST(qdev_globals_default_device_properties)
{
    Error *err = NULL;
    char *d = NULL, *p = NULL, *v = NULL;

    CHECK(qdev_global_parse("test-dev.num=7", &d, &p, &v, NULL));
    CHECK_STREQ(d, "test-dev");
    CHECK_STREQ(p, "num");
    CHECK_STREQ(v, "7");
    g_free(d);
    g_free(p);
    g_free(v);
    CHECK(qdev_global_parse("driver=test-dev,property=label,value=a.b=c", &d, &p, &v, NULL));
    CHECK_STREQ(v, "a.b=c");
    g_free(d);
    g_free(p);
    g_free(v);
    CHECK(!qdev_global_parse("test-dev", NULL, NULL, NULL, &err));
    CHECK_STREQ(error_get_pretty(err), "expects DRIVER.PROP=VALUE");
    error_free(err);
    err = NULL;
    CHECK(!qdev_global_parse("driver=x,property=y", NULL, NULL, NULL, &err));
    error_free(err);
    err = NULL;

    CHECK(qdev_global_add("test-dev.num=7", NULL));
    CHECK(qdev_global_add("test-dev.label=from-global", NULL));
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    CHECK_EQ(object_property_get_uint(OBJECT(dev), "num", NULL), 7);
    /* A property set after creation (what -device does) wins. */
    CHECK(object_property_set_str(OBJECT(dev), "label", "own", NULL));
    g_autofree char *label = object_property_get_str(OBJECT(dev), "label", NULL);
    CHECK_STREQ(label, "own");
    object_unref(OBJECT(dev));

    /* A value the property rejects fails realize with QEMU's wording. */
    CHECK(qdev_global_add("test-dev.num=notanumber", NULL));
    dev = qdev_new(TYPE_TEST_DEV);
    CHECK(!qdev_realize(dev, NULL, &err));
    CHECK(g_str_has_prefix(error_get_pretty(err), "can't apply global test-dev.num=notanumber: "));
    error_free(err);
    object_unref(OBJECT(dev));
    qdev_globals_clear();
    dev = qdev_new(TYPE_TEST_DEV);
    CHECK_EQ(object_property_get_uint(OBJECT(dev), "num", NULL), 0);
    object_unref(OBJECT(dev));
}
