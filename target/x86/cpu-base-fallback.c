/*
 * TEMPORARY bridge: the base "cpu" type and the CPU list belong to
 * accel/tcg (accel/tcg/cpu.h), which has not landed on main yet.  Until it
 * does, the x86_64 binary (which links no riscv code) gets weak stand-ins
 * so KVM can run.  When the real definitions are linked they win over these
 * weak ones, and the constructor below sees that and registers nothing.
 * The same holds for the system address spaces (hw/core/machine.c, owner:
 * object) and serial_hd (system/).  Delete this file once both have landed on main.
 */
#include "core/osdep.h"
#include "accel/tcg/cpu.h"
#include "hw/core/machine.h"

static MemoryRegion *fb_sysmem, *fb_sysio;
static AddressSpace fb_as_mem, fb_as_io;

__attribute__((weak)) MemoryRegion *get_system_memory(void)
{
    if (!fb_sysmem) {
        fb_sysmem = g_new0(MemoryRegion, 1);
        memory_region_init(fb_sysmem, NULL, "system", UINT64_MAX);
        address_space_init(&fb_as_mem, fb_sysmem, "memory");
    }
    return fb_sysmem;
}

__attribute__((weak)) AddressSpace *get_address_space_memory(void)
{
    get_system_memory();
    return &fb_as_mem;
}

__attribute__((weak)) MemoryRegion *get_system_io(void)
{
    if (!fb_sysio) {
        fb_sysio = g_new0(MemoryRegion, 1);
        memory_region_init(fb_sysio, NULL, "io", 64 * KiB);
        address_space_init(&fb_as_io, fb_sysio, "I/O");
    }
    return fb_sysio;
}

__attribute__((weak)) Chardev *serial_hd(int i)
{
    return NULL;                /* system/ supplies the -serial chardevs */
}

__attribute__((weak)) AddressSpace *get_address_space_io(void)
{
    get_system_io();
    return &fb_as_io;
}

CPUState *first_cpu __attribute__((weak));

static void fallback_cpu_exec_realizefn(CPUState *cpu, Error **errp)
{
    CPUState **p = &first_cpu;
    int index = 0;

    while (*p) {
        p = &(*p)->next_cpu;
        index++;
    }
    cpu->cpu_index = index;
    *p = cpu;
}

void cpu_exec_realizefn(CPUState *cpu, Error **errp)
    __attribute__((weak, alias("fallback_cpu_exec_realizefn")));

static CPUState *fallback_cpu_by_index(int index)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (cpu->cpu_index == index) {
            return cpu;
        }
    }
    return NULL;
}

CPUState *cpu_by_index(int index) __attribute__((weak, alias("fallback_cpu_by_index")));

static void fallback_cpu_class_init(ObjectClass *oc, void *data)
{
    DEVICE_CLASS(oc)->category = DEVICE_CATEGORY_CPU;
}

static const TypeInfo fallback_cpu_type = {
    .name = TYPE_CPU,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(CPUState),
    .class_size = sizeof(CPUClass),
    .abstract = true,
    .class_init = fallback_cpu_class_init,
};

static void fallback_cpu_register(void)
{
    if ((void *)cpu_exec_realizefn == (void *)fallback_cpu_exec_realizefn) {
        type_register_static(&fallback_cpu_type);
    }
}

type_init(fallback_cpu_register)
