/*
 * IR -> x86_64 code for one block: the walk over the ops and the layout
 * of the result (header, code, slow paths, pc map).  See native-gen.h for
 * the pieces.
 */
#include "tcg/x86_64/native-gen.h"

static void emit_lookup_call(Gen *g);
static bool fuse_env_test(Gen *g, const TCGOp *op);
static void emit_jmp_cache_probe(Gen *g, unsigned pct, uint32_t flags);

void nat_gen_op(Gen *g, const TCGOp *op)
{
    unsigned nt = op->nb_oargs + op->nb_iargs;
    const TCGArg *a = op->args;
    const TCGArg *c = &op->args[nt];
    X86Emit *e = &g->e;

    switch (op->opc) {
    case INDEX_op_insn_start: {
        NativeInsn *in = &g->insns[g->ninsns++];
        in->code_pos = (uint32_t)(e->pos - g->code_start);
        in->data[0] = c[0];
        in->data[1] = c[1];
        break;
    }
    case INDEX_op_set_label:
        nat_bb_end(g);
        nat_forget_all(g);
        g->label_pos[c[0]] = (int64_t)e->pos;
        break;
    case INDEX_op_br:
        nat_bb_end(g);
        nat_add_fixup(g, x_jmp32(e), c[0]);
        break;
    case INDEX_op_brcond: {
        TCGCond cond = (TCGCond)c[0];
        CmpOps co;
        if (cond == TCG_COND_NEVER) {
            break;
        }
        if (cond == TCG_COND_ALWAYS) {
            nat_bb_end(g);
            nat_add_fixup(g, x_jmp32(e), c[1]);
            break;
        }
        if (g->fused_temp >= 0 && (unsigned)g->fused_temp == (unsigned)a[0]) {
            /* ld32 t, env, ofs; brcond t, 0, eq|ne: cmp dword [env + ofs], 0 */
            nat_bb_end(g);
            x_rm(e, OP_GRP1_EvIb, ARITH_CMP, RBP, -1, g->fused_ofs);
            x_b(e, 0);
            nat_add_fixup(g, x_jcc32(e, nat_x86_cond(cond)), c[1]);
            g->fused_temp = -1;
            break;
        }
        co = nat_cmp_prepare(g, (unsigned)a[0], (unsigned)a[1], cond);
        nat_bb_end(g);
        nat_cmp_emit(g, &co);
        nat_add_fixup(g, x_jcc32(e, nat_x86_cond(co.cond)), c[1]);
        break;
    }
    case INDEX_op_mov:
        nat_gen_mov(g, (unsigned)a[0], (unsigned)a[1]);
        break;
    case INDEX_op_add: case INDEX_op_sub: case INDEX_op_and: case INDEX_op_or:
    case INDEX_op_xor: case INDEX_op_mul:
        nat_gen_arith(g, (TCGOpcode)op->opc, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]);
        break;
    case INDEX_op_andc: case INDEX_op_orc: case INDEX_op_eqv:
        nat_gen_logic_not(g, (TCGOpcode)op->opc, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]);
        break;
    case INDEX_op_shl: case INDEX_op_shr: case INDEX_op_sar: case INDEX_op_rotl:
    case INDEX_op_rotr:
        nat_gen_shift(g, (TCGOpcode)op->opc, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]);
        break;
    case INDEX_op_div: case INDEX_op_divu: case INDEX_op_rem: case INDEX_op_remu:
        nat_gen_div(g, (TCGOpcode)op->opc, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]);
        break;
    case INDEX_op_mulsh: case INDEX_op_muluh:
        nat_gen_mulh(g, (TCGOpcode)op->opc, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]);
        break;
    case INDEX_op_neg: case INDEX_op_not: case INDEX_op_clz: case INDEX_op_ctz:
    case INDEX_op_ctpop: case INDEX_op_bswap64: case INDEX_op_ext8s: case INDEX_op_ext8u:
    case INDEX_op_ext16s: case INDEX_op_ext16u: case INDEX_op_ext32s: case INDEX_op_ext32u:
        nat_gen_unop(g, (TCGOpcode)op->opc, (unsigned)a[0], (unsigned)a[1]);
        break;
    case INDEX_op_deposit:
        nat_gen_deposit(g, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2], (unsigned)c[0],
                    (unsigned)c[1]);
        break;
    case INDEX_op_extract: case INDEX_op_sextract:
        nat_gen_extract(g, op->opc == INDEX_op_sextract, (unsigned)a[0], (unsigned)a[1],
                    (unsigned)c[0], (unsigned)c[1]);
        break;
    case INDEX_op_setcond:
        nat_gen_setcond(g, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2], (TCGCond)c[0]);
        break;
    case INDEX_op_movcond:
        nat_gen_movcond(g, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2], (unsigned)a[3],
                    (unsigned)a[4], (TCGCond)c[0]);
        break;
    case INDEX_op_ld32u: case INDEX_op_ld32s:
        if (fuse_env_test(g, op)) {
            break;              /* becomes the next brcond's memory compare */
        }
        nat_gen_ldst(g, op);
        break;
    case INDEX_op_ld8u: case INDEX_op_ld8s: case INDEX_op_ld16u: case INDEX_op_ld16s:
    case INDEX_op_ld:
    case INDEX_op_st8: case INDEX_op_st16: case INDEX_op_st32: case INDEX_op_st:
        nat_gen_ldst(g, op);
        break;
    case INDEX_op_qemu_ld: case INDEX_op_qemu_st:
        nat_gen_qemu_ldst(g, op);
        break;
    case INDEX_op_call:
        nat_gen_call(g, op);
        break;
    case INDEX_op_mb:
        x_b(e, 0x0f); x_b(e, 0xae); x_b(e, 0xf0);      /* mfence */
        break;
    case INDEX_op_goto_tb: {
        unsigned n = (unsigned)c[0];
        nat_sync_globals(g);
        /* The rel32 is 4-byte aligned so set_jmp can patch it atomically. */
        x_nops(e, (unsigned)((4 - ((native_rx(e->buf + e->pos) + 1) & 3)) & 3));
        assert(n < 2);
        g->jmp_ofs[n] = x_jmp32(e);
        break;
    }
    case INDEX_op_exit_tb: {
        /* (tb | n): the block header sits right before the code, so a
         * rip-relative lea (7 bytes) usually reaches it; else movabs. */
        int64_t d;
        nat_sync_globals(g);
        d = (int64_t)c[0] - (int64_t)native_rx(e->buf + e->pos + 7);
        if (c[0] > 0xffffffffu && fits_i32(d)) {
            x_b(e, 0x48); x_b(e, 0x8d); x_b(e, 0x05);  /* lea rax, [rip + d] */
            x_d(e, (uint32_t)(int32_t)d);
        } else {
            x_movi(e, RAX, c[0]);
        }
        nat_emit_epilogue(g);
        break;
    }
    case INDEX_op_lookup_and_goto_pc:
        nat_sync_globals(g);
        emit_jmp_cache_probe(g, (unsigned)a[0], (uint32_t)c[0]);
        emit_lookup_call(g);
        break;
    case INDEX_op_lookup_and_goto_ptr:
        nat_sync_globals(g);
        emit_lookup_call(g);
        break;
    default:
        g_assert_not_reached();
    }
}

/*
 * "ld32 t, env, ofs; brcond t, 0, eq|ne" with t used by nothing else (the
 * exit_request test every block starts with): no register, no load; the
 * brcond compares the env field with 0 itself.  Not when a global cached
 * in a register overlaps the field (its home may be stale).
 */
static bool fuse_env_test(Gen *g, const TCGOp *op)
{
    const TCGOp *next;
    unsigned t = (unsigned)op->args[0];
    int64_t ofs = (int64_t)op->args[2], v;

    if (op->args[1] != 0 || !nat_is_tb(g, t) || g->cur + 1 >= (int)g->s->nb_ops ||
        !fits_i32(ofs) || g->last_use[t] != g->cur + 1) {
        return false;
    }
    next = &g->s->ops[g->cur + 1];
    if (next->opc != INDEX_op_brcond || next->args[0] != t ||
        !nat_is_const(g, (unsigned)next->args[1], &v) || v != 0 ||
        ((TCGCond)next->args[2] != TCG_COND_EQ && (TCGCond)next->args[2] != TCG_COND_NE)) {
        return false;
    }
    for (int r = 0; r < 16; r++) {
        int gt = g->reg_temp[r];
        if (gt >= 0 && nat_is_global(g, gt)) {
            int64_t go = g->s->temps[gt].mem_offset;
            if (ofs < go + 8 && go < ofs + 4) {
                return false;
            }
        }
    }
    g->fused_temp = (int)t;
    g->fused_ofs = (int32_t)ofs;
    return true;
}

/*
 * lookup_and_goto_ptr: the C lookup (native_lookup: the jump cache, then
 * the hash table), then straight to the block it found; a miss (0) returns
 * to the execution loop, which translates.
 */
static void emit_lookup_call(Gen *g)
{
    X86Emit *e = &g->e;
    size_t miss;

    x_mov_rr(e, RDI, RBP);
        nat_emit_call_abs(g, (const void *)native_lookup);
        x_rr(e, OPC_W | OP_TEST_EvGv, RAX, RAX);
        miss = x_jcc8(e, CC_E);
        x_jmp_r(e, RAX);
        x_bind8(e, miss);
    nat_emit_epilogue(g);               /* RAX = 0: back to the loop */
}

/*
 * lookup_and_goto_pc: probe the CPU's jump cache inline (indirect jumps and
 * returns stay in generated code on a hit).  The C lookup's jump-cache hit
 * (tb_lookup) needs tb->pc, flags and cflags equal to the current state's
 * and the block still valid; here pc is the op's input, flags are known at
 * translation time (the target vouches for them), cflags must be 0 (what
 * the loop uses outside single-stepping, which the current block's own
 * cflags rule out), and `invalid` is read last:
 *
 *   rax = jmp_cache[tb_jmp_cache_hash(pc)]   (hash inline, or folded for
 *                                             a constant pc)
 *   test rax, rax ; jz miss
 *   cmp  pc, [rax + pc] ; jne miss
 *   mov  r11d, flags ; cmp r11, [rax + flags] ; jne miss   (flags | cflags << 32)
 *   cmp  byte [rax + invalid], 0 ; jne miss
 *   jmp  [rax + backend_data]                (the block's RX entry point)
 * miss:                                      (emit_lookup_call follows)
 *
 * Entries are written by this thread (tb_lookup) or cleared by flushes;
 * the memory of a block they point to stays valid until the loop's next
 * safe point, which also clears the cache (translate-all.c).
 */
static void emit_jmp_cache_probe(Gen *g, unsigned pct, uint32_t flags)
{
    /* Bytes of the slot index parts: slot * 8 = page part | offset part. */
    enum {
        SLOT_SHIFT = TB_JMP_CACHE_BITS - TB_JMP_PAGE_BITS + 3,
        PAGE_SHIFT = TARGET_PAGE_BITS - SLOT_SHIFT,
    };
    X86Emit *e = &g->e;
    int64_t jc = g->s->env_jmp_cache_offset, pcv;
    size_t miss[4];
    int rp;

    _Static_assert(PAGE_SHIFT >= 0, "page group bits shift right");
    _Static_assert(offsetof(TranslationBlock, cflags) ==
                   offsetof(TranslationBlock, flags) + 4, "one compare of both");
    if (jc == 0 || !fits_i32(jc) || !fits_i32(jc + TB_JMP_CACHE_SIZE * 8) ||
        (g->tb && (g->tb->cflags & CF_SINGLE_STEP))) {
        return;
    }
    rp = nat_in_reg(g, pct);
    if (nat_is_const(g, pct, &pcv)) {
        x_rm(e, OPC_W | OP_MOV_GvEv, RAX, RBP, -1,
             (int32_t)(jc + 8 * (int64_t)tb_jmp_cache_hash((uint64_t)pcv)));
    } else {
        /* ((pc >> 12) & (groups - 1)) * slots * 8 */
        x_mov_rr(e, RAX, rp);
        x_shift_ri(e, SHIFT_SHR, RAX, PAGE_SHIFT);
        x_rr(e, OP_GRP1_EvIz, ARITH_AND, RAX);          /* and eax: zero-extends */
        x_d(e, ((1u << TB_JMP_PAGE_BITS) - 1) << SLOT_SHIFT);
        /* (((pc >> 1) ^ (pc >> 7)) & (slots - 1)) * 8
         *   = ((pc ^ (pc >> 6)) << 2) & ((slots - 1) << 3) */
        x_mov_rr(e, R11, rp);
        x_shift_ri(e, SHIFT_SHR, R11, 6);
        x_rr(e, OPC_W | OP_XOR_GvEv, R11, rp);
        x_shift_ri(e, SHIFT_SHL, R11, 2);
        x_rr(e, OP_GRP1_EvIz, ARITH_AND, R11);
        x_d(e, (TB_JMP_PAGE_SLOTS - 1) << 3);
        x_rr(e, OP_OR_GvEv, RAX, R11);
        x_rm(e, OPC_W | OP_MOV_GvEv, RAX, RBP, RAX, (int32_t)jc);
    }
    x_rr(e, OPC_W | OP_TEST_EvGv, RAX, RAX);
    miss[0] = x_jcc8(e, CC_E);
    x_rm(e, OPC_W | OP_CMP_GvEv, rp, RAX, -1, offsetof(TranslationBlock, pc));
    miss[1] = x_jcc8(e, CC_NE);
    x_movi(e, R11, flags);
    x_rm(e, OPC_W | OP_CMP_GvEv, R11, RAX, -1, offsetof(TranslationBlock, flags));
    miss[2] = x_jcc8(e, CC_NE);
    x_rm(e, 0x80, ARITH_CMP, RAX, -1, offsetof(TranslationBlock, invalid));   /* cmp r/m8, imm8 */
    x_b(e, 0);
    miss[3] = x_jcc8(e, CC_NE);
    x_rm(e, OP_GRP5_Ev, 4, RAX, -1, offsetof(TranslationBlock, backend_data));  /* jmp [m] */
    for (int i = 0; i < 4; i++) {
        x_bind8(e, miss[i]);
    }
}

/* Free the registers of block temps and constants at their last use. */
void nat_release_dead(Gen *g, const TCGOp *op)
{
    unsigned nt = op->nb_oargs + op->nb_iargs;

    for (unsigned i = 0; i < nt; i++) {
        g->next_use[op->args[i]] = g->arg_next[(size_t)g->cur * TCG_MAX_OP_ARGS + i];
    }
    for (unsigned i = 0; i < nt; i++) {
        unsigned t = (unsigned)op->args[i];
        if (t != 0 && !nat_is_global(g, t) && g->last_use[t] <= g->cur && g->treg[t] >= 0) {
            nat_detach(g, g->treg[t]);
        }
    }
}

static __thread struct {
    unsigned temps_cap, labels_cap;
    int8_t *treg;
    uint8_t *tflags;
    int32_t *tslot;
    int *last_use;
    int *next_use;
    int *arg_next;
    unsigned ops_cap;
    int *label_def;
    int64_t *label_pos;
    struct NatFixup *fixups;
    NativeInsn *insns;
    GArray *slow;
} scr;

static void scratch_reserve(unsigned temps, unsigned labels, unsigned ops)
{
    if (ops > scr.ops_cap) {
        scr.ops_cap = MAX(ops, 2 * scr.ops_cap);
        scr.arg_next = g_renew(int, scr.arg_next, (size_t)scr.ops_cap * TCG_MAX_OP_ARGS);
        scr.fixups = g_renew(struct NatFixup, scr.fixups, scr.ops_cap);
        scr.insns = g_renew(NativeInsn, scr.insns, scr.ops_cap);
    }
    if (!scr.slow) {
        scr.slow = g_array_new(false, false, sizeof(SlowPath));
    }
    if (temps > scr.temps_cap) {
        unsigned old = scr.temps_cap;
        scr.temps_cap = MAX(temps, 2 * scr.temps_cap);
        scr.treg = g_renew(int8_t, scr.treg, scr.temps_cap);
        memset(scr.treg + old, -1, scr.temps_cap - old);
        scr.tflags = g_renew(uint8_t, scr.tflags, scr.temps_cap);
        scr.tslot = g_renew(int32_t, scr.tslot, scr.temps_cap);
        scr.last_use = g_renew(int, scr.last_use, scr.temps_cap);
        scr.next_use = g_renew(int, scr.next_use, scr.temps_cap);
    }
    if (labels > scr.labels_cap) {
        scr.labels_cap = MAX(labels, 2 * scr.labels_cap);
        scr.label_def = g_renew(int, scr.label_def, scr.labels_cap);
        scr.label_pos = g_renew(int64_t, scr.label_pos, scr.labels_cap);
    }
}

ptrdiff_t native_gen_code(TCGContext *s, TranslationBlock *tb, void *buf, size_t size)
{
    Gen g;
    NativeHeader h = {0};
    ptrdiff_t ret;
    bool backward = false;
    int *label_def;

    /* All but the XMM shadow table (empty while n_xshadow is 0): blocks
     * are small and translation frequent. */
    memset(&g, 0, offsetof(Gen, xshadow));
    g.n_xshadow = 0;
    g.xmm_next = 0;
    g.s = s;
    g.tb = tb;
    g.fused_temp = -1;
    g.epi_pos = -1;
    /* Per-thread scratch, grown as needed: translation is frequent. */
    scratch_reserve(s->nb_temps, s->nb_labels + 1, s->nb_ops + 1);
    label_def = scr.label_def;
    g.e.buf = buf;
    g.e.size = size;
    g.treg = scr.treg;
    g.tflags = scr.tflags;
    g.tslot = scr.tslot;
    g.last_use = scr.last_use;
    g.next_use = scr.next_use;
    g.arg_next = scr.arg_next;
    g.label_pos = scr.label_pos;
    g.fixups = scr.fixups;
    g.slow = scr.slow;
    g.insns = scr.insns;
    g_array_set_size(g.slow, 0);
    /*
     * treg is -1 for every temp between blocks (the end of this function
     * detaches what is left in registers); tflags and tslot matter only
     * for block temps (a global's flags are set when it enters a
     * register, it has no slot).  Uses are per block, for all temps.
     */
    {
        /* Local pointers: stores through g's fields would be reloaded. */
        int *restrict nu = scr.next_use;
        int32_t *restrict ts = scr.tslot;
        unsigned n = s->nb_temps, ng = s->nb_globals;

        memset(scr.last_use, 0xff, sizeof(int) * n);            /* -1 */
        for (unsigned i = 0; i < n; i++) {
            nu[i] = INT_MAX;
        }
        memset(scr.tflags + ng, 0, n - ng);
        for (unsigned i = ng; i < n; i++) {
            ts[i] = -1;
        }
    }
    for (int r = 0; r < 16; r++) {
        g.reg_temp[r] = -1;
    }
    for (unsigned i = 0; i <= s->nb_labels; i++) {
        g.label_pos[i] = -1;
        label_def[i] = 0;
    }
    /*
     * One backward walk: for each argument the next op that uses the same
     * temp (arg_next, for eviction choices), each temp's last use (its
     * first sighting; temps never used keep -1, next_use INT_MAX), and
     * whether a branch goes backward (its label not seen yet).  A loop
     * inside the block keeps every block temp alive to the end instead.
     */
    for (int i = (int)s->nb_ops - 1; i >= 0; i--) {
        const TCGOp *op = &s->ops[i];
        unsigned nt = op->nb_oargs + op->nb_iargs;
        int *an = &scr.arg_next[(size_t)i * TCG_MAX_OP_ARGS];
        for (unsigned a = 0; a < nt; a++) {
            TCGArg t = op->args[a];
            if (g.next_use[t] == INT_MAX) {
                g.last_use[t] = i;
            }
            an[a] = g.next_use[t];
        }
        for (unsigned a = 0; a < nt; a++) {
            g.next_use[op->args[a]] = i;
        }
        if (op->opc == INDEX_op_set_label) {
            label_def[op->args[0]] = 1;
        } else if (op->opc == INDEX_op_br || op->opc == INDEX_op_brcond) {
            TCGArg l = op->args[nt + op->nb_cargs - 1];
            if (!label_def[l]) {
                backward = true;
            }
        }
    }
    if (backward) {
        for (unsigned t = s->nb_globals; t < s->nb_temps; t++) {
            if (g.last_use[t] >= 0) {
                g.last_use[t] = (int)s->nb_ops;
            }
        }
    }

    g.e.pos = sizeof(NativeHeader);
    g.code_start = g.e.pos;
    for (unsigned i = 0; i < s->nb_ops && !g.e.overflow; i++) {
        g.cur = (int)i;
        nat_xmm_before_op(&g, &s->ops[i]);
        nat_gen_op(&g, &s->ops[i]);
        nat_release_dead(&g, &s->ops[i]);
        g.locked = 0;
        g.reserved = 0;
    }
    /* A block that falls off its end returns to the loop without chaining
     * (none does whose last op leaves it). */
    g.cur = (int)s->nb_ops;
    if (s->nb_ops == 0 || !(tcg_op_defs[s->ops[s->nb_ops - 1].opc].flags & TCG_OPF_BB_END) ||
        s->ops[s->nb_ops - 1].opc == INDEX_op_brcond) {
        nat_sync_globals(&g);
        x_movi(&g.e, RAX, 0);
        nat_emit_epilogue(&g);
    }
    /* Out of line: the FP slow paths (code), then the guest-memory stubs
     * (calls and data: the dump walks them apart, from stubs_ofs). */
    for (unsigned i = 0; i < g.slow->len; i++) {
        if (g_array_index(g.slow, SlowPath, i).kind == SLOW_FP) {
            nat_emit_slow_path(&g, &g_array_index(g.slow, SlowPath, i));
        }
    }
    h.stubs_ofs = (uint32_t)g.e.pos;
    for (unsigned i = 0; i < g.slow->len; i++) {
        if (g_array_index(g.slow, SlowPath, i).kind != SLOW_FP) {
            nat_emit_slow_path(&g, &g_array_index(g.slow, SlowPath, i));
        }
    }
    for (unsigned i = 0; i < g.nfixups; i++) {
        size_t at = g.fixups[i].at;
        TCGArg id = g.fixups[i].label;
        assert(g.label_pos[id] >= 0);     /* a branch to a label never placed */
        x_bind(&g.e, at, (size_t)g.label_pos[id]);
    }
    h.code_ofs = (uint32_t)g.code_start;
    h.code_end = (uint32_t)g.e.pos;
    for (int n = 0; n < 2; n++) {
        h.jmp_ofs[n] = (uint32_t)g.jmp_ofs[n];
    }
    h.map_ofs = (uint32_t)g.e.pos;
    h.ninsns = g.ninsns;
    {
        NativeInsn prev = {.code_pos = 0, .data = {tb->pc, 0}};
        for (unsigned i = 0; i < g.ninsns && !g.e.overflow; i++) {
            const NativeInsn *in = &g.insns[i];
            if (g.e.pos + NATIVE_MAP_ENTRY_MAX > g.e.size) {
                g.e.overflow = true;
                break;
            }
            g.e.pos += native_map_put(g.e.buf + g.e.pos, &prev, in);
            prev = *in;
        }
    }
    nat_forget_all(&g);
    if (g.too_many_slots) {
        ret = -2;
    } else if (g.e.overflow) {
        ret = -1;
    } else {
        memcpy(buf, &h, sizeof(h));
        tb->backend_data = (void *)native_rx((uint8_t *)buf + g.code_start);
        ret = (ptrdiff_t)g.e.pos;
    }
    return ret;
}

