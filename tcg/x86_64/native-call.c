/*
 * Native code that leaves the block's straight line: guest memory through
 * the inline soft-TLB probe and its out-of-line slow paths, helper calls
 * (SysV ABI) and the host-FPU fast path of registered FP helpers.
 */
#include "tcg/x86_64/native-gen.h"

/* Caller-saved registers holding values (to preserve around a slow path). */
unsigned nat_live_caller_saved(Gen *g, int except)
{
    unsigned m = 0;

    for (int r = 0; r < 16; r++) {
        if (r != except && g->reg_temp[r] >= 0 && (CALLER_SAVED & (1u << r))) {
            m |= 1u << r;
        }
    }
    return m;
}

/*
 * Guest memory: the inline soft-TLB probe (accel/tcg/cpu.h CPUTLBEntry,
 * docs/architecture.md): entry = tlb[mmu_idx][(addr >> 12) & 255]; one
 * compare of addr & (page mask | size - 1) with the tag checks the page,
 * the flag bits (MMIO, notdirty, invalid) and natural alignment; a hit
 * adds the addend.  Anything else runs the slow path out of line.
 */
void nat_gen_qemu_ldst(Gen *g, const TCGOp *op)
{
    X86Emit *e = &g->e;
    bool store = op->opc == INDEX_op_qemu_st;
    MemOpIdx oi = (MemOpIdx)op->args[2];
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop);
    SlowPath sp = {.kind = store ? SLOW_ST : SLOW_LD, .store = store, .oi = oi};
    int ra, rv = -1, rd = -1;

    /* Dirty globals stay in registers: only the slow path, which may
     * fault or reach a device, writes them back first (below). */
    ra = nat_in_reg(g, (unsigned)op->args[1]);
    if (store) {
        rv = nat_in_reg(g, (unsigned)op->args[0]);
    } else {
        rd = nat_alloc_reg(g);
    }
    sp.addr_reg = ra;
    sp.val_reg = store ? rv : rd;
    for (int r = 0; r < 16; r++) {
        int t = g->reg_temp[r];
        if (t >= 0 && nat_is_global(g, t) && (g->tflags[t] & T_DIRTY)) {
            sp.sync |= 1u << r;
            sp.sync_ofs[r] = (int32_t)g->s->temps[t].mem_offset;
        }
    }
    if (g->s->env_tlb_offset == 0 || (mop & MO_BSWAP)) {
        sp.jcc_at = x_jmp32(e);
    } else {
        int64_t base = g->s->env_tlb_offset +
                       (int64_t)get_mmuidx(oi) * CPU_TLB_SIZE * (int64_t)sizeof(CPUTLBEntry);
        int32_t tag_ofs = store ? offsetof(CPUTLBEntry, addr_write)
                                : offsetof(CPUTLBEntry, addr_read);

        _Static_assert(sizeof(CPUTLBEntry) == 32, "the index math shifts by 5");
        assert(fits_i32(base));
        x_mov_rr(e, R11, ra);
        x_shift_ri(e, SHIFT_SHR, R11, TARGET_PAGE_BITS - 5);
        x_rr(e, OP_GRP1_EvIz, ARITH_AND, R11);          /* and r11d: zero-extends */
        x_d(e, (CPU_TLB_SIZE - 1) << 5);
        x_rm(e, OPC_W | OP_LEA, R11, RBP, R11, (int32_t)base);
        x_mov_rr(e, RAX, ra);
        x_arith_ri(e, ARITH_AND, RAX, (int32_t)(TARGET_PAGE_MASK | (size - 1)));
        x_rm(e, OPC_W | OP_CMP_GvEv, RAX, R11, -1, tag_ofs);
        sp.jcc_at = x_jcc32(e, CC_NE);
        x_rm(e, OPC_W | OP_MOV_GvEv, R11, R11, -1, offsetof(CPUTLBEntry, addend));
        if (store) {
            static const unsigned st_opc[] = {
                [1] = OPC_BYTE | OP_MOV_EbGb, [2] = OPC_66 | OP_MOV_EvGv,
                [4] = OP_MOV_EvGv, [8] = OPC_W | OP_MOV_EvGv,
            };
            x_rm(e, st_opc[size], rv, ra, R11, 0);
        } else {
            unsigned opc;
            switch (mop & (MO_SIZE | MO_SIGN)) {
            case MO_UB: opc = OP_MOVZBL; break;
            case MO_SB: opc = OPC_W | OP_MOVSBL; break;
            case MO_UW: opc = OP_MOVZWL; break;
            case MO_SW: opc = OPC_W | OP_MOVSWL; break;
            case MO_UL: opc = OP_MOV_GvEv; break;
            case MO_SL: opc = OPC_W | OP_MOVSXD; break;
            default: opc = OPC_W | OP_MOV_GvEv; break;
            }
            x_rm(e, opc, rd, ra, R11, 0);
        }
    }
    sp.ret_pos = e->pos;
    g_array_append_val(g->slow, sp);
    if (!store) {
        nat_set_out(g, (unsigned)op->args[0], rd);
    }
}

static void emit_fp_slow_path(Gen *g, const SlowPath *sp);

void nat_emit_slow_path(Gen *g, const SlowPath *sp)
{
    X86Emit *e = &g->e;
    uintptr_t thunk = sp->store ? native_thunk_st : native_thunk_ld;
    int64_t d;
    size_t desc;

    if (sp->kind == SLOW_FP) {
        emit_fp_slow_path(g, sp);
        return;
    }
    /* A stub: call the shared thunk, then the descriptor (native.h). */
    x_bind(e, sp->jcc_at, e->pos);
    d = (int64_t)thunk - (int64_t)native_rx(e->buf + e->pos + 5);
    if (fits_i32(d)) {
        x_b(e, 0xe8);                           /* call rel32 */
        x_d(e, (uint32_t)(int32_t)d);
    } else {
        nat_emit_call_abs(g, (const void *)thunk);
    }
    desc = e->pos;
    x_b(e, (uint8_t)sp->addr_reg);
    x_b(e, (uint8_t)sp->val_reg);
    x_b(e, (uint8_t)sp->sync);
    x_b(e, (uint8_t)(sp->sync >> 8));
    x_d(e, sp->oi);
    x_d(e, (uint32_t)(int32_t)((int64_t)sp->ret_pos - (int64_t)desc));
    if (sp->store) {
        x_q(e, (uint64_t)(uintptr_t)g->tb);
    }
    for (int r = 0; r < 16; r++) {
        if (sp->sync & (1u << r)) {
            x_d(e, (uint32_t)sp->sync_ofs[r]);
        }
    }
}

/*
 * The host-FPU fast path of a registered FP helper (tcg-backend.h,
 * TCGInlineFP): the operation runs in SSE on the operands' registers;
 * every case the description leaves to the helper jumps out of line to a
 * call of the helper (which preserves the live caller-saved registers),
 * so the fast path spills nothing.  MXCSR (SDM vol. 1 section 10.2.3):
 * RC = nearest, all exceptions masked (the C runtime's setting, which
 * helpers restore).
 *
 * Flags are lazy (tcg-backend.h, TCGInlineFPFlags).  Invariant: every
 * status flag set in MXCSR inside generated code belongs in the guest's
 * accrued flags (already ORed in or not yet), so folding them in is
 * idempotent and needs no clearing.  The prologue enters with none (it
 * keeps a clean copy of MXCSR in the frame pad, NATIVE_MXCSR_CLEAN) and
 * native_exec folds them on the way out; before every call into C
 * (helpers, slow paths) nat_gen_fp_fold ORs them in, since the C code may
 * read the guest flags, raise, or use the FPU; after it one ldmxcsr of the
 * clean copy drops whatever the C code left behind.  An
 * inline op therefore costs no MXCSR access: the host's IE/ZE/OE/UE/PE
 * are the IEEE 754 flags of the operation, which RISC-V accrues
 * unchanged (unprivileged spec 11.2; both detect tininess after rounding).
 * Only a NaN result (the target canonicalizes it, and the host's IE then
 * equals the helper's NV) or a float->int conversion out of range (the
 * host's "integer indefinite" with IE alone; the target saturates) goes
 * to the helper, after the host flags were folded.
 */
#define MXCSR_SLOT NATIVE_MXCSR_SCRATCH
#define OP_OR_EvGv 0x09

/* Clear the MXCSR status flags: load the prologue's clean copy. */
void nat_gen_mxcsr_clear(X86Emit *e)
{
    if (native_fp_flags) {
        x_rm(e, OPC_0F | 0xae, 2, RSP, -1, NATIVE_MXCSR_CLEAN);    /* ldmxcsr */
    }
}

/*
 * OR the pending MXCSR flags into the guest flags (RSP at the frame base;
 * clobbers RAX and R11):
 *   stmxcsr [slot]; mov eax, [slot]; and eax, 0x3d; jz 1f
 *   mov r11, native_fp_flag_map; movzx eax, byte [r11 + rax]
 *   or [env + offset], eax
 * 1:
 */
void nat_gen_fp_fold(X86Emit *e)
{
    size_t skip;

    if (!native_fp_flags) {
        return;
    }
    x_rm(e, OPC_0F | 0xae, 3, RSP, -1, MXCSR_SLOT);       /* stmxcsr */
    x_rm(e, OP_MOV_GvEv, RAX, RSP, -1, MXCSR_SLOT);
    x_arith_ri(e, ARITH_AND, RAX, NATIVE_MXCSR_EXC);
    skip = x_jcc8(e, CC_E);
    x_movi(e, R11, (uint64_t)(uintptr_t)native_fp_flag_map);
    x_rm(e, OP_MOVZBL, RAX, R11, RAX, 0);
    x_rm(e, OP_OR_EvGv, RAX, RBP, -1, native_fp_flags->offset);
    x_bind8(e, skip);
}

/* FMA3 (CPUID.1:ECX.FMA[bit 12], with the OS saving AVX state): the
 * fused ops below need it; without it FMA stays with the helpers. */
static bool host_has_fma(void)
{
    static int has = -1;

    if (has < 0) {
        __builtin_cpu_init();
        has = __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx");
    }
    return has;
}

/*
 * A VEX.128.66.0F38 instruction on XMM registers (SDM vol. 2 section
 * 2.3): op reg, vvvv, rm with W selecting the double form.
 *   C4 [~R ~X ~B 00010] [W ~vvvv 0 01] op [11 reg rm]
 */
static void x_vex_0f38_66(X86Emit *e, bool w, uint8_t op, int reg, int vvvv, int rm)
{
    x_b(e, 0xc4);
    x_b(e, (uint8_t)(((reg & 8) ? 0 : 0x80) | 0x40 | ((rm & 8) ? 0 : 0x20) | 0x02));
    x_b(e, (uint8_t)((w ? 0x80 : 0) | ((~vvvv & 15) << 3) | 0x01));
    x_b(e, op);
    x_b(e, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

/* ---- host-FPU shadows (Gen.xshadow) ---- */

#define XMM_FIRST_SHADOW 2      /* XMM0, XMM1: scratch */
#define MOVX(dbl) (OPC_66 | OPC_0F | 0x6e | ((dbl) ? OPC_W : 0))     /* mov[dq] xmm, r */
#define MOVX_OUT(dbl) (OPC_66 | OPC_0F | 0x7e | ((dbl) ? OPC_W : 0)) /* mov[dq] r, xmm */
#define MOVAPS (OPC_0F | 0x28)
#define XORPS (OPC_0F | 0x57)

static void xs_forget_temp(Gen *g, int t)
{
    for (int i = 0; i < g->n_xshadow; i++) {
        if (g->xshadow[i].temp == t) {
            g->xshadow[i] = g->xshadow[--g->n_xshadow];
            return;
        }
    }
}

static void xs_forget_xmm(Gen *g, int x)
{
    for (int i = 0; i < g->n_xshadow;) {
        if (g->xshadow[i].xmm == x && g->xshadow[i].boxed) {
            g->xshadow[i++].xmm = -1;       /* still known boxed */
        } else if (g->xshadow[i].xmm == x) {
            g->xshadow[i] = g->xshadow[--g->n_xshadow];
        } else {
            i++;
        }
    }
}

static bool xs_boxed(Gen *g, int t)
{
    for (int i = 0; i < g->n_xshadow; i++) {
        if (g->xshadow[i].temp == t) {
            return g->xshadow[i].boxed;
        }
    }
    return false;
}

/* The XMM register holding temp t's value in its low `bits` bits, or -1. */
static int xs_find(Gen *g, int t, unsigned bits)
{
    for (int i = 0; i < g->n_xshadow; i++) {
        if (g->xshadow[i].temp == t) {
            return g->xshadow[i].xmm >= 0 && bits <= g->xshadow[i].bits ? g->xshadow[i].xmm : -1;
        }
    }
    return -1;
}

static void xs_add(Gen *g, int t, int x, unsigned bits, bool boxed)
{
    xs_forget_temp(g, t);
    if (g->n_xshadow < (int)ARRAY_SIZE(g->xshadow)) {
        g->xshadow[g->n_xshadow].temp = t;
        g->xshadow[g->n_xshadow].xmm = (int8_t)x;
        g->xshadow[g->n_xshadow].bits = (uint8_t)bits;
        g->xshadow[g->n_xshadow].boxed = boxed;
        g->n_xshadow++;
    }
}

/* The XMM registers holding shadows (to keep across a slow path's call). */
static unsigned xs_live(Gen *g)
{
    unsigned m = 0;

    for (int i = 0; i < g->n_xshadow; i++) {
        if (g->xshadow[i].xmm >= 0) {
            m |= 1u << g->xshadow[i].xmm;
        }
    }
    return m;
}

/* A shadow register for a new result, not one of the operands' (a, b). */
static int xs_alloc(Gen *g, int a, int b)
{
    int x;

    do {
        x = XMM_FIRST_SHADOW + g->xmm_next;
        g->xmm_next = (g->xmm_next + 1) % (16 - XMM_FIRST_SHADOW);
    } while (x == a || x == b);
    xs_forget_xmm(g, x);
    return x;
}

void nat_xmm_before_op(Gen *g, const TCGOp *op)
{
    switch (op->opc) {
    case INDEX_op_mov: {
        int d = (int)op->args[0], s = (int)op->args[1];
        if (d == s) {
            break;
        }
        xs_forget_temp(g, d);
        for (int i = 0; i < g->n_xshadow; i++) {
            if (g->xshadow[i].temp == s) {
                xs_add(g, d, g->xshadow[i].xmm, g->xshadow[i].bits, g->xshadow[i].boxed);
                break;
            }
        }
        break;
    }
    case INDEX_op_or: {
        /* x | 0xffffffff00000000 (a NaN box, 11.2) is a boxed single. */
        int64_t c;
        bool box = false;
        for (int i = 1; i <= 2; i++) {
            if (nat_is_const(g, (unsigned)op->args[i], &c) && ((uint64_t)c >> 32) == 0xffffffffu) {
                box = true;
            }
        }
        xs_forget_temp(g, (int)op->args[0]);
        if (box && native_fp_flags) {
            xs_add(g, (int)op->args[0], -1, 0, true);
        }
        break;
    }
    case INDEX_op_call:
        /* nat_gen_call forgets everything unless the call is inline FP. */
    default:
        for (unsigned i = 0; i < op->nb_oargs; i++) {
            xs_forget_temp(g, (int)op->args[i]);
        }
        break;
    case INDEX_op_set_label: case INDEX_op_qemu_ld: case INDEX_op_qemu_st:
    case INDEX_op_st8: case INDEX_op_st16: case INDEX_op_st32: case INDEX_op_st:
        /* Paths merge; slow paths call C; a store through env may
         * overwrite a global's home. */
        g->n_xshadow = 0;
        break;
    }
}

static void fp_jump(SlowPath *sp, size_t at)
{
    assert(sp->njumps < SLOW_MAX_JUMPS);
    sp->jumps[sp->njumps++] = at;
}

/* Singles must be NaN-boxed (else the helper reads a canonical NaN). */
static void fp_check_boxed(Gen *g, const TCGOp *op, SlowPath *sp, const TCGInlineFP *d,
                           int nin)
{
    X86Emit *e = &g->e;

    if (d->bits == 64 || !d->nan_boxed) {
        return;
    }
    for (int i = 0; i < nin; i++) {
        if (xs_boxed(g, (int)op->args[op->nb_oargs + 1 + i])) {
            continue;
        }
        x_mov_rr(e, RAX, sp->in[i]);
        x_shift_ri(e, SHIFT_SHR, RAX, 32);
        x_rr(e, OP_GRP1_EvIb, ARITH_CMP, RAX);
        x_b(e, 0xff);
        fp_jump(sp, x_jcc32(e, CC_NE));
    }
}

/*
 * Compares and min/max of two ordered inputs: ucomis[sd] (a quiet compare:
 * IE only for sNaN, which is unordered and goes to the helper) decides; a
 * NaN (PF) or, for min/max, equal inputs (the sign of zero matters) take
 * the helper.  No other MXCSR flag matters here (DE is ignored).
 */
static bool fp_inline_ordered(Gen *g, const TCGOp *op, const TCGInlineFP *d, SlowPath *sp)
{
    X86Emit *e = &g->e;
    bool dbl = d->bits == 64;
    unsigned first = op->nb_oargs;
    int rd, x[2];

    if (op->nb_iargs != 3 || op->args[first] != 0 || (d->bits != 32 && d->bits != 64)) {
        return false;
    }
    sp->nin = 2;
    sp->rm = -1;                                /* no rounding-mode argument */
    sp->in[0] = nat_in_reg(g, (unsigned)op->args[first + 1]);
    sp->in[1] = nat_in_reg(g, (unsigned)op->args[first + 2]);
    rd = nat_alloc_reg(g);
    sp->val_reg = rd;
    sp->save = nat_live_caller_saved(g, rd);
    fp_check_boxed(g, op, sp, d, 2);
    for (int i = 0; i < 2; i++) {
        x[i] = xs_find(g, (int)op->args[first + 1 + i], d->bits);
        if (x[i] < 0) {
            x[i] = i;
            x_rr(e, MOVX(dbl), i, sp->in[i]);
        }
    }
    x_rr(e, (dbl ? OPC_66 : 0) | OPC_0F | 0x2e, x[0], x[1]);  /* ucomis[sd] a, b */
    fp_jump(sp, x_jcc32(e, CC_P));
    if (d->op == TCG_FP_MIN || d->op == TCG_FP_MAX) {
        static const uint8_t minmax[] = {[TCG_FP_MIN] = 0x5d, [TCG_FP_MAX] = 0x5f};
        fp_jump(sp, x_jcc32(e, CC_E));
        if (x[0] != 0) {
            x_rr(e, MOVAPS, 0, x[0]);
        }
        x_rr(e, (dbl ? OPC_F2 : OPC_F3) | OPC_0F | minmax[d->op], 0, x[1]);
        x_rr(e, OPC_66 | OPC_0F | 0x7e | (dbl ? OPC_W : 0), 0, rd);
        if (!dbl && d->nan_boxed) {
            x_movi(e, R11, 0xffffffff00000000ULL);
            x_rr(e, OPC_W | OP_OR_GvEv, rd, R11);
        }
    } else {
        int cc = d->op == TCG_FP_EQ ? CC_E : d->op == TCG_FP_LT ? CC_B : CC_BE;
        x_rr(e, OP_SETCC | cc, 0, R11);
        x_rr(e, OP_MOVZBL, rd, R11);
    }
    sp->ret_pos = e->pos;
    sp->xmm_result = -1;
    sp->xmm_save = xs_live(g);
    g_array_append_val(g->slow, *sp);
    nat_set_out(g, (unsigned)op->args[0], rd);
    return true;
}

bool nat_gen_fp_inline(Gen *g, const TCGOp *op, const TCGHelperInfo *h)
{
    static const uint8_t sse_op[] = {
        [TCG_FP_ADD] = 0x58, [TCG_FP_SUB] = 0x5c, [TCG_FP_MUL] = 0x59,
        [TCG_FP_DIV] = 0x5e, [TCG_FP_SQRT] = 0x51, [TCG_FP_FROM_INT] = 0,
        [TCG_FP_TO_INT] = 0, [TCG_FP_MIN] = 0x5d, [TCG_FP_MAX] = 0x5f,
    };
    const TCGInlineFP *d = native_inline_fp_find(h->func);
    X86Emit *e = &g->e;
    unsigned first = op->nb_oargs, nin;
    bool dbl, from_int, to_int, trunc = false;
    unsigned ifl;
    SlowPath sp = {.kind = SLOW_FP, .fn = h->func};
    int64_t rm;
    int rd, xd = -1;

    if (!d || !native_fp_flags || (h->flags & TCG_CALL_NO_RWG) != TCG_CALL_NO_RWG ||
        (h->flags & TCG_CALL_MAY_RAISE)) {
        return false;
    }
    if (d->op == TCG_FP_SYNC_FLAGS || d->op == TCG_FP_DISCARD_FLAGS) {
        if (op->nb_oargs || op->nb_iargs != 1) {
            return false;
        }
        if (d->op == TCG_FP_SYNC_FLAGS) {
            nat_gen_fp_fold(e);
        } else {
            nat_gen_mxcsr_clear(e);
        }
        return true;
    }
    if (!op->nb_oargs) {
        return false;
    }
    if (d->op >= TCG_FP_EQ && d->op <= TCG_FP_MAX) {
        return fp_inline_ordered(g, op, d, &sp);
    }
    if (d->flags_offset != native_fp_flags->offset) {
        return false;       /* its flags are not the ones folded lazily */
    }
    if (d->op == TCG_FP_FMA && !host_has_fma()) {
        return false;
    }
    nin = d->op == TCG_FP_FMA ? 3 : d->op >= TCG_FP_SQRT ? 1 : 2;
    dbl = d->bits == 64;
    from_int = d->op == TCG_FP_FROM_INT;
    to_int = d->op == TCG_FP_TO_INT;
    ifl = d->int_bits == 64 ? OPC_W : 0;
    if (op->nb_iargs != nin + 2 || op->args[first] != 0 ||
        !tcg_temp_is_const_idx((unsigned)op->args[first + nin + 1], &rm) ||
        (d->bits != 32 && d->bits != 64) ||
        ((from_int || to_int) && d->int_bits != 32 && d->int_bits != 64)) {
        return false;
    }
    if (to_int && d->has_rm_trunc && (uint64_t)rm == d->rm_trunc) {
        trunc = true;
    } else if ((uint64_t)rm != d->rm_nearest && (uint64_t)rm != d->rm_dynamic) {
        return false;
    }
    sp.nin = (int)nin;
    sp.rm = rm;
    for (unsigned i = 0; i < nin; i++) {
        sp.in[i] = nat_in_reg(g, (unsigned)op->args[first + 1 + i]);
    }
    rd = nat_alloc_reg(g);
    sp.val_reg = rd;
    sp.save = nat_live_caller_saved(g, rd);

    if ((uint64_t)rm == d->rm_dynamic && !trunc) {
        x_rm(e, OP_GRP1_EvIz, ARITH_CMP, RBP, -1, d->dyn_rm_offset);
        x_d(e, d->dyn_nearest);
        fp_jump(&sp, x_jcc32(e, CC_NE));
    }
    if (!from_int) {
        fp_check_boxed(g, op, &sp, d, (int)nin);
    }
    if (d->op == TCG_FP_FMA) {
        /* xd = c; xd = (+-a*b) +- xd: vf[n]m{add,sub}231s[sd] xd, a, b */
        static const uint8_t vfm231[4] = {0xb9, 0xbd, 0xbb, 0xbf};
        int xa = xs_find(g, (int)op->args[first + 1], d->bits);
        int xb = xs_find(g, (int)op->args[first + 2], d->bits);
        int xc = xs_find(g, (int)op->args[first + 3], d->bits);

        if (xa < 0) {
            x_rr(e, MOVX(dbl), 0, sp.in[0]);
            xa = 0;
        }
        if (xb < 0) {
            x_rr(e, MOVX(dbl), 1, sp.in[1]);
            xb = 1;
        }
        xd = xs_alloc(g, xa, xb);
        if (xc < 0) {
            x_rr(e, MOVX(dbl), xd, sp.in[2]);
        } else if (xc != xd) {
            x_rr(e, MOVAPS, xd, xc);
        }
        x_vex_0f38_66(e, dbl, vfm231[d->fma_neg & 3], xd, xa, xb);
    } else if (from_int) {
        int src = sp.in[0];

        if (d->int_unsigned && d->int_bits == 32) {
            /* A 32-bit unsigned value is a non-negative 64-bit one. */
            x_rr(e, OP_MOV_GvEv, R11, src);                 /* mov r11d: zero-extends */
            src = R11;
            ifl = OPC_W;
        } else if (d->int_unsigned) {
            /* 2^63 and above: the helper (no signed 64-bit form holds them). */
            x_rr(e, OPC_W | OP_TEST_EvGv, src, src);
            fp_jump(&sp, x_jcc32(e, CC_S));
        }
        /* xorps (no false dependency on the old value); cvtsi2s[sd] xd, r32/r64 */
        xd = xs_alloc(g, -1, -1);
        x_rr(e, XORPS, xd, xd);
        x_rr(e, (dbl ? OPC_F2 : OPC_F3) | OPC_0F | 0x2a | ifl, xd, src);
    } else {
        int x0 = xs_find(g, (int)op->args[first + 1], d->bits);
        int x1 = nin == 2 ? xs_find(g, (int)op->args[first + 2], d->bits) : -1;

        if (x0 < 0) {
            x_rr(e, MOVX(dbl), 0, sp.in[0]);
            x0 = 0;
        }
        if (nin == 2 && x1 < 0) {
            x_rr(e, MOVX(dbl), 1, sp.in[1]);
            x1 = 1;
        }
        if (to_int && d->int_unsigned) {
            /*
             * Unsigned: only 0 <= x < bound, where the signed 64-bit
             * conversion gives the result and no flag but inexact (others,
             * and -0, take the helper before the host can raise IE, so the
             * target's flags stay exact: out of range is NV alone).  bound:
             * 2^63; for 32 bits 2^32, or 2^32 - 1/2 for a double rounded to
             * nearest (a float below 2^32 is at most 2^32 - 256).
             */
            uint64_t bound = d->int_bits == 64 ? (dbl ? 0x43e0000000000000ULL : 0x5f000000)
                           : !dbl ? 0x4f800000
                           : trunc ? 0x41f0000000000000ULL : 0x41effffffff00000ULL;
            x_rr(e, (dbl ? OPC_W : 0) | OP_TEST_EvGv, sp.in[0], sp.in[0]);  /* sign bit */
            fp_jump(&sp, x_jcc32(e, CC_S));
            x_movi(e, R11, bound);
            x_rr(e, MOVX(dbl), 1, R11);
            x_rr(e, (dbl ? OPC_66 : 0) | OPC_0F | 0x2e, x0, 1);     /* ucomis[sd] x, bound */
            fp_jump(&sp, x_jcc32(e, CC_P));                         /* NaN */
            fp_jump(&sp, x_jcc32(e, CC_AE));
            x_rr(e, (dbl ? OPC_F2 : OPC_F3) | OPC_0F | (trunc ? 0x2c : 0x2d) | OPC_W, R11, x0);
        } else if (to_int) {
            /* cvt[t]s[sd]2si r11, x0 */
            x_rr(e, (dbl ? OPC_F2 : OPC_F3) | OPC_0F | (trunc ? 0x2c : 0x2d) | ifl, R11, x0);
        } else {
            /* xd = x0 (a full copy: no false dependency), then xd op= x1 */
            xd = xs_alloc(g, x0, x1);
            x_rr(e, MOVAPS, xd, x0);
            x_rr(e, (dbl ? OPC_F2 : OPC_F3) | OPC_0F | sse_op[d->op], xd, nin == 2 ? x1 : xd);
        }
    }
    if (to_int && d->int_unsigned) {
        /* In range by the checks above; a 32-bit result is sign-extended
         * like every W result (RV64, 11.7). */
        x_rr(e, d->int_bits == 64 ? OPC_W | OP_MOV_GvEv : OPC_W | OP_MOVSXD, rd, R11);
    } else if (to_int) {
        /* NaN and out-of-range inputs give the integer indefinite value
         * (INT_MIN: the only value for which "cmp r, 1" overflows); a true
         * INT_MIN takes the helper too, which gives the same answer. */
        x_rr(e, ifl | OP_GRP1_EvIb, ARITH_CMP, R11);
        x_b(e, 1);
        fp_jump(&sp, x_jcc32(e, CC_O));
        x_rr(e, ifl ? OPC_W | OP_MOV_GvEv : OPC_W | OP_MOVSXD, rd, R11);
    } else {
        if (!from_int) {
            x_rr(e, (dbl ? OPC_66 : 0) | OPC_0F | 0x2e, xd, xd);  /* ucomis[sd]: NaN? */
            fp_jump(&sp, x_jcc32(e, CC_P));
        }
        x_rr(e, MOVX_OUT(dbl), xd, rd);
        if (!dbl && d->nan_boxed) {
            x_movi(e, R11, 0xffffffff00000000ULL);
            x_rr(e, OPC_W | OP_OR_GvEv, rd, R11);
        }
    }
    sp.ret_pos = e->pos;
    sp.xmm_result = xd;
    sp.xmm_save = xs_live(g) & ~(xd >= 0 ? 1u << xd : 0);
    g_array_append_val(g->slow, sp);
    nat_set_out(g, (unsigned)op->args[0], rd);
    if (xd >= 0) {
        xs_add(g, (int)op->args[0], xd, d->bits, !dbl && d->nan_boxed);
    }
    return true;
}

/* The out-of-line call of an inline FP op's helper. */
static void emit_fp_slow_path(Gen *g, const SlowPath *sp)
{
    X86Emit *e = &g->e;
    int n = 0, nx;

    for (unsigned i = 0; i < sp->njumps; i++) {
        x_bind(e, sp->jumps[i], e->pos);
    }
    /* The helper clears the host flags for its own operation. */
    nat_gen_fp_fold(e);
    /* The C call clobbers every XMM register: keep the shadows (16 bytes
     * each, so RSP stays 16-byte aligned). */
    nx = __builtin_popcount(sp->xmm_save);
    if (nx) {
        x_arith_ri(e, ARITH_SUB, RSP, 16 * nx);
        for (int x = 0, k = 0; x < 16; x++) {
            if (sp->xmm_save & (1u << x)) {
                x_rm(e, OPC_F3 | OPC_0F | 0x7f, x, RSP, -1, 16 * k++);    /* movdqu */
            }
        }
    }
    for (int r = 0; r < 16; r++) {
        if (sp->save & (1u << r)) {
            x_push(e, r);
            n++;
        }
    }
    if (n & 1) {
        x_arith_ri(e, ARITH_SUB, RSP, 8);
    }
    /* Operands through the stack: they may sit in each other's argument registers. */
    for (int i = 0; i < sp->nin; i++) {
        x_push(e, sp->in[i]);
    }
    for (int i = sp->nin - 1; i >= 0; i--) {
        x_pop(e, nat_call_args[1 + i]);
    }
    x_mov_rr(e, RDI, RBP);
    if (sp->rm >= 0) {
        x_movi(e, nat_call_args[1 + sp->nin], (uint64_t)sp->rm);
    }
    nat_emit_call_abs(g, sp->fn);
    if (n & 1) {
        x_arith_ri(e, ARITH_ADD, RSP, 8);
    }
    for (int r = 15; r >= 0; r--) {
        if (sp->save & (1u << r)) {
            x_pop(e, r);
        }
    }
    if (nx) {
        for (int x = 0, k = 0; x < 16; x++) {
            if (sp->xmm_save & (1u << x)) {
                x_rm(e, OPC_F3 | OPC_0F | 0x6f, x, RSP, -1, 16 * k++);    /* movdqu */
            }
        }
        x_arith_ri(e, ARITH_ADD, RSP, 16 * nx);
    }
    /* RSP is back at the frame base, where the MXCSR word lives. */
    nat_gen_mxcsr_clear(e);
    x_mov_rr(e, sp->val_reg, RAX);
    if (sp->xmm_result >= 0) {
        x_rr(e, MOVX(true), sp->xmm_result, RAX);           /* as on the fast path */
    }
    x_bind(e, x_jmp32(e), sp->ret_pos);
}

void nat_gen_call(Gen *g, const TCGOp *op)
{
    const TCGHelperInfo *h = tcg_call_info(op);
    unsigned nt = op->nb_oargs + op->nb_iargs;
    bool writes = !(h->flags & TCG_CALL_NO_WRITE_GLOBALS);

    if (nat_gen_fp_inline(g, op, h)) {
        return;
    }
    g->n_xshadow = 0;               /* C code clobbers every XMM register */
    /* Helpers read globals from env, may raise with env as the state, or
     * write them there. */
    if (!(h->flags & TCG_CALL_NO_READ_GLOBALS) || (h->flags & TCG_CALL_MAY_RAISE) || writes) {
        nat_sync_globals(g);
    }
    for (int r = 0; r < 16; r++) {
        if (CALLER_SAVED & (1u << r)) {
            nat_evict(g, r);
        }
    }
    g->reserved |= CALLER_SAVED;
    nat_gen_fp_fold(&g->e);             /* C may read the guest flags or raise */
    for (unsigned a = op->nb_oargs; a < nt; a++) {
        unsigned t = (unsigned)op->args[a];
        int dst = nat_call_args[a - op->nb_oargs];
        int64_t v;

        if (t == 0) {
            x_mov_rr(&g->e, dst, RBP);
        } else if (g->treg[t] >= 0) {
            x_mov_rr(&g->e, dst, g->treg[t]);
        } else if (nat_is_const(g, t, &v)) {
            x_movi(&g->e, dst, (uint64_t)v);
        } else {
            nat_load_home(g, t, dst);
        }
    }
    nat_emit_call_abs(g, h->func);
    nat_gen_mxcsr_clear(&g->e);
    if (writes) {
        nat_drop_globals(g);
    }
    g->reserved &= ~CALLER_SAVED;
    if (op->nb_oargs) {
        int rd = nat_alloc_reg(g);
        x_mov_rr(&g->e, rd, RAX);
        nat_set_out(g, (unsigned)op->args[0], rd);
    }
}

