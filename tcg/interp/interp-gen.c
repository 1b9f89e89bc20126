/*
 * Compile a block's optimized IR into interpreter bytecode: number the
 * temps the block uses into frame slots, resolve labels to code positions,
 * insert the global write-back (SYNC) and reload (RELOAD) points, and
 * record where each guest instruction starts so that a fault inside the
 * block can be mapped back to it.
 */
#include "tcg/interp/interp.h"

typedef struct Gen {
    TCGContext *s;
    GArray *code;            /* uint32_t */
    int32_t *slot;           /* temp -> slot, -1 unused */
    int64_t *label_pos;
    GArray *fixups;          /* pairs (code index, label id) */
    GArray *insns;           /* InterpInsn */
    GArray *gofs;            /* int64 env offsets, slot 1.. */
    bool has_written;
} Gen;

static void w(Gen *g, uint32_t v)
{
    g_array_append_val(g->code, v);
}

static void w64(Gen *g, uint64_t v)
{
    w(g, (uint32_t)v);
    w(g, (uint32_t)(v >> 32));
}

static void wt(Gen *g, TCGArg t)
{
    assert(g->slot[t] >= 0);
    w(g, (uint32_t)g->slot[t]);
}

static void wlabel(Gen *g, TCGArg id)
{
    uint32_t fix[2] = {g->code->len, (uint32_t)id};

    g_array_append_vals(g->fixups, fix, 2);
    w(g, 0);
}

static void gen_sync(Gen *g)
{
    if (g->has_written) {
        w(g, IOP_SYNC);
    }
}

static void reload(Gen *g)
{
    if (g->gofs->len) {
        w(g, IOP_RELOAD);
    }
}

/* Does a host store at env+ofs of size bytes overlap a global this block caches? */
static bool env_store_hits_global(Gen *g, int64_t ofs, unsigned size)
{
    for (unsigned i = 0; i < g->gofs->len; i++) {
        int64_t go = g_array_index(g->gofs, int64_t, i);
        if (ofs < go + 8 && go < ofs + (int64_t)size) {
            return true;
        }
    }
    return false;
}

static const uint8_t simple_map[NB_OPS] = {
#define M(ir, bc) [INDEX_op_##ir] = IOP_##bc + 1
    M(mov, MOV), M(add, ADD), M(sub, SUB), M(mul, MUL), M(mulsh, MULSH),
    M(muluh, MULUH), M(and, AND), M(or, OR), M(xor, XOR), M(andc, ANDC),
    M(orc, ORC), M(eqv, EQV), M(shl, SHL), M(shr, SHR), M(sar, SAR),
    M(rotl, ROTL), M(rotr, ROTR), M(div, DIV), M(divu, DIVU), M(rem, REM),
    M(remu, REMU), M(neg, NEG), M(not, NOT), M(clz, CLZ), M(ctz, CTZ),
    M(ctpop, CTPOP), M(bswap64, BSWAP64), M(ext8s, EXT8S), M(ext8u, EXT8U),
    M(ext16s, EXT16S), M(ext16u, EXT16U), M(ext32s, EXT32S), M(ext32u, EXT32U),
    M(setcond, SETCOND), M(movcond, MOVCOND), M(deposit, DEPOSIT),
    M(extract, EXTRACT), M(sextract, SEXTRACT),
    M(ld8u, LD8U), M(ld8s, LD8S), M(ld16u, LD16U), M(ld16s, LD16S),
    M(ld32u, LD32U), M(ld32s, LD32S), M(ld, LD),
    M(st8, ST8), M(st16, ST16), M(st32, ST32), M(st, ST),
#undef M
};

static void gen_op(Gen *g, const TCGOp *op)
{
    unsigned nt = op->nb_oargs + op->nb_iargs;
    const TCGArg *c = &op->args[nt];

    switch (op->opc) {
    case INDEX_op_insn_start: {
        InterpInsn in = {.code_pos = g->code->len, .data = {c[0], c[1]}};
        g_array_append_val(g->insns, in);
        return;
    }
    case INDEX_op_set_label:
        g->label_pos[c[0]] = g->code->len;
        return;
    case INDEX_op_br:
        w(g, IOP_BR);
        wlabel(g, c[0]);
        return;
    case INDEX_op_brcond:
        w(g, IOP_BRCOND);
        wt(g, op->args[0]);
        wt(g, op->args[1]);
        w(g, (uint32_t)c[0]);
        wlabel(g, c[1]);
        return;
    case INDEX_op_ld8u: case INDEX_op_ld8s: case INDEX_op_ld16u: case INDEX_op_ld16s:
    case INDEX_op_ld32u: case INDEX_op_ld32s: case INDEX_op_ld:
    case INDEX_op_st8: case INDEX_op_st16: case INDEX_op_st32: case INDEX_op_st: {
        bool env_base = op->args[1] == (TCGArg)tcg_env.idx;
        bool store = op->nb_oargs == 0;
        static const uint8_t st_size[NB_OPS] = {
            [INDEX_op_st8] = 1, [INDEX_op_st16] = 2, [INDEX_op_st32] = 4, [INDEX_op_st] = 8,
        };
        assert((int64_t)c[0] == (int32_t)c[0]);
        if (env_base) {
            gen_sync(g);        /* the field may be a cached global */
        }
        w(g, simple_map[op->opc] - 1);
        wt(g, op->args[0]);
        wt(g, op->args[1]);
        w(g, (uint32_t)c[0]);
        if (env_base && store && env_store_hits_global(g, (int64_t)c[0],
                                                       st_size[op->opc])) {
            reload(g);
        }
        return;
    }
    case INDEX_op_qemu_ld:
    case INDEX_op_qemu_st:
        gen_sync(g);            /* a fault leaves with env up to date */
        w(g, op->opc == INDEX_op_qemu_ld ? IOP_QLD : IOP_QST);
        wt(g, op->args[0]);
        wt(g, op->args[1]);
        w(g, (uint32_t)c[0]);
        return;
    case INDEX_op_call: {
        const TCGHelperInfo *h = tcg_call_info(op);
        if (!(h->flags & TCG_CALL_NO_READ_GLOBALS) || (h->flags & TCG_CALL_MAY_RAISE)) {
            gen_sync(g);
        }
        /* The reload of globals the helper may have written happens before
         * its result is stored: the result may itself be a global. */
        w(g, IOP_CALL);
        w(g, op->nb_oargs ? (uint32_t)g->slot[op->args[0]] : UINT32_MAX);
        w(g, op->nb_iargs);
        w(g, !(h->flags & TCG_CALL_NO_WRITE_GLOBALS) && g->gofs->len);
        w64(g, (uint64_t)(uintptr_t)h->func);
        for (unsigned a = op->nb_oargs; a < nt; a++) {
            wt(g, op->args[a]);
        }
        return;
    }
    case INDEX_op_mb:
        w(g, IOP_MB);
        return;
    case INDEX_op_goto_tb:
        gen_sync(g);
        w(g, IOP_GOTO_TB);
        w(g, (uint32_t)c[0]);
        return;
    case INDEX_op_exit_tb:
        gen_sync(g);
        w(g, IOP_EXIT_TB);
        w64(g, c[0]);
        return;
    case INDEX_op_lookup_and_goto_ptr:
    case INDEX_op_lookup_and_goto_pc:     /* the pc is in env too */
        gen_sync(g);
        w(g, IOP_LOOKUP);
        return;
    default:
        break;
    }
    assert(simple_map[op->opc]);
    w(g, simple_map[op->opc] - 1);
    for (unsigned a = 0; a < nt; a++) {
        wt(g, op->args[a]);
    }
    for (unsigned a = 0; a < op->nb_cargs; a++) {
        w(g, (uint32_t)c[a]);
    }
}

static void copy_array(char *dst, GArray *a)
{
    if (a->len) {
        memcpy(dst, a->data, (size_t)a->len * g_array_get_element_size(a));
    }
}

static size_t align8(size_t v)
{
    return (v + 7) & ~(size_t)7;
}

static ptrdiff_t interp_gen_code(TCGContext *s, TranslationBlock *tb, void *buf, size_t size)
{
    Gen g = {.s = s};
    GArray *consts = g_array_new(false, false, sizeof(uint64_t));
    GArray *written = g_array_new(false, false, sizeof(uint32_t));
    uint32_t next, nslots;
    InterpHeader h = {0};
    ptrdiff_t ret = -2;
    bool *wr = g_new0(bool, s->nb_temps);

    g.slot = g_new(int32_t, s->nb_temps);
    g.label_pos = g_new(int64_t, s->nb_labels + 1);
    g.code = g_array_new(false, false, sizeof(uint32_t));
    g.fixups = g_array_new(false, false, sizeof(uint32_t));
    g.insns = g_array_new(false, false, sizeof(InterpInsn));
    g.gofs = g_array_new(false, false, sizeof(int64_t));
    for (unsigned i = 0; i < s->nb_temps; i++) {
        g.slot[i] = -1;
    }
    for (unsigned i = 0; i <= s->nb_labels; i++) {
        g.label_pos[i] = -1;
    }
    g.slot[0] = 0;
    /* Number the temps in use: globals, then constants, then block temps. */
    for (int pass = 0; pass < 3; pass++) {
        for (unsigned i = 0; i < s->nb_ops; i++) {
            const TCGOp *op = &s->ops[i];
            for (unsigned a = 0; a < (unsigned)(op->nb_oargs + op->nb_iargs); a++) {
                TCGArg t = op->args[a];
                TCGTemp *tt = &s->temps[t];
                if (pass == 0 && a < op->nb_oargs && tt->kind == TEMP_GLOBAL) {
                    wr[t] = true;
                }
                if (g.slot[t] >= 0 ||
                    (pass == 0 && tt->kind != TEMP_GLOBAL) ||
                    (pass == 1 && tt->kind != TEMP_CONST) ||
                    (pass == 2 && tt->kind != TEMP_TB)) {
                    continue;
                }
                if (pass == 0) {
                    int64_t o = tt->mem_offset;
                    g.slot[t] = 1 + g.gofs->len;
                    g_array_append_val(g.gofs, o);
                } else if (pass == 1) {
                    uint64_t v = (uint64_t)tt->val;
                    g.slot[t] = 1 + g.gofs->len + consts->len;
                    g_array_append_val(consts, v);
                } else {
                    g.slot[t] = 0;      /* numbered below */
                }
            }
        }
    }
    next = 1 + g.gofs->len + consts->len;
    for (unsigned t = s->nb_globals; t < s->nb_temps; t++) {
        if (s->temps[t].kind == TEMP_TB && g.slot[t] == 0) {
            g.slot[t] = next++;
        }
    }
    nslots = next;
    for (unsigned t = 1; t < s->nb_globals; t++) {
        if (wr[t]) {
            uint32_t sl = g.slot[t];
            g_array_append_val(written, sl);
        }
    }
    g.has_written = written->len > 0;
    if (nslots > INTERP_MAX_SLOTS) {
        goto out;
    }

    for (unsigned i = 0; i < s->nb_ops; i++) {
        gen_op(&g, &s->ops[i]);
    }
    /* A block that falls off its end returns to the loop without chaining. */
    gen_sync(&g);
    w(&g, IOP_EXIT_TB);
    w64(&g, 0);
    for (unsigned i = 0; i < g.fixups->len; i += 2) {
        uint32_t at = g_array_index(g.fixups, uint32_t, i);
        uint32_t id = g_array_index(g.fixups, uint32_t, i + 1);
        /* A branch to a label that is never placed is a front-end bug. */
        assert(g.label_pos[id] >= 0);
        g_array_index(g.code, uint32_t, at) = (uint32_t)g.label_pos[id];
    }

    h.nslots = nslots;
    h.nglobals = g.gofs->len;
    h.nconsts = consts->len;
    h.nwritten = written->len;
    h.ncode = g.code->len;
    h.ninsns = g.insns->len;
    h.tlb_offset = s->env_tlb_offset;
    h.globals_ofs = align8(sizeof(h));
    h.consts_ofs = h.globals_ofs + 8 * h.nglobals;
    h.written_ofs = h.consts_ofs + 8 * h.nconsts;
    h.code_ofs = h.written_ofs + 4 * h.nwritten;
    h.insns_ofs = align8(h.code_ofs + 4 * h.ncode);
    h.total = align8(h.insns_ofs + sizeof(InterpInsn) * h.ninsns);
    if (h.total > size) {
        ret = -1;
        goto out;
    }
    {
        char *p = buf;
        memcpy(p, &h, sizeof(h));
        copy_array(p + h.globals_ofs, g.gofs);
        copy_array(p + h.consts_ofs, consts);
        copy_array(p + h.written_ofs, written);
        copy_array(p + h.code_ofs, g.code);
        copy_array(p + h.insns_ofs, g.insns);
    }
    ret = h.total;
out:
    g_free(wr);
    g_free(g.slot);
    g_free(g.label_pos);
    g_array_free(g.code, true);
    g_array_free(g.fixups, true);
    g_array_free(g.insns, true);
    g_array_free(g.gofs, true);
    g_array_free(consts, true);
    g_array_free(written, true);
    return ret;
}

static int interp_find_insn(const TranslationBlock *tb, uintptr_t ra, uint64_t data[2])
{
    const InterpHeader *h = interp_header(tb);
    const char *base = (const char *)h;
    uintptr_t code = (uintptr_t)(base + h->code_ofs);
    const InterpInsn *in = (const InterpInsn *)(base + h->insns_ofs);
    uint32_t pos;
    int found = -1;

    if (ra < code || ra >= code + 4 * (uintptr_t)h->ncode) {
        return -1;
    }
    pos = (uint32_t)((ra - code) / 4);
    for (uint32_t i = 0; i < h->ninsns && in[i].code_pos <= pos; i++) {
        found = (int)i;
    }
    if (found >= 0) {
        data[0] = in[found].data[0];
        data[1] = in[found].data[1];
    }
    return found;
}

static bool interp_insn_data(const TranslationBlock *tb, unsigned i, uint64_t data[2])
{
    const InterpHeader *h = interp_header(tb);
    const InterpInsn *in = (const InterpInsn *)((const char *)h + h->insns_ofs);

    if (i >= h->ninsns) {
        return false;
    }
    data[0] = in[i].data[0];
    data[1] = in[i].data[1];
    return true;
}

static void interp_set_jmp(TranslationBlock *tb, unsigned n, TranslationBlock *dest)
{
    /* The interpreter follows jmp_dest directly: nothing to patch. */
    __atomic_store_n(&tb->jmp_dest[n], dest, __ATOMIC_RELEASE);
}

static void interp_dump(const TranslationBlock *tb, FILE *f)
{
    const InterpHeader *h = interp_header(tb);

    fprintf(f, "  interp bytecode: %u words, %u slots (%u globals, %u consts), %u insns\n",
            h->ncode, h->nslots, h->nglobals, h->nconsts, h->ninsns);
}

uintptr_t interp_exec(void *env, TranslationBlock *tb);

const TCGBackend tcg_backend_interp = {
    .name = "interp",
    .gen_code = interp_gen_code,
    .exec = interp_exec,
    .set_jmp = interp_set_jmp,
    .find_insn = interp_find_insn,
    .insn_data = interp_insn_data,
    .dump = interp_dump,
};

const TCGBackend *tcg_backend_find(const char *name)
{
    if (!strcmp(name, "interp")) {
        return &tcg_backend_interp;
    }
    if (!strcmp(name, "native") && tcg_backend_native_usable()) {
        return &tcg_backend_native;
    }
    return NULL;
}

const char *tcg_backend_names(void)
{
    return tcg_backend_native_usable() ? "interp, native" : "interp";
}
