/*
 * HMP on RISC-V: guest virtual to physical for "x", $registers in
 * expressions, and the "i" format (target/riscv's own disassembler).
 *
 * A debug walk of the current page tables (RISC-V privileged spec §4.3.2
 * for Sv39 and §4.5 for Sv48): it reads PTEs but never sets their A/D bits
 * and never checks permissions or PMP, so looking at memory cannot change
 * what the guest sees.  M-mode and satp.MODE=Bare use addresses as they
 * are (§3.1.6.3, §4.1.11).
 */
#include "core/osdep.h"
#include "accel/tcg/cpu.h"
#include "hw/core/machine.h"
#include "memory/memory.h"
#include "target/riscv/cpu.h"
#include "target/riscv/cpu_bits.h"
#include "target/riscv/translate.h"
#include "monitor/monitor-internal.h"

#define PAGE_BITS 12
#define VPN_BITS 9
#define PTE_SIZE 8

static bool riscv_virt_to_phys(CPUState *cpu, uint64_t va, uint64_t *pa, Error **errp)
{
    CPURISCVState *env = cpu->env_ptr;
    int mode = (int)(env->satp >> SATP_MODE_SHIFT);
    int levels;
    uint64_t table;
    AddressSpace *as = cpu->as ? cpu->as : get_address_space_memory();

    if (env->priv == PRV_M || mode == SATP_MODE_BARE) {
        *pa = va;
        return true;
    }
    if (mode == SATP_MODE_SV39) {
        levels = 3;
    } else if (mode == SATP_MODE_SV48) {
        levels = 4;
    } else {
        error_setg(errp, "satp mode %d is not a translation mode", mode);
        return false;
    }
    /* §4.3.1: the upper bits must all equal the top bit of the VA. */
    {
        int va_bits = PAGE_BITS + levels * VPN_BITS;
        int64_t top = (int64_t)(va << (64 - va_bits)) >> (64 - va_bits);

        if ((uint64_t)top != va) {
            error_setg(errp, "Cannot access memory: 0x%" PRIx64 " is not canonical", va);
            return false;
        }
    }
    table = (env->satp & SATP_PPN) << PAGE_BITS;
    for (int level = levels - 1; level >= 0; level--) {
        int shift = PAGE_BITS + level * VPN_BITS;
        uint64_t idx = (va >> shift) & ((1u << VPN_BITS) - 1);
        MemTxResult r;
        uint64_t pte = address_space_ldq_le(as, table + idx * PTE_SIZE,
                                            MEMTXATTRS_UNSPECIFIED, &r);
        uint64_t ppn = (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT;

        if (r != MEMTX_OK || !(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W))) {
            break;
        }
        if (pte & (PTE_R | PTE_X)) {
            /* A leaf: a superpage keeps the low VA bits (§4.3.2 step 8). */
            uint64_t low_mask = (1ULL << shift) - 1;

            if ((ppn << PAGE_BITS) & low_mask) {
                break;                      /* misaligned superpage */
            }
            *pa = (ppn << PAGE_BITS) | (va & low_mask);
            return true;
        }
        table = ppn << PAGE_BITS;
    }
    error_setg(errp, "Cannot access memory at virtual address 0x%" PRIx64, va);
    return false;
}

/* ------------------------------------------------------------ info mem */

/* A run of leaves contiguous in both address spaces, with equal attributes. */
typedef struct MemRange {
    GString *out;
    uint64_t va, pa, size;
    char attr[8];
} MemRange;

static void range_flush(MemRange *r)
{
    if (r->size) {
        g_string_append_printf(r->out, "%016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %s\n",
                               r->va, r->pa, r->size, r->attr);
    }
    r->size = 0;
}

static void range_add(MemRange *r, uint64_t va, uint64_t pa, uint64_t size, uint64_t pte)
{
    char attr[8] = {
        pte & PTE_R ? 'r' : '-', pte & PTE_W ? 'w' : '-', pte & PTE_X ? 'x' : '-',
        pte & PTE_U ? 'u' : '-', pte & PTE_G ? 'g' : '-', pte & PTE_A ? 'a' : '-',
        pte & PTE_D ? 'd' : '-', 0,
    };

    if (r->size && r->va + r->size == va && r->pa + r->size == pa &&
        !strcmp(r->attr, attr)) {
        r->size += size;
        return;
    }
    range_flush(r);
    r->va = va;
    r->pa = pa;
    r->size = size;
    memcpy(r->attr, attr, sizeof(attr));
}

static void walk_table(AddressSpace *as, MemRange *r, uint64_t table, int level,
                       int va_bits, uint64_t va_base)
{
    int shift = PAGE_BITS + level * VPN_BITS;

    for (uint64_t idx = 0; idx < (1u << VPN_BITS); idx++) {
        MemTxResult res;
        uint64_t pte = address_space_ldq_le(as, table + idx * PTE_SIZE,
                                            MEMTXATTRS_UNSPECIFIED, &res);
        uint64_t ppn = (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT;
        uint64_t va = va_base | (idx << shift);

        if (res != MEMTX_OK || !(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W))) {
            continue;
        }
        if (pte & (PTE_R | PTE_X)) {
            /* Sign-extend from the top VA bit, as the hart sees the address. */
            int64_t sva = (int64_t)(va << (64 - va_bits)) >> (64 - va_bits);

            range_add(r, (uint64_t)sva, ppn << PAGE_BITS, 1ULL << shift, pte);
        } else if (level > 0) {
            walk_table(as, r, ppn << PAGE_BITS, level - 1, va_bits, va);
        }
    }
}

/* "info mem": the mappings of the current page tables, as QEMU prints them. */
static bool riscv_info_mem(CPUState *cpu, GString *out, Error **errp)
{
    CPURISCVState *env = cpu->env_ptr;
    int mode = (int)(env->satp >> SATP_MODE_SHIFT);
    AddressSpace *as = cpu->as ? cpu->as : get_address_space_memory();
    MemRange r = { .out = out };
    int levels;

    if (mode == SATP_MODE_BARE) {
        g_string_append(out, "No translation or protection\n");
        return true;
    }
    if (mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48) {
        error_setg(errp, "satp mode %d is not a translation mode", mode);
        return false;
    }
    levels = mode == SATP_MODE_SV39 ? 3 : 4;
    g_string_append(out, "vaddr            paddr            size             attr\n"
                         "---------------- ---------------- ---------------- -------\n");
    walk_table(as, &r, (env->satp & SATP_PPN) << PAGE_BITS, levels - 1,
               PAGE_BITS + levels * VPN_BITS, 0);
    range_flush(&r);
    return true;
}

/* The ABI names of x0..x31 (RISC-V psABI, "Integer Register Convention"). */
static const char *const abi_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2",
    "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
    "s10", "s11", "t3", "t4", "t5", "t6",
};

static bool riscv_get_reg(CPUState *cpu, const char *name, uint64_t *value)
{
    CPURISCVState *env = cpu->env_ptr;
    char *end;

    if (!strcmp(name, "pc")) {
        *value = env->pc;
        return true;
    }
    if (!strcmp(name, "satp")) {
        *value = env->satp;
        return true;
    }
    if (!strcmp(name, "fp")) {
        *value = env->gpr[8];
        return true;
    }
    if (name[0] == 'x' && g_ascii_isdigit(name[1])) {
        unsigned long n = strtoul(name + 1, &end, 10);

        if (!*end && n < 32) {
            *value = env->gpr[n];
            return true;
        }
        return false;
    }
    for (int i = 0; i < 32; i++) {
        if (!strcmp(name, abi_names[i])) {
            *value = env->gpr[i];
            return true;
        }
    }
    return false;
}

static void riscv_monitor_init(void)
{
    monitor_register_virt_to_phys(riscv_virt_to_phys);
    monitor_register_get_reg(riscv_get_reg);
    monitor_register_disas(riscv_disas_insn);
    monitor_register_info_mem(riscv_info_mem);
}

type_init(riscv_monitor_init)
