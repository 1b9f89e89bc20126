/*
 * The native back end at run time: the prologue that enters generated
 * code, chaining by patching direct jumps, the pc map that turns a host
 * return address into a guest instruction, the lookup used by indirect
 * jumps, and -d out_asm through capstone.
 */
#include "tcg/x86_64/native.h"
#include "tcg/x86_64/x86-emit.h"
#include <capstone/capstone.h>
#include <sys/mman.h>
#include <xmmintrin.h>

typedef uintptr_t (*NativeEntry)(void *env, const void *code);

static NativeEntry prologue;
static GOnce prologue_once = G_ONCE_INIT;

/*
 * The prologue, in its own page (written, then made read-execute once):
 * save the callee-saved registers (SysV ABI), env to RBP, reserve the
 * spill frame keeping RSP 16-byte aligned for helper calls, and jump to
 * the block.  6 pushes + the return address = 56 bytes; + FRAME + 8 = a
 * multiple of 16.  Blocks leave through their own copy of the epilogue.
 */
static gpointer prologue_build(gpointer unused)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    void *mem = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    X86Emit e = {.buf = mem, .size = page};

    if (mem == MAP_FAILED) {
        return NULL;
    }
    x_push(&e, RBP);
    x_push(&e, RBX);
    x_push(&e, R12);
    x_push(&e, R13);
    x_push(&e, R14);
    x_push(&e, R15);
    x_arith_ri(&e, ARITH_SUB, RSP, NATIVE_FRAME_BYTES + 8);
    /* The upper half of the pad keeps this thread's MXCSR with the status
     * flags clear (control bits as C left them: helpers restore them), so
     * generated code clears flags with one ldmxcsr; enter with none. */
    x_rm(&e, OPC_0F | 0xae, 3, RSP, -1, NATIVE_MXCSR_CLEAN);   /* stmxcsr */
    x_rm(&e, OP_GRP1_EvIb, ARITH_AND, RSP, -1, NATIVE_MXCSR_CLEAN);
    x_b(&e, (uint8_t)~NATIVE_MXCSR_FLAGS);                      /* and dword, ~0x3f */
    x_rm(&e, OPC_0F | 0xae, 2, RSP, -1, NATIVE_MXCSR_CLEAN);   /* ldmxcsr */
    x_mov_rr(&e, RBP, RDI);
    x_jmp_r(&e, RSI);
    assert(!e.overflow);
    if (mprotect(mem, page, PROT_READ | PROT_EXEC) != 0) {
        munmap(mem, page);
        return NULL;
    }
    prologue = (NativeEntry)mem;
    return mem;
}

static bool native_init(void)
{
    return g_once(&prologue_once, prologue_build, NULL) != NULL;
}

static ptrdiff_t native_gen(TCGContext *s, TranslationBlock *tb, void *buf, size_t size)
{
    if (!native_init() || !native_thunks_ensure()) {
        return -2;
    }
    return native_gen_code(s, tb, buf, size);
}

static const void *entry_rx(const TranslationBlock *tb)
{
    return (const void *)native_rx((const char *)tb->tc_ptr + native_header(tb)->code_ofs);
}

static uintptr_t native_exec(void *env, TranslationBlock *tb)
{
    uintptr_t ret;

    native_init();
    /* Generated code keeps inline FP ops' flags pending in MXCSR (see
     * native_fp_flags; the prologue clears them): account for them on the
     * way out (an exit through a helper's longjmp was folded before the
     * call). */
    ret = prologue(env, entry_rx(tb));
    if (native_fp_flags) {
        unsigned csr = _mm_getcsr();
        if (csr & NATIVE_MXCSR_EXC) {
            *(uint32_t *)((char *)env + native_fp_flags->offset) |=
                native_fp_flag_map[csr & NATIVE_MXCSR_FLAGS];
            _mm_setcsr(csr & ~(unsigned)NATIVE_MXCSR_FLAGS);
        }
    }
    return ret;
}

/*
 * lookup_and_goto_ptr: the block for the current guest state through the
 * per-CPU jump cache (tcg_runtime.lookup_tb), or 0 to return to the loop.
 */
uintptr_t native_lookup(void *env)
{
    TranslationBlock *tb = tcg_runtime.lookup_tb ? tcg_runtime.lookup_tb(env) : NULL;

    return tb ? (uintptr_t)entry_rx(tb) : 0;
}

/* ---- guest-memory slow paths (native.h) ---- */

uintptr_t native_thunk_ld, native_thunk_st, native_epilogue;
static uint8_t *thunks_area;
static unsigned thunks_generation;

/* One thunk: the 16 registers in regs[] on the stack, the C call, back. */
static void thunk_build(X86Emit *e, const void *fn)
{
    /* On entry RSP = frame base - 8 (the return address, i.e. the
     * descriptor).  16 pushes and 8 bytes of pad: RSP 16-byte aligned for
     * the call; regs[r] at [RSP + 8 + 8 r]. */
    for (int r = 15; r >= 0; r--) {
        x_push(e, r);
    }
    x_arith_ri(e, ARITH_SUB, RSP, 8);
    x_mov_rr(e, RDI, RBP);
    x_rm(e, OPC_W | OP_LEA, RSI, RSP, -1, 8);
    x_rm(e, OPC_W | OP_MOV_GvEv, RDX, RSP, -1, 8 + 16 * 8);
    x_movi(e, RAX, (uint64_t)(uintptr_t)fn);
    x_call_r(e, RAX);
    /* Return to the resume point instead of the descriptor. */
    x_rm(e, OPC_W | OP_MOV_EvGv, RAX, RSP, -1, 8 + 16 * 8);
    x_arith_ri(e, ARITH_ADD, RSP, 8);
    for (int r = 0; r < 16; r++) {
        if (r == RSP) {
            x_rm(e, OPC_W | OP_LEA, RSP, RSP, -1, 8);   /* skip its slot */
        } else {
            x_pop(e, r);
        }
    }
    x_b(e, 0xc3);
}

bool native_thunks_ensure(void)
{
    X86Emit e = {.buf = tcg_code_stub_area, .size = TCG_CODE_STUB_AREA};

    if (thunks_area == tcg_code_stub_area && thunks_generation == tcg_code_buffer_generation) {
        return thunks_area != NULL;
    }
    if (!tcg_code_stub_area) {
        return false;
    }
    native_thunk_ld = native_rx(e.buf);
    thunk_build(&e, (const void *)native_ld_slow);
    while (e.pos & 15) {
        x_b(&e, 0xcc);
    }
    native_thunk_st = native_rx(e.buf + e.pos);
    thunk_build(&e, (const void *)native_st_slow);
    while (e.pos & 15) {
        x_b(&e, 0xcc);
    }
    /* The prologue's counterpart, shared by the blocks' exits. */
    native_epilogue = native_rx(e.buf + e.pos);
    x_arith_ri(&e, ARITH_ADD, RSP, NATIVE_FRAME_BYTES + 8);
    x_pop(&e, R15);
    x_pop(&e, R14);
    x_pop(&e, R13);
    x_pop(&e, R12);
    x_pop(&e, RBX);
    x_pop(&e, RBP);
    x_b(&e, 0xc3);
    assert(!e.overflow);
    thunks_area = tcg_code_stub_area;
    thunks_generation = tcg_code_buffer_generation;
    return true;
}

typedef struct SlowDesc {
    uint8_t addr_reg, val_reg;
    uint16_t sync;
    uint32_t oi;
    int32_t resume;
} SlowDesc;

_Static_assert(sizeof(SlowDesc) == NATIVE_SLOW_DESC_LD, "the descriptor's fixed part");

size_t native_slow_desc_len(const uint8_t *desc, bool store)
{
    uint16_t sync;

    memcpy(&sync, desc + 2, 2);
    return (store ? NATIVE_SLOW_DESC_ST : NATIVE_SLOW_DESC_LD) + 4 * (size_t)__builtin_popcount(sync);
}

/*
 * What the generated code did around its C calls (native-call.c): fold
 * the pending MXCSR flags into the guest's (the C code may raise or read
 * them; a fault, a device, the guest's own handler), write the dirty
 * globals home (a fault or MMIO needs env up to date), and afterwards
 * clear the host flags again (control bits unchanged: generated code
 * never writes them).  Returns the MXCSR to restore.
 */
static unsigned slow_enter(void *env, const uint64_t *regs, const uint8_t *desc,
                           SlowDesc *d, size_t fixed)
{
    unsigned csr = 0;
    const uint8_t *ofs = desc + fixed;

    memcpy(d, desc, sizeof(*d));
    if (native_fp_flags) {
        csr = _mm_getcsr();
        if (csr & NATIVE_MXCSR_EXC) {
            *(uint32_t *)((char *)env + native_fp_flags->offset) |=
                native_fp_flag_map[csr & NATIVE_MXCSR_FLAGS];
        }
    }
    for (int r = 0; r < 16; r++) {
        if (d->sync & (1u << r)) {
            int32_t o;
            memcpy(&o, ofs, 4);
            ofs += 4;
            memcpy((char *)env + o, &regs[r], 8);
        }
    }
    return csr;
}

static void slow_leave(unsigned csr)
{
    if (native_fp_flags) {
        _mm_setcsr(csr & ~(unsigned)NATIVE_MXCSR_FLAGS);
    }
}

uintptr_t native_ld_slow(void *env, uint64_t *regs, const uint8_t *desc)
{
    SlowDesc d;
    unsigned csr = slow_enter(env, regs, desc, &d, NATIVE_SLOW_DESC_LD);
    /* ra = the fast path's resume point: find_insn looks at ra - 1, inside it. */
    uintptr_t ra = (uintptr_t)desc + d.resume;

    regs[d.val_reg] = tcg_runtime.qemu_ld(env, regs[d.addr_reg], d.oi, ra);
    slow_leave(csr);
    return ra;
}

/* The soft-MMU must know the running block so that a store into its own
 * code leaves it first (cputlb.c notdirty_write). */
uintptr_t native_st_slow(void *env, uint64_t *regs, const uint8_t *desc)
{
    SlowDesc d;
    unsigned csr = slow_enter(env, regs, desc, &d, NATIVE_SLOW_DESC_ST);
    uintptr_t ra = (uintptr_t)desc + d.resume;
    TranslationBlock *tb;

    memcpy(&tb, desc + sizeof(SlowDesc), sizeof(tb));
    tcg_current_tb = tb;
    tcg_runtime.qemu_st(env, regs[d.addr_reg], regs[d.val_reg], d.oi, ra);
    tcg_current_tb = NULL;
    slow_leave(csr);
    return ra;
}

static void native_set_jmp(TranslationBlock *tb, unsigned n, TranslationBlock *dest)
{
    const NativeHeader *h = native_header(tb);
    uint8_t *disp = (uint8_t *)tb->tc_ptr + h->jmp_ofs[n];
    uintptr_t next = native_rx(disp + 4);
    int64_t d = dest ? (int64_t)((uintptr_t)entry_rx(dest) - next) : 0;

    if (!h->jmp_ofs[n] || !fits_i32(d)) {
        /* No jump slot, or too far: the block keeps exiting to the loop. */
        if (!dest) {
            __atomic_store_n(&tb->jmp_dest[n], NULL, __ATOMIC_RELEASE);
        }
        return;
    }
    /* An aligned 4-byte store is atomic: a concurrent run sees old or new. */
    __atomic_store_n((uint32_t *)disp, (uint32_t)(int32_t)d, __ATOMIC_RELEASE);
    __atomic_store_n(&tb->jmp_dest[n], dest, __ATOMIC_RELEASE);
}

static const uint8_t *map_start(const TranslationBlock *tb, NativeInsn *cur)
{
    const NativeHeader *h = native_header(tb);

    *cur = (NativeInsn){.code_pos = 0, .data = {tb->pc, 0}};
    return (const uint8_t *)tb->tc_ptr + h->map_ofs;
}

/* ra: a host address in the RX view (or the RW view) of tb's code. */
static int native_find_insn(const TranslationBlock *tb, uintptr_t ra, uint64_t data[2])
{
    const NativeHeader *h = native_header(tb);
    uintptr_t code = (uintptr_t)tb->tc_ptr + h->code_ofs;
    uintptr_t rw = ra, pos;
    NativeInsn cur;
    const uint8_t *p = map_start(tb, &cur);
    int found = -1;

    if (ra >= native_rx(tb->tc_ptr) && ra < native_rx((char *)tb->tc_ptr + tb->tc_size)) {
        rw = ra - (uintptr_t)tcg_code_rx_delta;
    }
    /* A return address points after the call: the call itself is at ra - 1. */
    if (rw <= code || rw > (uintptr_t)tb->tc_ptr + h->code_end) {
        return -1;
    }
    pos = rw - 1 - code;
    /* The last entry starting at or before pos (entries ascend). */
    for (unsigned i = 0; i < h->ninsns; i++) {
        NativeInsn next = cur;
        native_map_next(&p, &next);
        if (next.code_pos > pos) {
            break;
        }
        cur = next;
        found = (int)i;
    }
    if (found >= 0) {
        data[0] = cur.data[0];
        data[1] = cur.data[1];
    }
    return found;
}

static bool native_insn_data(const TranslationBlock *tb, unsigned i, uint64_t data[2])
{
    const NativeHeader *h = native_header(tb);
    NativeInsn cur;
    const uint8_t *p = map_start(tb, &cur);

    if (i >= h->ninsns) {
        return false;
    }
    for (unsigned k = 0; k <= i; k++) {
        native_map_next(&p, &cur);
    }
    data[0] = cur.data[0];
    data[1] = cur.data[1];
    return true;
}

static const char *const reg_names[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* -d out_asm: the host code with its RX addresses, guest insns marked. */
static void native_dump(const TranslationBlock *tb, FILE *f)
{
    const NativeHeader *h = native_header(tb);
    NativeInsn cur;
    const uint8_t *map = map_start(tb, &cur);
    const uint8_t *code = (const uint8_t *)tb->tc_ptr + h->code_ofs;
    size_t len = h->code_end - h->code_ofs;
    uint64_t addr = native_rx(code);
    unsigned next = 0;
    csh cs;
    cs_insn *insn;
    size_t count;

    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        fprintf(f, "  (capstone cannot disassemble x86_64: %zu bytes)\n", len);
        return;
    }
    /* The code up to the stubs (guest pcs marked), then each stub: its
     * call and a line for the descriptor that follows it (native.h). */
    count = cs_disasm(cs, code, h->stubs_ofs - h->code_ofs, addr, 0, &insn);
    for (size_t i = 0; i < count; i++) {
        uint64_t pos = insn[i].address - addr;
        while (next < h->ninsns) {
            NativeInsn in = cur;
            const uint8_t *p = map;
            native_map_next(&p, &in);
            if (in.code_pos > pos) {
                break;
            }
            fprintf(f, "  -- guest pc 0x%016" PRIx64 "\n", in.data[0]);
            cur = in;
            map = p;
            next++;
        }
        fprintf(f, "  0x%016" PRIx64 ":  %-8s %s\n", insn[i].address, insn[i].mnemonic,
                insn[i].op_str);
    }
    if (count) {
        cs_free(insn, count);
    }
    for (size_t pos = h->stubs_ofs - h->code_ofs; pos < len;) {
        const uint8_t *stub = code + pos;
        size_t call = stub[0] == 0xe8 ? 5 : 12;     /* call rel32 | movabs rax + call rax */
        uintptr_t target;
        const uint8_t *desc = stub + call;
        bool store;
        SlowDesc d;

        if (call == 5) {
            int32_t rel;
            memcpy(&rel, stub + 1, 4);
            target = native_rx(desc) + rel;
        } else {
            memcpy(&target, stub + 2, 8);
        }
        store = target == native_thunk_st;
        memcpy(&d, desc, sizeof(d));
        fprintf(f, "  0x%016" PRIx64 ":  call     %s_slow_thunk\n", addr + pos,
                store ? "st" : "ld");
        fprintf(f, "  0x%016" PRIx64 ":  .data    addr %s, %s %s, oi 0x%x, sync 0x%x, "
                "resume 0x%016" PRIx64 "\n", (uint64_t)native_rx(desc), reg_names[d.addr_reg & 15],
                store ? "value" : "dest", reg_names[d.val_reg & 15], d.oi, d.sync,
                (uint64_t)native_rx(desc) + (uint64_t)(int64_t)d.resume);
        pos += call + native_slow_desc_len(desc, store);
    }
    cs_close(&cs);
}

/*
 * Inline FP descriptions, registered by targets from constructors (before
 * any thread runs generated code) and read by the code generator.
 */
#define MAX_INLINE_FP 64
static const TCGInlineFP *inline_fp[MAX_INLINE_FP];
static unsigned n_inline_fp;

void tcg_inline_fp_register(const TCGInlineFP *d)
{
    if (n_inline_fp < MAX_INLINE_FP) {
        inline_fp[n_inline_fp++] = d;
    }
}

const TCGInlineFPFlags *native_fp_flags;
uint8_t native_fp_flag_map[64];

/*
 * MXCSR status bits (SDM vol. 1 section 10.2.3: IE 0, DE 1, ZE 2, OE 3,
 * UE 4, PE 5) -> the target's flags.  DE (a denormal operand) is not an
 * IEEE 754 exception and maps to nothing.
 */
void tcg_inline_fp_flags_register(const TCGInlineFPFlags *f)
{
    const uint32_t per_bit[6] = {f->invalid, 0, f->divbyzero, f->overflow, f->underflow,
                                 f->inexact};

    for (unsigned i = 0; i < 6; i++) {
        if (per_bit[i] > 0xff) {
            return;         /* the generated fold loads bytes: no lazy flags */
        }
    }
    for (unsigned m = 0; m < 64; m++) {
        uint32_t v = 0;
        for (unsigned i = 0; i < 6; i++) {
            if (m & (1u << i)) {
                v |= per_bit[i];
            }
        }
        native_fp_flag_map[m] = (uint8_t)v;
    }
    native_fp_flags = f;
}

const TCGInlineFP *native_inline_fp_find(const void *helper)
{
    for (unsigned i = 0; i < n_inline_fp; i++) {
        if (inline_fp[i]->helper == helper) {
            return inline_fp[i];
        }
    }
    return NULL;
}

const TCGBackend tcg_backend_native = {
    .name = "native",
    .gen_code = native_gen,
    .exec = native_exec,
    .set_jmp = native_set_jmp,
    .find_insn = native_find_insn,
    .insn_data = native_insn_data,
    .dump = native_dump,
    .executes_buffer = true,
};

/* The generated code assumes x86-64-v2's popcnt (ctpop) and needs its
 * prologue page. */
bool tcg_backend_native_usable(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("popcnt") && native_init();
}
