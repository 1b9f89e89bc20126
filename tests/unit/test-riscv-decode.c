/*
 * RISC-V decoding without a CPU: the C-extension expansion
 * (target/riscv/translate-rvc.c) and the text disassembler
 * (target/riscv/disas-riscv.c).
 *
 * The expansion table pairs each compressed encoding with the 32-bit
 * encoding of the instruction it stands for (unprivileged spec 16.3-16.8),
 * both produced by binutils' assembler (riscv64-linux-gnu-as with .option
 * rvc / norvc) for every C instruction of RV64GC, with registers and
 * immediates at their boundaries.
 */
#include "core/osdep.h"
#include "core/log.h"
#include "target/riscv/translate-internal.h"
#include "target/riscv/translate.h"
#include "tests/unit/unit.h"

static const struct {
    uint16_t c;
    uint32_t insn;
    const char *text;
} rvc_table[] = {
    { 0x0054, 0x00410693, "c.addi4spn a3, sp, 4" },
    { 0x0028, 0x00810513, "c.addi4spn a0, sp, 8" },
    { 0x0078, 0x00c10713, "c.addi4spn a4, sp, 12" },
    { 0x1fe0, 0x3fc10413, "c.addi4spn s0, sp, 1020" },
    { 0x0204, 0x10010493, "c.addi4spn s1, sp, 256" },
    { 0x0404, 0x20010493, "c.addi4spn s1, sp, 512" },
    { 0x2014, 0x00043687, "c.fld fa3, 0(s0)" },
    { 0x600c, 0x00043583, "c.ld a1, 0(s0)" },
    { 0xa304, 0x00973027, "c.fsd fs1, 0(a4)" },
    { 0xe098, 0x00e4b023, "c.sd a4, 0(s1)" },
    { 0x248c, 0x0084b587, "c.fld fa1, 8(s1)" },
    { 0x6418, 0x00843703, "c.ld a4, 8(s0)" },
    { 0xa584, 0x0095b427, "c.fsd fs1, 8(a1)" },
    { 0xe700, 0x00873423, "c.sd s0, 8(a4)" },
    { 0x3de0, 0x0f85b407, "c.fld fs0, 248(a1)" },
    { 0x7d60, 0x0f853403, "c.ld s0, 248(a0)" },
    { 0xbf70, 0x0ec73c27, "c.fsd fa2, 248(a4)" },
    { 0xfce8, 0x0ea4bc23, "c.sd a0, 248(s1)" },
    { 0x2150, 0x08053607, "c.fld fa2, 128(a0)" },
    { 0x61c4, 0x0805b483, "c.ld s1, 128(a1)" },
    { 0xa0d4, 0x08d4b027, "c.fsd fa3, 128(s1)" },
    { 0xe044, 0x08943023, "c.sd s1, 128(s0)" },
    { 0x23ac, 0x0407b587, "c.fld fa1, 64(a5)" },
    { 0x62b8, 0x0406b703, "c.ld a4, 64(a3)" },
    { 0xa3bc, 0x04f7b027, "c.fsd fa5, 64(a5)" },
    { 0xe234, 0x04d63023, "c.sd a3, 64(a2)" },
    { 0x410c, 0x00052583, "c.lw a1, 0(a0)" },
    { 0xc08c, 0x00b4a023, "c.sw a1, 0(s1)" },
    { 0x43d0, 0x0047a603, "c.lw a2, 4(a5)" },
    { 0xc3d4, 0x00d7a223, "c.sw a3, 4(a5)" },
    { 0x5cf0, 0x07c4a603, "c.lw a2, 124(s1)" },
    { 0xdf64, 0x06972e23, "c.sw s1, 124(a4)" },
    { 0x42a8, 0x0406a503, "c.lw a0, 64(a3)" },
    { 0xc3a8, 0x04a7a023, "c.sw a0, 64(a5)" },
    { 0x5018, 0x02042703, "c.lw a4, 32(s0)" },
    { 0xd284, 0x0296a023, "c.sw s1, 32(a3)" },
    { 0x0001, 0x00000013, "c.nop" },
    { 0x0605, 0x00160613, "c.addi a2, 1" },
    { 0x2605, 0x0016061b, "c.addiw a2, 1" },
    { 0x4605, 0x00100613, "c.li a2, 1" },
    { 0x8a85, 0x0016f693, "c.andi a3, 1" },
    { 0x1afd, 0xfffa8a93, "c.addi s5, -1" },
    { 0x3afd, 0xfffa8a9b, "c.addiw s5, -1" },
    { 0x5afd, 0xfff00a93, "c.li s5, -1" },
    { 0x9bfd, 0xfff7f793, "c.andi a5, -1" },
    { 0x0a7d, 0x01fa0a13, "c.addi s4, 31" },
    { 0x2a7d, 0x01fa0a1b, "c.addiw s4, 31" },
    { 0x4a7d, 0x01f00a13, "c.li s4, 31" },
    { 0x8bfd, 0x01f7f793, "c.andi a5, 31" },
    { 0x1201, 0xfe020213, "c.addi tp, -32" },
    { 0x3201, 0xfe02021b, "c.addiw tp, -32" },
    { 0x5201, 0xfe000213, "c.li tp, -32" },
    { 0x9881, 0xfe04f493, "c.andi s1, -32" },
    { 0x0515, 0x00550513, "c.addi a0, 5" },
    { 0x2515, 0x0055051b, "c.addiw a0, 5" },
    { 0x4515, 0x00500513, "c.li a0, 5" },
    { 0x8b95, 0x0057f793, "c.andi a5, 5" },
    { 0x1c3d, 0xfefc0c13, "c.addi s8, -17" },
    { 0x3c3d, 0xfefc0c1b, "c.addiw s8, -17" },
    { 0x5c3d, 0xfef00c13, "c.li s8, -17" },
    { 0x98bd, 0xfef4f493, "c.andi s1, -17" },
    { 0x6141, 0x01010113, "c.addi16sp sp, 16" },
    { 0x717d, 0xff010113, "c.addi16sp sp, -16" },
    { 0x617d, 0x1f010113, "c.addi16sp sp, 496" },
    { 0x7101, 0xe0010113, "c.addi16sp sp, -512" },
    { 0x6105, 0x02010113, "c.addi16sp sp, 32" },
    { 0x6151, 0x11010113, "c.addi16sp sp, 272" },
    { 0x6185, 0x000011b7, "c.lui gp, 1" },
    { 0x6cfd, 0x0001fcb7, "c.lui s9, 31" },
    { 0x7c01, 0xfffe0c37, "c.lui s8, 1048544" },
    { 0x75fd, 0xfffff5b7, "c.lui a1, 1048575" },
    { 0x6b41, 0x00010b37, "c.lui s6, 16" },
    { 0x8385, 0x0017d793, "c.srli a5, 1" },
    { 0x8605, 0x40165613, "c.srai a2, 1" },
    { 0x0c06, 0x001c1c13, "c.slli s8, 1" },
    { 0x837d, 0x01f75713, "c.srli a4, 31" },
    { 0x86fd, 0x41f6d693, "c.srai a3, 31" },
    { 0x00fe, 0x01f09093, "c.slli ra, 31" },
    { 0x9381, 0x0207d793, "c.srli a5, 32" },
    { 0x9681, 0x4206d693, "c.srai a3, 32" },
    { 0x1382, 0x02039393, "c.slli t2, 32" },
    { 0x90fd, 0x03f4d493, "c.srli s1, 63" },
    { 0x97fd, 0x43f7d793, "c.srai a5, 63" },
    { 0x11fe, 0x03f19193, "c.slli gp, 63" },
    { 0x819d, 0x0075d593, "c.srli a1, 7" },
    { 0x861d, 0x40765613, "c.srai a2, 7" },
    { 0x031e, 0x00731313, "c.slli t1, 7" },
    { 0x8d99, 0x40e585b3, "c.sub a1, a4" },
    { 0x8f1d, 0x40f70733, "c.sub a4, a5" },
    { 0x8c89, 0x40a484b3, "c.sub s1, a0" },
    { 0x8fb9, 0x00e7c7b3, "c.xor a5, a4" },
    { 0x8e29, 0x00a64633, "c.xor a2, a0" },
    { 0x8f31, 0x00c74733, "c.xor a4, a2" },
    { 0x8f55, 0x00d76733, "c.or a4, a3" },
    { 0x8f4d, 0x00b76733, "c.or a4, a1" },
    { 0x8d45, 0x00956533, "c.or a0, s1" },
    { 0x8d69, 0x00a57533, "c.and a0, a0" },
    { 0x8ded, 0x00b5f5b3, "c.and a1, a1" },
    { 0x8c7d, 0x00f47433, "c.and s0, a5" },
    { 0x9d11, 0x40c5053b, "c.subw a0, a2" },
    { 0x9e01, 0x4086063b, "c.subw a2, s0" },
    { 0x9d19, 0x40e5053b, "c.subw a0, a4" },
    { 0x9eb5, 0x00d686bb, "c.addw a3, a3" },
    { 0x9d21, 0x0085053b, "c.addw a0, s0" },
    { 0x9fb9, 0x00e787bb, "c.addw a5, a4" },
    { 0xa001, 0x0000006f, "c.j .+0" },
    { 0xa009, 0x0020006f, "c.j .+2" },
    { 0xbffd, 0xfffff06f, "c.j .-2" },
    { 0xaffd, 0x7fe0006f, "c.j .+2046" },
    { 0xb001, 0x801ff06f, "c.j .-2048" },
    { 0xa101, 0x4000006f, "c.j .+1024" },
    { 0xb921, 0xc19ff06f, "c.j .-1000" },
    { 0xaab1, 0x15c0006f, "c.j .+348" },
    { 0xbfed, 0xffbff06f, "c.j .-6" },
    { 0xc301, 0x00070063, "c.beqz a4, .+0" },
    { 0xe301, 0x00071063, "c.bnez a4, .+0" },
    { 0xc309, 0x00070163, "c.beqz a4, .+2" },
    { 0xe089, 0x00049163, "c.bnez s1, .+2" },
    { 0xdffd, 0xfe078fe3, "c.beqz a5, .-2" },
    { 0xff7d, 0xfe071fe3, "c.bnez a4, .-2" },
    { 0xcc7d, 0x0e040f63, "c.beqz s0, .+254" },
    { 0xedfd, 0x0e059f63, "c.bnez a1, .+254" },
    { 0xd081, 0xf00480e3, "c.beqz s1, .-256" },
    { 0xf181, 0xf00590e3, "c.bnez a1, .-256" },
    { 0xc3b5, 0x06078263, "c.beqz a5, .+100" },
    { 0xe135, 0x06051263, "c.bnez a0, .+100" },
    { 0xdccd, 0xfa048de3, "c.beqz s1, .-70" },
    { 0xfecd, 0xfa069de3, "c.bnez a3, .-70" },
    { 0x2d82, 0x00013d87, "c.fldsp fs11, 0(sp)" },
    { 0x6182, 0x00013183, "c.ldsp gp, 0(sp)" },
    { 0xa002, 0x00013027, "c.fsdsp ft0, 0(sp)" },
    { 0xe006, 0x00113023, "c.sdsp ra, 0(sp)" },
    { 0x2da2, 0x00813d87, "c.fldsp fs11, 8(sp)" },
    { 0x6322, 0x00813303, "c.ldsp t1, 8(sp)" },
    { 0xa46e, 0x01b13427, "c.fsdsp fs11, 8(sp)" },
    { 0xe412, 0x00413423, "c.sdsp tp, 8(sp)" },
    { 0x347e, 0x1f813407, "c.fldsp fs0, 504(sp)" },
    { 0x7afe, 0x1f813a83, "c.ldsp s5, 504(sp)" },
    { 0xbf82, 0x1e013c27, "c.fsdsp ft0, 504(sp)" },
    { 0xff8e, 0x1e313c23, "c.sdsp gp, 504(sp)" },
    { 0x2292, 0x10013287, "c.fldsp ft5, 256(sp)" },
    { 0x6a92, 0x10013a83, "c.ldsp s5, 256(sp)" },
    { 0xa246, 0x11113027, "c.fsdsp fa7, 256(sp)" },
    { 0xe216, 0x10513023, "c.sdsp t0, 256(sp)" },
    { 0x2fa6, 0x04813f87, "c.fldsp ft11, 72(sp)" },
    { 0x6526, 0x04813503, "c.ldsp a0, 72(sp)" },
    { 0xa4a2, 0x04813427, "c.fsdsp fs0, 72(sp)" },
    { 0xe4d2, 0x05413423, "c.sdsp s4, 72(sp)" },
    { 0x4682, 0x00012683, "c.lwsp a3, 0(sp)" },
    { 0xc042, 0x01012023, "c.swsp a6, 0(sp)" },
    { 0x4292, 0x00412283, "c.lwsp t0, 4(sp)" },
    { 0xc212, 0x00412223, "c.swsp tp, 4(sp)" },
    { 0x5efe, 0x0fc12e83, "c.lwsp t4, 252(sp)" },
    { 0xdfc2, 0x0f012e23, "c.swsp a6, 252(sp)" },
    { 0x480a, 0x08012803, "c.lwsp a6, 128(sp)" },
    { 0xc142, 0x09012023, "c.swsp a6, 128(sp)" },
    { 0x58f2, 0x03c12883, "c.lwsp a7, 60(sp)" },
    { 0xde2a, 0x02a12e23, "c.swsp a0, 60(sp)" },
    { 0x8182, 0x00018067, "c.jr gp" },
    { 0x9282, 0x000280e7, "c.jalr t0" },
    { 0x8262, 0x01800233, "c.mv tp, s8" },
    { 0x95e2, 0x018585b3, "c.add a1, s8" },
    { 0x8482, 0x00048067, "c.jr s1" },
    { 0x9802, 0x000800e7, "c.jalr a6" },
    { 0x8dde, 0x01700db3, "c.mv s11, s7" },
    { 0x9346, 0x01130333, "c.add t1, a7" },
    { 0x8082, 0x00008067, "c.jr ra" },
    { 0x9382, 0x000380e7, "c.jalr t2" },
    { 0x8ffe, 0x01f00fb3, "c.mv t6, t6" },
    { 0x98b2, 0x00c888b3, "c.add a7, a2" },
    { 0x8282, 0x00028067, "c.jr t0" },
    { 0x9b82, 0x000b80e7, "c.jalr s7" },
    { 0x897a, 0x01e00933, "c.mv s2, t5" },
    { 0x90e6, 0x019080b3, "c.add ra, s9" },
    { 0x9002, 0x00100073, "c.ebreak" },
};

UNIT_TEST(rvc_expansion_matches_assembler)
{
    for (size_t i = 0; i < ARRAY_SIZE(rvc_table); i++) {
        uint32_t got = 0;
        if (!expand_rvc(NULL, rvc_table[i].c, &got) || got != rvc_table[i].insn) {
            unit_fail(__FILE__, __LINE__, "%s (0x%04x): expanded to 0x%08x, want 0x%08x",
                      rvc_table[i].text, rvc_table[i].c, got, rvc_table[i].insn);
        }
    }
}

UNIT_TEST(rvc_reserved_encodings_rejected)
{
    static const uint16_t reserved[] = {
        0x0000,          /* all zero: defined illegal */
        0x0004,          /* c.addi4spn with nzuimm = 0 (rd = a1) */
        0x8000,          /* quadrant 0, funct3 100: reserved */
        0x2001,          /* c.addiw x0 */
        0x6101,          /* c.addi16sp with nzimm = 0 */
        0x6281,          /* c.lui t0, 0 */
        0x9c41 | 0x0040, /* c.subw-space op2 = 10 with bit 12 set: reserved */
        0x4002,          /* c.lwsp x0 */
        0x6002,          /* c.ldsp x0 */
        0x8002,          /* c.jr x0 */
    };
    for (size_t i = 0; i < ARRAY_SIZE(reserved); i++) {
        uint32_t got;
        if (expand_rvc(NULL, reserved[i], &got)) {
            unit_fail(__FILE__, __LINE__, "0x%04x expanded to 0x%08x", reserved[i], got);
        }
    }
}

static void check_disas(uint64_t pc, uint32_t insn, size_t len, const char *want,
                        int line)
{
    uint8_t code[4] = { insn, insn >> 8, insn >> 16, insn >> 24 };
    char buf[80];
    size_t n = riscv_disas_insn(pc, code, len, buf, sizeof(buf));
    if (n != len || strcmp(buf, want) != 0) {
        unit_fail(__FILE__, line, "0x%08x: \"%s\" (%zu bytes), want \"%s\"", insn, buf, n,
                  want);
    }
}
#define DIS(pc, insn, len, want) check_disas(pc, insn, len, want, __LINE__)

UNIT_TEST(disas_base_and_extensions)
{
    DIS(0, 0x00410693, 4, "addi a3,sp,4");
    DIS(0, 0xfff00513, 4, "addi a0,zero,-1");
    DIS(0, 0x12345537, 4, "lui a0,0x12345");
    DIS(0x80000000, 0x0080006f, 4, "jal zero,0x80000008");
    DIS(0x80000010, 0xfe0508e3, 4, "beq a0,zero,0x80000000");
    DIS(0, 0x00813083, 4, "ld ra,8(sp)");
    DIS(0, 0xfea12e23, 4, "sw a0,-4(sp)");
    DIS(0, 0x02b50533, 4, "mul a0,a0,a1");
    DIS(0, 0x02b5453b, 4, "divw a0,a0,a1");
    DIS(0, 0x40b50533, 4, "sub a0,a0,a1");
    DIS(0, 0x4025d513, 4, "srai a0,a1,2");
    DIS(0, 0x100526af, 4, "lr.w a3,(a0)");
    DIS(0, 0x1ab5b6af, 4, "sc.d.rl a3,a1,(a1)");
    DIS(0, 0x30002573, 4, "csrrs a0,mstatus,zero");
    DIS(0, 0x3b1292f3, 4, "csrrw t0,pmpaddr1,t0");
    DIS(0, 0x7c0022f3, 4, "csrrs t0,0x7c0,zero");
    DIS(0, 0x30200073, 4, "mret");
    DIS(0, 0x0000100f, 4, "fence.i");
    DIS(0, 0x02c5f553, 4, "fadd.d fa0,fa1,fa2,dyn");
    DIS(0, 0xc2051553, 4, "fcvt.w.d a0,fa0,rtz");
    DIS(0, 0x60051513, 4, "clz a0,a0");
    DIS(0, 0x20b54533, 4, "sh2add a0,a0,a1");
    DIS(0, 0x6b855513, 4, "rev8 a0,a0");
    DIS(0, 0x48b51533, 4, "bclr a0,a0,a1");
}

UNIT_TEST(disas_compressed_and_unknown)
{
    DIS(0, 0x0028, 2, "c.addi a0,sp,8");
    DIS(0, 0x8082, 2, "c.jalr zero,0(ra)");
    DIS(0, 0x0000, 2, ".insn 0x0000");
    DIS(0, 0xffffffff, 4, ".insn 0xffffffff");
}

UNIT_TEST(disas_log_lines)
{
    /* addi a0,zero,-1; c.li a1,7; an undecodable word; mret */
    static const uint8_t code[] = {
        0x13, 0x05, 0xf0, 0xff, 0x9d, 0x45, 0xff, 0xff, 0xff, 0xff,
        0x73, 0x00, 0x20, 0x30,
    };
    FILE *saved = machina_logfile;
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);

    CHECK(mem != NULL);
    machina_logfile = mem;
    riscv_disas_log(NULL, 0x80000000, code, sizeof(code));
    machina_logfile = saved;
    fclose(mem);
    CHECK_STREQ(text,
                "0x80000000:  fff00513  addi a0,zero,-1\n"
                "0x80000004:  459d      c.addi a1,zero,7\n"
                "0x80000006:  ffffffff  .insn 0xffffffff\n"
                "0x8000000a:  30200073  mret\n");
    free(text);
}
