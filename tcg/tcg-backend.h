/*
 * The interface between the IR (tcg/) and a code generator: the portable
 * bytecode interpreter (tcg/interp/) today, a native x86_64 emitter later.
 *
 * accel/tcg/ drives a back end: after the optimizer it calls gen_code()
 * into its code buffer, runs blocks with exec(), patches chain slots with
 * set_jmp(), and maps a faulting host position back to the guest
 * instruction with find_insn().  A back end calls back into the soft-MMU
 * and the block lookup through tcg_runtime, which accel/tcg/ fills in, so
 * tcg/ never depends on accel/ or target/ code.
 */
#ifndef TCG_TCG_BACKEND_H
#define TCG_TCG_BACKEND_H

#include "tcg/tcg.h"
#include "core/error.h"

/* Services a back end's generated code calls (set by accel/tcg). */
typedef struct TCGRuntime {
    /* Soft-MMU slow paths; ra identifies the calling position in the block. */
    uint64_t (*qemu_ld)(void *env, uint64_t addr, MemOpIdx oi, uintptr_t ra);
    void (*qemu_st)(void *env, uint64_t addr, uint64_t val, MemOpIdx oi, uintptr_t ra);
    /* lookup_and_goto_ptr: the block for the current guest state, or NULL. */
    TranslationBlock *(*lookup_tb)(void *env);
} TCGRuntime;
extern TCGRuntime tcg_runtime;

typedef struct TCGBackend {
    const char *name;
    /*
     * Generate code for s's (optimized) ops at buf, at most size bytes.
     * Returns the bytes used, -1 if the buffer is too small, -2 if the
     * block is too large for the back end (retry with fewer instructions).
     */
    ptrdiff_t (*gen_code)(TCGContext *s, TranslationBlock *tb, void *buf, size_t size);
    /* Run tb (and blocks chained to it) until an exit; returns (tb | n) or 0. */
    uintptr_t (*exec)(void *env, TranslationBlock *tb);
    /* Point chain slot n of tb at dest (NULL: unchain). */
    void (*set_jmp)(TranslationBlock *tb, unsigned n, TranslationBlock *dest);
    /*
     * Guest instruction of tb that contains host position ra: its index,
     * with its insn_start words in data; -1 if ra is not inside tb.
     */
    int (*find_insn)(const TranslationBlock *tb, uintptr_t ra, uint64_t data[2]);
    /* insn_start words of instruction i of tb (false if out of range). */
    bool (*insn_data)(const TranslationBlock *tb, unsigned i, uint64_t data[2]);
    /* -d out_asm */
    void (*dump)(const TranslationBlock *tb, FILE *f);
    /* The host executes the code buffer: allocate it with tcg_code_buffer_alloc(exec). */
    bool executes_buffer;
} TCGBackend;

extern const TCGBackend tcg_backend_interp;
/* The x86_64 code generator (tcg/x86_64/), on x86_64 hosts. */
extern const TCGBackend tcg_backend_native;
/* "interp" or "native"; NULL if unknown or not usable on this host. */
const TCGBackend *tcg_backend_find(const char *name);
/* The back end used when none is named (interp where native cannot run). */
#define TCG_BACKEND_DEFAULT "native"
/* For error messages: the names tcg_backend_find accepts here. */
const char *tcg_backend_names(void);
/* Can this host run tcg_backend_native? */
bool tcg_backend_native_usable(void);

/*
 * Helpers a native back end may run on the host FPU inline.  A target
 * registers a description of an FP helper whose result is the IEEE 754
 * result of one basic operation whenever (1) the rounding mode is
 * round-to-nearest-even (the rm argument is rm_nearest, or rm_dynamic and
 * the uint32 at env + dyn_rm_offset is dyn_nearest), (2) the inputs are
 * valid encodings (singles: NaN-boxed in 64 bits when nan_boxed) and (3)
 * the result is not a NaN (for TO_INT: the integer is in range); then the
 * only other effect of the helper is to accrue the IEEE 754 flags of the
 * operation into the uint32 at env + flags_offset, the word registered
 * with tcg_inline_fp_flags_register (inexact_flag names its inexact bit).
 * In every other case generated code calls the helper, which stays
 * authoritative.  Arguments: env first, then the operands, then rm.
 */
typedef enum TCGInlineFPOp {
    TCG_FP_ADD, TCG_FP_SUB, TCG_FP_MUL, TCG_FP_DIV, TCG_FP_SQRT,
    TCG_FP_FROM_INT,        /* int_bits integer -> float */
    TCG_FP_TO_INT,          /* float -> int_bits integer, sign-extended;
                             * out of range or NaN is the helper's */
    /*
     * No rounding-mode argument: (env, a, b).  For two ordered (non-NaN)
     * inputs the helper returns the comparison (1/0) or, for unequal
     * inputs, the smaller/larger one, and sets no flag.
     */
    TCG_FP_EQ, TCG_FP_LT, TCG_FP_LE, TCG_FP_MIN, TCG_FP_MAX,
    /*
     * helper(env), no result, nothing to do when called: markers for a
     * back end with lazy flags (TCGInlineFPFlags).  SYNC: the flags word
     * must be exact after it (the target reads it next); DISCARD: pending
     * flags must not reach it later (the target overwrites it next).
     */
    TCG_FP_SYNC_FLAGS, TCG_FP_DISCARD_FLAGS,
    /* (env, a, b, c, rm): the fused (+-a*b) +- c of IEEE 754 5.4.1 with one
     * rounding, the product negated when fma_neg & 1, c when fma_neg & 2. */
    TCG_FP_FMA,
} TCGInlineFPOp;

typedef struct TCGInlineFP {
    const void *helper;
    TCGInlineFPOp op;
    uint8_t bits;               /* 32 or 64 */
    bool nan_boxed;             /* 32-bit values live NaN-boxed in 64 bits */
    uint32_t rm_nearest, rm_dynamic, dyn_nearest;
    int32_t dyn_rm_offset, flags_offset;
    uint32_t inexact_flag;
    uint8_t int_bits;           /* FROM_INT/TO_INT: 32 or 64 */
    bool int_unsigned;          /* FROM_INT/TO_INT: the integer is unsigned (a TO_INT
                                 * result of 32 bits is still sign-extended) */
    bool has_rm_trunc;          /* TO_INT: rm_trunc (static toward zero) also inline */
    uint32_t rm_trunc;
    uint8_t fma_neg;            /* FMA: 1 = -(a*b), 2 = -c */
} TCGInlineFP;

/* Register d (kept by pointer: static storage).  Without a native back end
 * the description is unused. */
void tcg_inline_fp_register(const TCGInlineFP *d);

/*
 * The target's accrued IEEE 754 exception flags (one per exception of
 * IEEE 754-2008 section 7, each a bit of the uint32 at env + offset; all
 * below 0x100).  With this registered, inline FP ops leave their host
 * flags pending in the host FPU's sticky status and the back end ORs the
 * corresponding target flags in lazily: before any call out of generated
 * code and when a block returns to the execution loop.  So an inline op
 * may also raise invalid (with a NaN result or, for TO_INT, the host's
 * out-of-range value, both of which still go to the helper), divide by
 * zero, overflow and underflow, as long as the target flags those exactly
 * like IEEE 754 with tininess detected after rounding.
 */
typedef struct TCGInlineFPFlags {
    int32_t offset;
    uint32_t invalid, divbyzero, overflow, underflow, inexact;
} TCGInlineFPFlags;
void tcg_inline_fp_flags_register(const TCGInlineFPFlags *f);

/*
 * The code buffer (tcg/code-buffer.c).  For executable back ends it is one
 * memory object mapped twice (W^X): code is written at the returned RW
 * address and runs at RW + tcg_code_rx_delta.  Others get heap memory and a
 * delta of 0.
 */
extern ptrdiff_t tcg_code_rx_delta;
/*
 * Executable buffers get TCG_CODE_STUB_AREA more bytes past `size`, which
 * the block allocator never hands out: the back end keeps code shared by
 * all blocks there (within rel32 reach of every block).  tcg_code_stub_area
 * is its RW address (NULL for heap buffers).
 */
#define TCG_CODE_STUB_AREA 4096
extern uint8_t *tcg_code_stub_area;
/* Bumped by every allocation: a new buffer may reuse a freed one's
 * address, so the stub area's contents are keyed by this, not by it. */
extern unsigned tcg_code_buffer_generation;
void *tcg_code_buffer_alloc(size_t size, bool executable, Error **errp);
void tcg_code_buffer_free(void *buf, size_t size);
/* Map [rw, rw + len) of the buffer (both views) ahead of use; page aligned. */
void tcg_code_buffer_prefault(void *rw, size_t len);

/*
 * The block the calling thread is executing (NULL outside generated code),
 * and for the interpreter the position GETPC() reports to helpers.
 */
extern __thread TranslationBlock *tcg_current_tb;
extern __thread uintptr_t tcg_helper_retaddr;

#endif
