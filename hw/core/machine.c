/*
 * The machine base type, the registry of machine types (-M NAME, -M help),
 * and the system-wide memory and I/O address spaces every board maps into.
 */
#include "core/osdep.h"
#include "hw/core/machine.h"

MachineState *current_machine;

static MemoryRegion *system_memory;
static AddressSpace address_space_memory;
static MemoryRegion *system_io;
static AddressSpace address_space_io;

MemoryRegion *get_system_memory(void)
{
    if (!system_memory) {
        /* The whole 64-bit physical space; boards add RAM and devices. */
        system_memory = g_new0(MemoryRegion, 1);
        memory_region_init(system_memory, NULL, "system", UINT64_MAX);
        address_space_init(&address_space_memory, system_memory, "memory");
    }
    return system_memory;
}

AddressSpace *get_address_space_memory(void)
{
    get_system_memory();
    return &address_space_memory;
}

MemoryRegion *get_system_io(void)
{
    if (!system_io) {
        /* x86 port I/O: 64 KiB of 8/16/32-bit ports. */
        system_io = g_new0(MemoryRegion, 1);
        memory_region_init(system_io, NULL, "io", 64 * KiB);
        address_space_init(&address_space_io, system_io, "I/O");
    }
    return system_io;
}

AddressSpace *get_address_space_io(void)
{
    get_system_io();
    return &address_space_io;
}

/* A machine's -M name: MachineClass->name, else the type name minus "-machine". */
static char *machine_class_name(MachineClass *mc)
{
    const char *type = object_class_get_name(OBJECT_CLASS(mc));
    size_t len = strlen(type), slen = strlen(TYPE_MACHINE_SUFFIX);

    if (mc->name) {
        return g_strdup(mc->name);
    }
    if (len > slen && !strcmp(type + len - slen, TYPE_MACHINE_SUFFIX)) {
        return g_strndup(type, len - slen);
    }
    return g_strdup(type);
}

MachineClass *machine_find_class(const char *name)
{
    GSList *list = object_class_get_list_sorted(TYPE_MACHINE, false);
    MachineClass *found = NULL;

    for (GSList *l = list; l && name && !found; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);
        char *n = machine_class_name(mc);

        if (!strcmp(n, name) || (mc->alias && !strcmp(mc->alias, name))) {
            found = mc;
        }
        g_free(n);
    }
    g_slist_free(list);
    return found;
}

MachineClass *machine_default_class(void)
{
    GSList *list = object_class_get_list_sorted(TYPE_MACHINE, false);
    MachineClass *found = NULL;

    for (GSList *l = list; l && !found; l = l->next) {
        if (MACHINE_CLASS(l->data)->is_default) {
            found = MACHINE_CLASS(l->data);
        }
    }
    g_slist_free(list);
    return found;
}

static gint machine_name_cmp(gconstpointer a, gconstpointer b)
{
    char *na = machine_class_name(MACHINE_CLASS((ObjectClass *)a));
    char *nb = machine_class_name(MACHINE_CLASS((ObjectClass *)b));
    gint r = strcmp(na, nb);

    g_free(na);
    g_free(nb);
    return r;
}

void machine_print_list(FILE *f)
{
    GSList *list = object_class_get_list_sorted(TYPE_MACHINE, false);

    list = g_slist_sort(list, machine_name_cmp);
    fprintf(f, "Supported machines are:\n");
    for (GSList *l = list; l; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);
        char *name = machine_class_name(mc);
        const char *desc = mc->desc ? mc->desc : "";

        if (mc->alias) {
            fprintf(f, "%-20s %s (alias of %s)\n", mc->alias, desc, name);
        }
        fprintf(f, "%-20s %s%s\n", name, desc, mc->is_default ? " (default)" : "");
        g_free(name);
    }
    g_slist_free(list);
}

bool machine_print_props(FILE *f, const char *name, Error **errp)
{
    MachineClass *mc = machine_find_class(name);
    GString *lines;

    if (!mc) {
        error_setg(errp, "unsupported machine type: \"%s\"", name ? name : "");
        error_append_hint(errp, "Use -machine help to list supported machines\n");
        return false;
    }
    lines = g_string_new("");
    object_class_props_help(lines, OBJECT_CLASS(mc), NULL, true);
    fprintf(f, "%s options:\n%s", object_class_get_name(OBJECT_CLASS(mc)), lines->str);
    g_string_free(lines, true);
    return true;
}

/*
 * -machine TYPE,key=value: the boot files can be given here as well as with
 * -kernel/-initrd/-append/-dtb/-bios, as QEMU allows.
 */
#define MACHINE_PROP_STR(_name, _field, _desc)                             \
    DEFINE_PROP(_name, MachineState, _field, prop_info_string, char *, .desc = (_desc))

static const Property machine_props[] = {
    MACHINE_PROP_STR("kernel", kernel_filename, "Linux kernel image file"),
    MACHINE_PROP_STR("initrd", initrd_filename, "Linux initial ramdisk file"),
    MACHINE_PROP_STR("append", kernel_cmdline, "Linux kernel command line"),
    MACHINE_PROP_STR("dtb", dtb, "Linux kernel device tree file"),
    MACHINE_PROP_STR("dumpdtb", dumpdtb, "Dump current dtb to a file and quit"),
    MACHINE_PROP_STR("firmware", firmware, "Firmware image"),
    MACHINE_PROP_STR("memory-backend", memory_backend,
                     "Set RAM backend. Valid value is ID of hostmem based backend"),
    DEFINE_PROP_END_OF_LIST(),
};

static void machine_instance_init(Object *obj)
{
    MachineState *ms = MACHINE(obj);
    MachineClass *mc = MACHINE_GET_CLASS(obj);

    ms->ram_size = mc->default_ram_size;
    ms->smp = (CpuTopology){ .cpus = 1, .max_cpus = 1, .sockets = 1, .cores = 1,
                             .threads = 1 };
    ms->cpu_type = g_strdup(mc->default_cpu_type);
}

static void machine_instance_finalize(Object *obj)
{
    MachineState *ms = MACHINE(obj);

    if (current_machine == ms) {
        current_machine = NULL;
    }
    /* Not properties, but owned by the machine (system/ g_strdup's them). */
    g_free(ms->cpu_type);
    g_free(ms->cpu_props);
    g_free(ms->fdt);
}

static void machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->max_cpus = 1;
    mc->default_ram_size = 128 * MiB;
    object_class_set_props(oc, machine_props);
}

static const TypeInfo machine_info = {
    .name = TYPE_MACHINE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(MachineState),
    .class_size = sizeof(MachineClass),
    .abstract = true,
    .instance_init = machine_instance_init,
    .instance_finalize = machine_instance_finalize,
    .class_init = machine_class_init,
};

static void machine_register_types(void)
{
    type_register_static(&machine_info);
}

type_init(machine_register_types)
