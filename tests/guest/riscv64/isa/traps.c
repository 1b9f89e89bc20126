/*
 * Synchronous traps raised by the translator (privileged spec 3.1.15-16):
 * illegal instructions report their own bits in mtval (16 bits for a
 * compressed one), ecall from M-mode is cause 11 with mtval 0, ebreak is
 * cause 3 with mtval = its address or 0 (3.1.16 allows both; Machina
 * writes the address, QEMU 7.2 zero), and a trapping instruction leaves
 * its destination register unchanged.
 */
#include "insn.h"

static volatile uint64_t t_cause, t_epc, t_tval, t_count;

uintptr_t handle_trap(TrapFrame *tf)
{
    t_count++;
    t_cause = tf->mcause;
    t_epc = tf->mepc;
    t_tval = tf->mtval;
    /* resume after the trapping instruction (2 or 4 bytes by its low bits) */
    uint16_t low = *(volatile uint16_t *)tf->mepc;
    return tf->mepc + ((low & 3) == 3 ? 4 : 2);
}

/* Run one instruction given as .word/.half at a known address. */
#define TRAP32(bits) ({                                                   \
    uint64_t pc_;                                                         \
    __asm__ volatile(".option push\n\t.option norvc\n\t"                  \
                     "la %0, 1f\n1:\t.word " #bits "\n\t.option pop"       \
                     : "=&r"(pc_) :: "memory");                           \
    pc_; })
#define TRAP16(bits) ({                                                   \
    uint64_t pc_;                                                         \
    __asm__ volatile("la %0, 1f\n1:\t.half " #bits : "=&r"(pc_) :: "memory"); \
    pc_; })

static void expect(uint64_t pc, uint64_t cause, uint64_t tval, int line)
{
    bool tval_ok = t_tval == tval || (cause == CAUSE_BREAKPOINT && t_tval == 0);
    if (t_cause != cause || t_epc != pc || !tval_ok) {
        test_printf("line %d: cause %lx epc %lx tval %lx, want %lx %lx %lx\n", line,
                    t_cause, t_epc, t_tval, cause, pc, tval);
        test_failures++;
    }
    test_checks++;
}
#define EXPECT(pc, cause, tval) expect(pc, cause, tval, __LINE__)

static void test_illegal(void)
{
    uint64_t pc;
    pc = TRAP32(0xffffffff);            /* 48/64-bit encodings are not supported */
    EXPECT(pc, CAUSE_ILLEGAL_INSTRUCTION, 0xffffffff);
    pc = TRAP32(0x0000007f);
    EXPECT(pc, CAUSE_ILLEGAL_INSTRUCTION, 0x7f);
    pc = TRAP32(0x0000200b);            /* custom-0 opcode */
    EXPECT(pc, CAUSE_ILLEGAL_INSTRUCTION, 0x200b);
    pc = TRAP32(0x00007003);            /* load with funct3 = 7 */
    EXPECT(pc, CAUSE_ILLEGAL_INSTRUCTION, 0x7003);
    pc = TRAP32(0x40001013);            /* slli with a nonzero funct6 bit */
    EXPECT(pc, CAUSE_ILLEGAL_INSTRUCTION, 0x40001013);
    pc = TRAP32(0x06000033);            /* OP with funct7 = 0000011 */
    EXPECT(pc, CAUSE_ILLEGAL_INSTRUCTION, 0x06000033);
    pc = TRAP32(0x00004067);            /* jalr with funct3 = 4 */
    EXPECT(pc, CAUSE_ILLEGAL_INSTRUCTION, 0x00004067);
    pc = TRAP32(0x00004073);            /* SYSTEM funct3 = 4 */
    EXPECT(pc, CAUSE_ILLEGAL_INSTRUCTION, 0x4073);
    /* compressed: the all-zero halfword and reserved encodings */
    pc = TRAP16(0x0000);
    EXPECT(pc, CAUSE_ILLEGAL_INSTRUCTION, 0);
    pc = TRAP16(0x0004);                /* c.addi4spn, nzuimm = 0 */
    EXPECT(pc, CAUSE_ILLEGAL_INSTRUCTION, 0x0004);
    pc = TRAP16(0x6101);                /* c.addi16sp 0 */
    EXPECT(pc, CAUSE_ILLEGAL_INSTRUCTION, 0x6101);
    pc = TRAP16(0x8002);                /* c.jr x0 */
    EXPECT(pc, CAUSE_ILLEGAL_INSTRUCTION, 0x8002);
    pc = TRAP16(0x9c41);                /* c.subw-space reserved (op2 = 10, bit 12) */
    EXPECT(pc, CAUSE_ILLEGAL_INSTRUCTION, 0x9c41);
}

static void test_rd_unchanged(void)
{
    uint64_t r = 0x1234;
    /* div is fine, but a reserved encoding with rd = a0 must not write it */
    __asm__ volatile("mv a0, %0\n\t.option push\n\t.option norvc\n\t"
                     ".word 0x06a50533\n\t.option pop\n\tmv %0, a0"
                     : "+r"(r) :: "a0");
    CHECK_EQ(r, 0x1234);
}

static void test_ecall_ebreak(void)
{
    uint64_t pc, a0 = 0;
    __asm__ volatile("la %0, 1f\n1:\tecall" : "=&r"(pc) :: "memory");
    EXPECT(pc, CAUSE_MACHINE_ECALL, 0);
    __asm__ volatile(".option push\n\t.option norvc\n\tla %0, 1f\n1:\tebreak\n\t.option pop"
                     : "=&r"(pc) :: "memory");
    EXPECT(pc, CAUSE_BREAKPOINT, pc);
    __asm__ volatile("la %0, 1f\n1:\tc.ebreak" : "=&r"(pc) :: "memory");
    EXPECT(pc, CAUSE_BREAKPOINT, pc);
    /* the handler resumes after ecall: execution continues normally */
    __asm__ volatile("li a0, 5\n\tecall\n\taddi %0, a0, 1" : "=r"(a0) :: "a0");
    CHECK_EQ(a0, 6);
}

int main(void)
{
    test_illegal();
    test_rd_unchanged();
    test_ecall_ebreak();
    CHECK_EQ(t_count, 18);
    return test_result();
}
