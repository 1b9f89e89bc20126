/*
 * The interpreter's bytecode (private to tcg/interp/).
 *
 * A block's code lives in the code buffer as:
 *   InterpHeader | env offsets of the globals it uses (int64) |
 *   constant pool (uint64) | written-global slots (uint32) |
 *   code (uint32 words) | insn map (InterpInsn)
 * Operands are slot numbers in a frame of 64-bit registers: slot 0 holds
 * env, then the globals the block uses (loaded at entry, written back at
 * sync points), then the constants, then the block temps.
 * CALL: ret-slot (or ~0), nargs, reload-globals flag, fn (2 words), arg slots.
 */
#ifndef TCG_INTERP_INTERP_H
#define TCG_INTERP_INTERP_H

#include "tcg/tcg-backend.h"
#include "accel/tcg/cpu.h"

#define INTERP_MAX_SLOTS 4096

typedef struct InterpHeader {
    uint32_t nslots;
    uint32_t nglobals;       /* slots 1..nglobals */
    uint32_t nconsts;        /* slots after the globals */
    uint32_t nwritten;       /* globals the block writes (synced to env) */
    uint32_t ncode;          /* code words */
    uint32_t ninsns;
    int64_t tlb_offset;      /* env -> CPUTLB table, 0: no inline fast path */
    uint32_t globals_ofs, consts_ofs, written_ofs, code_ofs, insns_ofs;
    uint32_t total;          /* bytes */
} InterpHeader;

typedef struct InterpInsn {
    uint32_t code_pos;       /* word index of the instruction's first op */
    uint32_t pad;
    uint64_t data[2];
} InterpInsn;

#define INTERP_OPS(X)                                                      \
    X(MOV) X(ADD) X(SUB) X(MUL) X(MULSH) X(MULUH) X(AND) X(OR) X(XOR)       \
    X(ANDC) X(ORC) X(EQV) X(SHL) X(SHR) X(SAR) X(ROTL) X(ROTR) X(DIV)       \
    X(DIVU) X(REM) X(REMU) X(NEG) X(NOT) X(CLZ) X(CTZ) X(CTPOP) X(BSWAP64)  \
    X(EXT8S) X(EXT8U) X(EXT16S) X(EXT16U) X(EXT32S) X(EXT32U)               \
    X(DEPOSIT) X(EXTRACT) X(SEXTRACT) X(SETCOND) X(MOVCOND)                 \
    X(BR) X(BRCOND)                                                         \
    X(LD8U) X(LD8S) X(LD16U) X(LD16S) X(LD32U) X(LD32S) X(LD)               \
    X(ST8) X(ST16) X(ST32) X(ST)                                            \
    X(QLD) X(QST) X(CALL) X(SYNC) X(RELOAD) X(MB)                           \
    X(GOTO_TB) X(EXIT_TB) X(LOOKUP)

typedef enum InterpOp {
#define X(n) IOP_##n,
    INTERP_OPS(X)
#undef X
    IOP_COUNT
} InterpOp;

static inline const InterpHeader *interp_header(const TranslationBlock *tb)
{
    return (const InterpHeader *)tb->tc_ptr;
}

#endif
