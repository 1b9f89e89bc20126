/*
 * The native x86_64 back end (private to tcg/x86_64/).
 *
 * A block's code in the code buffer (tb->tc_ptr, the RW view):
 *
 *   NativeHeader | host code (main path, then the out-of-line soft-MMU
 *   slow paths) | pc map (NativeInsn per guest instruction)
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
    uint32_t map_ofs;        /* NativeInsn array, from tc_ptr */
    uint32_t ninsns;
    uint32_t pad[2];
} NativeHeader;

typedef struct NativeInsn {
    uint32_t code_pos;       /* offset from the code start of its first byte */
    uint32_t pad;
    uint64_t data[2];        /* insn_start words */
} NativeInsn;

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
void native_st_slow(void *env, uint64_t addr, uint64_t val, MemOpIdx oi, uintptr_t ra,
                    TranslationBlock *tb);

#endif
