/*
 * -d in_asm for RISC-V guests: capstone (CS_ARCH_RISCV, RV64 + C) prints one
 * line per instruction, "0x<pc>:  <bytes>  <mnemonic> <operands>".  Bytes
 * capstone cannot decode are shown as ".insn" of their natural length so
 * the listing stays aligned with the guest code.
 */
#include "core/osdep.h"
#include "core/log.h"
#include "target/riscv/translate.h"
#include <capstone/capstone.h>

static void disas_bytes_line(vaddr pc, const uint8_t *p, size_t n, const char *mn,
                             const char *ops)
{
    char hex[3 * 4 + 1] = "";
    size_t off = 0;

    for (size_t i = 0; i < n && i < 4; i++) {
        off += snprintf(hex + off, sizeof(hex) - off, "%02x", p[n - 1 - i]);
    }
    qemu_log("0x%08" PRIx64 ":  %-8s  %s%s%s\n", (uint64_t)pc, hex, mn,
             ops[0] ? " " : "", ops);
}

#if CS_API_MAJOR >= 5
void riscv_disas_log(CPUState *cs, vaddr pc, const uint8_t *code, size_t len)
{
    csh handle;
    cs_insn *insn;

    if (cs_open(CS_ARCH_RISCV, CS_MODE_RISCV64 | CS_MODE_RISCVC, &handle) != CS_ERR_OK) {
        qemu_log("0x%08" PRIx64 ":  (capstone has no RISC-V support)\n", (uint64_t)pc);
        return;
    }
    insn = cs_malloc(handle);
    while (len >= 2) {
        const uint8_t *p = code;
        size_t size = len;
        uint64_t addr = pc;

        if (cs_disasm_iter(handle, &p, &size, &addr, insn)) {
            disas_bytes_line(pc, code, insn->size, insn->mnemonic, insn->op_str);
            code += insn->size;
            len -= insn->size;
            pc += insn->size;
            continue;
        }
        /* Undecodable: a 16-bit or 32-bit unit by its low bits (spec 1.5). */
        size_t n = (code[0] & 3) == 3 && len >= 4 ? 4 : 2;
        char word[16];
        uint32_t v = n == 4 ? (uint32_t)code[0] | code[1] << 8 | code[2] << 16 |
                                  (uint32_t)code[3] << 24
                            : (uint32_t)code[0] | code[1] << 8;
        snprintf(word, sizeof(word), "0x%0*" PRIx32, (int)(2 * n), v);
        disas_bytes_line(pc, code, n, ".insn", word);
        code += n;
        len -= n;
        pc += n;
    }
    cs_free(insn, 1);
    cs_close(&handle);
}
#else
/* Capstone before 5.0 has no RISC-V: use our own decoder (disas-riscv.c). */
void riscv_disas_log(CPUState *cs, vaddr pc, const uint8_t *code, size_t len)
{
    char buf[64];

    while (len >= 2) {
        size_t n = riscv_disas_insn(pc, code, len, buf, sizeof(buf));
        const char *sp = strchr(buf, ' ');
        char mn[16];
        size_t ml = sp ? (size_t)(sp - buf) : strlen(buf);
        if (ml >= sizeof(mn)) {
            ml = sizeof(mn) - 1;
        }
        memcpy(mn, buf, ml);
        mn[ml] = 0;
        disas_bytes_line(pc, code, n, mn, sp ? sp + 1 : "");
        code += n;
        len -= n;
        pc += n;
    }
}
#endif
