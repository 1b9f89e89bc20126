/*
 * HMP "x" on RISC-V: guest virtual addresses through hand-built Sv39 page
 * tables (privileged spec §4.3, §4.4), via QMP's human-monitor-command.
 * The walk must read like the hardware (superpages keep their low VA bits)
 * and must not write: A/D bits stay as they were.
 */
#include "core/osdep.h"
#include "accel/tcg/cpu.h"
#include "hw/core/machine.h"
#include "memory/memory.h"
#include "target/riscv/cpu.h"
#include "target/riscv/cpu_bits.h"
#include "monitor/monitor-internal.h"
#include "tests/unit/unit.h"

#define RAM_BASE 0x80000000ULL
#define ROOT (RAM_BASE + 0x1000)
#define L1 (RAM_BASE + 0x2000)
#define L0 (RAM_BASE + 0x3000)
#define DATA (RAM_BASE + 0x4000)

static void put_pte(hwaddr table, unsigned idx, uint64_t pa, uint64_t flags)
{
    address_space_stq_le(get_address_space_memory(), table + idx * 8,
                         ((pa >> 12) << PTE_PPN_SHIFT) | flags, MEMTXATTRS_UNSPECIFIED,
                         NULL);
}

static uint64_t get_pte(hwaddr table, unsigned idx)
{
    return address_space_ldq_le(get_address_space_memory(), table + idx * 8,
                                MEMTXATTRS_UNSPECIFIED, NULL);
}

/* The answer of human-monitor-command for line (g_free it). */
static char *hmp(const char *line)
{
    json_object *args = json_object_new_object(), *ret;
    Error *err = NULL;
    char *out;

    json_object_object_add(args, "command-line", json_object_new_string(line));
    ret = qmp_dispatch(NULL, "human-monitor-command", args, &err);
    json_object_put(args);
    CHECK(err == NULL);
    out = g_strdup(json_object_get_string(ret));
    json_object_put(ret);
    return out;
}

#define CHECK_HMP(line, expected)                                          \
    do {                                                                   \
        char *out_ = hmp(line);                                            \
        CHECK_STREQ(out_, expected);                                       \
        g_free(out_);                                                      \
    } while (0)

UNIT_TEST(hmp_x_walks_sv39)
{
    MemoryRegion *ram = g_new0(MemoryRegion, 1);
    CPURISCVState *env = g_new0(CPURISCVState, 1);
    CPUState *cpu = g_new0(CPUState, 1);
    static const uint8_t bytes[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
    uint64_t leaf;

    CHECK(memory_region_init_ram(ram, NULL, "ram", 64 * KiB, NULL));
    memory_region_add_subregion(get_system_memory(), RAM_BASE, ram);
    address_space_write(get_address_space_memory(), DATA, MEMTXATTRS_UNSPECIFIED, bytes,
                        sizeof(bytes));
    /* VA 0x40000000 -> root[1] -> L1[0] -> L0[0] -> DATA (4 KiB page, A clear). */
    put_pte(ROOT, 1, L1, PTE_V);
    put_pte(L1, 0, L0, PTE_V);
    put_pte(L0, 0, DATA, PTE_V | PTE_R | PTE_W);
    /* VA 0x80000000: a 1 GiB superpage onto itself. */
    put_pte(ROOT, 2, RAM_BASE, PTE_V | PTE_R | PTE_X);
    leaf = get_pte(L0, 0);

    env->satp = ((uint64_t)SATP_MODE_SV39 << SATP_MODE_SHIFT) | (ROOT >> 12);
    env->priv = PRV_S;
    cpu->env_ptr = env;
    cpu->cpu_index = 0;
    first_cpu = cpu;

    CHECK_HMP("x /2xw 0x40000000", "0000000040000000: 0x44332211 0x88776655\r\n");
    CHECK_HMP("x /2xb 0x40000006", "0000000040000006: 0x77 0x88\r\n");
    CHECK_HMP("x /1xg 0x80004000", "0000000080004000: 0x8877665544332211\r\n");
    CHECK_EQ(get_pte(L0, 0), leaf);             /* no A/D bits set by looking */
    CHECK_HMP("x /1xw 0x40001000",
              "Error: Cannot access memory at virtual address 0x40001000\r\n");
    /* Not sign-extended from bit 38: not an Sv39 address at all. */
    CHECK_HMP("x /1xw 0x8000000000",
              "Error: Cannot access memory: 0x8000000000 is not canonical\r\n");
    /* A page crossing into an unmapped page fails as a whole. */
    CHECK_HMP("x /2xw 0x40000ffc",
              "Error: Cannot access memory at virtual address 0x40001000\r\n");
    /* $registers in expressions, and the "i" format. */
    env->pc = 0x40000000;
    env->gpr[2] = 0x40000004;
    CHECK_HMP("x /1xw $pc", "0000000040000000: 0x44332211\r\n");
    CHECK_HMP("p $sp - $x2 + 5", "0x5\r\n");
    CHECK_HMP("p $nosuch", "Error: unknown register 'nosuch'\r\n");
    address_space_write(get_address_space_memory(), DATA + 8, MEMTXATTRS_UNSPECIFIED,
                        "\x97\x02\x00\x00\x05\x45", 6);
    {
        char *out = hmp("x /2i $pc + 8");

        CHECK(g_str_has_prefix(out, "0x0000000040000008:  00000297          auipc"));
        CHECK(strstr(out, "\r\n0x000000004000000c:  4505              c.") != NULL);
        g_free(out);
    }
    /* info mem: both mappings, merged per contiguous run; A/D as the PTEs say. */
    CHECK_HMP("info mem",
              "vaddr            paddr            size             attr\r\n"
              "---------------- ---------------- ---------------- -------\r\n"
              "0000000040000000 0000000080004000 0000000000001000 rw-----\r\n"
              "0000000080000000 0000000080000000 0000000040000000 r-x----\r\n");
    /* M-mode does not translate (§3.1.6.3). */
    env->priv = PRV_M;
    CHECK_HMP("x /1xw 0x80004004", "0000000080004004: 0x88776655\r\n");
    CHECK_HMP("x /1xw 0x40000000", "Error: Cannot access memory at 0x40000000\r\n");

    first_cpu = NULL;
    memory_region_del_subregion(get_system_memory(), ram);
    g_free(cpu);
    g_free(env);
}
