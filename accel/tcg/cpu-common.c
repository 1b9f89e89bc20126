/*
 * TYPE_CPU, the abstract device every guest CPU derives from; the global
 * CPU list; and the thread-safe requests other threads make of a vCPU
 * (cpu_interrupt, cpu_exit).
 */
#include "accel/tcg/internal.h"

CPUState *first_cpu;
static unsigned cpu_count;

void cpu_exec_realizefn(CPUState *cpu, Error **errp)
{
    CPUState **link = &first_cpu;

    if (!cpu->tcg_ops) {
        cpu->tcg_ops = CPU_GET_CLASS(cpu)->tcg_ops;
    }
    if (!cpu->env_ptr) {
        error_setg(errp, "CPU '%s' has no architectural state (env_ptr)",
                   object_get_typename(OBJECT(cpu)));
        return;
    }
    for (CPUState *c = first_cpu; c; c = c->next_cpu) {
        if (c == cpu) {
            error_setg(errp, "CPU %d is already realized", cpu->cpu_index);
            return;
        }
    }
    while (*link) {
        link = &(*link)->next_cpu;
    }
    cpu->cpu_index = (int)cpu_count++;
    cpu->next_cpu = NULL;
    *link = cpu;
    tlb_flush(cpu);
    tb_jmp_cache_clear(cpu);
    tlb_as_listen(cpu);
}

CPUState *cpu_by_index(int index)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (cpu->cpu_index == index) {
            return cpu;
        }
    }
    return NULL;
}

static void cpu_list_remove(CPUState *cpu)
{
    for (CPUState **link = &first_cpu; *link; link = &(*link)->next_cpu) {
        if (*link == cpu) {
            *link = cpu->next_cpu;
            cpu->next_cpu = NULL;
            return;
        }
    }
}

void cpu_exit(CPUState *cpu)
{
    /* Read at the entry of every block (see tb_gen_code). */
    __atomic_store_n(&cpu->exit_request, 1, __ATOMIC_SEQ_CST);
}

void cpu_interrupt(CPUState *cpu, uint32_t mask)
{
    __atomic_fetch_or(&cpu->interrupt_request, mask, __ATOMIC_SEQ_CST);
    cpu_exit(cpu);
    tcg_kick_vcpu_thread(cpu);
}

void cpu_reset_interrupt(CPUState *cpu, uint32_t mask)
{
    __atomic_fetch_and(&cpu->interrupt_request, ~mask, __ATOMIC_SEQ_CST);
}

static void cpu_instance_init(Object *obj)
{
    CPUState *cpu = CPU(obj);

    cpu->cpu_index = -1;
    cpu->exception_index = EXCP_NONE;
    cpu->can_do_io = true;
    memset(&cpu->tlb.table, 0xff, sizeof(cpu->tlb.table));
}

static void cpu_instance_finalize(Object *obj)
{
    tlb_as_unlisten(CPU(obj));
    g_free(CPU(obj)->tier_counts);
    cpu_list_remove(CPU(obj));
}

static void cpu_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->category = DEVICE_CATEGORY_CPU;
    dc->user_creatable = false;
}

static const TypeInfo cpu_type_info = {
    .name = TYPE_CPU,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(CPUState),
    .class_size = sizeof(CPUClass),
    .abstract = true,
    .desc = "CPU",
    .class_init = cpu_class_init,
    .instance_init = cpu_instance_init,
    .instance_finalize = cpu_instance_finalize,
};

static void cpu_register_types(void)
{
    type_register_static(&cpu_type_info);
}

type_init(cpu_register_types)
