/*
 * SiFive PLIC (riscv-plic-spec 1.0.0).
 *
 * Gateways are level-triggered: a source is pending while its line is high
 * and it is not in flight.  A claim (§7) returns the highest-priority
 * pending source enabled for the context whose priority exceeds the
 * context's threshold (ties go to the lowest ID), clears its pending bit and
 * marks it in flight; the completion (§8) ends the flight and, if the line is
 * still high, makes it pending again.
 */
#include "hw/intc/sifive_plic.h"
#include "hw/intc/intc-create.h"
#include "core/log.h"

static bool bit_get(const uint32_t *words, unsigned n)
{
    return (words[n >> 5] >> (n & 31)) & 1;
}

static void bit_set(uint32_t *words, unsigned n, bool v)
{
    if (v) {
        words[n >> 5] |= 1u << (n & 31);
    } else {
        words[n >> 5] &= ~(1u << (n & 31));
    }
}

static uint32_t *context_enable(SiFivePLICState *s, unsigned ctx)
{
    return &s->enable[ctx * s->bitfield_words];
}

/*
 * The best claimable source for ctx (0 if none): pending, not in flight,
 * enabled, priority above the threshold; highest priority, then lowest ID.
 */
static uint32_t plic_best_source(SiFivePLICState *s, unsigned ctx)
{
    const uint32_t *en = context_enable(s, ctx);
    uint32_t best = 0, best_prio = s->threshold[ctx];

    for (unsigned w = 0; w < s->bitfield_words; w++) {
        uint32_t cand = s->pending[w] & ~s->claimed[w] & en[w];
        while (cand) {
            unsigned id = w * 32 + ctz64(cand);
            cand &= cand - 1;
            if (id == 0 || id > s->num_sources) {
                continue;
            }
            if (s->source_priority[id] > best_prio) {
                best_prio = s->source_priority[id];
                best = id;
            }
        }
    }
    return best;
}

static void plic_update(SiFivePLICState *s)
{
    for (unsigned ctx = 0; ctx < s->num_contexts; ctx++) {
        qemu_set_irq(s->outputs[ctx], plic_best_source(s, ctx) != 0);
    }
}

static void plic_irq_request(void *opaque, int irq, int level)
{
    SiFivePLICState *s = opaque;

    if (irq <= 0 || (uint32_t)irq > s->num_sources) {
        return;
    }
    bit_set(s->level, irq, level);
    /* Gateway: a level request becomes pending unless already in flight. */
    bit_set(s->pending, irq, level && !bit_get(s->claimed, irq));
    plic_update(s);
}

/* Priority and threshold registers are WARL (§4, §6). */
static uint32_t plic_legal_priority(SiFivePLICState *s, uint32_t value, uint32_t old)
{
    if (((s->num_priorities + 1) & s->num_priorities) == 0) {
        /* num_priorities + 1 is a power of two: every bit is WARL. */
        return value & s->num_priorities;
    }
    return value <= s->num_priorities ? value : old;
}

static bool in_range(hwaddr addr, hwaddr base, uint64_t size)
{
    return addr >= base && addr - base < size;
}

static uint64_t plic_read(void *opaque, hwaddr addr, unsigned size)
{
    SiFivePLICState *s = opaque;

    if (in_range(addr, s->priority_base, (uint64_t)(s->num_sources + 1) * 4)) {
        return s->source_priority[(addr - s->priority_base) >> 2];
    }
    if (in_range(addr, s->pending_base, s->bitfield_words * 4)) {
        return s->pending[(addr - s->pending_base) >> 2];
    }
    if (in_range(addr, s->enable_base, (uint64_t)s->num_contexts * s->enable_stride)) {
        unsigned ctx = (addr - s->enable_base) / s->enable_stride;
        unsigned word = ((addr - s->enable_base) % s->enable_stride) >> 2;
        if (word < s->bitfield_words) {
            return context_enable(s, ctx)[word];
        }
    } else if (in_range(addr, s->context_base,
                        (uint64_t)s->num_contexts * s->context_stride)) {
        unsigned ctx = (addr - s->context_base) / s->context_stride;
        hwaddr reg = (addr - s->context_base) % s->context_stride;
        if (reg == 0) {
            return s->threshold[ctx];
        }
        if (reg == 4) {
            /* Claim (§7) */
            uint32_t id = plic_best_source(s, ctx);
            if (id) {
                bit_set(s->pending, id, false);
                bit_set(s->claimed, id, true);
                plic_update(s);
            }
            return id;
        }
    }
    qemu_log_mask(LOG_GUEST_ERROR, "plic: read from reserved offset 0x%" HWADDR_PRIx "\n",
                  addr);
    return 0;
}

static void plic_write(void *opaque, hwaddr addr, uint64_t value64, unsigned size)
{
    SiFivePLICState *s = opaque;
    uint32_t value = value64;

    if (in_range(addr, s->priority_base, (uint64_t)(s->num_sources + 1) * 4)) {
        unsigned id = (addr - s->priority_base) >> 2;
        if (id != 0) {          /* source 0 does not exist: hardwired 0 */
            s->source_priority[id] = plic_legal_priority(s, value,
                                                         s->source_priority[id]);
            plic_update(s);
        }
        return;
    }
    if (in_range(addr, s->pending_base, s->bitfield_words * 4)) {
        /* Pending bits are read-only here; gateways and claims change them. */
        qemu_log_mask(LOG_GUEST_ERROR, "plic: write to read-only pending bits\n");
        return;
    }
    if (in_range(addr, s->enable_base, (uint64_t)s->num_contexts * s->enable_stride)) {
        unsigned ctx = (addr - s->enable_base) / s->enable_stride;
        unsigned word = ((addr - s->enable_base) % s->enable_stride) >> 2;
        if (word < s->bitfield_words) {
            if (word == 0) {
                value &= ~1u;   /* source 0 cannot be enabled */
            }
            if (word == s->bitfield_words - 1 && ((s->num_sources + 1) & 31)) {
                value &= (1u << ((s->num_sources + 1) & 31)) - 1;
            }
            context_enable(s, ctx)[word] = value;
            plic_update(s);
            return;
        }
    } else if (in_range(addr, s->context_base,
                        (uint64_t)s->num_contexts * s->context_stride)) {
        unsigned ctx = (addr - s->context_base) / s->context_stride;
        hwaddr reg = (addr - s->context_base) % s->context_stride;
        if (reg == 0) {
            s->threshold[ctx] = plic_legal_priority(s, value, s->threshold[ctx]);
            plic_update(s);
            return;
        }
        if (reg == 4) {
            /*
             * Completion (§8): ignored for IDs not enabled for this
             * context.  A line still high re-enters the gateway.
             */
            if (value >= 1 && value <= s->num_sources &&
                bit_get(context_enable(s, ctx), value)) {
                bit_set(s->claimed, value, false);
                if (bit_get(s->level, value)) {
                    bit_set(s->pending, value, true);
                }
                plic_update(s);
            }
            return;
        }
    }
    qemu_log_mask(LOG_GUEST_ERROR, "plic: write to reserved offset 0x%" HWADDR_PRIx "\n",
                  addr);
}

static const MemoryRegionOps plic_ops = {
    .read = plic_read,
    .write = plic_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 4, .max_access_size = 4},
};

/* "MS,MS" -> modes per context; checks each hart's modes are distinct. */
static bool plic_parse_hart_config(SiFivePLICState *s, Error **errp)
{
    g_autofree char *def = NULL;
    const char *cfg = s->hart_config;
    GArray *modes = g_array_new(false, false, sizeof(PLICMode));
    GArray *harts = g_array_new(false, false, sizeof(uint32_t));
    unsigned hart = 0;
    bool ok = true;

    if (!cfg || !*cfg) {
        GString *str = g_string_new(NULL);
        for (unsigned i = 0; i < s->num_harts; i++) {
            g_string_append(str, i ? ",MS" : "MS");
        }
        cfg = def = g_string_free(str, false);
    }
    gchar **parts = g_strsplit(cfg, ",", -1);
    for (; parts[hart]; hart++) {
        unsigned seen = 0;
        if (!parts[hart][0]) {
            error_setg(errp, "plic: empty entry %u in hart-config '%s'", hart, cfg);
            ok = false;
            break;
        }
        for (const char *c = parts[hart]; *c; c++) {
            PLICMode m;
            switch (*c) {
            case 'M': m = PLIC_MODE_M; break;
            case 'S': m = PLIC_MODE_S; break;
            case 'U': m = PLIC_MODE_U; break;
            default:
                error_setg(errp, "plic: invalid mode '%c' in hart-config '%s'", *c, cfg);
                ok = false;
                goto out;
            }
            if (seen & (1u << m)) {
                error_setg(errp, "plic: mode '%c' repeated in hart-config '%s'", *c, cfg);
                ok = false;
                goto out;
            }
            seen |= 1u << m;
            uint32_t hartid = s->hartid_base + hart;
            g_array_append_val(modes, m);
            g_array_append_val(harts, hartid);
        }
    }
out:
    g_strfreev(parts);
    if (ok) {
        s->num_harts = hart;
        s->num_contexts = modes->len;
        s->context_mode = (PLICMode *)g_array_free(modes, false);
        s->context_hartid = (uint32_t *)g_array_free(harts, false);
    } else {
        g_array_free(modes, true);
        g_array_free(harts, true);
    }
    return ok;
}

static void plic_realize(DeviceState *dev, Error **errp)
{
    SiFivePLICState *s = SIFIVE_PLIC(dev);

    if (s->num_sources == 0 || s->num_sources > 1023) {
        error_setg(errp, "plic: num-sources must be 1..1023 (riscv-plic-spec §1), got %u",
                   s->num_sources);
        return;
    }
    if (s->num_priorities == 0) {
        error_setg(errp, "plic: num-priorities must be nonzero");
        return;
    }
    if (!plic_parse_hart_config(s, errp)) {
        return;
    }
    if (s->num_contexts == 0) {
        error_setg(errp, "plic: no contexts (num-harts is 0)");
        return;
    }
    s->bitfield_words = (s->num_sources + 1 + 31) / 32;
    if (s->enable_stride < s->bitfield_words * 4 || s->context_stride < 8) {
        error_setg(errp, "plic: enable-stride/context-stride too small for %u sources",
                   s->num_sources);
        return;
    }
    if ((uint64_t)s->context_base + (uint64_t)s->num_contexts * s->context_stride >
        s->aperture_size) {
        error_setg(errp, "plic: %u contexts do not fit in aperture-size 0x%x",
                   s->num_contexts, s->aperture_size);
        return;
    }
    s->source_priority = g_new0(uint32_t, s->num_sources + 1);
    s->pending = g_new0(uint32_t, s->bitfield_words);
    s->claimed = g_new0(uint32_t, s->bitfield_words);
    s->level = g_new0(uint32_t, s->bitfield_words);
    s->threshold = g_new0(uint32_t, s->num_contexts);
    s->enable = g_new0(uint32_t, s->num_contexts * s->bitfield_words);
    s->outputs = g_new0(qemu_irq, s->num_contexts);

    memory_region_init_io(&s->mmio, OBJECT(dev), &plic_ops, s, TYPE_SIFIVE_PLIC,
                          s->aperture_size);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->mmio);
    qdev_init_gpio_in(dev, plic_irq_request, s->num_sources + 1);
    qdev_init_gpio_out(dev, s->outputs, s->num_contexts);
}

static void plic_reset(DeviceState *dev)
{
    SiFivePLICState *s = SIFIVE_PLIC(dev);

    if (!s->source_priority) {
        return;
    }
    memset(s->source_priority, 0, (s->num_sources + 1) * sizeof(uint32_t));
    memset(s->claimed, 0, s->bitfield_words * sizeof(uint32_t));
    memset(s->threshold, 0, s->num_contexts * sizeof(uint32_t));
    memset(s->enable, 0, s->num_contexts * s->bitfield_words * sizeof(uint32_t));
    /* Lines that are high stay requested through the gateways. */
    memcpy(s->pending, s->level, s->bitfield_words * sizeof(uint32_t));
    plic_update(s);
}

static void plic_instance_finalize(Object *obj)
{
    SiFivePLICState *s = SIFIVE_PLIC(obj);

    memory_region_finalize(&s->mmio);
    g_free(s->context_mode);
    g_free(s->context_hartid);
    g_free(s->source_priority);
    g_free(s->pending);
    g_free(s->claimed);
    g_free(s->level);
    g_free(s->threshold);
    g_free(s->enable);
    g_free(s->outputs);
}

int sifive_plic_context(SiFivePLICState *s, unsigned hart, PLICMode mode)
{
    for (unsigned ctx = 0; ctx < s->num_contexts; ctx++) {
        if (s->context_hartid[ctx] == s->hartid_base + hart && s->context_mode[ctx] == mode) {
            return ctx;
        }
    }
    return -1;
}

static const Property plic_props[] = {
    DEFINE_PROP_STRING("hart-config", SiFivePLICState, hart_config),
    DEFINE_PROP_UINT32("num-harts", SiFivePLICState, num_harts, 1),
    DEFINE_PROP_UINT32("hartid-base", SiFivePLICState, hartid_base, 0),
    DEFINE_PROP_UINT32("num-sources", SiFivePLICState, num_sources, 96),
    DEFINE_PROP_UINT32("num-priorities", SiFivePLICState, num_priorities, 7),
    DEFINE_PROP_UINT32("priority-base", SiFivePLICState, priority_base,
                       SIFIVE_PLIC_PRIORITY_BASE),
    DEFINE_PROP_UINT32("pending-base", SiFivePLICState, pending_base,
                       SIFIVE_PLIC_PENDING_BASE),
    DEFINE_PROP_UINT32("enable-base", SiFivePLICState, enable_base,
                       SIFIVE_PLIC_ENABLE_BASE),
    DEFINE_PROP_UINT32("enable-stride", SiFivePLICState, enable_stride,
                       SIFIVE_PLIC_ENABLE_STRIDE),
    DEFINE_PROP_UINT32("context-base", SiFivePLICState, context_base,
                       SIFIVE_PLIC_CONTEXT_BASE),
    DEFINE_PROP_UINT32("context-stride", SiFivePLICState, context_stride,
                       SIFIVE_PLIC_CONTEXT_STRIDE),
    DEFINE_PROP_UINT32("aperture-size", SiFivePLICState, aperture_size, 0x4000000),
    DEFINE_PROP_END_OF_LIST(),
};

static void plic_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "SiFive platform-level interrupt controller";
    dc->realize = plic_realize;
    dc->reset = plic_reset;
    object_class_set_props(klass, plic_props);
}

static const TypeInfo plic_info = {
    .name = TYPE_SIFIVE_PLIC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(SiFivePLICState),
    .desc = "SiFive platform-level interrupt controller",
    .class_init = plic_class_init,
    .instance_finalize = plic_instance_finalize,
};

static void plic_register_types(void)
{
    type_register_static(&plic_info);
}
type_init(plic_register_types)

DeviceState *sifive_plic_create(hwaddr base, uint32_t num_harts, uint32_t hartid_base,
                                uint32_t num_sources, uint32_t num_priorities,
                                uint32_t aperture_size, Error **errp)
{
    const IntcUintProp props[] = {
        {"num-harts", num_harts},
        {"hartid-base", hartid_base},
        {"num-sources", num_sources},
        {"num-priorities", num_priorities},
        {"aperture-size", aperture_size},
    };

    return intc_sysbus_create(TYPE_SIFIVE_PLIC, base, props, ARRAY_SIZE(props), errp);
}
