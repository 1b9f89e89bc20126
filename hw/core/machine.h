/*
 * Machines.  A machine type registers itself (TYPE_MACHINE subtype named
 * "<name>-machine"); system/ creates the one chosen by -M, sets its
 * properties from the command line and calls init, which builds the memory
 * map, CPUs and devices.
 */
#ifndef HW_CORE_MACHINE_H
#define HW_CORE_MACHINE_H

#include "core/object.h"
#include "memory/memory.h"

#define TYPE_MACHINE "machine"
#define TYPE_MACHINE_SUFFIX "-machine"
#define MACHINE_TYPE_NAME(name) (name TYPE_MACHINE_SUFFIX)

typedef struct MachineState MachineState;

typedef struct MachineClass {
    ObjectClass parent_class;
    const char *name;             /* "virt" */
    const char *alias;            /* e.g. "pc" for "pc-i440fx-..." */
    const char *desc;             /* one line for -M help */
    bool is_default;
    void (*init)(MachineState *ms);     /* errors: error_report + exit(1) is allowed here */
    void (*reset)(MachineState *ms);    /* NULL: reset all devices and CPUs */
    int max_cpus;
    uint64_t default_ram_size;
    const char *default_cpu_type; /* e.g. "rv64-riscv-cpu" */
    const char *default_accel;    /* "tcg" or "kvm" */
    const char *valid_accels;     /* "tcg" or "kvm:tcg" */
} MachineClass;

typedef struct CpuTopology {
    unsigned cpus, max_cpus, sockets, cores, threads;
} CpuTopology;

struct MachineState {
    Object parent_obj;
    uint64_t ram_size;
    MemoryRegion *ram;            /* the guest RAM region (machine maps it) */
    char *memory_backend;         /* -machine memory-backend=ID */
    CpuTopology smp;
    char *cpu_type;               /* resolved -cpu model type name */
    char *cpu_props;              /* ",zba=on,..." part of -cpu, NULL if none */
    char *kernel_filename;
    char *kernel_cmdline;
    char *initrd_filename;
    char *firmware;               /* -bios; "default", "none" or a path */
    char *dtb;
    char *dumpdtb;
    bool no_reboot;
    void *fdt;                    /* the machine's device tree, when it has one */
    int fdt_size;
};

#define MACHINE(obj) OBJECT_CHECK(MachineState, (obj), TYPE_MACHINE)
#define MACHINE_CLASS(k) OBJECT_CLASS_CHECK(MachineClass, (k), TYPE_MACHINE)
#define MACHINE_GET_CLASS(obj) OBJECT_GET_CLASS(MachineClass, (obj), TYPE_MACHINE)

/* The current machine (NULL before creation). */
extern MachineState *current_machine;

MachineClass *machine_find_class(const char *name);   /* by name or alias */
MachineClass *machine_default_class(void);
void machine_print_list(FILE *f);                     /* "-M help" text */
/* "-M NAME,help": "virt-machine options:\n  append=<str> ..." */
bool machine_print_props(FILE *f, const char *name, Error **errp);
/*
 * Host backends the command line chose, for machines to wire (implemented
 * by system/): -serial N-th chardev (NULL if none).
 */
typedef struct Chardev Chardev;
Chardev *serial_hd(int i);

/* The whole system's memory container and address space. */
MemoryRegion *get_system_memory(void);
AddressSpace *get_address_space_memory(void);
MemoryRegion *get_system_io(void);                   /* x86 port I/O */
AddressSpace *get_address_space_io(void);

#endif
