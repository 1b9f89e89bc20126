/*
 * The native x86_64 back end (private to tcg/x86_64/).
 *
 * A block's code in the code buffer (tb->tc_ptr, the RW view):
 *
 *   NativeHeader | host code (main path, then the out-of-line soft-MMU
 *   slow paths) | pc map (a few bytes per guest instruction)
 *
 * The same bytes are executed through the RX view at tb->tc_ptr +
 * tcg_code_rx_delta (see tcg/code-buffer.c: W^X by dual mapping).
 *
 * Generated code runs inside the frame the prologue builds (native-rt.c):
 * callee-saved registers pushed, env in RBP, NATIVE_FRAME_SLOTS 8-byte
 * spill slots at [RSP], RSP 16-byte aligned so helpers can be called
 * directly.  Chained blocks jump block to block in that frame; every exit
 * runs the block's inline copy of the epilogue and returns (tb | n) in RAX.
 */
#ifndef TCG_X86_64_NATIVE_H
#define TCG_X86_64_NATIVE_H

#include "tcg/tcg-backend.h"
#include "accel/tcg/cpu.h"

#define NATIVE_FRAME_SLOTS 2048
#define NATIVE_FRAME_BYTES (NATIVE_FRAME_SLOTS * 8)

typedef struct NativeHeader {
    uint32_t code_ofs;       /* entry point, from tc_ptr */
    uint32_t code_end;       /* end of code (incl. slow paths), from tc_ptr */
    uint32_t jmp_ofs[2];     /* goto_tb n: offset of its rel32, 0 = none */
    uint32_t map_ofs;        /* the pc map (below), from tc_ptr */
    uint32_t ninsns;
    uint32_t stubs_ofs;      /* guest-memory slow-path stubs, up to code_end */
} NativeHeader;

/*
 * The pc map: one entry per guest instruction, in order, each three
 * LEB128 numbers (DWARF 5 section 7.6): the unsigned distance from the
 * previous entry's first host byte to this one's (from the code start for
 * the first entry), then the signed differences of the two insn_start
 * words from the previous entry's (from (tb->pc, 0) for the first).  A
 * guest instruction costs ~3 bytes instead of a 24-byte record; the map is
 * decoded only where the guest state must be rebuilt (a fault or an exit
 * inside the block, -d out_asm), which walks it from the start.
 */
typedef struct NativeInsn {
    uint32_t code_pos;       /* offset from the code start of its first byte */
    uint64_t data[2];        /* insn_start words */
} NativeInsn;

/* Append entry `in` (prev: the previous entry, or {0, {tb->pc, 0}}). */
static inline size_t native_map_put(uint8_t *out, const NativeInsn *prev, const NativeInsn *in)
{
    uint8_t *p = out;
    uint64_t u = in->code_pos - prev->code_pos;

    do {
        uint8_t b = u & 0x7f;
        u >>= 7;
        *p++ = b | (u ? 0x80 : 0);
    } while (u);
    for (int k = 0; k < 2; k++) {
        int64_t v = (int64_t)(in->data[k] - prev->data[k]);
        bool more = true;
        while (more) {
            uint8_t b = v & 0x7f;
            v >>= 7;        /* arithmetic: gcc defines >> of negatives */
            more = !((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40)));
            *p++ = b | (more ? 0x80 : 0);
        }
    }
    return (size_t)(p - out);
}

/* Decode the entry at *pp into *cur (holding the previous one). */
static inline void native_map_next(const uint8_t **pp, NativeInsn *cur)
{
    const uint8_t *p = *pp;
    uint64_t u = 0;
    unsigned shift = 0;
    uint8_t b;

    do {
        b = *p++;
        u |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    cur->code_pos += (uint32_t)u;
    for (int k = 0; k < 2; k++) {
        uint64_t v = 0;
        shift = 0;
        do {
            b = *p++;
            if (shift < 64) {
                v |= (uint64_t)(b & 0x7f) << shift;
            }
            shift += 7;
        } while (b & 0x80);
        if (shift < 64 && (b & 0x40)) {
            v |= ~(uint64_t)0 << shift;
        }
        cur->data[k] += v;
    }
    *pp = p;
}

/* Longest entry: a 5-byte distance and two 10-byte differences. */
#define NATIVE_MAP_ENTRY_MAX 25

static inline const NativeHeader *native_header(const TranslationBlock *tb)
{
    return (const NativeHeader *)tb->tc_ptr;
}

/* Where generated code executes (RX view) for a position in the RW view. */
static inline uintptr_t native_rx(const void *rw)
{
    return (uintptr_t)rw + (uintptr_t)tcg_code_rx_delta;
}

/* native-gen.c */
ptrdiff_t native_gen_code(TCGContext *s, TranslationBlock *tb, void *buf, size_t size);

/* native-rt.c: the helpers registered with tcg_inline_fp_register. */
const TCGInlineFP *native_inline_fp_find(const void *helper);

/* native-rt.c: tcg_inline_fp_flags_register's description (NULL: none;
 * then inline FP ops are not generated) and MXCSR status -> target flags. */
extern const TCGInlineFPFlags *native_fp_flags;
extern uint8_t native_fp_flag_map[64];
#define NATIVE_MXCSR_FLAGS 0x3f     /* IE DE ZE OE UE PE */
/* The frame's 8-byte pad above the spill slots: [RSP + NATIVE_MXCSR_SCRATCH]
 * is stmxcsr's scratch word, [RSP + NATIVE_MXCSR_CLEAN] the prologue's copy
 * of MXCSR with no status flag set. */
#define NATIVE_MXCSR_SCRATCH NATIVE_FRAME_BYTES
#define NATIVE_MXCSR_CLEAN (NATIVE_FRAME_BYTES + 4)
#define NATIVE_MXCSR_EXC 0x3d       /* the IEEE ones: all but DE */

/* native-rt.c: called from generated code. */
uintptr_t native_lookup(void *env);

/*
 * Guest-memory slow paths.  A block's out-of-line stub for one access is
 * a call of a shared thunk (in the code buffer's stub area, so a rel32
 * call reaches it; else movabs rax + call rax) followed by a descriptor,
 * data the thunk reads through its return address and never executes:
 *
 *   u8 addr_reg, u8 val_reg, u16 sync (registers holding dirty globals),
 *   u32 oi, i32 resume (the fast path's resume point, from the
 *   descriptor), [stores: u64 TranslationBlock *], then one i32 env offset
 *   per bit of sync, lowest register first.
 *
 * The thunk saves all 16 registers in an array on the stack (so the stub
 * spills nothing and the C code may use any register), calls
 * native_{ld,st}_slow(env, regs, descriptor) and returns, with the
 * registers reloaded (a load's result in regs[val_reg]), to the address
 * that returns.  Stubs are ~17 bytes instead of ~100 of inline call setup.
 */
#define NATIVE_SLOW_DESC_LD 12
#define NATIVE_SLOW_DESC_ST 20
extern uintptr_t native_thunk_ld, native_thunk_st;    /* RX entry points */
/* The epilogue (RX), in the same stub area: blocks leave by jumping to it
 * with their result in RAX. */
extern uintptr_t native_epilogue;
/* Build the thunks in the current code buffer's stub area (idempotent). */
bool native_thunks_ensure(void);
uintptr_t native_ld_slow(void *env, uint64_t *regs, const uint8_t *desc);
uintptr_t native_st_slow(void *env, uint64_t *regs, const uint8_t *desc);
/* Bytes of the descriptor at desc (store: a store thunk's). */
size_t native_slow_desc_len(const uint8_t *desc, bool store);

#endif
