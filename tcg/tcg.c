/*
 * The translation context: temp table, interned constants, labels, the op
 * array, the semantics of each op as a pure function (shared by the
 * optimizer's folding and checked against the back ends by the unit
 * tests), and the -d op dumper.
 */
#include "tcg/tcg.h"

const TCGOpDef tcg_op_defs[NB_OPS] = {
#define DEF(n, o, i, c, f) [INDEX_op_##n] = {#n, o, i, c, f},
#include "tcg/tcg-opc.h"
#undef DEF
};

static TCGContext tcg_ctx_storage;
TCGContext *tcg_ctx = &tcg_ctx_storage;

TCGv tcg_env = {0};
const TCGv TCG_NO_RET = {UINT32_MAX};

static unsigned tcg_temp_alloc(TCGContext *s)
{
    if (s->nb_temps == s->temps_cap) {
        s->temps_cap = s->temps_cap ? s->temps_cap * 2 : 256;
        s->temps = g_renew(TCGTemp, s->temps, s->temps_cap);
    }
    memset(&s->temps[s->nb_temps], 0, sizeof(TCGTemp));
    return s->nb_temps++;
}

void tcg_context_init(void)
{
    TCGContext *s = tcg_ctx;
    unsigned env;

    if (s->temps) {
        return;
    }
    env = tcg_temp_alloc(s);
    assert(env == 0);
    s->temps[env].kind = TEMP_FIXED;
    s->temps[env].name = "env";
    s->nb_globals = 1;
}

typedef struct TCGConstSlot {
    int64_t val;
    unsigned idx;
    unsigned gen;
} TCGConstSlot;

/* Forget every constant (the next block starts with none). */
static void const_table_reset(TCGContext *s)
{
    s->const_count = 0;
    if (++s->const_gen == 0) {
        /* Wrapped: stale slots could look current; clear them once. */
        memset(s->const_slots, 0, sizeof(TCGConstSlot) * s->const_cap);
        s->const_gen = 1;
    }
}

static unsigned const_hash(int64_t val, unsigned cap)
{
    uint64_t h = (uint64_t)val * 0x9E3779B97F4A7C15ULL;

    return (unsigned)(h >> 32) & (cap - 1);
}

static TCGConstSlot *const_slot(TCGContext *s, int64_t val)
{
    unsigned i = const_hash(val, s->const_cap);

    while (s->const_slots[i].gen == s->const_gen && s->const_slots[i].val != val) {
        i = (i + 1) & (s->const_cap - 1);
    }
    return &s->const_slots[i];
}

/* Room for one more constant, at most half full. */
static void const_table_reserve(TCGContext *s)
{
    TCGConstSlot *old = s->const_slots;
    unsigned old_cap = s->const_cap;

    if (s->const_gen == 0) {
        s->const_gen = 1;
    }
    if (2 * (s->const_count + 1) <= s->const_cap) {
        return;
    }
    s->const_cap = old_cap ? 2 * old_cap : 256;
    s->const_slots = g_new0(TCGConstSlot, s->const_cap);
    for (unsigned i = 0; i < old_cap; i++) {
        if (old[i].gen == s->const_gen) {
            *const_slot(s, old[i].val) = old[i];
        }
    }
    g_free(old);
}

void tcg_func_start(void)
{
    TCGContext *s = tcg_ctx;

    tcg_context_init();
    s->nb_temps = s->nb_globals;
    const_table_reset(s);
    s->nb_ops = 0;
    s->nb_labels = 0;           /* the TCGLabel objects are reused */
    s->nb_insns = 0;
    s->tb = NULL;
    s->env_tlb_offset = 0;
    s->env_jmp_cache_offset = 0;
}

TCGv tcg_temp_new(void)
{
    TCGContext *s = tcg_ctx;
    unsigned idx;

    tcg_context_init();
    idx = tcg_temp_alloc(s);
    s->temps[idx].kind = TEMP_TB;
    return (TCGv){idx};
}

unsigned tcg_const_idx(int64_t val)
{
    TCGContext *s = tcg_ctx;
    TCGConstSlot *slot;
    unsigned idx;

    tcg_context_init();
    const_table_reserve(s);
    slot = const_slot(s, val);
    if (slot->gen == s->const_gen) {
        return slot->idx;
    }
    idx = tcg_temp_alloc(s);
    s->temps[idx].kind = TEMP_CONST;
    s->temps[idx].val = val;
    *slot = (TCGConstSlot){.val = val, .idx = idx, .gen = s->const_gen};
    s->const_count++;
    return idx;
}

TCGv tcg_constant(int64_t val)
{
    return (TCGv){tcg_const_idx(val)};
}

TCGv tcg_global_mem_new(intptr_t env_offset, const char *name)
{
    TCGContext *s = tcg_ctx;
    unsigned idx;

    tcg_context_init();
    for (unsigned i = 1; i < s->nb_globals; i++) {
        if (s->temps[i].mem_offset == env_offset) {
            return (TCGv){i};       /* a second CPU of the same target */
        }
    }
    /* Globals are created at target init, before (or between) blocks. */
    if (s->nb_temps != s->nb_globals) {
        s->nb_ops = 0;
        s->nb_temps = s->nb_globals;
        const_table_reset(s);
    }
    idx = tcg_temp_alloc(s);
    s->temps[idx].kind = TEMP_GLOBAL;
    s->temps[idx].mem_offset = env_offset;
    s->temps[idx].name = name;
    s->nb_globals = s->nb_temps;
    return (TCGv){idx};
}

bool tcg_temp_is_const(TCGv t, int64_t *val)
{
    tcg_context_init();
    return t.idx < tcg_ctx->nb_temps && tcg_temp_is_const_idx(t.idx, val);
}

TCGLabel *gen_new_label(void)
{
    TCGContext *s = tcg_ctx;
    TCGLabel *l;

    if (s->nb_labels == s->labels_alloc) {
        /* Labels outlive their block (no malloc/free per label per block). */
        if (s->labels_alloc == s->labels_cap) {
            s->labels_cap = s->labels_cap ? s->labels_cap * 2 : 64;
            s->labels = g_renew(TCGLabel *, s->labels, s->labels_cap);
        }
        s->labels[s->labels_alloc++] = g_new0(TCGLabel, 1);
    }
    l = s->labels[s->nb_labels];
    l->id = s->nb_labels++;
    return l;
}

TCGOp *tcg_emit_op(TCGOpcode opc)
{
    TCGContext *s = tcg_ctx;
    TCGOp *op;

    if (s->nb_ops == s->ops_cap) {
        s->ops_cap = s->ops_cap ? s->ops_cap * 2 : 512;
        s->ops = g_renew(TCGOp, s->ops, s->ops_cap);
    }
    op = &s->ops[s->nb_ops++];
    /* No clearing of the 80 bytes of args: every pass reads only the
     * nb_oargs + nb_iargs + nb_cargs its emitter filled. */
    op->opc = opc;
    op->nb_oargs = tcg_op_defs[opc].nb_oargs;
    op->nb_iargs = tcg_op_defs[opc].nb_iargs;
    op->nb_cargs = tcg_op_defs[opc].nb_cargs;
    return op;
}

void tcg_emit_op1c(TCGOpcode opc, TCGArg c0)
{
    tcg_emit_op(opc)->args[0] = c0;
}

const TCGHelperInfo *tcg_call_info(const TCGOp *op)
{
    return (const TCGHelperInfo *)(uintptr_t)op->args[op->nb_oargs + op->nb_iargs];
}

void tcg_compact_ops(TCGContext *s)
{
    unsigned j = 0;

    for (unsigned i = 0; i < s->nb_ops; i++) {
        if (s->ops[i].opc != INDEX_op_nop) {
            if (i != j) {
                const TCGOp *o = &s->ops[i];
                /* Header and the arguments in use, not all TCG_MAX_OP_ARGS. */
                memcpy(&s->ops[j], o, offsetof(TCGOp, args) +
                       sizeof(TCGArg) * (o->nb_oargs + o->nb_iargs + o->nb_cargs));
            }
            j++;
        }
    }
    s->nb_ops = j;
}

/* ---- op semantics ---- */

static uint64_t rotl64(uint64_t a, unsigned s)
{
    s &= 63;
    return s ? (a << s) | (a >> (64 - s)) : a;
}

uint64_t tcg_eval_binop(TCGOpcode opc, uint64_t a, uint64_t b)
{
    switch (opc) {
    case INDEX_op_add: return a + b;
    case INDEX_op_sub: return a - b;
    case INDEX_op_mul: return a * b;
    case INDEX_op_mulsh:
        return (uint64_t)(((__int128)(int64_t)a * (__int128)(int64_t)b) >> 64);
    case INDEX_op_muluh:
        return (uint64_t)(((unsigned __int128)a * b) >> 64);
    case INDEX_op_and: return a & b;
    case INDEX_op_or: return a | b;
    case INDEX_op_xor: return a ^ b;
    case INDEX_op_andc: return a & ~b;
    case INDEX_op_orc: return a | ~b;
    case INDEX_op_eqv: return ~(a ^ b);
    case INDEX_op_shl: return a << (b & 63);
    case INDEX_op_shr: return a >> (b & 63);
    case INDEX_op_sar: return (uint64_t)((int64_t)a >> (b & 63));
    case INDEX_op_rotl: return rotl64(a, b & 63);
    case INDEX_op_rotr: return rotl64(a, (64 - (b & 63)) & 63);
    /* Total division (tcg-op.h; RISC-V unprivileged ISA, "M" chapter table). */
    case INDEX_op_div:
        if (b == 0) {
            return UINT64_MAX;
        }
        if ((int64_t)a == INT64_MIN && (int64_t)b == -1) {
            return a;
        }
        return (uint64_t)((int64_t)a / (int64_t)b);
    case INDEX_op_divu:
        return b ? a / b : UINT64_MAX;
    case INDEX_op_rem:
        if (b == 0) {
            return a;
        }
        if ((int64_t)a == INT64_MIN && (int64_t)b == -1) {
            return 0;
        }
        return (uint64_t)((int64_t)a % (int64_t)b);
    case INDEX_op_remu:
        return b ? a % b : a;
    default:
        g_assert_not_reached();
    }
}

uint64_t tcg_eval_unop(TCGOpcode opc, uint64_t a)
{
    switch (opc) {
    case INDEX_op_mov: return a;
    case INDEX_op_neg: return -a;
    case INDEX_op_not: return ~a;
    case INDEX_op_clz: return (uint64_t)clz64(a);
    case INDEX_op_ctz: return (uint64_t)ctz64(a);
    case INDEX_op_ctpop: return (uint64_t)__builtin_popcountll(a);
    case INDEX_op_bswap64: return __builtin_bswap64(a);
    case INDEX_op_ext8s: return (uint64_t)(int64_t)(int8_t)a;
    case INDEX_op_ext8u: return (uint8_t)a;
    case INDEX_op_ext16s: return (uint64_t)(int64_t)(int16_t)a;
    case INDEX_op_ext16u: return (uint16_t)a;
    case INDEX_op_ext32s: return (uint64_t)(int64_t)(int32_t)a;
    case INDEX_op_ext32u: return (uint32_t)a;
    default:
        g_assert_not_reached();
    }
}

TCGCond tcg_swap_cond(TCGCond c)
{
    switch (c) {
    case TCG_COND_LT: return TCG_COND_GT;
    case TCG_COND_GT: return TCG_COND_LT;
    case TCG_COND_LE: return TCG_COND_GE;
    case TCG_COND_GE: return TCG_COND_LE;
    case TCG_COND_LTU: return TCG_COND_GTU;
    case TCG_COND_GTU: return TCG_COND_LTU;
    case TCG_COND_LEU: return TCG_COND_GEU;
    case TCG_COND_GEU: return TCG_COND_LEU;
    default: return c;        /* EQ, NE, NEVER, ALWAYS are symmetric */
    }
}

TCGCond tcg_invert_cond(TCGCond c)
{
    switch (c) {
    case TCG_COND_NEVER: return TCG_COND_ALWAYS;
    case TCG_COND_ALWAYS: return TCG_COND_NEVER;
    case TCG_COND_EQ: return TCG_COND_NE;
    case TCG_COND_NE: return TCG_COND_EQ;
    case TCG_COND_LT: return TCG_COND_GE;
    case TCG_COND_GE: return TCG_COND_LT;
    case TCG_COND_LE: return TCG_COND_GT;
    case TCG_COND_GT: return TCG_COND_LE;
    case TCG_COND_LTU: return TCG_COND_GEU;
    case TCG_COND_GEU: return TCG_COND_LTU;
    case TCG_COND_LEU: return TCG_COND_GTU;
    case TCG_COND_GTU: return TCG_COND_LEU;
    }
    return c;
}

/* ---- -d op ---- */

static const char *const cond_names[] = {
    [TCG_COND_NEVER] = "never", [TCG_COND_ALWAYS] = "always",
    [TCG_COND_EQ] = "eq",       [TCG_COND_NE] = "ne",
    [TCG_COND_LT] = "lt",       [TCG_COND_GE] = "ge",
    [TCG_COND_LE] = "le",       [TCG_COND_GT] = "gt",
    [TCG_COND_LTU] = "ltu",     [TCG_COND_GEU] = "geu",
    [TCG_COND_LEU] = "leu",     [TCG_COND_GTU] = "gtu",
};

const char *tcg_temp_name(TCGContext *s, unsigned idx, char *buf, size_t len)
{
    TCGTemp *t = &s->temps[idx];

    switch (t->kind) {
    case TEMP_FIXED:
    case TEMP_GLOBAL:
        return t->name ? t->name : "glob";
    case TEMP_CONST:
        snprintf(buf, len, "$0x%" PRIx64, (uint64_t)t->val);
        return buf;
    case TEMP_TB:
    default:
        snprintf(buf, len, "tmp%u", idx - s->nb_globals);
        return buf;
    }
}

static void dump_memop(FILE *f, MemOpIdx oi)
{
    static const char *const sz[] = {"b", "w", "l", "q"};
    MemOp op = get_memop(oi);

    fprintf(f, "%s%s%s%s,%d", (op & MO_BSWAP) ? "be" : "le",
            (op & MO_SIGN) ? "s" : "u", sz[op & MO_SIZE],
            (op & MO_ALIGN) ? "+al" : "", get_mmuidx(oi));
}

void tcg_dump_ops(TCGContext *s, FILE *f)
{
    char buf[40];

    for (unsigned i = 0; i < s->nb_ops; i++) {
        const TCGOp *op = &s->ops[i];
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        unsigned nt = op->nb_oargs + op->nb_iargs;
        const TCGArg *c = &op->args[nt];
        bool first = true;

        if (op->opc == INDEX_op_nop) {
            continue;
        }
        if (op->opc == INDEX_op_insn_start) {
            fprintf(f, " ---- %016" PRIx64 " %016" PRIx64 "\n", c[0], c[1]);
            continue;
        }
        if (op->opc == INDEX_op_call) {
            const TCGHelperInfo *h = tcg_call_info(op);
            fprintf(f, " call %s,$0x%x,$%u", h->name, h->flags, op->nb_oargs);
            first = false;
        } else {
            fprintf(f, " %s%s", def->name, nt ? "_i64" : "");
        }
        for (unsigned a = 0; a < nt; a++) {
            fprintf(f, "%s%s", first ? " " : ",", tcg_temp_name(s, op->args[a], buf,
                                                                  sizeof(buf)));
            first = false;
        }
#define SEP (first ? (first = false, " ") : ",")
        switch (op->opc) {
        case INDEX_op_call:
            break;
        case INDEX_op_setcond:
        case INDEX_op_movcond:
            fprintf(f, "%s%s", SEP, c[0] < ARRAY_SIZE(cond_names) ? cond_names[c[0]] : "?");
            break;
        case INDEX_op_brcond:
            fprintf(f, "%s%s", SEP, c[0] < ARRAY_SIZE(cond_names) ? cond_names[c[0]] : "?");
            fprintf(f, "%s$L%" PRIu64, SEP, c[1]);
            break;
        case INDEX_op_br:
        case INDEX_op_set_label:
            fprintf(f, "%s$L%" PRIu64, SEP, c[0]);
            break;
        case INDEX_op_qemu_ld:
        case INDEX_op_qemu_st:
            fprintf(f, "%s", SEP);
            dump_memop(f, (MemOpIdx)c[0]);
            break;
        default:
            for (unsigned a = 0; a < op->nb_cargs; a++) {
                fprintf(f, "%s$0x%" PRIx64, SEP, c[a]);
            }
            break;
        }
#undef SEP
        fputc('\n', f);
    }
}
