/* Standard ISA devices of the x86 machines (pc-isa.c). */
#ifndef HW_X86_PC_ISA_H
#define HW_X86_PC_ISA_H

#include "hw/x86/x86.h"

void pc_isa_devices_init(X86MachineState *x86ms, bool with_i8042);

#endif
